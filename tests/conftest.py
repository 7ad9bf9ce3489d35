"""Shared fixtures: one Brightway data directory per test session, set up once.

bw2data reads ``BRIGHTWAY2_DIR`` once, at import, so the directory is fixed here, before
any test imports it. Tests that need a fresh directory run ``genai-lca`` in a subprocess.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "inventories" / "examples" / "chat-70b-h100-activities.yaml"
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="genai-lca-tests-"))
os.environ["BRIGHTWAY2_DIR"] = str(_SESSION_DIR)
os.environ.setdefault("GENAI_LCA_LOCK_TIMEOUT", "120")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The session's Brightway data directory, with ``genai-lca setup`` done."""
    from lca.api import setup

    setup(_SESSION_DIR)
    return _SESSION_DIR


@pytest.fixture
def project(data_dir):
    """The genai-lca project selected for the duration of a test."""
    from lca.bw.project import use_project

    with use_project():
        yield data_dir


def project_state() -> str:
    """A hash of everything stored in the current project (activities, exchanges,
    parameters, database and method metadata)."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD, ExchangeDataset as ED
    from bw2data.parameters import ActivityParameter, DatabaseParameter, ParameterizedExchange

    h = hashlib.sha256()
    for row in sorted(AD.select(AD.database, AD.code, AD.name).tuples()):
        h.update(repr(row).encode())
    for row in sorted(ED.select(ED.input_database, ED.input_code, ED.output_database,
                                ED.output_code, ED.data).tuples(), key=repr):
        h.update(repr(row).encode())
    for model in (DatabaseParameter, ActivityParameter, ParameterizedExchange):
        for row in sorted(model.select().tuples(), key=repr):
            h.update(repr(row).encode())
    h.update(repr(sorted((k, sorted((kk, str(vv)) for kk, vv in v.items() if kk != "modified"))
                         for k, v in bd.databases.items())).encode())
    h.update(repr(sorted(bd.methods)).encode())
    return h.hexdigest()


def run_cli(*args: str, env: dict | None = None, timeout: float = 300
            ) -> subprocess.CompletedProcess:
    """Run ``genai-lca`` in a fresh Python process (a cold start, as a user would)."""
    return subprocess.run([sys.executable, "-m", "lca.cli", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, **(env or {})})


def formula_amounts_after_brightway_recalculation(database: str) -> tuple[dict, dict]:
    """(before, after): amounts of every formula exchange of ``database`` as written, and
    after bw2data's own recalculation (what Activity Browser runs on the parameters)."""
    import bw2data as bd
    from bw2data.parameters import ActivityParameter, DatabaseParameter, Group

    def amounts():
        return {(e.input.key, e.output.key): e["amount"] for a in bd.Database(database)
                for e in a.exchanges() if "formula" in e}

    before = amounts()
    DatabaseParameter.recalculate(database)
    for group in Group.select().where(Group.name.startswith(database + ":")):
        ActivityParameter.recalculate_exchanges(group.name)
    return before, amounts()
