"""Validated records read from ``inventories/`` files. Never imports bw2data."""

from __future__ import annotations

import yaml

# libyaml's C parser is ~10x faster than the pure-Python one; same safe subset.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """Parse YAML text with the safe loader (no Python objects, no code)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a SafeLoader


def parse_yaml(text: str, path) -> object:
    """Parse a file's YAML text; a syntax error becomes an InputError naming file and line."""
    from lca.errors import InputError, Problem

    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(Problem(f"is not valid YAML{where}: {getattr(exc, 'problem', exc)}",
                                 file=str(path))) from None
