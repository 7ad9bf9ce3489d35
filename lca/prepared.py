"""The prepared service: a service file loaded, built, resolved and written once per
process, whose verbs compute.

:func:`prepare` is cheap: it reads the service file's bytes and returns a
:class:`PreparedService` (the same object again for the same file content, data directory
and prospect). The Brightway work (set-up check, build, resolve, write when the content
changed) happens once, on the first verb that needs it. Every verb first asks the result
cache (:mod:`lca.cache`) and an in-process memo, both keyed on content and guarded by the
project's modification stamps, so an unchanged service in a fresh process answers
``assess`` without importing bw2data, and a notebook asking twice pays once.

Verbs: :meth:`~PreparedService.assess`, :meth:`~PreparedService.contributions`,
:meth:`~PreparedService.compile`, :meth:`~PreparedService.uncertainty`,
:meth:`~PreparedService.sensitivity`, :meth:`~PreparedService.graph`,
:meth:`~PreparedService.export`. :mod:`lca.api` wraps them as functions; the CLI and the
report use one prepared object per service.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lca import cache as _cache
from lca.errors import InputError, Problem
from lca.model.serving import REPORTED, TOKEN_CLASSES

#: Every result says which AWARE factors it used (issue 4: by country where available).
AWARE_WORLD_AVERAGE = {
    "code": "aware-world-average",
    "message": "water scarcity uses the AWARE 1.2 world-average factor (42.95 m3 world-eq per "
               "m3 consumed, EF 3.1) for water on biosphere3's 'Water' flows; only water on the "
               "country flows 'Water, consumed, <ISO3>' gets a country factor"}


@dataclass(frozen=True)
class When:
    """A prospective assessment's year, SSP scenario and efficiency doubling time (None
    for the present)."""

    year: int | None = None
    scenario: str | None = None
    doubling_years: float | None = None

    @property
    def present(self) -> bool:
        return self.year is None and self.scenario is None


@dataclass
class _Written:
    """What the Brightway side produced for this service."""

    service: Any                 # lca.data.service.ServiceFile (prospective copy if any)
    units: list                  # functional units
    warnings: list[dict]
    database: Any                # lca.data.inventory.ResolvedDatabase of the service
    prospective: dict | None     # provenance of a prospective rewrite
    project_dir: str


_PREPARED: dict[tuple, PreparedService] = {}
_KEEP = 64  # prepared services kept per process


def prepare(service: str | os.PathLike, *, data_dir: str | os.PathLike | None = None,
            year: int | None = None, scenario: str | None = None,
            doubling_years: float | None = None, cache: bool = True,
            overlays: tuple[str | os.PathLike, ...] | list = ()) -> PreparedService:
    """The prepared service for ``service`` (a service file), for the present or, with
    ``year`` and ``scenario``, for a future year (see :func:`lca.api.assess`).

    ``cache=False`` neither reads nor writes the result cache (the in-process memo of the
    object itself still holds while the project is unchanged). ``overlays``
    (``genai-lca/overlay@1`` files, e.g. from ``genai-lca measure``) are laid over the
    service in order (:func:`lca.measure.overlay.apply`); their content is part of the
    service's digest, the files themselves never change."""
    from lca.bw.project import data_dir as resolve_data_dir

    path = Path(service).expanduser().resolve()
    if not path.is_file():  # the words of lca.data.service.load_service
        raise InputError(Problem("service file not found", file=str(service)))
    overlays = tuple(Path(o).expanduser().resolve() for o in overlays)
    for o in overlays:
        if not o.is_file():
            raise InputError(Problem("overlay file not found", file=str(o), field="--overlay"))
    try:
        content = content_digest(path, overlays)
    except OSError as exc:
        raise InputError(Problem(f"cannot be read: {exc.strerror}", file=str(service))) from None
    if doubling_years is not None:
        from lca.checks import finite

        doubling_years = finite(doubling_years, "--doubling-years", low=0,
                                meaning="accelerator efficiency doubling time in years; 0: none")
    base = resolve_data_dir(data_dir)
    when = When(year, scenario, doubling_years)
    key = (str(path), content, str(base), when, cache, overlays)
    found = _PREPARED.get(key)
    if found is None:
        if len(_PREPARED) >= _KEEP:  # the oldest goes (dicts keep insertion order)
            del _PREPARED[next(iter(_PREPARED))]
        found = _PREPARED[key] = PreparedService(path, base, when, key[1], cache, overlays)
    return found


