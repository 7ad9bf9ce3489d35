"""Links to activities of any database of the Brightway project (ecoinvent, the user's own).

A link names an activity the way ecoinvent users do, or by its code::

    {database: ecoinvent-3.10-cutoff, name: "market for electricity, medium voltage",
     location: FR, reference_product: "electricity, medium voltage"}
    {database: my-db, code: 0a1b2c...}

``location`` and ``reference_product`` may be left out when the name alone is unambiguous
in that database. :func:`resolve_link` finds the one activity a link names in an index of
the project's activities (:class:`ActivityInfo` by key, read by ``lca.bw.writer.known``),
or says why it cannot: the database does not exist (the project's databases are listed),
no activity has that name (the closest names, with their locations), or several do (the
candidates with location, reference product and code, and the field to add). Pure: no
Brightway import; the inventory resolver and the service model both call it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, model_validator

Key = tuple[str, str]
#: Candidates listed in an error message, at most.
MAX_LISTED = 8


class Link(BaseModel):
    """An activity of the project, by database + name (+ location, + reference product),
    or by database + code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    database: str
    name: str | None = None
    location: str | None = None
    reference_product: str | None = None
    code: str | None = None

    @model_validator(mode="after")
    def name_or_code(self) -> Link:
        if (self.name is None) == (self.code is None):
            raise ValueError("a link gives 'database' and either 'name' (with 'location' and "
                             "'reference_product' when the name is ambiguous) or 'code'")
        if self.code is not None and (self.location or self.reference_product):
            raise ValueError("a link by 'code' takes no 'location' or 'reference_product'")
        return self

    def describe(self) -> str:
        if self.code is not None:
            return f"'{self.database}/{self.code}'"
        extra = [x for x in (self.location, self.reference_product) if x]
        return f"'{self.name}'" + (f" ({', '.join(extra)})" if extra else "") + \
            f" in '{self.database}'"


@dataclass(frozen=True)
class ActivityInfo:
    """What a link can match on: an activity's name, location, reference product, unit."""

    name: str
    location: str | None
    product: str | None
    unit: str


class LinkError(ValueError):
    """A link that names no activity, or several; the message says which and how to fix."""


def resolve_link(link: Link, activities: Mapping[Key, ActivityInfo],
                 databases: set[str] | frozenset[str]) -> Key:
    """The key of the one activity ``link`` names; :class:`LinkError` otherwise."""
    check_database(link.database, databases)
    if link.code is not None:
        key = (link.database, link.code)
        if key not in activities:
            raise LinkError(f"no activity with code '{link.code}' in database "
                            f"'{link.database}'")
        return key
    matches = find(activities, link.database, link.name, link.location,
                   link.reference_product)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise LinkError(_ambiguous(link, matches, activities))
    raise LinkError(_no_match(link, activities))


def check_database(database: str, databases: set[str] | frozenset[str]) -> None:
    """:class:`LinkError` listing the project's databases when ``database`` is not one."""
    if database not in databases:
        close = difflib.get_close_matches(database, sorted(databases), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise LinkError(f"database '{database}' does not exist in the project "
                        f"(its databases: {', '.join(sorted(databases)) or 'none'}){hint}")


def find(activities: Mapping[Key, ActivityInfo], database: str, name: str,
         location: str | None = None, reference_product: str | None = None) -> list[Key]:
    """Keys of ``database``'s activities named ``name`` (exactly; else ignoring case), at
    ``location`` and with ``reference_product`` when given, sorted."""
    named = [k for k, a in activities.items() if a.name == name and k[0] == database]
    if not named:
        folded = name.casefold()
        named = [k for k, a in activities.items()
                 if k[0] == database and a.name.casefold() == folded]
    return sorted(k for k in named
                  if (location is None or activities[k].location == location)
                  and (reference_product is None or activities[k].product == reference_product))


def search(activities: Mapping[Key, ActivityInfo], database: str, name: str | None = None,
           location: str | None = None, reference_product: str | None = None) -> list[Key]:
    """Keys of ``database``'s activities whose name is ``name`` or, when none is, contains
    it (ignoring case); ``location`` and ``reference_product`` exact; sorted by name and
    location. What a notebook lists before writing a link (``lca.api.find_activity``)."""
    in_db = {k: a for k, a in activities.items() if k[0] == database}
    keys = list(in_db) if name is None else find(activities, database, name) or [
        k for k, a in in_db.items() if name.casefold() in a.name.casefold()]
    keys = [k for k in keys if (location is None or in_db[k].location == location)
            and (reference_product is None or in_db[k].product == reference_product)]
    return sorted(keys, key=lambda k: (in_db[k].name, in_db[k].location or "", k[1]))


def minimal_link(key: Key, activities: Mapping[Key, ActivityInfo]) -> dict:
    """The shortest link that names ``key`` alone: its name, else name and location, else
    name, location and reference product, else its code."""
    a = activities[key]
    tries = [{"name": a.name}, {"name": a.name, "location": a.location},
             {"name": a.name, "location": a.location, "reference_product": a.product}]
    for fields in tries:
        if None not in fields.values() and find(
                activities, key[0], a.name, fields.get("location"),
                fields.get("reference_product")) == [key]:
            return {"database": key[0], **fields}
    return {"database": key[0], "code": key[1]}


def _row(key: Key, a: ActivityInfo) -> str:
    return (f"location {a.location or '-'}, reference product {a.product or '-'!r}, "
            f"unit {a.unit!r}, code '{key[1]}'")


def _ambiguous(link: Link, matches: list[Key], activities: Mapping[Key, ActivityInfo]) -> str:
    infos = [activities[k] for k in matches]
    if len({a.location for a in infos}) > 1:
        fix = f"add 'location' (one of {', '.join(sorted({a.location or '-' for a in infos}))})"
    elif len({a.product for a in infos}) > 1:
        fix = "add 'reference_product' (one of " + \
            ", ".join(repr(p) for p in sorted({a.product or "-" for a in infos})) + ")"
    else:
        fix = "link by 'code'"
    rows = "; ".join(_row(k, activities[k]) for k in matches[:MAX_LISTED])
    more = f"; and {len(matches) - MAX_LISTED} more" if len(matches) > MAX_LISTED else ""
    return f"{link.describe()} matches {len(matches)} activities ({rows}{more}): {fix}"


def _no_match(link: Link, activities: Mapping[Key, ActivityInfo]) -> str:
    named = find(activities, link.database, link.name)
    if named:  # the name exists: the location or the product is what does not match
        rows = "; ".join(_row(k, activities[k]) for k in named[:MAX_LISTED])
        return (f"no activity {link.describe()}; '{link.name}' exists with: {rows}")
    locations: dict[str, set[str]] = {}
    for (db, _), a in activities.items():
        if db == link.database:
            locations.setdefault(a.name, set()).add(a.location or "-")
    close = difflib.get_close_matches(link.name, list(locations), n=5, cutoff=0.5)
    if not close:  # a word of the name, e.g. "copper" for "market for copper, cathode"
        words = [w for w in link.name.casefold().replace(",", " ").split() if len(w) > 3]
        close = sorted(n for n in locations if any(w in n.casefold() for w in words))[:5]
    hint = ("; closest names: " + "; ".join(
        f"'{n}' ({', '.join(sorted(locations[n]))})" for n in close)) if close else \
        f"; the database has {len(locations)} activity names"
    return f"no activity named '{link.name}' in database '{link.database}'{hint}"
