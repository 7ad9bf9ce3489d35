"""ICT and AI-service emission trajectories against the SSP pathways and the carbon budget.

Yearly, for each (scenario, ICT growth rate) case:

- world net CO2 ``W(y)`` (Gt CO2/yr) from the scenario (:mod:`lca.prospective.scenarios`);
- ICT emissions ``ICT(y) = share x W(base) x (1 + g)^(y - base)`` (Gt/yr) and their share
  ``ICT(y) / W(y)`` (undefined where ``W(y) <= 0``: world net-zero or net-negative);
- an AI-service slice (optional, :class:`AISlice`): per-request footprint from ``assess`` x
  requests ``N0 (1 + g_ai)^t x G(y)^rebound`` x efficiency ``1 / G(y)`` with
  ``G(y) = 2^(t / doubling_years)`` (Koomey) x grid decarbonisation on the grid share;
- cumulative emissions from 1 January 2020 against the AR6 remaining carbon budget.

Units: Gt CO2/yr (world, ICT, AI), fractions for shares, Gt CO2 for cumulative amounts,
g CO2-eq/kWh for grid intensity. Pure (numpy/pandas); no Brightway.

References
----------
1. The Shift Project (2019), Lean ICT (ICT ~4 % of world emissions, +6-9 %/yr);
   Freitag C. et al. (2021), Patterns 2(9) 100340 (2.1-3.9 %).
2. IPCC (2021), AR6 WG1 SPM Table SPM.2 (budgets from 2020).
3. Koomey J., Naffziger S. (2015), IEEE Spectrum (doubling every ~2.6 years).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from lca.data.names import ELECTRICITY_DB, grid_code
from lca.checks import finite
from lca.errors import InputError, Problem
from lca.prospective.scenarios import (FIRST_YEAR, LAST_YEAR, ScenarioData, check_year,
                                       grid_index, grid_intensity_g_per_kwh, load_scenarios,
                                       remaining_budget_gt, scenario_name)
from lca.prospective.service import efficiency_factor

BUDGET_START = 2020  # AR6 SPM.2 budgets count from 1 January 2020
#: The world grid of the electricity background (the outlook's grid column starts from it).
WORLD_GRID = (ELECTRICITY_DB, grid_code("WORLD"))
KG_PER_GT = 1e12


def ict_emissions_gt(base_gt: float, growth: float, years: np.ndarray, base_year: int
                     ) -> np.ndarray:
    """ICT emissions (Gt CO2/yr): ``base_gt x (1 + growth)^(year - base_year)``."""
    return base_gt * (1.0 + growth) ** (np.asarray(years) - base_year)


def rebound_demand_factor(gain: np.ndarray | float, elasticity: float) -> np.ndarray | float:
    """Direct rebound: demand multiplier ``gain^elasticity`` for an efficiency gain ``gain``
    (services per kWh, x). 0: no rebound; 1: demand grows as fast as efficiency."""
    return np.asarray(gain) ** elasticity


@dataclass(frozen=True)
class AISlice:
    """An AI service scaled to a yearly demand.

    ``kg_per_unit``: kg CO2-eq per request in ``base_year`` (from ``assess``);
    ``grid_share``: the fraction of it from the service's grid electricity (which follows
    the scenario's grid proxy); ``grid_g_per_kwh``: that grid's present intensity;
    ``units_per_year``: requests in ``base_year``; ``growth``: yearly demand growth before
    rebound; ``doubling_years``: efficiency doubling time (None: none); ``rebound``: demand
    elasticity to efficiency.
    """

    kg_per_unit: float
    grid_share: float
    grid_g_per_kwh: float
    units_per_year: float
    growth: float = 0.15
    doubling_years: float | None = 2.6
    rebound: float = 0.0
    base_year: int = 2023
    label: str = "AI service"


def ai_emissions_gt(ai: AISlice, years: np.ndarray, grid_idx: np.ndarray, floor_g: float
                    ) -> np.ndarray:
    """AI-service emissions (Gt CO2-eq/yr); NaN before ``ai.base_year``."""
    years = np.asarray(years)
    t = years - ai.base_year
    eff = np.array([efficiency_factor(int(y), ai.base_year, ai.doubling_years) for y in years])
    grid = np.array([grid_intensity_g_per_kwh(ai.grid_g_per_kwh, i, floor_g) for i in grid_idx])
    grid_ratio = grid / ai.grid_g_per_kwh if ai.grid_g_per_kwh > 0 else np.ones_like(grid)
    per_unit = ai.kg_per_unit * (ai.grid_share * grid_ratio + 1.0 - ai.grid_share) * eff
    demand = ai.units_per_year * (1.0 + ai.growth) ** t * rebound_demand_factor(1.0 / eff,
                                                                                ai.rebound)
    return np.where(t >= 0, per_unit * demand / KG_PER_GT, np.nan)


def first_year(years: np.ndarray, mask: np.ndarray) -> int | None:
    """The first year where ``mask`` holds, or None."""
    hits = np.flatnonzero(mask)
    return int(years[hits[0]]) if hits.size else None


@dataclass
class Outlook:
    """The yearly table (``frame``), one summary row per case (``summary``) and the inputs."""

    frame: pd.DataFrame
    summary: pd.DataFrame
    parameters: dict
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        def clean(records):
            return [{k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                     for k, v in r.items()} for r in records]
        return json.dumps({"parameters": self.parameters,  # allow_nan=False: no NaN/Infinity
                           "summary": clean(self.summary.to_dict("records")),
                           "years": clean(self.frame.to_dict("records")),
                           "sources": self.sources}, indent=2, default=_plain,
                          allow_nan=False)

    def to_csv(self) -> str:
        return self.frame.to_csv(index=False)

    def to_text(self, step: int = 1) -> str:
        blocks = []
        ai = "ai_gt" in self.frame
        for (scen, g), part in self.frame.groupby(["scenario", "ict_growth"], sort=False):
            part = part[(part["year"] - part["year"].iloc[0]) % step == 0]
            cols = {"year": part["year"], "world Gt/yr": part["world_net_co2_gt"].map(_f),
                    "ICT Gt/yr": part["ict_gt"].map(_f), "ICT %": part["ict_share"].map(_pct)}
            if ai:
                cols |= {"AI Gt/yr": part["ai_gt"].map(_f), "AI %": part["ai_share"].map(_pct)}
            cols |= {"world cum. Gt": part["world_cumulative_gt"].map(_f),
                     "budget left Gt": part["budget_left_gt"].map(_f),
                     "ICT cum. Gt": part["ict_cumulative_gt"].map(_f),
                     "grid g/kWh": part["grid_world_g_per_kwh"].map(_f)}
            blocks.append(f"{scen}, ICT {g:+.1%}/yr from {self.parameters['ict_share']:.1%} "
                          f"of world net CO2 in {self.parameters['base_year']}\n"
                          + pd.DataFrame(cols).to_string(index=False))
        summary = self.summary.copy()
        for c in summary.columns:
            if c.startswith("ict_share_"):
                summary[c] = summary[c].map(_pct)
        ict_from = max(BUDGET_START, self.parameters["base_year"])
        notes = ("ICT % is ICT / world net CO2 ('n/a' where world net <= 0); world cumulative "
                 f"from 1 Jan {BUDGET_START}, ICT cumulative from 1 Jan {ict_from}; budget: AR6 {self.parameters['budget_limit_c']:g} degC "
                 f"at {self.parameters['budget_likelihood']:.0%} = "
                 f"{self.parameters['budget_gt']:g} Gt CO2 (Table SPM.2)")
        return "\n\n".join(blocks + ["summary\n" + summary.to_string(index=False), notes])


def run(scenarios: str | list[str] = "SSP1-1.9", ict_growth: float | list[float] = (0.06, 0.0),
        *, ict_share: float | None = None, base_year: int = 2020, end: int = LAST_YEAR,
        budget_limit_c: float = 1.5, budget_likelihood: float = 0.5, threshold: float = 0.10,
        ai: AISlice | None = None, data: ScenarioData | None = None,
        world_grid_g_per_kwh: float | None = None) -> Outlook:
    """The outlook for every (scenario, ICT growth) pair; see the module docstring.

    ``world_grid_g_per_kwh``: the present world grid intensity the ``grid g/kWh`` column
    starts from, as solved in the project (:func:`lca.bw.grids.grid_kg_per_kwh` of
    :data:`WORLD_GRID`, x 1000); None: the value ``grid_intensity.csv`` records for it."""
    data = data or load_scenarios()
    names = [scenario_name(s) for s in ([scenarios] if isinstance(scenarios, str) else scenarios)]
    rates = [finite(g, "--ict-growth", low=-1, low_open=True,
                    meaning="growth a year, 0.06 = +6 %/yr") for g in np.atleast_1d(ict_growth)]
    share = data.parameter("ict_share_of_world") if ict_share is None else \
        finite(ict_share, "--ict-share", low=0, high=1, high_open=True,
               meaning="ICT share of world net CO2 in the base year")
    check_year(base_year, FIRST_YEAR, LAST_YEAR, "--base-year")
    check_year(end, base_year, LAST_YEAR, "--end")
    budget_limit_c = finite(budget_limit_c, "--budget", low=0, low_open=True,
                            meaning="warming limit, degC")
    budget_likelihood = finite(budget_likelihood, "--likelihood", low=0, high=1,
                               meaning="likelihood of the budget")
    threshold = finite(threshold, "--threshold", low=0, high=1, low_open=True,
                       meaning="share of world net CO2")
    if world_grid_g_per_kwh is not None:
        world_grid_g_per_kwh = finite(world_grid_g_per_kwh, "world_grid_g_per_kwh", low=0)
    budget = remaining_budget_gt(data, budget_limit_c, budget_likelihood)
    grid_base = int(data.parameter("grid_base_year"))
    floor = data.parameter("grid_floor_g_per_kwh")
    present_world = (data.present_g_per_kwh("WORLD") if world_grid_g_per_kwh is None
                     else float(world_grid_g_per_kwh))
    years = np.arange(base_year, end + 1)
    frames, rows = [], []
    for scen in names:
        world = data.series(scen).loc[years].to_numpy()
        idx = np.array([grid_index(data, scen, int(y)) if y >= grid_base else np.nan
                        for y in years])
        grid_world = np.array([grid_intensity_g_per_kwh(present_world, i, floor)
                               if np.isfinite(i) else np.nan for i in idx])
        # the budget counts from 1 Jan 2020 whatever the base year: world emissions before a
        # later base year are counted too (the scenario has them); ICT is modelled from its
        # base year only, so its cumulative starts there
        since = np.arange(min(BUDGET_START, base_year), end + 1)
        cum_world = _cumulative(since, data.series(scen).loc[since].to_numpy())[-len(years):]
        ai_gt = ai_emissions_gt(ai, years, np.nan_to_num(idx, nan=1.0), floor) if ai else None
        for g in rates:
            ict = ict_emissions_gt(share * world[0], g, years, base_year)
            f = pd.DataFrame({
                "scenario": scen, "ict_growth": g, "year": years, "world_net_co2_gt": world,
                "ict_gt": ict, "ict_share": _share(ict, world)})
            if ai_gt is not None:
                f["ai_gt"], f["ai_share"] = ai_gt, _share(ai_gt, world)
            f["world_cumulative_gt"] = cum_world
            f["ict_cumulative_gt"] = _cumulative(years, ict)
            f["budget_left_gt"] = budget - cum_world
            f["grid_world_g_per_kwh"] = grid_world
            frames.append(f)
            rows.append(_summary(f, scen, g, budget, threshold, ai_gt is not None))
    params = {"scenarios": names, "ict_growth": rates, "ict_share": share,
              "base_year": base_year, "end": end, "budget_limit_c": budget_limit_c,
              "budget_likelihood": budget_likelihood, "budget_gt": budget,
              "budget_range_gt": data.budget.loc[
                  data.budget["warming_limit_c"].round(2) == round(budget_limit_c, 2),
                  "remaining_gt_co2"].astype(float).tolist(),
              "threshold": threshold, "grid_base_year": grid_base,
              "grid_floor_g_per_kwh": floor,
              "electricity_demand_growth": data.parameter("electricity_demand_growth"),
              "ai": asdict(ai) if ai else None,
              "units": {"emissions": "Gt CO2/yr", "cumulative": "Gt CO2",
                        "share": "fraction of world net CO2", "grid": "g CO2-eq/kWh"}}
    sources = sorted({s for col in ("source",) for t in (data.co2, data.budget)
                      for v in t[col].unique() for s in v.split(";")}
                     | set(data.parameters["source"].str.split(";").explode()))
    return Outlook(pd.concat(frames, ignore_index=True), pd.DataFrame(rows), params, sources)


def _summary(f: pd.DataFrame, scen: str, g: float, budget: float, threshold: float,
             ai: bool) -> dict:
    years, world, ict = f["year"].to_numpy(), f["world_net_co2_gt"].to_numpy(), f["ict_gt"].to_numpy()
    row = {"scenario": scen, "ict_growth": g}
    for y in (2030, 2040, 2050):
        hit = f.loc[f["year"] == y, "ict_share"]
        row[f"ict_share_{y}"] = float(hit.iloc[0]) if len(hit) else float("nan")
    row[f"year_ict_over_{threshold:.0%}"] = first_year(years, (ict >= threshold * world)
                                                     | ((world <= 0) & (ict > 0)))
    row["year_ict_over_world"] = first_year(years, ict >= world)
    cum = f["world_cumulative_gt"].to_numpy()
    row["year_budget_exhausted"] = first_year(years, cum > budget)
    row["world_cumulative_peak_gt"] = round(float(np.nanmax(cum)), 1) if np.isfinite(cum).any() \
        else float("nan")
    for y in (2050, int(years[-1])):
        hit = f.loc[f["year"] == y]
        if len(hit):
            row[f"ict_cumulative_{y}_pct_budget"] = round(
                100 * float(hit["ict_cumulative_gt"].iloc[0]) / budget, 2)
    if ai:
        row["ai_gt_2050"] = float(f.loc[f["year"] == 2050, "ai_gt"].iloc[0]) \
            if (f["year"] == 2050).any() else float("nan")
    return row


def _cumulative(years: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum of yearly values from 1 January 2020 to the end of each year (NaN before)."""
    counted = np.where(years >= BUDGET_START, np.nan_to_num(values), 0.0)
    return np.where(years >= BUDGET_START, np.cumsum(counted), np.nan)


