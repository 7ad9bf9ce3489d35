"""Every reference service, example and case study assessed on the code before issue 14's
hardware and electricity work and on the current code, side by side (issue 14, "Must show").

    python benchmarks/issue14_before_after.py [--before a29eeab] [--tree /tmp/before-14]
        [--data-dir-before DIR] [--data-dir-after DIR]

"Before" is main's commit just before the first issue-14 merge (``a29eeab``, the first
parent of ``9c7cd4d Merge branch 'hw': issue 14``). The script checks it out as a detached
git worktree (``--tree``, created when missing) and runs ``genai-lca assess -f json`` there
in a subprocess, on that tree's own copy of each service file and its own Brightway data
directory; "after" is this checkout. Each service is assessed per its first functional unit
(the same in both trees). A file present in one tree only is listed as such.

Printed per service and indicator (GWP kg CO2-eq, water consumption m3, AWARE m3 world-eq,
ADP elements kg Sb-eq): before, after, after / before, and the manufacture stage's share of
the total before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "a29eeab"
FOLDERS = ("inventories/services", "inventories/examples", "inventories/case-studies")
INDICATORS = {"climate_change": "GWP", "water_consumption": "water",
              "water_scarcity": "AWARE", "abiotic_depletion_elements": "ADP"}


def service_files(tree: Path) -> list[str]:
    """Repository-relative paths of the YAML services under :data:`FOLDERS` in ``tree``."""
    return sorted(str(p.relative_to(tree)) for f in FOLDERS
                  for p in (tree / f).glob("*.yaml"))


def ensure_tree(tree: Path, commit: str) -> Path:
    """A detached worktree of ``commit`` at ``tree`` (made with ``git worktree add``)."""
    if not (tree / "lca").is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree),
                        commit], check=True, capture_output=True)
    return tree


def assess(tree: Path, rel: str, data_dir: Path) -> dict | str:
    """``genai-lca assess -f json`` of ``tree/rel`` run by ``tree``'s code; the parsed
    result, or the error line when it fails."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run([sys.executable, "-m", "lca.cli", "--data-dir", str(data_dir), "-q",
                           "assess", rel, "-f", "json"], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or ["exit %d" % proc.returncode])[-1]
    return json.loads(proc.stdout)


def rows(before: dict, after: dict) -> list[dict]:
    """One row per indicator: totals, ratio and manufacture shares."""
    out = []
    for key, label in INDICATORS.items():
        b, a = before["indicators"].get(key), after["indicators"].get(key)
        if b is None or a is None:
            continue

        def share(r):
            return r["by_stage"].get("manufacture", 0.0) / r["total"] if r["total"] else 0.0

        out.append({"indicator": label, "before": b["total"], "after": a["total"],
                    "ratio": a["total"] / b["total"] if b["total"] else float("nan"),
                    "manufacture_before": share(b), "manufacture_after": share(a)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--tree", type=Path, default=Path("/tmp/before-14"))
    parser.add_argument("--data-dir-before", type=Path, default=Path("/tmp/bw-issue14-before"))
    parser.add_argument("--data-dir-after", type=Path, default=Path("/tmp/bw-issue14-after"))
    args = parser.parse_args()
    old = ensure_tree(args.tree, args.before)
    files = sorted(set(service_files(ROOT)) | set(service_files(old)))
    print(f"before = {args.before} ({old}), after = {ROOT}")
    print(f"{'service / unit':<40}{'ind':<7}{'before':>12}{'after':>12}{'ratio':>8}"
          f"{'manuf. before':>15}{'after':>8}")
    for rel in files:
        name = Path(rel).stem
        if not (old / rel).exists() or not (ROOT / rel).exists():
            print(f"{name:<40}only in {'after' if (ROOT / rel).exists() else 'before'}")
            continue
        b, a = assess(old, rel, args.data_dir_before), assess(ROOT, rel, args.data_dir_after)
        if isinstance(b, str) or isinstance(a, str):
            print(f"{name:<40}error: before: {b if isinstance(b, str) else 'ok'}; "
                  f"after: {a if isinstance(a, str) else 'ok'}")
            continue
        fu = a["functional_unit"]["id"]
        for r in rows(b, a):
            print(f"{name + ' / ' + fu:<40}{r['indicator']:<7}{r['before']:>12.4e}"
                  f"{r['after']:>12.4e}{r['ratio']:>8.3f}{r['manufacture_before']:>14.1%}"
                  f"{r['manufacture_after']:>9.1%}")


if __name__ == "__main__":
    main()
