"""Step 32 — tanh: how higher-order graphs explode. The listings run; the chapter's numbers are what they print.

Expected values are derived independently of tinypytorch: the derivatives of tanh from the polynomial
recursion P_{n+1}(t) = P_n'(t) (1 - t^2), done here with exact integer coefficients and math.tanh; graph
sizes by hand for orders 1 and 2 and, for every order, by a graph walk written in this file.
"""

from __future__ import annotations

import math
import re
import sys
from decimal import Decimal, localcontext
from functools import partial

import numpy as np
import pytest

from helpers import ROOT, listing_globals, page_text, registered_figures, run_listing as run_any_listing, states

pytestmark = pytest.mark.step32
STEP = 32
run_listing = partial(run_any_listing, timeout=300)  # this chapter's listings run longer


def tanh_polynomials(max_order: int) -> list[list[int]]:
    """Integer coefficients (constant term first) of P_0..P_max_order, by the recursion of the chapter."""
    polys = [[0, 1]]
    for _ in range(max_order):
        p = polys[-1]
        dp = [k * c for k, c in enumerate(p)][1:]            # P'
        nxt = [0] * (len(dp) + 2)
        for k, c in enumerate(dp):                            # P' * (1 - t^2)
            nxt[k] += c
            nxt[k + 2] -= c
        while len(nxt) > 1 and nxt[-1] == 0:
            nxt.pop()
        polys.append(nxt)
    return polys


def exact_derivative(n: int, x: float) -> float:
    t = math.tanh(x)
    return sum(c * t ** k for k, c in enumerate(tanh_polynomials(n)[n]))


def walk(v):
    """(functions, variables, depth) of v's graph, by a walk independent of tinypytorch.graph."""
    funcs, variables, stack, keep = {}, set(), [v], []
    while stack:
        u = stack.pop()
        if id(u) in variables:
            continue
        variables.add(id(u))
        keep.append(u)
        f = u.creator
        if f is not None and id(f) not in funcs:
            funcs[id(f)] = f
            stack.extend(f.inputs)
    memo = {}

    def depth(f):
        if id(f) not in memo:
            memo[id(f)] = 1 + max((depth(x.creator) for x in f.inputs if x.creator is not None), default=0)
        return memo[id(f)]

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    return len(funcs), len(variables), depth(v.creator) if v.creator is not None else 0


def test_the_recursion_gives_the_hand_derived_polynomials():
    polys = tanh_polynomials(8)
    assert polys[1] == [1, 0, -1]
    assert polys[2] == [0, -2, 0, 2]
    assert polys[3] == [-2, 0, 8, 0, -6]
    assert polys[4] == [0, 16, 0, -40, 0, 24]
    assert len(polys[8]) - 1 == 9 and sum(c != 0 for c in polys[8]) == 5


# --- F.tanh ------------------------------------------------------------------------------------------------

def test_tanh_value_and_first_derivative():
    out = run_listing("step32_tanh.py")
    assert f"tanh(1)          = {math.tanh(1):.6f}" in out
    d = f"{1 - math.tanh(1) ** 2:.6f}"
    assert d == "0.419974"
    assert f"autograd  dy/dx  = {d}" in out and f"1 - tanh(1)**2   = {d}" in out


def test_tanh_backward_uses_the_output():
    out = run_listing("step32_show_source.py")
    assert "class Tanh(Function):" in out
    assert "y = self.outputs[0]()" in out and "return gy * (1 - y * y)" in out


# --- eight derivatives ------------------------------------------------------------------------------------

def decimal_derivative(n: int) -> Decimal:
    """The n-th derivative of tanh at 1 to 60 digits: P_n(tanh 1) with decimal's exp (independent of the
    listing's Fractions and of numpy)."""
    with localcontext() as ctx:
        ctx.prec = 60
        e2 = Decimal(2).exp()
        t = (e2 - 1) / (e2 + 1)
        return sum(c * t ** k for k, c in enumerate(tanh_polynomials(n)[n]))


