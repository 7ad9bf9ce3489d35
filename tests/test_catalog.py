"""``genai-lca catalog``: listings with per-unit scores for the four indicators."""

import json

import pytest

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


def test_accelerators_servers_datacenters_json(project, capsys):
    listings = {}
    for category in ("accelerators", "servers", "datacenters"):
        assert main(["--data-dir", str(project), "catalog", category, "--format", "json"]) == 0
        listings[category] = json.loads(capsys.readouterr().out)
        for row in listings[category]:
            assert {"id", "name"} | INDICATORS <= set(row)
    accelerators = listings["accelerators"]
    assert len([a for a in accelerators if not a["id"].endswith("-vendor-pcf")]) >= 10
    h100 = next(a for a in accelerators if a["id"] == "accelerator-nvidia-h100-sxm-80gb")
    assert h100["tdp_w"] == 700 and h100["memory_gb"] == 80
    vendor = next(a for a in accelerators if a["id"] == "accelerator-nvidia-h100-sxm-80gb-vendor-pcf")
    assert vendor["climate_change"] == 164.0  # NVIDIA HGX H100 PCF: 1,312 kg / 8
    # Issue 14: the bottom-up breakdown per component, summing to the total.
    parts = {k: v for k, v in h100.items() if k.startswith("climate_change_")}
    assert sum(parts.values()) == pytest.approx(h100["climate_change"], rel=1e-6)
    assert parts["climate_change_memory"] == pytest.approx(68.24, abs=0.01)   # 80 GB x 0.853
    assert parts["climate_change_interposer"] == pytest.approx(34.62, abs=0.01)
    assert vendor["climate_change_memory"] is None
    assert not any(s["id"].startswith("server-component-") for s in listings["servers"])
    dcs = listings["datacenters"]
    assert not any(d["id"].startswith("datacenter-infrastructure-") for d in dcs)
    meta = next(d for d in dcs if d["id"] == "datacenter-meta-2021-builds")
    assert meta["pue"] == 1.09 and meta["wue_l_per_kwh"] == 0.26
    assert meta["water_consumption"] == pytest.approx(0.26e-3, rel=1e-6)
