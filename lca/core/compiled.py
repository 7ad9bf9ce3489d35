"""The compiled parametric model: a service's foreground as vectorised NumPy code.

A :class:`ForegroundSpec` (plain data, extracted from Brightway by
:func:`lca.bw.extract.foreground_spec`) holds the foreground activities, their exchanges
(amounts or safe formulas over the service's parameters), the parameters (values,
formulas, distributions) and, for every background activity or elementary flow the
foreground touches, its score per unit for every indicator (the background solved once by
bw2calc). :class:`CompiledModel` then evaluates N parameter sets at once:

    parameters (N) -> exchange amounts (N each) -> supply of each foreground activity
    (consumers first; loops solved as small batched systems) -> score per indicator, per
    stage and per activity (N each).

For a deterministic case it equals bw2calc on the written databases (tests: 1e-9). It
pickles (plain arrays and formula text), so Dask workers can receive it.
"""

from __future__ import annotations

import ast
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lca.data.distributions import Distribution
from lca.errors import FormulaError
from lca.formula import _BINARY, _UNARY, Formula, _eval


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
    :func:`lca.bw.extract.compile_service` (or from :func:`lca.bw.extract.foreground_spec`).

    Speed (the reference chat service, ``benchmarks/sampling.py --monte-carlo-only``, 10^6
    samples in chunks of 50,000): a parameter without a distribution stays one number
    through the formulas instead of n equal values; each distinct exchange formula is
    evaluated once per chunk, its + - * / into scratch arrays reused from chunk to chunk
    (:class:`_Scratch`: page faults per 10^6 samples 68,000 -> 4,000); the scores of every
    stage and the total come from two thin products kept on one OpenBLAS thread and
    written straight into the caller's result (``out``); and
    :func:`lca.analysis.uncertainty.run` evaluates chunks on two threads. The draws are
    unchanged (the same Generator methods in the same order): a seed's samples are
    bit-identical to before. Measured 2026-11-28 on the 2-core development machine (numpy 2,
    OpenBLAS 0.3.31), samples/s, first run in a process / median of the next three: at load
    average 0.6, before (commit 3095f35) 1.27 M / 1.33 M, after 3.68 M / 3.56 M (2.72 M /
    2.71 M on one thread); shared with other work (load 1.3-2.9), before 0.85-1.7 M /
    1.0-1.9 M (490-790 ns of CPU per sample), after 1.8-4.4 M / 1.9-4.3 M (320-550 ns of
    CPU per sample, both threads). Under heavy load (3.7) both fall to ~1 M/s. Those figures
    are for the throughput-model services; on the roofline serving model (more formulas, 10
    to 16 uncertain inputs; issue 13), at load 1.1: chat-70b-h100 1.26 M / 2.17 M
    (1,003 / 818 ns of CPU per sample), chat-8b-h200 1.31 M / 1.37 M (750 / 714 ns).
    """

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
        # (n_bg, n_stages * n_ind): each background exchange's unit scores in its stage's
        # block, so flows^T @ W is the (n, n_stages, n_ind) score of every stage at once
        n_ind = len(spec.indicators)
        self._stage_scores = np.zeros((len(self._bg), len(self.stage_names) * n_ind))
        for j, s in enumerate(stage_of):
            self._stage_scores[j, s * n_ind:(s + 1) * n_ind] = self._bg_scores[j]
        self._stage_sum = np.tile(np.eye(n_ind), (len(self.stage_names), 1))
        # Samples per block of the two products above: OpenBLAS runs a product of
        # m x n x k <= 262,144 (its SMP threshold) on one thread; above, its threads cost
        # more than they save on these thin products (5x the CPU time, 3x the wall time on
        # the 2-core machine when busy: 15 ms against 3 ms per 50,000 samples).
        self._block = int(np.clip(250_000 // max(1, self._stage_scores.size,
                                                  self._stage_sum.size), 64, 8192))
        self._stored = [float(np.float32(e.amount)) for e in spec.exchanges]
        self._parameter_formulas = {p.name: Formula(p.formula) for p in spec.parameters
                                    if p.formula}
        self._parameter_order: list[str] | None = None  # dependency order, on first use
        self._local = threading.local()  # each thread's _Scratch (not pickled: __reduce__)

    def _scratch_for(self, n: int) -> _Scratch:
        """This thread's reusable scratch arrays when ``n`` is chunk-sized, else a throwaway
        one (so a single huge evaluation does not keep its memory)."""
        if n > _SCRATCH_MAX_N:
            return _Scratch()
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = _Scratch()
        return scratch

    # ------------------------------------------------------------------ parameters
    def parameter_values(self, n: int = 1, *, seed: int | np.random.Generator | None = None,
                         uncertain: bool = False,
                         fixed: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Values of every parameter for ``n`` samples (deterministic when not ``uncertain``);
        ``fixed`` overrides given parameters (arrays of length ``n``). A
        :class:`numpy.random.SeedSequence` seed gives each parameter its own stream keyed by
        its name (common random numbers across models). A parameter that does not vary is
        a read-only view of one value (stride 0), not n copies."""
        rng = np.random.default_rng(seed) if not isinstance(
            seed, (np.random.Generator, np.random.SeedSequence)) else seed
        values: dict[str, Any] = {}
        for p in self.spec.parameters:
            if fixed and p.name in fixed:
                values[p.name] = np.asarray(fixed[p.name], dtype=float)
            elif p.formula:
                continue
            elif uncertain and p.distribution is not None:
                values[p.name] = p.distribution.sample(n, _stream(rng, p.name))
            else:  # one number through the formulas (a NumPy scalar: errors still raise)
                values[p.name] = np.float64(p.amount)
        for name in self._parameter_dependency_order():
            if name not in values:
                values[name] = self._parameter_formulas[name].evaluate(values)
        return {p.name: np.broadcast_to(np.asarray(values[p.name], dtype=float), (n,))
                for p in self.spec.parameters}

    def _parameter_dependency_order(self) -> list[str]:
        """The formula parameters, each after those it uses (found once, on first use)."""
        if self._parameter_order is None:
            import networkx as nx

            graph = nx.DiGraph()
            graph.add_nodes_from(self._parameter_formulas)
            for name, f in self._parameter_formulas.items():
                graph.add_edges_from((dep, name) for dep in f.names
                                     if dep in self._parameter_formulas)
            try:
                self._parameter_order = list(nx.topological_sort(graph))
            except nx.NetworkXUnfeasible:
                cycle = " -> ".join(a for a, _ in nx.find_cycle(graph))
                raise FormulaError(cycle, "parameters refer to each other in a cycle") from None
        return self._parameter_order

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, values: dict[str, np.ndarray], *, uncertain_exchanges: bool = False,
                 seed: int | np.random.Generator | None = None, float32_amounts: bool = True,
                 by_activity: bool = False, background: np.ndarray | None = None,
                 out: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Scores for every sample: ``{"total": (n, n_ind), "by_stage": (n, n_stages,
        n_ind)}`` (+ ``"by_activity": (n, n_fg, n_ind)`` on request); indicators in
        ``spec.indicators`` order, stages in ``stage_names`` order.

        ``float32_amounts`` rounds each exchange amount as Brightway stores it (bw_processing
        writes float32 arrays), so a deterministic evaluation equals bw2calc to ~1e-12;
        switch it off for full float64 arithmetic (differences of ~1e-7 relative).
        ``background``: (n, n_unit_score_rows, n_ind) changes of the per-unit scores, one set
        per sample (sampled background, see :meth:`sample_background`). ``out``: C-contiguous
        (total, by_stage) arrays of those shapes to write into (and return)."""
        n = len(next(iter(values.values()))) if values else 1
        if background is not None:  # one parameter set for many backgrounds broadcasts
            n = max(n, len(background))
        rng = np.random.default_rng(seed) if not isinstance(seed, np.random.Generator) else seed
        values = {k: _one_if_constant(v) for k, v in values.items()}
        scratch = self._scratch_for(n)
        try:
            amounts = self._amounts(values, n, uncertain_exchanges, rng, float32_amounts,
                                    scratch)
            root_amount = (Formula(self.amount).evaluate(values)
                           if isinstance(self.amount, str) else self.amount)
            supply = self._supply(amounts, root_amount, float32_amounts, n=n, scratch=scratch)
            # background exchanges: flow = amount x consumer supply; score = unit scores . flow
            flows = scratch.take((len(self._bg), n))
            for j, (k, c) in enumerate(zip(self._bg, self._bg_consumer)):
                np.multiply(amounts[k], supply[c], out=flows[j])
            return self._scores(flows, n, background, by_activity, out)
        finally:
            scratch.give_all()

    @np.errstate(invalid="ignore", over="ignore")
    def _scores(self, flows: np.ndarray, n: int, background, by_activity: bool, out
                ) -> dict[str, np.ndarray]:
        """:meth:`evaluate`'s result from the (n_bg, n) background flows (an inf flow gives
        an inf or NaN score quietly: the callers' finiteness checks name it)."""
        spec = self.spec
        n_stages, n_ind = len(self.stage_names), len(spec.indicators)
        total, by_stage = out if out is not None else (np.empty((n, n_ind)),
                                                       np.empty((n, n_stages, n_ind)))
        if background is None:
            flat = by_stage.reshape(n, n_stages * n_ind)
            for i in range(0, n, self._block):  # see _block
                j = i + self._block
                np.matmul(flows[:, i:j].T, self._stage_scores, out=flat[i:j])
                # total = the stages summed in stage order, as a product with stacked
                # identities (a reduction over the middle axis of (n, stages, ind) is ~10x
                # slower in NumPy); exact: the other terms are zeros
                np.matmul(flat[i:j], self._stage_sum, out=total[i:j])

            def part(mask):  # (n_ind, n): unit scores . flows of the masked exchanges
                return self._bg_scores.T[:, mask] @ flows[mask]
        else:  # every sample its own unit scores: (n_ind, n_bg, n) contributions, once
            rows = [spec.exchanges[k].target for k in self._bg]
            contrib = (self._bg_scores.T[:, :, None] + background[:, rows].transpose(2, 1, 0)
                       ) * flows[None]

            def part(mask):
                return contrib[:, mask].sum(axis=1)

            for s, m in enumerate(self._stage_masks):
                by_stage[:, s] = part(m).T
            np.matmul(by_stage.reshape(n, n_stages * n_ind), self._stage_sum, out=total)
        result = {"total": total, "by_stage": by_stage}
        if by_activity:
            result["by_activity"] = np.stack([part(self._bg_consumer == a) for a in
                                              range(len(spec.activities))]).transpose(2, 0, 1)
        return result

    def _amounts(self, values: dict[str, Any], n: int, uncertain: bool,
                 rng: np.random.Generator, float32: bool, scratch: _Scratch | None = None
                 ) -> list:
        """Each exchange's amount: one number, or n. A distinct formula is evaluated once;
        exchange distributions are drawn in exchange order."""
        scratch = scratch if scratch is not None else _Scratch()
        spec, done, amounts = self.spec, {}, []
        for k, e in enumerate(spec.exchanges):
            if e.formula:
                if e.formula not in done:
                    value = _evaluate_into(self._formulas[e.formula], values, n, scratch)
                    if float32:  # as Brightway stores it (the same rounding as astype)
                        value = _float32_rounded(value, n, scratch)
                    scratch.keep(value)
                    done[e.formula] = value
                value = done[e.formula]
            elif uncertain and e.distribution is not None:
                value = e.distribution.sample(n, rng)
            else:
                value = self._stored[k] if float32 else e.amount
            amounts.append(-value if e.sign == -1.0 else value * e.sign if e.sign != 1.0
                           else value)
        return amounts

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

    def _supply(self, amounts, root_amount, float32: bool = True, n: int | None = None,
                scratch: _Scratch | None = None) -> list:
        """Each foreground activity's level (one number, or ``n``; ``amounts``: one entry per
        exchange, a number or n): production x level = demand
        from the functional unit and from consumers. Components in consumer-first order, so
        each one's demand is complete when reached; a cyclic component is one batched dense
        solve per sample (a few activities, so ``numpy.linalg.solve`` on (n, k, k) stacks).
        An activity that consumes its own product is netted on the diagonal, rounded to
        float32 as Brightway stores the net amount."""
        spec = self.spec
        if n is None:
            n = max([np.size(a) for a in amounts] + [np.size(root_amount)])
        production = spec.production
        scratch = scratch if scratch is not None else _Scratch()
        supply: list = [0.0] * len(spec.activities)
        demand: list = [0.0] * len(spec.activities)
        demand[self.root] = root_amount
        for comp in self.components:
            inside = {a: j for j, a in enumerate(comp)}
            loops = [k for a in comp for k in self._fg_by_consumer.get(a, ())
                     if spec.exchanges[k].target in inside]
            if not loops:
                a = comp[0]
                supply[a] = _binary(np.divide, demand[a], production[a], n, scratch)
                scratch.keep(supply[a])
            else:
                m = np.zeros((n, len(comp), len(comp)))
                diagonal = np.repeat(production[comp, None], n, axis=1)
                for k in loops:
                    e = spec.exchanges[k]
                    if e.target == e.consumer:
                        diagonal[inside[e.target]] -= amounts[k]
                    else:
                        m[:, inside[e.target], inside[e.consumer]] -= amounts[k]
                idx = range(len(comp))
                m[:, idx, idx] = (diagonal.astype(np.float32) if float32 else diagonal).T
                rhs = np.stack([np.broadcast_to(demand[a], (n,)) for a in comp], axis=1)
                solved = np.linalg.solve(m, rhs[..., None])[..., 0]
                for j, a in enumerate(comp):
                    supply[a] = solved[:, j]
            for a in comp:
                for k in self._fg_by_consumer.get(a, ()):
                    t = spec.exchanges[k].target
                    if t not in inside:
                        demand[t] = _binary(np.add, demand[t], _binary(
                            np.multiply, amounts[k], supply[a], n, scratch), n, scratch)
        return supply

    def __reduce__(self):
        return (CompiledModel, (self.spec, self.root, self.amount))


