"""Low / central / high embodied footprints of an accelerator, and the published figures
they come from (issue 14). Pure: reads ``inventories/background/hardware/vendor_pcf.csv``.

The central value is the footprint of the route in use (``model.hardware.embodied``):
the bottom-up model by default, or the vendor PCF. Low and high are the smallest and largest
of the bottom-up value, the vendor PCF where one exists, and the other published estimates of
``vendor_pcf.csv`` marked ``in_range = yes`` (card-level manufacture figures for that
accelerator: independent LCAs, the EcoLogits and BoaviztAPI defaults, Morand et al.).
Figures with another boundary (a host share, water *use* instead of consumption) are listed
as cross-checks but stay out of the range. Water consumption has no published per-card
figure, so its range is the bottom-up value alone (the Monte Carlo spread comes from the
bottom-up parameters).

Monte Carlo samples the range (:func:`sampled`): the service builder gives each catalogue
accelerator the parameters ``accelerator_embodied_gwp_kg`` and
``accelerator_embodied_adp_kg_sb``, triangular (low, mode = central, high), and an exchange
of (parameter - central) x the accelerator's share on the pre-characterised flow, so the
deterministic result is the central one and the samples follow the catalogue range. The
bounds per accelerator and route are in ``background/hardware/embodied_ranges.csv``,
written from the catalogue (bw2calc) by ``benchmarks/issue14_embodied_ranges.py --write``
and checked against it by ``tests/test_issue_14_embodied_sampling.py``.

Why triangular: the catalogue gives three numbers, the smallest and largest published
estimate and the route's own value, and no spread around them; a triangle uses exactly
those, keeps every draw inside the published span and peaks at the value the deterministic
result uses. A lognormal fitted to them would need a choice of which percentiles low and
high stand for (none is published) and would put draws outside every published figure. The
consequence is stated in the README: where the bottom-up value is the lowest estimate
(H100: 137.6 kg, range to 575 kg), the triangle is one-sided and the Monte Carlo mean of the
accelerator's GWP, (low + central + high) / 3, is above the deterministic value (283 kg).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lca.data import names
from lca.data.inventory import read_table

#: The three indicators a range is given for, and the unit prefix that marks each in
#: vendor_pcf.csv's ``unit`` column.
INDICATORS = {"climate_change": "kg CO2-eq", "abiotic_depletion_elements": "kg Sb-eq",
              "water_consumption": "m3 water consumption"}

#: The stated default (README "Embodied footprint: default route and ranges").
DEFAULT_RULE = (
    "model.hardware.embodied = bottom-up (default) for every accelerator: GWP, water and ADP "
    "from the bottom-up model; with embodied = vendor-pcf, GWP from the vendor PCF where one "
    "exists (HGX H100, HGX B200) and water and ADP from the bottom-up model, never zero. "
    "Other published estimates are cross-checks (low / high), not the central value.")


def _table(root: Path | None) -> list[dict[str, str]]:
    from lca.data.files import inventory_root

    path = (root if root is not None else inventory_root()) / "background" / "hardware" \
        / "vendor_pcf.csv"
    stat = path.stat()
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int, size: int) -> list[dict[str, str]]:
    """The table, read once per version of the file (the catalogue asks once per
    accelerator row)."""
    return read_table(Path(path))


def _indicator(unit: str) -> str | None:
    return next((k for k, prefix in INDICATORS.items() if unit.startswith(prefix)), None)


def published(accelerator_id: str, root: Path | None = None) -> list[dict]:
    """Every published per-GPU total of ``accelerator_id`` in vendor_pcf.csv."""
    out = []
    for r in _table(root):
        value = (r.get("per_gpu_value") or "").strip()
        if r["accelerator_id"] != accelerator_id or r["item"] != "total" or not value:
            continue
        out.append({"id": r["id"], "kind": r["kind"], "indicator": _indicator(r["unit"]),
                    "value": float(value), "unit": r["unit"].replace("per product", "per GPU"),
                    "source": r["source"].split(";")[0].strip(), "in_range": r["in_range"] == "yes",
                    "boundary": r["boundary"]})
    return out


def ranges(accelerator_id: str, bottom_up: dict[str, float], central: dict[str, float],
           central_source: str, root: Path | None = None) -> dict[str, dict]:
    """``{indicator: {low, central, high, low_source, central_source, high_source}}``:
    ``bottom_up`` is the bottom-up score per indicator, ``central`` the score of the route in
    use (named ``central_source``)."""
    figures = [f for f in published(accelerator_id, root) if f["in_range"]]
    code = f"{names.HARDWARE_DB}/{names.accelerator_code(accelerator_id)}"
    out = {}
    for ind in INDICATORS:
        if ind not in bottom_up or ind not in central:
            continue
        cands = [(bottom_up[ind], f"{code} (bottom-up)"),
                 (central[ind], central_source)]
        cands += [(f["value"], f["source"]) for f in figures if f["indicator"] == ind]
        low, high = min(cands, key=lambda c: c[0]), max(cands, key=lambda c: c[0])
        out[ind] = {"low": low[0], "central": central[ind], "high": high[0],
                    "low_source": low[1], "central_source": central_source,
                    "high_source": high[1]}
    return out


#: Indicator -> (service parameter, pre-characterised flow, its categories, unit) of the
#: sampled embodied range (:func:`sampled`). Water has no range (bottom-up only).
SAMPLED = {
    "climate_change": ("accelerator_embodied_gwp_kg", "GWP100, pre-characterised", ("air",),
                       "kg CO2-Eq"),
    "abiotic_depletion_elements": ("accelerator_embodied_adp_kg_sb",
                                   "ADP elements, pre-characterised",
                                   ("natural resource", "in ground"), "kg Sb-Eq"),
}
SAMPLED_TABLE = ("background", "hardware", "embodied_ranges.csv")
#: Columns of ``embodied_ranges.csv``.
SAMPLED_COLUMNS = ("accelerator_id", "route", "indicator", "low", "central", "high",
                   "low_source", "central_source", "high_source")


def sampled(accelerator_id: str, route: str, root: Path | None = None
            ) -> dict[str, dict[str, float | str]]:
    """``{indicator: {low, central, high, low_source, high_source}}`` for the indicators of
    :data:`SAMPLED` whose catalogue range has low < high, for ``route`` ("bottom-up" or
    "vendor-pcf"); empty when the accelerator has no such range (or is not in the table)."""
    from lca.data.files import inventory_root

    path = (root if root is not None else inventory_root()).joinpath(*SAMPLED_TABLE)
    if not path.exists():
        return {}
    stat = path.stat()
    out: dict[str, dict[str, float | str]] = {}
    for r in _read(str(path), stat.st_mtime_ns, stat.st_size):
        if r["accelerator_id"] != accelerator_id or r["route"] != route \
                or r["indicator"] not in SAMPLED:
            continue
        low, central, high = (float(r[k]) for k in ("low", "central", "high"))
        if low < high and low <= central <= high:
            out[r["indicator"]] = {"low": low, "central": central, "high": high,
                                   "low_source": r["low_source"], "high_source": r["high_source"]}
    return out
