"""Boundary reconciliation: one service's result per functional unit re-expressed under
the boundaries published claims use (issue 16), from the narrowest to the life cycle.

Boundaries, each extending the one before (``E``: energy per functional unit, kWh; ``C``:
carbon, kg CO2-eq; the operational stage ``s`` is inference, or the campaigns of a
training-only service; ``E_s``: its facility electricity in the assessment)::

    gpu                   E = E_it-active x n P_gpu / (n P_gpu + n / m P_host)
    it-active             E = E_it-provisioned x (1 - idle_kwh / it_kwh)
    it-provisioned        E = E_s / pue
    facility              E = E_s
    operational-location  C = E_s x f_location,  f_location = C_s / E_s of the assessment
    operational-market    C = E_s x grid_market_gwp_kg_per_kwh  (or the result's own
                          factor when electricity.basis is market-based)
    full                  E, C = the assessment's totals (+ embodied hardware, transport,
                          datacentre infrastructure, end of life, amortised training)

``n`` = gpus_per_replica, ``m`` = gpus_per_server, ``P_gpu`` = gpu_power_serving_w,
``P_host`` = host_power_w (lca/model/genai.py). The energy boundaries' carbon is their
electricity at the location-based factor, so each multiplier compares like with like.
The idle term ``idle_kwh``: a campaign's ``<campaign>_idle_kwh``; for inference
``inference_idle_kwh_per_request``, written when the service gives ``serving_utilisation``
u (``replica_hours x (1/u - 1) x (n P_gpu,idle + n / m P_host,idle)``, lca/model/serving.py).
Where a term does not exist the boundary says so: without ``serving_utilisation``, or with
a measured energy, inference has no idle term (``hardware_utilisation`` enters the embodied
share only), so there ``it-provisioned`` = ``it-active``; a measured energy cannot be split
into GPU and host.

References (bibliography ids of ``inventories/SOURCES/``)
----------
1. mlenergy-leaderboard-v3-2025: GPU energy (the ``gpu`` boundary).
2. elsworth-2025-google-ai-prompt: active, idle and facility energy per prompt
   (arXiv:2508.15734).
3. mistral-2025-lca: the full life cycle.
4. ghg-protocol-scope2-2015: location- and market-based methods.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from lca.data.names import FINE_TUNING, INFERENCE, STAGE_ORDER, TRAINING

#: Boundary id -> (label, the boundary it extends, formula as documented).
BOUNDARIES: dict[str, tuple[str, str | None, str]] = {
    "gpu": ("GPU (accelerator energy only)", None,
            "E_it-active x n P_gpu / (n P_gpu + n/m P_host)"),
    "it-active": ("IT, active (accelerators + host)", "gpu",
                  "E_it-provisioned x (1 - idle_kwh / it_kwh)"),
    "it-provisioned": ("IT with idle and provisioned capacity", "it-active", "E_s / pue"),
    "facility": ("Facility (x PUE)", "it-provisioned", "E_s (IT x pue)"),
    "operational-location": ("Operational carbon, location-based", "facility",
                             "E_s x f_location"),
    "operational-market": ("Operational carbon, market-based", "facility",
                           "E_s x grid_market_gwp_kg_per_kwh"),
    "full": ("Full life cycle", "operational-location",
             "assessment total: + embodied hardware, datacentre infrastructure, end of "
             "life, amortised training"),
}
MARKET_FACTOR = "grid_market_gwp_kg_per_kwh"
LOCATION_FACTOR = "grid_location_gwp_kg_per_kwh"
CLIMATE = "climate_change"


@dataclass(frozen=True)
class BoundaryValue:
    """One boundary's figures per functional unit; ``None`` with ``note`` when not
    available."""

    id: str
    label: str
    formula: str
    extends: str | None
    energy_kwh: float | None
    carbon_kg: float | None
    energy_multiplier: float | None = None  # this / the boundary it extends
    carbon_multiplier: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Reconciliation:
    """A service's result under every boundary (:func:`reconcile`)."""

    service: str
    service_name: str
    functional_unit: dict[str, Any]
    operational_stages: list[str]
    grid: dict[str, Any]              # basis, location and market factors (kg/kWh)
    boundaries: list[BoundaryValue]
    additions: dict[str, dict[str, float]] = field(default_factory=dict)  # full - operational
    parts: dict[str, float] = field(default_factory=dict)  # per-FU terms of the formulas

    def __getitem__(self, boundary: str) -> BoundaryValue:
        return next(b for b in self.boundaries if b.id == boundary)

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "service_name": self.service_name,
                "functional_unit": dict(self.functional_unit),
                "operational_stages": list(self.operational_stages), "grid": dict(self.grid),
                "boundaries": [asdict(b) for b in self.boundaries],
                "full_additions": self.additions, "parts": dict(self.parts)}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def rows(self) -> list[dict[str, Any]]:
        fu = self.functional_unit
        return [{"service": self.service, "functional_unit": fu["id"], "boundary": b.id,
                 "label": b.label, "energy_kwh": b.energy_kwh, "carbon_kg_co2_eq": b.carbon_kg,
                 "extends": b.extends or "", "energy_multiplier": b.energy_multiplier,
                 "carbon_multiplier": b.carbon_multiplier, "formula": b.formula,
                 "note": b.note} for b in self.boundaries]

    def to_csv(self) -> str:
        buf = io.StringIO()
        rows = self.rows()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: "" if v is None else repr(v) if isinstance(v, float) else v
                             for k, v in r.items()})
        return buf.getvalue()

    def to_text(self) -> str:
        fu = self.functional_unit
        head = ["boundary", "energy kWh", "x", "kg CO2-eq", "x", "note"]
        lines = [[b.id, _fmt(b.energy_kwh), _mult(b.energy_multiplier), _fmt(b.carbon_kg),
                  _mult(b.carbon_multiplier), b.note] for b in self.boundaries]
        widths = [max(len(r[c]) for r in [head] + lines) for c in range(len(head) - 1)]
        fmt = lambda r: "  ".join([r[0].ljust(widths[0])] + [v.rjust(w) for v, w in
                                                             zip(r[1:-1], widths[1:])]
                                  + [r[-1]]).rstrip()
        grid = self.grid
        title = (f"{self.service_name}\nboundaries per {fu['name']} [{fu['id']}]; operational "
                 f"stage: {', '.join(self.operational_stages)}; grid {grid['basis']}: "
                 f"location {_fmt(grid['location_kg_per_kwh'])}, market "
                 f"{_fmt(grid['market_kg_per_kwh'])} kg CO2-eq/kWh; x: multiplier from the "
                 "boundary it extends")
        return "\n".join([title, "", fmt(head), fmt(["-" * w for w in widths] + [""])]
                         + [fmt(r) for r in lines])


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.4g}"


