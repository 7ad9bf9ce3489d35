"""Reference services (issue 4): each agrees with a plain bw2calc run on the written
databases, and changing one input moves the result in the expected direction and size."""

import pytest

from conftest import ROOT, formula_amounts_after_brightway_recalculation

SERVICES = ROOT / "inventories" / "services"
NAMES = ["chat-70b-h100", "chat-8b-h200", "moe-47b-h100", "image-a100", "training-405b-h100"]


@pytest.mark.parametrize("name", NAMES)
def test_assess_agrees_with_plain_bw2calc(data_dir, project, name):
    import bw2calc as bc
    import bw2data as bd

    from lca.api import assess

    result = assess(SERVICES / f"{name}.yaml", data_dir=data_dir)
    ref = result.functional_unit["reference_flow"]
    act = bd.get_activity(tuple(ref["activity"]))
    for key, ind in result.indicators.items():
        lca = bc.LCA({act: ref["amount"]}, method=tuple(ind.method))
        lca.lci()
        lca.lcia()
        assert ind.total == pytest.approx(lca.score, rel=1e-9, abs=1e-300), key
        assert sum(ind.by_stage.values()) == pytest.approx(ind.total, rel=1e-9)


#: The throughput-model version of chat-70b-h100 (given throughput and power): the
#: formulas these tests check by hand are its own.
THROUGHPUT = SERVICES.parents[1] / "tests" / "data" / "services" / "chat-70b-h100-throughput.yaml"


def _variant(tmp_path, old: str, new: str, tag: str):
    text = THROUGHPUT.read_text()
    assert old in text
    text = text.replace(old, new, 1).replace("id: chat-70b-h100-throughput",
                                             f"id: chat-70b-h100-{tag}", 1)
    path = tmp_path / f"{tag}.yaml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def base(data_dir):
    from lca.api import assess

    return assess(THROUGHPUT, data_dir=data_dir)


def _gwp(result, code):
    return result.indicators["climate_change"].by_activity[code]


def test_pue_scales_inference_electricity_only(base, data_dir, tmp_path):
    """PUE 1.09 (datacentre default) -> 1.5: inference electricity x 1.5/1.09; training's
    power already includes PUE, so its electricity does not change."""
    from lca.api import assess

    new = assess(_variant(tmp_path, "parameters:\n", "parameters:\n  - {name: pue, amount: 1.5, "
                          "unit: dimensionless, source: genai-lca-reference-serving-assumptions}\n",
                          "pue"), data_dir=data_dir)
    assert _gwp(new, "inference-electricity") == pytest.approx(
        _gwp(base, "inference-electricity") * 1.5 / 1.09, rel=1e-6)
    assert _gwp(new, "training-dynamic") == pytest.approx(_gwp(base, "training-dynamic"), rel=1e-6)
    assert not any(w["code"] == "default-pue" for w in new.warnings)


def test_grid_scales_operational_electricity(base, data_dir, tmp_path):
    """USA -> FRA: every electricity contribution x (FRA intensity / USA intensity)."""
    from lca.api import assess, catalog

    grids = {g["id"]: g["climate_change"] for g in catalog("grids", data_dir=data_dir)}
    ratio = grids["electricity-FRA"] / grids["electricity-USA"]
    new = assess(_variant(tmp_path, "location: USA", "location: FRA", "fra"), data_dir=data_dir)
    for code in ("inference-electricity", "training-dynamic"):
        assert _gwp(new, code) == pytest.approx(_gwp(base, code) * ratio, rel=1e-6)
    assert _gwp(new, "inference-hardware") == pytest.approx(_gwp(base, "inference-hardware"),
                                                           rel=1e-6)


def test_throughput_halves_per_request_energy_and_hardware(base, data_dir, tmp_path):
    """Twice the replica throughput (a larger batch): half the busy time per request."""
    from lca.api import assess

    new = assess(_variant(tmp_path, "replica_output_tokens_per_s, amount: 2500",
                          "replica_output_tokens_per_s, amount: 5000", "batch"), data_dir=data_dir)
    for code in ("inference-electricity", "inference-hardware"):
        assert _gwp(new, code) == pytest.approx(_gwp(base, code) / 2, rel=1e-6)
    assert _gwp(new, "training") == pytest.approx(_gwp(base, "training"), rel=1e-6)


