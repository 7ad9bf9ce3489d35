"""The bibliography: every ``source`` id in ``inventories/`` resolves to an entry here, or
to an entry of the citing file's own ``sources:`` section (issue 15)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml

from lca.data import load_yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from lca.errors import InputError, Problem


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    citation: str
    year: int
    licence: str
    url: str | None = None
    #: ``measurement``: a log of the user's own runs (CodeCarbon, NVML, Zeus: issue 15).
    kind: Literal["literature", "dataset", "package", "vendor", "assumption", "measurement"]
    notes: str | None = None

    @field_validator("id")
    @classmethod
    def id_is_slug(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", v):
            raise ValueError(f"source id '{v}' must use lower-case letters, digits, '.', '-'")
        return v


def load_sources(folder: Path) -> dict[str, Source]:
    """Read every ``*.yaml`` in ``folder``; raise :class:`InputError` listing all problems."""
    sources: dict[str, Source] = {}
    origin: dict[str, str] = {}
    problems: list[Problem] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            entries = load_yaml(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            problems.append(Problem(f"is not valid YAML ({exc.problem})", file=str(path)))
            continue
        if not isinstance(entries, list):
            problems.append(Problem("must be a YAML list of source entries", file=str(path)))
            continue
        for i, entry in enumerate(entries):
            try:
                src = Source.model_validate(entry)
            except ValidationError as exc:
                for err in exc.errors():
                    name = entry.get("id", f"entry {i}") if isinstance(entry, dict) else f"entry {i}"
                    problems.append(Problem(err["msg"], file=str(path), dataset=name,
                                            field=".".join(map(str, err["loc"])) or None))
                continue
            if src.id in sources:
                problems.append(Problem(f"source id defined twice (also in {origin[src.id]})",
                                        file=str(path), dataset=src.id, field="id"))
            sources[src.id], origin[src.id] = src, str(path)
    if problems:
        raise InputError(problems)
    return sources


def with_local(package: dict[str, Source], files) -> tuple[dict[str, Source], list[Problem]]:
    """The package's bibliography plus the ``sources:`` of ``files`` (objects with ``path``
    and ``content.sources``), and the problems found: a local id that shadows a package id,
    or one id given two different entries by two files."""
    merged, origin, problems = dict(package), {}, []
    for f in files:
        for src in f.content.sources:
            if src.id in package:
                problems.append(Problem(
                    f"source id '{src.id}' is already in the package's bibliography "
                    "(inventories/SOURCES); a file's own source may not shadow it: cite the "
                    "package's entry or give yours another id", file=f.path, dataset=src.id,
                    field="sources"))
            elif src.id in origin and merged[src.id] != src:
                problems.append(Problem(f"source id '{src.id}' is defined differently in "
                                        f"{origin[src.id]}", file=f.path, dataset=src.id,
                                        field="sources"))
            else:
                merged[src.id], origin[src.id] = src, f.path
    return merged, problems
