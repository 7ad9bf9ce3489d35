"""No number moves (issue 11): every reference service, example and case study, for every
functional unit, equals the pinned results of ``tests/data/pinned/results.json`` (made by
``make_pinned_results.py`` beside it, before the refactoring) to 1e-12 relative."""

import importlib.util
import json

import pytest

from conftest import ROOT

PINNED = ROOT / "tests" / "data" / "pinned"


def _script():
    spec = importlib.util.spec_from_file_location("make_pinned", PINNED / "make_pinned_results.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_pinned_result_unchanged(data_dir):
    expected = json.loads((PINNED / "results.json").read_text())
    got = _script().compute(data_dir)
    assert sorted(got) == sorted(expected)
    for key, exp in expected.items():
        g = got[key]
        assert g["energy_kwh"] == pytest.approx(exp["energy_kwh"], rel=1e-12, abs=1e-300), key
        for ind, e in exp.items():
            if ind == "energy_kwh":
                continue
            assert g[ind]["total"] == pytest.approx(e["total"], rel=1e-12, abs=1e-300), (key, ind)
            assert g[ind]["by_stage"] == pytest.approx(e["by_stage"], rel=1e-12, abs=1e-300), \
                (key, ind)
