"""The generative-AI service model: a service description -> Brightway activities.

A service file with a ``model:`` block (see ``inventories/services/README.md``) names its
structural choices (hardware, datacentre, grid, energy models, boundary switches) and
gives its numbers as parameters with units and sources. :func:`generate` turns it into
inventory records: one activity per lifecycle stage and sub-stage, whose exchanges are
formulas over the service's parameters, so the result stays a parametric Brightway model
(Activity Browser shows and recomputes it; the fast core samples it).

Semantics made explicit (docs/DESIGN.md section 4; each is a formula written below):

- IT vs facility energy: facility = IT x ``pue`` (or x 1 when the study's boundary has no
  PUE). A power or energy input flagged ``*_includes_pue = 1`` is facility energy already:
  IT = input / pue, so PUE is never applied twice.
- On-site water = ``wue_l_per_kwh`` x IT energy (withdrawal taken equal to evaporation);
  off-site water comes with the grid electricity (facility energy).
- Embodied hardware by time share: units = GPU-hours used / (lifetime x 8,760 x
  utilisation); servers in proportion ``1 / gpus_per_server``.
- Training (and fine-tuning) amortised over every request served in the deployment.
- Datacentre infrastructure by IT power share: MW-year = IT kWh / (1,000 x 8,760 x load).

Pure: the background's key figures (TDP, PUE, WUE, ...) come in through
:class:`~lca.data.inventory.Known`; defaults taken from there are recorded as coded
warnings (``default-<parameter>``) and carry the background record's source.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field

from lca import units
from lca.data import names as N, parameters
from lca.data.datacenter import DEFAULT_INFRASTRUCTURE
from lca.data.inventory import InventorySet, Known, SourcedFile
from lca.data.links import Link, LinkError, resolve_link
from lca.data.schema import Activity, Exchange, InventoryFile, Parameter
from lca.data.service import Campaign, FunctionalUnit, Inference, Service, ServiceModel
from lca.errors import FormulaError, InputError, Problem, UnitError

HARDWARE_DB, DATACENTER_DB, ELECTRICITY_DB = N.HARDWARE_DB, N.DATACENTER_DB, N.ELECTRICITY_DB
MODEL_SOURCE = "genai-lca-service-model"
_NO_IDLE = "default: no idle energy given"

#: The unit each parameter the model reads is in, then the other spellings of the same
#: quantity it accepts (lca.data.parameters, with each parameter's domain and role): a
#: ``_per_request`` parameter may say "per request" in its unit or only in its name,
#: GPU-hours may count the GPU, and a count (GPUs, tokens, images) may be a plain number.
#: The formulas below do no unit conversion, so any other unit is refused (see
#: ``_Builder.check_units``).
PARAMETER_UNITS = parameters.PARAMETER_UNITS


@dataclass
class Generated:
    """Records for the service database (and its companion inputs database)."""

    files: list[InventoryFile]
    functional_units: list[dict]
    warnings: list[dict] = field(default_factory=list)


class _Builder:
    def __init__(self, db: str, spec: ServiceModel, kind: str, params: list[Parameter],
                 known: Known, path: str):
        self.db, self.spec, self.kind, self.known, self.path = db, spec, kind, known, path
        self.params = {p.name: p for p in params}
        self.added: list[Parameter] = []
        self.inputs: list[Activity] = []  # companion database (stated grid, custom hardware)
        self.eol: list[Activity] = []  # the shared end-of-life activity, once
        self.input_params: list[Parameter] = []
        self.problems: list[Problem] = []
        self.warnings: list[dict] = []
        self.missing: set[str] = set()  # required parameters reported (or excused) once
        self.unknown: set[tuple] = set()  # background records named but not found

    # ----------------------------------------------------------------- checks
    def check_records(self) -> None:
        """Each background record the block names exists; an unknown one is reported here,
        once, rather than as the properties it cannot give (see :meth:`default`)."""
        values = {"accelerators": self.spec.hardware.accelerator,
                  "servers": self.spec.hardware.server,
                  "datacenters": self.spec.hardware.datacenter,
                  "grids": self.spec.electricity.location
                  if self.spec.electricity.basis == "location-based" else None}
        for catalog, ident in values.items():
            cat = N.CATEGORIES[catalog]
            fld, what, db, prefix = cat.model_field, cat.what, cat.database, cat.prefix
            if ident is None or ident == "custom" and fld.startswith("hardware.") \
                    or db not in self.known.databases or (db, prefix + ident) in self.known.units:
                continue
            self.unknown.add((db, prefix + ident))
            ids = sorted(i for d, code in self.known.units if d == db
                         and (i := cat.ident(code)) is not None)
            close = difflib.get_close_matches(ident, ids, n=3, cutoff=0.6)
            known = (f"closest known: {', '.join(close)}" if close else
                     f"known: {', '.join(ids) or 'none'}" if len(ids) <= 20 else "")
            self.problems.append(Problem(
                f"unknown {what} '{ident}' (no '{prefix}{ident}' in {db}); "
                f"{known + '; ' if known else ''}see 'genai-lca catalog {catalog}'",
                file=self.path, field=f"model.{fld}"))

    def check_units(self) -> None:
        """Each parameter the model reads is in the unit its formulas assume. A compatible
        unit (kW for W) is refused too, with the factor: the file's number is also read as
        written outside the generated database (sweeps, bounds, prospective outlook)."""
        for p in self.params.values():
            accepted = PARAMETER_UNITS.get(p.name)
            if accepted is None or p.unit is None:
                continue
            try:
                given = units.parse_unit(p.unit)
            except UnitError:
                continue  # the resolver reports an unknown unit
            if any(given == units.parse_unit(u) for u in accepted):
                continue
            expected = f"'{accepted[0]}'" + "".join(f" or '{u}'" for u in accepted[1:])
            try:
                factor = units.conversion_factor(p.unit, accepted[0])
                fix = (f": give the amount in {accepted[0]} (1 {p.unit} = {factor:g} "
                       f"{accepted[0]}); the model's formulas do not convert units")
            except UnitError as exc:
                fix = f", a different quantity ({exc.reason})"
            self.problems.append(Problem(
                f"parameter '{p.name}' must be in {expected}; got '{p.unit}'{fix}",
                file=self.path, field=f"parameters.{p.name}.unit"))

    def check_domains(self) -> None:
        """Each parameter of the registry (lca.data.parameters) the service has, given or
        defaulted, is in its physical domain: its value (a number, or its formula's result)
        and, when it has one, its distribution's support. A formula that cannot be
        evaluated is skipped here: the resolver reports it at its own parameter."""
        from lca.data.distributions import from_stats_arrays
        from lca.formula import Formula, extreme_input

        values = _values(self.params.values())
        for spec in parameters.checked() + parameters.constraints():
            p, value = self.params.get(spec.name), values.get(spec.name)
            if p is None or value is None:
                continue
            where = {"file": self.path, "field": f"parameters.{spec.name}"}
            must = f"parameter '{spec.name}' must be {spec.domain} ({spec.description})"
            if not spec.domain.contains(value):
                origin = (f" ({p.comment})" if p in self.added and p.comment else
                          f" (formula '{p.formula}')" if p.formula is not None else "")
                got = f"got {value:g}"
                if not math.isfinite(value):
                    uses = {q.name: Formula(q.formula).names for q in self.params.values()
                            if q.formula is not None}
                    worst = extreme_input(uses.get(spec.name, ()), uses, values)
                    got += (f", an overflow driven by parameter '{worst}' = "
                            f"{values[worst]:g}: check its value and unit" if worst else
                            ", an overflow")
                self.problems.append(Problem(f"{must}; {got}{origin}", **where))
                continue
            dist = from_stats_arrays(p.uncertainty.stats_arrays(value), value) \
                if p.uncertainty is not None else None
            if dist is not None and not spec.domain.holds(dist.support):
                low, high = dist.support
                self.problems.append(Problem(
                    f"{must}; its distribution ({dist.describe()}) draws values in "
                    f"[{low:g}, {high:g}]: {spec.domain.fix()}",
                    file=self.path, field=f"parameters.{spec.name}.uncertainty"))

    # ----------------------------------------------------------------- parameters
    def need(self, name: str, why: str) -> str:
        """A parameter the file must give; reported once however many parts need it."""
        if name not in self.params and name not in self.missing:
            self.missing.add(name)
            self.problems.append(Problem(f"parameter '{name}' is required ({why})",
                                         file=self.path, field="parameters"))
        return name

    def default(self, name: str, key: tuple, prop: str, unit: str, why: str) -> str:
        """Use the service's parameter, else the background record's figure (warned)."""
        if name in self.params:
            return name
        value = self.known.properties.get(key, {}).get(prop)
        if value is None and key in self.unknown:
            self.missing.add(name)  # the record itself is reported (check_records)
            return name
        if value is None:
            return self.need(name, f"{why}; '{key[1]}' has no '{prop}' to default to")
        p = Parameter(name=name, amount=float(value), unit=unit,
                      source=self.known.sources.get(key) or MODEL_SOURCE,
                      comment=f"default: property '{prop}' of {key[0]}/{key[1]}")
        self.params[name] = p
        self.added.append(p)
        self.warnings.append({"code": f"default-{name}", "message":
                              f"{name} = {value:g} {unit} taken from {key[0]}/{key[1]} ({prop}); "
                              f"give '{name}' in the service file to override"})
        return name

    def derive(self, name: str, formula: str, unit: str) -> str:
        p = Parameter(name=name, formula=formula, unit=unit, source=MODEL_SOURCE)
        self.params[name] = p
        self.added.append(p)
        return name

    def given_or(self, name: str, formula: str, unit: str) -> str:
        """The service's parameter if it gives one, else derived by ``formula``."""
        return name if name in self.params else self.derive(name, formula, unit)

    def constant(self, name: str, value: float, unit: str, source: str, why: str,
                 uncertainty: dict | None = None) -> str:
        if name not in self.params:
            p = Parameter(name=name, amount=value, unit=unit, source=source, comment=why,
                          uncertainty=uncertainty)
            self.params[name] = p
            self.added.append(p)
        return name

    # ----------------------------------------------------------------- links
    def grid(self) -> str | list[str]:
        e = self.spec.electricity
        if e.basis == "location-based":
            return f"{ELECTRICITY_DB}/{N.grid_code(e.location)}"
        if e.basis == "linked":  # a companion tagged as the grid, so energy is counted
            if not any(a.code == "electricity" for a in self.inputs):
                target = self.link(e.activity, "kWh", "model.electricity.activity")
                self.inputs.append(Activity(
                    code="electricity", name=f"electricity, linked to {e.activity.describe()}",
                    unit="kilowatt hour", location=e.activity.location or "GLO",
                    properties={"energy": "grid electricity", "basis": "linked"},
                    source=MODEL_SOURCE, exchanges=[Exchange(
                        input=target, amount=1, unit="kWh",
                        comment="the grid is the user's activity (unit converted)")]))
            return f"{N.inputs_database(self.db)}/electricity"
        if any(a.code == "electricity" for a in self.inputs):
            return f"{N.inputs_database(self.db)}/electricity"
        self.need("grid_gwp_kg_per_kwh", f"electricity basis '{e.basis}'")
        exchanges = [Exchange(flow="GWP100, pre-characterised", categories=["air"],
                              formula="grid_gwp_kg_per_kwh", unit="kg CO2-Eq")]
        if "grid_water_l_per_kwh" in self.params:
            exchanges += [Exchange(flow="Water", categories=["air"],
                                   formula="grid_water_l_per_kwh", unit="L"),
                          Exchange(flow="Water, cooling, unspecified natural origin",
                                   categories=["natural resource", "in water"],
                                   formula="grid_water_l_per_kwh", unit="L",
                                   comment="withdrawal taken equal to consumption")]
        for name in ("grid_gwp_kg_per_kwh", "grid_water_l_per_kwh"):
            if name in self.params:
                self.input_params.append(self.params[name])
        src = self.params.get("grid_gwp_kg_per_kwh")
        self.inputs.append(Activity(
            code="electricity", name=f"electricity, {e.basis} factor", unit="kilowatt hour",
            location=e.location or "GLO", properties={"energy": "grid electricity",
                                                      "basis": e.basis},
            source=src.source if src else MODEL_SOURCE, exchanges=exchanges))
        return f"{N.inputs_database(self.db)}/electricity"

    def link(self, link: Link, unit: str, fld: str) -> list[str]:
        """[database, code] of the activity ``link`` names (:mod:`lca.data.links`), whose
        unit ``unit`` converts to; else a problem at ``fld``, reported once."""
        try:
            key = resolve_link(link, self.known.activities, self.known.databases)
            target = self.known.activities[key].unit
            try:
                units.conversion_factor(unit, target)
            except UnitError as exc:
                raise LinkError(f"{link.describe()} is in '{target}', which '{unit}' does not "
                                f"convert to ({exc.reason})") from None
        except LinkError as err:
            if not any(p.field == fld for p in self.problems):
                self.problems.append(Problem(str(err), file=self.path, field=fld))
            return [link.database, link.code or str(link.name)]
        return list(key)

    def hardware(self, part: str) -> str | None:
        """Link to the accelerator or server, or a custom one from stated footprints."""
        hw = self.spec.hardware
        ident = hw.accelerator if part == "accelerator" else hw.server
        if ident is None:
            return None
        if ident != "custom":
            if part == "server":
                return f"{HARDWARE_DB}/{N.server_code(ident)}"
            pcf = hw.embodied == "vendor-pcf"
            return f"{HARDWARE_DB}/{N.accelerator_code(ident, vendor_pcf=pcf)}"
        if any(a.code == f"{part}-custom" for a in self.inputs):
            return f"{N.inputs_database(self.db)}/{part}-custom"
        gwp = self.need(f"{part}_embodied_gwp_kg", f"{part}: custom")
        self.input_params.append(self.params.get(gwp) or Parameter(name=gwp, amount=0,
                                                                   source=MODEL_SOURCE))
        exchanges = [Exchange(flow="GWP100, pre-characterised", categories=["air"],
                              formula=gwp, unit="kg CO2-Eq")]
        adp = f"{part}_embodied_adp_kg_sb"
        if adp in self.params:
            self.input_params.append(self.params[adp])
            exchanges.append(Exchange(flow="ADP elements, pre-characterised",
                                      categories=["natural resource", "in ground"],
                                      formula=adp, unit="kg Sb-Eq"))
        self.inputs.append(Activity(code=f"{part}-custom", name=f"{part}, stated footprint",
                                    unit="unit", stage=N.MANUFACTURE,
                                    source=self.params[gwp].source if gwp in self.params
                                    else MODEL_SOURCE, exchanges=exchanges))
        return f"{N.inputs_database(self.db)}/{part}-custom"

    def datacenter_key(self) -> tuple | None:
        dc = self.spec.hardware.datacenter
        return (DATACENTER_DB, N.datacenter_code(dc)) if dc else None

    # ----------------------------------------------------------------- stages
    def site_defaults(self) -> None:
        b, dc = self.spec.boundary, self.datacenter_key()
        if b.pue:
            self.default("pue", dc or ("", ""), "pue", "dimensionless", "facility energy")
        else:
            self.constant("pue", 1.0, "dimensionless", MODEL_SOURCE,
                          "boundary.pue is false: facility energy = IT energy")
        if b.onsite_water:
            self.default("wue_l_per_kwh", dc or ("", ""), "wue_l_per_kwh", "L/kWh",
                         "on-site water")
        if b.embodied:
            self.need("hardware_lifetime_years", "embodied hardware by time share")
            self.need("hardware_utilisation", "embodied hardware by time share")
            self.derive("hardware_use_hours",
                        "hardware_lifetime_years * 8760 * hardware_utilisation", "hour")
            if self.spec.hardware.server:
                server = (HARDWARE_DB, N.server_code(self.spec.hardware.server))
                self.default("gpus_per_server", server,
                             "accelerators_per_node", "unit", "server share per GPU")
        if b.datacenter_infrastructure:
            self.need("dc_load_factor", "datacentre infrastructure by IT power share")

    def operation(self, code: str, name: str, stage: str, unit: str,
                  energy: list[tuple[str, str, str]], it_kwh: str,
                  extra: list[Exchange] = ()) -> list[Activity]:
        """An operation and its sub-stages: one activity per energy part (grid x IT energy
        x PUE) and one for on-site water (WUE x IT energy), so each shows on its own."""
        parts = [Activity(code=f"{code}-{part}", name=f"{name}, {label}", unit=unit,
                          stage=stage, substage=part, source=MODEL_SOURCE,
                          exchanges=[Exchange(input=self.grid(), formula=f"{kwh} * pue",
                                              unit="kWh",
                                              comment="facility energy = IT energy x PUE")])
                 for part, label, kwh in energy]
        if self.spec.boundary.onsite_water:
            parts.append(Activity(
                code=f"{code}-onsite-water", name=f"{name}, on-site cooling water", unit=unit,
                stage=stage, substage="on-site water", source=MODEL_SOURCE, exchanges=[
                    Exchange(flow="Water, cooling, unspecified natural origin",
                             categories=["natural resource", "in water"],
                             formula=f"wue_l_per_kwh * {it_kwh}", unit="L",
                             comment="on-site withdrawal taken equal to evaporation"),
                    Exchange(flow=self.water_flow(), categories=["air"],
                             formula=f"wue_l_per_kwh * {it_kwh}", unit="L",
                             comment="on-site evaporation = WUE x IT energy")]))
        top = Activity(code=code, name=name, unit=unit, stage=stage, source=MODEL_SOURCE,
                       exchanges=[Exchange(input=a.code, amount=1, unit=unit) for a in parts]
                       + list(extra))
        return [top] + parts

    def embodied(self, code: str, substage: str, gpu_hours: str, unit: str) -> Activity | None:
        if not self.spec.boundary.embodied:
            return None
        exchanges = [Exchange(input=self.hardware("accelerator"),
                              formula=f"{gpu_hours} / hardware_use_hours", unit="unit")]
        exchanges += self.embodied_range(gpu_hours)
        server = self.hardware("server")
        if server:
            exchanges.append(Exchange(input=server, unit="unit",
                                      formula=f"{gpu_hours} / gpus_per_server / hardware_use_hours"))
        if self.spec.boundary.end_of_life:
            exchanges.append(Exchange(input=self.end_of_life(), unit="kg",
                                      formula=f"{gpu_hours} / hardware_use_hours * "
                                      "(accelerator_mass_kg + host_mass_kg / gpus_per_server)"))
        return Activity(code=code, name=f"{substage} hardware, manufacture share (time allocation)",
                        unit=unit, stage=N.MANUFACTURE, substage=substage, source=MODEL_SOURCE,
                        exchanges=exchanges)

    def embodied_range(self, gpu_hours: str) -> list[Exchange]:
        """A catalogue accelerator's published range of embodied GWP and ADP, sampled by
        Monte Carlo: a triangular parameter (low, mode = central, high) and an exchange of
        (parameter - central) x the accelerator's share on the pre-characterised flow, zero
        at the central value (:func:`lca.data.embodied_ranges.sampled`). A service that
        states the parameter moves the accelerator's footprint to the stated value."""
        from lca.data.embodied_ranges import SAMPLED, sampled

        hw = self.spec.hardware
        if hw.accelerator in (None, "custom"):
            return []
        route = "vendor-pcf" if hw.embodied == "vendor-pcf" else "bottom-up"
        out = []
        for ind, r in sampled(hw.accelerator, route).items():
            name, flow, cats, unit = SAMPLED[ind]
            why = (f"{hw.accelerator} ({route}) catalogue range: low {r['low']:.4g} "
                   f"({r['low_source']}), central {r['central']:.4g}, high {r['high']:.4g} "
                   f"({r['high_source']}); triangular with its mode at the central value")
            self.constant(name, r["central"], unit, MODEL_SOURCE, why,
                          uncertainty={"type": "triangular", "minimum": r["low"],
                                       "maximum": r["high"]})
            out.append(Exchange(flow=flow, categories=list(cats), unit=unit,
                                formula=f"{gpu_hours} / hardware_use_hours * "
                                        f"({name} - {r['central']!r})",
                                comment="published range of the accelerator's embodied "
                                        "footprint around the central value (0 at it)"))
        return out

    def site_country(self) -> str | None:
        """ISO3 of the datacentre: the grid location, or its parent for a region."""
        loc = self.spec.electricity.location
        if not loc:
            return None
        parent = self.known.properties.get((ELECTRICITY_DB, N.grid_code(loc)), {}).get("parent")
        return parent or loc

    def water_flow(self) -> str:
        """On-site evaporation on the country's water flow when AWARE has a factor for it
        (reported once as a coded warning either way, :meth:`aware_message`)."""
        from lca.data.water import flow_name

        iso3 = self.site_country()
        regional = iso3 is not None and (flow_name(iso3), ("air",)) in self.known.flows
        if not any(w["code"].startswith("aware-") for w in self.warnings):
            self.warnings.append({"code": "aware-country" if regional else "aware-world-average",
                                  "message": self.aware_message(iso3, regional)})
        return flow_name(iso3) if regional else "Water"

    def aware_message(self, iso3: str | None, regional: bool) -> str:
        """Which AWARE factor each water of the service gets: on-site water the site country's
        (or the world average), a location-based grid's water its country's (its market's
        ``Water, consumed, <ISO3>`` flow), a stated grid's ``grid_water_l_per_kwh`` the world
        average (:meth:`grid` writes it on biosphere3's ``Water``), embodied water that of the
        fab country (lca.data.hardware.evaporated_flow)."""
        e = self.spec.electricity
        world = "the world average (42.95 m3 world-eq per m3, EF 3.1)"
        if e.basis == "linked":
            site = (f"on-site water uses the AWARE factor of {iso3}" if regional else
                    f"on-site water uses {world}" + (f" (no AWARE factor for '{iso3}')"
                                                     if iso3 else ""))
            return (f"{site}; the linked grid activity's water flows get their own factors "
                    "(biosphere3's, the world average where not regionalised); embodied water "
                    "uses the AWARE factor of the country where it is consumed")
        if e.basis != "location-based":
            grid = (f"grid water of the {e.basis} factor (grid_water_l_per_kwh) uses {world}"
                    if "grid_water_l_per_kwh" in self.params else
                    f"the {e.basis} grid factor carries no water (give grid_water_l_per_kwh)")
            site = (f"water scarcity of on-site water uses the AWARE factor of {iso3} "
                    "(non-agricultural, inventories/methods/aware_country.csv)" if regional
                    else f"no AWARE country factor for '{iso3}': on-site water uses {world}")
            return (f"{site}; {grid}; embodied water uses the AWARE factor of the country "
                    "where it is consumed (fab and fab grid), the world average where that "
                    "country has none")
        if regional:
            return (f"water scarcity of on-site and grid water uses the AWARE factor of {iso3} "
                    "(non-agricultural, inventories/methods/aware_country.csv); embodied water "
                    "uses the AWARE factor of the country where it is consumed (fab and fab "
                    "grid), the world average where that country has none")
        return (f"no AWARE country factor for '{iso3}': on-site and grid water use {world}; "
                "embodied water uses the AWARE factor of the country where it is consumed (fab "
                "and fab grid), the world average where that country has none")

    def end_of_life(self) -> str:
        """The service's end-of-life activity (cut-off), per kg of retired hardware."""
        hw = self.spec.hardware
        self.default("accelerator_mass_kg", (HARDWARE_DB, N.accelerator_code(hw.accelerator)),
                     "mass_kg", "kg", "end of life by mass")
        if hw.server:
            self.default("host_mass_kg", (HARDWARE_DB, N.server_code(hw.server)), "host_mass_kg",
                         "kg", "end of life by mass")
        else:
            self.constant("host_mass_kg", 0.0, "kg", MODEL_SOURCE, "no server given")
        if not any(a.code == "hardware-end-of-life" for a in self.eol):
            self.eol.append(Activity(
                code="hardware-end-of-life", name="end of life of GPUs and servers (cut-off)",
                unit="kilogram", stage=N.END_OF_LIFE, source=MODEL_SOURCE,
                exchanges=[Exchange(input=f"{HARDWARE_DB}/{N.END_OF_LIFE_IT}", amount=1,
                                    unit="kg")]))
        return "hardware-end-of-life"



def generate(db: str, kind: str, spec: ServiceModel, params: list[Parameter], known: Known,
             path: str) -> Generated:
    """Activities, parameters and functional units of a service described by ``spec``."""
    b = _Builder(db, spec, kind, params, known, path)
    modelled = bool(spec.training or spec.fine_tuning or spec.inference)
    if modelled:  # a service of stated impacts alone names no hardware, site or grid
        b.check_records()
    b.check_units()
    if modelled:
        b.site_defaults()
    acts: list[Activity] = []
    root: list[Exchange] = []
    dc_infra = _infrastructure(b) if modelled else None
    if dc_infra:
        acts.append(dc_infra)
    for campaign, prefix in ((spec.training, "training"), (spec.fine_tuning, "fine_tuning")):
        if campaign is None:
            continue
        acts += _campaign(b, campaign, prefix, dc_infra is not None)
    fus: list[dict] = []
    if spec.inference is not None:
        acts += _inference(b, spec.inference, dc_infra is not None, root)
        fus = _inference_units(kind, {p.name for p in params})
    elif modelled:
        fus = [{"id": "whole-training", "name": "the whole training campaign", "unit": "campaign",
                "activity": "training" if spec.training else "fine_tuning", "amount": "1"}]
    else:
        fus = _stated_units(kind, {p.name for p in params})
    if spec.stated_impacts:
        acts = _stated(b, acts, root)
    if root:
        acts.insert(0, Activity(code="request", name="one request, training amortised"
                                if modelled else "one request, as stated by the provider",
                                unit="request", stage=N.SERVICE, source=MODEL_SOURCE,
                                exchanges=root))
    acts = _linked_inputs(b, acts)
    b.check_domains()
    if b.problems:
        raise InputError(b.problems)
    acts += b.eol
    files = [InventoryFile(database=db, parameters=list(params) + b.added, activities=acts)]
    if b.inputs:
        files.append(InventoryFile(database=N.inputs_database(db), parameters=b.input_params,
                                   activities=b.inputs))
    return Generated(files, fus, b.warnings)


def _linked_inputs(b: _Builder, acts: list[Activity]) -> list[Activity]:
    """The model's extra ``inputs`` (:class:`~lca.data.service.LinkedInput`: materials,
    transport, energy from any database of the project): for each stage that has some, an
    activity ``<stage>-inputs`` (sub-stage "linked inputs") holding them, consumed once per
    unit of the stage's operation, so they show on their own in contributions."""
    by_stage: dict[str, list[Exchange]] = {}
    for i, inp in enumerate(b.spec.inputs):
        target = b.link(inp.activity, inp.unit, f"model.inputs[{i}].activity")
        by_stage.setdefault(inp.stage, []).append(Exchange(
            input=target, amount=inp.amount, formula=inp.formula, unit=inp.unit,
            source=inp.source, comment=inp.comment or f"linked input {inp.activity.describe()}"))
    out = []
    for act in acts:
        if act.code not in by_stage:
            out.append(act)
            continue
        sub = Activity(code=f"{act.code}-inputs", name=f"{act.name}, linked inputs",
                       unit=act.unit, stage=act.stage, substage="linked inputs",
                       source=MODEL_SOURCE, exchanges=by_stage[act.code])
        out += [act.model_copy(update={"exchanges": list(act.exchanges) + [
            Exchange(input=sub.code, amount=1, unit=act.unit)]}), sub]
    return out


def _stated(b: _Builder, acts: list[Activity], root: list[Exchange]) -> list[Activity]:
    """The stated terms (issue 15): each one activity ``stated-<id>`` of its stage with one
    exchange per indicator on the indicator's pre-characterised flow, its amount a service
    parameter (:func:`lca.data.stated.parameter_name`, in the flow's unit) so Monte Carlo
    and sweeps reach it. Linked from the root per request (amount 1) or per image
    (``images_per_request``), or from a campaign as a whole; returns ``acts`` with them."""
    from lca.data import stated as S

    spec, acts = b.spec, list(acts)
    modelled = _modelled_stages(spec)
    for i, term in enumerate(spec.stated_impacts):
        exchanges = [_stated_exchange(b, term, key, value, i)
                     for key, value in term.values.items()]
        acts = _link_stated(b, term, i, acts, root)
        if term.stage in modelled:
            b.warnings.append({"code": "stated-adds-to-modelled-stage", "message":
                               f"stated term '{term.id}' is added to the modelled "
                               f"{term.stage} stage; if it stands for the modelled part, "
                               f"switch that off ({modelled[term.stage]})"})
        acts.append(Activity(
            code=S.activity_code(term.id), name=term.name or f"{term.id}, stated by the provider",
            unit={"request": "request", "image": "image"}.get(term.per, "unit"),
            stage=term.stage, substage="stated", source=term.source,
            comment="stated by the provider, pre-characterised"
                    + (f": {term.comment}" if term.comment else ""),
            properties={"stated_per": term.per}, exchanges=exchanges))
    values = _values(b.params.values())
    for i, term in enumerate(spec.stated_impacts):
        for key, value in term.values.items():
            got = values.get(S.parameter_name(term.id, key))
            if value.formula is not None and got is not None and not (
                    math.isfinite(got) and got >= 0):
                b.problems.append(Problem(
                    f"a stated footprint must be a finite number >= 0; the formula "
                    f"'{value.formula}' gives {got / S.indicator_factor(key, value.unit):g} "
                    f"{value.unit}", file=b.path, dataset=term.id,
                    field=f"model.stated_impacts.{i}.values.{key}.formula"))
    return acts


def _link_stated(b: _Builder, term, index: int, acts: list[Activity],
                 root: list[Exchange]) -> list[Activity]:
    """Link stated term ``term`` per its ``per``: from the root (per request, amount 1; per
    image, ``images_per_request``) or from a modelled campaign's activity (per campaign,
    amount 1, then amortised with the campaign); returns ``acts``, a campaign updated."""
    from lca.data.stated import activity_code

    spec, code = b.spec, activity_code(term.id)
    where = {"file": b.path, "dataset": term.id, "field": f"model.stated_impacts.{index}.per"}
    campaign = term.per.replace("-", "_") if term.per in (N.TRAINING, N.FINE_TUNING) else None
    if campaign and getattr(spec, campaign) is None:
        b.problems.append(Problem(f"'per: {term.per}' needs a modelled '{campaign}' campaign "
                                  "in this service; state the figure per request instead",
                                  **where))
    elif campaign:
        link = Exchange(input=code, amount=1, unit="unit")
        return [a.model_copy(update={"exchanges": a.exchanges + [link]})
                if a.code == campaign else a for a in acts]
    elif spec.inference is None and (spec.training or spec.fine_tuning):
        b.problems.append(Problem(f"'per: {term.per}' needs an inference stage; a "
                                  "training-only service states its figures per campaign "
                                  "('per: training' or 'per: fine-tuning')", **where))
    elif term.per == "image":
        b.need("images_per_request", f"stated term '{term.id}' per image")
        root.append(Exchange(input=code, formula="images_per_request", unit="image"))
    else:
        root.append(Exchange(input=code, amount=1, unit="request"))
    return acts


def _stated_exchange(b: _Builder, term, key: str, value, index: int) -> Exchange:
    """The parameter holding one stated value in its flow's unit, and the exchange on the
    indicator's pre-characterised flow that reads it."""
    from lca.data import stated as S

    ind, factor = S.indicators()[key], S.indicator_factor(key, value.unit)
    name = S.parameter_name(term.id, key)
    if name in b.params:
        b.problems.append(Problem(
            f"parameter '{name}' holds the stated value of term '{term.id}'; give it no other "
            "value in 'parameters'", file=b.path, dataset=term.id,
            field=f"model.stated_impacts.{index}.values.{key}"))
    u = value.uncertainty
    if u is not None and factor != 1.0:  # lognormal's sigma of ln x does not change
        u = u.model_copy(update={"minimum": None if u.minimum is None else u.minimum * factor,
                                 "maximum": None if u.maximum is None else u.maximum * factor})
    stated = f"{value.amount:g}" if value.amount is not None else f"'{value.formula}'"
    p = Parameter(
        name=name, unit=ind.unit, source=term.source, uncertainty=u,
        amount=None if value.amount is None else value.amount * factor,
        formula=None if value.formula is None else
        value.formula if factor == 1.0 else f"({value.formula}) * {factor!r}",
        comment=f"stated by the provider: {stated} {value.unit} per {term.per}"
                + (f" ({value.comment})" if value.comment else ""))
    b.params[name] = p
    b.added.append(p)
    return Exchange(input=ind.flow, formula=name, unit=ind.unit, source=term.source,
                    comment=f"{ind.label}, stated: {stated} {value.unit}")


def _modelled_stages(spec: ServiceModel) -> dict[str, str]:
    """The stages the model computes, each with the switch that turns it off."""
    out = {}
    if spec.training:
        out[N.TRAINING] = "remove 'training'"
    if spec.fine_tuning:
        out[N.FINE_TUNING] = "remove 'fine_tuning'"
    if spec.inference:
        out[N.INFERENCE] = "remove 'inference' and state every stage"
    if out and spec.boundary.embodied:
        out[N.MANUFACTURE] = "boundary.embodied: false"
        if spec.boundary.end_of_life:
            out[N.END_OF_LIFE] = "boundary.end_of_life: false"
    if out and spec.boundary.datacenter_infrastructure:
        out[N.DATACENTER_INFRASTRUCTURE] = "boundary.datacenter_infrastructure: false"
    return out


def _stated_units(kind: str, params: set[str]) -> list[dict]:
    """Functional units of a service of stated impacts alone: those of an inference
    service whose amount needs only the parameters the file gives."""
    from lca.formula import Formula

    return [fu for fu in _inference_units(kind, params)
            if Formula(fu["amount"]).names <= params]


def _values(params) -> dict[str, float]:
    """The value of every parameter that can be evaluated: all at once
    (:func:`lca.formula.evaluate_all`), else one by one, leaving out those whose formula is
    rejected or uses a name without a value (reported elsewhere)."""
    from lca.formula import Formula, evaluate_all

    given = {p.name: p.formula if p.formula is not None else p.amount for p in params}

    def number(v) -> float | None:
        try:
            return float(v)
        except (TypeError, ValueError):
            return None
    try:
        values = {k: number(v) for k, v in evaluate_all(given).items()}
        return {k: v for k, v in values.items() if v is not None}
    except (FormulaError, TypeError):
        pass
    values = {k: float(v) for k, v in given.items() if not isinstance(v, str)}
    pending = {k: v for k, v in given.items() if isinstance(v, str)}
    while pending:
        done = []
        for name, text in pending.items():
            try:
                f = Formula(text)
                if not f.names <= set(values):
                    continue
                value = number(f.evaluate(values))
                if value is not None:
                    values[name] = value
            except (FormulaError, TypeError):
                pass
            done.append(name)
        if not done:
            break
        for name in done:
            pending.pop(name)
    return values


def _infrastructure(b: _Builder) -> Activity | None:
    if not b.spec.boundary.datacenter_infrastructure:
        return None
    dc = b.spec.hardware.datacenter
    infra = b.known.properties.get((DATACENTER_DB, N.datacenter_code(dc)), {}).get(
        "infrastructure") if dc else None
    target = f"{DATACENTER_DB}/{infra or N.infrastructure_code(DEFAULT_INFRASTRUCTURE)}"
    return Activity(code="datacenter-share", name="datacentre infrastructure share, per kWh IT",
                    unit="kilowatt hour", stage=N.DATACENTER_INFRASTRUCTURE, source=MODEL_SOURCE,
                    exchanges=[Exchange(input=target, unit="megawatt year",
                                        formula="1 / (1000 * 8760 * dc_load_factor)")])


def _campaign(b: _Builder, campaign: Campaign, p: str, infra: bool) -> list[Activity]:
    """Training or fine-tuning: dynamic + idle energy, water, hardware, infrastructure."""
    acc = (HARDWARE_DB, N.accelerator_code(b.spec.hardware.accelerator))
    if campaign.energy == "gpu-hours":
        b.need(f"{p}_gpu_hours", f"{p}.energy: gpu-hours")
        b.default(f"{p}_gpu_power_w", acc, "tdp_w", "W", f"{p} power per GPU")
        b.constant(f"{p}_power_includes_pue", 0.0, "dimensionless", MODEL_SOURCE,
                   "default: the power is IT power (GPU board), PUE applied on top")
        b.constant(f"{p}_experiments", 1.0, "dimensionless", MODEL_SOURCE,
                   "default: no extra experiments or failed runs")
        b.constant(f"{p}_idle_kwh", 0.0, "kWh", MODEL_SOURCE, _NO_IDLE)
        dynamic = b.derive(f"{p}_dynamic_it_kwh",
                           f"{p}_gpu_hours * {p}_experiments * {p}_gpu_power_w / 1000 / "
                           f"(pue if {p}_power_includes_pue else 1)", "kWh")
        it = b.derive(f"{p}_it_kwh", f"{dynamic} + {p}_idle_kwh", "kWh")
        energy = [("dynamic", "dynamic energy", dynamic)]
        if f"{p}_idle_kwh" in b.params and b.params[f"{p}_idle_kwh"].comment != _NO_IDLE:
            energy.append(("idle", "idle energy", f"{p}_idle_kwh"))
        gpu_hours = b.derive(f"{p}_gpu_hours_total", f"{p}_gpu_hours * {p}_experiments", "hour")
    else:
        b.need(f"{p}_energy_kwh", f"{p}.energy: measured")
        b.constant(f"{p}_energy_includes_pue", 0.0, "dimensionless", MODEL_SOURCE,
                   "default: measured energy is IT energy")
        it = b.derive(f"{p}_it_kwh", f"{p}_energy_kwh / (pue if {p}_energy_includes_pue else 1)",
                      "kWh")
        energy = [("measured", "measured energy", it)]
        gpu_hours = b.need(f"{p}_gpu_hours", "embodied share of a measured campaign") \
            if b.spec.boundary.embodied else None
    hw = b.embodied(f"{p}-hardware", p.replace("_", "-"), gpu_hours, "unit") if gpu_hours else None
    extra = [Exchange(input=hw.code, amount=1, unit="unit")] if hw else []
    if infra:
        extra.append(Exchange(input="datacenter-share", formula=it, unit="kWh"))
    stage = N.FINE_TUNING if p == "fine_tuning" else N.TRAINING
    ops = b.operation(p, f"{stage} campaign", stage, "unit", energy, it, extra)
    return ops + ([hw] if hw else [])


def _inference(b: _Builder, inf: Inference, infra: bool, root: list[Exchange]) -> list[Activity]:
    per = "image" if b.kind == "image" else "request"
    b.need("requests_per_day", "inference demand")
    b.need("deployment_years", "inference demand")
    served = b.derive("requests_served", "requests_per_day * 365 * deployment_years", "request")
    if inf.energy_model == "measured":
        b.need("inference_wh_per_request", "energy_model: measured")
        b.constant("inference_energy_includes_pue", 0.0, "dimensionless", MODEL_SOURCE,
                   "default: measured energy is IT energy")
        it = b.derive("inference_it_kwh_per_request", "inference_wh_per_request / 1000 / "
                      "(pue if inference_energy_includes_pue else 1)", "kWh")
        gpu_hours = b.need("inference_gpu_hours_per_request", "embodied share per request") \
            if b.spec.boundary.embodied else None
        if "serving_utilisation" in b.params:
            b.warnings.append({"code": "serving-utilisation-unused", "message":
                               "serving_utilisation is not used by energy_model: measured: "
                               "the measured energy per request is taken as it is (no idle "
                               "term is added; include idle capacity in the measurement)"})
        energy = [("electricity", "IT equipment energy", it)]
    else:
        if inf.energy_model == "roofline":
            replica_h = _roofline(b, inf)
        else:
            replica_h = _given_serving(b, inf)
        gpu_hours = b.derive("inference_gpu_hours_per_request",
                             f"gpus_per_replica * {replica_h}", "hour")
        # busy replica time at serving power; idle replica time (serving_utilisation u:
        # 1/u - 1 idle hours per busy hour) at idle power (lca/model/serving.py)
        active_kwh = ("replica_hours_per_request * (gpus_per_replica * gpu_power_serving_w + "
                      "gpus_per_replica / gpus_per_server * host_power_w) / 1000")
        idle_kwh = ("replica_hours_per_request * (1 / serving_utilisation - 1) * "
                    "(gpus_per_replica * gpu_idle_w + gpus_per_replica / gpus_per_server * "
                    "host_idle_w) / 1000")
        if "serving_utilisation" in b.params:  # idle capacity, its own exchange
            active = b.derive("inference_active_it_kwh_per_request", active_kwh, "kWh")
            idle = b.derive("inference_idle_kwh_per_request", idle_kwh, "kWh")
            it = b.derive("inference_it_kwh_per_request", f"{active} + {idle}", "kWh")
            energy = [("electricity", "IT equipment energy", active),
                      ("idle", "idle energy", idle)]
        else:
            it = b.derive("inference_it_kwh_per_request", active_kwh, "kWh")
            energy = [("electricity", "IT equipment energy", it)]
    acts = b.operation("inference", f"inference, per {per}", N.INFERENCE, "request",
                       energy, it)
    root.append(Exchange(input="inference", amount=1, unit="request"))
    hw = b.embodied("inference-hardware", "inference", gpu_hours, "request") if gpu_hours else None
    if hw:
        acts.append(hw)
        root.append(Exchange(input=hw.code, amount=1, unit="request"))
    if infra:
        root.append(Exchange(input="datacenter-share", formula=it, unit="kWh"))
    rule = b.spec.allocation.training
    if rule == "tokens":
        b.need("training_amortisation_tokens", "allocation.training: tokens")
        b.need("output_tokens_per_request", "allocation.training: tokens")
        share = "output_tokens_per_request / training_amortisation_tokens"
    elif rule == "share":
        b.need("training_share", "allocation.training: share")
        share = f"training_share / {served}"
    else:
        share = f"1 / {served}"
    for campaign in parameters.CAMPAIGNS:  # the ServiceModel fields of the campaigns
        if getattr(b.spec, campaign) is not None:
            root.append(Exchange(input=campaign, formula=share, unit="unit",
                                 comment=f"{campaign} amortised per request: rule '{rule}'"))
    return acts


def _roofline(b: _Builder, inf: Inference) -> str:
    """The roofline serving model (lca.model.serving): every input a parameter (given, or
    the catalogue's figure, or a factor's default with its distribution), every step a
    formula; returns the replica time per request."""
    from lca.model import serving

    why = "energy_model: roofline"
    acc = (HARDWARE_DB, N.accelerator_code(b.spec.hardware.accelerator))
    precision = inf.precision or "bf16"
    bytes_per_weight = serving.PRECISIONS[precision][0]
    b.need("total_parameters", f"{why}: the weights held in memory")
    b.given_or("active_parameters", "total_parameters", "dimensionless")
    b.constant("bytes_per_weight", bytes_per_weight, "dimensionless", MODEL_SOURCE,
               f"precision {precision}" + ("" if inf.precision else " (the default)"))
    b.need("batch", f"{why}: sequences decoded together")
    for name in serving.ACCELERATOR_PROPERTIES:
        b.default(name, acc, serving.accelerator_property(name, precision),
                  parameters.PARAMETERS[name].unit, why)
    server = (HARDWARE_DB, N.server_code(b.spec.hardware.server)) \
        if b.spec.hardware.server else None
    for name, prop, unit in (("host_idle_w", serving.IDLE_PROPERTIES["host_idle_w"], "W"),
                             ("host_peak_w", "nongpu_peak_w", "W"),
                             ("gpus_per_server", "accelerators_per_node", "unit")):
        if server:
            b.default(name, server, prop, unit, f"{why}: host power by load")
        else:
            b.need(name, f"{why}: host power by load (no server named)")
    defaulted = []
    for f in serving.factors(b.kind):
        if f.name not in b.params:
            b.constant(f.name, f.value, f.unit, f.source, f.why, uncertainty=f.uncertainty())
            defaulted.append(f"{f.name} = {f.value:g} ({f.low:g}-{f.high:g})")
    if defaulted:
        b.warnings.append({"code": "default-roofline-factors", "message":
                           "roofline factors not given, defaults with triangular ranges used: "
                           + ", ".join(defaulted) + " (lca/model/serving.py FACTORS)"})
    if b.kind == "image":
        b.need("denoising_steps", f"{why}: steps per image")
        b.need("images_per_request", f"{why}: images per request")
        if "image_flops_per_step" not in b.params:
            b.need("image_tokens", f"{why}: latent and text tokens a denoising step processes "
                   "(or give image_flops_per_step)")
            b.derive("image_flops_per_step", serving.IMAGE_FLOPS_FORMULA, "dimensionless")
    else:
        b.need("input_tokens_per_request", why)
        b.need("output_tokens_per_request", why)
        for name in ("cached_input_tokens_per_request", "reasoning_tokens_per_request"):
            b.constant(name, *serving.DEFAULTS[name][:2], MODEL_SOURCE, serving.DEFAULTS[name][2])
        if "kv_bytes_per_token" not in b.params:
            if not any(n in b.params for n in ("layers", "kv_heads", "head_dim")):
                b.need("kv_bytes_per_token", f"{why}: KV-cache bytes per token (or give layers, "
                       "kv_heads and head_dim)")
            else:
                for n in ("layers", "kv_heads", "head_dim"):
                    b.need(n, f"{why}: KV-cache bytes per token from the architecture")
                value, unit, note = serving.DEFAULTS["kv_bytes_per_value"]
                b.constant("kv_bytes_per_value", value, unit, MODEL_SOURCE, note)
                b.derive("kv_bytes_per_token", serving.KV_BYTES_FORMULA, "byte / token")
    for name, formula, unit in serving.derived(b.kind):
        if name in serving.OVERRIDABLE:
            b.given_or(name, formula, unit)
        else:
            b.derive(name, formula, unit)
    return "replica_hours_per_request"


def _given_serving(b: _Builder, inf: Inference) -> str:
    """The throughput and compute models: replica time from a given throughput (or time)
    or from 2N FLOPs per token at a utilisation; GPU and host power given (and their idle
    power, from the catalogue, when the service gives ``serving_utilisation``)."""
    from lca.model import serving

    acc = (HARDWARE_DB, N.accelerator_code(b.spec.hardware.accelerator))
    b.need("gpus_per_replica", f"energy_model: {inf.energy_model}")
    b.need("gpu_power_serving_w", f"energy_model: {inf.energy_model}")
    if b.spec.hardware.server:
        b.default("host_power_w", (HARDWARE_DB, N.server_code(b.spec.hardware.server)),
                  "nongpu_peak_w", "W", "non-GPU server power while serving")
    else:
        b.need("host_power_w", "non-GPU server power while serving")
    b.default("gpus_per_server", (HARDWARE_DB, N.server_code(b.spec.hardware.server)),
              "accelerators_per_node", "unit", "host power share per GPU")
    if "serving_utilisation" in b.params:  # idle power of the idle replica time
        why = "idle capacity (serving_utilisation)"
        b.default("gpu_idle_w", acc, serving.IDLE_PROPERTIES["gpu_idle_w"], "W", why)
        if b.spec.hardware.server:
            b.default("host_idle_w", (HARDWARE_DB, N.server_code(b.spec.hardware.server)),
                      serving.IDLE_PROPERTIES["host_idle_w"], "W", why)
        else:
            b.need("host_idle_w", f"{why}: no server named")
    if inf.energy_model == "throughput" and "replica_seconds_per_request" in b.params:
        replica_h = b.derive("replica_hours_per_request", "replica_seconds_per_request / 3600",
                             "hour")
    elif inf.energy_model == "throughput":
        b.need("output_tokens_per_request", "throughput model")
        b.need("replica_output_tokens_per_s", "throughput model")
        replica_h = b.derive("replica_hours_per_request",
                             "output_tokens_per_request / replica_output_tokens_per_s / 3600",
                             "hour")
    else:  # compute-bound: 2 N FLOPs per token, prefill and decode at their utilisation
        for n in ("active_parameters", "input_tokens_per_request", "output_tokens_per_request",
                  "mfu_prefill", "mfu_decode"):
            b.need(n, "compute model")
        b.default("peak_tflops", acc, "fp16_dense_tflops", "TFLOPS", "compute model")
        replica_h = b.derive(
            "replica_hours_per_request",
            "2 * active_parameters * (input_tokens_per_request / mfu_prefill + "
            "output_tokens_per_request / mfu_decode) / (peak_tflops * 1e12 * "
            "gpus_per_replica) / 3600", "hour")
    return replica_h


def _inference_units(kind: str, params: set[str]) -> list[dict]:
    """The functional units of a service; ``params``: the names the service file gives."""
    fus = [{"id": "request", "name": "one request", "unit": "request", "activity": "request",
            "amount": "1"}]
    if kind == "image":
        fus.append({"id": "image", "name": "one image", "unit": "image", "activity": "request",
                    "amount": "1 / images_per_request"})
    else:
        reasoning = "reasoning_tokens_per_request" in params
        fus.append({"id": "1k-output-tokens", "name": "1,000 output tokens" + (
            " (reasoning tokens excluded: their energy is carried by the output)"
            if reasoning else ""), "unit": "1000 output tokens", "activity": "request",
            "amount": "1000 / output_tokens_per_request"})
        if reasoning:
            fus.append({"id": "1k-generated-tokens",
                        "name": "1,000 generated tokens (output and reasoning)",
                        "unit": "1000 generated tokens", "activity": "request",
                        "amount": "1000 / (output_tokens_per_request + "
                                  "reasoning_tokens_per_request)"})
    if "calls_per_task" in params:
        fus.append({"id": "agent-task", "name": "one agent task (calls_per_task requests, "
                    "each with the request's tokens of every class)", "unit": "task",
                    "activity": "request", "amount": "calls_per_task"})
    fus += [{"id": "service-year", "name": "one year of service", "unit": "year",
             "activity": "request", "amount": "requests_per_day * 365"},
            {"id": "whole-service", "name": "the whole service (training and deployment)",
             "unit": "service", "activity": "request", "amount": "requests_served"}]
    return fus


def build(service: Service, known: Known) -> tuple[InventorySet, list[FunctionalUnit], list[dict]]:
    """Inventory records, functional units and model warnings of a loaded service."""
    svc = service.file
    if svc.model is None:
        return (InventorySet(files=[SourcedFile(service.path, svc.inventory(), service.digest)]),
                svc.functional_units, [])
    gen = generate(svc.database, svc.service.kind, svc.model, svc.parameters, known,
                   service.path)
    files = [SourcedFile(service.path, f, service.digest) for f in gen.files]
    if svc.sources:  # the service's own bibliography travels with its database
        files[0].content = files[0].content.model_copy(update={"sources": svc.sources})
    fus = svc.functional_units or [FunctionalUnit(**fu) for fu in gen.functional_units]
    return InventorySet(files=files), fus, gen.warnings
