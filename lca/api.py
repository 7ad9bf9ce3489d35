"""The Python API: ``setup``, ``validate``, ``load_service``, ``assess``.

Each function takes the Brightway data directory explicitly (``data_dir=None`` means
``BRIGHTWAY2_DIR`` or Brightway's default) and works in project
:data:`lca.bw.project.PROJECT`, restoring the caller's current project afterwards.
"""

from __future__ import annotations

import contextlib
import os
import platform
from importlib import metadata
from pathlib import Path

from lca.bw.project import PROJECT, data_dir as _data_dir, lock, use_project
from lca.bw.setup import SetupReport, ensure_setup, inventory_root, method_names
from lca.data.service import ServiceFile, load_service, select_unit
from lca.errors import InputError, Problem
from lca.results import AssessmentResult, Indicator


#: Every result says which AWARE factors it used (issue 4: by country where available).
AWARE_WORLD_AVERAGE = {
    "code": "aware-world-average",
    "message": "water scarcity uses the AWARE 1.2 world-average factor (42.95 m3 world-eq per "
               "m3 consumed, EF 3.1) for water on biosphere3's 'Water' flows; only water on the "
               "country flows 'Water, consumed, <ISO3>' gets a country factor"}


def setup(data_dir: str | os.PathLike | None = None, *, force: bool = False) -> SetupReport:
    """Create or update the genai-lca Brightway project (offline, idempotent)."""
    return ensure_setup(data_dir, force=force)


def validate(paths: list[str | os.PathLike], data_dir: str | os.PathLike | None = None
             ) -> list[str]:
    """Run every check on inventory or service files without writing anything.

    Returns the databases that would be written; raises :class:`InputError` otherwise.
    """
    from lca.bw import writer
    from lca.data.inventory import InventorySet, read_inventory, resolve
    from lca.model.genai import build
    from lca.data.sources import load_sources

    inv, problems = InventorySet(), []
    files = _expand_services(paths)
    services = []
    for p in files["services"]:
        try:
            services.append(load_service(p))
        except InputError as exc:
            problems += exc.problems
    if files["inventories"]:
        try:
            extra = read_inventory(files["inventories"])
            inv.files += extra.files
            inv.extra_exchanges += extra.extra_exchanges
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    if not inv.files and not services:
        raise InputError(Problem("no inventory or service file found", file=", ".join(
            map(str, paths))))
    ensure_setup(data_dir)
    sources = load_sources(inventory_root() / "SOURCES")
    with use_project(PROJECT):
        known = writer.known()
        for svc in services:
            try:
                inv.files += build(svc, known)[0].files
            except InputError as exc:
                problems += exc.problems
        if problems:
            raise InputError(problems)
        resolved = resolve(inv, known, sources)
    return list(resolved)


def load(paths: list[str | os.PathLike], data_dir: str | os.PathLike | None = None, *,
         force: bool = False) -> list[str]:
    """Validate inventory files as a whole, then write them (all or nothing).

    Returns the databases written. On any problem nothing is written and
    :class:`InputError` lists every problem found.
    """
    from lca.bw import writer
    from lca.data.inventory import read_inventory, resolve
    from lca.data.sources import load_sources

    inv = read_inventory(paths)
    if not inv.files:
        raise InputError(Problem("no inventory file found", file=", ".join(map(str, paths))))
    base = _data_dir(data_dir)
    ensure_setup(base)
    sources = load_sources(inventory_root() / "SOURCES")
    with lock(base, "load"), use_project(PROJECT):
        resolved = resolve(inv, writer.known(), sources)
        return writer.write_databases(resolved, force=force)


def catalog(category: str, data_dir: str | os.PathLike | None = None) -> list[dict]:
    """What the background offers in ``category`` (accelerators, servers, grids,
    datacenters), with per-unit scores for the four indicators and key figures."""
    from lca.bw.catalog import listing

    ensure_setup(data_dir)
    with use_project(PROJECT):
        return listing(category, {k: s["name"] for k, s in method_names().items()})


