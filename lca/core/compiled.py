"""The compiled parametric model: a service's foreground as vectorised NumPy code.

A :class:`ForegroundSpec` (plain data, extracted from Brightway by
:func:`lca.bw.extract.foreground_spec`) holds the foreground activities, their exchanges
(amounts or safe formulas over the service's parameters), the parameters (values,
formulas, distributions) and, for every background activity or elementary flow the
foreground touches, its score per unit for every indicator (the background solved once by
bw2calc). :class:`CompiledModel` then evaluates N parameter sets at once:

    parameters (N) -> exchange amounts (N each) -> supply of each foreground activity
    (consumers first; loops solved as small batched systems) -> score per indicator, per stage and per activity (N each).

For a deterministic case it equals bw2calc on the written databases (tests: 1e-9). It
pickles (plain arrays and formula text), so Dask workers can receive it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lca.data.distributions import Distribution
from lca.formula import Formula, evaluate_all


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter: a value, or a formula over other parameters, and optionally a
    distribution (:mod:`lca.data.distributions`; a triangular one peaks at ``amount``)."""

    name: str
    amount: float
    formula: str | None = None
    distribution: Distribution | None = None


@dataclass(frozen=True)
class ExchangeSpec:
    """One foreground exchange. ``target`` indexes a foreground activity (``kind='fg'``) or
    a row of ``ForegroundSpec.unit_scores`` (``kind='bg'``: background activity or flow)."""

    consumer: int
    kind: str
    target: int
    amount: float
    formula: str | None = None
    distribution: Distribution | None = None
    sign: float = 1.0  # -1 for a substitution (an avoided product), as bw2calc signs it


@dataclass(frozen=True)
class ForegroundSpec:
    activities: list[str]                # codes, index = foreground id
    stages: list[str]
    production: np.ndarray               # (n_fg,)
    exchanges: list[ExchangeSpec]
    parameters: list[ParameterSpec]
    indicators: list[str]                # + "energy_kwh" last
    unit_scores: np.ndarray              # (n_bg, n_indicators): score per unit of each target
    background: list[tuple] = field(default_factory=list)  # keys of the unit_scores rows
    #: the background's uncertain entries (:class:`lca.core.background.BackgroundUncertainty`),
    #: extracted on request only
    background_uncertainty: Any = None


