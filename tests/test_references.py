"""No dangling references: what the code and the inventories cite exists.

- every mention of the design document is ``docs/DESIGN.md`` and each section it cites
  ("section 4", "section 3.9") is one the document has;
- every repository path named in ``lca/`` (``inventories/...``, ``docs/...``, ``lca/...``,
  ``tests/...``) exists;
- every Sphinx role in ``lca/`` docstrings (``:func:``, ``:class:``, ``:mod:``, ...) names
  something that exists.

Known exceptions are listed with their reason (files other work owns); the test fails when
one is fixed, so the list only shrinks.
"""

from __future__ import annotations

import builtins
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / "docs" / "DESIGN.md"
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".ipynb"}
SCANNED = [p for folder in ("lca", "inventories", "benchmarks", "tests", "notebooks", "docs")
           for p in sorted((ROOT / folder).rglob("*")) if p.suffix in TEXT_SUFFIXES
           and p.is_file() and p.name != "test_references.py"]
LCA = [p for p in SCANNED if p.is_relative_to(ROOT / "lca") and p.suffix == ".py"]

#: (file, reference) -> why it is still there.
PENDING = {
}


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _sections() -> set[str]:
    """"4", "3", "3.9", ... : the numbered sections and decisions of docs/DESIGN.md."""
    out, current = set(), None
    for line in DESIGN.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"## (\d+)\. ", line):
            current = m.group(1)
            out.add(current)
        elif current and (m := re.match(r"(\d+)\. \*\*", line)):
            out.add(f"{current}.{m.group(1)}")
    return out


def _design_mentions():
    for path in SCANNED:
        if path == DESIGN:
            continue
        for m in re.finditer(r"(docs/)?DESIGN\.md(?:\)?,? (?:section )?(\d+(?:\.\d+)?))?",
                             path.read_text(encoding="utf-8")):
            yield path, m.group(1) is not None, m.group(2)


def test_design_citations_point_to_docs_design_and_its_sections():
    sections = _sections()
    assert {"2", "3", "3.4", "3.9", "4", "5", "6"} <= sections
    bad = []
    for path, prefixed, section in _design_mentions():
        if not prefixed and (_rel(path), "DESIGN.md") in PENDING:
            continue
        if not prefixed:
            bad.append(f"{_rel(path)}: 'DESIGN.md' (use docs/DESIGN.md)")
        elif section is not None and section not in sections:
            bad.append(f"{_rel(path)}: docs/DESIGN.md section {section} does not exist")
    assert bad == []


PATH = re.compile(r"(?<![\w/.-])((?:inventories|docs|lca|tests|benchmarks|notebooks)/"
                  r"[A-Za-z0-9_./-]*[A-Za-z0-9_])")


def test_paths_named_in_the_package_exist():
    missing = []
    for path in LCA:
        for m in PATH.finditer(path.read_text(encoding="utf-8")):
            target = m.group(1)
            if "/" not in target or target.startswith(("lca/inventory", "lca/service")):
                continue  # format ids: genai-lca/inventory@1, genai-lca/service@1
            if not (ROOT / target).exists():
                missing.append(f"{_rel(path)}: {target}")
    assert missing == []


ROLE = re.compile(r":(?:func|class|mod|data|meth|attr|exc|obj):`~?([^`<>]+?)`")


def _resolves(target: str, module: str, source: str) -> bool:
    target = target.strip().rstrip("()")
    if "." not in target and (re.search(rf"^\s*(?:def|class) {re.escape(target)}\b", source,
                                        re.M) or hasattr(builtins, target)):
        return True  # a method or class of this module (Sphinx resolves it in context)
    for name in ([target] if target.startswith("lca") else [f"{module}.{target}", target]):
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            for attr in parts[i:]:
                fields = {**getattr(obj, "__dataclass_fields__", {}),
                          **getattr(obj, "model_fields", {})}
                if attr in fields:
                    obj = fields[attr]
                    continue
                if not hasattr(obj, attr):
                    break
                obj = getattr(obj, attr)
            else:
                return True
            break
    return False


@pytest.mark.parametrize("path", LCA, ids=_rel)
def test_docstring_roles_resolve(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    source = path.read_text(encoding="utf-8")
    bad = [m.group(1) for m in ROLE.finditer(source)
           if not _resolves(m.group(1), module, source)
           and (_rel(path), m.group(1).lstrip("~")) not in PENDING]
    assert bad == []


def test_pending_exceptions_are_still_needed():
    """A pending reference that was fixed must leave the list."""
    still = set()
    for path, prefixed, _ in _design_mentions():
        if not prefixed:
            still.add((_rel(path), "DESIGN.md"))
    for path in LCA:
        source = path.read_text(encoding="utf-8")
        for m in ROLE.finditer(source):
            still.add((_rel(path), m.group(1).lstrip("~")))
    assert [k for k in PENDING if k not in still] == []
