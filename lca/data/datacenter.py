"""Datacentres as inventory records, built from the sourced tables in
``inventories/background/datacenter/`` (see its README, "Brightway model").

Database ``genai-datacenter``:

- ``datacenter-infrastructure-<id>``, per megawatt-year of IT capacity, one per row of
  ``infrastructure.csv`` given per MW of IT capacity with a lifetime: embodied GWP on the
  pre-characterised flow = per-MW figure / lifetime (activity parameters for both, so a
  parametric run varies them), triangular over the table's low/high at the central lifetime.
- ``datacenter-<id>``, per kWh of IT energy, one per row of ``archetypes.csv`` and of
  ``operators.csv``: ONLY the on-site parts (cooling water evaporated = WUE, an equal
  withdrawal, and the building share 1 / (1000 x 8760 x it_load_factor) MW-year). PUE and
  WUE are activity parameters (``pue``, ``wue_l_per_kwh``) and properties. The facility
  electricity (IT kWh x PUE x grid) is NOT here: the grid depends on the service's country,
  so the service links its own grid market with amount ``pue`` per kWh of IT energy.

Pure: reads CSV, returns records (no Brightway import).
"""

from __future__ import annotations

from pathlib import Path

from lca.data import names
from lca.data.inventory import SourcedFile, read_table, table_digest
from lca.data.schema import Activity, Exchange, InventoryFile, Parameter, Uncertainty

DATABASE = names.DATACENTER_DB
INFRASTRUCTURE_PREFIX = names.INFRASTRUCTURE_PREFIX
PREFIX = names.DATACENTER_PREFIX
#: The infrastructure row every datacentre record links to (the only open per-MW figure).
DEFAULT_INFRASTRUCTURE = "dc-construction-per-mw-it"
_PER_MW_UNIT = "t CO2-eq per MW IT"
#: biosphere3 flows: on-site evaporation (consumption) and the matching withdrawal.
CONSUMPTION = ("Water", ["air"])
WITHDRAWAL = ("Water, unspecified natural origin", ["natural resource", "in water"])
LOAD_FACTOR_SOURCE = "genai-lca-assumption-dc-load-factor"
WITHDRAWAL_SOURCE = "genai-lca-assumption-dc-withdrawal-equals-consumption"
MIDPOINT_SOURCE = "genai-lca-assumption-dc-range-midpoint"
_ARCHETYPE_ASSUMPTION = "genai-lca-assumption-dc-archetypes"

ON_SITE_NOTE = (
    "On-site part of one kWh of IT energy: cooling water evaporated on site (WUE, The Green "
    "Grid definition) with an equal withdrawal, and the share of the building and facility "
    "equipment (MW-year of IT capacity at the average IT load factor). The facility "
    "electricity (IT kWh x PUE x grid) is NOT included: the service links its own grid "
    "market with amount 'pue' per kWh of IT energy (parameter and property 'pue' here).")


def build(root: Path) -> SourcedFile:
    """The ``genai-datacenter`` records from ``<root>/background/datacenter``."""
    folder = root / "background" / "datacenter"
    return SourcedFile(str(folder), datacenter_inventory(folder),
                       table_digest(folder, __file__))


def _num(text: str | None) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def _ids(text: str) -> list[str]:
    return [s.strip() for s in (text or "").split(";") if s.strip()]


def distribution(mode: float | None, low: float | None, high: float | None
                 ) -> tuple[float | None, Uncertainty | None, str]:
    """(amount, uncertainty, basis) of a value published as mode and/or low/high bounds.

    Triangular when low < high and low <= mode <= high (a mode on a bound, e.g. WUE 0 in
    0-0.1, is a skewed triangle); a central value without both bounds has no distribution
    (a lone "best site" minimum is not a range of the fleet value); a range without a
    central value gives the midpoint with a uniform distribution; nothing gives None.
    """
    ranged = low is not None and high is not None and low < high
    if mode is not None:
        if ranged and low <= mode <= high:
            return mode, Uncertainty(type="triangular", minimum=low, maximum=high), \
                "published or chosen mode, triangular over the range"
        return mode, None, "published central value"
    if ranged:
        return (low + high) / 2, Uncertainty(type="uniform", minimum=low, maximum=high), \
            f"range only: midpoint of the published range, uniform ({MIDPOINT_SOURCE})"
    return None, None, "not published for this record"


# --------------------------------------------------------------------------- infrastructure

