"""AI accelerators and servers as inventory records (database ``genai-hardware``), built
bottom-up from the sourced tables in ``inventories/background/hardware/`` and
``inventories/background/datacenter/{transport,end_of_life}.csv`` (see their READMEs for
columns, units and sources, and "Brightway model" in the hardware README for the choices
made here). Pure: reads CSV, returns records; nothing here touches Brightway.

Activities (all quantities are activity parameters with formulas, so Activity Browser shows
and recomputes them; every exchange and parameter names its source):

- ``fab-logic-<node_key>-<ISO3>`` [cm2 of good die]: the ACT model, CPA = (CI_fab x EPA +
  GPA + MPA) / yield, with EPA / yield kWh bought from ``genai-electricity/electricity-<ISO3>``
  (the fab grid), GPA (97 % abatement, triangular between 99 % and 95 %) and MPA on the
  pre-characterised GWP100 flow, and fab water (withdrawal, of which a fraction evaporates and
  the rest is released, so withdrawal = evaporation + release). The evaporation goes on the
  ``Water, consumed, <ISO3>`` flow of the fab country, so AWARE uses that country's factor
  (the world ``Water`` flow where aware_country.csv has none), as the fab grid's water does.
  Memory, PCB and IC package factors carry GHG only (per-GB / per-m2); their water is in
  the two activities below.
- ``memory-fab-water-<node_key>-<ISO3>`` [cm2 of good DRAM die] (issue 14): the fab water of
  the node nearest to the DRAM's half-pitch (``memory_water.csv``), withdrawal, evaporation
  on the memory country's ``Water, consumed, <ISO3>`` flow and release, without electricity
  or GHG (the per-GB factor holds those). An accelerator buys its HBM die area: core dies
  (``memory_gb x 8 / core_die_gbit``) plus one base die per stack, each of the stack outline.
- ``pcb-water-<ISO3>`` [m2 of board] (issue 14): PCB plant water per m2 of board
  (``pcb_water.csv``), located in the board country (TWN); accelerators buy their board
  area, server hosts their mainboard area. Hosts also buy the die area of their DRAM
  (``dram_gb x 8 / die_bit_density``, memory_water.csv) from ``memory-fab-water-*-KOR``.
- ``memory-*`` / ``storage-*`` [GB], ``pcb-per-layer`` [m2 x layers], ``ic-packaging`` [IC],
  ``server-component-*`` [unit]: one per row of ``memory_storage.csv`` and
  ``server_components.csv``, pre-characterised GWP100 with the low-high range as a triangular
  distribution (rows "reference only" are kept as alternatives for sensitivity analysis).
- ``metals-<host part>`` [kg of part]: metal content from ``metal_bom.csv`` on biosphere3
  resource flows (natural resource, in ground), so EF 3.1 ADP elements is computed from
  masses by the real method.
- ``transport-<mode>`` [t*km] from ``transport.csv``; ``end-of-life-it-equipment`` [kg],
  cut-off (collection and transport to treatment; no open treatment burden, no credits).
- ``interposer-si-<ISO3>``, ``interposer-rdl-<ISO3>``, ``package-substrate-<ISO3>``,
  ``bonding-tcb-<ISO3>`` [cm2]: 2.5D packaging steps of ``packaging.csv`` (3D-Carbon energy
  per area on the grid, interposer materials); ``metal-production-<part>`` [kg]: primary
  metal GHG of heatsink and casing (metal_bom.csv x Nuss and Eckelman 2014).
- ``accelerator-<id>`` [unit], bottom-up: logic dies (and a second die type) from the fab
  process, memory per GB of its HBM generation, one IC package per logic die and per memory
  stack, package substrate and, for CoWoS-class packages, interposer / interposer yield and
  bonding, metal production of heatsink and casing, board area x layers of PCB, metals of
  board, heatsink and casing by mass, transport of the module mass over the default route
  (19,000 km ship + 1,000 km truck, air 0 km: set ``air_km``).
- ``accelerator-<id>-vendor-pcf`` [unit] where ``vendor_pcf.csv`` has a vendor total: the
  per-GPU figure on the pre-characterised flow; water and ADP from the bottom-up model
  (its fab and packaging inputs through ``water-only-*`` twins, whose electricity is
  ``electricity-water-<ISO3>``, the grid's water without its GHG; its memory and board water
  and its metals as they are).
- ``server-<id>`` [unit]: the host of a GPU node without its accelerators, or a CPU server.
"""

from __future__ import annotations

import hashlib
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from lca.data import names
from lca.data.electricity import mix_resources, mix_water_l_per_kwh, water_exchanges
from lca.data.inventory import SourcedFile, read_table, table_digest
from lca.data.schema import Activity, Exchange, InventoryFile, Parameter, Uncertainty
from lca.data.water import country_factors, flow_name
from lca.errors import InputError, Problem

DATABASE = names.HARDWARE_DB
ELECTRICITY = names.ELECTRICITY_DB
GWP = ("GWP100, pre-characterised", ["air"])
WATER_WITHDRAWAL = ("Water, unspecified natural origin", ["natural resource", "in water"])
WATER_EVAPORATED = ("Water", ["air"])
WATER_RELEASED = ("Water", ["water", "surface water"])
RESOURCE = ["natural resource", "in ground"]
STAGE = names.MANUFACTURE

#: Modelling assumptions (inventories/SOURCES/hardware-model.yaml).
A_BOARD_MASS = "genai-lca-assumption-hw-board-mass"
A_FAB_WATER = "genai-lca-assumption-fab-water-node-scaling"
A_B200 = "genai-lca-assumption-b200-module-proxy"
A_HOST = "genai-lca-assumption-host-proxy"
A_IC = "genai-lca-assumption-ic-package-count"
A_CPU_FAB = "genai-lca-assumption-cpu-fab-location"
A_HOST_METALS = "genai-lca-assumption-host-metals"
A_TRANSPORT = "genai-lca-assumption-transport-distances"
#: Memory and board water (inventories/SOURCES/memwater.yaml).
A_MEM_DIES = "genai-lca-assumption-memory-die-density"
A_MEM_NODE = "genai-lca-assumption-memory-fab-node"
A_PCB_FAB = "genai-lca-assumption-pcb-fab-location"
A_HOST_DRAM = "genai-lca-assumption-host-dram-fab"

#: Accelerators whose module geometry and masses come from another row (A_B200).
MODULE_PROXY = {"nvidia-b200-180gb": "nvidia-h100-sxm-80gb"}
#: Servers whose missing CPU dies or system mass come from another row (A_HOST).
HOST_PROXY = {"nvidia-dgx-h200": "nvidia-dgx-h100", "nvidia-dgx-b200": "nvidia-dgx-h100"}
#: Fab location of host CPU dies (servers.csv has no foundry column; A_CPU_FAB).
CPU_FAB_ISO3 = "TWN"
#: Where printed circuit boards are made (accelerator modules and server hosts; A_PCB_FAB).
PCB_FAB_ISO3 = "TWN"
#: Where host DRAM (DDR4/DDR5 DIMMs) is made (servers.csv names no maker; A_HOST_DRAM).
DRAM_FAB_ISO3 = "KOR"
#: Code prefixes of the water-only inputs of a bottom-up accelerator (no GHG), which the
#: vendor-PCF route keeps as they are.
MEMORY_WATER, PCB_WATER = "memory-fab-water-", "pcb-water-"
#: Host parts of metal_bom.csv used by the model.
BOARD, HEATSINK, CASING, IT_EQUIPMENT = ("pcb-gpu-board", "heatsink", "gpu-casing",
                                         "it-equipment-de-2008")
#: Host parts whose metal production GHG is counted (thermal solution and casing; the board's
#: metals are inside the PCB and IC factors). Element -> packaging.csv row ``metal-ghg-<el>``.
METAL_GHG_PARTS = (HEATSINK, CASING)
#: package_kind (accelerators.csv) -> interposer kind of packaging.csv (``interposer-<kind>-*``).
INTERPOSER = {"cowos-s": "si", "cowos-l": "rdl"}
PACKAGE_KINDS = ("cowos-s", "cowos-l", "flip-chip")
MODES = ("ship", "truck", "air")
HOST_COMPONENTS = ("chassis", "fans", "psu", "mainboard")
NVSWITCH = "nvlink-nvswitch-per-gpu"


#: Components of a bottom-up accelerator, by the code prefix of the input that carries them
#: (the catalogue's breakdown columns, issue 14).
COMPONENTS = (("logic_dies", "fab-logic-"), ("memory", "memory-"),
              ("interposer", "interposer-"), ("package_substrate", "package-substrate-"),
              ("bonding", "bonding-"), ("ic_packages", "ic-packaging"),
              ("thermal_metals", "metal-production-"), ("pcb", "pcb-"),
              ("board_metals", "metals-"), ("transport", "transport-"))


