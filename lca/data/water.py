"""Country-resolved water consumption flows, for AWARE water scarcity by country.

Brightway 2.5 has no regionalised LCIA without bw2regional, so water evaporated in a known
country goes on an extension flow ``Water, consumed, <ISO3>`` (to air, m3), one per
country of ``inventories/methods/aware_country.csv``. The water consumption method gives
each the factor 1 (as ``Water`` to air); the AWARE method gives it the country's factor
(:func:`country_factors`). Water in an unknown place stays on biosphere3's ``Water``.
"""

from __future__ import annotations

from pathlib import Path

from lca.data import names
from lca.data.inventory import SourcedFile, read_table, table_digest
from lca.data.schema import Activity, InventoryFile

DATABASE = names.WATER_DB
#: Column used for industrial and datacentre water: non-agricultural, population-weighted
#: (the consumption-weighted aggregate over-weights irrigated dry basins; see
#: inventories/methods/README.md), else the consumption-weighted value.
COLUMNS = ("cf_non_agri_annual_popw", "cf_non_agri_annual")
SOURCE = "boulay-2018-aware-1-2"


def flow_name(iso3: str) -> str:
    return f"Water, consumed, {iso3}"


def country_factors(root: Path) -> dict[str, float]:
    """ISO3 -> AWARE factor (m3 world-eq per m3 consumed) for non-agricultural use."""
    out = {}
    for row in read_table(root / "methods" / "aware_country.csv"):
        value = next((row[c] for c in COLUMNS if row.get(c)), None)
        if value:
            out[row["iso3"]] = float(value)
    return out


def build(root: Path) -> SourcedFile:
    factors = country_factors(root)
    acts = [Activity(code=names.WATER_CONSUMED_PREFIX + iso3, name=flow_name(iso3), unit="cubic meter",
                     type="emission", categories=["air"], location=iso3, source=SOURCE,
                     comment="freshwater evaporated or otherwise consumed in this country")
            for iso3 in sorted(factors)]
    db = InventoryFile(database=DATABASE, biosphere=True, activities=acts,
                       description="Country-resolved water consumption flows (AWARE by country)")
    return SourcedFile(str(root / "methods" / "aware_country.csv"), db,
                       table_digest(root / "methods", __file__))
