"""Paired comparison of services with common random numbers.

Each chunk of samples gives every service the same random streams: a parameter that two
services share by name draws the same values in both (see
:func:`lca.core.compiled._stream`), and the background is common to both: deterministic, or
with ``background=True`` each uncertain background entry draws from a stream keyed by its
name, the same in both services. So A - B and A / B show the difference the services' own
choices make, not sampling noise.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from lca.analysis import check_finite_frame
from lca.analysis.uncertainty import UncertaintyResult, run
from lca.core.compiled import CompiledModel

log = logging.getLogger("lca")


@dataclass(frozen=True)
class Comparison:
    names: list[str]
    results: list[UncertaintyResult]

    def pairs(self):
        """One row per (A, B, indicator): distributions of A/B and A-B, P(A < B) and
        P(A = B) (samples where the two are identical, e.g. an indicator the services'
        differences do not touch; P(A > B) is the rest).

        No NaN or inf: a row whose ratio A/B is undefined (B scores zero in some sample or
        in its deterministic result, e.g. the water of a service that uses none) is left
        out, with a warning on the ``lca`` logger (stderr in the CLI) that names the pair,
        the indicator and the cause and gives A - B; the warnings are also listed in the
        frame's ``attrs["left_out"]``."""
        import pandas as pd

        for name, result in zip(self.names, self.results):
            result.check_finite(name)
        rows, left_out = [], []
        for i in range(len(self.names)):
            for j in range(i + 1, len(self.names)):
                a, b = self.results[i], self.results[j]
                for k, ind in enumerate(a.indicators):
                    row = _pair(self.names[i], self.names[j], ind, a.total[:, k],
                                b.total[:, k], a.deterministic[k], b.deterministic[k])
                    if isinstance(row, str):
                        log.warning("%s", row)
                        left_out.append(row)
                    else:
                        rows.append(row)
        frame = pd.DataFrame(rows, columns=COLUMNS)
        check_finite_frame(frame, "compare", ("a", "b", "indicator"),
                           "the scores are too large to compare (overflow)")
        frame.attrs["left_out"] = left_out
        return frame


#: The columns of :meth:`Comparison.pairs` (also of an empty table).
COLUMNS = ["a", "b", "indicator", "p_a_lower", "p_equal", "ratio_median", "ratio_p2.5",
           "ratio_p97.5", "diff_mean", "diff_p2.5", "diff_p97.5", "deterministic_ratio"]


def _pair(a: str, b: str, indicator: str, x: np.ndarray, y: np.ndarray, det_a: float,
          det_b: float) -> dict | str:
    """The row of (A, B, indicator), or, when the ratio A/B is undefined, why (one line
    naming the pair, the indicator, the cause, and A - B)."""
    diff = x - y
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = x / y
    zero = int(np.sum(y == 0))
    cause = None
    if zero == len(y) and det_b == 0:
        cause = f"'{b}' scores zero in every sample"
        if not x.any() and det_a == 0:
            cause += f" and so does '{a}'"
    elif zero:
        cause = f"'{b}' scores zero in {zero} of {len(y)} samples"
    elif det_b == 0:
        cause = f"'{b}' scores zero in its deterministic result"
    elif not np.isfinite(ratio).all() or not np.isfinite(det_a / det_b):
        cause = f"A/B overflows in {int(np.sum(~np.isfinite(ratio)))} of {len(y)} samples"
    if cause is not None:
        return (f"compare: '{a}' vs '{b}', {indicator}: left out, the ratio A/B is undefined "
                f"({cause}); A - B: mean {diff.mean():.4g}, 95 % {np.percentile(diff, 2.5):.4g}"
                f" to {np.percentile(diff, 97.5):.4g}")
    return {"a": a, "b": b, "indicator": indicator,
            "p_a_lower": float(np.mean(x < y)), "p_equal": float(np.mean(x == y)),
            "ratio_median": float(np.median(ratio)),
            "ratio_p2.5": float(np.percentile(ratio, 2.5)),
            "ratio_p97.5": float(np.percentile(ratio, 97.5)),
            "diff_mean": float(diff.mean()), "diff_p2.5": float(np.percentile(diff, 2.5)),
            "diff_p97.5": float(np.percentile(diff, 97.5)),
            "deterministic_ratio": float(det_a / det_b)}


def compare(models: dict[str, CompiledModel], n: int, *, seed: int | None = None,
            scheduler: str | None = None, background: bool = False) -> Comparison:
    """Sample every model with the same seed (common random numbers) and pair them."""
    root = np.random.SeedSequence(seed)
    results = [run(m, n, seed=root, scheduler=scheduler, background=background)
               for m in models.values()]
    return Comparison(list(models), results)
