"""openLCA JSON-LD export of a service database with its background (issue 16).

:func:`export_olca` writes one zip, in GreenDelta's olca-schema 2 format (the ``olca-schema``
package's classes and :class:`olca_schema.zipio.ZipWriter`), that openLCA 2.x imports with
*File > Import > Linked data (JSON-LD)*. It holds the service database and every database it
depends on in the project, transitively (``depends`` of bw2data's metadata; the
``-inputs`` companion when there is one), so the zip is self-contained:

- each Brightway activity is a unit process with one product flow (its reference product),
  its exchanges (amount, unit, direction, ``default_provider`` for technosphere inputs,
  formula as ``amount_formula``, stats_arrays uncertainty, source in the description) and
  its activity parameters as process parameters;
- database parameters are global parameters; where a name is already taken by an earlier
  database (the service's ``-inputs`` companion repeats the service's stated factors), the
  later database's parameter stays in its database's scope, as a process parameter of each
  of its processes that reads it, as Brightway scopes it;
- each biosphere flow an exchange uses is an elementary flow, its Brightway categories as
  the category path ``Elementary flows/<compartment>/<subcompartment>``; biosphere3's codes
  are ecoinvent's elementary-flow UUIDs and are kept as the flow ids;
- the bibliography ids of activities, exchanges and parameters become ``Source`` entities
  listed in each process's documentation;
- the project's LCIA methods are impact categories of one impact method, with the
  characterisation factors of the elementary flows present.

Written by hand here (olca-schema has classes, not a Brightway mapping): the unit table
:data:`UNITS` (Brightway unit name -> openLCA unit and the reference unit of its openLCA
unit group, factors from pint through :mod:`lca.units`; the unit, group and flow-property
ids are openLCA's reference ids from ``olca_schema.units``), the unit groups openLCA lacks
(:data:`OWN_GROUPS`: requests, tokens, images, data, power, capacity-time,
pre-characterised scores), name-based ids (uuid5) so that two exports of the same project
give the same ids, and the formula translation :func:`olca_formula`.

Formulas: openLCA's interpreter (olca-formula's JavaCC grammar) writes powers ``a ^ b``
(left-associative, binding looser than unary minus), separates function arguments with
``;``, has ``if(c; a; b)``, ``ln`` (natural) and ``log`` (base 10), and no ``pi``/``e``.
Every formula is translated from its parsed tree (:mod:`lca.formula`), every operation in
parentheses so no precedence rule can differ: ``**`` -> ``^``, ``//`` -> ``floor(a / b)``,
``%`` -> ``a - b * floor(a / b)`` (Python's sign rule), ``x if c else y`` ->
``if(c; x; y)``, a comparison used as a number -> ``if(a < b; 1; 0)``, ``log`` -> ``ln``,
``log10`` -> ``log``, ``pi``/``e`` -> their values. A formula that cannot be written for
openLCA (a name openLCA would not read) falls back to the evaluated amount, with the
Brightway formula in the description.
"""

from __future__ import annotations

import ast
import math
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lca.errors import FormulaError, InputError, Problem

#: Namespace of the name-based ids of everything this module writes.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://genai-lca/olca-json-ld")

#: Brightway unit name -> (openLCA unit name in olca_schema's reference unit table, the
#: Brightway name of the reference unit of that openLCA unit group). The factor to the
#: reference is :func:`lca.units.conversion_factor` (pint), the project's one unit system.
UNITS: dict[str, tuple[str, str]] = {
    "kilogram": ("kg", "kilogram"), "gram": ("g", "kilogram"), "ton": ("t", "kilogram"),
    "megajoule": ("MJ", "megajoule"), "kilowatt hour": ("kWh", "megajoule"),
    "watt hour": ("Wh", "megajoule"), "megawatt hour": ("MWh", "megajoule"),
    "cubic meter": ("m3", "cubic meter"), "liter": ("l", "cubic meter"),
    "square meter": ("m2", "square meter"), "square centimeter": ("cm2", "square meter"),
    "square millimeter": ("mm2", "square meter"),
    "ton kilometer": ("t*km", "ton kilometer"), "kilogram kilometer": ("kg*km", "ton kilometer"),
    "unit": ("Item(s)", "unit"),
    "hour": ("h", "hour"), "day": ("d", "hour"), "year": ("a", "hour"),  # pint: a = 8766 h
}
#: The same for units of Brightway-only spellings, read by pint as biosphere3 writes them.
UNITS_BIOSPHERE: dict[str, tuple[str, str]] = {
    "square meter-year": ("m2*a", "square meter-year"),
    "cubic meter-year": ("m3*a", "cubic meter-year"),
    "kilo Becquerel": ("kBq", "kilo Becquerel"),
}


