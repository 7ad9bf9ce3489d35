"""Where a compiled Monte Carlo sample's time goes on a roofline service, and what three
changes to lca/core/compiled.py would gain: prototyped here, measured, not applied.

    python benchmarks/parameter_evaluation.py [--service chat-8b-h200] [--samples 1000000]

The roofline serving model (lca/model/serving.py) gives a service ~30 parameters with a
formula, nearly all of them arrays in Monte Carlo (they depend on ``batch`` and the nine
roofline factors, all triangular). :meth:`CompiledModel.parameter_values` draws each
uncertain parameter into a new array and evaluates the formulas with
:meth:`lca.formula.Formula.evaluate`, each operation into a new array, where the exchange
formulas already use reused scratch arrays (``_evaluate_into``). This script measures, per
sample, on one thread (CPU time, which other work on the machine disturbs less than wall
time) and with the default threads (wall time):

- the parts of a chunk: draws, parameter formulas, the broadcast of the result, and
  ``evaluate`` (exchanges, supply, scores); minor page faults per 10^6 samples;
- prototypes, each on top of the previous, run on the same chunks and seeds as
  :func:`lca.analysis.uncertainty.run` and checked bit for bit against it:
  A. triangular draws by the inverse CDF on ``Generator.random(out=...)`` into buffers
     reused from chunk to chunk (NumPy's ``triangular`` computes the same expression on
     the same ``next_double`` stream, so the samples are identical);
  B. parameter formulas through ``lca.core.compiled._evaluate_into`` into a scratch kept
     by the thread, given back after the chunk is scored (as the exchange formulas);
  C. only the parameters the exchange formulas and the root amount need (the reported
     ones, J per token, memory fill, max batch, are not computed in a Monte Carlo run).

Measured 2026-11-28 on the 2-core development machine, shared (load average 2.5-5), CPU ns
per sample on one thread: chat-8b-h200 draws 219, parameter formulas 156, broadcast 12,
evaluate 153 (10 triangular inputs, 32 formulas); chat-70b-h100 draws 384, formulas 182,
evaluate 217 (16 triangular inputs). Page faults are already few (~900 per 10^6 samples in
``run``). None of A, B, C lowered the CPU time beyond the noise of the machine (8b: 520 as
is, 616 / 695 / 686 with A / A+B / A+B+C; 70b: 677, 826 / 926 / 718): NumPy's triangular
costs ~15 ns a draw against ~5.5 ns for the uniform draw underneath and ~1.5 ns a pass of
arithmetic, so the vectorised inverse CDF (8 passes) costs the same; the parameter
formulas' temporaries are recycled by the allocator already. The draws of the triangular
inputs are the largest part.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", default="chat-8b-h200")
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = Path(args.service)
    if path.suffix not in (".yaml", ".yml"):
        path = ROOT / "inventories" / "services" / f"{args.service}.yaml"

    from lca.analysis.uncertainty import run
    from lca.api import assess, compile

    assess(path)
    model = compile(path)
    n = args.samples
    print(f"{path.stem}: {len(model.spec.parameters)} parameters, "
          f"{len(model._parameter_formulas)} with a formula, "
          f"{sum(p.distribution is not None for p in model.spec.parameters)} uncertain; "
          f"{n:,} samples; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    run(model, 100_000, seed=1)  # warm
    reference = run(model, n, seed=1).total

    print("\nparts of a chunk, one thread (CPU ns per sample, median of "
          f"{args.repeat}):")
    for name, value in _parts(model, n, args.repeat).items():
        print(f"  {name:44} {value:8,.0f}")

    print(f"\n{'variant':52} {'1 thread':>20} {'default threads':>16} {'faults':>8}  same")
    print(f"{'':52} {'CPU ns/sample':>20} {'samples/s':>16} {'per 1e6':>8}")
    variants = [("lca.analysis.uncertainty.run (as is)", None),
                ("A: triangular draws into reused buffers", "A"),
                ("A+B: + parameter formulas into scratch", "AB"),
                ("A+B+C: + only the parameters the exchanges need", "ABC")]
    for label, opts in variants:
        one = _measure(model, n, args.repeat, opts, threads=1)
        many = _measure(model, n, args.repeat, opts, threads=None)
        same = np.array_equal(one["total"], reference) and np.array_equal(many["total"],
                                                                          reference)
        print(f"{label:52} {one['cpu_ns']:20,.0f} {many['rate']:16,.0f} "
              f"{one['faults']:8,.0f}  {'yes' if same else 'NO'}")


def _measure(model, n: int, repeat: int, opts: str | None, threads: int | None) -> dict:
    from lca.analysis.uncertainty import run

    walls, cpus, faults = [], [], []
    for _ in range(repeat):
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t, c = time.perf_counter(), time.process_time()
        total = run(model, n, seed=1, threads=threads).total if opts is None else \
            _proto_run(model, n, 1, opts, threads)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0)
    return {"rate": n / statistics.median(walls), "cpu_ns": statistics.median(cpus) / n * 1e9,
            "faults": statistics.median(faults) / n * 1e6, "total": total}


def _parts(model, n: int, repeat: int) -> dict[str, float]:
    """CPU time of each part of evaluate_chunk, in place, on one thread."""
    from lca.analysis.uncertainty import chunk_seeds
    from lca.core.compiled import _stream

    rows: dict[str, list[float]] = {}
    for _ in range(repeat):
        acc = dict.fromkeys(("draws", "parameter formulas", "broadcast of the values",
                             "evaluate (exchanges, supply, scores)"), 0.0)
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for size, seq in chunk_seeds(1, n):
            params_seq, exchanges_seq = (np.random.SeedSequence(
                seq.entropy, spawn_key=tuple(seq.spawn_key) + (k,)) for k in (0, 1))
            c0 = time.process_time()
            values = {}
            for p in model.spec.parameters:
                if p.formula:
                    continue
                values[p.name] = p.distribution.sample(size, _stream(params_seq, p.name)) \
                    if p.distribution is not None else np.float64(p.amount)
            c1 = time.process_time()
            for name in model._parameter_dependency_order():
                values[name] = model._parameter_formulas[name].evaluate(values)
            c2 = time.process_time()
            values = {p.name: np.broadcast_to(np.asarray(values[p.name], dtype=float), (size,))
                      for p in model.spec.parameters}
            c3 = time.process_time()
            model.evaluate(values, uncertain_exchanges=True,
                           seed=np.random.default_rng(exchanges_seq))
            c4 = time.process_time()
            for key, dt in zip(acc, (c1 - c0, c2 - c1, c3 - c2, c4 - c3)):
                acc[key] += dt
        for key, value in acc.items():
            rows.setdefault(key, []).append(value / n * 1e9)
        rows.setdefault("minor page faults per 10^6 samples (a count)", []).append(
            (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / n * 1e6)
    return {k: statistics.median(v) for k, v in rows.items()}


_local = threading.local()


def _proto_run(model, n: int, seed: int, opts: str, threads: int | None) -> np.ndarray:
    """:func:`lca.analysis.uncertainty.run`'s totals, chunk by chunk on the same seeds,
    with the prototype parameter evaluation."""
    from lca.analysis.uncertainty import _in_order, chunk_seeds

    chunks = chunk_seeds(seed, n)
    total = np.empty((n, len(model.spec.indicators)))
    by_stage = np.empty((n, len(model.stage_names), len(model.spec.indicators)))
    firsts = np.cumsum([0] + [size for size, _ in chunks])[:-1].tolist()
    needed = _needed(model) if "C" in opts else None

    def one(first: int, size: int, seq):
        from lca.core.compiled import _Scratch

        state = getattr(_local, "state", None)
        if state is None:
            state = _local.state = {"buffers": {}, "scratch": _Scratch()}
        params_seq, exchanges_seq = (np.random.SeedSequence(
            seq.entropy, spawn_key=tuple(seq.spawn_key) + (k,)) for k in (0, 1))
        try:
            values = _parameter_values(model, size, params_seq, opts, state, needed)
            model.evaluate(values, uncertain_exchanges=True,
                           seed=np.random.default_rng(exchanges_seq),
                           out=(total[first:first + size], by_stage[first:first + size]))
        finally:
            state["scratch"].give_all()

    for _ in _in_order(one, [(f, s, q) for f, (s, q) in zip(firsts, chunks)], threads):
        pass
    return total


def _parameter_values(model, n: int, seq, opts: str, state: dict, needed) -> dict:
    from lca.core.compiled import _evaluate_into, _stream
    from lca.data.distributions import Triangular

    scratch, values = state["scratch"], {}
    for p in model.spec.parameters:
        if p.formula or (needed is not None and p.name not in needed):
            continue
        if p.distribution is None:
            values[p.name] = np.float64(p.amount)
        elif isinstance(p.distribution, Triangular):
            values[p.name] = _triangular(p.distribution, n, _stream(seq, p.name),
                                         state["buffers"], p.name)
        else:
            values[p.name] = p.distribution.sample(n, _stream(seq, p.name))
    for name in model._parameter_dependency_order():
        if needed is not None and name not in needed:
            continue
        formula = model._parameter_formulas[name]
        if "B" in opts:
            value = _evaluate_into(formula, values, n, scratch)
            scratch.keep(value)
        else:
            value = formula.evaluate(values)
        values[name] = value
    return {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in values.items()}


def _triangular(d, n: int, rng: np.random.Generator, buffers: dict, name: str) -> np.ndarray:
    """NumPy's ``random_triangular`` (U <= ratio: left + sqrt(U x leftprod), else right -
    sqrt((1 - U) x rightprod)), vectorised, into reused buffers."""
    bufs = buffers.get((name, n))
    if bufs is None:
        bufs = buffers[(name, n)] = (np.empty(n), np.empty(n), np.empty(n, dtype=bool))
    u, tmp, low = bufs
    base = d.high - d.low
    leftbase = d.mode - d.low
    ratio, leftprod, rightprod = leftbase / base, leftbase * base, (d.high - d.mode) * base
    rng.random(n, out=u)
    np.less_equal(u, ratio, out=low)
    np.subtract(1.0, u, out=tmp)  # right branch: right - sqrt((1 - U) * rightprod)
    np.multiply(tmp, rightprod, out=tmp)
    np.sqrt(tmp, out=tmp)
    np.subtract(d.high, tmp, out=tmp)
    np.multiply(u, leftprod, out=u)  # left branch: left + sqrt(U * leftprod)
    np.sqrt(u, out=u)
    np.add(d.low, u, out=u)
    np.copyto(u, tmp, where=~low)
    return u


def _needed(model) -> set[str]:
    """The parameters the exchange formulas and the root amount use, and theirs."""
    from lca.formula import Formula

    need = set()
    for e in model.spec.exchanges:
        if e.formula:
            need |= Formula(e.formula).names
    if isinstance(model.amount, str):
        need |= Formula(model.amount).names
    todo = list(need)
    while todo:
        f = model._parameter_formulas.get(todo.pop())
        for dep in (f.names - need) if f else ():
            need.add(dep)
            todo.append(dep)
    return need


if __name__ == "__main__":
    main()
