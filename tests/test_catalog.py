"""``genai-lca catalog``: listings with per-unit scores for the four indicators."""

import json

from lca.cli import main

INDICATORS = {"climate_change", "water_consumption", "water_scarcity",
              "abiotic_depletion_elements"}


def test_grids_json(project, capsys):
    assert main(["--data-dir", str(project), "catalog", "grids", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 150 + 80  # countries, world, US states, Chinese provinces
    for row in rows:
        assert {"id", "name"} | INDICATORS <= set(row)
        assert row["per"] == "kWh"
    fra = next(r for r in rows if r["id"] == "electricity-FRA")
    assert 0.0 < fra["climate_change"] < 0.1 and fra["water_consumption"] > 0


def test_grids_table_and_unknown_category(project, capsys):
    assert main(["--data-dir", str(project), "catalog", "grids"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["id", "location", "per", "climate_change"]
    assert main(["--data-dir", str(project), "catalog", "gpus"]) == 2
    assert "'gpus' is not one of" in capsys.readouterr().err
