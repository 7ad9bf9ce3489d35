"""The HTML report: self-contained, with the result's numbers, rendered by headless
Chromium without console errors into a screenshot that is not blank."""

import os
import re
import shutil
import subprocess

import numpy as np
import pytest

from conftest import ROOT
from lca.cli import main

SERVICES = [ROOT / "inventories" / "services" / "chat-70b-h100.yaml",
            ROOT / "inventories" / "services" / "chat-8b-h200.yaml"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or \
        shutil.which("google-chrome")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is not installed (CI installs it in .ci/run)")
        pytest.skip("chromium is not installed")
    return found


def _run_chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                           "--hide-scrollbars", "--enable-logging=stderr", "--v=0", *args],
                          capture_output=True, text=True, timeout=120)


def _console_messages(stderr: str) -> list[str]:
    """Console output of the page (Chromium logs each message as ``...:CONSOLE:<line>]``)."""
    return [line for line in stderr.splitlines() if re.search(r":CONSOLE[:(]", line)]


@pytest.fixture(scope="module")
def report(data_dir, tmp_path_factory):
    from lca.api import assess

    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["--quiet", "--data-dir", str(data_dir), "report", *map(str, SERVICES),
                 "--samples", "200", "--seed", "7", "--sensitivity", "oat",
                 "--out", str(out)]) == 0
    results = [assess(s, data_dir=data_dir) for s in SERVICES]
    return out, out.read_text(encoding="utf-8"), results


def test_report_is_self_contained(report):
    _, text, _ = report
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"(?i)\b(?:https?|ftp|file):", text), "no URL of any kind"
    # attribute names as whole words: "bandwidth_fraction = 0.7" in a warning is not one
    assert not re.search(r"(?i)\b(?:src|href|action)\s*=\s*(?![\"']?#)", text), \
        "only in-page links"
    assert "<script" not in text.lower() and "@import" not in text and "url(" not in \
        re.sub(r"url\(#[^)]*\)", "", text)


def test_report_has_the_key_numbers_and_sections(report):
    _, text, results = report
    from lca.report.html import num

    for r in results:
        assert r.service_name in text
        for key, ind in r.indicators.items():
            assert f"data-indicator='{key}'>{num(ind.total)}</span>" in text
        assert num(r.energy_total_kwh) in text
        for db in r.provenance["inventories"]:
            if db["digest"]:
                assert db["digest"] in text
    for heading in ("Assumptions", "Parameters", "Contributions by process",
                    "Contributions by elementary flow", "Uncertainty (200 Monte Carlo samples, "
                    "seed 7)", "Sensitivity, one at a time", "Sweeps", "Data quality",
                    "Provenance", "Paired comparison"):
        assert heading in text
    # the chat-70b service rests entirely on pre-characterised climate data
    assert "<span class='pre-share' data-indicator='climate_change'>100.0 %</span>" in text
    assert "CC-BY-4.0" in text or "CC BY" in text or "MIT" in text  # licences listed


def test_console_check_catches_errors(tmp_path):
    """The console check below is only worth something if it sees a failing page."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><p>x</p><script>console.error('boom'); nope();</script>")
    messages = _console_messages(_run_chromium("--dump-dom", bad.as_uri()).stderr)
    assert any("boom" in m for m in messages) and any("nope" in m for m in messages)


def test_report_renders_in_chromium(report, tmp_path):
    from PIL import Image

    path, text, results = report
    shot = tmp_path / "shot.png"
    run = _run_chromium("--dump-dom", f"--screenshot={shot}", "--window-size=1280,2000",
                        path.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert _console_messages(run.stderr) == []
    assert run.stdout.count("<svg") == text.count("<svg") > 20
    from lca.report.html import num

    assert num(results[0].indicators["climate_change"].total) in run.stdout
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape == (2000, 1280)
    assert pixels.std() > 20 and (pixels < 200).mean() > 0.03, "screenshot is blank"


@pytest.mark.parametrize("args, expected", [
    (["--out", "r.pdf"], "error: field '--out': unsupported output type '.pdf'; use .html (HTML report), .htm (HTML report)"),
    (["--out", "r.html", "--sensitivity", "fast"], "error: field '--sensitivity': unknown "
     "sensitivity method 'fast'; use one of oat, morris, sobol"),
    (["--out", "r.html", "--sweep", "nope=1:2"], "error: field '--sweep': no service has a "
     "parameter named 'nope'; parameters: "),
    (["--out", "r.html", "--sweep", "pue=2"], "error: field '--sweep': expected NAME or "
     "NAME=LOW:HIGH[:log], found 'pue=2'"),
])
def test_report_bad_input_exits_2(data_dir, tmp_path, capsys, args, expected):
    args = [str(tmp_path / a) if a.startswith("r.") else a for a in args]
    assert main(["--quiet", "--data-dir", str(data_dir), "report", str(SERVICES[1]),
                 *args]) == 2
    assert capsys.readouterr().err.startswith(expected)
    assert not (tmp_path / "r.html").exists()
