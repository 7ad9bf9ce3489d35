"""The safe formula evaluator: arithmetic works, everything else is refused clearly."""

import numpy as np
import pytest

from lca.errors import FormulaError
from lca.formula import Formula, evaluate_all


@pytest.mark.parametrize("text, values, expected", [
    ("2 + 3 * 4", {}, 14.0),
    ("a ** 2 / b", {"a": 3.0, "b": 2.0}, 4.5),
    ("-a + +b", {"a": 1.0, "b": 5.0}, 4.0),
    ("max(a, b, 7) - min(a, b)", {"a": 1.0, "b": 5.0}, 6.0),
    ("1 if a > 2 else 0", {"a": 3.0}, 1.0),
    ("sqrt(16) + log(e) + exp(0) + abs(-2)", {}, 8.0),
    ("7 // 2 + 7 % 2", {}, 4.0),
    ("1 < a <= 3", {"a": 3.0}, 1.0),
])
def test_arithmetic(text, values, expected):
    assert Formula(text).evaluate(values) == pytest.approx(expected, rel=1e-15)


def test_vectorised_evaluation_matches_scalar():
    f = Formula("gpu_h * w / 1000 * (1 if included else pue) + max(a, 0.5)")
    rng = np.random.default_rng(0)
    vals = {"gpu_h": rng.uniform(1, 10, 50), "w": rng.uniform(100, 700, 50),
            "included": (rng.uniform(size=50) > 0.5).astype(float),
            "pue": rng.uniform(1, 2, 50), "a": rng.uniform(0, 1, 50)}
    vector = f.evaluate(vals)
    scalar = [f.evaluate({k: v[i] for k, v in vals.items()}) for i in range(50)]
    np.testing.assert_allclose(vector, scalar, rtol=1e-15)


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('true')", "uses attribute access ('.'), which is not allowed"),
    ("__import__('os')", "calls '__import__', which is not allowed"),
    ("open('/etc/passwd')", "calls 'open', which is not allowed"),
    ("a.__class__", "uses attribute access ('.'), which is not allowed"),
    ("().__class__", "uses attribute access ('.'), which is not allowed"),
    ("__builtins__", "uses the dunder name '__builtins__', which is not allowed"),
    ("(lambda: 1)()", "uses lambda, which is not allowed"),
    ("[x for x in range(3)]", "uses comprehensions, which is not allowed"),
    ("sum(x for x in range(3))", "uses comprehensions, which is not allowed"),
    ("{k: 1 for k in 'ab'}", "uses comprehensions, which is not allowed"),
    ("a[0]", "uses indexing ('[]'), which is not allowed"),
    ("'text'", "uses the constant 'text'"),
    ("(y := 2)", "uses assignment (':='), which is not allowed"),
    ("a and b", "uses 'and'/'or'"),
    ("max(a, key=abs)", "passes keyword arguments to 'max'"),
    ("a +", "is not valid arithmetic"),
    ("", "is empty"),
])
def test_refused_constructs_have_clear_messages(text, message):
    with pytest.raises(FormulaError) as err:
        Formula(text)
    assert message in str(err.value)
    assert str(err.value).startswith(f"formula {text!r}:")


def test_unknown_names_and_runtime_errors_are_reported():
    with pytest.raises(FormulaError, match=r"unknown name\(s\) b; defined here: a"):
        Formula("a + b").evaluate({"a": 1.0})
    with pytest.raises(FormulaError, match="cannot be evaluated: float division by zero"):
        Formula("1 / a").evaluate({"a": 0.0})
    with pytest.raises(FormulaError, match="cannot be evaluated"):
        Formula("10.0 ** 400").evaluate({})


def test_evaluate_all_orders_dependencies_and_refuses_cycles():
    assert evaluate_all({"c": "a + b", "a": "b * 2", "b": 3.0}) == {"b": 3.0, "a": 6.0, "c": 9.0}
    with pytest.raises(FormulaError, match="cycle"):
        evaluate_all({"a": "b + 1", "b": "a + 1"})


def test_formula_pickles():
    import pickle

    f = pickle.loads(pickle.dumps(Formula("a * 2")))
    assert f.evaluate({"a": 2.0}) == 4.0 and f.names == {"a"}
