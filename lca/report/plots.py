"""Figures (matplotlib). Each function returns a :class:`matplotlib.figure.Figure`.

Figures are built without pyplot (no global state, nothing to close, no backend switch),
so they display in Jupyter as they are and save with ``fig.savefig("x.png")`` or ``.svg``.
Every axis carries the indicator in words and its unit (:func:`indicator_label`), and every
figure colours lifecycle stages with :data:`STAGE_COLOURS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np

from lca.data import names as N

#: One colour per lifecycle stage, used by every figure.
STAGE_COLOURS = {
    N.SERVICE: "#4c566a", N.MANUFACTURE: "#5e81ac", N.TRANSPORT: "#88c0d0",
    N.TRAINING: "#bf616a", N.FINE_TUNING: "#d08770", N.INFERENCE: "#ebcb8b",
    N.DATACENTER_INFRASTRUCTURE: "#a3be8c", N.END_OF_LIFE: "#b48ead", N.UNTAGGED: "#d8dee9",
}
BACKGROUND_COLOUR = "#eceff4"
PRECHARACTERISED_COLOUR = "#d08770"
#: Colours of compared services (in the order given).
SERVICE_COLOURS = ["#5e81ac", "#bf616a", "#a3be8c", "#b48ead", "#ebcb8b", "#88c0d0"]

#: Indicator key -> (name in words, unit) for figures; results carry their own, which win.
INDICATORS = {
    "climate_change": ("Climate change (GWP100)", "kg CO2-eq"),
    "water_consumption": ("Water consumption", "m3"),
    "water_scarcity": ("Water scarcity (AWARE)", "m3 world-eq deprived"),
    "abiotic_depletion_elements": ("Abiotic depletion, elements", "kg Sb-eq"),
    "energy_kwh": ("Energy (grid electricity)", "kWh"),
    "energy": ("Energy (grid electricity)", "kWh"),
}
_UNITS = {"cubic meter": "m3", "kg CO2-Eq": "kg CO2-eq", "kg Sb-Eq": "kg Sb-eq",
          "kilowatt hour": "kWh", "m3 world-Eq deprived": "m3 world-eq deprived"}


def indicator_label(key: str, labels: Mapping[str, tuple[str, str]] | None = None,
                    per: str | None = None) -> str:
    """'Climate change (GWP100) [kg CO2-eq per request]' for an axis."""
    name, unit = (labels or {}).get(key) or INDICATORS.get(key) or (key.replace("_", " "), "")
    unit = _UNITS.get(unit, unit)
    unit = f"{unit} per {per}" if per and unit else unit
    return f"{name} [{unit}]" if unit else name


def result_labels(result) -> dict[str, tuple[str, str]]:
    """Indicator key -> (label, unit) of an :class:`~lca.results.AssessmentResult`, with
    energy under both keys used in the code base."""
    out = {k: (i.label, _UNITS.get(i.unit, i.unit)) for k, i in result.indicators.items()}
    out["energy_kwh"] = out["energy"] = INDICATORS["energy_kwh"]
    return out


def _figure(width: float, height: float, layout: str = "tight"):
    """A pyplot-free Figure. ``tight`` for one panel; ``constrained`` (twice the drawing
    time) where a legend sits outside the panels."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout=layout)


