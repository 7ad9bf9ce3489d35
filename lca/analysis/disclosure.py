"""Energy disclosure: the figures a provider pastes into technical documentation (issue 16).

Per functional unit and per year of service (``requests_per_day x 365`` requests):

- electricity of the operational stage (:mod:`lca.analysis.boundaries`): GPU, IT (with idle
  capacity where the model has it) and facility (IT x PUE), kWh;
- GHG of that electricity, location-based and market-based (the GHG Protocol's dual
  Scope 2 reporting), kg CO2-eq; the factors are life-cycle grid factors (upstream
  included), so they are at least the combustion-only Scope 2 factors;
- water: on-site = ``wue_l_per_kwh`` x IT kWh (cooling evaporation), off-site = the grid
  electricity's water consumption (the operational stage's water consumption less the
  on-site part), litres;
- the life-cycle GHG (the assessment's total), for reference.

And per training or fine-tuning campaign: IT and facility energy, GPU-hours, duration
(``<campaign>_duration_days``, or GPU-hours / ``<campaign>_gpus`` / 24), hardware
(accelerator id and count) and location (grid and datacentre), with its GHG.

Shaped after the EU AI Act's Annex XI section 2 (known or estimated energy consumption of a
general-purpose model's training) and the GHG Protocol Scope 2 Guidance (sources in
``inventories/SOURCES/bounds.yaml``: eu-ai-act-2024-annex-xi, ghg-protocol-scope2-2015).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from lca.analysis.boundaries import Reconciliation
from lca.data.parameters import CAMPAIGNS

SOURCES = ("eu-ai-act-2024-annex-xi", "ghg-protocol-scope2-2015")
WATER = "water_consumption"  # m3


@dataclass(frozen=True)
class Disclosure:
    """The disclosure table of one service (:func:`disclose`)."""

    service: str
    service_name: str
    functional_unit: dict[str, Any]
    units_per_year: float | None       # functional units in a year of service
    rows: list[dict[str, Any]]         # item, unit, per_fu, per_year, note
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    sources: tuple[str, ...] = SOURCES

    def value(self, item: str, per: str = "per_fu") -> float | None:
        return next(r[per] for r in self.rows if r["item"] == item)

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "service_name": self.service_name,
                "functional_unit": dict(self.functional_unit),
                "units_per_year": self.units_per_year, "operation": self.rows,
                "campaigns": self.campaigns, "sources": list(self.sources)}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def to_csv(self) -> str:
        """One long table: the operation's rows (per FU and per year), then each campaign's
        figures (section = the campaign)."""
        buf = io.StringIO()
        fields = ["service", "section", "item", "unit", "per_fu", "per_year", "note"]
        w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in self.rows:
            w.writerow({"service": self.service, "section": "operation", **_csv(r)})
        for c in self.campaigns:
            for item, unit, value, note in _campaign_items(c):
                w.writerow({"service": self.service, "section": c["campaign"], "item": item,
                            "unit": unit, "per_fu": _csv_value(value), "per_year": "",
                            "note": note})
        return buf.getvalue()

    def to_markdown(self) -> str:
        fu = self.functional_unit
        lines = [f"### Energy disclosure: {self.service_name}", "",
                 f"Operation per {fu['name']} and per year of service "
                 f"({_num(self.units_per_year)} functional units a year).", "",
                 f"| Item | Unit | Per {fu['name']} | Per year | Basis |",
                 "|---|---|---:|---:|---|"]
        lines += [f"| {r['item']} | {r['unit']} | {_num(r['per_fu'])} | {_num(r['per_year'])} "
                  f"| {_md(r['note'])} |" for r in self.rows]
        for c in self.campaigns:
            lines += ["", f"{c['campaign'].replace('_', '-').capitalize()} campaign (whole "
                      "campaign, not amortised)", "", "| Item | Unit | Value | Basis |",
                      "|---|---|---:|---|"]
            lines += [f"| {item} | {unit} | {v if isinstance(v, str) else _num(v)} | "
                      f"{_md(note)} |" for item, unit, v, note in _campaign_items(c)]
        lines += ["", "Sources: EU AI Act (Regulation (EU) 2024/1689) Annex XI section 2; "
                  "GHG Protocol Scope 2 Guidance (2015), dual reporting. Computed with "
                  "genai-lca."]
        return "\n".join(lines) + "\n"

    def render(self, fmt: str) -> str:
        return {"json": self.to_json, "csv": self.to_csv, "md": self.to_markdown}[fmt]()


def _num(v) -> str:
    return "n/a" if v is None else f"{v:.4g}"


def _md(text: str) -> str:
    return text.replace("|", "/")


def _csv_value(v):
    return "" if v is None else repr(v) if isinstance(v, float) else v


def _csv(r: dict) -> dict:
    return {k: _csv_value(v) for k, v in r.items()}


def _campaign_items(c: dict) -> list[tuple[str, str, Any, str]]:
    return [("Energy, IT", "kWh", c["it_kwh"], c["idle_note"]),
            ("Energy, facility", "kWh", c["facility_kwh"], f"IT x PUE {c['pue']:g}"),
            ("GPU-hours", "h", c["gpu_hours"], ""),
            ("Duration", "days", c["duration_days"], c["duration_note"]),
            ("Accelerator", "", c["accelerator"] or "not stated", ""),
            ("Accelerator count", "unit", c["gpus"], "" if c["gpus"] is not None else
             f"not stated: give {c['campaign']}_gpus"),
            ("Location (grid)", "", c["location"] or "not stated", c["grid_basis"]),
            ("Datacentre", "", c["datacenter"] or "not stated", ""),
            ("GHG, location-based", "kg CO2-eq", c["carbon_location_kg"], ""),
            ("GHG, market-based", "kg CO2-eq", c["carbon_market_kg"], c["market_note"])]


def disclose(result, values: dict[str, float], rec: Reconciliation, spec=None) -> Disclosure:
    """The disclosure of one assessment given its evaluated parameters, its boundaries
    (:func:`lca.analysis.boundaries.reconcile`) and the service's model block as data."""
    fu = result.functional_unit
    ref = fu.get("reference_flow", {})
    per_request = ref.get("activity", [None, None])[1] == "request" and ref.get("amount")
    per_year = values["requests_per_day"] * 365 / ref["amount"] \
        if per_request and "requests_per_day" in values else None
    grid, b = rec.grid, {x.id: x for x in rec.boundaries}
    it = b["it-provisioned"].energy_kwh
    wue = values.get("wue_l_per_kwh")
    onsite = wue * it if wue is not None and it is not None else None
    water = result.indicators.get(WATER)
    stage_water = sum(water.by_stage.get(s, 0.0) for s in rec.operational_stages) * 1000 \
        if water is not None else None
    offsite = None if stage_water is None else stage_water - (onsite or 0.0)
    if offsite is not None and abs(offsite) <= 1e-6 * abs(stage_water):
        offsite = 0.0  # the solver's rounding when the grid carries no water
    why_idle, idle_kwh = b["it-provisioned"].note, rec.parts.get("idle_kwh") or 0.0
    if it and idle_kwh > 1e-12 * it:  # a campaign's idle kWh, or inference's idle replicas
        why_idle = why_idle or f"IT energy with idle capacity (idle {idle_kwh / it:.1%})"
    rows = [
        ("Energy, GPU (accelerators)", "kWh", b["gpu"].energy_kwh, b["gpu"].note or
         "accelerator board energy"),
        ("Energy, IT (accelerators + host)", "kWh", it, why_idle or
         "IT energy with idle capacity"),
        ("Energy, facility", "kWh", b["facility"].energy_kwh, f"IT x PUE {rec.parts['pue']:g}"),
        ("GHG, location-based", "kg CO2-eq", b["operational-location"].carbon_kg,
         _factor(grid["location_kg_per_kwh"], grid["location_note"], "location-based")),
        ("GHG, market-based", "kg CO2-eq", b["operational-market"].carbon_kg,
         _factor(grid["market_kg_per_kwh"], grid["market_note"], "market-based")),
        ("Water, on-site (cooling)", "L", onsite, f"WUE {wue:g} L/kWh x IT energy"
         if wue is not None else "not available: no on-site water in the boundary"),
        ("Water, off-site (electricity generation)", "L", offsite,
         "water consumption of the grid electricity" if offsite is not None
         else "not available"),
        ("GHG, life cycle (for reference)", "kg CO2-eq", b["full"].carbon_kg,
         "the assessment's total: every lifecycle stage in the service's boundary"),
    ]
    out = [{"item": item, "unit": unit, "per_fu": v,
            "per_year": None if v is None or per_year is None else v * per_year, "note": note}
           for item, unit, v, note in rows]
    campaigns = [c for p in CAMPAIGNS if (c := campaign(p, values, grid, spec)) is not None]
    return Disclosure(result.service, result.service_name, dict(fu), per_year, out, campaigns)


