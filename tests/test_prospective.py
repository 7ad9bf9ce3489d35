"""Issue 7: ICT/AI trajectories, prospective assess and the ``outlook`` command.

Hand calculations use SSP1-1.9 from inventories/scenarios/ssp_co2.csv (RCMIP):
W(2020) = (9.965524 + 0.866597) GtC x 44.01/12.011 = 39.690422 Gt CO2,
W(2030) = (6.133244 + 0.101605) x 3.664141 = 22.845369 Gt,
W(2040) = (2.480986 + 0.377587) x 3.664141 = 10.474217 Gt.
ICT(2020) = 4 % x 39.690422 = 1.587617 Gt.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from lca.errors import InputError
from lca.prospective import trajectories as tr
from lca.prospective.scenarios import load_scenarios
from lca.prospective.service import Prospect, efficiency_factor
from tests.conftest import ROOT, run_cli

SERVICE = ROOT / "inventories" / "services" / "chat-70b-h100.yaml"


@pytest.fixture(scope="module")
def talk():
    """The talk's two cases: +6 %/yr and constant, from 4 % in 2020, SSP1-1.9."""
    return tr.run("SSP1-1.9", [0.06, 0.0], ict_share=0.04, base_year=2020)


def _at(outlook, growth, year, col):
    f = outlook.frame
    return float(f.loc[(f["ict_growth"] == growth) & (f["year"] == year), col].iloc[0])


def test_ict_share_at_6_percent_by_hand(talk):
    # 2030: 1.587617 x 1.06^10 (1.790848) = 2.843180 Gt; / 22.845369 = 0.124453
    assert _at(talk, 0.06, 2030, "ict_gt") == pytest.approx(2.843180, abs=1e-6)
    assert _at(talk, 0.06, 2030, "ict_share") == pytest.approx(0.124453, abs=1e-6)
    # 2040: 1.587617 x 1.06^20 (3.207135) = 5.091702 Gt; / 10.474217 = 0.486118
    assert _at(talk, 0.06, 2040, "ict_gt") == pytest.approx(5.091702, abs=1e-6)
    assert _at(talk, 0.06, 2040, "ict_share") == pytest.approx(0.486118, abs=1e-6)


def test_ict_share_constant_by_hand(talk):
    # 1.587617 / 22.845369 = 0.069494 (2030); 1.587617 / 10.474217 = 0.151574 (2040)
    assert _at(talk, 0.0, 2030, "ict_share") == pytest.approx(0.069494, abs=1e-6)
    assert _at(talk, 0.0, 2040, "ict_share") == pytest.approx(0.151574, abs=1e-6)


def test_summary_years_and_budget(talk):
    s = talk.summary.set_index("ict_growth")
    # +6 %: share 10 % first reached in 2029; ICT >= world net CO2 from 2045 (world 2045 ~ 5.3 Gt)
    assert s.loc[0.06, "year_ict_over_10%"] == 2029
    assert s.loc[0.06, "year_ict_over_world"] == 2045
    f = talk.frame[talk.frame["ict_growth"] == 0.06].set_index("year")
    assert f.loc[2044, "ict_gt"] < f.loc[2044, "world_net_co2_gt"]
    assert f.loc[2045, "ict_gt"] >= f.loc[2045, "world_net_co2_gt"]
    # cumulative from 2020 (AR6 SPM.2 convention) against 500 Gt; ICT +6 %: sum_{k=0}^{30}
    # 1.587617 x 1.06^k = 1.587617 x (1.06^31 - 1) / 0.06 = 134.63 Gt = 26.9 % of the budget
    assert _at(talk, 0.06, 2050, "ict_cumulative_gt") == pytest.approx(
        1.587617 * (1.06 ** 31 - 1) / 0.06, rel=1e-6)
    assert s.loc[0.06, "ict_cumulative_2050_pct_budget"] == pytest.approx(26.93, abs=0.01)
    assert _at(talk, 0.0, 2050, "ict_cumulative_gt") == pytest.approx(31 * 1.587617, rel=1e-6)
    assert _at(talk, 0.0, 2020, "budget_left_gt") == pytest.approx(500 - 39.690422, abs=1e-5)


def test_budget_counts_from_2020_whatever_the_base_year():
    """World emissions 2020-2024 count against the budget even when ICT starts in 2025."""
    data = load_scenarios()
    late = tr.run("SSP2-4.5", [0.06], base_year=2025).frame.set_index("year")
    world = data.series("SSP2-4.5")
    assert late.loc[2030, "world_cumulative_gt"] == pytest.approx(
        world.loc[2020:2030].sum(), rel=1e-12)
    assert late.loc[2030, "budget_left_gt"] == pytest.approx(
        500 - world.loc[2020:2030].sum(), rel=1e-12)


