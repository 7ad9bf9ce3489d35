"""Per-unit scores of every activity of a database, and the ``catalog`` listings.

:func:`unit_scores` solves the whole database at once with
:class:`lca.bw.compute.Factorised`: the matrices for a demand of one unit of every
activity, factorised once, then one transposed solve per method gives the cumulative score
per unit of *every* activity (lambda = A^-T (C B)^T 1). That is exact, and much faster than one LCA per
activity (bw2calc has no "all unit processes" mode; its adjoint ``FastScoresOnlyMultiLCA``
needs one demand per functional unit).
"""

from __future__ import annotations

from typing import Any

from lca.data.names import CATEGORIES, Category  # noqa: F401 - re-exported

__all__ = ["CATEGORIES", "Category", "breakdown", "listing", "unit_scores"]


def unit_scores(database: str, methods: dict[str, tuple]) -> dict[tuple, dict[str, float]]:
    """Cumulative score per unit of output of every activity of ``database``."""
    from bw2data.backends import ActivityDataset as AD

    from lca.bw.compute import Factorised

    ids = dict(AD.select(AD.id, AD.code).where(AD.database == database).tuples())
    fac = Factorised({i: 1.0 for i in ids}, next(iter(methods.values())))
    cols = {i: fac.lca.dicts.activity[i] for i in ids}
    out: dict[tuple, dict[str, float]] = {(database, code): {} for code in ids.values()}
    for key, method in methods.items():
        lam = fac.cumulative(fac.direct(method))
        for i, code in ids.items():
            out[(database, code)][key] = float(lam[cols[i]])
    return out


def listing(category: str, methods: dict[str, tuple]) -> list[dict[str, Any]]:
    """The catalogue rows of ``category``: id, name, location, per-unit scores, properties."""
    import bw2data as bd

    from lca.errors import InputError, NotSetUpError, Problem

    if category not in CATEGORIES:
        raise InputError(Problem(f"unknown catalogue '{category}'; choose one of "
                                 f"{', '.join(CATEGORIES)}", field="category"))
    cat = CATEGORIES[category]
    if cat.database not in bd.databases:
        raise NotSetUpError(f"database '{cat.database}' is not in the project; run "
                            "'genai-lca setup'")
    scores = unit_scores(cat.database, methods)
    rows = []
    for act in sorted(bd.Database(cat.database), key=lambda a: a["code"]):
        if not cat.listed(act["code"]):
            continue
        props = act.get("properties") or {}
        rows.append({"id": act["code"], "name": act["name"], "location": act["location"],
                     "per": cat.per, **scores[act.key],
                     **{p: props.get(p) for p in cat.properties if p in props}})
        if category == "accelerators":
            rows[-1].update(breakdown(act, scores, next(iter(methods))))
            rows[-1].update(embodied_range(act, scores))
    return rows


def embodied_range(act, scores: dict[tuple, dict[str, float]]) -> dict[str, float | str]:
    """``low_<ind>``, ``central_<ind>``, ``high_<ind>`` and their ``*_source`` columns for
    GWP, ADP and water (lca.data.embodied_ranges): central is this row's route, low and high
    the extremes of the bottom-up, vendor PCF and other published per-GPU figures."""
    from lca.data import names
    from lca.data.embodied_ranges import ranges

    code = act["code"]
    ident = code[len(names.ACCELERATOR_PREFIX):].removesuffix(names.VENDOR_PCF_SUFFIX)
    bottom_up = scores.get((act["database"], names.accelerator_code(ident)), {})
    pcf = code.endswith(names.VENDOR_PCF_SUFFIX)
    source = (f"{act.get('source') or 'vendor PCF'} (vendor PCF)" if pcf else
              f"genai-hardware/{code} (bottom-up)")
    out: dict[str, float | str] = {}
    for ind, r in ranges(ident, bottom_up, scores[act.key], source).items():
        for level in ("low", "central", "high"):
            out[f"{level}_{ind}"] = r[level]
            out[f"{level}_{ind}_source"] = r[f"{level}_source"]
    return out


def breakdown(act, scores: dict[tuple, dict[str, float]], key: str) -> dict[str, float | None]:
    """``<key>_<component>`` columns of a bottom-up accelerator: amount x per-unit score of
    each input, summed per component (lca.data.hardware.COMPONENTS); None for a vendor PCF."""
    from lca.data.hardware import COMPONENTS, component_of

    bottom_up = (act.get("properties") or {}).get("route") == "bottom-up"
    out: dict[str, float | None] = {f"{key}_{name}": 0.0 if bottom_up else None
                                    for name, _ in COMPONENTS}
    if bottom_up:
        for e in act.technosphere():
            name = component_of(e.input["code"])
            if name is not None:
                out[f"{key}_{name}"] += e["amount"] * scores[e.input.key][key]
    return out
