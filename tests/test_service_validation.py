"""Validation of ``model:`` services: each problem once, at its root, with its own message.

Each case breaks the reference service chat-70b-h100 (its throughput-model version,
tests/data/services) in one way and runs ``genai-lca
validate`` in-process against the session's project: exit code 2, the exact message, and
the project unchanged (tests/conftest.py::project_state).
"""

from pathlib import Path

import pytest

from conftest import ROOT, SERVICE, project_state
from lca.cli import main

MODEL_SERVICE = ROOT / "tests" / "data" / "services" / "chat-70b-h100-throughput.yaml"
HW = "accelerator: nvidia-h100-sxm-80gb, server: nvidia-dgx-h100, datacenter: meta-2021-builds"


@pytest.fixture
def check(project, tmp_path, capsys):
    """``check(replacements)``: the stderr of ``validate`` on the service with each
    ``(old, new)`` replaced once, and the file's path; exit code 2, nothing written."""
    def run(replacements: list[tuple[str, str]], source: Path = MODEL_SERVICE
            ) -> tuple[str, str]:
        text = source.read_text()
        for old, new in replacements:
            assert old in text, f"test setup: {old!r} not in {source.name}"
            text = text.replace(old, new, 1)
        path = tmp_path / "broken.yaml"
        path.write_text(text)
        before = project_state()
        code = main(["--data-dir", str(project), "validate", str(path)])
        err = capsys.readouterr().err
        assert code == 2, err
        assert project_state() == before
        return str(path), err.strip()
    return run


def test_missing_parameter_is_reported_once(check):
    """host_mass_kg and accelerator_mass_kg are needed by the training and the inference
    hardware (end of life by mass): the DGX-1 and V100 records have no mass, so each is
    required once, not once per stage."""
    path, err = check([(HW, "accelerator: nvidia-v100-sxm2-32gb, server: nvidia-dgx-1-v100, "
                            "datacenter: meta-2021-builds")])
    assert err == (
        "error: 2 problems found; nothing was written:\n"
        f"  - {path}: field 'parameters': parameter 'accelerator_mass_kg' is required (end of "
        "life by mass; 'accelerator-nvidia-v100-sxm2-32gb' has no 'mass_kg' to default to)\n"
        f"  - {path}: field 'parameters': parameter 'host_mass_kg' is required (end of life by "
        "mass; 'server-nvidia-dgx-1-v100' has no 'host_mass_kg' to default to)")


def test_parameter_needed_for_two_reasons_is_reported_once(check):
    """A custom server: gpus_per_server is needed for the server share and the host power
    share; one problem (the first reason) per missing parameter."""
    path, err = check([(HW, "accelerator: nvidia-h100-sxm-80gb, server: custom, "
                            "datacenter: meta-2021-builds"),
                       ("parameters:\n", "parameters:\n"
                        "  - {name: server_embodied_gwp_kg, amount: 3000, unit: kg CO2-Eq, "
                        "source: genai-lca-reference-serving-assumptions}\n"
                        "  - {name: host_power_w, amount: 1500, unit: W, "
                        "source: genai-lca-reference-serving-assumptions}\n"
                        "  - {name: host_mass_kg, amount: 100, unit: kg, "
                        "source: genai-lca-reference-serving-assumptions}\n")])
    assert err == (f"error: {path}: field 'parameters': parameter 'gpus_per_server' is required "
                   "(server share per GPU; 'server-custom' has no 'accelerators_per_node' to "
                   "default to)")


def test_unknown_accelerator_is_named(check):
    path, err = check([("accelerator: nvidia-h100-sxm-80gb", "accelerator: nvidia-l4")])
    assert err == (f"error: {path}: field 'model.hardware.accelerator': unknown accelerator "
                   "'nvidia-l4' (no 'accelerator-nvidia-l4' in genai-hardware); closest known: "
                   "nvidia-l4-24gb, nvidia-l40s-48gb; see 'genai-lca catalog accelerators'")


def test_unknown_server_datacenter_and_grid_are_named(check):
    path, err = check([("server: nvidia-dgx-h100, datacenter: meta-2021-builds",
                        "server: dgx-h100, datacenter: nowhere"),
                       ("location: USA", "location: USAA")])
    assert err == (
        "error: 3 problems found; nothing was written:\n"
        f"  - {path}: field 'model.hardware.server': unknown server 'dgx-h100' (no "
        "'server-dgx-h100' in genai-hardware); closest known: nvidia-dgx-h100, nvidia-dgx-h200; "
        "see 'genai-lca catalog servers'\n"
        f"  - {path}: field 'model.hardware.datacenter': unknown datacenter 'nowhere' (no "
        "'datacenter-nowhere' in genai-datacenter); see 'genai-lca catalog datacenters'\n"
        f"  - {path}: field 'model.electricity.location': unknown grid location 'USAA' (no "
        "'electricity-USAA' in genai-electricity); closest known: USA, US-WA, US-VA; see "
        "'genai-lca catalog grids'")


@pytest.mark.parametrize("formula, reason", [
    ("__import__('os')", "calls '__import__', which is not allowed; formulas may use numbers, "
     "parameter names, + - * / // % **, comparisons, 'a if condition else b' and the functions "
     "abs, ceil, exp, floor, log, log10, max, min, sqrt"),
    ("2500 *", "is not valid arithmetic (invalid syntax)")], ids=["forbidden", "syntax"])
def test_rejected_parameter_formula_is_reported_alone(check, formula, reason):
    """replica_output_tokens_per_s feeds replica hours, IT energy, hardware shares...: none of
    them is reported as an unknown name, only the formula itself, at its parameter."""
    path, err = check([("- {name: replica_output_tokens_per_s, amount: 2500,",
                        f"- {{name: replica_output_tokens_per_s, formula: \"{formula}\",")])
    assert err == (f"error: {path}: dataset 'genai-service-chat-70b-h100-throughput': field "
                   f"'parameters.replica_output_tokens_per_s': formula {formula!r}: {reason}")


