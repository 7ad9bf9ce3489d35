"""Contributions by process and by elementary flow, via bw2calc, and the data behind them.

For a demand, bw2calc's ``characterized_inventory`` (C B diag(s): flows x processes) holds
every characterised flow of every process at its supply s. Its column sums are the
*direct* contribution of each process, its row sums the contribution of each elementary
flow; both partition ``LCA.score`` exactly. The *pre-characterised share* of an indicator
is the part carried by the flows of :data:`PRECHARACTERISED_DB` typed ``inventory
indicator`` (scores a source publishes only in aggregate, characterised with factor 1;
docs/DESIGN.md section 3.4).

Also here, because only ``lca.bw`` reads Brightway: the service's parameters
(:func:`parameters`) and how often each source is cited by the processes and exchanges
the demand draws on (``Contributions.source_uses``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lca.data.names import BIOSPHERE_EXT_DB

#: The database of the pre-characterised indicator flows (inventories/biosphere-ext.yaml).
PRECHARACTERISED_DB = BIOSPHERE_EXT_DB
PRECHARACTERISED_TYPE = "inventory indicator"


@dataclass(frozen=True)
class Contributions:
    """Process and flow contributions for one functional unit, all indicators.

    ``processes`` and ``flows`` are long DataFrames (one row per indicator and item, the
    ``top`` largest by absolute value, then one ``rest`` row, so each indicator's rows sum
    to its total); ``precharacterised_share``: indicator -> fraction of the total (0-1)
    resting on pre-characterised flows; ``source_uses``: source id -> number of exchanges
    with non-zero flow that cite it; ``parameters`` and ``sources`` (records with citation,
    year, licence, url) are filled in by :meth:`lca.prepared.PreparedService.contributions`.
    """

    totals: dict[str, float]
    processes: Any  # pandas.DataFrame
    flows: Any      # pandas.DataFrame
    precharacterised_share: dict[str, float]
    precharacterised: dict[str, float]
    source_uses: dict[str, int] = field(default_factory=dict)
    edges: Any = None  # pandas.DataFrame (supplier, consumer, indicator, score)
    parameters: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)


def contributions(demand: dict[tuple, float], methods: dict[str, tuple], *, top: int = 10
                  ) -> Contributions:
    """Contributions of ``demand`` (activity key -> amount) for ``methods`` (indicator ->
    Brightway method), top ``top`` processes and flows per indicator plus the rest."""
    import bw2data as bd
    import pandas as pd

    from lca.bw.compute import Factorised

    ids = {bd.get_activity(k).id: v for k, v in demand.items()}
    fac = Factorised(ids, next(iter(methods.values())))  # one factorisation for everything
    lca = fac.lca
    act_of_col = {c: i for i, c in lca.dicts.activity.items()}
    flow_of_row = {r: i for i, r in lca.dicts.biosphere.items()}
    meta = _metadata(list(act_of_col.values()) + list(flow_of_row.values()))
    pre_rows = np.array([meta[flow_of_row[r]]["database"] == PRECHARACTERISED_DB and
                         meta[flow_of_row[r]]["type"] == PRECHARACTERISED_TYPE
                         for r in range(len(flow_of_row))], dtype=bool)
    totals, procs, flows, pre_share, pre_abs, lambdas = {}, [], [], {}, {}, {}
    for key, method in methods.items():
        lambdas[key] = fac.cumulative(fac.direct(method))  # direct() runs lca.lcia()
        ci = lca.characterized_inventory.tocsr()
        by_process = np.asarray(ci.sum(axis=0)).ravel()
        by_flow = np.asarray(ci.sum(axis=1)).ravel()
        total = float(lca.score)
        totals[key] = total
        pre_abs[key] = float(by_flow[pre_rows].sum()) if len(pre_rows) else 0.0
        pre_share[key] = pre_abs[key] / total if total else 0.0
        procs += _ranked(key, by_process, act_of_col, meta, total, top, _process_row)
        flows += [{**r, "precharacterised": bool(r.get("_pre"))}
                  for r in _ranked(key, by_flow, flow_of_row, meta, total, top, _flow_row)]
    lambdas["energy"] = fac.cumulative(fac.grid_electricity())
    flow_frame = pd.DataFrame(flows).drop(columns="_pre", errors="ignore")
    foreground = {k[0] for k in demand}
    return Contributions(totals, pd.DataFrame(procs), flow_frame, pre_share, pre_abs,
                         _source_uses(lca, act_of_col),
                         edge_flows(fac, lambdas, act_of_col, meta, foreground))


def edge_flows(fac, lambdas: dict[str, np.ndarray], act_of_col: dict[int, int],
               meta: dict[int, dict], foreground: set[str]):
    """Impact carried by each link into an activity of the ``foreground`` databases:
    supply of the consumer x amount drawn x cumulative score per unit of the supplier
    (``lambdas``: indicator -> lambda of A^T lambda = d on ``fac``, a
    :class:`lca.bw.compute.Factorised`; ``energy`` in kWh). Node ids are
    ``"database/code"`` as in :mod:`lca.bw.graph`. Returns a DataFrame (supplier,
    consumer, indicator, score)."""
    import pandas as pd

    A, x = fac.A, fac.lca.supply_array
    node = {c: f"{meta[i]['database']}/{meta[i]['code']}" for c, i in act_of_col.items()}
    links = []
    for c in (c for c, i in act_of_col.items() if meta[i]["database"] in foreground):
        col = A.getcol(c)
        links += [(r, c, -v * x[c]) for r, v in zip(col.indices, col.data) if r != c and v]
    rows = []
    for key, lam in lambdas.items():
        rows += [{"supplier": node[r], "consumer": node[c], "indicator": key,
                  "score": float(amount * lam[r])} for r, c, amount in links]
    return pd.DataFrame(rows, columns=["supplier", "consumer", "indicator", "score"])


def _ranked(key, values, id_of, meta, total, top, row) -> list[dict]:
    order = np.argsort(-np.abs(values))
    noise = 1e-12 * max(abs(total), float(np.abs(values).max(initial=0.0)))  # solver round-off
    keep = [i for i in order[:top] if abs(values[i]) > noise]
    out = [{"indicator": key, "rank": n + 1, **row(meta[id_of[i]]), "score": float(values[i]),
            "share": float(values[i] / total) if total else 0.0} for n, i in enumerate(keep)]
    rest = float(values.sum() - sum(values[i] for i in keep))
    out.append({"indicator": key, "rank": len(keep) + 1, **row(None), "score": rest,
                "share": rest / total if total else 0.0})
    return out


def _process_row(m: dict | None) -> dict:
    if m is None:
        return {"database": "", "code": "", "name": "rest (all other processes)",
                "location": "", "stage": ""}
    return {"database": m["database"], "code": m["code"], "name": m["name"],
            "location": m.get("location") or "", "stage": m.get("stage") or ""}


def _flow_row(m: dict | None) -> dict:
    if m is None:
        return {"database": "", "code": "", "name": "rest (all other flows)",
                "categories": "", "_pre": False}
    return {"database": m["database"], "code": m["code"], "name": m["name"],
            "categories": "::".join(m.get("categories") or ()),
            "_pre": m["database"] == PRECHARACTERISED_DB and m["type"] == PRECHARACTERISED_TYPE}


def _metadata(ids: list[int]) -> dict[int, dict]:
    """id -> {database, code, name, type, location, stage, categories} in one query."""
    from bw2data.backends import ActivityDataset as AD

    out = {}
    for chunk in range(0, len(ids), 500):
        query = AD.select(AD.id, AD.database, AD.code, AD.name, AD.type, AD.location, AD.data) \
            .where(AD.id.in_(ids[chunk:chunk + 500]))
        for aid, db, code, name, typ, loc, data in query.tuples():
            out[aid] = {"database": db, "code": code, "name": name, "type": typ,
                        "location": loc, "stage": data.get("stage"),
                        "categories": tuple(data.get("categories") or ())}
    return out


def _source_uses(lca, act_of_col: dict[int, int]) -> dict[str, int]:
    """Source id -> exchanges (and activities) with a source, among processes the demand
    actually draws on (non-zero supply)."""
    from bw2data.backends import ActivityDataset as AD, ExchangeDataset as ED

    supplied = [act_of_col[c] for c in np.flatnonzero(lca.supply_array)]
    keys = AD.select(AD.database, AD.code, AD.data).where(AD.id.in_(supplied)).tuples()
    uses: Counter = Counter()
    by_db: dict[str, list[str]] = {}
    for db, code, data in keys:
        by_db.setdefault(db, []).append(code)
        if data.get("source"):
            uses[data["source"]] += 1
    for db, codes in by_db.items():
        for chunk in range(0, len(codes), 500):
            rows = ED.select(ED.data).where((ED.output_database == db) &
                                            ED.output_code.in_(codes[chunk:chunk + 500]))
            for (data,) in rows.tuples():
                if data.get("source") and data.get("amount", 0) != 0:
                    uses[data["source"]] += 1
    return dict(uses)


def parameters(database: str) -> list[dict]:
    """The database's parameters as Brightway stores them: name, amount, unit, formula,
    source, distribution (stats_arrays id and fields), comment."""
    from bw2data.parameters import DatabaseParameter

    rows = []
    for p in DatabaseParameter.select().where(DatabaseParameter.database == database):
        d = p.data
        rows.append({"name": p.name, "amount": float(p.amount), "unit": d.get("unit", ""),
                     "formula": p.formula or "", "source": d.get("source", ""),
                     "uncertainty_type": int(d.get("uncertainty type") or 0),
                     "loc": d.get("loc"), "scale": d.get("scale"),
                     "minimum": d.get("minimum"), "maximum": d.get("maximum"),
                     "negative": bool(d.get("negative", False)),
                     "comment": d.get("comment", "")})
    return sorted(rows, key=lambda r: r["name"])
