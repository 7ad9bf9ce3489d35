"""Design-space exploration: a scenario table evaluated on the compiled model.

A scenario table (:func:`read_table`: CSV, one row per scenario) or a full factorial
(:func:`factorial`: ``NAME=v1,v2,...``) gives values of the service's parameters, and
optionally the structural columns ``accelerator`` (a genai-hardware accelerator id) and
``grid_location`` (a genai-electricity location). :func:`run` evaluates every row on the
:class:`~lca.core.compiled.CompiledModel` of its structural alternative (one compiled model
per distinct (accelerator, grid location), compiled by the caller: :func:`lca.api.explore`)
and returns an :class:`Exploration`: the tidy table (one row per scenario, one column per
indicator per functional unit), the Pareto flags of a pair of indicators and the best row
per indicator.

Every value is checked before anything is evaluated, and an error names the table, the row,
the column, what is allowed and what was found: unknown or model-derived parameter names,
cells that are not numbers, values outside a parameter's physical domain
(:mod:`lca.data.parameters`) or the service file's own validity bounds, and derived
constraints the values break (a batch whose KV cache does not fit: ``memory_fill`` > 1).

Speed: the rows of a structural alternative are evaluated in chunks of
:data:`CHUNK` as one vectorised parameter set (the same code path as the Monte Carlo);
``benchmarks/explore.py`` measures rows per second against assessing rows one by one.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lca.analysis import check_finite_frame
from lca.analysis.uncertainty import CHUNK  # rows evaluated at once: the Monte Carlo's chunk
from lca.errors import FormulaError, InputError, Problem

#: The optional label column of a scenario table.
LABEL = "scenario"
#: Structural columns -> the service file's field they change.
STRUCTURAL = {"accelerator": "model.hardware.accelerator",
              "grid_location": "model.electricity.location"}
#: The pair of indicators whose Pareto front is flagged by default.
DEFAULT_PARETO = ("climate_change", "water_consumption")
#: Unit of the compiled model's energy indicator (facility grid electricity).
ENERGY_UNIT = "kWh"


@dataclass(frozen=True)
class Scenarios:
    """A scenario table as read: ``parameters`` (name -> float values, one per row),
    ``structural`` (column -> id per row, None where the service's own value holds),
    ``labels`` and ``rows`` (the row numbers shown in messages, 1 = first data row)."""

    source: str
    parameters: dict[str, np.ndarray]
    structural: dict[str, list[str | None]] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))

    @property
    def n(self) -> int:
        return len(self.rows)

    def problem(self, message: str, column: str | None = None) -> Problem:
        return Problem(message, file=self.source, field=column)

    def keys(self) -> list[tuple[str | None, str | None]]:
        """The distinct (accelerator, grid location) of the rows, in order of first use;
        None: the service's own."""
        return list(self.groups())

    def groups(self) -> dict[tuple[str | None, str | None], np.ndarray]:
        """(accelerator, grid location) -> indices of its rows."""
        if not self.structural:
            return {(None, None): np.arange(self.n)}
        acc = self.structural.get("accelerator", [None] * self.n)
        loc = self.structural.get("grid_location", [None] * self.n)
        out: dict[tuple, list[int]] = {}
        for i, k in enumerate(zip(acc, loc)):
            out.setdefault(k, []).append(i)
        return {k: np.asarray(v) for k, v in out.items()}


def read_table(path: str | Path) -> Scenarios:
    """Read a CSV scenario table: a header of parameter names (and optionally ``scenario``,
    ``accelerator``, ``grid_location``), then one row per scenario. An empty structural cell
    keeps the service's own value; every parameter cell must be a finite number."""
    import csv

    from lca.data import read_text

    path = Path(path)
    if not path.is_file():
        raise InputError(Problem("scenario table not found", file=str(path), field="--table"))
    text = read_text(path)
    records = [r for r in csv.reader(text.splitlines()) if any(c.strip() for c in r)]
    if not records:
        raise InputError(Problem("the scenario table is empty; expected a header of "
                                 "parameter names and one row per scenario", file=str(path)))
    header, body = [c.strip() for c in records[0]], records[1:]
    where = str(path)
    problems = []
    blank = [i + 1 for i, h in enumerate(header) if not h]
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if blank:
        problems.append(Problem(f"column(s) {', '.join(map(str, blank))} of the header have "
                                "no name", file=where, field="header"))
    if twice:
        problems.append(Problem(f"column(s) named more than once: {', '.join(twice)}",
                                file=where, field="header"))
    if not body:
        problems.append(Problem("the scenario table has a header but no rows; give one row "
                                "per scenario", file=where))
    for i, r in enumerate(body, start=1):
        if len(r) != len(header):
            problems.append(Problem(f"row {i} (line {i + 1}) has {len(r)} cell(s); the header "
                                    f"has {len(header)}", file=where))
    if problems:
        raise InputError(problems)
    columns = {h: [r[j].strip() for r in body] for j, h in enumerate(header)}
    return _scenarios(where, columns)


def factorial(items: Sequence[str]) -> Scenarios:
    """The full factorial of ``--grid NAME=v1,v2,...`` options (rows in the order of the
    options, the last varying fastest); ``accelerator`` and ``grid_location`` take ids."""
    axes: dict[str, list[str]] = {}
    for item in items:
        name, eq, values = item.partition("=")
        name = name.strip()
        cells = [v.strip() for v in values.split(",")]
        if not eq or not name or not all(cells):
            raise InputError(Problem(f"expected NAME=v1,v2,... found '{item}'", field="--grid"))
        if name in axes:
            raise InputError(Problem(f"'{name}' is given twice; give its values once, "
                                     "comma-separated", field="--grid"))
        axes[name] = cells
    if not axes:
        raise InputError(Problem("give at least one NAME=v1,v2,...", field="--grid"))
    combos = list(itertools.product(*axes.values()))
    columns = {name: [c[j] for c in combos] for j, name in enumerate(axes)}
    return _scenarios("--grid", columns)


def _scenarios(source: str, columns: dict[str, list[str]]) -> Scenarios:
    """Typed columns; a cell that is not a finite number is an error naming row and column."""
    n = len(next(iter(columns.values()))) if columns else 0
    problems, parameters, structural = [], {}, {}
    for name, cells in columns.items():
        if name == LABEL:
            continue
        if name in STRUCTURAL:
            structural[name] = [c or None for c in cells]
            continue
        values = np.empty(n)
        for i, c in enumerate(cells):
            try:
                values[i] = float(c)
            except ValueError:
                values[i] = math.nan
            if not math.isfinite(values[i]):
                found = f"'{c}'" if c else "an empty cell"
                problems.append(Problem(f"row {i + 1}: expected a finite number for parameter "
                                        f"'{name}'; found {found}", file=source, field=name))
                break  # one per column is enough to fix the table
        parameters[name] = values
    if problems:
        raise InputError(problems)
    labels = list(columns[LABEL]) if LABEL in columns else [f"{i}" for i in range(1, n + 1)]
    return Scenarios(source, parameters, structural, labels, np.arange(1, n + 1))


# ---------------------------------------------------------------------- checks
def check_columns(model, scenarios: Scenarios) -> None:
    """Every parameter column names a parameter of the model that a service file gives (not
    one the model derives by a formula, which would contradict its own inputs)."""
    from difflib import get_close_matches

    from lca.data.parameters import PARAMETERS

    names = {p.name for p in model.spec.parameters}
    free = sorted(n for n in names if not (n in PARAMETERS and PARAMETERS[n].kind == "derived"))
    problems = []
    for name in scenarios.parameters:
        if name not in names:
            close = get_close_matches(name, free, n=3, cutoff=0.6)
            hint = f"closest: {', '.join(close)}" if close else f"parameters: {', '.join(free)}"
            problems.append(scenarios.problem(
                f"unknown column '{name}': not a parameter of the service, nor one of "
                f"{', '.join([LABEL, *STRUCTURAL])}; {hint}", name))
        elif name not in free:
            problems.append(scenarios.problem(
                f"parameter '{name}' is derived by the model ({PARAMETERS[name].description}); "
                "vary the parameters it is computed from", name))
    if problems:
        raise InputError(problems)


def check_given(scenarios: Scenarios,
                bounds: Mapping[str, tuple[float | None, float | None]] | None = None) -> None:
    """The table's values lie in each parameter's physical domain and the service file's
    validity ``bounds`` (before any formula sees them: a utilisation of 0 would divide by
    zero); else an InputError per column naming its first bad row."""
    from lca.data.parameters import PARAMETERS

    problems = []
    every = np.arange(scenarios.n)
    for name, v in scenarios.parameters.items():
        spec = PARAMETERS.get(name)
        if spec is not None and spec.kind != "derived":
            bad = ~spec.domain.contains(v)
            if bad.any():
                problems.append(_out_of_domain(spec, v, bad, scenarios, every, ""))
                continue
        low, high = (bounds or {}).get(name, (None, None))
        bad = (v < low if low is not None else False) | (v > high if high is not None else False)
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            problems.append(scenarios.problem(
                f"row {scenarios.rows[i]}: parameter '{name}' must be within the service "
                f"file's bounds [{_bound(low, '-inf')}, {_bound(high, 'inf')}]; got {v[i]:g}",
                name))
    if problems:
        raise InputError(problems)


def _bound(value: float | None, none: str) -> str:
    return none if value is None else f"{value:g}"


def check_derived(values: Mapping[str, np.ndarray], scenarios: Scenarios, rows: np.ndarray,
                  variant: str = "") -> None:
    """The parameters derived from one structural alternative's rows (``rows``: indices
    into the table) lie in their domains: the constraints (``memory_fill`` <= 1) and the
    given-or-derived ones (``gpus_per_replica``); else an InputError naming the first row."""
    from lca.data import parameters as registry

    problems = []
    for spec in registry.checked() + registry.constraints():
        v = values.get(spec.name)
        if v is None or spec.name in scenarios.parameters or v.strides == (0,):
            continue  # given (checked before) or as in the service file (checked when built)
        bad = ~spec.domain.contains(v)
        if bad.any():
            problems.append(_out_of_domain(spec, v, bad, scenarios, rows, variant))
    if problems:
        raise InputError(problems)


def _out_of_domain(spec, v, bad, scenarios: Scenarios, rows, variant: str) -> Problem:
    i = int(np.flatnonzero(bad)[0])
    row = scenarios.rows[rows[i]]
    count = f" (and {int(bad.sum()) - 1} more)" if bad.sum() > 1 else ""
    must = f"parameter '{spec.name}' must be {spec.domain} ({spec.description})"
    if spec.name in scenarios.parameters:
        return scenarios.problem(f"row {row}{count}: {must}; got {v[i]:g}", spec.name)
    inputs = ", ".join(f"{k}={c[rows[i]]:g}" for k, c in scenarios.parameters.items())
    why = f": {spec.why}" if spec.why else ""
    return scenarios.problem(f"row {row}{count}: with {inputs or 'the service values'}"
                             f"{variant}, derived {must}{why}; got {v[i]:g}")


# ---------------------------------------------------------------------- evaluation
def evaluate(model, scenarios: Scenarios, rows: np.ndarray | None = None, *,
             variant: str = "") -> np.ndarray:
    """(n_rows, n_indicators) totals per functional unit of the table's ``rows`` (default:
    all) on ``model``, in chunks of :data:`CHUNK`; each chunk's derived parameters checked
    (:func:`check_derived`) before it is scored. The given values are checked once, by
    :func:`check_given`."""
    rows = np.arange(scenarios.n) if rows is None else np.asarray(rows)
    out = np.empty((len(rows), len(model.spec.indicators)))
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        fixed = {k: v[part] for k, v in scenarios.parameters.items()}
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                values = model.parameter_values(len(part), fixed=fixed)
        except FormulaError as exc:
            first, last = scenarios.rows[part[0]], scenarios.rows[part[-1]]
            raise InputError(scenarios.problem(f"rows {first}-{last}{variant}: {exc}; check "
                                               "the rows' values and units")) from None
        check_derived(values, scenarios, part, variant)
        out[start:start + len(part)] = model.evaluate(values)["total"]
    return out


def pareto_front(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Rows not dominated when both ``x`` and ``y`` are minimised: no other row is at most
    as large on both and smaller on one (equal rows are all kept). O(n log n): sorted by x
    then y, a row is on the front when its y is the least of its x (the first of its run)
    and below the least y of every smaller x."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    front = np.zeros(len(x), dtype=bool)
    if not len(x):
        return front
    order = np.lexsort((y, x))
    xs, ys = x[order], y[order]
    starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])  # first row of each x
    least = ys[starts]                                         # least y of each x
    before = np.r_[np.inf, np.minimum.accumulate(least)[:-1]]  # least y of smaller x
    group = np.cumsum(np.r_[True, xs[1:] != xs[:-1]]) - 1
    front[order] = (ys == least[group]) & (least[group] < before[group])
    return front


