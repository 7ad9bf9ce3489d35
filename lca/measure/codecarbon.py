"""CodeCarbon's ``emissions.csv`` (CodeCarbon 3.x, https://mlco2.github.io/codecarbon/).

One row per tracked run (a tracker's ``start()``..``stop()``; several runs append rows).
Columns read (others are ignored):

- ``energy_consumed`` (kWh): the run's total energy = ``cpu_energy`` + ``gpu_energy`` +
  ``ram_energy`` (kWh each), times CodeCarbon's ``pue`` when one was set (column ``pue``);
- ``duration`` (s), ``timestamp`` (ISO 8601, the end of the run), ``run_id``;
- ``gpu_count`` (empty or 0 without a GPU), ``country_iso_code``.

Required: ``timestamp``, ``duration``, ``energy_consumed``. CodeCarbon counts no requests
or tokens: give them per run (``--requests`` / ``--tokens``). On a machine without RAPL or
a GPU, CodeCarbon estimates CPU power from its TDP table (its "CPU fallback"): the figure is
then an estimate, which the source's notes say.

References
----------
1. CodeCarbon, "Output" (emissions.csv fields), https://mlco2.github.io/codecarbon/output.html
"""

from __future__ import annotations

from pathlib import Path

from lca.measure import Run, csv_rows, number

REQUIRED = ("timestamp", "duration", "energy_consumed")


def read(path: Path) -> tuple[list[Run], list[str]]:
    """The runs of ``path`` (one per row) and what was noticed on the way."""
    runs, notes = [], []
    for line, row in csv_rows(path, REQUIRED, "a CodeCarbon emissions.csv"):
        def num(col, **kw):
            return number(row[col], path, line, col, **kw) if row.get(col) else None

        energy = num("energy_consumed", positive=True)
        gpus = num("gpu_count", integer=True)
        pue = num("pue", low=1.0)
        runs.append(Run(energy_kwh=energy, gpu_kwh=num("gpu_energy"), cpu_kwh=num("cpu_energy"),
                        ram_kwh=num("ram_energy"), duration_s=num("duration", positive=True),
                        gpus=int(gpus) if gpus is not None else None,
                        country=row.get("country_iso_code") or None,
                        start=row["timestamp"] or None, end=row["timestamp"] or None, pue=pue,
                        file=str(path), row=line))
    if not any(r.gpus for r in runs):
        notes.append("no GPU tracked (gpu_count empty or 0): CPU and RAM energy only")
    return runs, notes
