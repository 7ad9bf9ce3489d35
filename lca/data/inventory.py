"""Load and validate a set of inventory files as a whole, then resolve them.

:func:`read_inventory` reads YAML/CSV files into records; :func:`resolve` checks the whole
set against what already exists (:class:`Known`: flows and activities of the Brightway
project) and returns Brightway-ready data, or raises one :class:`~lca.errors.InputError`
listing *every* problem found (file, dataset, field, what was expected, what was found).
Nothing here touches Brightway: writing is :mod:`lca.bw.writer`'s job, and happens only
after this module found no problem, so a bad file never half-writes a project.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lca.data import parse_yaml, read_text
from pydantic import ValidationError

from lca.data import quality
from lca.data.links import ActivityInfo, Link, LinkError, resolve_link
from lca.data.schema import Activity, Exchange, InventoryFile, Parameter, Quantity, \
    Uncertainty, check_mode
from lca.data.sources import Source
from lca.errors import FormulaError, InputError, Problem, UnitError
from lca.formula import Formula
from lca import units

Key = tuple[str, str]

_CSV_FIELDS = {"database", "activity", "type", "input", "flow", "categories", "amount",
               "formula", "unit", "source", "uncertainty", "scale", "gsd", "minimum",
               "maximum", "comment", "evidence", "pedigree", "basic_gsd2"}


@dataclass
class SourcedFile:
    """One inventory file's records and where they came from."""

    path: str
    content: InventoryFile
    digest: str


@dataclass
class InventorySet:
    """The records of several files, grouped by database, not yet checked as a whole."""

    files: list[SourcedFile] = field(default_factory=list)
    extra_exchanges: list[tuple[str, int, str, str, Exchange]] = field(default_factory=list)
    csv_digests: dict[str, str] = field(default_factory=dict)

    @property
    def databases(self) -> list[str]:
        return sorted({f.content.database for f in self.files})

    def digest(self) -> str:
        h = hashlib.sha256()
        for d in sorted([f.digest for f in self.files] + list(self.csv_digests.values())):
            h.update(d.encode())
        return h.hexdigest()


@dataclass
class Known:
    """What already exists in the Brightway project, as seen by the resolver.

    ``units``: unit of every activity/flow key; ``flows``: biosphere flow keys by
    ``(name, categories)``; ``databases``: names of databases that exist; ``properties``
    and ``sources``: key figures of activities (TDP, PUE, ...) and their source ids;
    ``activities``: name, location, reference product and unit of every activity (not
    flows), what a :class:`~lca.data.links.Link` matches on.
    """

    units: dict[Key, str] = field(default_factory=dict)
    flows: dict[tuple[str, tuple[str, ...]], Key] = field(default_factory=dict)
    databases: set[str] = field(default_factory=set)
    properties: dict[Key, dict] = field(default_factory=dict)
    sources: dict[Key, str] = field(default_factory=dict)
    activities: dict[Key, ActivityInfo] = field(default_factory=dict)


