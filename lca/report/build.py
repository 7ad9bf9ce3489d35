"""Gather everything a report shows, through one :class:`~lca.prepared.PreparedService` per
service (no Brightway here).

:func:`gather` returns a :class:`ReportData` that :mod:`lca.report.html` renders; notebook
users can take its parts (results, contributions, Monte Carlo, sensitivity frames, sweeps)
and pass them to :mod:`lca.report.plots` themselves.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from lca.analysis.sensitivity import check_method
from lca.errors import InputError, Problem

log = logging.getLogger("lca.report")

@dataclass
class ServiceData:
    """One service's part of a report."""

    path: Path
    result: Any                      # lca.results.AssessmentResult
    contributions: Any               # lca.bw.contributions.Contributions
    graph: Any                       # networkx.DiGraph
    model: Any = None                # lca.core.compiled.CompiledModel
    uncertainty: Any = None          # lca.analysis.uncertainty.UncertaintyResult
    sensitivity: Any = None          # pandas.DataFrame
    sweeps: list = field(default_factory=list)  # [(SweepSpec, base value, DataFrame)]
    spec: dict | None = None         # the file's service and model blocks (goal and scope)
    values: dict = field(default_factory=dict)  # evaluated parameters, name -> value
    boundaries: Any = None           # lca.analysis.boundaries.Reconciliation
    disclosure: Any = None           # lca.analysis.disclosure.Disclosure


@dataclass
class ReportData:
    services: list[ServiceData]
    samples: int
    seed: int | None
    fu: str | None
    sensitivity_method: str | None
    comparison: Any = None           # lca.analysis.compare.Comparison
    created: str = ""
    gather_seconds: float = 0.0


class _Steps:
    """A tqdm bar over the report's steps (disabled when ``progress`` is false or
    ``TQDM_DISABLE`` is set), logging each step at debug level."""

    def __init__(self, total: int, progress: bool, desc: str):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=desc, unit="step", disable=not progress, leave=False)

    def __call__(self, what: str) -> None:
        log.debug("report: %s", what)
        self.bar.set_postfix_str(what[:40])
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def gather(services: list[str | os.PathLike], *, samples: int = 0, seed: int | None = None,
           fu: str | None = None, sensitivity: str | None = None,
           sweeps: list | None = None, top: int = 10,
           data_dir: str | os.PathLike | None = None, progress: bool = False,
           cache: bool = True) -> ReportData:
    """Assess each service and collect contributions, graph and, when asked, Monte Carlo
    (``samples`` > 0, paired with common random numbers when several services are given),
    sensitivity (``oat``, ``morris`` or ``sobol``) and sweeps (:mod:`lca.analysis.sweep`;
    ``None``: the default levers the service has, ``[]``: none)."""
    from lca.analysis import sweep as sw
    from lca.prepared import prepare

    if not services:
        raise InputError(Problem("a report needs at least one service file", field="SERVICES"))
    if samples < 0 or samples == 1:
        raise InputError(Problem(f"samples must be 0 (none) or at least 2; got {samples}",
                                 field="--samples"))
    if sensitivity is not None:
        check_method(sensitivity, "--sensitivity")
    if samples and seed is None:  # stated in the report, so the report can be rebuilt
        seed = int(np.random.SeedSequence().entropy % 2**31)
    start = time.perf_counter()
    per = 4 + (1 if sensitivity else 0) + 1
    steps = _Steps(per * len(services) + (1 if samples else 0), progress, "report data")
    out: list[ServiceData] = []
    try:
        prepared = [prepare(path, data_dir=data_dir, cache=cache) for path in services]
        models = []
        for svc in prepared:  # compiled first: a bad --sweep fails early
            models.append(svc.compile(fu))
            steps(f"compiled {svc.path.stem}")
        if sweeps:
            _check_sweeps(models, sweeps)
        for svc, model in zip(prepared, models):
            path = Path(svc.path)
            result = svc.assess(fu)
            steps(f"assessed {result.service}")
            contrib = svc.contributions(fu, top)
            steps(f"contributions of {result.service}")
            graph = svc.graph()
            steps(f"graph of {result.service}")
            data = ServiceData(path, result, contrib, graph, model)
            _exchange(svc, data)
            if sensitivity:
                data.sensitivity = _sensitivity(model, sensitivity, seed)
                steps(f"{sensitivity} sensitivity of {result.service}")
            specs = sw.default_sweeps(model) if sweeps is None else \
                [s for s in sweeps if s.parameter in {p.name for p in model.spec.parameters}]
            data.sweeps = [(s, sw.base_value(model, s.parameter), sw.sweep(model, s))
                           for s in specs]
            steps(f"sweeps of {result.service}")
            out.append(data)
        comparison = None
        if samples:
            comparison = _monte_carlo(out, samples, seed)
            steps(f"Monte Carlo, {samples} samples")
    finally:
        steps.close()
    return ReportData(out, samples, seed, fu, sensitivity, comparison,
                      datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                      time.perf_counter() - start)


def _exchange(svc, data: ServiceData) -> None:
    """The service file, its evaluated parameters, boundaries and energy disclosure
    (issue 16: the ISO 14040/44 and 14067-shaped sections); milliseconds once assessed."""
    from lca.analysis.boundaries import reconcile
    from lca.analysis.disclosure import disclose

    data.spec = svc.description()  # cached data: no pydantic import (~1 s) in a report
    data.values = svc.parameter_values()
    model = data.spec["model"]
    data.boundaries = reconcile(data.result, data.values, model)
    data.disclosure = disclose(data.result, data.values, data.boundaries, model)


def _check_sweeps(models, sweeps) -> None:
    """Every swept parameter is a parameter of at least one service."""
    names = {p.name for m in models for p in m.spec.parameters}
    missing = [s.parameter for s in sweeps if s.parameter not in names]
    if missing:
        raise InputError(Problem(f"no service has a parameter named '{missing[0]}'; "
                                 f"parameters: {', '.join(sorted(names))}", field="--sweep"))


def _sensitivity(model, method: str, seed: int | None):
    from lca.analysis import sensitivity as sens

    if not sens.uncertain_parameters(model):
        return None
    return sens.run(model, method, samples=100 if method == "morris" else 1024, seed=seed)


def _monte_carlo(services: list[ServiceData], samples: int, seed: int | None):
    """Monte Carlo of every service with the same seed; two or more services are paired
    (common random numbers), and each service's own result is its part of the pairing
    (the same draws a single-service run with this seed gives)."""
    from lca.analysis.compare import compare
    from lca.analysis.uncertainty import run

    if len(services) == 1:
        services[0].uncertainty = run(services[0].model, samples, seed=seed)
        return None
    names = _unique([s.result.service for s in services])
    comparison = compare(dict(zip(names, (s.model for s in services))), samples, seed=seed)
    for s, r in zip(services, comparison.results):
        s.uncertainty = r
    return comparison


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out
