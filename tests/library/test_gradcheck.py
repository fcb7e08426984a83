"""`gradient_check` and `numerical_grad` (tinypytorch.gradcheck), and every operator and function passing
`gradient_check` to order 3 on random inputs, broadcast shapes included.

The reference is a central difference, so these tests find a wrong backward without anyone having to write
the expected derivative down; the check itself must find a wrong first or second derivative. Every element
may be exactly 0, 1 or -1 where its range holds them: the points where formulas break (x ** c at 0).
test_derivatives.py compares with closed forms, in float32 too.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes

import tinypytorch.functions as F
from tinypytorch.gradcheck import GradientCheckError, gradient_check, numerical_grad

ORDER = 3
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def values(shape, low, high):
    special = [v for v in (0.0, 1.0, -1.0) if low <= v <= high]
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return arrays(np.float64, shape, elements=st.sampled_from(special) | elements if special else elements)


@st.composite
def broadcast_pair(draw, low=-2.0, high=2.0, low1=None, high1=None):
    shapes = draw(mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3)).input_shapes
    a = draw(values(shapes[0], low, high))
    b = draw(values(shapes[1], low if low1 is None else low1, high if high1 is None else high1))
    return a, b


# binary operators: (name, function, range of the second input); the second input stays away from zero
# where it divides
BINARY = {
    "add": (lambda a, b: a + b, (-2.0, 2.0)),
    "sub": (lambda a, b: a - b, (-2.0, 2.0)),
    "mul": (lambda a, b: a * b, (-2.0, 2.0)),
    "div": (lambda a, b: a / b, (0.5, 2.0)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(data=st.data())
def test_binary_operators_to_order_3(name, data):
    op, (low, high) = BINARY[name]
    a, b = data.draw(broadcast_pair(low1=low, high1=high))
    assert gradient_check(op, a, b, order=ORDER)


@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(data=st.data())
def test_binary_operators_with_a_constant_array_on_either_side(name, data):
    op, (low, high) = BINARY[name]
    a, b = data.draw(broadcast_pair(low1=low, high1=high))
    assert gradient_check(lambda x: op(x, b), a, order=ORDER)          # Variable <op> ndarray
    assert gradient_check(lambda x: op(b, x) if name != "div" else op(b, x + 3.0), a, order=ORDER)  # ndarray <op> Variable


UNARY = {
    "neg": (lambda x: -x, (-2.0, 2.0)),
    "pow 3": (lambda x: x ** 3, (-2.0, 2.0)),
    "pow -1.5": (lambda x: x ** -1.5, (0.5, 2.0)),
    "pow array": (lambda x: x ** np.array([1.0, 2.0, 3.0]), (0.5, 2.0)),
    "pow array with 0": (lambda x: x ** np.array([0.0, 1.0, 2.0]), (-2.0, 2.0)),
    "pow 0": (lambda x: x ** 0, (-2.0, 2.0)),
    "pow 1": (lambda x: x ** 1, (-2.0, 2.0)),
    "pow 2": (lambda x: x ** 2, (-2.0, 2.0)),
    "x**4 - 2x**2": (lambda x: x ** 4 - 2 * x ** 2, (-2.0, 2.0)),
    "rpow": (lambda x: 2.0 ** x, (-2.0, 2.0)),
    "rpow base 0": (lambda x: 0.0 ** x, (0.5, 2.0)),
    "rpow base array with 0": (lambda x: np.array([0.0, 2.0, 3.0]) ** x, (0.5, 2.0)),
    "sin": (F.sin, (-3.0, 3.0)),
    "cos": (F.cos, (-3.0, 3.0)),
    "tanh": (F.tanh, (-2.0, 2.0)),
    "exp": (F.exp, (-2.0, 2.0)),
    "log": (F.log, (0.5, 3.0)),
    "square": (F.square, (-2.0, 2.0)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@SETTINGS
@given(data=st.data())
def test_unary_functions_to_order_3(name, data):
    f, (low, high) = UNARY[name]
    shape = (3,) if "array" in name else data.draw(st.sampled_from([(), (3,), (2, 3)]))
    x = data.draw(values(shape, low, high))
    assert gradient_check(f, x, order=ORDER)


def test_composite_with_shared_subexpressions_to_order_3():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0.5, 1.5, (2, 3)), rng.uniform(0.5, 1.5, (3,))

    def f(x, y):
        t = F.tanh(x * y)
        return F.exp(-t * t) + F.log(x + y) * F.sin(t) / (y ** 2 + 1)

    assert gradient_check(f, x, y, order=ORDER)


def test_gradient_check_finds_a_wrong_derivative():
    from tinypytorch import Function

    class WrongCube(Function):
        def forward(self, x):
            return x ** 3

        def backward(self, gy):
            x, = self.inputs
            return gy * 3 * x * x * 1.01  # 1 % off

    with pytest.raises(GradientCheckError, match=r"order 1 for input 0 \(shape \(2,\)\): worst element \(\d,\)"):
        gradient_check(lambda x: WrongCube()(x), np.array([1.0, 2.0]))


def test_gradient_check_finds_a_wrong_second_derivative():
    from tinypytorch import Function

    class CubeWithConstantSlope(Function):  # right first derivative value, but built from a constant
        def forward(self, x):
            return x ** 3

        def backward(self, gy):
            x, = self.inputs
            return gy * (3 * x.data ** 2)

    assert gradient_check(lambda x: CubeWithConstantSlope()(x), np.array([1.0, 2.0]), order=1)
    with pytest.raises(GradientCheckError, match="order 2 for input 0"):
        gradient_check(lambda x: CubeWithConstantSlope()(x), np.array([1.0, 2.0]), order=2)


def test_gradient_check_refuses_non_float_data_and_bad_order():
    with pytest.raises(TypeError, match=r"input 0 has dtype int64.*astype\(np\.float64\)"):
        gradient_check(F.sin, np.array([1, 2]))
    with pytest.raises(TypeError, match="input 1 must be a float ndarray"):
        gradient_check(lambda a, b: a * b, np.array(1.0), [1.0])
    with pytest.raises(ValueError, match="order must be a whole number >= 1"):
        gradient_check(F.sin, np.array(1.0), order=0)


def test_gradient_check_leaves_the_callers_variables_unchanged():
    from tinypytorch import Variable

    x = Variable(np.array([0.3, 0.7]))
    x.grad = Variable(np.array([5.0, 6.0]))
    gradient_check(F.sin, x, order=2)
    assert np.array_equal(x.data, [0.3, 0.7]) and np.array_equal(x.grad.data, [5.0, 6.0])


def test_numerical_grad_matches_calculus():
    g, = numerical_grad(lambda x: x ** 3, np.array([1.0, -2.0]))
    np.testing.assert_allclose(g, [3.0, 12.0], rtol=1e-8)