def component_of(code: str) -> str | None:
    """The component (``COMPONENTS``) an input of a bottom-up accelerator belongs to."""
    return next((name for name, prefix in COMPONENTS if code.startswith(prefix)), None)


def build(root: Path) -> SourcedFile:
    """The ``genai-hardware`` records from ``<root>/background/{hardware,datacenter}``."""
    hw = root / "background" / "hardware"
    dc = root / "background" / "datacenter"
    # The builder's source is in the digest (as for the electricity tables), so a change of
    # the model, such as issue 14's located fab water, rewrites an existing data directory.
    h = hashlib.sha256(table_digest(hw, __file__).encode())
    for path in (dc / "transport.csv", dc / "end_of_life.csv",
                 root / "background" / "electricity" / "technologies.csv",
                 root / "background" / "electricity" / "country_mix.csv",
                 root / "methods" / "aware_country.csv"):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return SourcedFile(str(hw), hardware_inventory(hw, dc), h.hexdigest())


# --------------------------------------------------------------------------- helpers

def _num(row: dict[str, str], col: str) -> float | None:
    """A numeric cell, or None for an empty one (a gap, never zero)."""
    text = (row.get(col) or "").strip()
    return float(text) if text else None


def _first(ids: str | None) -> str | None:
    """The main source of a ``;``-separated cell."""
    for sid in (ids or "").split(";"):
        if sid.strip():
            return sid.strip()
    return None


def _triangular(central: float | None, low: float | None, high: float | None,
                scale: float = 1.0) -> Uncertainty | None:
    """Triangular between ``low`` and ``high`` (mode ``central``), where the table has a range."""
    if central is None or low is None or high is None or not low <= central <= high \
            or not low < high:
        return None
    return Uncertainty(type="triangular", minimum=low * scale, maximum=high * scale)


def _gwp(amount: float, source: str | None, *, formula: str | None = None,
         uncertainty: Uncertainty | None = None, comment: str | None = None) -> Exchange:
    return Exchange(flow=GWP[0], categories=GWP[1], amount=None if formula else amount,
                    formula=formula, unit="kg CO2-Eq", source=source,
                    uncertainty=uncertainty, comment=comment)


@dataclass
class _Params:
    """Activity parameters collected while building one activity."""

    items: list[Parameter] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, amount: float | None = None, *, source: str | None,
            unit: str = "dimensionless", formula: str | None = None,
            description: str | None = None, uncertainty: Uncertainty | None = None) -> str:
        self.items.append(Parameter(name=name, amount=amount, formula=formula, unit=unit,
                                    source=source, description=description,
                                    uncertainty=uncertainty))
        if amount is not None:
            self.values[name] = amount
        return name


@dataclass
class _Tables:
    accelerators: list[dict[str, str]]
    fab: dict[str, dict[str, str]]
    factors: list[dict[str, str]]
    components: list[dict[str, str]]
    metals: list[dict[str, str]]
    servers: list[dict[str, str]]
    vendor: list[dict[str, str]]
    packaging: dict[str, dict[str, str]]
    transport: list[dict[str, str]]
    end_of_life: dict[str, dict[str, str]]
    hw: Path
    #: memory_water.csv by memory_type, pcb_water.csv by id (issue 14: memory and board water).
    memory_water: dict[str, dict[str, str]] = field(default_factory=dict)
    pcb_water: dict[str, dict[str, str]] = field(default_factory=dict)
    #: ISO3 codes with an AWARE country factor (water.country_factors): water evaporated in
    #: one of them goes on its ``Water, consumed, <ISO3>`` flow, elsewhere on the world flow.
    aware: frozenset[str] = frozenset()
    problems: list[Problem] = field(default_factory=list)

    def problem(self, table: str, row: str, col: str, msg: str) -> None:
        self.problems.append(Problem(msg, file=str(self.hw / table), dataset=row, field=col))

    @property
    def accelerator_by_id(self) -> dict[str, dict[str, str]]:
        return {r["id"]: r for r in self.accelerators}


def hardware_inventory(hw: Path, dc: Path) -> InventoryFile:
    """The ``genai-hardware`` database from the tables of ``hw`` and ``dc``."""
    t = _Tables(
        accelerators=read_table(hw / "accelerators.csv"),
        fab={r["node_key"]: r for r in read_table(hw / "fab_nodes.csv")},
        factors=read_table(hw / "memory_storage.csv"),
        components=read_table(hw / "server_components.csv"),
        metals=read_table(hw / "metal_bom.csv"),
        servers=read_table(hw / "servers.csv"),
        vendor=read_table(hw / "vendor_pcf.csv"),
        packaging={r["id"]: r for r in read_table(hw / "packaging.csv")},
        transport=read_table(dc / "transport.csv"),
        end_of_life={r["id"]: r for r in read_table(dc / "end_of_life.csv")},
        memory_water={r["memory_type"]: r for r in read_table(hw / "memory_water.csv")},
        pcb_water={r["id"]: r for r in read_table(hw / "pcb_water.csv")},
        hw=hw, aware=frozenset(country_factors(hw.parents[1])))
    fab_iso3 = sorted({r["foundry_iso3"] for r in t.accelerators} | {CPU_FAB_ISO3})
    activities = [fab_activity(t, key, iso3, water_only=w) for iso3 in fab_iso3
                  for key in t.fab for w in (False, True)]
    activities += [factor_activity(r) for r in t.factors]
    activities += [a for iso3 in fab_iso3 for w in (False, True)
                   for a in packaging_activities(t, iso3, water_only=w)]
    activities += [electricity_water_activity(hw, iso3) for iso3 in fab_iso3]
    memory_iso3 = sorted({r["memory_fab_iso3"] for r in t.accelerators if r["memory_fab_iso3"]}
                         | {DRAM_FAB_ISO3})
    activities += [memory_water_activity(t, node, iso3) for iso3 in memory_iso3
                   for node in sorted({r["fab_node_key"] for r in t.memory_water.values()})]
    activities.append(pcb_water_activity(t, PCB_FAB_ISO3))
    activities += metal_production_activities(t)
    activities += [component_activity(r) for r in t.components]
    activities += metal_activities(t.metals)
    activities += transport_activities(t.transport)
    activities.append(end_of_life_activity(t.end_of_life, t.transport))
    density = board_areal_mass(t.accelerators)
    memory = memory_codes(t.factors)
    bottom_up = {row["id"]: accelerator_activity(t, row, density, memory)
                 for row in t.accelerators}
    activities += list(bottom_up.values())
    for row in t.vendor:
        if row["kind"] == "vendor_pcf" and row["item"] == "total" and row["accelerator_id"]:
            activities.append(vendor_pcf_activity(t, row, bottom_up))
    activities += [server_activity(t, row) for row in t.servers]
    if t.problems:
        raise InputError(t.problems)
    return InventoryFile(
        database=DATABASE,
        description="AI accelerators and servers, bottom-up (ACT fab model, memory, 2.5D "
                    "packaging, PCB, thermal metals, metal content, transport) and vendor PCFs; "
                    "end of life",
        activities=[a for a in activities if a is not None])


# --------------------------------------------------------------------------- fab

def fab_code(node_key: str, iso3: str) -> str:
    return f"fab-logic-{node_key}-{iso3}"


#: Code prefix of the water-and-resources-only twins of the fab and packaging activities, used
#: by the vendor-PCF route (its GHG is the PCF; its water comes from the bottom-up model).
WATER_ONLY = "water-only-"


def electricity_water_code(iso3: str) -> str:
    return f"electricity-water-{iso3}"


def electricity_water_activity(hw: Path, iso3: str) -> Activity:
    """The water and plant metals of one kWh of the ``iso3`` mix without its GHG (same
    figures as the genai-electricity market: generation share x technology water, Macknick
    et al. 2012, and x the technology's plant metals)."""
    el = hw.parent / "electricity"
    mix = next((m for m in read_table(el / "country_mix.csv") if m["iso3"] == iso3), None)
    if mix is None:
        raise InputError(Problem(f"no country mix for fab grid '{iso3}'",
                                 file=str(el / "country_mix.csv"), field="iso3"))
    water = mix_water_l_per_kwh(mix, read_table(el / "technologies.csv"))
    regional = set(country_factors(hw.parents[1]))
    return Activity(
        code=electricity_water_code(iso3), name=f"water of electricity, {iso3} mix, per kWh "
        "(no GHG; for vendor-PCF routes)", unit="kilowatt hour",
        reference_product="water of electricity", location=iso3, stage=STAGE,
        substage="water", comment=("The three water flows of genai-electricity's "
                                   f"{names.grid_code(iso3)} without its technologies' GHG, so "
                                   "a vendor PCF (GHG only) can carry the bottom-up water."),
        exchanges=water_exchanges(water, iso3, regional,
                                  "generation share x technology water (Macknick et al. 2012)")
        + mix_resources(el, mix, f"plant metals of the {iso3} mix, as genai-electricity's "
                        "market carries them"))


