"""Scenario data: world CO2 under the SSPs, carbon budgets, warming, grid-intensity proxy.

Reads the sourced tables of ``inventories/scenarios/`` (see its README for columns, units,
sources and how they were derived) into a :class:`ScenarioData`, read once per folder and
passed down explicitly. Pure: no Brightway.

Units: Gt CO2/yr for emissions (GtC x 44.01 / 12.011), Gt CO2 for budgets, degC for
warming, g CO2-eq/kWh (life-cycle) for grid intensity.

References
----------
1. Nicholls Z. et al. (2020), RCMIP Phase 1, GMD 13, 5175-5190, doi:10.5194/gmd-13-5175-2020
   (SSP emissions; CC BY 4.0), read from pyhector 3.2.0.0's package data.
2. IPCC (2021), AR6 WG1 SPM, Tables SPM.1 (warming) and SPM.2 (remaining carbon budgets).
3. genai-lca grid proxy: ``inventories/scenarios/README.md`` (source
   ``genai-lca-prospective-assumptions``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from lca.errors import InputError, Problem

#: The eight ScenarioMIP SSP scenarios (O'Neill et al. 2016, GMD 9, 3461).
SCENARIOS = ("SSP1-1.9", "SSP1-2.6", "SSP2-4.5", "SSP3-7.0", "SSP4-3.4", "SSP4-6.0",
             "SSP5-3.4-OS", "SSP5-8.5")
#: Molar mass ratio CO2 / C (44.01 g/mol / 12.011 g/mol): Gt C -> Gt CO2.
GTC_TO_GTCO2 = 44.01 / 12.011
FIRST_YEAR, LAST_YEAR = 2015, 2100


def scenario_name(text: str) -> str:
    """The canonical name (``SSP2-4.5``) of ``text`` (``ssp245``, ``SSP2-4.5``, ``ssp2_45``)."""
    key = re.sub(r"[^0-9a-z]", "", str(text).lower())
    for name in SCENARIOS:
        if key == re.sub(r"[^0-9a-z]", "", name.lower()):
            return name
    raise InputError(Problem(f"unknown scenario '{text}'; use one of: {', '.join(SCENARIOS)}",
                             field="--scenario"))


def check_year(year: int, first: int = FIRST_YEAR, last: int = LAST_YEAR,
               what: str = "--year") -> int:
    """``year`` if ``first <= year <= last``; otherwise an :class:`InputError` saying so."""
    if not first <= int(year) <= last:
        raise InputError(Problem(f"year {year} is out of range; the scenario data cover "
                                 f"{first}-{last}", field=what))
    return int(year)


@dataclass(frozen=True)
class ScenarioData:
    """The tables of ``inventories/scenarios/``.

    ``co2``: one row per (scenario, year), Gt CO2/yr columns ``fossil_co2_gt``,
    ``land_co2_gt``, ``net_co2_gt`` (and the source's GtC columns); ``budget``: remaining
    carbon budget from 2020 (Gt CO2) by warming limit and likelihood; ``warming``: SSP
    warming (degC) by period; ``parameters``: named values with unit and source.
    """

    folder: Path
    co2: pd.DataFrame
    budget: pd.DataFrame
    warming: pd.DataFrame
    parameters: pd.DataFrame
    grid: pd.DataFrame | None = None

    def parameter(self, name: str) -> float:
        """The value of parameter ``name`` (unit and source in ``parameters.csv``)."""
        return float(self.parameters.loc[name, "value"])

    def present_g_per_kwh(self, region: str = "WORLD") -> float:
        """Present life-cycle GHG (g CO2-eq/kWh) of ``region``'s grid as ``grid_intensity.csv``
        records it (the grid base year; ``tests/test_prospective.py`` checks it against the
        project's solved grids)."""
        g = self.grid
        rows = None if g is None else g[(g["region"] == region)
                                        & (g["year"] == int(self.parameter("grid_base_year")))]
        if rows is None or rows.empty:
            raise InputError(Problem(f"no present intensity for grid region '{region}' in "
                                     "grid_intensity.csv", file=str(self.folder)))
        return float(rows["present_g_per_kwh"].iloc[0])

    def series(self, scenario: str, column: str = "net_co2_gt") -> pd.Series:
        """One column of ``co2`` for ``scenario``, indexed by year (2015-2100)."""
        name = scenario_name(scenario)
        return self.co2[self.co2["scenario"] == name].set_index("year")[column]


def load_scenarios(folder: str | Path | None = None) -> ScenarioData:
    """Read ``inventories/scenarios/`` (default: the repository's, or
    ``$GENAI_LCA_INVENTORIES/scenarios``); cached per folder."""
    if folder is None:
        from lca.data.files import inventory_root

        folder = inventory_root() / "scenarios"
    return _load(Path(folder).resolve())


@lru_cache(maxsize=4)
def _load(folder: Path) -> ScenarioData:
    if not (folder / "ssp_co2.csv").is_file():
        raise InputError(Problem("scenario tables not found (ssp_co2.csv); rebuild them with "
                                 "python inventories/build/scenarios.py", file=str(folder)))
    params = pd.read_csv(folder / "parameters.csv").set_index("name")
    grid = folder / "grid_intensity.csv"  # absent only while the build script writes it
    return ScenarioData(folder, pd.read_csv(folder / "ssp_co2.csv"),
                        pd.read_csv(folder / "carbon_budget.csv"),
                        pd.read_csv(folder / "ssp_warming.csv"), params,
                        pd.read_csv(grid) if grid.is_file() else None)


def net_co2_gt(fossil_gtc: float, land_gtc: float, daccs_uptake_gtc: float = 0.0,
               land_uptake_gtc: float = 0.0) -> float:
    """World net CO2 (Gt CO2/yr) from the source's four GtC/yr columns (uptakes positive)."""
    return (fossil_gtc - daccs_uptake_gtc + land_gtc - land_uptake_gtc) * GTC_TO_GTCO2


def remaining_budget_gt(data: ScenarioData, limit_c: float = 1.5,
                        likelihood: float = 0.5) -> float:
    """AR6 remaining carbon budget from 1 January 2020 (Gt CO2), Table SPM.2."""
    b = data.budget
    row = b[(b["warming_limit_c"].round(2) == round(limit_c, 2))
            & (b["likelihood"].round(2) == round(likelihood, 2))]
    if row.empty:
        options = ", ".join(f"{w:g} degC at {p:.0%}" for w, p in
                            zip(b["warming_limit_c"], b["likelihood"]))
        raise InputError(Problem(f"no AR6 budget for {limit_c:g} degC at {likelihood:.0%}; "
                                 f"available: {options}", field="--budget"))
    return float(row["remaining_gt_co2"].iloc[0])


def grid_index(data: ScenarioData, scenario: str, year: int) -> float:
    """Relative carbon intensity of electricity above its floor, 1 in the base year:
    ``[ffi(year) / ffi(base)] / (1 + g)^(year - base)`` (dimensionless).

    ``ffi`` is the scenario's fossil and industry CO2, ``g`` the world electricity demand
    growth (``electricity_demand_growth``), ``base`` the year of the background grid table
    (``grid_base_year``). A proxy: the power sector is taken to decarbonise in step with
    fossil CO2 per unit of a growing electricity demand.
    """
    base = int(data.parameter("grid_base_year"))
    check_year(year, base, LAST_YEAR)
    ffi = data.series(scenario, "fossil_gtc")
    growth = data.parameter("electricity_demand_growth")
    return float(ffi.loc[year] / ffi.loc[base] / (1.0 + growth) ** (year - base))


def grid_intensity_g_per_kwh(present_g_per_kwh: float, index: float,
                             floor_g_per_kwh: float) -> float:
    """Grid intensity after the scenario: ``F + (present - F) x index``, with
    ``F = min(floor, present)`` (a grid already below the floor keeps its value at most)."""
    floor = min(floor_g_per_kwh, present_g_per_kwh)
    return floor + (present_g_per_kwh - floor) * index