def content_digest(path: Path, overlays: tuple[Path, ...] = ()) -> str:
    """sha256 of the service file's bytes; with overlays, of the file and each overlay's
    bytes in order (so an overlaid service never shares results with the plain one)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if not overlays:
        return digest
    return hashlib.sha256("\0".join([digest] + [hashlib.sha256(o.read_bytes()).hexdigest()
                                               for o in overlays]).encode()).hexdigest()


def load_overlaid(path: Path, overlays: tuple[Path, ...]):
    """The service file ``path`` with ``overlays`` laid over it in order, loaded and checked
    as a service file (:func:`lca.data.service.load_service`); problems of the result name
    the service file and its overlays."""
    import dataclasses
    import tempfile

    from lca.data import parse_yaml, read_text
    from lca.data.service import load_service
    from lca.measure.overlay import apply

    loaded = load_service(path)  # the service file on its own is valid
    if not overlays:
        return loaded
    text = read_text(path)
    for o in overlays:
        text = apply(text, parse_yaml(read_text(o), o), str(o))
    label = " + ".join(map(str, (path, *overlays)))
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder) / path.name
        tmp.write_text(text, encoding="utf-8")
        try:
            loaded = load_service(tmp)
        except InputError as exc:
            raise InputError([dataclasses.replace(p, file=label) if p.file == str(tmp) else p
                              for p in exc.problems]) from None
    return dataclasses.replace(loaded, path=label)


class PreparedService:
    """A service ready to compute; build it with :func:`prepare`.

    Results are memoised in the object per functional unit and stored in the result cache;
    both hold while the Brightway project's stamps (:func:`lca.cache.project_stamps`) are
    those the result was computed under.
    """

    def __init__(self, path: Path, data_dir: Path, when: When, digest: str, cache: bool,
                 overlays: tuple[Path, ...] = ()):
        self.path, self.data_dir, self.when, self.digest = path, data_dir, when, digest
        self.overlays = overlays
        self.cache = _cache.ResultCache(_cache.directory(data_dir)) if cache else None
        self._written: _Written | None = None
        self._stamps: dict | None = None
        self._memo: dict[str, tuple[dict, Any]] = {}  # key -> (stamps, value)

    def __repr__(self) -> str:
        when = "" if self.when.present else f", {self.when.scenario} {self.when.year}"
        return f"<PreparedService {self.path.name}{when}>"

    # ------------------------------------------------------------------ caching
    def _key(self, verb: str, *args) -> str:
        from lca.data.files import inventory_root

        return _cache.content_key(verb, args, str(self.path), self.digest, str(self.data_dir),
                                  self.when, _cache.inventory_digest(inventory_root()))

    def _cached(self, verb: str, args: tuple, compute, fu: str | None = None):
        """The result of ``compute(written)`` for (verb, args): from the memo or the cache
        when their stamps still hold, else computed in the project and stored."""
        key = self._key(verb, *args)  # content: ~2 ms (file stamps, hashes when changed)
        if key in self._memo:
            stamps, value = self._memo[key]
            if _cache.stamps_of(stamps) == stamps:
                return value
        if self.cache is not None:
            found = self.cache.get(key)
            if found is not None:
                self._memo[key] = found
                return found[1]
        from lca.bw.project import lock, use_project

        with lock(self.data_dir, f"{verb} {self.path.name}"), use_project():
            written = self._write(fu)
            value = compute(written)
            stamps = _cache.project_stamps(written.project_dir)
        self._memo[key] = (stamps, value)
        if self.cache is not None:
            self.cache.put(key, value, stamps)
        return value

    # ------------------------------------------------------------------ Brightway side
    def _load(self):
        if content_digest(self.path, self.overlays) != self.digest:
            from lca.errors import LCAError

            raise LCAError(f"{self.path} changed since it was prepared; prepare it again")
        loaded = load_overlaid(self.path, self.overlays)
        if not self.when.present:
            from lca.prospective.service import Prospect, prospective_service

            prospect = Prospect.of(self.when.year, self.when.scenario,
                                   doubling_years=self.when.doubling_years)
            return prospective_service(loaded, prospect), prospect
        return loaded, None

    def _write_locked(self) -> _Written:
        from lca.bw.project import lock, use_project

        with lock(self.data_dir, f"write {self.path.name}"), use_project():
            return self._write()

    def _write(self, fu: str | None = None) -> _Written:
        """Build, validate and write the service (when its content changed), once per
        object while the project's stamps hold; inside the project and the lock. A bad
        functional unit ``fu`` fails before anything is written."""
        from lca.bw import writer
        from lca.bw.project import project_dir
        from lca.bw.setup import ensure_setup
        from lca.data.files import inventory_root, method_names
        from lca.data.inventory import resolve
        from lca.data.service import select_unit
        from lca.data.sources import load_sources
        from lca.model.genai import build

        if self._written is not None and self._stamps is not None \
                and _cache.stamps_of(self._stamps) == self._stamps:
            select_unit(self._written.units, fu)
            return self._written
        loaded, prospect = self._load()
        if loaded.file.functional_units:  # fail early on a bad --fu, before heavy imports
            select_unit(loaded.file.functional_units, fu)
        ensure_setup(self.data_dir)
        sources = load_sources(inventory_root() / "SOURCES")
        known = writer.known()
        inv, units, warnings = build(loaded, known)
        provenance = None
        if prospect is not None:
            from lca.bw.grids import grid_kg_per_kwh
            from lca.prospective.service import apply_prospect, grids_to_solve

            present = grid_kg_per_kwh(grids_to_solve(inv, known, loaded),
                                      method_names()["climate_change"]["name"])
            applied = apply_prospect(inv, known, loaded, prospect, present)
            inv, warnings = applied.inventory, list(warnings) + applied.warnings
            provenance = applied.provenance
        select_unit(units, fu)
        resolved = resolve(inv, known, sources)
        _check_magnitudes(resolved, str(self.path))  # before writing: a refusal changes nothing
        writer.write_databases(resolved)
        svc = loaded.file
        self._written = _Written(svc, units, warnings, resolved[svc.database], provenance,
                                 project_dir())
        self._stamps = _cache.project_stamps(self._written.project_dir)
        return self._written

    @property
    def id(self) -> str:
        """The service's id (its file's ``service.id``; prospective: with its suffix)."""
        if self._written is not None:
            return self._written.service.service.id
        return self._load()[0].file.service.id

    @property
    def database(self) -> str:
        """The service's Brightway database (written on first use)."""
        return (self._written or self._write_locked()).service.database

    # ------------------------------------------------------------------ verbs
    def assess(self, fu: str | None = None):
        """Totals per indicator, split by lifecycle stage and foreground activity, for
        functional unit ``fu`` (:class:`~lca.results.AssessmentResult`)."""
        return self._cached("assess", (fu,), lambda w: _assess(w, fu, self.data_dir), fu)

    def parameter_values(self) -> dict[str, float]:
        """Every parameter of the service's database (given, defaulted and derived by the
        model) evaluated at its amount: name -> value in the parameter's unit."""
        return self._cached("values", (), lambda w: {k: float(v) for k, v in
                                                     _values(w).items()})

    def description(self) -> dict:
        """The service file's ``service`` and ``model`` blocks as plain data (``model``:
        None for a service written as activities), without loading pydantic again."""
        return self._cached("description", (), lambda w: {
            "service": w.service.service.model_dump(),
            "model": w.service.model.model_dump() if w.service.model is not None else None})

    def contributions(self, fu: str | None = None, top: int = 10):
        """Contributions by process and elementary flow (``top`` + rest per indicator),
        pre-characterised share, parameters and sources
        (:class:`lca.bw.contributions.Contributions`)."""
        if top < 1:
            raise InputError(Problem(f"top must be at least 1; got {top}", field="--top"))
        return self._cached("contributions", (fu, top), lambda w: _contributions(w, fu, top),
                            fu)

    def compile(self, fu: str | None = None, *, background: bool = False):
        """The service as a :class:`~lca.core.compiled.CompiledModel` for ``fu`` (the unit's
        amount stays a formula, so uncertain demand propagates); ``background`` also
        extracts the background's uncertain entries."""
        def compute(w: _Written):
            from lca.bw.extract import compile_service
            from lca.data.files import method_names
            from lca.data.service import select_unit

            unit = select_unit(w.units, fu)
            methods = {k: s["name"] for k, s in method_names().items()}
            return compile_service(w.service.database, unit.activity, unit.amount, methods,
                                   background_uncertainty=background)

        return self._cached("compile", (fu, background), compute, fu)

    def uncertainty(self, samples: int = 1000, *, seed: int | None = None,
                    fu: str | None = None, progress: bool = False,
                    scheduler: str | None = None, background: bool = False,
                    out: str | os.PathLike | None = None):
        """Monte Carlo (:class:`~lca.analysis.uncertainty.UncertaintyResult`). ``out``
        (.parquet or .csv) receives every sample; Parquet on the local scheduler is
        streamed chunk by chunk, so memory stays bounded at 10^6 samples. A sample that is
        not finite is an InputError, and then no file is written."""
        from lca.analysis.uncertainty import ParquetSink, run
        from lca.outputs import check_output, write_file

        if out is not None:
            out = check_output(out, {".parquet": "samples", ".csv": "samples"})
        model = self.compile(fu, background=background)
        stream = out is not None and out.suffix.lower() == ".parquet" and \
            scheduler in (None, "local")

        def sample(sink=None):
            return run(model, samples, seed=seed, progress=progress, scheduler=scheduler,
                       sink=sink, background=background)

        if stream:  # into a temporary file beside ``out``, moved into place once complete
            done = {}

            def stream_to(target: Path) -> None:
                sink = ParquetSink(target, list(model.spec.indicators), model.stage_names)
                try:
                    done["result"] = sample(sink)
                finally:
                    sink.close()
                done["result"].check_finite()  # NaN/inf: an error, and no file

            write_file(out, stream_to)
            return done["result"]
        result = sample()
        if out is not None:
            result.check_finite()  # NaN/inf: an error before any file is written
            frame = result.to_frame()
            if out.suffix.lower() == ".parquet":
                write_file(out, lambda target: frame.to_parquet(target, index=False))
            else:
                write_file(out, lambda target: frame.to_csv(target, index=False))
        return result

    def sensitivity(self, method: str = "oat", *, params: list[str] | None = None,
                    bounds: dict[str, tuple[float, float]] | None = None,
                    samples: int = 1024, seed: int | None = None, fu: str | None = None):
        """Sensitivity to the uncertain parameters (and fixed ones given ``bounds``):
        ``oat``, ``morris`` or ``sobol``; a tidy DataFrame (:mod:`lca.analysis.sensitivity`)."""
        from lca.analysis import sensitivity as sens

        sens.check_method(method)  # before compiling
        return sens.run(self.compile(fu), method, params, bounds=bounds, samples=samples,
                        seed=seed)

    def graph(self):
        """The service's stage graph (:class:`networkx.DiGraph`, see :mod:`lca.bw.graph`)."""
        def compute(w: _Written):
            from lca.bw.graph import service_graph

            g = service_graph(w.service.database)
            g.graph["title"] = w.service.service.name
            return g

        return self._cached("graph", (), compute)

    def export(self, out: str | os.PathLike, format: str | None = None) -> list[Path]:
        """The service's database(s) in bw2io's Excel format (``format="excel"``): the
        service to ``out``, its companion inputs database, when it has one, to
        ``<stem>-inputs.xlsx``; or (``format="olca"``) the service with its whole background
        as one openLCA JSON-LD zip (:mod:`lca.bw.olca`). ``format=None``: from the suffix."""
        from lca.bw.project import lock, use_project
        from lca.outputs import check_output, write_file, writing

        format = export_format(out, format)
        if format == "olca":
            out = check_output(out, {".zip": "openLCA JSON-LD zip"})
        else:
            out = check_output(out, {".xlsx": "bw2io Excel workbook"})
        with lock(self.data_dir, f"export {self.path.name}"), use_project():
            database = self._write().service.database
            if format == "olca":
                from lca.bw.olca import export_olca
                from lca.data.files import method_names

                methods = [s["name"] for s in method_names().values()]
                write_file(out, lambda target: export_olca(database, target, methods=methods))
                return [out]
            from lca.bw.export import export_service

            with writing(out):
                return export_service(database, out)


