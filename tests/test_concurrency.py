"""Two processes on one data directory: the second waits for the lock, or says clearly
what is busy; a failed write restores the project."""

import subprocess
import sys

import pytest

from conftest import ROOT, SERVICE, project_state, run_cli

HOLD = """
import sys, time
from pathlib import Path
from lca.bw.project import lock
with lock(Path(sys.argv[1]), "test holder"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold_lock(directory, seconds):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(directory), str(seconds)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_busy_data_directory_is_reported(data_dir):
    holder = _hold_lock(data_dir, 30)
    try:
        proc = run_cli("--data-dir", str(data_dir), "assess", str(SERVICE),
                       env={"GENAI_LCA_LOCK_TIMEOUT": "1"})
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 2
    assert "waiting for genai-lca pid" in proc.stderr and "(test holder)" in proc.stderr
    assert "error: data directory is busy: genai-lca pid" in proc.stderr
    assert "GENAI_LCA_LOCK_TIMEOUT" in proc.stderr and "Traceback" not in proc.stderr


def test_two_processes_at_once_both_succeed(data_dir):
    procs = [subprocess.Popen([sys.executable, "-m", "lca.cli", "--data-dir", str(data_dir),
                               "assess", str(SERVICE), "--format", "csv", "--fu", fu],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
             for fu in ("request", "service-year")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    assert all(o[0].startswith("service,functional_unit") for o in outs)


def test_failed_write_restores_project(project, tmp_path, monkeypatch):
    """A write that breaks half-way (here: the second database; a full disk in real life)
    leaves the project exactly as it was."""
    import bw2data as bd
    from bw2data.backends import SQLiteBackend

    from lca.api import load

    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    first.write_text((ROOT / "tests/data/tiny/background.yaml").read_text()
                     .replace("database: tiny-bg", "database: fault-a"))
    second.write_text((ROOT / "tests/data/tiny/background.yaml").read_text()
                      .replace("database: tiny-bg", "database: fault-b"))
    before = project_state()
    real_write = SQLiteBackend.write

    def failing_write(self, data, *args, **kwargs):
        if self.name == "fault-b":
            raise OSError("No space left on device (simulated)")
        return real_write(self, data, *args, **kwargs)

    monkeypatch.setattr(SQLiteBackend, "write", failing_write)
    with pytest.raises(OSError, match="simulated"):
        load([first, second], project)
    monkeypatch.undo()
    assert "fault-a" not in bd.databases and "fault-b" not in bd.databases
    assert project_state() == before
