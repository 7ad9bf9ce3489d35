"""Safe arithmetic formulas over named parameters.

Formulas in inventory and service files (``"gpu_hours * power_kw * pue"``) are parsed with
:mod:`ast` and checked against a whitelist: numbers, parameter names, ``+ - * / // % **``,
comparisons, ``x if cond else y`` and a few math functions. Everything else (attribute
access, subscripts, imports, lambdas, comprehensions, dunder names, strings, keyword
arguments) is refused with a :class:`~lca.errors.FormulaError` that says what was found.

Evaluation walks the checked tree; it never calls :func:`eval`. The same tree evaluates on
floats or, element-wise, on NumPy arrays (one value per Monte Carlo sample), which is what
the fast core compiles. Python's :mod:`ast` does the parsing; the whitelist and the tree
walker are written here because no maintained library offers a vectorised, auditable
arithmetic subset (asteval, used by Brightway, is a full Python interpreter).
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import operator
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from lca.errors import FormulaError

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    # ast.Pow: _real_power, set below
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Eq: operator.eq, ast.NotEq: operator.ne,
}
#: Functions a formula may call, all element-wise on NumPy arrays. ``min``/``max`` map to
#: NumPy's element-wise minimum/maximum so that vectorised evaluation stays correct.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": np.abs, "sqrt": np.sqrt, "exp": np.exp, "log": np.log, "log10": np.log10,
    "min": lambda *a: _fold(np.minimum, a), "max": lambda *a: _fold(np.maximum, a),
    "ceil": np.ceil, "floor": np.floor,
}
#: How many arguments each function takes: (at least, at most; None: no limit). NumPy's
#: ufuncs take a second positional argument (``out``), so arity is checked here, at
#: validation, not left to a TypeError at evaluation.
ARITY: dict[str, tuple[int, int | None]] = {
    **dict.fromkeys(("abs", "sqrt", "exp", "log", "log10", "ceil", "floor"), (1, 1)),
    "min": (1, None), "max": (1, None)}
#: Named constants a formula may use.
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
#: Names a parameter may not take: the formula functions and constants, and Python's
#: keywords and builtins, which Brightway's formula interpreter (asteval, through
#: bw2parameters) defines, so a parameter ``id`` or ``print`` would not mean the same there.
RESERVED: frozenset[str] = frozenset(FUNCTIONS) | frozenset(CONSTANTS) | frozenset(
    n for n in dir(builtins) if not n.startswith("_")) | frozenset(keyword.kwlist) \
    | frozenset(keyword.softkwlist)
_MAX_LENGTH = 2000
#: Deepest nesting of operations a formula may have. Evaluation recurses once per level
#: (twice through a call), and Python stops at 1,000 frames: "1+1+...+1" with 999 terms
#: ended in RecursionError (issue 12). 200 levels leave room for the callers' frames.
MAX_DEPTH = 200


class _NotReal(FloatingPointError):
    """A power with no real value; a FloatingPointError so that every evaluator (this
    module's and :mod:`lca.core.compiled`'s) reports it as a :class:`FormulaError`."""


def _real_power(base, exponent):
    """``base ** exponent``, refusing a complex result: Python gives ``(-8.0) ** 0.5`` as a
    complex number (NumPy arrays give NaN, which ``np.errstate(all="raise")`` refuses)."""
    out = base ** exponent
    if isinstance(out, complex):
        raise _NotReal(f"{base!r} ** {exponent!r} is not a real number (a negative number "
                       "raised to a fractional power)")
    return out


_BINARY[ast.Pow] = _real_power


def reserved_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a parameter, or None when it can."""
    if name not in RESERVED:
        return None
    return (f"'{name}' is a reserved name: formulas use the functions and constants "
            f"{', '.join(sorted(set(FUNCTIONS) | set(CONSTANTS)))}, and Brightway's formula "
            "interpreter defines Python's keywords and builtins (id, print, sum, round, "
            "...); choose another name")


def _fold(func: Callable[[Any, Any], Any], args: tuple) -> Any:
    if not args:
        raise FormulaError("min/max", "needs at least one argument")
    out = args[0]
    for a in args[1:]:
        out = func(out, a)
    return out


