"""Write resolved databases and methods into the current Brightway project, atomically.

Everything passed here was already checked by :func:`lca.data.inventory.resolve`; this
module only writes, inside a :func:`~lca.bw.project.transaction`: a write that fails (disk
full) or is killed restores the project from the write journal, so the project is never
left half-written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from lca.data.inventory import Known, ResolvedDatabase

DIGEST_KEY = "genai-lca digest"
#: Brightway node types of elementary flows (biosphere3's and our extension flows).
FLOW_TYPES = frozenset({"emission", "natural resource", "inventory indicator", "economic",
                        "social"})


def known(databases: Iterable[str] | None = None) -> Known:
    """Units and flow names of the project's existing activities and flows, and the name,
    location and reference product of every activity (what links match on,
    :mod:`lca.data.links`)."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD

    from lca.data.links import ActivityInfo

    names = set(bd.databases) if databases is None else set(databases) & set(bd.databases)
    out = Known(databases=set(bd.databases))
    query = AD.select(AD.database, AD.code, AD.name, AD.type, AD.location, AD.product,
                      AD.data).where(AD.database.in_(sorted(names)))
    for db, code, name, typ, location, product, data in query.tuples():
        out.units[(db, code)] = data.get("unit", "")
        if typ not in FLOW_TYPES:
            out.activities[(db, code)] = ActivityInfo(name or "", location, product,
                                                      data.get("unit", ""))
        if data.get("properties"):
            out.properties[(db, code)] = data["properties"]
            out.sources[(db, code)] = data.get("source")
        if typ in FLOW_TYPES:
            out.flows.setdefault((name, tuple(data.get("categories") or ())), (db, code))
    return out


def needs_write(rdb: ResolvedDatabase) -> bool:
    import bw2data as bd

    return rdb.name not in bd.databases or bd.databases[rdb.name].get(DIGEST_KEY) != rdb.digest


def write_databases(resolved: Mapping[str, ResolvedDatabase], *, force: bool = False
                    ) -> list[str]:
    """Write each database whose content changed; return the names written."""
    import bw2data as bd

    from lca.bw.project import transaction

    todo = [r for r in resolved.values() if force or needs_write(r)]
    stale = [r.name for r in resolved.values() if r not in todo and _processed_too_early(r.name)]
    if not todo and not stale:
        return []
    what = ", ".join([r.name for r in todo] + [f"{n} (reprocess)" for n in stale])
    with transaction(Path(bd.projects.dir), "write " + what):
        for rdb in todo:
            _write_one(rdb)
        for name in dependants({r.name for r in todo}) + stale:
            bd.Database(name).process()
    return [r.name for r in todo]


def _processed_too_early(name: str) -> bool:
    """Whether database ``name`` was processed before a database it depends on: that one
    was rewritten since (e.g. the user's own database, linked by a service, rewritten with
    bw2data outside genai-lca), so ``name``'s processed datapackage holds stale activity
    ids and bw2calc would find more products than activities. Reprocessing from the SQLite
    rows, which link by (database, code), repairs it (as :func:`dependants` does)."""
    import bw2data as bd

    meta = bd.databases.get(name) or {}
    mine = meta.get("processed") or ""
    return any((bd.databases.get(dep) or {}).get("processed", "") > mine
               for dep in meta.get("depends", []) if dep in bd.databases)


def dependants(written: set[str]) -> list[str]:
    """Databases not in ``written`` that depend on one of them, directly or not.

    Rewriting a database gives its activities new ids, and a dependant's processed
    datapackage still holds the old ones: bw2calc then finds more products than activities
    (``NonsquareTechnosphere``). Each dependant is reprocessed from its SQLite rows, which
    link by (database, code) and are still right (issue 12)."""
    import bw2data as bd

    out: list[str] = []
    changed = set(written)
    grew = True
    while grew:
        grew = False
        for name, meta in bd.databases.items():
            if name not in changed and changed & set(meta.get("depends", [])):
                changed.add(name)
                out.append(name)
                grew = True
    return out