@dataclass(frozen=True)
class Exploration:
    """The result of :func:`run`. ``frame``: one row per scenario (``row``, ``scenario``,
    the structural columns given, the varied parameters, one column per indicator in
    ``units``, ``pareto``); ``best``: the best row per indicator; ``pareto``: the indicator
    pair (x, y) whose front is flagged."""

    frame: Any
    best: Any
    pareto: tuple[str, str]
    units: dict[str, str]
    labels: dict[str, str]
    functional_unit: str
    service: str

    def front(self):
        """The Pareto rows, by the first indicator of the pair."""
        return self.frame[self.frame["pareto"]].sort_values(list(self.pareto))

    def to_json(self) -> str:
        """Strict JSON (a NaN or inf is an error, never ``null``)."""
        import json

        body = {"service": self.service, "functional_unit": self.functional_unit,
                "units": self.units, "pareto": list(self.pareto),
                "rows": _records(self.frame), "best": _records(self.best)}
        return json.dumps(body, indent=2, allow_nan=False)

    def to_csv(self) -> str:
        """The table, each indicator column's header with its unit
        (``climate_change [kg CO2-Eq per request]``)."""
        return self.frame.rename(columns={k: f"{k} [{u}]" for k, u in self.units.items()}
                                 ).to_csv(index=False)

    def to_text(self, limit: int = 50) -> str:
        """The table (its first ``limit`` rows), the Pareto front and the best rows."""
        shown = self.frame if len(self.frame) <= limit else self.frame.head(limit)
        units = ", ".join(f"{k}: {u}" for k, u in self.units.items())
        more = f"\n... {len(self.frame) - limit} more rows (--format csv or json for all)" \
            if len(self.frame) > limit else ""
        front = self.front()
        return "\n".join([
            f"{self.service}: {len(self.frame)} scenarios per {self.functional_unit} ({units})",
            shown.to_string(index=False, float_format="%.4g") + more, "",
            f"Pareto front ({self.pareto[0]} vs {self.pareto[1]}, both minimised): "
            f"{len(front)} row(s)",
            front.to_string(index=False, float_format="%.4g"), "",
            "Best row per indicator",
            self.best.to_string(index=False, float_format="%.4g")])

    def figure(self):
        """The Pareto figure of the pair (see :func:`pareto_figure`)."""
        return pareto_figure(self)