def fab_activity(t: _Tables, node_key: str, iso3: str, *, water_only: bool = False
                 ) -> Activity:
    """Logic fabrication per cm2 of good die, ACT model, on the ``iso3`` grid (``water_only``:
    the twin without GHG, whose electricity is ``electricity-water-<ISO3>``)."""
    row = t.fab[node_key]
    eq = t.fab.get(row["act_equivalent_node_key"])
    if eq is None or _num(eq, "epa_kwh_per_cm2") is None:
        t.problem("fab_nodes.csv", node_key, "act_equivalent_node_key",
                  f"no ACT row with EPA for '{row['act_equivalent_node_key']}'")
        eq = next(r for r in t.fab.values() if _num(r, "epa_kwh_per_cm2") is not None)
    act = _first(eq["act_source"])
    p = _Params()
    p.add("epa_kwh_per_cm2", _num(eq, "epa_kwh_per_cm2"), unit="kWh/cm^2", source=act,
          description=f"fab electricity per cm2 of processed wafer (ACT EPA, {eq['node_key']})")
    gpa, gpa99, gpa95 = (_num(eq, c) for c in ("gpa97_g_co2e_per_cm2", "gpa99_g_co2e_per_cm2",
                                                "gpa95_g_co2e_per_cm2"))
    p.add("gpa_g_co2e_per_cm2", gpa, unit="g/cm^2", source=act,
          uncertainty=_triangular(gpa, gpa99, gpa95),
          description="fab process-gas emissions, g CO2-eq per cm2 (ACT GPA, 97 % abatement; "
                      "range 99 % to 95 %)")
    p.add("mpa_g_co2e_per_cm2", _num(eq, "mpa_g_co2e_per_cm2"), unit="g/cm^2", source=act,
          description="procured materials, g CO2-eq per cm2 (ACT MPA)")
    y = _num(eq, "default_yield")
    p.add("fab_yield", y, source=act, description="fab yield (ACT default, flat)")
    exchanges = [
        Exchange(input=electricity_water_code(iso3) if water_only
                 else f"{ELECTRICITY}/{names.grid_code(iso3)}",
                 formula="epa_kwh_per_cm2 / fab_yield",
                 unit="kWh", source=act, comment=f"fab electricity on the {iso3} grid"),
    ]
    if not water_only:
        exchanges += [
            _gwp(0, act, formula="gpa_g_co2e_per_cm2 / 1000 / fab_yield",
                 uncertainty=_triangular(gpa, gpa99, gpa95, 1 / 1000 / y),
                 comment="fab process gases (ACT GPA97), not speciated (gap)"),
            _gwp(0, act, formula="mpa_g_co2e_per_cm2 / 1000 / fab_yield",
                 comment="procured fab materials (ACT MPA)")]
    water_basis = _fab_water(t, row, eq, p)
    if water_basis:
        src = _first(row["water_source"]) if "published" in water_basis else A_FAB_WATER
        exchanges += located_water(t, iso3, "water_withdrawal_l_per_cm2",
                                   "water_consumed_fraction", " / fab_yield", src,
                                   _first(row["water_consumed_source"]), "fab")
    return Activity(
        code=(WATER_ONLY if water_only else "") + fab_code(node_key, iso3),
        name=f"logic die fabrication, {node_key} node, {iso3} grid, per cm2 of good die"
        + (", water and resources only (no GHG; for vendor-PCF routes)" if water_only else ""),
        unit="square centimeter", reference_product=f"logic die, {node_key}", location=iso3,
        stage=STAGE, substage="logic die", source=act,
        comment=("ACT (Gupta et al. 2022): CPA = (CI_fab x EPA + GPA + MPA) / yield; fab "
                 f"electricity is bought from the {iso3} location-based mix. Data of ACT node "
                 f"{eq['node_key']}. Water: {water_basis or 'not available (gap)'}. Uncertainty "
                 "of the water parameters is on the parameters, so sampled exchanges keep "
                 "withdrawal = evaporation + release."),
        properties={"node_key": node_key, "act_equivalent_node_key": eq["node_key"],
                    "act_cpa_twn_gpa97_kg_co2e_per_cm2":
                        _num(eq, "act_cpa_twn_gpa97_kg_co2e_per_cm2"),
                    "water_basis": water_basis or None,
                    "water_evaporated_flow": evaporated_flow(iso3, t.aware)
                    if water_basis else None},
        parameters=p.items, exchanges=exchanges)


def located_water(t: _Tables, iso3: str, withdrawal: str, fraction: str, per: str,
                  source: str | None, fraction_source: str | None, what: str
                  ) -> list[Exchange]:
    """Withdrawal, evaporation and release (L) of a plant in ``iso3`` from the parameters
    ``withdrawal`` and ``fraction`` (``per``: a divisor such as ``" / fab_yield"``), so that
    withdrawal = evaporation + release; the evaporation goes on the country's own flow."""
    return [
        Exchange(flow=WATER_WITHDRAWAL[0], categories=WATER_WITHDRAWAL[1], unit="L",
                 formula=f"{withdrawal}{per}", source=source,
                 comment=f"{what} water intake (utility withdrawal)"),
        Exchange(flow=evaporated_flow(iso3, t.aware), categories=WATER_EVAPORATED[1],
                 unit="L", source=fraction_source,
                 formula=f"{withdrawal} * {fraction}{per}",
                 comment=f"consumed (evaporated) share of the intake, in {iso3}"
                 + ("" if iso3 in t.aware else " (no AWARE factor for it: world flow)")),
        Exchange(flow=WATER_RELEASED[0], categories=WATER_RELEASED[1], unit="L",
                 formula=f"{withdrawal} * (1 - {fraction}){per}",
                 source=fraction_source, comment="returned as treated wastewater"),
    ]


def memory_water_code(node_key: str, iso3: str) -> str:
    return f"{MEMORY_WATER}{node_key}-{iso3}"


def memory_water_activity(t: _Tables, node_key: str, iso3: str) -> Activity:
    """Fab water of DRAM (HBM) per cm2 of good die, made in ``iso3``: the water of the
    ``fab_nodes.csv`` row nearest to the DRAM's half-pitch (A_MEM_NODE), no electricity and
    no GHG (the per-GB memory factor carries those)."""
    row = t.fab[node_key]
    eq = t.fab.get(row["act_equivalent_node_key"], row)
    act = _first(eq["act_source"])
    p = _Params()
    p.add("epa_kwh_per_cm2", _num(eq, "epa_kwh_per_cm2"), unit="kWh/cm^2", source=act,
          description=f"ACT EPA at {eq['node_key']}; only scales the water of a node "
                      "without a mask count (no electricity is bought here)")
    p.add("fab_yield", _num(eq, "default_yield"), source=act, description="fab yield (ACT default)")
    basis = _fab_water(t, row, eq, p)
    if not basis:
        t.problem("fab_nodes.csv", node_key, "water_consumed_fraction_central",
                  "no fab water for the memory node")
    return Activity(
        code=memory_water_code(node_key, iso3),
        name=f"DRAM (HBM) fabrication water, {node_key}-class node, {iso3}, per cm2 of good die",
        unit="square centimeter", reference_product="water of DRAM fabrication",
        location=iso3, stage=STAGE, substage="memory and storage", source=A_MEM_NODE,
        comment=(f"Fab water of the {node_key} row of fab_nodes.csv ({basis or 'gap'}) applied "
                 "to DRAM made in " + iso3 + " (assumption: memory makers publish water per "
                 "year, not per wafer or bit). Water only: the memory fab's electricity and "
                 "GHG are in the per-GB factor (GHG) or not counted (their water, gap)."),
        properties={"node_key": node_key, "water_basis": basis or None,
                    "water_evaporated_flow": evaporated_flow(iso3, t.aware)},
        parameters=p.items,
        exchanges=located_water(t, iso3, "water_withdrawal_l_per_cm2", "water_consumed_fraction",
                                " / fab_yield", A_MEM_NODE,
                                _first(row["water_consumed_source"]), "DRAM fab"))


