"""Extract a written service database into a :class:`~lca.core.compiled.ForegroundSpec`.

The background is solved once with bw2calc: the matrices come from ``bc.LCA`` on a demand
of every background activity the foreground links to, then one adjoint solve per indicator
on one ``splu`` factorisation gives each one's cumulative score per unit (as in
:mod:`lca.bw.catalog`). Elementary flows the foreground emits directly get their
characterisation factors. Amounts are taken as Brightway stores them (float32 in its
processed datapackages, bw_processing's default), so the compiled model can match bw2calc
exactly; see :class:`~lca.core.compiled.CompiledModel`.
"""

from __future__ import annotations

import numpy as np

from lca.bw.writer import FLOW_TYPES
from lca.core.compiled import CompiledModel, ExchangeSpec, ForegroundSpec, ParameterSpec
from lca.data.distributions import from_stats_arrays
from lca.data.names import stage_of

ENERGY = "energy_kwh"


def foreground_spec(database: str, methods: dict[str, tuple], *,
                    background_uncertainty: bool = False) -> ForegroundSpec:
    """The foreground of ``database`` with per-unit scores of everything it links to (and,
    on request, the background's uncertain entries: see
    :class:`~lca.core.background.BackgroundUncertainty`)."""
    import bw2data as bd
    from bw2data.parameters import ActivityParameter, DatabaseParameter

    acts = sorted(bd.Database(database), key=lambda a: a["code"])
    index = {a.key: i for i, a in enumerate(acts)}
    production = np.ones(len(acts))
    targets: dict[tuple, int] = {}
    exchanges = []
    for i, act in enumerate(acts):
        for exc in act.exchanges():
            key = exc.input.key
            if exc["type"] == "production":
                production[i] = np.float32(exc["amount"])
                continue
            kind = "fg" if key in index else "bg"
            target = index[key] if kind == "fg" else targets.setdefault(key, len(targets))
            exchanges.append(ExchangeSpec(consumer=i, kind=kind, target=target,
                                          amount=float(exc["amount"]),
                                          formula=exc.get("formula"),
                                          distribution=from_stats_arrays(exc.as_dict(),
                                                                         exc["amount"]),
                                          sign=-1.0 if exc["type"] == "substitution" else 1.0))
    params = [ParameterSpec(p.name, float(p.amount), p.formula or None,
                            from_stats_arrays(p.data, p.amount))
              for p in DatabaseParameter.select().where(DatabaseParameter.database == database)]
    act_params = [p for p in ActivityParameter.select().where(
        ActivityParameter.database == database) if not p.name.startswith("__dummy_")]
    names = {p.name for p in params}
    for p in act_params:
        if p.name in names:
            raise NotImplementedError(f"activity parameter '{p.name}' shadows another "
                                      "parameter; the compiled model has one namespace")
        params.append(ParameterSpec(p.name, float(p.amount), p.formula or None,
                                    from_stats_arrays(p.data, p.amount)))
    keys = sorted(targets, key=targets.get)
    scores, uncertainty = _unit_scores(keys, methods, background_uncertainty)
    return ForegroundSpec(activities=[a["code"] for a in acts],
                          stages=[stage_of(a.get("stage")) for a in acts],
                          production=production, exchanges=exchanges, parameters=params,
                          indicators=list(methods) + [ENERGY], unit_scores=scores,
                          background=keys, background_uncertainty=uncertainty)


def _unit_scores(keys: list[tuple], methods: dict[str, tuple], uncertainty: bool = False):
    """(len(keys), n_methods + 1): cumulative score per unit of each process, or the
    characterisation factor of each elementary flow; last column grid kWh. With
    ``uncertainty``, also the background's :class:`~lca.core.background.BackgroundUncertainty` (else None)."""
    import bw2data as bd

    from lca.bw.compute import Factorised

    out = np.zeros((len(keys), len(methods) + 1))
    acts = [bd.get_activity(k) for k in keys]
    flows = [(r, a) for r, a in enumerate(acts) if a.get("type") in FLOW_TYPES]
    procs = [(r, a) for r, a in enumerate(acts) if a.get("type") not in FLOW_TYPES]
    cfs = [{i: float(np.float32(cf)) for i, cf in bd.Method(method).load()}
           for method in methods.values()]
    for m, cf in enumerate(cfs):
        for r, a in flows:
            out[r, m] = cf.get(a.id, 0.0)
    if not procs:
        return out, None
    fac = Factorised({a.id: 1.0 for _, a in procs}, next(iter(methods.values())))
    rows = [r for r, _ in procs]
    cols = [fac.lca.dicts.activity[a.id] for _, a in procs]
    D = np.column_stack([fac.direct(method) for method in methods.values()]
                        + [fac.grid_electricity()])
    out[rows] = fac.cumulative(D)[cols]
    if not uncertainty:
        return out, None
    targets = np.full(len(keys), -1)
    targets[rows] = cols
    return out, _background_uncertainty(fac, D, targets, cfs)


def _background_uncertainty(fac, D: np.ndarray, targets: np.ndarray, cfs: list[dict]):
    """The uncertain biosphere and technosphere entries of ``fac``'s system (stored amounts
    as Brightway holds them, float32; production exchanges are taken as certain)."""
    from bw2data.backends import ActivityDataset as AD, ExchangeDataset as ED

    from lca.core.background import BackgroundUncertainty

    dicts = fac.lca.dicts
    ids = {(db, code): i for i, db, code in AD.select(AD.id, AD.database, AD.code).tuples()}
    dbs = {db for (db, _), i in ids.items() if i in dicts.activity}
    b, a = [], []
    for out_db, out_code, in_db, in_code, typ, data in ED.select(
            ED.output_database, ED.output_code, ED.input_database, ED.input_code, ED.type,
            ED.data).where(ED.output_database.in_(sorted(dbs))).tuples():
        if typ not in ("biosphere", "technosphere"):
            continue
        amount = float(np.float32(data["amount"]))  # as stored: a triangular's mode
        dist = from_stats_arrays(data, amount)
        col = dicts.activity.get(ids.get((out_db, out_code)))
        if dist is None or col is None:
            continue
        source = ids[(in_db, in_code)]
        name = f"{out_db}|{out_code} <- {in_db}|{in_code}"
        if typ == "biosphere":
            b.append((col, [cf.get(source, 0.0) for cf in cfs] + [0.0], amount, dist, name))
        else:
            a.append((dicts.product[source], col, amount, dist, name))
    return BackgroundUncertainty(
        A=fac.A, D=D, targets=targets,
        b_cols=np.array([e[0] for e in b], dtype=int),
        b_cf=np.array([e[1] for e in b], dtype=float).reshape(len(b), D.shape[1]),
        b_amount=np.array([e[2] for e in b]), b_dist=[e[3] for e in b],
        a_rows=np.array([e[0] for e in a], dtype=int),
        a_cols=np.array([e[1] for e in a], dtype=int),
        a_amount=np.array([e[2] for e in a]), a_dist=[e[3] for e in a],
        b_names=[e[4] for e in b], a_names=[e[4] for e in a])


def compile_service(database: str, activity: str, amount: float | str,
                    methods: dict[str, tuple], *, background_uncertainty: bool = False
                    ) -> CompiledModel:
    """A compiled model of one unit of ``database/activity`` times ``amount``."""
    spec = foreground_spec(database, methods, background_uncertainty=background_uncertainty)
    return CompiledModel(spec, spec.activities.index(activity), amount)
