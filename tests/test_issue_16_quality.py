"""Issue 16, data quality: evidence kinds, pedigree -> default lognormal, evidence shares.

Hand calculations (Weidema et al. 2013 / Frischknecht et al. 2007 factors U, variance of
ln x = (ln U)^2 / 4 per factor; lca/data/quality.py):

- parameter e_kwh, pedigree (2, 3, 1, 2, 4), basic GSD^2 1.05 (a parameter):
  sigma^2 = [ln 1.05^2 + (ln 1.05^2 + ln 1.05^2 + ln 1.00^2 + ln 1.01^2 + ln 1.50^2)] / 4
- exchange Water, pedigree (1, 2, 3, 5, 2), stated basic GSD^2 1.2:
  sigma^2 = [ln 1.2^2 + (ln 1.00^2 + ln 1.02^2 + ln 1.10^2 + ln 1.10^2 + ln 1.05^2)] / 4

Evidence shares of tests/data/quality (see the comment at the top of service.yaml):
  climate: 1/3 measured, 1/3 vendor-declared, 1/3 peer-reviewed;
  water consumption: 2/7 measured, 2/7 vendor-declared, 2/7 assumed, 1/7 modelled.
"""

import json
import math

import numpy as np
import pytest

from conftest import ROOT, run_cli

DATA = ROOT / "tests" / "data" / "quality"
REFERENCE_CHAT = ROOT / "inventories" / "services" / "chat-70b-h100.yaml"
KINDS = ["measured", "vendor-declared", "peer-reviewed", "modelled", "assumed"]

SIGMA_E_KWH = math.sqrt((math.log(1.05) ** 2 + math.log(1.05) ** 2 + math.log(1.05) ** 2
                         + 0.0 + math.log(1.01) ** 2 + math.log(1.50) ** 2) / 4)
SIGMA_WATER = math.sqrt((math.log(1.2) ** 2 + 0.0 + math.log(1.02) ** 2 + math.log(1.10) ** 2
                         + math.log(1.10) ** 2 + math.log(1.05) ** 2) / 4)


# ------------------------------------------------------------------ pure: pedigree -> sigma
def test_pedigree_sigma_equals_hand_calculation_from_the_factor_table():
    from lca.data.quality import Pedigree, pedigree_sigma

    # equal up to the order of floating-point additions (1e-15 relative)
    assert pedigree_sigma(Pedigree.model_validate([2, 3, 1, 2, 4]), 1.05) == \
        pytest.approx(SIGMA_E_KWH, rel=1e-15)
    mapping = {"reliability": 1, "completeness": 2, "temporal correlation": 3,
               "geographical": 5, "technological": 2}
    assert pedigree_sigma(Pedigree.model_validate(mapping), 1.2) == \
        pytest.approx(SIGMA_WATER, rel=1e-15)
    # all scores 1: only the basic uncertainty remains, sigma = ln(GSD^2) / 2
    assert pedigree_sigma(Pedigree.model_validate([1] * 5), 1.05) == \
        pytest.approx(math.log(1.05) / 2, rel=1e-15)


def test_ciroth_2016_table_is_selectable():
    from lca.data.quality import Pedigree, pedigree_sigma

    p = Pedigree.model_validate({**dict(zip(
        ["reliability", "completeness", "temporal", "geographical", "technological"],
        [2, 1, 1, 1, 5])), "table": "ciroth-2016"})
    hand = math.sqrt((math.log(1.05) ** 2 + math.log(1.54) ** 2 + math.log(2.80) ** 2) / 4)
    assert pedigree_sigma(p, 1.05) == pytest.approx(hand, rel=1e-15)


@pytest.mark.parametrize("stated, formula, source, kind, expected", [
    ("measured", True, "x", "vendor", ("measured", "stated")),
    (None, True, "x", "vendor", ("modelled", "formula")),
    (None, False, "x", "vendor", ("vendor-declared", "source kind vendor")),
    (None, False, "x", "literature", ("peer-reviewed", "source kind literature")),
    (None, False, "x", "dataset", ("measured", "source kind dataset")),
    (None, False, "x", "package", ("modelled", "source kind package")),
    (None, False, "x", "measurement", ("measured", "source kind measurement")),
    (None, False, "x", None, ("assumed", "no source")),
    (None, False, "genai-lca-service-model", "assumption", ("assumed", "source kind assumption")),
    (None, False, "act-gupta-2022", "dataset", ("modelled", "source act-gupta-2022")),
])
def test_evidence_inference_rule(stated, formula, source, kind, expected):
    from lca.data.quality import SOURCE_KIND_EVIDENCE, evidence_of
    from lca.data.sources import Source

    # every source kind of the bibliography has its evidence kind
    assert set(SOURCE_KIND_EVIDENCE) == set(Source.model_fields["kind"].annotation.__args__)

    assert evidence_of(stated, formula=formula, source=source, source_kind=kind) == expected


