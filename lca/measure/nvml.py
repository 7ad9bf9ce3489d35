"""An NVML/Zeus-style GPU energy log: one row per GPU per reading.

Format (CSV, UTF-8, a header row; extra columns are ignored)::

    timestamp,gpu_index,energy_j,run,requests,tokens
    2026-11-20T10:00:00,0,1000.0,1,0,0
    2026-11-20T10:00:10,0,4100.0,1,12,3600
    2026-11-20T10:00:10,1,3900.0,1,12,3600

- ``timestamp``: seconds (any clock, e.g. Unix time) or ISO 8601; required.
- ``gpu_index``: the GPU (NVML device index); required.
- ``energy_j``: joules; required, never negative. Either a **cumulative counter** (NVML's
  ``nvmlDeviceGetTotalEnergyConsumption``, in mJ: divide by 1,000; Zeus's
  ``ZeusMonitor`` totals) or the **energy of the interval** ending at the row's timestamp
  (per-window measurements). Which one is detected per file: a GPU's readings that
  (almost) never decrease are a counter (at most a quarter of the steps may go down, each
  such drop is taken as a counter reset); readings going up and down are intervals. At
  least 3 readings per GPU are needed to tell; with fewer, intervals are assumed. The
  detection is reported (``genai-lca measure`` prints it).
- Counter: a run's energy per GPU is the sum of the increases between readings; at a reset
  (a reading below the previous one) the counter restarted from 0, so the new reading is
  the energy since the reset (what ran between the previous reading and the reset is
  lost, and said so). Intervals: the sum of the rows.
- ``run`` (optional): runs of the file (any label); without it, the file is one run.
- ``requests``, ``tokens`` (optional): requests completed and output tokens generated
  **since the previous reading**, for the whole replica: repeat them on every GPU's row,
  or give them on one (per timestamp the largest value is taken). With a counter, the first
  reading's counts are left out (served before the energy was first read). Without them,
  give ``--requests`` / ``--tokens`` per run.
- Duration: last - first timestamp of the run (intervals: plus the median interval, the
  first row's own). GPU count: the distinct ``gpu_index`` values of the run. Energy is GPU
  board energy: the split is all GPU.

References
----------
1. NVIDIA, NVML API reference, ``nvmlDeviceGetTotalEnergyConsumption`` (mJ since the
   driver was last reloaded), https://docs.nvidia.com/deploy/nvml-api/
2. J. You, J.-W. Chung, M. Chowdhury, "Zeus: Understanding and Optimizing GPU Energy
   Consumption of DNN Training", NSDI 2023, https://ml.energy/zeus/
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np

from lca.errors import InputError, Problem
from lca.measure import J_PER_KWH, Run, csv_rows, number

REQUIRED = ("timestamp", "gpu_index", "energy_j")
#: Largest share of a counter's steps that may go down (each then a counter reset).
RESET_SHARE = 0.25


def seconds(text: str, path: Path, row: int) -> float:
    """A timestamp as seconds: a number as is, an ISO 8601 time as POSIX seconds."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        raise InputError(Problem(f"expected seconds or an ISO 8601 time; got {text!r}",
                                 file=str(path), dataset=f"row {row}", field="timestamp")) \
            from None


def is_counter(series: list[np.ndarray]) -> bool:
    """True when the readings (one array per GPU and run) look like cumulative counters."""
    steps = [np.diff(v) for v in series if len(v) >= 3]
    if not steps:
        return False
    drops = sum(int((s < 0).sum()) for s in steps)
    return drops <= RESET_SHARE * sum(len(s) for s in steps)


def counter_energy_j(values: np.ndarray) -> tuple[float, int]:
    """Energy of a cumulative counter's readings (J) and the number of resets."""
    steps = np.diff(values)
    reset = steps < 0
    return float(steps[~reset].sum() + values[1:][reset].sum()), int(reset.sum())


def read(path: Path) -> tuple[list[Run], list[str]]:
    """The runs of ``path`` and what was detected (counter or intervals, resets)."""
    rows = csv_rows(path, REQUIRED, "an NVML/Zeus energy log")
    has_run = any(r.get("run") for _, r in rows)
    by_run: dict[str, list] = defaultdict(list)
    for line, r in rows:
        t = seconds(r["timestamp"], path, line)
        gpu = number(r["gpu_index"], path, line, "gpu_index", integer=True)
        joules = number(r["energy_j"], path, line, "energy_j")
        counts = {c: number(r[c], path, line, c) if r.get(c) else None
                  for c in ("requests", "tokens")}
        by_run[r.get("run", "") if has_run else ""].append((t, int(gpu), joules, counts, line,
                                                            r["timestamp"]))
    series = {}
    for run, items in by_run.items():
        items.sort(key=lambda x: (x[0], x[1]))
        for gpu in sorted({i[1] for i in items}):
            series[run, gpu] = np.array([i[2] for i in items if i[1] == gpu])
    counter = is_counter(list(series.values()))
    notes = ["energy_j read as a cumulative counter" if counter else
             "energy_j read as the energy of each interval"]
    runs = []
    for run, items in by_run.items():
        gpus = sorted({i[1] for i in items})
        energy_j, resets = 0.0, 0
        for gpu in gpus:
            if counter:
                e, k = counter_energy_j(series[run, gpu])
                energy_j, resets = energy_j + e, resets + k
            else:
                energy_j += float(series[run, gpu].sum())
        if resets:
            notes.append(f"{resets} counter reset(s) in run {run or 1}: the energy between the "
                         "reading before each reset and the reset is not counted")
        times = np.array(sorted({i[0] for i in items}))
        duration = float(times[-1] - times[0])
        if not counter and len(times) > 1:
            duration += float(np.median(np.diff(times)))
        first = times[0] if counter else None
        counts = {}
        for c in ("requests", "tokens"):
            per_time: dict[float, float] = {}
            for t, _, _, cnt, _, _ in items:
                if cnt[c] is not None and t != first:
                    per_time[t] = max(per_time.get(t, 0.0), cnt[c])
            counts[c] = sum(per_time.values()) if per_time else None
        stamps = [i[5] for i in items]
        runs.append(Run(energy_kwh=energy_j / J_PER_KWH, gpu_kwh=energy_j / J_PER_KWH,
                        duration_s=duration if duration > 0 else None,
                        requests=counts["requests"], tokens=counts["tokens"], gpus=len(gpus),
                        start=stamps[0], end=stamps[-1], file=str(path),
                        row=max(i[4] for i in items)))
    return runs, notes
