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

from lca.core.background import synthetic

UMFPACK_20K_IT_S = 2.85  # bw2calc 3.1 Monte Carlo with UMFPACK, DESIGN.md section 3.9


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
        sampler, f, _, _ = synthetic(size)
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