def test_share_is_undefined_when_world_is_net_negative(talk):
    f = talk.frame[(talk.frame["year"] == 2100)]
    assert (f["world_net_co2_gt"] < 0).all() and f["ict_share"].isna().all()


def _slice(**kw):
    base = dict(kg_per_unit=1e-4, grid_share=0.6, grid_g_per_kwh=400.0, units_per_year=1e12,
                growth=0.2, doubling_years=2.6, rebound=0.0, base_year=2023)
    return tr.AISlice(**(base | kw))


def _ai(ai, scenario="SSP2-4.5", years=(2023, 2030, 2040)):
    data = load_scenarios()
    from lca.prospective.scenarios import grid_index

    years = np.array(years)
    idx = np.array([grid_index(data, scenario, int(y)) for y in years])
    return tr.ai_emissions_gt(ai, years, idx, data.parameter("grid_floor_g_per_kwh"))


def test_ai_slice_in_base_year_is_footprint_times_demand():
    # 1e-4 kg x 1e12 requests = 1e8 kg = 1e-4 Gt, whatever the trends
    assert _ai(_slice())[0] == pytest.approx(1e-4, rel=1e-12)


def test_koomey_and_rebound_move_results_the_right_way():
    base = _ai(_slice())[1:]
    assert (_ai(_slice(doubling_years=1.5))[1:] < base).all()     # faster gains: less
    assert (_ai(_slice(doubling_years=None))[1:] > base).all()    # no gains: more
    assert (_ai(_slice(rebound=0.5))[1:] > base).all()            # rebound takes gains back
    assert (_ai(_slice(rebound=1.5))[1:] > _ai(_slice(doubling_years=None))[1:]).all()  # backfire
    # full rebound (elasticity 1): emissions no longer depend on the efficiency trend
    np.testing.assert_allclose(_ai(_slice(rebound=1.0, doubling_years=1.5)),
                               _ai(_slice(rebound=1.0, doubling_years=4.0)), rtol=1e-12)
    # a cleaner grid lowers only the grid share: SSP1-1.9 < SSP5-8.5 after 2023
    assert (_ai(_slice(), "SSP1-1.9")[1:] < _ai(_slice(), "SSP5-8.5")[1:]).all()


def test_efficiency_factor_by_hand():
    # 12 years at a 2.6-year doubling: 2^(-12/2.6) = 0.040891
    assert efficiency_factor(2035, 2023, 2.6) == pytest.approx(2 ** (-12 / 2.6), rel=1e-12)
    assert efficiency_factor(2035, 2023, None) == 1.0


def test_bad_inputs_name_the_options():
    with pytest.raises(InputError, match="unknown scenario 'SSP9-9.9'; use one of: SSP1-1.9"):
        tr.run("SSP9-9.9")
    with pytest.raises(InputError, match="year 2200 is out of range; the scenario data cover "
                                         "2023-2100"):
        Prospect.of(2200, "SSP2-4.5")
    with pytest.raises(InputError, match="needs both --year and --scenario"):
        Prospect.of(2035, None)
    with pytest.raises(InputError, match="no AR6 budget for 1.6 degC"):
        tr.run("SSP1-1.9", budget_limit_c=1.6)


def test_apply_prospect_takes_present_grids_as_numbers():
    """The pure part, without Brightway: the grids to solve are listed, and the present
    intensity passed in is the one the companion and the provenance use."""
    from lca.data.service import Service, ServiceFile
    from lca.model.genai import build
    from lca.prospective.service import apply_prospect, grids_to_solve
    from tests import test_model_formulas as m

    svc = ServiceFile.model_validate({
        "format": "genai-lca/service@1", "service": {"id": "test", "name": "test"},
        "model": m.model("throughput").model_dump(),
        "parameters": [q.model_dump(exclude_none=True)
                       for q in m.SITE + m.SERVING + m.THROUGHPUT]})
    service = Service(svc, "test.yaml", "0" * 64)
    inv, _, _ = build(service, m.known())
    assert grids_to_solve(inv, m.known(), service) == [m.GRID]
    prospect = Prospect.of(2035, "SSP2-4.5", doubling_years=0)
    applied = apply_prospect(inv, m.known(), service, prospect, {m.GRID: 0.4})
    (row,) = applied.provenance["grid"]["activities"]
    # I0 = 400 g/kWh as given; I(2035) = F + (400 - F) x index
    floor = prospect.floor_g_per_kwh
    assert row["present_g_per_kwh"] == 400.0
    assert row["prospective_g_per_kwh"] == pytest.approx(
        floor + (400.0 - floor) * prospect.grid_index, rel=1e-12)
    with pytest.raises(ValueError, match="needs the present GHG of grid "
                                         "'genai-electricity/electricity-USA'"):
        apply_prospect(inv, m.known(), service, prospect, {})