#: Export formats: name -> the suffix of --out that selects it when no format is given.
EXPORT_FORMATS = {"excel": ".xlsx", "olca": ".zip"}


def export_format(out: str | os.PathLike, format: str | None) -> str:
    """``format`` checked, or the format of ``out``'s suffix (.xlsx: excel, .zip: olca)."""
    if format is None:
        by_suffix = {v: k for k, v in EXPORT_FORMATS.items()}
        return by_suffix.get(Path(out).suffix.lower(), "excel")
    if format not in EXPORT_FORMATS:
        raise InputError(Problem(f"unknown export format '{format}'; use one of "
                                 f"{', '.join(EXPORT_FORMATS)}", field="--format"))
    return format


# ---------------------------------------------------------------------- checks
#: Largest exchange amount (per unit of the activity) taken as meaningful: beyond it the
#: technosphere matrix is singular or ill-conditioned in floating point (and bw_processing's
#: float32 uncertainty columns overflow at ~3.4e38).
MAX_AMOUNT = 1e30


def _check_magnitudes(resolved: dict, file: str) -> None:
    """An InputError if a parameter or an exchange amount of a database about to be written
    is not finite or beyond :data:`MAX_AMOUNT`, naming the exchange and the parameter that
    drives it (the input parameter, among those its formula rests on, farthest from 1)."""
    import math

    from lca.formula import Formula, evaluate_all, extreme_input

    for db in resolved.values():
        if db.biosphere:
            continue
        given = {p["name"]: p.get("formula", p["amount"]) for p in db.parameters}
        for params in db.activity_parameters.values():
            given.update({p["name"]: p.get("formula", p["amount"]) for p in params})
        try:
            values = evaluate_all(given)
        except Exception:  # noqa: BLE001 - not ours to report: the writer's checks say it
            values = {}
        uses = {k: Formula(v).names for k, v in given.items() if isinstance(v, str)}

        def driver(names) -> str:
            worst = extreme_input(names, uses, values)
            if worst is None:
                return ""
            return f"; driven by parameter '{worst}' = {float(values[worst]):g}: check its " \
                   "value and unit"

        for name, v in values.items():
            if isinstance(v, float) and not math.isfinite(v):
                raise InputError(Problem(f"parameter '{name}' evaluates to {v}"
                                         f"{driver(uses.get(name, ()))}", file=file))
        for (_, code), act in db.data.items():
            for exc in act.get("exchanges", []):
                amount = exc.get("amount")
                if not isinstance(amount, (int, float)):
                    continue
                if not math.isfinite(amount) or abs(amount) > MAX_AMOUNT:
                    formula = exc.get("formula")
                    names = Formula(formula).names if isinstance(formula, str) else ()
                    shown = f" = {formula}" if formula else ""
                    raise InputError(Problem(
                        f"exchange '{code}' -> '{exc['input'][1]}' has amount {amount:.3g}"
                        f"{shown}, not a finite number of at most {MAX_AMOUNT:g} (the system "
                        f"would be singular or meaningless){driver(names)}", file=file))


