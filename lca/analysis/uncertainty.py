"""Monte Carlo over a compiled model's parameter and exchange distributions.

Randomness is explicit: ``seed`` (int or :class:`numpy.random.SeedSequence`) is spawned
into one child per fixed chunk of :data:`CHUNK` samples, so the same seed gives the same
samples whatever the batch size or the number of workers that evaluate the chunks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lca.analysis import check_finite_frame
from lca.core.compiled import CompiledModel

#: Samples per random stream. Fixed, so results do not depend on how work is batched.
#: 50,000 keeps the per-chunk Python overhead small (~1 M samples/s on the reference chat
#: service on 2 cores against ~0.7 M/s with chunks of 10,000, before the scratch arrays
#: and threads of 2026-11: now 1.8-4.4 M/s, see :class:`~lca.core.compiled.CompiledModel`).
CHUNK = 50_000
#: The most threads a local run uses by default (see :func:`run`'s ``threads``).
THREADS = 4


@dataclass(frozen=True)
class UncertaintyResult:
    indicators: list[str]
    stages: list[str]
    total: np.ndarray        # (n, n_indicators)
    by_stage: np.ndarray     # (n, n_stages, n_indicators)
    deterministic: np.ndarray  # (n_indicators,)
    seed: int | None

    def summary(self):
        """Per indicator: mean, median, 2.5/97.5 %, standard deviation and error of the
        mean, the deterministic value, and whether the mean has converged (standard error
        below 1 % of the mean)."""
        import pandas as pd

        self.check_finite()
        x = self.total
        n = x.shape[0]
        sd = x.std(axis=0, ddof=1) if n > 1 else np.zeros(x.shape[1])
        se = sd / np.sqrt(n)
        mean = x.mean(axis=0)
        frame = pd.DataFrame({
            "indicator": self.indicators, "n": n, "deterministic": self.deterministic,
            "mean": mean, "median": np.median(x, axis=0),
            "p2.5": np.percentile(x, 2.5, axis=0), "p97.5": np.percentile(x, 97.5, axis=0),
            "std": sd, "standard_error": se,
            "converged": np.abs(se) <= 0.01 * np.abs(mean)})
        check_finite_frame(frame, "Monte Carlo summary", ("indicator",),
                           "the samples are finite but too large to summarise (overflow)")
        return frame.set_index("indicator")

    def check_finite(self, service: str | None = None) -> None:
        """No silent NaN/inf: an InputError naming the indicator (and ``service``) and the
        first sample whose total is not finite."""
        bad = ~np.isfinite(self.total)
        if bad.any():
            from lca.errors import InputError, Problem

            col = int(np.flatnonzero(bad.any(axis=0))[0])
            rows = np.flatnonzero(bad[:, col])
            of = f" of '{service}'" if service else ""
            raise InputError(Problem(
                f"{len(rows)} of {len(self.total)} Monte Carlo samples of "
                f"'{self.indicators[col]}'{of} are not finite (first: sample {int(rows[0])}); a "
                "sampled parameter makes the system singular or overflows: narrow the "
                "distributions of the service's parameters"))

    def to_frame(self):
        """Tidy samples: one row per (sample, indicator, stage), plus stage 'total'."""
        return tidy(self.indicators, self.stages, 0, self.total, self.by_stage)


def tidy(indicators: list[str], stages: list[str], first: int, total: np.ndarray,
         by_stage: np.ndarray):
    """Tidy rows (sample, stage, indicator, value) of samples ``first, first + 1, ...``."""
    import pandas as pd

    n, s, i = by_stage.shape
    samples = np.arange(first, first + len(total))
    parts = [pd.DataFrame({"sample": np.repeat(samples, i), "stage": "total",
                           "indicator": np.tile(indicators, len(total)),
                           "value": total.reshape(-1)})]
    if n:
        parts.insert(0, pd.DataFrame({
            "sample": np.repeat(samples, s * i), "stage": np.tile(np.repeat(stages, i), n),
            "indicator": np.tile(indicators, n * s), "value": by_stage.reshape(-1)}))
    return pd.concat(parts, ignore_index=True)


class ParquetSink:
    """Writes each chunk's tidy rows to one Parquet file as it arrives (pyarrow)."""

    def __init__(self, path, indicators: list[str], stages: list[str]):
        self.path, self.indicators, self.stages = path, indicators, stages
        self.writer, self.rows = None, 0

    def __call__(self, first: int, total: np.ndarray, by_stage: np.ndarray) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(tidy(self.indicators, self.stages, first, total, by_stage),
                                     preserve_index=False)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema)
        self.writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def chunk_seeds(seed: int | np.random.SeedSequence | None, n: int
                ) -> list[tuple[int, np.random.SeedSequence]]:
    """(size, seed sequence) of each chunk of ``n`` samples."""
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    sizes = [min(CHUNK, n - start) for start in range(0, n, CHUNK)]
    # the children root.spawn() would give, derived without mutating root (so several
    # models can share it: common random numbers)
    return [(size, np.random.SeedSequence(root.entropy,
                                          spawn_key=tuple(root.spawn_key) + (i,)))
            for i, size in enumerate(sizes)]


