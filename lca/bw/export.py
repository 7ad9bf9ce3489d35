"""Brightway-native export of service databases (bw2io's Excel format) and its re-import.

:func:`export_excel` writes a database with ``bw2io.export.excel.write_lci_excel``:
database and activity parameters with their formulas and distributions, activities with
their metadata (stage tags included), exchanges with name, unit, location or categories,
formula and uncertainty. :func:`import_excel` reads it back with ``bw2io.ExcelImporter``,
links exchanges by (name, unit, location) to its own activities first, then to the
technosphere databases, and by (name, unit, categories) to the biosphere databases of the
current project, and writes it with
its parameters activated (bw2parameters re-evaluates every formula). It needs the
background the service links to: a project set up by ``genai-lca setup``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from lca.data.names import SERVICE_DB_PREFIX, inputs_database
from lca.errors import InputError, Problem


def export_excel(database: str, path: str | Path) -> Path:
    """Write ``database`` of the current project to ``path`` (.xlsx) in bw2io's format."""
    from bw2io.export.excel import write_lci_excel

    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="genai-lca-export-") as tmp:
        written = Path(write_lci_excel(database, dirpath=tmp))
        shutil.move(str(written), path)
    return path


def export_service(database: str, out: Path) -> list[Path]:
    """The service database to ``out``; its companion ``<database>-inputs`` database (stated
    grid factor, custom hardware), when it exists, to ``<stem>-inputs.xlsx`` beside it."""
    import bw2data as bd

    paths = [export_excel(database, out)]
    inputs = inputs_database(database)
    if inputs in bd.databases:
        paths.append(export_excel(inputs, out.with_name(f"{out.stem}-inputs.xlsx")))
    return paths


def import_excel(path: str | Path) -> str:
    """Import a workbook written by :func:`export_excel` into the current project; returns
    the database name. Raises :class:`InputError` when an exchange cannot be linked or the
    database already exists."""
    import bw2data as bd
    import bw2io as bi

    imp = bi.ExcelImporter(str(path))
    name = imp.db_name
    if name in bd.databases:
        raise InputError(Problem(f"database '{name}' already exists in project "
                                 f"{bd.projects.current}; delete it first", file=str(path)))
    imp.apply_strategies()
    biosphere = [d for d in bd.databases if _is_biosphere(d)]
    # its own activities first, then the background, then other services' databases (whose
    # activities may share names with this one's)
    technosphere = sorted((d for d in bd.databases if d != name and d not in biosphere),
                          key=lambda d: d.startswith(SERVICE_DB_PREFIX))
    imp.match_database(fields=("name", "unit", "location"))
    for db in technosphere:
        imp.match_database(db, fields=("name", "unit", "location"))
    for db in biosphere:
        imp.match_database(db, fields=("name", "unit", "categories"))
    unlinked = list(imp.unlinked)
    if unlinked:
        raise InputError([Problem(f"exchange '{e.get('name')}' ({e.get('unit')}, "
                                  f"{e.get('location') or e.get('categories')}) links to "
                                  "nothing in the project", file=str(path), dataset=name)
                          for e in unlinked])
    imp.write_database()
    return name


def _is_biosphere(name: str) -> bool:
    """A database of elementary flows (its nodes are typed as flows, not processes)."""
    from bw2data.backends import ActivityDataset as AD

    from lca.bw.writer import FLOW_TYPES

    first = [t for (t,) in AD.select(AD.type).where(AD.database == name).limit(1).tuples()]
    return bool(first) and first[0] in FLOW_TYPES
