"""Stated impacts: figures a provider publishes per request, per image or per campaign
(issue 15), written into a service as pre-characterised exchanges.

Each indicator of ``inventories/methods/methods.yaml`` has one pre-characterised flow in
``inventories/biosphere-ext.yaml`` (factor 1 in its own indicator, 0 elsewhere). A stated
value goes on that flow, so results count it in the pre-characterised share
(:mod:`lca.bw.contributions`). This module says which flow, in which unit, and how a
stated unit converts to it (:func:`indicator_factor`). Pure: reads the two YAML files,
never Brightway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lca import units
from lca.data import names
from lca.errors import UnitError

#: Where a stated term is linked from (``per:``): the service's root per request (default),
#: per image (request x ``images_per_request``), or the whole training / fine-tuning
#: campaign (then amortised per request like the campaign itself).
PER = ("request", "image", names.TRAINING, names.FINE_TUNING)
#: The lifecycle stages a stated term may carry (lca.data.names).
STAGES = (names.MANUFACTURE, names.TRANSPORT, names.TRAINING, names.FINE_TUNING,
          names.INFERENCE, names.DATACENTER_INFRASTRUCTURE, names.END_OF_LIFE)
#: Impact units written as "<physical unit> <marker>" ("g CO2e", "mg Sb-eq", "L world-eq"),
#: by the flow's unit: the marker's pattern and the physical unit it converts in.
_MARKED = {"kilogram CO2-Eq": (r"co2[\s-]*e(q\.?)?", "kg"),
           "kilogram Sb-Eq": (r"sb[\s-]*e(q\.?)?", "kg"),
           "cubic meter world-Eq": (r"world[\s-]*eq\.?(\s+deprived)?", "m**3")}


@dataclass(frozen=True)
class StatedIndicator:
    """One indicator a stated term may give: its key, the pre-characterised flow
    (``database/code``) and the flow's unit (Brightway spelling)."""

    key: str
    label: str
    flow: str
    unit: str


@lru_cache(maxsize=1)
def indicators() -> dict[str, StatedIndicator]:
    """Indicator key -> its pre-characterised flow, read from methods.yaml (the ``extra``
    factor on a flow of the extension biosphere typed ``inventory indicator``)."""
    from lca.data import load_yaml
    from lca.data.files import inventory_root, method_names

    ext = load_yaml((inventory_root() / "biosphere-ext.yaml").read_text(encoding="utf-8"))
    flows = {a["code"]: a for a in ext["activities"] if a.get("type") == "inventory indicator"}
    out = {}
    for key, spec in method_names().items():
        for extra in spec.get("extra", []):
            db, _, code = extra["flow"].partition("/")
            if db == names.BIOSPHERE_EXT_DB and code in flows:
                out[key] = StatedIndicator(key, spec["label"], extra["flow"], flows[code]["unit"])
    return out


def indicator_factor(key: str, unit: str) -> float:
    """Factor turning an amount in ``unit`` into the unit of indicator ``key``'s flow:
    a unit pint converts ("kg CO2-Eq", "mL", "m3"), or a physical unit followed by the
    indicator's marker ("g CO2e", "t CO2-eq", "mg Sb-eq", "L world-eq"). Raises
    :class:`UnitError` for a unit of another quantity."""
    target = indicators()[key].unit
    try:
        return units.conversion_factor(unit, target)
    except UnitError as exc:
        first = exc
    marker = _MARKED.get(target)
    if marker is not None:
        m = re.fullmatch(rf"\s*(.+?)\s*{marker[0]}\s*", unit, flags=re.IGNORECASE)
        if m:
            try:
                return units.conversion_factor(m.group(1), marker[1])
            except UnitError:
                pass
    example = {"kilogram CO2-Eq": "'kg CO2-Eq' or a mass of CO2-eq such as 'g CO2e'",
               "kilogram Sb-Eq": "'kg Sb-Eq' or a mass of Sb-eq such as 'mg Sb-eq'",
               "cubic meter world-Eq": "'m3 world-Eq' or a volume such as 'L world-eq'",
               "cubic meter": "a volume such as 'm3', 'L' or 'mL'"}.get(target, f"'{target}'")
    raise UnitError(f"a unit of {indicators()[key].label.lower()}: {example}", unit,
                    first.reason) from None


def parameter_name(term: str, key: str) -> str:
    """The service parameter holding term ``term``'s value of indicator ``key``, in the
    flow's unit (so Monte Carlo, sweeps and ``--set`` reach it by name)."""
    return f"stated_{term.replace('-', '_')}_{key}"


def activity_code(term: str) -> str:
    """The code of the activity a stated term becomes in the service database."""
    return f"stated-{term}"
