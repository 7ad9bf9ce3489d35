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
from lca.core.compiled import (CompiledModel, Distribution, ExchangeSpec, ForegroundSpec,
                               ParameterSpec)

ENERGY = "energy_kwh"


def _distribution(data: dict) -> Distribution | None:
    kind = int(data.get("uncertainty type") or data.get("uncertainty_type") or 0)
    if kind < 2:
        return None
    return Distribution(kind=kind, **{k: float(data[k]) for k in ("loc", "scale", "minimum",
                                                                   "maximum")
                                      if data.get(k) is not None and np.isfinite(data[k])},
                        negative=bool(data.get("negative", False)))


def foreground_spec(database: str, methods: dict[str, tuple]) -> ForegroundSpec:
    """The foreground of ``database`` with per-unit scores of everything it links to."""
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
                                          distribution=_distribution(exc.as_dict()),
                                          sign=-1.0 if exc["type"] == "substitution" else 1.0))
    params = [ParameterSpec(p.name, float(p.amount), p.formula or None, _distribution(p.data))
              for p in DatabaseParameter.select().where(DatabaseParameter.database == database)]
    act_params = [p for p in ActivityParameter.select().where(
        ActivityParameter.database == database) if not p.name.startswith("__dummy_")]
    names = {p.name for p in params}
    for p in act_params:
        if p.name in names:
            raise NotImplementedError(f"activity parameter '{p.name}' shadows another "
                                      "parameter; the compiled model has one namespace")
        params.append(ParameterSpec(p.name, float(p.amount), p.formula or None,
                                    _distribution(p.data)))
    keys = sorted(targets, key=targets.get)
    scores = _unit_scores(keys, methods)
    return ForegroundSpec(activities=[a["code"] for a in acts],
                          stages=[a.get("stage") or "other" for a in acts],
                          production=production, exchanges=exchanges, parameters=params,
                          indicators=list(methods) + [ENERGY], unit_scores=scores,
                          background=keys)


def _unit_scores(keys: list[tuple], methods: dict[str, tuple]) -> np.ndarray:
    """(len(keys), n_methods + 1): cumulative score per unit of each process, or the
    characterisation factor of each elementary flow; last column grid kWh."""
    import bw2data as bd

    from lca.bw.compute import Factorised

    out = np.zeros((len(keys), len(methods) + 1))
    acts = [bd.get_activity(k) for k in keys]
    flows = [(r, a) for r, a in enumerate(acts) if a.get("type") in FLOW_TYPES]
    procs = [(r, a) for r, a in enumerate(acts) if a.get("type") not in FLOW_TYPES]
    for m, method in enumerate(methods.values()):
        cfs = {bd.get_activity(i).key: float(np.float32(cf)) for i, cf in bd.Method(method).load()}
        for r, a in flows:
            out[r, m] = cfs.get(a.key, 0.0)
    if procs:
        fac = Factorised({a.id: 1.0 for _, a in procs}, next(iter(methods.values())))
        rows = [r for r, _ in procs]
        cols = [fac.lca.dicts.activity[a.id] for _, a in procs]
        for m, method in enumerate(methods.values()):
            out[rows, m] = fac.cumulative(fac.direct(method))[cols]
        out[rows, -1] = fac.cumulative(fac.grid_electricity())[cols]
    return out


def compile_service(database: str, activity: str, amount: float | str,
                    methods: dict[str, tuple]) -> CompiledModel:
    """A compiled model of one unit of ``database/activity`` times ``amount``."""
    spec = foreground_spec(database, methods)
    return CompiledModel(spec, spec.activities.index(activity), amount)
