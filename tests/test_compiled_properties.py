"""Property-based exactness of the compiled model (hypothesis): random sparse foregrounds,
loops included, with random formulas over random parameters, written to the real
Brightway project and linked to the real background; the compiled model must equal plain
bw2calc on the written database to 1e-9 per indicator, and the stage split of
:func:`lca.bw.compute.solve` per stage."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

BACKGROUND = [("genai-electricity", "electricity-JAM"),
              ("genai-hardware", "fab-logic-4nm-TWN"),
              ("genai-hardware", "transport-truck"),
              ("genai-datacenter", "datacenter-microsoft-2021-wue")]
STAGES = ["manufacture", "training", "inference", "end of life"]
PARAMS = ["p0", "p1", "p2"]
_names = (f"hypothesis-fg-{i}" for i in itertools.count())

leaf = st.one_of(st.sampled_from(PARAMS + ["p_derived"]),
                 st.floats(0.25, 4.0).map(lambda v: repr(round(v, 3))))
expression = st.recursive(
    leaf, lambda inner: st.tuples(inner, st.sampled_from(["+", "*", "/"]), inner).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"), max_leaves=5)


@st.composite
def systems(draw):
    """(activities, parameters): each activity a stage and exchanges
    ``(kind, target, formula)``; foreground links may form loops. Every foreground amount
    is squeezed into (0, 0.2) and each activity has at most 3 foreground inputs, so the
    technosphere stays column diagonally dominant (non-singular)."""
    n = draw(st.integers(2, 6))
    acts = []
    for i in range(n):
        fg = draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True))
        if i < n - 1 and i + 1 not in fg:
            fg = [i + 1] + fg[:2]  # a chain from the root reaches every activity
        bg = draw(st.lists(st.integers(0, len(BACKGROUND)), min_size=1, max_size=3,
                           unique=True))
        exchanges = [("fg", t, f"0.2 * {e} / (1 + {e})")
                     for t, e in zip(fg, draw(st.lists(expression, min_size=len(fg),
                                                       max_size=len(fg))))]
        exchanges += [("bg", t, e) for t, e in zip(bg, draw(st.lists(
            expression, min_size=len(bg), max_size=len(bg))))]
        acts.append((draw(st.sampled_from(STAGES)), exchanges))
    values = draw(st.lists(st.floats(0.5, 5.0), min_size=len(PARAMS), max_size=len(PARAMS)))
    params = [{"name": p, "amount": v} for p, v in zip(PARAMS, values)]
    params.append({"name": "p_derived", "formula": draw(expression.filter(
        lambda e: "p_derived" not in e)), "amount": 0.0})
    return acts, params


def _write(name: str, acts, params) -> None:
    import bw2data as bd
    from bw2data.parameters import ActivityParameter, DatabaseParameter, Group

    from lca.formula import Formula, evaluate_all

    values = evaluate_all({p["name"]: p.get("formula", p["amount"]) for p in params})
    co2 = next(a.key for a in bd.Database("biosphere3")
               if a["name"] == "Carbon dioxide, fossil" and a["categories"] == ("air",))
    bg_keys = BACKGROUND + [co2]
    data = {}
    for i, (stage, exchanges) in enumerate(acts):
        excs = [{"input": (name, f"a{i}"), "amount": 1.0, "type": "production"}]
        for kind, t, formula in exchanges:
            key = (name, f"a{t}") if kind == "fg" else bg_keys[t]
            excs.append({"input": key, "formula": formula,
                         "amount": float(Formula(formula).evaluate(values)),
                         "type": "biosphere" if key == co2 else "technosphere"})
        data[(name, f"a{i}")] = {"name": f"activity {i}", "unit": "unit", "stage": stage,
                                 "type": "process", "exchanges": excs}
    bd.Database(name).write(data)
    bd.parameters.new_database_parameters(params, name)
    DatabaseParameter.recalculate(name)
    for key in data:
        group = f"{name}:{key[1]}"
        Group.get_or_create(name=group)
        bd.parameters.add_exchanges_to_group(group, bd.get_activity(key))
        ActivityParameter.recalculate_exchanges(group)
    bd.Database(name).process()


def _drop(name: str) -> None:
    import bw2data as bd

    from lca.bw.writer import _delete_parameters

    _delete_parameters(name)
    del bd.databases[name]


# No shrinking phase: each example writes a database (~1 s), so shrinking a failure takes
# minutes; the failing example is printed as drawn.
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(system=systems())
def test_compiled_equals_bw2calc_on_random_systems(data_dir, system):
    import bw2calc as bc
    import bw2data as bd

    from lca.bw.compute import solve, solver_noise
    from lca.bw.extract import compile_service
    from lca.bw.project import use_project
    from lca.data.files import method_names

    acts, params = system
    methods = {k: s["name"] for k, s in method_names().items()}
    name = next(_names)
    with use_project():
        _write(name, acts, params)
        try:
            model = compile_service(name, "a0", 1.0, methods)
            out = model.evaluate(model.parameter_values(1))
            sol = solve({(name, "a0"): 1.0}, methods, name)
            lca = bc.LCA({bd.get_activity((name, "a0")).id: 1.0},
                         method=next(iter(methods.values())))
            lca.lci()
            for j, (key, method) in enumerate(methods.items()):
                lca.switch_method(method)
                lca.lcia()
                # a score that is nearly nothing is compared within the solver's noise
                tol = solver_noise(np.asarray((lca.characterization_matrix @ lca.biosphere_matrix)
                                              .sum(axis=0)).ravel(), lca.supply_array)
                assert out["total"][0, j] == pytest.approx(lca.score, rel=1e-9, abs=tol)
                for s, stage in enumerate(model.stage_names):
                    assert out["by_stage"][0, s, j] == pytest.approx(
                        sol.by_stage[key].get(stage, 0.0), rel=1e-9, abs=tol), (key, stage)
        finally:
            _drop(name)


def test_loop_and_self_consumption_solved_exactly(data_dir):
    """A two-activity loop (each supplies the other) plus an activity that consumes part of
    its own output: supply by hand, and equal to bw2calc."""
    import bw2calc as bc
    import bw2data as bd

    from lca.bw.extract import compile_service
    from lca.bw.project import use_project
    from lca.data.files import method_names

    methods = {k: s["name"] for k, s in method_names().items()}
    acts = [("inference", [("fg", 1, "0.5 * p0"), ("bg", 0, "p1")]),
            ("training", [("fg", 0, "0.25"), ("fg", 1, "0.1"), ("bg", 4, "p0 + p1")])]
    params = [{"name": "p0", "amount": 0.5}, {"name": "p1", "amount": 2.0}]
    name = next(_names)
    with use_project():
        _write(name, acts, params)
        try:
            model = compile_service(name, "a0", 3.0, methods)
            values = model.parameter_values(4, fixed={"p0": np.array([0.5, 0.1, 1.0, 1.5])})
            supply = model._supply(*_amounts(model, values))
            # x0 = 3 + 0.25 x1 ; 0.9 x1 = 0.5 p0 x0  =>  x0 = 3 / (1 - 0.25 * 0.5 p0 / 0.9)
            p0 = values["p0"]
            x0 = 3.0 / (1 - 0.25 * np.float32(0.5 * p0) / np.float32(0.9))
            np.testing.assert_allclose(supply[0], x0, rtol=1e-6)
            total = model.evaluate(model.parameter_values(1))["total"][0]
            lca = bc.LCA({bd.get_activity((name, "a0")).id: 3.0},
                         method=next(iter(methods.values())))
            lca.lci()
            lca.lcia()
            assert total[0] == pytest.approx(lca.score, rel=1e-9)
        finally:
            _drop(name)


def _amounts(model, values):
    """Exchange amounts as the model evaluates them (float32-rounded), and the root."""
    from lca.formula import Formula

    n = len(values["p0"])
    amounts = np.array([np.float32(Formula(e.formula).evaluate(values)) * np.ones(n)
                        if e.formula else np.full(n, np.float32(e.amount))
                        for e in model.spec.exchanges], dtype=float)
    return amounts, np.full(n, float(model.amount))
