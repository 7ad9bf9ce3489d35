"""The share of each indicator resting on each evidence kind (measured, vendor-declared,
peer-reviewed, modelled, assumed; :mod:`lca.data.quality`).

The score of an activity r per unit of output, lambda_r (A^T lambda = d, as in
:mod:`lca.bw.compute`), is the sum of its exchanges' contributions: amount x lambda of the
supplier for a technosphere exchange, amount x characterisation factor for an elementary
flow, over its production amount. Each contribution is attributed, like the
pre-characterised share is traced through contributions (:mod:`lca.bw.contributions`):

- an elementary flow's contribution to what its amount rests on (in a database genai-lca
  did not write, such as a linked ecoinvent import, an exchange stating no evidence is
  :data:`~lca.data.quality.FOREIGN_EVIDENCE`, modelled);
- a technosphere exchange's contribution shared between its amount (weight w_a) and its
  supplier's score (weight 1), in proportion w_a : 1; the supplier's part is split as the
  supplier's own score is, recursively.

What an amount rests on and its weight w_a: :func:`lca.data.quality.amount_evidence` (a
formula: the numbers it reads, by elasticity, w_a = sum of elasticities; a structural link
of amount 1 within a database: w_a = 0; otherwise the exchange's own evidence, w_a = 1).
Writing M_r for the vector (one entry per kind) of lambda_r so attributed, the recursion is
linear:

    p_r M_r - sum_{e of r} s_e a_e / (w_e + 1) M_{supplier(e)} = b_r,
    b_r = sum_{technosphere e} s_e a_e lambda_s w_e / (w_e + 1) k_e + sum_{flows e} a_e c_e k_e

(p_r production, s_e the sign, -1 for substitution; k_e the amount's kind shares), one
sparse solve per kind and indicator on one factorisation. The result's vector is
sum_r demand_r M_r, whose entries add up to the score.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lca.data.quality import EVIDENCE_KINDS, FOREIGN_EVIDENCE, ParameterScope, \
    amount_evidence, normalised
from lca.errors import FormulaError


def evidence_shares(demand: dict[tuple, float], methods: dict[str, tuple],
                    source_kinds: Mapping[str, str]) -> dict[str, dict[str, float]]:
    """Indicator -> evidence kind -> share of the score of ``demand`` (activity key ->
    amount) for ``methods`` (indicator -> Brightway method); ``source_kinds``: source id ->
    its bibliography ``kind``. Shares add up to 1 (all 0 for a zero score)."""
    import bw2data as bd
    from scipy.sparse import csc_matrix
    from scipy.sparse.linalg import splu

    from lca.bw.compute import Factorised
    from lca.bw.writer import DIGEST_KEY

    ids = {bd.get_activity(k).id: v for k, v in demand.items()}
    fac = Factorised(ids, next(iter(methods.values())))
    lca = fac.lca
    col_of, row_of = lca.dicts.activity, lca.dicts.biosphere
    keys = _keys(list(col_of) + list(row_of))
    col = {keys[i]: c for i, c in col_of.items()}
    row = {keys[i]: r for i, r in row_of.items()}
    n = len(col)
    production = np.ones(n)
    techno: list[tuple[int, int, float, float, dict]] = []  # consumer, supplier, s a, w, kinds
    flows: list[tuple[int, int, float, dict]] = []          # consumer, flow row, a, kinds
    scopes = _Scopes(source_kinds)
    ours = {name for name, meta in bd.databases.items() if DIGEST_KEY in meta}
    for (db, code), data, (idb, icode), etype in _exchanges({k[0] for k in col}):
        c = col.get((db, code))
        if c is None:
            continue
        amount = float(data.get("amount", 0.0))
        if etype == "production":
            production[c] = amount
            continue
        if db in ours or data.get("evidence") is not None:
            w, kinds = amount_evidence(data, scopes.get(db, code),
                                       source_kinds.get(data.get("source")),
                                       internal=idb == db)
        else:
            w, kinds = 1.0, {FOREIGN_EVIDENCE: 1.0}
        if etype == "biosphere":
            if (idb, icode) in row and amount:
                flows.append((c, row[(idb, icode)], amount, kinds))
        elif (idb, icode) in col and amount:
            sign = -1.0 if etype == "substitution" else 1.0
            techno.append((c, col[(idb, icode)], sign * amount, w, kinds))
    g = csc_matrix((np.concatenate([production, [-a / (w + 1) for _, _, a, w, _ in techno]]),
                    (np.concatenate([np.arange(n), [c for c, *_ in techno]]),
                     np.concatenate([np.arange(n), [s for _, s, *_ in techno]]))),
                   shape=(n, n))
    lu = splu(g)
    f = np.zeros(n)
    for key, amount in demand.items():
        f[col[key]] += amount
    out: dict[str, dict[str, float]] = {}
    for indicator, method in methods.items():
        lam = fac.cumulative(fac.direct(method))
        cf = lca.characterization_matrix.diagonal()
        totals = {}
        for kind in EVIDENCE_KINDS:
            b = np.zeros(n)
            for c, s, a, w, kinds in techno:
                if kinds.get(kind):
                    b[c] += a * lam[s] * w / (w + 1) * kinds[kind]
            for c, r, a, kinds in flows:
                if kinds.get(kind):
                    b[c] += a * cf[r] * kinds[kind]
            totals[kind] = float(f @ lu.solve(b)) if b.any() else 0.0
        out[indicator] = normalised(totals)
    return out


def _keys(ids: list[int]) -> dict[int, tuple[str, str]]:
    from bw2data.backends import ActivityDataset as AD

    out = {}
    for chunk in range(0, len(ids), 500):
        out.update({i: (db, code) for i, db, code in AD.select(AD.id, AD.database, AD.code)
                    .where(AD.id.in_(ids[chunk:chunk + 500])).tuples()})
    return out


def _exchanges(databases: set[str]):
    """(consumer key, exchange data, input key, type) of every exchange of ``databases``."""
    from bw2data.backends import ExchangeDataset as ED

    rows = ED.select(ED.output_database, ED.output_code, ED.data, ED.input_database,
                     ED.input_code, ED.type).where(ED.output_database.in_(sorted(databases)))
    for odb, ocode, data, idb, icode, etype in rows.tuples():
        yield (odb, ocode), data, (idb, icode), etype


class _Scopes:
    """The parameter scope of each (database, activity): its database's parameters plus
    the activity's own, read once."""

    def __init__(self, source_kinds: Mapping[str, str]):
        self.kinds = source_kinds
        self.db: dict[str, dict] = {}
        self.act: dict[tuple, dict] = {}
        self.cache: dict[tuple, ParameterScope | None] = {}

    def _entry(self, p) -> tuple:
        d = p.data
        stated = d.get("evidence") if d.get("evidence basis") == "stated" else None
        given = p.formula if p.formula else float(p.amount)
        return (given, stated, d.get("evidence basis"), d.get("source"),
                self.kinds.get(d.get("source")))

    def get(self, db: str, code: str) -> ParameterScope | None:
        from bw2data.parameters import ActivityParameter, DatabaseParameter

        if db not in self.db:
            self.db[db] = {p.name: self._entry(p) for p in DatabaseParameter.select().where(
                DatabaseParameter.database == db)}
            for p in ActivityParameter.select().where(ActivityParameter.database == db):
                if not p.name.startswith("__dummy_"):
                    self.act.setdefault((db, p.code), {})[p.name] = self._entry(p)
        key = (db, code) if (db, code) in self.act else (db, None)  # shared when it can be
        if key in self.cache:
            return self.cache[key]
        params = {**self.db[db], **self.act.get((db, code), {})}
        scope = None
        if params:
            try:
                scope = ParameterScope(params)
            except FormulaError:  # a scope that does not evaluate: exchanges' own evidence
                scope = None
        self.cache[key] = scope
        return scope