class Formula:
    """A parsed, checked formula. ``Formula("a * 2").evaluate({"a": 3.0}) == 6.0``."""

    __slots__ = ("text", "tree", "names")

    def __init__(self, text: str):
        self.text = text
        if not isinstance(text, str):  # unhashable or not text: _parse says what is wrong
            _parse(text)
        self.tree, self.names = _parsed(text)

    def __repr__(self) -> str:
        return f"Formula({self.text!r})"

    def __reduce__(self):
        return (Formula, (self.text,))

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """Value of the formula for ``values`` (floats, or NumPy arrays of equal shape)."""
        missing = sorted(self.names - set(values))
        if missing:
            raise FormulaError(self.text, f"unknown name(s) {', '.join(missing)}; "
                               f"defined here: {', '.join(sorted(values)) or 'none'}")
        with np.errstate(all="raise"):
            try:
                return _eval(self.tree.body, values)
            except (ZeroDivisionError, FloatingPointError, OverflowError) as exc:
                raise FormulaError(self.text, f"cannot be evaluated: {exc}") from None


@lru_cache(maxsize=4096)
@lru_cache(maxsize=8192)
def _parsed(text: str) -> tuple[ast.Expression, frozenset[str]]:
    """The checked tree of ``text`` and the names it reads, parsed once per text: the same
    formulas are evaluated many times (evaluate_all, evidence elasticities). The tree is
    never modified after parsing, so sharing it is safe. An invalid text is not cached (the
    FormulaError propagates)."""
    tree = _parse(text)
    return tree, frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
                           and n.id not in FUNCTIONS and n.id not in CONSTANTS)


def _parse(text: str) -> ast.Expression:
    if not isinstance(text, str) or not text.strip():
        raise FormulaError(str(text), "is empty; give a number or an arithmetic expression")
    if len(text) > _MAX_LENGTH:
        raise FormulaError(text[:40] + "...", f"is longer than {_MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(text, f"is not valid arithmetic ({exc.msg})") from None
    except (RecursionError, MemoryError):
        raise FormulaError(_short(text), f"is nested too deeply (more than {MAX_DEPTH} "
                           "levels); split it into parameters") from None
    depth = _depth(tree)
    if depth > MAX_DEPTH:
        raise FormulaError(_short(text), f"is nested {depth} levels deep (more than "
                           f"{MAX_DEPTH}); split it into parameters")
    nodes = list(ast.walk(tree))
    for node in nodes:  # refuse forbidden constructs first: they explain the most
        if type(node) in _REFUSED:
            raise FormulaError(text, f"uses {_REFUSED[type(node)]}, which is not allowed; {_HELP}")
    called = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    for node in nodes:
        _check(node, text)
        if isinstance(node, ast.Name) and node.id in FUNCTIONS and id(node) not in called:
            raise FormulaError(text, f"uses the function {node.id!r} as a value; call it on "
                               f"its argument, e.g. {node.id}(x)")
    return tree


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:40] + "..."