def _grid(fig, n: int, cols: int = 2):
    cols = min(cols, n)
    rows = -(-n // cols)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return axes[:n]


def stage_colour(stage: str | None) -> str:
    """The colour of a stage (untagged: the colour of "other")."""
    return STAGE_COLOURS.get(N.stage_of(stage), STAGE_COLOURS[N.UNTAGGED])


def _sci(ax, axis: str = "y") -> None:
    ax.ticklabel_format(axis=axis, style="sci", scilimits=(-3, 4))  # no mathtext: 3x faster


# ----------------------------------------------------------------------- contributions
def stage_contributions_figure(results, *, indicators: Sequence[str] | None = None,
                               relative: bool = False):
    """Contributions by lifecycle stage: one panel per indicator (energy included), one
    stacked bar per service (``results``: one :class:`~lca.results.AssessmentResult` or a
    list, side by side). ``relative``: shares in % instead of values per functional unit."""
    results = [results] if not isinstance(results, (list, tuple)) else list(results)
    keys = list(indicators or [*results[0].indicators, "energy"])
    stages = list(dict.fromkeys(s for r in results for s in r.stages))
    cols = 3 if len(keys) > 4 else 2
    fig = _figure(max(9.0, 1.2 * len(results) * cols + 3), 2.7 * -(-len(keys) // cols) + 0.9,
                  "constrained")
    axes = _grid(fig, len(keys), cols)
    labels = result_labels(results[0])
    x = np.arange(len(results))
    for ax, key in zip(axes, keys):
        bottom = np.zeros(len(results))
        totals = np.array([_total(r, key) for r in results])
        for stage in stages:
            vals = np.array([_stage_value(r, key, stage) for r in results])
            if relative:
                vals = 100 * vals / np.where(totals != 0, totals, 1.0)
            ax.bar(x, vals, bottom=bottom, color=stage_colour(stage), edgecolor="white",
                   linewidth=0.5, label=stage, width=0.6)
            bottom += vals
        ax.set_xticks(x, [_short(r.service) for r in results], fontsize=8)
        per = results[0].functional_unit.get("name", "").removeprefix("one ")
        ax.set_ylabel("share [%]" if relative else indicator_label(key, labels, per=per)
                      .replace(" [", "\n["), fontsize=8)
        ax.set_title(labels.get(key, (key,))[0], fontsize=9)
        if not relative:
            _sci(ax)
        ax.tick_params(labelsize=7)
    handles = [_patch(stage_colour(s), s) for s in stages]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(stages), 6),
               fontsize=8, frameon=False, title="lifecycle stage", title_fontsize=8)
    fig.suptitle("Contributions by lifecycle stage" + (" (shares)" if relative else ""),
                 fontsize=10)
    return fig


def _stage_value(result, key: str, stage: str) -> float:
    if key in ("energy", "energy_kwh"):
        return result.energy_by_stage_kwh.get(stage, 0.0)
    return result.indicators[key].by_stage.get(stage, 0.0)


def _total(result, key: str) -> float:
    return result.energy_total_kwh if key in ("energy", "energy_kwh") else \
        result.indicators[key].total


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else _wrap(text, width)


def _patch(colour: str, label: str, **kw):
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, edgecolor="#4c566a", linewidth=0.4, label=label, **kw)


def process_contributions_figure(contributions, indicator: str, *,
                                 labels: Mapping[str, tuple[str, str]] | None = None,
                                 per: str | None = None):
    """Top processes and the rest for one indicator (horizontal bars, coloured by the
    process's stage tag; background processes in grey). ``contributions``: a
    :class:`~lca.bw.contributions.Contributions` or its ``processes`` DataFrame."""
    frame = getattr(contributions, "processes", contributions)
    rows = frame[frame["indicator"] == indicator]
    colours = [stage_colour(s) if s else "#9aa5b8" for s in rows["stage"]]
    names = [_wrap(f"{n} [{loc}]" if loc else n, 60).replace("\n", " ")[:70]
             for n, loc in zip(rows["name"], rows["location"])]
    fig = _bars(rows, names, colours, indicator, labels, per, "Largest processes (direct)")
    present = list(dict.fromkeys(s for s in rows["stage"] if s))
    handles = [_patch(stage_colour(s), s) for s in present] + [_patch("#9aa5b8", "background")]
    fig.axes[0].legend(handles=handles, fontsize=7, frameon=False, loc="lower right")
    return fig


def flow_contributions_figure(contributions, indicator: str, *,
                              labels: Mapping[str, tuple[str, str]] | None = None,
                              per: str | None = None):
    """Top elementary flows and the rest for one indicator; pre-characterised flows
    (scores published in aggregate) are hatched, and their share is in the title."""
    frame = getattr(contributions, "flows", contributions)
    rows = frame[frame["indicator"] == indicator]
    colours = [PRECHARACTERISED_COLOUR if p else "#5e81ac" for p in rows["precharacterised"]]
    names = [f"{n} ({c.replace('::', ', ')})" if c else n
             for n, c in zip(rows["name"], rows["categories"])]
    share = getattr(contributions, "precharacterised_share", {}).get(indicator)
    title = "Largest elementary flows" + (f"; {100 * share:.1f} % pre-characterised"
                                          if share is not None else "")
    fig = _bars(rows, names, colours, indicator, labels, per, title,
                hatches=["//" if p else "" for p in rows["precharacterised"]])
    fig.axes[0].legend(handles=[_patch("#5e81ac", "elementary flow"),
                                _patch(PRECHARACTERISED_COLOUR, "pre-characterised score",
                                       hatch="//")], fontsize=7, frameon=False,
                       loc="lower right")
    return fig


