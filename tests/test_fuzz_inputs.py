"""Issue 12, as a property: whatever is wrong with a file, ``genai-lca validate`` exits 0,
or exits 2 with one line per problem, never another code or a traceback.

Hypothesis mutates the tiny service and its tiny background (values of every type,
YAML structure, formulas, numbers, units, encodings, truncation) and validates the pair
in-process against the session's project; validation writes nothing, which the project's
hash checks.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT, project_state
from lca.cli import main

TINY = ROOT / "tests" / "data" / "tiny"
TEXTS = {"service.yaml": (TINY / "service.yaml").read_text(encoding="utf-8"),
         "background.yaml": (TINY / "background.yaml").read_text(encoding="utf-8")}
#: Values put where a YAML value was: wrong types, special numbers, YAML structure,
#: unsafe or broken formulas and units.
NASTY = ["true", "no", "null", "~", "[]", "{}", "[a, b]", "{a: 1}", "-1", "0", ".inf",
         "-.inf", ".nan", "1e309", "1e-320", "''", "' '", "\"\\0\"", "café", "&a 1", "*a",
         "!!binary aGk=", "!!python/object:os.system ls", "2024-01-01", "0x10", "1_000",
         '"(-8)**0.5"', '"abs()"', '"sqrt(1, 2)"', '"abs * 2"', '"1/0"', '"10**400"',
         '"__import__(\'os\')"', '"a.b"', f'"{"+".join(["1"] * 600)}"', '"n if n else"',
         "kg * 9**9**9", "m**(1/2)", "kWh/kg", "request / day", "flurbs", "'x' * 3",
         "pi", "print", "id", "e", "-", "a/b", "tiny-bg/nothing", "x" * 300]
_VALUE = re.compile(r"(?<=: )[^,{}\[\]\n]+")


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(TEXTS)))
    text = TEXTS[name]
    kind = draw(st.sampled_from(["value", "value", "value", "line", "truncate", "encoding"]))
    if kind == "value":
        spans = [m.span() for m in _VALUE.finditer(text)]
        start, end = spans[draw(st.integers(0, len(spans) - 1))]
        text = text[:start] + draw(st.sampled_from(NASTY)) + text[end:]
    elif kind == "line":
        lines = text.splitlines(keepends=True)
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "indent", "dedent"]))
        lines[i] = {"drop": "", "repeat": lines[i] * 2, "indent": "  " + lines[i],
                    "dedent": lines[i].lstrip()}[action]
        text = "".join(lines)
    elif kind == "truncate":
        text = text[:draw(st.integers(0, len(text)))]
    if kind == "encoding":
        codec = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "utf-8-sig"]))
        data = text.replace("tiny", "tíny").encode(codec)
        return name, data
    return name, text.encode("utf-8")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=mutated())
def test_issue_12_mutated_files_exit_0_or_2_with_one_line_per_problem(case, tmp_path,
                                                                       project, capsys):
    name, data = case
    paths = []
    for file, text in TEXTS.items():
        path = tmp_path / file
        path.write_bytes(data if file == name else text.encode("utf-8"))
        paths.append(str(path))
    before = project_state()
    code = main(["--data-dir", str(project), "validate", *paths])
    out = capsys.readouterr()
    assert project_state() == before
    assert code in (0, 2), out.err
    assert "Traceback" not in out.err and "internal error" not in out.err, out.err
    if code == 2:
        lines = out.err.rstrip("\n").split("\n")
        assert lines[0].startswith("error: "), out.err
        if len(lines) > 1:  # "N problems found", then one line per problem
            assert re.match(r"error: \d+ problems found", lines[0]), out.err
            assert all(line.startswith("  - ") for line in lines[1:]), out.err