@dataclass(frozen=True)
class OwnGroup:
    """A unit of a group openLCA's reference data lacks (written with name-based ids)."""

    unit: str   # openLCA unit name
    group: str  # unit group name
    prop: str   # flow property name
    ref: str    # Brightway name of the group's reference unit


#: Brightway unit name -> its unit in a group written here.
OWN_GROUPS: dict[str, OwnGroup] = {
    "request": OwnGroup("request", "Units of requests", "Number of requests", "request"),
    "token": OwnGroup("token", "Units of tokens", "Number of tokens", "token"),
    "image": OwnGroup("image", "Units of images", "Number of images", "image"),
    "gigabyte": OwnGroup("GB", "Units of data", "Data volume", "gigabyte"),
    "megawatt year": OwnGroup("MW*a", "Units of power*time", "Capacity*time", "megawatt year"),
    "kilowatt": OwnGroup("kW", "Units of power", "Power", "kilowatt"),
    "watt": OwnGroup("W", "Units of power", "Power", "kilowatt"),
    "unit hour": OwnGroup("Item(s)*h", "Units of items*time", "Items*time", "unit hour"),
    "kilogram CO2-Eq": OwnGroup("kg CO2-Eq", "Units of GWP100 score",
                                "Climate change (pre-characterised)", "kilogram CO2-Eq"),
    "cubic meter world-Eq": OwnGroup("m3 world-Eq", "Units of AWARE score",
                                     "Water scarcity (pre-characterised)",
                                     "cubic meter world-Eq"),
    "kilogram Sb-Eq": OwnGroup("kg Sb-Eq", "Units of ADP score",
                               "Abiotic depletion (pre-characterised)", "kilogram Sb-Eq"),
}


#: Brightway node types of technosphere activities.
PROCESS_TYPES = frozenset({"process", "processwithreferenceproduct", "multifunctional", None})
#: openLCA reads identifiers as a letter, then letters, digits and '_'; these are operators.
_OLCA_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_OLCA_KEYWORDS = frozenset({"div", "mod", "xor"})


