"""Background uncertainty without refactorising the technosphere matrix every sample.

bw2calc's Monte Carlo draws new values for every matrix entry and factorises the whole
technosphere again at each iteration (2.85 it/s at 20,000 processes with UMFPACK here,
docs/DESIGN.md section 3.9). Sampled matrices stay close to the mean one, so the mean
matrix's LU factorisation is an excellent preconditioner: each sample is solved by
preconditioned Richardson iteration, x += LU_mean^-1 (f - A_s x), started from the mean
solution, which converges in 5-7 iterations for lognormal sigma 0.2 at 20,000 processes
(one sparse mat-vec and one pair of triangular solves each). SuperLU factorises A^T much
faster than A on ecoinvent-like matrices (2.2 s vs 19 s at 20,000 processes here), so A^T
is factorised and solved transposed. Written here because bw2calc has no warm-started
iterative Monte Carlo; a sample that does not converge falls back to a direct solve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu


@dataclass
class BackgroundSampler:
    """A technosphere whose off-diagonal inputs are lognormally uncertain.

    ``A``: (n, n) technosphere (production on the diagonal, inputs negative); ``sigma``:
    lognormal sigma (of ln x) for each stored entry of ``A`` in CSC order, 0 for fixed
    entries (the diagonal); ``CB``: (n_methods, n) characterised biosphere per activity.
    """

    A: sp.csc_matrix
    sigma: np.ndarray
    CB: np.ndarray
    #: residual tolerance relative to the demand: scores agree with a direct solve to ~1e-8,
    #: far below any sampling spread (1e-10 costs ~20 % more iterations at 20,000 processes)
    rtol: float = 1e-8
    maxiter: int = 50

    def __post_init__(self):
        self.A = sp.csc_matrix(self.A)
        self.A.sort_indices()
        self._luT = splu(self.A.T.tocsc())

    def __getstate__(self):  # SuperLU objects do not pickle: factorise again on arrival
        return {k: v for k, v in self.__dict__.items() if k != "_luT"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__post_init__()

    def _mean_solve(self, b: np.ndarray) -> np.ndarray:
        return self._luT.solve(b, trans="T")

    def mean_scores(self, f: np.ndarray) -> np.ndarray:
        return self.CB @ self._mean_solve(f)

    def sample_matrix(self, rng: np.random.Generator) -> sp.csc_matrix:
        """A with every uncertain entry drawn around its value (median preserved)."""
        data = self.A.data * np.exp(rng.normal(0.0, 1.0, self.A.data.shape) * self.sigma)
        return sp.csc_matrix((data, self.A.indices, self.A.indptr), shape=self.A.shape)

    def solve(self, A_s: sp.csc_matrix, f: np.ndarray, x0: np.ndarray) -> np.ndarray:
        x, limit = x0.copy(), self.rtol * np.linalg.norm(f)
        for _ in range(self.maxiter):
            r = f - A_s @ x
            if np.linalg.norm(r) <= limit:
                return x
            x += self._mean_solve(r)
        return splu(A_s).solve(f)  # did not converge: a direct solve of this sample

    def sample(self, f: np.ndarray, n: int, *, seed: int | np.random.Generator | None = None
               ) -> np.ndarray:
        """(n, n_methods) scores of demand ``f`` under ``n`` sampled technospheres."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        x0 = self._mean_solve(f)
        out = np.empty((n, self.CB.shape[0]))
        for s in range(n):
            out[s] = self.CB @ self.solve(self.sample_matrix(rng), f, x0)
        return out