def _pcb_row(t: _Tables, row_id: str) -> dict[str, str]:
    row = t.pcb_water.get(row_id)
    if row is None or _num(row, "central") is None:
        t.problem("pcb_water.csv", row_id, "central", f"missing row '{row_id}'")
        return {"central": "0", "central_source": "", "low": "", "high": ""}
    return row


def pcb_water_activity(t: _Tables, iso3: str) -> Activity:
    """Water of printed circuit board manufacture per m2 of board, made in ``iso3``
    (pcb_water.csv: withdrawal per m2 and its evaporated fraction)."""
    p = _Params()
    src = {}
    for name, row_id, unit in (("pcb_water_withdrawal_l_per_m2", "pcb-water-withdrawal", "L/m^2"),
                               ("pcb_water_consumed_fraction", "pcb-water-consumed-fraction",
                                "dimensionless")):
        row = _pcb_row(t, row_id)
        c = _num(row, "central")
        src[row_id] = _first(row["central_source"])
        p.add(name, c, unit=unit, source=src[row_id],
              uncertainty=_triangular(c, _num(row, "low"), _num(row, "high")),
              description=row.get("parameter"))
    return Activity(
        code=f"{PCB_WATER}{iso3}",
        name=f"printed circuit board manufacture, water, {iso3}, per m2 of board",
        unit="square meter", reference_product="water of PCB manufacture", location=iso3,
        stage=STAGE, substage="board", source=src["pcb-water-withdrawal"],
        comment=("PCB plant water per m2 of finished board (all layers; US survey average, "
                 "range to the UK maximum), located in " + iso3 + f" ({A_PCB_FAB}). Water "
                 "only: the board's GHG is pcb-per-layer."),
        properties={"water_evaporated_flow": evaporated_flow(iso3, t.aware)},
        parameters=p.items,
        exchanges=located_water(t, iso3, "pcb_water_withdrawal_l_per_m2",
                                "pcb_water_consumed_fraction", "", src["pcb-water-withdrawal"],
                                src["pcb-water-consumed-fraction"], "PCB plant"))


def evaporated_flow(iso3: str, aware: frozenset[str] | set[str]) -> str:
    """The flow of water evaporated in ``iso3``: the country's own (AWARE by country) when
    ``aware`` has a factor for it, else biosphere3's world ``Water`` (to air). The water
    consumption method gives both the factor 1, so only the scarcity result depends on it."""
    return flow_name(iso3) if iso3 in aware else WATER_EVAPORATED[0]


def _fab_water(t: _Tables, row: dict, eq: dict, p: _Params) -> str:
    """Add the water parameters; return how the figure was obtained ('' if no figure)."""
    frac = _num(row, "water_consumed_fraction_central")
    if frac is None:
        return ""
    p.add("water_consumed_fraction", frac, source=_first(row["water_consumed_source"]),
          uncertainty=_triangular(frac, _num(row, "water_consumed_fraction_low"),
                                  _num(row, "water_consumed_fraction_high")),
          description="share of the fab water intake that is evaporated")
    central = _num(row, "water_withdrawal_l_per_cm2_central")
    low = _num(row, "water_withdrawal_l_per_cm2_low")
    if central is not None:
        p.add("water_withdrawal_l_per_cm2", central, unit="L/cm^2",
              source=_first(row["water_source"]), uncertainty=_triangular(central, low, central),
              description="fab water intake per cm2 of wafer (TSMC L per wafer-mask-layer x "
                          "mask layers / wafer area); low end = older TSMC figure")
        return f"published for {row['node_key']} ({row['mask_layers']} mask layers)"
    ref = next((r for r in t.fab.values()
                if _num(r, "water_withdrawal_l_per_cm2_central") is not None), None)
    if ref is None:
        return ""
    ref_c = _num(ref, "water_withdrawal_l_per_cm2_central")
    p.add("ref_water_withdrawal_l_per_cm2", ref_c, unit="L/cm^2",
          source=_first(ref["water_source"]),
          uncertainty=_triangular(ref_c, _num(ref, "water_withdrawal_l_per_cm2_low"), ref_c),
          description=f"fab water intake per cm2 at {ref['node_key']} (the only node with a "
                      "published mask count)")
    p.add("ref_epa_kwh_per_cm2", _num(ref, "epa_kwh_per_cm2"), unit="kWh/cm^2",
          source=_first(ref["act_source"]), description=f"ACT EPA at {ref['node_key']}")
    p.add("water_withdrawal_l_per_cm2", unit="L/cm^2", source=A_FAB_WATER,
          formula="ref_water_withdrawal_l_per_cm2 * epa_kwh_per_cm2 / ref_epa_kwh_per_cm2",
          description="proxy: the reference node's water scaled by the EPA ratio")
    return f"proxy, {ref['node_key']} figure scaled by the ACT EPA ratio (no mask count)"


# --------------------------------------------------------------------------- factors

_FACTOR_UNITS = {"kg CO2-eq per GB": "gigabyte", "kg CO2-eq per IC": "unit",
                 "kg CO2-eq per m2 per layer": "square meter",
                 "kg CO2-eq per m2": "square meter", "kg CO2-eq per cm2": "square centimeter"}


def factor_code(row_id: str) -> str:
    if row_id.startswith(("hbm", "dram", "gddr")):
        return f"memory-{row_id}"
    if row_id.startswith("nand"):
        return f"storage-{row_id}"
    return row_id


def factor_activity(row: dict[str, str]) -> Activity:
    """One ``memory_storage.csv`` row: pre-characterised GWP100 per GB / m2 / IC."""
    central, low, high = (_num(row, c) for c in ("central", "low", "high"))
    per = row["unit"].removeprefix("kg CO2-eq per ")
    reference = row["applies_to"] == "reference only"
    rng = f"; range {low:g}-{high:g} ({_first(row['low_source'])} to " \
          f"{_first(row['high_source'])})" if low is not None and high is not None else ""
    return Activity(
        code=factor_code(row["id"]), name=f"{row['item']}, per {per}"
        + (" (alternative, reference only)" if reference else ""),
        unit=_FACTOR_UNITS[row["unit"]], reference_product=row["item"], location="GLO",
        stage=STAGE, substage="packaging" if row["id"] == "ic-packaging" else
        "board" if row["id"].startswith("pcb") else "memory and storage",
        comment=row["notes"] or None,
        properties={"applies_to": row["applies_to"], "table_unit": row["unit"]},
        exchanges=[_gwp(central, _first(row["central_source"]),
                        uncertainty=_triangular(central, low, high),
                        comment=f"{row['unit']}{rng}")])


def memory_codes(factors: list[dict[str, str]]) -> dict[str, str]:
    """Memory or DRAM type ('HBM3', 'DDR5') -> code of its per-GB activity."""
    out: dict[str, str] = {}
    for r in factors:
        head, _, types = r["applies_to"].partition(" ")
        if head in ("memory_type", "dram_type"):
            for typ in types.removeprefix("in ").split(";"):
                out[typ.strip()] = factor_code(r["id"])
        elif head == "ssd_gb":
            out["SSD"] = factor_code(r["id"])
    return out


def component_activity(row: dict[str, str]) -> Activity:
    """One ``server_components.csv`` row: pre-characterised GWP100 per unit."""
    ref_w = _num(row, "reference_power_w")
    per = row["unit"].removeprefix("kg CO2-eq ")
    return Activity(
        code=names.SERVER_COMPONENT_PREFIX + row['id'], name=f"{row['component']}, {per}",
        unit="unit", reference_product=row["component"], location="GLO", stage=STAGE,
        substage="server components", comment=row["notes"] or None,
        properties={"reference_power_w": ref_w, "table_unit": row["unit"]},
        exchanges=[_gwp(_num(row, "central"), _first(row["source"]), comment=row["unit"])])


def metal_activities(rows: list[dict[str, str]]) -> list[Activity]:
    """Metal content per kg of each host part, on biosphere3 resource flows."""
    parts: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        parts.setdefault(r["host_part"], []).append(r)
    out = []
    for part, items in parts.items():
        unit = items[0]["unit"].split(" per ")[0]
        exchanges = [Exchange(flow=r["resource_flow_name"], categories=RESOURCE,
                              amount=_num(r, "central"), unit=unit, source=_first(r["source"]),
                              uncertainty=_triangular(_num(r, "central"), _num(r, "low"),
                                                      _num(r, "high")),
                              comment=f"{r['element']}: {r['central_basis']}")
                     for r in items]
        out.append(Activity(
            code=f"metals-{part}", name=f"metal content of {part}, per kg, as resource "
            "extraction", unit="kilogram", reference_product=f"metals in {part}",
            location="GLO", stage=STAGE, substage="materials",
            comment="Metal mass in the product as a proxy for metal extracted (supply-chain "
                    "losses ignored; steel counted as iron); drives EF 3.1 ADP elements. "
                    "Metal production GHG is not included (gap).",
            exchanges=exchanges))
    return out


