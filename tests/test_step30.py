"""Step 30 — Newton's method with automatic second derivatives: the listings run, and every number the
chapter states is what they print.

Expected values come from the hand-derived f'(x) = 4x^3 - 4x and f''(x) = 12x^2 - 4 evaluated in plain
Python floats (or exact fractions), never from the code under test.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest

from helpers import run_listing

pytestmark = pytest.mark.step30
STEP = 30


def d1(x):
    return 4 * x ** 3 - 4 * x


def d2(x):
    return 12 * x ** 2 - 4


def newton_by_hand(x0, n):
    xs = [x0]
    for _ in range(n):
        x = xs[-1]
        xs.append(x - d1(x) / d2(x))
    return xs


def iterates(out: str) -> list[float]:
    return [float(m) for m in re.findall(r"^\d+ variable\((-?[0-9.e+-]+)\)$", out, flags=re.M)]


def test_newton_iterates_equal_the_hand_formula(page):
    xs = iterates(run_listing("step30_newton.py"))
    assert len(xs) == 10
    assert xs == newton_by_hand(2.0, 9)
    assert xs[:7] == [2.0, 1.4545454545454546, 1.1510467893775467, 1.0253259289766978,
                      1.0009084519430513, 1.0000012353089454, 1.000000000002289]
    assert xs[7] == 1.0 and all(x != 1.0 for x in xs[:7])   # "at iteration 7, exactly 1.0"
    for x in xs[1:7]:
        assert repr(x) in page
    # the first step, exactly: 2 - 24/44 = 16/11
    assert 2 - Fraction(24, 44) == Fraction(16, 11) and xs[1] == float(Fraction(16, 11))
    assert "2 - 24/44 = 16/11 = 1.4545" in page


def test_quadratic_convergence_constant(page):
    # e_{k+1} ~ f'''(1) / (2 f''(1)) e_k^2 = 24 / 16 = 1.5
    assert d2(1) == 8 and 24 / (2 * d2(1)) == 1.5
    xs = newton_by_hand(2.0, 7)
    e = [abs(x - 1) for x in xs]
    assert [f"{e[3]:.4f}", f"{e[4]:.6f}", f"{e[5]:.3g}", f"{e[6]:.3g}"] == ["0.0253", "0.000908", "1.24e-06",
                                                                          "2.29e-12"]
    assert "0.0253, 0.000908, 1.24e-6 and 2.29e-12 at\niterations 3 to 6" in page
    ratios = [e[k + 1] / e[k] ** 2 for k in (3, 4, 5)]
    assert all(1.4 < r < 1.6 for r in ratios), ratios


def test_steps_to_one_millionth_newton_vs_gradient_descent(page):
    xs = newton_by_hand(2.0, 10)
    newton_steps = next(k for k, x in enumerate(xs) if abs(x - 1) < 1e-6)
    x, gd_steps = 2.0, 0
    while abs(x - 1) >= 1e-6:
        x -= 0.01 * d1(x)
        gd_steps += 1
    assert (newton_steps, gd_steps) == (6, 153)
    assert "after 6 steps; gradient descent with Step 27's learning rate 0.01 needs\n153." in page


def test_graph_sizes(page):
    out = run_listing("step30_graph_sizes.py").splitlines()
    # f = 8, f' = 24, f'' = 44 at x = 2; function counts: forward 4 (Pow, Pow, Mul, Sub) and gradient 9 as
    # counted by hand in Step 29; the second-derivative graph's 13 is checked against the picture below
    assert out[0].split() == ["f", "=", "8", "4", "functions,", "0", "recorded", "by", "backward"]
    assert out[1].split() == ["f'", "=", "24", "9", "functions,", "9", "recorded", "by", "backward"]
    assert out[2].split() == ["f''", "=", "44", "13", "functions,", "13", "recorded", "by", "backward"]
    assert "$f$ takes 4 functions, $f'$ 9 and $f''$ 13" in page


def test_second_derivative_figure_has_thirteen_dashed_functions():
    """The picture the chapter reads: 13 function boxes, all dashed; final Add of 48 and -4 giving 44."""
    from tinypytorch import Variable
    from tinypytorch.graph import get_dot_graph

    x = Variable(np.array(2.0), name="x")
    y = x ** 4 - 2 * x ** 2
    y.backward(create_graph=True)
    gx = x.grad
    x.cleargrad()
    gx.backward(create_graph=True)
    dot = get_dot_graph(x.grad, verbose=False, values=True)
    boxes = [line for line in dot.splitlines() if "shape=box" in line]
    assert len(boxes) == 13 and all("dashed" in b for b in boxes)
    for value in ("data: 48", "data: -4", "data: 44", "grad: 44"):
        assert value in dot
    assert d1(2) == 24 and d2(2) == 44 and 12 * 2 ** 2 == 48


def test_68_vs_44(page):
    out = run_listing("step30_pitfall.py")
    assert f"without cleargrad: variable({float(d1(2) + d2(2))})" in out and d1(2) + d2(2) == 68
    assert f"with cleargrad   : variable({float(d2(2))})" in out
    assert "$24 + 44 = 68$" in page


def test_forgotten_first_cleargrad_solves_the_wrong_equation(page):
    out = run_listing("step30_pitfall.py")
    shown = iterates(out)
    # by hand: the f'' of the previous iteration is added to each new f'
    x, prev, xs = 2.0, 0.0, [2.0]
    for _ in range(400):
        h = d2(x)
        x = x - (d1(x) + prev) / h
        prev = h
        xs.append(x)
    assert shown == pytest.approx(xs[:6], rel=1e-12)
    assert shown[1] == 1.4545454545454546           # "the first step is still right"
    assert min(abs(abs(v) - 1) for v in xs) > 0.05  # it never comes near a minimum
    # it settles at the root of f'(x) + f''(x) = 4x^3 + 12x^2 - 4x - 4 near -3.2143
    roots = np.roots([4, 12, -4, -4])
    root = min(roots.real, key=lambda r: abs(r - xs[-1]))
    assert abs(xs[-1] - root) < 1e-9 and f"{root:.4f}" == "-3.2143"
    assert r"$x \approx -3.2143$" in page


def test_zero_second_derivative_of_a_linear_function():
    from tinypytorch import Variable

    x = Variable(np.array(2.0))
    y = 3 * x
    y.backward(create_graph=True)
    gx = x.grad
    x.cleargrad()
    gx.backward()
    assert x.grad.data == 0.0
    with np.errstate(divide="ignore"):
        assert np.isinf(x.data - gx.data / x.grad.data)   # "the update produces inf"


def test_try_it_converges_to_the_maximum(page):
    out = run_listing("step30_try_it.py")
    rows = re.findall(r"^(\d+)\s+x =\s*(-?[0-9.e+-]+)\s+f''\(x\) = (-?[0-9.]+)$", out, flags=re.M)
    assert len(rows) == 6
    xs = newton_by_hand(0.3, 5)
    for (i, x, h), expected in zip(rows, xs):
        assert float(x) == pytest.approx(expected, abs=1e-12 + 1e-3 * abs(expected))
        assert float(h) == pytest.approx(d2(expected), abs=1e-4)
    assert abs(xs[-1]) < 1e-12            # converges to 0 ...
    assert d2(0) == -4 and d1(0) == 0     # ... a stationary point with f'' < 0: a maximum
    assert rows[0][2] == "-2.9200" and round(d2(0.3), 4) == -2.92
    assert "f''(0.3) = 12 \\cdot 0.09 - 4 = -2.92 < 0" in page