# ---------------------------------------------------------------------- computations
def _values(w: _Written) -> dict:
    from lca.formula import evaluate_all

    return evaluate_all({p["name"]: p.get("formula", p["amount"]) for p in w.database.parameters})


def _assess(w: _Written, fu: str | None, data_dir: Path):
    from lca.bw.compute import solve
    from lca.data.files import method_names
    from lca.data.service import select_unit
    from lca.formula import Formula
    from lca.results import AssessmentResult, Indicator

    specs = method_names()
    svc = w.service
    unit = select_unit(w.units, fu)
    values = _values(w)
    amount = float(Formula(unit.amount).evaluate(values))
    methods = {k: s["name"] for k, s in specs.items()}
    sol = solve({(svc.database, unit.activity): amount}, methods, svc.database)
    evidence = _evidence_shares({(svc.database, unit.activity): amount}, methods)
    provenance = _provenance(data_dir, w.database, specs)
    provenance["allocation"] = _allocation(svc)
    if (hw := _embodied_hardware(svc)) is not None:
        provenance["embodied_hardware"] = hw
    if w.prospective is not None:
        provenance["prospective"] = w.prospective
    if svc.model is not None and svc.model.stated_impacts:
        provenance["stated_impacts"] = _stated_impacts(svc.model.stated_impacts, values)
    indicators = {k: Indicator(k, s["label"], s["name"], s["unit"], sol.totals[k],
                               sol.by_stage[k], {key[1]: v for key, v in sol.by_activity[k].items()})
                  for k, s in specs.items()}
    functional_unit = {"id": unit.id, "name": unit.name, "amount": 1.0, "unit": unit.unit,
                       "reference_flow": {"activity": [svc.database, unit.activity],
                                          "amount": amount, "formula": unit.amount}}
    for kind in TOKEN_CLASSES:  # tokens the unit carries, each class apart (prefill vs decode)
        if f"{kind}_tokens_per_request" in values and unit.activity == "request":
            functional_unit[f"{kind}_tokens"] = amount * float(values[f"{kind}_tokens_per_request"])
    serving = {k: float(values[k]) for k in REPORTED if k in values} \
        if "serving_activity" in values else {}
    warnings = list(w.warnings)
    if not any(x["code"].startswith("aware-") for x in warnings):
        warnings.append(AWARE_WORLD_AVERAGE)
    return AssessmentResult(
        service=svc.service.id, service_name=svc.service.name,
        functional_unit=functional_unit, indicators=indicators,
        energy_total_kwh=sol.energy_total, energy_by_stage_kwh=sol.energy_by_stage,
        provenance=provenance, warnings=warnings, serving=serving, evidence=evidence)


