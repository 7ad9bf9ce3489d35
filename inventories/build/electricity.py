#!/usr/bin/env python
"""Build the open location-based grid-electricity tables of genai-lca.

Writes, into ``inventories/background/electricity/``:

* ``technologies.csv``          life-cycle GHG (IPCC AR5 / SRREN, UNECE notes) and operational
                                water withdrawal/consumption (Macknick et al. 2012) per technology
* ``country_mix.csv``           generation shares per country (ISO3) + WORLD, from CodeCarbon's
                                ``global_energy_mix.json`` (OWID / Ember), with the published
                                carbon intensity
* ``subnational_intensity.csv`` US states (EPA eGRID2023) and Chinese provinces (MEE/NBS 2023),
                                intensity only
* ``cloud_region_intensity.csv`` GCP regions (Google region-carbon page, via CodeCarbon)
* ``country_check.csv``         intensity implied by shares x technology factors vs published

Run from the repository root::

    pip install codecarbon==3.3.2      # build-time only (MIT); the CSVs are committed
    python inventories/build/electricity.py

The technology factors below are transcribed from the cited publications (see
``inventories/SOURCES/electricity.yaml`` and the README next to the tables). Nothing here is
read from BoaviztAPI or EcoLogits. The script is not needed at run time.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import warnings
from importlib import metadata, resources
from pathlib import Path

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = REPO_ROOT / "inventories" / "background" / "electricity"

EXPECTED_CODECARBON = "3.3.2"

# --------------------------------------------------------------------------------------------
# Unit conversions (exact definitions)
# --------------------------------------------------------------------------------------------
GAL_PER_MWH_TO_L_PER_KWH = 3.785411784 / 1000.0   # 1 US gallon = 3.785411784 L; MWh -> kWh
LB_PER_MWH_TO_G_PER_KWH = 453.59237 / 1000.0      # 1 lb = 453.59237 g; MWh -> kWh

# --------------------------------------------------------------------------------------------
# Source ids (resolved in inventories/SOURCES/electricity.yaml)
# --------------------------------------------------------------------------------------------
S_AR5 = "ipcc-ar5-wg3-annex3-2014"
S_SRREN = "ipcc-srren-annex2-2011"
S_UNECE = "unece-lca-electricity-2021"
S_MACKNICK = "macknick-2012-erl"
S_CODECARBON = "codecarbon-3-3-2"
S_OWID = "owid-energy-data-ember"
S_EGRID = "epa-egrid-2023"
S_CN_MEE = "china-mee-nbs-2023-grid-factors"
S_GCP = "google-cloud-region-carbon"
A_WITHDRAWAL_EQ = "genai-lca-assumption-elec-withdrawal-equals-consumption"
A_OIL_WATER = "genai-lca-assumption-elec-oil-water-proxy"
A_MIX_MAP = "genai-lca-assumption-elec-mix-mapping"
A_COOLING = "genai-lca-assumption-elec-default-cooling"
A_NO_COOLING = "genai-lca-assumption-elec-no-cooling-water"
A_ROOFTOP_WATER = "genai-lca-assumption-elec-rooftop-pv-water"

# --------------------------------------------------------------------------------------------
# Country-mix categories: share column -> CodeCarbon/OWID field
# --------------------------------------------------------------------------------------------
MIX_FIELDS = {
    "coal": "coal_TWh",
    "gas": "gas_TWh",
    "oil": "oil_TWh",
    "nuclear": "nuclear_TWh",
    "hydro": "hydroelectricity_TWh",
    "wind": "wind_TWh",
    "solar": "solar_TWh",
    "bioenergy": "biofuel_TWh",
    "other_renewable": "other_renewable_exc_biofuel_TWh",
}

# --------------------------------------------------------------------------------------------
# Technology factors.
#   ghg:  (min, median, max) gCO2e/kWh, life-cycle, as published.
#   water: (withdrawal, consumption) in gal/MWh, operational medians as published
#          (Macknick et al. 2012); converted to L/kWh below.
# Cooling variants share the GHG factor of their default row (cooling does not enter the
# AR5 harmonised ranges); they exist so that users can pick the water profile.
# --------------------------------------------------------------------------------------------
TECHNOLOGIES: list[dict] = [
    # ---- coal --------------------------------------------------------------------------
    dict(
        technology_id="coal",
        name="Coal, pulverised; recirculating (tower) cooling",
        mix_category="coal", default_for_mix=True, cooling="recirculating tower",
        ghg=(740, 820, 910), ghg_source=S_AR5,
        ghg_basis="AR5 WGIII Annex III Table A.III.2, 'Coal - PC', life-cycle incl. albedo",
        unece=1000, unece_note="UNECE 2021: PC 1000, SC 950, IGCC 850; range 751-1095 gCO2e/kWh",
        water_gal=(1005, 687), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: coal, generic, tower; operational medians",
        notes="Default cooling = recirculating tower (see README, 'Cooling choice').",
        extra_sources=(A_COOLING,),
    ),
    dict(
        technology_id="coal_once_through",
        name="Coal, pulverised; once-through cooling",
        mix_category="coal", default_for_mix=False, cooling="once-through",
        ghg=(740, 820, 910), ghg_source=S_AR5,
        ghg_basis="as 'coal' (AR5 Coal - PC)",
        water_gal=(36350, 250), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: coal, generic, once-through; operational medians",
        notes="Withdrawal is mostly returned warm to the source (seawater for coastal plants).",
    ),
    dict(
        technology_id="coal_pond",
        name="Coal, pulverised; cooling pond",
        mix_category="coal", default_for_mix=False, cooling="pond",
        ghg=(740, 820, 910), ghg_source=S_AR5,
        ghg_basis="as 'coal' (AR5 Coal - PC)",
        water_gal=(12225, 545), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: coal, generic, pond; operational medians",
    ),
    # ---- gas ---------------------------------------------------------------------------
    dict(
        technology_id="gas",
        name="Natural gas, combined cycle; recirculating (tower) cooling",
        mix_category="gas", default_for_mix=True, cooling="recirculating tower",
        ghg=(410, 490, 650), ghg_source=S_AR5,
        ghg_basis="AR5 WGIII Annex III Table A.III.2, 'Gas - Combined Cycle', life-cycle",
        unece=430, unece_note="UNECE 2021: NGCC 430 (403-513) gCO2e/kWh",
        water_gal=(253, 205), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: natural gas, combined cycle, tower; operational medians",
        notes=("OWID 'gas' also holds open-cycle and steam units (higher GHG and, for steam, "
               "higher water); CC is the AR5 reference. Consumption 205 gal/MWh as in the "
               "2012 paper (198 in the 2011 NREL report). Default cooling = tower."),
        extra_sources=(A_COOLING,),
    ),
    dict(
        technology_id="gas_cc_once_through",
        name="Natural gas, combined cycle; once-through cooling",
        mix_category="gas", default_for_mix=False, cooling="once-through",
        ghg=(410, 490, 650), ghg_source=S_AR5, ghg_basis="as 'gas' (AR5 Gas - Combined Cycle)",
        water_gal=(11380, 100), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: natural gas, combined cycle, once-through; medians",
    ),
    dict(
        technology_id="gas_cc_pond",
        name="Natural gas, combined cycle; cooling pond",
        mix_category="gas", default_for_mix=False, cooling="pond",
        ghg=(410, 490, 650), ghg_source=S_AR5, ghg_basis="as 'gas' (AR5 Gas - Combined Cycle)",
        water_gal=(5950, 240), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: natural gas, combined cycle, pond; medians",
    ),
    dict(
        technology_id="gas_cc_dry",
        name="Natural gas, combined cycle; dry cooling",
        mix_category="gas", default_for_mix=False, cooling="dry",
        ghg=(410, 490, 650), ghg_source=S_AR5, ghg_basis="as 'gas' (AR5 Gas - Combined Cycle)",
        water_gal=(2, 2), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: natural gas, combined cycle, dry; medians",
        notes="Dry cooling lowers net efficiency slightly; the GHG factor is not adjusted.",
    ),
    # ---- oil ---------------------------------------------------------------------------
    dict(
        technology_id="oil",
        name="Oil-fired generation (fleet); steam-cycle water proxy",
        mix_category="oil", default_for_mix=True, cooling="recirculating tower (proxy)",
        ghg=(510, 840, 1170), ghg_source=S_SRREN,
        ghg_basis=("IPCC SRREN (2011) Annex II Table A.II.4, 'Oil', min/50th percentile/max; "
                   "AR5 Table A.III.2 has no oil row"),
        water_gal=(1203, 826), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis=("Macknick 2012: natural gas, steam, tower (proxy for oil steam plants; "
                     "Macknick has no oil row)"),
        notes=("Water is a proxy: oil steam plants resemble gas steam plants; diesel engines and "
               "oil turbines (islands) need almost no cooling water, so water is overstated there."),
        extra_sources=(A_OIL_WATER,),
    ),
    # ---- nuclear -----------------------------------------------------------------------
    dict(
        technology_id="nuclear",
        name="Nuclear, light-water reactor; recirculating (tower) cooling",
        mix_category="nuclear", default_for_mix=True, cooling="recirculating tower",
        ghg=(3.7, 12, 110), ghg_source=S_AR5,
        ghg_basis="AR5 WGIII Annex III Table A.III.2, 'Nuclear', life-cycle",
        unece=None, unece_note="UNECE 2021: 5.1-6.4 gCO2e/kWh",
        water_gal=(1101, 672), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: nuclear, tower; operational medians",
        notes="Default cooling = tower.",
        extra_sources=(A_COOLING,),
    ),
    dict(
        technology_id="nuclear_once_through",
        name="Nuclear; once-through cooling",
        mix_category="nuclear", default_for_mix=False, cooling="once-through",
        ghg=(3.7, 12, 110), ghg_source=S_AR5, ghg_basis="as 'nuclear' (AR5 Nuclear)",
        water_gal=(44350, 269), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: nuclear, once-through; operational medians",
    ),
    dict(
        technology_id="nuclear_pond",
        name="Nuclear; cooling pond",
        mix_category="nuclear", default_for_mix=False, cooling="pond",
        ghg=(3.7, 12, 110), ghg_source=S_AR5, ghg_basis="as 'nuclear' (AR5 Nuclear)",
        water_gal=(7050, 610), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: nuclear, pond; operational medians",
    ),
    # ---- hydro -------------------------------------------------------------------------
    dict(
        technology_id="hydro",
        name="Hydropower (reservoir evaporation attributed to generation)",
        mix_category="hydro", default_for_mix=True, cooling="none",
        ghg=(1, 24, 2200), ghg_source=S_AR5,
        ghg_basis="AR5 WGIII Annex III Table A.III.2, 'Hydropower', life-cycle",
        unece=None, unece_note="UNECE 2021: 6-147 gCO2e/kWh (about 11 medium plant, ~150 large reservoir)",
        water_gal=(4491, 4491), withdrawal_source=A_WITHDRAWAL_EQ, consumption_source=S_MACKNICK,
        water_basis=("Macknick 2012: hydropower, gross reservoir evaporation, median "
                     "(range 1,425-18,000 gal/MWh); withdrawal not reported (in-stream use)"),
        notes=("Withdrawal set equal to consumption so that nothing is booked as release. "
               "Gross evaporation, not allocated among reservoir purposes: an upper estimate. "
               "GHG max 2200 (tropical reservoirs) makes a triangular mean of ~742: see README."),
    ),
    # ---- wind --------------------------------------------------------------------------
    dict(
        technology_id="wind",
        name="Wind, onshore",
        mix_category="wind", default_for_mix=True, cooling="none",
        ghg=(7, 11, 56), ghg_source=S_AR5,
        ghg_basis="AR5 WGIII Annex III Table A.III.2, 'Wind onshore', life-cycle",
        unece=12, unece_note="UNECE 2021: onshore 12 gCO2e/kWh",
        water_gal=(0, 0), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: wind, operational water 0",
        notes="OWID 'wind' includes offshore (a minority share); onshore factor used by default.",
    ),
    dict(
        technology_id="wind_offshore",
        name="Wind, offshore",
        mix_category="wind", default_for_mix=False, cooling="none",
        ghg=(8, 12, 35), ghg_source=S_AR5,
        ghg_basis="AR5 WGIII Annex III Table A.III.2, 'Wind offshore' (pre-commercial block)",
        unece=None, unece_note="UNECE 2021: offshore 13 (steel) - 14 (concrete) gCO2e/kWh",
        water_gal=(0, 0), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: wind, operational water 0",
    ),
    # ---- solar -------------------------------------------------------------------------
    dict(
        technology_id="solar",
        name="Solar photovoltaic, utility scale",
        mix_category="solar", default_for_mix=True, cooling="none",
        ghg=(18, 48, 180), ghg_source=S_AR5,
        ghg_basis="AR5 WGIII Annex III Table A.III.2, 'Solar PV - utility', life-cycle",
        unece=37, unece_note="UNECE 2021: poly-Si 37; CdTe 12-15; CIGS 11-14 gCO2e/kWh",
        water_gal=(1, 1), withdrawal_source=A_WITHDRAWAL_EQ, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: PV, utility scale, consumption median (panel washing)",
        notes="OWID 'solar' includes rooftop PV and CSP; utility PV used by default.",
    ),
    dict(
        technology_id="solar_pv_rooftop",
        name="Solar photovoltaic, rooftop",
        mix_category="solar", default_for_mix=False, cooling="none",
        ghg=(26, 41, 60), ghg_source=S_AR5,
        ghg_basis="AR5 WGIII Annex III Table A.III.2, 'Solar PV - rooftop', life-cycle",
        water_gal=(1, 1), withdrawal_source=A_WITHDRAWAL_EQ, consumption_source=A_ROOFTOP_WATER,
        water_basis="taken equal to utility-scale PV (Macknick reports utility scale only)",
    ),
    dict(
        technology_id="solar_csp",
        name="Concentrating solar power, parabolic trough, tower cooling",
        mix_category="solar", default_for_mix=False, cooling="recirculating tower",
        ghg=(8.8, 27, 63), ghg_source=S_AR5,
        ghg_basis="AR5 WGIII Annex III Table A.III.2, 'Concentrated Solar Power', life-cycle",
        unece=None, unece_note="UNECE 2021: tower 22, trough 42 gCO2e/kWh",
        water_gal=(906, 906), withdrawal_source=A_WITHDRAWAL_EQ, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: CSP trough, tower, consumption median (906 gal/MWh)",
        notes="Withdrawal set equal to consumption (withdrawal median not transcribed).",
    ),
    # ---- bioenergy ---------------------------------------------------------------------
    dict(
        technology_id="bioenergy",
        name="Bioenergy (dedicated biomass, steam cycle); recirculating (tower) cooling",
        mix_category="bioenergy", default_for_mix=True, cooling="recirculating tower",
        ghg=(130, 230, 420), ghg_source=S_AR5,
        ghg_basis=("AR5 WGIII Annex III Table A.III.2, 'Biomass - dedicated', life-cycle "
                   "(excludes land-use change)"),
        water_gal=(878, 553), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: biopower, steam, tower; operational medians",
        notes="OWID 'bioenergy' (CodeCarbon biofuel_TWh) also includes waste incineration.",
        extra_sources=(A_COOLING,),
    ),
    dict(
        technology_id="bioenergy_once_through",
        name="Bioenergy, steam cycle; once-through cooling",
        mix_category="bioenergy", default_for_mix=False, cooling="once-through",
        ghg=(130, 230, 420), ghg_source=S_AR5, ghg_basis="as 'bioenergy' (AR5 Biomass - dedicated)",
        water_gal=(35000, 300), withdrawal_source=S_MACKNICK, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: biopower, steam, once-through; operational medians",
    ),
    # ---- other renewables -------------------------------------------------------------
    dict(
        technology_id="other_renewable",
        name="Other renewables (modelled as geothermal, flash, tower cooling)",
        mix_category="other_renewable", default_for_mix=True, cooling="recirculating tower",
        ghg=(6, 38, 79), ghg_source=S_AR5,
        ghg_basis="AR5 WGIII Annex III Table A.III.2, 'Geothermal', life-cycle",
        water_gal=(15, 15), withdrawal_source=A_WITHDRAWAL_EQ, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: geothermal, flash, tower, consumption median",
        notes=("OWID 'other renewables excluding bioenergy' is mostly geothermal plus small "
               "tidal/wave; geothermal factors stand for the whole category."),
        extra_sources=(A_MIX_MAP,),
    ),
    dict(
        technology_id="geothermal_binary_dry",
        name="Geothermal, binary cycle, dry cooling",
        mix_category="other_renewable", default_for_mix=False, cooling="dry",
        ghg=(6, 38, 79), ghg_source=S_AR5, ghg_basis="AR5 'Geothermal'",
        water_gal=(270, 270), withdrawal_source=A_WITHDRAWAL_EQ, consumption_source=S_MACKNICK,
        water_basis="Macknick 2012: geothermal, binary, dry, consumption median",
    ),
    dict(
        technology_id="ocean",
        name="Ocean energy (tidal and wave)",
        mix_category="other_renewable", default_for_mix=False, cooling="none",
        ghg=(5.6, 17, 28), ghg_source=S_AR5,
        ghg_basis="AR5 WGIII Annex III Table A.III.2, 'Ocean (Tidal and wave)' (pre-commercial)",
        water_gal=(0, 0), withdrawal_source=A_NO_COOLING, consumption_source=A_NO_COOLING,
        water_basis="no thermal cycle, no cooling water (not in Macknick 2012)",
    ),
]

TECH_COLUMNS = [
    "technology_id", "name", "mix_category", "default_for_mix", "cooling",
    "ghg_g_per_kwh", "ghg_min_g_per_kwh", "ghg_max_g_per_kwh", "ghg_source", "ghg_basis",
    "ghg_unece2021_g_per_kwh", "ghg_unece2021_note", "ghg_unece2021_source",
    "water_withdrawal_l_per_kwh", "water_consumption_l_per_kwh", "water_release_l_per_kwh",
    "water_withdrawal_gal_per_mwh", "water_consumption_gal_per_mwh",
    "water_withdrawal_source", "water_consumption_source", "water_basis",
    "notes", "notes_source",
]


def _l_per_kwh(gal_per_mwh: float) -> float:
    return round(gal_per_mwh * GAL_PER_MWH_TO_L_PER_KWH, 6)


def build_technologies() -> pd.DataFrame:
    rows = []
    for t in TECHNOLOGIES:
        gmin, gmed, gmax = t["ghg"]
        wdr, cons = t["water_gal"]
        if not (gmin <= gmed <= gmax):
            raise ValueError(f"{t['technology_id']}: GHG min/median/max out of order")
        if not (wdr >= cons >= 0):
            raise ValueError(f"{t['technology_id']}: withdrawal < consumption")
        w_l, c_l = _l_per_kwh(wdr), _l_per_kwh(cons)
        unece_note = t.get("unece_note", "")
        rows.append({
            "technology_id": t["technology_id"],
            "name": t["name"],
            "mix_category": t["mix_category"],
            "default_for_mix": bool(t["default_for_mix"]),
            "cooling": t["cooling"],
            "ghg_g_per_kwh": gmed,
            "ghg_min_g_per_kwh": gmin,
            "ghg_max_g_per_kwh": gmax,
            "ghg_source": t["ghg_source"],
            "ghg_basis": t["ghg_basis"],
            "ghg_unece2021_g_per_kwh": t.get("unece"),
            "ghg_unece2021_note": unece_note,
            "ghg_unece2021_source": S_UNECE if unece_note else "",
            "water_withdrawal_l_per_kwh": w_l,
            "water_consumption_l_per_kwh": c_l,
            "water_release_l_per_kwh": round(w_l - c_l, 6),
            "water_withdrawal_gal_per_mwh": wdr,
            "water_consumption_gal_per_mwh": cons,
            "water_withdrawal_source": t["withdrawal_source"],
            "water_consumption_source": t["consumption_source"],
            "water_basis": t["water_basis"],
            "notes": t.get("notes", ""),
            "notes_source": ";".join(t.get("extra_sources", ())),
        })
    df = pd.DataFrame(rows, columns=TECH_COLUMNS)
    defaults = df[df.default_for_mix].groupby("mix_category").size()
    missing = set(MIX_FIELDS) - set(defaults.index)
    dupes = defaults[defaults != 1]
    if missing or len(dupes):
        raise ValueError(f"default technology per mix category: missing {missing}, dupes {dupes}")
    return df


# --------------------------------------------------------------------------------------------
# CodeCarbon data
# --------------------------------------------------------------------------------------------
def codecarbon_data_dir() -> Path:
    try:
        version = metadata.version("codecarbon")
    except metadata.PackageNotFoundError:  # pragma: no cover - build-time guard
        sys.exit("codecarbon is not installed: pip install codecarbon==" + EXPECTED_CODECARBON)
    if version != EXPECTED_CODECARBON:
        warnings.warn(f"codecarbon {version} installed; tables and sources were written for "
                      f"{EXPECTED_CODECARBON}. Review the diff and update SOURCES if data changed.")
    return Path(str(resources.files("codecarbon") / "data"))


def build_country_mix(data_dir: Path) -> pd.DataFrame:
    raw = json.loads((data_dir / "private_infra" / "global_energy_mix.json").read_text())
    rows = []
    for iso3, rec in sorted(raw.items()):
        twh = {cat: float(rec[field]) for cat, field in MIX_FIELDS.items()}
        total = float(rec["total_TWh"])
        parts = sum(twh.values())
        if total <= 0 or abs(parts - total) > 1e-6 * max(total, 1.0):
            raise ValueError(f"{iso3}: parts {parts} != total {total}")
        rows.append({"iso3": iso3, "country_name": rec["country_name"], "year": int(rec["year"]),
                     "total_twh": total, **{f"twh_{k}": v for k, v in twh.items()},
                     "published_intensity_g_per_kwh": float(rec["carbon_intensity"])})
    df = pd.DataFrame(rows)
    try:  # validate ISO 3166-1 alpha-3 codes when pycountry (a codecarbon dependency) is present
        import pycountry
        bad = [c for c in df.iso3 if pycountry.countries.get(alpha_3=c) is None]
        if bad:
            raise ValueError(f"not ISO 3166-1 alpha-3: {bad}")
    except ImportError:  # pragma: no cover
        warnings.warn("pycountry missing: ISO3 codes not validated")

    # WORLD: no aggregate in the file -> sum of all country rows (generation-weighted).
    twh_cols = [f"twh_{k}" for k in MIX_FIELDS]
    world_total = df[twh_cols].sum().sum()
    by_year = df.groupby("year")["total_twh"].sum() / world_total
    main_year = int(by_year.idxmax())
    world = {"iso3": "WORLD", "country_name": "World (sum of country rows)", "year": main_year,
             "total_twh": world_total, **df[twh_cols].sum().to_dict(),
             "published_intensity_g_per_kwh":
                 float((df.published_intensity_g_per_kwh * df.total_twh).sum() / df.total_twh.sum())}
    year_txt = ", ".join(f"{y}: {s:.1%}" for y, s in by_year.sort_index(ascending=False).items())
    df["notes"] = ""
    df.loc[df.year < 2022, "notes"] = "older data year in source file"
    df.loc[df.published_intensity_g_per_kwh <= 0, "notes"] = (
        "published intensity 0 although generation is non-zero: not a life-cycle value")
    world["notes"] = (f"no world aggregate in global_energy_mix.json; generation-weighted sum of "
                      f"{len(df)} country rows; share of generation by data year: {year_txt}; "
                      f"published intensity is the generation-weighted mean")
    df = pd.concat([df, pd.DataFrame([world])], ignore_index=True)

    total = df[twh_cols].sum(axis=1)
    for k in MIX_FIELDS:
        df[f"share_{k}"] = df[f"twh_{k}"] / total
    share_cols = [f"share_{k}" for k in MIX_FIELDS]
    # make the largest share absorb floating residuals so each row sums to 1 exactly enough
    resid = 1.0 - df[share_cols].sum(axis=1)
    for i in df.index:
        j = df.loc[i, share_cols].astype(float).idxmax()
        df.loc[i, j] += resid[i]
    df["total_twh"] = total
    df["intensity_basis"] = "life-cycle gCO2e/kWh as published (OWID carbon_intensity_elec, Ember)"
    df["source"] = f"{S_CODECARBON};{S_OWID}"
    cols = (["iso3", "country_name", "year", "total_twh"] + share_cols +
            ["published_intensity_g_per_kwh", "intensity_basis", "source", "notes"])
    return df[cols]


def build_subnational(data_dir: Path) -> pd.DataFrame:
    rows = []
    usa = json.loads((data_dir / "private_infra" / "2023" / "usa_emissions.json").read_text())
    meta = usa["_source"]
    if usa["_unit"]["emissions"] != "lbs/MWh" or meta.get("field") != "STC2ERTA":
        raise ValueError("unexpected usa_emissions.json layout")
    for key, rec in sorted(usa.items(), key=lambda kv: str(kv[1].get("regionCode", "")) if isinstance(kv[1], dict) else ""):
        if key.startswith("_") or key == "usa":
            continue
        code = rec["regionCode"]
        rows.append({
            "region_id": f"US-{code}", "region_name": key.title().replace(" Of ", " of "),
            "parent_iso3": "USA", "region_type": "us_state",
            "intensity_g_per_kwh": round(rec["emissions"] * LB_PER_MWH_TO_G_PER_KWH, 3),
            "gas_scope": "CO2e (CO2, CH4, N2O)",
            "intensity_basis": ("eGRID2023 STC2ERTA: state annual CO2e total output emission rate; "
                                "direct (combustion) emissions / net generation of in-state plants; "
                                "not life-cycle"),
            "original_value": rec["emissions"], "original_unit": "lb/MWh",
            "year": int(meta["year"]), "source": f"{S_EGRID};{S_CODECARBON}",
        })
    china = json.loads((data_dir / "private_infra" / "2023" /
                        "china_provincial_emissions.json").read_text())
    for code, rec in sorted(china["data"].items()):
        if rec["unit"] != "gCO2/kWh":
            raise ValueError(f"{code}: unexpected unit {rec['unit']}")
        rows.append({
            "region_id": code, "region_name": rec["description"],
            "parent_iso3": "CHN", "region_type": "cn_province",
            "intensity_g_per_kwh": float(rec["emission_factor"]),
            "gas_scope": "CO2 only",
            "intensity_basis": ("MEE/NBS 2023 provincial average grid factor; CO2 only, "
                                "location-based, accounts for inter-provincial transfers; "
                                "not life-cycle"),
            "original_value": float(rec["emission_factor"]), "original_unit": "gCO2/kWh",
            "year": int(rec["year"]), "source": f"{S_CN_MEE};{S_CODECARBON}",
        })
    df = pd.DataFrame(rows)
    try:  # validate ISO 3166-2 codes when pycountry (a codecarbon dependency) is present
        import pycountry
        bad = [r for r in df.region_id if pycountry.subdivisions.get(code=r) is None]
        if bad:
            raise ValueError(f"not ISO 3166-2: {bad}")
    except ImportError:  # pragma: no cover
        warnings.warn("pycountry missing: ISO 3166-2 codes not validated")
    return df


def build_cloud(data_dir: Path) -> pd.DataFrame:
    with open(data_dir / "cloud" / "impact.csv", encoding="utf-8-sig", newline="") as fh:
        recs = list(csv.DictReader(fh))
    rows = []
    for r in recs:
        region, note = r["region"], ""
        if region == "me-cenrtal1":  # typo in codecarbon 3.3.2; the GCP region is me-central1
            region, note = "me-central1", "region id corrected from 'me-cenrtal1' (CodeCarbon typo)"
        rows.append({
            "provider": r["provider"], "region": region, "country_iso3": r["countryIsoCode"],
            "city": r["city"], "intensity_g_per_kwh": float(r["impact"]),
            "intensity_basis": ("Google Cloud region grid carbon intensity (location-based, "
                                "provider-published); data year not stated in CodeCarbon"),
            "source": f"{S_GCP};{S_CODECARBON}", "notes": note,
        })
    return pd.DataFrame(rows).sort_values(["provider", "region"]).reset_index(drop=True)


def build_check(mix: pd.DataFrame, tech: pd.DataFrame) -> pd.DataFrame:
    default = tech[tech.default_for_mix].set_index("mix_category")
    ar5 = default["ghg_g_per_kwh"].astype(float)
    # sensitivity: UNECE 2021 central values for coal (PC) and gas (NGCC), AR5/SRREN elsewhere
    alt = ar5.copy()
    for cat in ("coal", "gas"):
        alt[cat] = float(default.loc[cat, "ghg_unece2021_g_per_kwh"])
    shares = mix.set_index("iso3")[[f"share_{k}" for k in MIX_FIELDS]]
    shares.columns = list(MIX_FIELDS)
    out = mix[["iso3", "country_name", "year", "total_twh"]].copy()
    out["implied_g_per_kwh"] = (shares @ ar5[list(MIX_FIELDS)]).values
    out["implied_unece_fossil_g_per_kwh"] = (shares @ alt[list(MIX_FIELDS)]).values
    out["published_g_per_kwh"] = mix["published_intensity_g_per_kwh"].values
    out["deviation_g_per_kwh"] = out.implied_g_per_kwh - out.published_g_per_kwh
    pub = out.published_g_per_kwh.where(out.published_g_per_kwh > 0)
    out["relative_deviation"] = out.deviation_g_per_kwh / pub
    out["abs_relative_deviation"] = out.relative_deviation.abs()
    out = out.sort_values(["abs_relative_deviation", "iso3"], ascending=[False, True],
                          na_position="last").reset_index(drop=True)
    for c in ("implied_g_per_kwh", "implied_unece_fossil_g_per_kwh", "deviation_g_per_kwh"):
        out[c] = out[c].round(3)
    for c in ("relative_deviation", "abs_relative_deviation"):
        out[c] = out[c].round(5)
    out["source"] = f"{S_CODECARBON};{S_OWID};{S_AR5};{S_SRREN};{S_UNECE}"
    return out


def write_csv(df: pd.DataFrame, path: Path, float_format: str = "%.10g") -> None:
    df.to_csv(path, index=False, float_format=float_format, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    data_dir = codecarbon_data_dir()
    tech = build_technologies()
    mix = build_country_mix(data_dir)
    sub = build_subnational(data_dir)
    cloud = build_cloud(data_dir)
    check = build_check(mix, tech)

    write_csv(tech, args.out / "technologies.csv")
    write_csv(mix, args.out / "country_mix.csv")
    write_csv(sub, args.out / "subnational_intensity.csv")
    write_csv(cloud, args.out / "cloud_region_intensity.csv")
    write_csv(check, args.out / "country_check.csv")

    world = check.set_index("iso3").loc["WORLD"]
    print(f"technologies: {len(tech)} rows; countries: {len(mix) - 1} + WORLD; "
          f"subnational: {len(sub)}; cloud regions: {len(cloud)}")
    print(f"WORLD implied {world.implied_g_per_kwh:.1f} g/kWh (AR5/SRREN), "
          f"{world.implied_unece_fossil_g_per_kwh:.1f} g/kWh (UNECE coal/gas), "
          f"published {world.published_g_per_kwh:.1f} g/kWh, "
          f"deviation {world.relative_deviation:+.1%}")
    top = check[check.iso3 != "WORLD"].head(10)
    print("largest |relative deviation|:")
    for r in top.itertuples():
        rel = "n/a" if math.isnan(r.relative_deviation) else f"{r.relative_deviation:+.1%}"
        print(f"  {r.iso3} {r.country_name:<28} {r.total_twh:9.2f} TWh  implied "
              f"{r.implied_g_per_kwh:7.1f}  published {r.published_g_per_kwh:7.1f}  {rel}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
