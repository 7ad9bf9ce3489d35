"""Country electricity mixes as inventory records, built from the sourced tables in
``inventories/background/electricity/`` (see its README for columns and sources).

One activity per generation technology (life-cycle GHG on the pre-characterised GWP100
flow, with a triangular distribution over the published range; water withdrawal,
evaporation and release on real biosphere3 flows, so withdrawal = release + consumption)
and one location-based market per country (ISO3) and for the world, mixing the default
technology of each category by its generation share. Pure: reads CSV, returns records.
"""

from __future__ import annotations

from pathlib import Path

from lca.data import names
from lca.data.inventory import SourcedFile, read_table, table_digest
from lca.data.schema import Activity, Exchange, InventoryFile, Uncertainty
from lca.data.water import country_factors, flow_name

DATABASE = names.ELECTRICITY_DB
_SHARE_PREFIX = "share_"
_WATER = {  # biosphere3 flow name and categories for each water column
    "water_withdrawal_l_per_kwh": ("Water, cooling, unspecified natural origin",
                                   ["natural resource", "in water"]),
    "water_consumption_l_per_kwh": ("Water", ["air"]),
    "water_release_l_per_kwh": ("Water", ["water", "surface water"]),
}


def build(root: Path) -> SourcedFile:
    """The ``genai-electricity`` records from ``<root>/background/electricity``."""
    folder = root / "background" / "electricity"
    digest = table_digest(folder, __file__) + table_digest(root / "methods")  # + AWARE flows
    return SourcedFile(str(folder), electricity_inventory(folder), digest)


def technology_activity(row: dict[str, str]) -> Activity:
    """One kWh of a technology: its life-cycle GHG. Its water (L/kWh) is kept as properties
    and written by the markets, where the country is known (AWARE by country)."""
    ghg, lo, hi = (float(row[k]) for k in ("ghg_g_per_kwh", "ghg_min_g_per_kwh",
                                             "ghg_max_g_per_kwh"))
    unc = Uncertainty(type="triangular", minimum=lo / 1000, maximum=hi / 1000) \
        if lo < ghg < hi else None
    return Activity(code=names.technology_code(row['technology_id']),
                    name=f"electricity production, {row['name']}", unit="kilowatt hour",
                    reference_product="electricity, high voltage", location="GLO",
                    comment=row.get("notes") or None,
                    properties={col: float(row[col]) for col in _WATER},
                    exchanges=[Exchange(flow="GWP100, pre-characterised", categories=["air"],
                                        amount=ghg / 1000, unit="kg CO2-Eq",
                                        source=row["ghg_source"], uncertainty=unc,
                                        comment=row["ghg_basis"])])


def water_exchanges(water: dict[str, float], iso3: str, regional: set[str], note: str
                    ) -> list[Exchange]:
    """Withdrawal, evaporation and release (withdrawal = evaporation + release); the
    evaporation goes on the country's water flow when AWARE has a factor for it."""
    out = []
    for col, (flow, cats) in _WATER.items():
        if "consumption" in col and iso3 in regional:
            flow = flow_name(iso3)
        out.append(Exchange(flow=flow, categories=cats, amount=water[col], unit="L",
                            source="macknick-2012-erl", comment=note))
    return out


def market_activity(row: dict[str, str], default_tech: dict[str, str],
                    water: dict[str, float], regional: set[str]) -> Activity:
    source = row["source"].split(";")[-1]
    exchanges = [Exchange(input=default_tech[col[len(_SHARE_PREFIX):]], amount=float(v),
                          unit="kWh", source=source)
                 for col, v in row.items()
                 if col.startswith(_SHARE_PREFIX) and v and float(v) > 0]
    exchanges += water_exchanges(water, row["iso3"], regional,
                                 "generation share x technology water (Macknick et al. 2012)")
    published = row.get("published_intensity_g_per_kwh")
    return Activity(
        code=names.grid_code(row['iso3']),
        name=f"market for electricity, location-based, {row['country_name']} ({row['year']})",
        unit="kilowatt hour", reference_product="electricity, low voltage",
        location=row["iso3"], source=source,
        properties={"energy": "grid electricity", "year": row["year"],
                    "published_intensity_g_per_kwh": float(published) if published else None},
        exchanges=exchanges)


def mix_water_l_per_kwh(mix: dict[str, str], techs: list[dict[str, str]]) -> dict[str, float]:
    """Water (L/kWh) of a country mix: generation share x default technology, per column."""
    default = {r["mix_category"]: r for r in techs if r["default_for_mix"] == "True"}
    return {col: sum(float(v) * float(default[k[len(_SHARE_PREFIX):]][col])
                     for k, v in mix.items() if k.startswith(_SHARE_PREFIX) and v)
            for col in _WATER}


def subnational_activity(row: dict[str, str], parent_water: dict[str, float],
                         regional: set[str]) -> Activity:
    """Intensity-only grid of a state/province: published GHG rate; water of the parent
    country's mix (no open subnational water data)."""
    sources = row["source"].split(";")
    exchanges = [Exchange(flow="GWP100, pre-characterised", categories=["air"],
                          amount=float(row["intensity_g_per_kwh"]) / 1000, unit="kg CO2-Eq",
                          source=sources[0], comment=row["intensity_basis"])]
    exchanges += water_exchanges(parent_water, row["parent_iso3"], regional,
                                 f"water of the {row['parent_iso3']} mix (proxy)")
    return Activity(
        code=names.grid_code(row['region_id']),
        name=f"electricity, intensity only, {row['region_name']} ({row['year']})",
        unit="kilowatt hour", reference_product="electricity, low voltage",
        location=row["region_id"], source=sources[0],
        comment=f"{row['intensity_basis']}. Gases: {row['gas_scope']}. Not a life-cycle "
                "factor: upstream fuel-chain and infrastructure emissions are missing.",
        properties={"energy": "grid electricity", "year": row["year"],
                    "published_intensity_g_per_kwh": float(row["intensity_g_per_kwh"]),
                    "basis": "direct emission rate (not life-cycle)",
                    "parent": row["parent_iso3"]},
        exchanges=exchanges)


def electricity_inventory(folder: Path) -> InventoryFile:
    """The ``genai-electricity`` database from the tables in ``folder``."""
    techs = read_table(folder / "technologies.csv")
    default_tech = {r["mix_category"]: names.technology_code(r['technology_id'])
                    for r in techs if r["default_for_mix"] == "True"}
    mixes = read_table(folder / "country_mix.csv")
    water = {m["iso3"]: mix_water_l_per_kwh(m, techs) for m in mixes}
    regional = set(country_factors(folder.parents[1]))
    return InventoryFile(
        database=DATABASE,
        description="Location-based grid electricity: technology processes, country mixes "
                    "and intensity-only US states and Chinese provinces",
        activities=[technology_activity(r) for r in techs]
        + [market_activity(r, default_tech, water[r["iso3"]], regional) for r in mixes]
        + [subnational_activity(r, water[r["parent_iso3"]], regional)
           for r in read_table(folder / "subnational_intensity.csv")])
