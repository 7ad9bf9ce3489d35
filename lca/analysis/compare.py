"""Paired comparison of services with common random numbers.

Each chunk of samples gives every service the same random streams: a parameter that two
services share by name draws the same values in both (see
:func:`lca.core.compiled._stream`), and the background is common to both: deterministic, or
with ``background=True`` each uncertain background entry draws from a stream keyed by its
name, the same in both services. So A - B and A / B show the difference the services' own
choices make, not sampling noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lca.analysis.uncertainty import UncertaintyResult, run
from lca.core.compiled import CompiledModel


@dataclass(frozen=True)
class Comparison:
    names: list[str]
    results: list[UncertaintyResult]

    def pairs(self):
        """One row per (A, B, indicator): distributions of A/B and A-B, P(A < B) and
        P(A = B) (samples where the two are identical, e.g. an indicator the services'
        differences do not touch; P(A > B) is the rest)."""
        import pandas as pd

        rows = []
        for i in range(len(self.names)):
            for j in range(i + 1, len(self.names)):
                a, b = self.results[i], self.results[j]
                for k, ind in enumerate(a.indicators):
                    x, y = a.total[:, k], b.total[:, k]
                    with np.errstate(divide="ignore", invalid="ignore"):
                        ratio = x / y
                    diff = x - y
                    rows.append({
                        "a": self.names[i], "b": self.names[j], "indicator": ind,
                        "p_a_lower": float(np.mean(x < y)),
                        "p_equal": float(np.mean(x == y)),
                        "ratio_median": float(np.nanmedian(ratio)),
                        "ratio_p2.5": float(np.nanpercentile(ratio, 2.5)),
                        "ratio_p97.5": float(np.nanpercentile(ratio, 97.5)),
                        "diff_mean": float(diff.mean()),
                        "diff_p2.5": float(np.percentile(diff, 2.5)),
                        "diff_p97.5": float(np.percentile(diff, 97.5)),
                        "deterministic_ratio": float(a.deterministic[k] / b.deterministic[k])
                        if b.deterministic[k] else float("nan")})
        return pd.DataFrame(rows)


def compare(models: dict[str, CompiledModel], n: int, *, seed: int | None = None,
            scheduler: str | None = None, background: bool = False) -> Comparison:
    """Sample every model with the same seed (common random numbers) and pair them."""
    root = np.random.SeedSequence(seed)
    results = [run(m, n, seed=root, scheduler=scheduler, background=background)
               for m in models.values()]
    return Comparison(list(models), results)
