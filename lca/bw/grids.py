"""Present-day life-cycle GHG of grids, solved in the project (what prospective starts from).

:func:`grid_kg_per_kwh` is the one place prospective assessments get a grid's present
intensity: bw2calc's matrices for one kWh of every grid asked for, factorised once
(:class:`lca.bw.compute.Factorised`), and one transposed solve for the climate-change
method gives the cumulative score per kWh of each. The result is the number ``assess``
itself would compute for that kWh; the pure code of :mod:`lca.prospective` receives it as a
plain float.
"""

from __future__ import annotations

from collections.abc import Iterable


def grid_kg_per_kwh(keys: Iterable[tuple[str, str]], method: tuple) -> dict[tuple[str, str], float]:
    """kg CO2-eq per kWh (score per unit of output for ``method``) of each grid activity
    ``(database, code)`` in ``keys``, in the project the caller has open; ``{}`` for none.

    Raises :class:`~lca.errors.InputError` naming a grid that is not in the project.
    """
    import bw2data as bd

    from lca.bw.compute import Factorised
    from lca.errors import InputError, Problem

    keys = list(dict.fromkeys(tuple(k) for k in keys))
    if not keys:
        return {}
    ids, problems = {}, []
    for key in keys:
        try:
            ids[key] = bd.get_activity(key).id
        except Exception:  # bw2data's UnknownObject, or a database that is not there
            problems.append(Problem(f"cannot make grid '{key[0]}/{key[1]}' prospective: it is "
                                    "not in the project, so its present GHG cannot be solved",
                                    field="--scenario"))
    if problems:
        raise InputError(problems)
    fac = Factorised({i: 1.0 for i in ids.values()}, method)
    per_unit = fac.cumulative(fac.direct(method))
    col = fac.lca.dicts.activity
    return {key: float(per_unit[col[i]]) for key, i in ids.items()}
