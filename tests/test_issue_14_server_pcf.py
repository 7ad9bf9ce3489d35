"""A 4-GPU node of ours against published GPU-server PCFs (issue 14): Lenovo ThinkSystem
SR670 V2 and SR670, Dell PowerEdge C4140 (vendor PCFs, PAIA method, read through the SCARIF
compilation; vendor_pcf.csv kind ``server_pcf``)."""

import csv

import pytest

from conftest import ROOT

PCF = ROOT / "inventories" / "background" / "hardware" / "vendor_pcf.csv"


def _pcf() -> dict[str, dict[str, str]]:
    with PCF.open(encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh) if r["kind"] == "server_pcf"}


def test_issue_14_server_pcf_rows_are_manufacture_shares_of_the_totals():
    """value = share x life-cycle total, as the sheets give them: 0.262 x 29,623 = 7,761;
    0.044 x 60,600 = 2,666; 0.183 x 6,800 = 1,244."""
    rows = _pcf()
    assert set(rows) == {"lenovo-sr670-v2-embodied", "lenovo-sr670-embodied",
                         "dell-c4140-manufacture"}
    for rid, total in (("lenovo-sr670-v2-embodied", 29623), ("lenovo-sr670-embodied", 60600),
                       ("dell-c4140-manufacture", 6800)):
        r = rows[rid]
        assert float(r["value"]) == pytest.approx(float(r["share_of_total"]) * total, rel=2e-3)
        assert r["in_range"] == "no" and "scarif-ji-2024" in r["source"]
        assert r["accelerator_id"] == ""  # the GPU configuration of the sheet is not stated


def test_issue_14_four_gpu_node_against_gpu_server_pcfs(data_dir):
    """Ours: the 4-GPU archetype host (381 kg) + 4 accelerators of the generation.
    - vs Lenovo SR670 V2 (7,761 kg): host + 4 x A100 SXM4 80 GB (130.5) = 903 kg -> 0.12x;
      host alone 0.05x.
    - vs Dell C4140 (1,244 kg): host + 4 x V100 SXM2 (67.5) = 651 kg -> 0.52x.
    - vs Lenovo SR670 (2,666 kg): the same 651 kg -> 0.24x.
    Why ours is lower: the host has no network adapters, no PSUs beyond one EServe set, no
    assembly, and ACT's central PCB factor (0.13 kg/m2/layer; EServe's is 3.33); the vendor
    sheets are PAIA estimates that scale with mass and configuration (Lenovo puts 7,435 kg
    of the SR670 V2 in the mainboard), and the two vendors differ 6x for similar 4-GPU
    servers, so the check bounds the order of magnitude only."""
    from lca.api import catalog

    servers = {r["id"]: r["climate_change"] for r in catalog("servers", data_dir=data_dir)}
    accs = {r["id"]: r["climate_change"] for r in catalog("accelerators", data_dir=data_dir)}
    host = servers["server-archetype-4gpu-h100-node"]
    a100 = host + 4 * accs["accelerator-nvidia-a100-sxm4-80gb"]
    v100 = host + 4 * accs["accelerator-nvidia-v100-sxm2-32gb"]
    pcf = {k: float(r["value"]) for k, r in _pcf().items()}
    ratios = {"SR670 V2": a100 / pcf["lenovo-sr670-v2-embodied"],
              "SR670": v100 / pcf["lenovo-sr670-embodied"],
              "C4140": v100 / pcf["dell-c4140-manufacture"]}
    assert host == pytest.approx(381, rel=0.02)
    assert ratios["SR670 V2"] == pytest.approx(0.12, abs=0.02)
    assert ratios["SR670"] == pytest.approx(0.24, abs=0.03)
    assert ratios["C4140"] == pytest.approx(0.52, abs=0.05)
    assert all(r < 1 for r in ratios.values())  # ours is a lower bound of every sheet
