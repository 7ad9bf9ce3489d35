"""Sensitivity sweeps: a compiled model's results as one parameter varies over a range.

The other parameters keep their values (formulas that use the swept parameter follow it).
:func:`default_sweeps` picks the first-order levers of a GenAI service when the service
has them: PUE (facility energy / IT energy; 1.0 is the physical floor, 2.0 a poor legacy
facility, Uptime Institute 2023 survey average 1.58) and the serving batch size (per-token
energy at low batch is dominated by static power, docs/DESIGN.md section 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lca.data.parameters import DEFAULT_SWEEPS
from lca.errors import InputError, Problem

#: Parameter -> (low, high, log-spaced) swept by default when the service has it: the
#: ``sweep`` role of lca.data.parameters.
DEFAULT_RANGES = DEFAULT_SWEEPS


@dataclass(frozen=True)
class SweepSpec:
    parameter: str
    low: float
    high: float
    log: bool = False
    points: int = 25

    def values(self) -> np.ndarray:
        if self.log:
            return np.geomspace(self.low, self.high, self.points)
        return np.linspace(self.low, self.high, self.points)


def parse_sweep(text: str) -> SweepSpec:
    """``NAME`` or ``NAME=LOW:HIGH`` (``NAME=LOW:HIGH:log`` for log spacing)."""
    from lca.analysis.sensitivity import parse_range

    name, low, high, rest = parse_range(text, "--sweep", "NAME or NAME=LOW:HIGH[:log]")
    if low is None:
        low, high, log = DEFAULT_RANGES.get(name, (float("nan"), float("nan"), False))
        return SweepSpec(name, low, high, log)
    log = rest[:1] == ["log"]
    if log and low <= 0:
        raise InputError(Problem(f"sweep '{text}': a log range needs LOW > 0", field="--sweep"))
    return SweepSpec(name, low, high, log)


def default_sweeps(model) -> list[SweepSpec]:
    """The :data:`DEFAULT_RANGES` parameters the model has. A roofline service's batch runs
    from 1 to the largest batch its replica's memory holds (``max_batch`` as written),
    not over a fixed range that may not fit."""
    names = {p.name for p in model.spec.parameters}
    out = []
    for n, (lo, hi, log) in DEFAULT_RANGES.items():
        if n not in names:
            continue
        if n == "batch" and "max_batch" in names:
            hi = max(lo, base_value(model, "max_batch"))
        out.append(SweepSpec(n, lo, hi, log))
    return out


def base_value(model, parameter: str) -> float:
    """The parameter's value in the service as written."""
    return float(model.parameter_values(1)[parameter][0])


def sweep(model, spec: SweepSpec):
    """Results over ``spec``'s range: a DataFrame (parameter, value, indicator, stage,
    score), stage ``total`` included; scores per functional unit in each indicator's unit."""
    import pandas as pd

    names = [p.name for p in model.spec.parameters]
    if spec.parameter not in names:
        raise InputError(Problem(f"no parameter named '{spec.parameter}'; parameters: "
                                 f"{', '.join(sorted(names))}", field="--sweep"))
    lo, hi = spec.low, spec.high
    if not (np.isfinite(lo) and np.isfinite(hi)):  # no range given: half to twice the value
        base = base_value(model, spec.parameter)
        spec = SweepSpec(spec.parameter, 0.5 * base, 2.0 * base, spec.log, spec.points)
    xs = spec.values()
    out = model.evaluate(model.parameter_values(len(xs), fixed={spec.parameter: xs}))
    inds, stages = list(model.spec.indicators), list(model.stage_names)
    rows = []
    for j, ind in enumerate(inds):
        for s, stage in enumerate(stages):
            rows += [(spec.parameter, x, ind, stage, v) for x, v in zip(xs, out["by_stage"][:, s, j])]
        rows += [(spec.parameter, x, ind, "total", v) for x, v in zip(xs, out["total"][:, j])]
    return pd.DataFrame(rows, columns=["parameter", "value", "indicator", "stage", "score"])