def _evidence_shares(demand: dict, methods: dict) -> dict:
    """Indicator -> evidence kind -> share of the total (lca.bw.evidence; issue 16)."""
    from lca.bw.evidence import evidence_shares

    return evidence_shares(demand, methods, {k: s.kind for k, s in _bibliography().items()})


def _bibliography() -> dict:
    """Source id -> :class:`~lca.data.sources.Source`: the package's bibliography and the
    ``sources:`` of every database written in the current project (issue 15)."""
    from lca.bw.writer import local_sources
    from lca.data.files import inventory_root
    from lca.data.sources import load_sources

    return {**local_sources(), **load_sources(inventory_root() / "SOURCES")}


def _contributions(w: _Written, fu: str | None, top: int):
    import dataclasses

    from lca.bw import contributions as contrib
    from lca.data.files import method_names
    from lca.data.service import select_unit
    from lca.formula import Formula

    unit = select_unit(w.units, fu)
    amount = float(Formula(unit.amount).evaluate(_values(w)))
    methods = {k: s["name"] for k, s in method_names().items()}
    result = contrib.contributions({(w.service.database, unit.activity): amount}, methods,
                                   top=top)
    params = contrib.parameters(w.service.database)
    uses = dict(result.source_uses)
    for p in params:
        if p["source"]:
            uses[p["source"]] = uses.get(p["source"], 0) + 1
    known = _bibliography()
    fields = ("citation", "year", "licence", "url", "kind")
    sources = [{"id": sid, **({k: getattr(known[sid], k) for k in fields} if sid in known
                              else {"citation": "(not in the bibliography)"}), "uses": n}
               for sid, n in sorted(uses.items())]
    return dataclasses.replace(result, parameters=params, sources=sources)


