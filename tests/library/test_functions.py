"""The elementwise functions (tinypytorch.functions): values and derivatives at the chapters' points, the
derivatives of sin and cos to any order, and tanh and exp differentiating through their own output.

Every function's derivatives to order 3 on random inputs are checked against closed forms in
test_derivatives.py and against central differences in test_gradcheck.py; float32 gradients in
test_backward.py. Expected values here are closed forms evaluated with math.
"""

import math

import numpy as np
import pytest

import tinypytorch.functions as F
from higher_order import derivatives
from tinypytorch import Variable
from tinypytorch.graph import graph_stats, node_ids


def test_sin_at_pi_over_4():
    x = Variable(np.array(np.pi / 4))
    y = F.sin(x)
    y.backward()
    assert y.data == pytest.approx(math.sqrt(2) / 2, abs=1e-15)
    assert x.grad.data == pytest.approx(math.sqrt(2) / 2, abs=1e-15)


@pytest.mark.parametrize("f, closed_form", [(F.sin, math.sin), (F.cos, math.cos)], ids=["sin", "cos"])
def test_sin_and_cos_derivatives_repeat_every_four_orders(f, closed_form):
    # the n-th derivative of sin is sin(x + n pi/2), and of cos, cos(x + n pi/2) (Step 31)
    x = 0.3
    expected = [closed_form(x + n * math.pi / 2) for n in range(1, 9)]
    assert [float(d) for d in derivatives(f, x, 8)] == pytest.approx(expected, rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("f, derivative", [(F.tanh, lambda y: 1 - y * y), (F.exp, lambda y: y)],
                         ids=["tanh", "exp"])
def test_tanh_and_exp_differentiate_through_their_output(f, derivative):
    x = Variable(np.array(0.5))
    y = f(x)
    y.backward(create_graph=True)
    assert float(x.grad.data) == pytest.approx(derivative(float(y.data)), rel=1e-15)
    assert y in node_ids(x.grad)  # the recorded derivative is built on y itself ...
    forward_name = type(y.creator).__name__
    assert graph_stats(x.grad).functions[forward_name] == 1  # ... so the function is not computed again
