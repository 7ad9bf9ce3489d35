"""A small database shaped like an ecoinvent import, written with bw2data (issue 15).

What ``bw2io``'s ecospold2 importer leaves in a project, in miniature: ecoinvent's
activity names ("market for electricity, medium voltage"), locations (FR, DE, US-TX, RER,
GLO), reference products, units as ecoinvent spells them ("kilowatt hour", "ton
kilometer"), codes that are UUIDs, chains of technosphere exchanges (production -> high
voltage market -> medium voltage market -> market group), biosphere exchanges to
biosphere3 flows of the project, and lognormal uncertainty (stats_arrays type 2,
``loc = ln(amount)``) on some exchanges. The figures are round made-up numbers of
plausible magnitude, not ecoinvent data (ecoinvent's licence forbids copying it).

Use::

    import bw2data as bd
    bd.projects.set_current("genai-lca-0.1")   # a project where biosphere3 exists
    write()                                    # or: python tests/data/links/ecoinvent_mini.py

:data:`ACTIVITIES` holds every activity and exchange, so tests compute expected scores from
the same numbers.
"""

from __future__ import annotations

import math
import uuid

DATABASE = "ecoinvent-3.10-cutoff-mini"
_NS = uuid.UUID("6f1c2b9e-15aa-4c3d-9b0e-ec0113a10015")

#: biosphere3 flows used, by (name, categories).
CO2 = ("Carbon dioxide, fossil", ("air",))
CH4 = ("Methane, fossil", ("air",))
WATER_AIR = ("Water", ("air",))
WATER_IN = ("Water, cooling, unspecified natural origin", ("natural resource", "in water"))
COPPER_IN = ("Copper", ("natural resource", "in ground"))
SO2 = ("Sulfur dioxide", ("air",))

HV, MV = "electricity, high voltage", "electricity, medium voltage"
LORRY = "transport, freight, lorry 16-32 metric ton, EURO6"

#: (name, location, reference product, unit, [(kind, target, amount, gsd or None)]):
#: kind "tech" targets (name, location, product), "bio" a biosphere3 flow.
ACTIVITIES: list[tuple] = [
    ("electricity production, hard coal", "DE", HV, "kilowatt hour", [
        ("bio", CO2, 0.95, 1.1), ("bio", CH4, 0.002, None), ("bio", SO2, 0.0005, None),
        ("bio", WATER_IN, 0.05, None), ("bio", WATER_AIR, 0.0015, 1.2)]),
    ("electricity production, nuclear, pressure water reactor", "FR", HV, "kilowatt hour", [
        ("bio", CO2, 0.006, 1.3), ("bio", WATER_IN, 0.08, None),
        ("bio", WATER_AIR, 0.0025, None)]),
    ("electricity production, natural gas, combined cycle power plant", "US-TX", HV,
     "kilowatt hour", [("bio", CO2, 0.37, 1.05), ("bio", CH4, 0.0012, None),
                       ("bio", WATER_IN, 0.01, None)]),
    # a multi-output process split as ecoinvent does: one name and location, two products
    ("heat and power co-generation, natural gas, conventional power plant, 100MW electrical",
     "DE", HV, "kilowatt hour", [("bio", CO2, 0.42, None)]),
    ("heat and power co-generation, natural gas, conventional power plant, 100MW electrical",
     "DE", "heat, district or industrial, natural gas", "megajoule", [("bio", CO2, 0.06, None)]),
    ("market for electricity, high voltage", "FR", HV, "kilowatt hour", [
        ("tech", ("electricity production, nuclear, pressure water reactor", "FR", HV), 0.92,
         None),
        ("tech", ("electricity production, hard coal", "DE", HV), 0.09, None)]),
    ("market for electricity, high voltage", "DE", HV, "kilowatt hour", [
        ("tech", ("electricity production, hard coal", "DE", HV), 0.7, None),
        ("tech", ("heat and power co-generation, natural gas, conventional power plant, "
                  "100MW electrical", "DE", HV), 0.32, None)]),
    ("market for electricity, high voltage", "US-TX", HV, "kilowatt hour", [
        ("tech", ("electricity production, natural gas, combined cycle power plant", "US-TX",
                  HV), 1.03, None)]),
    *[("market for electricity, medium voltage", loc, MV, "kilowatt hour", [
        ("tech", ("market for electricity, high voltage", loc, HV), 1.02, None),
        ("bio", SO2, 1e-6, None)]) for loc in ("FR", "DE", "US-TX")],
    ("market group for electricity, medium voltage", "GLO", MV, "kilowatt hour", [
        ("tech", ("market for electricity, medium voltage", "FR", MV), 0.2, None),
        ("tech", ("market for electricity, medium voltage", "DE", MV), 0.5, None),
        ("tech", ("market for electricity, medium voltage", "US-TX", MV), 0.3, None)]),
    ("transport, freight, lorry 16-32 metric ton, EURO6", "RER", LORRY, "ton kilometer", [
        ("bio", CO2, 0.085, 1.15), ("bio", CH4, 3e-6, None)]),
    ("market for transport, freight, lorry 16-32 metric ton, EURO6", "RER", LORRY,
     "ton kilometer", [("tech", (LORRY, "RER", LORRY), 1.0, None)]),
    ("copper production, cathode, solvent extraction and electrowinning process", "GLO",
     "copper, cathode", "kilogram", [
         ("tech", ("market group for electricity, medium voltage", "GLO", MV), 2.5, 1.2),
         ("bio", COPPER_IN, 1.02, None), ("bio", CO2, 1.3, None), ("bio", SO2, 0.02, None),
         ("bio", WATER_IN, 0.12, None)]),
    ("market for copper, cathode", "GLO", "copper, cathode", "kilogram", [
        ("tech", ("copper production, cathode, solvent extraction and electrowinning process",
                  "GLO", "copper, cathode"), 1.0, None),
        ("tech", ("market for transport, freight, lorry 16-32 metric ton, EURO6", "RER",
                  LORRY), 0.3, None)]),
]


