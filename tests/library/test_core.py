"""The core: Variable, Function, operators, backward — the numbers the chapters print and the decisions of issue 2.

Expected values are derived by hand (calculus) or by plain numpy, never by the code under test.
"""

import gc
import math
import weakref

import numpy as np
import pytest

import tinypytorch.functions as F
from tinypytorch import Config, Constant, Function, Variable, as_variable, no_grad, using_config
from tinypytorch.ops import Add, Mul


def rosenbrock(x0, x1):
    return 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2


def goldstein(x, y):
    return (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2)) * \
        (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y + 27 * y ** 2))


# --- Variable ------------------------------------------------------------------------------------------

def test_variable_attributes_and_repr():
    x = Variable(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), name="x")
    assert (x.name, x.shape, x.ndim, x.size, x.dtype, len(x)) == ("x", (2, 3), 2, 6, np.float64, 2)
    assert repr(x) == "variable([[1. 2. 3.]\n          [4. 5. 6.]])"
    assert repr(Variable(np.array(1.0))) == "variable(1.0)"
    assert repr(Variable(None)) == "variable(None)"
    assert x.grad is None and x.creator is None and x.generation == 0


@pytest.mark.parametrize("bad", [1.0, 3, [1.0, 2.0], "1.0"])
def test_variable_refuses_non_arrays(bad):
    with pytest.raises(TypeError, match=r"numpy ndarray.*got (float|int|list|str).*np\.array"):
        Variable(bad)


def test_numpy_scalar_becomes_0d_array():
    x = Variable(np.float64(2.5))
    assert isinstance(x.data, np.ndarray) and x.shape == () and x.data == 2.5


def test_data_setter_refuses_a_variable_and_leaves_data_unchanged():
    x = Variable(np.array(1.0))
    y = x * 2
    y.backward()
    before = x.data.copy()
    with pytest.raises(TypeError, match=r"x\.data -= lr \* x\.grad\.data"):
        x.data = x.data - 0.1 * x.grad  # the right-hand side is a Variable
    assert x.data == before and x.grad.data == 2.0


def test_grad_setter_type_checked():
    x = Variable(np.array(1.0))
    with pytest.raises(TypeError, match="grad must be a Variable or None, got ndarray"):
        x.grad = np.array(1.0)


# --- operators -----------------------------------------------------------------------------------------

def test_operators_with_scalars_and_arrays_on_either_side():
    a = np.array(3.0)
    x = Variable(np.array(2.0))
    cases = {
        "x + 1": (x + 1, 3.0), "1 + x": (1 + x, 3.0), "x - 1": (x - 1, 1.0), "1 - x": (1 - x, -1.0),
        "x * 3": (x * 3, 6.0), "3 * x": (3 * x, 6.0), "x / 4": (x / 4, 0.5), "4 / x": (4 / x, 2.0),
        "x ** 3": (x ** 3, 8.0), "2 ** x": (2 ** x, 4.0), "-x": (-x, -2.0),
        "a + x": (a + x, 5.0), "a - x": (a - x, 1.0), "a * x": (a * x, 6.0), "a / x": (a / x, 1.5),
        "x ** a": (x ** a, 8.0), "a ** x": (a ** x, 9.0), "np.float64 * x": (np.float64(2.0) * x, 4.0),
    }
    for text, (y, expected) in cases.items():
        assert isinstance(y, Variable), text
        assert y.data == pytest.approx(expected), text
        assert y.creator is not None, text


def test_operator_derivatives_by_hand():
    x = Variable(np.array(2.0))
    for make, expected in [(lambda: x * x, 4.0), (lambda: x / 4, 0.25), (lambda: 4 / x, -1.0),
                           (lambda: 1 - x, -1.0), (lambda: -x, -1.0), (lambda: x ** 3, 12.0),
                           (lambda: 2 ** x, 4 * math.log(2))]:
        x.cleargrad()
        make().backward()
        assert x.grad.data == pytest.approx(expected)


