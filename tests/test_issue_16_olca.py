"""Issue 16, item 3: the openLCA JSON-LD export (``genai-lca export --format olca``).

The reference chat service is exported once; the zip is read back with olca-schema's
``ZipReader`` and compared with the Brightway databases (processes, exchanges, amounts in
reference units by pint, units, directions, providers, parameters, formulas, uncertainty,
sources), checked for self-containedness, and solved independently (A and B matrices built
from the zip alone, characterised with the zip's impact factors) against ``assess``.

openLCA formulas are evaluated by :class:`OlcaFormula`, a small reader of openLCA's formula
grammar (olca-formula's ``FormulaParser.jj``: ``|`` < ``xor`` < ``&`` < comparisons <
``+ -`` < ``* / div mod`` < ``^`` (left-associative) < unary minus; ``;`` between function
arguments), written here from the grammar so the translation is checked against openLCA's
rules, not against itself.
"""

from __future__ import annotations

import json
import math
import re
import zipfile

import numpy as np
import pytest

from conftest import ROOT

REFERENCE = ROOT / "inventories" / "services" / "chat-70b-h100.yaml"
SERVICE_DB = "genai-service-chat-70b-h100"
#: The databases the reference service depends on, transitively (bw2data ``depends``).
# breadth first, each database's dependencies sorted: the service links the pre-characterised
# flows itself (issue 14's embodied-range exchanges), so genai-biosphere-ext comes early
EXPECTED_DATABASES = ["genai-service-chat-70b-h100", "biosphere3", "genai-biosphere-ext",
                      "genai-biosphere-water", "genai-datacenter", "genai-electricity",
                      "genai-hardware"]


# ---------------------------------------------------------------------- openLCA formulas
class OlcaFormula:
    """Evaluate an openLCA formula (the subset genai-lca writes) by recursive descent."""

    _TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"
                        r"|([A-Za-z][A-Za-z0-9_]*)|(<=|>=|==|!=|<>|&&|\|\||[-+*/^();<>=&|]))")
    _FUNCS = {"abs": abs, "sqrt": math.sqrt, "exp": math.exp, "ln": math.log,
              "log": math.log10, "ceil": math.ceil, "floor": math.floor,
              "min": min, "max": max}

    def __init__(self, text: str):
        self.tokens, pos = [], 0
        text = text.rstrip()
        while pos < len(text):
            m = self._TOKEN.match(text, pos)
            assert m and m.end() > pos, f"cannot read {text[pos:]!r} in {text!r}"
            num, name, op = m.groups()
            self.tokens.append(("num", float(num)) if num else ("name", name) if name
                               else ("op", op))
            pos = m.end()
        self.text = text

    def names(self) -> set[str]:
        return {v for i, (k, v) in enumerate(self.tokens) if k == "name"
                and v not in ("div", "mod", "xor")
                and not (i + 1 < len(self.tokens) and self.tokens[i + 1] == ("op", "("))}

    def evaluate(self, values: dict):
        self.values, self.i = values, 0
        out = self._or()
        assert self.i == len(self.tokens), f"trailing tokens in {self.text!r}"
        return out

    # grammar levels, lowest precedence first
    def _peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def _take(self, *ops):
        if self._peek()[1] in ops and self._peek()[0] in ("op", "name"):
            self.i += 1
            return self.tokens[self.i - 1][1]
        return None

    def _binary(self, lower, ops, apply):
        left = lower()
        while (op := self._take(*ops)) is not None:
            left = apply(op, left, lower())
        return left

    def _or(self):
        return self._binary(self._xor, ("|", "||"), lambda o, a, b: bool(a) or bool(b))

    def _xor(self):
        return self._binary(self._and, ("xor",), lambda o, a, b: bool(a) != bool(b))

    def _and(self):
        return self._binary(self._compare, ("&", "&&"), lambda o, a, b: bool(a) and bool(b))

    def _compare(self):
        ops = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__,
               "=": float.__eq__, "==": float.__eq__, "!=": float.__ne__, "<>": float.__ne__}
        return self._binary(self._sum, tuple(ops), lambda o, a, b: ops[o](float(a), float(b)))

    def _sum(self):
        return self._binary(self._term, ("+", "-"), lambda o, a, b: a + b if o == "+" else a - b)

    def _term(self):
        def apply(o, a, b):
            return {"*": lambda: a * b, "/": lambda: a / b, "div": lambda: float(int(a / b)),
                    "mod": lambda: math.fmod(a, b)}[o]()
        return self._binary(self._power, ("*", "/", "div", "mod"), apply)

    def _power(self):
        return self._binary(self._unary, ("^",), lambda o, a, b: a ** b)

    def _unary(self):
        if (op := self._take("-", "+")) is not None:
            value = self._element()
            return -value if op == "-" else value
        return self._element()

    def _element(self):
        kind, value = self._peek()
        self.i += 1
        if kind == "num":
            return value
        if kind == "op" and value == "(":
            out = self._or()
            assert self._take(")") == ")"
            return out
        assert kind == "name", f"unexpected {value!r} in {self.text!r}"
        if self._take("(") is None:
            return self.values[value]
        args = [] if self._take(")") else [self._or()]
        while args and self._take(";"):
            args.append(self._or())
        if args:
            assert self._take(")") == ")"
        if value == "if":
            return args[1] if args[0] else args[2]
        return float(self._FUNCS[value](*args))


