"""Issue 16, boundary reconciliation: a small service computed by hand at every boundary,
a training campaign with idle energy, and the reference services (monotone energy from
gpu to facility, ``full`` = the assessment's total)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import ROOT
from lca.cli import main

DATA = ROOT / "tests" / "data" / "bounds"
SMALL = DATA / "small-throughput.yaml"
CAMPAIGN = DATA / "small-training.yaml"
REFERENCES = sorted((ROOT / "inventories" / "services").glob("*.yaml")) + \
    sorted((ROOT / "inventories" / "examples").glob("*.yaml"))
ENERGY_CHAIN = ("gpu", "it-active", "it-provisioned", "facility")
EXACT = {"abs": 1e-9, "rel": 1e-7}  # bw2calc solves in float64 from float32-rounded amounts

# The small service by hand, per request (tests/data/bounds/small-throughput.yaml):
# replica time 3.6 s = 0.001 h; 4 GPUs x 500 W = 2,000 W; host 4 / 8 x 1,000 W = 500 W.
GPU = 0.001 * 2000 / 1000            # 0.002 kWh
IT = 0.001 * (2000 + 500) / 1000     # 0.0025 kWh (no idle term in inference)
FACILITY = IT * 1.2                  # 0.003 kWh
LOCATION, MARKET = 0.5, 0.1          # kg CO2-eq / kWh (stated; market factor given)
# training: (1,000 GPU-h x 1 kW + 200 kWh idle) x PUE 1.2 = 1,440 kWh over 365,000 requests
TRAINING = (1000 * 1000 / 1000 + 200) * 1.2 / (1000 * 365 * 1)
FULL = FACILITY + TRAINING           # no embodied, end of life or infrastructure


@pytest.fixture(scope="module")
def small(data_dir):
    from lca.api import boundaries

    return boundaries(SMALL, data_dir=data_dir)


def test_small_service_energy_at_each_boundary_by_hand(small):
    expected = {"gpu": GPU, "it-active": IT, "it-provisioned": IT, "facility": FACILITY,
                "operational-location": FACILITY, "operational-market": FACILITY,
                "full": FULL}
    assert {b.id: b.energy_kwh for b in small.boundaries} == \
        {k: pytest.approx(v, **EXACT) for k, v in expected.items()}


def test_small_service_carbon_at_each_boundary_by_hand(small):
    expected = {"gpu": GPU * LOCATION, "it-active": IT * LOCATION,
                "it-provisioned": IT * LOCATION, "facility": FACILITY * LOCATION,
                "operational-location": FACILITY * LOCATION,
                "operational-market": FACILITY * MARKET, "full": FULL * LOCATION}
    assert {b.id: b.carbon_kg for b in small.boundaries} == \
        {k: pytest.approx(v, **EXACT) for k, v in expected.items()}


def test_small_service_multipliers_by_hand(small):
    energy = {b.id: b.energy_multiplier for b in small.boundaries}
    carbon = {b.id: b.carbon_multiplier for b in small.boundaries}
    assert energy["gpu"] is None and carbon["gpu"] is None  # the narrowest: nothing before
    assert energy["it-active"] == pytest.approx(2500 / 2000, rel=1e-7)  # host share
    assert energy["it-provisioned"] == pytest.approx(1.0, rel=1e-7)     # no idle term
    assert energy["facility"] == pytest.approx(1.2, rel=1e-7)           # PUE
    assert carbon["operational-location"] == pytest.approx(1.0, rel=1e-7)
    assert carbon["operational-market"] == pytest.approx(MARKET / LOCATION, rel=1e-7)
    assert carbon["full"] == pytest.approx(FULL / FACILITY, rel=1e-7)
    assert small["it-provisioned"].note.startswith("no idle term: the inference model")
    assert small.additions["training"]["energy_kwh"] == pytest.approx(TRAINING, **EXACT)
    assert small.grid["basis"] == "stated" and small.grid["market_kg_per_kwh"] == MARKET


def test_training_campaign_with_idle_energy_by_hand(data_dir):
    """1,000 GPU-h at 1 kW (no host term: gpu = it-active), + 200 kWh idle, x PUE 1.25,
    0.4 kg/kWh; no market factor: reported as not available, with the reason."""
    from lca.api import boundaries

    rec = boundaries(CAMPAIGN, data_dir=data_dir)
    assert rec.operational_stages == ["training"]
    energy = {b.id: b.energy_kwh for b in rec.boundaries}
    assert energy == {k: pytest.approx(v, rel=1e-7) for k, v in {
        "gpu": 1000, "it-active": 1000, "it-provisioned": 1200, "facility": 1500,
        "operational-location": 1500, "operational-market": 1500, "full": 1500}.items()}
    assert rec["it-provisioned"].energy_multiplier == pytest.approx(1.2, rel=1e-7)
    assert rec["operational-location"].carbon_kg == pytest.approx(600, rel=1e-7)
    assert rec["gpu"].note.startswith("the training model has no host term")
    market = rec["operational-market"]
    assert market.carbon_kg is None and market.carbon_multiplier is None
    assert market.note == ("not available: the service states no market-based factor; give "
                           "parameter 'grid_market_gwp_kg_per_kwh' (kg CO2-eq/kWh from the "
                           "supplier's contractual instruments, GHG Protocol Scope 2 "
                           "Guidance)")


@pytest.mark.parametrize("path", REFERENCES, ids=lambda p: p.stem)
def test_reference_services_are_monotone_and_full_is_the_total(data_dir, path):
    from lca.api import assess, boundaries

    rec, result = boundaries(path, data_dir=data_dir), assess(path, data_dir=data_dir)
    if not rec.operational_stages:  # stated impacts only: nothing to split, only 'full'
        assert result.energy_total_kwh == 0 and path.stem == "google-gemini-prompt-2025"
        assert [b.id for b in rec.boundaries if b.energy_kwh is not None] == ["full"]
        assert rec["full"].carbon_kg == result.indicators["climate_change"].total
        return
    chain = [rec[b].energy_kwh for b in ENERGY_CHAIN if rec[b].energy_kwh is not None]
    assert len(chain) >= 3
    assert all(a <= b * (1 + 1e-12) for a, b in zip(chain, chain[1:])), chain
    assert rec["full"].energy_kwh == result.energy_total_kwh
    assert rec["full"].carbon_kg == result.indicators["climate_change"].total
    assert rec["facility"].energy_kwh <= rec["full"].energy_kwh
    assert rec["operational-location"].carbon_kg <= rec["full"].carbon_kg * (1 + 1e-12)
    assert rec["operational-market"].carbon_kg is None  # no reference states a market factor
    if rec["gpu"].energy_kwh is None:  # measured energy: said why
        assert "measured" in rec["gpu"].note


def test_cli_boundaries_json_csv_table_and_out(data_dir, small, tmp_path, capsys):
    base = ["--quiet", "--data-dir", str(data_dir), "assess", str(SMALL), "--boundaries"]
    assert main(base + ["--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [b["id"] for b in data["boundaries"]] == [b.id for b in small.boundaries]
    assert data["boundaries"][0]["energy_kwh"] == small["gpu"].energy_kwh
    assert main(base + ["--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["boundary"] for r in rows][-1] == "full"
    assert float(rows[-1]["carbon_kg_co2_eq"]) == small["full"].carbon_kg
    assert main(base) == 0
    text = capsys.readouterr().out
    assert "operational-market" in text and "x1.2" in text
    out = tmp_path / "b.csv"
    assert main(base + ["--format", "csv", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("service,functional_unit,boundary")
    assert main(base + ["--out", str(tmp_path / "b.xlsx")]) == 2
    assert "--boundaries writes a table, JSON or CSV, not a workbook; got 'b.xlsx'" in \
        capsys.readouterr().err


def _result(energy: dict[str, float], climate: dict[str, float]):
    """An assessment made by hand (no Brightway): energy and climate change by stage."""
    from lca.results import AssessmentResult, Indicator

    ind = Indicator("climate_change", "Climate change", ("m",), "kg CO2-Eq",
                    sum(climate.values()), climate)
    return AssessmentResult("svc", "A service", {"id": "request", "name": "one request",
                                                 "amount": 1.0, "unit": "request"},
                            {"climate_change": ind}, sum(energy.values()), energy, {})


SERVING = {"pue": 1.25, "gpus_per_replica": 1, "gpu_power_serving_w": 300,
           "gpus_per_server": 8, "host_power_w": 800}


def test_market_based_service_needs_a_location_factor():
    """electricity.basis market-based: the result's own factor is the market one; the
    location-based carbon needs grid_location_gwp_kg_per_kwh. IT = 1 / 1.25 = 0.8 kWh; GPU
    share 300 / (300 + 800 / 8) = 0.75."""
    from lca.analysis.boundaries import reconcile

    result = _result({"inference": 1.0, "manufacture": 0.2},
                     {"inference": 0.3, "manufacture": 0.1})
    spec = {"electricity": {"basis": "market-based", "location": None}}
    rec = reconcile(result, SERVING, spec)
    assert rec["gpu"].energy_kwh == pytest.approx(0.6) and rec["gpu"].carbon_kg is None
    assert rec["operational-market"].carbon_kg == pytest.approx(0.3)
    assert rec["operational-location"].carbon_kg is None
    assert rec["operational-location"].note == (
        "electricity.basis is market-based and no 'grid_location_gwp_kg_per_kwh' is given "
        "(kg CO2-eq/kWh of the location's grid mix)")
    rec = reconcile(result, {**SERVING, "grid_location_gwp_kg_per_kwh": 0.5}, spec)
    assert rec["operational-location"].carbon_kg == pytest.approx(0.5)
    assert rec["gpu"].carbon_kg == pytest.approx(0.3)
    assert rec["full"].carbon_kg == pytest.approx(0.4)
    assert rec["full"].carbon_multiplier == pytest.approx(0.4 / 0.5)


def test_result_without_operation_shows_only_full():
    from lca.analysis.boundaries import reconcile

    rec = reconcile(_result({"manufacture": 0.2}, {"manufacture": 0.1}), SERVING, None)
    assert [b.id for b in rec.boundaries if b.energy_kwh is not None] == ["full"]
    assert rec["facility"].note.startswith("not available: the result has no inference")
    assert rec["full"].carbon_kg == pytest.approx(0.1)
