"""Issue 15, item 3: links to the user's Brightway databases (lca/data/links.py).

The fixture (tests/data/links/ecoinvent_mini.py) is a small database shaped like an
ecoinvent import, written with bw2data into the session's project. Two services link to it:
``chat-linked.yaml`` (model: grid of every stage linked, a material and a transport input
per request, an energy input per training campaign) and ``activities-linked.yaml``
(activities whose exchanges link by name + location and by reference product).
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from conftest import ROOT, project_state

LINKS = ROOT / "tests" / "data" / "links"
sys.path.insert(0, str(LINKS))
import ecoinvent_mini as em  # noqa: E402

CHAT = LINKS / "chat-linked.yaml"
ACTS = LINKS / "activities-linked.yaml"
SERVICE_DBS = ("genai-service-chat-8b-linked", "genai-service-chat-8b-linked-inputs",
               "genai-service-activities-linked", "genai-service-chat-8b-linked-ssp245-2035",
               "genai-service-chat-8b-linked-ssp245-2035-inputs")
MV, HV = em.MV, em.HV
FR_MV = ("market for electricity, medium voltage", "FR", MV)
DE_MV = ("market for electricity, medium voltage", "DE", MV)
GROUP = ("market group for electricity, medium voltage", "GLO", MV)
COPPER = ("market for copper, cathode", "GLO", "copper, cathode")
LORRY = ("market for transport, freight, lorry 16-32 metric ton, EURO6", "RER", em.LORRY)


def key(activity: tuple) -> tuple[str, str]:
    return (em.DATABASE, em.code(*activity))


def _fresh():
    from lca import prepared

    prepared._PREPARED.clear()


@pytest.fixture(scope="module")
def mini(data_dir):
    """The session's project with the ecoinvent-shaped database; removed afterwards with
    the services that link to it."""
    import bw2data as bd

    from lca.bw.project import use_project

    with use_project():
        em.write()
    yield data_dir
    _fresh()
    with use_project():
        for name in SERVICE_DBS + (em.DATABASE,):
            if name in bd.databases:
                del bd.databases[name]


def bw2calc_scores(demand: dict[tuple, float]) -> dict[str, float]:
    """Plain bw2calc: one LCA of ``demand`` per method of the package."""
    import bw2calc as bc
    import bw2data as bd

    from lca.bw.project import use_project
    from lca.data.files import method_names

    out = {}
    with use_project():
        ids = {bd.get_activity(k).id: v for k, v in demand.items()}
        for ind, spec in method_names().items():
            lca = bc.LCA(ids, method=spec["name"])
            lca.lci()
            lca.lcia()
            out[ind] = float(lca.score)
    return out


def gwp_cf(flow: tuple) -> float:
    import bw2data as bd

    from lca.bw.project import use_project
    from lca.data.files import method_names

    with use_project():
        cfs = dict(bd.Method(method_names()["climate_change"]["name"]).load())
        bio = next(f for f in bd.Database("biosphere3")
                   if (f["name"], tuple(f["categories"])) == flow)
        return float(cfs.get(bio.id, 0.0))


def fixture_gwp(draw=lambda name, flow, amount, gsd: amount) -> dict[tuple, float]:
    """GWP100 per unit of each fixture activity, by hand from em.ACTIVITIES (a DAG:
    solved in order). ``draw(activity, target, amount, gsd)`` may replace an amount."""
    cf = {em.CO2: gwp_cf(em.CO2), em.CH4: gwp_cf(em.CH4)}
    by = {(n, loc, p): excs for n, loc, p, _, excs in em.ACTIVITIES}
    memo: dict[tuple, float] = {}

    def score(act):
        if act not in memo:
            memo[act] = sum(draw(act, t, amount, gsd) * (score(t) if kind == "tech"
                                                         else cf.get(t, 0.0))
                            for kind, t, amount, gsd in by[act])
        return memo[act]
    return {act: score(act) for act in by}


# ----------------------------------------------------------------------------- results

def test_linked_service_equals_plain_bw2calc(mini):
    """Every indicator of the model service equals bw2calc on the same demand; the linked
    inputs and the linked grid carry the fixture's own scores (hand-computed GWP)."""
    from lca.api import assess

    r = assess(CHAT, data_dir=mini, cache=False)
    ref = r.functional_unit["reference_flow"]
    expected = bw2calc_scores({tuple(ref["activity"]): ref["amount"]})
    for ind, value in expected.items():
        assert r.indicators[ind].total == pytest.approx(value, rel=1e-9), ind
    s = bw2calc_scores({key(COPPER): 1.0})["climate_change"], \
        bw2calc_scores({key(LORRY): 1.0})["climate_change"], \
        bw2calc_scores({key(GROUP): 1.0})["climate_change"]
    hand = fixture_gwp()
    for bw, act in zip(s, (COPPER, LORRY, GROUP)):  # the fixture itself, by hand
        assert bw == pytest.approx(hand[act], rel=1e-6)
    by_act = r.indicators["climate_change"].by_activity
    # inference: 0.05 g copper and 0.002 kg km = 2e-6 t km of lorry per request
    assert by_act["inference-inputs"] == pytest.approx(5e-5 * s[0] + 2e-6 * s[1], rel=1e-6)
    # training: 3600 MJ = 1000 kWh of the market group per campaign, amortised over
    # 1e6 requests/day x 365 days
    assert by_act["training-inputs"] == pytest.approx(1000 * s[2] / 365e6, rel=1e-6)