# ------------------------------------------------------------------ prospective assess
@pytest.fixture(scope="module")
def assessed(data_dir):
    from lca.api import assess

    present = assess(SERVICE, data_dir=data_dir)
    grid_only = assess(SERVICE, data_dir=data_dir, year=2035, scenario="SSP2-4.5",
                       doubling_years=0)
    full = assess(SERVICE, data_dir=data_dir, year=2035, scenario="SSP2-4.5")
    return present, grid_only, full


def test_prospective_grid_changes_exactly_the_grid_part(assessed):
    present, grid_only, _ = assessed
    info = grid_only.provenance["prospective"]["grid"]
    (grid,) = info["activities"]
    assert grid["activity"] == "genai-electricity/electricity-USA"
    # I(2035) = F + (I0 - F) x index, F = min(34.14, I0)
    floor = info["floor_g_per_kwh"]
    assert grid["prospective_g_per_kwh"] == pytest.approx(
        floor + (grid["present_g_per_kwh"] - floor) * info["index"], rel=1e-12)
    # same energy; the change is the service's grid kWh (all stages but manufacture, whose
    # electricity is the background's) x the change of intensity
    assert grid_only.energy_total_kwh == pytest.approx(present.energy_total_kwh, rel=1e-12)
    kwh = sum(v for k, v in present.energy_by_stage_kwh.items() if k != "manufacture")
    delta = (grid["prospective_g_per_kwh"] - grid["present_g_per_kwh"]) / 1000 * kwh
    # (rel 1e-6: the solved amounts carry ~5e-8 relative noise against float64 hand values)
    assert grid_only.indicators["climate_change"].total == pytest.approx(
        present.indicators["climate_change"].total + delta, rel=1e-6)
    assert delta < 0
    assert grid_only.indicators["water_consumption"].total == pytest.approx(
        present.indicators["water_consumption"].total, rel=1e-9)
    assert grid_only.service == "chat-70b-h100-ssp245-2035"


def test_prospective_efficiency_scales_energy_by_koomey(assessed):
    _, grid_only, full = assessed
    factor = 2 ** (-(2035 - 2023) / 2.6)
    # every stage's energy (training, inference, the embodied share's background
    # electricity) follows accelerator time: x 2^(-12/2.6) = 0.040797
    for stage, kwh in grid_only.energy_by_stage_kwh.items():
        assert full.energy_by_stage_kwh[stage] == pytest.approx(kwh * factor, rel=1e-6,
                                                                abs=1e-20), stage
    assert full.indicators["climate_change"].total < grid_only.indicators["climate_change"].total
    eff = full.provenance["prospective"]["efficiency"]
    assert eff["factor"] == pytest.approx(factor, rel=1e-12) and eff["doubling_years"] == 2.6
    # inference_gpu_hours_per_request derives from replica_hours_per_request: not scaled twice
    assert set(eff["parameters_scaled"]) == {"training_gpu_hours", "replica_hours_per_request"}
    assert [w["code"] for w in full.warnings].count("prospective") == 1
    assert full.service == "chat-70b-h100-ssp245-2035-k2.6"  # not the grid-only database


def test_ai_slice_from_the_assessment(assessed):
    from lca.data.service import load_service

    from lca.bw.grids import grid_kg_per_kwh
    from lca.bw.project import use_project
    from lca.data.files import method_names

    present = assessed[0]
    service = load_service(SERVICE)
    with use_project():
        usa = grid_kg_per_kwh([tr.service_grid(service)],
                              method_names()["climate_change"]["name"])
    ai = tr.ai_slice_from_assessment(present, service, requests_per_day=1e9,
                                     grid_g_per_kwh=usa[tr.service_grid(service)] * 1000)
    total = present.indicators["climate_change"].total
    kwh = sum(v for k, v in present.energy_by_stage_kwh.items() if k != "manufacture")
    assert ai.kg_per_unit == total and ai.units_per_year == 365e9
    # grid share = service grid kWh x USA intensity (0.3547 kg/kWh) / total, about 0.96
    assert ai.grid_share == pytest.approx(kwh * ai.grid_g_per_kwh / 1000 / total, rel=1e-12)
    assert 0.9 < ai.grid_share < 1 and ai.grid_g_per_kwh == pytest.approx(354.689, abs=1e-3)
    assert ai.doubling_years == 2.6 and ai.growth == 0.15 and ai.base_year == 2023


