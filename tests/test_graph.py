"""The service stage graph: networkx from the API, PNG/SVG drawings and GraphML."""

import networkx as nx

from conftest import ROOT, SERVICE
from lca.cli import main


def test_api_graph_has_stages_and_links(data_dir):
    from lca.api import graph

    g = graph(ROOT / "inventories" / "case-studies" / "bloom-training.yaml", data_dir=data_dir)
    fg = {n: d for n, d in g.nodes(data=True) if d["kind"] == "foreground"}
    assert {d["stage"] for d in fg.values()} == {"training", "manufacture"}
    assert nx.is_directed_acyclic_graph(g)
    root = "genai-service-bloom-training/training"
    assert set(g.predecessors(root)) == {"genai-service-bloom-training/training-dynamic",
                                         "genai-service-bloom-training/training-idle",
                                         "genai-service-bloom-training/training-hardware"}
    dyn = g.edges["genai-service-bloom-training-inputs/electricity",
                  "genai-service-bloom-training/training-dynamic"]
    assert dyn["amount"] == 1_082_990 * 0.4 and "pue" in dyn["formula"]


def test_cli_writes_png_svg_and_graphml(project, tmp_path):
    for suffix in ("png", "svg", "graphml"):
        out = tmp_path / f"g.{suffix}"
        assert main(["--data-dir", str(project), "graph", str(SERVICE), "--out", str(out)]) == 0
        assert out.stat().st_size > 2000
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "g.svg").read_bytes()[:2000]
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert "genai-service-chat-70b-h100-activities/request" in g and g.number_of_edges() >= 10


def test_cli_refuses_unknown_output_type(project, tmp_path, capsys):
    assert main(["--data-dir", str(project), "graph", str(SERVICE), "--out",
                 str(tmp_path / "g.bmp")]) == 2
    assert "unsupported output type '.bmp'" in capsys.readouterr().err
