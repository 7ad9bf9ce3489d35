"""Units: the one place where unit names are understood and converted (pint).

Brightway stores units as free strings ("kilowatt hour"). Files may write any pint
expression ("kWh", "Wh", "m^3", "L", "t*km"). :func:`parse_unit` maps both to a pint unit;
:func:`canonical` gives the Brightway spelling we store; :func:`conversion_factor` converts
an exchange written in one unit to the unit of the activity it links to, or raises
:class:`~lca.errors.UnitError` when the dimensions differ (Wh to kWh converts; kg to kWh
is refused). Counting units (request, token, image, unit) get dimensions of their own so a
request is never silently converted into an image.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lca.errors import UnitError

#: Brightway unit strings we write, and the pint expression each one means.
CANONICAL: dict[str, str] = {
    "kilogram": "kg", "gram": "g", "ton": "t",
    "kilowatt hour": "kWh", "megawatt hour": "MWh", "watt hour": "Wh", "megajoule": "MJ",
    "cubic meter": "m**3", "liter": "L",
    "square meter": "m**2", "square centimeter": "cm**2", "square millimeter": "mm**2",
    "hour": "hour", "day": "day", "year": "year",
    "ton kilometer": "t*km", "kilogram kilometer": "kg*km",
    "megawatt year": "MW*year", "kilowatt": "kW", "watt": "W",
    "gigabyte": "GB",
    "unit": "unit", "unit hour": "unit*hour",
    "request": "request", "token": "token", "image": "image",
    "kilogram CO2-Eq": "kg_CO2eq", "kilogram Sb-Eq": "kg_Sbeq",
    "cubic meter world-Eq": "m3_world_eq",
    "dimensionless": "dimensionless",
}
# Spellings people and Brightway use that pint does not read as we mean them.
_ALIASES = {
    "kg co2-eq": "kg_CO2eq", "kg co2-eq.": "kg_CO2eq", "kg co2e": "kg_CO2eq",
    "kg sb-eq": "kg_Sbeq", "m3 world eq. deprived": "m3_world_eq",
    "m3 world-eq": "m3_world_eq", "m3": "m**3", "m2": "m**2", "cm2": "cm**2", "mm2": "mm**2",
    "tkm": "t*km", "ton kilometer": "t*km", "kilowatt-hour": "kWh", "items": "unit",
    "item": "unit", "piece": "unit", "p": "unit", "a": "year", "kg km": "kg*km",
    "": "dimensionless", "-": "dimensionless", "fraction": "dimensionless",
    "gpu hour": "unit*hour", "gpu-hour": "unit*hour", "mw year": "MW*year",
}


@lru_cache(maxsize=1)
def registry():
    """The project's pint registry, with counting units and impact units defined."""
    import pint

    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for name, dim in [("unit", "item"), ("request", "request"), ("token", "token"),
                      ("image", "image"), ("kg_CO2eq", "gwp"), ("kg_Sbeq", "adpe"),
                      ("m3_world_eq", "aware"), ("FLOP", "flop")]:
        ureg.define(f"{name} = [{dim}]")
    ureg.define("FLOPS = FLOP / second")
    return ureg


@lru_cache(maxsize=1024)
def parse_unit(text: str):
    """The pint unit of ``text`` (a Brightway name, an alias or a pint expression)."""
    if not isinstance(text, str):
        raise UnitError("a unit name", repr(text), "units are written as text")
    key = text.strip()
    _check_size(text, key)
    expr = CANONICAL.get(key) or _ALIASES.get(key.lower()) or key
    try:
        return registry().parse_units(expr)
    except Exception:  # maybe a compound of our names: "kg CO2-Eq / kWh"
        expr = _expression(key)
    try:
        return registry().parse_units(expr)
    except Exception as exc:  # pint raises several unrelated types for bad text
        raise UnitError("a known unit", text,
                        f"not understood ({type(exc).__name__}); use e.g. "
                        "'kilowatt hour', 'kWh', 'kilogram', 'cubic meter', 'unit'") from None


#: Longest unit text; "kilogram CO2-Eq / kilowatt hour" is 31 characters.
MAX_UNIT_LENGTH = 100
_POWER = re.compile(r"\*\*|\^")
#: What may follow a power sign: a small plain number ("m**3", "s^-1"), not another power.
_EXPONENT = re.compile(r"\s*\(?\s*[-+]?\d{1,2}(\.\d{1,3})?\s*\)?(?!\s*(\*\*|\^|\d|\.))")


def _check_size(text: str, key: str) -> None:
    """Refuse unit texts that pint would take unbounded time over, before pint sees them.

    pint evaluates the numbers of a unit expression: "kg * 9**9**9" computes a
    370-million-digit integer (minutes of CPU, while the writer holds the project's lock;
    issue 12). So a unit is at most ``MAX_UNIT_LENGTH`` characters, and a power is a plain
    number of at most two digits, not itself raised to a power.
    """
    if len(key) > MAX_UNIT_LENGTH:
        raise UnitError("a known unit", text[:40] + "...",
                        f"{len(key)} characters long; at most {MAX_UNIT_LENGTH} are allowed")
    for sign in _POWER.finditer(key):
        if not _EXPONENT.match(key, sign.end()):
            raise UnitError("a known unit", text, "a power must be a plain number of at "
                            "most two digits, e.g. 'm**3' or 's^-1'")


def _expression(key: str) -> str:
    """Pint expression of a unit text; names and aliases also work inside ``a / b * c``."""
    single = CANONICAL.get(key) or _ALIASES.get(key.lower())
    if single is not None:
        return single
    parts = re.split(r"(\s*/\s*|\s*(?<!\*)\*(?!\*)\s*)", key)
    if len(parts) > 1:
        return "".join(p if i % 2 else f"({_expression(p.strip())})" for i, p in enumerate(parts))
    return key


@lru_cache(maxsize=1024)
def canonical(text: str) -> str:
    """The Brightway spelling of ``text`` ("kWh" -> "kilowatt hour")."""
    unit = parse_unit(text)
    for name, expr in CANONICAL.items():
        if registry().parse_units(expr) == unit:
            return name
    return str(unit)


@lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Factor f such that an amount in ``from_unit`` times f is in ``to_unit``."""
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if src == dst:
        return 1.0
    ureg = registry()
    try:
        # 15 significant digits: pint's 0.0010000000000000002 for L -> m3 is float noise
        return float(f"{ureg.Quantity(1.0, src).to(dst).magnitude:.15g}")
    except Exception:
        raise UnitError(to_unit, from_unit,
                        f"{ureg.get_dimensionality(src)} vs "
                        f"{ureg.get_dimensionality(dst)}") from None