# --------------------------------------------------------------------------- packaging

def _pack(t: _Tables, row_id: str) -> tuple[float, str | None]:
    """(central, main source) of a ``packaging.csv`` row."""
    row = t.packaging.get(row_id)
    if row is None or _num(row, "central") is None:
        t.problem("packaging.csv", row_id, "central", f"missing row '{row_id}'")
        return 0.0, None
    return _num(row, "central"), _first(row["source"])


def packaging_code(kind: str, iso3: str) -> str:
    """``interposer-si``, ``interposer-rdl``, ``package-substrate`` or ``bonding-tcb``."""
    return f"{kind}-{iso3}"


def packaging_activities(t: _Tables, iso3: str, *, water_only: bool = False) -> list[Activity]:
    """2.5D packaging steps per cm2, 3D-Carbon's model (Zhao et al. 2024), on the ``iso3`` grid:
    silicon interposer (electricity + materials), organic RDL interposer, package substrate
    (FCBGA) and die-to-interposer bonding (TCB), all as electricity bought from the grid."""
    grid = electricity_water_code(iso3) if water_only else f"{ELECTRICITY}/{names.grid_code(iso3)}"
    out = []
    for kind, epa_row, mpa_row, name in (
            ("interposer-si", "interposer-si-epa", "interposer-si-mpa",
             "silicon interposer (CoWoS-S class), per cm2 processed (before yield)"),
            ("interposer-rdl", "interposer-rdl-epa", None,
             "organic RDL interposer (CoWoS-L class), per cm2 processed (before yield)"),
            ("package-substrate", "substrate-fcbga-epa", None,
             "package substrate (flip-chip BGA), per cm2"),
            ("bonding-tcb", "bonding-tcb-epa", None,
             "die-to-interposer micro-bump bonding (thermo-compression), per cm2 of interposer")):
        epa, src = _pack(t, epa_row)
        p = _Params()
        p.add("epa_kwh_per_cm2", epa, unit="kWh/cm^2", source=src,
              description=t.packaging.get(epa_row, {}).get("parameter"))
        exchanges = [Exchange(input=grid, formula="epa_kwh_per_cm2", unit="kWh", source=src,
                              comment=f"electricity on the {iso3} grid")]
        if mpa_row and not water_only:
            mpa, msrc = _pack(t, mpa_row)
            p.add("mpa_g_co2e_per_cm2", mpa, unit="g/cm^2", source=msrc,
                  description="procured materials, g CO2-eq per cm2")
            exchanges.append(_gwp(0, msrc, formula="mpa_g_co2e_per_cm2 / 1000",
                                  comment="procured interposer materials (3D-Carbon MPA)"))
        out.append(Activity(
            code=(WATER_ONLY if water_only else "") + packaging_code(kind, iso3),
            name=f"{name}, {iso3} grid" + (", water only (no GHG; for vendor-PCF routes)"
                                           if water_only else ""),
            unit="square centimeter", reference_product=kind.replace("-", " "), location=iso3,
            stage=STAGE, substage="packaging", source=src,
            comment=("3D-Carbon (Zhao et al., DAC 2024) energy per area, bought from the "
                     f"{iso3} location-based mix. Yield and area scaling are applied by the "
                     "accelerator (packaging.csv)."),
            parameters=p.items, exchanges=exchanges))
    return out


def metal_production_activities(t: _Tables) -> list[Activity]:
    """Cradle-to-gate GHG of the metals of a heatsink or casing, per kg of part: metal_bom.csv
    g/kg x packaging.csv ``metal-ghg-<element>`` (Nuss and Eckelman 2014)."""
    out = []
    for part in METAL_GHG_PARTS:
        exchanges = []
        for r in t.metals:
            if r["host_part"] != part:
                continue
            ghg, src = _pack(t, f"metal-ghg-{r['element'].lower()}")
            g = _num(r, "central")
            exchanges.append(_gwp(g / 1000 * ghg, src, comment=(
                f"{r['element']}: {g:g} g/kg ({_first(r['source'])}) x {ghg:g} kg CO2-eq per kg")))
        out.append(Activity(
            code=f"metal-production-{part}", name=f"production of the metals of {part}, per kg",
            unit="kilogram", reference_product=f"metals of {part}", location="GLO",
            stage=STAGE, substage="thermal and mechanical",
            comment=("Primary metal production only (mining to ingot); forming, machining, "
                     "vapour chambers and fans are not included (gap)."),
            exchanges=exchanges))
    return out


# --------------------------------------------------------------------------- transport, EoL

def transport_activities(rows: list[dict[str, str]]) -> list[Activity]:
    out = []
    for r in rows:
        if r["unit"] != "kg CO2-eq per t.km":
            continue
        central = _num(r, "central")
        out.append(Activity(
            code=names.TRANSPORT_PREFIX + r['mode'], name=f"transport, freight, {r['description']}",
            unit="ton kilometer", reference_product=f"transport, freight, {r['mode']}",
            location="GLO", stage="transport", comment=r["notes"] or None,
            properties={"basis": r["basis"]},
            exchanges=[_gwp(central, _first(r["source"]), comment=r["basis"],
                            uncertainty=_triangular(central, _num(r, "low"), _num(r, "high")))]))
    return out


def default_distances(rows: list[dict[str, str]]) -> dict[str, tuple[float, str]]:
    """Mode -> (default upstream km, source), from the ``distance-*-upstream`` rows."""
    return {r["mode"]: (_num(r, "central"), _first(r["source"])) for r in rows
            if r["unit"] == "km" and r["id"].endswith("-upstream")}


def end_of_life_activity(eol: dict[str, dict[str, str]], transport: list[dict[str, str]]
                         ) -> Activity:
    """Cut-off end of life per kg of IT equipment: collection and truck to treatment."""
    rate = eol["ewaste-formal-collection-rate-2022"]
    truck = eol["eol-transport-truck"]
    km = _num(truck, "central")
    p = _Params()
    p.add("collection_rate", _num(rate, "central"), source=_first(rate["source"]),
          description="share formally collected (world e-waste 2022; no server statistic, gap)")
    p.add("truck_km", km, unit="km", source=_first(truck["source"]),
          uncertainty=_triangular(km, _num(truck, "low"), _num(truck, "high")),
          description="truck distance from the datacentre to WEEE treatment")
    return Activity(
        code=names.END_OF_LIFE_IT,
        name="end of life of IT equipment (servers, accelerators), cut-off, per kg",
        unit="kilogram", reference_product="waste IT equipment", location="GLO",
        stage=names.END_OF_LIFE,
        comment=("Cut-off: the collected share is trucked to WEEE treatment. Treatment "
                 "burdens have no open figure (end_of_life.csv eol-treatment-burden, gap) and "
                 "the uncollected share's fate is unknown; recycling credits are not modelled "
                 "(end-of-life recycling rates are class bounds only)."),
        parameters=p.items,
        exchanges=[Exchange(input=names.TRANSPORT_PREFIX + "truck",
                            formula="collection_rate * truck_km",
                            unit="kg*km", source=_first(truck["source"]))])


# --------------------------------------------------------------------------- accelerators

def board_areal_mass(rows: list[dict[str, str]]) -> float:
    """Median populated-board mass per cm2 where total - heatsink - casing is known (kg/cm2)."""
    values = []
    for r in rows:
        area, board = _num(r, "board_area_cm2"), _board_mass_from_parts(r)
        if area and board:
            values.append(board / area)
    return statistics.median(values)


def _board_mass_from_parts(r: dict[str, str]) -> float | None:
    total, sink, case = (_num(r, c) for c in ("total_mass_kg", "heatsink_kg", "casing_kg"))
    if None in (total, sink, case) or total - sink - case <= 1e-9:
        return None
    return total - sink - case