# ------------------------------------------------------------------ bad pedigree: exit 2
BAD_FILE = """format: genai-lca/inventory@1
database: quality-bad
activities:
  - code: act
    name: bad pedigree
    unit: unit
    source: genai-lca-reference-assumptions
    exchanges:
      - {{flow: Water, categories: [air], amount: 1, unit: L, pedigree: {pedigree}}}
"""


@pytest.mark.parametrize("pedigree, field, message", [
    ("[0, 1, 1, 1, 1]", "exchanges.0.pedigree.reliability",
     "a pedigree score is an integer 1 (best) to 5; got 0"),
    ("[1, 1, 6, 1, 1]", "exchanges.0.pedigree.temporal",
     "a pedigree score is an integer 1 (best) to 5; got 6"),
    ("[1, 2, 3, 4]", "exchanges.0.pedigree",
     "a pedigree is 5 scores (reliability, completeness, temporal, geographical, "
     "technological), each an integer 1-5; got 4 values"),
    ("good", "exchanges.0.pedigree",
     "a pedigree is 5 scores (reliability, completeness, temporal, geographical, "
     "technological), each an integer 1-5, as a list or a mapping; got 'good'"),
    ("[1, 1, 1, high, 1]", "exchanges.0.pedigree.geographical",
     "a pedigree score is an integer 1 (best) to 5; got 'high'"),
])
def test_invalid_pedigree_is_refused_naming_file_dataset_field(data_dir, tmp_path, pedigree,
                                                               field, message):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_FILE.format(pedigree=pedigree))
    out = run_cli("--data-dir", str(data_dir), "validate", str(path))
    assert out.returncode == 2, out.stderr
    assert f"{path}: dataset 'act': field '{field}': {message}" in out.stderr


# ------------------------------------------------------------------ resolver and Brightway
@pytest.fixture(scope="module")
def tiny(data_dir):
    from lca.api import load
    from lca.prepared import prepare

    load([DATA / "background.yaml"], data_dir)
    return prepare(DATA / "service.yaml", data_dir=data_dir, cache=False)


def test_written_records_keep_evidence_pedigree_and_lognormal(tiny, project):
    import bw2data as bd
    from bw2data.parameters import DatabaseParameter

    root = bd.get_activity((tiny.database, "root"))
    water = next(e for e in root.biosphere())
    assert water["uncertainty type"] == 2
    assert water["scale"] == pytest.approx(SIGMA_WATER, rel=1e-15)
    assert water["loc"] == pytest.approx(math.log(0.001), rel=1e-15)
    assert water["evidence"] == "modelled" and water["evidence basis"] == "stated"
    assert water["pedigree"] == {"reliability": 1, "completeness": 2, "temporal correlation": 3,
                                 "geographical correlation": 5,
                                 "further technological correlation": 2}
    assert water["basic gsd2"] == 1.2 and water["uncertainty from"] == "pedigree"
    elec = next(e for e in root.technosphere())
    assert elec["evidence"] == "modelled" and elec["evidence basis"] == "formula"
    assert "uncertainty type" not in elec
    params = {p.name: p.data for p in DatabaseParameter.select().where(
        DatabaseParameter.database == tiny.database)}
    assert params["e_kwh"]["uncertainty type"] == 2
    assert params["e_kwh"]["scale"] == pytest.approx(SIGMA_E_KWH, rel=1e-15)
    assert params["e_kwh"]["evidence"] == "measured"
    assert params["e_kwh"]["basic gsd2"] == 1.05  # a parameter's default
    assert "evidence" not in params["pue"]  # none stated: inferred when read
    co2 = next(e for e in bd.get_activity(("quality-bg", "elec")).biosphere()
               if e.input["name"] == "Carbon dioxide, fossil")
    assert (co2["evidence"], co2["evidence basis"]) == ("peer-reviewed",
                                                         "source kind literature")


