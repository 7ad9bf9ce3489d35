"""Issue 16, energy disclosure: per functional unit and per year, GPU / IT / facility
energy, location- and market-based GHG, on-site and off-site water, and the training
campaign, computed by hand for the test services of tests/data/bounds."""

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
EXACT = {"abs": 1e-9, "rel": 1e-7}
YEAR = 1000 * 365  # requests a year: requests_per_day x 365

# Per request, by hand (see tests/test_issue_16_boundaries.py): GPU 0.002 kWh, IT 0.0025 kWh,
# facility x 1.2 = 0.003 kWh; 0.5 and 0.1 kg/kWh; on-site 2 L/kWh x IT, off-site 3 L/kWh x
# facility; training 1,440 kWh facility amortised over 365,000 requests.
PER_REQUEST = {
    "Energy, GPU (accelerators)": 0.002,
    "Energy, IT (accelerators + host)": 0.0025,
    "Energy, facility": 0.003,
    "GHG, location-based": 0.003 * 0.5,
    "GHG, market-based": 0.003 * 0.1,
    "Water, on-site (cooling)": 2 * 0.0025,
    "Water, off-site (electricity generation)": 3 * 0.003,
    "GHG, life cycle (for reference)": (0.003 + 1440 / YEAR) * 0.5,
}


@pytest.fixture(scope="module")
def small(data_dir):
    from lca.api import disclose

    return disclose(SMALL, data_dir=data_dir)


def test_per_request_and_per_year_by_hand(small):
    assert small.units_per_year == YEAR
    assert {r["item"]: r["per_fu"] for r in small.rows} == \
        {k: pytest.approx(v, **EXACT) for k, v in PER_REQUEST.items()}
    assert {r["item"]: r["per_year"] for r in small.rows} == \
        {k: pytest.approx(v * YEAR, rel=1e-7) for k, v in PER_REQUEST.items()}


def test_per_year_does_not_depend_on_the_functional_unit(data_dir, small):
    """Per 1,000 output tokens (2 requests of 500 tokens): per FU doubles, per year holds."""
    from lca.api import disclose

    tokens = disclose(SMALL, fu="1k-output-tokens", data_dir=data_dir)
    assert tokens.units_per_year == YEAR / 2
    for a, b in zip(tokens.rows, small.rows):
        assert a["per_fu"] == pytest.approx(2 * b["per_fu"], rel=1e-7)
        assert a["per_year"] == pytest.approx(b["per_year"], rel=1e-7)


def test_training_campaign_by_hand(small):
    (c,) = small.campaigns
    assert c["campaign"] == "training"
    assert c["it_kwh"] == pytest.approx(1000 + 200) and c["idle_kwh"] == 200
    assert c["facility_kwh"] == pytest.approx(1200 * 1.2)
    assert c["gpu_hours"] == 1000 and c["gpus"] == 100
    assert c["duration_days"] == pytest.approx(1000 / 100 / 24)
    assert c["duration_note"] == "GPU-hours / training_gpus / 24"
    assert (c["accelerator"], c["location"]) == ("nvidia-h100-sxm-80gb", "FRA")
    assert c["carbon_location_kg"] == pytest.approx(1440 * 0.5)
    assert c["carbon_market_kg"] == pytest.approx(1440 * 0.1)


def test_training_only_service_has_no_year_and_says_why_market_is_missing(data_dir):
    from lca.api import disclose

    d = disclose(CAMPAIGN, data_dir=data_dir)
    assert d.units_per_year is None and all(r["per_year"] is None for r in d.rows)
    assert d.value("Energy, facility") == pytest.approx(1500, rel=1e-7)
    assert d.value("Water, on-site (cooling)") == pytest.approx(1200, rel=1e-7)  # WUE 1
    assert d.value("Water, off-site (electricity generation)") == 0.0  # stated grid, no water
    assert d.value("GHG, market-based") is None
    market = next(r for r in d.rows if r["item"] == "GHG, market-based")
    assert market["note"].startswith("not available: the service states no market-based "
                                     "factor; give parameter 'grid_market_gwp_kg_per_kwh'")
    (c,) = d.campaigns
    assert c["duration_days"] == pytest.approx(1000 / 50 / 24) and c["gpus"] == 50


def test_cli_disclose_json_csv_md(data_dir, small, tmp_path, capsys):
    base = ["--quiet", "--data-dir", str(data_dir), "disclose", str(SMALL)]
    assert main(base + ["--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["operation"] == small.rows and data["campaigns"] == small.campaigns
    assert data["sources"] == ["eu-ai-act-2024-annex-xi", "ghg-protocol-scope2-2015"]
    assert main(base + ["--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    facility = next(r for r in rows if r["item"] == "Energy, facility")
    assert float(facility["per_year"]) == pytest.approx(0.003 * YEAR, rel=1e-7)
    assert {r["section"] for r in rows} == {"operation", "training"}
    out = tmp_path / "disclosure.md"
    assert main(base + ["--out", str(out)]) == 0  # Markdown by default
    md = out.read_text(encoding="utf-8")
    assert "| Energy, facility | kWh | 0.003 | 1095 |" in md
    assert "| GHG, market-based | kg CO2-eq | 0.0003 | 109.5 |" in md
    assert "| Duration | days | 0.4167 | GPU-hours / training_gpus / 24 |" in md
    assert "Annex XI" in md and "Scope 2" in md


@pytest.mark.parametrize("args, expected", [
    (["--format", "xml"], "Invalid value for '--format' / '-f'"),
    (["--out", "d.xlsx"], "error: field '--out': unsupported output type '.xlsx'; use .json "
     "(JSON), .csv (CSV), .md (Markdown), .txt (text)"),
])
def test_cli_disclose_bad_input_exits_2(data_dir, tmp_path, capsys, args, expected):
    args = [str(tmp_path / a) if a.startswith("d.") else a for a in args]
    assert main(["--quiet", "--data-dir", str(data_dir), "disclose", str(SMALL), *args]) == 2
    assert expected in capsys.readouterr().err


def test_disclosure_sources_are_in_the_bibliography():
    from lca.analysis.disclosure import SOURCES
    from lca.data.sources import load_sources

    known = load_sources(ROOT / "inventories" / "SOURCES")
    assert all(s in known for s in SOURCES)