def test_linked_grid_is_the_users_activity_and_energy_is_counted(mini):
    """The grid of every stage goes through one companion tagged as grid electricity
    (1 kWh of the user's FR market per kWh), so the energy indicator counts it."""
    import bw2data as bd

    from lca.api import assess
    from lca.bw.project import use_project

    r = assess(CHAT, data_dir=mini, cache=False)
    with use_project():
        grid = bd.get_activity(("genai-service-chat-8b-linked-inputs", "electricity"))
        [exc] = list(grid.technosphere())
        assert exc.input.key == key(FR_MV) and exc["amount"] == 1.0
        assert grid["properties"] == {"energy": "grid electricity", "basis": "linked"}
        consumers = {e.output["code"] for e in grid.upstream()}
    assert {"inference-electricity", "training-dynamic"} <= consumers
    assert r.energy_total_kwh > 0 and r.energy_by_stage_kwh["inference"] > 0


def test_a_linked_grid_is_kept_as_stated_in_a_future_year(mini):
    """A prospective run keeps the user's own grid (like a market-based contract) and says
    so; with no efficiency trend the result equals the present one."""
    from lca.api import assess

    now = assess(CHAT, data_dir=mini, cache=False)
    later = assess(CHAT, data_dir=mini, year=2035, scenario="SSP2-4.5", doubling_years=0,
                   cache=False)
    kept = [w["message"] for w in later.warnings if w["code"] == "prospective-market-based-kept"]
    assert kept and "genai-service-chat-8b-linked-ssp245-2035-inputs/electricity" in kept[0]
    for k, ind in now.indicators.items():
        assert later.indicators[k].total == pytest.approx(ind.total, rel=1e-9)


def test_activities_link_by_name_location_and_product(mini):
    """3.6 MJ (= 1 kWh) of the German medium-voltage market and 2 g of copper: the result
    equals the fixture's scores by hand, and bw2calc."""
    from lca.api import assess

    r = assess(ACTS, data_dir=mini, cache=False)
    hand = fixture_gwp()
    assert r.indicators["climate_change"].total == pytest.approx(
        1.0 * hand[DE_MV] + 0.002 * hand[COPPER], rel=1e-6)
    bw = bw2calc_scores({("genai-service-activities-linked", "request"): 1.0})
    for ind, value in bw.items():
        assert r.indicators[ind].total == pytest.approx(value, rel=1e-9), ind


# ----------------------------------------------------------------------------- errors