@pytest.mark.parametrize("other", ["a", [1.0, 2.0], None, {"x": 1}])
def test_unsupported_operands_raise_type_error(other):
    x = Variable(np.array(1.0))
    with pytest.raises(TypeError, match=r"unsupported operand of type"):
        x + other
    with pytest.raises(TypeError, match=r"unsupported operand of type"):
        other * x


def test_variable_exponent_is_refused_with_a_way_out():
    x = Variable(np.array(2.0))
    with pytest.raises(TypeError, match=r"F\.exp\(c \* F\.log\(x\)\)"):
        x ** x


def test_numpy_function_on_a_variable_points_to_functions_module():
    with pytest.raises(TypeError, match=r"tinypytorch\.functions"):
        np.sin(Variable(np.array(1.0)))


# --- the chapters' numbers -----------------------------------------------------------------------------

def test_rosenbrock_value_and_gradient_at_0_2():
    x0, x1 = Variable(np.array(0.0)), Variable(np.array(2.0))
    y = rosenbrock(x0, x1)
    y.backward()
    assert y.data == 401.0
    assert (x0.grad.data, x1.grad.data) == (-2.0, 400.0)


def _descend(iters, update):
    x0, x1 = Variable(np.array(0.0)), Variable(np.array(2.0))
    for _ in range(iters):
        y = rosenbrock(x0, x1)
        x0.cleargrad()
        x1.cleargrad()
        y.backward()
        update(x0, x1, 0.001)
    return float(x0.data), float(x1.data)


def _numpy_descent(iters):
    x0, x1 = 0.0, 2.0
    for _ in range(iters):
        t = x1 - x0 ** 2
        g0, g1 = -400 * x0 * t + 2 * (x0 - 1), 200 * t
        x0, x1 = x0 - 0.001 * g0, x1 - 0.001 * g1
    return x0, x1


def test_gradient_descent_1000_steps_the_blog_loop_verbatim():
    def blog_update(x0, x1, lr):  # the blog's line, with x0.grad now a Variable
        x0.data -= lr * x0.grad
        x1.data -= lr * x1.grad

    point = _descend(1000, blog_update)
    assert (round(point[0], 6), round(point[1], 6)) == (0.683712, 0.465953)
    assert point == pytest.approx(_numpy_descent(1000), abs=1e-12)


def test_book_update_with_grad_data_gives_the_same_point():
    def book_update(x0, x1, lr):
        x0.data -= lr * x0.grad.data
        x1.data -= lr * x1.grad.data

    assert _descend(1000, book_update) == pytest.approx((0.683712, 0.465953), abs=5e-7)


def test_sin_at_pi_over_4():
    x = Variable(np.array(np.pi / 4))
    y = F.sin(x)
    y.backward()
    assert y.data == pytest.approx(math.sqrt(2) / 2, abs=1e-15)
    assert x.grad.data == pytest.approx(math.sqrt(2) / 2, abs=1e-15)


def test_goldstein_price_gradient_at_1_1():
    x, y = Variable(np.array(1.0)), Variable(np.array(1.0))
    z = goldstein(x, y)
    z.backward()
    assert z.data == 1876.0
    assert (x.grad.data, y.grad.data) == (-5376.0, 8064.0)


def test_second_derivative_with_create_graph():
    x = Variable(np.array(2.0))
    y = x ** 4 - 2 * x ** 2
    y.backward(create_graph=True)
    gx = x.grad
    assert gx.data == 24.0 and gx.creator is not None
    x.cleargrad()
    gx.backward()
    assert x.grad.data == 44.0  # f''(x) = 12x^2 - 4


def test_forgetting_cleargrad_adds_first_and_second_derivative():
    x = Variable(np.array(2.0))
    y = x ** 4 - 2 * x ** 2
    y.backward(create_graph=True)
    x.grad.backward()  # x.grad still holds 24 and the 44 is added to it
    assert x.grad.data == 68.0