def _bars(rows, names, colours, indicator, labels, per, title, hatches=None):
    fig = _figure(8.5, 0.32 * len(rows) + 1.4)
    ax = fig.subplots()
    y = np.arange(len(rows))[::-1]
    bars = ax.barh(y, rows["score"], color=colours, edgecolor="#4c566a", linewidth=0.4)
    for bar, hatch in zip(bars, hatches or []):
        bar.set_hatch(hatch)
    for yy, (score, share) in zip(y, zip(rows["score"], rows["share"])):
        ax.annotate(f" {100 * share:.1f} %", (max(score, 0), yy), va="center", fontsize=7)
    ax.set_yticks(y, [_wrap(n, 70).replace("\n", " ") for n in names], fontsize=7)
    ax.set_xlabel(indicator_label(indicator, labels, per=per), fontsize=8)
    _sci(ax, "x")
    ax.margins(x=0.15)
    ax.set_title(f"{title}: {(labels or INDICATORS).get(indicator, (indicator,))[0]}",
                 fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    return fig


# ----------------------------------------------------------------------- graphs
def _layered_positions(graph: nx.DiGraph) -> dict:
    layers = {n: i for i, gen in enumerate(nx.topological_generations(graph)) for n in gen}
    nx.set_node_attributes(graph, layers, "layer")
    return nx.multipartite_layout(graph, subset_key="layer", align="vertical"), layers


def _graph_size(layers: dict) -> tuple[float, float]:
    width = 3.2 * (max(layers.values()) + 1)
    height = 1.0 + 0.9 * max(sum(1 for v in layers.values() if v == k)
                             for k in set(layers.values()))
    return max(width, 8), max(height, 5)


def stage_graph_figure(graph: nx.DiGraph, *, title: str | None = None):
    """The service's stage graph, layered from background suppliers to the functional unit.

    Node colour is the stage; background activities are grey boxes on the left.
    """
    pos, layers = _layered_positions(graph)
    fig = _figure(*_graph_size(layers))
    ax = fig.subplots()
    colours = [_node_colour(graph, n) for n in graph]
    nx.draw_networkx_edges(graph, pos, ax=ax, arrows=True, arrowsize=12, edge_color="#4c566a",
                           node_size=4200, width=1.0)
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_color=colours,
                           edgecolors="#2e3440", node_shape="s", node_size=4200)
    labels = {n: _wrap(graph.nodes[n].get("name", n)) for n in graph}
    nx.draw_networkx_labels(graph, pos, labels=labels, ax=ax, font_size=6.5)
    _stage_legend(ax, graph)
    ax.set_title(title or graph.graph.get("database", "service graph"), fontsize=10)
    ax.axis("off")
    return fig


def _node_colour(graph, n) -> str:
    if graph.nodes[n].get("kind") == "foreground":
        return stage_colour(graph.nodes[n].get("stage"))
    return BACKGROUND_COLOUR


def _stage_legend(ax, graph) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="s", ls="", color=c, label=s, markersize=9)
               for s, c in STAGE_COLOURS.items()
               if any(graph.nodes[n].get("stage") == s for n in graph)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=7,
              frameon=False, ncol=max(len(handles), 1), title="stage of the service's activities")