def _mult(v: float | None) -> str:
    return "" if v is None else f"x{v:.4g}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or not b else a / b


# ---------------------------------------------------------------------- the terms
def operational_stages(energy_by_stage: dict[str, float]) -> list[str]:
    """The stages whose energy the narrow boundaries count: inference when the service
    serves requests, else its training and fine-tuning campaigns."""
    if energy_by_stage.get(INFERENCE, 0.0) > 0:
        return [INFERENCE]
    return [s for s in (TRAINING, FINE_TUNING) if energy_by_stage.get(s, 0.0) > 0]


def gpu_share(stage: str, values: dict[str, float]) -> tuple[float | None, str]:
    """Share of a stage's active IT energy drawn by the accelerators, and why."""
    if stage == INFERENCE:
        names = ("gpus_per_replica", "gpu_power_serving_w", "gpus_per_server", "host_power_w")
        if all(n in values for n in names):
            n, p_gpu, m, p_host = (values[k] for k in names)
            gpu = n * p_gpu
            return (gpu / (gpu + n / m * p_host) if gpu else 0.0), ""
        return None, ("the measured energy per request is taken as IT energy (GPU and host "
                      "together): no GPU share to split it")
    p = stage.replace("-", "_")
    if f"{p}_gpu_hours" in values and f"{p}_gpu_power_w" in values:
        return 1.0, (f"the {stage} model has no host term: its power per GPU "
                     f"({p}_gpu_power_w) is the whole IT power, so gpu = it-active")
    return None, f"the {stage} campaign's energy is measured: no GPU share to split it"