@dataclass
class BackgroundUncertainty:
    """The uncertain entries of a service's background, as plain arrays (picklable), and
    how they move the per-unit scores of what the foreground links to.

    ``A``: the background technosphere (mean, CSC); ``D``: (n, n_ind) direct score per unit
    of each activity (characterised biosphere, plus grid kWh last); ``targets``: the column
    of each row of ``ForegroundSpec.unit_scores`` (-1 for an elementary flow, whose factor
    is certain); uncertain biosphere entries ``b_cols`` (activity), ``b_cf`` (U, n_ind)
    (factor of the entry's flow for each indicator), ``b_amount`` and ``b_dist``; uncertain
    technosphere entries ``a_rows``, ``a_cols``, ``a_amount`` (as stored, inputs positive)
    and ``a_dist`` (:mod:`lca.data.distributions` objects; a triangular one peaks at the
    stored amount). Production and substitution exchanges are taken as certain, and the
    energy indicator's direct term (grid output) does not follow a sampled diagonal.

    With only biosphere entries uncertain the supply of every activity is fixed and scores
    are linear in the entries: one matrix product per chunk (``W`` holds each entry's score
    per unit of entry change for each target, from one solve per target). With technosphere
    entries uncertain, each sample solves A_s^T lambda = D_s by :class:`BackgroundSampler`'s
    Richardson iteration preconditioned by the mean factorisation, warm-started from the
    mean solution.
    """

    A: sp.csc_matrix
    D: np.ndarray
    targets: np.ndarray
    b_cols: np.ndarray
    b_cf: np.ndarray
    b_amount: np.ndarray
    b_dist: list
    a_rows: np.ndarray
    a_cols: np.ndarray
    a_amount: np.ndarray
    a_dist: list
    b_names: list = None  # entry names ("output -> input"): one random stream each
    a_names: list = None
    rtol: float = 1e-10  # per indicator: a few samples, so full precision is affordable
    maxiter: int = 50

    def __post_init__(self):
        self._setup()

    def _setup(self) -> None:
        self.A = sp.csc_matrix(self.A)
        self._luT = splu(self.A.T.tocsc())
        self._procs = np.flatnonzero(self.targets >= 0)
        self._lam = self._luT.solve(self.D)  # (n, n_ind): mean score per unit of output
        if len(self.a_rows) == 0:  # linear path: W[u, t, i] = x_t[col_u] * cf[u, i]
            E = np.zeros((self.A.shape[0], len(self._procs)))
            E[self.targets[self._procs], np.arange(len(self._procs))] = 1.0
            X = self._luT.solve(E, trans="T")  # A x_t = e_t
            self._W = X[self.b_cols][:, :, None] * self.b_cf[:, None, :]

    def __getstate__(self):  # SuperLU objects do not pickle: factorise again on arrival
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._setup()

    @property
    def size(self) -> int:
        """Number of uncertain background entries."""
        return len(self.b_amount) + len(self.a_amount)

    def draw(self, n: int, seed: np.random.Generator | np.random.SeedSequence
             ) -> tuple[np.ndarray, np.ndarray]:
        """(n, U_b) biosphere and (n, U_a) technosphere entry values, each entry drawn from
        its own distribution. From a SeedSequence each entry draws from a stream keyed by its
        name, so two services sharing a background entry draw the same values (common random
        numbers)."""
        from lca.core.compiled import _stream

        def values(dists, amounts, names):
            out = np.empty((n, len(amounts)))
            for u, d in enumerate(dists):
                out[:, u] = d.sample(n, _stream(seed, names[u]) if names else seed)
            return out

        return (values(self.b_dist, self.b_amount, self.b_names),
                values(self.a_dist, self.a_amount, self.a_names))

    def delta_scores(self, b: np.ndarray, a: np.ndarray, n_rows: int) -> np.ndarray:
        """(n, n_rows, n_ind): change of each unit-score row for sampled entries ``b``, ``a``."""
        n, n_ind = len(b), self.D.shape[1]
        out = np.zeros((n, n_rows, n_ind))
        if len(self.a_amount) == 0:
            if len(self.b_amount):
                out[:, self._procs] = np.einsum("nu,uti->nti", b - self.b_amount, self._W)
            return out
        cols = self.targets[self._procs]
        for s in range(n):
            A_s = self.A + sp.csc_matrix((-(a[s] - self.a_amount), (self.a_rows, self.a_cols)),
                                         shape=self.A.shape)
            D_s = self.D.copy()
            np.add.at(D_s, self.b_cols, (b[s] - self.b_amount)[:, None] * self.b_cf)
            lam = self._adjoint(A_s, D_s)
            out[s, self._procs] = lam[cols] - self._lam[cols]
        return out

    def _adjoint(self, A_s: sp.csc_matrix, D_s: np.ndarray) -> np.ndarray:
        """Solve A_s^T lambda = D_s, preconditioned by the mean factorisation; converged
        when every indicator's residual is below ``rtol`` of its own right-hand side (the
        indicators' scales differ by many orders of magnitude)."""
        lam, AT = self._lam.copy(), A_s.T.tocsr()
        limit = self.rtol * np.linalg.norm(D_s, axis=0)
        for _ in range(self.maxiter):
            r = D_s - AT @ lam
            if np.all(np.linalg.norm(r, axis=0) <= limit):
                return lam
            lam += self._luT.solve(r)
        return splu(A_s.T.tocsc()).solve(D_s)
