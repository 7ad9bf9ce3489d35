"""Sampling speed of the compiled model against bw2calc's Monte Carlo, Sobol and Dask.

    python benchmarks/sampling.py [--samples 1000000] [--monte-carlo-only]

On the reference chat service (inventories/services/chat-70b-h100.yaml):
- compile time (foreground extraction + background adjoint solves);
- compiled Monte Carlo, parameters and exchanges sampled, local process (chunks on up to
  ``lca.analysis.uncertainty.THREADS`` threads, one per core): samples/s, and the CPU time
  per sample (all threads), which a machine shared with other work disturbs less;
- bw2calc 3 Monte Carlo on the same written databases (``LCA(..., use_distributions=True)``,
  ``next(lca)``): iterations/s. bw2calc samples the stored exchange distributions of the
  whole system and re-solves the matrices each iteration; the compiled model samples the
  service's parameter distributions and evaluates the formulas. The ratio compares the
  cost of one uncertainty sample of the same service in each tool;
- Sobol (SALib) on every uncertain parameter, N = 4,096 base samples, analysis included;
  and on 20 parameters (the 9 with distributions and 11 fixed ones given +-20 % bounds),
  N = 4,096: S1 and ST (90,112 evaluations), then with S2 too (172,032 evaluations);
- the same Monte Carlo on a 2-worker ``dask.distributed`` LocalCluster, started by the run
  (``--scheduler processes``) and started beforehand (``tcp://`` address);
- Monte Carlo with background uncertainty (the background's uncertain entries sampled too).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "inventories" / "services" / "chat-70b-h100.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--bw2calc-seconds", type=float, default=10.0)
    parser.add_argument("--monte-carlo-only", action="store_true",
                        help="stop after the compiled Monte Carlo rows")
    args = parser.parse_args()

    from lca.analysis import sensitivity
    from lca.analysis.uncertainty import run
    from lca.api import assess, compile

    assess(SERVICE)  # writes the service database if needed
    t = time.perf_counter()
    model = compile(SERVICE)
    rows = [("compile (extract + background solve)", time.perf_counter() - t, "s")]

    times, cpu = [], []
    for _ in range(4):  # the first run in the process is the one a user waits for
        t, c = time.perf_counter(), time.process_time()
        run(model, args.samples, seed=1)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    rows.append((f"compiled Monte Carlo, {args.samples:,} samples, 1 process, first run",
                 args.samples / times[0], "samples/s"))
    ours = args.samples / statistics.median(times[1:])
    rows.append(("  the same, median of the next 3 runs", ours, "samples/s"))
    rows.append(("  CPU time per sample, first run / median of the next 3",
                 f"{cpu[0] / args.samples * 1e9:,.0f} / "
                 f"{statistics.median(cpu[1:]) / args.samples * 1e9:,.0f}", "ns"))
    if args.monte_carlo_only:
        _print(rows)
        return

    import bw2calc as bc
    import bw2data as bd

    from lca.bw.project import use_project
    from lca.data.files import method_names

    with use_project():
        act = bd.get_activity(("genai-service-chat-70b-h100", "request"))
        lca = bc.LCA({act: 1}, method=method_names()["climate_change"]["name"],
                     use_distributions=True, seed_override=1)
        lca.lci()
        lca.lcia()
        t, its = time.perf_counter(), 0
        while time.perf_counter() - t < args.bw2calc_seconds:
            next(lca)
            its += 1
        theirs = its / (time.perf_counter() - t)
    rows.append(("bw2calc Monte Carlo (use_distributions=True)", theirs, "iterations/s"))
    rows.append(("ratio compiled / bw2calc", ours / theirs, "x"))

    t = time.perf_counter()
    sensitivity.sobol(model, base_samples=4096, seed=1)
    n_par = len(sensitivity.uncertain_parameters(model))
    rows.append((f"Sobol, {n_par} parameters, N=4096 ({(n_par + 2) * 4096:,} evaluations, "
                 "5 indicators, SALib analysis)", time.perf_counter() - t, "s"))

    fixed = [p for p in model.spec.parameters if not p.formula and p.distribution is None
             and p.name != "training_power_includes_pue"]  # a 0/1 switch, not a quantity
    bounds = {p.name: (0.8 * p.amount, 1.2 * p.amount) if p.amount else (0.0, 1.0)
              for p in fixed}
    n_par = len(sensitivity.uncertain_parameters(model, bounds=bounds))
    t = time.perf_counter()
    sensitivity.sobol(model, base_samples=4096, seed=1, bounds=bounds)
    rows.append((f"Sobol S1/ST, {n_par} parameters, N=4096 ({(n_par + 2) * 4096:,} "
                 "evaluations, 5 indicators, SALib analysis)", time.perf_counter() - t, "s"))
    for indicators in (["climate_change"], None):
        t = time.perf_counter()
        sensitivity.sobol(model, base_samples=4096, seed=1, bounds=bounds, second_order=True,
                          indicators=indicators)
        rows.append((f"Sobol S1/ST/S2, {n_par} parameters, N=4096 ({(2 * n_par + 2) * 4096:,} "
                     f"evaluations, {'climate change' if indicators else '5 indicators'}, "
                     "SALib analysis)", time.perf_counter() - t, "s"))

    single = args.samples / ours
    t = time.perf_counter()
    run(model, args.samples, seed=1, scheduler="processes", batch=100_000)
    dask_s = time.perf_counter() - t
    rows.append((f"Dask LocalCluster, 2 workers, {args.samples:,} samples (incl. start-up)",
                 dask_s, "s"))
    rows.append(("ratio Dask (incl. start-up) / single process (time)", dask_s / single, "x"))
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        for batch in (100_000, 250_000, 500_000):
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                run(model, args.samples, seed=1, scheduler=cluster.scheduler_address,
                    batch=batch)
                runs.append(time.perf_counter() - t)
            tcp_s = statistics.median(runs)
            rows.append((f"Dask tcp:// cluster started beforehand, batch {batch:,} (median of "
                         "3)", tcp_s, "s"))
            rows.append(("  ratio to single process (time)", tcp_s / single, "x"))

    t = time.perf_counter()
    with_bg = compile(SERVICE, background=True)
    rows.append(("compile with background uncertainty", time.perf_counter() - t, "s"))
    t = time.perf_counter()
    run(with_bg, args.samples, seed=1, background=True)
    rows.append((f"compiled Monte Carlo + background ({with_bg.spec.background_uncertainty.size}"
                 " uncertain entries)", args.samples / (time.perf_counter() - t), "samples/s"))

    _print(rows)


def _print(rows: list[tuple]) -> None:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          "(other work on the machine slows every row)")
    width = max(len(r[0]) for r in rows)
    for name, value, unit in rows:
        text = value if isinstance(value, str) else f"{value:,.2f}"
        print(f"{name.ljust(width)}  {text:>14} {unit}")


if __name__ == "__main__":
    main()
