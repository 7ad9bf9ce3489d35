"""Sensitivity (OAT, Morris, Sobol via SALib) on the compiled reference chat service."""

import json

import numpy as np
import pytest

from conftest import ROOT
from lca.cli import main

CHAT = ROOT / "tests" / "data" / "services" / "chat-70b-h100-throughput.yaml"  # given throughput


@pytest.fixture(scope="module")
def model(data_dir):
    from lca.api import compile

    return compile(CHAT, data_dir=data_dir)


def test_oat_is_the_model_at_the_quantiles(model):
    from lca.analysis.sensitivity import oat

    frame = oat(model)
    row = frame[(frame.indicator == "climate_change") &
                (frame.parameter == "gpu_power_serving_w")].iloc[0]
    # triangular(300, 400, 700): quantiles by hand from the inverse CDF
    c = (400 - 300) / 400
    lo = 300 + np.sqrt(0.025 * 400 * 100) if 0.025 < c else None
    hi = 700 - np.sqrt((1 - 0.975) * 400 * 300)
    assert row.value_low == pytest.approx(lo) and row.value_high == pytest.approx(hi)
    direct = model.evaluate(model.parameter_values(1, fixed={"gpu_power_serving_w":
                                                             np.array([hi])}))["total"][0, 0]
    assert row.result_high == pytest.approx(direct, rel=1e-12)
    # GPU power only acts on inference electricity, which grows with it
    assert row.swing > 0


def test_sobol_ranks_demand_first_and_idle_parameters_near_zero(model):
    from lca.analysis.sensitivity import sobol

    frame = sobol(model, base_samples=4096, seed=1)
    gwp = frame[frame.indicator == "climate_change"].set_index("parameter")
    assert gwp["ST"].idxmax() == "requests_per_day"
    assert gwp.loc["hardware_utilisation", "ST"] < 0.01
    # first-order indices add up to at most 1, within their estimated confidence
    assert gwp["S1"].sum() <= 1 + gwp["S1_conf"].sum()


def test_morris_and_unknown_parameter(model):
    from lca.analysis.sensitivity import morris
    from lca.errors import InputError

    frame = morris(model, ["gpu_power_serving_w", "dc_load_factor"], trajectories=20, seed=2)
    gwp = frame[frame.indicator == "climate_change"].set_index("parameter")
    assert gwp.loc["gpu_power_serving_w", "mu_star"] > gwp.loc["dc_load_factor", "mu_star"]
    with pytest.raises(InputError, match="no uncertain parameter named pue_x"):
        morris(model, ["pue_x"])


def test_cli_sobol_json_and_figure(project, tmp_path, capsys):
    fig = tmp_path / "sobol.png"
    assert main(["--data-dir", str(project), "sensitivity", str(CHAT), "--method", "sobol",
                 "--samples", "256", "--seed", "3", "--format", "json", "--out", str(fig)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"indicator", "parameter", "S1", "S1_conf", "ST", "ST_conf"} <= set(rows[0])
    assert fig.read_bytes()[:4] == b"\x89PNG"


def test_given_bounds_for_fixed_parameters(model, project, capsys):
    """A fixed parameter (pue) gets a range: OAT evaluates exactly at the bounds, Sobol on
    22 parameters (11 distributions, two of them the accelerator's embodied GWP and ADP
    ranges of issue 14, + 11 ranges) ranks it, and bad bounds are refused."""
    from lca.analysis.sensitivity import oat, sobol, uncertain_parameters
    from lca.errors import InputError

    frame = oat(model, ["pue"], bounds={"pue": (1.1, 1.5)})
    row = frame[frame.indicator == "climate_change"].iloc[0]
    assert (row.value_low, row.value_high) == (1.1, 1.5)
    at = model.evaluate(model.parameter_values(1, fixed={"pue": np.array([1.5])}))["total"]
    assert row.result_high == pytest.approx(at[0, 0], rel=1e-12) and row.swing > 0

    fixed = [p.name for p in model.spec.parameters if not p.formula and p.distribution is None
             and p.name != "training_power_includes_pue"]
    bounds = {n: (0.8 * p.amount, 1.2 * p.amount) if p.amount else (0.0, 1.0)
              for n in fixed for p in model.spec.parameters if p.name == n}
    assert len(uncertain_parameters(model, bounds=bounds)) == 22
    gwp = sobol(model, base_samples=256, seed=1, bounds=bounds)
    gwp = gwp[gwp.indicator == "climate_change"].set_index("parameter")
    assert len(gwp) == 22 and gwp.loc["pue", "ST"] > gwp.loc["host_mass_kg", "ST"]

    with pytest.raises(InputError, match="not a free parameter"):
        oat(model, bounds={"nonexistent": (0, 1)})
    with pytest.raises(InputError, match="low < high"):
        oat(model, bounds={"pue": (1.5, 1.1)})
    assert main(["--data-dir", str(project), "sensitivity", str(CHAT), "--params", "pue",
                 "--bounds", "pue=1.1", "--format", "json"]) == 2
    assert "expected NAME=LOW:HIGH, found 'pue=1.1'" in capsys.readouterr().err


def test_sobol_second_order_on_one_indicator(model):
    """S2 for each pair, for the indicators asked only; an unknown indicator is refused."""
    from lca.analysis.sensitivity import sobol
    from lca.errors import InputError

    frame = sobol(model, ["gpu_power_serving_w", "requests_per_day", "dc_load_factor"],
                  base_samples=256, seed=5, second_order=True, indicators=["climate_change"])
    assert set(frame.indicator) == {"climate_change"} and len(frame) == 3
    s2 = frame.attrs["S2"]
    assert len(s2) == 3 and {"parameter_a", "parameter_b", "S2", "S2_conf"} <= set(s2.columns)
    with pytest.raises(InputError, match="unknown indicator"):
        sobol(model, base_samples=64, indicators=["carbon"])


def test_salib_problem_and_negative_lognormal_flip():
    """Each parameter's SALib entry comes from its distribution, and a sample of a
    stats_arrays ``negative`` lognormal (SALib draws it positive) reaches the model
    negative; other columns pass unchanged."""
    from SALib.sample import sobol as sample

    from lca.analysis.sensitivity import _evaluate, _salib_problem
    from lca.core.compiled import ParameterSpec
    from lca.data.distributions import Lognormal, Triangular

    params = [ParameterSpec("credit", -2.0, None, Lognormal(np.log(2.0), 0.2, negative=True)),
              ParameterSpec("pue", 1.2, None, Triangular(1.1, 1.2, 1.6))]
    problem = _salib_problem(params)
    assert problem["dists"] == ["lognorm", "triang"]
    assert problem["bounds"] == [[np.log(2.0), 0.2], [1.1, 1.6, pytest.approx(0.2)]]

    class Recorder:  # stands in for a CompiledModel: records the parameter values given
        def parameter_values(self, n, *, fixed):
            self.fixed = fixed
            return fixed

        def evaluate(self, values):
            return {"total": np.zeros((len(values["pue"]), 1))}

    X = sample.sample(problem, 64, calc_second_order=False, seed=1)
    recorder = Recorder()
    _evaluate(recorder, problem["names"], X, params)
    np.testing.assert_array_equal(recorder.fixed["credit"], -X[:, 0])
    np.testing.assert_array_equal(recorder.fixed["pue"], X[:, 1])
    assert np.all(recorder.fixed["credit"] < 0)