#: Largest evaluation whose scratch arrays a thread keeps between calls (2 chunks of
#: :data:`lca.analysis.uncertainty.CHUNK`: ~20-30 arrays of 0.8 MB on the reference chat
#: service); a larger one-off evaluation (Sobol) gets scratch for that call only.
_SCRATCH_MAX_N = 100_000


class _Scratch:
    """Arrays lent for one evaluation and taken back at its end, kept for the next.

    Fresh arrays cost page faults: a chunk of 50,000 samples made ~7 MB of temporaries,
    1,800 faults, ~0.12 s of system time per 10^6 samples on the 2-core machine (the
    operating system gets each freed array back and zeroes it again on the next use).
    A lent array is a temporary (free to be overwritten by the next operation that
    consumes it) until :meth:`keep` marks it as a held result."""

    def __init__(self):
        self.free: dict[tuple, list[np.ndarray]] = {}
        self.lent: list[np.ndarray] = []
        self.temps: list[np.ndarray] = []

    def take(self, shape, dtype=np.float64) -> np.ndarray:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        spare = self.free.get((shape, np.dtype(dtype)))
        buf = spare.pop() if spare else np.empty(shape, dtype)
        self.lent.append(buf)
        self.temps.append(buf)
        return buf

    def owns(self, value) -> bool:
        """Whether ``value`` is a temporary of this scratch."""
        return any(value is b for b in self.temps)

    def keep(self, value) -> None:
        """Hold ``value`` (if a temporary) until :meth:`give_all`."""
        self.temps = [b for b in self.temps if b is not value]

    def give(self, buf: np.ndarray) -> None:
        """Take a temporary back now."""
        for seq in (self.temps, self.lent):
            for i, b in enumerate(seq):
                if b is buf:
                    del seq[i]
                    break
        self.free.setdefault((buf.shape, buf.dtype), []).append(buf)

    def give_all(self) -> None:
        """Take everything back; keep only the shapes of this evaluation."""
        kept: dict[tuple, list[np.ndarray]] = {}
        for buf in self.lent:
            kept.setdefault((buf.shape, buf.dtype), []).append(buf)
        for key, spare in self.free.items():
            if key in kept:
                kept[key].extend(spare)
        self.free, self.lent, self.temps = kept, [], []


