"""Names shared across genai-lca: databases, record codes, lifecycle stages, catalogues.

Each string is spelled once, here; the builders (``lca.data.*``), the service model
(``lca.model.genai``), the Brightway layer, the prospective and report code import it.
Pure: no Brightway import, no I/O.

- **Databases.** The background databases ``setup`` builds, and a service's database
  ``genai-service-<id>`` with its companion ``<database>-inputs`` (stated grid factor,
  custom hardware, prospective grids).
- **Record codes.** Background records are ``<prefix><id>``; some prefixes are shared by
  records of another kind (``server-component-`` under ``server-``), listed as exclusions.
- **Stages.** The ``stage`` tag of an activity; an untagged activity counts as
  :data:`UNTAGGED`.
- **Catalogues.** What ``genai-lca catalog <name>`` lists and what a service's ``model:``
  block may name (:data:`CATEGORIES`).
"""

from __future__ import annotations

from dataclasses import dataclass

# ----------------------------------------------------------------------------- databases
#: Pre-characterised indicator flows (inventories/biosphere-ext.yaml).
BIOSPHERE_EXT_DB = "genai-biosphere-ext"
#: Country-specific water flows for AWARE (lca.data.water).
WATER_DB = "genai-biosphere-water"
#: Grid mixes and generation technologies (lca.data.electricity).
ELECTRICITY_DB = "genai-electricity"
#: Accelerators, servers, components, transport, end of life (lca.data.hardware).
HARDWARE_DB = "genai-hardware"
#: Datacentre sites and infrastructure (lca.data.datacenter).
DATACENTER_DB = "genai-datacenter"
#: A service's database is this prefix + the service id (lca.data.service).
SERVICE_DB_PREFIX = "genai-service-"
#: A service database's companion: stated grid factor, custom hardware, prospective grids.
INPUTS_SUFFIX = "-inputs"


def service_database(service_id: str) -> str:
    """``genai-service-<id>``."""
    return SERVICE_DB_PREFIX + service_id


def inputs_database(database: str) -> str:
    """The companion database of a service database: ``<database>-inputs``."""
    return database + INPUTS_SUFFIX


# ----------------------------------------------------------------------------- record codes
ACCELERATOR_PREFIX = "accelerator-"
#: ``accelerator-<id>-vendor-pcf``: the vendor's product carbon footprint of accelerator <id>.
VENDOR_PCF_SUFFIX = "-vendor-pcf"
SERVER_PREFIX = "server-"
#: ``server-component-<id>``: parts of a server (not servers), under the server prefix.
SERVER_COMPONENT_PREFIX = "server-component-"
DATACENTER_PREFIX = "datacenter-"
#: ``datacenter-infrastructure-<id>``: the building per MW of IT (not a site), under the
#: datacentre prefix.
INFRASTRUCTURE_PREFIX = "datacenter-infrastructure-"
ELECTRICITY_PREFIX = "electricity-"
#: ``electricity-technology-<id>``: one generation technology (not a grid), under the grid
#: prefix.
ELECTRICITY_TECHNOLOGY_PREFIX = "electricity-technology-"
TRANSPORT_PREFIX = "transport-"
#: End of life of IT equipment per kg (cut-off), in the hardware database.
END_OF_LIFE_IT = "end-of-life-it-equipment"
#: A country's water consumption flow in the water database: ``water-consumed-<ISO3>``.
WATER_CONSUMED_PREFIX = "water-consumed-"


def accelerator_code(ident: str, *, vendor_pcf: bool = False) -> str:
    return ACCELERATOR_PREFIX + ident + (VENDOR_PCF_SUFFIX if vendor_pcf else "")


def server_code(ident: str) -> str:
    return SERVER_PREFIX + ident


def datacenter_code(ident: str) -> str:
    return DATACENTER_PREFIX + ident


def infrastructure_code(ident: str) -> str:
    return INFRASTRUCTURE_PREFIX + ident


def grid_code(location: str) -> str:
    """The grid of a location (ISO3, US-XX, CN-XX, WORLD)."""
    return ELECTRICITY_PREFIX + location


def technology_code(ident: str) -> str:
    return ELECTRICITY_TECHNOLOGY_PREFIX + ident


# ----------------------------------------------------------------------------- stages
MANUFACTURE = "manufacture"
TRANSPORT = "transport"
TRAINING = "training"
FINE_TUNING = "fine-tuning"
INFERENCE = "inference"
DATACENTER_INFRASTRUCTURE = "datacenter infrastructure"
END_OF_LIFE = "end of life"
#: The service's root activity (one request, training amortised).
SERVICE = "service"
#: The stage of an activity without a ``stage`` tag.
UNTAGGED = "other"
#: Stages in the order results list them (unknown stages follow, alphabetically).
STAGE_ORDER = (MANUFACTURE, TRANSPORT, TRAINING, INFERENCE, DATACENTER_INFRASTRUCTURE,
               END_OF_LIFE, UNTAGGED)


def stage_of(tag: str | None) -> str:
    """The stage an activity's ``stage`` tag counts in (:data:`UNTAGGED` when none)."""
    return tag or UNTAGGED


# ----------------------------------------------------------------------------- catalogues
@dataclass(frozen=True)
class Category:
    """Background records of one kind: what ``genai-lca catalog <name>`` lists and what a
    service's ``model:`` block names (without the prefix).

    ``exclude``: code prefixes under ``prefix`` that are records of another kind (not
    listed); ``variants``: code suffixes of variants of a listed record (listed by the
    catalogue, but not ids a ``model:`` block names: ``embodied: vendor-pcf`` picks them).
    """

    database: str
    prefix: str
    what: str
    model_field: str
    per: str
    properties: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()

    def listed(self, code: str) -> bool:
        """A record the catalogue lists."""
        return code.startswith(self.prefix) and not code.startswith(self.exclude)

    def ident(self, code: str) -> str | None:
        """The id a ``model:`` block names for ``code``, or None when it is no such id."""
        if not self.listed(code) or self.variants and code.endswith(self.variants):
            return None
        return code.removeprefix(self.prefix)

    def code(self, ident: str) -> str:
        return self.prefix + ident


CATEGORIES: dict[str, Category] = {
    "grids": Category(ELECTRICITY_DB, ELECTRICITY_PREFIX, "grid location",
                      "electricity.location", "kWh",
                      ("year", "published_intensity_g_per_kwh", "basis"),
                      exclude=(ELECTRICITY_TECHNOLOGY_PREFIX,)),
    "accelerators": Category(HARDWARE_DB, ACCELERATOR_PREFIX, "accelerator",
                             "hardware.accelerator", "unit",
                             ("tdp_w", "idle_w", "memory_gb", "fp16_dense_tflops", "vendor"),
                             variants=(VENDOR_PCF_SUFFIX,)),
    "servers": Category(HARDWARE_DB, SERVER_PREFIX, "server", "hardware.server", "unit",
                        ("accelerators_per_node", "accelerator_id", "nongpu_idle_w",
                         "nongpu_peak_w"), exclude=(SERVER_COMPONENT_PREFIX,)),
    "datacenters": Category(DATACENTER_DB, DATACENTER_PREFIX, "datacenter",
                            "hardware.datacenter", "kWh of IT energy",
                            ("pue", "wue_l_per_kwh", "cooling", "year"),
                            exclude=(INFRASTRUCTURE_PREFIX,)),
}