def impact_graph_figure(graph: nx.DiGraph, edges, indicator: str, *,
                        labels: Mapping[str, tuple[str, str]] | None = None,
                        per: str | None = None, title: str | None = None):
    """The stage graph with each link drawn as wide as the impact it carries (a layered
    Sankey): the score of everything upstream of the supplier that the consumer draws
    through that link. ``edges``: DataFrame (supplier, consumer, indicator, score), as in
    :attr:`lca.bw.contributions.Contributions.edges`; node labels give the cumulative
    share of the total (that of the functional unit's activity)."""
    rows = edges[edges["indicator"] == indicator]
    flow = {(s, c): v for s, c, v in zip(rows["supplier"], rows["consumer"], rows["score"])}
    g = graph.copy()
    for n in list(g):  # background suppliers that carry nothing for this indicator
        if g.nodes[n].get("kind") == "background" and not any(
                flow.get((n, c), 0) for c in g.successors(n)):
            g.remove_node(n)
    pos, layers = _layered_positions(g)
    total = max((abs(v) for v in flow.values()), default=0.0)
    sinks = [n for n in g if g.out_degree(n) == 0]
    through = {n: sum(flow.get((p, n), 0.0) for p in g.predecessors(n)) for n in g}
    root_total = sum(through[n] for n in sinks) or total or 1.0
    fig = _figure(*_graph_size(layers))
    ax = fig.subplots()
    widths = [0.6 + 14 * abs(flow.get(e, 0.0)) / (total or 1.0) for e in g.edges]
    ecol = [_node_colour(g, e[0]) if g.nodes[e[0]].get("kind") == "foreground" else "#9aa5b8"
            for e in g.edges]
    nx.draw_networkx_edges(g, pos, ax=ax, width=widths, edge_color=ecol, alpha=0.75,
                           arrows=False, node_size=3600)
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=[_node_colour(g, n) for n in g],
                           edgecolors="#2e3440", node_shape="s", node_size=3600)
    out = {n: sum(flow.get((n, c), 0.0) for c in g.successors(n)) for n in g}
    names = {n: _wrap(g.nodes[n].get("name", n), 20) + "\n"
             f"{100 * (out[n] if g.out_degree(n) else through[n]) / root_total:.1f} %"
             for n in g}
    nx.draw_networkx_labels(g, pos, labels=names, ax=ax, font_size=6)
    _stage_legend(ax, g)
    name = (labels or INDICATORS).get(indicator, (indicator,))[0]
    unit = indicator_label(indicator, labels, per=per).split("[", 1)[-1].rstrip("]")
    ax.set_title(title or f"{name}: flows through the service graph (width = impact "
                 f"carried; total {root_total:.3g} {unit})", fontsize=9)
    ax.axis("off")
    return fig


def _wrap(text: str, width: int = 22) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if len(line) + len(w) + 1 > width and line:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines[:4])


# ----------------------------------------------------------------------- uncertainty
def _as_runs(runs) -> dict[str, Any]:
    return dict(runs) if isinstance(runs, Mapping) else {"": runs}


def distribution_figure(runs, *, indicators: Sequence[str] | None = None,
                        labels: Mapping[str, tuple[str, str]] | None = None,
                        per: str | None = None):
    """Monte Carlo distributions: per indicator, a violin per service (``runs``: one
    :class:`~lca.analysis.uncertainty.UncertaintyResult` or ``{name: result}``) with the
    median and 2.5-97.5 % interval, and the deterministic value marked (red diamond)."""
    runs = _as_runs(runs)
    first = next(iter(runs.values()))
    keys = list(indicators or first.indicators)
    fig = _figure(max(7.0, 1.6 * len(runs) * 2 + 2), 2.6 * -(-len(keys) // 2) + 0.6,
                  "constrained")
    for ax, key in zip(_grid(fig, len(keys)), keys):
        for i, (name, run) in enumerate(runs.items()):
            k = run.indicators.index(key)
            x = run.total[:, k]
            colour = SERVICE_COLOURS[i % len(SERVICE_COLOURS)]
            if np.ptp(x) > 0:
                parts = ax.violinplot(x, positions=[i], widths=0.7, showextrema=False)
                for body in parts["bodies"]:
                    body.set_facecolor(colour)
                    body.set_alpha(0.45)
            lo, med, hi = np.percentile(x, [2.5, 50, 97.5])
            ax.vlines(i, lo, hi, color="#2e3440", lw=1.2)
            ax.plot(i, med, "o", color="white", mec="#2e3440", ms=5,
                    label="median, 2.5-97.5 %" if i == 0 else None)
            ax.plot(i + 0.12, run.deterministic[k], "D", color="#bf616a", ms=5,
                    label="deterministic" if i == 0 else None)
        ax.set_xticks(range(len(runs)), [_short(n) for n in runs], fontsize=7)
        ax.set_ylabel(indicator_label(key, labels, per=per).replace(" [", "\n["), fontsize=8)
        _sci(ax)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6.5, frameon=False, loc="upper right")
    n = len(first.total)
    fig.suptitle(f"Monte Carlo distributions ({n:,} samples)", fontsize=10)
    return fig