def test_monte_carlo_spread_matches_pedigree_sigma(tiny):
    # climate = e_kwh * pue * 0.5 with e_kwh ~ lognormal(ln 2, SIGMA_E_KWH): the standard
    # deviation of ln(climate) is SIGMA_E_KWH. 20,000 draws: the sample sd's relative
    # standard error is 1/sqrt(2 n) = 0.5 %; tolerance 3 %.
    result = tiny.uncertainty(20_000, seed=16)
    climate = result.total[:, result.indicators.index("climate_change")]
    assert np.log(climate).std(ddof=1) == pytest.approx(SIGMA_E_KWH, rel=0.03)
    assert np.median(climate) == pytest.approx(1.5, rel=0.01)


def test_evidence_shares_equal_hand_calculation(tiny):
    result = tiny.assess()
    climate, water = result.evidence["climate_change"], result.evidence["water_consumption"]
    assert result.indicators["climate_change"].total == pytest.approx(1.5, rel=1e-6)
    assert result.indicators["water_consumption"].total == pytest.approx(0.007, rel=1e-6)
    assert climate == pytest.approx({"measured": 1 / 3, "vendor-declared": 1 / 3,
                                     "peer-reviewed": 1 / 3, "modelled": 0.0,
                                     "assumed": 0.0}, abs=1e-6)
    assert water == pytest.approx({"measured": 2 / 7, "vendor-declared": 2 / 7,
                                   "peer-reviewed": 0.0, "modelled": 1 / 7,
                                   "assumed": 2 / 7}, abs=1e-6)
    for shares in result.evidence.values():
        assert list(shares) == KINDS
    assert json.loads(result.to_json())["evidence"]["climate_change"] == climate


def test_reference_chat_service_evidence_shares(data_dir):
    from lca.api import assess

    result = assess(REFERENCE_CHAT, data_dir=data_dir)
    for key in ("climate_change", "water_consumption", "water_scarcity",
                "abiotic_depletion_elements"):
        shares = result.evidence[key]
        print(key, {k: round(v, 4) for k, v in shares.items()})
        assert list(shares) == KINDS
        assert sum(shares.values()) == pytest.approx(1.0, rel=1e-12)
        assert all(-1e-12 <= v <= 1 + 1e-12 for v in shares.values())
        # the chat service's numbers come from datasheets, studies, measurements and
        # model assumptions alike: none of those kinds is absent
        for kind in ("measured", "vendor-declared", "peer-reviewed", "assumed"):
            assert shares[kind] > 0.01, (key, kind)


def test_pedigree_spread_on_a_bounded_model_parameter_is_refused(data_dir, tmp_path):
    # the pedigree's lognormal is the record's distribution from the start, so the model's
    # domain check sees it: a share of time in use cannot be lognormal
    text = (ROOT / "inventories" / "services" / "chat-8b-h200.yaml").read_text()
    old = "{name: hardware_utilisation, amount: 0.6, unit: dimensionless,"
    assert old in text
    path = tmp_path / "chat-8b-pedigree.yaml"
    path.write_text(text.replace(old, old + " pedigree: [2, 2, 2, 2, 2],"))
    out = run_cli("--data-dir", str(data_dir), "validate", str(path))
    assert out.returncode == 2, out.stderr
    assert (f"{path}: field 'parameters.hardware_utilisation.uncertainty': parameter "
            "'hardware_utilisation' must be in (0, 1]") in out.stderr
    assert "its distribution (lognormal, GSD 1.05)" in out.stderr


def test_linked_foreign_database_counts_as_modelled(data_dir):
    """activities-linked.yaml (issue 15): one request = 1 kWh of an ecoinvent-shaped market
    (written as 3.6 MJ) + 2 g of copper, constant amounts citing an assumption source. Each
    contribution = amount (assumed, weight 1) x the supplier's score (the foreign database,
    modelled, weight 1): exactly half each, for every indicator."""
    import sys

    import bw2data as bd

    from lca import prepared
    from lca.bw.project import use_project

    sys.path.insert(0, str(ROOT / "tests" / "data" / "links"))
    import ecoinvent_mini as em

    with use_project():
        em.write()
    try:
        result = prepared.prepare(ROOT / "tests" / "data" / "links" / "activities-linked.yaml",
                                  data_dir=data_dir, cache=False).assess()
        for key, shares in result.evidence.items():
            if result.indicators[key].total:
                assert shares == pytest.approx({"measured": 0.0, "vendor-declared": 0.0,
                                                "peer-reviewed": 0.0, "modelled": 0.5,
                                                "assumed": 0.5}, abs=1e-6), key
        # 1e-6: the supplier scores come from Brightway's float32 matrices, the amounts
        # from the exchanges' float64 data
    finally:
        prepared._PREPARED.clear()
        with use_project():
            for name in ("genai-service-activities-linked", em.DATABASE):
                if name in bd.databases:
                    del bd.databases[name]
