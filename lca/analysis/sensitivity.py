"""Sensitivity of a compiled model to its uncertain parameters: one-at-a-time (tornado),
Morris elementary effects and Sobol indices (SALib does the sampling and the analysis).

Every function takes the model, an optional subset of parameter names, optional ``bounds``
(``{name: (low, high)}``: a range for a parameter without a distribution, or one that
replaces its distribution; uniform for Morris and Sobol, the low and high values themselves
for one-at-a-time) and an explicit ``seed``, and returns a tidy DataFrame with one row per
(indicator, parameter).
"""

from __future__ import annotations

import numpy as np

from lca.analysis import SENSITIVITY_METHODS, check_finite_frame
from lca.core.compiled import CompiledModel, ParameterSpec
from lca.data.distributions import Uniform
from lca.errors import InputError, Problem

Bounds = dict[str, tuple[float, float]]
#: The methods :func:`run` dispatches to.
METHODS = SENSITIVITY_METHODS  # one list, in lca.analysis (the CLI reads it there)


def uncertain_parameters(model: CompiledModel, names: list[str] | None = None,
                         bounds: Bounds | None = None) -> list[ParameterSpec]:
    """The parameters with a distribution or given ``bounds`` (not derived by a formula),
    optionally a subset; a bounded parameter gets a uniform distribution over its range."""
    bounds = bounds or {}
    free = {p.name: p for p in model.spec.parameters if not p.formula}
    problems = [Problem(f"bounds given for '{n}', which is not a free parameter of the "
                        f"model (free: {', '.join(sorted(free))})", field="--bounds")
                for n in bounds if n not in free]
    problems += [Problem(f"bounds of '{n}' must have low < high; found {lo!r}:{hi!r}",
                         field="--bounds") for n, (lo, hi) in bounds.items() if not lo < hi]
    if problems:
        raise InputError(problems)
    found = {n: ParameterSpec(n, p.amount, None, Uniform(float(bounds[n][0]),
                                                         float(bounds[n][1])))
             if n in bounds else p for n, p in free.items()
             if n in bounds or p.distribution is not None}
    if names is None:
        return list(found.values())
    missing = [n for n in names if n not in found]
    if missing:
        raise InputError(Problem(f"no uncertain parameter named {', '.join(missing)} (give "
                                 f"--bounds for a fixed one); uncertain parameters: "
                                 f"{', '.join(sorted(found))}", field="--params"))
    return [found[n] for n in names]


def parse_bounds(items: list[str]) -> Bounds:
    """``["pue=1.1:1.6", ...]`` -> ``{"pue": (1.1, 1.6)}`` (the CLI's ``--bounds``)."""
    out = {}
    for item in items:
        name, low, high, rest = parse_range(item, "--bounds", "NAME=LOW:HIGH")
        if low is None or rest:
            raise InputError(Problem(f"expected NAME=LOW:HIGH, found '{item}'",
                                     field="--bounds"))
        out[name] = (low, high)
    return out


def parse_range(text: str, field: str, usage: str
                ) -> tuple[str, float | None, float | None, list[str]]:
    """``NAME=LOW:HIGH[:MORE...]`` -> (name, low, high, [more...]); ``NAME`` alone gives
    (name, None, None, []). Shared by ``--bounds`` and ``--sweep``."""
    name, _, rng = text.partition("=")
    if not rng:
        return name.strip(), None, None, []
    parts = rng.split(":")
    try:
        return name.strip(), float(parts[0]), float(parts[1]), parts[2:]
    except (ValueError, IndexError):
        raise InputError(Problem(f"expected {usage}, found '{text}'", field=field)) from None


def _salib_problem(params: list[ParameterSpec]) -> dict:
    """SALib problem with each parameter's own distribution."""
    entries = [p.distribution.salib() for p in params]
    return {"num_vars": len(params), "names": [p.name for p in params],
            "bounds": [b for b, _ in entries], "dists": [d for _, d in entries]}


