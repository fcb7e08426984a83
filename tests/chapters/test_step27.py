"""Step 27 — Newton's method by hand: the listings run, and the chapter's numbers are what they print.

References: the Newton map of f(x) = x^4 - 2x^2 simplified by hand, N(x) = 2x^3 / (3x^2 - 1), iterated in
plain floats; gradient descent with f'(x) = 4x^3 - 4x in plain floats; exact fractions where they exist
(x1 = 16/11); and the convergence constants f'''(1) / (2 f''(1)) = 1.5 and 1 - 0.01 f''(1) = 0.92.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest

from helpers import listing_globals, page_text, registered_figures, run_listing, states

pytestmark = pytest.mark.step27
STEP = 27


def newton_map(x):
    return 2 * x ** 3 / (3 * x ** 2 - 1)


def df(x):
    return 4 * x ** 3 - 4 * x


def test_derivatives_by_hand_and_their_checks(page):
    out = run_listing("step27_by_hand.py")
    assert "f(2)   = 8" in out                            # 16 - 8
    assert "f'(2)  = 24 by hand, 24 by backward()" in out  # 32 - 8
    assert "f''(2) = 44 by hand, 44.000000 numerically" in out  # 48 - 4
    assert "x.grad.creator: None" in out
    assert states(page, "$f(2) = 8$", "$f'(2) = 24$", "$f''(2) = 44$")


def test_newton_iterates(page):
    out = run_listing("step27_newton.py")
    xs = [float(m) for m in re.findall(r"^x\d = ([0-9.]+)", out, re.M)]
    assert len(xs) == 8
    ref = [2.0]
    for _ in range(7):
        ref.append(newton_map(ref[-1]))
    assert xs == pytest.approx(ref, abs=1e-15)
    assert Fraction(2) - Fraction(24, 44) == Fraction(16, 11)
    assert "x1 = 1.4545454545454546" in out and float(Fraction(16, 11)) == 1.4545454545454546
    assert "x7 = 1.0000000000000000   |x - 1| = 0.00e+00" in out
    errors = [f"{abs(x - 1):.2e}" for x in ref[1:7]]
    assert errors == ["4.55e-01", "1.51e-01", "2.53e-02", "9.08e-04", "1.24e-06", "2.29e-12"]
    assert states(page, "$0.455$", "$0.151$", "$0.0253$", "$9.08 \\times 10^{-4}$", "$1.24 \\times 10^{-6}$",
                  "$2.29 \\times 10^{-12}$")
    assert states(page, "$2.3 \\times 10^{-12}$", "6 steps")


def test_quadratic_convergence_constant(page):
    out = run_listing("step27_newton.py")
    f3, f2 = 24 * 1, 12 * 1 - 4                    # f'''(1), f''(1)
    assert f3 / (2 * f2) == 1.5
    ratios = [float(r) for r in re.findall(r"e\d / e\d\^2 = ([0-9.]+)", out)]
    assert ratios[-1] == pytest.approx(1.5, abs=1e-4) and ratios[-2] == pytest.approx(1.5, abs=5e-3)
    assert "e5 / e4^2 = 1.4968" in out and "e6 / e5^2 = 1.5000" in out
    # e_{k+1} / e_k^2 is measured by the step from x_k to x_{k+1}, the (k+1)-th step
    ordinal = {5: "fifth", 6: "sixth"}
    said = {int(k1): r for k1, k, r in re.findall(r"e(\d) / e(\d)\^2 = ([0-9.]+)", out)}
    assert states(page, f"$e_5/e_4^2 = {said[5]}$", f"{ordinal[5]} step", "$x_4$", "$x_5$", f"${said[6]}$",
                  ordinal[6])


def test_gradient_descent_comparison(page):
    out = run_listing("step27_gradient_descent.py")
    x, xs = 2.0, [2.0]
    while abs(xs[-1] - 1) >= 1e-6:
        x = x - 0.01 * df(x)
        xs.append(x)
    assert len(xs) - 1 == 153
    assert "steps until |x - 1| < 1e-6: 153" in out
    for i in (1, 2, 3, 10, 50, 100, 153):
        assert f"x{i:<3d} = {xs[i]:.10f}" in out
    assert xs[1] == pytest.approx(1.76) and xs[2] == pytest.approx(1.61232896)
    assert 1 - 0.01 * (12 * 1 - 4) == pytest.approx(0.92)
    assert "last ratio e153 / e152 = 0.9200" in out
    assert round(math.log(10) / -math.log(0.92)) == 28           # steps per digit
    # Newton's method needs 6 steps for the same test
    ref = [2.0]
    while abs(ref[-1] - 1) >= 1e-6:
        ref.append(newton_map(ref[-1]))
    assert len(ref) - 1 == 6
    assert states(page, f"{len(xs) - 1} steps", f"{len(ref) - 1}", f"{round(math.log(10) / -math.log(0.92))}")


def test_pitfalls():
    out = run_listing("step27_pitfalls.py")
    assert newton_map(0.5) == -1.0 and newton_map(-1.0) == -1.0
    assert newton_map(0.6) == pytest.approx(5.4)
    assert "from x0 = 0.5: f''(x0) = -1.00, x1 = -1.0000, x2 = -1.0000, x30 = -1.000000" in out
    assert "from x0 = 0.6: f''(x0) = +0.32, x1 = 5.4000" in out
    assert "x30 = 1.000000" in out.splitlines()[1]


def test_wrong_second_derivative_converges_only_linearly(page):
    x = 2.0
    errors = []
    for _ in range(25):
        x = x - df(x) / (12 * x ** 2 - 2)
        errors.append(abs(x - 1))
    assert errors[-1] < 1e-12
    assert errors[12] / errors[11] == pytest.approx(1 - 8 / 10, abs=1e-3)
    assert "$1 - 8/10 = 0.2$" in page


def test_try_it_answer(page):
    out = run_listing("step27_try_it.py")
    xs = [float(m) for m in re.findall(r"^x\d = (\S+)", out, re.M)]
    ref, x = [], 0.3
    for _ in range(5):
        x = newton_map(x)
        ref.append(x)
    printed = re.findall(r"^x\d = (\S+)", out, re.M)
    assert printed[:3] == [f"{v:.3e}" for v in ref[:3]] == ["-7.397e-02", "8.231e-04", "-1.115e-09"]
    assert xs[3:] == pytest.approx(ref[3:], abs=1e-20)    # then 0 (the listing's arithmetic cancels exactly)
    assert "f'(0) = 0, f''(0) = -4" in out
    # every |x0| < 1/sqrt(5) goes to 0; at 1/sqrt(5) the iterates swap sign
    for start in (0.05, 0.2, 0.44, -0.3):
        x = start
        for _ in range(60):
            x = newton_map(x)
        assert abs(x) < 1e-12
    edge = 1 / math.sqrt(5)
    assert newton_map(edge) == pytest.approx(-edge, rel=1e-12)
    for start in (0.46, 0.6):
        x = start
        for _ in range(60):
            x = newton_map(x)
        assert abs(abs(x) - 1) < 1e-12
    assert states(page, "$x_1 = -0.074$", "$x_2 = 8.2 \\times 10^{-4}$", "$x_3 = -1.1 \\times 10^{-9}$")


def test_finite_difference_step_rule():
    """Section "How big a step?": truncation h|f''|/2 and h^2|f'''|/6 for large steps, a minimum near
    sqrt(eps) and eps^(1/3), the central difference more than a thousand times better; float32 near 1e-5."""
    import numpy as np
    out = run_listing("step27_fd_step.py")
    g = listing_globals("step27_fd_step.py")
    steps, forward, central = g["steps"], np.array(g["forward"]), np.array(g["central"])
    d2, d3 = 12 * 2.0 ** 2 - 4, 24 * 2.0                     # f''(2) = 44, f'''(2) = 48, by hand
    for h, e1, e2 in zip(steps, forward, central):
        if h >= 1e-4:                                          # truncation rules; the next terms are smaller
            assert e1 == pytest.approx(h * d2 / 2, rel=0.1) and e2 == pytest.approx(h * h * d3 / 6, rel=1e-3)
        central_by_hand = abs((f_hand(2.0 + h) - f_hand(2.0 - h)) / (2 * h) - 24.0)
        assert e2 == pytest.approx(central_by_hand, rel=0.5, abs=1e-12)
    eps = np.finfo(float).eps
    b1, b2 = int(np.argmin(forward)), int(np.argmin(central))
    assert eps ** 0.5 / 4 < steps[b1] < eps ** 0.5 * 4 and eps ** (1 / 3) / 4 < steps[b2] < eps ** (1 / 3) * 4
    assert forward[b1] / central[b2] > 1000
    assert f"forward: best h = {steps[b1]:.0e} (error {forward[b1]:.1e}); rule of thumb h = 1.5e-08" in out
    assert f"central: best h = {steps[b2]:.0e} (error {central[b2]:.1e}); rule of thumb h = 6.1e-06" in out
    rel32 = float(re.search(r"float32 central: h = 9.8e-03, relative error (\S+)", out).group(1))
    assert 1e-5 < rel32 < 1e-4                                 # "a few times 10^-5"
    page = page_text(STEP)
    assert states(page, "$h \\approx \\sqrt{\\varepsilon} \\approx 1.5 \\times 10^{-8}$",
                  "$h \\approx \\varepsilon^{1/3} \\approx 6 \\times 10^{-6}$")
    assert states(page, "more than a thousand times", "a few times $10^{-5}$")
    assert "step27-fd-error.svg" in registered_figures(STEP)


def f_hand(x: float) -> float:
    return x ** 4 - 2 * x ** 2