def _share(part: np.ndarray, world: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(world > 0, part / world, np.nan)


def _f(v: float) -> str:
    return "n/a" if not np.isfinite(v) else f"{v:.4g}" if abs(v) < 100 else f"{v:.0f}"


def _pct(v: float) -> str:
    if v is None or not np.isfinite(v):
        return "n/a"
    return f"{100 * v:.1f} %" if abs(v) >= 0.01 or v == 0 else f"{100 * v:.2g} %"


def _plain(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    raise TypeError(type(o).__name__)


def service_grid(service) -> tuple[str, str] | None:
    """The grid ``(database, code)`` whose present intensity :func:`ai_slice_from_assessment`
    needs for ``service`` (a :class:`~lca.data.service.Service`): its location-based grid;
    None for a stated or market-based factor, or a service without a model: block."""
    model = service.file.model
    if model is None or model.electricity is None or model.electricity.basis != "location-based":
        return None
    return (ELECTRICITY_DB, grid_code(model.electricity.location))


def check_ai_options(requests_per_day: float | None, growth: float | None,
                     doubling_years: float | None, rebound: float) -> None:
    """InputErrors for the AI slice's options that are not finite or out of range."""
    if requests_per_day is not None:
        finite(requests_per_day, "--ai-requests-per-day", low=0, low_open=True,
               meaning="AI requests a day in the base year")
    if growth is not None:
        finite(growth, "--ai-growth", low=-1, low_open=True,
               meaning="AI demand growth a year, 0.15 = +15 %/yr")
    if doubling_years is not None:
        finite(doubling_years, "--doubling-years", low=0,
               meaning="efficiency doubling time in years; 0: none")
    finite(rebound, "--rebound", low=0, meaning="demand elasticity to efficiency; 0: none")


def ai_slice_from_assessment(result, service, *, grid_g_per_kwh: float | None = None,
                             requests_per_day: float | None = None,
                             growth: float | None = None, doubling_years: float | None = None,
                             rebound: float = 0.0, data: ScenarioData | None = None) -> AISlice:
    """An :class:`AISlice` from a present ``assess`` result per request of ``service`` (a
    :class:`~lca.data.service.Service`): the grid share is the service's grid electricity
    (kWh per request outside manufacture x the grid's present intensity) over its total
    kg CO2-eq; requests per year = ``requests_per_day`` (default: the service's own
    parameter) x 365.

    ``grid_g_per_kwh``: the present intensity of :func:`service_grid` (g CO2-eq/kWh) as
    solved in the project (:func:`lca.bw.grids.grid_kg_per_kwh` x 1000); required for a
    location-based service, ignored otherwise (a stated factor comes from the service's
    parameters; a market-based contract does not follow the scenario)."""
    from lca.formula import evaluate_all

    data = data or load_scenarios()
    svc = service.file
    if result.functional_unit.get("unit") != "request" or svc.model is None \
            or svc.model.electricity is None:  # stated impacts alone: no grid to scale
        raise InputError(Problem("the AI slice needs a service with a model: block and an "
                                 "inference stage (functional unit 'request')",
                                 file=service.path, field="--service"))
    values = evaluate_all({p.name: p.formula if p.formula is not None else p.amount
                           for p in svc.parameters})
    if requests_per_day is None:
        requests_per_day = values.get("requests_per_day")
    if requests_per_day is None:
        raise InputError(Problem("give the AI demand (--ai-requests-per-day > 0)",
                                 field="--ai-requests-per-day"))
    check_ai_options(requests_per_day, growth, doubling_years, rebound)
    elec = svc.model.electricity
    if elec.basis == "location-based":
        if grid_g_per_kwh is None:
            grid = service_grid(service)
            raise ValueError(f"ai_slice_from_assessment needs grid_g_per_kwh: the present "
                             f"intensity of {grid[0]}/{grid[1]} solved in the project "
                             "(lca.bw.grids.grid_kg_per_kwh x 1000)")
        grid_g = float(grid_g_per_kwh)
    elif elec.basis == "stated":
        grid_g = float(values["grid_gwp_kg_per_kwh"]) * 1000
    else:  # market-based: a contract, kept as stated (as in assess --year)
        grid_g = 0.0
    total = result.indicators["climate_change"].total
    kwh = sum(v for k, v in result.energy_by_stage_kwh.items() if k != "manufacture")
    grid_share = min(1.0, kwh * grid_g / 1000 / total) if total > 0 else 0.0
    if doubling_years is None:
        doubling_years = data.parameter("koomey_doubling_years_recent")
    return AISlice(kg_per_unit=total, grid_share=grid_share, grid_g_per_kwh=grid_g,
                   units_per_year=float(requests_per_day) * 365,
                   growth=data.parameter("ai_demand_growth") if growth is None else growth,
                   doubling_years=doubling_years or None, rebound=rebound,
                   base_year=int(data.parameter("grid_base_year")), label=svc.service.id)