def _evaluate(model: CompiledModel, names: list[str], X: np.ndarray,
              params: list[ParameterSpec] | None = None) -> np.ndarray:
    """Totals for the parameter sets ``X`` (columns in ``names`` order). With ``params``
    (a sample of :func:`_salib_problem`), each column is first mapped back through its
    distribution's ``from_salib`` (SALib samples a lognormal as positive: a stats_arrays
    ``negative`` one is flipped there); without, ``X`` holds the values themselves. A total
    that is not finite is an InputError naming the indicator and the parameter values."""
    columns = [X[:, j] for j in range(len(names))]
    if params is not None:
        columns = [p.distribution.from_salib(c) for p, c in zip(params, columns)]
    values = model.parameter_values(len(X), fixed=dict(zip(names, columns)))
    with np.errstate(over="ignore", invalid="ignore"):  # reported below, by name
        total = model.evaluate(values)["total"]
    bad = ~np.isfinite(total)
    if bad.any():
        j = int(np.flatnonzero(bad.any(axis=0))[0])
        rows = np.flatnonzero(bad[:, j])
        first = ", ".join(f"{n}={c[rows[0]]:.6g}" for n, c in zip(names, columns))
        raise InputError(Problem(
            f"sensitivity: '{model.spec.indicators[j]}' is not finite for {len(rows)} of "
            f"{len(total)} parameter sets (first: {first or 'the base values'}); the values "
            "overflow (single precision ends near 3.4e38) or make the system singular: "
            "narrow --bounds or the parameter's distribution"))
    return total


def _low_high(p: ParameterSpec) -> tuple[float, float]:
    """2.5 and 97.5 % quantiles of the parameter's distribution."""
    return p.distribution.interval(0.95)


def oat(model: CompiledModel, params: list[str] | None = None, *,
        bounds: Bounds | None = None):
    """One at a time: each parameter at its 2.5 % and 97.5 % quantiles (or its given
    bounds), the others at their values; the swing (high - low) per indicator, largest
    first (tornado data)."""
    import pandas as pd

    chosen = uncertain_parameters(model, params, bounds)
    base = _evaluate(model, [], np.empty((1, 0)))[0]
    rows = []
    for p in chosen:
        lo, hi = (bounds or {}).get(p.name) or _low_high(p)
        out = _evaluate(model, [p.name], np.array([[lo], [hi]], dtype=float))
        for j, ind in enumerate(model.spec.indicators):
            rows.append({"indicator": ind, "parameter": p.name, "value_low": lo,
                         "value_high": hi, "result_low": out[0, j], "result_high": out[1, j],
                         "base": base[j], "swing": out[1, j] - out[0, j]})
    frame = _checked(pd.DataFrame(rows), "oat")
    return frame.reindex(frame["swing"].abs().sort_values(ascending=False).index) \
        .reset_index(drop=True)


def morris(model: CompiledModel, params: list[str] | None = None, *, trajectories: int = 100,
           levels: int = 4, seed: int | None = None, bounds: Bounds | None = None):
    """Morris elementary effects (mu*, sigma) per indicator and parameter."""
    import pandas as pd
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    chosen = uncertain_parameters(model, params, bounds)
    # Morris moves on a grid over a box: each distribution's 2.5-97.5 % range, or the bounds
    problem = {"num_vars": len(chosen), "names": [p.name for p in chosen],
               "bounds": [list((bounds or {}).get(p.name) or _low_high(p)) for p in chosen]}
    X = sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    Y = _evaluate(model, problem["names"], X)  # the box holds the values themselves
    rows = []
    for j, ind in enumerate(model.spec.indicators):
        res = analyze.analyze(problem, X, Y[:, j], num_levels=levels, seed=seed)
        res = {key: np.ma.filled(np.asarray(res[key], dtype=float), np.nan)
               for key in ("mu_star", "mu_star_conf", "sigma")}  # no masked values
        rows += [{"indicator": ind, "parameter": n, "mu_star": res["mu_star"][k],
                  "mu_star_conf": res["mu_star_conf"][k], "sigma": res["sigma"][k]}
                 for k, n in enumerate(problem["names"])]
    return _checked(pd.DataFrame(rows), "morris")


