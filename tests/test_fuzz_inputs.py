"""Issue 12, as a property: whatever is wrong with a file, ``genai-lca validate`` exits 0,
or exits 2 with one line per problem, never another code or a traceback; and
``genai-lca assess`` exits 0 with finite results, or 2 the same way, the project unchanged.

Hypothesis mutates the tiny service and its tiny background (values of every type,
YAML structure, formulas, numbers, units, encodings, truncation) and validates the pair
in-process against the session's project; validation writes nothing, which the project's
hash checks. Then it mutates a copy of a reference service the same way (and with extreme
numbers) and assesses it with the real command line, in a subprocess.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from conftest import ROOT, project_state, run_cli
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


def _mutate(draw, text: str, values: list[str], accent: tuple[str, str]) -> bytes:
    """``text`` with one thing broken: a value replaced by one of ``values``, a line dropped,
    repeated or re-indented, the file truncated, or the file in another encoding (with
    ``accent`` replaced so that the encoding matters)."""
    kind = draw(st.sampled_from(["value", "value", "value", "line", "truncate", "encoding"]))
    if kind == "value":
        spans = [m.span() for m in _VALUE.finditer(text)]
        start, end = spans[draw(st.integers(0, len(spans) - 1))]
        text = text[:start] + draw(st.sampled_from(values)) + text[end:]
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
        return text.replace(*accent).encode(codec)
    return text.encode("utf-8")


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(TEXTS)))
    return name, _mutate(draw, TEXTS[name], NASTY, ("tiny", "tíny"))


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



#: A reference service under its own id (assessing it writes its own database).
REFERENCE = (ROOT / "inventories" / "services" / "chat-8b-h200.yaml").read_text(
    encoding="utf-8").replace("id: chat-8b-h200", "id: fuzz-chat-8b", 1)
#: Numbers that are valid YAML and may be valid amounts, but extreme: overflow in single
#: precision, underflow, negative zero, tiny and huge demand.
EXTREME = ["1e30", "1e-30", "3.5e38", "1e300", "-0.0", "1e-9", "1e12", "-1e6", "0.5"]


@pytest.fixture(scope="module")
def fuzz_dir(data_dir, tmp_path_factory) -> Path:
    """A copy of the session's data directory (set up, a few MB): the mutated services that
    assess cleanly write their databases there, not into the session's project."""
    copy = tmp_path_factory.mktemp("fuzz") / "bw"
    shutil.copytree(data_dir, copy)
    return copy


def _stamp(folder: Path) -> str:
    """A hash of every file of a Brightway project's folder (names and bytes)."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _numbers(value):
    """Every number in a parsed JSON document."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


def _no_constant(token):
    raise AssertionError(f"{token} in JSON output")


@settings(max_examples=16, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_issue_12_mutated_service_assess_exits_0_finite_or_2_unchanged(data, tmp_path,
                                                                       project, fuzz_dir):
    """A mutated service through the real ``genai-lca assess --format json``: exit 0 with
    every number of the result finite, or exit 2 with its message on stderr and the
    project's files exactly as before; never another code, a traceback or partial output."""
    import bw2data as bd

    path = tmp_path / "service.yaml"
    path.write_bytes(_mutate(data.draw, REFERENCE, NASTY + EXTREME,
                             ("Chat assistant", "Chät assistant")))
    folder = fuzz_dir / Path(bd.projects.dir).name  # the project's own folder in the copy
    before = _stamp(folder)
    r = run_cli("--quiet", "--data-dir", str(fuzz_dir), "assess", str(path), "--format",
                "json", timeout=120)
    event(f"assess exit {r.returncode}")  # pytest --hypothesis-show-statistics counts them
    assert r.returncode in (0, 2), r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    if r.returncode == 0:
        result = json.loads(r.stdout, parse_constant=_no_constant)
        assert result["indicators"], r.stdout
        assert all(math.isfinite(v) for v in _numbers(result)), r.stdout
        return
    assert r.stdout == "", r.stdout
    lines = r.stderr.rstrip("\n").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("error: "))
    assert all(line.startswith("genai-lca: ") for line in lines[:first]), r.stderr
    if len(lines) > first + 1:  # "N problems found", then one line per problem
        assert re.match(r"error: \d+ problems found", lines[first]), r.stderr
        assert all(line.startswith("  - ") for line in lines[first + 1:]), r.stderr
    assert _stamp(folder) == before, "a refused assess changed the project"
