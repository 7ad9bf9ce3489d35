"""Background uncertainty: the mean factorisation reused (warm-started Richardson) against
refactorising every sample, on shared/bench/synth_background.py's ecoinvent-like systems.

    python benchmarks/background_uncertainty.py

For 2,000 and 20,000 processes, lognormal sigma 0.2 on every technosphere input: samples
per second of lca.core.background.BackgroundSampler, and of the peer, a fresh SuperLU
factorisation of each sampled matrix (bw2calc's Monte Carlo refactorises every iteration;
with neither pypardiso nor scikit-umfpack installed, as here, it uses SuperLU; DESIGN.md
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

UMFPACK_20K_IT_S = 2.85  # bw2calc 3.1 Monte Carlo with UMFPACK, DESIGN.md section 3.9


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
        if size == 20000:
            print(f"        vs bw2calc with UMFPACK ({UMFPACK_20K_IT_S} it/s, DESIGN.md): "
                  f"{ours_rate / UMFPACK_20K_IT_S:.1f}x")


if __name__ == "__main__":
    main()
