"""Background uncertainty with the mean factorisation reused (lca/core/background.py):
each sample equals a direct solve of the same sampled matrix, and the sampling is seeded."""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from lca.core.background import BackgroundSampler


def _system(n: int, sigma: float, seed: int = 3):
    """A random ecoinvent-like technosphere: 1 on the diagonal, 5-10 inputs per column
    summing to 0.2-0.6 (column-diagonally dominant, so non-singular), cycles included."""
    rng = np.random.default_rng(seed)
    rows, cols, vals = list(range(n)), list(range(n)), [1.0] * n
    for j in range(n):
        k = rng.integers(5, 11)
        inputs = rng.choice(np.delete(np.arange(n), j), size=k, replace=False)
        amounts = rng.lognormal(0, 1, k)
        amounts *= rng.uniform(0.2, 0.6) / amounts.sum()
        rows += list(inputs)
        cols += [j] * k
        vals += list(-amounts)
    A = sp.csc_matrix((vals, (rows, cols)), shape=(n, n))
    A.sort_indices()
    CB = rng.lognormal(0, 1, (3, n))
    f = np.zeros(n)
    f[:4] = 1.0
    return BackgroundSampler(A, np.where(A.data < 0, sigma, 0.0), CB), f


def test_warm_started_samples_equal_direct_solves():
    sampler, f = _system(400, 0.2)
    rng_a, rng_b = np.random.default_rng(9), np.random.default_rng(9)
    scores = sampler.sample(f, 5, seed=rng_a)
    for s in range(5):
        direct = sampler.CB @ splu(sampler.sample_matrix(rng_b)).solve(f)
        np.testing.assert_allclose(scores[s], direct, rtol=1e-7)
    np.testing.assert_array_equal(sampler.sample(f, 5, seed=1), sampler.sample(f, 5, seed=1))
    assert not np.allclose(scores[0], sampler.mean_scores(f))


def test_zero_spread_gives_the_mean():
    sampler, f = _system(300, 0.0, seed=4)
    np.testing.assert_allclose(sampler.sample(f, 3, seed=0),
                               np.tile(sampler.mean_scores(f), (3, 1)), rtol=1e-12)
