"""Measure setup and assess wall times, and compare assess with plain bw2calc.

    python benchmarks/setup_and_assess.py [--repeat 3]

Prints, each in a fresh temporary Brightway data directory:
- first ``genai-lca setup`` (cold process: imports, biosphere3, methods, background);
- second ``genai-lca setup`` (cold process, project current: must stay under 3 s);
- ``genai-lca assess`` of the reference service in a cold process (median of --repeat);
- ``lca.api.assess`` warm, in one process (service unchanged: no rewrite);
- plain bw2calc on the same written database: one ``LCA`` with ``lci``/``lcia`` for
  the same four methods (``switch_method``), the peer the warm figure is compared with.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "inventories" / "services" / "chat-70b-h100.yaml"


def timed_cli(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lca.cli", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bw_dir = Path(tempfile.mkdtemp(prefix="genai-lca-bench-"))
    os.environ["BRIGHTWAY2_DIR"] = str(bw_dir)
    rows = [("setup, first (cold process, empty data dir)", timed_cli("--data-dir", str(bw_dir), "setup"))]
    rows.append(("setup, second (cold process, up to date)",
                 statistics.median(timed_cli("--data-dir", str(bw_dir), "setup")
                                   for _ in range(args.repeat))))
    rows.append(("assess, cold process, first (writes service db)",
                 timed_cli("--data-dir", str(bw_dir), "assess", str(SERVICE))))
    rows.append(("assess, cold process (service unchanged)",
                 statistics.median(timed_cli("--data-dir", str(bw_dir), "assess", str(SERVICE))
                                   for _ in range(args.repeat))))

    from lca.api import assess

    assess(SERVICE, data_dir=bw_dir)
    warm = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        result = assess(SERVICE, data_dir=bw_dir)
        warm.append(time.perf_counter() - t)
    rows.append(("assess, warm in-process (lca.api.assess)", statistics.median(warm)))

    import bw2calc as bc
    import bw2data as bd

    bd.projects.set_current("genai-lca-0.1")
    act = bd.get_activity(("genai-service-chat-70b-h100", "request"))
    methods = [tuple(i.method) for i in result.indicators.values()]
    peer = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        lca = bc.LCA({act: 1}, method=methods[0])
        lca.lci()
        lca.lcia()
        for m in methods[1:]:
            lca.switch_method(m)
            lca.lcia()
        peer.append(time.perf_counter() - t)
    rows.append(("plain bw2calc, same FU, 4 methods (peer)", statistics.median(peer)))

    width = max(len(r[0]) for r in rows)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"bw2calc {bc.__version__ if hasattr(bc, '__version__') else '?'}")
    for name, secs in rows:
        print(f"{name.ljust(width)}  {secs:8.3f} s")
    print(f"{'ratio warm assess / plain bw2calc'.ljust(width)}  {rows[4][1] / rows[5][1]:8.2f} x")


if __name__ == "__main__":
    main()