def outlook(scenarios: str | list[str] = "SSP1-1.9", ict_growth: float | list[float] = (0.06, 0.0),
            *, service: str | os.PathLike | None = None, ai_requests_per_day: float | None = None,
            ai_growth: float | None = None, doubling_years: float | None = None,
            rebound: float = 0.0, data_dir: str | os.PathLike | None = None, **options):
    """World net CO2 under SSP scenarios against ICT (and an AI service scaled to a demand)
    growing at ``ict_growth`` a year, with the carbon budget
    (:class:`~lca.prospective.trajectories.Outlook`; ``options``: ``ict_share``,
    ``base_year``, ``end``, ``budget_limit_c``, ``budget_likelihood``, ``threshold``).

    With ``service``, its present footprint per request (``assess``) is scaled by demand
    (``ai_requests_per_day``, growing ``ai_growth``), efficiency (doubling every
    ``doubling_years``), direct rebound (demand elasticity ``rebound``) and the scenario's
    grid; the present grid intensities are then the project's solved ones
    (:func:`lca.bw.grids.grid_kg_per_kwh`). Without it, no Brightway is needed (the world
    grid's present intensity is ``inventories/scenarios/grid_intensity.csv``'s)."""
    from lca.prospective import trajectories

    ai = None
    if service is not None:
        from lca.bw.grids import grid_kg_per_kwh

        result = assess(service, fu="request", data_dir=data_dir)
        loaded = load_service(service)
        grid = trajectories.service_grid(loaded)
        with use_project(PROJECT):  # present intensities as the project solves them
            present = grid_kg_per_kwh([trajectories.WORLD_GRID] + ([grid] if grid else []),
                                      method_names()["climate_change"]["name"])
        ai = trajectories.ai_slice_from_assessment(
            result, loaded, grid_g_per_kwh=present[grid] * 1000 if grid else None,
            requests_per_day=ai_requests_per_day, growth=ai_growth,
            doubling_years=doubling_years, rebound=rebound)
        options.setdefault("world_grid_g_per_kwh", present[trajectories.WORLD_GRID] * 1000)
    return trajectories.run(scenarios, ict_growth, ai=ai, **options)


def _expand_services(paths) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {"services": [], "inventories": []}
    for p in map(Path, paths):
        candidates = sorted(p.rglob("*.y*ml")) if p.is_dir() else [p]
        for c in candidates:
            head = c.read_text(encoding="utf-8", errors="replace")[:4000] if c.is_file() else ""
            kind = "services" if "genai-lca/service@" in head else "inventories"
            if p.is_dir() and kind == "inventories" and "genai-lca/inventory@" not in head:
                continue
            out[kind].append(c)
    return out