class CompiledModel:
    """Evaluate a foreground for many parameter sets at once. Build with
    :func:`lca.bw.extract.compile_service` (or from :func:`lca.bw.extract.foreground_spec`)."""

    def __init__(self, spec: ForegroundSpec, root: int, amount: float | str):
        self.spec, self.root, self.amount = spec, root, amount
        self.components = _consumer_first_components(spec)
        self._formulas = {e.formula: Formula(e.formula) for e in spec.exchanges if e.formula}
        self.stage_names = sorted(set(spec.stages))
        self._fg_by_consumer: dict[int, list[int]] = {}
        for k, e in enumerate(spec.exchanges):
            if e.kind == "fg":
                self._fg_by_consumer.setdefault(e.consumer, []).append(k)
        self._bg = np.array([k for k, e in enumerate(spec.exchanges) if e.kind == "bg"], dtype=int)
        self._bg_consumer = np.array([spec.exchanges[k].consumer for k in self._bg], dtype=int)
        self._bg_scores = spec.unit_scores[[spec.exchanges[k].target for k in self._bg]] \
            if len(self._bg) else np.zeros((0, len(spec.indicators)))
        stage_of = np.array([self.stage_names.index(spec.stages[c]) for c in self._bg_consumer],
                            dtype=int)
        self._stage_masks = [stage_of == s for s in range(len(self.stage_names))]
        self._stored = [float(np.float32(e.amount)) for e in spec.exchanges]

    # ------------------------------------------------------------------ parameters
    def parameter_values(self, n: int = 1, *, seed: int | np.random.Generator | None = None,
                         uncertain: bool = False,
                         fixed: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Values of every parameter for ``n`` samples (deterministic when not ``uncertain``);
        ``fixed`` overrides given parameters (arrays of length ``n``). A
        :class:`numpy.random.SeedSequence` seed gives each parameter its own stream keyed by
        its name (common random numbers across models)."""
        rng = np.random.default_rng(seed) if not isinstance(
            seed, (np.random.Generator, np.random.SeedSequence)) else seed
        base: dict[str, Any] = {}
        formulas: dict[str, str] = {}
        for p in self.spec.parameters:
            if fixed and p.name in fixed:
                base[p.name] = np.asarray(fixed[p.name], dtype=float)
            elif p.formula:
                formulas[p.name] = p.formula
            elif uncertain and p.distribution is not None:
                base[p.name] = p.distribution.sample(n, _stream(rng, p.name))
            else:
                base[p.name] = np.full(n, p.amount)
        return {k: np.broadcast_to(np.asarray(v, dtype=float), (n,))
                for k, v in evaluate_all(formulas, base).items()}

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, values: dict[str, np.ndarray], *, uncertain_exchanges: bool = False,
                 seed: int | np.random.Generator | None = None, float32_amounts: bool = True,
                 by_activity: bool = False, background: np.ndarray | None = None
                 ) -> dict[str, np.ndarray]:
        """Scores for every sample: ``{"total": (n, n_ind), "by_stage": (n, n_stages,
        n_ind)}`` (+ ``"by_activity": (n, n_fg, n_ind)`` on request); indicators in
        ``spec.indicators`` order, stages in ``stage_names`` order.

        ``float32_amounts`` rounds each exchange amount as Brightway stores it (bw_processing
        writes float32 arrays), so a deterministic evaluation equals bw2calc to ~1e-12;
        switch it off for full float64 arithmetic (differences of ~1e-7 relative).
        ``background``: (n, n_unit_score_rows, n_ind) changes of the per-unit scores, one set
        per sample (sampled background, see :meth:`sample_background`)."""
        spec = self.spec
        n = len(next(iter(values.values()))) if values else 1
        if background is not None:  # one parameter set for many backgrounds broadcasts
            n = max(n, len(background))
        rng = np.random.default_rng(seed) if not isinstance(seed, np.random.Generator) else seed
        # One contiguous row per exchange / activity (samples along the fast axis).
        amounts = np.empty((len(spec.exchanges), n))
        for k, e in enumerate(spec.exchanges):
            if e.formula:
                amounts[k] = self._formulas[e.formula].evaluate(values)
            elif uncertain_exchanges and e.distribution is not None:
                amounts[k] = e.distribution.sample(n, rng)
            else:
                amounts[k] = self._stored[k] if float32_amounts else e.amount
            if float32_amounts and e.formula:
                amounts[k] = amounts[k].astype(np.float32)
            if e.sign != 1.0:
                amounts[k] *= e.sign
        root_amount = (Formula(self.amount).evaluate(values) if isinstance(self.amount, str)
                       else self.amount)
        supply = self._supply(amounts, np.broadcast_to(np.asarray(root_amount, float), (n,)),
                             float32_amounts)
        # background exchanges: flow = amount x consumer supply; score = unit scores . flow
        flows = amounts[self._bg] * supply[self._bg_consumer]
        if background is None:
            def part(mask):  # (n_ind, n): unit scores . flows of the masked exchanges
                return self._bg_scores.T[:, mask] @ flows[mask]
        else:  # every sample its own unit scores: (n_ind, n_bg, n) contributions, once
            rows = [spec.exchanges[k].target for k in self._bg]
            contrib = (self._bg_scores.T[:, :, None] + background[:, rows].transpose(2, 1, 0)
                       ) * flows[None]

            def part(mask):
                return contrib[:, mask].sum(axis=1)
        by_stage = np.empty((len(self.stage_names), len(spec.indicators), n))
        for s, m in enumerate(self._stage_masks):
            by_stage[s] = part(m)
        out = {"total": by_stage.sum(axis=0).T, "by_stage": by_stage.transpose(2, 0, 1)}
        if by_activity:
            out["by_activity"] = np.stack([part(self._bg_consumer == a) for a in
                                           range(len(spec.activities))]).transpose(2, 0, 1)
        return out

    def sample_background(self, n: int, seed: np.random.Generator | np.random.SeedSequence
                          ) -> np.ndarray:
        """(n, n_unit_score_rows, n_ind) sampled changes of the per-unit scores (for
        :meth:`evaluate`'s ``background``); needs a model compiled with background
        uncertainty."""
        bu = self.spec.background_uncertainty
        if bu is None:
            raise ValueError("this model was compiled without background uncertainty "
                             "(compile with background_uncertainty=True)")
        return bu.delta_scores(*bu.draw(n, seed), len(self.spec.unit_scores))

    def _supply(self, amounts: np.ndarray, root_amount: np.ndarray, float32: bool = True
                ) -> np.ndarray:
        """(n_fg, n) activity levels: production x level = demand from the functional unit
        and from consumers. Components in consumer-first order, so each one's demand is
        complete when reached; a cyclic component is one batched dense solve per sample
        (a few activities, so ``numpy.linalg.solve`` on (n, k, k) stacks). An activity that
        consumes its own product is netted on the diagonal, rounded to float32 as
        Brightway stores the net amount."""
        spec = self.spec
        production = spec.production
        supply = np.zeros((len(spec.activities), amounts.shape[1]))
        demand = np.zeros_like(supply)
        demand[self.root] = root_amount
        for comp in self.components:
            inside = {a: j for j, a in enumerate(comp)}
            loops = [k for a in comp for k in self._fg_by_consumer.get(a, ())
                     if spec.exchanges[k].target in inside]
            if not loops:
                supply[comp[0]] = demand[comp[0]] / production[comp[0]]
            else:
                m = np.zeros((amounts.shape[1], len(comp), len(comp)))
                diagonal = np.repeat(production[comp, None], amounts.shape[1], axis=1)
                for k in loops:
                    e = spec.exchanges[k]
                    if e.target == e.consumer:
                        diagonal[inside[e.target]] -= amounts[k]
                    else:
                        m[:, inside[e.target], inside[e.consumer]] -= amounts[k]
                idx = range(len(comp))
                m[:, idx, idx] = (diagonal.astype(np.float32) if float32 else diagonal).T
                supply[comp] = np.linalg.solve(m, demand[comp].T[..., None])[..., 0].T
            for a in comp:
                for k in self._fg_by_consumer.get(a, ()):
                    t = spec.exchanges[k].target
                    if t not in inside:
                        demand[t] += amounts[k] * supply[a]
        return supply

    def __reduce__(self):
        return (CompiledModel, (self.spec, self.root, self.amount))


def _stream(seed: np.random.Generator | np.random.SeedSequence, name: str
            ) -> np.random.Generator:
    """The random stream of parameter ``name``: from a SeedSequence, one child per name, so
    two models sharing a parameter name draw the same values (common random numbers);
    from a Generator, that generator."""
    if isinstance(seed, np.random.SeedSequence):
        import zlib

        return np.random.default_rng(np.random.SeedSequence(
            seed.entropy, spawn_key=tuple(seed.spawn_key) + (zlib.crc32(name.encode()),)))
    return seed


def _consumer_first_components(spec: ForegroundSpec) -> list[list[int]]:
    """Strongly connected components of the foreground supply graph, consumers first.

    An acyclic foreground gives one activity per component; a loop (an activity supplying,
    directly or not, one of its own suppliers, or itself) gives one component to solve as
    a small linear system."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(len(spec.activities)))
    g.add_edges_from((e.consumer, e.target) for e in spec.exchanges if e.kind == "fg")
    dag = nx.condensation(g)
    return [sorted(dag.nodes[c]["members"]) for c in nx.topological_sort(dag)]