def uid(*parts: str) -> str:
    """The name-based id (uuid5 in :data:`NAMESPACE`) of ``parts``."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


# ---------------------------------------------------------------------- formulas
def olca_formula(text: str) -> str:
    """``text`` (a :mod:`lca.formula` formula) in openLCA's formula language. Raises
    :class:`~lca.errors.FormulaError` when a name cannot be written for openLCA."""
    from lca.formula import Formula

    out = _expr(Formula(text).tree.body, text)
    return out[1:-1] if _wrapped(out) else out


def _wrapped(text: str) -> bool:
    """Whether ``text`` is one parenthesised group, ``(...)``."""
    if not text.startswith("("):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return i == len(text) - 1
    return False


def olca_name_problem(name: str) -> str | None:
    """Why openLCA cannot read ``name`` as a parameter, or None."""
    if not _OLCA_NAME.match(name):
        return "openLCA names start with a letter and hold letters, digits and '_'"
    if name.lower() in _OLCA_KEYWORDS:
        return f"'{name}' is an operator in openLCA formulas"
    return None


_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_FUNCS = {"log": "ln", "log10": "log"}  # the others keep their names


def _expr(node: ast.AST, text: str) -> str:
    """The openLCA text of a checked formula node; every operation is one parenthesised
    group, so operands never need their own."""
    if isinstance(node, ast.Constant):
        return repr(float(node.value)) if isinstance(node.value, float) else str(node.value)
    if isinstance(node, ast.Name):
        from lca.formula import CONSTANTS

        if node.id in CONSTANTS:
            return repr(CONSTANTS[node.id])
        if (why := olca_name_problem(node.id)) is not None:
            raise FormulaError(text, f"cannot be written for openLCA: {why}")
        return node.id
    if isinstance(node, ast.BinOp):
        a, b = _expr(node.left, text), _expr(node.right, text)
        if isinstance(node.op, ast.Pow):
            return f"({a} ^ {b})"
        if isinstance(node.op, ast.FloorDiv):
            return f"floor({a} / {b})"
        if isinstance(node.op, ast.Mod):
            return f"({a} - {b} * floor({a} / {b}))"
        return f"({a} {_OPS[type(node.op)]} {b})"
    if isinstance(node, ast.UnaryOp):
        inner = _expr(node.operand, text)
        return f"(-{inner})" if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Call):
        args = "; ".join(_expr(a, text) for a in node.args)
        return f"{_FUNCS.get(node.func.id, node.func.id)}({args})"
    if isinstance(node, ast.Compare):
        return f"if({_condition(node, text)}; 1; 0)"
    if isinstance(node, ast.IfExp):
        return (f"if({_condition(node.test, text)}; {_expr(node.body, text)}; "
                f"{_expr(node.orelse, text)})")
    raise FormulaError(text, f"cannot be written for openLCA ({type(node).__name__})")


def _condition(node: ast.AST, text: str) -> str:
    """A boolean openLCA expression: comparisons as they are (a chain joined with '&'),
    any other number true when not zero (Python's rule)."""
    if not isinstance(node, ast.Compare):
        return f"({_expr(node, text)} != 0)"
    parts, left = [], node.left
    for op, right in zip(node.ops, node.comparators):
        parts.append(f"({_expr(left, text)} {_CMP[type(op)]} {_expr(right, text)})")
        left = right
    return " & ".join(parts) if len(parts) == 1 else "(" + " & ".join(parts) + ")"


# ---------------------------------------------------------------------- uncertainty
def uncertainty(data: dict):
    """The olca Uncertainty of a stats_arrays record (``uncertainty type``, ``loc``,
    ``scale``, ``minimum``, ``maximum``), or None (none, or a kind openLCA lacks)."""
    import olca_schema as o

    kind = data.get("uncertainty type")
    loc, scale = data.get("loc"), data.get("scale")
    lo, hi = data.get("minimum"), data.get("maximum")
    if kind == 2:  # lognormal: loc = ln(geometric mean), scale = sigma of ln
        sign = -1.0 if data.get("negative") else 1.0
        return o.Uncertainty(distribution_type=o.UncertaintyType.LOG_NORMAL_DISTRIBUTION,
                             geom_mean=sign * math.exp(loc), geom_sd=math.exp(scale))
    if kind == 3:
        return o.Uncertainty(distribution_type=o.UncertaintyType.NORMAL_DISTRIBUTION,
                             mean=loc, sd=scale)
    if kind == 4:
        return o.Uncertainty(distribution_type=o.UncertaintyType.UNIFORM_DISTRIBUTION,
                             minimum=lo, maximum=hi)
    if kind == 5:
        return o.Uncertainty(distribution_type=o.UncertaintyType.TRIANGLE_DISTRIBUTION,
                             minimum=lo, mode=loc, maximum=hi)
    return None


# ---------------------------------------------------------------------- reading the project
def exported_databases(database: str) -> list[str]:
    """``database``, its ``-inputs`` companion when there is one, and every database they
    depend on, transitively (bw2data's ``depends`` metadata), ``database`` first."""
    import bw2data as bd

    from lca.data.names import inputs_database

    start = [database] + ([inputs_database(database)]
                          if inputs_database(database) in bd.databases else [])
    out, todo = [], list(start)
    while todo:
        name = todo.pop(0)
        if name in out:
            continue
        out.append(name)
        todo.extend(sorted(bd.databases[name].get("depends", [])))
    return out


@dataclass
class _Project:
    """What is read from the Brightway project for one export."""

    nodes: dict = field(default_factory=dict)         # (db, code) -> node data
    exchanges: dict = field(default_factory=dict)     # (db, code) -> [exchange data]
    db_params: list = field(default_factory=list)     # (db, name, formula|None, amount, data)
    act_params: dict = field(default_factory=dict)    # (db, code) -> [(name, formula,
    #                                                    amount, data)]


def _read(databases: list[str]) -> _Project:
    from bw2data.backends import ActivityDataset as AD, ExchangeDataset as ED
    from bw2data.parameters import ActivityParameter, DatabaseParameter

    from lca.bw.writer import FLOW_TYPES

    proj = _Project()
    for db, code, typ, data in AD.select(AD.database, AD.code, AD.type, AD.data).where(
            AD.database.in_(databases)).tuples():
        if typ in FLOW_TYPES:
            continue  # elementary flows: only those used, read below
        proj.nodes[(db, code)] = {**data, "type": typ, "database": db, "code": code}
        proj.exchanges[(db, code)] = []
    for db, code, data in ED.select(ED.output_database, ED.output_code, ED.data).where(
            ED.output_database.in_(databases)).tuples():
        if (db, code) in proj.exchanges:
            proj.exchanges[(db, code)].append(data)
    flows = {tuple(e["input"]) for excs in proj.exchanges.values() for e in excs
             if e["type"] == "biosphere"}
    for db in {k[0] for k in flows}:
        codes = sorted(c for d, c in flows if d == db)
        for code, typ, data in AD.select(AD.code, AD.type, AD.data).where(
                (AD.database == db) & AD.code.in_(codes)).tuples():
            proj.nodes[(db, code)] = {**data, "type": typ, "database": db, "code": code}
    for p in DatabaseParameter.select().where(DatabaseParameter.database.in_(databases)):
        proj.db_params.append((p.database, p.name, p.formula, p.amount, p.data))
    for p in ActivityParameter.select().where(ActivityParameter.database.in_(databases)):
        if not p.name.startswith("__"):  # bw2data's placeholder of exchange-only groups
            proj.act_params.setdefault((p.database, p.code), []).append(
                (p.name, p.formula, p.amount, p.data))
    return proj


# ---------------------------------------------------------------------- the export
class _Units:
    """Unit, unit-group and flow-property refs of the Brightway units in use, and the unit
    groups to write (each with its reference unit and the units in use)."""

    def __init__(self) -> None:
        self.groups: dict[str, object] = {}   # group id -> UnitGroup
        self.props: dict[str, object] = {}    # property id -> FlowProperty

    @staticmethod
    def known() -> list[str]:
        return sorted({*UNITS, *UNITS_BIOSPHERE, *OWN_GROUPS})

    def _ids(self, bw_unit: str):
        """(unit ref, group ref, property ref, Brightway reference unit) of ``bw_unit``."""
        import olca_schema as o
        from olca_schema import units as ou

        table = {**UNITS, **UNITS_BIOSPHERE}
        if bw_unit in table:
            name, ref = table[bw_unit]
            return ou.unit_ref(name), ou.group_ref(name), ou.property_ref(name), ref
        own = OWN_GROUPS[bw_unit]
        return (o.Ref(ref_type=o.RefType.Unit, id=uid("unit", own.unit), name=own.unit),
                o.Ref(ref_type=o.RefType.UnitGroup, id=uid("unit group", own.group),
                      name=own.group),
                o.Ref(ref_type=o.RefType.FlowProperty, id=uid("flow property", own.prop),
                      name=own.prop), own.ref)

    def refs(self, bw_unit: str):
        """(unit ref, flow property ref) of ``bw_unit``; registers it in its group."""
        import olca_schema as o

        unit, group, prop, ref = self._ids(bw_unit)
        ug = self.groups.get(group.id)
        if ug is None:
            ug = self.groups[group.id] = o.UnitGroup(id=group.id, name=group.name, units=[],
                                                     default_flow_property=prop)
            self.props[prop.id] = o.FlowProperty(
                id=prop.id, name=prop.name, unit_group=group,
                flow_property_type=o.FlowPropertyType.PHYSICAL_QUANTITY)
            if ref != bw_unit:
                self.refs(ref)  # the group's reference unit is always written
        if not any(u.id == unit.id for u in ug.units):
            ug.units.append(o.Unit(id=unit.id, name=unit.name, is_ref_unit=ref == bw_unit,
                                   conversion_factor=_factor(bw_unit, ref)))
        return unit, prop


def _factor(bw_unit: str, ref: str) -> float:
    """How many ``ref`` one ``bw_unit`` is (pint through :mod:`lca.units`; biosphere3's
    area- and volume-time and radioactivity units are only their own references here)."""
    from lca.units import conversion_factor

    return 1.0 if bw_unit == ref else conversion_factor(bw_unit, ref)


def unit_problems(proj: _Project) -> list[Problem]:
    """An unmapped unit, once per unit, naming a dataset that uses it."""
    seen: dict[str, str] = {}
    for key, node in proj.nodes.items():
        seen.setdefault(node.get("unit", ""), f"{key[0]}/{key[1]}")
    known = _Units.known()
    return [Problem(f"unit '{u}' has no openLCA unit (lca.bw.olca.UNITS); known: "
                    f"{', '.join(known)}", dataset=where, field="unit")
            for u, where in sorted(seen.items()) if u not in known]


def export_olca(database: str, path: str | Path, *, methods: Iterable[tuple] = ()) -> Path:
    """Write ``database`` with its background to ``path`` (an openLCA JSON-LD zip), with
    the LCIA ``methods`` (Brightway method names) as one impact method; return ``path``.
    Raises :class:`InputError` (nothing written) for a unit openLCA has no unit for."""
    import olca_schema as o
    from olca_schema import zipio

    from lca.data.files import inventory_root
    from lca.data.sources import load_sources
    from lca.formula import evaluate_all

    databases = exported_databases(database)
    proj = _read(databases)
    problems = unit_problems(proj)
    if problems:
        raise InputError(problems)
    bibliography = load_sources(inventory_root() / "SOURCES")
    units = _Units()
    entities: list = []
    locations: dict[str, object] = {}
    sources: dict[str, object] = {}

    def source_ref(sid: str | None):
        if not sid:
            return None
        if sid not in sources:
            s = bibliography.get(sid)
            notes = [f"genai-lca source id: {sid}"]
            if s is not None:
                notes += [f"licence: {s.licence}", f"kind: {s.kind}", *([s.notes] if s.notes
                                                                        else [])]
            sources[sid] = o.Source(id=uid("source", sid), name=sid,
                                    text_reference=s.citation if s else None,
                                    year=s.year if s else None, url=s.url if s else None,
                                    description="\n".join(notes))
        return sources[sid].to_ref()

    def location_ref(code: str | None):
        if not code:
            return None
        if code not in locations:
            locations[code] = o.Location(id=uid("location", code), name=code, code=code)
        return locations[code].to_ref()

    # database parameters: global parameters, except a name an earlier database (the
    # service's first) already holds; those stay in their database's scope as process
    # parameters of the processes that read them (Brightway's scoping: a database
    # parameter is seen by its own database only)
    owner: dict[str, str] = {}
    for db, name, *_ in proj.db_params:
        owner.setdefault(name.lower(), db)
    db_values = {db: evaluate_all({n: f if f else a for d, n, f, a, _ in proj.db_params
                                   if d == db}) for db in databases}
    scoped: dict[str, dict] = {}  # database -> {name: (formula, amount, data)}
    for db, name, formula, amount, data in proj.db_params:
        if owner[name.lower()] == db:
            entities.append(_parameter(o.ParameterScope.GLOBAL_SCOPE,
                                       uid("parameter", db, name), name, formula,
                                       db_values[db][name], data, source_ref))
        else:
            scoped.setdefault(db, {})[name] = (formula, amount, data)

    # elementary flows
    flow_refs: dict[tuple, tuple] = {}  # key -> (flow ref, property ref, unit ref, is_input)
    for key, node in proj.nodes.items():
        if node["type"] in PROCESS_TYPES:
            continue
        unit, prop = units.refs(node["unit"])
        cats = list(node.get("categories") or ())
        flow_id = node["code"] if _is_uuid(node["code"]) else uid("flow", *key)
        flow = o.Flow(id=flow_id, name=node["name"], flow_type=o.FlowType.ELEMENTARY_FLOW,
                      category="/".join(["Elementary flows", *cats]),
                      cas=node.get("CAS number") or None,
                      synonyms=_synonyms(node.get("synonyms")),
                      description=node.get("comment") or f"Brightway node {key[0]}/{key[1]}",
                      flow_properties=[o.FlowPropertyFactor(flow_property=prop,
                                                            conversion_factor=1.0,
                                                            is_ref_flow_property=True)])
        entities.append(flow)
        is_input = node["type"] == "natural resource" or (cats[:1] == ["natural resource"])
        flow_refs[key] = (flow.to_ref(), prop, unit, is_input)

    # product flows and process refs
    process_refs: dict[tuple, object] = {}
    for key, node in proj.nodes.items():
        if node["type"] not in PROCESS_TYPES:
            continue
        unit, prop = units.refs(node["unit"])
        flow = o.Flow(id=uid("product", *key),
                      name=node.get("reference product") or node["name"],
                      flow_type=o.FlowType.PRODUCT_FLOW, category=f"genai-lca/{key[0]}",
                      location=location_ref(node.get("location")),
                      description=f"reference product of Brightway activity {key[0]}/{key[1]}",
                      flow_properties=[o.FlowPropertyFactor(flow_property=prop,
                                                            conversion_factor=1.0,
                                                            is_ref_flow_property=True)])
        entities.append(flow)
        flow_refs[key] = (flow.to_ref(), prop, unit, False)
        process_refs[key] = o.Ref(ref_type=o.RefType.Process, id=uid("process", *key),
                                  name=node["name"], category=key[0])

    # processes
    for key, node in proj.nodes.items():
        if node["type"] not in PROCESS_TYPES:
            continue
        entities.append(_process(key, node, proj, flow_refs, process_refs, db_values[key[0]],
                                 scoped.get(key[0], {}), location_ref, source_ref))

    if methods:
        entities += _methods(list(methods), flow_refs, units)

    path = Path(path)
    if path.exists():
        path.unlink()  # ZipWriter appends
    with zipio.ZipWriter(path) as writer:
        for e in [*units.groups.values(), *units.props.values(), *locations.values(),
                  *sources.values(), *entities]:
            writer.write(e)
    return path


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except (ValueError, AttributeError, TypeError):
        return False


def _synonyms(value) -> str | None:
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value)) or None
    return value or None