def _assess_fails(path, mini, capsys) -> str:
    from lca.cli import main

    before = project_state_in(mini)
    code = main(["--data-dir", str(mini), "assess", str(path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and str(path) in err
    assert project_state_in(mini) == before
    return err


def project_state_in(data_dir) -> str:
    from lca.bw.project import use_project

    with use_project():
        return project_state()


def _variant(tmp_path, src, old, new, name="variant.yaml"):
    text = src.read_text()
    assert old in text, old
    out = tmp_path / name
    out.write_text(text.replace(old, new))
    return out


def test_ambiguous_grid_lists_candidates_and_the_field_to_add(mini, tmp_path, capsys):
    bad = _variant(tmp_path, CHAT, 'location: FR, reference_product: "electricity, medium '
                   'voltage"}', "}")
    err = _assess_fails(bad, mini, capsys)
    codes = {loc: em.code(FR_MV[0], loc, MV) for loc in ("FR", "DE", "US-TX")}
    rows = "; ".join(f"location {loc}, reference product 'electricity, medium voltage', unit "
                     f"'kilowatt hour', code '{c}'"
                     for loc, c in sorted(codes.items(), key=lambda x: x[1]))
    assert err.strip() == (
        f"error: {bad}: field 'model.electricity.activity': 'market for electricity, medium "
        f"voltage' in 'ecoinvent-3.10-cutoff-mini' matches 3 activities ({rows}): add "
        "'location' (one of DE, FR, US-TX)")


def test_ambiguous_product_in_an_exchange_names_dataset_and_field(mini, tmp_path, capsys):
    """ecoinvent's multi-output splits share name and location: the product decides."""
    bad = _variant(tmp_path, ACTS, 'name: "market for electricity, medium voltage", '
                   'location: DE}', 'name: "heat and power co-generation, natural gas, '
                   'conventional power plant, 100MW electrical", location: DE}')
    err = _assess_fails(bad, mini, capsys)
    assert f"{bad}: dataset 'request': field 'exchanges[0].input': links to no single " \
           "activity: 'heat and power co-generation" in err
    assert "matches 2 activities" in err and "reference product 'electricity, high " \
           "voltage', unit 'kilowatt hour'" in err and "unit 'megajoule'" in err
    assert "add 'reference_product' (one of 'electricity, high voltage', 'heat, district or " \
           "industrial, natural gas')" in err


def test_missing_database_and_unknown_name_list_what_exists(mini, tmp_path, capsys):
    bad = _variant(tmp_path, CHAT, 'name: "market for copper, cathode"}',
                   'name: "market for copper cathode"}')
    bad = _variant(tmp_path, bad, "{database: ecoinvent-3.10-cutoff-mini,\n",
                   "{database: ecoinvent-3.9,\n", "variant2.yaml")
    err = _assess_fails(bad, mini, capsys)
    assert "2 problems found; nothing was written" in err
    assert (f"{bad}: field 'model.inputs[0].activity': no activity named 'market for copper "
            "cathode' in database 'ecoinvent-3.10-cutoff-mini'; closest names: 'market for "
            "copper, cathode' (GLO)") in err
    assert f"{bad}: field 'model.inputs[1].activity': database 'ecoinvent-3.9' does not " \
           "exist in the project (its databases: biosphere3, ecoinvent-3.10-cutoff-mini, " in err
    assert "did you mean 'ecoinvent-3.10-cutoff-mini'?" in err


def test_location_that_does_not_exist_and_unit_that_does_not_convert(mini, tmp_path, capsys):
    bad = _variant(tmp_path, ACTS, "location: DE}", "location: IT}")
    bad = _variant(tmp_path, bad, "amount: 2\n        unit: g", "amount: 2\n        unit: kWh",
                   "variant2.yaml")
    err = _assess_fails(bad, mini, capsys)
    assert "no activity 'market for electricity, medium voltage' (IT) in " \
           "'ecoinvent-3.10-cutoff-mini'; 'market for electricity, medium voltage' exists " \
           "with: location" in err
    assert "field 'exchanges[1].unit'" in err and "kilogram" in err


def test_schema_rejects_a_link_without_name_or_code(mini, tmp_path, capsys):
    bad = _variant(tmp_path, CHAT, 'name: "market for copper, cathode"}', "}")
    err = _assess_fails(bad, mini, capsys)
    assert "field 'model.inputs.0.activity'" in err and "either 'name'" in err


# ----------------------------------------------------------------------------- uncertainty

def test_background_monte_carlo_samples_the_fixture(mini):
    """Only the fixture is uncertain in activities-linked.yaml: genai-lca's samples match
    an independent Monte Carlo of the hand formula with stats_arrays draws."""
    from stats_arrays import LognormalUncertainty

    from lca.api import prepare

    result = prepare(ACTS, data_dir=mini).uncertainty(2000, seed=7, background=True)
    gwp = result.total[:, result.indicators.index("climate_change")]
    assert gwp.std() > 0
    n = 200_000
    rng = np.random.RandomState(3)
    draws = {}

    def draw(act, target, amount, gsd):
        if gsd is None:
            return amount
        if (act, target) not in draws:
            params = LognormalUncertainty.from_dicts(
                {"loc": math.log(amount), "scale": math.log(gsd)})
            draws[(act, target)] = LognormalUncertainty.random_variables(
                params, n, seeded_random=rng).ravel()
        return draws[(act, target)]

    hand = fixture_gwp(draw)
    independent = 1.0 * hand[DE_MV] + 0.002 * hand[COPPER]
    assert len(draws) == 6  # every lognormal of the fixture
    assert gwp.mean() == pytest.approx(independent.mean(), rel=0.01)
    assert gwp.std() == pytest.approx(independent.std(), rel=0.08)
    assert np.percentile(gwp, 97.5) == pytest.approx(np.percentile(independent, 97.5),
                                                     rel=0.02)


def test_cli_uncertainty_background_on_the_linked_service(mini):
    from conftest import run_cli

    proc = run_cli("--data-dir", str(mini), "uncertainty", str(ACTS), "--background",
                   "-n", "200", "--seed", "1", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    import json

    rows = {r["indicator"]: r for r in json.loads(proc.stdout)}
    assert rows["climate_change"]["std"] > 0


# ----------------------------------------------------------------------------- maintenance

def _fixture_state() -> str:
    import hashlib

    from bw2data.backends import ActivityDataset as AD, ExchangeDataset as ED

    h = hashlib.sha256()
    for row in sorted(AD.select(AD.code, AD.name, AD.data).where(
            AD.database == em.DATABASE).tuples(), key=repr):
        h.update(repr(row).encode())
    for row in sorted(ED.select(ED.input_database, ED.input_code, ED.output_code, ED.data)
                      .where(ED.output_database == em.DATABASE).tuples(), key=repr):
        h.update(repr(row).encode())
    return h.hexdigest()


def test_user_database_edit_invalidates_the_cached_result(mini):
    import bw2data as bd

    from lca.api import assess
    from lca.bw.project import use_project

    _fresh()
    before = assess(ACTS, data_dir=mini)
    _fresh()
    assert assess(ACTS, data_dir=mini) == before  # from the cache
    with use_project():
        coal = bd.get_activity(key(("electricity production, hard coal", "DE", HV)))
        exc = next(e for e in coal.biosphere() if e.input["name"] == em.CO2[0])
        original = dict(exc._data)
        exc["amount"] = original["amount"] * 2
        exc.save()
        bd.Database(em.DATABASE).process()
    try:
        _fresh()
        after = assess(ACTS, data_dir=mini)
        bw = bw2calc_scores({("genai-service-activities-linked", "request"): 1.0})
        assert after.indicators["climate_change"].total == pytest.approx(
            bw["climate_change"], rel=1e-9)
        assert after.indicators["climate_change"].total > \
            before.indicators["climate_change"].total * 1.5
    finally:
        with use_project():
            exc._data.clear()
            exc._data.update(original)
            exc.save()
            bd.Database(em.DATABASE).process()
        _fresh()


def test_a_linked_database_rewritten_outside_genai_lca_is_followed(mini):
    """Rewriting the user's database with bw2data (new activity ids, same content) leaves
    the linked service's processed datapackage with stale ids; the next assess reprocesses
    it instead of failing with bw2calc's NonsquareTechnosphere, and the result is the same."""
    from lca.api import assess
    from lca.bw.project import use_project

    _fresh()
    before = assess(CHAT, data_dir=mini, cache=False)
    with use_project():
        em.write()  # the user's import run again: every activity gets a new id
    _fresh()
    after = assess(CHAT, data_dir=mini, cache=False)
    for k, ind in before.indicators.items():
        assert after.indicators[k].total == pytest.approx(ind.total, rel=1e-12)
    bw = bw2calc_scores({tuple(after.functional_unit["reference_flow"]["activity"]):
                         after.functional_unit["reference_flow"]["amount"]})
    assert after.indicators["climate_change"].total == pytest.approx(bw["climate_change"],
                                                                     rel=1e-9)


def test_setup_force_keeps_the_users_database(mini):
    from lca.api import assess, setup
    from lca.bw.project import use_project

    before = assess(ACTS, data_dir=mini, cache=False)
    with use_project():
        state = _fixture_state()
    setup(mini, force=True)
    _fresh()
    with use_project():
        assert _fixture_state() == state
    after = assess(ACTS, data_dir=mini, cache=False)
    assert after.indicators["climate_change"].total == pytest.approx(
        before.indicators["climate_change"].total, rel=1e-12)


# ----------------------------------------------------------------------------- API

def test_find_activity_lists_matches_with_the_link_to_paste(mini):
    from lca.api import find_activity
    from lca.errors import InputError

    frame = find_activity(em.DATABASE, "market for electricity, medium voltage", data_dir=mini)
    assert list(frame["location"]) == ["DE", "FR", "US-TX"]
    assert frame.iloc[1]["link"] == {"database": em.DATABASE, "name": FR_MV[0],
                                     "location": "FR"}
    assert set(frame["unit"]) == {"kilowatt hour"}
    copper = find_activity(em.DATABASE, "copper", data_dir=mini)  # a part of the name
    assert set(copper["name"]) == {COPPER[0], "copper production, cathode, solvent "
                                   "extraction and electrowinning process"}
    assert copper.iloc[0]["link"] == {"database": em.DATABASE, "name": copper.iloc[0]["name"]}
    chp = find_activity(em.DATABASE, "heat and power co-generation", location="DE",
                        data_dir=mini)
    assert [row["link"].get("reference_product") for _, row in chp.iterrows()] == [
        HV, "heat, district or industrial, natural gas"]
    with pytest.raises(InputError, match="database 'ecoinvent' does not exist"):
        find_activity("ecoinvent", data_dir=mini)


# ----------------------------------------------------------------------------- pure

def test_resolve_link_on_an_index_without_brightway():
    """lca.data.links alone: by code, by name ignoring case, and the messages."""
    from lca.data.links import ActivityInfo, Link, LinkError, minimal_link, resolve_link

    acts = {("db", "a"): ActivityInfo("market for steel", "GLO", "steel", "kilogram"),
            ("db", "b"): ActivityInfo("market for steel", "RER", "steel", "kilogram"),
            ("db", "c"): ActivityInfo("Market for Glass", "GLO", "glass", "kilogram")}
    dbs = {"db", "biosphere3"}
    assert resolve_link(Link(database="db", code="b"), acts, dbs) == ("db", "b")
    assert resolve_link(Link(database="db", name="market for glass"), acts, dbs) == ("db", "c")
    assert resolve_link(Link(database="db", name="market for steel", location="RER"),
                        acts, dbs) == ("db", "b")
    with pytest.raises(LinkError) as exc:
        resolve_link(Link(database="db", code="z"), acts, dbs)
    assert str(exc.value) == "no activity with code 'z' in database 'db'"
    with pytest.raises(LinkError) as exc:
        resolve_link(Link(database="db", name="market for steel", location="CH"), acts, dbs)
    assert str(exc.value) == (
        "no activity 'market for steel' (CH) in 'db'; 'market for steel' exists with: "
        "location GLO, reference product 'steel', unit 'kilogram', code 'a'; location RER, "
        "reference product 'steel', unit 'kilogram', code 'b'")
    assert minimal_link(("db", "a"), acts) == {"database": "db", "name": "market for steel",
                                               "location": "GLO"}
    assert minimal_link(("db", "c"), acts) == {"database": "db", "name": "Market for Glass"}
    with pytest.raises(ValueError, match="takes no 'location'"):
        Link(database="db", code="a", location="GLO")