def _module(t: _Tables, row: dict[str, str], p: _Params, density: float
            ) -> tuple[list[Exchange], list[str]]:
    """Board, metals and mass parameters of a module; returns metal exchanges and gaps."""
    gaps: list[str] = []
    geo = row
    if row["id"] in MODULE_PROXY and not row["board_area_cm2"]:
        geo = t.accelerator_by_id[MODULE_PROXY[row["id"]]]
    proxy = geo is not row
    if proxy:
        gaps.append(f"module geometry and masses from {geo['id']} (proxy)")

    def src(col: str) -> str | None:
        return A_B200 if proxy else _first(row[col])

    area, layers = _num(geo, "board_area_cm2"), _num(geo, "board_layers")
    sink, case, total = (_num(geo, c) for c in ("heatsink_kg", "casing_kg", "total_mass_kg"))
    exchanges: list[Exchange] = []
    if area is not None:
        p.add("board_area_cm2", area, unit="cm2", source=src("board_source"),
              description="printed wiring board area")
    if layers is not None:
        p.add("board_layers", layers, source=src("layers_source"), description="PCB layers")
    for name, value in (("heatsink_kg", sink), ("casing_kg", case), ("total_mass_kg", total)):
        if value is not None:
            p.add(name, value, unit="kg", source=src("mass_source"))
    if _board_mass_from_parts(geo) is not None:
        p.add("pcb_mass_kg", unit="kg", source=src("mass_source"),
              formula="total_mass_kg - heatsink_kg - casing_kg",
              description="populated board = total - heatsink - casing")
    elif area is not None:
        gaps.append("populated board mass estimated from its area (masses leave none)")
        p.add("board_areal_mass_kg_per_cm2", density, unit="kg/cm^2", source=A_BOARD_MASS,
              description="median populated-board mass per cm2 of accelerators.csv")
        p.add("pcb_mass_kg", unit="kg", source=A_BOARD_MASS,
              formula="board_area_cm2 * board_areal_mass_kg_per_cm2",
              description="populated board mass from its area (masses not usable)")
    else:
        gaps.append("board (no area: PCB and board metals missing)")
    if "pcb_mass_kg" in {x.name for x in p.items}:
        exchanges.append(Exchange(input=f"metals-{BOARD}", formula="pcb_mass_kg", unit="kg",
                                  source=A_BOARD_MASS if "board_areal_mass_kg_per_cm2" in
                                  {x.name for x in p.items} else src("mass_source")))
    for name, part in (("heatsink_kg", HEATSINK), ("casing_kg", CASING)):
        if name in p.values:
            exchanges.append(Exchange(input=f"metals-{part}", formula=name, unit="kg",
                                      source=src("mass_source")))
        else:
            gaps.append(f"{name.removesuffix('_kg')} mass (its metals missing)")
    return exchanges, gaps


def _transport(p: _Params, distances: dict[str, tuple[float, str]], mass_param: str
               ) -> list[Exchange]:
    out = []
    for mode in MODES:
        if mode not in distances:
            continue
        km, source = distances[mode]
        p.add(f"{mode}_km", km, unit="km", source=source,
              description=f"default upstream distance by {mode}"
              + (" (0 by default; 10,000 km in the air scenario)" if mode == "air" else ""))
        out.append(Exchange(input=names.TRANSPORT_PREFIX + mode,
                            formula=f"{mass_param} * {mode}_km",
                            unit="kg*km", source=source))
    return out


def catalogue_accelerator(accelerator_id: str) -> dict:
    """One accelerator's properties straight from ``background/hardware/accelerators.csv``
    (no Brightway project): what the roofline serving model reads (notebooks, tests)."""
    import csv

    from lca.data.files import inventory_root
    from lca.errors import InputError, Problem

    path = inventory_root() / "background" / "hardware" / "accelerators.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    if accelerator_id not in rows:
        raise InputError(Problem(f"unknown accelerator '{accelerator_id}'; known: "
                                 f"{', '.join(sorted(rows))}", file=str(path)))
    return accelerator_properties(rows[accelerator_id], "catalogue", [], None)


def accelerator_properties(row: dict[str, str], route: str, gaps: list[str],
                           mass: float | None) -> dict:
    return {
        "accelerator_id": row["id"], "vendor": row["vendor"], "form_factor": row["form_factor"],
        "route": route, "tdp_w": _num(row, "tdp_w"), "idle_w": _num(row, "idle_w"),
        "idle_w_min": _num(row, "idle_w_min"), "idle_w_max": _num(row, "idle_w_max"),
        "idle_kind": row["idle_kind"] or None, "memory_gb": _num(row, "memory_gb"),
        "memory_type": row["memory_type"],
        "fp16_dense_tflops": _num(row, "peak_fp16_dense_tflops"),
        "fp8_dense_tflops": _num(row, "peak_fp8_dense_tflops"),
        "memory_bandwidth_tb_s": _num(row, "memory_bandwidth_tb_s"),
        "release_year": _num(row, "release_year"), "mass_kg": mass,
        "logic_die_area_kind": row["logic_die_area_kind"],
        "gaps": "; ".join(gaps) or None,
    }


def accelerator_activity(t: _Tables, row: dict[str, str], density: float,
                         memory: dict[str, str]) -> Activity:
    """Bottom-up manufacture of one accelerator card or module."""
    aid = row["id"]
    p = _Params()
    spec, die_src = _first(row["spec_source"]), _first(row["die_source"] or row["spec_source"])
    exchanges: list[Exchange] = []
    dies = ["logic_die_count"]
    for suffix, key_col in (("", "fab_node_key"), ("2", "fab_node2_key")):
        area = _num(row, f"logic_die{suffix}_area_mm2")
        if area is None:
            continue
        node = row[key_col]
        if node not in t.fab:
            t.problem("accelerators.csv", aid, key_col, f"unknown fab node '{node}'")
            continue
        p.add(f"logic_die{suffix}_area_mm2", area, unit="mm2", source=die_src,
              description=f"area of one logic die ({row['logic_die_area_kind']})"
              if not suffix else "area of one second-type logic die")
        p.add(f"logic_die{suffix}_count", _num(row, f"logic_die{suffix}_count"), source=spec)
        if suffix:
            dies.append("logic_die2_count")
        exchanges.append(Exchange(
            input=fab_code(node, row["foundry_iso3"]),
            formula=f"logic_die{suffix}_area_mm2 * logic_die{suffix}_count", unit="mm2",
            source=die_src, comment=f"{row['process' + suffix + '_name']} dies"))
    mem_code = memory.get(row["memory_type"])
    if mem_code is None:
        t.problem("accelerators.csv", aid, "memory_type",
                  f"no per-GB factor in memory_storage.csv for '{row['memory_type']}'")
    else:
        p.add("memory_gb", _num(row, "memory_gb"), unit="GB", source=spec)
        exchanges.append(Exchange(input=mem_code, formula="memory_gb", unit="GB", source=spec,
                                  comment=f"{row['memory_type']}, as marketed"))
    p.add("memory_stacks", _num(row, "memory_stacks"), source=spec,
          description="HBM stacks or GDDR packages")
    exchanges.append(Exchange(input="ic-packaging", formula=" + ".join(dies + ["memory_stacks"]),
                              unit="unit", source=A_IC,
                              comment="one package per logic die and per memory stack"))
    metals, gaps = _module(t, row, p, density)
    water, gap = _memory_water(t, row, p)
    exchanges += water
    gaps += [gap] if gap else []
    exchanges += _package(t, row, p)
    for name, part in (("heatsink_kg", HEATSINK), ("casing_kg", CASING)):
        if name in p.values:
            exchanges.append(Exchange(input=f"metal-production-{part}", formula=name, unit="kg",
                                      source=next(x.source for x in p.items if x.name == name),
                                      comment="metal production GHG of the thermal solution "
                                              "and casing"))
    if "board_area_cm2" in p.values and "board_layers" in p.values:
        exchanges.append(Exchange(input="pcb-per-layer", formula="board_area_cm2 * board_layers",
                                  unit="cm2", source=next(x.source for x in p.items
                                                          if x.name == "board_area_cm2"),
                                  comment="board area x layers"))
    if "board_area_cm2" in p.values:
        exchanges.append(Exchange(input=PCB_WATER + PCB_FAB_ISO3, formula="board_area_cm2",
                                  unit="cm2", source=A_PCB_FAB,
                                  comment=f"water of making the board, in {PCB_FAB_ISO3}"))
    exchanges += metals
    mass = p.values.get("total_mass_kg")
    if mass is not None:
        p.add("module_mass_kg", unit="kg", formula="total_mass_kg",
              source=next(x.source for x in p.items if x.name == "total_mass_kg"))
        exchanges += _transport(p, default_distances(t.transport), "module_mass_kg")
    else:
        gaps.append("transport (module mass unknown)")
    return Activity(
        code=names.accelerator_code(aid), name=f"{row['name']}, production, bottom-up",
        unit="unit", reference_product=f"AI accelerator, {row['name']}", location="GLO",
        stage=STAGE, source=spec,
        comment=("Bottom-up: logic dies (ACT fab model), memory per GB of its HBM "
                 "generation, IC packaging, package substrate and, for 2.5D packages, "
                 "interposer (with its yield) and die bonding (3D-Carbon), metal production "
                 "of heatsink and casing, PCB per m2 per layer, metals of board, heatsink and "
                 "casing, transport over the default route; the water of its HBM dies "
                 "(memory country) and of its board (board country). Not included: voltage "
                 "regulators "
                 "and passives (other than their metals), module assembly and test beyond die "
                 "bonding, the HGX baseboard and NVSwitch share (gaps)."
                 + (f" Table notes: {row['notes']}" if row["notes"] else "")),
        properties=accelerator_properties(row, "bottom-up", gaps, mass),
        parameters=p.items, exchanges=exchanges)