def test_lifetime_halves_embodied(base, data_dir, tmp_path):
    """Hardware lifetime 5 -> 10 years: every time-share of manufacture and end of life / 2."""
    from lca.api import assess

    # the triangular bounds move with the mode: a mode outside them is refused (issue 12)
    new = assess(_variant(tmp_path, "hardware_lifetime_years, amount: 5, unit: year, source: "
                          "hyperscaler-depreciation-2024,\n     uncertainty: {type: triangular, "
                          "minimum: 3, maximum: 6}}",
                          "hardware_lifetime_years, amount: 10, unit: year, source: "
                          "hyperscaler-depreciation-2024,\n     uncertainty: {type: triangular, "
                          "minimum: 6, maximum: 12}}", "life"), data_dir=data_dir)
    for key, ind in new.indicators.items():
        old = base.indicators[key].by_stage.get("manufacture", 0.0)
        assert ind.by_stage.get("manufacture", 0.0) == pytest.approx(old / 2, rel=1e-6, abs=1e-18)
    # fab electricity sits in manufacture: it halves, operational energy does not move
    assert new.energy_by_stage_kwh["manufacture"] == pytest.approx(
        base.energy_by_stage_kwh["manufacture"] / 2, rel=1e-6)
    assert new.energy_by_stage_kwh["inference"] == pytest.approx(
        base.energy_by_stage_kwh["inference"], rel=1e-6)


def test_defaults_are_reported_as_warnings(base):
    codes = {w["code"] for w in base.warnings}
    assert {"default-pue", "default-wue_l_per_kwh", "default-host_power_w"} <= codes
    assert base.provenance["allocation"]["training"].startswith("amortised over all requests")


def test_brightway_recalculates_the_generated_formulas(base, project):
    """The generated database's parameters and formulas are real Brightway ones: bw2data's
    own recalculation (what Activity Browser runs) finds the amounts we wrote."""
    before, after = formula_amounts_after_brightway_recalculation("genai-service-chat-70b-h100")
    assert len(before) >= 12
    assert after.keys() == before.keys()
    for k in before:
        assert after[k] == pytest.approx(before[k], rel=1e-12), k


def test_training_allocation_rules(base, data_dir, tmp_path):
    """tokens: the same per request when the model serves exactly this service's tokens,
    half when it serves twice as many; share 0.25: a quarter of the training."""
    from lca.api import assess

    served_tokens = 5e7 * 365 * 2 * 400
    for tag, block, params, factor in [
            ("tok1", "tokens", f"training_amortisation_tokens, amount: {served_tokens:.6e}", 1.0),
            ("tok2", "tokens", f"training_amortisation_tokens, amount: {2 * served_tokens:.6e}", 0.5),
            ("share", "share", "training_share, amount: 0.25", 0.25)]:
        path = _variant(tmp_path, "  inference: {energy_model: throughput}\n",
                        "  inference: {energy_model: throughput}\n"
                        f"  allocation: {{training: {block}}}\n", tag)
        text = path.read_text().replace("parameters:\n", "parameters:\n  - {name: " + params +
                                        ", unit: dimensionless, source: "
                                        "genai-lca-reference-serving-assumptions}\n", 1)
        path.write_text(text)
        new = assess(path, data_dir=data_dir)
        assert _gwp(new, "training") == pytest.approx(_gwp(base, "training") * factor, rel=1e-6)
        assert new.provenance["allocation"]["training"] != base.provenance["allocation"]["training"]


def test_fine_tuning_campaign_is_amortised_like_training(base, data_dir, tmp_path):
    """A measured fine-tuning campaign of 50 MWh (IT): per request, 50,000 kWh x PUE 1.09 x
    the US grid's kg CO2-eq/kWh / requests served, in its own 'fine-tuning' stage."""
    from lca.api import assess, catalog

    path = _variant(tmp_path, "  training: {energy: gpu-hours}\n",
                    "  training: {energy: gpu-hours}\n  fine_tuning: {energy: measured}\n", "ft")
    path.write_text(path.read_text().replace("parameters:\n", (
        "parameters:\n  - {name: fine_tuning_energy_kwh, amount: 50000, unit: kWh, "
        "source: genai-lca-reference-serving-assumptions}\n  - {name: fine_tuning_gpu_hours, "
        "amount: 60000, unit: hour, source: genai-lca-reference-serving-assumptions}\n"), 1))
    new = assess(path, data_dir=data_dir)
    grid = {g["id"]: g for g in catalog("grids", data_dir=data_dir)}["electricity-USA"]
    expected = 50_000 * 1.09 * grid["climate_change"] / (5e7 * 365 * 2)
    assert _gwp(new, "fine_tuning-measured") == pytest.approx(expected, rel=1e-6)
    assert new.indicators["climate_change"].by_stage["fine-tuning"] > 0
    assert _gwp(new, "training") == pytest.approx(_gwp(base, "training"), rel=1e-6)


