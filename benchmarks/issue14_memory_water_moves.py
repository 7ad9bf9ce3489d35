"""Which reference results the located memory and board water moves (issue 14, item 5).

Compares every reference service, example and case study (one functional unit each:
``request``, else ``whole-training``, else ``image``) computed by the present code with
``tests/data/pinned/results.json`` (the code before the change) for water consumption,
water scarcity (AWARE), climate change and ADP: total and manufacture stage, and the
relative change of the total. Run from the repository root:
``python benchmarks/issue14_memory_water_moves.py`` (fresh temporary Brightway directory).
``--root DIR --write OUT.json`` computes the same units with the checkout in DIR (for
example the code before the change) and writes them; ``--against OUT.json`` compares with
that file instead of the pinned results (which may predate other changes).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INDICATORS = ("water_consumption", "water_scarcity", "climate_change",
              "abiotic_depletion_elements")


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--write", type=Path)
    ap.add_argument("--against", type=Path, default=ROOT / "tests/data/pinned/results.json")
    args = ap.parse_args()
    os.environ["BRIGHTWAY2_DIR"] = tempfile.mkdtemp(prefix="genai-lca-memwater-")
    sys.path.insert(0, str(args.root))
    from lca.api import assess
    from lca.errors import InputError

    pinned = json.loads(args.against.read_text())
    data_dir = Path(os.environ["BRIGHTWAY2_DIR"])
    done = set()
    written = {}
    print("| service :: unit | indicator | total before | total after | change | "
          "manufacture before | manufacture after |")
    print("|---|---|---|---|---|---|---|")
    for key in sorted(pinned):
        path, fu = key.split("::")
        if path in done or fu not in ("request", "whole-training", "image"):
            continue
        done.add(path)
        try:
            r = assess(args.root / path, fu=fu, data_dir=data_dir)
        except InputError as exc:  # pragma: no cover - reported, not hidden
            print(f"| {key} | error: {exc} |")
            continue
        written[key] = {k: {"total": ind.total, "by_stage": dict(ind.by_stage)}
                        for k, ind in r.indicators.items()}
        for ind in INDICATORS:
            old = pinned[key][ind]
            new = r.indicators[ind]
            change = new.total / old["total"] - 1 if old["total"] else 0.0
            print(f"| {key} | {ind} | {old['total']:.4g} | {new.total:.4g} | {change:+.2%} | "
                  f"{old['by_stage'].get('manufacture', 0):.4g} | "
                  f"{new.by_stage.get('manufacture', 0):.4g} |")

    if args.write:
        args.write.write_text(json.dumps(written, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
