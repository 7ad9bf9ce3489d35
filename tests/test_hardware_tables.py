"""Checks on the hardware and datacentre background tables.

Tables: inventories/background/hardware/*.csv and inventories/background/datacenter/*.csv;
bibliography: inventories/SOURCES/*.yaml. Pure CSV/YAML checks (no Brightway), fast.
"""
from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HW = ROOT / "inventories" / "background" / "hardware"
DC = ROOT / "inventories" / "background" / "datacenter"
SOURCES = ROOT / "inventories" / "SOURCES"

HW_TABLES = ["accelerators.csv", "vendor_pcf.csv", "fab_nodes.csv", "memory_storage.csv",
             "memory_water.csv", "pcb_water.csv",
             "server_components.csv", "metal_bom.csv", "servers.csv", "packaging.csv"]
DC_TABLES = ["archetypes.csv", "operators.csv", "infrastructure.csv", "end_of_life.csv",
             "transport.csv"]
ALL_TABLES = [HW / t for t in HW_TABLES] + [DC / t for t in DC_TABLES]
TABLE_IDS = [p.name for p in ALL_TABLES]

# Columns that look numeric but are identifiers or labels, not quantities.
NON_QUANTITY = {"id", "node_key", "fab_node_key", "fab_node2_key", "cpu_fab_node_key",
                "cpu_fab_node2_key", "act_equivalent_node_key", "biosphere3_code"}