def assess(service: str | os.PathLike, *, fu: str | None = None,
           data_dir: str | os.PathLike | None = None, year: int | None = None,
           scenario: str | None = None, doubling_years: float | None = None
           ) -> AssessmentResult:
    """Build ``service`` as a Brightway database and compute it for functional unit ``fu``.

    With ``year`` and ``scenario`` (an SSP, e.g. ``"SSP2-4.5"``) the service is assessed as
    it would run that year (:mod:`lca.prospective.service`): grid GHG per the scenario's
    proxy, accelerator efficiency doubling every ``doubling_years`` (default 2.6; 0: none),
    in its own database ``genai-service-<id>-<ssp>-<year>[-k<doubling years>]``;
    ``provenance["prospective"]`` says what was changed."""
    from lca.bw.compute import solve
    from lca.formula import Formula, evaluate_all

    prospect, record = _prospect(year, scenario, doubling_years), {}
    specs = method_names()
    with _written_service(service, data_dir, "assess", fu, prospect, record) as (
            svc, units, warnings, rdb, base):
        unit = select_unit(units, fu)
        values = evaluate_all({p["name"]: p.get("formula", p["amount"]) for p in rdb.parameters})
        amount = float(Formula(unit.amount).evaluate(values))
        methods = {k: s["name"] for k, s in specs.items()}
        sol = solve({(svc.database, unit.activity): amount}, methods, svc.database)
        provenance = _provenance(base, svc, rdb, specs)
        provenance["allocation"] = _allocation(svc)
        if prospect is not None:
            provenance["prospective"] = record["prospective"]
    indicators = {k: Indicator(k, s["label"], s["name"], s["unit"], sol.totals[k],
                               sol.by_stage[k], {key[1]: v for key, v in sol.by_activity[k].items()})
                  for k, s in specs.items()}
    functional_unit = {"id": unit.id, "name": unit.name, "amount": 1.0, "unit": unit.unit,
                       "reference_flow": {"activity": [svc.database, unit.activity],
                                          "amount": amount, "formula": unit.amount}}
    for kind in ("input", "output"):  # tokens the unit carries, stated apart (prefill vs decode)
        if f"{kind}_tokens_per_request" in values and unit.activity == "request":
            functional_unit[f"{kind}_tokens"] = amount * float(values[f"{kind}_tokens_per_request"])
    if not any(w["code"].startswith("aware-") for w in warnings):
        warnings = list(warnings) + [AWARE_WORLD_AVERAGE]
    return AssessmentResult(
        service=svc.service.id, service_name=svc.service.name,
        functional_unit=functional_unit,
        indicators=indicators, energy_total_kwh=sol.energy_total,
        energy_by_stage_kwh=sol.energy_by_stage, provenance=provenance, warnings=warnings)


def compile(service: str | os.PathLike, *, fu: str | None = None,
            data_dir: str | os.PathLike | None = None, background: bool = False):
    """The service as a :class:`~lca.core.compiled.CompiledModel` for functional unit ``fu``
    (the unit's amount stays a formula, so uncertain demand propagates); ``background``
    also extracts the background's uncertain entries, for background Monte Carlo."""
    from lca.bw.extract import compile_service

    methods = {k: s["name"] for k, s in method_names().items()}
    with _written_service(service, data_dir, "compile", fu) as (svc, units, _, _, _):
        unit = select_unit(units, fu)
        return compile_service(svc.database, unit.activity, unit.amount, methods,
                               background_uncertainty=background)


def uncertainty(service: str | os.PathLike, samples: int = 1000, *, seed: int | None = None,
                fu: str | None = None, data_dir: str | os.PathLike | None = None,
                progress: bool = False, scheduler: str | None = None,
                background: bool = False):
    """Monte Carlo of ``service`` (:class:`~lca.analysis.uncertainty.UncertaintyResult`);
    ``scheduler``: local (default), processes, or tcp://HOST:PORT of a Dask cluster;
    ``background``: sample the background's uncertain entries too."""
    from lca.analysis.uncertainty import run

    return run(compile(service, fu=fu, data_dir=data_dir, background=background), samples,
               seed=seed, progress=progress, scheduler=scheduler, background=background)


def sensitivity(service: str | os.PathLike, method: str = "oat", *,
                params: list[str] | None = None,
                bounds: dict[str, tuple[float, float]] | None = None, samples: int = 1024,
                seed: int | None = None, fu: str | None = None,
                data_dir: str | os.PathLike | None = None):
    """Sensitivity of ``service`` to its uncertain parameters (and to fixed ones given
    ``bounds``): ``method`` ``oat`` (tornado data), ``morris`` (``samples`` trajectories) or
    ``sobol`` (``samples`` base samples); a tidy DataFrame per (indicator, parameter), see
    :mod:`lca.analysis.sensitivity`."""
    from lca.analysis import sensitivity as sens

    sens.check_method(method)  # before compiling
    return sens.run(compile(service, fu=fu, data_dir=data_dir), method, params,
                    bounds=bounds, samples=samples, seed=seed)


