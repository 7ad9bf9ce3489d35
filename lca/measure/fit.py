"""A :class:`~lca.measure.Measurement` -> the parameters of the ``measured`` energy model.

Per run ``i`` the quantity the model reads is computed, then:

- the parameter's amount is the arithmetic mean of the runs' values ``x_i``;
- its spread is a lognormal with ``gsd = exp(s)``, ``s`` the sample standard deviation
  (``ddof=1``) of ``ln x_i``, centred (as stats_arrays does: the amount is the median) on
  that mean. With one run no spread is known: no distribution is given and a warning says
  so; runs that are all equal give none either.

Inference (``stage="inference"``): ``x_i = 1000 x E_i / requests_i`` Wh per request, or
``1000 x E_i / tokens_i x output_tokens_per_request`` (the service's tokens per request)
when the runs count tokens only -> ``inference_wh_per_request``;
``inference_gpu_hours_per_request = duration_i x GPUs / requests_i / 3600``;
``inference_energy_includes_pue`` is 1 when the logged energy is facility energy.
Training or fine-tuning (``stage="training"``, ``"fine_tuning"``): ``x_i = E_i`` kWh per
campaign -> ``<stage>_energy_kwh``; ``<stage>_gpu_hours = duration_i x GPUs / 3600``.

The GPU/CPU/RAM split of the energy stays in the parameter's comment and the summary
(the ``measured`` model reads one energy). Every parameter cites a new local source of
kind ``measurement`` naming the files, their sha256 prefix and the period measured.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from lca.errors import InputError, Problem
from lca.measure import Measurement

STAGES = ("inference", "training", "fine_tuning")
TOOLS = {"codecarbon": "CodeCarbon emissions.csv", "nvml": "NVML/Zeus GPU energy log",
         "mlenergy": "ML.ENERGY-style run summary"}


@dataclass(frozen=True)
class Spread:
    """Mean, sample standard deviation and geometric standard deviation of runs' values
    (``gsd`` None: no spread known)."""

    n: int
    mean: float
    sd: float | None
    gsd: float | None

    @classmethod
    def of(cls, values: np.ndarray) -> Spread:
        n, mean = len(values), float(np.mean(values))
        if n < 2:
            return cls(n, mean, None, None)
        s = float(np.std(np.log(values), ddof=1))
        return cls(n, mean, float(np.std(values, ddof=1)), math.exp(s) if s > 1e-12 else None)

    def uncertainty(self) -> dict | None:
        return {"type": "lognormal", "gsd": self.gsd} if self.gsd is not None else None


@dataclass(frozen=True)
class Fit:
    """What a measurement gives the service model."""

    stage: str
    model: dict              # the energy switch, e.g. {"inference": {"energy_model": "measured"}}
    parameters: list[dict]   # service-file parameter entries
    source: dict             # the local bibliography entry they cite
    spreads: dict[str, Spread]
    split_kwh: dict[str, float]   # mean GPU/CPU/RAM energy per run
    warnings: list[str]
    per_run: str = "run"          # what one run is (ML.ENERGY: one request or output token)

    def summary(self) -> str:
        """A text table: per parameter runs, mean, sd, gsd; then the split."""
        lines = [f"{'parameter':<34} {'runs':>4} {'mean':>12} {'sd':>12} {'gsd':>8}"]
        for p in self.parameters:
            s = self.spreads.get(p["name"])
            if s is None:
                lines.append(f"{p['name']:<34} {'':>4} {p['amount']:>12.6g}")
                continue
            lines.append(f"{p['name']:<34} {s.n:>4} {s.mean:>12.6g} "
                         f"{'-' if s.sd is None else format(s.sd, '.4g'):>12} "
                         f"{'-' if s.gsd is None else format(s.gsd, '.4f'):>8}")
        if self.split_kwh:
            lines.append(f"energy per {self.per_run}, kWh: " + ", ".join(
                f"{k.upper()} {v:.6g}" for k, v in self.split_kwh.items()))
        return "\n".join(lines)


def fit(m: Measurement, *, stage: str = "inference", includes_pue: bool = False,
        gpus: int | None = None, tokens_per_request: float | None = None,
        service_id: str = "service") -> Fit:
    """The ``measured`` model's parameters for ``stage`` from the runs of ``m``.

    ``gpus`` overrides the logs' GPU count; ``tokens_per_request`` (the service's
    ``output_tokens_per_request``) converts per-token runs to per request."""
    if stage not in STAGES:
        raise InputError(Problem(f"unknown stage '{stage}'; use one of {', '.join(STAGES)}",
                                 field="--stage"))
    warnings: list[str] = []
    energy = m.energy_kwh
    if not (energy > 0).all():
        r = m.runs[int(np.flatnonzero(~(energy > 0))[0])]
        raise InputError(Problem("a run with no energy (0 kWh): nothing to fit a spread to",
                                 file=r.file, dataset=f"row {r.row}" if r.row else None,
                                 field="energy"))
    if not includes_pue and all((r.pue or 1.0) > 1.0 for r in m.runs):
        includes_pue = True
        warnings.append(f"the log's energy includes the PUE its tool applied "
                        f"({m.runs[0].pue:g}): read as facility energy "
                        "(energy_includes_pue = 1)")
    n_gpus = [gpus if gpus is not None else r.gpus for r in m.runs]
    hours = [r.duration_s * g / 3600 if r.duration_s is not None and g is not None else None
             for r, g in zip(m.runs, n_gpus)]
    if stage == "inference":
        served, per = _served(m, tokens_per_request)
        values = energy / served * 1000 * per
        gpu_hours = None if None in hours else np.array(hours) / served * per
        names = ("inference_wh_per_request", "Wh / request", "inference_energy_includes_pue",
                 "inference_gpu_hours_per_request", "hour / request")
    else:
        values = energy
        gpu_hours = None if None in hours else np.array(hours)
        names = (f"{stage}_energy_kwh", "kWh", f"{stage}_energy_includes_pue",
                 f"{stage}_gpu_hours", "hour")
    source = _source(m, service_id)
    spreads = {names[0]: Spread.of(values)}
    split = m.split_kwh()
    how = ("per request" if stage == "inference" and m.column("requests") is not None
           else f"per output token x {tokens_per_request:g} output tokens per request"
           if stage == "inference" else "per campaign")
    comment = _comment(spreads[names[0]], how, split, m)
    params = [_param(names[0], names[1], spreads[names[0]], source["id"], comment),
              {"name": names[2], "amount": 1.0 if includes_pue else 0.0,
               "unit": "dimensionless", "source": source["id"],
               "comment": "the logged energy is facility energy (PUE included)" if includes_pue
               else "the logged energy is IT energy: PUE applied on top"}]
    why = "the logs lack duration or GPU count"
    if gpu_hours is not None and not (gpu_hours > 0).all():
        why, gpu_hours = "the logs count no GPU (gpu_count 0): give --gpus N", None
    if gpu_hours is not None:
        spreads[names[3]] = Spread.of(gpu_hours)
        params.append(_param(names[3], names[4], spreads[names[3]], source["id"],
                             f"measured ({m.kind}): duration x {_gpus_text(n_gpus)} GPU(s)"
                             f"{' / served' if stage == 'inference' else ''}, mean of "
                             f"{m.n} run(s)"))
    else:
        warnings.append(f"no GPU-hours derived ({why}): '{names[3]}' is not measured; the "
                        "service must give it when its boundary includes embodied hardware")
    if m.n == 1:
        warnings.append(f"one run only: no run-to-run spread is known, so '{names[0]}' has no "
                        "distribution; measure several runs to give it one")
    elif spreads[names[0]].gsd is None:
        warnings.append(f"the {m.n} runs give the same value: no spread for '{names[0]}'")
    switch = {"energy_model": "measured"} if stage == "inference" else {"energy": "measured"}
    per_run = "run" if m.kind != "mlenergy" else \
        "request" if m.column("requests") is not None else "output token"
    return Fit(stage, {stage: switch}, params, source, spreads, split, warnings, per_run)


def _served(m: Measurement, tokens_per_request: float | None) -> tuple[np.ndarray, float]:
    """Per run: what was served (requests, or tokens) and the factor to one request."""
    requests, tokens = m.column("requests"), m.column("tokens")
    if requests is not None:
        counted, column = requests, "requests"
    elif tokens is not None:
        if tokens_per_request is None:
            raise InputError(Problem(
                "the runs count tokens, not requests: the service must give a number for "
                "'output_tokens_per_request' to turn energy per token into energy per "
                "request", field="parameters.output_tokens_per_request"))
        counted, column = tokens, "tokens"
    else:
        raise InputError(Problem(
            "the logs count no requests or tokens: give --requests N or --tokens N (served "
            "per run)", file=m.files[0][0], field="requests"))
    for r, c in zip(m.runs, counted):
        if not c > 0:
            raise InputError(Problem(f"a run served 0 {column}: energy per {column[:-1]} is "
                                     "undefined", file=r.file,
                                     dataset=f"row {r.row}" if r.row else None, field=column))
    return counted, 1.0 if column == "requests" else float(tokens_per_request)


def _param(name: str, unit: str, s: Spread, source: str, comment: str) -> dict:
    p = {"name": name, "amount": s.mean, "unit": unit, "source": source}
    if (u := s.uncertainty()) is not None:
        p["uncertainty"] = u
    p["comment"] = comment
    return p


def _comment(s: Spread, how: str, split: dict, m: Measurement) -> str:
    spread = (f", sd {s.sd:.4g}, gsd {s.gsd:.4f}" if s.gsd is not None else
              ", no spread known" if s.n == 1 else ", runs all equal")
    parts = "; per run GPU/CPU/RAM kWh: " + " / ".join(
        f"{split[k]:.4g}" if k in split else "-" for k in ("gpu", "cpu", "ram")) \
        if split else ""
    return f"measured ({m.kind}): mean of {s.n} run(s) {how}{spread}{parts}"


def _gpus_text(n: list) -> str:
    found = sorted({g for g in n if g is not None})
    return "/".join(map(str, found)) or "0"


def _source(m: Measurement, service_id: str) -> dict:
    """The local bibliography entry of the measurement (kind ``measurement``)."""
    digest = hashlib.sha256("".join(h for _, h in m.files).encode()).hexdigest()[:12]
    names = ", ".join(f"'{Path(p).name}' (sha256 {h[:12]})" for p, h in m.files)
    start, end = m.period
    period = f", {start} to {end}" if start and start != end else f", {start}" if start else ""
    year = int(start[:4]) if start and re.match(r"\d{4}-", start) else date.today().year
    notes = [f"{m.n} run(s)"] + list(m.notes)
    if m.country:
        notes.append(f"country {m.country}")
    return {"id": f"measured-{m.kind}-{digest}",
            "citation": f"{TOOLS[m.kind]} {names}{period}, measured for service "
                        f"'{service_id}' (genai-lca measure)",
            "year": year, "licence": "the measurer's own data",
            "kind": "measurement", "notes": "; ".join(notes)}