def _provenance(base: Path, rdb, specs: dict) -> dict:
    import platform

    from lca.bw.project import PROJECT, inventory_provenance

    versions = {pkg: _version(pkg) for pkg in ("genai-lca", "bw2data", "bw2calc", "bw2io",
                                                "numpy", "scipy", "pint")}
    versions["python"] = platform.python_version()
    return {"inventories": inventory_provenance(rdb.name),
            "methods": [{"indicator": k, "name": list(s["name"]), "unit": s["unit"],
                         "characterisation_factors_from": list(s["from_bw2io"])}
                        for k, s in specs.items()],
            "versions": versions, "project": PROJECT, "data_dir": str(base)}


def _allocation(svc) -> dict:
    """The allocation rules in force, for the provenance block."""
    if svc.model is None:
        return {"rule": "as written in the service file's activities"}
    if not (svc.model.inference or svc.model.training or svc.model.fine_tuning):
        return {"rule": "as stated by the provider (model.stated_impacts); nothing modelled"}
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
        "electricity": svc.model.electricity.model_dump() if svc.model.electricity else None,
    }


def _stated_impacts(terms, values: dict) -> list[dict]:
    """The stated terms (issue 15) for the provenance block: id, stage, per, source and each
    value as the file states it and in the indicator's unit (the parameter's value)."""
    from lca.data.stated import indicators, parameter_name

    out = []
    for t in terms:
        stated = {}
        for key, v in t.values.items():
            entry = {"amount": v.amount} if v.amount is not None else {"formula": v.formula}
            stated[key] = {**entry, "unit": v.unit,
                           "value": float(values[parameter_name(t.id, key)]),
                           "value_unit": indicators()[key].unit}
        out.append({"id": t.id, "stage": t.stage, "per": t.per, "source": t.source,
                    "values": stated})
    return out


def _embodied_hardware(svc) -> dict | None:
    """The accelerator's embodied route, the stated default and the published cross-check
    figures for it (issue 14), for the provenance block."""
    from lca.data.embodied_ranges import DEFAULT_RULE, published

    model = svc.model
    if model is None or model.hardware is None or not model.boundary.embodied:
        return None
    ident = model.hardware.accelerator
    if ident in (None, "custom"):
        return None
    return {"accelerator": ident, "route": model.hardware.embodied, "default": DEFAULT_RULE,
            "cross_checks": published(ident)}


def _version(pkg: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return None