def test_eight_derivatives_match_the_exact_polynomials():
    out = run_listing("step32_tanh_nth.py")
    for line in ("P_1(t) = 1 - t^2", "P_2(t) = -2t + 2t^3", "P_3(t) = -2 + 8t^2 - 6t^4",
                 "P_4(t) = 16t - 40t^3 + 24t^5", "P_8 has degree 9 and 5 terms"):
        assert line in out
    g = listing_globals("step32_tanh_nth.py")
    rows = re.findall(r"^\s*(\d)\s+(-?\d+\.\d{8})\s+(\S+)\s+(\S+) ulp\s+(\S+)\s+(\S+) ulp$", out, re.M)
    assert [int(r[0]) for r in rows] == list(range(1, 9)), out
    worst = {}
    for n, exact, a_rel, a_ulp, p_rel, p_ulp in rows:
        n = int(n)
        ref = decimal_derivative(n)
        gap = np.spacing(abs(float(ref)))
        assert exact == f"{float(ref):.8f}"
        for value, rel, ulp in ((g["autograd"][n], a_rel, a_ulp), (g["P"][n](np.tanh(1.0)), p_rel, p_ulp)):
            error = abs(Decimal(float(value)) - ref)
            assert rel == f"{float(error / abs(ref)):.1e}" and ulp == f"{float(error) / gap:.1f}", (n, rel, ulp)
        worst[n] = (float(a_rel), float(a_ulp), float(p_rel), float(p_ulp))
    # the page: autograd within 7 ulp except at order 7 (3.9e-15, 27 ulp); the float64 polynomial 2.5e-14,
    # 171 ulp there
    assert all(worst[n][1] <= 7 for n in worst if n != 7)
    assert worst[7][:2] == (3.9e-15, 27.1) and worst[7][2:] == (2.5e-14, 170.9)
    assert max(worst, key=lambda n: worst[n][0]) == 7 == max(worst, key=lambda n: worst[n][2])
    # the numbers behind the explanation: P_7's terms, the rounded input, P_7 exactly at the rounded input
    t = float(np.tanh(1.0))
    terms = [c * t ** k for k, c in enumerate(tanh_polynomials(7)[7])]
    assert f"{max(map(abs, terms)):.0f}" == "4069" and f"{sum(map(abs, terms)) / abs(sum(terms)):.0f}" == "800"
    assert "P_7(t) = -272 + 3968t^2 - 12096t^4 + 13440t^6 - 5040t^8" in out
    assert "its terms at tanh 1: the largest 4069, their sizes add up to 800 times the value" in out
    with localcontext() as ctx:
        ctx.prec = 60
        e2 = Decimal(2).exp()
        tanh1 = (e2 - 1) / (e2 + 1)
        assert f"{float(Decimal(t) - tanh1):.1e}" == "-3.7e-17"
        at_t = sum(c * Decimal(t) ** k for k, c in enumerate(tanh_polynomials(7)[7]))
        assert f"{float(abs(at_t - decimal_derivative(7)) / decimal_derivative(7)):.1e}" == "2.0e-15"
    assert "np.tanh(1.0) - tanh 1 = -3.7e-17" in out and "exact P_7 at np.tanh(1.0): error 2.0e-15" in out
    text = " ".join(page_text(STEP).split())
    for phrase in ("within 7 ulp of the exact value at every order but one", r"$3.9\times10^{-15}$, 27 ulp",
                   r"$2.5\times10^{-14}$, 171 ulp", "reach 4069", "add up to 800 times the result, 12.3",
                   r"off by $3.7\times10^{-17}$", r"already $2.0\times10^{-15}$ from the true value"):
        assert phrase in text, phrase
    assert "a few units in the last place" not in text
    for n in range(1, 9):
        assert g["autograd"][n] == pytest.approx(exact_derivative(n, 1.0), rel=1e-12)
    # the numbers the page quotes
    assert f"{exact_derivative(1, 1.0):.2f}" == "0.42" and f"{exact_derivative(8, 1.0):.0f}" == "-277"
    assert f"{float(decimal_derivative(7)):.1f}" == "12.3"


def test_finite_differences_fail_at_high_order_and_gradient_check_passes():
    out = run_listing("step32_finite_differences.py")
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^(0\.1|0\.01|0\.001)\s+((?:\d\.?\d*e[-+]\d+\s*){8})$", line)
        if m:
            rows[float(m.group(1))] = [float(v) for v in m.group(2).split()]
    assert sorted(rows) == [0.001, 0.01, 0.1]
    # the page: with h = 0.001 orders 1-3 are excellent, orders 6-8 worthless
    assert all(e < 1e-6 for e in rows[0.001][:3])
    assert all(e > 0.5 for e in rows[0.001][5:])
    # the page: for orders 7 and 8 none of the three steps gets within half a percent
    for n in (7, 8):
        assert min(rows[h][n - 1] for h in rows) > 5e-3
    assert "gradient_check(F.tanh, order=8): True" in out


