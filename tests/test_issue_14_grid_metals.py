"""Metals of the transmission and distribution network in grid electricity (issue 14):
the global stock of lines, substations and transformers (Deetman et al. 2021) over its
lifetime and one year's world generation, on every grid; checked by hand and through
bw2calc."""

import csv

import pytest

from conftest import ROOT

TABLES = ROOT / "inventories" / "background" / "electricity"
DB = "genai-electricity"
ADP = ("genai-lca", "abiotic depletion", "elements", "EF 3.1")
RESOURCE = ("natural resource", "in ground")
#: EF 3.1 ADP elements factors (kg Sb-eq per kg) of the five network metals, as packaged in
#: bw2io (the same values test_electricity_adpe.py pins).
EF31 = {"Copper": 0.00137, "Lead": 0.00634, "Zinc": 0.000538, "Iron": 5.24e-08,
        "Aluminium": 1.09e-09}
#: By hand from grid_materials.csv (2023 stocks, kt) and country_mix.csv (WORLD 29,475.92
#: TWh): copper (13,915.02 / 40 + 489.78 / 40 + 14,248.16 / 30) = 835.0587 kt per year,
#: x 1e6 / 2.947592e13 kWh = 2.83302e-5 kg/kWh; lead 3,689.04 / 40 = 92.226 kt ->
#: 3.12886e-6; zinc 2,611.54 / 40 = 65.2885 kt -> 2.21498e-6; iron (160,686.40 + 4,426.87)
#: / 40 + 80,350.66 / 30 = 6,806.18 kt -> 2.30907e-4; aluminium (81,451.79 + 75,333.55) / 40
#: + 5,105.92 / 30 = 4,089.83 kt -> 1.38752e-4.
BY_HAND = {"Copper": 2.83302e-5, "Lead": 3.12886e-6, "Zinc": 2.21498e-6,
           "Iron": 2.30907e-4, "Aluminium": 1.38752e-4}
#: sum of BY_HAND x EF31: Cu 3.8812e-8 + Pb 1.9837e-8 + Zn 1.1917e-9 + Fe 1.21e-11
#: + Al 1.5e-13 = 5.9853e-8 kg Sb-eq per kWh.
NETWORK_ADPE = 5.9853e-8
#: World ADPe per kWh with plant metals only (the issue-14 closing note, before this table).
WORLD_PLANTS_ONLY = 4.85e-8


def _network(act) -> dict[str, float]:
    return {e.input["name"]: e["amount"] for e in act.biosphere()
            if e.input["categories"] == RESOURCE and "network" in (e.get("comment") or "")}


def test_issue_14_grid_metals_per_kwh_by_hand():
    from lca.data.electricity import grid_kg_per_kwh, grid_resource_exchanges

    assert grid_kg_per_kwh(1000.0, 40, 1.0) == pytest.approx(25.0 * 1e6 / 1e9, rel=1e-12)
    written = {e.flow: e.amount for e in grid_resource_exchanges(TABLES)}
    assert written == pytest.approx(BY_HAND, rel=1e-5)
    assert sum(written[f] * EF31[f] for f in written) == pytest.approx(NETWORK_ADPE, rel=1e-4)


def test_issue_14_grid_materials_table_is_sourced():
    with (TABLES / "grid_materials.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["component"] for r in rows} == {"lines", "substations", "transformers"}
    assert {r["resource_flow_name"] for r in rows} == set(EF31)
    for r in rows:
        assert float(r["stock_kt"]) > 0 and float(r["lifetime_years"]) > 0, r
        assert r["source"] == "deetman-2021-rcr" and r["stock_year"] == "2023", r


def test_issue_14_every_grid_carries_the_network_metals(project):
    """Country markets, intensity-only regions and the hardware database's water twins of
    the fab grids: the same five exchanges, equal to the hand calculation."""
    import bw2data as bd

    grids = [a for a in bd.Database(DB) if not a["code"].startswith("electricity-technology-")
             and a["unit"] == "kilowatt hour"]
    assert len(grids) > 250  # 213 countries + WORLD + 81 regions
    twins = [a for a in bd.Database("genai-hardware")
             if a["code"].startswith("electricity-water-")]
    assert twins
    for act in grids + twins:
        assert _network(act) == pytest.approx(BY_HAND, rel=1e-5), act["code"]
    for act in bd.Database(DB):
        if act["code"].startswith("electricity-technology-"):
            assert _network(act) == {}, act["code"]


def test_issue_14_world_adpe_before_and_after_the_network(data_dir):
    """bw2calc on the world market: plant metals (4.85e-8, as before) + network (5.985e-8)
    = 1.083e-7 kg Sb-eq per kWh."""
    from lca.bw.catalog import unit_scores
    from lca.bw.project import use_project

    with use_project():
        scores = unit_scores(DB, {"adp": ADP})
    world = scores[(DB, "electricity-WORLD")]["adp"]
    assert world - NETWORK_ADPE == pytest.approx(WORLD_PLANTS_ONLY, rel=5e-3)
    assert world == pytest.approx(1.083e-7, rel=2e-3)