def test_without_create_graph_grad_has_no_creator():
    x = Variable(np.array(2.0))
    (x ** 3).backward()
    assert x.grad.data == 12.0 and x.grad.creator is None


def test_accumulation_across_two_backward_calls():
    x = Variable(np.array(3.0))
    y = x * x
    y.backward()
    y.backward()
    assert x.grad.data == 12.0  # 6 + 6, as in the book
    x.cleargrad()
    y.backward()
    assert x.grad.data == 6.0


def test_same_variable_used_twice():
    x = Variable(np.array(3.0))
    (x + x).backward()
    assert x.grad.data == 2.0


def test_derivative_of_something_independent_of_x_is_zero():
    # decision (issue 2): after cleargrad() the gradient reads as zeros until one flows in
    x = Variable(np.array(2.0))
    y = 3 * x
    y.backward(create_graph=True)
    gx = x.grad
    assert gx.data == 3.0
    x.cleargrad()
    gx.backward()
    assert isinstance(x.grad, Variable) and x.grad.data == 0.0 and x.grad.shape == x.shape
    fresh = Variable(np.zeros((2, 2)))
    assert fresh.grad is None  # nothing has flowed and nothing was cleared
    fresh.cleargrad()
    assert np.array_equal(fresh.grad.data, np.zeros((2, 2)))


def test_diamond_graph_generations():
    # book step 16: y = a^2 + a^2 with a = x^2, so y = 2x^4 and dy/dx = 8x^3
    x = Variable(np.array(2.0))
    a = F.square(x)
    y = F.square(a) + F.square(a)
    y.backward()
    assert y.data == 32.0 and x.grad.data == 64.0


def test_long_chain_needs_no_recursion():
    x = Variable(np.array(1.0))
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert x.grad.data == 1.0


def test_retain_grad_as_in_the_book():
    x0, x1 = Variable(np.array(1.0)), Variable(np.array(1.0))
    t = x0 + x1
    y = x0 + t
    y.backward()
    assert y.grad is None and t.grad is None
    assert (x0.grad.data, x1.grad.data) == (2.0, 1.0)
    x0.cleargrad(), x1.cleargrad()
    t, y = x0 + x1, x0 + (x0 + x1)
    y.backward(retain_grad=True)
    assert y.grad.data == 1.0 and y.creator.inputs[1].grad.data == 1.0


def test_no_grad_records_nothing_and_restores_config():
    x = Variable(np.array(2.0))
    with no_grad():
        y = x * 2
        assert Config.enable_backprop is False
    assert y.creator is None and y.generation == 0
    assert Config.enable_backprop is True
    with pytest.raises(KeyError):
        with using_config("enable_backprop", False):
            raise KeyError("boom")
    assert Config.enable_backprop is True
    with pytest.raises(AttributeError, match="no setting 'enable_backpro'"):
        with using_config("enable_backpro", False):
            pass


def test_constants_never_get_gradients():
    x = Variable(np.array(2.0))
    y = 3 * x
    const = y.creator.inputs[1]  # 3 * x is x.__rmul__(3): the constant is the second input
    assert isinstance(const, Constant) and const.data == 3
    y.backward()
    assert const.grad is None and x.grad.data == 3.0
    assert as_variable(x) is x and isinstance(as_variable(np.ones(2)), Constant)


def test_function_instance_is_one_node():
    x = Variable(np.array(2.0))
    f = Mul()
    f(x, x)
    with pytest.raises(RuntimeError, match=r"already holds a graph.*Mul\(\)\(x\)"):
        f(x, x)
    g = Add()
    with no_grad():
        assert g(x, x).data == 4.0 and g(x, x).data == 4.0  # nothing recorded, reuse is harmless


# --- broadcasting --------------------------------------------------------------------------------------

