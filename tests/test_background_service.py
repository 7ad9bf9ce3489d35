"""Background uncertainty on a real service: the uncertain entries of the written background
(triangular GHG ranges of electricity technologies, hardware and datacentre ranges) are
sampled, and each sample equals a bw2calc LCA whose matrices carry the same values."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import ROOT

CHAT = ROOT / "tests" / "data" / "services" / "chat-70b-h100-throughput.yaml"  # given throughput
SMALL = ROOT / "inventories" / "services" / "chat-8b-h200.yaml"


@pytest.fixture(scope="module")
def model(data_dir):
    from lca.api import compile

    return compile(CHAT, data_dir=data_dir, background=True)


def test_each_background_sample_equals_bw2calc_with_the_sampled_matrix(model):
    """Deterministic foreground, 3 background samples: bw2calc's biosphere matrix plus the
    sampled changes of the uncertain entries gives the compiled model's totals (1e-9)."""
    import bw2calc as bc
    import bw2data as bd

    from lca.bw.project import use_project
    from lca.data.files import method_names
    from lca.formula import Formula

    bu = model.spec.background_uncertainty
    assert len(bu.b_amount) > 50 and len(bu.a_amount) == 0  # this background: B entries only
    b, a = bu.draw(3, np.random.default_rng(11))
    delta = bu.delta_scores(b, a, len(model.spec.unit_scores))
    values = model.parameter_values(1)
    ours = model.evaluate(values, background=delta)["total"]
    amount = (float(np.asarray(Formula(model.amount).evaluate(values)).ravel()[0])
              if isinstance(model.amount, str) else model.amount)
    root = ("genai-service-chat-70b-h100-throughput", model.spec.activities[model.root])
    with use_project():
        methods = {k: s["name"] for k, s in method_names().items()}
        lca = bc.LCA({bd.get_activity(root).id: amount},
                     method=next(iter(methods.values())))
        lca.lci()
        B0 = lca.biosphere_matrix.copy()
        flow_rows, cols = _entry_positions(lca, bu)
        for s in range(3):
            lca.biosphere_matrix = B0 + sp.csr_matrix(
                (b[s] - bu.b_amount, (flow_rows, cols)), shape=B0.shape)
            lca.lci_calculation()  # inventory = sampled B x supply
            for j, method in enumerate(methods.values()):
                lca.switch_method(method)
                lca.lcia()
                assert ours[s, j] == pytest.approx(lca.score, rel=1e-9), (s, method)
    assert not np.allclose(ours[0], ours[1])


def _entry_positions(lca, bu) -> tuple[np.ndarray, np.ndarray]:
    """(biosphere row, activity column) in the service LCA of each uncertain entry, from
    its name 'output <- input' (the background was extracted alone, with other indices)."""
    import bw2data as bd

    def node(text):
        return bd.get_activity(tuple(text.split("|", 1))).id

    pairs = [name.split(" <- ") for name in bu.b_names]
    return (np.array([lca.dicts.biosphere[node(flow)] for _, flow in pairs]),
            np.array([lca.dicts.activity[node(act)] for act, _ in pairs]))


def test_technosphere_path_equals_a_direct_solve(model):
    """Technosphere entries made uncertain (lognormal, sigma 0.1, on 30 inputs of the real
    background): each sample's change of unit scores equals a fresh factorisation of the
    sampled matrix; with the inputs unchanged it equals the linear biosphere path."""
    import copy

    from scipy.sparse.linalg import splu

    from lca.data.distributions import Lognormal

    bu = model.spec.background_uncertainty
    A = bu.A.tocoo()
    pick = np.flatnonzero(A.row != A.col)[:30]
    amounts = -A.data[pick]
    tech = copy.deepcopy(bu)
    tech.a_rows, tech.a_cols, tech.a_amount = A.row[pick], A.col[pick], amounts
    tech.a_dist = [Lognormal(float(np.log(abs(v))), 0.1, negative=bool(v < 0))
                   for v in amounts]
    tech.a_names = [f"entry {k}" for k in pick]
    tech._setup()
    rng = np.random.default_rng(5)
    b, a = tech.draw(2, rng)
    rows = len(model.spec.unit_scores)
    delta = tech.delta_scores(b, a, rows)
    procs = np.flatnonzero(tech.targets >= 0)
    for s in range(2):
        A_s = (bu.A + sp.csc_matrix((-(a[s] - amounts), (A.row[pick], A.col[pick])),
                                    shape=bu.A.shape)).tocsc()
        D_s = bu.D.copy()
        np.add.at(D_s, bu.b_cols, (b[s] - bu.b_amount)[:, None] * bu.b_cf)
        lam = splu(A_s.T.tocsc()).solve(D_s)
        expected = lam[tech.targets[procs]] - tech._lam[tech.targets[procs]]
        np.testing.assert_allclose(delta[s, procs], expected, rtol=1e-8,
                                   atol=1e-10 * np.abs(tech._lam).max())
    unchanged = tech.delta_scores(b, np.tile(amounts, (2, 1)), rows)
    linear = bu.delta_scores(b, np.zeros((2, 0)), rows)
    np.testing.assert_allclose(unchanged, linear, rtol=1e-9,
                               atol=1e-12 * np.abs(linear).max())


def test_monte_carlo_with_background_widens_and_shares_draws(data_dir, model):
    """Same seed, same parameter draws: the background adds spread to climate change only
    where the background is uncertain; two services draw the same background values for
    the entries they share (a service against itself: ratio exactly 1)."""
    from lca.analysis.compare import compare
    from lca.analysis.uncertainty import run

    without = run(model, 2000, seed=4)
    with_bg = run(model, 2000, seed=4, background=True)
    assert with_bg.total[:, 0].std() > without.total[:, 0].std()
    # water: certain in the background (equal up to the summation order of the sparse solve)
    np.testing.assert_allclose(with_bg.total[:, 1], without.total[:, 1], rtol=1e-12, atol=0)
    import pickle

    twin = pickle.loads(pickle.dumps(model))  # re-factorises on arrival, as a worker does
    pairs = compare({"a": model, "b": twin}, 500, seed=2, background=True).pairs()
    assert (pairs["ratio_median"] == 1.0).all() and (pairs["diff_p97.5"] == 0.0).all()


def test_cli_background_flag(project):
    from conftest import run_cli

    proc = run_cli("--data-dir", str(project), "uncertainty", str(SMALL), "-n", "500",
                   "--seed", "1", "--background", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    import json

    rows = {r["indicator"]: r for r in json.loads(proc.stdout)}
    assert rows["climate_change"]["p97.5"] > rows["climate_change"]["p2.5"] > 0