def evaluate_olca_parameters(params: list) -> dict:
    """Values of olca Parameters (inputs and formulas over each other), in dependency order."""
    values = {p.name: p.value for p in params if p.is_input_parameter}
    todo = {p.name: OlcaFormula(p.formula) for p in params if not p.is_input_parameter}
    while todo:
        ready = [n for n, f in todo.items() if f.names() <= set(values)]
        assert ready, f"unresolvable parameters: {sorted(todo)}"
        for n in ready:
            values[n] = todo.pop(n).evaluate(values)
    return values


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def exported(data_dir, tmp_path_factory):
    """The reference service exported once: (path of the zip, the entities by type)."""
    import olca_schema as o
    from olca_schema import zipio

    from lca.api import export

    out = tmp_path_factory.mktemp("olca") / "chat.zip"
    assert export(REFERENCE, out, data_dir=data_dir, format="olca") == [out]
    with zipio.ZipReader(out) as reader:
        entities = {t: {e.id: e for e in reader.read_each(t)} for t in
                    (o.Process, o.Flow, o.FlowProperty, o.UnitGroup, o.Parameter, o.Source,
                     o.Location, o.ImpactCategory, o.ImpactMethod)}
    return out, entities


def unit_factors(entities) -> dict[str, float]:
    """Unit id -> factor to its group's reference unit, from the zip's unit groups."""
    import olca_schema as o

    return {u.id: u.conversion_factor for g in entities[o.UnitGroup].values() for u in g.units}


def brightway_side():
    """Every technosphere activity of the exported databases with its exchanges, and the
    database and activity parameters (inside the project)."""
    import bw2data as bd
    from bw2data.parameters import ActivityParameter, DatabaseParameter

    from lca.bw.writer import FLOW_TYPES

    acts = {a.key: a for db in EXPECTED_DATABASES for a in bd.Database(db)
            if a["type"] not in FLOW_TYPES}
    db_params = {p.name: p for p in DatabaseParameter.select().where(
        DatabaseParameter.database.in_(EXPECTED_DATABASES))}
    act_params = {}
    for p in ActivityParameter.select().where(ActivityParameter.database.in_(EXPECTED_DATABASES)):
        if not p.name.startswith("__"):
            act_params.setdefault((p.database, p.code), {})[p.name] = p
    return acts, db_params, act_params


def process_key(process) -> tuple[str, str]:
    """(database, code) of an exported process, from its description's provenance line."""
    line = process.description.splitlines()[-1]
    assert line.startswith("Brightway activity ")
    db, _, code = line.removeprefix("Brightway activity ").partition("/")
    return db, code


