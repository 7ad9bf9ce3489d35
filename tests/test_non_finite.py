"""Issue 12, "nothing silent": no NaN or inf reaches the output of ``compare``,
``sensitivity`` or ``uncertainty``, and JSON output is always strict JSON.

A comparison whose ratio A/B is undefined (B scores zero, e.g. a service without water)
leaves that row out and says so on stderr, with A - B; a model output that overflows is an
error naming the indicator and the parameter values; Sobol indices of an output without
variance are zero (documented in the README).
"""

from __future__ import annotations

import json

import pytest

from lca.cli import main

DRY = """\
format: genai-lca/service@1
service: {id: dry, name: Dry service}
functional_units:
  - {id: request, name: one request, unit: request, activity: root, amount: "1"}
parameters:
  - {name: co2, amount: 1, unit: kg, source: genai-lca-reference-assumptions,
     uncertainty: {type: uniform, minimum: 0.5, maximum: 1.5}}
activities:
  - code: root
    name: dry request
    unit: request
    stage: inference
    source: genai-lca-reference-assumptions
    exchanges:
      - {flow: "Carbon dioxide, fossil", categories: [air], formula: "co2", unit: kg}
"""
#: The same, using one litre of water a request (evaporated).
WET = DRY.replace("dry", "wet").replace("Dry", "Wet") + \
    "      - {flow: Water, categories: [air], amount: 1, unit: L}\n"


def _service(tmp_path, text: str, name: str):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def strict_json(text: str):
    """``text`` parsed as strict JSON: NaN, Infinity or null anywhere fails the test."""
    def no_constant(token):
        raise AssertionError(f"{token} in JSON output")

    data = json.loads(text, parse_constant=no_constant)

    def walk(v):
        assert v is not None, "null in JSON output"
        for item in v.values() if isinstance(v, dict) else v if isinstance(v, list) else ():
            walk(item)
    walk(data)
    return data


def _messages(err: str) -> list[str]:
    """Our lines on stderr (in process, bw2io's progress bars go there too)."""
    return [line for line in err.splitlines() if line.startswith(("genai-lca:", "error:"))]


def _cli(capsys, project, *args):
    code = main(["--data-dir", str(project), "--quiet", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_compare_leaves_out_an_undefined_ratio_and_says_why(project, tmp_path, capsys):
    wet, dry = _service(tmp_path, WET, "wet"), _service(tmp_path, DRY, "dry")
    code, out, err = _cli(capsys, project, "compare", wet, dry, "-n", "200", "--seed", "1",
                          "--format", "json")
    assert code == 0, err
    rows = strict_json(out)
    assert [r["indicator"] for r in rows] == ["climate_change"]
    assert rows[0]["ratio_median"] == 1.0 and rows[0]["p_equal"] == 1.0
    lines = _messages(err)
    assert ("genai-lca: compare: 'wet' vs 'dry', water_consumption: left out, the ratio A/B "
            "is undefined ('dry' scores zero in every sample); A - B: mean 0.001, 95 % "
            "0.001 to 0.001") in lines
    assert any(line.startswith("genai-lca: compare: 'wet' vs 'dry', energy_kwh: left out, "
                               "the ratio A/B is undefined ('dry' scores zero in every sample "
                               "and so does 'wet')") for line in lines), err
    assert len(lines) == 4, err  # water x 2, abiotic depletion, energy
    # the other way round, A/B = 0 is defined: water is compared
    code, out, err = _cli(capsys, project, "compare", dry, wet, "-n", "200", "--seed", "1",
                          "--format", "csv")
    assert code == 0 and "nan" not in out.lower() and ",," not in out, out
    assert "water_consumption" in out and "water_scarcity" in out
    assert len(_messages(err)) == 2, err  # abiotic depletion and energy: zero in both


def test_compare_api_lists_what_it_left_out(data_dir, tmp_path):
    from lca.api import compare

    frame = compare([_service(tmp_path, WET, "wet"), _service(tmp_path, DRY, "dry")], 50,
                    seed=2, data_dir=data_dir).pairs()
    assert list(frame["indicator"]) == ["climate_change"]
    assert len(frame.attrs["left_out"]) == 4
    assert all("left out, the ratio A/B is undefined" in m for m in frame.attrs["left_out"])


@pytest.mark.parametrize("method", ["oat", "morris", "sobol"])
def test_sensitivity_overflow_is_an_error_naming_indicator_and_values(project, tmp_path,
                                                                     capsys, method):
    big = _service(tmp_path, DRY.replace('formula: "co2"', 'formula: "co2 ** 20"'), "big")
    code, out, err = _cli(capsys, project, "sensitivity", big, "--method", method,
                          "--bounds", "co2=0:1000", "-n", "8", "--seed", "1", "-f", "json")
    assert code == 2 and out == "", out
    [line] = _messages(err)
    assert line.startswith("error: sensitivity: 'climate_change' is not finite for "), err
    assert "parameter sets (first: co2=" in line and "narrow --bounds" in line, err
    assert "Traceback" not in err


@pytest.mark.parametrize("method", ["oat", "morris", "sobol"])
def test_sensitivity_of_an_output_without_variance_is_zero(project, tmp_path, capsys,
                                                           method):
    """Water does not depend on co2 (it is zero): its indices are 0, never NaN or null."""
    dry = _service(tmp_path, DRY, "dry")
    code, out, err = _cli(capsys, project, "sensitivity", dry, "--method", method, "-n", "16",
                          "--seed", "1", "-f", "json")
    assert code == 0, err
    rows = strict_json(out)
    water = [r for r in rows if r["indicator"] == "water_consumption"]
    assert water and all(v == 0 for r in water for k, v in r.items()
                         if k in ("S1", "S1_conf", "ST", "ST_conf", "mu_star", "sigma",
                                  "swing"))


def test_uncertainty_json_is_strict(project, tmp_path, capsys):
    code, out, err = _cli(capsys, project, "uncertainty", _service(tmp_path, WET, "wet"),
                          "-n", "100", "--seed", "1", "-f", "json")
    assert code == 0, err
    rows = strict_json(out)
    assert {r["indicator"] for r in rows} >= {"climate_change", "water_consumption"}
    assert all(isinstance(r["converged"], bool) for r in rows)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_uncertainty_with_non_finite_samples_writes_no_file(project, tmp_path, capsys,
                                                             suffix):
    """co2 ** 300 overflows single precision for co2 above ~1.34: the samples are an error
    naming the indicator (one line on stderr), and --out gets no file, not a file of
    infs (it used to be written before the error)."""
    huge = _service(tmp_path, DRY.replace('formula: "co2"', 'formula: "co2 ** 300"'), "huge")
    out = tmp_path / "samples" / f"s{suffix}"
    out.parent.mkdir()
    code, stdout, err = _cli(capsys, project, "uncertainty", huge, "-n", "50", "--seed", "1",
                             "-f", "json", "--out", str(out))
    assert code == 2 and stdout == "", stdout
    [line] = _messages(err)
    assert line.startswith("error: "), err
    assert "Monte Carlo samples of 'climate_change' are not finite" in line, err
    assert "RuntimeWarning" not in err, err  # the overflow is reported once, by name
    assert list(out.parent.iterdir()) == []
