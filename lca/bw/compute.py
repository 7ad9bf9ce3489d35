"""Solve a functional unit with bw2calc and split the result by lifecycle stage.

bw2calc builds the matrices and solves the inventory (``LCA.lci``/``lcia``). The split by
stage is done here, because bw2calc has no notion of stage: for every *foreground*
activity i (the service's database) with supply x_i,

    contribution_i = x_i * (d_i - sum over background j of A[j, i] * lambda_j)

where d = (C B)^T 1 is the direct characterised score per unit of each activity and lambda
solves A^T lambda = d (the cumulative score per unit of every activity, the adjoint of the
inventory problem; one transposed solve per indicator on the same factorisation).
Background databases never consume the foreground, so the contributions partition the
total exactly: sum_i contribution_i == LCA.score. Stage totals add up the contributions of
the foreground activities that carry each stage tag. Energy uses the same split with
d_j = output of activity j when j is tagged ``properties.energy == "grid electricity"``
(cumulative grid electricity, kWh).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from lca.data.names import UNTAGGED, stage_of  # noqa: F401 - UNTAGGED: the label used here


@dataclass(frozen=True)
class Solution:
    """Totals and stage splits for one functional unit, all indicators."""

    totals: dict[str, float]
    by_stage: dict[str, dict[str, float]]
    energy_total: float
    energy_by_stage: dict[str, float]
    by_activity: dict[str, dict[tuple, float]]


class Factorised:
    """bw2calc's matrices for a demand, with the technosphere factorised once (SciPy splu).

    The one place that turns a Brightway system into per-unit scores: ``direct(method)``
    is d = (C B)^T 1, the characterised flows per unit of each activity; ``cumulative(d)``
    solves A^T lambda = d, the score per unit of output of every activity;
    ``grid_electricity()`` is the d of the energy indicator (kWh output of activities
    tagged ``properties.energy == "grid electricity"``).
    """

    def __init__(self, demand: dict[int, float], method: tuple):
        import bw2calc as bc
        from scipy.sparse.linalg import splu

        self.lca = bc.LCA(demand, method=method)
        self.lca.lci()
        self.method = method
        self.A = self.lca.technosphere_matrix.tocsc()
        self.lu = splu(self.A)

    def direct(self, method: tuple) -> np.ndarray:
        if method != self.method:
            self.lca.switch_method(method)
            self.method = method
        self.lca.lcia()
        return np.asarray((self.lca.characterization_matrix @ self.lca.biosphere_matrix)
                          .sum(axis=0)).ravel()

    def cumulative(self, d: np.ndarray) -> np.ndarray:
        return self.lu.solve(d, trans="T")

    def grid_electricity(self) -> np.ndarray:
        from bw2data.backends import ActivityDataset as AD

        r = np.zeros(self.A.shape[0])
        col_of = self.lca.dicts.activity
        for aid, data in AD.select(AD.id, AD.data).where(AD.id.in_(list(col_of))).tuples():
            if (data.get("properties") or {}).get("energy") == "grid electricity":
                col = col_of[aid]
                r[col] = self.A[col, col]
        return r


def solve(demand: dict[tuple, float], methods: dict[str, tuple], foreground: str
          ) -> Solution:
    """LCA of ``demand`` (activity key -> amount) for ``methods`` (indicator -> method)."""
    import bw2data as bd

    ids = {bd.get_activity(k).id: v for k, v in demand.items()}
    try:
        fac = Factorised(ids, next(iter(methods.values())))
    except RuntimeError as exc:  # UMFPACK: "Factor is exactly singular"
        if "singular" not in str(exc).lower():
            raise
        raise _not_solvable(foreground, "the technosphere matrix is singular") from None
    lca, A = fac.lca, fac.A
    x = lca.supply_array
    if not np.isfinite(x).all():
        raise _not_solvable(foreground, "the supply of some activities is not finite")
    fg = _foreground(foreground, lca.dicts.activity)
    stages = {col: stage for col, (_, stage) in fg.items()}
    keys_by_col = {col: key for col, (key, _) in fg.items()}
    fg_cols = np.array(sorted(fg), dtype=int)
    bg_mask = np.ones(A.shape[0], dtype=bool)
    bg_mask[fg_cols] = False

    def split(d: np.ndarray) -> tuple[float, dict[str, float], dict[tuple, float]]:
        lam = fac.cumulative(d)
        lam_bg = np.where(bg_mask, lam, 0.0)
        per_unit = d[fg_cols] - A[:, fg_cols].T @ lam_bg
        contrib = x[fg_cols] * per_unit
        stage_sum: dict[str, float] = defaultdict(float)
        for col, c in zip(fg_cols, contrib):
            stage_sum[stages[col]] += float(c)
        return float(lam @ lca.demand_array), dict(stage_sum), {
            keys_by_col[col]: float(c) for col, c in zip(fg_cols, contrib)}

    totals, by_stage, by_activity = {}, {}, {}
    for key, method in methods.items():
        d = fac.direct(method)
        total, by_stage[key], by_activity[key] = split(d)
        totals[key] = float(lca.score)
        _check_partition(key, total, lca.score, solver_noise(d, x))
    e_total, e_stage, _ = split(fac.grid_electricity())
    return Solution(totals, by_stage, e_total, e_stage, by_activity)


def _not_solvable(foreground: str, what: str):
    from lca.errors import InputError, Problem

    return InputError(Problem(f"{what}: an exchange amount or a parameter is extremely "
                              "large or small (or a loop produces nothing net); check the "
                              "service's parameters and their units", dataset=foreground))


def solver_noise(d: np.ndarray, x: np.ndarray) -> float:
    """An absolute bound on the rounding noise of a score d . x: the sparse solve leaves
    ~1e-15 x max|x| on activities the demand does not reach, so a score that is nearly nothing
    (activities with large direct impacts and no real supply) is noise at this level."""
    return 1e-12 * float(np.abs(d).sum() * np.abs(x).max()) + 1e-300


def _check_partition(key: str, adjoint_total: float, score: float, noise: float) -> None:
    """The adjoint total and bw2calc's score agree to rounding (relative, or within the
    solver's ``noise`` for a score that is nearly nothing); anything else is a bug."""
    if not np.isclose(adjoint_total, score, rtol=1e-9, atol=noise):
        raise RuntimeError(f"stage split of {key} does not add up: {adjoint_total!r} vs "
                           f"bw2calc {score!r}")


def _foreground(database: str, col_of) -> dict[int, tuple[tuple, str]]:
    """Column -> (key, stage) for each activity of the foreground database."""
    from bw2data.backends import ActivityDataset as AD

    out = {}
    for aid, code, data in AD.select(AD.id, AD.code, AD.data).where(
            AD.database == database).tuples():
        if aid in col_of:
            out[col_of[aid]] = ((database, code), stage_of(data.get("stage")))
    return out