def test_present_grids_are_the_project_s(project):
    """One engine for present grid GHG: grid_intensity.csv's present column (what outlook
    uses without a service) is the project's solved score per kWh, to the table's rounding
    (3 decimals, in g CO2-eq/kWh)."""
    from lca.bw.grids import grid_kg_per_kwh
    from lca.data.files import method_names

    data = load_scenarios()
    regions = sorted(set(data.grid["region"]))
    solved = grid_kg_per_kwh([("genai-electricity", f"electricity-{r}") for r in regions],
                             method_names()["climate_change"]["name"])
    for r in regions:
        assert data.present_g_per_kwh(r) == pytest.approx(
            solved[("genai-electricity", f"electricity-{r}")] * 1000, abs=1e-3), r
    assert data.present_g_per_kwh("WORLD") == pytest.approx(436.958, abs=1e-3)
    with pytest.raises(InputError, match="cannot make grid 'genai-electricity/electricity-XXX'"):
        grid_kg_per_kwh([("genai-electricity", "electricity-XXX")], ("x",))


# ------------------------------------------------------------------ CLI
def test_cli_outlook_writes_the_chart_and_the_table(tmp_path):
    from PIL import Image

    out = tmp_path / "outlook.png"
    r = run_cli("outlook", "--scenario", "SSP1-1.9", "--ict-growth", "0.06", "--out", str(out))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "SSP1-1.9, ICT +6.0%/yr from 4.0% of world net CO2 in 2020"
    assert lines[2].split()[:4] == ["2020", "39.69", "1.588", "4.0"]
    row2030 = next(ln for ln in lines if ln.lstrip().startswith("2030 "))
    assert row2030.split()[1:5] == ["22.85", "2.843", "12.4", "%"]
    assert any(ln.lstrip().startswith("2100 ") for ln in lines)
    for path in (out, tmp_path / "outlook-budget.png"):
        img = np.asarray(Image.open(path).convert("L"))
        assert path.stat().st_size > 20_000 and img.shape[0] > 400 and img.std() > 10


def test_cli_outlook_json(tmp_path):
    r = run_cli("outlook", "-s", "SSP1-1.9,SSP5-8.5", "-g", "0.06", "-g", "0", "--format",
                "json", "--out", str(tmp_path / "o.svg"))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["parameters"]["budget_gt"] == 500 and len(doc["summary"]) == 4
    rec = next(y for y in doc["years"] if y["scenario"] == "SSP1-1.9" and y["year"] == 2040
               and y["ict_growth"] == 0.06)
    assert rec["ict_share"] == pytest.approx(0.486118, abs=1e-6)
    assert "rcmip-ssp-emissions-2020" in doc["sources"]
    assert (tmp_path / "o.svg").read_text().startswith("<?xml")


def test_cli_bad_inputs_exit_2():
    r = run_cli("outlook", "--scenario", "SSP9-9.9")
    assert r.returncode == 2 and "unknown scenario 'SSP9-9.9'; use one of:" in r.stderr
    r = run_cli("assess", str(SERVICE), "--year", "2200", "--scenario", "SSP2-4.5")
    assert r.returncode == 2
    assert r.stderr.strip() == ("error: field '--year': year 2200 is out of range; the "
                                "scenario data cover 2023-2100")


def test_market_based_electricity_is_kept(data_dir, tmp_path):
    """A supplier's contract factor does not follow the scenario: same result, and a
    warning says so (efficiency off to isolate the grid)."""
    from lca.api import assess

    text = SERVICE.read_text().replace("electricity: {location: USA}",
                                       "electricity: {location: USA, basis: market-based}")
    text = text.replace("parameters:\n", "parameters:\n  - {name: grid_gwp_kg_per_kwh, amount: "
                        "0.1, unit: kg CO2-Eq / kWh, source: genai-lca-reference-serving-"
                        "assumptions}\n", 1).replace("id: chat-70b-h100", "id: chat-market", 1)
    path = tmp_path / "market.yaml"
    path.write_text(text)
    present = assess(path, data_dir=data_dir)
    future = assess(path, data_dir=data_dir, year=2050, scenario="SSP1-1.9", doubling_years=0)
    assert future.indicators["climate_change"].total == pytest.approx(
        present.indicators["climate_change"].total, rel=1e-9)
    codes = {w["code"] for w in future.warnings}
    assert "prospective-market-based-kept" in codes
    assert future.provenance["prospective"]["grid"]["market_based_kept"] == [
        "genai-service-chat-market-ssp119-2050-inputs/electricity"]