def test_unknown_names_are_still_reported_next_to_a_rejected_formula(check):
    """In an activities service: a broken parameter silences the exchanges that use it, but
    a genuinely unknown name is reported, without the broken parameter in its list."""
    path, err = check([("formula: \"output_tokens_per_request / replica_output_tokens_per_s / "
                        "3600\"", "formula: \"output_tokens_per_request / \""),
                       ("formula: \"1 / requests_served\"",
                        "formula: \"replica_hours_per_request / requests_servd\"")],
                      source=SERVICE)
    lines = err.splitlines()
    assert lines[0] == "error: 2 problems found; nothing was written:"
    assert lines[1] == (f"  - {path}: dataset 'genai-service-chat-70b-h100-activities': field "
                        "'parameters.replica_hours_per_request': formula 'output_tokens_per_request"
                        " / ': is not valid arithmetic (invalid syntax)")
    assert lines[2].startswith(
        f"  - {path}: dataset 'request': field 'exchanges[3].formula': formula "
        "'replica_hours_per_request / requests_servd': unknown name(s) requests_servd; "
        "defined here: ")


def test_parameter_cycle_is_reported_once(check):
    path, err = check([("name: hardware_utilisation, amount: 0.8,",
                        "name: hardware_utilisation, formula: \"dc_load_factor\","),
                       ("name: dc_load_factor, amount: 0.6,",
                        "name: dc_load_factor, formula: \"hardware_utilisation\",")])
    assert err == (f"error: {path}: dataset 'genai-service-chat-70b-h100-throughput': field 'parameters': "
                   "formula 'hardware_utilisation -> dc_load_factor': parameters refer to each "
                   "other in a cycle")


def test_each_independent_parameter_cycle_is_reported(check):
    path, err = check([("name: hardware_utilisation, amount: 0.8,",
                        "name: hardware_utilisation, formula: \"dc_load_factor\","),
                       ("name: dc_load_factor, amount: 0.6,",
                        "name: dc_load_factor, formula: \"hardware_utilisation\","),
                       ("name: deployment_years, amount: 2,",
                        "name: deployment_years, formula: \"hardware_lifetime_years\","),
                       ("name: hardware_lifetime_years, amount: 5,",
                        "name: hardware_lifetime_years, formula: \"deployment_years\",")])
    lines = err.splitlines()
    assert lines[0] == "error: 2 problems found; nothing was written:"
    assert [line.split("formula ", 1)[1] for line in lines[1:]] == [
        "'deployment_years -> hardware_lifetime_years': parameters refer to each other in a "
        "cycle",
        "'hardware_utilisation -> dc_load_factor': parameters refer to each other in a cycle"]


def test_parameter_in_another_quantity_is_refused(check):
    path, err = check([("- {name: gpu_power_serving_w, amount: 400, unit: W,",
                        "- {name: gpu_power_serving_w, amount: 400, unit: kg,"),
                       ("name: training_gpu_hours, amount: 6.4e+6, unit: hour",
                        "name: training_gpu_hours, amount: 6.4e+6, unit: kWh")])
    assert err == (
        "error: 2 problems found; nothing was written:\n"
        f"  - {path}: field 'parameters.gpu_power_serving_w.unit': parameter "
        "'gpu_power_serving_w' must be in 'W'; got 'kg', a different quantity ([mass] vs "
        "[mass] * [length] ** 2 / [time] ** 3)\n"
        f"  - {path}: field 'parameters.training_gpu_hours.unit': parameter 'training_gpu_hours' "
        "must be in 'hour' or 'unit hour'; got 'kWh', a different quantity ([mass] * [length] "
        "** 2 / [time] ** 2 vs [time])")


def test_parameter_in_a_compatible_unit_is_refused_with_the_factor(check):
    """kW would be read as W by the formulas (and by sweeps and bounds on the file's
    number): refused, naming the factor, rather than silently 1000x off."""
    path, err = check([("- {name: gpu_power_serving_w, amount: 400, unit: W,",
                        "- {name: gpu_power_serving_w, amount: 0.4, unit: kW,")])
    assert err == (f"error: {path}: field 'parameters.gpu_power_serving_w.unit': parameter "
                   "'gpu_power_serving_w' must be in 'W'; got 'kW': give the amount in W "
                   "(1 kW = 1000 W); the model's formulas do not convert units")


def test_other_spellings_of_the_documented_units_are_accepted(project, tmp_path, capsys):
    text = MODEL_SERVICE.read_text()
    for old, new in [("unit: request / day", "unit: requests/d"),
                     ("replica_output_tokens_per_s, amount: 2500, unit: token / second",
                      "replica_output_tokens_per_s, amount: 2500, unit: token / s"),
                     ("training_gpu_hours, amount: 6.4e+6, unit: hour",
                      "training_gpu_hours, amount: 6.4e+6, unit: GPU-hour"),
                     ("output_tokens_per_request, amount: 400, unit: token / request",
                      "output_tokens_per_request, amount: 400, unit: token")]:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "spellings.yaml"
    path.write_text(text)
    assert main(["--data-dir", str(project), "validate", str(path)]) == 0, \
        capsys.readouterr().err


def test_documented_units_are_known_units():
    from lca import units
    from lca.model.genai import PARAMETER_UNITS

    for name, accepted in PARAMETER_UNITS.items():
        for unit in accepted:
            assert units.parse_unit(unit) is not None, (name, unit)