def _memory_water(t: _Tables, row: dict[str, str], p: _Params
                  ) -> tuple[list[Exchange], str | None]:
    """The DRAM die area of the HBM (core dies plus one base die per stack, each of the
    stack outline: A_MEM_DIES) bought from the memory country's fab water; a gap where
    memory_water.csv has no row for the memory type (GDDR6)."""
    typ, iso3 = row["memory_type"], row["memory_fab_iso3"]
    mw = t.memory_water.get(typ)
    if mw is None or not iso3 or "memory_gb" not in p.values:
        return [], f"memory fab water ({typ}: no die density in memory_water.csv)"
    if mw["fab_node_key"] not in t.fab:
        t.problem("memory_water.csv", typ, "fab_node_key",
                  f"unknown fab node '{mw['fab_node_key']}'")
        return [], None
    outline, osrc = _pack(t, f"hbm-footprint-{typ.lower()}")
    p.add("memory_core_die_gbit", _num(mw, "core_die_gbit"), unit="Gb",
          source=_first(mw["core_die_source"]), description=f"capacity of one {typ} core die")
    p.add("memory_die_area_mm2", outline, unit="mm2", source=A_MEM_DIES,
          description=f"area of one {typ} die, taken as the stack outline ({osrc}; upper bound)")
    p.add("memory_die_count", formula="memory_gb * 8 / memory_core_die_gbit + memory_stacks",
          source=A_MEM_DIES, description="DRAM core dies for the marketed capacity plus one "
          "base die per stack")
    return [Exchange(input=memory_water_code(mw["fab_node_key"], iso3), unit="mm2",
                     formula="memory_die_count * memory_die_area_mm2", source=A_MEM_DIES,
                     comment=f"{typ} die area, fab water in {iso3} "
                             f"({_first(mw['fab_node_source'])})")], None


def _host_dram_water(t: _Tables, row: dict[str, str], p: _Params, gaps: list[str]
                     ) -> list[Exchange]:
    """The die area of a host's DRAM, ``dram_gb x 8 / die_bit_density`` (memory_water.csv),
    bought from the fab water of DRAM made in ``DRAM_FAB_ISO3``."""
    mw = t.memory_water.get(row["dram_type"])
    density = _num(mw, "die_bit_density_gbit_per_mm2") if mw else None
    if "dram_gb" not in p.values or density is None or mw["fab_node_key"] not in t.fab:
        gaps.append(f"water of host DRAM ({row['dram_type'] or 'no type'}: no die density)")
        return []
    p.add("dram_bit_density_gbit_per_mm2", density, unit="Gb/mm2",
          source=_first(mw["die_bit_density_source"]),
          description=f"bit density of a {row['dram_type']} die")
    return [Exchange(input=memory_water_code(mw["fab_node_key"], DRAM_FAB_ISO3), unit="mm2",
                     formula="dram_gb * 8 / dram_bit_density_gbit_per_mm2", source=A_HOST_DRAM,
                     comment=f"{row['dram_type']} die area, fab water in {DRAM_FAB_ISO3}")]


def _package(t: _Tables, row: dict[str, str], p: _Params) -> list[Exchange]:
    """Package substrate, and for 2.5D packages the interposer (with its yield) and bonding,
    sized from the footprint of the dies and HBM stacks (3D-Carbon's area scaling)."""
    kind = row["package_kind"]
    if kind not in PACKAGE_KINDS:
        t.problem("accelerators.csv", row["id"], "package_kind",
                  f"package_kind '{kind}' is not one of {', '.join(PACKAGE_KINDS)}")
        return []
    iso3, src = row["foundry_iso3"], _first(row["package_source"])
    # Logic dies 3D-stacked on the second-type dies (MI300X XCDs on IODs) take no extra area.
    stacked = row.get("logic_die_stacking") == "on-die2" and "logic_die2_area_mm2" in p.values
    terms = [f"logic_die{s}_area_mm2 * logic_die{s}_count"
             for s in ("", "2") if f"logic_die{s}_area_mm2" in p.values
             and not (stacked and s == "")]
    if kind in INTERPOSER and row["memory_type"].startswith("HBM"):
        fp, fsrc = _pack(t, f"hbm-footprint-{row['memory_type'].lower()}")
        p.add("hbm_stack_footprint_mm2", fp, unit="mm2", source=fsrc,
              description=f"footprint of one {row['memory_type']} stack on the interposer")
        terms.append("memory_stacks * hbm_stack_footprint_mm2")
    p.add("die_footprint_mm2", unit="mm2", formula=" + ".join(terms), source=src,
          description="summed footprint of the logic dies (and HBM stacks on an interposer)")
    scale, ssrc = _pack(t, "substrate-area-scale")
    p.add("substrate_area_scale", scale, source=ssrc,
          description="package substrate area / die footprint (3D-Carbon)")
    out = [Exchange(input=packaging_code("package-substrate", iso3), unit="mm2", source=ssrc,
                    formula="die_footprint_mm2 * substrate_area_scale",
                    comment=f"{kind} package substrate")]
    if kind not in INTERPOSER:
        return out
    k = INTERPOSER[kind]
    for name, row_id, unit, desc in (
            ("interposer_area_scale", f"interposer-{k}-area-scale", "dimensionless",
             "interposer area / die footprint"),
            ("interposer_defect_density", f"interposer-{k}-defect-density", "1/mm2",
             "defect density D0 of the interposer yield, per mm2"),
            ("interposer_cluster_alpha", f"interposer-{k}-cluster-alpha", "dimensionless",
             "clustering parameter of the negative-binomial interposer yield")):
        value, vsrc = _pack(t, row_id)
        p.add(name, value, unit=unit, source=vsrc, description=desc)
    psrc = _first(t.packaging.get(f"interposer-{k}-epa", {}).get("source"))
    p.add("interposer_area_mm2", unit="mm2", source=psrc,
          formula="die_footprint_mm2 * interposer_area_scale", description="interposer area")
    p.add("interposer_yield", source=psrc, description="negative-binomial interposer yield",
          formula="(1 + interposer_area_mm2 * interposer_defect_density "
                  "/ interposer_cluster_alpha) ** (-interposer_cluster_alpha)")
    return out + [
        Exchange(input=packaging_code(f"interposer-{k}", iso3), unit="mm2", source=psrc,
                 formula="interposer_area_mm2 / interposer_yield",
                 comment=f"{kind} interposer, processed area per good interposer"),
        Exchange(input=packaging_code("bonding-tcb", iso3), unit="mm2", source=psrc,
                 formula="interposer_area_mm2",
                 comment="bonding the dies and HBM stacks to the interposer (assembly)")]


def vendor_pcf_activity(t: _Tables, pcf: dict[str, str], bottom_up: dict[str, Activity]
                        ) -> Activity | None:
    """A vendor PCF per GPU on the pre-characterised flow; water and metals (ADP) from the
    bottom-up activity: its fab and packaging inputs point to their water-only twins and its
    metal inputs are kept, with the same parameters. A PCF publishes GHG only."""
    row = t.accelerator_by_id.get(pcf["accelerator_id"])
    if row is None:
        t.problem("vendor_pcf.csv", pcf["id"], "accelerator_id",
                  f"unknown accelerator '{pcf['accelerator_id']}'")
        return None
    bu = bottom_up[row["id"]]
    twins = ("fab-logic-", "interposer-", "package-substrate-", "bonding-")
    exchanges = [e.model_copy(update={"input": WATER_ONLY + e.input})
                 if e.input.startswith(twins) else e
                 for e in bu.exchanges
                 if isinstance(e.input, str)
                 and e.input.startswith(twins + ("metals-", MEMORY_WATER, PCB_WATER))]
    gaps = [g for g in (bu.properties.get("gaps") or "").split("; ") if g]
    gaps.append("water and ADP from the bottom-up model (a PCF gives GHG only)")
    return Activity(
        code=names.accelerator_code(row['id'], vendor_pcf=True),
        name=f"{row['name']}, production, vendor PCF ({pcf['product']}, per GPU)",
        unit="unit", reference_product=f"AI accelerator, {row['name']}", location="GLO",
        stage=STAGE, source=_first(pcf["source"]),
        comment=(f"Vendor product carbon footprint, {pcf['standard']}: {pcf['value']} "
                 f"{pcf['unit']} / {pcf['gpus_per_product']} GPUs. Boundary: "
                 f"{pcf['boundary']}. The per-GPU share carries part of the NVSwitches and "
                 "baseboard. A PCF publishes no water and no ADP: those come from the "
                 "bottom-up model (fab and packaging water through their water-only twins, "
                 "memory and board water, metals of the module), never zero."),
        properties={**accelerator_properties(row, "vendor PCF", gaps,
                                             bu.properties.get("mass_kg")),
                    "pcf_row": pcf["id"]},
        parameters=bu.parameters,
        exchanges=[_gwp(_num(pcf, "per_gpu_value"), _first(pcf["source"]),
                        comment=f"{pcf['value']} kg CO2-eq per {pcf['product']} / "
                                f"{pcf['gpus_per_product']}")] + exchanges)