# ---------------------------------------------------------------------- tests
@pytest.mark.parametrize("text", [
    "a * b / c", "-x ** 2", "2 ** 3 ** 2", "(-x) ** 2", "a // b", "a % b", "-a % b",
    "x if a < b < c else y", "x if a else -y", "max(a, b, c) + log(a) + log10(b) + pi",
    "(a < b) * 3", "1e-5 * a - -b", "min(a, max(b, 1.5)) ** 0.5 * e", "a - b - c",
    "a / b / c", "2 ** -a", "x if a == 2 else (y if b != 3 else 1)", "sqrt(abs(a - b))",
    "ceil(a / b) + floor(-a)", "exp(-a) >= 0.1",
])
def test_formula_translation_keeps_values(text):
    from lca.bw.olca import olca_formula
    from lca.formula import Formula

    rng = np.random.default_rng(16)
    translated = olca_formula(text)
    for values in ({"a": 2.0, "b": 3.0, "c": 4.0, "x": 1.5, "y": -2.0},
                   *({k: float(v) for k, v in zip("abcxy", rng.uniform(0.1, 5, 5))}
                     for _ in range(5))):
        expected = float(Formula(text).evaluate(values))
        assert float(OlcaFormula(translated).evaluate(values)) == \
            pytest.approx(expected, rel=1e-12, abs=1e-300), translated


def test_formula_names_openlca_cannot_read_are_refused():
    from lca.bw.olca import olca_formula, olca_name_problem
    from lca.errors import FormulaError

    assert olca_name_problem("mod") == "'mod' is an operator in openLCA formulas"
    with pytest.raises(FormulaError) as exc:
        olca_formula("_x * 2")
    assert str(exc.value).endswith("cannot be written for openLCA: openLCA names start with "
                                   "a letter and hold letters, digits and '_'")


def test_exported_databases_are_the_dependency_closure(project, exported):
    from lca.bw.olca import exported_databases

    assert exported_databases(SERVICE_DB) == EXPECTED_DATABASES


def test_processes_match_brightway(project, exported):
    import olca_schema as o

    _, entities = exported
    acts, _, _ = brightway_side()
    procs = entities[o.Process]
    assert len(procs) == len(acts) == 457
    got = {process_key(p): (p.name, p.location.name if p.location else None, p.category)
           for p in procs.values()}
    assert got == {k: (a["name"], a.get("location"), k[0]) for k, a in acts.items()}
    request = next(p for p in procs.values() if process_key(p) == (SERVICE_DB, "request"))
    ref = [e for e in request.exchanges if e.is_quantitative_reference]
    assert len(ref) == 1 and ref[0].unit.name == "request" and ref[0].amount == 1.0


def test_exchanges_match_brightway(project, exported):
    """Every exchange: flow name, amount in the reference unit (pint for Brightway, the
    zip's unit groups for openLCA) to 1e-12, unit, direction and provider."""
    import olca_schema as o

    from lca.bw.olca import OWN_GROUPS, UNITS, UNITS_BIOSPHERE
    from lca.units import conversion_factor

    _, entities = exported
    acts, _, _ = brightway_side()
    factors = unit_factors(entities)
    procs = {process_key(p): p for p in entities[o.Process].values()}
    table = {**UNITS, **UNITS_BIOSPHERE}
    n = 0
    for key, act in acts.items():
        expected = []
        for exc in act.exchanges():
            node, unit = exc.input, exc["unit"]
            ref_unit = table[unit][1] if unit in table else OWN_GROUPS[unit].ref
            amount = exc["amount"] * (1.0 if unit == ref_unit else
                                      conversion_factor(unit, ref_unit))
            tech = exc["type"] != "biosphere"
            name = node.get("reference product") or node["name"] if tech else node["name"]
            is_input = exc["type"] == "technosphere" or not tech and (  # resources: inputs
                node["type"] == "natural resource"
                or list(node.get("categories") or [])[:1] == ["natural resource"])
            provider = (node["database"], node["name"]) if exc["type"] == "technosphere" \
                else None
            shown = table[unit][0] if unit in table else OWN_GROUPS[unit].unit
            expected.append((name, shown, is_input, provider, amount))
        got = []
        for e in procs[key].exchanges:
            provider = (e.default_provider.category, e.default_provider.name) \
                if e.default_provider else None
            got.append((e.flow.name, e.unit.name, e.is_input, provider,
                        e.amount * factors[e.unit.id]))
        assert len(got) == len(expected), key
        for g, x in zip(sorted(got, key=repr), sorted(expected, key=repr)):
            assert g[:4] == x[:4], key
            assert g[4] == pytest.approx(x[4], rel=1e-12, abs=0), (key, g)
            n += 1
    assert n == sum(len(p.exchanges) for p in procs.values()) > 1000