def _parameter(scope, pid: str, name: str, formula: str | None, value: float, data: dict,
               source_ref):
    """An olca Parameter: a calculated one when its formula translates, else an input
    parameter holding the evaluated value (the formula in the description)."""
    import olca_schema as o

    notes = [x for x in (data.get("comment"), data.get("unit") and f"unit: {data['unit']}",
                         data.get("source") and f"source: {data['source']}") if x]
    translated = None
    if formula:
        try:
            translated = olca_formula(formula)
        except FormulaError:
            notes.append(f"Brightway formula (not readable by openLCA): {formula}")
    if (why := olca_name_problem(name)) is not None:
        raise InputError(Problem(f"parameter name cannot be written for openLCA: {why}",
                                 field=name))
    source_ref(data.get("source"))  # listed with the sources
    return o.Parameter(id=pid, name=name, parameter_scope=scope,
                       is_input_parameter=translated is None, formula=translated,
                       value=float(value), uncertainty=None if translated else uncertainty(data),
                       description="; ".join(notes) or None)


def _process(key, node, proj: _Project, flow_refs, process_refs, db_values: dict,
             scoped: dict, location_ref, source_ref):
    """The olca Process of activity ``key``: its exchanges, its activity parameters and
    the ``scoped`` database parameters (not global: their name is taken) that it reads."""
    import olca_schema as o

    from lca.formula import Formula, evaluate_all

    params = list(proj.act_params.get(key, []))
    own = {p[0] for p in params}
    todo = [n for f in [e.get("formula") for e in proj.exchanges[key]] + [p[1] for p in params]
            if f for n in Formula(f).names]
    needed: set[str] = set()
    while todo:  # the scoped parameters read, directly or through other scoped ones
        name = todo.pop()
        if name in scoped and name not in own and name not in needed:
            needed.add(name)
            if scoped[name][0]:
                todo.extend(Formula(scoped[name][0]).names)
    params += [(n, *scoped[n]) for n in sorted(needed)]
    local = evaluate_all({n: f if f else a for n, f, a, _ in params}, db_values)
    parameters = [_parameter(o.ParameterScope.PROCESS_SCOPE, uid("parameter", *key, n), n, f,
                             local[n], d, source_ref) for n, f, a, d in params]
    used = {node.get("source")} | {p[3].get("source") for p in params}
    exchanges = []
    for i, exc in enumerate(proj.exchanges[key], start=1):
        inp, kind = tuple(exc["input"]), exc["type"]
        if inp not in flow_refs:
            raise InputError(Problem(f"input '{inp[0]}/{inp[1]}' is not in the exported "
                                     f"databases (not in the 'depends' of '{key[0]}')",
                                     dataset=f"{key[0]}/{key[1]}", field="exchanges"))
        flow, prop, unit, is_input = flow_refs[inp]
        provider = None
        if kind == "production":
            is_input = False
        elif kind == "technosphere":
            is_input, provider = True, process_refs[inp]
        elif kind != "biosphere":
            raise InputError(Problem(f"exchange type '{kind}' cannot be written for openLCA; "
                                     "known: production, technosphere, biosphere",
                                     dataset=f"{key[0]}/{key[1]}", field="exchanges"))
        notes = [x for x in (exc.get("comment"),
                             exc.get("source") and f"source: {exc['source']}") if x]
        formula = None
        if exc.get("formula"):
            try:
                formula = olca_formula(exc["formula"])
            except FormulaError:
                notes.append(f"Brightway formula (not readable by openLCA): {exc['formula']}")
        used.add(exc.get("source"))
        exchanges.append(o.Exchange(
            internal_id=i, flow=flow, flow_property=prop, unit=unit, amount=float(exc["amount"]),
            amount_formula=formula, is_input=is_input,
            is_quantitative_reference=kind == "production" and inp == key,
            default_provider=provider, uncertainty=uncertainty(exc),
            description="; ".join(notes) or None))
    docs = o.ProcessDocumentation(sources=[r for s in sorted(x for x in used if x)
                                           if (r := source_ref(s)) is not None])
    tags = [t for t in (node.get("stage"), node.get("substage")) if t]
    description = "\n".join(x for x in (node.get("comment"),
                                        f"Brightway activity {key[0]}/{key[1]}") if x)
    return o.Process(id=process_refs[key].id, name=node["name"], category=key[0],
                     process_type=o.ProcessType.UNIT_PROCESS,
                     location=location_ref(node.get("location")), description=description,
                     exchanges=exchanges, last_internal_id=len(exchanges),
                     parameters=parameters or None, process_documentation=docs,
                     tags=tags or None)


