"""Sampling speed of the compiled model against bw2calc's Monte Carlo, Sobol and Dask.

    python benchmarks/sampling.py [--samples 1000000] [--monte-carlo-only]
        [--service chat-70b-h100 --service chat-8b-h200]

On each ``--service`` (a file, or the id of a reference service in inventories/services;
default chat-70b-h100 and chat-8b-h200, both on the roofline serving model):
- compile time (foreground extraction + background adjoint solves);
- compiled Monte Carlo, parameters and exchanges sampled, local process (chunks on up to
  ``lca.analysis.uncertainty.THREADS`` threads, one per core): samples/s, and the CPU time
  per sample (all threads), which a machine shared with other work disturbs less; the
  counts of parameters, with a formula and with a distribution (the roofline model has
  ~30 formulas and 10-16 triangular inputs, against 8-10 formulas and 0-8 distributions
  for the throughput model before it; see benchmarks/parameter_evaluation.py for where
  the time goes);
- bw2calc 3 Monte Carlo on the same written databases (``LCA(..., use_distributions=True)``,
  ``next(lca)``): iterations/s. bw2calc samples the stored exchange distributions of the
  whole system and re-solves the matrices each iteration; the compiled model samples the
  service's parameter distributions and evaluates the formulas. The ratio compares the
  cost of one uncertainty sample of the same service in each tool;
and on the first service only:
- Sobol (SALib) on every uncertain parameter, N = 4,096 base samples, analysis included;
  and on those plus every fixed quantity given +-20 % bounds (41 on chat-70b-h100 with
  the roofline model: 16 with distributions, 25 fixed), N = 4,096: S1 and ST, then with S2
  too (the rows give the counts of evaluations);
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
SERVICES = ("chat-70b-h100", "chat-8b-h200")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--bw2calc-seconds", type=float, default=10.0)
    parser.add_argument("--monte-carlo-only", action="store_true",
                        help="stop after the compiled Monte Carlo rows")
    parser.add_argument("--service", action="append",
                        help="a service file or reference service id (repeatable; default "
                        + " and ".join(SERVICES) + ")")
    args = parser.parse_args()
    services = [_path(s) for s in (args.service or SERVICES)]

    rows = []
    for path in services:
        model, ours, database = _monte_carlo(path, args.samples, rows)
        if not args.monte_carlo_only:
            theirs = _bw2calc(database, args.bw2calc_seconds)
            rows.append(("bw2calc Monte Carlo (use_distributions=True)", theirs,
                         "iterations/s"))
            rows.append(("ratio compiled / bw2calc", ours / theirs, "x"))
        if path == services[0]:
            first = (path, model, ours)
    if args.monte_carlo_only:
        _print(rows)
        return
    _rest(*first, args.samples, rows)
    _print(rows)


def _path(service: str) -> Path:
    path = Path(service)
    return path if path.suffix in (".yaml", ".yml") else \
        ROOT / "inventories" / "services" / f"{service}.yaml"


def _monte_carlo(path: Path, samples: int, rows: list) -> tuple:
    """Compile ``path`` and time its Monte Carlo: the model, the warm samples/s and the
    service's database."""
    from lca.analysis.uncertainty import run
    from lca.api import assess, compile

    result = assess(path)  # writes the service database if needed
    model_name = _energy_model(path)
    rows.append((f"{path.stem} (inference energy model: {model_name})", "", ""))
    t = time.perf_counter()
    model = compile(path)
    rows.append(("compile (extract + background solve)", time.perf_counter() - t, "s"))

    times, cpu = [], []
    for _ in range(4):  # the first run in the process is the one a user waits for
        t, c = time.perf_counter(), time.process_time()
        run(model, samples, seed=1)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    rows.append((f"compiled Monte Carlo, {samples:,} samples, 1 process, first run",
                 samples / times[0], "samples/s"))
    ours = samples / statistics.median(times[1:])
    rows.append(("  the same, median of the next 3 runs", ours, "samples/s"))
    rows.append(("  CPU time per sample, first run / median of the next 3",
                 f"{cpu[0] / samples * 1e9:,.0f} / "
                 f"{statistics.median(cpu[1:]) / samples * 1e9:,.0f}", "ns"))
    rows.append((f"  parameters: {len(model.spec.parameters)}, with a formula: "
                 f"{sum(1 for p in model.spec.parameters if p.formula)}, uncertain: "
                 f"{sum(1 for p in model.spec.parameters if p.distribution is not None)}",
                 "", ""))
    return model, ours, result.functional_unit["reference_flow"]["activity"][0]


def _energy_model(path: Path) -> str:
    import yaml

    return yaml.safe_load(path.read_text())["model"]["inference"]["energy_model"]


def _bw2calc(database: str, seconds: float) -> float:
    """bw2calc Monte Carlo iterations/s on the service's written database."""
    import bw2calc as bc
    import bw2data as bd

    from lca.bw.project import use_project
    from lca.data.files import method_names

    with use_project():
        act = bd.get_activity((database, "request"))
        lca = bc.LCA({act: 1}, method=method_names()["climate_change"]["name"],
                     use_distributions=True, seed_override=1)
        lca.lci()
        lca.lcia()
        t, its = time.perf_counter(), 0
        while time.perf_counter() - t < seconds:
            next(lca)
            its += 1
        return its / (time.perf_counter() - t)


def _rest(service: Path, model, ours: float, samples: int, rows: list) -> None:
    """Sobol, Dask and background uncertainty on the first service."""
    from lca.analysis import sensitivity
    from lca.analysis.uncertainty import run
    from lca.api import compile

    args = argparse.Namespace(samples=samples)
    rows.append((f"{service.stem}: Sobol, Dask, background uncertainty", "", ""))

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
    with_bg = compile(service, background=True)
    rows.append(("compile with background uncertainty", time.perf_counter() - t, "s"))
    t = time.perf_counter()
    run(with_bg, args.samples, seed=1, background=True)
    rows.append((f"compiled Monte Carlo + background ({with_bg.spec.background_uncertainty.size}"
                 " uncertain entries)", args.samples / (time.perf_counter() - t), "samples/s"))


def _print(rows: list[tuple]) -> None:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          "(other work on the machine slows every row)")
    width = max(len(r[0]) for r in rows)
    for name, value, unit in rows:
        if value == "" and unit == "":
            print(name)
            continue
        text = value if isinstance(value, str) else f"{value:,.2f}"
        print(f"{name.ljust(width)}  {text:>14} {unit}")


if __name__ == "__main__":
    main()
