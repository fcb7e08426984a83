"""Step 30 — Newton's method with automatic second derivatives: the listings run, and every number the
chapter states is what they print.

Expected values come from the hand-derived f'(x) = 4x^3 - 4x and f''(x) = 12x^2 - 4 evaluated in plain
Python floats (or exact closed forms: ln 2 / 3 for the try-it, sin and cos for Step 31's row), never from
the code under test. The table of "the same mistake in the other chapters" is recomputed here from each
chapter's formula, with and without the stale gradient added.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from helpers import ROOT, page_text, run_listing, states

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


@pytest.fixture(scope="module")
def newton_out() -> tuple[str, str]:
    """The output of step30_newton.py: (the loop on x^4 - 2x^2, the try-it on exp(x) + exp(-2x))."""
    out = run_listing("step30_newton.py")
    first, second = out.split("0 variable(2.0)\n")[1:]
    return "0 variable(2.0)\n" + first, "0 variable(2.0)\n" + second


def test_newton_iterates_equal_the_hand_formula_and_step27(page, newton_out):
    xs = iterates(newton_out[0])
    assert len(xs) == 10
    assert xs == newton_by_hand(2.0, 9)
    assert xs[:7] == [2.0, 1.4545454545454546, 1.1510467893775467, 1.0253259289766978,
                      1.0009084519430513, 1.0000012353089454, 1.000000000002289]
    assert xs[7] == 1.0 and all(x != 1.0 for x in xs[:7])   # "at iteration 7, exactly 1.0"
    for x in xs[1:7]:
        assert repr(x) in page
    # "Step 27's iterates, to the last digit": what Step 27's listing prints, derivatives typed by hand
    step27 = [float(v) for v in re.findall(r"^x\d = ([0-9.]+) ", run_listing("step27_newton.py"), re.M)]
    assert len(step27) == 8 and step27 == xs[:8]


def test_newton_with_grad_needs_no_cleargrad(page, newton_out):
    """The same loop with tinypytorch.grad: the same iterates, digit for digit, and no cleargrad in it."""
    out = run_listing("step30_newton_grad.py")
    assert iterates(out) == newton_by_hand(2.0, 9) == iterates(newton_out[0])
    import ast

    tree = ast.parse((ROOT / "docs/listings/step30_newton_grad.py").read_text(encoding="utf-8"))
    called = {node.func.attr for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert not called & {"cleargrad", "backward"}


def test_errors_at_iterations_3_to_6(page):
    # e_{k+1} ~ f'''(1) / (2 f''(1)) e_k^2 = 24 / 16 = 1.5 (derived in Step 27)
    assert d2(1) == 8 and 24 / (2 * d2(1)) == 1.5
    xs = newton_by_hand(2.0, 7)
    e = [abs(x - 1) for x in xs]
    assert [f"{e[3]:.4f}", f"{e[4]:.6f}", f"{e[5]:.3g}", f"{e[6]:.3g}"] == ["0.0253", "0.000908", "1.24e-06",
                                                                          "2.29e-12"]
    ratios = [e[k + 1] / e[k] ** 2 for k in (3, 4, 5)]
    assert all(1.4 < r < 1.6 for r in ratios), ratios
    assert states(page, "0.0253", "0.000908", "1.24e-6", "2.29e-12", "1.5")


def test_try_it_newton_on_exp_converges_to_ln2_over_3(page, newton_out):
    # by hand: g'(x) = e^x - 2 e^{-2x}, g''(x) = e^x + 4 e^{-2x} > 0, so ln 2 / 3 is the minimum
    x_star = math.log(2) / 3
    x, by_hand = 2.0, [2.0]
    for _ in range(7):
        x = x - (math.exp(x) - 2 * math.exp(-2 * x)) / (math.exp(x) + 4 * math.exp(-2 * x))
        by_hand.append(x)
    xs = iterates(newton_out[1])
    assert len(xs) == 8
    assert xs == pytest.approx(by_hand, rel=1e-14)
    assert f"ln(2) / 3 = {x_star!r}" in newton_out[1]
    assert next(k for k, v in enumerate(xs) if v == x_star) == 6
    assert states(page, f"{next(k for k, v in enumerate(xs) if v == x_star)} steps")
    def same_decimals(v):   # how many decimals of the printed iterate agree with ln 2 / 3
        a, b = f"{v:.17f}".split(".")[1], f"{x_star:.17f}".split(".")[1]
        return next(i for i, (p, q) in enumerate(zip(a, b)) if p != q)

    decimals = [same_decimals(v) for v in xs[3:6]]
    assert decimals == [2, 7, 14]
    assert states(page, *map(str, decimals), "iteration 3")
    assert f"{x_star:.6f}" == "0.231049" and "\\approx 0.231049" in page


def test_graph_sizes(page):
    out = run_listing("step30_graph_sizes.py").splitlines()
    # f = 8, f' = 24, f'' = 44 at x = 2; function counts: forward 4 (Pow, Pow, Mul, Sub) and gradient 9 as
    # counted by hand in Step 29; the second-derivative graph's 13 is checked against the picture below
    assert out[0].split() == ["f", "=", "8", "4", "functions,", "0", "recorded", "by", "backward"]
    assert out[1].split() == ["f'", "=", "24", "9", "functions,", "9", "recorded", "by", "backward"]
    assert out[2].split() == ["f''", "=", "44", "13", "functions,", "13", "recorded", "by", "backward"]
    counts = [line.split()[3] for line in out[:3]]
    assert states(page, f"{counts[0]} functions", *counts[1:])


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


@pytest.fixture(scope="module")
def pitfall_out() -> str:
    return run_listing("step30_pitfall.py")


def test_68_vs_44(page, pitfall_out):
    assert f"without cleargrad: variable({float(d1(2) + d2(2))})" in pitfall_out and d1(2) + d2(2) == 68
    assert f"with cleargrad   : variable({float(d2(2))})" in pitfall_out
    assert "$24 + 44 = 68$" in page


def test_forgotten_first_cleargrad_solves_the_wrong_equation(page, pitfall_out):
    shown = iterates(pitfall_out)
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


def rosen_grad(x0, x1):
    return -400 * x0 * (x1 - x0 ** 2) + 2 * (x0 - 1), 200 * (x1 - x0 ** 2)


def descent_by_hand(clear: bool, steps: int, lr: float = 0.001) -> list[tuple[float, float]]:
    """(x0, x1) after each step of Step 26's loop; without cleargrad each step uses the sum of all gradients."""
    x0, x1, s0, s1, path = 0.0, 2.0, 0.0, 0.0, []
    for _ in range(steps):
        g0, g1 = rosen_grad(x0, x1)
        s0, s1 = (0.0 if clear else s0) + g0, (0.0 if clear else s1) + g1
        x0, x1 = x0 - lr * s0, x1 - lr * s1
        path.append((x0, x1))
    return path


