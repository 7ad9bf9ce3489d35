"""The files genai-lca reads before any Brightway work: where ``inventories/`` is, what
``genai-lca setup`` loads from it, the method definitions, and the hashes that say whether
any of it changed. Pure (no Brightway): :mod:`lca.bw.setup` writes what these read.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from lca import __version__
from lca.data import load_yaml, names

#: Folders and files of inventories/ that setup loads (services are loaded on demand).
CORE = ("SOURCES", "biosphere-ext.yaml", "methods", "background")
#: Databases built from sourced data tables by pure builders: database -> module whose
#: ``build(root) -> SourcedFile`` turns ``inventories/background/...`` tables into records.
TABLE_BUILDERS = {
    names.WATER_DB: "lca.data.water",
    names.ELECTRICITY_DB: "lca.data.electricity",
    names.HARDWARE_DB: "lca.data.hardware",
    names.DATACENTER_DB: "lca.data.datacenter",
}


def inventory_root() -> Path:
    """The ``inventories/`` folder: ``GENAI_LCA_INVENTORIES`` or the repository's."""
    env = os.environ.get("GENAI_LCA_INVENTORIES")
    root = Path(env) if env else Path(__file__).resolve().parents[2] / "inventories"
    if not root.is_dir():
        from lca.errors import LCAError

        raise LCAError(f"inventory folder not found: {root}; set GENAI_LCA_INVENTORIES")
    return root


def fingerprint(root: Path) -> str:
    """Hash of the package version, the data-layer code and every core inventory file."""
    h = hashlib.sha256(__version__.encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):  # lca/data/*.py
        h.update(module.read_bytes())  # table builders and the resolver shape what is written
    for part in CORE:
        p = root / part
        files = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        for f in files:
            if f.suffix in (".yaml", ".yml", ".csv", ".json"):
                h.update(str(f.relative_to(root)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def background_inventory(root: Path):
    """The records ``genai-lca setup`` writes (extension biosphere, ``background/`` files and
    the table-built databases of :data:`TABLE_BUILDERS`), as one
    :class:`~lca.data.inventory.InventorySet`, unresolved."""
    from importlib import import_module

    from lca.data.inventory import read_inventory

    inv = read_inventory([root / "biosphere-ext.yaml", root / "background"])
    inv.files += [import_module(module).build(root) for module in TABLE_BUILDERS.values()]
    return inv


def methods_digest(root: Path) -> str:
    """Hash of what the methods are made of: their definitions, the AWARE country table and
    the version of bw2io whose packaged factors they are read from (read from the package
    metadata; bw2io is not imported)."""
    from importlib.metadata import version

    h = hashlib.sha256(version("bw2io").encode())
    for name in ("methods.yaml", "aware_country.csv"):
        h.update((root / "methods" / name).read_bytes())
    return h.hexdigest()


def method_specs(root: Path) -> list[dict]:
    """The method definitions of ``inventories/methods/methods.yaml``."""
    return load_yaml((root / "methods" / "methods.yaml").read_text(encoding="utf-8"))


def method_names(root: Path | None = None) -> dict[str, dict]:
    """Indicator key -> method spec (name tuple, unit, label), without touching Brightway."""
    return {s["key"]: {**s, "name": tuple(s["name"])}
            for s in method_specs(root or inventory_root())}