def idle_share(stage: str, values: dict[str, float]) -> tuple[float, str]:
    """Share of a stage's IT energy that is idle or provisioned capacity, and why (the
    inference stage: ``inference_idle_kwh_per_request``, given ``serving_utilisation``)."""
    p = stage.replace("-", "_")
    if stage == INFERENCE:
        idle = values.get("inference_idle_kwh_per_request", 0.0)
        it = values.get("inference_it_kwh_per_request", 0.0)
        if "inference_idle_kwh_per_request" in values:
            share = idle / it if it > 0 else 0.0
            return share, (f"idle replicas at serving_utilisation = "
                           f"{values.get('serving_utilisation', float('nan')):g}: "
                           f"{share:.1%} of IT energy")
        if "serving_utilisation" in values:
            return 0.0, ("no idle term: the measured energy per request is taken as it is "
                         "(serving_utilisation is not used by energy_model measured), so "
                         "it-provisioned = it-active")
        return 0.0, ("no idle term: the inference model counts the replica's busy time only "
                     "(hardware_utilisation enters the embodied share; give "
                     "serving_utilisation to add idle capacity), so it-provisioned = "
                     "it-active")
    idle, it = values.get(f"{p}_idle_kwh", 0.0), values.get(f"{p}_it_kwh", 0.0)
    if idle > 0 and it > 0:
        return idle / it, ""
    return 0.0, (f"no idle term: {p}_idle_kwh is not given, so it-provisioned = it-active")


def grid_factors(spec, values: dict[str, float], location_from_result: float | None
                 ) -> dict[str, Any]:
    """The location- and market-based factors (kg CO2-eq/kWh) with the reason one is
    missing. ``spec``: the service's model block as data (None: written as activities,
    whose electricity is taken as location-based)."""
    elec = (spec or {}).get("electricity") or {}  # none: activities, or stated impacts only
    basis, where = elec.get("basis", "location-based"), elec.get("location")
    location, market, why_loc, why_market = None, None, "", ""
    if basis == "market-based":
        market = location_from_result
        location = values.get(LOCATION_FACTOR)
        if location is None:
            why_loc = (f"electricity.basis is market-based and no '{LOCATION_FACTOR}' is "
                       "given (kg CO2-eq/kWh of the location's grid mix)")
    else:
        location = location_from_result
        if basis == "stated":
            why_loc = "the stated factor grid_gwp_kg_per_kwh is taken as location-based"
        elif basis == "linked":
            why_loc = "the linked Brightway activity's factor is taken as location-based"
        market = values.get(MARKET_FACTOR)
        if market is None:
            why_market = (f"not available: the service states no market-based factor; give "
                          f"parameter '{MARKET_FACTOR}' (kg CO2-eq/kWh from the supplier's "
                          "contractual instruments, GHG Protocol Scope 2 Guidance)")
    return {"basis": basis, "location": where, "location_kg_per_kwh": location,
            "market_kg_per_kwh": market, "location_note": why_loc, "market_note": why_market}