def test_parameters_and_formulas_match_brightway(project, exported):
    """Database parameters are global, activity parameters process parameters; every
    formula is written for openLCA (no fall-back) and, read by openLCA's grammar, gives
    Brightway's value; every exchange formula gives the exchange's amount."""
    import olca_schema as o

    from lca.bw.olca import olca_formula

    _, entities = exported
    acts, db_params, act_params = brightway_side()
    globals_ = list(entities[o.Parameter].values())
    assert {p.name for p in globals_} == set(db_params)
    assert all(p.parameter_scope == o.ParameterScope.GLOBAL_SCOPE for p in globals_)
    global_values = evaluate_olca_parameters(globals_)
    for p in globals_:
        bw = db_params[p.name]
        assert p.is_input_parameter == (bw.formula is None), p.name
        if bw.formula:
            assert p.formula == olca_formula(bw.formula)
        assert global_values[p.name] == pytest.approx(bw.amount, rel=1e-12), p.name
    n_formulas = 0
    for proc in entities[o.Process].values():
        key = process_key(proc)
        params = proc.parameters or []
        assert {p.name for p in params} == set(act_params.get(key, {})), key
        # process formulas read global parameters; a process parameter shadows a global one
        values = evaluate_olca_parameters(
            [o.Parameter(name=k, value=v, is_input_parameter=True)
             for k, v in global_values.items()] + params)
        for p in params:
            assert values[p.name] == pytest.approx(act_params[key][p.name].amount,
                                                   rel=1e-12), (key, p.name)
        formulas = [e["formula"] for e in acts[key].exchanges() if e.get("formula")]
        for e in proc.exchanges:
            assert "not readable by openLCA" not in (e.description or "")
            if e.amount_formula:
                n_formulas += 1
                assert OlcaFormula(e.amount_formula).evaluate(values) == \
                    pytest.approx(e.amount, rel=1e-12), (key, e.amount_formula)
        assert sum(1 for e in proc.exchanges if e.amount_formula) == len(formulas), key
    assert n_formulas > 300


def test_uncertainty_and_sources(project, exported):
    import olca_schema as o

    _, entities = exported
    acts, db_params, _ = brightway_side()
    procs = {process_key(p): p for p in entities[o.Process].values()}
    sources = {s.name: s for s in entities[o.Source].values()}
    kinds = {4: o.UncertaintyType.UNIFORM_DISTRIBUTION, 5: o.UncertaintyType.TRIANGLE_DISTRIBUTION}
    checked = 0
    for key, act in acts.items():
        listed = {r.name for r in procs[key].process_documentation.sources or []}
        for exc, e in zip(sorted(act.exchanges(), key=lambda x: (x["amount"], x.input["name"])),
                          sorted(procs[key].exchanges, key=lambda x: (x.amount, x.flow.name))):
            if exc.get("source"):
                assert exc["source"] in listed and exc["source"] in sources
            kind = exc.get("uncertainty type")
            if kind in kinds:
                u = e.uncertainty
                assert u.distribution_type == kinds[kind]
                assert (u.minimum, u.maximum) == (exc["minimum"], exc["maximum"])
                if kind == 5:
                    assert u.mode == exc["loc"]
                checked += 1
        if act.get("source"):
            assert act["source"] in listed
    assert checked == 83  # 79 triangular, 4 uniform exchanges in the reference's background
    batch = next(p for p in entities[o.Parameter].values() if p.name == "batch")
    assert batch.uncertainty.distribution_type == o.UncertaintyType.TRIANGLE_DISTRIBUTION
    assert (batch.uncertainty.minimum, batch.uncertainty.mode, batch.uncertainty.maximum) == \
        (8.0, 64.0, 256.0)
    pue = sources[db_params["pue"].data["source"]]
    assert pue.text_reference and pue.year


