"""Each indicator on a tiny hand-made system: hand calculation and a plain bw2calc run.

System (tests/data/tiny): one request = operation + hardware share.
  operation: 2 kWh of electricity (written as 2,000 Wh) + 1 L of water evaporated on site.
  hardware:  n/1000 = 0.004 chips.
  electricity (1 kWh): 0.5 kg CO2 fossil, 1 g CH4 fossil, withdraws 0.01 m3, evaporates
                       0.002 m3, releases 0.008 m3.
  chip (1 unit): 10 kWh electricity, 1 g gold, 100 g copper, 20 kg CO2-eq pre-characterised.

Hand calculation with published factors (IPCC AR6 GWP100: CO2 1, fossil CH4 29.8; AWARE
world average 42.95 m3 world-eq/m3; EF 3.1 ADP: gold 52, copper 0.00137 kg Sb-eq/kg):
  GWP   = 2 * (0.5 + 0.001 * 29.8) + 0.004 * (20 + 10 * 0.5298)           = 1.160792
  water = 2 * 0.002 + 0.001 + 0.004 * 10 * 0.002                          = 0.00508 m3
  AWARE = 42.95 * 0.00508                                                  = 0.218186
  ADP   = 0.004 * (0.001 * 52 + 0.1 * 0.00137)                             = 2.08548e-4
  energy = 2 (inference) + 0.004 * 10 (manufacture)                        = 2.04 kWh

Brightway's processed datapackages hold amounts at float32 precision (bw_processing), so
the hand calculation agrees to ~1e-7 relative (tested at 1e-6); the plain bw2calc run, which reads the same
datapackages, agrees to 1e-12.
"""

import pytest

from conftest import ROOT

TINY = ROOT / "tests" / "data" / "tiny"
HAND = {
    "climate_change": (2 * 0.5298, 0.004 * (20 + 10 * 0.5298)),
    "water_consumption": (2 * 0.002 + 0.001, 0.004 * 10 * 0.002),
    "water_scarcity": (42.95 * 0.005, 42.95 * 0.004 * 10 * 0.002),
    "abiotic_depletion_elements": (0.0, 0.004 * (0.001 * 52 + 0.1 * 0.00137)),
}


@pytest.fixture(scope="module")
def tiny(data_dir):
    from lca.api import assess, load

    load([TINY / "background.yaml"], data_dir)
    return assess(TINY / "service.yaml", data_dir=data_dir)


@pytest.mark.parametrize("key", list(HAND))
def test_indicator_matches_hand_calculation(tiny, key):
    inference, manufacture = HAND[key]
    ind = tiny.indicators[key]
    assert ind.total == pytest.approx(inference + manufacture, rel=1e-6)
    assert ind.by_stage.get("inference", 0.0) == pytest.approx(inference, rel=1e-6, abs=1e-15)
    assert ind.by_stage["manufacture"] == pytest.approx(manufacture, rel=1e-6)
    assert sum(ind.by_stage.values()) == pytest.approx(ind.total, rel=1e-12)


def test_energy_matches_hand_calculation(tiny):
    assert tiny.energy_total_kwh == pytest.approx(2.04, rel=1e-6)
    assert tiny.energy_by_stage_kwh["inference"] == pytest.approx(2.0, rel=1e-6)
    assert tiny.energy_by_stage_kwh["manufacture"] == pytest.approx(0.04, rel=1e-6)


@pytest.mark.parametrize("key", list(HAND))
def test_indicator_matches_plain_bw2calc(tiny, project, key):
    import bw2calc as bc
    import bw2data as bd

    method = tuple(tiny.indicators[key].method)
    lca = bc.LCA({bd.get_activity(("genai-service-tiny", "root")): 1}, method=method)
    lca.lci()
    lca.lcia()
    assert tiny.indicators[key].total == pytest.approx(lca.score, rel=1e-12)


def test_functional_unit_scales_results(data_dir, tiny):
    from lca.api import assess

    ten = assess(TINY / "service.yaml", fu="ten", data_dir=data_dir)
    assert ten.functional_unit["reference_flow"]["amount"] == 10
    for key, ind in ten.indicators.items():
        assert ind.total == pytest.approx(10 * tiny.indicators[key].total, rel=1e-12)


def test_unit_conversion_is_recorded(project, tiny):
    import bw2data as bd

    exc = next(e for e in bd.get_activity(("genai-service-tiny", "op")).technosphere())
    assert exc["amount"] == pytest.approx(2.0) and exc["unit"] == "kilowatt hour"
    assert exc["original unit"] == "Wh"


def test_csv_exchange_table_adds_exchanges(tmp_path, project):
    import bw2data as bd

    from lca.api import load

    (tmp_path / "bg.yaml").write_text((TINY / "background.yaml").read_text()
                                      .replace("database: tiny-bg", "database: tiny-csv"))
    (tmp_path / "extra.csv").write_text(
        "database,activity,flow,categories,amount,unit,source,uncertainty,minimum,maximum\n"
        "tiny-csv,chip,Silver,natural resource::in ground,2,gram,"
        "hintemann-fichter-2010-dc-materials,triangular,1,3\n")
    assert load([tmp_path], project) == ["tiny-csv"]
    silver = [e for e in bd.get_activity(("tiny-csv", "chip")).biosphere()
              if e.input["name"] == "Silver"]
    assert len(silver) == 1
    assert silver[0]["amount"] == pytest.approx(0.002)
    assert (silver[0]["minimum"], silver[0]["maximum"]) == pytest.approx((0.001, 0.003))
    assert silver[0]["source"] == "hintemann-fichter-2010-dc-materials"
    assert silver[0]["uncertainty type"] == 5