def _depth(tree: ast.AST) -> int:
    """Nesting depth of ``tree``, without recursion (the tree may be deep)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node)
                     if not isinstance(child, (ast.expr_context, ast.operator, ast.unaryop,
                                               ast.cmpop)))
    return deepest


_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp,
                  ast.Constant, ast.Name, ast.Load, ast.Call) + tuple(_BINARY) \
    + tuple(_UNARY) + tuple(_COMPARE)
_REFUSED = {
    ast.Attribute: "attribute access ('.')", ast.Subscript: "indexing ('[]')",
    ast.Lambda: "lambda", ast.ListComp: "comprehensions", ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions", ast.GeneratorExp: "comprehensions",
    ast.NamedExpr: "assignment (':=')", ast.Starred: "star arguments",
    ast.JoinedStr: "strings", ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts",
    ast.Set: "sets", ast.BoolOp: "'and'/'or' (use min/max or 'a if c else b')",
    ast.Await: "await", ast.Yield: "yield",
}
_HELP = ("formulas may use numbers, parameter names, + - * / // % **, comparisons, "
         "'a if condition else b' and the functions " + ", ".join(sorted(FUNCTIONS)))


def _check(node: ast.AST, text: str) -> None:
    if isinstance(node, ast.Name) and node.id.startswith("__"):
        raise FormulaError(text, f"uses the dunder name {node.id!r}, which is not allowed")
    if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or
                                           not isinstance(node.value, (int, float))):
        raise FormulaError(text, f"uses the constant {node.value!r}; {_HELP}")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise FormulaError(text, f"calls {name!r}, which is not allowed; {_HELP}")
        if node.keywords:
            raise FormulaError(text, f"passes keyword arguments to {node.func.id!r}; "
                               "only positional arguments are allowed")
        low, high = ARITY[node.func.id]
        if not low <= len(node.args) <= (high if high is not None else len(node.args)):
            takes = (f"exactly {low}" if low == high else f"at least {low}" if high is None
                     else f"{low} to {high}")
            raise FormulaError(text, f"calls {node.func.id!r} with {len(node.args)} "
                               f"argument(s); it takes {takes}")
    if not isinstance(node, _ALLOWED_NODES):
        what = _REFUSED.get(type(node), type(node).__name__)
        raise FormulaError(text, f"uses {what}, which is not allowed; {_HELP}")


def _eval(node: ast.AST, values: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values[node.id] if node.id in values else CONSTANTS[node.id]
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_eval(node.left, values), _eval(node.right, values))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_eval(node.operand, values))
    if isinstance(node, ast.Call):
        return FUNCTIONS[node.func.id](*(_eval(a, values) for a in node.args))
    if isinstance(node, ast.Compare):
        left, result = _eval(node.left, values), True
        for op, comp in zip(node.ops, node.comparators):
            right = _eval(comp, values)
            result = np.logical_and(result, _COMPARE[type(op)](left, right))
            left = right
        return np.asarray(result, dtype=float) if np.ndim(result) else float(result)
    if isinstance(node, ast.IfExp):
        cond = _eval(node.test, values)
        if np.ndim(cond) == 0:
            return _eval(node.body if cond else node.orelse, values)
        return np.where(cond, _eval(node.body, values), _eval(node.orelse, values))
    raise FormulaError(ast.unparse(node), "unexpected node")  # unreachable after _check


def evaluate_all(formulas: Mapping[str, str | float], given: Mapping[str, Any] | None = None,
                 ) -> dict[str, Any]:
    """Evaluate interdependent named formulas in dependency order.

    ``formulas`` maps a name to a number or a formula over other names (of ``formulas`` or
    ``given``). Raises :class:`FormulaError` on a cycle or an unknown name.
    """
    values: dict[str, Any] = dict(given or {})
    texts = tuple((k, v) for k, v in formulas.items() if isinstance(v, str))
    for k, v in formulas.items():
        if not isinstance(v, str):
            values[k] = v
    for name, formula in _evaluation_order(texts):
        values[name] = formula.evaluate(values)
    return values


@lru_cache(maxsize=256)
def _evaluation_order(texts: tuple[tuple[str, str], ...]) -> tuple[tuple[str, Formula], ...]:
    """The (name, parsed formula) pairs of ``texts`` in dependency order, computed once per
    set of formulas (the same set is evaluated again and again with other numbers)."""
    import networkx as nx

    parsed = {k: Formula(v) for k, v in texts}
    graph = nx.DiGraph()
    graph.add_nodes_from(parsed)
    for name, f in parsed.items():
        graph.add_edges_from((dep, name) for dep in f.names if dep in parsed)
    try:
        order = list(nx.topological_sort(graph))
    except nx.NetworkXUnfeasible:
        cycle = " -> ".join(a for a, _ in nx.find_cycle(graph))
        raise FormulaError(cycle, "parameters refer to each other in a cycle") from None
    return tuple((name, parsed[name]) for name in order)


def extreme_input(names, uses: Mapping[str, set[str]], values: Mapping[str, Any]) -> str | None:
    """Of the given (non-formula) parameters that ``names`` depend on through ``uses``
    (name -> names its formula reads), the one whose value is farthest from 1 in orders of
    magnitude: what most likely drives an overflow or a singular system."""
    seen, todo, leaves = set(), list(names), []
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        if n in uses:
            todo.extend(uses[n])
        elif isinstance(values.get(n), (int, float)) and values[n] and math.isfinite(values[n]):
            leaves.append(n)
    return max(leaves, key=lambda n: abs(math.log10(abs(float(values[n]))))) if leaves else None