@dataclass
class ResolvedDatabase:
    """A database ready for ``bw2data.Database(name).write(data)``, plus its parameters."""

    name: str
    biosphere: bool
    data: dict[Key, dict]
    parameters: list[dict]
    activity_parameters: dict[str, list[dict]]
    depends: set[str]
    files: list[str]
    digest: str
    #: The files' own bibliography entries (``sources:``), stored in the database's metadata.
    sources: list[dict] = field(default_factory=list)


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows of a sourced data table (CSV with a header) as dicts of strings."""
    return [row for _, row in _CSVRows(read_text(path))]


def table_digest(folder: Path, builder: str | Path | None = None) -> str:
    """Hash of every CSV in ``folder`` (names and contents) and of the ``builder`` module's
    source, so a table-built database is rewritten when its tables or its code change."""
    h = hashlib.sha256(Path(builder).read_bytes() if builder else b"")
    for path in sorted(Path(folder).glob("*.csv")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def read_inventory(paths: Iterable[Path | str]) -> InventorySet:
    """Read YAML and CSV inventory files (folders are searched recursively).

    Raises :class:`InputError` with every schema problem of every file.
    """
    inv, problems = InventorySet(), []
    for path in _expand(paths, problems):
        if path.suffix.lower() in (".yaml", ".yml"):
            _read_yaml(path, inv, problems)
        elif path.suffix.lower() == ".csv":
            _read_csv(path, inv, problems)
    if problems:
        raise InputError(problems)
    return inv


def _expand(paths: Iterable[Path | str], problems: list[Problem]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.exists():
            problems.append(Problem("file or folder not found", file=str(p)))
        elif p.is_dir():
            out += sorted(x for x in p.rglob("*") if x.is_file() and (
                x.suffix.lower() in (".yaml", ".yml") and _is_inventory_yaml(x)
                or x.suffix.lower() == ".csv" and _is_exchange_table(x)))
        else:
            out.append(p)
    return out


def _is_inventory_yaml(path: Path) -> bool:
    """Folders may hold other YAML (services, sources): only ``format: genai-lca/inventory``."""
    head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    return "genai-lca/inventory@" in head


def _is_exchange_table(path: Path) -> bool:
    """Folders may hold data tables: only CSVs whose header starts ``database,activity``."""
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        line = next((x for x in fh if not x.lstrip().startswith("#")), "")
    return line.replace(" ", "").startswith("database,activity")


def _read_yaml(path: Path, inv: InventorySet, problems: list[Problem]) -> None:
    try:
        text = read_text(path)
        raw = parse_yaml(text, path)
    except InputError as exc:
        problems += exc.problems
        return
    if not isinstance(raw, dict):
        problems.append(Problem("must be a YAML mapping with 'database' and 'activities'",
                                file=str(path)))
        return
    try:
        content = InventoryFile.model_validate(raw)
    except ValidationError as exc:
        problems += [_schema_problem(path, raw, err) for err in exc.errors()]
        return
    inv.files.append(SourcedFile(str(path), content, hashlib.sha256(text.encode()).hexdigest()))


def _schema_problem(path: Path, raw: dict, err: dict) -> Problem:
    loc = list(err["loc"])
    dataset = None
    if len(loc) >= 2 and loc[0] == "activities" and isinstance(loc[1], int):
        acts = raw.get("activities") or []
        act = acts[loc[1]] if isinstance(acts, list) and loc[1] < len(acts) else {}
        act = act if isinstance(act, dict) else {}  # e.g. a list of strings (issue 12)
        dataset = str(act.get("code") or act.get("name") or f"activity #{loc[1] + 1}")
        loc = loc[2:]
    got = err.get("input")
    got_repr = repr(got) if len(repr(got)) <= 60 else repr(got)[:40] + "..."
    records = isinstance(got, dict) or isinstance(got, list) and any(
        isinstance(x, dict) for x in got)  # whole records say nothing on one line
    got_text = "" if records or got is None else f"; got {got_repr}"
    msg = err["msg"].removeprefix("Value error, ")
    if msg.endswith(got_text.removeprefix(";")) or msg.endswith(f"got {got}"):
        got_text = ""  # the validator's message already says what it found
    return Problem(msg + got_text, file=str(path), dataset=dataset,
                   field=".".join(map(str, loc)) or None)


class _CSVRows:
    """A CSV table's header and rows with their line numbers in the file. Comment lines
    (first non-blank character ``#``) and blank lines are skipped, before the header too."""

    def __init__(self, text: str):
        lines = ["" if x.lstrip().startswith("#") else x for x in text.splitlines()]
        self.skipped = next((i for i, x in enumerate(lines) if x.strip()), len(lines))
        self.reader = csv.DictReader(lines[self.skipped:])

    @property
    def fieldnames(self) -> list[str]:
        return list(self.reader.fieldnames or ())

    def __iter__(self):
        for row in self.reader:
            yield self.reader.line_num + self.skipped, row


def _read_csv(path: Path, inv: InventorySet, problems: list[Problem]) -> None:
    try:
        text = read_text(path)
    except InputError as exc:
        problems += exc.problems
        return
    reader = _CSVRows(text)
    try:
        rows = list(reader)
    except csv.Error as exc:
        problems.append(Problem(f"is not a valid CSV table: {exc}", file=str(path)))
        return
    header = set(reader.fieldnames)
    unknown = header - _CSV_FIELDS
    if unknown or not {"database", "activity"} <= header:
        problems.append(Problem(f"CSV exchange table needs columns 'database', 'activity' and "
                                f"exchange fields ({', '.join(sorted(_CSV_FIELDS))}); "
                                f"unknown: {', '.join(sorted(unknown)) or 'none'}",
                                file=str(path)))
        return
    inv.csv_digests[str(path)] = hashlib.sha256(text.encode()).hexdigest()
    for i, row in rows:
        if None in row:  # more fields than the header names
            problems.append(Problem(f"row has {len(reader.fieldnames) + len(row[None])} "
                                    f"fields; the header names {len(reader.fieldnames)}",
                                    file=f"{path}:{i}", dataset=row.get("activity")))
            continue
        row = {k: v.strip() for k, v in row.items() if v is not None and v.strip() != ""}
        unc = {k: _num(row.pop(k)) for k in ("scale", "gsd", "minimum", "maximum") if k in row}
        utype = row.pop("uncertainty", None)
        try:
            if "amount" in row:
                row["amount"] = _num(row["amount"])
            if "basic_gsd2" in row:
                row["basic_gsd2"] = _num(row["basic_gsd2"])
            if "pedigree" in row:  # "1::2::1::3::2", as categories are joined
                row["pedigree"] = [int(x) if x.strip().isdigit() else x
                                   for x in row["pedigree"].split("::")]
            if "categories" in row:
                row["categories"] = row["categories"].split("::")
            exc = Exchange.model_validate({
                **{k: v for k, v in row.items() if k not in ("database", "activity")},
                **({"uncertainty": {"type": utype, **unc}} if utype else {})})
        except (ValidationError, ValueError) as err:
            errs = err.errors() if isinstance(err, ValidationError) else [
                {"msg": str(err), "loc": ("amount",)}]
            problems += [Problem(e["msg"].removeprefix("Value error, "),
                                 file=f"{path}:{i}", dataset=row.get("activity"),
                                 field=".".join(map(str, e["loc"])) or None) for e in errs]
            continue
        inv.extra_exchanges.append((str(path), i, row.get("database", ""),
                                    row.get("activity", ""), exc))


def _num(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"expected a number; got {text!r}") from None


# --------------------------------------------------------------------------- resolution

def resolve(inv: InventorySet, known: Known, sources: Mapping[str, Source]
            ) -> dict[str, ResolvedDatabase]:
    """Check the whole set and return Brightway-ready databases, in dependency order."""
    from lca.data.sources import with_local

    sources, problems = with_local(dict(sources), inv.files)
    by_db: dict[str, list[SourcedFile]] = {}
    for f in inv.files:
        by_db.setdefault(f.content.database, []).append(f)

    # Index everything the set defines, so links within the set resolve.
    own_units: dict[Key, str] = {}
    own_flows: dict[tuple[str, tuple[str, ...]], Key] = {}
    own_acts: dict[Key, ActivityInfo] = {}
    where: dict[Key, str] = {}
    for db, files in by_db.items():
        for f in files:
            for act in f.content.activities:
                key = (db, act.code)
                if key in where:
                    problems.append(Problem(f"code defined twice (also in {where[key]})",
                                            file=f.path, dataset=act.code, field="code"))
                    continue
                where[key] = f.path
                try:
                    own_units[key] = units.canonical(act.unit)
                except UnitError as exc:
                    problems.append(Problem(str(exc), file=f.path, dataset=act.code,
                                            field="unit"))
                if f.content.biosphere:
                    own_flows[(act.name, tuple(act.categories or ()))] = key
                else:
                    own_acts[key] = ActivityInfo(act.name, act.location, act.reference_product,
                                                 own_units.get(key, act.unit))
    all_units = {**known.units, **own_units}
    all_flows = {**known.flows, **own_flows}
    databases = known.databases | set(by_db)

    # CSV rows attach exchanges to activities defined in YAML.
    extra: dict[Key, list[tuple[str, Exchange]]] = {}
    for path, line, db, code, exc in inv.extra_exchanges:
        if (db, code) not in where:
            problems.append(Problem(f"activity '{db}/{code}' is not defined in any YAML file "
                                    "of this set", file=f"{path}:{line}", dataset=code,
                                    field="activity"))
            continue
        extra.setdefault((db, code), []).append((f"{path}:{line}", exc))

    # A set's database replaces the project's copy: links match its new activities only.
    all_acts = {**{k: a for k, a in known.activities.items() if k[0] not in by_db},
                **own_acts}
    ctx = _Context(all_units, all_flows, databases, sources, problems, all_acts)
    out: dict[str, ResolvedDatabase] = {}
    for db, files in by_db.items():
        out[db] = _resolve_database(db, files, extra, ctx)
    _check_cycles(out, by_db, problems)
    if problems:
        raise InputError(problems)
    return {name: out[name] for name in _database_order(out)}


@dataclass
class _Context:
    units: dict[Key, str]
    flows: dict[tuple[str, tuple[str, ...]], Key]
    databases: set[str]
    sources: Mapping[str, Source]
    problems: list[Problem]
    activities: Mapping[Key, ActivityInfo] = field(default_factory=dict)

    def problem(self, msg: str, file: str, dataset: str | None = None,
                fld: str | None = None) -> None:
        self.problems.append(Problem(msg, file=file, dataset=dataset, field=fld))


def _resolve_database(db: str, files: list[SourcedFile], extra, ctx: _Context
                      ) -> ResolvedDatabase:
    biosphere = any(f.content.biosphere for f in files)
    db_params: list[tuple[str, Parameter]] = [(f.path, p) for f in files
                                              for p in f.content.parameters]
    db_values, db_invalid = _evaluate_parameters(db_params, {}, set(), db, ctx)
    data: dict[Key, dict] = {}
    act_params: dict[str, list[dict]] = {}
    depends: set[str] = set()
    for f in files:
        for act in f.content.activities:
            key = (db, act.code)
            if key in data:
                continue  # duplicate already reported
            a_params = [(f.path, p) for p in act.parameters]
            values, invalid = _evaluate_parameters(a_params, db_values, db_invalid, act.code,
                                                   ctx)
            exchanges = [(f"{f.path}", i, e) for i, e in enumerate(act.exchanges)]
            exchanges += [(loc, None, e) for loc, e in extra.get(key, [])]
            resolved = [_resolve_exchange(db, act, loc, i, e, values, invalid, ctx)
                        for loc, i, e in exchanges]
            resolved = [r for r in resolved if r is not None]
            depends |= {r["input"][0] for r in resolved} - {db}
            data[key] = _activity_dict(db, act, resolved, biosphere, f.path, ctx)
            if a_params:
                act_params[act.code] = [_parameter_dict(p, values, ctx) for _, p in a_params]
    return ResolvedDatabase(
        name=db, biosphere=biosphere, data=data,
        parameters=[_parameter_dict(p, db_values, ctx) for _, p in db_params],
        activity_parameters=act_params, depends=depends,
        files=sorted(f.path for f in files),
        digest=hashlib.sha256("".join(sorted(f.digest for f in files)).encode()).hexdigest(),
        sources=[s.model_dump(exclude_none=True) for f in files for s in f.content.sources])


def _evaluate_parameters(params: list[tuple[str, Parameter]], outer: dict[str, Any],
                         outer_invalid: set[str], scope: str, ctx: _Context
                         ) -> tuple[dict[str, Any], set[str]]:
    """Values of ``params`` (over ``outer``), and the names without one: those reported
    here or in ``outer_invalid``, and those that use them (not reported again)."""
    seen: dict[str, str] = {}
    formulas: dict[str, str | float] = {}
    for path, p in params:
        if p.name in seen:
            ctx.problem(f"parameter defined twice in {scope}", path, scope, f"parameters.{p.name}")
        seen[p.name] = path
        _check_source(p.source, path, scope, f"parameters.{p.name}.source", ctx)
        formulas[p.name] = p.formula if p.formula is not None else p.amount
        if p.unit:
            try:
                units.parse_unit(p.unit)
            except UnitError as exc:
                ctx.problem(str(exc), path, scope, f"parameters.{p.name}.unit")
    values, invalid = _evaluate_each(formulas, outer, outer_invalid, seen, scope, ctx)
    for path, p in params:
        v = values.get(p.name)
        fld = f"parameters.{p.name}"
        if p.name in invalid:
            continue
        if v is None or not math.isfinite(v):
            ctx.problem(f"evaluates to {v}, expected a finite number", path, scope, fld)
        elif p.minimum is not None and v < p.minimum or p.maximum is not None and v > p.maximum:
            ctx.problem(f"value {v:g} is outside its bounds [{p.minimum}, {p.maximum}]",
                        path, scope, fld)
        elif _is_lifetime(p) and not v > 0:
            ctx.problem(f"a lifetime must be positive; got {v:g} {p.unit or ''}".rstrip(),
                        path, scope, fld)
        if v is not None and np.ndim(v) == 0 and math.isfinite(v):
            _mode_ok(p.uncertainty, v, path, scope, f"{fld}.uncertainty", ctx)
    return values, invalid


def _mode_ok(u: Uncertainty | None, amount: float, path: str, dataset: str | None, fld: str,
             ctx: _Context) -> bool:
    """A triangular distribution has its mode (the amount, or the formula's value) in its
    bounds; the problem is reported next to the value's other problems."""
    if u is None or u.type != "triangular" or not np.ndim(amount) == 0:
        return True
    try:
        check_mode(u, float(amount))
    except ValueError as exc:
        ctx.problem(str(exc), path, dataset, fld)
        return False
    return True


def _evaluate_each(formulas: dict[str, str | float], outer: dict[str, Any],
                   outer_invalid: set[str], where: dict[str, str], scope: str, ctx: _Context
                   ) -> tuple[dict[str, Any], set[str]]:
    """Evaluate interdependent parameters one by one (what :func:`lca.formula.evaluate_all`
    does at once), so that a rejected formula is reported at its own parameter and the
    parameters and exchanges that use it are skipped, not reported as unknown names."""
    import networkx as nx

    values, invalid = dict(outer), set(outer_invalid)
    parsed: dict[str, Formula] = {}
    for name, text in formulas.items():
        invalid.discard(name)  # defined here: shadows an invalid outer parameter
        if not isinstance(text, str):
            values[name] = text
            continue
        try:
            parsed[name] = Formula(text)
        except FormulaError as exc:
            ctx.problem(str(exc), where[name], scope, f"parameters.{name}")
            invalid.add(name)
    graph = nx.DiGraph()
    graph.add_nodes_from(parsed)
    graph.add_edges_from((dep, name) for name, f in parsed.items() for dep in f.names
                         if dep in parsed)
    order = {n: i for i, n in enumerate(parsed)}  # file order
    loops = sorted((c for c in nx.strongly_connected_components(graph)
                    if len(c) > 1 or graph.has_edge(*[next(iter(c))] * 2)),
                   key=lambda c: min(order[n] for n in c))
    cyclic = set().union(*loops) if loops else set()
    for loop in loops:  # one problem per independent cycle
        cycle = nx.find_cycle(graph.subgraph(loop), min(loop, key=order.get))
        ctx.problem(str(FormulaError(" -> ".join(a for a, _ in cycle),
                                     "parameters refer to each other in a cycle")),
                    where[cycle[0][0]], scope, "parameters")
    invalid |= cyclic
    graph.remove_nodes_from(cyclic)
    for name in nx.topological_sort(graph):
        if parsed[name].names & invalid:
            invalid.add(name)  # follows from a parameter already reported
            continue
        try:
            values[name] = parsed[name].evaluate(values)
        except FormulaError as exc:
            ctx.problem(str(exc), where[name], scope, f"parameters.{name}")
            invalid.add(name)
    return values, invalid


def _is_lifetime(p: Parameter) -> bool:
    if "lifetime" in p.name.lower():
        return True
    try:
        return bool(p.unit) and units.conversion_factor(p.unit, "hour") > 0
    except UnitError:
        return False


def _check_source(source: str | None, path: str, dataset: str | None, fld: str,
                  ctx: _Context) -> None:
    if source is None:
        ctx.problem("has no source; every number needs a source id from inventories/SOURCES "
                    "or the file's own 'sources:'",
                    path, dataset, fld)
    elif source not in ctx.sources:
        close = sorted(s for s in ctx.sources if s.split("-")[0] == source.split("-")[0])[:3]
        hint = f"; similar: {', '.join(close)}" if close else ""
        ctx.problem(f"unknown source '{source}' (not in inventories/SOURCES nor in a 'sources:' "
                    f"section of the files read){hint}",
                    path, dataset, fld)


def _resolve_exchange(db: str, act: Activity, path: str, index: int | None, exc: Exchange,
                      values: dict[str, Any], invalid: set[str], ctx: _Context) -> dict | None:
    fld = f"exchanges[{index}]" if index is not None else "exchange"
    # Link
    if exc.type == "production":
        ctx.problem("the production exchange is implicit; use the activity's 'production'",
                    path, act.code, f"{fld}.type")
        return None
    if exc.flow is not None:
        key = ctx.flows.get((exc.flow, tuple(exc.categories or ())))
        if key is None:
            ctx.problem(f"no biosphere flow named '{exc.flow}' in {list(exc.categories or [])}"
                        f"{_flow_hint(exc.flow, ctx)}", path, act.code, f"{fld}.flow")
            return None
    elif isinstance(exc.input, Link):  # by name, location and product, or by code
        try:
            key = resolve_link(exc.input, ctx.activities, ctx.databases)
        except LinkError as err:
            ctx.problem(f"links to no single activity: {err}", path, act.code,
                        f"{fld}.input")
            return None
    else:
        key = _parse_input(db, exc.input)
        if key[0] not in ctx.databases:
            ctx.problem(f"links to database '{key[0]}', which does not exist (known: "
                        f"{', '.join(sorted(ctx.databases))})", path, act.code, f"{fld}.input")
            return None
        if key not in ctx.units:
            ctx.problem(f"links to '{key[0]}/{key[1]}', which is not defined", path, act.code,
                        f"{fld}.input")
            return None
    target_unit = ctx.units[key]
    is_bio = key in set(ctx.flows.values())
    etype = exc.type or ("biosphere" if is_bio else "technosphere")
    if etype == "biosphere" and not is_bio:
        ctx.problem(f"'{key[0]}/{key[1]}' is an activity, not a biosphere flow", path,
                    act.code, f"{fld}.type")
    # Source
    _check_source(exc.source or act.source, path, act.code, f"{fld}.source", ctx)
    # Amount and unit
    factor = 1.0
    if exc.unit is not None:
        try:
            factor = units.conversion_factor(exc.unit, target_unit)
        except UnitError as err:
            ctx.problem(f"{err}; the linked '{key[1]}' is in {target_unit}", path, act.code,
                        f"{fld}.unit")
            return None
    amount = exc.amount
    formula = exc.formula
    if formula is not None:
        try:
            parsed = Formula(formula)
            stale = parsed.names & invalid  # parameters already reported as invalid
            if stale and parsed.names <= values.keys() | invalid:
                return None
            # only genuinely unknown names remain: evaluate raises, naming just them
            amount = parsed.evaluate({**values, **dict.fromkeys(stale, math.nan)})
        except FormulaError as err:
            ctx.problem(str(err), path, act.code, f"{fld}.formula")
            return None
    if amount is None or not math.isfinite(amount):
        ctx.problem(f"amount evaluates to {amount}, expected a finite number", path, act.code,
                    f"{fld}.amount")
        return None
    if not _mode_ok(exc.uncertainty, float(amount), path, act.code, f"{fld}.uncertainty",
                    ctx):
        return None
    out: dict[str, Any] = {"input": key, "amount": float(amount) * factor, "type": etype,
                           "unit": target_unit, "source": exc.source or act.source}
    if formula is not None:
        out["formula"] = formula if factor == 1.0 else f"({formula}) * {factor!r}"
    if factor != 1.0:
        out["original unit"] = exc.unit
    if exc.comment:
        out["comment"] = exc.comment
    if exc.uncertainty is not None:
        out.update(_scaled_uncertainty(exc.uncertainty, float(amount), factor))
    _quality(exc, out, ctx)
    return out


#: The stats_arrays fields a distribution writes.
_STATS_FIELDS = ("uncertainty type", "loc", "scale", "minimum", "maximum", "negative")


def _quality(q: Quantity, out: dict[str, Any], ctx: _Context) -> None:
    """Add the data-quality fields of a parameter or exchange to its Brightway dict ``out``
    (lca.data.quality): ``evidence`` and the rule that gave it (``evidence basis``), the
    ``pedigree`` in Brightway's form (Activity Browser shows it), its table and basic
    GSD^2, and ``uncertainty from: pedigree`` when the lognormal is the pedigree's default
    (none around an amount of 0: a lognormal has no spread there)."""
    src = ctx.sources.get(out.get("source")) if out.get("source") else None
    kind, basis = quality.evidence_of(q.evidence, formula=q.formula is not None,
                                      source=out.get("source"),
                                      source_kind=src.kind if src else None)
    out.update({"evidence": kind, "evidence basis": basis})
    if q.pedigree is not None:
        out.update({"pedigree": q.pedigree.brightway(), "pedigree table": q.pedigree.table,
                    "basic gsd2": q.basic_gsd2_in_force})
    if q.spread_from_pedigree:
        if out["amount"]:
            out["uncertainty from"] = "pedigree"
        else:
            for name in _STATS_FIELDS:
                out.pop(name, None)


def _scaled_uncertainty(u: Uncertainty, amount: float, factor: float) -> dict:
    scaled = u.model_copy(update={
        "scale": u.scale * abs(factor) if (u.scale is not None and u.type == "normal") else u.scale,
        "minimum": None if u.minimum is None else u.minimum * factor,
        "maximum": None if u.maximum is None else u.maximum * factor})
    return scaled.stats_arrays(amount * factor)


def _flow_hint(name: str, ctx: _Context) -> str:
    cats = sorted({"::".join(c) for (n, c) in ctx.flows if n == name})[:6]
    if cats:
        return "; it exists in: " + ", ".join(f"[{c.replace('::', ', ')}]" for c in cats)
    low = name.lower()
    close = sorted({n for (n, _) in ctx.flows if low[:6] in n.lower()})[:4]
    return f"; similar names: {', '.join(close)}" if close else ""


def _parse_input(db: str, ref: str | list[str] | None) -> Key:
    if isinstance(ref, list):
        return (ref[0], ref[1]) if len(ref) == 2 else (db, "/".join(ref))
    if ref and "/" in ref:
        left, right = ref.split("/", 1)
        return (left, right)
    return (db, str(ref))


def _activity_dict(db: str, act: Activity, exchanges: list[dict], biosphere: bool,
                   path: str, ctx: _Context) -> dict:
    unit = ctx.units.get((db, act.code), act.unit)
    data: dict[str, Any] = {
        "name": act.name, "unit": unit, "location": act.location,
        "type": act.type if biosphere else "process",
        "file": path,
    }
    for attr in ("reference_product", "stage", "substage", "comment", "source", "categories"):
        value = getattr(act, attr)
        if value is not None:
            data["reference product" if attr == "reference_product" else attr] = (
                tuple(value) if attr == "categories" else value)
    if act.properties:
        data["properties"] = dict(act.properties)
    if not biosphere:
        if act.type != "process":
            ctx.problem(f"type '{act.type}' is only allowed in a biosphere database", path,
                        act.code, "type")
        data["exchanges"] = [{"input": (db, act.code), "amount": act.production,
                              "type": "production", "unit": unit}] + exchanges
    elif act.exchanges:
        ctx.problem("elementary flows have no exchanges", path, act.code, "exchanges")
    return data


def _parameter_dict(p: Parameter, values: dict[str, Any], ctx: _Context) -> dict:
    out: dict[str, Any] = {"name": p.name, "amount": float(values.get(p.name, p.amount or 0.0))}
    if p.formula is not None:
        out["formula"] = p.formula
    for attr in ("unit", "source", "description", "comment"):
        if getattr(p, attr) is not None:
            out[attr] = getattr(p, attr)
    if p.uncertainty is not None:
        out.update(p.uncertainty.stats_arrays(out["amount"]))
    if p.evidence is not None or p.pedigree is not None:  # else inferred when read
        _quality(p, out, ctx)
    return out


def _check_cycles(out: dict[str, ResolvedDatabase], by_db, problems: list[Problem]) -> None:
    import networkx as nx

    for name, rdb in out.items():
        if rdb.biosphere or any(f.content.allow_cycles for f in by_db[name]):
            continue
        g = nx.DiGraph()
        for key, act in rdb.data.items():
            for exc in act.get("exchanges", []):
                if exc["type"] == "technosphere" and exc["input"][0] == name \
                        and exc["input"] != key:
                    g.add_edge(exc["input"][1], key[1])
        try:
            cycle = nx.find_cycle(g)
        except nx.NetworkXNoCycle:
            continue
        path = " -> ".join([a for a, _ in cycle] + [cycle[0][0]])
        problems.append(Problem(f"activities consume each other in a cycle ({path}); set "
                                "'allow_cycles: true' in the file if this is intended",
                                file=rdb.data[(name, cycle[0][1])]["file"], dataset=cycle[0][1]))


def _database_order(out: dict[str, ResolvedDatabase]) -> list[str]:
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(out)
    for name, rdb in out.items():
        g.add_edges_from((d, name) for d in rdb.depends if d in out)
    return list(nx.lexicographical_topological_sort(g))
