"""Background uncertainty: the mean factorisation reused (warm-started Richardson) against
refactorising every sample, on shared/bench/synth_background.py's ecoinvent-like systems.

    python benchmarks/background_uncertainty.py

For 2,000 and 20,000 processes, lognormal sigma 0.2 on every technosphere input: samples
per second of lca.core.background.BackgroundSampler, and of the peer, a fresh SuperLU
factorisation of each sampled matrix (bw2calc's Monte Carlo refactorises every iteration;
with neither pypardiso nor scikit-umfpack installed, as here, it uses SuperLU; docs/DESIGN.md
section 3.9 gives bw2calc with UMFPACK at 2.85 it/s for 20,000 processes on this kind of
machine). A two-sample Kolmogorov-Smirnov test compares the two score distributions
(independent seeds), per method.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.sparse.linalg import splu
from scipy.stats import ks_2samp

from lca.core.background import BackgroundSampler

UMFPACK_20K_IT_S = 2.85  # bw2calc 3.1 Monte Carlo with UMFPACK, docs/DESIGN.md section 3.9


def synthetic(n: int, seed: int = 42, sigma: float = 0.2):
    """A :class:`BackgroundSampler` on ``shared/bench/synth_background.py``'s ecoinvent-like
    system (inputs lognormal with ``sigma``), and a demand on its first role process."""
    import importlib.util
    from pathlib import Path

    import scipy.sparse as sp

    path = Path(__file__).resolve().parents[2] / "shared" / "bench" / "synth_background.py"
    if not path.exists():
        raise SystemExit(f"synthetic background generator not found: {path} (shared/ beside "
                         "the repository)")
    spec = importlib.util.spec_from_file_location("synth_background", path)
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    bg = synth.background(n, seed=seed)
    rows = np.concatenate([np.arange(n), bg["tech_rows"]])
    cols = np.concatenate([np.arange(n), bg["tech_cols"]])
    vals = np.concatenate([np.ones(n), -bg["tech_amounts"]])
    A = sp.csc_matrix((vals, (rows, cols)), shape=(n, n))
    A.sort_indices()
    sig = np.where(A.data < 0, sigma, 0.0)
    B = sp.csc_matrix((bg["bio_amounts"], (bg["bio_rows"], bg["bio_cols"])),
                      shape=(synth.N_BIO, n))
    CB = (sp.csr_matrix(bg["cfs"]) @ B).toarray()
    f = np.zeros(n)
    f[list(synth.role_index(n).values())[:5]] = 1.0
    return BackgroundSampler(A, sig, CB), f


def peer(sampler, f, n, seed):
    """Refactorise each sampled matrix (A^T, SuperLU's fast orientation here)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, sampler.CB.shape[0]))
    for s in range(n):
        lu = splu(sampler.sample_matrix(rng).T.tocsc())
        out[s] = sampler.CB @ lu.solve(f, trans="T")
    return out


def bw2calc_peer(sampler, f, n: int, seed: int, sigma: float = 0.2):
    """bw2calc 3's own Monte Carlo (``use_distributions=True``, ``next(lca)``) on the same
    system written as a bw_processing datapackage: inputs lognormal(sigma), diagonal fixed,
    one method (the sampler's first CB row as a characterised 'flow' per process).
    Returns (scores, iterations/s, solver name)."""
    import bw2calc as bc
    import bw_processing as bwp

    A = sampler.A.tocoo()
    flows = 10**7  # ids of the characterised flows, apart from activity ids
    dists = np.zeros(A.nnz, dtype=bwp.UNCERTAINTY_DTYPE)
    inputs = A.row != A.col
    dists["uncertainty_type"] = np.where(inputs, 2, 0)
    dists["loc"] = np.where(inputs, np.log(np.abs(A.data)), np.abs(A.data))  # type 0: the value
    dists["scale"] = np.where(inputs, sigma, np.nan)
    for k in ("shape", "minimum", "maximum"):
        dists[k] = np.nan
    dp = bwp.create_datapackage(sequential=False)
    dp.add_persistent_vector(
        matrix="technosphere_matrix", name="technosphere",
        indices_array=np.array(list(zip(A.row, A.col)), dtype=bwp.INDICES_DTYPE),
        data_array=np.abs(A.data), flip_array=inputs, distributions_array=dists)
    cb = sampler.CB[0]
    nz = np.flatnonzero(cb)
    dp.add_persistent_vector(
        matrix="biosphere_matrix", name="biosphere",
        indices_array=np.array(list(zip(flows + nz, nz)), dtype=bwp.INDICES_DTYPE),
        data_array=cb[nz])
    dp.add_persistent_vector(
        matrix="characterization_matrix", name="cfs",
        indices_array=np.array(list(zip(flows + nz, flows + nz)), dtype=bwp.INDICES_DTYPE),
        data_array=np.ones(len(nz)))
    demand = {int(i): float(f[i]) for i in np.flatnonzero(f)}
    lca = bc.LCA(demand, data_objs=[dp], use_distributions=True, seed_override=seed)
    lca.lci()
    lca.lcia()
    t = time.perf_counter()
    scores = []
    for _ in range(n):
        next(lca)
        scores.append(lca.score)
    rate = n / (time.perf_counter() - t)
    solver = "PARDISO" if getattr(bc, "PYPARDISO", False) else \
        "UMFPACK" if getattr(bc, "UMFPACK", False) else "SuperLU"
    return np.array(scores), rate, solver


def main() -> None:
    for size, ours_n, peer_n in ((2000, 400, 400), (20000, 100, 10)):
        t = time.perf_counter()
        sampler, f = synthetic(size)
        setup = time.perf_counter() - t
        t = time.perf_counter()
        ours = sampler.sample(f, ours_n, seed=1)
        ours_rate = ours_n / (time.perf_counter() - t)
        t = time.perf_counter()
        theirs = peer(sampler, f, peer_n, seed=2)
        peer_rate = peer_n / (time.perf_counter() - t)
        ks = [ks_2samp(ours[:, m], theirs[:, m]).pvalue for m in range(ours.shape[1])]
        print(f"{size:>6} processes: setup {setup:5.1f} s | warm-started {ours_rate:7.1f} it/s"
              f" | refactorise {peer_rate:6.2f} it/s | ratio {ours_rate / peer_rate:6.1f}x"
              f" | KS p-values {', '.join(f'{p:.2f}' for p in ks)}")
        bw_n = 200 if size == 2000 else 3
        bw_scores, bw_rate, solver = bw2calc_peer(sampler, f, bw_n, seed=3)
        ks_bw = ks_2samp(ours[:, 0], bw_scores).pvalue if bw_n >= 20 else float("nan")
        print(f"        bw2calc {bc_version()} Monte Carlo ({solver}), same datapackage: "
              f"{bw_rate:6.2f} it/s | ratio {ours_rate / bw_rate:6.1f}x | KS p-value "
              f"(method 1) {ks_bw:.2f}")
        if size == 20000:
            for n_dask in (100, 400):  # each worker factorises once: fixed ~3 s to amortise
                dask_rate = distributed(sampler, f, n_dask)
                print(f"        Dask LocalCluster, 2 workers, {n_dask} samples (factorisation "
                      f"on each worker included): {dask_rate:6.1f} it/s | "
                      f"{dask_rate / ours_rate:.2f}x one process")
            print(f"        vs bw2calc with UMFPACK ({UMFPACK_20K_IT_S} it/s, docs/DESIGN.md): "
                  f"{ours_rate / UMFPACK_20K_IT_S:.1f}x")


def distributed(sampler, f, n: int) -> float:
    """Samples/s of ``sampler`` on a 2-process Dask LocalCluster started beforehand (each
    worker unpickles the sampler and factorises the mean matrix once; the time counts it)."""
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        t = time.perf_counter()
        remote = client.scatter(sampler, broadcast=True)
        seeds = np.random.SeedSequence(4).spawn(4)
        futures = client.map(lambda s, seq: s.sample(f, n // 4, seed=np.random.default_rng(seq)),
                             [remote] * 4, seeds, pure=False)
        client.gather(futures)
        return n / (time.perf_counter() - t)


def bc_version() -> str:
    import bw2calc

    return bw2calc.__version__ if isinstance(bw2calc.__version__, str) else \
        ".".join(map(str, bw2calc.__version__))


if __name__ == "__main__":
    main()
