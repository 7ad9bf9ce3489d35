"""Measurement logs -> the parameters of the ``measured`` energy model (issue 15).

A reader per log format turns a file into :class:`Run` records (one per measured run):
:mod:`lca.measure.codecarbon` (CodeCarbon's ``emissions.csv``), :mod:`lca.measure.nvml`
(an NVML/Zeus-style per-GPU energy log) and :mod:`lca.measure.mlenergy` (an ML.ENERGY-style
run summary). :func:`read` detects the format, reads every log and returns one
:class:`Measurement`; :mod:`lca.measure.fit` turns it into parameters with a lognormal
spread and a ``measurement`` source; :mod:`lca.measure.overlay` writes them into a service
file or an overlay (``genai-lca/overlay@1``) and applies an overlay to a service's text.

Base layer: numpy, csv, json and :mod:`lca.errors` only (no lca.data, no Brightway), so
that every layer above may read a log. Units: energy in kWh, durations in seconds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from lca.errors import InputError, Problem

#: The log formats, in the order :func:`detect` tries them.
KINDS = ("codecarbon", "nvml", "mlenergy")
J_PER_KWH = 3.6e6
#: Columns only CodeCarbon's emissions.csv has (any one of them says it is one).
CODECARBON_COLUMNS = {"energy_consumed", "emissions", "cpu_energy", "gpu_energy", "ram_energy",
                      "codecarbon_version"}


@dataclass(frozen=True)
class Run:
    """One measured run. ``energy_kwh`` is the whole run's energy (IT energy unless the
    log's tool applied a PUE); the split is None when the log does not give it."""

    energy_kwh: float
    gpu_kwh: float | None = None
    cpu_kwh: float | None = None
    ram_kwh: float | None = None
    duration_s: float | None = None
    requests: float | None = None
    tokens: float | None = None
    gpus: int | None = None
    country: str | None = None
    start: str | None = None   # timestamps as the log writes them
    end: str | None = None
    pue: float | None = None   # a PUE the tool already applied (CodeCarbon's ``pue``)
    file: str | None = None    # where the run was read (for error messages)
    row: int | None = None     # its (last) line in the file


@dataclass(frozen=True)
class Measurement:
    """The runs of one or more logs of one format, with the files' identities."""

    kind: str
    runs: tuple[Run, ...]
    files: tuple[tuple[str, str], ...]  # (path, sha256)
    notes: tuple[str, ...] = field(default_factory=tuple)  # what the reader detected

    @property
    def n(self) -> int:
        return len(self.runs)

    @property
    def energy_kwh(self) -> np.ndarray:
        """Energy of each run, kWh (the per-run sample array)."""
        return np.array([r.energy_kwh for r in self.runs], dtype=float)

    def split_kwh(self) -> dict[str, float]:
        """Mean GPU, CPU and RAM energy per run (kWh), for the parts every run gives."""
        out = {}
        for part in ("gpu", "cpu", "ram"):
            values = [getattr(r, f"{part}_kwh") for r in self.runs]
            if all(v is not None for v in values):
                out[part] = float(np.mean(values))
        return out

    def column(self, name: str) -> np.ndarray | None:
        """Per-run values of a Run field, or None when a run lacks it."""
        values = [getattr(r, name) for r in self.runs]
        return None if any(v is None for v in values) else np.array(values, dtype=float)

    @property
    def gpus(self) -> int | None:
        """The most GPUs a run used (None: the logs do not say)."""
        return max((r.gpus for r in self.runs if r.gpus is not None), default=None)

    @property
    def country(self) -> str | None:
        found = sorted({r.country for r in self.runs if r.country})
        return ", ".join(found) or None

    @property
    def period(self) -> tuple[str | None, str | None]:
        """First and last timestamp of the runs, as written in the logs."""
        stamps = sorted((s for r in self.runs for s in (r.start, r.end) if s), key=_when)
        return (stamps[0], stamps[-1]) if stamps else (None, None)


