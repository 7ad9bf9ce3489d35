"""Background uncertainty with the mean factorisation reused (lca/core/background.py):
each sample equals a direct solve of the same sampled matrix, and the sampling is seeded."""

import numpy as np
from scipy.sparse.linalg import splu


def test_warm_started_samples_equal_direct_solves():
    from lca.core.background import synthetic

    sampler, f, _, _ = synthetic(400, seed=3)
    rng_a, rng_b = np.random.default_rng(9), np.random.default_rng(9)
    scores = sampler.sample(f, 5, seed=rng_a)
    for s in range(5):
        direct = sampler.CB @ splu(sampler.sample_matrix(rng_b)).solve(f)
        np.testing.assert_allclose(scores[s], direct, rtol=1e-8)
    np.testing.assert_array_equal(sampler.sample(f, 5, seed=1), sampler.sample(f, 5, seed=1))
    assert not np.allclose(scores[0], sampler.mean_scores(f))


def test_zero_spread_gives_the_mean():
    from lca.core.background import synthetic

    sampler, f, _, _ = synthetic(300, seed=4, sigma=0.0)
    np.testing.assert_allclose(sampler.sample(f, 3, seed=0), np.tile(sampler.mean_scores(f), (3, 1)),
                               rtol=1e-12)
