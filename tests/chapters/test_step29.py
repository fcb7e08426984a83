"""Step 29 — create_graph: the listings run, and every number the chapter states is what they print.

Expected values are derived by hand from f(x) = x^4 - 2x^2 (f' = 4x^3 - 4x, f'' = 12x^2 - 4, f''' = 24x),
or counted by hand from the backward rules; never taken from the code under test.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers import run_listing, states

pytestmark = pytest.mark.step29
STEP = 29


def f1(x):
    return 4 * x ** 3 - 4 * x


def f2(x):
    return 12 * x ** 2 - 4


def f3(x):
    return 24 * x


def test_hand_derivatives_match_the_chapter(page):
    assert (f1(2), f2(2), f3(2)) == (24, 44, 48)
    assert states(page, "$f'(2) = 32 - 8 = 24$", "$f''(2) = 48 - 4 = 44$", "$f'''(2) = 48$")


def test_default_backward_records_nothing():
    out = run_listing("step29_grad_is_variable.py")
    assert f"x.grad         = variable({float(f1(2))})" in out
    assert "type(x.grad)   = Variable" in out
    assert "x.grad.creator = None" in out


def test_create_graph_records_the_backward_pass(page):
    out = run_listing("step29_create_graph.py")
    assert f"f'(2)              = variable({float(f1(2))})" in out
    assert "gx.creator         = Add" in out          # x is used twice: the last node accumulates
    assert "recorded by backward: True" in out
    assert f"f''(2)             = variable({float(f2(2))})" in out
    # counted by hand: forward = Pow, Pow, Mul, Sub; backward = Neg (Sub), Mul (Mul by 2),
    # Pow + 2 Mul for each Pow, Add to accumulate the two contributions to x
    assert "forward graph : 4 functions {'Mul': 1, 'Pow': 2, 'Sub': 1}" in out
    assert "gradient graph: 9 functions {'Add': 1, 'Mul': 5, 'Neg': 1, 'Pow': 2}" in out
    assert "recorded by backward: 9" in out
    forward, gradient = re.findall(r"graph ?: (\d+) functions", out)
    assert states(page, f"{forward} functions", gradient)
    # the intermediate values the page reads off the figure: 4*2^3 = 32, 2*2^1*(-2) = -8, 32 - 8 = 24
    assert 4 * 2 ** 3 == 32 and 2 * 2 ** 1 * (-2) == -8 and 32 + (-8) == f1(2)
    assert r"$4 \cdot 2^3 = 32$" in page and r"$2 \cdot 2^1 \cdot (-2) = -8$" in page


def test_the_gradient_graph_does_not_contain_the_forward_functions():
    from tinypytorch import Variable
    from tinypytorch.graph import graph_stats

    x = Variable(np.array(2.0))
    y = x ** 4 - 2 * x ** 2
    y.backward(create_graph=True)
    stats = graph_stats(x.grad)
    assert "Sub" not in stats.functions          # nothing of y's graph is in gx's
    assert stats.n_backward_functions == stats.n_functions


def test_gradient_check_passes_to_order_3_and_catches_an_array_backward():
    out = run_listing("step29_gradient_check.py")
    assert "f, order 3: True" in out
    assert "Cube,       order 3: True" in out
    assert "CubeArrays, order 1: True" in out
    assert "CubeArrays, order 2: GradientCheckError" in out
    assert "failed at order 2" in " ".join(out.split())
    assert "analytic 0," in out                   # no graph behind the gradient: the 2nd derivative reads 0


def test_accumulation_across_backward_calls(page):
    out = run_listing("step29_accumulate.py").splitlines()
    assert out == [f"after one backward : variable({float(f1(2))})",
                   f"after two backwards: variable({float(2 * f1(2))})",
                   "after cleargrad    : variable(0.0)",
                   f"after one more     : variable({float(f1(2))})"]
    assert states(page, f"{f1(2)}", f"{2 * f1(2)}")


def test_derivative_of_a_constant_reads_zero(page):
    out = run_listing("step29_constant_derivative.py").splitlines()
    assert out == ["dy/dx   = variable(3.0)", "d2y/dx2 = variable(0.0)"]
    # the forgotten cleargrad (3 instead of 0) is computed in Step 30's table, which this page links to
    assert "(step30.md#cleargrad)" in page


def test_grad_is_none_until_touched_or_cleared():
    from tinypytorch import Variable

    x = Variable(np.array(2.0))
    assert x.grad is None
    x.cleargrad()
    assert x.grad.data == 0.0


def test_data_update_pitfall_points_to_step26(page):
    """The __array_ufunc__ story is told once, in Step 26 (section 7); this page names it and links there."""
    assert "step26.md#update-line" in page


def test_broadcast_gradients_are_summed_back(page):
    out = run_listing("step29_broadcast.py")
    W = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    b = [10.0, 20.0, 30.0]
    # y_ij = W_ij b_j: dL/dW_ij = b_j (L = sum y), dL/db_j = sum_i W_ij
    assert "y.shape: (2, 3)" in out
    assert f"W.grad:  {[b, b]}" in out
    column_sums = [W[0][j] + W[1][j] for j in range(3)]
    assert column_sums == [5.0, 7.0, 9.0] and f"b.grad:  {column_sums}" in out
    assert "b.grad was made by SumTo" in out                  # recorded: a Function, not a bare sum
    # sum_j b.grad_j = sum_ij W_ij: derivative 1 with respect to every W_ij
    assert "d(sum of b.grad)/dW: [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]" in out
    # broadcast_to uses each element twice (gradient 2); sum_to uses each once (gradient 1, copied back)
    assert "broadcast_to(x, (2, 3)): [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]\n    x.grad: [2.0, 2.0, 2.0]" in out
    assert "sum_to(x, (3,)): [2.0, 2.0, 2.0]\n    x.grad: [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]" in out
    # 2 ** x at 3: 8, 8 ln 2, 8 (ln 2)^2
    import math
    d1, d2 = f"{8 * math.log(2):.6f}", f"{8 * math.log(2) ** 2:.6f}"
    assert (d1, d2) == ("5.545177", "3.843624")
    assert f"2 ** x = 8.0, dy/dx = {d1}, d2y/dx2 = {d2}" in out and "made by ConstantBasePow" in out
    text = " ".join(page.split())
    assert "$1 + 4$, $2 + 5$, $3 + 6$" in text
    assert f"$8 \\ln 2 \\approx {d1}$ and $8 (\\ln 2)^2 \\approx {d2}$" in text


def test_grad_returns_the_derivatives_and_stores_none(page):
    out = run_listing("step29_grad.py")
    assert f"f'(2)  = variable({float(f1(2))})" in out and f"f''(2) = variable({float(f2(2))})" in out
    assert "x.grad = None" in out                              # returned, not stored
    # dz/dx = 3 does not depend on x: an error, as in PyTorch, and None with allow_unused=True
    assert re.search(r"^grad\(gz, x\) raises ValueError: .*allow_unused=True", out, re.M)
    assert "grad(gz, x, allow_unused=True): None" in out
    text = " ".join(page.split())
    assert "$f'(2) = 24$ and $f''(2) = 44$ as before, and `x.grad` was never touched" in text
    assert "is *not* read as zero here" in text and "`allow_unused=True`, which gives `None`" in text
    assert "grad(outputs, inputs, grad_outputs=None, create_graph=False, allow_unused=False)" in text


def test_grad_signature_is_the_pages(page):
    import inspect

    from tinypytorch import grad

    params = inspect.signature(grad).parameters
    assert {name: p.default for name, p in params.items()} == {
        "outputs": inspect.Parameter.empty, "inputs": inspect.Parameter.empty, "grad_outputs": None,
        "create_graph": False, "allow_unused": False}
    assert "`grad(outputs, inputs, grad_outputs=None, create_graph=False" in page.replace("\n", " ")


def test_the_page_shows_the_librarys_own_pass(page):
    """The pass is printed from the source at build time, and the line the page points at is in it."""
    import inspect

    from tinypytorch import core

    from tinypytorch import config

    out = run_listing("step29_show_pass.py")
    assert out == inspect.getsource(core.backprop) + "\n" + inspect.getsource(config.backward_mode) + "\n"
    assert '--8<-- "docs/listings/step29_show_pass.py"' in page
    line = re.search(r"loop, `(with \w+\(create_graph\):)`", page).group(1)
    assert re.search(rf"^ +{re.escape(line)}", inspect.getsource(core.backprop), re.M)   # the pass has it
    # the line that makes create_graph work switches recording on exactly when create_graph is True
    for create_graph in (True, False):
        with config.backward_mode(create_graph):
            assert config.Config.enable_backprop is create_graph
            assert config.Config.recording_backward is create_graph
    for helper in ("_backward_of", "_fitted", "_unshare", "_store"):
        assert helper in out or helper in inspect.getsource(core.Variable.backward), helper
        assert f"- `{helper}`" in page, helper                  # one sentence each on the page


def test_a_gradient_graph_may_reuse_the_forward_graph(page):
    """Tanh's first derivative graph contains the forward Tanh and is differentiated like any other."""
    import tinypytorch.functions as F
    from tinypytorch import Variable
    from tinypytorch.graph import graph_stats

    x = Variable(np.array(1.0))
    F.tanh(x).backward(create_graph=True)
    gx = x.grad
    assert graph_stats(gx).functions["Tanh"] == 1          # the forward node is in the gradient's graph
    x.cleargrad()
    gx.backward()
    t = np.tanh(1.0)
    assert float(x.grad.data) == pytest.approx(-2 * t * (1 - t * t), rel=1e-15)
    assert "which is why it can be differentiated on its own" not in page


def test_the_gradient_check_draws_a_fresh_direction_at_each_order(monkeypatch, page):
    import tinypytorch.gradcheck as gc

    seen = []
    real = gc._directional_derivative
    monkeypatch.setattr(gc, "_directional_derivative",
                        lambda f, directions: (seen.append([d.copy() for d in directions]), real(f, directions))[1])
    assert gc.gradient_check(lambda x: x ** 4, np.array([0.5, -1.0]), order=4)
    assert len(seen) == 3 and not np.allclose(seen[0][0], seen[1][0]) and not np.allclose(seen[1][0], seen[2][0])
    assert states(page, "mixed directional derivative", "a fresh random direction")


def test_try_it_third_derivative(page):
    out = run_listing("step29_try_it.py")
    assert out.strip() == f"f'''(2) = variable({float(f3(2))})"
    assert "$f'''(2) = 48$" in page