def _methods(names: list[tuple], flow_refs: dict, units: _Units) -> list:
    """One impact category per Brightway method, factors on the exported elementary flows,
    and one impact method holding them."""
    import bw2data as bd
    import olca_schema as o

    from bw2data.backends import ActivityDataset as AD

    elementary = {k for k, v in flow_refs.items() if _is_elementary(v[0])}
    by_id = {}
    for db in {k[0] for k in elementary}:
        codes = sorted(c for d, c in elementary if d == db)
        for node_id, code in AD.select(AD.id, AD.code).where(
                (AD.database == db) & AD.code.in_(codes)).tuples():
            by_id[node_id] = (db, code)
    categories = []
    for name in names:
        meta = bd.methods[tuple(name)]
        factors = []
        for flow, cf, *_ in bd.Method(tuple(name)).load():
            key = by_id.get(flow) if isinstance(flow, int) else tuple(flow)
            if key not in elementary:
                continue  # a flow no exported process emits
            ref, prop, unit, _ = flow_refs[key]
            value = cf if isinstance(cf, (int, float)) else cf.get("amount")
            factors.append(o.ImpactFactor(flow=ref, flow_property=prop, unit=unit,
                                          value=float(value)))
        categories.append(o.ImpactCategory(
            id=uid("impact category", *name), name=" | ".join(name), ref_unit=meta.get("unit"),
            description=meta.get("description") or None, impact_factors=factors,
            category="genai-lca"))
    method = o.ImpactMethod(id=uid("impact method", "genai-lca"), name="genai-lca indicators",
                            description="The LCIA methods of the genai-lca project (Brightway "
                                        "method names as category names)",
                            impact_categories=[c.to_ref() for c in categories],
                            category="genai-lca")
    return [*categories, method]


def _is_elementary(ref) -> bool:
    return (ref.category or "").startswith("Elementary flows")
