"""Figures: every function returns a Figure with units on its axes, saves as PNG and SVG,
and draws the numbers it is given (bar lengths, marked values)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from conftest import SERVICE
from lca.report import plots


@pytest.fixture(scope="module")
def data(data_dir):
    from lca.report.build import gather

    return gather([SERVICE], samples=200, seed=3, sensitivity="oat", data_dir=data_dir)


def _saves(fig: Figure, tmp_path, name: str) -> None:
    for suffix in ("png", "svg"):
        path = tmp_path / f"{name}.{suffix}"
        fig.savefig(path, dpi=60)
        assert path.stat().st_size > 3000
    assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"


def test_stage_contributions_bars_add_up_to_totals(data, tmp_path):
    s = data.services[0]
    fig = plots.stage_contributions_figure([s.result, s.result])
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 5  # four indicators and energy
    climate = axes[0]
    assert "kg CO2-eq per request" in climate.get_ylabel()
    tops = [p.get_y() + p.get_height() for p in climate.patches]
    assert max(tops) == pytest.approx(s.result.indicators["climate_change"].total, rel=1e-9)


def test_process_and_flow_figures_show_top_and_rest(data, tmp_path):
    s = data.services[0]
    labels = plots.result_labels(s.result)
    fig = plots.process_contributions_figure(s.contributions, "climate_change", labels=labels,
                                             per="request")
    widths = [p.get_width() for p in fig.axes[0].patches]
    rows = s.contributions.processes.query("indicator == 'climate_change'")
    assert widths == pytest.approx(list(rows["score"]))
    assert sum(widths) == pytest.approx(s.result.indicators["climate_change"].total, rel=1e-9)
    assert fig.axes[0].get_yticklabels()[-1].get_text().startswith("rest")
    fig = plots.flow_contributions_figure(s.contributions, "climate_change", labels=labels)
    share = s.contributions.precharacterised_share["climate_change"]
    assert f"{100 * share:.1f} % pre-characterised" in fig.axes[0].get_title()
    _saves(fig, tmp_path, "flows")


def test_impact_graph_edges_are_sized_by_impact(data, tmp_path):
    """What flows into the functional unit's activity is the whole result (it has no direct
    emissions of its own), and each drawn link is as wide as the impact it carries."""
    s = data.services[0]
    edges = s.contributions.edges.query("indicator == 'climate_change'")
    root = s.result.functional_unit["reference_flow"]["activity"][1]
    into_root = edges[edges["consumer"].astype(str).str.endswith(root)]["score"].sum()
    assert into_root == pytest.approx(s.result.indicators["climate_change"].total, rel=1e-9)
    fig = plots.impact_graph_figure(s.graph, s.contributions.edges, "climate_change")
    assert isinstance(fig, Figure) and "100.0 %" in " ".join(
        t.get_text() for t in fig.axes[0].texts)
    drawn = sorted(fig.axes[0].collections[0].get_linewidths())
    biggest = edges["score"].abs().max()
    assert drawn[-1] == pytest.approx(0.6 + 14.0) and biggest > 0
    assert all(w >= 0.6 for w in drawn)
    _saves(fig, tmp_path, "graph")


def test_monte_carlo_figures_mark_the_deterministic_value(data, tmp_path):
    u = data.services[0].uncertainty
    fig = plots.distribution_figure({"a": u}, indicators=["climate_change"])
    marks = [line for line in fig.axes[0].lines if line.get_marker() == "D"]
    assert marks[0].get_ydata()[0] == pytest.approx(u.deterministic[0])
    fig = plots.histogram_figure(u, "climate_change")
    assert "deterministic" in " ".join(t.get_text() for t in fig.axes[0].get_legend().texts)
    _saves(fig, tmp_path, "hist")


def test_sensitivity_and_sweep_figures(data, tmp_path):
    s = data.services[0]
    fig = plots.tornado_figure(s.sensitivity, "climate_change", per="request")
    assert "kg CO2-eq per request" in fig.axes[0].get_xlabel()
    frame = s.sensitivity.assign(S1=0.2, S1_conf=0.05, ST=0.3, ST_conf=0.1)
    fig = plots.sobol_figure(frame, "climate_change")
    assert len(fig.axes[0].patches) == 2 * len(frame.query("indicator == 'climate_change'"))
    spec, base, sweep = s.sweeps[0]
    fig = plots.sweep_figure(sweep, base=base, parameter_unit="dimensionless")
    line = fig.axes[0].lines[0]
    total = sweep.query("indicator == 'climate_change' and stage == 'total'")
    assert np.allclose(line.get_ydata(), total["score"])
    _saves(fig, tmp_path, "sweep")


def test_comparison_figure_states_probability(data, tmp_path):
    from lca.analysis.compare import Comparison

    u = data.services[0].uncertainty
    cmp = Comparison(["a", "b"], [u, u])
    fig = plots.comparison_figure(cmp, indicators=["climate_change"])
    assert "P(A<B) = 0.00" in [t.get_text() for t in fig.axes[0].texts]
    _saves(fig, tmp_path, "compare")
