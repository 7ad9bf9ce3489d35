"""The catalogue's low / central / high embodied GWP and ADP per accelerator and route, as
the Monte Carlo samples them (issue 14): print them, or write
``inventories/background/hardware/embodied_ranges.csv`` from the catalogue.

    python benchmarks/issue14_embodied_ranges.py [--data-dir DIR] [--write]

The catalogue (``genai-lca catalog accelerators``) computes the range with bw2calc
(:func:`lca.data.embodied_ranges.ranges`); the service builder cannot (it has no
Brightway), so it reads the table this script writes. Rewrite it after a change that moves
a bottom-up footprint (fab, packaging, grid electricity); ``tests/test_issue_14_embodied_
sampling.py`` fails when the table and the catalogue disagree by more than 2 %. A stale
central never moves a deterministic result (the sampled exchange is parameter - central,
zero at the central value); it only shifts where the samples lie.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rows(data_dir: Path | None = None) -> list[dict[str, str]]:
    """One row per accelerator, route and sampled indicator, from the catalogue."""
    from lca.api import catalog
    from lca.data import names
    from lca.data.embodied_ranges import SAMPLED

    out = []
    for r in catalog("accelerators", data_dir=data_dir):
        code = r["id"]
        pcf = code.endswith(names.VENDOR_PCF_SUFFIX)
        ident = code[len(names.ACCELERATOR_PREFIX):].removesuffix(names.VENDOR_PCF_SUFFIX)
        for ind in SAMPLED:
            if r.get(f"low_{ind}") is None:
                continue
            out.append({"accelerator_id": ident, "route": "vendor-pcf" if pcf else "bottom-up",
                        "indicator": ind,
                        **{level: f"{r[f'{level}_{ind}']:.6g}"
                           for level in ("low", "central", "high")},
                        **{f"{level}_source": r[f"{level}_{ind}_source"]
                           for level in ("low", "central", "high")}})
    return sorted(out, key=lambda x: (x["accelerator_id"], x["route"], x["indicator"]))


def to_csv(table: list[dict[str, str]]) -> str:
    from lca.data.embodied_ranges import SAMPLED_COLUMNS

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SAMPLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--write", action="store_true",
                        help="write inventories/background/hardware/embodied_ranges.csv")
    args = parser.parse_args()
    from lca.data.embodied_ranges import SAMPLED_TABLE
    from lca.outputs import write_text

    text = to_csv(rows(args.data_dir))
    if args.write:
        write_text(ROOT / "inventories" / Path(*SAMPLED_TABLE), text)
    print(text, end="")


if __name__ == "__main__":
    main()
