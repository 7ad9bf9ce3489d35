"""Issue 12: a writer killed with ``kill -9`` at any moment leaves a project that solves
with the same results as before, and no stray folders.

One set-up data directory (the session's, copied) is the base; each trial copies it,
starts a real ``genai-lca`` writer on the copy, kills it (SIGKILL) at a random moment,
then checks the copy in a fresh process: every total of a reference service and a case
study equals the base's to 1e-12, no journal is left open and the temporary directory
holds no ``genai-lca-snapshot-*`` folder.

Kill moments: half the trials at a random delay from the writer's start (uniform over
its whole run), half aimed at the write window: a random delay (uniform over the window
measured on the base, ~0.1-3 s) after the write journal appears.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

SERVICES = [ROOT / "inventories" / "services" / "chat-8b-h200.yaml",
            ROOT / "inventories" / "case-studies" / "bloom-inference.yaml"]

#: Prints ``{file: {indicator: total, "energy_kwh": total}}`` for the files given, computed
#: without the result cache in a fresh process on data directory ``argv[1]``.
TOTALS = """
import json, sys
from lca.api import assess
out = {}
for path in sys.argv[2:]:
    r = assess(path, data_dir=sys.argv[1], cache=False)
    out[path] = {**{k: i.total for k, i in r.indicators.items()},
                 "energy_kwh": r.energy_total_kwh}
