"""The Python API: functions over :mod:`lca.prepared`.

``setup``, ``validate``, ``load`` and ``catalog`` work on the project as a whole. The others
take a service file and call the verb of its :class:`~lca.prepared.PreparedService`
(:func:`lca.prepared.prepare`: one load, build and write per service and process, results
cached on content). Each takes the Brightway data directory explicitly (``data_dir=None``
means ``BRIGHTWAY2_DIR`` or Brightway's default) and works in project
:data:`lca.bw.project.PROJECT`. ``cache=False`` bypasses the result cache.

Imports are lazy, so that an answer from the cache imports neither bw2data nor pandas.
"""

from __future__ import annotations

import os
from pathlib import Path

from lca.errors import InputError, Problem
from lca.prepared import PreparedService, prepare

__all__ = ["setup", "validate", "load", "catalog", "outlook", "prepare", "PreparedService",
           "assess", "contributions", "compile", "uncertainty", "sensitivity", "compare",
           "graph", "export", "clear_cache", "find_activity", "measure"]


def setup(data_dir: str | os.PathLike | None = None, *, force: bool = False):
    """Create or update the genai-lca Brightway project (offline, idempotent);
    a :class:`~lca.bw.setup.SetupReport`."""
    from lca.bw.setup import ensure_setup

    return ensure_setup(data_dir, force=force)


def validate(paths: list[str | os.PathLike], data_dir: str | os.PathLike | None = None
             ) -> list[str]:
    """Run every check on inventory or service files without writing anything.

    Returns the databases that would be written; raises :class:`InputError` otherwise.
    """
    from lca.bw import writer
    from lca.bw.project import PROJECT, data_dir as _data_dir, lock, use_project
    from lca.bw.setup import ensure_setup
    from lca.data.files import inventory_root
    from lca.data.inventory import InventorySet, read_inventory, resolve
    from lca.data.service import load_service
    from lca.data.sources import load_sources
    from lca.model.genai import build

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
    base = _data_dir(data_dir)
    ensure_setup(base)
    sources = load_sources(inventory_root() / "SOURCES")
    with lock(base, "validate"), use_project(PROJECT):  # never a write seen half-done
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
    from lca.bw.project import PROJECT, data_dir as _data_dir, lock, use_project
    from lca.bw.setup import ensure_setup
    from lca.data.files import inventory_root
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
    from lca.bw.project import PROJECT, data_dir as _data_dir, lock, use_project
    from lca.bw.setup import ensure_setup
    from lca.data.files import method_names

    base = _data_dir(data_dir)
    ensure_setup(base)
    with lock(base, "catalog"), use_project(PROJECT):
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

    # before any work: an assess of the service takes seconds
    trajectories.check_ai_options(ai_requests_per_day, ai_growth, doubling_years, rebound)
    ai = None
    if service is not None:
        from lca.bw.grids import grid_kg_per_kwh
        from lca.bw.project import data_dir as _data_dir, lock, use_project
        from lca.data.files import method_names
        from lca.data.service import load_service

        result = assess(service, fu="request", data_dir=data_dir)
        loaded = load_service(service)
        grid = trajectories.service_grid(loaded)
        with lock(_data_dir(data_dir), "outlook"), use_project():  # as the project solves them
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
           scenario: str | None = None, doubling_years: float | None = None,
           cache: bool = True):
    """Build ``service`` as a Brightway database and compute it for functional unit ``fu``
    (:class:`~lca.results.AssessmentResult`).

    With ``year`` and ``scenario`` (an SSP, e.g. ``"SSP2-4.5"``) the service is assessed as
    it would run that year (:mod:`lca.prospective.service`): grid GHG per the scenario's
    proxy, accelerator efficiency doubling every ``doubling_years`` (default 2.6; 0: none),
    in its own database ``genai-service-<id>-<ssp>-<year>[-k<doubling years>]``;
    ``provenance["prospective"]`` says what was changed."""
    return prepare(service, data_dir=data_dir, year=year, scenario=scenario,
                   doubling_years=doubling_years, cache=cache).assess(fu)


def contributions(service: str | os.PathLike, *, fu: str | None = None, top: int = 10,
                  data_dir: str | os.PathLike | None = None, year: int | None = None,
                  scenario: str | None = None, doubling_years: float | None = None,
                  cache: bool = True):
    """Contributions by process and by elementary flow (``top`` largest + rest, per
    indicator), the share resting on pre-characterised flows, the service's parameters and
    the sources the result rests on (:class:`lca.bw.contributions.Contributions`)."""
    return prepare(service, data_dir=data_dir, year=year, scenario=scenario,
                   doubling_years=doubling_years, cache=cache).contributions(fu, top)


