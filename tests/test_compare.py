"""Paired comparison with common random numbers."""

import json

import numpy as np

from conftest import ROOT
from lca.cli import main

CHAT = ROOT / "inventories" / "services" / "chat-70b-h100.yaml"


def _copy(tmp_path, tag, extra=""):
    text = CHAT.read_text().replace("id: chat-70b-h100", f"id: chat-70b-h100-{tag}", 1)
    path = tmp_path / f"{tag}.yaml"
    path.write_text(text.replace("parameters:\n", "parameters:\n" + extra, 1))
    return path


def test_a_service_against_its_copy_is_identical_sample_by_sample(data_dir, tmp_path):
    from lca.api import compare

    comp = compare([CHAT, _copy(tmp_path, "twin")], 5_000, seed=4, data_dir=data_dir)
    a, b = comp.results
    np.testing.assert_array_equal(a.total, b.total)  # same streams for the same parameters
    pairs = comp.pairs().set_index("indicator")
    assert (pairs["p_a_lower"] == 0).all() and (pairs["ratio_median"] == 1).all()
    assert (pairs["p_equal"] == 1).all()


def test_only_the_difference_is_compared(data_dir, tmp_path):
    """Same service but PUE 1.5 instead of the datacentre's 1.09: with common random
    numbers nearly every sample of A is lower than B. Not all: training power already
    includes PUE, so a higher PUE means less training IT energy and a smaller building
    share; when demand is drawn very low, training dominates and B can come out lower."""
    from lca.api import compare

    worse = _copy(tmp_path, "pue15", "  - {name: pue, amount: 1.5, unit: dimensionless, "
                                     "source: genai-lca-reference-serving-assumptions}\n")
    pairs = compare([CHAT, worse], 5_000, seed=4, data_dir=data_dir).pairs()
    gwp = pairs.set_index("indicator").loc["climate_change"]
    assert gwp["p_a_lower"] > 0.99
    assert gwp["ratio_p2.5"] < gwp["ratio_median"] < 1.0


def test_cli_compare_json(project, tmp_path, capsys):
    assert main(["--data-dir", str(project), "--quiet", "compare", str(CHAT),
                 str(ROOT / "inventories" / "services" / "chat-8b-h200.yaml"),
                 "--samples", "2000", "--seed", "1", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["indicator"] for r in rows} >= {"climate_change", "water_scarcity"}
    assert all(0.0 <= r["p_a_lower"] <= 1.0 for r in rows)
    assert main(["--data-dir", str(project), "compare", str(CHAT)]) == 2
