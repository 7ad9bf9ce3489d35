"""Located memory and board water (issue 14, item 5): HBM dies on the memory country's water
flow (KOR), boards on the board country's (TWN), in the bottom-up and vendor-PCF routes.

Hand calculation from the cited rows (inventories/background/hardware/, SOURCES/memwater.yaml):

* HBM dies of an accelerator: ``memory_gb x 8 / core_die_gbit + memory_stacks`` dies, each of
  the stack outline (packaging.csv ``hbm-footprint-*``). H100 SXM (HBM3, 16 Gb dies):
  80 x 8 / 16 + 5 = 45 dies x 121 mm2 = 54.45 cm2. B200 (HBM3e, 24 Gb): 180 x 8 / 24 + 8 =
  68 dies x 121 mm2 = 82.28 cm2.
* DRAM fab water per cm2 of good die, fab_nodes.csv 14nm (its water is the 7 nm figure
  scaled by ACT's EPA ratio): 16.899 x 1.2 / 2.15 / 0.875 = 10.779 L withdrawn, 15 %
  evaporated. H100: 586.9 L withdrawn, 0.08804 m3 consumed; AWARE (KOR, 1.0992) 0.09677.
* Board: 505.25 L per m2 (US EPA DfE survey, 12.4 gal/ssf) x 0.029637 m2 = 14.97 L withdrawn,
  0.002246 m3 consumed; AWARE (TWN, 0.8314) 0.001867.

Catalogue water (m3 consumed per GPU; AWARE m3 world-eq), before -> after this change
(before: bw2calc on genai-lca b353ab1):

| accelerator | WCP before | WCP after | memory | board | AWARE before | AWARE after |
|---|---|---|---|---|---|---|
| H100 SXM 80GB | 0.1721 | 0.2623 | 0.0880 (33.6 %) | 0.0022 (0.9 %) | 0.1431 | 0.2417 |
| B200 180GB    | 0.3944 | 0.5297 | 0.1330 (25.1 %) | 0.0022 (0.4 %) | 0.3279 | 0.4760 |
"""

from __future__ import annotations

import csv

import pytest

from conftest import ROOT

HW = ROOT / "inventories" / "background" / "hardware"
DB = "genai-hardware"
WATER = ("genai-lca", "water consumption", "WCP", "m3")
AWARE = ("genai-lca", "water scarcity", "AWARE", "m3 world-eq")
H100, B200 = "nvidia-h100-sxm-80gb", "nvidia-b200-180gb"
#: Catalogue water before memory and board water (bw2calc, genai-lca b353ab1), per GPU.
BEFORE = {H100: {"wcp": 0.17206210723354948, "aware": 0.1430524320321931},
          B200: {"wcp": 0.39437682820432124, "aware": 0.3278848859801142}}