def compare(services: list[str | os.PathLike], samples: int = 1000, *,
            seed: int | None = None, fu: str | None = None,
            data_dir: str | os.PathLike | None = None, scheduler: str | None = None,
            background: bool = False):
    """Paired comparison of services with common random numbers
    (:class:`~lca.analysis.compare.Comparison`; ``.pairs()`` is the table)."""
    from lca.analysis.compare import compare as run_compare

    models = {load_service(s).file.service.id: compile(s, fu=fu, data_dir=data_dir,
                                                       background=background)
              for s in services}
    return run_compare(models, samples, seed=seed, scheduler=scheduler, background=background)


def _prospect(year: int | None, scenario: str | None, doubling_years: float | None):
    """The :class:`~lca.prospective.service.Prospect` asked for, or None for the present."""
    if year is None and scenario is None:
        return None
    from lca.prospective.service import Prospect

    return Prospect.of(year, scenario, doubling_years=doubling_years)


def contributions(service: str | os.PathLike, *, fu: str | None = None, top: int = 10,
                  data_dir: str | os.PathLike | None = None, year: int | None = None,
                  scenario: str | None = None, doubling_years: float | None = None):
    """Contributions by process and by elementary flow (``top`` largest + rest, per
    indicator), the share resting on pre-characterised flows, the service's parameters and
    the sources the result rests on (:class:`lca.bw.contributions.Contributions`); for a
    future year with ``year``/``scenario`` as :func:`assess` takes them."""
    import dataclasses

    from lca.bw import contributions as contrib
    from lca.data.sources import load_sources
    from lca.formula import Formula, evaluate_all

    if top < 1:
        raise InputError(Problem(f"top must be at least 1; got {top}", field="--top"))
    methods = {k: s["name"] for k, s in method_names().items()}
    with _written_service(service, data_dir, "contributions", fu,
                          _prospect(year, scenario, doubling_years)) as (svc, units, _, rdb, _):
        unit = select_unit(units, fu)
        values = evaluate_all({p["name"]: p.get("formula", p["amount"]) for p in rdb.parameters})
        amount = float(Formula(unit.amount).evaluate(values))
        result = contrib.contributions({(svc.database, unit.activity): amount}, methods, top=top)
        params = contrib.parameters(svc.database)
    uses = dict(result.source_uses)
    for p in params:
        if p["source"]:
            uses[p["source"]] = uses.get(p["source"], 0) + 1
    known = load_sources(inventory_root() / "SOURCES")
    sources = [{"id": sid, **({k: getattr(known[sid], k) for k in ("citation", "year", "licence",
                                                                     "url", "kind")}
                              if sid in known else {"citation": "(not in the bibliography)"}),
                "uses": n} for sid, n in sorted(uses.items())]
    return dataclasses.replace(result, parameters=params, sources=sources)


