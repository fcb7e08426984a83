"""`grad` (tinypytorch.autograd), the functional form of backward, as `torch.autograd.grad`.

It must give what `backward` gives, to any order, while leaving every `.grad` alone; expected values are
closed-form derivatives. That `grad` and `backward` agree with calculus to order 3 for every operator and
function is tested in test_derivatives.py, which computes each derivative both ways.
"""

import math

import numpy as np
import pytest

import tinypytorch.functions as F
from tinypytorch import Config, Variable, grad, no_grad


def test_no_grad_is_touched_not_even_an_intermediates_or_a_preset_one():
    x = Variable(np.array(2.0))
    x.grad = Variable(np.array(100.0))
    t = x * x
    y = t * x
    y.grad = Variable(np.array(7.0))  # grad() does not take it as the starting gradient, as backward would
    gx, = grad(y, x)
    assert gx.data == 12.0 and gx.creator is None
    assert x.grad.data == 100.0 and t.grad is None and y.grad.data == 7.0


def test_gradients_with_respect_to_several_inputs_and_a_mixed_second_derivative():
    x, y = Variable(np.array(2.0)), Variable(np.array(3.0))
    z = x ** 2 * y + F.sin(x * y)
    gx, gy = grad(z, [x, y], create_graph=True)
    assert gx.data == pytest.approx(2 * 2 * 3 + 3 * math.cos(6))
    assert gy.data == pytest.approx(4 + 2 * math.cos(6))
    gxy, = grad(gx, y)  # d²z/dxdy = 2x + cos(xy) - xy sin(xy)
    assert gxy.data == pytest.approx(4 + math.cos(6) - 6 * math.sin(6))
    assert x.grad is None and y.grad is None


def test_gradient_with_respect_to_an_intermediate_variable():
    x = Variable(np.array(2.0))
    t = x * 3
    y = t ** 2
    gt, gx = grad(y, [t, x])
    assert (gt.data, gx.data) == (12.0, 36.0)  # dy/dt = 2t, dy/dx = 2t * 3
    assert t.grad is None


def test_an_input_the_output_does_not_depend_on_is_an_error_unless_allow_unused_gives_none():
    x, unused = Variable(np.array(2.0)), Variable(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"inputs\[1\] is not used .*allow_unused=True"):
        grad(x * 3, [x, unused])
    gx, gu = grad(x * 3, [x, unused], create_graph=True, allow_unused=True)
    assert gx.data == 3.0 and gu is None
    with pytest.raises(ValueError, match=r"inputs\[0\] is not used"):
        grad(gx, x)  # the derivative 3 is a constant: no graph leads back to x
    assert grad(gx, x, allow_unused=True) == (None,)
    assert x.grad is None and unused.grad is None


def test_an_output_computed_under_no_grad_or_no_output_at_all_is_an_error_not_zeros():
    x = Variable(np.array([1.0, 2.0]))
    with no_grad():
        loss = x * 2
    with pytest.raises(ValueError, match=r"outputs\[0\] was computed by no Function \(under no_grad\(\)\?\)"):
        grad(loss, x)
    with pytest.raises(ValueError, match="at least one output"):
        grad([], x)
    assert x.grad is None


def test_grad_outputs_give_a_vector_jacobian_product():
    x = Variable(np.array([1.0, 2.0, 3.0]))
    y = x ** 2
    gx, = grad(y, x, grad_outputs=np.array([1.0, 10.0, 100.0]))
    assert np.array_equal(gx.data, [2.0, 40.0, 600.0])


def test_several_outputs_add_up():
    x = Variable(np.array(2.0))
    a, b = x ** 2, x ** 3
    gx, = grad([a, b], x, grad_outputs=[1.0, np.array(2.0)])
    assert gx.data == 4 + 2 * 12


def test_an_output_that_is_also_an_input_of_the_other():
    x = Variable(np.array(2.0))
    a = x ** 2
    b = a * 3
    gx, ga = grad([a, b], [x, a])  # d(a + b)/da = 1 + 3, d(a + b)/dx = 4 * 2x
    assert (gx.data, ga.data) == (16.0, 4.0)


def test_broadcast_inputs_get_their_own_shapes():
    a, b = Variable(np.ones((2, 3))), Variable(np.array([1.0, 2.0, 3.0]))
    ga, gb = grad(a * b, [a, b])
    assert ga.shape == (2, 3) and gb.shape == (3,)
    assert np.array_equal(ga.data, np.broadcast_to(b.data, (2, 3))) and np.array_equal(gb.data, [2.0, 2.0, 2.0])


def test_each_input_gets_its_own_gradient_object():
    a, b = Variable(np.array(1.0)), Variable(np.array(2.0))
    ga, gb = grad(a + b, [a, b])
    assert ga is not gb and not np.shares_memory(ga.data, gb.data)
    seed = np.array(5.0)
    gy, = grad(a, a, grad_outputs=seed)  # the output is the input: its gradient is the seed, copied
    seed[...] = 0
    assert gy.data == 5.0


def test_without_create_graph_nothing_is_recorded_and_the_switches_are_as_before():
    x = Variable(np.array(0.5))
    gx, = grad(F.tanh(x), x)
    assert gx.creator is None
    assert Config.enable_backprop is True and Config.recording_backward is False
    hx, = grad(F.tanh(x), x, create_graph=True)
    assert hx.creator is not None and hx.creator.from_backward is True


def test_bad_arguments_are_refused_clearly():
    x = Variable(np.array([1.0, 2.0]))
    y = x * 2
    with pytest.raises(TypeError, match=r"inputs must be a Variable or a list of Variables; item 0 is ndarray"):
        grad(y, np.ones(2))
    with pytest.raises(TypeError, match=r"outputs must be a Variable"):
        grad([y, 3.0], x)
    with pytest.raises(ValueError, match=r"grad_outputs\[0\] has shape \(3,\), but the output has shape \(2,\)"):
        grad(y, x, grad_outputs=np.ones(3))
    with pytest.raises(ValueError, match="grad_outputs has 2 entries for 1 outputs"):
        grad(y, x, grad_outputs=[np.ones(2), np.ones(2)])
    with pytest.raises(ValueError, match=r"outputs\[1\] is listed twice"):
        grad([y, y], x)
    assert x.grad is None
