"""The compiled parametric model (issue 5 groundwork): equal to bw2calc on every reference
service and case study, per indicator and per stage; picklable; seeded sampling."""

import pickle

import numpy as np
import pytest

from conftest import ROOT

FILES = [ROOT / "inventories" / "services" / f"{n}.yaml" for n in
         ("chat-70b-h100", "chat-8b-h200", "moe-47b-h100", "image-a100", "training-405b-h100")] + \
        [ROOT / "inventories" / "case-studies" / f"{n}.yaml" for n in
         ("bloom-training", "bloom-inference", "gpt3-training", "gpt3-training-water")]


def _compiled(result):
    from lca.bw.extract import compile_service
    from lca.bw.project import use_project
    from lca.data.files import method_names

    db, code = result.functional_unit["reference_flow"]["activity"]
    with use_project():
        return compile_service(db, code, result.functional_unit["reference_flow"]["amount"],
                               {k: s["name"] for k, s in method_names().items()})


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_compiled_equals_bw2calc_per_indicator_and_stage(data_dir, path):
    from lca.api import assess

    result = assess(path, data_dir=data_dir)
    model = _compiled(result)
    out = model.evaluate(model.parameter_values(1))
    for j, key in enumerate(model.spec.indicators):
        if key == "energy_kwh":
            total, stages = result.energy_total_kwh, result.energy_by_stage_kwh
        else:
            total, stages = result.indicators[key].total, result.indicators[key].by_stage
        assert out["total"][0, j] == pytest.approx(total, rel=1e-9, abs=1e-300), key
        for s, name in enumerate(model.stage_names):
            assert out["by_stage"][0, s, j] == pytest.approx(stages.get(name, 0.0), rel=1e-9,
                                                             abs=1e-12 * abs(total)), (key, name)


def test_pickles_and_seeds_are_explicit(data_dir):
    from lca.api import assess

    model = _compiled(assess(FILES[0], data_dir=data_dir))
    clone = pickle.loads(pickle.dumps(model))
    a = model.evaluate(model.parameter_values(500, seed=7, uncertain=True))["total"]
    b = clone.evaluate(clone.parameter_values(500, seed=7, uncertain=True))["total"]
    c = model.evaluate(model.parameter_values(500, seed=8, uncertain=True))["total"]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == (500, 5) and np.all(a[:, 0] > 0)