def _records(frame) -> list[dict]:
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
            for r in frame.to_dict(orient="records")]


def indicator_units(model, per: str) -> tuple[dict[str, str], dict[str, str]]:
    """Indicator key -> unit per functional unit, and -> label (from the methods file)."""
    from lca.data.files import method_names

    specs = method_names()
    units, labels = {}, {}
    for k in model.spec.indicators:
        spec = specs.get(k, {"unit": ENERGY_UNIT, "label": "Energy (grid electricity)"})
        units[k] = f"{spec['unit']} per {per}"
        labels[k] = spec["label"]
    return units, labels


def check_pair(pair: Sequence[str], indicators: Sequence[str]) -> tuple[str, str]:
    """Two distinct indicator keys of the model (``--pareto X,Y``)."""
    pair = tuple(p.strip() for p in pair)
    if len(pair) != 2 or pair[0] == pair[1] or any(p not in indicators for p in pair):
        raise InputError(Problem(f"expected two different indicators X,Y of "
                                 f"{', '.join(indicators)}; found '{','.join(pair)}'",
                                 field="--pareto"))
    return pair  # type: ignore[return-value]


def run(models: Mapping[tuple, Any], scenarios: Scenarios, *, pareto: Sequence[str] =
        DEFAULT_PARETO, functional_unit: str = "functional unit", service: str = "",
        structural: Mapping[str, Sequence[str]] | None = None,
        bounds: Mapping[str, tuple[float | None, float | None]] | None = None) -> Exploration:
    """Evaluate every row of ``scenarios`` on ``models[key]`` (key: the row's (accelerator,
    grid location) of :meth:`Scenarios.keys`); ``structural``: the effective values of the
    structural columns per row (the service's own where the cell was empty), shown in the
    table. Flags the Pareto rows of ``pareto`` and picks the best row per indicator."""
    import pandas as pd

    first = next(iter(models.values()))
    indicators = list(first.spec.indicators)
    pair = check_pair(pareto, indicators)
    check_columns(first, scenarios)
    check_given(scenarios, bounds)
    groups = scenarios.groups()
    totals = np.empty((scenarios.n, len(indicators)))
    for k, idx in groups.items():
        named = " and ".join(f"{c} '{v}'" for c, v in zip(STRUCTURAL, k) if v)
        totals[idx] = evaluate(models[k], scenarios, idx,
                                variant=f" (with {named})" if named else "")
    units, labels = indicator_units(first, functional_unit)
    columns: dict[str, Any] = {"row": scenarios.rows,  # object: no string conversion
                               LABEL: np.asarray(scenarios.labels, dtype=object)}
    for c in STRUCTURAL:
        if c in scenarios.structural:
            columns[c] = np.asarray((structural or {}).get(c) or scenarios.structural[c],
                                    dtype=object)
    columns.update(scenarios.parameters)
    columns.update({k: totals[:, j] for j, k in enumerate(indicators)})
    frame = pd.DataFrame(columns, copy=False)
    check_finite_frame(frame, "explore", ("row", LABEL), "the values overflow or make the "
                       "system singular: check the row's values and units")
    frame["pareto"] = pareto_front(frame[pair[0]].to_numpy(), frame[pair[1]].to_numpy())
    frame.attrs.update(units=units, functional_unit=functional_unit, pareto=pair)
    best = pd.DataFrame([{"indicator": k, "unit": units[k],
                          **frame.loc[int(np.argmin(totals[:, j]))].drop("pareto").to_dict(),
                          "value": float(totals[:, j].min())}
                         for j, k in enumerate(indicators)])
    best = best.drop(columns=[k for k in indicators])
    return Exploration(frame, best, pair, units, labels, functional_unit, service)


