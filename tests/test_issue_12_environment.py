"""Issue 12: bad paths and environment, meaningless numbers, non-finite results and output
purity: each is exit 2 with a one-line message naming the field (never an internal error),
the project is unchanged, and documents on stdout are only the document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SERVICE, project_state, run_cli

#: Read-only folders cannot be tested as root (root writes into them anyway).
NOT_AS_ROOT = pytest.mark.skipif(
    os.geteuid() == 0, reason="runs as root, and root writes into read-only folders: "
    "'permission denied' cannot be provoked; run the tests as another user to check it")

FULL = Path("/dev/full")


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    from lca.cli import main

    code = main(["-q", *args])
    out, err = capsys.readouterr()
    # in process, bars of libraries imported earlier (tqdm reads TQDM_DISABLE at import)
    # may precede the message: keep the last line (fresh processes are tested below)
    return code, out, err.rstrip("\n").rsplit("\n", 1)[-1].rsplit("\r", 1)[-1] + "\n"


# Every command that writes, with an --out of each kind it accepts.
WRITERS = [
    ("assess", str(SERVICE), "--format", "json", "--out", "{}.json"),
    ("assess", str(SERVICE), "--out", "{}.csv"),
    ("assess", str(SERVICE), "--out", "{}.txt"),
    ("assess", str(SERVICE), "--out", "{}.xlsx"),
    ("uncertainty", str(SERVICE), "-n", "20", "--seed", "1", "--out", "{}.parquet"),
    ("uncertainty", str(SERVICE), "-n", "20", "--seed", "1", "--out", "{}.csv"),
    ("sensitivity", str(SERVICE), "-n", "4", "--out", "{}.png"),
    ("report", str(SERVICE), "--out", "{}.html"),
    ("export", str(SERVICE), "--out", "{}.xlsx"),
    ("graph", str(SERVICE), "--out", "{}.png"),
    ("graph", str(SERVICE), "--out", "{}.graphml"),
    ("catalog", "accelerators", "--format", "json", "--out", "{}.json"),
    ("outlook", "--out", "{}.png"),
]
IDS = [f"{a[0]}-{a[-1].rsplit('.', 1)[1]}" for a in WRITERS]


def _with_out(args, stem: Path) -> list[str]:
    return [a.format(stem) if "{}" in a else a for a in args]


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", WRITERS, ids=IDS)
def test_issue_12_disk_full_at_write_time(project, capsys, tmp_path, args):
    """A write that fails when it happens (disk full: a link to /dev/full) is exit 2."""
    stem = tmp_path / "full"
    out = Path(_with_out(args, stem)[-1])
    out.symlink_to(FULL)
    code, _, err = _cli(capsys, *_with_out(args, stem))
    if args[0] == "export":  # bw2io writes its own file in place of the link
        assert code in (0, 2), err
    else:
        assert code == 2, err
        assert err == (f"error: field '--out': could not write '{out}': No space left on "
                       "device\n") or (args[-1].endswith(".parquet") and
                                        "No space left on device" in err
                                        and err.count("\n") == 1), err


@pytest.mark.parametrize("args", WRITERS, ids=IDS)
def test_issue_12_out_in_missing_folder(project, capsys, tmp_path, args):
    stem = tmp_path / "missing" / "x"
    out = _with_out(args, stem)[-1]
    before = project_state()
    code, _, err = _cli(capsys, *_with_out(args, stem))
    assert project_state() == before  # refused before any work
    assert code == 2
    assert err == (f"error: field '--out': the folder of '{out}' must exist; "
                   f"'{tmp_path / 'missing'}' is missing\n")


@pytest.mark.parametrize("args", WRITERS, ids=IDS)
def test_issue_12_out_onto_folder(project, capsys, tmp_path, args):
    out = Path(_with_out(args, tmp_path / "x")[-1])
    out.mkdir()
    code, _, err = _cli(capsys, *_with_out(args, tmp_path / "x"))
    assert code == 2
    assert err == f"error: field '--out': '{out}' is a folder; give a file name\n"


@NOT_AS_ROOT
@pytest.mark.parametrize("args", WRITERS[:1] + WRITERS[4:5], ids=IDS[:1] + IDS[4:5])
def test_issue_12_out_in_read_only_folder(project, capsys, tmp_path, args):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    out = _with_out(args, folder / "x")[-1]
    code, _, err = _cli(capsys, *_with_out(args, folder / "x"))
    assert code == 2
    assert err == f"error: field '--out': '{out}' cannot be written (permission denied)\n"


def test_issue_12_out_device_suffix_refused(project, capsys):
    """/dev/full itself has no suffix: refused before any work, naming the types allowed."""
    code, _, err = _cli(capsys, "catalog", "grids", "--out", "/dev/full")
    assert code == 2
    assert err == ("error: field '--out': unsupported output type 'full'; use .txt (text "
                   "table), .json (JSON), .csv (CSV)\n")


# ------------------------------------------------------------------ --data-dir and env
def test_issue_12_data_dir_at_a_file(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    r = run_cli("-q", "--data-dir", str(afile), "catalog", "grids")
    assert r.returncode == 2, r.stderr
    assert r.stderr == ("error: field '--data-dir': the Brightway data directory must be a "
                        f"writable folder; '{afile}' is a file\n")
    r = run_cli("-q", "--data-dir", str(afile / "sub"), "catalog", "grids")
    assert r.returncode == 2, r.stderr
    assert r.stderr == ("error: field '--data-dir': the Brightway data directory must be a "
                        f"writable folder; '{afile / 'sub'}' lies below '{afile}', which is "
                        "a file\n")
    assert afile.read_text() == "x"


@NOT_AS_ROOT
def test_issue_12_data_dir_read_only(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    r = run_cli("-q", "--data-dir", str(folder), "catalog", "grids")
    assert r.returncode == 2, r.stderr
    assert r.stderr == ("error: field '--data-dir': the Brightway data directory must be a "
                        f"writable folder; '{folder}' cannot be written (permission denied)\n")


@pytest.mark.parametrize("value", ["abc", "-1", "nan", " "])
def test_issue_12_lock_timeout_not_a_number(project, capsys, monkeypatch, value):
    monkeypatch.setenv("GENAI_LCA_LOCK_TIMEOUT", value)
    before = project_state()
    code, _, err = _cli(capsys, "catalog", "grids")
    assert code == 2
    assert err == ("error: field 'GENAI_LCA_LOCK_TIMEOUT': must be a number of seconds >= 0 "
                   f"(how long to wait for another genai-lca process); got {value!r}\n")
    assert project_state() == before


# ------------------------------------------------------------ non-finite CLI arguments
@pytest.mark.parametrize("args, message", [
    (["--ict-growth", "nan"], "field '--ict-growth': must be a finite number > -1 (growth a "
                              "year, 0.06 = +6 %/yr); got nan"),
    (["--ict-growth", "0.06,inf"], "field '--ict-growth': must be a finite number > -1 "
                                   "(growth a year, 0.06 = +6 %/yr); got inf"),
    (["--ict-share", "nan"], "field '--ict-share': must be a finite number in [0, 1) (ICT "
                             "share of world net CO2 in the base year); got nan"),
    (["--threshold", "nan"], "field '--threshold': must be a finite number in (0, 1] (share "
                             "of world net CO2); got nan"),
    (["--budget", "inf"], "field '--budget': must be a finite number > 0 (warming limit, "
                          "degC); got inf"),
    (["--likelihood", "nan"], "field '--likelihood': must be a finite number in [0, 1] "
                              "(likelihood of the budget); got nan"),
    (["--doubling-years", "inf"], "field '--doubling-years': must be a finite number >= 0 "
                                  "(efficiency doubling time in years; 0: none); got inf"),
    (["--rebound", "nan"], "field '--rebound': must be a finite number >= 0 (demand "
                           "elasticity to efficiency; 0: none); got nan"),
    (["--ai-growth", "-inf"], "field '--ai-growth': must be a finite number > -1 (AI demand "
                              "growth a year, 0.15 = +15 %/yr); got -inf"),
    (["--ai-requests-per-day", "inf"], "field '--ai-requests-per-day': must be a finite "
                                       "number > 0 (AI requests a day in the base year); "
                                       "got inf"),
])
def test_issue_12_outlook_non_finite_arguments(capsys, args, message):
    code, out, err = _cli(capsys, "outlook", "-f", "json", *args)
    assert code == 2
    assert out == ""
    assert err == f"error: {message}\n"


def test_issue_12_assess_doubling_years_inf(project, capsys):
    before = project_state()
    code, out, err = _cli(capsys, "assess", str(SERVICE), "--year", "2030", "--scenario",
                          "SSP2-4.5", "--doubling-years", "inf", "-f", "json")
    assert code == 2 and out == ""
    assert err == ("error: field '--doubling-years': must be a finite number >= 0 "
                   "(accelerator efficiency doubling time in years; 0: none); got inf\n")
    assert project_state() == before


def _no_nan(text: str) -> None:
    json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in a JSON document"))


def test_issue_12_json_documents_are_json(project, capsys):
    """assess, catalog and outlook JSON parse as strict JSON (no NaN, Infinity)."""
    for args in (["assess", str(SERVICE)], ["catalog", "grids"], ["outlook"],
                 ["outlook", "--service", str(SERVICE.parents[1] / "services" /
                                              "chat-8b-h200.yaml"), "--doubling-years", "0"]):
        code, out, err = _cli(capsys, *args, "-f", "json")
        assert code == 0, err
        _no_nan(out)


def test_issue_12_result_non_finite_is_an_error():
    from lca.errors import InputError
    from lca.results import AssessmentResult, Indicator

    ind = Indicator("climate_change", "Climate change", ("m",), "kg CO2-eq", float("nan"),
                    {"inference": float("nan")})
    with pytest.raises(InputError) as exc:
        AssessmentResult("svc", "Svc", {"id": "request"}, {"climate_change": ind}, 1.0,
                         {"inference": 1.0}, {})
    assert str(exc.value) == (
        "svc: the result is not a finite number (indicator 'climate_change', stage 'total': "
        "nan); a parameter makes the system singular or overflows: check the service's "
        "parameters for values extremely large or small")


# ------------------------------------------------------------------ output purity
def _fresh(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess:
    """``genai-lca`` in a fresh process, stdout and stderr pipes (not terminals), without
    a TQDM_DISABLE of ours."""
    from tests.conftest import ROOT

    env = {k: v for k, v in os.environ.items() if k != "TQDM_DISABLE"}
    if data_dir is not None:
        env["BRIGHTWAY2_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "lca.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT, env=env)


BAR = ("it/s]", "% Completed")


def test_issue_12_uncertainty_json_on_processes_is_json(data_dir):
    args = ("uncertainty", str(SERVICE), "-n", "200", "--seed", "1", "--scheduler",
            "processes", "--format", "json")
    r = _fresh(*args)
    assert r.returncode == 0, r.stderr
    _no_nan(r.stdout)
    assert not any(b in r.stderr for b in BAR), r.stderr  # stderr is not a terminal
    r = _fresh("--progress", *args)
    assert r.returncode == 0, r.stderr
    _no_nan(r.stdout)
    assert "% Completed" in r.stderr  # asked for: on stderr, never on stdout


def test_issue_12_setup_bars_only_when_asked(tmp_path):
    r = _fresh("setup", data_dir=tmp_path / "a")
    assert r.returncode == 0, r.stderr
    assert not any(b in r.stderr for b in BAR), r.stderr
    r = _fresh("--progress", "setup", data_dir=tmp_path / "b")
    assert r.returncode == 0, r.stderr
    assert "it/s]" in r.stderr


# ------------------------------------------------- numbers that make the system meaningless
SERVICE_8B = SERVICE.parents[1] / "services" / "chat-8b-h200.yaml"


@pytest.mark.parametrize("name, value, message", [
    ("hardware_lifetime_years", "1e-300",
     "exchange 'training-hardware' -> 'accelerator-nvidia-h200-sxm-141gb' has amount "
     "2.47e+302 = training_gpu_hours_total / hardware_use_hours, not a finite number of at "
     "most 1e+30 (the system would be singular or meaningless); driven by parameter "
     "'hardware_lifetime_years' = 1e-300: check its value and unit"),
    ("output_tokens_per_request", "1e300",
     "field 'parameters.inference_gpu_hours_per_request': parameter "
     "'inference_gpu_hours_per_request' must be >= 0 (GPU-hours per request); got inf, an "
     "overflow driven by parameter 'output_tokens_per_request' = 1e+300: check its value and "
     "unit (formula 'gpus_per_replica * replica_hours_per_request')"),
    ("requests_per_day", "1e-300",
     "exchange 'request' -> 'training' has amount 2.74e+297 = 1 / requests_served, not a "
     "finite number of at most 1e+30 (the system would be singular or meaningless); driven "
     "by parameter 'requests_per_day' = 1e-300: check its value and unit"),
])
def test_issue_12_meaningless_magnitudes(project, capsys, tmp_path, name, value, message):
    import re

    text, n = re.subn(rf"(name: {name}, amount: )[0-9.e+-]+", rf"\g<1>{value}",
                      SERVICE_8B.read_text())
    assert n == 1
    path = tmp_path / f"svc-{name}.yaml"
    path.write_text(text)
    before = project_state()
    code, out, err = _cli(capsys, "assess", str(path), "-f", "json")
    assert code == 2 and out == ""
    assert err == f"error: {path}: {message}\n"
    assert project_state() == before  # refused before writing


def test_issue_12_monte_carlo_summary_non_finite_is_an_error():
    import numpy as np

    from lca.analysis.uncertainty import UncertaintyResult
    from lca.errors import InputError

    total = np.ones((10, 2))
    total[[3, 7], 1] = np.inf
    result = UncertaintyResult(["climate_change", "water_consumption"], ["inference"], total,
                               total[:, None, :], np.ones(2), 1)
    with pytest.raises(InputError) as exc:
        result.summary()
    assert str(exc.value) == (
        "2 of 10 Monte Carlo samples of 'water_consumption' are not finite (first: sample 3); "
        "a sampled parameter makes the system singular or overflows: narrow the "
        "distributions of the service's parameters")