def test_the_same_mistake_in_the_other_chapters(page, pitfall_out):
    rows = {m[1].strip(): (float(m[2]), float(m[3])) for m in
            re.finditer(r"^(Step \d\d: .+?)\s+(-?[0-9.e+-]+)\s+(-?[0-9.e+-]+)$", pitfall_out, re.M)}
    assert len(rows) == 5
    # each wrong answer is the right one plus what the first pass left in x.grad
    expected = {
        "Step 29: d2y/dx2 of y = 3x": (0.0, 0.0 + 3.0),
        "Step 30: f''(2), f = x^4 - 2x^2": (d2(2), d2(2) + d1(2)),
        "Step 31: d2y/dx2 of y = sin x at 1": (-math.sin(1), -math.sin(1) + math.cos(1)),
        "Step 33: dz/dx, z = (dy/dx)^3 + y": (24 * 2 ** 2 + 2 * 2, 24 * 2 ** 2 + 2 * 2 + 2 * 2),
    }
    for name, (right, wrong) in expected.items():
        assert rows[name] == (pytest.approx(right, abs=5e-7), pytest.approx(wrong, abs=5e-7)), name
    assert rows["Step 33: dz/dx, z = (dy/dx)^3 + y"] == (100, 104)
    right, wrong = rows["Step 26: x0 after 37 steps of descent"]
    assert right == pytest.approx(descent_by_hand(True, 37)[-1][0], rel=1e-5)
    without = descent_by_hand(False, 37)
    assert wrong == pytest.approx(without[-1][0], rel=1e-5) and wrong > 13_000
    assert next(i for i, (x0, _) in enumerate(without, 1) if abs(x0) > 1e3) == 37   # it blows up at step 37
    # "swings back and forth across the valley floor (x1 = x0^2), then flies off"
    side = [x1 - x0 ** 2 for x0, x1 in without]
    crossings = sum(a * b < 0 for a, b in zip(side, side[1:]))
    assert crossings >= 5 and all(abs(s) < 4 for s in side[:33]) and abs(side[-1]) > 1e6
    assert states(page, "37 steps", "13,000")
    assert states(page, "$3$", "$24$", "$\\cos 1$", "$4$")


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


def test_other_chapters_link_to_the_one_explanation():
    """The forgotten-cleargrad pitfall is explained here once; the chapters that meet it link here."""
    for step in (26, 29, 31, 33):
        assert "step30.md#cleargrad" in page_text(step), step