# --- graphs --------------------------------------------------------------------------------------------------

def test_first_derivative_dot_text_has_four_functions_and_seven_variables():
    out = run_listing("step32_tanh_graph.py")
    nodes = re.findall(r'^\d+ \[label="([^"]*)", (.*)\]$', out, re.M)
    functions = [label for label, style in nodes if "shape=box" in style]
    variables = [label for label, style in nodes if "shape=box" not in style]
    assert sorted(functions) == ["Mul", "Mul", "Sub", "Tanh"]                 # by hand: gx = 1 * (1 - y * y)
    assert len(variables) == 7 and {"x", "y", "gx"} <= set(variables)
    assert variables.count("1") == 2                                          # the constant 1 and the seed


def test_growth_table_matches_an_independent_walk():
    g = listing_globals("step32_graph_growth.py")
    stats = g["stats"]
    assert sorted(stats) == list(range(1, 9))
    # by hand (see the page): 4 functions / 7 variables at order 1, 9 functions at order 2
    assert (stats[1].n_functions, stats[1].n_variables, stats[2].n_functions) == (4, 7, 9)

    from tinypytorch import Variable
    import tinypytorch.functions as F
    x = Variable(np.array(1.0))
    F.tanh(x).backward(create_graph=True)
    for n in range(1, 9):
        gx = x.grad
        assert walk(gx) == (stats[n].n_functions, stats[n].n_variables, stats[n].depth), n
        x.cleargrad()
        gx.backward(create_graph=True)

    funcs = [stats[n].n_functions for n in range(1, 9)]
    ratios = [b / a for a, b in zip(funcs, funcs[1:])]
    assert all(r2 > r1 for r1, r2 in zip(ratios, ratios[1:]))                # the ratio grows
    assert 2 < ratios[0] and ratios[-1] > 2.7 and max(ratios) < 3            # "a factor of two to three"
    assert stats[8].functions["Tanh"] == 1                                    # "the single Tanh at order 8"

    out = run_listing("step32_graph_growth.py")
    for n in range(1, 9):
        s = stats[n]
        assert re.search(rf"^\s*{n}\s+{s.n_functions}\s+{s.n_variables}\s+{s.depth}\s", out, re.M)
    assert "2.25" in out and "2.79" in out
    counts = g["counts"]
    assert counts["tanh"] == funcs
    for name in ("sin", "exp"):                                               # linear growth
        steps = np.diff(counts[name])
        assert all(1 <= d <= 2 for d in steps), (name, counts[name])
    assert (counts["sin"][0], counts["sin"][-1], counts["exp"][0], counts["exp"][-1]) == (2, 13, 2, 9)


def test_numbers_quoted_in_the_prose_are_the_computed_ones():
    g = listing_globals("step32_graph_growth.py")
    stats, text = g["stats"], page_text(STEP)
    funcs = {n: s.n_functions for n, s in stats.items()}
    assert (funcs[1], funcs[2], funcs[3], funcs[8]) == (4, 9, 21, 2571)
    assert (stats[1].depth, stats[8].depth) == (4, 181)
    counts = g["counts"]
    ratios = [funcs[n + 1] / funcs[n] for n in (1, 7)]
    assert states(text, f"{funcs[1]} functions", f"{stats[1].n_variables} variables")
    assert "$1 + 1 + 3 + 3 + 1 = 9$" in text and states(text, f"{funcs[3]} functions")
    assert states(text, f"{funcs[1]} functions", f"{funcs[8]}", *(f"{r:.2f}" for r in ratios))
    assert states(text, f"{stats[1].depth}", f"{stats[8].depth}")
    assert states(text, "5 terms")
    assert states(text, f"{counts['sin'][0]}", f"{counts['sin'][-1]}", f"{counts['exp'][-1]}")


def test_graph_figures_draw_the_counted_graphs():
    sys.path.insert(0, str(ROOT))
    from scripts.figures import step32 as figs
    for order, n_functions in ((1, 4), (2, 9), (3, 21)):
        dot = figs.tanh_graph_dot(order)
        assert dot.count("shape=box") == n_functions


# --- try it -------------------------------------------------------------------------------------------------