REQUIRED_ACCELERATORS = [
    "nvidia-a100-sxm4-40gb", "nvidia-a100-sxm4-80gb", "nvidia-a100-pcie-80gb",
    "nvidia-h100-sxm-80gb", "nvidia-h100-pcie-80gb", "nvidia-h200-sxm-141gb",
    "nvidia-b200-180gb", "amd-mi300x-192gb", "nvidia-l4-24gb", "nvidia-l40s-48gb",
    "google-tpu-v4", "nvidia-v100-sxm2-32gb",
]
SOURCE_KINDS = {"literature", "dataset", "package", "vendor", "assumption"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def _float(value: str) -> float | None:
    value = value.strip()
    if value == "":
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _is_numeric_column(rows: list[dict[str, str]], col: str) -> bool:
    values = [r[col].strip() for r in rows if r[col].strip() != ""]
    return bool(values) and all(_float(v) is not None for v in values)


def _source_columns(header: list[str]) -> list[str]:
    return [c for c in header if c == "source" or c.endswith("_source")]


@pytest.fixture(scope="module")
def source_entries() -> list[dict]:
    entries = []
    for path in sorted(SOURCES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        assert isinstance(data, list), f"{path.name} must be a YAML list"
        for entry in data:
            entries.append(dict(entry, _file=path.name))
    return entries


@pytest.fixture(scope="module")
def source_ids(source_entries) -> set[str]:
    return {e["id"] for e in source_entries}


@pytest.fixture(scope="module")
def tables() -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    return {p.name: _read(p) for p in ALL_TABLES}


def _rows(tables, name):
    return tables[name][1]


def _by_id(tables, name, key="id"):
    return {r[key]: r for r in _rows(tables, name)}


# ------------------------------------------------------------------ bibliography

def test_source_ids_unique_across_files(source_entries):
    seen: dict[str, str] = {}
    dupes = []
    for e in source_entries:
        if e["id"] in seen:
            dupes.append(f"{e['id']} ({seen[e['id']]} and {e['_file']})")
        seen[e["id"]] = e["_file"]
    assert not dupes, f"ids defined twice: {dupes}"


def test_hardware_sources_well_formed(source_entries):
    problems = []
    for e in source_entries:
        if e["_file"] != "hardware.yaml":
            continue
        missing = [k for k in ("id", "citation", "year", "licence", "kind") if not e.get(k)]
        if missing:
            problems.append(f"{e.get('id')}: missing {missing}")
        if not ID_RE.match(str(e.get("id", ""))):
            problems.append(f"{e.get('id')}: id must be lower-case letters, digits and '-'")
        if e.get("kind") not in SOURCE_KINDS:
            problems.append(f"{e.get('id')}: kind {e.get('kind')!r} not in {sorted(SOURCE_KINDS)}")
        if e.get("kind") != "assumption" and not isinstance(e.get("year"), int):
            problems.append(f"{e.get('id')}: year must be an integer")
    assert not problems, problems


@pytest.mark.parametrize("name", TABLE_IDS)
def test_every_source_id_resolves(name, tables, source_ids):
    header, rows = tables[name]
    cols = _source_columns(header)
    assert cols, f"{name} has no source column"
    unknown = set()
    for r in rows:
        for c in cols:
            for sid in r[c].split(";"):
                sid = sid.strip()
                if sid and sid not in source_ids:
                    unknown.add(sid)
    assert not unknown, f"{name}: unknown source ids {sorted(unknown)}"


@pytest.mark.parametrize("name", TABLE_IDS)
def test_every_row_has_a_source(name, tables):
    header, rows = tables[name]
    cols = _source_columns(header)
    bare = [r.get("id") or r.get("node_key") for r in rows if not any(r[c].strip() for c in cols)]
    assert not bare, f"{name}: rows without any source: {bare}"


def test_hardware_yaml_ids_are_used(tables):
    """Every id defined in hardware.yaml is cited by at least one table (no dead entries)."""
    data = yaml.safe_load((SOURCES / "hardware.yaml").read_text(encoding="utf-8"))
    cited = set()
    for header, rows in tables.values():
        for r in rows:
            for c in _source_columns(header):
                cited.update(s.strip() for s in r[c].split(";") if s.strip())
    unused = sorted(e["id"] for e in data if e["id"] not in cited)
    assert not unused, f"hardware.yaml ids not cited by any table: {unused}"


# ------------------------------------------------------------------ generic table checks

@pytest.mark.parametrize("name", TABLE_IDS)
def test_ids_unique(name, tables):
    header, rows = tables[name]
    key = "id" if "id" in header else header[0]
    ids = [r[key] for r in rows]
    assert len(ids) == len(set(ids)), f"{name}: duplicate {key}"
    assert all(ids), f"{name}: empty {key}"


@pytest.mark.parametrize("name", TABLE_IDS)
def test_numeric_columns_non_negative(name, tables):
    header, rows = tables[name]
    bad = []
    for c in header:
        if c in NON_QUANTITY or not _is_numeric_column(rows, c):
            continue
        for r in rows:
            v = _float(r[c])
            if v is not None and (v < 0 or math.isnan(v)):
                bad.append((r.get("id"), c, v))
    assert not bad, f"{name}: negative values {bad}"


def _range_triplets(header: list[str]) -> list[tuple[str, str | None, str]]:
    """(low, mode-or-central, high) column triplets by naming convention."""
    cols = set(header)
    out = []
    for c in header:
        for lo_suffix, hi_suffix in (("_min", "_max"), ("_low", "_high")):
            if c.endswith(lo_suffix):
                base = c[: -len(lo_suffix)]
                hi = base + hi_suffix
                if hi in cols:
                    mid = next((m for m in (base + "_mode", base + "_central", base)
                                if m in cols), None)
                    out.append((c, mid, hi))
    if {"low", "high"} <= cols:
        out.append(("low", "central" if "central" in cols else None, "high"))
    if {"value_min", "value_max"} <= cols:
        out.append(("value_min", "value", "value_max"))
    # prefixed columns like pue_min / pue_mode / pue_max are caught above via base + "_mode"
    return out


@pytest.mark.parametrize("name", TABLE_IDS)
def test_ranges_ordered(name, tables):
    header, rows = tables[name]
    triplets = _range_triplets(header)
    bad = []
    for lo, mid, hi in triplets:
        for r in rows:
            vals = [_float(r[lo]), _float(r[mid]) if mid else None, _float(r[hi])]
            present = [v for v in vals if v is not None]
            if present != sorted(present):
                bad.append((r.get("id"), lo, mid, hi, vals))
    assert not bad, f"{name}: min <= mode <= max violated: {bad}"


def test_range_detection_covers_known_columns(tables):
    """Guard the naming convention: the checker must see the main ranges."""
    found = {t for name in TABLE_IDS for t in _range_triplets(tables[name][0])}
    for expected in [("idle_w_min", "idle_w", "idle_w_max"), ("pue_min", "pue_mode", "pue_max"),
                     ("wue_min", "wue_mode", "wue_max"), ("low", "central", "high"),
                     ("nongpu_peak_w_min", "nongpu_peak_w", "nongpu_peak_w_max"),
                     ("lifetime_years_min", "lifetime_years", "lifetime_years_max"),
                     ("water_consumed_fraction_low", "water_consumed_fraction_central",
                      "water_consumed_fraction_high")]:
        assert expected in found, expected


@pytest.mark.parametrize("name", TABLE_IDS)
def test_columns_documented_in_readme(name, tables):
    header, _ = tables[name]
    readme = (HW if (HW / name).exists() else DC) / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert f"## {name}" in text, f"{readme} has no section for {name}"
    section = text.split(f"## {name}", 1)[1].split("\n## ", 1)[0]
    missing = [c for c in header if f"`{c}`" not in section]
    assert not missing, f"{name}: columns not documented in README: {missing}"


# ------------------------------------------------------------------ accelerators

def test_enough_accelerators(tables):
    ids = set(_by_id(tables, "accelerators.csv"))
    assert len(ids) >= 10
    missing = [a for a in REQUIRED_ACCELERATORS if a not in ids]
    assert not missing, missing


def test_tdp_above_idle(tables):
    for r in _rows(tables, "accelerators.csv"):
        tdp = _float(r["tdp_w"])
        if tdp is None:
            assert r["id"] == "google-tpu-v4", f"{r['id']}: TDP missing"
            continue
        for c in ("idle_w", "idle_w_min", "idle_w_max"):
            v = _float(r[c])
            if v is not None:
                assert tdp > v, f"{r['id']}: tdp_w {tdp} <= {c} {v}"


def test_accelerator_fab_nodes_exist(tables):
    nodes = set(_by_id(tables, "fab_nodes.csv", key="node_key"))
    for r in _rows(tables, "accelerators.csv"):
        for c in ("fab_node_key", "fab_node2_key"):
            if r[c]:
                assert r[c] in nodes, f"{r['id']}: {c} {r[c]!r} not in fab_nodes.csv"
                assert _by_id(tables, "fab_nodes.csv", key="node_key")[r[c]]["epa_kwh_per_cm2"], \
                    f"{r['id']}: {c} must point at a node with ACT data"


def test_accelerator_pinned_vendor_figures(tables):
    acc = _by_id(tables, "accelerators.csv")
    # Vendor whitepapers: GH100 814 mm2 (TSMC 4N), GA100 826 mm2 (N7), GV100 815 mm2 (12FFN),
    # AD102 608.5 mm2, AD104 294.5 mm2.
    for aid, area, node in [("nvidia-h100-sxm-80gb", 814, 4), ("nvidia-h200-sxm-141gb", 814, 4),
                            ("nvidia-a100-sxm4-80gb", 826, 7), ("nvidia-v100-sxm2-32gb", 815, 12),
                            ("nvidia-l40s-48gb", 608.5, 4), ("nvidia-l4-24gb", 294.5, 4)]:
        assert float(acc[aid]["logic_die_area_mm2"]) == area
        assert int(acc[aid]["process_node_nm"]) == node
        assert acc[aid]["logic_die_area_kind"] == "published"
    assert float(acc["nvidia-h100-sxm-80gb"]["tdp_w"]) == 700
    assert float(acc["nvidia-h100-sxm-80gb"]["peak_fp16_dense_tflops"]) == pytest.approx(989.4)
    assert float(acc["nvidia-b200-180gb"]["peak_fp16_dense_tflops"]) == 2250  # 36 PF sparse / 8 / 2
    assert float(acc["nvidia-h200-sxm-141gb"]["idle_w"]) == 78  # project measurement
    assert acc["nvidia-h200-sxm-141gb"]["idle_kind"] == "measured"
    for r in acc.values():
        assert r["foundry_iso3"] == "TWN"
        assert int(r["logic_die_count"]) >= 1
        assert int(r["memory_stacks"]) >= 1


def test_accelerator_masses_consistent(tables):
    for r in _rows(tables, "accelerators.csv"):
        total, hs, cs = (_float(r[c]) for c in ("total_mass_kg", "heatsink_kg", "casing_kg"))
        if None not in (total, hs, cs):
            assert hs + cs <= total + 1e-9, f"{r['id']}: heatsink + casing > total"


def test_assumed_idle_follows_documented_fraction(tables):
    for r in _rows(tables, "accelerators.csv"):
        if r["idle_kind"] != "assumption":
            continue
        tdp = float(r["tdp_w"])
        assert float(r["idle_w"]) == pytest.approx(0.11 * tdp, abs=0.51)
        assert float(r["idle_w_min"]) == pytest.approx(0.08 * tdp, abs=0.51)
        assert float(r["idle_w_max"]) == pytest.approx(0.25 * tdp, abs=0.51)


# ------------------------------------------------------------------ vendor PCF

def test_hgx_h100_pcf_breakdown(tables):
    pcf = _by_id(tables, "vendor_pcf.csv")
    total = float(pcf["hgx-h100-total"]["value"])
    assert total == 1312
    assert float(pcf["hgx-h100-total"]["per_gpu_value"]) == pytest.approx(164.0)
    items = ["memory", "integrated-circuits", "thermal", "electromechanical", "common", "pcb",
             "mechanical", "interconnect"]
    parts = sum(float(pcf[f"hgx-h100-{i}"]["value"]) for i in items)
    assert parts == pytest.approx(1191.8)
    assert float(pcf["hgx-h100-materials-components"]["value"]) == pytest.approx(parts)
    full = parts + float(pcf["hgx-h100-assembly"]["value"]) + float(pcf["hgx-h100-transport"]["value"])
    assert full == pytest.approx(total, rel=0.005)  # published shares are rounded
    for r in _rows(tables, "vendor_pcf.csv"):
        v, n, per = _float(r["value"]), _float(r["gpus_per_product"]), _float(r["per_gpu_value"])
        if None not in (v, n, per) and r["unit"].endswith("per product"):
            assert per == pytest.approx(v / n, rel=1e-3), r["id"]
    assert float(pcf["hgx-b200-total"]["value"]) == 2274
    assert float(pcf["hgx-b200-total"]["per_gpu_value"]) == pytest.approx(284.25)


# ------------------------------------------------------------------ fab nodes

def test_fab_node_act_values(tables):
    fab = _by_id(tables, "fab_nodes.csv", key="node_key")
    # ACT Table 1 (facebookresearch/ACT act/models/logic/*.yaml)
    assert float(fab["7nm"]["epa_kwh_per_cm2"]) == 2.15
    assert float(fab["5nm"]["gpa95_g_co2e_per_cm2"]) == 430
    assert float(fab["3nm"]["gpa99_g_co2e_per_cm2"]) == 275
    for r in fab.values():
        if not r["epa_kwh_per_cm2"]:
            assert r["act_equivalent_node_key"] in fab and fab[r["act_equivalent_node_key"]]["epa_kwh_per_cm2"]
            continue
        g95, g99 = float(r["gpa95_g_co2e_per_cm2"]), float(r["gpa99_g_co2e_per_cm2"])
        assert float(r["gpa97_g_co2e_per_cm2"]) == pytest.approx((g95 + g99) / 2)
        assert g99 <= g95
        cpa = (0.583 * float(r["epa_kwh_per_cm2"]) + float(r["gpa97_g_co2e_per_cm2"]) / 1000
               + float(r["mpa_g_co2e_per_cm2"]) / 1000) / float(r["default_yield"])
        assert float(r["act_cpa_twn_gpa97_kg_co2e_per_cm2"]) == pytest.approx(cpa, abs=1e-4)
    assert float(fab["5nm"]["act_cpa_twn_gpa97_kg_co2e_per_cm2"]) == pytest.approx(2.778, abs=1e-3)


def test_fab_water_derivation(tables):
    r = _by_id(tables, "fab_nodes.csv", key="node_key")["7nm"]
    area = float(r["wafer_area_cm2"])
    assert area == pytest.approx(math.pi * 15 ** 2, abs=0.01)
    assert int(r["mask_layers"]) == 87
    expected = 137.3 * 87 / area
    assert float(r["water_withdrawal_l_per_cm2_central"]) == pytest.approx(expected, abs=1e-3)
    assert "withdrawal" in r["water_basis"]


# ------------------------------------------------------------------ memory, metals, servers

def test_memory_factors(tables):
    mem = _by_id(tables, "memory_storage.csv")
    assert float(mem["hbm"]["central"]) == 0.24  # EcoServe HBM3e
    assert float(mem["hbm"]["high"]) == pytest.approx(546 / 640, abs=1e-3)  # NVIDIA PCF implied
    assert float(mem["dram-ddr4"]["central"]) == 0.065  # ACT ddr4_10nm
    assert float(mem["ic-packaging"]["central"]) == 0.15  # ACT, kg per IC
    assert float(mem["pcb-per-layer"]["central"]) == 0.13  # ACT cpla, kg per m2 per layer


def test_memory_types_have_factors(tables):
    mem = _by_id(tables, "memory_storage.csv")
    applies = " ".join(r["applies_to"] for r in mem.values())
    for r in _rows(tables, "accelerators.csv"):
        assert r["memory_type"] in applies, f"{r['id']}: no factor for {r['memory_type']}"
    for r in _rows(tables, "servers.csv"):
        if r["dram_type"]:
            assert r["dram_type"] in applies, f"{r['id']}: no factor for {r['dram_type']}"


def test_issue_14_packaging_factors(tables):
    """3D-Carbon parameters (Zhao et al. 2024) as read in its repository, per cm2."""
    pack = _by_id(tables, "packaging.csv")
    expected = {"interposer-si-epa": 1.2, "interposer-si-mpa": 250,
                "interposer-si-defect-density": 0.0006, "interposer-si-cluster-alpha": 6,
                "interposer-si-area-scale": 1.1, "interposer-rdl-epa": 0.011 * 100,
                "interposer-rdl-defect-density": 0.0005, "interposer-rdl-cluster-alpha": 3,
                "interposer-rdl-area-scale": 1.2, "substrate-fcbga-epa": 0.00135 * 100,
                "substrate-area-scale": 1.2, "bonding-tcb-epa": 0.0009 * 100}
    for row_id, value in expected.items():
        assert float(pack[row_id]["central"]) == pytest.approx(value), row_id
        assert pack[row_id]["source"].startswith("3d-carbon-zhao-2024"), row_id
    kinds = {r["package_kind"] for r in _rows(tables, "accelerators.csv")}
    assert kinds == {"cowos-s", "cowos-l", "flip-chip"}
    for r in _rows(tables, "accelerators.csv"):
        if r["memory_type"].startswith("HBM"):
            assert r["package_kind"].startswith("cowos"), r["id"]
            assert f"hbm-footprint-{r['memory_type'].lower()}" in pack, r["id"]
    metals = {r["element"] for r in _rows(tables, "metal_bom.csv")
              if r["host_part"] in ("heatsink", "gpu-casing")}
    assert all(f"metal-ghg-{el.lower()}" in pack for el in metals)


def test_issue_14_hbm_per_generation(tables):
    mem = _by_id(tables, "memory_storage.csv")
    assert mem["hbm"]["applies_to"] == "reference only"     # EcoServe 0.24, sensitivity only
    for gen in ("HBM2", "HBM2e", "HBM3", "HBM3e"):
        row = mem[gen.lower()]
        assert row["applies_to"] == f"memory_type in {gen}"
        assert float(row["central"]) == pytest.approx(546 / 640, abs=1e-3)  # HGX H100 PCF
        assert float(row["low"]) == 0.24 and float(row["high"]) == 2.2
    assert mem["hbm3"]["central_source"] == "nvidia-hgx-h100-pcf-2024"


def test_metal_bom(tables):
    rows = _rows(tables, "metal_bom.csv")
    pcb = {r["element"]: r for r in rows if r["host_part"] == "pcb-high-grade"}
    assert set(pcb) >= {"Au", "Ag", "Pd", "Cu", "Sn"}
    ranges = {"Au": (0.2, 1.0), "Ag": (1, 2), "Pd": (0.05, 0.25), "Cu": (200, 300), "Sn": (20, 40)}
    for el, (lo, hi) in ranges.items():
        assert (float(pcb[el]["low"]), float(pcb[el]["high"])) == (lo, hi)
    board = {r["element"]: r for r in rows if r["host_part"] == "pcb-gpu-board"}
    assert float(board["Au"]["central"]) == 0.45       # graphics cards 0.4-0.5 g/kg (issue 14)
    assert (float(board["Au"]["low"]), float(board["Au"]["high"])) == (0.16, 0.855)
    for part in ("heatsink", "gpu-casing", "server-chassis"):
        total = sum(float(r["central"]) for r in rows if r["host_part"] == part)
        assert total <= 1000 + 1e-9, f"{part}: more than 1 kg of metal per kg"
    for r in rows:
        assert r["unit"].startswith("g per kg")
        assert r["resource_flow_name"]


def test_servers_reference_accelerators(tables):
    acc = set(_by_id(tables, "accelerators.csv"))
    nodes = set(_by_id(tables, "fab_nodes.csv", key="node_key"))
    kinds = set()
    for r in _rows(tables, "servers.csv"):
        kinds.add(r["node_kind"])
        if r["node_kind"] == "gpu-node":
            assert r["accelerator_id"] in acc, r["id"]
            assert int(r["accelerators_per_node"]) >= 1
        for c in ("cpu_fab_node_key", "cpu_fab_node2_key"):
            if r[c]:
                assert r[c] in nodes, (r["id"], c)
        mx, peak_max = _float(r["system_max_power_w"]), _float(r["nongpu_peak_w_max"])
        if mx is not None:
            tdp = float(_by_id(tables, "accelerators.csv")[r["accelerator_id"]]["tdp_w"])
            assert peak_max == pytest.approx(mx - int(r["accelerators_per_node"]) * tdp, abs=0.5)
        assert float(r["nongpu_idle_w"]) <= float(r["nongpu_peak_w"])
    assert kinds == {"gpu-node", "cpu-server"}


# ------------------------------------------------------------------ datacentre

def test_pue_at_least_one(tables):
    bad = []
    for name in ("archetypes.csv", "operators.csv"):
        header, rows = tables[name]
        for c in (c for c in header if c.startswith("pue") and _is_numeric_column(rows, c)):
            for r in rows:
                v = _float(r[c])
                if v is not None and v < 1.0:
                    bad.append((name, r["id"], c, v))
    assert not bad, bad


def test_archetypes_cover_types_and_cooling(tables):
    rows = _rows(tables, "archetypes.csv")
    assert {r["dc_type"] for r in rows} >= {"hyperscale", "colocation", "enterprise", "hpc"}
    assert {r["cooling"] for r in rows} >= {"evaporative", "air-free-cooling", "liquid"}
    for r in rows:
        for c in ("pue_mode", "pue_min", "pue_max", "wue_mode", "wue_min", "wue_max"):
            assert r[c] != "", (r["id"], c)
        assert "IT energy" in r["wue_basis"]


def test_operators_pinned(tables):
    ops = _by_id(tables, "operators.csv")
    assert float(ops["google-fleet-2023"]["pue"]) == 1.10
    assert float(ops["meta-fleet-2023"]["pue"]) == 1.08
    assert float(ops["aws-global-2024"]["pue"]) == 1.15
    assert float(ops["idris-jean-zay"]["pue"]) == 1.2
    assert float(ops["microsoft-fleet-2024"]["wue_l_per_kwh_it"]) == 0.30
    assert ops["meta-fleet-2023"]["wue_l_per_kwh_it"] == ""  # withdrawal is not a WUE
    assert {"Google", "Microsoft", "Meta", "AWS"} <= {r["operator"] for r in ops.values()}


def test_infrastructure_derivation(tables):
    inf = _by_id(tables, "infrastructure.csv")
    per_mw = 12600 * 0.39 / 5  # Data4: 12.6 kt over 20 y, 39 % construction, 5 MW
    r = inf["dc-construction-per-mw-it"]
    assert float(r["central"]) == pytest.approx(per_mw, abs=0.1)
    assert (float(r["low"]), float(r["high"])) == (500, 2000)
    assert float(inf["dc-construction-per-mw-it-year"]["central"]) == pytest.approx(per_mw / 20, abs=0.01)


def test_end_of_life(tables):
    eol = _by_id(tables, "end_of_life.csv")
    assert float(eol["ewaste-formal-collection-rate-2022"]["central"]) == 0.223
    assert eol["eol-treatment-burden"]["central"] == ""  # explicit gap
    assert eol["eol-treatment-burden"]["evidence"] == "gap"
    for r in eol.values():
        if r["unit"] == "fraction":
            for c in ("central", "low", "high"):
                v = _float(r[c])
                assert v is None or 0 <= v <= 1, (r["id"], c, v)


def test_transport(tables):
    tr = _by_id(tables, "transport.csv")
    truck, ship, air = (float(tr[i]["central"]) for i in ("truck-hgv-eu", "ship-container-deep-sea", "air-freight"))
    assert ship < truck < air
    for r in tr.values():
        assert r["unit"] in {"kg CO2-eq per t.km", "km"}
