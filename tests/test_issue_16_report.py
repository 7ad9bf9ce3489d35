"""Issue 16, the report in the shape of ISO 14040/44 and ISO 14067: every study section is
present and filled with the service's own numbers, checked in the HTML and in headless
Chromium's rendered DOM."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest

from conftest import ROOT
from lca.cli import main
from test_report import _console_messages, _run_chromium

SMALL = ROOT / "tests" / "data" / "bounds" / "small-throughput.yaml"


@pytest.fixture(scope="module")
def report(data_dir, tmp_path_factory):
    from lca.api import assess, boundaries, disclose

    out = tmp_path_factory.mktemp("iso") / "report.html"
    assert main(["--quiet", "--data-dir", str(data_dir), "report", str(SMALL), "--samples",
                 "50", "--seed", "3", "--sensitivity", "oat", "--sweep", "pue=1:2",
                 "--out", str(out)]) == 0
    return (out, out.read_text(encoding="utf-8"), assess(SMALL, data_dir=data_dir),
            boundaries(SMALL, data_dir=data_dir), disclose(SMALL, data_dir=data_dir))


def _section(text: str, key: str) -> str:
    """The HTML of one study section: from its heading to the next h3."""
    start = text.index(f"<h3 id='svc0-{key}'")
    end = text.find("<h3", start + 10)
    return text[start:end if end > 0 else None]


def _plain(fragment: str) -> str:
    """The text of an HTML fragment, figures left out, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", fragment, flags=re.S))
    return " ".join(html.unescape(text).split())


def test_every_study_section_is_present_in_order(report):
    from lca.report.iso import SECTIONS

    _, text, *_ = report
    positions = [text.index(f"<h3 id='svc0-{key}' data-iso='{key}'>") for key in SECTIONS]
    assert positions[:5] == sorted(positions[:5])  # goal and scope first, as ISO 14044 asks
    assert positions[5:] == sorted(positions[5:])
    for key in SECTIONS:
        assert f"href='#svc0-{key}'" in text  # the contents line links each


def test_goal_scope_and_functional_unit_are_the_services(report):
    _, text, result, *_ = report
    goal = _plain(_section(text, "goal"))
    assert result.service_name in goal and "bounds-small-throughput (chat)" in goal
    assert "1000 requests a day, deployed 1 year(s) (3.65e+05 requests served)" in goal
    assert "accelerator nvidia-h100-sxm-80gb, server nvidia-dgx-h100" in goal
    assert "FRA, stated grid, 0.5 kg CO2-eq/kWh" in goal
    assert "inference energy model throughput; training campaign (gpu-hours)" in goal
    fu = _plain(_section(text, "fu"))
    assert "one request [request]" in fu and "output tokens per functional unit 500" in fu
    assert "functional units a year 3.65e+05" in fu


def test_boundary_allocation_and_methods_are_filled(report):
    from lca.report.html import num

    _, text, result, *_ = report
    boundary = _section(text, "boundary")
    assert "Partial life cycle (3 part(s) excluded, below)" in _plain(boundary)
    for stage, kwh in result.energy_by_stage_kwh.items():
        if kwh:
            assert num(kwh) in boundary
    assert boundary.count("<svg") == 1  # the service graph, moved here (not drawn twice)
    assert text.count("Climate change through the service graph") == 1
    alloc = _plain(_section(text, "allocation"))
    assert result.provenance["allocation"]["training"] in alloc
    assert "embodied hardware (accelerators and servers, time share): cut off" in alloc
    methods = _plain(_section(text, "methods"))
    for m in result.provenance["methods"]:
        assert " | ".join(m["name"]) in methods
    assert f"bw2calc {result.provenance['versions']['bw2calc']}" in methods


def test_reconciliation_and_disclosure_carry_the_numbers(report):
    from lca.report.html import num

    _, text, _, rec, dis = report
    section = _section(text, "reconciliation")
    for b in rec.boundaries:
        shown = "n/a" if b.energy_kwh is None else num(b.energy_kwh)
        assert f"<span data-boundary='{b.id}' data-q='energy'>{shown}</span>" in section
        shown = "n/a" if b.carbon_kg is None else num(b.carbon_kg)
        assert f"<span data-boundary='{b.id}' data-q='carbon'>{shown}</span>" in section
    assert ">x1.2<" in section and ">x0.2<" in section  # PUE; market / location
    table = _plain(_section(text, "disclosure"))
    for r in dis.rows:
        assert r["item"] in table and num(r["per_year"]) in table
    assert "Duration days 0.4167" in table


def test_quality_interpretation_and_limitations_are_filled(report):
    _, text, result, rec, _ = report
    quality = _plain(_section(text, "quality"))
    assert "Share of each result resting on each kind of evidence" in quality
    assert set(result.evidence) and all(kind in quality for shares in result.evidence.values()
                                        for kind in shares)  # the result's own kinds
    interp = _plain(_section(text, "interpretation"))
    assert "the largest stage is training (56.8 %)" in interp
    assert "Monte Carlo 95 % interval of climate change" in interp
    assert "The most influential parameter on climate change is" in interp
    full = rec["full"].energy_kwh / rec["gpu"].energy_kwh
    assert f"the full life cycle is x{full:.3g} the gpu energy" in interp
    for anchor in ("contributions", "sensitivity", "uncertainty", "reconciliation"):
        assert f"href='#svc0-{anchor}'" in _section(text, "interpretation")
        assert f"id='svc0-{anchor}'" in text
    limits = _plain(_section(text, "limitations"))
    assert "it-provisioned: no idle term" in limits
    assert "Excluded from the boundary: end of life of the hardware" in limits
    assert all(w["code"] in limits for w in result.warnings)


def test_evidence_shares_are_shown_next_to_the_precharacterised_share(report):
    """With ``AssessmentResult.evidence`` (added by another part of issue 16), the data
    quality section tabulates it; read with getattr, so a result without it still works."""
    from lca.report.iso import evidence

    _, _, result, *_ = report
    fake = SimpleNamespace(result=SimpleNamespace(
        evidence={"climate_change": {"measured": 0.25, "assumed": 0.75}},
        indicators=result.indicators),
        contributions=SimpleNamespace(precharacterised_share={"climate_change": 1.0}))
    out = _plain(evidence(fake))
    assert "assumed measured pre-characterised" in out
    assert "Climate change 75.0 % 25.0 % 100.0 %" in out


def test_study_sections_render_in_chromium(report):
    path, text, _, rec, _ = report
    run = _run_chromium("--dump-dom", path.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert _console_messages(run.stderr) == []
    dom = run.stdout
    for heading in ("Goal and scope", "Functional unit", "System boundary",
                    "Allocation and cut-off", "LCIA methods and versions",
                    "Boundary reconciliation", "Energy disclosure", "Data quality",
                    "Interpretation", "Limitations"):
        assert f">{heading}</h3>" in dom
    from lca.report.html import num

    assert f"data-q=\"energy\">{num(rec['facility'].energy_kwh)}</span>" in dom
    assert dom.count("<svg") == text.count("<svg")