print(json.dumps(out))
"""


def totals(data_dir: Path, files=SERVICES, env: dict | None = None) -> dict:
    proc = subprocess.run([sys.executable, "-c", TOTALS, str(data_dir), *map(str, files)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def assert_same(got: dict, want: dict, rtol: float = 1e-12) -> None:
    assert got.keys() == want.keys()
    for f, values in want.items():
        for k, v in values.items():
            assert got[f][k] == pytest.approx(v, rel=rtol, abs=0), (f, k, got[f][k], v)


def writers(trial: Path) -> dict[str, list[str]]:
    """The three kinds of write of issue 12, on data directory ``trial``."""
    changed = trial / "chat-8b-h200-changed.yaml"
    changed.write_text(SERVICES[0].read_text().replace("amount: 1.0e+6", "amount: 2.0e+6"))
    cli = [sys.executable, "-m", "lca.cli", "--data-dir", str(trial)]
    return {"setup --force": cli + ["setup", "--force"],
            "load --force": cli + ["load", "--force",
                                   str(ROOT / "inventories/background/reference.yaml")],
            "service write": cli + ["--no-cache", "assess", str(changed)]}


def journal_seen(trial: Path) -> bool:
    try:
        return any(".staging-" in p.name or p.name.endswith(".open")
                   for p in (trial / "genai-lca" / "journal").iterdir())
    except OSError:
        return False


def run_writer(cmd: list[str], trial: Path, tmp: Path, *, kill_after: float | None = None,
               after_journal: bool = False) -> tuple[float, float | None, float | None]:
    """Run ``cmd``; kill it ``kill_after`` s after its start (or after its journal appears).
    Returns (seconds run, when the journal appeared, when it was gone) from its start."""
    start = time.monotonic()
    log = tmp.parent / (tmp.name + ".stderr")
    with open(log, "wb") as err:  # a file, not a pipe: a full pipe would stall the writer
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, "TMPDIR": str(tmp)})
    seen = gone = None
    while proc.poll() is None:
        now = time.monotonic() - start
        if seen is None and journal_seen(trial):
            seen = now
        elif seen is not None and gone is None and not journal_seen(trial):
            gone = now
        if kill_after is not None:
            ref = seen if after_journal else 0.0
            if ref is not None and now >= ref + kill_after:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                break
        time.sleep(0.005)
    if kill_after is None:  # a full run: it must have succeeded and journalled a write
        assert proc.returncode == 0 and seen is not None, (cmd, log.read_text()[-3000:])
    return time.monotonic() - start, seen, gone


@pytest.fixture(scope="module")
def base(data_dir, tmp_path_factory):
    """A copy of the session's set-up directory with the services written, and their
    totals."""
    path = tmp_path_factory.mktemp("crash") / "base"
    shutil.copytree(data_dir, path, ignore=shutil.ignore_patterns("cache", "*.lock"))
    return path, totals(path)


def _trial_dir(base: Path, tmp_path: Path, i: int) -> tuple[Path, Path]:
    trial = tmp_path / f"trial-{i}"
    shutil.copytree(base, trial)
    tmp = tmp_path / f"tmp-{i}"
    tmp.mkdir()
    return trial, tmp


def test_killed_writer_is_undone_by_the_next_command(base, tmp_path):
    """One aimed kill per kind of write, quick: the next command restores the project."""
    path, want = base
    rng = random.Random(12)
    for i, kind in enumerate(["setup --force", "load --force", "service write"]):
        trial, tmp = _trial_dir(path, tmp_path, i)
        run_writer(writers(trial)[kind], trial, tmp, kill_after=rng.uniform(0.0, 0.3),
                   after_journal=True)
        assert journal_seen(trial), kind  # killed while writing
        assert_same(totals(trial, env={"TMPDIR": str(tmp)}), want)
        assert not list((trial / "genai-lca" / "journal").iterdir()), kind
        assert not list(tmp.glob("genai-lca-snapshot-*")), kind


@pytest.mark.slow
def test_issue_12_kill_9_at_random_moments(base, tmp_path):
    """30 kills (10 per kind of write), then a fresh process gives the base's totals.

    Measured 2026-11-28 on the 2-core machine shared by four sessions: the journal is open
    23.5 s of a 28.6 s ``setup --force``, 1.1 s of a 6.3 s ``load --force`` and 1.3 s of an
    11.1 s service write; 19 of the 30 kills landed with the journal open (all of them
    restored by the next command), the others before or after the write; 611 s in all."""
    path, want = base
    rng = random.Random(1203)
    windows = {}
    for j, (kind, cmd) in enumerate(writers(path).items()):  # measure each write window
        trial, tmp = _trial_dir(path, tmp_path, 100 + j)
        ran, seen, gone = run_writer(writers(trial)[kind], trial, tmp)
        windows[kind] = (ran, seen or 0.0, (gone or ran) - (seen or 0.0))
    outcomes = []
    for i in range(30):
        kind = ["setup --force", "load --force", "service write"][i % 3]
        ran, _, window = windows[kind]
        trial, tmp = _trial_dir(path, tmp_path, i)
        aimed = i % 2 == 0
        delay = rng.uniform(0.0, window * 1.1) if aimed else rng.uniform(0.0, ran)
        run_writer(writers(trial)[kind], trial, tmp, kill_after=delay, after_journal=aimed)
        open_after_kill = journal_seen(trial)
        got = totals(trial, env={"TMPDIR": str(tmp)})
        assert_same(got, want)
        assert not list((trial / "genai-lca" / "journal").iterdir()), (kind, delay)
        assert not list(tmp.glob("genai-lca-snapshot-*")), (kind, delay)
        outcomes.append((kind, aimed, round(delay, 3), open_after_kill))
        shutil.rmtree(trial)
    print("windows (run s, journal at s, window s):", windows)
    print("trials (kind, aimed, delay s, journal left open):", outcomes)
    # the trials did hit writes in progress, not only before or after them
    assert sum(o[3] for o in outcomes) >= 10, outcomes


def test_stale_snapshots_of_killed_old_writers_are_removed(tmp_path, monkeypatch):
    from lca.bw.project import remove_stale_snapshots

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    old, new = tmp_path / "genai-lca-snapshot-abc", tmp_path / "genai-lca-snapshot-def"
    for d in (old, new):
        (d / "lci").mkdir(parents=True)
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    assert remove_stale_snapshots() == [old]
    assert not old.exists() and new.exists()