#: The formula operators evaluated into scratch arrays (NumPy's own ufuncs for them, so
#: the same results as :meth:`lca.formula.Formula.evaluate`); the others allocate.
_INTO = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}


def _fits(value, n: int) -> bool:
    """A number, or a float64 array of n values (what scratch arithmetic handles)."""
    return np.ndim(value) == 0 or (isinstance(value, np.ndarray) and value.shape == (n,)
                                   and value.dtype == np.float64)


def _binary(ufunc, left, right, n: int, scratch: _Scratch):
    """``ufunc(left, right)``, into a scratch array when the result has n values: one of
    the operands if it is scratch (then the other one is given back too), else a new one."""
    if np.ndim(left) == 0 and np.ndim(right) == 0 or not (_fits(left, n) and _fits(right, n)):
        return ufunc(left, right)
    left_own = np.ndim(left) and scratch.owns(left)
    right_own = np.ndim(right) and scratch.owns(right)
    out = left if left_own else right if right_own else scratch.take(n)
    ufunc(left, right, out=out)
    if left_own and right_own and right is not left:
        scratch.give(right)
    return out


def _evaluate_into(formula: Formula, values: dict[str, Any], n: int, scratch: _Scratch):
    """:meth:`Formula.evaluate` with its + - * / results in scratch arrays (the result may
    be one; it is the caller's until the scratch is given back)."""
    missing = formula.names - set(values)
    if missing:
        return formula.evaluate(values)  # raises its FormulaError
    with np.errstate(all="raise"):
        try:
            return _node_into(formula.tree.body, values, n, scratch)
        except (ZeroDivisionError, FloatingPointError, OverflowError) as exc:
            raise FormulaError(formula.text, f"cannot be evaluated: {exc}") from None


