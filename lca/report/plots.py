"""Figures (matplotlib). Each function returns a Figure; save it with ``fig.savefig``."""

from __future__ import annotations

import networkx as nx

#: One colour per lifecycle stage, used by every figure.
STAGE_COLOURS = {
    "service": "#4c566a", "manufacture": "#5e81ac", "transport": "#88c0d0",
    "training": "#bf616a", "fine-tuning": "#d08770", "inference": "#ebcb8b",
    "datacenter infrastructure": "#a3be8c", "end of life": "#b48ead", "other": "#d8dee9",
}


def stage_graph_figure(graph: nx.DiGraph, *, title: str | None = None):
    """The service's stage graph, layered from background suppliers to the functional unit.

    Node colour is the stage; background activities are grey boxes on the left.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    layers = {n: i for i, gen in enumerate(nx.topological_generations(graph)) for n in gen}
    nx.set_node_attributes(graph, layers, "layer")
    pos = nx.multipartite_layout(graph, subset_key="layer", align="vertical")
    width = 3.2 * (max(layers.values()) + 1)
    height = 1.0 + 0.9 * max(sum(1 for v in layers.values() if v == k)
                             for k in set(layers.values()))
    fig, ax = plt.subplots(figsize=(max(width, 8), max(height, 5)))
    colours = [STAGE_COLOURS.get(graph.nodes[n].get("stage") or "other", "#e5e9f0")
               if graph.nodes[n].get("kind") == "foreground" else "#eceff4" for n in graph]
    nx.draw_networkx_edges(graph, pos, ax=ax, arrows=True, arrowsize=12, edge_color="#4c566a",
                           node_size=4200, width=1.0)
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_color=colours,
                           edgecolors="#2e3440", node_shape="s", node_size=4200)
    labels = {n: _wrap(graph.nodes[n].get("name", n)) for n in graph}
    nx.draw_networkx_labels(graph, pos, labels=labels, ax=ax, font_size=6.5)
    handles = [plt.Line2D([], [], marker="s", ls="", color=c, label=s, markersize=9)
               for s, c in STAGE_COLOURS.items()
               if any(graph.nodes[n].get("stage") == s for n in graph)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=7,
              frameon=False, ncol=max(len(handles), 1), title="stage of the service's activities")
    ax.set_title(title or graph.graph.get("database", "service graph"), fontsize=10)
    ax.axis("off")
    fig.tight_layout()
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


def sensitivity_figure(frame, indicator: str, *, method: str, unit: str = "", top: int = 12):
    """Tornado (OAT: result at the low and high value of each parameter around the base) or
    ranked bars (Morris mu*, Sobol ST with its confidence interval) for one indicator."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    rows = frame[frame["indicator"] == indicator]
    key = {"oat": "swing", "morris": "mu_star", "sobol": "ST"}[method]
    rows = rows.reindex(rows[key].abs().sort_values().index).tail(top)
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 1.5))
    y = range(len(rows))
    if method == "oat":
        base = rows["base"].iloc[0]
        ax.barh(y, rows["result_low"] - base, left=base, color="#5e81ac", label="2.5 % value")
        ax.barh(y, rows["result_high"] - base, left=base, color="#bf616a", label="97.5 % value")
        ax.axvline(base, color="#2e3440", lw=1)
        ax.set_xlabel(f"{indicator.replace('_', ' ')} ({unit})" if unit else indicator)
        ax.legend(frameon=False, fontsize=8)
    else:
        err = rows["ST_conf"] if method == "sobol" else rows["mu_star_conf"]
        ax.barh(y, rows[key], xerr=err, color="#5e81ac")
        if method == "sobol":
            ax.barh(y, rows["S1"], color="#88c0d0", height=0.4, label="first order S1")
            ax.legend(frameon=False, fontsize=8)
        ax.set_xlabel({"morris": "Morris mu*", "sobol": "Sobol total index ST (95 % CI)"}[method])
    ax.set_yticks(list(y), rows["parameter"], fontsize=8)
    ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4))
    ax.set_title(f"Sensitivity of {indicator.replace('_', ' ')} ({method})", fontsize=10)
    fig.tight_layout()
    return fig