# --------------------------------------------------------------------------- servers

def server_activity(t: _Tables, row: dict[str, str]) -> Activity:
    """The host of a GPU node without its accelerators, or a whole CPU server."""
    sid = row["id"]
    by_id = {r["id"]: r for r in t.servers}
    proxy = by_id.get(HOST_PROXY.get(sid, ""))
    p = _Params()
    gaps: list[str] = []
    exchanges: list[Exchange] = []
    spec = _first(row["spec_source"])
    n_acc = _num(row, "accelerators_per_node") or 0
    p.add("cpu_count", _num(row, "cpu_count"), source=spec, description="CPU sockets")
    cpu = row if row["cpu_die_area_mm2"] or proxy is None else proxy
    cpu_src = _first(cpu["cpu_die_source"]) if cpu is row else A_HOST
    dies = []
    for suffix in ("", "2"):
        area, node = _num(cpu, f"cpu_die{suffix}_area_mm2"), cpu[f"cpu_fab_node{suffix}_key"]
        if area is None:
            continue
        if node not in t.fab:
            t.problem("servers.csv", sid, f"cpu_fab_node{suffix}_key", f"unknown node '{node}'")
            continue
        p.add(f"cpu_die{suffix}_area_mm2", area, unit="mm2", source=cpu_src)
        p.add(f"cpu_die{suffix}_count", _num(cpu, f"cpu_die{suffix}_count"), source=cpu_src,
              description="dies of this type per CPU")
        dies.append(f"cpu_die{suffix}_count")
        exchanges.append(Exchange(
            input=fab_code(node, CPU_FAB_ISO3), unit="mm2", source=cpu_src,
            formula=f"cpu_count * cpu_die{suffix}_area_mm2 * cpu_die{suffix}_count",
            comment=f"{row['cpu_model']} dies, fabricated on the {CPU_FAB_ISO3} grid "
                    f"({A_CPU_FAB})"))
    if dies:
        exchanges.append(Exchange(input="ic-packaging", formula=f"cpu_count * ({' + '.join(dies)})",
                                  unit="unit", source=A_IC, comment="one package per CPU die"))
    else:
        gaps.append("CPU dies (no die area)")
    memory = memory_codes(t.factors)
    for param, typ, unit_note in (("dram_gb", row["dram_type"], "host DRAM"),
                                  ("ssd_gb", "SSD", "SSD capacity")):
        value = _num(row, param)
        if value is None or typ not in memory:
            gaps.append(unit_note)
            continue
        p.add(param, value, unit="GB", source=spec)
        exchanges.append(Exchange(input=memory[typ], formula=param, unit="GB", source=spec,
                                  comment=unit_note))
    exchanges += _host_dram_water(t, row, p, gaps)
    gaps.append("water of the SSD's NAND dies (no die density, gap)")
    board = _pcb_row(t, "host-board-area")
    p.add("host_board_area_cm2", _num(board, "central"), unit="cm2",
          source=_first(board["central_source"]), description=board.get("parameter"))
    exchanges.append(Exchange(input=PCB_WATER + PCB_FAB_ISO3, formula="host_board_area_cm2",
                              unit="cm2", source=A_PCB_FAB,
                              comment=f"water of making the mainboard, in {PCB_FAB_ISO3}"))
    comp_src = _first(row["host_components_source"])
    exchanges += [Exchange(input=names.SERVER_COMPONENT_PREFIX + c, amount=1, unit="unit",
                           source=comp_src) for c in HOST_COMPONENTS]
    if (_num(row, "nvswitch_count") or 0) > 0:
        p.add("nvswitch_gpus", n_acc, source=spec,
              description="GPUs served by NVSwitches (EServe's factor is per GPU)")
        exchanges.append(Exchange(
            input=names.SERVER_COMPONENT_PREFIX + NVSWITCH, formula="nvswitch_gpus", unit="unit",
            source=comp_src, comment=f"{row['nvswitch_count']} NVSwitch chips; inside the HGX "
            "vendor PCF, so double counted (< 1 kg per GPU) with a vendor-PCF accelerator"))
    mass_row = row if row["system_mass_kg"] or proxy is None else proxy
    if mass_row["system_mass_kg"]:
        msrc = _first(mass_row["mass_source"]) if mass_row is row else A_HOST
        p.add("system_mass_kg", _num(mass_row, "system_mass_kg"), unit="kg", source=msrc)
        formula = "system_mass_kg"
        if n_acc:
            acc = t.accelerator_by_id.get(mass_row["accelerator_id"], {})
            acc_mass = _num(acc, "total_mass_kg") if acc else None
            if acc_mass is None:
                gaps.append("accelerator mass (host mass includes the accelerators)")
            else:
                p.add("accelerators_per_node", n_acc, source=spec)
                p.add("accelerator_mass_kg", acc_mass, unit="kg",
                      source=_first(acc["mass_source"]))
                formula = "system_mass_kg - accelerators_per_node * accelerator_mass_kg"
        p.add("host_mass_kg", unit="kg", formula=formula, source=msrc,
              description="system weight without the accelerator modules")
        exchanges.append(Exchange(input=f"metals-{IT_EQUIPMENT}", formula="host_mass_kg",
                                  unit="kg", source=A_HOST_METALS))
        exchanges += _transport(p, default_distances(t.transport), "host_mass_kg")
    else:
        gaps.append("system mass (host metals and transport missing)")
    if proxy is not None and (cpu is proxy or mass_row is proxy):
        gaps.append(f"host CPU dies or mass from {proxy['id']} (proxy)")
    host_mass = None
    if "system_mass_kg" in p.values:
        host_mass = p.values["system_mass_kg"] - (
            p.values.get("accelerators_per_node", 0) * p.values.get("accelerator_mass_kg", 0))
    gpu_node = row["node_kind"] == "gpu-node"
    return Activity(
        code=names.server_code(sid),
        name=f"{row['name']}, " + ("host without accelerators" if gpu_node else "server")
        + ", production, bottom-up",
        unit="unit", reference_product="GPU node host" if gpu_node else "CPU server",
        location="GLO", stage=STAGE, source=spec,
        comment=("Host CPU dies (ACT fab model), package per die, DRAM and SSD per GB, "
                 "chassis, fans, PSU and mainboard (EServe), NVSwitch share where present, "
                 "metals of the host mass (average IT equipment composition), transport. "
                 "Accelerators are separate activities (accelerator-<id>); datacentre "
                 "networking is a property (networking_share), not an input."
                 + (f" Table notes: {row['notes']}" if row["notes"] else "")),
        properties={
            "node_kind": row["node_kind"], "accelerator_id": row["accelerator_id"] or None,
            "accelerator_code": names.accelerator_code(row['accelerator_id'])
            if row["accelerator_id"] else None,
            "accelerators_per_node": n_acc, "cpu_model": row["cpu_model"],
            "cpu_count": _num(row, "cpu_count"), "dram_gb": _num(row, "dram_gb"),
            "ssd_gb": _num(row, "ssd_gb"), "nvswitch_count": _num(row, "nvswitch_count"),
            "system_max_power_w": _num(row, "system_max_power_w"),
            "node_idle_w_measured": _num(row, "node_idle_w_measured"),
            **{c: _num(row, c) for c in (
                "nongpu_peak_w", "nongpu_peak_w_min", "nongpu_peak_w_max", "nongpu_idle_w",
                "nongpu_idle_w_min", "nongpu_idle_w_max", "networking_share",
                "networking_share_min", "networking_share_max", "lifetime_years",
                "lifetime_years_min", "lifetime_years_max", "reference_pcf_kg_co2e")},
            "host_mass_kg": host_mass, "gaps": "; ".join(gaps) or None},
        parameters=p.items, exchanges=exchanges)
