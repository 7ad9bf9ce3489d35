"""Bad input: one clear line naming file, dataset and field; exit code 2; project untouched.

Each case starts from the reference service (or the tiny background) and breaks one thing.
The CLI runs in-process (``lca.cli.main``) against the session's project; the project's
full state is hashed before and after (tests/conftest.py::project_state).
"""

from pathlib import Path

import pytest

from conftest import ROOT, SERVICE, project_state
from lca.cli import main

TINY_BG = ROOT / "tests" / "data" / "tiny" / "background.yaml"


def _broken(tmp_path: Path, source: Path, old: str, new: str, name: str = "broken.yaml") -> Path:
    text = source.read_text()
    assert old in text, f"test setup: {old!r} not in {source.name}"
    out = tmp_path / name
    out.write_text(text.replace(old, new, 1))
    return out


CASES = {
    # id: (source file, old text, new text, command, expected message fragments)
    "unknown source": (SERVICE, "source: meta-llama3-model-card-2024}", "source: meta-llama-99}",
                       "assess", ["unknown source 'meta-llama-99'", "field 'parameters.training_gpu_hours.source'"]),
    "unit mismatch": (SERVICE, "formula: training_facility_kwh, unit: kilowatt hour",
                      "formula: training_facility_kwh, unit: kilogram", "assess",
                      ["dataset 'training'", "field 'exchanges[0].unit'",
                       "unit 'kilogram' cannot be converted to 'kilowatt hour'"]),
    "unknown unit": (SERVICE, "unit: L / kWh", "unit: flurbs", "assess",
                     ["field 'parameters.wue_l_per_kwh.unit'", "'flurbs' is not a known unit"]),
    "unsafe formula": (SERVICE, 'formula: "1 / requests_served"',
                       "formula: \"__import__('os').system('echo hi')\"", "assess",
                       ["dataset 'request'", "field 'exchanges[3].formula'",
                        "uses attribute access ('.'), which is not allowed"]),
    "unknown parameter in formula": (SERVICE, 'formula: "1 / requests_served"',
                                     'formula: "1 / requests_servd"', "assess",
                                     ["dataset 'request'", "unknown name(s) requests_servd"]),
    "unresolved link": (SERVICE, "input: genai-background/gpu-nvidia-h100-sxm-80gb,\n         formula: \"gpus",
                        "input: genai-background/gpu-nvidia-h999,\n         formula: \"gpus", "assess",
                        ["dataset 'inference-hardware'", "field 'exchanges[0].input'",
                         "links to 'genai-background/gpu-nvidia-h999', which is not defined"]),
    "unknown database": (SERVICE, "input: genai-background/electricity-usa, formula: \"it_kwh",
                         "input: ecoinvent-3.10/electricity-usa, formula: \"it_kwh", "assess",
                         ["dataset 'inference'", "links to database 'ecoinvent-3.10', which does not exist"]),
    "unknown biosphere flow": (SERVICE, "flow: Water, categories: [air], formula: \"wue_l_per_kwh * it",
                               "flow: Watr, categories: [air], formula: \"wue_l_per_kwh * it", "assess",
                               ["dataset 'inference'", "no biosphere flow named 'Watr' in ['air']"]),
    "cycle": (SERVICE, "- {input: genai-background/end-of-life-it-equipment, amount: 1, unit: kilogram}",
              "- {input: genai-background/end-of-life-it-equipment, amount: 1, unit: kilogram}\n"
              "      - {input: request, amount: 0.1, unit: request}", "assess",
              ["activities consume each other in a cycle", "allow_cycles"]),
    "negative lifetime": (SERVICE, "name: hardware_lifetime_years, amount: 5,",
                          "name: hardware_lifetime_years, amount: -5,", "assess",
                          ["field 'parameters.hardware_lifetime_years'", "a lifetime must be positive; got -5 year"]),
    "NaN amount": (TINY_BG, "amount: 0.5, unit: kg}", "amount: .nan, unit: kg}", "load",
                   ["dataset 'elec'", "field 'exchanges.0.amount'", "amount must be a finite number"]),
    "duplicate code": (TINY_BG, "code: chip", "code: elec", "load",
                       ["dataset 'elec'", "field 'code'", "code defined twice"]),
    "out of bounds": (SERVICE, "name: pue, amount: 1.08,", "name: pue, amount: 0.9,", "assess",
                      ["field 'parameters.pue'", "value 0.9 is outside its bounds [1.0, None]"]),
    "division by zero": (SERVICE, 'formula: "1 / requests_served"', 'formula: "1 / (n_zero - n_zero)"',
                         "assess", ["cannot be evaluated"]),
    "missing field": (SERVICE, "    unit: kilogram\n    stage: end of life", "    stage: end of life",
                      "assess", ["dataset 'hardware-end-of-life'", "field 'unit'", "Field required"]),
    "invalid yaml": (SERVICE, "activities:\n", "activities:\n  - [unclosed\n", "assess",
                     ["is not valid YAML at line"]),
    "wrong format": (SERVICE, "format: genai-lca/service@1", "format: genai-lca/service@9", "assess",
                     ["field 'format'", "expected 'format: genai-lca/service@1'; got 'genai-lca/service@9'"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_reported_and_writes_nothing(case, tmp_path, project, capsys):
    src, old, new, command, fragments = CASES[case]
    if case == "division by zero":
        old_text = src.read_text().replace(
            "parameters:\n", "parameters:\n  - {name: n_zero, amount: 1, unit: dimensionless, "
            "source: genai-lca-reference-assumptions}\n", 1)
        src = tmp_path / "with_zero.yaml"
        src.write_text(old_text)
    bad = _broken(tmp_path, src, old, new)
    before = project_state()
    code = main(["--data-dir", str(project), command, str(bad)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert str(bad) in err or case == "wrong format" and "broken.yaml" in err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    assert project_state() == before


def test_missing_file_and_unknown_functional_unit(project, capsys):
    assert main(["--data-dir", str(project), "assess", "no/such/service.yaml"]) == 2
    assert capsys.readouterr().err.strip() == "error: no/such/service.yaml: service file not found"
    assert main(["--data-dir", str(project), "assess", str(SERVICE), "--fu", "per-banana"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: field '--fu': unknown functional unit 'per-banana'; this service declares: "
        "request, 1k-output-tokens, service-year, whole-service")


def test_all_problems_are_listed_at_once(tmp_path, project, capsys):
    text = SERVICE.read_text().replace("source: meta-llama3-model-card-2024}", "source: nope}", 1)
    text = text.replace('formula: "1 / requests_served"', 'formula: "1 / nothing"')
    bad = tmp_path / "two.yaml"
    bad.write_text(text)
    before = project_state()
    assert main(["--data-dir", str(project), "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 2 problems found; nothing was written:")
    assert "unknown source 'nope'" in err and "unknown name(s) nothing" in err
    assert project_state() == before


def test_validate_clean_files_writes_nothing(project, capsys):
    before = project_state()
    assert main(["--data-dir", str(project), "validate", str(SERVICE),
                 str(ROOT / "inventories" / "background")]) == 0
    assert "OK: 2 database(s) valid" in capsys.readouterr().out
    assert project_state() == before
