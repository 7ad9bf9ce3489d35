"""Issue 12: every input error is exit 2 with file, dataset, field, expected and found.

Before, these ended in "internal error" (exit 1), hung, or were silently accepted. Each
case writes one bad file under ``tmp_path`` (from the reference service, a model-block
service or the tiny background) and runs ``genai-lca validate`` in-process against the
session's project, whose full state is hashed before and after. The cases that used to
hang run in a subprocess with a timeout.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import ROOT, SERVICE, project_state, run_cli
from lca.cli import main

TINY_BG = ROOT / "tests" / "data" / "tiny" / "background.yaml"
MODEL_SERVICE = ROOT / "inventories" / "services" / "chat-70b-h100.yaml"
DEMAND = ("{name: requests_per_day, amount: 5.0e+7, unit: request / day, "
          "source: genai-lca-reference-assumptions,")
CSV_HEADER = "database,activity,flow,categories,amount,unit,source\n"
CSV_ROW = "tiny-bg,chip,Water,air,0.5,L,genai-lca-reference-assumptions\n"


def _replaced(source: Path, old: str, new: str) -> str:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {source.name}"
    return text.replace(old, new, 1)


def _validate(project, capsys, *paths: Path) -> tuple[int, str]:
    before = project_state()
    code = main(["--data-dir", str(project), "validate", *map(str, paths)])
    err = capsys.readouterr().err
    assert project_state() == before
    assert "Traceback" not in err and "internal error" not in err, err
    return code, err


def _refused(project, capsys, *paths: Path) -> str:
    code, err = _validate(project, capsys, *paths)
    assert code == 2, err
    return err


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- encoding

def test_issue_12_latin1_service(tmp_path, project, capsys):
    text = _replaced(SERVICE, "name: Chat assistant", "name: Café assistant")
    bad = _write(tmp_path, "latin1.yaml", text.encode("latin-1"))
    offset = text.encode("latin-1").index(b"\xe9")
    assert _refused(project, capsys, bad).strip() == (
        f"error: {bad}: is not UTF-8 text (byte 0xe9 at offset {offset}); save it as UTF-8")


def test_issue_12_utf16_service_and_inventory(tmp_path, project, capsys):
    svc = _write(tmp_path, "svc16.yaml", SERVICE.read_text().encode("utf-16"))
    assert _refused(project, capsys, svc).strip() == (
        f"error: {svc}: is UTF-16 text (byte-order mark ff fe); save it as UTF-8")
    inv = _write(tmp_path, "bg16.yaml", TINY_BG.read_text().encode("utf-16-be"))
    assert _refused(project, capsys, inv).strip() == (
        f"error: {inv}: is not a text file (a NUL character at offset 0; UTF-16 text or a "
        "binary file?); save it as UTF-8 text")


def test_issue_12_binary_files(tmp_path, project, capsys):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    bad = _write(tmp_path, "image.yaml", png)
    assert _refused(project, capsys, bad).strip() == (
        f"error: {bad}: is not UTF-8 text (byte 0x89 at offset 0); save it as UTF-8")
    table = _write(tmp_path, "table.csv", CSV_HEADER.encode() + b"\xff\xfe\x00garbage\n")
    err = _refused(project, capsys, TINY_BG, table)
    assert f"{table}: is not UTF-8 text (byte 0xff at offset {len(CSV_HEADER)})" in err


def test_issue_12_utf8_bom_is_accepted(tmp_path, project, capsys):
    svc = _write(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + SERVICE.read_bytes())
    table = _write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + (CSV_HEADER + CSV_ROW).encode())
    code, err = _validate(project, capsys, svc, TINY_BG, table)
    assert code == 0, err


# ----------------------------------------------------------------------------- YAML

BOMB = "".join(
    ['format: genai-lca/inventory@1\ndatabase: bomb\n',
     'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n']
    + [f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")])


def test_issue_12_billion_laughs_is_refused_at_once(tmp_path, data_dir):
    bad = _write(tmp_path, "bomb.yaml", BOMB)
    start = time.perf_counter()
    done = run_cli("--data-dir", str(data_dir), "validate", str(bad), timeout=60)
    assert time.perf_counter() - start < 30  # was 30 s and all memory, then a failure
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f"error: {bad}: is not valid YAML at line 3: the value anchored here ('&name') is "
        "reused through an alias ('*name'); genai-lca files may not use anchors and "
        "aliases: write the values out")


def test_issue_12_duplicate_key(tmp_path, project, capsys):
    bad = _write(tmp_path, "dup.yaml", _replaced(
        SERVICE, "  kind: chat\n", "  kind: chat\n  name: a second name\n"))
    line = bad.read_text().splitlines().index("  name: a second name") + 1
    first = bad.read_text().splitlines().index(
        "  name: Chat assistant, 70B dense model on 8x H100 SXM (written as activities)") + 1
    assert _refused(project, capsys, bad).strip() == (
        f"error: {bad}: is not valid YAML at line {line}: repeats the key 'name' (first at "
        f"line {first}); each key may appear once in a mapping")


def test_issue_12_merge_key_and_deep_nesting(tmp_path, project, capsys):
    merge = _write(tmp_path, "merge.yaml", "format: genai-lca/inventory@1\ndatabase: m\n"
                   "x: &x {a: 1}\ny:\n  <<: *x\n")
    assert "genai-lca files may not use anchors and aliases" in _refused(project, capsys, merge)
    deep = _write(tmp_path, "deep.yaml", "format: genai-lca/inventory@1\ndatabase: d\n"
                  "x: " + "[" * 500 + "]" * 500 + "\n")
    assert "nests lists and mappings more than 64 levels deep" in _refused(
        project, capsys, deep)


# ----------------------------------------------------------------------------- units

def test_issue_12_unit_with_huge_power_does_not_hang(tmp_path, data_dir):
    bad = _write(tmp_path, "power.yaml", _replaced(TINY_BG, "amount: 0.5, unit: kg}",
                                                   "amount: 0.5, unit: kg * 9**9**9}"))
    start = time.perf_counter()
    done = run_cli("--data-dir", str(data_dir), "validate", str(bad), timeout=60)
    assert time.perf_counter() - start < 30  # pint computed 9**9**9: it never finished
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(
        f"error: {bad}: dataset 'elec': field 'exchanges[0].unit': unit 'kg * 9**9**9' is not "
        "a known unit (a power must be a plain number of at most two digits, e.g. 'm**3' or "
        "'s^-1'); the linked ")
    assert len(done.stderr.strip().splitlines()) == 1


def test_issue_12_unit_too_long(tmp_path, project, capsys):
    unit = "kg * " + " * ".join(["kg / kg"] * 20)
    bad = _write(tmp_path, "long.yaml", _replaced(TINY_BG, "amount: 0.5, unit: kg}",
                                                  f"amount: 0.5, unit: {unit}}}"))
    assert f"unit '{unit[:40]}...' is not a known unit ({len(unit)} characters long; at most " \
        "100 are allowed)" in _refused(project, capsys, bad)


# ----------------------------------------------------------------------------- formulas

FORMULA = 'formula: "1 / requests_served"'


@pytest.mark.parametrize("formula, reason", [
    ("(-8)**0.5", "cannot be evaluated: -8.0 ** 0.5 is not a real number (a negative number "
                  "raised to a fractional power)"),
    ("abs()", "calls 'abs' with 0 argument(s); it takes exactly 1"),
    ("sqrt(1, 2)", "calls 'sqrt' with 2 argument(s); it takes exactly 1"),
    ("exp(1, 2, 3)", "calls 'exp' with 3 argument(s); it takes exactly 1"),
    ("abs * 2", "uses the function 'abs' as a value; call it on its argument, e.g. abs(x)"),
])
def test_issue_12_formula(formula, reason, tmp_path, project, capsys):
    bad = _write(tmp_path, "f.yaml", _replaced(SERVICE, FORMULA, f'formula: "{formula}"'))
    assert _refused(project, capsys, bad).strip() == (
        f"error: {bad}: dataset 'request': field 'exchanges[3].formula': formula "
        f"{formula!r}: {reason}")


def test_issue_12_formula_of_2000_terms(tmp_path, project, capsys):
    formula = "+".join(["1"] * 1000)  # 1,999 characters: under the length limit
    bad = _write(tmp_path, "f.yaml", _replaced(SERVICE, FORMULA, f'formula: "{formula}"'))
    assert _refused(project, capsys, bad).strip() == (
        f"error: {bad}: dataset 'request': field 'exchanges[3].formula': formula "
        f"'{formula[:40]}...': is nested 1001 levels deep (more than 200); split it into "
        "parameters")


def test_issue_12_formula_at_the_depth_limit_evaluates():
    from lca.formula import Formula

    assert Formula("+".join(["1"] * 198)).evaluate({}) == 198.0


@pytest.mark.parametrize("name", ["pi", "e", "abs", "min", "id", "print"])
def test_issue_12_reserved_parameter_name(name, tmp_path, project, capsys):
    bad = _write(tmp_path, "r.yaml", _replaced(SERVICE, "{name: gpus_per_replica,",
                                               f"{{name: {name},"))
    err = _refused(project, capsys, bad)
    assert f"field 'parameters.4.name': '{name}' is a reserved name: formulas use the " \
        "functions and constants abs, ceil, e, exp, floor, log, log10, max, min, pi, sqrt, " \
        "and Brightway's formula interpreter defines Python's keywords and builtins (id, " \
        f"print, sum, round, ...); choose another name; got '{name}'" in err


# ----------------------------------------------------------------------------- shapes

def test_issue_12_activities_as_strings(tmp_path, project, capsys):
    bad = _write(tmp_path, "s.yaml", "format: genai-lca/inventory@1\ndatabase: s\n"
                 "activities: [elec, chip]\n")
    err = _refused(project, capsys, bad)
    assert err.startswith("error: 2 problems found; nothing was written:")
    assert f"{bad}: dataset 'activity #1': Input should be a valid dictionary or instance " \
        "of Activity; got 'elec'" in err


def test_issue_12_csv_row_with_more_fields_than_header(tmp_path, project, capsys):
    table = _write(tmp_path, "t.csv", CSV_HEADER + CSV_ROW.replace("\n", ",extra,more\n"))
    assert _refused(project, capsys, TINY_BG, table).strip() == (
        f"error: {table}:2: dataset 'chip': row has 9 fields; the header names 7")


def test_issue_12_csv_comment_lines_are_skipped(tmp_path, project, capsys):
    table = _write(tmp_path, "t.csv", "# water of the tiny chip\n" + CSV_HEADER
                   + "# a comment between rows\n" + CSV_ROW + CSV_ROW.replace("air", "nowhere"))
    err = _refused(project, capsys, TINY_BG, table)
    assert err.startswith(f"error: {table}:5: dataset 'chip': field 'exchange.flow': no "
                          "biosphere flow named 'Water' in ['nowhere']; it exists in: [air]")
    fine = _write(tmp_path, "fine.csv", "# water of the tiny chip\n" + CSV_HEADER + CSV_ROW)
    assert _validate(project, capsys, TINY_BG, fine)[0] == 0


def test_issue_12_infinite_production(tmp_path, project, capsys):
    bad = _write(tmp_path, "inf.yaml", _replaced(TINY_BG, "  - code: chip\n",
                                                 "  - code: chip\n    production: .inf\n"))
    assert _refused(project, capsys, bad).strip() == (
        f"error: {bad}: dataset 'chip': field 'production': production must be a finite "
        "number; got inf")  # once: the validator's message already says what it found


def test_issue_12_empty_database_name(tmp_path, project, capsys):
    bad = _write(tmp_path, "db.yaml", _replaced(TINY_BG, "database: tiny-bg", "database: ''"))
    assert _refused(project, capsys, bad).strip() == (
        f"error: {bad}: field 'database': database name '' must be non-empty, without '/' "
        "and without leading or trailing spaces; got ''")


def test_issue_12_duplicate_functional_unit_ids(tmp_path, project, capsys):
    bad = _write(tmp_path, "fu.yaml", _replaced(SERVICE, "{id: service-year,",
                                                "{id: request,"))
    assert _refused(project, capsys, bad).strip() == (
        f"error: {bad}: field 'functional_units': functional unit id(s) declared more than "
        "once: request; each id must be unique")


def test_issue_12_triangular_mode_outside_bounds(tmp_path, project, capsys):
    bad = _write(tmp_path, "tri.yaml", _replaced(
        SERVICE, "amount: 400, unit: token / request", "amount: 50, unit: token / request"))
    assert _refused(project, capsys, bad).strip() == (
        f"error: {bad}: dataset 'genai-service-chat-70b-h100-activities': field "
        "'parameters.output_tokens_per_request.uncertainty': a triangular distribution's "
        "mode (the amount, 50) must lie in [minimum, maximum] = [100, 1000]")


def test_issue_12_boolean_where_a_number_is_expected(tmp_path, project, capsys):
    bad = _write(tmp_path, "bool.yaml", _replaced(
        MODEL_SERVICE, "{name: requests_per_day, amount: 5.0e+7,",
        "{name: requests_per_day, amount: true,"))
    assert _refused(project, capsys, bad).strip() == (
        f"error: {bad}: field 'parameters.0.amount': expected a number, not a boolean (YAML "
        "reads true, false, yes, no, on and off as booleans); got True")


def test_issue_12_service_id_too_long(tmp_path, project, capsys):
    long_id = "chat-" + "x" * 300
    bad = _write(tmp_path, "id.yaml", _replaced(SERVICE, "id: chat-70b-h100-activities",
                                                f"id: {long_id}"))
    assert _refused(project, capsys, bad).strip() == (
        f"error: {bad}: field 'service.id': a service id is at most 100 characters long; this "
        f"one has 305; got '{long_id[:39]}...")