def _when(stamp: str) -> tuple:
    """Sort key of a timestamp: seconds as numbers, ISO 8601 text as text."""
    try:
        return (0, float(stamp), "")
    except ValueError:
        return (1, 0.0, stamp)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def detect(path: Path) -> str:
    """The format of ``path``: JSON -> ``mlenergy``; a CSV header with one of CodeCarbon's
    energy columns -> ``codecarbon``, with ``energy_j`` or ``gpu_index`` -> ``nvml`` (the
    reader then asks for its missing columns); else an InputError listing the formats."""
    text = read_text(path)
    head = text.lstrip()[:1]
    if head in ("{", "["):
        return "mlenergy"
    header = {c.strip() for c in text.splitlines()[0].split(",")} if text.strip() else set()
    if header & CODECARBON_COLUMNS:
        return "codecarbon"
    if header & {"energy_j", "gpu_index"}:
        return "nvml"
    raise InputError(Problem(
        "unknown log format: expected a CodeCarbon emissions.csv (column energy_consumed), "
        "an NVML/Zeus energy log (columns timestamp, gpu_index, energy_j) or an ML.ENERGY "
        "run summary (JSON); give --kind codecarbon, nvml or mlenergy", file=str(path)))


def read_text(path: Path) -> str:
    """The log's text; a missing, unreadable or empty file is an InputError naming it."""
    path = Path(path)
    if not path.is_file():
        raise InputError(Problem("log file not found", file=str(path)))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(f"cannot be read: {exc}", file=str(path))) from None
    if not text.strip():
        raise InputError(Problem("the log is empty: no header and no run", file=str(path)))
    return text


def read(paths: list[str | Path], kind: str | None = None, *,
         requests: float | None = None, tokens: float | None = None) -> Measurement:
    """Every run of the logs ``paths`` (one format: ``kind``, or detected from each file).

    ``requests`` / ``tokens``: served per run, for logs that do not count them (CodeCarbon;
    an NVML log without the columns); a log's own counts win over them only when given.
    """
    from lca.measure import codecarbon, mlenergy, nvml

    readers = {"codecarbon": codecarbon.read, "nvml": nvml.read, "mlenergy": mlenergy.read}
    if kind is not None and kind not in readers:
        raise InputError(Problem(f"unknown log format '{kind}'; use one of "
                                 f"{', '.join(KINDS)}", field="--kind"))
    if not paths:
        raise InputError(Problem("give at least one log file", field="LOG"))
    runs, files, notes, kinds = [], [], [], set()
    for p in map(Path, paths):
        this = kind or detect(p)
        kinds.add(this)
        got, said = readers[this](p)
        runs += [_counted(r, requests, tokens) for r in got]
        files.append((str(p), sha256(p)))
        notes += [f"{p.name}: {s}" for s in said]
    if len(kinds) > 1:
        raise InputError(Problem(f"the logs are of different formats ({', '.join(sorted(kinds))})"
                                 "; measure one format at a time", field="LOG"))
    return Measurement(kinds.pop(), tuple(runs), tuple(files), tuple(notes))


def _counted(run: Run, requests: float | None, tokens: float | None) -> Run:
    return replace(run, requests=run.requests if run.requests is not None else requests,
                   tokens=run.tokens if run.tokens is not None else tokens)


def number(text: str, path: Path, row: int, column: str, *, low: float | None = 0.0,
           integer: bool = False, positive: bool = False) -> float:
    """A cell as a finite number (>= ``low``; > 0 when ``positive``), or an InputError
    naming the file, the row (line of the file) and the column."""
    where = {"file": str(path), "dataset": f"row {row}", "field": column}
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise InputError(Problem(f"expected a number; got {text!r}", **where)) from None
    if not np.isfinite(value):
        raise InputError(Problem(f"expected a finite number; got {text!r}", **where))
    if low is not None and value < low:
        why = " (an energy cannot be negative)" if "energy" in column else ""
        raise InputError(Problem(f"must be >= {low:g}; got {value:g}{why}", **where))
    if positive and not value > 0:
        raise InputError(Problem(f"must be > 0; got {value:g}", **where))
    if integer and value != int(value):
        raise InputError(Problem(f"expected a whole number; got {value:g}", **where))
    return value


def csv_rows(path: Path, required: tuple[str, ...], what: str) -> list[tuple[int, dict]]:
    """The rows of a CSV log as (line number, {column: text}); an InputError naming the
    file and the header row when a ``required`` column is missing, or when no row follows."""
    import csv
    import io

    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text))
    header = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(Problem(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} for {what} "
            f"(expected at least: {', '.join(required)}; found: {', '.join(header) or 'none'})",
            file=str(path), dataset="row 1", field=missing[0]))
    rows = []
    for row in reader:
        cells = {(k or "").strip(): (v or "").strip() for k, v in row.items()
                 if not isinstance(v, list)}
        if any(cells.values()):
            rows.append((reader.line_num, cells))
    if not rows:
        raise InputError(Problem(f"the log has a header but no row: no run to measure ({what})",
                                 file=str(path)))
    return rows
