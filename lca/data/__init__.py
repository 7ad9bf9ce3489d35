"""Validated records read from ``inventories/`` files. Never imports bw2data."""

from __future__ import annotations

import yaml

# libyaml's C parser is ~10x faster than the pure-Python one; same safe subset.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """Parse YAML text with the safe loader (no Python objects, no code)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a SafeLoader
