"""The genai-datacenter database written by setup from the datacentre tables (issue 3)."""

import csv

import pytest

from conftest import ROOT, formula_amounts_after_brightway_recalculation

TABLES = ROOT / "inventories" / "background" / "datacenter"
DB = "genai-datacenter"
GWP = ("genai-lca", "climate change", "GWP100", "IPCC 2021")
WATER = ("genai-lca", "water consumption", "WCP", "m3")
AWARE = ("genai-lca", "water scarcity", "AWARE", "m3 world-eq")
INFRA = "datacenter-infrastructure-dc-construction-per-mw-it"
CONSUMPTION = ("Water", ("air",))
WITHDRAWAL = ("Water, unspecified natural origin", ("natural resource", "in water"))


def _rows(name):
    with (TABLES / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _score(key, method, amount=1.0):
    import bw2calc as bc
    import bw2data as bd

    lca = bc.LCA({bd.get_activity(key): amount}, method=method)
    lca.lci()
    lca.lcia()
    return lca.score


def _datacentres():
    import bw2data as bd

    return [a for a in bd.Database(DB)
            if a.get("properties", {}).get("record") in ("archetype", "operator")]


def test_builder_is_pure_and_names_every_row():
    from lca.data.datacenter import DATABASE, build

    inv = build(ROOT / "inventories").content
    codes = {a.code for a in inv.activities}
    assert inv.database == DATABASE == DB
    assert {f"datacenter-{r['id']}" for r in _rows("archetypes.csv")} <= codes
    assert {f"datacenter-{r['id']}" for r in _rows("operators.csv")} <= codes
    assert INFRA in codes


def test_one_record_per_archetype_and_operator_row(project):
    acts = _datacentres()
    for kind, table in (("archetype", "archetypes.csv"), ("operator", "operators.csv")):
        codes = {a["code"] for a in acts if a["properties"]["record"] == kind}
        assert codes == {f"datacenter-{r['id']}" for r in _rows(table)}
        assert len([a for a in acts if a["properties"]["record"] == kind]) == len(_rows(table))
    for a in acts:
        assert a["unit"] == "kilowatt hour"
        assert "energy" not in a["properties"]  # no grid electricity in the on-site part
        assert "NOT included" in a["comment"]


@pytest.mark.parametrize("code,wue", [("datacenter-meta-2021-builds", 0.26),
                                      ("datacenter-hyperscale-evaporative", 0.5),
                                      ("datacenter-colocation-evaporative", 1.8)])
def test_water_scores_per_kwh_it_by_hand(project, code, wue):
    # rel=1e-6: the scores come out of bw2calc's matrices at about single precision
    water = _score((DB, code), WATER)
    assert water == pytest.approx(wue / 1000, rel=1e-6)  # L/kWh -> m3 per kWh IT
    assert _score((DB, code), AWARE) == pytest.approx(42.95 * wue / 1000, rel=1e-6)


def test_infrastructure_gwp_per_mw_year_is_central_over_lifetime(project):
    import bw2data as bd

    row = next(r for r in _rows("infrastructure.csv") if r["id"] == "dc-construction-per-mw-it")
    expected = float(row["central"]) * 1000 / float(row["lifetime_years"])  # kg per MW-year
    assert _score((DB, INFRA), GWP) == pytest.approx(expected, rel=1e-6)
    assert expected == pytest.approx(49140, rel=1e-3)
    act = bd.get_activity((DB, INFRA))
    assert act["unit"] == "megawatt year" and act["stage"] == "datacenter infrastructure"
    (exc,) = list(act.biosphere())
    assert exc["uncertainty type"] == 5  # triangular over low/high at the central lifetime
    assert exc["minimum"] == pytest.approx(float(row["low"]) * 1000 / 20)
    assert exc["maximum"] == pytest.approx(float(row["high"]) * 1000 / 20)
    assert _score((DB, INFRA), WATER) == 0  # GHG only: no open water data for buildings


def test_building_share_per_kwh_it(project):
    """1 kWh IT holds 1 / (1000 x 8760 x load factor) MW-year of the building."""
    per_mw_year = 982.8 * 1000 / 20
    expected = per_mw_year / (1000 * 8760 * 0.6)
    for code in ("datacenter-hyperscale-evaporative", "datacenter-google-fleet-2023"):
        assert _score((DB, code), GWP) == pytest.approx(expected, rel=1e-6)


def test_water_mass_balance_per_process(project):
    with_water = 0
    for act in _datacentres():
        flows = {}
        for e in act.biosphere():
            k = (e.input["name"], tuple(e.input["categories"]))
            flows[k] = flows.get(k, 0) + e["amount"]
        release = sum(v for (n, c), v in flows.items() if n == "Water" and c[0] == "water")
        wue = act["properties"]["wue_l_per_kwh"]
        if wue is None:
            assert not flows, act["code"]
            continue
        with_water += 1
        consumption = flows[CONSUMPTION]
        assert consumption == pytest.approx(wue / 1000, rel=1e-12, abs=0)
        assert flows[WITHDRAWAL] == pytest.approx(consumption + release, rel=1e-12, abs=1e-15)
        assert consumption >= 0 and release >= 0
    assert with_water >= 15


def test_operator_without_wue_gets_no_water_and_a_comment(project):
    import bw2data as bd

    act = bd.get_activity((DB, "datacenter-google-fleet-2023"))
    assert act["properties"]["wue_l_per_kwh"] is None
    assert act["properties"]["pue"] == 1.1 and act["properties"]["year"] == "2023"
    assert act["properties"]["source"] == "google-environmental-report-2024"
    assert not list(act.biosphere())
    assert "No on-site WUE is published" in act["comment"]
    assert _score((DB, act["code"]), WATER) == 0


def test_every_pue_is_at_least_one(project):
    from bw2data.parameters import ActivityParameter

    acts = _datacentres()
    pues = [a["properties"]["pue"] for a in acts if a["properties"]["pue"] is not None]
    assert len(pues) >= 20
    for a in acts:
        for k in ("pue", "pue_min", "pue_max"):
            v = a["properties"][k]
            assert v is None or v >= 1.0, (a["code"], k, v)
    params = ActivityParameter.select().where(ActivityParameter.database == DB,
                                              ActivityParameter.name == "pue")
    assert len(params) == len(pues)
    for p in params:
        assert p.amount >= 1.0
        if p.data.get("uncertainty type") in (4, 5):
            assert p.data["minimum"] >= 1.0


def test_parameters_exist_for_every_datacentre(project):
    from bw2data.parameters import ActivityParameter, DatabaseParameter

    (load,) = DatabaseParameter.select().where(DatabaseParameter.database == DB,
                                               DatabaseParameter.name == "it_load_factor")
    assert load.amount == 0.6 and load.data["uncertainty type"] == 5
    for act in _datacentres():
        props = act["properties"]
        rows = {p.name: p for p in ActivityParameter.select().where(
            ActivityParameter.group == f"{DB}:{act['code']}")}
        expected = {n for n, k in (("pue", "pue"), ("wue_l_per_kwh", "wue_l_per_kwh"))
                    if props[k] is not None}
        assert set(rows) == expected, act["code"]
        for name, p in rows.items():
            assert p.amount == pytest.approx(props[name]), (act["code"], name)
    hyper = {p.name: p for p in ActivityParameter.select().where(
        ActivityParameter.group == f"{DB}:datacenter-hyperscale-evaporative")}
    assert hyper["pue"].data["uncertainty type"] == 5
    assert (hyper["pue"].data["minimum"], hyper["pue"].data["maximum"]) == (1.04, 1.2)
    ranged = {p.name: p for p in ActivityParameter.select().where(
        ActivityParameter.group == f"{DB}:datacenter-anthropic-ecologits")}
    assert ranged["pue"].amount == pytest.approx((1.09 + 1.14) / 2)
    assert ranged["pue"].data["uncertainty type"] == 4  # range only: uniform


def test_brightway_recalculation_reproduces_exchange_amounts(project):
    """Activity Browser recomputes the formulas with bw2data's own machinery."""
    before, after = formula_amounts_after_brightway_recalculation(DB)
    assert len(before) >= 2 * len(_datacentres())
    assert after.keys() == before.keys()
    for k in before:
        assert after[k] == pytest.approx(before[k], rel=1e-12), k