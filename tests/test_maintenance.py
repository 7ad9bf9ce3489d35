"""Issue 12: normal maintenance keeps every result.

From one set-up data directory (a copy of the session's), every reference service
(``inventories/services/*.yaml``) and case study (``inventories/case-studies/*.yaml``) is
assessed without the result cache; then after each maintenance step

- ``setup --force``;
- a note edited in a background table (``datacenter/operators.csv``, in a copy of
  ``inventories/`` named by ``GENAI_LCA_INVENTORIES``), then ``setup``;
- ``load --force`` of each file of ``inventories/background/*.yaml``;
- a package upgrade, simulated by changing the setup marker's fingerprint, then ``setup``;

every total is assessed again and must equal the first to 1e-12. The steps run in one fresh
process (bw2data fixes its data directory at import); a second fresh process checks the
final state again, with nothing of the first one's memory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

FILES = sorted((ROOT / "inventories" / "services").glob("*.yaml")) + sorted(
    (ROOT / "inventories" / "case-studies").glob("*.yaml"))

MATRIX = r"""
import json, os, sys
from pathlib import Path
from lca import api
from lca.bw.project import PROJECT, read_marker, write_marker

data, inventories, files = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]

def totals():
    out = {}
    for f in files:
        r = api.assess(f, data_dir=data, cache=False)
        out[f] = {**{k: i.total for k, i in r.indicators.items()},
                  "energy_kwh": r.energy_total_kwh}
    return out

steps = {"before": totals()}
if "--only-before" in os.environ.get("MATRIX_MODE", ""):
    print(json.dumps(steps)); sys.exit()

report = api.setup(data, force=True)
assert not report.already and report.written, report
steps["setup --force"] = totals()

os.environ["GENAI_LCA_INVENTORIES"] = str(inventories)
table = inventories / "background" / "datacenter" / "operators.csv"
text = table.read_text()
assert "Google publishes no fleet WUE." in text
table.write_text(text.replace("Google publishes no fleet WUE.",
                              "Google publishes no fleet WUE (edited note).", 1))
report = api.setup(data)
assert "genai-datacenter" in report.written, report.written
steps["edited background table"] = totals()

for yaml in sorted((inventories / "background").glob("*.yaml")):
    written = api.load([yaml], data, force=True)
    assert written, yaml
    steps["load --force " + yaml.name] = totals()

marker = read_marker(data)
write_marker(data, {**marker, "fingerprint": "0" * 64, "version": "0.0.0"})
report = api.setup(data)
assert not report.already, report
steps["changed fingerprint"] = totals()
print(json.dumps(steps))
"""


def _run(data, inventories, env=None) -> dict:
    proc = subprocess.run([sys.executable, "-c", MATRIX, str(data), str(inventories),
                           *map(str, FILES)], capture_output=True, text=True, cwd=ROOT,
                          timeout=1200, env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_issue_12_maintenance_keeps_every_result(data_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(data_dir, data, ignore=shutil.ignore_patterns("cache", "*.lock"))
    inventories = tmp_path / "inventories"
    shutil.copytree(ROOT / "inventories", inventories)
    steps = _run(data, inventories)
    before = steps.pop("before")
    assert len(before) == len(FILES) >= 9
    assert len(steps) >= 4
    for step, got in steps.items():
        for f, values in before.items():
            for k, v in values.items():
                assert got[f][k] == pytest.approx(v, rel=1e-12, abs=0), (step, f, k)
    again = _run(data, inventories, {"GENAI_LCA_INVENTORIES": str(inventories),
                                     "MATRIX_MODE": "--only-before"})["before"]
    for f, values in before.items():
        for k, v in values.items():
            assert again[f][k] == pytest.approx(v, rel=1e-12, abs=0), ("fresh process", f, k)
