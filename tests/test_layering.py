"""The layering written in ``lca/__init__.py`` is the code's: every import of every module
of ``lca/`` (module level and inside functions, ``import x``, ``from x import y``, relative
imports) is read with :mod:`ast` and checked against the table below. No module is imported,
so the test needs no Brightway and runs in well under a second.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lca"
BRIGHTWAY = ("bw2data", "bw2calc", "bw2io", "bw_processing")

#: The layers of lca/__init__.py, lowest first: a module may import its own layer and the
#: layers before it. A module belongs to the first entry whose name is its name or a prefix.
LAYERS: list[tuple[str, ...]] = [
    ("lca", "lca.errors", "lca.units", "lca.formula"),  # base ("lca" is the root package)
    ("lca.data", "lca.measure"),
    ("lca.model",),
    ("lca.core",),
    ("lca.analysis",),
    ("lca.prospective",),
    ("lca.results",),
    ("lca.bw",),
    ("lca.api", "lca.prepared", "lca.cache"),
    ("lca.report",),
    ("lca.cli",),
]
#: Packages that must never import Brightway, directly or through lca.bw.
PURE = ("lca.data", "lca.measure", "lca.model", "lca.core", "lca.analysis", "lca.prospective",
        "lca.results")

#: (importing module, imported module) -> why it is allowed anyway. Each is a debt to pay
#: or a deliberate exception; the test fails when one is no longer needed.
ALLOWED: dict[tuple[str, str], str] = {
    ("lca", "lca.api"): "PEP 562 lazy re-export of the public API (lca.assess, ...): runs "
                        "only on attribute access, never at import",
}


@dataclass(frozen=True)
class Import:
    module: str      # the importing module
    target: str      # the imported module (for ``from a import b``: ``a.b`` if a module)
    line: int
    top_level: bool  # at module level (not inside a function)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (PACKAGE.parent / rel).with_suffix(".py").is_file() or (
        PACKAGE.parent / rel / "__init__.py").is_file()


def imports_of(path: Path) -> list[Import]:
    """Every import statement of ``path``, absolute names, relative ones resolved."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    top = {id(n) for n in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            names = [f"{source}.{a.name}" if _is_module(f"{source}.{a.name}") else source
                     for a in node.names]
        else:
            continue
        out += [Import(module, n, node.lineno, id(node) in top) for n in dict.fromkeys(names)]
    return out


ALL = sorted(PACKAGE.rglob("*.py"))
IMPORTS = [i for p in ALL for i in imports_of(p)]


def layer_of(name: str) -> int | None:
    """Index in :data:`LAYERS` of a module of lca (longest matching prefix wins)."""
    best, rank = -1, None
    for r, names in enumerate(LAYERS):
        for n in names:
            if (name == n or name.startswith(n + ".")) and len(n) > best:
                best, rank = len(n), r
    return rank


def _brightway(target: str) -> bool:
    return target.split(".")[0] in BRIGHTWAY


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def _key(i: Import) -> tuple[str, str]:
    """How :data:`ALLOWED` names an import: (module, Brightway package or lca layer)."""
    return i.module, i.target.split(".")[0] if _brightway(i.target) else _top(i.target)


def violations(imports: list[Import]) -> list[str]:
    """One message per import that breaks a rule (and is not in :data:`ALLOWED`)."""
    out = []
    for i in imports:
        if _key(i) in ALLOWED:
            continue
        where = f"{i.module} (line {i.line}) imports {i.target}"
        if _within(i.target, ("lca.cli",)) and i.module != "lca.cli":
            out.append(f"{where}: nothing imports lca.cli")
        elif _brightway(i.target) and not _within(i.module, ("lca.bw",)):
            out.append(f"{where}: only lca.bw imports Brightway")
        elif _brightway(i.target) and i.top_level:
            out.append(f"{where}: Brightway is imported lazily, inside functions")
        elif _within(i.module, PURE) and _within(i.target, ("lca.bw",)):
            out.append(f"{where}: {_top(i.module)} is pure (no Brightway, no lca.bw)")
        elif i.target == "lca" or i.target.startswith("lca."):
            mine, theirs = layer_of(i.module), layer_of(i.target)
            if theirs is None or mine is None:
                out.append(f"{where}: not in the layer table of tests/test_layering.py")
            elif theirs > mine:
                out.append(f"{where}: layer {LAYERS[mine][0]} may not import the layer above "
                           f"it, {LAYERS[theirs][0]}")
    return out


