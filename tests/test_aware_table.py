"""Checks on the country-level AWARE table (inventories/methods/aware_country.csv).

Pure pandas/YAML checks: no Brightway, no geopandas. Rebuild the table with
``inventories/build/aware_country.py`` (see its docstring for the throw-away venv).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "inventories" / "methods" / "aware_country.csv"
SOURCES = ROOT / "inventories" / "SOURCES"
COUNTRY_MIX = ROOT / "inventories" / "background" / "electricity" / "country_mix.csv"

COLUMNS = ["iso3", "country_name", "cf_non_agri_annual", "cf_unspecified_annual",
           "n_watersheds", "consumption_weight", "cf_non_agri_annual_popw",
           "population_weight", "n_watersheds_popw", "source"]
CF_COLUMNS = ["cf_non_agri_annual", "cf_unspecified_annual", "cf_non_agri_annual_popw"]

# openLCA LCIA pack, AWARE "Water, unspecified natural origin, <country>" (CC BY-SA 4.0;
# quoted here only to check our aggregation). Our cf_unspecified_annual is an approximation
# (total-consumption weights, agri CF as the all-use CF of irrigated watersheds): it must
# stay within a factor 1.6 of these, and within 10 % for the agriculture-dominated CN, IL.
OPENLCA_UNSPECIFIED = {"FRA": 6.978, "GBR": 3.502, "NLD": 1.171, "CHE": 1.336,
                       "CHN": 42.43, "ISR": 82.03}
FACTOR = 1.6
CLOSE = {"CHN": 0.10, "ISR": 0.10}

# Countries a datacentre / fab study needs; each must have every column it can have.
KEY_POLYGON = ["USA", "CHN", "IND", "DEU", "FRA", "GBR", "IRL", "NLD", "SWE", "FIN", "NOR",
               "JPN", "KOR", "TWN", "CAN", "AUS", "BRA", "CHE", "ISR", "SAU", "ARE", "ESP"]
KEY_POINT_ONLY = ["SGP", "HKG", "BHR", "MLT"]  # too small for the 1:110m polygons


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pd.read_csv(TABLE, keep_default_na=False, na_values=[""])


def test_columns_and_unique_iso3(table):
    assert list(table.columns) == COLUMNS
    assert table["iso3"].is_unique
    assert table["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    assert table["country_name"].str.len().gt(0).all()


def test_enough_countries(table):
    assert table["cf_non_agri_annual"].notna().sum() >= 150
    assert table["cf_unspecified_annual"].notna().sum() >= 150
    assert table["cf_non_agri_annual_popw"].notna().sum() >= 150


def test_cfs_within_aware_bounds(table):
    for col in CF_COLUMNS:
        v = table[col].dropna()
        assert v.between(0.1, 100).all(), table.loc[~table[col].between(0.1, 100), ["iso3", col]]


def test_weights_consistent(table):
    poly = table["cf_non_agri_annual"].notna()
    assert (table.loc[poly, "n_watersheds"] >= 1).all()
    assert (table.loc[poly, "consumption_weight"] > 0).all()
    assert table.loc[poly, "cf_unspecified_annual"].notna().all()
    assert table.loc[~poly, ["n_watersheds", "consumption_weight",
                             "cf_unspecified_annual"]].isna().all().all()
    pop = table["cf_non_agri_annual_popw"].notna()
    assert (table.loc[pop, "population_weight"] > 0).all()
    assert (table.loc[pop, "n_watersheds_popw"] >= 1).all()
    assert (poly | pop).all()


def test_iso3_matches_electricity_table(table):
    mix = set(pd.read_csv(COUNTRY_MIX, keep_default_na=False)["iso3"])
    t = table.set_index("iso3")
    for iso3 in KEY_POLYGON:
        assert iso3 in mix, iso3
        assert t.loc[iso3, CF_COLUMNS].notna().all(), iso3
    for iso3 in KEY_POINT_ONLY:
        assert iso3 in mix, iso3
        assert pd.notna(t.loc[iso3, "cf_non_agri_annual_popw"]), iso3
    # Natural Earth's -99 codes were fixed by name; France and Norway carry their ISO codes.
    assert t.loc["FRA", "country_name"] == "France"
    assert t.loc["NOR", "country_name"] == "Norway"
    assert "-99" not in t.index
    # Most of the electricity table's countries are here (the rest are tiny islands).
    assert len(mix & set(t.index)) >= 190


def test_every_source_id_resolves(table):
    ids = set()
    for path in sorted(SOURCES.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            ids.add(entry["id"])
    used = {s for cell in table["source"] for s in cell.split(";")}
    assert used, "no source ids"
    assert used <= ids, sorted(used - ids)


def test_close_to_openlca_unspecified(table):
    t = table.set_index("iso3")["cf_unspecified_annual"]
    for iso3, ref in OPENLCA_UNSPECIFIED.items():
        ratio = t[iso3] / ref
        assert 1 / FACTOR <= ratio <= FACTOR, (iso3, t[iso3], ref)
        if iso3 in CLOSE:
            assert abs(ratio - 1) <= CLOSE[iso3], (iso3, t[iso3], ref)


def test_dry_and_wet_countries_ordered(table):
    t = table.set_index("iso3")
    for col in CF_COLUMNS:
        assert t.loc["ISR", col] > 10 * t.loc["NOR", col], col
        assert t.loc["CHN", col] > t.loc["DEU", col], col
