#!/usr/bin/env python
"""Build the prospective scenario tables of genai-lca (``inventories/scenarios/``).

Writes:

* ``ssp_co2.csv``        world CO2 (fossil & industry, land use, net) 2015-2100 for the eight
                         SSP scenarios, from RCMIP (CC BY 4.0) as shipped in pyhector 3.2.0.0
* ``carbon_budget.csv``  AR6 WG1 Table SPM.2 remaining carbon budgets from 2020 (transcribed)
* ``ssp_warming.csv``    AR6 WG1 Table SPM.1 warming by period (transcribed)
* ``parameters.csv``     named values (ICT share and growth, Koomey, electricity growth, ...)
                         and the grid floor computed from the electricity tables
* ``grid_intensity.csv`` derived grid-intensity proxy per scenario, world and major regions,
                         computed with lca.prospective (the same code the model runs)

Run from the repository root, with pyhector's data files available::

    pip download --no-deps pyhector==3.2.0.0 -d /tmp/ph   # or: pip install pyhector==3.2.0.0
    python inventories/build/scenarios.py --source /tmp/ph/pyhector-3.2.0.0.tar.gz

``--source`` takes the sdist (.tar.gz), a wheel (.whl) or a folder holding the
``ssp*_emiss-constraints_rf.csv`` files; without it the installed pyhector is used. Only
numbers are taken from those files; the script is not needed at run time.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tarfile
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = REPO_ROOT / "inventories" / "scenarios"
sys.path.insert(0, str(REPO_ROOT))

EXPECTED_PYHECTOR = "3.2.0.0"
FILES = {"SSP1-1.9": "ssp119", "SSP1-2.6": "ssp126", "SSP2-4.5": "ssp245",
         "SSP3-7.0": "ssp370", "SSP4-3.4": "ssp434", "SSP4-6.0": "ssp460",
         "SSP5-3.4-OS": "ssp534-over", "SSP5-8.5": "ssp585"}
COLUMNS = ("ffi_emissions", "luc_emissions", "daccs_uptake", "luc_uptake")
S_RCMIP, S_PYHECTOR, S_AR6 = "rcmip-ssp-emissions-2020", "pyhector-3-2-0-0", "ipcc-ar6-wg1-spm-2021"
S_ASSUME = "genai-lca-prospective-assumptions"

# AR6 WG1 SPM Table SPM.2: remaining carbon budget from 1 January 2020, Gt CO2, by warming
# limit (degC above 1850-1900) and likelihood of staying below it.
BUDGET = {1.5: (900, 650, 500, 400, 300), 1.7: (1450, 1050, 850, 700, 550),
          2.0: (2300, 1700, 1350, 1150, 900)}
LIKELIHOODS = (0.17, 0.33, 0.50, 0.67, 0.83)

# AR6 WG1 SPM Table SPM.1: warming (degC vs 1850-1900), best estimate (very likely range).
WARMING = {
    "SSP1-1.9": ((1.5, 1.2, 1.7), (1.6, 1.2, 2.0), (1.4, 1.0, 1.8)),
    "SSP1-2.6": ((1.5, 1.2, 1.8), (1.7, 1.3, 2.2), (1.8, 1.3, 2.4)),
    "SSP2-4.5": ((1.5, 1.2, 1.8), (2.0, 1.6, 2.5), (2.7, 2.1, 3.5)),
    "SSP3-7.0": ((1.5, 1.2, 1.8), (2.1, 1.7, 2.6), (3.6, 2.8, 4.6)),
    "SSP5-8.5": ((1.6, 1.3, 1.9), (2.4, 1.9, 3.0), (4.4, 3.3, 5.7)),
}
PERIODS = (("near term", 2021, 2040), ("mid-term", 2041, 2060), ("long term", 2081, 2100))

# name, value, unit, low, high, year, source, notes
PARAMETERS = [
    ("ict_share_of_world", 0.04, "fraction", 0.021, 0.039, 2019, "shift-project-lean-ict-2019",
     "ICT share of world emissions, about 4 % (Lean ICT: 3.7 % of GHG in 2018); range "
     "2.1-3.9 % from Freitag et al. 2021 (freitag-2021-patterns). A GHG share, applied by "
     "the talk (and by default here) to world net CO2"),
    ("ict_growth_rate", 0.06, "1/yr", 0.06, 0.09, 2019, "shift-project-lean-ict-2019",
     "ICT growth 6-9 %/yr (2015-2019) as the talk recalls it; 6 % is its 'minimal' case; "
     "Lean ICT reports about 9 %/yr for digital energy use"),
    ("koomey_doubling_years_historic", 1.57, "yr", None, None, 2011, "koomey-2011-ieee-annals",
     "computations per kWh doubled every 1.57 years, 1946-2009"),
    ("koomey_doubling_years_recent", 2.6, "yr", None, None, 2015, "koomey-naffziger-2015",
     "peak-output efficiency doubled about every 2.6 years since 2000; default trend"),
    ("electricity_demand_growth", 0.025, "1/yr", None, None, 2022,
     "ember-global-electricity-review-2023",
     "world electricity demand +2.5 % in 2022; held constant in the grid proxy"),
    ("world_grid_intensity_2022_g_per_kwh", 436.0, "g CO2/kWh", None, None, 2022,
     "ember-global-electricity-review-2023", "world generation, 2022 (informative)"),
    ("required_reduction_rate_1p5", 0.076, "1/yr", None, None, 2019, "unep-emissions-gap-2019",
     "yearly cut of global emissions 2020-2030 for 1.5 degC (the talk: 7-8 %/yr)"),
    ("grid_base_year", 2023, "yr", None, None, 2023, S_ASSUME,
     "year of the background country grid table (country_mix.csv, 2023 for 92 % of "
     "generation); the present of prospective assessments"),
    ("ai_demand_growth", 0.15, "1/yr", None, None, 2026, S_ASSUME,
     "default growth of AI requests before efficiency gains; an assumption (no source for "
     "request volumes), set it with --ai-growth"),
]
LOW_CARBON = ("nuclear", "hydro", "wind", "solar", "bioenergy", "other_renewable")
REGIONS = ("WORLD", "CHN", "USA", "IND", "RUS", "JPN", "DEU", "FRA", "GBR", "BRA", "IRL", "SWE")
GRID_YEARS = (2023, 2025, 2030, 2035, 2040, 2045, 2050, 2060, 2070, 2080, 2090, 2100)


def read_source(source: Path | None) -> dict[str, str]:
    """The text of each ``ssp*_emiss-constraints_rf.csv`` by scenario."""
    names = {f"{stem}_emiss-constraints_rf.csv": scen for scen, stem in FILES.items()}
    out: dict[str, str] = {}
    if source is None:
        from importlib import metadata, resources

        version = metadata.version("pyhector")
        if version != EXPECTED_PYHECTOR:
            print(f"warning: pyhector {version} installed; tables were built from "
                  f"{EXPECTED_PYHECTOR}", file=sys.stderr)
        folder = resources.files("pyhector") / "emissions"
        return {scen: (folder / n).read_text() for n, scen in names.items()}
    if source.is_dir():
        return {scen: next(source.rglob(n)).read_text() for n, scen in names.items()}
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as z:
            for member in z.namelist():
                if Path(member).name in names:
                    out[names[Path(member).name]] = z.read(member).decode()
    else:
        with tarfile.open(source) as t:
            for member in t.getmembers():
                if Path(member.name).name in names and "/pyhector/emissions/" in member.name:
                    out[names[Path(member.name).name]] = t.extractfile(member).read().decode()
    missing = set(FILES) - set(out)
    if missing:
        raise SystemExit(f"{source}: no emission file for {', '.join(sorted(missing))}")
    return out


def co2_rows(texts: dict[str, str]) -> list[dict]:
    """One row per (scenario, year) 2015-2100: the source's GtC/yr values as written, and
    Gt CO2/yr (x 44.01 / 12.011)."""
    from lca.prospective.scenarios import GTC_TO_GTCO2, net_co2_gt

    rows = []
    for scen in FILES:
        lines = [ln for ln in texts[scen].splitlines() if ln and not ln.startswith(";")]
        reader = csv.DictReader(io.StringIO("\n".join(lines)))
        for rec in reader:
            year = int(float(rec["Date"]))
            if not 2015 <= year <= 2100:
                continue
            ffi, luc, dac, lup = (float(rec[c]) for c in COLUMNS)
            rows.append({
                "scenario": scen, "year": year,
                "fossil_gtc": rec["ffi_emissions"], "land_gtc": rec["luc_emissions"],
                "daccs_uptake_gtc": rec["daccs_uptake"], "land_uptake_gtc": rec["luc_uptake"],
                "fossil_co2_gt": round((ffi - dac) * GTC_TO_GTCO2, 6),
                "land_co2_gt": round((luc - lup) * GTC_TO_GTCO2, 6),
                "net_co2_gt": round(net_co2_gt(ffi, luc, dac, lup), 6),
                "source": f"{S_RCMIP};{S_PYHECTOR}"})
    return rows


def grid_floor_g_per_kwh() -> float:
    """Life-cycle GHG of today's world low-carbon generation: the WORLD mix's nuclear,
    hydro, wind, solar, bioenergy and other renewable shares x their AR5 medians."""
    folder = REPO_ROOT / "inventories" / "background" / "electricity"
    techs = {r["mix_category"]: float(r["ghg_g_per_kwh"]) for r in
             csv.DictReader(open(folder / "technologies.csv")) if r["default_for_mix"] == "True"}
    world = next(r for r in csv.DictReader(open(folder / "country_mix.csv"))
                 if r["iso3"] == "WORLD")
    shares = {k: float(world[f"share_{k}"]) for k in LOW_CARBON}
    return sum(shares[k] * techs[k] for k in LOW_CARBON) / sum(shares.values())


def write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {path} ({len(rows)} rows)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", type=Path, help="pyhector sdist, wheel or folder")
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out / "ssp_co2.csv", co2_rows(read_source(args.source)))
    write(args.out / "carbon_budget.csv", [
        {"warming_limit_c": lim, "likelihood": p, "remaining_gt_co2": v, "from_year": 2020,
         "source": S_AR6, "table": "SPM.2"}
        for lim, vals in BUDGET.items() for p, v in zip(LIKELIHOODS, vals)])
    write(args.out / "ssp_warming.csv", [
        {"scenario": s, "period": name, "first_year": a, "last_year": b, "best_c": best,
         "very_likely_low_c": lo, "very_likely_high_c": hi, "source": S_AR6, "table": "SPM.1"}
        for s, vals in WARMING.items() for (name, a, b), (best, lo, hi) in zip(PERIODS, vals)])
    floor = grid_floor_g_per_kwh()
    params = [dict(zip(("name", "value", "unit", "low", "high", "year", "source", "notes"), p))
              for p in PARAMETERS]
    params.append({"name": "grid_floor_g_per_kwh", "value": round(floor, 4),
                   "unit": "g CO2-eq/kWh", "low": None, "high": None, "year": 2023,
                   "source": f"{S_ASSUME};ipcc-ar5-wg3-annex3-2014;owid-energy-data-ember",
                   "notes": "life-cycle GHG of the WORLD mix's low-carbon generation "
                            "(nuclear, hydro, wind, solar, bioenergy, other renewable shares "
                            "of country_mix.csv x AR5 medians of technologies.csv)"})
    write(args.out / "parameters.csv", params)
    write(args.out / "grid_intensity.csv", grid_rows(args.out))
    return 0


def grid_rows(folder: Path) -> list[dict]:
    """The derived proxy for the major regions (same functions as the model)."""
    from lca.prospective.scenarios import (SCENARIOS, _load, grid_index,
                                           grid_intensity_g_per_kwh)
    _load.cache_clear()
    data = _load(folder.resolve())
    floor = data.parameter("grid_floor_g_per_kwh")
    grids = present_grid_kg_per_kwh(REPO_ROOT / "inventories")
    rows = []
    for scen in SCENARIOS:
        for year in GRID_YEARS:
            idx = grid_index(data, scen, year)
            for region in REGIONS:
                present = grids[f"electricity-{region}"] * 1000
                rows.append({"scenario": scen, "region": region, "year": year,
                             "grid_index": round(idx, 6),
                             "intensity_g_per_kwh": round(grid_intensity_g_per_kwh(
                                 present, idx, floor), 3),
                             "present_g_per_kwh": round(present, 3),
                             "source": f"{S_ASSUME};{S_RCMIP}"})
    return rows


def present_grid_kg_per_kwh(inventories: Path) -> dict[str, float]:
    """Life-cycle GHG (kg CO2-eq/kWh) of every grid of ``genai-electricity``, summed through
    the records the background builds from its tables (technology shares x IPCC AR5 medians,
    or a stated regional rate), without Brightway: build time only. Run time takes the
    project's solved grids (lca.bw.grids); tests/test_prospective.py checks that this table's
    ``present_g_per_kwh`` agrees with them."""
    from lca.data.electricity import electricity_inventory

    acts = {a.code: a for a in electricity_inventory(
        inventories / "background" / "electricity").activities}

    def gwp(code: str) -> float:
        return sum(e.amount * (gwp(e.input) if e.input else 1.0) for e in acts[code].exchanges
                   if (e.input is not None and e.input in acts)
                   or e.flow == "GWP100, pre-characterised")
    return {code: gwp(code) for code, a in acts.items()
            if a.properties.get("energy") == "grid electricity"}


if __name__ == "__main__":
    sys.exit(main())
