"""Step 33 — double backprop. The listings run, and the chapter's numbers are what they print.

Expected values are derived by hand: z = 8x^3 + x^2 so dz/dx = 24x^2 + 2x; the gradient penalty's
gradient from grad f + 2 lam H grad f with grad f and H written out by hand; graph sizes counted by hand.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from helpers import listing_globals, page_text, run_listing

pytestmark = pytest.mark.step33
STEP = 33


def test_dz_dx_is_100():
    x = 2.0
    assert 24 * x ** 2 + 2 * x == 100            # z = 8x^3 + x^2
    assert 3 * (2 * x) ** 2 * 2 + 2 * x == 100   # the chain rule: 3 g^2 dg/dx + dy/dx
    out = run_listing("step33_double_backprop.py")
    assert "dy/dx = variable(4.0)" in out
    assert "dz/dx = variable(100.0)" in out


def test_graph_of_z_has_six_functions_three_recorded_by_backward():
    # by hand: forward Pow (x^2), Pow (gx^3), Add; recorded by y.backward(): Pow (x^1), Mul by 2, Mul by the seed
    out = run_listing("step33_double_backprop.py")
    assert "graph of z: 6 functions, 3 of them recorded by y.backward()" in out
    assert "Of its 6 functions, 3 were recorded by `y.backward()`" in page_text(STEP)
    g = listing_globals("step33_double_backprop.py")
    from tinypytorch.graph import get_dot_graph
    dot = get_dot_graph(g["z"], verbose=False)
    boxes = re.findall(r'\[label="(\w+)", [^\]]*shape=box\]', dot)
    assert sorted(boxes) == ["Add", "Mul", "Mul", "Pow", "Pow", "Pow"]
    assert sum("dashed" in line and "shape=box" in line for line in dot.splitlines()) == 3


def test_gradient_penalty_matches_the_hand_formula_and_passes_gradient_check():
    out = run_listing("step33_gradient_penalty.py")
    a, b, lam = 1.5, -0.5, 0.1
    f = a ** 2 * b + math.sin(b)
    g = np.array([2 * a * b, a ** 2 + math.cos(b)])
    H = np.array([[2 * b, 2 * a], [2 * a, -math.sin(b)]])
    L = f + lam * g @ g
    grad_L = g + 2 * lam * H @ g
    assert f"L          = {L:.6f}" in out
    assert f"dL/da      = {grad_L[0]:.6f}" in out
    assert f"dL/db      = {grad_L[1]:.6f}" in out
    assert "gradient_check(order=2): True" in out


def test_hessian_vector_product_is_the_first_column_of_H():
    out = run_listing("step33_hvp.py")
    a, b = 1.5, -0.5
    assert (2 * b, 2 * a) == (-1.0, 3.0)
    assert "H v = (-1.0, 3.0)" in out
    assert "$(2b, 2a) = (-1, 3)$" in page_text(STEP)


def test_pitfalls_print_4_without_create_graph():
    out = run_listing("step33_pitfalls.py")
    assert "without create_graph: variable(4.0)" in out       # only the path through y: dy/dx = 2x = 4
    # forgetting cleargrad (100 + the stale dy/dx = 4) is computed in Step 30's table, linked from here
    assert "$100 + 4$" in page_text(STEP) and "step30.md#cleargrad" in page_text(STEP)


def test_try_it_is_36():
    assert 36 * 1.0 ** 3 == 36                               # z = 9x^4, dz/dx = 36x^3
    out = run_listing("step33_try_it.py")
    assert out.strip() == "dz/dx = variable(36.0)"
    answer = page_text(STEP).split('??? success "Answer"', 1)[1]
    assert "$36$ at $x = 1$" in answer