def _rows(name: str) -> list[dict[str, str]]:
    with (HW / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _by(name: str, key: str = "id") -> dict[str, dict[str, str]]:
    return {r[key]: r for r in _rows(name)}


def _aware(iso3: str) -> float:
    with (ROOT / "inventories" / "methods" / "aware_country.csv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["iso3"] == iso3)
    return float(row["cf_non_agri_annual_popw"])


def _memory_cm2(acc: str) -> float:
    a = _by("accelerators.csv")[acc]
    mw = _by("memory_water.csv", "memory_type")[a["memory_type"]]
    outline = float(_by("packaging.csv")[f"hbm-footprint-{a['memory_type'].lower()}"]["central"])
    dies = float(a["memory_gb"]) * 8 / float(mw["core_die_gbit"]) + float(a["memory_stacks"])
    return dies * outline / 100


def _memory_l_per_cm2() -> tuple[float, float]:
    """(withdrawal, evaporated fraction) per cm2 of good DRAM die at the 14nm row."""
    fab = _by("fab_nodes.csv", "node_key")
    ref, row = fab["7nm"], fab["14nm"]
    withdrawal = float(ref["water_withdrawal_l_per_cm2_central"]) \
        * float(row["epa_kwh_per_cm2"]) / float(ref["epa_kwh_per_cm2"]) \
        / float(row["default_yield"])
    return withdrawal, float(row["water_consumed_fraction_central"])


def _board_m3(area_cm2: float) -> float:
    pcb = _by("pcb_water.csv")
    return area_cm2 / 1e4 * float(pcb["pcb-water-withdrawal"]["central"]) \
        * float(pcb["pcb-water-consumed-fraction"]["central"]) / 1000


def _expected(acc: str) -> tuple[float, float]:
    """(memory, board) water consumption of one accelerator, m3, by hand."""
    w, frac = _memory_l_per_cm2()
    board = _by("accelerators.csv")[H100]["board_area_cm2"]  # B200: the H100 module (proxy)
    return _memory_cm2(acc) * w * frac / 1000, _board_m3(float(board))


def _inventory(code: str, method=WATER):
    import bw2calc as bc
    import bw2data as bd

    lca = bc.LCA({bd.get_activity((DB, code)): 1}, method=method)
    lca.lci()
    lca.lcia()
    per_flow = lca.inventory.sum(axis=1).A1
    characterised = lca.characterized_inventory.sum(axis=1).A1
    out: dict[str, tuple[float, float]] = {}
    for flow_id, row in lca.dicts.biosphere.items():
        flow = bd.get_activity(flow_id)
        if per_flow[row] and tuple(flow["categories"]) == ("air",) \
                and flow["name"].startswith("Water"):
            out[flow["name"]] = (per_flow[row], characterised[row])
    return lca.score, out


def test_hand_figures_from_the_cited_rows():
    w, frac = _memory_l_per_cm2()
    assert w == pytest.approx(16.899 * 1.2 / 2.15 / 0.875, rel=1e-12)      # 10.779 L/cm2
    assert _memory_cm2(H100) == pytest.approx(45 * 121 / 100, rel=1e-12)    # 54.45 cm2
    assert _memory_cm2(B200) == pytest.approx(68 * 121 / 100, rel=1e-12)    # 82.28 cm2
    pcb = _by("pcb_water.csv")["pcb-water-withdrawal"]
    assert float(pcb["central"]) == pytest.approx(12.4 * 3.785411784 / 0.09290304, abs=0.01)
    assert float(pcb["low"]) == pytest.approx(5.4 * 3.785411784 / 0.09290304, abs=0.01)
    assert float(pcb["high"]) == 1500
    memory, board = _expected(H100)
    assert memory == pytest.approx(0.08804, abs=1e-5)
    assert board == pytest.approx(0.002246, abs=1e-6)


def test_h100_memory_water_on_the_korean_flow(project):
    """The H100's only Korean water is its HBM fab's evaporation: volume and AWARE (volume x
    KOR's factor 1.0992) equal the hand calculation (to Brightway's float32: rel 1e-6)."""
    memory, _ = _expected(H100)
    _, flows = _inventory(f"accelerator-{H100}")
    # rel 1e-6: Brightway stores the exchange amounts in float32 (1.7e-8 off here)
    assert flows["Water, consumed, KOR"][0] == pytest.approx(memory, rel=1e-6)
    _, aware = _inventory(f"accelerator-{H100}", AWARE)
    assert _aware("KOR") == 1.0992
    assert aware["Water, consumed, KOR"][1] == pytest.approx(memory * 1.0992, rel=1e-6)
    assert aware["Water, consumed, KOR"][1] == pytest.approx(0.09677, abs=1e-5)


@pytest.mark.parametrize("acc", [H100, B200])
@pytest.mark.parametrize("route", ["", "-vendor-pcf"])
def test_catalogue_water_before_and_after(project, acc, route):
    """Both routes: water = the former figure + memory + board (hand), AWARE = the former
    + memory x KOR factor + board x TWN factor; the only new flows are KOR's and TWN's."""
    memory, board = _expected(acc)
    wcp, flows = _inventory(f"accelerator-{acc}{route}")
    assert wcp == pytest.approx(BEFORE[acc]["wcp"] + memory + board, rel=1e-6)
    assert set(flows) == {"Water, consumed, KOR", "Water, consumed, TWN"}
    aware, _ = _inventory(f"accelerator-{acc}{route}", AWARE)
    assert aware == pytest.approx(BEFORE[acc]["aware"] + memory * _aware("KOR")
                                  + board * _aware("TWN"), rel=1e-6)
    shares = (memory / wcp, board / wcp)
    print(f"{acc}{route}: WCP {BEFORE[acc]['wcp']:.4f} -> {wcp:.4f} m3 (memory "
          f"{memory:.4f} = {shares[0]:.1%}, board {board:.5f} = {shares[1]:.1%}); AWARE "
          f"{BEFORE[acc]['aware']:.4f} -> {aware:.4f}")


def test_vendor_pcf_route_carries_the_same_memory_and_board_water(project):
    import bw2data as bd

    for acc in (H100, B200):
        inputs = {route: {e.input["code"]: e["amount"]
                          for e in bd.get_activity((DB, f"accelerator-{acc}{route}")).technosphere()
                          if e.input["code"].startswith(("memory-fab-water-", "pcb-water-"))}
                  for route in ("", "-vendor-pcf")}
        assert inputs[""] == inputs["-vendor-pcf"]
        assert set(inputs[""]) == {"memory-fab-water-14nm-KOR", "pcb-water-TWN"}


def test_gddr6_cards_list_their_memory_water_as_a_gap(project):
    import bw2data as bd

    l4 = bd.get_activity((DB, "accelerator-nvidia-l4-24gb"))
    assert "memory fab water (GDDR6" in l4["properties"]["gaps"]
    assert not [e for e in l4.technosphere() if e.input["code"].startswith("memory-fab-water-")]


def test_server_host_dram_and_board_water(project):
    """DGX H100 host: 2,048 GB DDR5 at 0.241 Gb/mm2 (TechInsights, Micron D1z) = 679.8 cm2 of
    dies x 10.779 L/cm2 x 15 % = 1.099 m3 on the KOR flow; mainboard (EServe's 1,925 cm2)
    0.1925 m2 x 505.25 L x 15 % = 0.0146 m3 on the TWN flow. SSD water is a listed gap."""
    import bw2data as bd

    host = bd.get_activity((DB, "server-nvidia-dgx-h100"))
    (board,) = [e for e in host.technosphere() if e.input["code"] == "pcb-water-TWN"]
    assert board["amount"] == pytest.approx(0.1925, rel=1e-12)
    (dram,) = [e for e in host.technosphere() if e.input["code"] == "memory-fab-water-14nm-KOR"]
    cm2 = 2048 * 8 / float(_by("memory_water.csv", "memory_type")["DDR5"]
                           ["die_bit_density_gbit_per_mm2"]) / 100
    assert dram["amount"] == pytest.approx(cm2, rel=1e-12)
    w, frac = _memory_l_per_cm2()
    _, flows = _inventory("server-nvidia-dgx-h100")
    assert flows["Water, consumed, KOR"][0] == pytest.approx(cm2 * w * frac / 1000, rel=1e-6)
    assert flows["Water, consumed, KOR"][0] == pytest.approx(1.0992, abs=1e-3)
    assert _board_m3(1925) == pytest.approx(0.1925 * 505.25 * 0.15 / 1000, rel=1e-12)
    assert "water of the SSD's NAND dies" in host["properties"]["gaps"]


def test_missing_pcb_water_row_is_a_clear_error(tmp_path):
    """A pcb_water.csv without its withdrawal row: InputError naming file, row and column."""
    import shutil

    from lca.data.hardware import hardware_inventory
    from lca.errors import InputError

    root = tmp_path / "inventories"
    shutil.copytree(ROOT / "inventories" / "background", root / "background")
    shutil.copytree(ROOT / "inventories" / "methods", root / "methods")
    path = root / "background" / "hardware" / "pcb_water.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith("pcb-water-withdrawal,")),
                    encoding="utf-8")
    with pytest.raises(InputError) as exc:
        hardware_inventory(root / "background" / "hardware", root / "background" / "datacenter")
    (problem,) = [(p.file, p.dataset, p.field, p.message) for p in exc.value.problems]
    assert problem == (str(path), "pcb-water-withdrawal", "central",
                       "missing row 'pcb-water-withdrawal'")