def infrastructure_activity(row: dict[str, str]) -> Activity:
    """Embodied GWP per MW-year of IT capacity: per-MW figure / lifetime."""
    central, low, high = (_num(row[k]) for k in ("central", "low", "high"))
    life, life_lo, life_hi = (_num(row[k]) for k in (
        "lifetime_years", "lifetime_years_low", "lifetime_years_high"))
    sources = _ids(row["source"])
    life_source = next((s for s in sources if "lifetime" in s), sources[0])
    _, embodied_unc, _ = distribution(central * 1000, _scaled(low, 1000), _scaled(high, 1000))
    _, life_unc, _ = distribution(life, life_lo, life_hi)
    per_year = central * 1000 / life
    exchange_unc = Uncertainty(type="triangular", minimum=low * 1000 / life,
                               maximum=high * 1000 / life) \
        if low is not None and high is not None and low < central < high else None
    item = row["item"].split(", per MW")[0]
    return Activity(
        code=INFRASTRUCTURE_PREFIX + row["id"],
        name=f"{item}, per MW-year of IT capacity",
        unit="megawatt year", reference_product="datacentre IT capacity", location="GLO",
        stage=names.DATACENTER_INFRASTRUCTURE, source=sources[0],
        comment=(f"{row['notes']} Amortised over the building life: {central:g} t CO2-eq per "
                 f"MW / {life:g} years = {per_year / 1000:.4g} t per MW-year. GWP only "
                 "(pre-characterised): no open water or ADP data for datacentre buildings "
                 "(gap). Link per kWh of IT energy with 1 / (1000 x 8760 x load factor)."),
        properties={"record": "infrastructure", "central_t_co2eq_per_mw": central,
                    "low_t_co2eq_per_mw": low, "high_t_co2eq_per_mw": high,
                    "lifetime_years": life, "lifetime_years_low": life_lo,
                    "lifetime_years_high": life_hi, "sources": row["source"],
                    "evidence": row["evidence"]},
        parameters=[
            Parameter(name="embodied_kg_co2eq_per_mw", amount=central * 1000,
                      unit="kg_CO2eq / MW", source=sources[0], uncertainty=embodied_unc,
                      minimum=0, description="embodied GWP of the building and facility "
                      "equipment per MW of IT capacity",
                      comment="range is a parameterisation choice: one open data point"),
            Parameter(name="building_lifetime_years", amount=life, unit="year",
                      source=life_source, uncertainty=life_unc,
                      description="service life over which the building is amortised"),
        ],
        exchanges=[Exchange(
            flow="GWP100, pre-characterised", categories=["air"],
            formula="embodied_kg_co2eq_per_mw / building_lifetime_years", unit="kg CO2-Eq",
            source=sources[0], uncertainty=exchange_unc,
            comment=("triangular over the per-MW low/high at the central lifetime (a bounded, "
                     "right-skewed range around the single Data4 point); the lifetime range "
                     "is on the parameter building_lifetime_years"))])


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


# --------------------------------------------------------------------------- datacentres

def _param_source(ids: list[str], quality: str) -> str:
    """The id a parameter cites: our archetype assumption where the mode is ours."""
    q = quality.lower()
    if _ARCHETYPE_ASSUMPTION in ids and (q.startswith("assumption")
                                         or "mode is an assumption" in q):
        return _ARCHETYPE_ASSUMPTION
    return ids[0]


def datacenter_activity(rec: dict, infrastructure: str) -> Activity:
    """One datacentre record (see :func:`archetype_record`, :func:`operator_record`)."""
    pue, pue_unc, pue_basis = distribution(rec["pue"], rec["pue_min"], rec["pue_max"])
    wue, wue_unc, wue_basis = distribution(rec["wue"], rec["wue_min"], rec["wue_max"])
    params, exchanges, notes = [], [], [ON_SITE_NOTE]
    if pue is not None:
        params.append(Parameter(
            name="pue", amount=pue, unit="dimensionless", minimum=1.0, source=rec["pue_source"],
            uncertainty=pue_unc, description="power usage effectiveness: facility / IT energy",
            comment=pue_basis))
    else:
        notes.append("No PUE is published for this record (property pue is null): take "
                     "the PUE of another record of the same operator or an archetype.")
    if wue is not None:
        params.append(Parameter(
            name="wue_l_per_kwh", amount=wue, unit="L / kWh", minimum=0.0,
            source=rec["wue_source"], uncertainty=wue_unc,
            description="on-site water consumption per kWh of IT energy (The Green Grid WUE)",
            comment=wue_basis))
        exchanges += [
            Exchange(flow=CONSUMPTION[0], categories=CONSUMPTION[1], formula="wue_l_per_kwh",
                     unit="L", source=rec["wue_source"], uncertainty=wue_unc,
                     comment="on-site evaporation (consumption) = WUE x 1 kWh IT"),
            Exchange(flow=WITHDRAWAL[0], categories=WITHDRAWAL[1], formula="wue_l_per_kwh",
                     unit="L", source=WITHDRAWAL_SOURCE, uncertainty=wue_unc,
                     comment="withdrawal = consumption + release, release (blowdown) "
                             "unknown and set to 0: a lower bound")]
    else:
        notes.append("No on-site WUE is published for this record: no water exchange "
                     "(property wue_l_per_kwh is null; not invented).")
    exchanges.append(Exchange(
        input=infrastructure, formula="1 / (1000 * 8760 * it_load_factor)",
        unit="megawatt year", source=LOAD_FACTOR_SOURCE,
        comment="1 MW of IT capacity for one year delivers 8,760 MWh at full load"))
    if rec["notes"]:
        notes.append(rec["notes"])
    props = {"record": rec["record"], "dc_type": rec["dc_type"], "cooling": rec["cooling"],
             "year": rec["year"], "pue": pue, "pue_min": rec["pue_min"],
             "pue_max": rec["pue_max"], "pue_basis": pue_basis, "pue_source": rec["pue_sources"],
             "wue_l_per_kwh": wue, "wue_min": rec["wue_min"], "wue_max": rec["wue_max"],
             "wue_basis": rec["wue_definition"], "wue_value_basis": wue_basis,
             "wue_source": rec["wue_sources"], "infrastructure": infrastructure,
             **rec["extra"]}
    return Activity(
        code=PREFIX + rec["id"], name=f"datacentre on-site operation per kWh of IT energy "
        f"(cooling water, infrastructure share), {rec['label']}", unit="kilowatt hour",
        reference_product="IT energy, on-site datacentre part", location=rec["location"],
        source=rec["pue_source"] or rec["wue_source"], comment=" ".join(notes),
        properties=props, parameters=params, exchanges=exchanges)


