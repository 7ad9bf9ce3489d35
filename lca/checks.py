"""Checks of numeric arguments (CLI options and API keywords): finite and in range.

``nan`` and ``inf`` parse as floats, so typer accepts them; they must not reach a model
or a JSON document (where they become ``NaN``/``Infinity``, which is not JSON).
"""

from __future__ import annotations

import math

from lca.errors import InputError, Problem


def finite(value, field: str, *, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False, meaning: str = "") -> float:
    """``value`` as a float if it is a finite number in the range given (``low``/``high``,
    each closed unless ``*_open``); else an InputError naming ``field``, the range and
    the value, and what the number means."""
    try:
        number = float(value)
        shown = f"{number:g}"
    except (TypeError, ValueError):
        number, shown = math.nan, repr(value)
    ok = math.isfinite(number)
    if ok and low is not None:
        ok = number > low if low_open else number >= low
    if ok and high is not None:
        ok = number < high if high_open else number <= high
    if not ok:
        if low is not None and high is not None:
            where = f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        elif low is not None:
            where = f" {'>' if low_open else '>='} {low:g}"
        elif high is not None:
            where = f" {'<' if high_open else '<='} {high:g}"
        else:
            where = ""
        hint = f" ({meaning})" if meaning else ""
        raise InputError(Problem(f"must be a finite number{where}{hint}; got {shown}",
                                 field=field))
    return number