def histogram_figure(run, indicator: str, *, labels=None, per: str | None = None,
                     bins: int = 50):
    """Histogram of one indicator's Monte Carlo samples, with the deterministic value, the
    median and the 95 % interval marked."""
    k = run.indicators.index(indicator)
    x = run.total[:, k]
    fig = _figure(6.5, 3.2)
    ax = fig.subplots()
    ax.hist(x, bins=bins, color="#88c0d0", edgecolor="white", linewidth=0.3)
    lo, med, hi = np.percentile(x, [2.5, 50, 97.5])
    ax.axvspan(lo, hi, color="#d8dee9", alpha=0.5, zorder=0, label="2.5-97.5 %")
    ax.axvline(med, color="#2e3440", lw=1, label=f"median {med:.3g}")
    ax.axvline(run.deterministic[k], color="#bf616a", lw=1.5, ls="--",
               label=f"deterministic {run.deterministic[k]:.3g}")
    ax.set_xlabel(indicator_label(indicator, labels, per=per), fontsize=8)
    ax.set_ylabel("samples", fontsize=8)
    _sci(ax, "x")
    ax.legend(fontsize=7, frameon=False)
    return fig


# ----------------------------------------------------------------------- sensitivity
def sensitivity_figure(frame, indicator: str, *, method: str, unit: str = "", top: int = 12,
                       labels: Mapping[str, tuple[str, str]] | None = None,
                       per: str | None = None):
    """Tornado (OAT: result at the low and high value of each parameter around the base) or
    ranked bars (Morris mu*, Sobol ST with its 95 % confidence interval and S1 with its own)
    for one indicator."""
    rows = frame[frame["indicator"] == indicator]
    key = {"oat": "swing", "morris": "mu_star", "sobol": "ST"}[method]
    rows = rows.reindex(rows[key].abs().sort_values().index).tail(top)
    fig = _figure(7, 0.42 * len(rows) + 1.6)
    ax = fig.subplots()
    y = np.arange(len(rows))
    name = (labels or INDICATORS).get(indicator, (indicator.replace("_", " "),))[0]
    axis = indicator_label(indicator, labels, per=per) if not unit else f"{name} [{unit}]"
    if method == "oat":
        base = rows["base"].iloc[0] if len(rows) else 0.0
        ax.barh(y, rows["result_low"] - base, left=base, color="#5e81ac",
                label="parameter at its 2.5 % value")
        ax.barh(y, rows["result_high"] - base, left=base, color="#bf616a",
                label="parameter at its 97.5 % value")
        ax.axvline(base, color="#2e3440", lw=1, label="base")
        ax.set_xlabel(axis, fontsize=8)
        _sci(ax, "x")
    else:
        err = rows["ST_conf"] if method == "sobol" else rows["mu_star_conf"]
        ax.barh(y, rows[key], xerr=err, color="#5e81ac", capsize=2,
                label="total index ST (95 % CI)" if method == "sobol" else "mu*")
        if method == "sobol":
            ax.barh(y, rows["S1"], xerr=rows["S1_conf"], color="#88c0d0", height=0.4,
                    capsize=2, label="first order S1 (95 % CI)")
        ax.set_xlabel({"morris": f"Morris mu* of {axis}",
                       "sobol": f"Sobol index of {name} (share of variance)"}[method],
                      fontsize=8)
    ax.legend(frameon=False, fontsize=7)
    ax.set_yticks(list(y), rows["parameter"], fontsize=8)
    how = {"oat": "one at a time", "morris": "Morris", "sobol": "Sobol"}[method]
    ax.set_title(f"Sensitivity of {name} ({how})", fontsize=9)
    return fig


def tornado_figure(frame, indicator: str, **kw):
    """One-at-a-time tornado (``lca.analysis.sensitivity.oat`` frame)."""
    return sensitivity_figure(frame, indicator, method="oat", **kw)


def sobol_figure(frame, indicator: str, **kw):
    """Sobol S1 and ST with 95 % confidence bars (``lca.analysis.sensitivity.sobol`` frame)."""
    return sensitivity_figure(frame, indicator, method="sobol", **kw)


