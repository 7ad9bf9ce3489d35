"""Issue 15: stated impacts per functional unit (``model.stated_impacts``): a provider's
published figure goes on the indicator's pre-characterised flow, on its stage, cited, and
counted in the pre-characterised share.

Brightway stores exchange amounts in single precision (bw_processing), so a stated value
comes back exactly as ``float32(value x unit factor)``, which the tests assert with ``==``.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import ROOT
from lca.cli import main

EXAMPLE = ROOT / "inventories" / "examples" / "google-gemini-prompt-2025.yaml"
REFERENCE = ROOT / "inventories" / "services" / "chat-8b-h200.yaml"
TERM = "stated-gemini-median-text-prompt"


def stored(value: float) -> float:
    """A value as Brightway stores it (single precision)."""
    return float(np.float32(value))


def stated_only(tmp_path, values: str, *, per: str = "request", params: str = "",
                kind: str = "chat", name: str = "stated-only") -> object:
    """A service of one stated inference term (the example's source) and nothing else."""
    head = EXAMPLE.read_text().split("model:\n")[0]
    text = head.replace("id: google-gemini-prompt-2025", f"id: {name}").replace(
        "kind: chat", f"kind: {kind}") + f"""model:
  stated_impacts:
    - id: serving
      stage: inference
      per: {per}
      source: elsworth-2025-gemini-prompt
      values:
{values}
{params}"""
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def test_the_google_example_reproduces_the_stated_per_prompt_figures(project):
    from lca.api import assess

    result = assess(EXAMPLE, data_dir=project, cache=False)
    ind = result.indicators
    # 0.03 g CO2e -> kg; 0.26 mL -> m3 (Elsworth et al. 2025); nothing else is stated
    assert ind["climate_change"].total == stored(0.03 * 1e-3) == stored(3e-5)
    assert ind["water_consumption"].total == stored(0.26 * 1e-6)
    assert ind["water_scarcity"].total == 0.0 == ind["abiotic_depletion_elements"].total
    assert ind["climate_change"].by_stage == {"service": 0.0, "inference": stored(3e-5)}
    assert ind["climate_change"].by_activity[TERM] == stored(3e-5)
    assert result.energy_total_kwh == 0.0  # no grid modelled: the 0.24 Wh is in the comment
    assert result.provenance["stated_impacts"] == [{
        "id": "gemini-median-text-prompt", "stage": "inference", "per": "request",
        "source": "elsworth-2025-gemini-prompt", "values": {
            "climate_change": {"amount": 0.03, "unit": "g CO2e", "value": 3e-05,
                               "value_unit": "kilogram CO2-Eq"},
            "water_consumption": {"amount": 0.26, "unit": "mL", "value": 2.6e-07,
                                  "value_unit": "cubic meter"}}}]
    assert result.provenance["allocation"] == {
        "rule": "as stated by the provider (model.stated_impacts); nothing modelled"}


def test_a_fully_stated_service_rests_wholly_on_pre_characterised_data(project, tmp_path):
    import pandas as pd

    from lca.api import contributions

    c = contributions(EXAMPLE, data_dir=project)
    assert c.precharacterised_share["climate_change"] == 1.0
    assert c.precharacterised_share["water_consumption"] == 1.0
    top = c.processes[(c.processes.indicator == "climate_change") & (c.processes["rank"] == 1)]
    assert (top.code.item(), top.stage.item(), top.share.item()) == (TERM, "inference", 1.0)
    flows = c.flows[c.flows.indicator == "climate_change"]
    assert flows.iloc[0]["name"] == "GWP100, pre-characterised" and flows.iloc[0].precharacterised
    cited = {s["id"]: s for s in c.sources}["elsworth-2025-gemini-prompt"]
    assert cited["citation"].startswith("Elsworth, C. et al. (2025)") and cited["uses"] >= 1
    params = {p["name"]: p for p in c.parameters}
    assert params["stated_gemini_median_text_prompt_climate_change"]["amount"] == 3e-05
    # the workbook's processes sheet shows the stated activity with its stage
    out = tmp_path / "gemini.xlsx"
    assert main(["--quiet", "--data-dir", str(project), "assess", str(EXAMPLE), "--out",
                 str(out)]) == 0
    sheet = pd.read_excel(out, sheet_name="processes")
    row = sheet[(sheet.code == TERM) & (sheet.indicator == "climate_change")]
    assert row.stage.item() == "inference"
    assert row.name.item().startswith("Gemini Apps median text prompt")


def test_the_stated_activity_is_labelled_in_the_database(project):
    import bw2data as bd

    from lca.api import assess

    assess(EXAMPLE, data_dir=project, cache=False)
    act = bd.get_activity(("genai-service-google-gemini-prompt-2025", TERM))
    assert (act["stage"], act["source"]) == ("inference", "elsworth-2025-gemini-prompt")
    assert act["comment"].startswith("stated by the provider, pre-characterised")
    flows = {e.input["name"]: e for e in act.biosphere()}
    assert set(flows) == {"GWP100, pre-characterised", "Water consumption, pre-characterised"}
    assert flows["GWP100, pre-characterised"]["formula"] == \
        "stated_gemini_median_text_prompt_climate_change"


MANUFACTURE = """  stated_impacts:
    - id: hardware-vendor
      name: accelerator and host, vendor's stated share per request
      stage: manufacture
      source: elsworth-2025-gemini-prompt
      values:
        climate_change: {amount: 0.01, unit: g CO2e}
        abiotic_depletion_elements: {amount: 2.0e-6, unit: mg Sb-eq}
        water_scarcity: {amount: 0.05, unit: L world-eq}
"""


def mixed(tmp_path, block: str = MANUFACTURE, name: str = "mixed-8b"):
    """The 8B reference service (modelled) plus a stated term, with the example's source."""
    sources = EXAMPLE.read_text().split("sources:\n")[1].split("model:\n")[0]
    text = REFERENCE.read_text().replace("id: chat-8b-h200", f"id: {name}")
    text = text.replace("model:\n", "sources:\n" + sources + "model:\n", 1)
    text = text.replace("\nparameters:\n", "\n" + block + "parameters:\n", 1)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def test_a_stated_term_adds_exactly_its_value_to_the_modelled_stage(project, tmp_path):
    from lca.api import assess

    reference = assess(REFERENCE, data_dir=project)
    result = assess(mixed(tmp_path), data_dir=project, cache=False)
    added = {"climate_change": stored(0.01e-3), "abiotic_depletion_elements": stored(2e-12),
             "water_scarcity": stored(0.05e-3), "water_consumption": 0.0}
    for key, ind in result.indicators.items():
        ref = reference.indicators[key]
        assert ind.by_activity["stated-hardware-vendor"] == added[key]
        assert ind.by_stage["manufacture"] - ref.by_stage["manufacture"] == \
            pytest.approx(added[key], rel=1e-9, abs=1e-30)
        assert ind.total - ref.total == pytest.approx(added[key], rel=1e-6, abs=1e-30)
        for stage in set(ref.by_stage) - {"manufacture"}:
            assert ind.by_stage[stage] == pytest.approx(ref.by_stage[stage], rel=1e-12)
    warning = next(w for w in result.warnings if w["code"] == "stated-adds-to-modelled-stage")
    assert warning["message"] == (
        "stated term 'hardware-vendor' is added to the modelled manufacture stage; if it "
        "stands for the modelled part, switch that off (boundary.embodied: false)")


def test_per_image_and_formula_values(project, tmp_path):
    from lca.api import assess

    values = ("        climate_change: {formula: \"2 * base_g\", unit: g CO2-eq}\n")
    params = """parameters:
  - {name: images_per_request, amount: 4, unit: image / request, source: elsworth-2025-gemini-prompt}
  - {name: base_g, amount: 0.5, unit: dimensionless, source: elsworth-2025-gemini-prompt}
"""
    path = stated_only(tmp_path, values, per="image", params=params, kind="image",
                       name="stated-image")
    per_request = assess(path, data_dir=project, cache=False)
    per_image = assess(path, fu="image", data_dir=project, cache=False)
    assert per_image.indicators["climate_change"].total == pytest.approx(1e-3, rel=1e-7)
    assert per_request.indicators["climate_change"].total == pytest.approx(4e-3, rel=1e-7)
    assert per_request.provenance["stated_impacts"][0]["values"]["climate_change"] == {
        "formula": "2 * base_g", "unit": "g CO2-eq", "value": 1e-3,
        "value_unit": "kilogram CO2-Eq"}


def test_a_term_per_training_campaign_is_linked_from_the_campaign(project, tmp_path):
    from lca.api import assess

    training = ROOT / "inventories" / "services" / "training-405b-h100.yaml"
    sources = EXAMPLE.read_text().split("sources:\n")[1].split("model:\n")[0]
    text = training.read_text().replace("id: training-405b-h100", "id: stated-campaign")
    text = text.replace("model:\n", "sources:\n" + sources + "model:\n", 1).replace(
        "\nparameters:\n", """
  stated_impacts:
    - {id: data-pipeline, stage: training, per: training, source: elsworth-2025-gemini-prompt,
       values: {climate_change: {amount: 12.5, unit: t CO2e}}}
parameters:
""", 1)
    path = tmp_path / "stated-campaign.yaml"
    path.write_text(text)
    reference, result = assess(training, data_dir=project), assess(path, data_dir=project,
                                                                     cache=False)
    ref, ind = reference.indicators["climate_change"], result.indicators["climate_change"]
    assert ind.by_activity["stated-data-pipeline"] == stored(12.5e3)  # whole campaign, in kg
    assert ind.by_stage["training"] - ref.by_stage["training"] == pytest.approx(12.5e3,
                                                                                rel=1e-9)
    warning = next(w for w in result.warnings if w["code"] == "stated-adds-to-modelled-stage")
    assert "switch that off (remove 'training')" in warning["message"]


def test_monte_carlo_varies_a_stated_value_within_its_distribution(project, tmp_path):
    from lca.api import uncertainty

    values = """        climate_change: {amount: 0.03, unit: g CO2e, uncertainty: {type: lognormal, gsd: 1.5}}
        water_consumption: {amount: 0.26, unit: mL, uncertainty: {type: triangular, minimum: 0.2, maximum: 0.4}}
        water_scarcity: {amount: 0.01, unit: L world-eq}
"""
    path = stated_only(tmp_path, values, name="stated-mc")
    mc = uncertainty(path, 2000, seed=7, data_dir=project, cache=False)
    climate = mc.total[:, mc.indicators.index("climate_change")]
    water = mc.total[:, mc.indicators.index("water_consumption")]
    scarcity = mc.total[:, mc.indicators.index("water_scarcity")]
    assert climate.std() > 0 and water.std() > 0
    # lognormal around 3e-5 kg with GSD 1.5: the median of the samples within 5 %
    assert np.median(climate) == pytest.approx(3e-5, rel=0.05)
    assert np.std(np.log(climate)) == pytest.approx(np.log(1.5), rel=0.08)
    # the triangular bounds are converted with the amount: mL -> m3
    assert 0.2e-6 * (1 - 1e-6) <= water.min() and water.max() <= 0.4e-6 * (1 + 1e-6)
    assert np.unique(scarcity).size == 1  # a value without distribution stays put


def test_a_sweep_reaches_a_stated_value_by_its_parameter(project):
    from lca.analysis.sweep import SweepSpec, sweep
    from lca.api import compile

    model = compile(EXAMPLE, data_dir=project)
    table = sweep(model, SweepSpec("stated_gemini_median_text_prompt_climate_change",
                                   1e-5, 5e-5, points=3))
    total = table[(table.indicator == "climate_change") & (table.stage == "total")]
    assert total.score.tolist() == pytest.approx([1e-5, 3e-5, 5e-5], rel=1e-6)


BAD = "        climate_change: {amount: 0.03, unit: g CO2e}\n"


@pytest.mark.parametrize("old, new, field, message", [
    ("climate_change:", "adp_elements:", "model.stated_impacts.0.values.adp_elements",
     "unknown indicator 'adp_elements'; allowed: climate_change, water_consumption, "
     "water_scarcity, abiotic_depletion_elements"),
    ("amount: 0.03", "amount: -0.03", "model.stated_impacts.0.values.climate_change.amount",
     "a stated footprint must be a finite number >= 0; got -0.03"),
    ("unit: g CO2e", "unit: kWh", "model.stated_impacts.0.values.climate_change.unit",
     "unit 'kWh' is not a unit of climate change: 'kg CO2-Eq' or a mass of CO2-eq such as "
     "'g CO2e'"),
    ("unit: g CO2e", "unit: g", "model.stated_impacts.0.values.climate_change.unit",
     "unit 'g' is not a unit of climate change"),
    ("stage: inference", "stage: use", "model.stated_impacts.0.stage",
     "unknown stage 'use'; allowed: manufacture, transport, training, fine-tuning, inference, "
     "datacenter infrastructure, end of life"),
    ("      source: elsworth-2025-gemini-prompt\n", "", "model.stated_impacts.0.source",
     "Field required"),
    ("per: request", "per: prompt", "model.stated_impacts.0.per",
     "'per' must be one of request, image, training, fine-tuning; got 'prompt'"),
    ("per: request", "per: training", "model.stated_impacts.0.per",
     "'per: training' needs a modelled 'training' campaign in this service; state the "
     "figure per request instead"),
    ("amount: 0.03", "formula: 0.03 - 1", "model.stated_impacts.0.values.climate_change.formula",
     "a stated footprint must be a finite number >= 0; the formula '0.03 - 1' gives -0.97 g CO2e"),
    ("{amount: 0.03, unit: g CO2e}", "{amount: 0.03, unit: g CO2e, uncertainty: {type: normal, "
     "scale: 0.01}}", "model.stated_impacts.0.values.climate_change",
     "a normal distribution here draws negative footprints; use lognormal, or "
     "uniform/triangular with minimum >= 0"),
])
def test_a_bad_stated_term_exits_2_naming_file_term_and_field(project, tmp_path, capsys, old,
                                                              new, field, message):
    path = stated_only(tmp_path, BAD, name="stated-bad")
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    assert main(["--data-dir", str(project), "assess", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: dataset 'serving': field '{field}': {message}" in err, err


def test_an_unknown_source_of_a_stated_term_is_refused(project, tmp_path, capsys):
    path = stated_only(tmp_path, BAD, name="stated-uncited")
    path.write_text(path.read_text().replace("      source: elsworth-2025-gemini-prompt",
                                             "      source: elsworth-2025", 1))
    assert main(["--data-dir", str(project), "assess", str(path)]) == 2
    err = capsys.readouterr().err
    assert "unknown source 'elsworth-2025'" in err and str(path) in err


def test_a_stated_parameter_name_may_not_be_given_twice(project, tmp_path, capsys):
    params = """parameters:
  - {name: stated_serving_climate_change, amount: 1, unit: kg CO2-Eq, source: elsworth-2025-gemini-prompt}
"""
    path = stated_only(tmp_path, BAD, params=params, name="stated-twice")
    assert main(["--data-dir", str(project), "assess", str(path)]) == 2
    assert (f"{path}: dataset 'serving': field 'model.stated_impacts.0.values.climate_change': "
            "parameter 'stated_serving_climate_change' holds the stated value of term "
            "'serving'; give it no other value in 'parameters'") in capsys.readouterr().err


def test_a_modelled_service_still_needs_hardware_and_electricity(project, tmp_path):
    from lca.data.service import load_service
    from lca.errors import InputError

    path = tmp_path / "no-hardware.yaml"
    path.write_text(REFERENCE.read_text().replace(
        "  hardware: {accelerator: nvidia-h200-sxm-141gb, server: nvidia-dgx-h200, "
        "datacenter: hyperscale-evaporative}\n", ""))
    with pytest.raises(InputError) as err:
        load_service(path)
    assert "give 'hardware': the modelled stages need them (only a service of stated " \
           "impacts alone may leave them out)" in str(err.value)