def sobol(model: CompiledModel, params: list[str] | None = None, *, base_samples: int = 1024,
          seed: int | None = None, bounds: Bounds | None = None, second_order: bool = False,
          indicators: list[str] | None = None):
    """Sobol first-order (S1) and total (ST) indices with 95 % confidence intervals;
    N x (D + 2) evaluations for D parameters and N ``base_samples``. ``second_order``: also
    the pairwise S2 indices (N x (2D + 2) evaluations), as a tidy frame (indicator,
    parameter_a, parameter_b, S2, S2_conf) in the result's ``attrs["S2"]``. ``indicators``:
    analyse only these (SALib's bootstrap of S2 costs ~4 s per indicator at D = 20)."""
    import pandas as pd
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    unknown = sorted(set(indicators or ()) - set(model.spec.indicators))
    if unknown:
        raise InputError(Problem(f"unknown indicator(s) {', '.join(unknown)}; indicators: "
                                 f"{', '.join(model.spec.indicators)}", field="indicators"))
    chosen = uncertain_parameters(model, params, bounds)
    problem = _salib_problem(chosen)
    names = problem["names"]
    X = sample.sample(problem, base_samples, calc_second_order=second_order, seed=seed)
    Y = _evaluate(model, names, X, chosen)
    rows, pairs = [], []
    for j, ind in enumerate(model.spec.indicators):
        if indicators is not None and ind not in indicators:
            continue
        y = Y[:, j]
        if np.ptp(y) == 0:  # no variance: indices are undefined, report zeros
            res = {k: np.zeros(len(chosen)) for k in ("S1", "S1_conf", "ST", "ST_conf")}
            res["S2"] = res["S2_conf"] = np.zeros((len(chosen), len(chosen)))
        else:
            res = analyze.analyze(problem, y, calc_second_order=second_order, seed=seed)
        rows += [{"indicator": ind, "parameter": n, "S1": res["S1"][k],
                  "S1_conf": res["S1_conf"][k], "ST": res["ST"][k], "ST_conf": res["ST_conf"][k]}
                 for k, n in enumerate(names)]
        if second_order:
            pairs += [{"indicator": ind, "parameter_a": names[a], "parameter_b": names[b],
                       "S2": res["S2"][a, b], "S2_conf": res["S2_conf"][a, b]}
                      for a in range(len(names)) for b in range(a + 1, len(names))]
    frame = _checked(pd.DataFrame(rows), "sobol")
    if second_order:
        frame.attrs["S2"] = _checked(pd.DataFrame(pairs), "sobol S2")
    return frame


def _checked(frame, method: str):
    """``frame``, if every number in it is finite; else an InputError naming the cell."""
    check_finite_frame(frame, f"sensitivity ({method})",
                       ("indicator", "parameter", "parameter_a", "parameter_b"),
                       "the model's output varies too little or too wildly for this "
                       "method: try more --samples or narrower --bounds")
    return frame


def run(model: CompiledModel, method: str, params: list[str] | None = None, *,
        bounds: Bounds | None = None, samples: int = 1024, seed: int | None = None):
    """:func:`oat`, :func:`morris` (``samples`` trajectories) or :func:`sobol` (``samples``
    base samples) by name; the one dispatch the API, the CLI and the report share."""
    check_method(method)
    if method == "oat":
        return oat(model, params, bounds=bounds)
    if method == "morris":
        return morris(model, params, trajectories=samples, seed=seed, bounds=bounds)
    return sobol(model, params, base_samples=samples, seed=seed, bounds=bounds)


def check_method(method: str, field: str = "--method") -> None:
    """Refuse a method name :func:`run` does not know (before any costly work)."""
    if method not in METHODS:
        raise InputError(Problem(f"unknown sensitivity method '{method}'; use one of "
                                 f"{', '.join(METHODS)}", field=field))