def archetype_record(row: dict[str, str]) -> dict:
    pue_ids, wue_ids = _ids(row["pue_source"]), _ids(row["wue_source"])
    return {
        "record": "archetype", "id": row["id"],
        "label": f"{row['dc_type']}, {row['cooling']} cooling (archetype)",
        "location": "GLO", "dc_type": row["dc_type"], "cooling": row["cooling"],
        "year": None,  # a compilation of 2016-2025 sources, no single year
        "pue": _num(row["pue_mode"]), "pue_min": _num(row["pue_min"]),
        "pue_max": _num(row["pue_max"]),
        "pue_source": _param_source(pue_ids, row["pue_quality"]),
        "pue_sources": row["pue_source"],
        "wue": _num(row["wue_mode"]), "wue_min": _num(row["wue_min"]),
        "wue_max": _num(row["wue_max"]),
        "wue_source": _param_source(wue_ids, row["wue_quality"]),
        "wue_sources": row["wue_source"], "wue_definition": row["wue_basis"] or None,
        "notes": row["notes"],
        "extra": {"pue_quality": row["pue_quality"], "wue_quality": row["wue_quality"]},
    }


def operator_record(row: dict[str, str]) -> dict:
    ids = _ids(row["source"])
    iso3 = row["country_iso3"]
    return {
        "record": "operator", "id": row["id"],
        "label": f"{row['operator']}, {row['scope']} ({row['year']})",
        "location": "GLO" if iso3 in ("WLD", "") else iso3,
        "dc_type": None, "cooling": None, "year": row["year"],
        "pue": _num(row["pue"]), "pue_min": _num(row["pue_min"]),
        "pue_max": _num(row["pue_max"]), "pue_source": ids[0], "pue_sources": row["source"],
        "wue": _num(row["wue_l_per_kwh_it"]), "wue_min": _num(row["wue_min"]),
        "wue_max": _num(row["wue_max"]), "wue_source": ids[0], "wue_sources": row["source"],
        "wue_definition": row["wue_basis"] or None, "notes": row["notes"],
        "extra": {"operator": row["operator"], "scope": row["scope"], "source": row["source"],
                  "evidence": row["evidence"], "country_iso3": iso3 or None,
                  "location_notes": row["location_notes"] or None,
                  "water_ml": _num(row["water_ml"]), "water_basis": row["water_basis"] or None,
                  "electricity_twh": _num(row["electricity_twh"])},
    }


def datacenter_inventory(folder: Path) -> InventoryFile:
    """The ``genai-datacenter`` database from the tables in ``folder``."""
    infra_rows = [r for r in read_table(folder / "infrastructure.csv")
                  if r["unit"] == _PER_MW_UNIT and r["central"] and r["lifetime_years"]]
    if DEFAULT_INFRASTRUCTURE not in {r["id"] for r in infra_rows}:
        raise ValueError(f"infrastructure.csv has no row '{DEFAULT_INFRASTRUCTURE}' in "
                         f"'{_PER_MW_UNIT}' with a lifetime")
    infrastructure = INFRASTRUCTURE_PREFIX + DEFAULT_INFRASTRUCTURE
    records = [archetype_record(r) for r in read_table(folder / "archetypes.csv")]
    records += [operator_record(r) for r in read_table(folder / "operators.csv")]
    return InventoryFile(
        database=DATABASE,
        description="Datacentres: building infrastructure per MW-year of IT capacity, and the "
                    "on-site part (water, infrastructure share) of one kWh of IT energy for "
                    "each archetype and published operator figure; PUE as a parameter",
        parameters=[Parameter(
            name="it_load_factor", amount=0.6, unit="dimensionless", minimum=0.01, maximum=1,
            source=LOAD_FACTOR_SOURCE, uncertainty=Uncertainty(
                type="triangular", minimum=0.4, maximum=0.8),
            description="average IT power / installed IT capacity")],
        activities=[infrastructure_activity(r) for r in infra_rows]
        + [datacenter_activity(rec, infrastructure) for rec in records])