def sweep_figure(frame, *, labels: Mapping[str, tuple[str, str]] | None = None,
                 per: str | None = None, parameter_unit: str = "",
                 base: float | None = None, log: bool = False):
    """A sensitivity sweep: per indicator, the result as one parameter varies (stages
    stacked, total as a line). ``frame``: (parameter, value, indicator, stage, score) as
    :func:`lca.analysis.sweep.sweep` returns; ``log``: a log-scaled parameter axis (a
    batch swept from 1 to its memory limit)."""
    param = frame["parameter"].iloc[0]
    keys = list(dict.fromkeys(frame["indicator"]))
    fig = _figure(8.5, 2.5 * -(-len(keys) // 2) + 0.9, "constrained")
    stages = [s for s in dict.fromkeys(frame["stage"]) if s != "total"]
    for ax, key in zip(_grid(fig, len(keys)), keys):
        sub = frame[frame["indicator"] == key]
        wide = sub.pivot_table(index="value", columns="stage", values="score", sort=True)
        xs = wide.index.to_numpy()
        ax.stackplot(xs, *[wide[s].to_numpy() for s in stages if s in wide],
                     colors=[stage_colour(s) for s in stages if s in wide], alpha=0.85)
        ax.plot(xs, wide["total"], color="#2e3440", lw=1.4)
        if base is not None:
            ax.axvline(base, color="#bf616a", ls="--", lw=1)
        if log:
            ax.set_xscale("log")
        ax.set_xlabel(f"{param} [{parameter_unit}]" if parameter_unit else param, fontsize=8)
        ax.set_ylabel(indicator_label(key, labels, per=per).replace(" [", "\n["), fontsize=7.5)
        _sci(ax)
        ax.tick_params(labelsize=7)
    handles = [_patch(stage_colour(s), s) for s in stages]
    from matplotlib.lines import Line2D

    handles += [Line2D([], [], color="#2e3440", label="total")]
    if base is not None:
        handles.append(Line2D([], [], color="#bf616a", ls="--", label="service value"))
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 7),
               fontsize=7.5, frameon=False)
    fig.suptitle(f"Sweep over {param}", fontsize=10)
    return fig


# ----------------------------------------------------------------------- comparison
def comparison_figure(comparison, *, indicators: Sequence[str] | None = None,
                      labels: Mapping[str, tuple[str, str]] | None = None):
    """Paired comparison: for each pair (A, B) and indicator, the distribution of A/B
    (common random numbers; log scale, 1 = equal) annotated with P(A < B)."""
    names, results = comparison.names, comparison.results
    pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
    keys = list(indicators or results[0].indicators)
    fig = _figure(8.5, 0.55 * len(keys) * len(pairs) + 1.6)
    ax = fig.subplots()
    rows, ticks = [], []
    for i, j in pairs:
        for key in keys:
            k = results[i].indicators.index(key)
            a, b = results[i].total[:, k], results[j].total[:, k]
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = a / b
            keep = np.isfinite(ratio) & (ratio > 0)  # a log axis shows positive ratios only
            rows.append((ratio[keep], float(np.mean(a < b)), int((~keep).sum())))
            name = (labels or INDICATORS).get(key, (key,))[0]
            ticks.append(f"{name}\n{_short(names[i], 30)} / {_short(names[j], 30)}"
                         if len(pairs) > 1 else name)
    y = np.arange(len(rows))[::-1]
    for yy, (ratio, p, dropped) in zip(y, rows):
        if len(ratio) and np.ptp(ratio) > 0:
            parts = ax.violinplot(ratio, positions=[yy], vert=False, widths=0.8,
                                  showextrema=False)
            for body in parts["bodies"]:
                body.set_facecolor("#88c0d0")
                body.set_alpha(0.6)
        if len(ratio):
            lo, med, hi = np.percentile(ratio, [2.5, 50, 97.5])
            ax.hlines(yy, lo, hi, color="#2e3440", lw=1.2)
            ax.plot(med, yy, "o", color="white", mec="#2e3440", ms=5)
            note = f"; {dropped} samples with A/B <= 0 or undefined not drawn" if dropped else ""
            ax.annotate(f"P(A<B) = {p:.2f}{note}", (hi, yy), xytext=(6, 0),
                        textcoords="offset points", va="center", fontsize=7)
    ax.axvline(1, color="#bf616a", lw=1, ls="--")
    ax.set_xscale("log")
    ax.set_yticks(y, ticks, fontsize=7)
    ax.margins(x=0.25)
    ax.set_xlabel("ratio A / B per functional unit (log scale; 1 = equal; median and "
                  "2.5-97.5 %)", fontsize=8)
    title = f"A = {names[0]}, B = {names[1]}" if len(pairs) == 1 else "pairs A / B"
    ax.set_title(f"Paired comparison ({len(results[0].total):,} samples): {title}",
                 fontsize=9)
    return fig
