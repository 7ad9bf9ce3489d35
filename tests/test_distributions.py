"""lca.data.distributions: each distribution against its analytic moments and scipy's
quantiles, its support, its SALib entry, and the one reader of stats_arrays fields."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from scipy import stats

from lca.data.distributions import (Lognormal, Normal, Triangular, Uniform,
                                    from_stats_arrays)

N = 400_000  # draws per moment check: the tolerances below are >= 5 standard errors


def _moments(d):
    """Analytic mean and standard deviation of each distribution."""
    if isinstance(d, Lognormal):
        mean = math.exp(d.mu + d.sigma ** 2 / 2)
        sd = mean * math.sqrt(math.expm1(d.sigma ** 2))
        return (-mean if d.negative else mean), sd
    if isinstance(d, Normal):
        return d.mean, d.sd
    if isinstance(d, Uniform):
        return (d.low + d.high) / 2, (d.high - d.low) / math.sqrt(12)
    a, c, b = d.low, d.mode, d.high  # triangular
    return (a + b + c) / 3, math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)


CASES = {
    "lognormal": Lognormal(mu=math.log(2.0), sigma=0.3),
    "lognormal-negative": Lognormal(mu=math.log(2.0), sigma=0.3, negative=True),
    "normal": Normal(mean=5.0, sd=0.5),
    "uniform": Uniform(low=1.1, high=1.6),
    "triangular": Triangular(low=100.0, mode=400.0, high=1000.0),
}
#: the same distributions in scipy (the reference for quantiles)
SCIPY = {
    "lognormal": stats.lognorm(s=0.3, scale=2.0),
    "normal": stats.norm(5.0, 0.5),
    "uniform": stats.uniform(1.1, 0.5),
    "triangular": stats.triang(300.0 / 900.0, loc=100.0, scale=900.0),
}


@pytest.mark.parametrize("name", list(CASES))
def test_sample_mean_and_sd_match_the_analytic_values(name):
    d = CASES[name]
    x = d.sample(N, np.random.default_rng(42))
    mean, sd = _moments(d)
    assert x.shape == (N,) and x.dtype == np.float64
    # standard error of the mean is sd / sqrt(N) ~ sd / 632; 5 of them ~ 0.8 % of sd
    assert x.mean() == pytest.approx(mean, abs=5 * sd / math.sqrt(N))
    assert x.std(ddof=1) == pytest.approx(sd, rel=0.01)


@pytest.mark.parametrize("name", list(SCIPY))
@pytest.mark.parametrize("level", [0.5, 0.9, 0.95])
def test_interval_equals_scipy_quantiles(name, level):
    tail = (1 - level) / 2
    expected = SCIPY[name].ppf([tail, 1 - tail])
    np.testing.assert_allclose(CASES[name].interval(level), expected, rtol=1e-12)


def test_negative_lognormal_interval_is_the_mirror_of_the_positive_one():
    low, high = CASES["lognormal"].interval(0.95)
    assert CASES["lognormal-negative"].interval(0.95) == pytest.approx((-high, -low),
                                                                       rel=1e-12)


@pytest.mark.parametrize("name,support", [
    ("lognormal", (0.0, math.inf)), ("lognormal-negative", (-math.inf, 0.0)),
    ("normal", (-math.inf, math.inf)), ("uniform", (1.1, 1.6)),
    ("triangular", (100.0, 1000.0))])
def test_support_holds_every_draw(name, support):
    d = CASES[name]
    assert d.support == support
    x = d.sample(10_000, np.random.default_rng(1))
    assert np.all((x >= support[0]) & (x <= support[1]))


@pytest.mark.parametrize("name", list(CASES))
def test_salib_entry_maps_back_to_the_right_quantiles(name):
    """SALib's own rescaling of uniform [0, 1) points, mapped through ``from_salib``, gives
    this distribution's quantiles at those points (at 1 - q for a negative lognormal:
    SALib samples its positive mirror, so the map is decreasing, and the distribution the
    same)."""
    from SALib.util import _nonuniform_scale_samples

    d = CASES[name]
    bounds, dist = d.salib()
    q = np.array([0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99])
    scaled = _nonuniform_scale_samples(q[:, None], [bounds], [dist])[:, 0]
    expected = d.ppf(1 - q) if getattr(d, "negative", False) else d.ppf(q)
    np.testing.assert_allclose(d.from_salib(scaled), expected, rtol=1e-10)


def test_salib_sample_of_a_negative_lognormal_is_negative():
    from SALib.sample import sobol

    d = CASES["lognormal-negative"]
    bounds, dist = d.salib()
    X = sobol.sample({"num_vars": 1, "names": ["x"], "bounds": [bounds], "dists": [dist]},
                     64, calc_second_order=False, seed=1)
    assert np.all(d.from_salib(X[:, 0]) < 0)


def test_triangular_peak_at_the_maximum_stays_a_valid_salib_entry():
    """SALib refuses a peak fraction of 1; the entry takes it a rounding step below."""
    (low, high, peak), dist = Triangular(1.0, 3.0, 3.0).salib()
    assert (low, high, dist) == (1.0, 3.0, "triang") and 1 - 1e-15 < peak < 1


def test_from_stats_arrays_lognormal():
    d = from_stats_arrays({"uncertainty type": 2, "loc": 0.5, "scale": 0.2}, 1.7)
    assert d == Lognormal(0.5, 0.2, False)


def test_from_stats_arrays_negative_lognormal():
    d = from_stats_arrays({"uncertainty type": 2, "loc": 0.5, "scale": 0.2,
                           "negative": True}, -1.6)
    assert d == Lognormal(0.5, 0.2, True)
    assert np.all(d.sample(100, np.random.default_rng(0)) < 0)


def test_from_stats_arrays_normal_and_uniform():
    assert from_stats_arrays({"uncertainty type": 3, "loc": 2.0, "scale": 0.1}) == \
        Normal(2.0, 0.1)
    assert from_stats_arrays({"uncertainty_type": 4, "loc": 1.2, "minimum": 1.1,
                              "maximum": 1.6}) == Uniform(1.1, 1.6)


def test_from_stats_arrays_triangular_mode_is_the_amount_clipped_into_range():
    data = {"uncertainty type": 5, "loc": 0.6, "minimum": 0.4, "maximum": 0.8}
    assert from_stats_arrays(data, 0.7) == Triangular(0.4, 0.7, 0.8)
    assert from_stats_arrays(data) == Triangular(0.4, 0.6, 0.8)  # no amount: loc
    # a maximum stored as float32 can sit just below the float64 amount it came from
    above = float(np.nextafter(0.8, 1.0))
    assert from_stats_arrays(data, above) == Triangular(0.4, 0.8, 0.8)
    assert from_stats_arrays(data, 0.1) == Triangular(0.4, 0.4, 0.8)


@pytest.mark.parametrize("data", [{}, {"uncertainty type": 0}, {"uncertainty type": 1},
                                  {"uncertainty_type": None, "amount": 3.0}])
def test_from_stats_arrays_without_a_distribution_is_none(data):
    assert from_stats_arrays(data, 3.0) is None


def test_from_stats_arrays_refuses_an_unsupported_kind():
    with pytest.raises(ValueError) as exc:
        from_stats_arrays({"uncertainty type": 7, "minimum": 0.0, "maximum": 1.0})
    assert str(exc.value) == (
        "stats_arrays uncertainty type 7 is not supported; supported: 0/1 none, "
        "2 lognormal, 3 normal, 4 uniform, 5 triangular. Give the record one of these "
        "distributions (or none)")


@pytest.mark.parametrize("name", list(CASES))
def test_stats_arrays_round_trip_and_pickle(name):
    d = CASES[name]
    mode = d.mode if isinstance(d, Triangular) else None
    assert from_stats_arrays(d.stats_arrays(), mode) == d
    assert pickle.loads(pickle.dumps(d)) == d


def test_describe_states_the_geometric_standard_deviation():
    """GSD = exp(sigma) (the report used to print exp(2 sigma) under that name)."""
    assert Lognormal(0.0, math.log(1.5)).describe() == "lognormal, GSD 1.5"
    assert Normal(5.0, 0.5).describe() == "normal, sd 0.5"
    assert Uniform(1.1, 1.6).describe() == "uniform 1.1-1.6"
    assert Triangular(100.0, 400.0, 1000.0).describe() == "triangular 100-1000, mode 400"


def test_same_seed_same_draws_as_the_generator_method():
    """Sampling is the Generator's own method, so a seed's Monte Carlo draws do not move."""
    d = Triangular(0.4, 0.6, 0.8)
    expected = np.random.default_rng(3).triangular(0.4, 0.6, 0.8, size=1000)
    np.testing.assert_array_equal(d.sample(1000, np.random.default_rng(3)), expected)
    d = Lognormal(1.0, 0.5, negative=True)
    expected = -np.random.default_rng(3).lognormal(1.0, 0.5, size=1000)
    np.testing.assert_array_equal(d.sample(1000, np.random.default_rng(3)), expected)


def test_report_describes_a_parameter_row():
    """The report's parameter table describes a row of lca.bw.contributions.parameters
    through the same objects (a triangular peaks at the row's amount)."""
    from lca.report.html import _distribution

    row = {"amount": 0.6, "uncertainty_type": 5, "loc": 0.6, "scale": None,
           "minimum": 0.4, "maximum": 0.8, "negative": False}
    assert _distribution(row) == "triangular 0.4-0.8, mode 0.6"
    row = {"amount": 5e7, "uncertainty_type": 2, "loc": math.log(5e7), "scale": math.log(3),
           "minimum": None, "maximum": None, "negative": False}
    assert _distribution(row) == "lognormal, GSD 3"
    assert _distribution({"amount": 1.0, "uncertainty_type": 0}) == ""
