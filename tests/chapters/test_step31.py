"""Step 31 — sin and cos: n-th derivatives. The listings run, and what the chapter states is what they print.

Expected values come from calculus (the derivatives of sin, cos, log, sinh written out by hand) evaluated
with math/numpy, never from the code under test.
"""

from __future__ import annotations

import ast
import inspect
import math
import re

import numpy as np
import pytest

from helpers import ROOT, listing_globals, page_text, run_listing

pytestmark = pytest.mark.step31
STEP = 31


# --- F.cos -----------------------------------------------------------------------------------------------

def test_cos_value_and_derivative_at_pi_over_3():
    out = run_listing("step31_cos.py")
    assert "cos(pi/3)          = 0.500000" in out                                    # cos(pi/3) = 1/2
    expected = f"{-math.sqrt(3) / 2:.6f}"                                          # -sin(pi/3) = -sqrt(3)/2
    assert expected == "-0.866025"
    assert f"d/dx cos x at pi/3 = {expected}" in out


def test_show_source_prints_the_mutually_recursive_backwards():
    out = run_listing("step31_show_source.py")
    assert "class Sin(Function):" in out and "class Cos(Function):" in out
    assert "return gy * cos(x)" in out      # the page: Sin.backward calls cos
    assert "return gy * -sin(x)" in out     # the page: Cos.backward calls sin (a Neg after the Sin)


@pytest.mark.parametrize("cls, backward", [
    ("Sin", "gy * cos(x)"), ("Cos", "gy * -sin(x)"), ("Tanh", "gy * (1 - y * y)"),
    ("Exp", "gy * y"), ("Log", "gy / x"), ("Square", "gy * 2 * x"),
])
def test_the_table_of_backwards_matches_the_source(cls, backward):
    import tinypytorch.functions as F
    source = inspect.getsource(getattr(F, cls).backward)
    assert f"return {backward}" in source
    assert f"`{backward}`" in page_text(STEP)


def test_functions_module_contents_and_import_direction():
    import tinypytorch.functions as F
    for name in ("sin", "cos", "tanh", "exp", "log", "square"):
        assert name in F.__all__
    pkg = ROOT / "tinypytorch"

    def relative_imports(path):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        return {(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level
                for a in n.names}

    assert ("core", "Function") in relative_imports(pkg / "functions.py")
    assert all(mod != "functions" and name != "functions" for mod, name in relative_imports(pkg / "core.py"))
    assert "import tinypytorch.functions as F" in page_text(STEP)


def test_log_derivatives_at_2():
    out = run_listing("step31_log.py")
    rows = re.findall(r"^\s*(\d)\s+(-?\d+\.\d+)\s+(-?\d+\.\d+)$", out, re.M)
    # (-1)^(n-1) (n-1)! / 2^n, by hand: 1/2, -1/4, 2/8, -6/16, 24/32
    by_hand = [0.5, -0.25, 0.25, -0.375, 0.75]
    assert [int(n) for n, _, _ in rows] == [1, 2, 3, 4, 5]
    for (n, autograd, exact), h in zip(rows, by_hand):
        assert float(autograd) == pytest.approx(h, abs=5e-7)
        assert float(exact) == pytest.approx(h, abs=5e-7)


# --- the n-th derivative of sin --------------------------------------------------------------------------

def test_sin_nth_derivatives_follow_the_closed_form():
    g = listing_globals("step31_sin_nth.py")
    x = np.linspace(-7, 7, 201)
    assert np.array_equal(g["x"].data, x)
    derivs = g["derivs"]
    assert len(derivs) == 9                                           # sin and its first 8 derivatives
    for n, d in enumerate(derivs):
        assert d.shape == (201,)
        np.testing.assert_allclose(d, np.sin(x + n * np.pi / 2), rtol=0, atol=1e-12)
    # "the 8th derivative of sin must be sin again, value for value"
    assert np.array_equal(derivs[8], np.sin(x))


def test_sin_nth_table_says_exact_agreement():
    out = run_listing("step31_sin_nth.py")
    rows = re.findall(r"^\s*(\d)\s+(-?(?:sin|cos) x)\s+(\S+)$", out, re.M)
    assert [(int(n), name) for n, name, _ in rows] == [
        (0, "sin x"), (1, "cos x"), (2, "-sin x"), (3, "-cos x"),
        (4, "sin x"), (5, "cos x"), (6, "-sin x"), (7, "-cos x"), (8, "sin x")]
    # the page: "All nine arrays ... match numpy at every point"
    assert all(float(err) == 0.0 for _, _, err in rows)


# --- pitfalls --------------------------------------------------------------------------------------------

def test_pitfalls_print_the_wrong_numbers_the_page_explains():
    out = run_listing("step31_pitfalls.py")
    right = f"{-math.sin(1.0):+.6f}"
    assert right == "-0.841471"
    # forgetting cleargrad (cos(1) + (-sin(1)) accumulated) is computed in Step 30's table, linked from here
    assert "step30.md#cleargrad" in page_text(STEP)
    # forgetting create_graph: x.grad has no creator and the "second derivative" reads 0
    assert "x.grad.creator: None" in out
    assert f"without create_graph: +0.000000  (right: {right})" in out
    # np.sin on a Variable is refused with a pointer to F.sin: the mistake is which sin is called (the
    # imports are the same in both cases), and the page's list of mistakes says so
    assert re.search(r"TypeError: .*F\.sin\(x\)", out)
    intro = " ".join(page_text(STEP).split("## 1.")[0].split())
    assert "one in which `sin` is called: numpy's or the library's" in intro
    assert "in the imports" not in intro


# --- try it ----------------------------------------------------------------------------------------------

def test_try_it_sinh_derivatives_alternate():
    out = run_listing("step31_try_it.py")
    values = dict(re.findall(r"d\^(\d)/dx\^\d sinh x at 0\.5 = (-?\d+\.\d+)", out))
    assert sorted(values) == ["2", "3", "4", "5"]
    s, c = f"{math.sinh(0.5):.6f}", f"{math.cosh(0.5):.6f}"
    assert (s, c) == ("0.521095", "1.127626")           # the numbers the answer states
    assert values == {"2": s, "3": c, "4": s, "5": c}
    answer = page_text(STEP).split('??? success "Answer"', 1)[1]
    assert s in answer and c in answer


def test_jacobian_rows_from_basis_vectors():
    """y_i = x_i * sum(x): J = diag(sum x) + x 1^T by hand; ones give its column sums, e_i its rows."""
    import numpy as np
    out = run_listing("step31_jacobian.py")
    x = np.array([1.0, 2.0, 3.0])
    J = np.diag(np.full(3, x.sum())) + np.outer(x, np.ones(3))
    assert f"from ones: {J.sum(axis=0)}" in out
    assert str(J) in out
    assert "`grad_outputs`" in page_text(STEP) and "(step29.md#grad)" in page_text(STEP)
