"""Regenerate ``results.json``: every reference service, example and case study, for every
functional unit it offers, as computed by the code at the time of writing (issue 11's
"no number moves": refactoring must leave these equal to 1e-12).

Run from the repository root: ``python tests/data/pinned/make_pinned_results.py``. It uses
a fresh temporary Brightway data directory. Regenerate only when a result is meant to
change, and say why in the commit message.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FOLDERS = ("inventories/services", "inventories/examples", "inventories/case-studies")
UNITS = ("request", "1k-output-tokens", "image", "service-year", "whole-service",
         "whole-training")


def services() -> list[Path]:
    return sorted(p for f in FOLDERS for p in (ROOT / f).glob("*.yaml"))


def compute(data_dir: Path) -> dict:
    from lca.api import assess
    from lca.errors import InputError

    out: dict = {}
    for path in services():
        rel = str(path.relative_to(ROOT))
        for fu in UNITS:
            try:
                r = assess(path, fu=fu, data_dir=data_dir)
            except InputError as exc:
                if "functional unit" in str(exc):
                    continue
                raise
            out[f"{rel}::{fu}"] = {
                "energy_kwh": r.energy_total_kwh,
                **{k: {"total": ind.total, "by_stage": dict(sorted(ind.by_stage.items()))}
                   for k, ind in r.indicators.items()}}
    return out


if __name__ == "__main__":
    os.environ["BRIGHTWAY2_DIR"] = tempfile.mkdtemp(prefix="genai-lca-pinned-")
    sys.path.insert(0, str(ROOT))
    results = compute(Path(os.environ["BRIGHTWAY2_DIR"]))
    target = Path(__file__).with_name("results.json")
    target.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(results)} results to {target}")
