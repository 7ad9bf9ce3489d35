"""An ML.ENERGY-style run summary (JSON), as the ML.ENERGY leaderboard reports a
configuration: GPU energy per request or per output token, measured with Zeus.

Format::

    {"model": "meta-llama/Llama-3.1-8B-Instruct", "gpu": "H100 80GB", "num_gpus": 1,
     "energy_per_request_j": 170.0,
     "runs": [{"energy_per_request_j": 166.0, "duration_s": 600, "requests": 3000},
              {"energy_per_request_j": 174.0}],
     "date": "2025-06-01"}

- ``energy_per_request_j`` or ``energy_per_output_token_j`` (J, GPU energy): required,
  at the top level or in every run (the key must be the same throughout).
- ``runs`` (optional): the per-run values, as objects with the energy key (and optionally
  ``duration_s`` and ``requests``, or ``tokens`` for per-token figures) or as plain numbers.
  Without ``runs``, the top-level value is one run (no spread known). When both are
  given, the runs are used and the top level is only compared (a note if it differs by
  more than 1 % from their mean).
- ``num_gpus`` (default 1), ``model``, ``gpu``, ``date``: described in the source entry.
- ``duration_s`` with ``requests`` (or ``tokens``), per run or at the top level, give
  GPU-hours per request (duration x GPUs / requests); without them none are derived.

Each run becomes a :class:`~lca.measure.Run` of one request (or one output token).
The points this package already cites from the leaderboard are in
:mod:`lca.data.measured_energy`.

References
----------
1. J.-W. Chung et al., "The ML.ENERGY Benchmark", 2025, https://ml.energy/leaderboard
"""

from __future__ import annotations

import json
from pathlib import Path

from lca.errors import InputError, Problem
from lca.measure import J_PER_KWH, Run, read_text

KEYS = {"energy_per_request_j": "requests", "energy_per_output_token_j": "tokens"}


def read(path: Path) -> tuple[list[Run], list[str]]:
    """The runs of ``path`` (each one request or one output token) and notes."""
    text = read_text(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(Problem(f"is not valid JSON at line {exc.lineno}: {exc.msg}",
                                 file=str(path))) from None
    if not isinstance(doc, dict):
        raise InputError(Problem("expected a JSON object (an ML.ENERGY run summary)",
                                 file=str(path)))
    runs_in = doc.get("runs")
    if runs_in is not None and (not isinstance(runs_in, list) or not runs_in):
        raise InputError(Problem("'runs' must be a non-empty list", file=str(path),
                                 field="runs"))
    key = next((k for k in KEYS if k in doc or any(isinstance(r, dict) and k in r
                                                   for r in runs_in or [])), None)
    if key is None:
        raise InputError(Problem(f"missing {' or '.join(KEYS)} (J of GPU energy)",
                                 file=str(path), field="energy_per_request_j"))
    count = KEYS[key]

    gpus = int(_num(doc.get("num_gpus", 1), path, "summary", "num_gpus", positive=True))
    top = {"duration_s": doc.get("duration_s"), count: doc.get(count)}
    entries = runs_in if runs_in is not None else [{key: doc[key]}]
    runs, notes = [], []
    for i, entry in enumerate(entries):
        where = f"runs[{i}]" if runs_in is not None else "summary"
        entry = entry if isinstance(entry, dict) else {key: entry}
        if key not in entry:
            raise InputError(Problem(f"missing {key}", file=str(path), dataset=where, field=key))
        joules = _num(entry[key], path, where, key, positive=True)
        duration = entry.get("duration_s", top["duration_s"])
        served = entry.get(count, top[count])
        per_unit = None
        if duration is not None and served is not None:
            per_unit = _num(duration, path, where, "duration_s", positive=True) / \
                _num(served, path, where, count, positive=True)
        runs.append(Run(energy_kwh=joules / J_PER_KWH, gpu_kwh=joules / J_PER_KWH,
                        duration_s=per_unit, gpus=gpus, start=doc.get("date"),
                        end=doc.get("date"), file=str(path), row=None,
                        **{count: 1.0}))
    if runs_in is not None and key in doc:
        mean = sum(r.energy_kwh for r in runs) / len(runs) * J_PER_KWH
        stated = _num(doc[key], path, "summary", key, positive=True)
        if abs(stated - mean) > 0.01 * mean:
            notes.append(f"the summary's {key} ({stated:g} J) differs from the runs' mean "
                         f"({mean:g} J): the runs are used")
    notes.append(f"GPU energy per {'request' if count == 'requests' else 'output token'}, "
                 f"{gpus} GPU(s)" + (f", {doc['model']}" if doc.get("model") else "")
                 + (f" on {doc['gpu']}" if doc.get("gpu") else ""))
    return runs, notes


def _num(value, path: Path, where: str, field: str, *, positive: bool = False) -> float:
    """A JSON number (never a boolean), finite, >= 0 (> 0 when ``positive``)."""
    loc = {"file": str(path), "dataset": where, "field": field}
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(Problem(f"expected a number; got {value!r}", **loc))
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError(Problem(f"expected a finite number; got {value}", **loc))
    if value < 0:
        why = " (an energy cannot be negative)" if "energy" in field else ""
        raise InputError(Problem(f"must be >= 0; got {value:g}{why}", **loc))
    if positive and value == 0:
        raise InputError(Problem("must be > 0; got 0", **loc))
    return value