def _write_one(rdb: ResolvedDatabase) -> None:
    import bw2data as bd

    db = bd.Database(rdb.name)
    if rdb.name in bd.databases:
        _delete_parameters(rdb.name)
    db.register(format="genai-lca", depends=sorted(rdb.depends))
    db.write({k: _plain(v) for k, v in rdb.data.items()}, searchable=not rdb.biosphere)
    if rdb.parameters or rdb.activity_parameters:
        _write_parameters(rdb)
    # set, not registered: bw2data's register() keeps an existing database's metadata, so
    # a rewrite would keep the previous files and sources
    bd.databases[rdb.name].update({DIGEST_KEY: rdb.digest, "genai-lca files": rdb.files,
                                   SOURCES_KEY: rdb.sources})
    bd.databases.flush()


def _plain(act: dict) -> dict:
    out = {k: v for k, v in act.items() if k != "file"}
    out["genai-lca file"] = act.get("file")
    return out


def _write_parameters(rdb: ResolvedDatabase) -> None:
    """Brightway database and activity parameters, so Activity Browser shows the formulas."""
    import bw2data as bd

    if rdb.parameters:
        bd.parameters.new_database_parameters(
            [{k: v for k, v in p.items()} for p in rdb.parameters], rdb.name)
    for code, params in rdb.activity_parameters.items():
        group = f"{rdb.name}:{code}"
        bd.parameters.new_activity_parameters(
            [{**p, "database": rdb.name, "code": code} for p in params], group)
    for key, act in rdb.data.items():
        if any("formula" in e for e in act.get("exchanges", [])):
            group = f"{rdb.name}:{key[1]}"
            if key[1] not in rdb.activity_parameters:
                from bw2data.parameters import Group

                Group.get_or_create(name=group)
            bd.parameters.add_exchanges_to_group(group, bd.get_activity(key))


def _delete_parameters(database: str) -> None:
    from bw2data.parameters import ActivityParameter, DatabaseParameter, Group, \
        ParameterizedExchange

    groups = [g.name for g in Group.select().where(Group.name.startswith(f"{database}:"))]
    if groups:
        ParameterizedExchange.delete().where(ParameterizedExchange.group.in_(groups)).execute()
        ActivityParameter.delete().where(ActivityParameter.group.in_(groups)).execute()
        Group.delete().where(Group.name.in_(groups)).execute()
    DatabaseParameter.delete().where(DatabaseParameter.database == database).execute()


def methods_current(names: list, digest: str) -> bool:
    """Whether every method in ``names`` exists and was written from ``digest``."""
    import bw2data as bd

    return all(tuple(n) in bd.methods and bd.methods[tuple(n)].get(DIGEST_KEY) == digest
               for n in names)


def write_methods(methods: list[dict], digest: str, *, force: bool = False) -> list[tuple]:
    """Write LCIA methods given as ``{"name", "unit", "cfs": [(key, cf)], ...}``."""
    import bw2data as bd

    written = []
    for m in methods:
        name = tuple(m["name"])
        if not force and name in bd.methods and bd.methods[name].get(DIGEST_KEY) == digest:
            continue
        meth = bd.Method(name)
        meth.register(unit=m["unit"], description=m.get("description", ""),
                      **{DIGEST_KEY: digest, "genai-lca key": m["key"],
                         "sources": m.get("sources", [])})
        meth.write([(tuple(k), float(cf)) for k, cf in m["cfs"]])
        written.append(name)
    return written



#: Database metadata key holding the bibliography entries its files declared themselves.
SOURCES_KEY = "genai-lca sources"


def local_sources() -> dict:
    """The ``sources:`` entries of every database written in the current project, by id
    (:class:`lca.data.sources.Source`); the package's bibliography is not among them."""
    import bw2data as bd

    from lca.data.sources import Source

    return {e["id"]: Source.model_validate(e) for meta in bd.databases.values()
            for e in meta.get(SOURCES_KEY) or []}
