"""The talk's chart, reproduced and improved, and a carbon-budget chart (matplotlib).

Each function takes an :class:`~lca.prospective.trajectories.Outlook` and returns a
:class:`matplotlib.figure.Figure` built without pyplot (no global state), so it displays in
Jupyter as it is and saves with ``fig.savefig("x.png")`` or ``.svg``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lca.prospective.trajectories import BUDGET_START, Outlook

#: One colour per SSP scenario (warm = high emissions), as in IPCC AR6 figures' spirit.
SCENARIO_COLOURS = {
    "SSP1-1.9": "#1e9684", "SSP1-2.6": "#1d3354", "SSP2-4.5": "#ea7a17", "SSP3-7.0": "#e71d25",
    "SSP4-3.4": "#63bce4", "SSP4-6.0": "#e5c200", "SSP5-3.4-OS": "#8036a7", "SSP5-8.5": "#951b1e"}
_DASHES = ["--", ":", "-.", (0, (5, 1, 1, 1))]
SHARE_CAP = 1.0  # the share axis stops at 100 % of world net CO2; beyond, the line is cut


def outlook_figure(outlook: Outlook, *, title: str | None = None) -> Figure:
    """World net CO2 per scenario and ICT (and AI) emissions in Gt CO2/yr (left axis), and
    the ICT share of world net CO2 in % (right axis), one line style per ICT growth rate.

    Improvements on the talk's chart: the share axis stops at 100 % and the year ICT would
    exceed it is marked; years where world net CO2 is <= 0 are shaded (no share defined).
    """
    f = outlook.frame
    fig = Figure(figsize=(10, 6.4), layout="constrained")
    ax = fig.add_subplot()
    right = ax.twinx()
    rates = list(dict.fromkeys(f["ict_growth"]))
    for scen, colour, first, cases in _by_scenario(f):
        ax.plot(first["year"], first["world_net_co2_gt"], color=colour, lw=2.2,
                label=f"{scen}: world net CO2")
        for style, g, case in cases:
            ax.plot(case["year"], case["ict_gt"], color=colour, lw=1.2, ls=style, alpha=0.7,
                    label=f"{scen}: ICT {g:+.0%}/yr (Gt)")
            share = case["ict_share"].where(case["ict_share"] <= SHARE_CAP)
            right.plot(case["year"], 100 * share, color=colour, lw=1.8, ls=style,
                       marker="o", markevery=10, ms=3, label=f"{scen}: ICT share, {g:+.0%}/yr")
            over = case[(case["ict_gt"] >= case["world_net_co2_gt"])]
            if len(over):
                right.annotate(f"ICT > world\n{int(over['year'].iloc[0])}",
                               (over["year"].iloc[0], 100 * SHARE_CAP), fontsize=7,
                               color=colour, ha="center", va="bottom")
        if "ai_gt" in first and first["ai_gt"].notna().any():
            ax.plot(first["year"], first["ai_gt"], color=colour, lw=1.4, ls=(0, (1, 1)),
                    label=f"{scen}: AI slice (Gt)")
    _shade_net_negative(ax, f)
    ax.axhline(0, color="#4c566a", lw=0.8)
    world = f["world_net_co2_gt"]  # ICT lines that outgrow the world are cut at the top
    ax.set_ylim(min(0.0, world.min()) * 1.15 - 1, world.max() * 1.15)
    ax.set_xlabel("year")
    ax.set_ylabel("emissions (Gt CO2/yr)")
    right.set_ylabel("ICT share of world net CO2 (%)")
    lo, hi = ax.get_ylim()  # align the share axis's 0 with the emissions' 0
    top = 100 * SHARE_CAP * 1.12
    right.set_ylim(top * lo / hi if lo < 0 else 0, top)
    right.set_yticks([t for t in range(0, int(100 * SHARE_CAP) + 1, 20)])
    ax.grid(alpha=0.3)
    handles = ax.get_legend_handles_labels()
    rh = right.get_legend_handles_labels()
    fig.legend(handles[0] + rh[0], handles[1] + rh[1], fontsize=7, loc="outside lower center",
               ncol=min(4, len(handles[0] + rh[0])), frameon=False)
    p = outlook.parameters
    ax.set_title(title or f"World net CO2 (SSP, RCMIP) and ICT at {p['ict_share']:.0%} of "
                 f"{p['base_year']}, growing {', '.join(f'{g:+.0%}' for g in rates)}/yr")
    return fig


def budget_figure(outlook: Outlook, *, title: str | None = None) -> Figure:
    """Cumulative world net CO2 from 2020 per scenario against the AR6 remaining budget,
    with ICT's cumulative emissions for each growth rate (Gt CO2)."""
    f = outlook.frame[outlook.frame["year"] >= BUDGET_START]
    p = outlook.parameters
    fig = Figure(figsize=(9, 6.0), layout="constrained")
    ax = fig.add_subplot()
    for scen, colour, first, cases in _by_scenario(f):
        ax.plot(first["year"], first["world_cumulative_gt"], color=colour, lw=2.2,
                label=f"{scen}: world, cumulative")
        for style, g, case in cases:
            ax.plot(case["year"], case["ict_cumulative_gt"], color=colour, lw=1.2, ls=style,
                    label=f"{scen}: ICT {g:+.0%}/yr, cumulative")
    ax.axhline(p["budget_gt"], color="#bf616a", lw=1.5)
    low, high = min(p["budget_range_gt"]), max(p["budget_range_gt"])
    ax.axhspan(low, high, color="#bf616a", alpha=0.08, lw=0,
               label=f"{p['budget_limit_c']:g} degC budget, 83 % to 17 % likelihood "
                     f"({low:g}-{high:g} Gt)")
    ax.annotate(f"AR6 remaining budget, {p['budget_limit_c']:g} degC at "
                f"{p['budget_likelihood']:.0%}: {p['budget_gt']:g} Gt CO2 (from 2020)",
                (f["year"].min(), p["budget_gt"]), fontsize=8, color="#bf616a",
                va="bottom")
    ax.set_xlabel("year")
    ax.set_ylabel(f"cumulative emissions since 1 Jan {BUDGET_START} (Gt CO2)")
    ax.grid(alpha=0.3)
    fig.legend(fontsize=7, loc="outside lower center", ncol=3, frameon=False)
    ax.set_title(title or "Cumulative CO2 against the remaining carbon budget")
    return fig


def _by_scenario(f):
    """For each scenario of the outlook frame ``f``: (scenario, colour, its rows for the
    first ICT growth rate (the world series), [(line style, growth rate, rows)])."""
    rates = list(dict.fromkeys(f["ict_growth"]))
    for scen, part in f.groupby("scenario", sort=False):
        cases = [(_DASHES[k % len(_DASHES)], g, part[part["ict_growth"] == g])
                 for k, g in enumerate(rates)]
        yield scen, SCENARIO_COLOURS.get(scen, "#4c566a"), cases[0][2], cases


def _shade_net_negative(ax, f) -> None:
    first = f.drop_duplicates(["scenario", "year"])
    for scen, part in first.groupby("scenario", sort=False):
        years = part["year"].to_numpy()
        neg = part["world_net_co2_gt"].to_numpy() <= 0
        if neg.any():
            start = years[np.flatnonzero(neg)[0]]
            ax.axvspan(start, years[-1], color="#d8dee9", alpha=0.25, lw=0)
            ax.annotate(f"{scen} net <= 0 from {start}", (start, 0), fontsize=7,
                        color="#4c566a", xytext=(2, -12), textcoords="offset points")