def _node_into(node: ast.AST, values: dict[str, Any], n: int, scratch: _Scratch):
    if isinstance(node, ast.BinOp) and type(node.op) in _INTO:
        left = _node_into(node.left, values, n, scratch)
        right = _node_into(node.right, values, n, scratch)
        if np.ndim(left) == 0 and np.ndim(right) == 0:
            return _BINARY[type(node.op)](left, right)  # the same number arithmetic
        return _binary(_INTO[type(node.op)], left, right, n, scratch)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        operand = _node_into(node.operand, values, n, scratch)
        if np.ndim(operand) and scratch.owns(operand):
            return np.negative(operand, out=operand)
        return _UNARY[ast.USub](operand)
    return _eval(node, values)  # names, numbers, calls, comparisons, conditions, powers


def _float32_rounded(value, n: int, scratch: _Scratch):
    """``value`` rounded to float32 and back (as ``astype``), in scratch arrays. A value
    beyond float32 becomes inf quietly: the callers' finiteness checks name it."""
    with np.errstate(over="ignore"):
        if np.ndim(value) == 0:
            return float(np.float32(value))
        if not _fits(value, n):
            return value.astype(np.float32).astype(float)
        single = scratch.take(n, np.float32)
        np.copyto(single, value, casting="same_kind")
    out = value if scratch.owns(value) else scratch.take(n)
    np.copyto(out, single)
    scratch.give(single)
    return out


def _one_if_constant(value):
    """A value that does not vary across samples (a stride-0 view, as
    :meth:`CompiledModel.parameter_values` gives) as one NumPy number: the same arithmetic,
    on one element instead of n."""
    if isinstance(value, np.ndarray) and value.ndim == 1 and len(value) > 1 \
            and value.strides == (0,):
        return value[0]
    return value


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
