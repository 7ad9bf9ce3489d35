"""Country electricity mixes as inventory records, built from the sourced tables in
``inventories/background/electricity/`` (see its README for columns and sources).

One activity per generation technology (life-cycle GHG on the pre-characterised GWP100
flow, with a triangular distribution over the published range; water withdrawal,
evaporation and release on real biosphere3 flows, so withdrawal = release + consumption)
and one location-based market per country (ISO3) and for the world, mixing the default
technology of each category by its generation share. Each technology also carries the metals
of its power plant as biosphere3 resource extractions per kWh (``plant_materials.csv``,
``plant_operation.csv``), which EF 3.1 ADP elements characterises. Every grid (country
market, intensity-only region, and the water twins of the hardware database) also carries
the metals of the transmission and distribution network per kWh (``grid_materials.csv``:
global stock of lines, substations and transformers / lifetime / world generation). Pure:
reads CSV, returns records.

References
----------
1. IEA (2021). The Role of Critical Minerals in Clean Energy Transitions (kg per MW).
   https://www.iea.org/reports/the-role-of-critical-minerals-in-clean-energy-transitions
2. U.S. EIA (2021). Electric Power Annual 2020, Tables 4.08.A/B (capacity factors).
   https://www.eia.gov/electricity/annual/
3. Deetman, S. et al. (2021). Projected material requirements for the global electricity
   infrastructure. Resources, Conservation and Recycling 164, 105200 (grid stocks, lifetimes).
   https://doi.org/10.1016/j.resconrec.2020.105200
"""

from __future__ import annotations

from collections.abc import Sequence
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
RESOURCE = ["natural resource", "in ground"]  # biosphere3 compartment of metal extraction
HOURS_PER_YEAR = 8760.0
KWH_PER_MWH = 1000.0
KG_PER_T = 1000.0
KWH_PER_TWH = 1e9


def plant_kg_per_kwh_from_kg_per_mw(kg_per_mw: float, capacity_factor: float,
                                    lifetime_years: float) -> float:
    """kg of a material per kWh generated: kg per MW of capacity spread over the plant's
    lifetime generation, 8760 h x capacity factor x lifetime (MWh per MW) x 1000 kWh/MWh."""
    return kg_per_mw / (HOURS_PER_YEAR * capacity_factor * lifetime_years * KWH_PER_MWH)


def plant_kg_per_kwh_from_t_per_twh(t_per_twh: float) -> float:
    """kg of a material per kWh from tonnes per TWh of lifetime generation (= 1e-6 x t/TWh)."""
    return t_per_twh * KG_PER_T / KWH_PER_TWH


def grid_kg_per_kwh(stock_kt: float, lifetime_years: float, world_twh: float) -> float:
    """kg of a material per kWh delivered by the grid: the steady-state replacement flow of
    the global network stock (stock / lifetime, kt per year) over one year's world
    generation (TWh): stock_kt x 1e6 kg/kt / lifetime / (world_twh x 1e9 kWh/TWh)."""
    return stock_kt * KG_PER_T * KG_PER_T / lifetime_years / (world_twh * KWH_PER_TWH)


def grid_resource_exchanges(folder: Path) -> list[Exchange]:
    """The transmission and distribution metals of one kWh (``grid_materials.csv``), one
    exchange per resource flow summed over lines, substations and transformers, divided by
    the WORLD row's generation of ``country_mix.csv``. The same per kWh on every grid: the
    source gives the global network only (a documented simplification)."""
    world = next(r for r in read_table(folder / "country_mix.csv") if r["iso3"] == "WORLD")
    twh = float(world["total_twh"])
    total: dict[str, float] = {}
    how: dict[str, list[str]] = {}
    sources: dict[str, str] = {}
    for r in read_table(folder / "grid_materials.csv"):
        flow = r["resource_flow_name"]
        total[flow] = total.get(flow, 0.0) + grid_kg_per_kwh(
            float(r["stock_kt"]), float(r["lifetime_years"]), twh)
        how.setdefault(flow, []).append(f"{r['component']} {float(r['stock_kt']):g} kt / "
                                        f"{r['lifetime_years']} y")
        sources[flow] = r["source"]
    return [Exchange(flow=flow, categories=RESOURCE, amount=kg, unit="kg", source=sources[flow],
                     comment=f"transmission and distribution network, {flow.lower()}: ("
                     + " + ".join(how[flow]) + f") / {twh:g} TWh of world generation "
                     f"({world['year']})")
            for flow, kg in sorted(total.items())]


def plant_resource_exchanges(technology_id: str, materials: list[dict[str, str]],
                             operation: dict[str, dict[str, str]]) -> list[Exchange]:
    """The plant metals of one technology per kWh, as biosphere3 resource extractions.

    A technology whose ``plant_operation.csv`` row names ``materials_as`` takes that
    technology's rows (a cooling variant or a proxy); one with neither rows nor a proxy has
    no resource exchanges (a documented gap)."""
    op = operation[technology_id]
    own = op["materials_as"] or technology_id
    out = []
    for r in (m for m in materials if m["technology_id"] == own):
        amount = float(r["amount"])
        if r["unit"] == "kg per MW":
            base = operation[own]
            kg = plant_kg_per_kwh_from_kg_per_mw(amount, float(base["capacity_factor"]),
                                                 float(base["lifetime_years"]))
            how = (f"{r['element']}: {amount:g} kg/MW / (8760 h x {base['capacity_factor']} x "
                   f"{base['lifetime_years']} y x 1000 kWh/MWh)")
            sources = [r["source"], base["capacity_factor_source"].split(";")[0],
                       base["lifetime_source"]]
        else:  # "t per TWh"
            kg = plant_kg_per_kwh_from_t_per_twh(amount)
            how = f"{r['element']}: {amount:g} t/TWh of lifetime generation"
            sources = [r["source"]]
        if own != technology_id:
            how += f" (as {own}: {op['materials_as_source']})"
        out.append(Exchange(flow=r["resource_flow_name"], categories=RESOURCE, amount=kg,
                            unit="kg", source=sources[0], comment=how
                            + ". Sources: " + "; ".join(dict.fromkeys(sources))))
    return out