def test_onsite_and_grid_water_use_the_country_aware_factor(base):
    """US datacentre: AWARE of on-site and grid water = m3 consumed x the USA factor."""
    from lca.data.files import inventory_root
    from lca.data.water import country_factors

    usa = country_factors(inventory_root())["USA"]
    for code in ("inference-onsite-water", "inference-electricity"):
        consumed = base.indicators["water_consumption"].by_activity[code]
        assert base.indicators["water_scarcity"].by_activity[code] == pytest.approx(
            consumed * usa, rel=1e-6)
    assert [w["code"] for w in base.warnings if w["code"].startswith("aware-")] == ["aware-country"]


def test_market_based_electricity_is_an_explicit_labelled_option(base, data_dir, tmp_path):
    """A supplier's market-based factor (here 0.1 kg/kWh) replaces the grid mix for the
    service's electricity, and the provenance says so."""
    from lca.api import assess

    path = _variant(tmp_path, "electricity: {location: USA}",
                    "electricity: {location: USA, basis: market-based}", "market")
    path.write_text(path.read_text().replace("parameters:\n", (
        "parameters:\n  - {name: grid_gwp_kg_per_kwh, amount: 0.1, unit: kg CO2-Eq / kWh, "
        "source: genai-lca-reference-serving-assumptions}\n"), 1))
    new = assess(path, data_dir=data_dir)
    it_kwh = base.energy_by_stage_kwh["inference"]  # facility kWh per request
    assert _gwp(new, "inference-electricity") == pytest.approx(it_kwh * 0.1, rel=1e-6)
    assert new.provenance["allocation"]["electricity"]["basis"] == "market-based"


def test_issue_14_stated_grid_warning_says_its_water_uses_the_world_factor(base, data_dir,
                                                                           tmp_path):
    """A market-based grid with a stated water figure (2 L/kWh) in the USA: on-site water uses
    the USA factor, the stated grid water the world 42.95 (it goes on biosphere3's Water),
    and the aware-country warning says exactly that (before issue 14 it said grid water used
    the USA factor)."""
    from lca.api import assess
    from lca.data.files import inventory_root
    from lca.data.water import country_factors

    path = _variant(tmp_path, "electricity: {location: USA}",
                    "electricity: {location: USA, basis: market-based}", "market-water")
    path.write_text(path.read_text().replace("parameters:\n", (
        "parameters:\n  - {name: grid_gwp_kg_per_kwh, amount: 0.1, unit: kg CO2-Eq / kWh, "
        "source: genai-lca-reference-serving-assumptions}\n"
        "  - {name: grid_water_l_per_kwh, amount: 2.0, unit: L / kWh, "
        "source: genai-lca-reference-serving-assumptions}\n"), 1))
    new = assess(path, data_dir=data_dir)
    water, scarcity = (new.indicators[k].by_activity for k in ("water_consumption",
                                                                "water_scarcity"))
    usa = country_factors(inventory_root())["USA"]
    assert scarcity["inference-onsite-water"] == pytest.approx(
        water["inference-onsite-water"] * usa, rel=1e-6)
    assert water["inference-electricity"] > 0
    assert scarcity["inference-electricity"] == pytest.approx(
        water["inference-electricity"] * 42.95, rel=1e-6)
    aware = [w for w in new.warnings if w["code"].startswith("aware-")]
    assert [w["code"] for w in aware] == ["aware-country"]
    assert aware[0]["message"] == (
        "water scarcity of on-site water uses the AWARE factor of USA (non-agricultural, "
        "inventories/methods/aware_country.csv); grid water of the market-based factor "
        "(grid_water_l_per_kwh) uses the world average (42.95 m3 world-eq per m3, EF 3.1); "
        "embodied water uses the AWARE factor of the country where it is consumed (fab and "
        "fab grid), the world average where that country has none")
    located = [w["message"] for w in base.warnings if w["code"] == "aware-country"]
    assert located[0].startswith("water scarcity of on-site and grid water uses the AWARE "
                                 "factor of USA")  # a location-based grid: its market's flow