def test_broadcast_gradients_come_back_in_each_inputs_shape():
    a = Variable(np.arange(3.0))                 # (3,)
    b = Variable(np.ones((2, 3)))                # (2, 3)
    c = Variable(np.array([[2.0], [3.0]]))       # (2, 1)
    y = (a + b) * c
    y.backward()
    assert a.grad.shape == (3,) and np.array_equal(a.grad.data, np.full(3, 5.0))   # sum of c over rows
    assert b.grad.shape == (2, 3) and np.array_equal(b.grad.data, np.broadcast_to(c.data, (2, 3)))
    expected_c = (a.data + b.data).sum(axis=1, keepdims=True)
    assert c.grad.shape == (2, 1) and np.array_equal(c.grad.data, expected_c)


def test_broadcast_against_a_constant_array():
    x = Variable(np.array([2.0]))
    y = x * np.ones((4, 3))
    y.backward()
    assert x.grad.shape == (1,) and x.grad.data[0] == 12.0


def test_a_wrong_shaped_gradient_is_an_error_and_nothing_is_half_done():
    class Broken(Function):
        def forward(self, x):
            return x * 2

        def backward(self, gy):
            return Variable(np.ones(5))

    x = Variable(np.ones(3))
    z = Variable(np.ones(3))
    y = Broken()(x) + z
    z.grad = Variable(np.full(3, 7.0))
    with pytest.raises(ValueError, match=r"Broken\.backward returned a gradient of shape \(5,\) for input 0 of shape \(3,\)"):
        y.backward()
    assert x.grad is None and np.array_equal(z.grad.data, np.full(3, 7.0))  # no grad stored by the failed pass


def test_failed_forward_leaves_grads_unchanged():
    x = Variable(np.array(1.0))
    (x * 2).backward()
    with pytest.raises(TypeError):
        x * "two"
    assert x.grad.data == 2.0 and x.data == 1.0


# --- memory --------------------------------------------------------------------------------------------

def test_graph_is_freed_without_the_garbage_collector():
    gc.disable()
    try:
        x = Variable(np.ones(10))
        y = F.tanh(F.sin(x) * 2 + x)
        y.backward()
        nodes = []
        stack = [y.creator]
        while stack:
            f = stack.pop()
            nodes.append(weakref.ref(f))
            for v in f.inputs:
                nodes.append(weakref.ref(v))
                if v.creator is not None:
                    stack.append(v.creator)
        refs = [weakref.ref(y)] + nodes
        del y, f, v, stack
        assert [r for r in refs if r() is not None and r() is not x] == []
    finally:
        gc.enable()


def _tanh_gradient_of_order(n):
    x = Variable(np.array(1.0))
    F.tanh(x).backward(create_graph=True)
    for _ in range(n - 1):
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)
    return x


def test_backward_never_undoes_a_collector_setting_made_while_it_runs():
    # another thread (here: a backward itself) may set the collector's thresholds during a pass
    class SetsThreshold(Function):
        def forward(self, x):
            return x

        def backward(self, gy):
            gc.set_threshold(1234, 5, 5)
            return gy

    before = gc.get_threshold()
    try:
        SetsThreshold()(Variable(np.array(1.0)) * 2).backward(create_graph=True)
        assert gc.get_threshold() == (1234, 5, 5)
        gc.set_threshold(0, 10, 10)  # automatic collection off, the threshold way
        _tanh_gradient_of_order(3)
        assert gc.get_threshold() == (0, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_backward_leaves_a_disabled_collector_disabled_and_restores_it_after_an_error():
    gc.disable()
    try:
        (Variable(np.array(1.0)) * 2).backward()
        assert not gc.isenabled()
    finally:
        gc.enable()

    class Broken(Function):
        def forward(self, x):
            return x

        def backward(self, gy):
            raise ArithmeticError("broken on purpose")

    with pytest.raises(ArithmeticError):
        Broken()(Variable(np.array(1.0))).backward()
    assert gc.isenabled()