def compile(service: str | os.PathLike, *, fu: str | None = None,
            data_dir: str | os.PathLike | None = None, background: bool = False,
            cache: bool = True):
    """The service as a :class:`~lca.core.compiled.CompiledModel` for ``fu``; see
    :meth:`PreparedService.compile`."""
    return prepare(service, data_dir=data_dir, cache=cache).compile(fu, background=background)


def uncertainty(service: str | os.PathLike, samples: int = 1000, *, seed: int | None = None,
                fu: str | None = None, data_dir: str | os.PathLike | None = None,
                progress: bool = False, scheduler: str | None = None,
                background: bool = False, out: str | os.PathLike | None = None,
                cache: bool = True):
    """Monte Carlo of ``service`` (:class:`~lca.analysis.uncertainty.UncertaintyResult`);
    ``scheduler``: local (default), processes, or tcp://HOST:PORT of a Dask cluster;
    ``background``: sample the background's uncertain entries too; ``out``: write every
    sample (.parquet streamed chunk by chunk, or .csv)."""
    return prepare(service, data_dir=data_dir, cache=cache).uncertainty(
        samples, seed=seed, fu=fu, progress=progress, scheduler=scheduler,
        background=background, out=out)


def sensitivity(service: str | os.PathLike, method: str = "oat", *,
                params: list[str] | None = None,
                bounds: dict[str, tuple[float, float]] | None = None, samples: int = 1024,
                seed: int | None = None, fu: str | None = None,
                data_dir: str | os.PathLike | None = None, cache: bool = True):
    """Sensitivity of ``service`` to its uncertain parameters (and to fixed ones given
    ``bounds``): ``method`` ``oat`` (tornado data), ``morris`` (``samples`` trajectories) or
    ``sobol`` (``samples`` base samples); a tidy DataFrame per (indicator, parameter), see
    :mod:`lca.analysis.sensitivity`."""
    return prepare(service, data_dir=data_dir, cache=cache).sensitivity(
        method, params=params, bounds=bounds, samples=samples, seed=seed, fu=fu)


def compare(services: list[str | os.PathLike], samples: int = 1000, *,
            seed: int | None = None, fu: str | None = None,
            data_dir: str | os.PathLike | None = None, scheduler: str | None = None,
            background: bool = False, cache: bool = True):
    """Paired comparison of services with common random numbers
    (:class:`~lca.analysis.compare.Comparison`; ``.pairs()`` is the table)."""
    from lca.analysis.compare import compare as run_compare

    if len(services) < 2:
        raise InputError(Problem("compare needs at least two service files", field="SERVICES"))
    prepared = [prepare(s, data_dir=data_dir, cache=cache) for s in services]
    models = {p.id: p.compile(fu, background=background) for p in prepared}
    return run_compare(models, samples, seed=seed, scheduler=scheduler, background=background)


def graph(service: str | os.PathLike, data_dir: str | os.PathLike | None = None, *,
          cache: bool = True):
    """The service's stage graph (:class:`networkx.DiGraph`, see :mod:`lca.bw.graph`)."""
    return prepare(service, data_dir=data_dir, cache=cache).graph()


def export(service: str | os.PathLike, out: str | os.PathLike, *,
           data_dir: str | os.PathLike | None = None, format: str | None = None) -> list[Path]:
    """Write the service's database(s): ``format="excel"`` (default for .xlsx) in bw2io's
    Excel format, the service database to ``out`` and its companion inputs database, when it
    has one, to ``<stem>-inputs.xlsx`` (re-import with :func:`lca.bw.export.import_excel`
    into a project set up by :func:`setup`); ``format="olca"`` (default for .zip) as one
    openLCA JSON-LD zip holding the service, its whole background and the LCIA methods
    (:mod:`lca.bw.olca`)."""
    return prepare(service, data_dir=data_dir).export(out, format=format)


def clear_cache(data_dir: str | os.PathLike | None = None) -> int:
    """Empty the result cache of ``data_dir``; return the number of entries removed."""
    from lca import cache
    from lca.bw.project import data_dir as resolve

    return cache.ResultCache(cache.directory(resolve(data_dir))).clear()


