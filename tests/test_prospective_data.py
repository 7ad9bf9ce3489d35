"""Issue 7: the scenario tables of inventories/scenarios/ against their sources.

Source values are quoted from pyhector 3.2.0.0's ``pyhector/emissions/ssp*_emiss-
constraints_rf.csv`` (RCMIP, CC BY 4.0); AR6 values from WG1 SPM Tables SPM.1 and SPM.2.
No test needs pyhector; the rebuild check runs only where it is installed.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lca.prospective.scenarios import GTC_TO_GTCO2, SCENARIOS, load_scenarios

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "inventories" / "scenarios"


@pytest.fixture(scope="module")
def data():
    return load_scenarios(FOLDER)


# (file, Date) -> ffi_emissions, luc_emissions, daccs_uptake, luc_uptake, as written there
SOURCE_ROWS = {
    ("SSP1-1.9", 2020): ("9.965524401866425", "0.8665968134202525", "0", "0"),
    ("SSP1-1.9", 2030): ("6.133244164492906", "0.101605272405536", "0", "0"),
    ("SSP1-1.9", 2050): ("0.781959708939467", "0", "0", "0.22243136745613964"),
    ("SSP1-1.9", 2100): ("0", "0", "3.1405437671710126", "0.6498754202073079"),
    ("SSP5-8.5", 2020): ("10.850933333538705", "1.077839814834606", "0", "0"),
    ("SSP5-8.5", 2030): ("13.849216621874941", "1.2408075667218386", "0", "0"),
    ("SSP5-8.5", 2050): ("22.1712165105112", "0.560245009712236", "0", "0"),
    ("SSP5-8.5", 2100): ("34.880474903504826", "0", "0", "0.4176121511701885"),
}


@pytest.mark.parametrize("key", sorted(SOURCE_ROWS))
def test_ssp_series_match_the_source_file(data, key):
    scen, year = key
    row = data.co2[(data.co2["scenario"] == scen) & (data.co2["year"] == year)].iloc[0]
    ffi, luc, dac, lup = map(float, SOURCE_ROWS[key])
    assert (row["fossil_gtc"], row["land_gtc"], row["daccs_uptake_gtc"],
            row["land_uptake_gtc"]) == (ffi, luc, dac, lup)
    # net CO2 (Gt CO2) = (ffi - daccs + luc - luc_uptake) x 44.01 / 12.011
    assert row["net_co2_gt"] == pytest.approx((ffi - dac + luc - lup) * 44.01 / 12.011, abs=1e-6)


def test_hand_picked_net_values(data):
    # SSP1-1.9, 2020: (9.965524 + 0.866597) GtC x 3.664141 = 39.6904 Gt CO2 (the talk's ~40 Gt)
    assert data.series("SSP1-1.9").loc[2020] == pytest.approx(39.690422, abs=1e-6)
    # SSP1-1.9, 2100: (0 - 3.140544 + 0 - 0.649875) x 3.664141 = -13.8886 Gt CO2 (net negative)
    assert data.series("SSP1-1.9").loc[2100] == pytest.approx(-13.888631, abs=1e-6)
    assert GTC_TO_GTCO2 == pytest.approx(3.6641412, rel=1e-8)


def test_tables_are_complete(data):
    assert sorted(data.co2["scenario"].unique()) == sorted(SCENARIOS)
    assert len(data.co2) == 8 * 86 and data.co2["year"].between(2015, 2100).all()
    assert not data.co2.isna().any().any()
    # every scenario shares the 2015 history
    assert data.co2[data.co2["year"] == 2015]["net_co2_gt"].nunique() == 1


def test_ar6_tables(data):
    b = data.budget.set_index(["warming_limit_c", "likelihood"])["remaining_gt_co2"]
    assert b[(1.5, 0.5)] == 500 and b[(1.5, 0.17)] == 900 and b[(1.5, 0.83)] == 300
    assert b[(2.0, 0.67)] == 1150 and b[(1.7, 0.5)] == 850
    w = data.warming.set_index(["scenario", "period"])
    assert tuple(w.loc[("SSP1-1.9", "long term"), ["best_c", "very_likely_low_c",
                                                   "very_likely_high_c"]]) == (1.4, 1.0, 1.8)
    assert w.loc[("SSP5-8.5", "long term"), "best_c"] == 4.4
    assert w.loc[("SSP2-4.5", "mid-term"), "best_c"] == 2.0


def test_every_row_has_a_known_source():
    from lca.data.sources import load_sources

    known = load_sources(ROOT / "inventories" / "SOURCES")
    for path in FOLDER.glob("*.csv"):
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for sid in row["source"].split(";"):
                    assert sid in known, f"{path.name}: {sid}"
    for sid in ("koomey-2011-ieee-annals", "koomey-naffziger-2015", "freitag-2021-patterns",
                "shift-project-lean-ict-2019", "ipcc-ar6-wg1-spm-2021"):
        assert known[sid].licence and known[sid].year


def test_grid_floor_is_the_world_low_carbon_mix(data):
    # WORLD shares x AR5 medians (g/kWh): nuclear .0912 x 12, hydro .1431 x 24, wind .0781
    # x 11, solar .0552 x 48, bioenergy .0230 x 230, other .0030 x 38, over their sum .3933
    folder = ROOT / "inventories" / "background" / "electricity"
    techs = {r["mix_category"]: float(r["ghg_g_per_kwh"]) for r in
             csv.DictReader(open(folder / "technologies.csv")) if r["default_for_mix"] == "True"}
    world = next(r for r in csv.DictReader(open(folder / "country_mix.csv"))
                 if r["iso3"] == "WORLD")
    cats = ("nuclear", "hydro", "wind", "solar", "bioenergy", "other_renewable")
    expected = sum(float(world[f"share_{c}"]) * techs[c] for c in cats) / sum(
        float(world[f"share_{c}"]) for c in cats)
    assert data.parameter("grid_floor_g_per_kwh") == pytest.approx(expected, abs=1e-4)


def test_grid_table_is_what_the_model_computes(data):
    from lca.prospective.scenarios import grid_index, grid_intensity_g_per_kwh

    floor = data.parameter("grid_floor_g_per_kwh")
    table = data.folder / "grid_intensity.csv"
    for row in csv.DictReader(open(table)):
        idx = grid_index(data, row["scenario"], int(row["year"]))
        assert float(row["grid_index"]) == pytest.approx(idx, abs=1e-6)
        assert float(row["intensity_g_per_kwh"]) == pytest.approx(grid_intensity_g_per_kwh(
            float(row["present_g_per_kwh"]), idx, floor), abs=2e-3)
    # by hand, SSP1-1.9 WORLD 2030: index = (6.133244 / 8.815840) / 1.025^7 = 0.585274;
    # I = 34.138 + (436.958 - 34.138) x 0.585274 = 269.899 g/kWh
    ffi = data.series("SSP1-1.9", "fossil_gtc")
    assert grid_index(data, "SSP1-1.9", 2030) == pytest.approx(
        ffi.loc[2030] / ffi.loc[2023] / 1.025 ** 7, rel=1e-12)
    assert grid_intensity_g_per_kwh(436.958, 0.585274, 34.1382) == pytest.approx(269.899,
                                                                                 abs=1e-3)


#: pyhector's sdist, wheel or emissions folder (else the installed package, else skip)
PYHECTOR_SOURCE = os.environ.get("GENAI_LCA_PYHECTOR_SOURCE")


@pytest.mark.skipif(importlib.util.find_spec("pyhector") is None and not PYHECTOR_SOURCE,
                    reason="pyhector not installed and GENAI_LCA_PYHECTOR_SOURCE not set "
                           "(build-time only)")
def test_build_script_reproduces_the_tables(tmp_path):
    source = ["--source", PYHECTOR_SOURCE] if PYHECTOR_SOURCE else []
    subprocess.run([sys.executable, str(ROOT / "inventories" / "build" / "scenarios.py"),
                    "--out", str(tmp_path), *source], check=True, cwd=ROOT,
                   capture_output=True)
    for name in ("ssp_co2.csv", "carbon_budget.csv", "ssp_warming.csv", "parameters.csv",
                 "grid_intensity.csv"):
        assert (tmp_path / name).read_text() == (FOLDER / name).read_text(), name