def export(service: str | os.PathLike, out: str | os.PathLike, *,
           data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Write the service's database(s) in bw2io's Excel format: the service database to
    ``out`` and its companion inputs database, when it has one, to ``<stem>-inputs.xlsx``.
    Re-import with :func:`lca.bw.export.import_excel` into a project set up by
    :func:`setup`."""
    from lca.bw.export import export_service

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(Problem(f"unsupported export type '{out.suffix}'; use .xlsx",
                                 field="--out"))
    with _written_service(service, data_dir, "export") as (svc, *_):
        return export_service(svc.database, out)


def graph(service: str | os.PathLike, data_dir: str | os.PathLike | None = None):
    """The service's stage graph (:class:`networkx.DiGraph`, see :mod:`lca.bw.graph`)."""
    from lca.bw.graph import service_graph

    with _written_service(service, data_dir, "graph") as (svc, *_):
        g = service_graph(svc.database)
    g.graph["title"] = svc.service.name
    return g


@contextlib.contextmanager
def _written_service(service, data_dir, what: str, fu: str | None = None, prospect=None,
                     record: dict | None = None):
    """Load, build, validate and write a service (if changed), inside the project and the
    lock; yields ``(service file, functional units, warnings, resolved db, data dir)``.
    A :class:`~lca.prospective.service.Prospect` rewrites the built records for a future
    year (its provenance goes to ``record["prospective"]``)."""
    from lca.bw import writer
    from lca.data.inventory import resolve
    from lca.data.sources import load_sources
    from lca.model.genai import build

    loaded = load_service(service)
    if prospect is not None:
        from lca.prospective.service import prospective_service

        loaded = prospective_service(loaded, prospect)
    svc = loaded.file
    if svc.functional_units:  # fail early on a bad --fu, before any heavy import
        select_unit(svc.functional_units, fu)
    base = _data_dir(data_dir)
    ensure_setup(base)
    sources = load_sources(inventory_root() / "SOURCES")
    with lock(base, f"{what} {svc.service.id}"), use_project(PROJECT):
        known = writer.known()
        inv, units, warnings = build(loaded, known)
        if prospect is not None:
            from lca.bw.grids import grid_kg_per_kwh
            from lca.prospective.service import apply_prospect, grids_to_solve

            present = grid_kg_per_kwh(grids_to_solve(inv, known, loaded),
                                      method_names()["climate_change"]["name"])
            applied = apply_prospect(inv, known, loaded, prospect, present)
            inv, warnings = applied.inventory, list(warnings) + applied.warnings
            if record is not None:
                record["prospective"] = applied.provenance
        resolved = resolve(inv, known, sources)
        writer.write_databases(resolved)
        yield svc, units, warnings, resolved[svc.database], base


def _provenance(base: Path, svc: ServiceFile, rdb, specs: dict) -> dict:
    import bw2data as bd

    dbs = [rdb.name] + sorted(_upstream(rdb.name))
    inventories = [{"database": name,
                    "files": bd.databases[name].get("genai-lca files", []),
                    "digest": bd.databases[name].get("genai-lca digest")} for name in dbs]
    versions = {pkg: _version(pkg) for pkg in ("genai-lca", "bw2data", "bw2calc", "bw2io",
                                                "numpy", "scipy", "pint")}
    versions["python"] = platform.python_version()
    return {"inventories": inventories,
            "methods": [{"indicator": k, "name": list(s["name"]), "unit": s["unit"],
                         "characterisation_factors_from": list(s["from_bw2io"])}
                        for k, s in specs.items()],
            "versions": versions, "project": PROJECT, "data_dir": str(base)}


def _allocation(svc: ServiceFile) -> dict:
    """The allocation rules in force, for the provenance block."""
    if svc.model is None:
        return {"rule": "as written in the service file's activities"}
    b = svc.model.boundary
    return {
        "embodied_hardware": "time share: GPU-hours / (lifetime x 8760 x utilisation); "
                             "servers by 1 / gpus_per_server" if b.embodied else "excluded",
        "training": {"requests": "amortised over all requests served in the deployment",
                     "tokens": "amortised over every output token the model serves "
                               "(training_amortisation_tokens)",
                     "share": "training_share of the campaign, over the requests served"}[
                         svc.model.allocation.training] if svc.model.inference else "whole campaign",
        "datacenter_infrastructure": "IT power share: IT kWh / (1000 x 8760 x load factor) "
                                     "MW-year" if b.datacenter_infrastructure else "excluded",
        "boundary": b.model_dump(),
        "electricity": svc.model.electricity.model_dump(),
    }


def _upstream(name: str) -> set[str]:
    import bw2data as bd

    seen, todo = set(), [name]
    while todo:
        for dep in bd.databases[todo.pop()].get("depends", []):
            if dep not in seen and dep in bd.databases:
                seen.add(dep)
                todo.append(dep)
    return seen


def _version(pkg: str) -> str | None:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return None