def find_activity(database: str, name: str | None = None, location: str | None = None,
                  reference_product: str | None = None, *,
                  data_dir: str | os.PathLike | None = None):
    """Activities of ``database`` (any database of the project: ecoinvent, your own) named
    ``name`` (exactly, else containing it, ignoring case), at ``location`` and with
    ``reference_product`` when given, as a DataFrame (database, code, name, location,
    reference_product, unit, link): ``link`` is the shortest mapping that names the row's
    activity alone, to paste into a service file's ``activity:`` or an exchange's
    ``input:`` (lca.data.links). An unknown database is an InputError listing the
    project's databases."""
    import pandas as pd

    from lca.bw import writer
    from lca.bw.project import PROJECT, data_dir as _data_dir, lock, use_project
    from lca.bw.setup import ensure_setup
    from lca.data.links import LinkError, check_database, minimal_link, search

    base = _data_dir(data_dir)
    ensure_setup(base)
    with lock(base, "find activity"), use_project(PROJECT):
        known = writer.known([database])
    try:
        check_database(database, known.databases)
    except LinkError as exc:
        raise InputError(Problem(str(exc), field="database")) from None
    keys = search(known.activities, database, name, location, reference_product)
    names = {known.activities[k].name.casefold() for k in keys}
    acts = {k: a for k, a in known.activities.items() if a.name.casefold() in names}
    return pd.DataFrame([{"database": k[0], "code": k[1], "name": acts[k].name,
                          "location": acts[k].location,
                          "reference_product": acts[k].product, "unit": acts[k].unit,
                          "link": minimal_link(k, acts)} for k in keys],
                        columns=["database", "code", "name", "location", "reference_product",
                                 "unit", "link"])


# ---------------------------------------------------------------------- measure (issue 15)
def measure(logs: list[str | os.PathLike], service: str | os.PathLike, *,
            kind: str | None = None, out: str | os.PathLike | None = None,
            overlay: str | os.PathLike | None = None, requests: float | None = None,
            tokens: float | None = None, stage: str = "inference", includes_pue: bool = False,
            gpus: int | None = None):
    """Measurement logs -> the ``measured`` energy model's parameters for ``service``
    (:mod:`lca.measure`), written as a new service file ``out`` (the service with the
    measured model, parameters and source, id suffixed ``-measured``) or as an overlay
    ``overlay`` (``genai-lca/overlay@1``; assess with ``prepare(service, overlays=[...])``).
    ``requests`` / ``tokens``: served per run, for logs that do not count them; ``gpus``:
    GPUs per run when the logs say none. Neither the logs nor ``service`` change. Returns
    the :class:`~lca.measure.fit.Fit` (parameters, source, spreads, split, warnings)."""
    from lca.checks import finite
    from lca.data import read_text
    from lca.data.service import load_service
    from lca.measure import read
    from lca.measure.fit import fit
    from lca.measure.overlay import apply, dump, make
    from lca.outputs import check_output, write_text

    if (out is None) == (overlay is None):
        raise InputError(Problem("give one of --out NEW.yaml (a new service file) or "
                                 "--overlay OVERLAY.yaml", field="--out"))
    target, field = (out, "--out") if out is not None else (overlay, "--overlay")
    target = check_output(target, {".yaml": "YAML", ".yml": "YAML"}, field=field)
    source = Path(service).expanduser()
    if target.resolve() == source.resolve():
        raise InputError(Problem("would overwrite the service file itself; the input never "
                                 "changes: give another file name", field=field))
    for name, value in (("--requests", requests), ("--tokens", tokens)):
        if value is not None:
            finite(value, name, low=0, low_open=True, meaning="served per run")
    if gpus is not None and gpus < 0:
        raise InputError(Problem(f"must be >= 0; got {gpus}", field="--gpus"))
    loaded = load_service(source)
    if loaded.file.model is None:
        raise InputError(Problem("the service has no 'model:' block: the measured energy "
                                 "model belongs to the service model", file=str(source),
                                 field="model"))
    per_request = next((p.amount for p in loaded.file.parameters
                        if p.name == "output_tokens_per_request"), None)
    result = fit(read(logs, kind, requests=requests, tokens=tokens), stage=stage,
                 includes_pue=includes_pue, gpus=gpus, tokens_per_request=per_request,
                 service_id=loaded.file.service.id)
    layer = make(result)
    _check_overlaid(source, dump(layer), target)
    write_text(target, apply(read_text(source), layer, str(target)) if out is not None
               else dump(layer))
    return result


def _check_overlaid(service: Path, overlay_text: str, target: Path) -> None:
    """The service with the overlay laid over it loads as a service file (else an
    InputError naming ``target``), before anything is written."""
    import dataclasses
    import tempfile

    from lca.prepared import load_overlaid

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder) / target.name
        tmp.write_text(overlay_text, encoding="utf-8")
        try:
            load_overlaid(service.resolve(), (tmp,))
        except InputError as exc:
            raise InputError([dataclasses.replace(p, file=p.file.replace(str(tmp), str(target)))
                              if p.file else p for p in exc.problems]) from None