def code(name: str, location: str, product: str) -> str:
    """The activity's code: a UUID, as ecoinvent's, derived from name, location, product."""
    return str(uuid.uuid5(_NS, f"{name}|{location}|{product}"))


def _uncertainty(amount: float, gsd: float | None) -> dict:
    if gsd is None:
        return {"uncertainty type": 0, "loc": amount}
    return {"uncertainty type": 2, "loc": math.log(amount), "scale": math.log(gsd),
            "negative": False}


def data(biosphere: str = "biosphere3") -> dict:
    """The database as ``bw2data.Database(DATABASE).write`` takes it."""
    import bw2data as bd

    flows = {(f["name"], tuple(f.get("categories") or ())): f.key
             for f in bd.Database(biosphere)}
    out = {}
    for name, location, product, unit, exchanges in ACTIVITIES:
        key = (DATABASE, code(name, location, product))
        excs = [{"input": key, "amount": 1.0, "type": "production", "unit": unit,
                 "name": name, "product": product, "uncertainty type": 0}]
        for kind, target, amount, gsd in exchanges:
            if kind == "tech":
                excs.append({"input": (DATABASE, code(*target)), "amount": amount,
                             "type": "technosphere", **_uncertainty(amount, gsd)})
            else:
                excs.append({"input": flows[target], "amount": amount, "type": "biosphere",
                             **_uncertainty(amount, gsd)})
        out[key] = {"name": name, "location": location, "reference product": product,
                    "unit": unit, "type": "process", "code": key[1], "database": DATABASE,
                    "exchanges": excs, "comment": "ecoinvent-shaped fixture (made-up figures)",
                    "classifications": [("ISIC rev.4 ecoinvent", "3510:Electric power "
                                         "generation, transmission and distribution")]
                    if product.startswith("electricity") else []}
    return out


def write(name: str = DATABASE) -> str:
    """Write the database into the current project (replacing it); return its name."""
    import bw2data as bd

    db = bd.Database(name)
    db.register(format="Ecospold2", depends=["biosphere3"],
                description="ecoinvent-shaped test fixture (genai-lca issue 15)")
    content = data()
    if name != DATABASE:
        content = {(name, k[1]): {**v, "database": name, "exchanges": [
            {**e, "input": (name, e["input"][1]) if e["input"][0] == DATABASE else e["input"]}
            for e in v["exchanges"]]} for k, v in content.items()}
    db.write(content)
    return name


if __name__ == "__main__":
    print("wrote", write())