def test_try_it_derivatives_at_zero():
    out = run_listing("step32_try_it.py")
    # P_1(0) = 1, P_2(0) = 0, P_3(0) = -2 (constant terms of the hand-derived polynomials)
    assert out.split() == ["order", "1:", "1.000000", "order", "2:", "0.000000", "order", "3:", "-2.000000"]
    answer = page_text(STEP).split('??? success "Answer"', 1)[1]
    assert "$P_1(0) = 1$" in answer and "$P_2(0) = 0$" in answer and "$P_3(0) = -2$" in answer


# What create_graph costs (section 7)

#: functions one backward(create_graph=True) records, read off each backward formula by hand:
#: Sub -gy (Neg); Mul gy*b, gy*a; Div gy/b, gy*(-a/b**2) (Div, Neg, Pow, Div, Mul); Pow gy*3*x**2 (Pow,
#: Mul, Mul); Exp gy*y; Log gy/x; Sin gy*cos(x); Cos gy*-sin(x) (Sin, Neg, Mul); Tanh gy*(1-y*y) (Mul, Sub, Mul)
RECORDED_BY_HAND = {"Add": 0, "Sub": 1, "Mul": 2, "Div": 5, "Pow": 3, "Exp": 1, "Log": 1, "Sin": 2, "Cos": 3,
                    "Tanh": 3}


def test_create_graph_cost_tables():
    out = run_listing("step32_create_graph_cost.py")
    g = listing_globals("step32_create_graph_cost.py")
    for name, n in RECORDED_BY_HAND.items():
        assert re.search(rf"^\s*{name}: {n}$", out, re.M), name
    assert max(RECORDED_BY_HAND.values()) == 5
    sizes = {}
    from tinypytorch import Variable
    for name, f in g["variants"].items():
        x = Variable(np.array(1.0))
        f(x).backward(create_graph=True)
        walked = []
        for n in range(1, 9):
            gx = x.grad
            walked.append(walk(gx)[0])
            if n < 8:
                x.cleargrad()
                gx.backward(create_graph=True)
        sizes[name] = walked
        exact = math.exp(1.0) if name == "exp" else exact_derivative(8, 1.0)
        assert float(gx.data) == pytest.approx(exact, rel=1e-12), name
        assert f"{name:>12}: {walked}  8th derivative {exact:.6f}" in out
    assert sizes["tanh, y * y"][-1] == 2571 and sizes["tanh from x"][-1] == 4951
    assert sizes["tanh, y ** 2"][-1] == 1857 and sizes["exp"] == list(range(2, 10))
    rows = re.findall(r"^\s*(\d)\s+(\d+)\s+(\d+)\s+([0-9.]+)$", out, re.M)
    assert [int(r[0]) for r in rows] == list(range(1, 7))
    assert all(0.85 < float(r[3]) < 1.15 for r in rows), rows                # bytes ~ variables x 8N
    assert [int(r[1]) for r in rows] == [walk(v)[1] for v in tanh_gradients(6)]
    c, products = g["tanh_taylor"](1.0, 8)
    assert math.factorial(8) * c[8] == pytest.approx(exact_derivative(8, 1.0), rel=1e-12)
    assert products == 8 * 9 // 2 and "multiplications = 36" in out


def tanh_gradients(max_order):
    from tinypytorch import Variable
    import tinypytorch.functions as F
    x = Variable(np.ones(3))
    F.tanh(x).backward(create_graph=True)
    grads = []
    for n in range(max_order):
        grads.append(x.grad)
        x.cleargrad()
        grads[-1].backward(create_graph=True)
    return grads


def test_create_graph_cost_numbers_on_the_page():
    text = page_text(STEP)
    assert states(text, "4951 functions at order 8 against 2571")
    assert states(text, "$5F$", "`Div`")
    assert states(text, "1857 functions")
    assert states(text, "$-277.062136$", "2571 functions", "36 multiplications")
    assert f"{exact_derivative(8, 1.0):.6f}" == "-277.062136"


def test_the_cost_figure_draws_the_counted_sizes():
    """step32-create-graph-cost plots derivative_sizes of each variant and Taylor mode's n(n+1)/2."""
    assert "step32-create-graph-cost.svg" in registered_figures(STEP)
    g = listing_globals("step32_create_graph_cost.py")
    assert [g["tanh_taylor"](1.0, n)[1] for n in range(1, 9)] == [n * (n + 1) // 2 for n in range(1, 9)]
    assert states(page_text(STEP), "from 4 to 4951", "to 2571", "to 1857", "from 2 to 9", "from 1 to 36")
