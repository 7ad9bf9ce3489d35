"""Checks on the open grid-electricity tables (inventories/background/electricity/).

Pure pandas/CSV/YAML checks: no Brightway, no CodeCarbon needed. Rebuild the tables with
``python inventories/build/electricity.py``.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ELEC = ROOT / "inventories" / "background" / "electricity"
SOURCES = ROOT / "inventories" / "SOURCES"
TABLES = ["technologies.csv", "country_mix.csv", "country_check.csv",
          "subnational_intensity.csv", "cloud_region_intensity.csv",
          "plant_materials.csv", "plant_operation.csv"]
MIX_CATEGORIES = ["coal", "gas", "oil", "nuclear", "hydro", "wind", "solar", "bioenergy",
                  "other_renewable"]
SHARE_COLS = [f"share_{c}" for c in MIX_CATEGORIES]
GAL_PER_MWH_TO_L_PER_KWH = 3.785411784 / 1000.0
LB_PER_MWH_TO_G_PER_KWH = 0.45359237


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(ELEC / name, keep_default_na=True)


@pytest.fixture(scope="module")
def tech() -> pd.DataFrame:
    return _read("technologies.csv")


@pytest.fixture(scope="module")
def mix() -> pd.DataFrame:
    return _read("country_mix.csv")


@pytest.fixture(scope="module")
def check() -> pd.DataFrame:
    return _read("country_check.csv")


@pytest.fixture(scope="module")
def sub() -> pd.DataFrame:
    return _read("subnational_intensity.csv")


@pytest.fixture(scope="module")
def cloud() -> pd.DataFrame:
    return _read("cloud_region_intensity.csv")


def _source_entries() -> dict[str, list[dict]]:
    out = {}
    for path in sorted(SOURCES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        assert isinstance(data, list), f"{path.name} must be a YAML list"
        out[path.name] = data
    return out


@pytest.fixture(scope="module")
def source_ids() -> set[str]:
    ids: set[str] = set()
    for entries in _source_entries().values():
        for e in entries:
            ids.add(e["id"])
    return ids


def _ids_in(df: pd.DataFrame) -> set[str]:
    cols = [c for c in df.columns if c == "source" or c.endswith("_source")]
    assert cols, "table has no source column"
    found = set()
    for c in cols:
        for cell in df[c].dropna().astype(str):
            found.update(x.strip() for x in cell.split(";") if x.strip())
    return found


# ------------------------------------------------------------------------------ sources
def test_electricity_yaml_well_formed():
    entries = _source_entries()["electricity.yaml"]
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    for e in entries:
        assert re.fullmatch(r"[a-z0-9-]+", e["id"]), e["id"]
        for key in ("citation", "year", "licence", "kind"):
            assert e.get(key) not in (None, ""), (e["id"], key)
        assert e["kind"] in {"literature", "dataset", "package", "vendor", "assumption"}


def test_electricity_ids_not_defined_elsewhere():
    entries = _source_entries()
    mine = {e["id"] for e in entries["electricity.yaml"]}
    for name, others in entries.items():
        if name != "electricity.yaml":
            clash = mine & {e["id"] for e in others}
            assert not clash, f"ids defined in both electricity.yaml and {name}: {clash}"


@pytest.mark.parametrize("name", TABLES)
def test_source_ids_resolve(name, source_ids):
    missing = _ids_in(_read(name)) - source_ids
    assert not missing, f"{name}: unknown source ids {missing}"


@pytest.mark.parametrize("name", TABLES)
def test_columns_documented_in_readme(name):
    readme = (ELEC / "README.md").read_text(encoding="utf-8")
    assert f"`{name}`" in readme
    for col in _read(name).columns:
        if col.startswith("share_") and "`share_coal` ... `share_other_renewable`" in readme:
            continue
        assert f"`{col}`" in readme, f"{name}: column {col} not documented in README.md"


# ------------------------------------------------------------------------------ technologies
def test_technology_ids_unique(tech):
    assert tech.technology_id.is_unique
    assert tech.technology_id.str.fullmatch(r"[a-z0-9_]+").all()


def test_one_default_technology_per_mix_category(tech):
    d = tech[tech.default_for_mix.astype(bool)]
    assert sorted(d.mix_category) == sorted(MIX_CATEGORIES)
    assert set(tech.mix_category) <= set(MIX_CATEGORIES)


def test_ghg_triangle_ordered(tech):
    assert (tech.ghg_min_g_per_kwh <= tech.ghg_g_per_kwh).all()
    assert (tech.ghg_g_per_kwh <= tech.ghg_max_g_per_kwh).all()
    assert (tech.ghg_min_g_per_kwh > 0).all()


def test_water_balance(tech):
    w, c = tech.water_withdrawal_l_per_kwh, tech.water_consumption_l_per_kwh
    assert (c >= 0).all()
    assert (w >= c).all()
    np.testing.assert_allclose(tech.water_release_l_per_kwh, w - c, atol=1e-6)


def test_water_unit_conversion(tech):
    np.testing.assert_allclose(tech.water_withdrawal_l_per_kwh,
                               tech.water_withdrawal_gal_per_mwh * GAL_PER_MWH_TO_L_PER_KWH,
                               atol=1e-6)
    np.testing.assert_allclose(tech.water_consumption_l_per_kwh,
                               tech.water_consumption_gal_per_mwh * GAL_PER_MWH_TO_L_PER_KWH,
                               atol=1e-6)


def test_every_numeric_column_has_a_source(tech):
    for col in ("ghg_source", "water_withdrawal_source", "water_consumption_source"):
        assert tech[col].notna().all() and (tech[col].astype(str).str.strip() != "").all(), col
    has_unece = tech.ghg_unece2021_g_per_kwh.notna() | tech.ghg_unece2021_note.notna()
    assert tech.loc[has_unece, "ghg_unece2021_source"].notna().all()


def test_assumption_rows_point_to_assumption_entries(tech):
    kinds = {e["id"]: e["kind"] for es in _source_entries().values() for e in es}
    for col in ("water_withdrawal_source", "water_consumption_source", "notes_source"):
        for cell in tech[col].dropna().astype(str):
            for sid in cell.split(";"):
                if sid.startswith("genai-lca-assumption"):
                    assert kinds[sid] == "assumption", sid


# ------------------------------------------------------------------------------ country mix
def test_country_count_and_ids(mix):
    assert mix.iso3.is_unique
    countries = mix[mix.iso3 != "WORLD"]
    assert len(countries) >= 150
    assert (mix.iso3 == "WORLD").sum() == 1
    assert countries.iso3.str.fullmatch(r"[A-Z]{3}").all()


def test_shares_sum_to_one(mix):
    s = mix[SHARE_COLS]
    assert (s >= 0).all().all() and (s <= 1).all().all()
    np.testing.assert_allclose(s.sum(axis=1), 1.0, atol=1e-6)


def test_mix_fields(mix):
    assert (mix.total_twh > 0).all()
    assert mix.year.between(2000, 2030).sum() >= len(mix) - 1
    assert mix.published_intensity_g_per_kwh.between(0, 2000).all()
    world = mix.set_index("iso3").loc["WORLD"]
    np.testing.assert_allclose(world.total_twh, mix[mix.iso3 != "WORLD"].total_twh.sum(),
                               rtol=1e-9)


def _implied(mix: pd.DataFrame, tech: pd.DataFrame) -> pd.Series:
    d = tech[tech.default_for_mix.astype(bool)].set_index("mix_category").ghg_g_per_kwh
    return mix.set_index("iso3")[SHARE_COLS].mul([d[c] for c in MIX_CATEGORIES]).sum(axis=1)


def test_world_implied_intensity(mix, tech):
    world_kg = _implied(mix, tech)["WORLD"] / 1000.0
    assert 0.40 <= world_kg <= 0.50, world_kg


# ------------------------------------------------------------------------------ check table
def test_check_matches_tables(mix, tech, check):
    implied = _implied(mix, tech)
    c = check.set_index("iso3")
    assert set(c.index) == set(implied.index)
    np.testing.assert_allclose(c.implied_g_per_kwh, implied[c.index], atol=1e-3)
    np.testing.assert_allclose(
        c.published_g_per_kwh,
        mix.set_index("iso3").published_intensity_g_per_kwh[c.index], atol=1e-9)


def test_check_sorted_by_abs_relative_deviation(check):
    v = check.abs_relative_deviation
    finite = v.dropna()
    assert (np.diff(finite.values) <= 1e-12).all()
    # undefined deviations (published 0) come last
    assert v.isna().sum() == 0 or v.iloc[len(finite):].isna().all()


# ------------------------------------------------------------------------------ subnational
def test_subnational_ids(sub):
    assert sub.region_id.is_unique
    us, cn = sub[sub.parent_iso3 == "USA"], sub[sub.parent_iso3 == "CHN"]
    assert len(us) == 51 and len(cn) == 30
    assert us.region_id.str.fullmatch(r"US-[A-Z]{2}").all()
    assert cn.region_id.str.fullmatch(r"CN-[A-Z]{2}").all()
    assert set(sub.parent_iso3) == {"USA", "CHN"}


def test_subnational_values(sub):
    assert sub.intensity_g_per_kwh.between(1, 1500).all()
    us = sub[sub.original_unit == "lb/MWh"]
    np.testing.assert_allclose(us.intensity_g_per_kwh,
                               us.original_value * LB_PER_MWH_TO_G_PER_KWH, atol=1e-3)
    ca = sub.set_index("region_id").loc["US-CA"].intensity_g_per_kwh
    assert abs(ca - 394.769 * LB_PER_MWH_TO_G_PER_KWH) < 1e-3


def test_cloud_regions(cloud):
    assert cloud.region.is_unique
    assert cloud.country_iso3.str.fullmatch(r"[A-Z]{3}").all()
    assert (cloud.intensity_g_per_kwh >= 0).all()
