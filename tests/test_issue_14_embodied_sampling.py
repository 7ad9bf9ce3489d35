"""Monte Carlo over the catalogue's embodied ranges (issue 14): a catalogue accelerator's
embodied GWP and ADP are triangular (low, mode = central, high) over the published range;
the deterministic result stays the central one; the sampled manufacture stage follows the
triangle (analytic percentiles, within Monte Carlo error)."""

import csv
import importlib.util
import math

import numpy as np
import pytest

from conftest import ROOT

SERVICE = ROOT / "inventories" / "services" / "training-405b-h100.yaml"
H100 = "nvidia-h100-sxm-80gb"
#: training-405b-h100: 30.84 M GPU-hours / (5 years x 8760 h x 0.8) = 880.137 accelerators'
#: worth of the embodied footprint (the time share of its manufacture).
SHARE = 30.84e6 / (5 * 8760 * 0.8)
N = 20_000


def _script():
    spec = importlib.util.spec_from_file_location(
        "issue14_embodied_ranges", ROOT / "benchmarks" / "issue14_embodied_ranges.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def tri_ppf(p: float, a: float, c: float, b: float) -> float:
    """Quantile of the triangular distribution on [a, b] with mode c: a + sqrt(p (b-a)(c-a))
    below F(c) = (c-a)/(b-a), b - sqrt((1-p)(b-a)(b-c)) above."""
    if p < (c - a) / (b - a):
        return a + math.sqrt(p * (b - a) * (c - a))
    return b - math.sqrt((1 - p) * (b - a) * (b - c))


def tri_pdf(x: float, a: float, c: float, b: float) -> float:
    return 2 * (x - a) / ((b - a) * (c - a)) if x < c else 2 * (b - x) / ((b - a) * (b - c))


def test_issue_14_triangular_quantiles_by_hand():
    """H100 GWP, a = c = 137.558, b = 575: Q(p) = b - (b - a) sqrt(1 - p);
    Q(0.025) = 575 - 437.442 x 0.98742 = 143.06, Q(0.975) = 575 - 437.442 x 0.15811 = 505.84,
    mean (a + b + c) / 3 = 283.37."""
    a, c, b = 137.558, 137.558, 575.0
    assert tri_ppf(0.025, a, c, b) == pytest.approx(143.06, abs=0.01)
    assert tri_ppf(0.975, a, c, b) == pytest.approx(505.84, abs=0.01)
    from scipy import stats

    for p in (0.025, 0.5, 0.975):
        assert tri_ppf(p, 5.83e-3, 8.026e-3, 8.95e-3) == pytest.approx(
            stats.triang.ppf(p, (8.026e-3 - 5.83e-3) / 3.12e-3, 5.83e-3, 3.12e-3), rel=1e-9)


def test_issue_14_sampling_table_matches_the_catalogue(data_dir):
    """embodied_ranges.csv (what the builder reads) = the catalogue's bw2calc ranges, to 2 %
    (rewrite with benchmarks/issue14_embodied_ranges.py --write when this fails)."""
    from lca.data.embodied_ranges import SAMPLED_TABLE

    mod = _script()
    fresh = {(r["accelerator_id"], r["route"], r["indicator"]): r for r in mod.rows(data_dir)}
    with (ROOT / "inventories").joinpath(*SAMPLED_TABLE).open(encoding="utf-8") as fh:
        stored = {(r["accelerator_id"], r["route"], r["indicator"]): r
                  for r in csv.DictReader(fh)}
    assert set(stored) == set(fresh)
    for key, r in stored.items():
        for level in ("low", "central", "high"):
            assert float(r[level]) == pytest.approx(float(fresh[key][level]), rel=0.02), key


def test_issue_14_builder_gives_catalogue_accelerators_a_triangular_range():
    from lca.data.embodied_ranges import sampled

    h100 = sampled(H100, "bottom-up")
    assert set(h100) == {"climate_change", "abiotic_depletion_elements"}
    gwp = h100["climate_change"]
    assert (gwp["low"], gwp["central"], gwp["high"]) == pytest.approx((137.558, 137.558, 575))
    assert gwp["high_source"] == "boaviztapi-gpu-method-2024"
    assert sampled(H100, "vendor-pcf")["climate_change"]["central"] == pytest.approx(164.0)
    assert sampled("nvidia-l4-24gb", "bottom-up") == {}  # no published figure: no range
    assert sampled("no-such-accelerator", "bottom-up") == {}


@pytest.fixture(scope="module")
def monte_carlo(data_dir):
    from lca.api import assess, uncertainty

    det = assess(SERVICE, data_dir=data_dir)
    mc = uncertainty(SERVICE, N, seed=14, data_dir=data_dir)
    return det, mc


def _stage(mc, indicator: str) -> np.ndarray:
    return mc.by_stage[:, mc.stages.index("manufacture"), mc.indicators.index(indicator)]


@pytest.mark.parametrize("indicator", ["climate_change", "abiotic_depletion_elements"])
def test_issue_14_manufacture_samples_follow_the_catalogue_range(monte_carlo, indicator):
    """manufacture = SHARE x (accelerator + adjustment) + server share, the server fixed, so
    (sample - deterministic) / SHARE + central is the accelerator's draw: its 2.5 / 97.5 %
    percentiles and mean equal the triangle's, within 4 standard errors (percentile error
    sqrt(p (1 - p) / N) / pdf(Q); mean error sd / sqrt(N))."""
    from lca.data.embodied_ranges import sampled

    det, mc = monte_carlo
    r = sampled(H100, "bottom-up")[indicator]
    a, c, b = r["low"], r["central"], r["high"]
    assert mc.deterministic[mc.indicators.index(indicator)] == pytest.approx(
        det.indicators[indicator].total, rel=1e-9)
    draw = (_stage(mc, indicator) - det.indicators[indicator].by_stage["manufacture"]) / SHARE + c
    assert draw.min() >= a - 1e-9 * b and draw.max() <= b + 1e-9 * b
    for p in (0.025, 0.975):
        q = tri_ppf(p, a, c, b)
        se = math.sqrt(p * (1 - p) / N) / tri_pdf(q, a, c, b)
        assert np.percentile(draw, 100 * p) == pytest.approx(q, abs=4 * se), p
    sd = math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)
    assert draw.mean() == pytest.approx((a + b + c) / 3, abs=4 * sd / math.sqrt(N))


def test_issue_14_deterministic_result_is_the_central_value(monte_carlo, data_dir):
    """The adjustment exchange is zero at the central value: the assessed manufacture GWP
    equals SHARE x (H100 bottom-up + DGX H100 host / 8), both from the catalogue."""
    from lca.api import catalog

    det, _ = monte_carlo
    acc = {r["id"]: r for r in catalog("accelerators", data_dir=data_dir)}
    srv = {r["id"]: r for r in catalog("servers", data_dir=data_dir)}
    expected = SHARE * (acc[f"accelerator-{H100}"]["climate_change"]
                        + srv["server-nvidia-dgx-h100"]["climate_change"] / 8)
    assert det.indicators["climate_change"].by_stage["manufacture"] == pytest.approx(
        expected, rel=1e-6)