def _factor(value: float | None, note: str, basis: str) -> str:
    if value is None:
        return note
    text = f"{basis} grid factor {value:.4g} kg CO2-eq/kWh (life cycle) x facility energy"
    return f"{text}; {note}" if note else text


def campaign(p: str, values: dict[str, float], grid: dict, spec=None) -> dict | None:
    """A whole training or fine-tuning campaign (prefix ``p``), or None when the service
    has none."""
    if f"{p}_it_kwh" not in values:
        return None
    pue = values.get("pue", 1.0)
    it = values[f"{p}_it_kwh"]
    idle = values.get(f"{p}_idle_kwh", 0.0)
    gpu_hours = values.get(f"{p}_gpu_hours_total", values.get(f"{p}_gpu_hours"))
    gpus = values.get(f"{p}_gpus")
    if f"{p}_duration_days" in values:
        duration, why = values[f"{p}_duration_days"], f"given ({p}_duration_days)"
    elif gpus and gpu_hours is not None:
        duration, why = gpu_hours / gpus / 24, f"GPU-hours / {p}_gpus / 24"
    else:
        duration, why = None, f"not stated: give {p}_duration_days or {p}_gpus"
    facility = it * pue
    loc, market = grid["location_kg_per_kwh"], grid["market_kg_per_kwh"]
    hw = (spec or {}).get("hardware") or {}
    return {"campaign": p, "it_kwh": it, "idle_kwh": idle, "pue": pue,
            "idle_note": f"of which idle {idle:.4g} kWh" if idle else "no idle energy given",
            "facility_kwh": facility, "gpu_hours": gpu_hours, "gpus": gpus,
            "duration_days": duration, "duration_note": why,
            "accelerator": hw.get("accelerator"), "datacenter": hw.get("datacenter"),
            "location": grid["location"],
            "grid_basis": grid["basis"],
            "carbon_location_kg": None if loc is None else facility * loc,
            "carbon_market_kg": None if market is None else facility * market,
            "market_note": grid["market_note"]}


def run(prepared, fu: str | None = None) -> Disclosure:
    """The disclosure of a :class:`~lca.prepared.PreparedService` for functional unit
    ``fu``."""
    from lca.analysis.boundaries import reconcile

    result, values = prepared.assess(fu), prepared.parameter_values()
    spec = prepared.description()["model"]
    return disclose(result, values, reconcile(result, values, spec), spec)
