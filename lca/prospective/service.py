"""Prospective LCA: a service as it would run in a future year under an SSP scenario.

:class:`Prospect` holds the choice (scenario, year, efficiency trend);
:func:`prospective_service` renames the service (its own database, so the present one is
kept) and :func:`apply_prospect` rewrites the records :func:`lca.model.genai.build` made:

- **Grid electricity.** Every link to a grid (an activity tagged ``energy: grid
  electricity``, location-based or stated) goes through a companion activity
  ``<db>-inputs/prospective-<code>``: 1 kWh of the original grid plus a pre-characterised
  GWP100 correction ``(I0 - F) x (grid_index - 1)`` kg CO2-eq/kWh, so the grid's GHG
  becomes ``F + (I0 - F) x grid_index`` (:func:`~lca.prospective.scenarios.grid_intensity_g_per_kwh`)
  while its water and everything else stay as they are. Market-based factors are kept.
- **Accelerator efficiency.** The parameters that measure accelerator time or energy per
  unit of work (:data:`EFFICIENCY_PARAMETERS`) are renamed ``<name>_present`` and
  replaced by ``<name>_present * prospective_efficiency_factor``, with the factor
  ``2^-((year - base) / doubling_years)`` (Koomey's law): energy, GPU-hours, embodied share
  and datacentre share per request all follow. Embodied footprint per accelerator, PUE,
  WUE and idle energy stay as stated.

Pure: records and numbers in, records out (no Brightway). The present intensity ``I0`` of
each grid is the project's own: the caller asks :func:`grids_to_solve` which grids need it,
solves them in the Brightway project (:func:`lca.bw.grids.grid_kg_per_kwh`, the score
``assess`` computes for one kWh) and passes the numbers to :func:`apply_prospect`. A stated
factor (``grid_gwp_kg_per_kwh``) is read from the service's own parameters. Every change is
listed in the result's warnings (code ``prospective``) and in ``provenance["prospective"]``.

References
----------
1. Koomey J., Naffziger S. (2015), IEEE Spectrum: efficiency doubling every ~2.6 years
   since 2000 (default ``doubling_years``); Koomey et al. (2011), doi:10.1109/MAHC.2010.28.
2. Grid proxy: ``inventories/scenarios/README.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lca.data import parameters
from lca.data.inventory import InventorySet, Known, SourcedFile
from lca.data.names import inputs_database
from lca.data.schema import Activity, Exchange, InventoryFile, Parameter
from lca.data.service import Service
from lca.errors import InputError, Problem
from lca.prospective.scenarios import (LAST_YEAR, ScenarioData, check_year, grid_index,
                                       grid_intensity_g_per_kwh, load_scenarios, scenario_name)

ASSUMPTIONS = "genai-lca-prospective-assumptions"
KOOMEY = "koomey-naffziger-2015"
GWP_FLOW = ("GWP100, pre-characterised", ["air"])
#: Parameters measuring accelerator time or energy for a fixed amount of work, by the
#: service model's energy model: those lca.data.parameters marks ``efficiency_scaled``.
EFFICIENCY_PARAMETERS = parameters.EFFICIENCY_PARAMETERS


def efficiency_factor(year: int, base_year: int, doubling_years: float | None) -> float:
    """Energy (and accelerator time) per unit of work relative to ``base_year``:
    ``2^-((year - base_year) / doubling_years)``; 1 when ``doubling_years`` is None or 0."""
    if not doubling_years:
        return 1.0
    return 2.0 ** (-(year - base_year) / doubling_years)


@dataclass(frozen=True)
class Prospect:
    """A future year under a scenario, as applied by ``assess(..., year=, scenario=)``.

    Build it with :meth:`of` (validates). ``doubling_years``: efficiency doubling time of
    accelerators in years (Koomey; ``of`` defaults it to ``parameters.csv``'s 2.6 years);
    0 (stored as None): no efficiency gain.
    """

    scenario: str
    year: int
    doubling_years: float | None
    base_year: int
    grid_index: float
    floor_g_per_kwh: float
    demand_growth: float

    @classmethod
    def of(cls, year: int | None, scenario: str | None, *, doubling_years: float | None = None,
           data: ScenarioData | None = None) -> Prospect:
        if year is None or scenario is None:
            raise InputError(Problem("a prospective assessment needs both --year and "
                                     "--scenario (e.g. --year 2035 --scenario SSP2-4.5)",
                                     field="--year" if year is None else "--scenario"))
        data = data or load_scenarios()
        name = scenario_name(scenario)
        base = int(data.parameter("grid_base_year"))
        check_year(year, base, LAST_YEAR)
        if doubling_years is None:
            doubling_years = data.parameter("koomey_doubling_years_recent")
        if doubling_years < 0:
            raise InputError(Problem(f"the efficiency doubling time must be >= 0 years (0: no "
                                     f"efficiency gain); got {doubling_years}",
                                     field="--doubling-years"))
        return cls(name, int(year), doubling_years or None, base,
                   grid_index(data, name, int(year)), data.parameter("grid_floor_g_per_kwh"),
                   data.parameter("electricity_demand_growth"))

    @property
    def efficiency(self) -> float:
        return efficiency_factor(self.year, self.base_year, self.doubling_years)

    @property
    def suffix(self) -> str:
        """``ssp245-2035`` (grid only) or ``ssp245-2035-k2.6`` (with the efficiency trend's
        doubling time), so every choice gets its own database."""
        base = f"{re.sub(r'[^0-9a-z]', '', self.scenario.lower())}-{self.year}"
        return base if self.doubling_years is None else f"{base}-k{self.doubling_years:g}"


def prospective_service(service: Service, prospect: Prospect) -> Service:
    """A copy of ``service`` with id ``<id>-<suffix>`` (its own Brightway database; see
    :attr:`Prospect.suffix`)."""
    svc = service.file
    meta = svc.service.model_copy(update={
        "id": f"{svc.service.id}-{prospect.suffix}",
        "name": f"{svc.service.name} [prospective: {prospect.scenario}, {prospect.year}]"})
    digest = hashlib.sha256(f"{service.digest}|{prospect!r}".encode()).hexdigest()
    return Service(svc.model_copy(update={"service": meta}), service.path, digest)


@dataclass
class Applied:
    """The rewritten records, the coded warnings and the provenance block."""

    inventory: InventorySet
    warnings: list[dict] = field(default_factory=list)
    provenance: dict = field(default_factory=dict)


def grids_to_solve(inv: InventorySet, known: Known, service: Service) -> list[tuple[str, str]]:
    """The grids ``(database, code)`` the built records of ``service`` link to whose present
    GHG must come from the Brightway project (location-based grids; not market-based
    contracts, which are kept, nor a stated factor, which the service's parameters give)."""
    files = [f.content for f in inv.files]
    grids, _ = _grid_links(files, known)
    inputs_db = f"{service.file.database}-inputs"
    local = {(f.database, a.code) for f in files for a in f.activities}
    return [key for key in sorted(grids) if not (key in local and key[0] == inputs_db)]


def _grid_links(files: list[InventoryFile], known: Known
                ) -> tuple[dict[tuple[str, str], str], list[str]]:
    """(grid key -> companion code, market-based grids kept) for every link to a grid."""
    local = {(f.database, a.code): a for f in files for a in f.activities}
    grids: dict[tuple[str, str], str] = {}       # original grid key -> companion code
    kept: list[str] = []
    for f in files:
        for a in f.activities:
            for e in a.exchanges:
                key = _key(f.database, e.input) if e.input is not None else None
                props = (local[key].properties if key in local else
                         known.properties.get(key, {})) if key else {}
                if props.get("energy") != "grid electricity":
                    continue
                if props.get("basis") in ("market-based", "linked"):  # the user's own grid: kept
                    if f"{key[0]}/{key[1]}" not in kept:
                        kept.append(f"{key[0]}/{key[1]}")
                elif key not in grids:
                    grids[key] = f"prospective-{key[1]}"
    return grids, kept


def apply_prospect(inv: InventorySet, known: Known, service: Service, prospect: Prospect,
                   present_kg_per_kwh: Mapping[tuple[str, str], float]) -> Applied:
    """Rewrite the built records of ``service`` for ``prospect`` (see the module docstring).

    ``present_kg_per_kwh``: the present life-cycle GHG (kg CO2-eq/kWh) of every grid of
    :func:`grids_to_solve`, as solved in the project
    (:func:`lca.bw.grids.grid_kg_per_kwh`)."""
    db = service.file.database
    files = [f.content for f in inv.files]
    local = {(f.database, a.code): a for f in files for a in f.activities}
    grids, kept = _grid_links(files, known)
    inputs_db = inputs_database(db)
    rewritten, grid_rows = [], []
    params = [Parameter(name="grid_index", amount=prospect.grid_index, unit="dimensionless",
                        source=ASSUMPTIONS, comment=f"{prospect.scenario} {prospect.year}: "
                        "[ffi(y)/ffi(base)] / (1 + g)^(y - base)"),
              Parameter(name="grid_floor_kg_per_kwh", amount=prospect.floor_g_per_kwh / 1000,
                        unit="kg CO2-Eq/kWh", source=ASSUMPTIONS,
                        comment="life-cycle GHG of today's world low-carbon generation mix")]
    companions = []
    for i, (key, code) in enumerate(sorted(grids.items())):
        if key in local and key[0] == inputs_db:  # a stated factor: its parameter is I0
            present, present_kg = "grid_gwp_kg_per_kwh", _stated_kg(files, inputs_db)
        else:
            if key not in present_kg_per_kwh:
                raise ValueError(f"apply_prospect needs the present GHG of grid "
                                 f"'{key[0]}/{key[1]}': solve grids_to_solve(...) with "
                                 "lca.bw.grids.grid_kg_per_kwh and pass the result")
            present = f"grid_present_kg_per_kwh_{i}"
            present_kg = float(present_kg_per_kwh[key])
            params.append(Parameter(name=present, amount=present_kg, unit="kg CO2-Eq/kWh",
                                    source=ASSUMPTIONS, comment=f"life-cycle GHG of "
                                    f"{key[0]}/{key[1]}, solved in the project (present)"))
        companions.append(_companion(key, code, present, prospect))
        future = grid_intensity_g_per_kwh(present_kg * 1000, prospect.grid_index,
                                          prospect.floor_g_per_kwh)
        grid_rows.append({"activity": f"{key[0]}/{key[1]}",
                          "present_g_per_kwh": present_kg * 1000,
                          "prospective_g_per_kwh": future})
    scaled: list[str] = []
    for f in files:
        acts = [_redirect(f.database, a, grids, inputs_db) for a in f.activities]
        fparams = list(f.parameters)
        if f.database == db and prospect.doubling_years and service.file.model is not None:
            fparams, scaled = _scale_efficiency(fparams, prospect)
        if f.database == inputs_db:
            fparams += [p for p in params if p.name not in {q.name for q in fparams}]
            acts += companions
        rewritten.append(f.model_copy(update={"activities": acts, "parameters": fparams}))
    if companions and not any(f.database == inputs_db for f in files):
        rewritten.append(InventoryFile(database=inputs_db, parameters=params,
                                       activities=companions))
    digest = hashlib.sha256(f"{inv.digest()}|{prospect!r}".encode()).hexdigest()
    out = InventorySet(files=[SourcedFile(service.path, c, digest) for c in rewritten],
                       extra_exchanges=inv.extra_exchanges, csv_digests=inv.csv_digests)
    return Applied(out, _warnings(prospect, grid_rows, scaled, kept, service),
                   _provenance(prospect, grid_rows, scaled, kept))


def _key(db: str, ref: str | list[str]) -> tuple[str, str]:
    if isinstance(ref, (list, tuple)):
        return (ref[0], ref[1])
    return tuple(ref.rsplit("/", 1)) if "/" in ref else (db, ref)


def _redirect(db: str, act: Activity, grids: dict, inputs_db: str) -> Activity:
    if not any(e.input is not None and _key(db, e.input) in grids for e in act.exchanges):
        return act
    exchanges = [e.model_copy(update={"input": f"{inputs_db}/{grids[_key(db, e.input)]}"})
                 if e.input is not None and _key(db, e.input) in grids else e
                 for e in act.exchanges]
    return act.model_copy(update={"exchanges": exchanges})


def _companion(key: tuple[str, str], code: str, present: str, p: Prospect) -> Activity:
    return Activity(
        code=code, name=f"electricity, {key[1]}, prospective {p.scenario} {p.year}",
        unit="kilowatt hour", source=ASSUMPTIONS,
        comment="the grid as it is, plus a GWP100 correction to the scenario's intensity "
                "(inventories/scenarios/README.md); water unchanged",
        properties={"basis": "prospective", "scenario": p.scenario, "year": p.year},
        exchanges=[Exchange(input=f"{key[0]}/{key[1]}", amount=1, unit="kWh"),
                   Exchange(flow=GWP_FLOW[0], categories=GWP_FLOW[1], unit="kg CO2-Eq",
                            formula=f"({present} - min(grid_floor_kg_per_kwh, {present})) * "
                                    "(grid_index - 1)",
                            comment="prospective correction: (I0 - F) x (index - 1)")])


def _stated_kg(files: list[InventoryFile], inputs_db: str) -> float:
    from lca.formula import evaluate_all

    params = [p for f in files if f.database == inputs_db for p in f.parameters]
    values = evaluate_all({p.name: p.formula if p.formula is not None else p.amount
                           for p in params})
    return float(values["grid_gwp_kg_per_kwh"])


def _scale_efficiency(params: list[Parameter], p: Prospect) -> tuple[list[Parameter], list[str]]:
    out = [Parameter(name="prospective_efficiency_factor", amount=p.efficiency,
                     unit="dimensionless", source=KOOMEY,
                     comment=f"2^-(({p.year} - {p.base_year}) / {p.doubling_years:g} years)")]
    scaled = []
    for q in params:
        inherits = q.formula is not None and any(  # derived from a scaled one: scaled already
            re.search(rf"\b{n}\b", q.formula) for n in EFFICIENCY_PARAMETERS)
        if q.name not in EFFICIENCY_PARAMETERS or inherits:
            out.append(q)
            continue
        scaled.append(q.name)
        out.append(q.model_copy(update={"name": f"{q.name}_present"}))
        out.append(Parameter(name=q.name, formula=f"{q.name}_present * "
                             "prospective_efficiency_factor", unit=q.unit, source=KOOMEY,
                             comment=f"prospective: {q.name} of {p.base_year} hardware x the "
                                     "efficiency factor"))
    return out, scaled


def _warnings(p: Prospect, grids: list[dict], scaled: list[str], kept: list[str],
              service: Service) -> list[dict]:
    changes = [f"{g['activity']} {g['present_g_per_kwh']:.0f} -> "
               f"{g['prospective_g_per_kwh']:.0f} g CO2-eq/kWh" for g in grids]
    if p.doubling_years and scaled:
        eff = (f"accelerator time and energy per unit of work x {p.efficiency:.3g} (efficiency "
               f"doubling every {p.doubling_years:g} years from {p.base_year}; scaled: "
               f"{', '.join(scaled)})")
    elif p.doubling_years:
        eff = "no accelerator time or energy parameter to scale: efficiency not applied"
    else:
        eff = "no efficiency change (doubling time 0)"
    out = [{"code": "prospective", "message":
            f"prospective assessment for {p.year} under {p.scenario}: grid GHG "
            f"{'; '.join(changes) or 'unchanged (no grid link)'} (derived proxy, "
            f"inventories/scenarios/README.md); {eff}; embodied footprint per accelerator, "
            "PUE, WUE, idle energy and the grid's water kept at present values"}]
    if kept:
        out.append({"code": "prospective-market-based-kept", "message":
                    f"market-based or linked electricity {', '.join(kept)} kept as stated (a "
                    "contract or the user's own Brightway activity, not a grid that follows "
                    "the scenario)"})
    if p.doubling_years and service.file.model is None:
        out.append({"code": "prospective-efficiency-not-applied", "message":
                    "the service is written as activities (no model: block): no efficiency "
                    "trend applied, only the grid"})
    return out


def _provenance(p: Prospect, grids: list[dict], scaled: list[str], kept: list[str]) -> dict:
    return {"scenario": p.scenario, "year": p.year, "base_year": p.base_year,
            "grid": {"index": p.grid_index, "floor_g_per_kwh": p.floor_g_per_kwh,
                     "electricity_demand_growth": p.demand_growth, "activities": grids,
                     "market_based_kept": kept,
                     "rule": "I = F + (I0 - F) x [ffi(y)/ffi(base)] / (1 + g)^(y - base), "
                             "F = min(floor, I0)"},
            "efficiency": {"doubling_years": p.doubling_years, "factor": p.efficiency,
                           "parameters_scaled": scaled},
            "sources": ["rcmip-ssp-emissions-2020", ASSUMPTIONS, KOOMEY]}