def build(root: Path) -> SourcedFile:
    """The ``genai-electricity`` records from ``<root>/background/electricity``."""
    folder = root / "background" / "electricity"
    digest = table_digest(folder, __file__) + table_digest(root / "methods")  # + AWARE flows
    return SourcedFile(str(folder), electricity_inventory(folder), digest)


def technology_activity(row: dict[str, str], resources: Sequence[Exchange] = ()) -> Activity:
    """One kWh of a technology: its life-cycle GHG and its plant metals (``resources``). Its
    water (L/kWh) is kept as properties and written by the markets, where the country is
    known (AWARE by country)."""
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
                                        comment=row["ghg_basis"]), *resources])


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
                    water: dict[str, float], regional: set[str],
                    grid_metals: Sequence[Exchange] = ()) -> Activity:
    source = row["source"].split(";")[-1]
    exchanges = [Exchange(input=default_tech[col[len(_SHARE_PREFIX):]], amount=float(v),
                          unit="kWh", source=source)
                 for col, v in row.items()
                 if col.startswith(_SHARE_PREFIX) and v and float(v) > 0]
    exchanges += water_exchanges(water, row["iso3"], regional,
                                 "generation share x technology water (Macknick et al. 2012)")
    exchanges += grid_metals
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


def mix_resource_exchanges(mix: dict[str, str], resources: dict[str, list[Exchange]],
                           note: str) -> list[Exchange]:
    """Plant metals per kWh of a country mix: generation share x the default technology's
    exchanges (``resources`` by mix category), summed per flow and source."""
    total: dict[tuple[str, str], float] = {}
    for col, v in mix.items():
        if col.startswith(_SHARE_PREFIX) and v and float(v) > 0:
            for e in resources[col[len(_SHARE_PREFIX):]]:
                total[(e.flow, e.source)] = total.get((e.flow, e.source), 0.0) + float(v) * e.amount
    return [Exchange(flow=flow, categories=RESOURCE, amount=kg, unit="kg", source=source,
                     comment=note) for (flow, source), kg in sorted(total.items())]


def subnational_activity(row: dict[str, str], parent_water: dict[str, float],
                         regional: set[str], parent_resources: Sequence[Exchange] = ()
                         ) -> Activity:
    """Intensity-only grid of a state/province: published GHG rate; water and plant metals
    of the parent country's mix (no open subnational water or capacity data)."""
    sources = row["source"].split(";")
    exchanges = [Exchange(flow="GWP100, pre-characterised", categories=["air"],
                          amount=float(row["intensity_g_per_kwh"]) / 1000, unit="kg CO2-Eq",
                          source=sources[0], comment=row["intensity_basis"])]
    exchanges += water_exchanges(parent_water, row["parent_iso3"], regional,
                                 f"water of the {row['parent_iso3']} mix (proxy)")
    exchanges += parent_resources
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


def technology_resources(folder: Path, techs: list[dict[str, str]]
                         ) -> dict[str, list[Exchange]]:
    """Technology id -> its plant metals per kWh (:func:`plant_resource_exchanges`)."""
    materials = read_table(folder / "plant_materials.csv")
    operation = {r["technology_id"]: r for r in read_table(folder / "plant_operation.csv")}
    return {r["technology_id"]: plant_resource_exchanges(r["technology_id"], materials,
                                                         operation) for r in techs}


def mix_resources(folder: Path, mix: dict[str, str], note: str) -> list[Exchange]:
    """Plant and network metals per kWh of one country mix row, as the genai-electricity
    market has them."""
    techs = read_table(folder / "technologies.csv")
    resources = technology_resources(folder, techs)
    by_category = {r["mix_category"]: resources[r["technology_id"]]
                   for r in techs if r["default_for_mix"] == "True"}
    return mix_resource_exchanges(mix, by_category, note) + grid_resource_exchanges(folder)


def electricity_inventory(folder: Path) -> InventoryFile:
    """The ``genai-electricity`` database from the tables in ``folder``."""
    techs = read_table(folder / "technologies.csv")
    resources = technology_resources(folder, techs)
    by_category = {r["mix_category"]: resources[r["technology_id"]]
                   for r in techs if r["default_for_mix"] == "True"}
    default_tech = {r["mix_category"]: names.technology_code(r['technology_id'])
                    for r in techs if r["default_for_mix"] == "True"}
    mixes = read_table(folder / "country_mix.csv")
    water = {m["iso3"]: mix_water_l_per_kwh(m, techs) for m in mixes}
    parent = {m["iso3"]: m for m in mixes}
    regional = set(country_factors(folder.parents[1]))
    grid_metals = grid_resource_exchanges(folder)
    return InventoryFile(
        database=DATABASE,
        description="Location-based grid electricity: technology processes, country mixes "
                    "and intensity-only US states and Chinese provinces",
        activities=[technology_activity(r, resources[r["technology_id"]]) for r in techs]
        + [market_activity(r, default_tech, water[r["iso3"]], regional, grid_metals)
           for r in mixes]
        + [subnational_activity(r, water[r["parent_iso3"]], regional, mix_resource_exchanges(
            parent[r["parent_iso3"]], by_category,
            f"plant metals of the {r['parent_iso3']} mix (proxy)") + grid_metals)
           for r in read_table(folder / "subnational_intensity.csv")])
