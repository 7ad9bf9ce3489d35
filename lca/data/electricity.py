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

from lca.data.inventory import SourcedFile, read_table, table_digest
from lca.data.schema import Activity, Exchange, InventoryFile, Uncertainty

DATABASE = "genai-electricity"
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
    return SourcedFile(str(folder), electricity_inventory(folder), table_digest(folder))


def technology_activity(row: dict[str, str]) -> Activity:
    ghg, lo, hi = (float(row[k]) for k in ("ghg_g_per_kwh", "ghg_min_g_per_kwh",
                                             "ghg_max_g_per_kwh"))
    unc = Uncertainty(type="triangular", minimum=lo / 1000, maximum=hi / 1000) \
        if lo < ghg < hi else None
    exchanges = [Exchange(flow="GWP100, pre-characterised", categories=["air"],
                          amount=ghg / 1000, unit="kg CO2-Eq", source=row["ghg_source"],
                          uncertainty=unc, comment=row["ghg_basis"])]
    for column, (flow, cats) in _WATER.items():
        source = row["water_consumption_source"] if "consumption" in column \
            else row["water_withdrawal_source"] or row["water_consumption_source"]
        exchanges.append(Exchange(flow=flow, categories=cats, amount=float(row[column]),
                                  unit="L", source=source))
    return Activity(code=f"electricity-technology-{row['technology_id']}",
                    name=f"electricity production, {row['name']}", unit="kilowatt hour",
                    reference_product="electricity, high voltage", location="GLO",
                    comment=row.get("notes") or None, exchanges=exchanges)


def market_activity(row: dict[str, str], default_tech: dict[str, str]) -> Activity:
    source = row["source"].split(";")[-1]
    exchanges = [Exchange(input=default_tech[col[len(_SHARE_PREFIX):]], amount=float(v),
                          unit="kWh", source=source)
                 for col, v in row.items()
                 if col.startswith(_SHARE_PREFIX) and v and float(v) > 0]
    published = row.get("published_intensity_g_per_kwh")
    return Activity(
        code=f"electricity-{row['iso3']}",
        name=f"market for electricity, location-based, {row['country_name']} ({row['year']})",
        unit="kilowatt hour", reference_product="electricity, low voltage",
        location=row["iso3"], source=source,
        properties={"energy": "grid electricity", "year": row["year"],
                    "published_intensity_g_per_kwh": float(published) if published else None},
        exchanges=exchanges)


def electricity_inventory(folder: Path) -> InventoryFile:
    """The ``genai-electricity`` database from the two tables in ``folder``."""
    techs = read_table(folder / "technologies.csv")
    default_tech = {r["mix_category"]: f"electricity-technology-{r['technology_id']}"
                    for r in techs if r["default_for_mix"] == "True"}
    return InventoryFile(
        database=DATABASE,
        description="Location-based grid electricity: technology processes and country mixes",
        activities=[technology_activity(r) for r in techs]
        + [market_activity(r, default_tech) for r in read_table(folder / "country_mix.csv")])