# ---------------------------------------------------------------------- figure
def pareto_figure(result: Exploration, *, annotate: int = 12):
    """The scenarios on the indicator pair (x, y), the Pareto front highlighted and joined
    as a staircase, its rows labelled when there are at most ``annotate`` of them; coloured
    by structural alternative when the table has several. A pyplot-free Figure, as in
    :mod:`lca.report.plots`."""
    from matplotlib.figure import Figure

    x, y = result.pareto
    frame = result.frame
    fig = Figure(figsize=(6.4, 4.8), layout="tight")
    ax = fig.add_subplot()
    structural = [c for c in STRUCTURAL if c in frame.columns]
    groups = frame.groupby(structural, sort=False) if structural else [((), frame)]
    colours = ["#5e81ac", "#bf616a", "#a3be8c", "#b48ead", "#ebcb8b", "#88c0d0", "#4c566a"]
    for n, (key, part) in enumerate(groups):
        name = ", ".join(map(str, key if isinstance(key, tuple) else (key,))) or "scenarios"
        ax.scatter(part[x], part[y], s=16, alpha=0.7, color=colours[n % len(colours)],
                   label=name, linewidths=0)
    front = result.front()
    ax.step(front[x], front[y], where="post", color="#2e3440", linewidth=1.2, zorder=3)
    ax.scatter(front[x], front[y], s=36, facecolors="none", edgecolors="#2e3440",
               linewidths=1.4, zorder=4, label=f"Pareto front ({len(front)})")
    if len(front) <= annotate:
        for i, (_, r) in enumerate(front.iterrows()):  # neighbours alternate above/below
            ax.annotate(str(r[LABEL]), (r[x], r[y]), textcoords="offset points",
                        xytext=(4, 4 if i % 2 == 0 else -10), fontsize=7)
    for axis, key in (("x", x), ("y", y)):
        getattr(ax, f"set_{axis}label")(f"{result.labels[key]} [{result.units[key]}]")
        ax.ticklabel_format(axis=axis, style="sci", scilimits=(-3, 4))
    ax.set_title(f"{result.service}: {len(frame)} scenarios", fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    return fig


# ---------------------------------------------------------------------- variants
def variant_id(service_id: str, accelerator: str | None, location: str | None) -> str:
    """The id of a structural variant of a service (its own database): readable when short,
    else with a digest, never longer than a service id may be."""
    import hashlib
    import re

    from lca.data.service import MAX_ID_LENGTH

    parts = [p for p in (accelerator, location) if p]
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
    ident = f"{service_id}-explore-{slug}"
    if len(ident) > MAX_ID_LENGTH:
        digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:10]
        ident = f"{service_id[:MAX_ID_LENGTH - 19]}-explore-{digest}"
    return ident


def variant_text(text: str, path: str, accelerator: str | None, location: str | None) -> str:
    """A service file's YAML with ``model.hardware.accelerator`` and/or
    ``model.electricity.location`` changed and its id suffixed (:func:`variant_id`)."""
    import yaml

    from lca.data import parse_yaml

    raw = parse_yaml(text, path)
    model = raw.get("model") if isinstance(raw, dict) else None
    if not isinstance(model, dict):
        raise InputError(Problem("structural columns (accelerator, grid_location) need a "
                                 "service with a 'model:' block", file=path, field="model"))
    if accelerator:
        model.setdefault("hardware", {})["accelerator"] = accelerator
    if location:
        elec = model.setdefault("electricity", {})
        if elec.get("basis") == "stated":
            raise InputError(Problem("grid_location needs location-based or market-based "
                                     "electricity; this service states its grid factor",
                                     file=path, field="model.electricity.basis"))
        elec["location"] = location
    raw["service"]["id"] = variant_id(raw["service"]["id"], accelerator, location)
    return yaml.safe_dump(raw, sort_keys=False, allow_unicode=True)