def test_zip_is_self_contained_and_well_formed(project, exported):
    """Every entity has @id, @type and name; every reference (provider, flow, flow property,
    unit, location, source) points into the zip; one elementary flow per biosphere flow the
    exported processes use."""
    import bw2data as bd
    import olca_schema as o

    path, entities = exported
    folders = {"processes": "Process", "flows": "Flow", "flow_properties": "FlowProperty",
               "unit_groups": "UnitGroup", "parameters": "Parameter", "sources": "Source",
               "locations": "Location", "lcia_categories": "ImpactCategory",
               "lcia_methods": "ImpactMethod"}
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.endswith(".json") and "/" in n]
        for name in names:
            data = json.loads(z.read(name))
            folder, file = name.split("/")
            assert data["@type"] == folders[folder] and file == data["@id"] + ".json"
            assert isinstance(data.get("name"), str) and data["name"], name
        assert json.loads(z.read("olca-schema.json")) == {"version": 2}
    ids = {t: set(v) for t, v in entities.items()}
    units = set(unit_factors(entities))
    for p in entities[o.Process].values():
        assert p.location is None or p.location.id in ids[o.Location]
        assert {s.id for s in p.process_documentation.sources or []} <= ids[o.Source]
        for e in p.exchanges:
            assert e.flow.id in ids[o.Flow] and e.flow_property.id in ids[o.FlowProperty]
            assert e.unit.id in units
            if e.default_provider is not None:
                assert e.default_provider.id in ids[o.Process]
                provider = entities[o.Process][e.default_provider.id]
                assert [x.flow.id for x in provider.exchanges if x.is_quantitative_reference] \
                    == [e.flow.id]
            elif e.is_input and entities[o.Flow][e.flow.id].flow_type == o.FlowType.PRODUCT_FLOW:
                pytest.fail(f"input {e.flow.name} of {p.name} has no provider")
    for f in entities[o.Flow].values():
        assert [x.flow_property.id for x in f.flow_properties] and \
            all(x.flow_property.id in ids[o.FlowProperty] for x in f.flow_properties)
    for fp in entities[o.FlowProperty].values():
        assert fp.unit_group.id in ids[o.UnitGroup]
    for g in entities[o.UnitGroup].values():
        assert sum(u.is_ref_unit for u in g.units) == 1, g.name
    acts, _, _ = brightway_side()
    used = {e.input.key for a in acts.values() for e in a.biosphere()}
    elementary = [f for f in entities[o.Flow].values()
                  if f.flow_type == o.FlowType.ELEMENTARY_FLOW]
    assert len(elementary) == len(used)
    water = bd.get_node(database="biosphere3", name="Water", categories=("air",))
    by_id = {f.id: f for f in elementary}
    assert by_id[water["code"]].category == "Elementary flows/air"  # ecoinvent's UUID kept


def solve_zip(entities, activity: tuple[str, str], amount: float) -> dict[str, float]:
    """Impact category name -> score of ``amount`` of ``activity``'s product, from the zip
    alone: A from the product exchanges and default providers, B from the elementary
    exchanges (openLCA's signs: inputs negative), the zip's impact factors (openLCA negates
    the factor of an input flow), amounts in reference units."""
    import olca_schema as o
    import scipy.sparse as sp
    from scipy.sparse.linalg import spsolve

    factors = unit_factors(entities)
    procs = list(entities[o.Process].values())
    col = {p.id: j for j, p in enumerate(procs)}
    elementary = sorted(f.id for f in entities[o.Flow].values()
                        if f.flow_type == o.FlowType.ELEMENTARY_FLOW)
    row = {f: i for i, f in enumerate(elementary)}
    a_entries, b_entries, inputs = [], [], set()
    for j, p in enumerate(procs):
        for e in p.exchanges:
            value = e.amount * factors[e.unit.id] * (-1.0 if e.is_input else 1.0)
            if e.flow.id in row:
                b_entries.append((row[e.flow.id], j, value))
                if e.is_input:
                    inputs.add(e.flow.id)
            else:
                i = j if e.is_quantitative_reference else col[e.default_provider.id]
                a_entries.append((i, j, value))

    def matrix(entries, shape):
        return sp.csc_matrix(([v for *_, v in entries], ([i for i, *_ in entries],
                                                         [j for _, j, _ in entries])), shape)

    n = len(procs)
    demand = np.zeros(n)
    target = next(p for p in procs if process_key(p) == tuple(activity))
    ref = next(e for e in target.exchanges if e.is_quantitative_reference)
    demand[col[target.id]] = amount * factors[ref.unit.id]
    inventory = matrix(b_entries, (len(elementary), n)) @ spsolve(matrix(a_entries, (n, n)),
                                                                  demand)
    return {c.name: sum(f.value / factors[f.unit.id] * (-1.0 if f.flow.id in inputs else 1.0)
                        * inventory[row[f.flow.id]] for f in c.impact_factors)
            for c in entities[o.ImpactCategory].values()}