# ---------------------------------------------------------------------- the verb
def reconcile(result, values: dict[str, float], spec=None) -> Reconciliation:
    """The boundaries of one assessment (:class:`~lca.results.AssessmentResult`) given the
    service's evaluated parameters (:meth:`lca.prepared.PreparedService.parameter_values`)
    and its model block ``spec`` as data (:meth:`lca.prepared.PreparedService.description`;
    None for a service written as activities)."""
    stages = operational_stages(result.energy_by_stage_kwh)
    climate = result.indicators[CLIMATE]
    pue = values.get("pue", 1.0)
    notes: dict[str, str] = {}
    if not stages:  # nothing operational to split: said, not shown as zeros
        return _without_operation(result, values, spec, pue)
    facility = sum(result.energy_by_stage_kwh.get(s, 0.0) for s in stages)
    op_carbon = sum(climate.by_stage.get(s, 0.0) for s in stages)
    it_prov = facility / pue
    it_active, gpu = 0.0, 0.0
    for s in stages:
        e_it = result.energy_by_stage_kwh.get(s, 0.0) / pue
        idle, why_idle = idle_share(s, values)
        share, why_gpu = gpu_share(s, values)
        it_active += e_it * (1 - idle)
        gpu = None if gpu is None or share is None else gpu + e_it * (1 - idle) * share
        if why_idle:
            notes.setdefault("it-provisioned", why_idle)
        if why_gpu:
            notes.setdefault("gpu", why_gpu)
    grid = grid_factors(spec, values, _ratio(op_carbon, facility))
    loc, market = grid["location_kg_per_kwh"], grid["market_kg_per_kwh"]
    carbon = lambda e: None if e is None or loc is None else e * loc
    figures = {
        "gpu": (gpu, carbon(gpu)),
        "it-active": (it_active, carbon(it_active)),
        "it-provisioned": (it_prov, carbon(it_prov)),
        "facility": (facility, carbon(facility)),
        "operational-location": (facility, carbon(facility)),
        "operational-market": (facility, None if market is None else facility * market),
        "full": (result.energy_total_kwh, climate.total),
    }
    notes["facility"] = f"pue = {pue:g}"
    if grid["location_note"] or loc is None:
        notes["operational-location"] = grid["location_note"] or "not available"
    if grid["market_note"]:
        notes["operational-market"] = grid["market_note"]
    out = []
    for bid, (label, extends, formula) in BOUNDARIES.items():
        energy, kg = figures[bid]
        base = figures.get(extends, (None, None))
        out.append(BoundaryValue(bid, label, formula, extends, energy, kg,
                                 _ratio(energy, base[0]), _ratio(kg, base[1]),
                                 notes.get(bid, "")))
    additions = {}
    for s in sorted(set(result.energy_by_stage_kwh) | set(climate.by_stage),
                    key=lambda s: (STAGE_ORDER.index(s) if s in STAGE_ORDER else 99, s)):
        if s in stages:
            continue
        e, c = result.energy_by_stage_kwh.get(s, 0.0), climate.by_stage.get(s, 0.0)
        if e or c:
            additions[s] = {"energy_kwh": e, "carbon_kg": c}
    parts = {"pue": pue, "facility_kwh": facility, "it_kwh": it_prov,
             "idle_kwh": it_prov - it_active,
             "host_kwh": None if gpu is None else it_active - gpu}
    for v in [*(x for pair in figures.values() for x in pair), *parts.values()]:
        if v is not None and not math.isfinite(v):
            raise ValueError(f"boundary figure not finite: {v}")
    return Reconciliation(result.service, result.service_name, dict(result.functional_unit),
                          stages, grid, out, additions, parts)


def _without_operation(result, values: dict[str, float], spec, pue: float) -> Reconciliation:
    """A result with no inference or campaign energy: only ``full``, the others n/a."""
    climate = result.indicators[CLIMATE]
    why = ("not available: the result has no inference, training or fine-tuning stage with "
           "energy to split")
    out = [BoundaryValue(bid, label, formula, extends, None, None, note=why)
           for bid, (label, extends, formula) in BOUNDARIES.items() if bid != "full"]
    label, extends, formula = BOUNDARIES["full"]
    out.append(BoundaryValue("full", label, formula, extends, result.energy_total_kwh,
                             climate.total))
    return Reconciliation(result.service, result.service_name, dict(result.functional_unit),
                          [], grid_factors(spec, values, None), out, {}, {"pue": pue})


def run(prepared, fu: str | None = None) -> Reconciliation:
    """The boundaries of a :class:`~lca.prepared.PreparedService` for functional unit
    ``fu`` (its assessment and evaluated parameters, both cached)."""
    result = prepared.assess(fu)
    return reconcile(result, prepared.parameter_values(), prepared.description()["model"])
