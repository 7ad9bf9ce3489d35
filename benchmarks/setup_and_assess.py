"""Setup, assess and report wall times, side by side with plain bw2calc (issue 11).

    python benchmarks/setup_and_assess.py [--repeat 5] [--samples 1000]

Each figure in a fresh temporary Brightway data directory:

- first and second ``genai-lca setup`` (cold processes);
- ``genai-lca assess`` of the reference service in a fresh process, the service unchanged
  (answered from the result cache), and with ``--no-cache`` (the prepared service computes
  with bw2calc), against **a fresh plain-bw2calc process** that imports bw2data and bw2calc
  and solves the same demand for the same four methods (the peer; target <= 0.4x);
- warm ``lca.api.assess`` in one process (in-process memo) and the prepared service's own
  computation (``cache=False`` and a new prepared object each time), against plain bw2calc
  in the same process on the same unit and methods (target <= 1.2x);
- ``genai-lca report`` of two services with ``--samples`` Monte Carlo samples in a fresh
  process, services unchanged (target <= 6 s), and with ``--no-cache``.

Medians of ``--repeat`` runs.
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
SECOND = ROOT / "inventories" / "services" / "chat-8b-h200.yaml"

PLAIN = """
import sys
import bw2calc as bc, bw2data as bd
bd.projects.set_current(sys.argv[1])
act = bd.get_activity((sys.argv[2], "request"))
methods = [tuple(m.split("|")) for m in sys.argv[3:]]
lca = bc.LCA({act: 1}, method=methods[0])
lca.lci(); lca.lcia(); scores = [lca.score]
for m in methods[1:]:
    lca.switch_method(m); lca.lcia(); scores.append(lca.score)
print(scores)
"""


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "lca.cli", *args]


def median(f, repeat: int) -> float:
    return statistics.median(f() for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    bw_dir = Path(tempfile.mkdtemp(prefix="genai-lca-bench-"))
    os.environ["BRIGHTWAY2_DIR"] = str(bw_dir)
    d = ["--data-dir", str(bw_dir), "--quiet"]
    rows: dict[str, float] = {}
    rows["setup, first (cold process, empty data dir)"] = timed(cli(*d, "setup"))
    rows["setup, second (cold process, up to date)"] = median(
        lambda: timed(cli(*d, "setup")), args.repeat)
    rows["assess, fresh process, first (writes the service)"] = timed(
        cli(*d, "assess", str(SERVICE)))
    cached = rows["assess, fresh process, unchanged service (cache)"] = median(
        lambda: timed(cli(*d, "assess", str(SERVICE))), args.repeat)
    rows["assess, fresh process, --no-cache"] = median(
        lambda: timed(cli(*d, "--no-cache", "assess", str(SERVICE))), args.repeat)

    from lca import api
    from lca.bw.project import PROJECT
    from lca.data.files import method_names

    result = api.assess(SERVICE, data_dir=bw_dir)
    database = result.functional_unit["reference_flow"]["activity"][0]
    methods = ["|".join(s["name"]) for s in method_names().values()]
    plain_fresh = rows["plain bw2calc, fresh process (peer)"] = median(
        lambda: timed([sys.executable, "-c", PLAIN, PROJECT, database, *methods]), args.repeat)

    def warm_api():
        t = time.perf_counter()
        api.assess(SERVICE, data_dir=bw_dir)
        return time.perf_counter() - t

    def computed():
        t = time.perf_counter()
        api.prepare(SERVICE, data_dir=bw_dir, cache=False)._memo.clear()
        api.assess(SERVICE, data_dir=bw_dir, cache=False)
        return time.perf_counter() - t

    warm = rows["lca.api.assess, warm (same process)"] = median(warm_api, args.repeat)
    rows["prepared service computing (cache off, written)"] = median(computed, args.repeat)

    import bw2calc as bc
    import bw2data as bd

    act = bd.get_activity((database, "request"))
    names = [tuple(m.split("|")) for m in methods]

    def plain():
        t = time.perf_counter()
        lca = bc.LCA({act: 1}, method=names[0])
        lca.lci()
        lca.lcia()
        for m in names[1:]:
            lca.switch_method(m)
            lca.lcia()
        return time.perf_counter() - t

    plain_warm = rows["plain bw2calc, same process, same FU and methods (peer)"] = median(
        plain, args.repeat)

    out = bw_dir / "report.html"
    report = [*d, "report", str(SERVICE), str(SECOND), "--samples", str(args.samples),
              "--seed", "1", "--out", str(out)]
    rows[f"report, 2 services, {args.samples} samples, first (fresh process)"] = timed(
        cli(*report))
    report_cached = rows[f"report, 2 services, {args.samples} samples (fresh process)"] = \
        median(lambda: timed(cli(*report)), min(args.repeat, 3))
    rows[f"report, 2 services, {args.samples} samples, --no-cache"] = median(
        lambda: timed(cli("--no-cache", *report)), min(args.repeat, 3))

    width = max(map(len, rows))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"bw2calc {getattr(bc, '__version__', '?')}, bw2data {bd.__version__}")
    for name, secs in rows.items():
        print(f"{name.ljust(width)}  {secs:8.3f} s")
    for name, value in [("fresh assess (cache) / fresh plain bw2calc  [<= 0.4]",
                         cached / plain_fresh),
                        ("warm lca.api.assess / plain bw2calc        [<= 1.2]", warm / plain_warm),
                        ("report seconds                             [<= 6]", report_cached)]:
        print(f"{name.ljust(width)}  {value:8.3f}")


if __name__ == "__main__":
    main()
