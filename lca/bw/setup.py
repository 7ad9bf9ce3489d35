"""``genai-lca setup``: an offline, idempotent Brightway project in seconds.

What it writes into project :data:`~lca.bw.project.PROJECT`:

1. ``biosphere3`` from bw2io's packaged ecoinvent 3.9 flow list (offline, ~2 s);
2. the extension biosphere and the background databases of ``inventories/``;
3. the four indicator methods of ``inventories/methods/methods.yaml``, with factors read
   from bw2io's packaged LCIA data (only those methods: bw2io's
   ``create_default_lcia_methods`` fails on bw2data 4.8 and writes all 762 methods).

A marker file (``<data dir>/genai-lca/<project>.json``) records the fingerprint of what was
set up (package version + hash of the inventory files). When it matches, setup returns at
once without importing bw2data, which is what makes the second call take well under 3 s.
The whole build is one :func:`~lca.bw.project.transaction` (all or nothing, under
``kill -9`` too); the marker is removed before it and written only after it.
"""

from __future__ import annotations

import json
import logging
import os
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lca import __version__
from lca.bw.project import (PROJECT, data_dir, lock, open_journals, read_marker,
                            remove_marker, transaction, use_project, write_marker)
from lca.data.files import (background_inventory, fingerprint, inventory_root, method_specs,
                            methods_digest)

log = logging.getLogger(__name__)


@dataclass
class SetupReport:
    data_dir: Path
    project: str
    fingerprint: str
    already: bool
    seconds: float
    written: list[str] = field(default_factory=list)


def ensure_setup(directory: str | os.PathLike | None = None, *, force: bool = False,
                 project: str = PROJECT) -> SetupReport:
    """Set up the project if needed; return at once when the marker says it is current."""
    start = time.perf_counter()
    base = data_dir(directory)
    root = inventory_root()
    fp = fingerprint(root)
    if not force and read_marker(base, project).get("fingerprint") == fp \
            and not open_journals(base):  # a killed writer's journal: lock() recovers it
        return SetupReport(base, project, fp, True, time.perf_counter() - start)
    with lock(base, "setup"):
        if not force and read_marker(base, project).get("fingerprint") == fp:
            return SetupReport(base, project, fp, True, time.perf_counter() - start)
        # The marker says "set up and whole": it goes before the build and comes back
        # only after it, so a set-up killed in between is redone by the next call.
        remove_marker(base, project)
        written = _build(root, force, project)
        write_marker(base, {"fingerprint": fp, "version": __version__, "project": project,
                            "written": written, "time": time.time()}, project)
    return SetupReport(base, project, fp, False, time.perf_counter() - start, written)


def _build(root: Path, force: bool, project: str) -> list[str]:
    import bw2data as bd

    from lca.bw import writer
    from lca.data.inventory import resolve
    from lca.data.sources import load_sources

    with use_project(project), transaction(Path(bd.projects.dir), "setup"):
        written: list[str] = []
        if "biosphere3" not in bd.databases:
            _write_biosphere3()
            written.append("biosphere3")
        sources = load_sources(root / "SOURCES")
        inv = background_inventory(root)
        resolved = resolve(inv, writer.known(["biosphere3"]), sources)
        written += writer.write_databases(resolved, force=force)
        digest = methods_digest(root)
        if force or not writer.methods_current([s["name"] for s in method_specs(root)], digest):
            # Reading bw2io's packaged LCIA data costs ~3 s: only when something changed.
            written += [" | ".join(m) for m in writer.write_methods(
                build_methods(root, sources), digest, force=force)]
        log.info("setup wrote %s", ", ".join(written) or "nothing")
        return written


def _write_biosphere3() -> None:
    import contextlib
    import io

    import bw2io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):  # bw2io prints its strategies: to the debug log
        bw2io.create_default_biosphere3()
    for line in out.getvalue().splitlines():
        log.debug("bw2io: %s", line)


def build_methods(root: Path, sources: dict) -> list[dict]:
    """Characterisation factors for each method: bw2io's packaged CFs + extension CFs."""
    from lca.errors import InputError, Problem

    specs = method_specs(root)
    packaged = _bw2io_methods({tuple(s["from_bw2io"]) for s in specs})
    out, problems = [], []
    path = str(root / "methods" / "methods.yaml")
    for s in specs:
        base = packaged.get(tuple(s["from_bw2io"]))
        if base is None:
            problems.append(Problem(f"bw2io has no method {s['from_bw2io']}", file=path,
                                    dataset=s["key"], field="from_bw2io"))
            continue
        cfs = [(tuple(e["input"]), e["amount"]) for e in base["exchanges"]]
        regional = s.get("regional_water")
        if regional is not None:  # one CF per country flow: 1, or the country's AWARE factor
            from lca.data.names import WATER_CONSUMED_PREFIX
            from lca.data.water import DATABASE, country_factors

            cfs += [((DATABASE, WATER_CONSUMED_PREFIX + iso3), 1.0 if regional == "one" else cf)
                    for iso3, cf in country_factors(root).items()]
        for e in s.get("extra", []):
            if e["source"] not in sources:
                problems.append(Problem(f"unknown source '{e['source']}'", file=path,
                                        dataset=s["key"], field="extra.source"))
            cfs.append((tuple(e["flow"].split("/", 1)), e["amount"]))
        srcs = sorted({s["source"], *(e["source"] for e in s.get("extra", []))})
        out.append({**s, "cfs": cfs, "sources": srcs,
                    "description": s.get("comment", "") + f" CFs from bw2io method "
                    f"{tuple(s['from_bw2io'])} plus {len(s.get('extra', []))} extension CFs."})
    if problems:
        raise InputError(problems)
    return out


def _bw2io_methods(names: set[tuple]) -> dict[tuple, dict]:
    import bw2io

    path = Path(bw2io.__file__).parent / "data" / "lcia" / "lcia_39_ecoinvent.zip"
    with zipfile.ZipFile(path) as z:
        data = json.loads(z.read("data.json"))
    return {tuple(m["name"]): m for m in data if tuple(m["name"]) in names}