def _top(name: str) -> str:
    """The layer name of an lca module (``lca.bw.setup`` -> ``lca.bw``)."""
    rank = layer_of(name)
    if rank is None:
        return name
    return next(n for n in sorted(LAYERS[rank], key=len, reverse=True)
                if name == n or name.startswith(n + "."))


def test_every_import_follows_the_layering():
    assert violations(IMPORTS) == []


def test_pure_layers_never_import_brightway():
    """The issue's rule, spelled out: lca.data and lca.model (and the other pure layers)
    import neither Brightway nor lca.bw, not even inside a function."""
    bad = [f"{i.module}:{i.line} {i.target}" for i in IMPORTS
           if _within(i.module, PURE) and (_brightway(i.target) or _within(i.target, ("lca.bw",)))]
    assert bad == []


def test_nothing_imports_the_cli():
    assert [i for i in IMPORTS if _within(i.target, ("lca.cli",)) and i.module != "lca.cli"] == []


def test_every_module_is_in_the_table():
    assert [m for m in map(_module_name, ALL) if layer_of(m) is None] == []


def test_allowed_exceptions_are_still_needed():
    seen = {_key(i) for i in IMPORTS}
    assert [k for k in ALLOWED if k not in seen] == []


def test_the_table_is_the_docstring_s():
    """lca/__init__.py lists the same layers in the same order."""
    import lca

    doc = lca.__doc__
    names = [n for layer in LAYERS[1:] for n in layer]
    positions = [doc.index(f"``{n}``") for n in names]
    assert positions == sorted(positions)


@pytest.mark.parametrize("source, expected", [
    ("import bw2data\n", [("bw2data", True)]),
    ("def f():\n    from bw2calc import LCA\n", [("bw2calc", False)]),
    ("from lca.bw import compute\n", [("lca.bw.compute", True)]),
    ("from lca.bw.setup import ensure_setup\n", [("lca.bw.setup", True)]),
    ("from ..bw import setup\n", [("lca.bw.setup", True)]),
    ("from . import scenarios\n", [("lca.prospective.scenarios", True)]),
    ("from .scenarios import load_scenarios\n", [("lca.prospective.scenarios", True)]),
])
def test_the_walker_reads_every_form(tmp_path, monkeypatch, source, expected):
    """The walker itself: absolute, function-level and relative imports, resolved as if
    written in lca/prospective/service.py."""
    path = PACKAGE / "prospective" / "service.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    got = [(i.target, i.top_level) for i in imports_of(path)]
    assert got == expected


def test_a_violation_is_reported():
    """A pure module importing bw2data (even lazily) or lca.bw, and anything importing the
    CLI, are reported with module, line and rule."""
    imports = [Import("lca.data.files", "bw2data", 3, False),
               Import("lca.model.genai", "lca.bw.setup", 4, True),
               Import("lca.report.html", "lca.cli", 5, True),
               Import("lca.data.service", "lca.model.genai", 6, True),
               Import("lca.bw.compute", "bw2calc", 7, True),
               Import("lca", "lca.api", 8, False)]  # allowed, with its reason
    assert violations(imports) == [
        "lca.data.files (line 3) imports bw2data: only lca.bw imports Brightway",
        "lca.model.genai (line 4) imports lca.bw.setup: lca.model is pure (no Brightway, "
        "no lca.bw)",
        "lca.report.html (line 5) imports lca.cli: nothing imports lca.cli",
        "lca.data.service (line 6) imports lca.model.genai: layer lca.data may not import "
        "the layer above it, lca.model",
        "lca.bw.compute (line 7) imports bw2calc: Brightway is imported lazily, inside "
        "functions"]