def assert_zip_solves_to_assess(entities, service, data_dir):
    import olca_schema as o

    from lca.api import assess
    from lca.data.files import method_names

    result = assess(service, data_dir=data_dir)
    fu = result.functional_unit["reference_flow"]
    scores = solve_zip(entities, fu["activity"], fu["amount"])
    method = next(iter(entities[o.ImpactMethod].values()))
    assert {r.name for r in method.impact_categories} == set(scores)
    for key, spec in method_names().items():
        assert scores[" | ".join(spec["name"])] == \
            pytest.approx(result.indicators[key].total, rel=1e-6), key
    assert result.indicators["climate_change"].total > 0


def test_independent_solve_equals_assess(project, exported):
    """The zip alone gives the four ``assess`` totals (measured: rel 2e-8 or better)."""
    assert_zip_solves_to_assess(exported[1], REFERENCE, project)


def test_inputs_database_is_exported_with_its_scoped_parameters(project, tmp_path):
    """A service with stated factors has a ``-inputs`` database whose database parameters
    share names with the service's: the service's are global, the companion's become
    process parameters of its processes (Brightway's database scope), and the zip still
    solves to ``assess``."""
    import olca_schema as o
    from olca_schema import zipio

    from lca.api import export

    service = ROOT / "inventories" / "case-studies" / "bloom-training.yaml"
    out = tmp_path / "bloom.zip"
    export(service, out, data_dir=project, format="olca")
    with zipio.ZipReader(out) as reader:
        entities = {t: {e.id: e for e in reader.read_each(t)} for t in
                    (o.Process, o.Flow, o.UnitGroup, o.Parameter, o.ImpactCategory,
                     o.ImpactMethod)}
    companion = {p.name: {x.name: x.value for x in p.parameters or []}
                 for p in entities[o.Process].values()
                 if p.category == "genai-service-bloom-training-inputs"}
    assert companion["electricity, stated factor"] == {"grid_gwp_kg_per_kwh": 0.057}
    assert "grid_gwp_kg_per_kwh" in {p.name for p in entities[o.Parameter].values()}
    assert_zip_solves_to_assess(entities, service, project)


def test_cli_export_format_from_suffix_and_errors(project, tmp_path, capsys, monkeypatch):
    import olca_schema as o
    from olca_schema import zipio

    from lca.bw import olca
    from lca.cli import main

    args = ["--quiet", "--data-dir", str(project), "export", str(REFERENCE)]
    out = tmp_path / "svc.zip"
    assert main(args + ["--out", str(out)]) == 0  # .zip: olca
    with zipio.ZipReader(out) as reader:
        assert len(reader.ids_of(o.Process)) == 457
    assert main(args + ["--out", str(tmp_path / "x.xlsx"), "--format", "olca"]) == 2
    assert capsys.readouterr().err.strip() == \
        "error: field '--out': unsupported output type '.xlsx'; use .zip (openLCA JSON-LD zip)"
    assert main(args + ["--out", str(out), "--format", "ecospold"]) == 2
    assert capsys.readouterr().err.strip() == \
        "error: field '--format': unknown export format 'ecospold'; use one of excel, olca"
    monkeypatch.delitem(olca.UNITS, "kilowatt hour")
    before = out.read_bytes()
    assert main(args + ["--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: dataset '") and \
        "field 'unit': unit 'kilowatt hour' has no openLCA unit (lca.bw.olca.UNITS); " \
        "known: " in err
    assert out.read_bytes() == before  # nothing written over the earlier export


@pytest.mark.skipif(not __import__("os").path.exists("/dev/full"), reason="needs /dev/full")
def test_disk_full_is_exit_2(project, tmp_path, capsys):
    from lca.cli import main

    out = tmp_path / "full.zip"
    out.symlink_to("/dev/full")
    assert main(["--quiet", "--data-dir", str(project), "export", str(REFERENCE), "--out",
                 str(out)]) == 2
    assert capsys.readouterr().err == \
        f"error: field '--out': could not write '{out}': No space left on device\n"