def evaluate_chunk(model: CompiledModel, size: int, seq: np.random.SeedSequence,
                   background: bool = False, out: tuple[np.ndarray, np.ndarray] | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Sample and evaluate one chunk (what a worker runs); ``out``: (total, by_stage)
    arrays of the chunk's size to write into."""
    # derived, not spawned: spawning mutates the sequence, and a chunk must replay exactly
    params_seq, exchanges_seq, background_seq = (
        np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key) + (k,))
        for k in (0, 1, 2))
    scores = model.evaluate(model.parameter_values(size, seed=params_seq, uncertain=True),
                         uncertain_exchanges=True, seed=np.random.default_rng(exchanges_seq),
                         background=model.sample_background(size, background_seq)
                         if background else None, out=out)
    return scores["total"], scores["by_stage"]


def run(model: CompiledModel, n: int, *, seed: int | np.random.SeedSequence | None = None,
        progress: bool = False, scheduler: str | None = None, batch: int = 5 * CHUNK,
        sink=None, background: bool = False, threads: int | None = None
        ) -> UncertaintyResult:
    """``n`` Monte Carlo samples of ``model``.

    ``scheduler``: ``None``/``"local"`` in this process; ``"processes"`` a temporary
    ``dask.distributed`` cluster of local worker processes; ``"tcp://HOST:PORT"`` an existing
    cluster. ``batch`` samples go to each task (rounded to whole chunks). Results are the
    same for the same seed whatever the scheduler, workers or batch size.

    ``sink(first_sample, total, by_stage)``, if given, receives each chunk as it is done
    (local runs), and the result then keeps only the totals, not the per-stage samples: this
    is how 10^6 samples x stages x indicators stream to Parquet in bounded memory.

    ``background``: also sample the background's uncertain entries (the model must be
    compiled with ``background_uncertainty=True``).

    ``threads``: chunks evaluated at once in this process (local runs; default: the number
    of cores, at most :data:`THREADS`). NumPy's draws and array arithmetic release the
    GIL, so a second core nearly doubles the rate; each chunk keeps its own random stream
    and place in the result, so the samples do not depend on it.
    """
    chunks = chunk_seeds(seed, n)
    if scheduler in (None, "local"):
        # filled chunk by chunk, in place: no list of parts to concatenate, no copies
        total = np.empty((n, len(model.spec.indicators)))
        by_stage = np.empty((0 if sink is not None else n, len(model.stage_names),
                             len(model.spec.indicators)))
        firsts = np.cumsum([0] + [size for size, _ in chunks])[:-1].tolist()

        def one(first: int, size: int, seq: np.random.SeedSequence):
            out = None if sink is not None else (total[first:first + size],
                                                 by_stage[first:first + size])
            return evaluate_chunk(model, size, seq, background, out=out)

        done = _in_order(one, [(first, size, seq) for first, (size, seq) in zip(firsts, chunks)],
                         threads)
        if progress and n > 5 * CHUNK:
            from tqdm import tqdm

            done = tqdm(done, total=len(chunks), desc="Monte Carlo", unit="chunk",
                        disable=False)  # asked for: whatever TQDM_DISABLE said at import
        for first, (part_total, part_stages) in zip(firsts, done):
            if sink is not None:
                total[first:first + len(part_total)] = part_total
                sink(first, part_total, part_stages)
    else:
        parts = _distributed(model, chunks, scheduler, max(1, batch // CHUNK), progress,
                             background)
        total = np.concatenate([p[0] for p in parts])
        by_stage = np.concatenate([p[1] for p in parts])
    det = model.evaluate(model.parameter_values(1))["total"][0]
    return UncertaintyResult(list(model.spec.indicators), list(model.stage_names), total,
                             by_stage, det, seed)


def _in_order(func, items: list[tuple], threads: int | None):
    """``func(*item)`` for each item, yielded in order; on up to ``threads`` threads, with
    at most two items per thread in flight (a sink then still sees bounded memory)."""
    import os

    workers = min(THREADS, os.cpu_count() or 1) if threads is None else threads
    if workers <= 1 or len(items) <= 1:
        yield from (func(*item) for item in items)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers, thread_name_prefix="lca-mc") as pool:
        pending = deque()
        for item in items:
            pending.append(pool.submit(func, *item))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def evaluate_chunks(model: CompiledModel, chunks: list[tuple[int, np.random.SeedSequence]],
                    background: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Several chunks in one task (fewer, larger tasks for a cluster)."""
    parts = [evaluate_chunk(model, size, seq, background) for size, seq in chunks]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _distributed(model, chunks, scheduler: str, per_task: int, progress: bool,
                 background: bool = False):
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler == "processes":
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    elif scheduler.startswith("tcp://"):
        client = Client(scheduler)
    else:
        from lca.errors import InputError, Problem

        raise InputError(Problem(f"unknown scheduler '{scheduler}'; use local, processes or "
                                 "tcp://HOST:PORT", field="--scheduler"))
    try:
        remote = client.scatter(model, broadcast=True)
        groups = [chunks[i:i + per_task] for i in range(0, len(chunks), per_task)]
        futures = client.map(evaluate_chunks, [remote] * len(groups), groups,
                             [background] * len(groups), pure=False)
        if progress:
            import contextlib
            import sys

            from dask.distributed import progress as show

            with contextlib.redirect_stdout(sys.stderr):  # Dask draws on stdout: keep it
                show(futures)                             # for the document

        return client.gather(futures)  # in submission order: same as the local run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
