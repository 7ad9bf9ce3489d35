"""Setup: offline, idempotent, only our four methods, and a fast second call."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli


def _cfs(method) -> dict:
    """CFs of a method keyed by flow key (bw2data 4 stores flow ids)."""
    import bw2data as bd

    return {bd.get_activity(i).key: cf for i, cf in bd.Method(method).load()}


def test_project_contents(project):
    import bw2data as bd

    assert len(bd.Database("biosphere3")) == 4709
    assert {"biosphere3", "genai-biosphere-ext", "genai-background"} <= set(bd.databases)
    ours = sorted(m for m in bd.methods if m[0] == "genai-lca")
    assert len(ours) == 4 and len(bd.methods) == 4  # nothing but what we use


@pytest.mark.parametrize("method, base_cfs, extra, unit, regional", [
    (("genai-lca", "climate change", "GWP100", "IPCC 2021"), 226, 4, "kg CO2-Eq", False),
    (("genai-lca", "water consumption", "WCP", "m3"), 5, 1, "cubic meter", True),
    (("genai-lca", "water scarcity", "AWARE", "m3 world-eq"), 5, 1, "m3 world-Eq deprived", True),
    (("genai-lca", "abiotic depletion", "elements", "EF 3.1"), 148, 1, "kg Sb-Eq", False),
])
def test_methods_hold_packaged_and_extension_factors(project, method, base_cfs, extra, unit,
                                                     regional):
    import bw2data as bd

    from lca.data.files import inventory_root
    from lca.data.water import country_factors

    factors = country_factors(inventory_root())
    cfs = _cfs(method)
    assert len(cfs) == base_cfs + extra + (len(factors) if regional else 0)
    if regional:  # one CF per country water flow: 1 for consumption, AWARE for scarcity
        fra = cfs[("genai-biosphere-water", "water-consumed-FRA")]
        assert fra == (1.0 if "consumption" in method[1] else pytest.approx(factors["FRA"]))
    assert bd.methods[method]["unit"] == unit
    precharacterised = [k for k in cfs if k[0] == "genai-biosphere-ext" and "precharacterised" in k[1]]
    assert len(precharacterised) == 1 and cfs[precharacterised[0]] == 1


def test_extension_gases_use_ar6_gwp100(project):
    cfs = _cfs(("genai-lca", "climate change", "GWP100", "IPCC 2021"))
    # IPCC AR6 WG1 Table 7.SM.7: C3F8 9,290; c-C4F8 10,200; HFC-41 135.
    assert cfs[("genai-biosphere-ext", "pfc-218-air")] == 9290
    assert cfs[("genai-biosphere-ext", "pfc-318-air")] == 10200
    assert cfs[("genai-biosphere-ext", "hfc-41-air")] == 135


def test_setup_is_idempotent_and_second_call_skips_brightway(data_dir):
    from lca.api import setup

    again = setup(data_dir)
    assert again.already and again.written == []
    probe = ("import sys, time; t = time.perf_counter(); from lca.bw.setup import ensure_setup; "
             f"r = ensure_setup({str(data_dir)!r}); "
             "print(r.already, 'bw2data' in sys.modules, time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    assert out[:2] == ["True", "False"]  # up to date, and bw2data was never imported
    assert float(out[2]) < 3.0


def test_setup_rebuilds_when_inventories_change(tmp_path):
    """A fresh data directory: first setup writes everything; editing a background file
    rewrites that database only; the old state of other databases is kept."""
    import shutil

    inv = tmp_path / "inventories"
    shutil.copytree(ROOT / "inventories", inv)
    env = {"GENAI_LCA_INVENTORIES": str(inv)}
    first = run_cli("--data-dir", str(tmp_path / "bw"), "setup", env=env)
    assert first.returncode == 0, first.stderr
    assert "genai-background" in first.stderr and "biosphere3" in first.stderr
    bg = inv / "background" / "reference.yaml"
    bg.write_text(bg.read_text().replace("amount: 0.3695,", "amount: 0.37,"))
    second = run_cli("--data-dir", str(tmp_path / "bw"), "setup", env=env)
    assert second.returncode == 0, second.stderr
    assert "genai-background" in second.stderr and "biosphere3" not in second.stderr
    marker = json.loads((tmp_path / "bw" / "genai-lca" / "genai-lca-0.1.json").read_text())
    assert "genai-background" in marker["written"]
    third = run_cli("--data-dir", str(tmp_path / "bw"), "setup", env=env)
    assert "is up to date" in third.stderr


def test_issue_12_setup_force_keeps_assessed_services(tmp_path):
    """`setup --force` rewrites the background (new activity ids); a service assessed
    before must still solve, with the same numbers (it failed with NonsquareTechnosphere:
    the service's processed datapackage kept the old ids)."""
    service = str(ROOT / "inventories" / "services" / "chat-8b-h200.yaml")
    d = ["--data-dir", str(tmp_path), "--quiet"]
    before = run_cli(*d, "assess", service, "--format", "json")
    assert before.returncode == 0, before.stderr
    assert run_cli(*d, "setup", "--force").returncode == 0
    after = run_cli(*d, "--no-cache", "assess", service, "--format", "json")
    assert after.returncode == 0, after.stderr
    a, b = json.loads(before.stdout), json.loads(after.stdout)
    for key, ind in a["indicators"].items():
        assert b["indicators"][key]["total"] == pytest.approx(ind["total"], rel=1e-12)
