"""The core at its edges (issue 9): zeros, in-place updates, shared gradients, float32, failed passes,
cleared gradients, and the errors a learner meets instead of a puzzle.

Threads and interrupts are in test_threads_and_interrupts.py, `tinypytorch.grad` in test_grad.py, and
derivatives of every function against closed forms in test_derivatives.py. Expected values come from
calculus or plain numpy, never from the code under test.
"""

import math
import re

import numpy as np
import pytest

import tinypytorch.functions as F
from tinypytorch import Config, Constant, Function, Variable, get_dot_graph, grad, no_grad, using_config
from tinypytorch.gradcheck import gradient_check


def derivatives(f, x, order):
    """[f'(x), ..., f^(order)(x)] as arrays, by backward(create_graph=True) and cleargrad(), the book's way."""
    x = Variable(np.asarray(x, dtype=float))
    f(x).backward(create_graph=True)
    out = [x.grad.data.copy()]
    for _ in range(order - 1):
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)
        out.append(x.grad.data.copy())
    return out


# --- 2. Pow at a base of 0 ----------------------------------------------------------------------------------

def test_derivatives_1_to_4_of_the_books_polynomial_at_0():
    # f = x^4 - 2x^2: f' = 4x^3 - 4x, f'' = 12x^2 - 4, f''' = 24x, f'''' = 24
    with np.errstate(all="raise"):  # no 0 * inf on the way
        assert derivatives(lambda x: x ** 4 - 2 * x ** 2, 0.0, 4) == [0.0, -4.0, 0.0, 24.0]


@pytest.mark.parametrize("c, order, expected", [(0, 1, 0.0), (1, 2, 0.0), (2, 3, 0.0), (3, 3, 6.0), (4, 4, 24.0)])
def test_highest_derivatives_of_powers_at_0(c, order, expected):
    with np.errstate(all="raise"):
        assert derivatives(lambda x: x ** c, 0.0, order)[-1] == expected


def test_derivative_of_x_to_the_0_is_zeros_of_xs_shape():
    x = Variable(np.array([0.0, 2.0, -3.0]))
    (x ** 0).backward()
    assert x.grad.shape == (3,) and np.array_equal(x.grad.data, np.zeros(3))


def test_gradient_check_of_x_squared_at_0_to_order_3():
    assert gradient_check(lambda x: x ** 2, np.array([0.0, 1.0]), order=3)


def test_an_exponent_array_with_a_zero_at_x_0():
    c = np.array([0.0, 1.0, 2.0])
    with np.errstate(all="raise"):
        first, second = derivatives(lambda x: x ** c, np.zeros(3), 2)
    assert np.array_equal(first, [0.0, 1.0, 0.0])   # c x^(c-1): 0, 1, 2x
    assert np.array_equal(second, [0.0, 0.0, 2.0])


@pytest.mark.parametrize("base", [0.0, 0, np.array([0.0, 0.0, 0.0])])
def test_zero_to_the_x_is_flat(base):
    with np.errstate(all="raise"):
        ds = derivatives(lambda x: base ** x, np.array([0.0, 1.0, 2.0]), 3)
    assert all(np.array_equal(d, np.zeros(3)) for d in ds)  # PyTorch: 0 too (0^x = 0 for x > 0)


def test_a_base_array_with_a_zero():
    base = np.array([0.0, 2.0])
    first, second = derivatives(lambda x: base ** x, np.array([1.0, 3.0]), 2)
    np.testing.assert_allclose(first, [0.0, 8 * math.log(2)], rtol=1e-14)
    np.testing.assert_allclose(second, [0.0, 8 * math.log(2) ** 2], rtol=1e-14)


# --- 4. x -= lr * x.grad ------------------------------------------------------------------------------------

def test_in_place_update_of_an_input_refuses_with_the_line_to_write():
    x = Variable(np.array(2.0))
    (x * x).backward()
    x_before = x
    with pytest.raises(TypeError, match=r"x\.data -= .*with no_grad\(\): x -= "):
        x -= 0.1 * x.grad
    assert x is x_before and x.data == 2.0 and x.creator is None


@pytest.mark.parametrize("symbol", ["+=", "-=", "*=", "/=", "**="])
def test_every_in_place_operator_on_an_input_refuses(symbol):
    x = Variable(np.array(2.0))
    with pytest.raises(TypeError, match=rf"`x {re.escape(symbol)} \.\.\.`"):
        exec(f"x {symbol} 3.0", {}, {"x": x})
    assert x.data == 2.0


@pytest.mark.parametrize("symbol, expected", [("+=", 5.0), ("-=", -1.0), ("*=", 6.0), ("/=", 2 / 3), ("**=", 8.0)])
def test_in_place_operators_update_an_input_under_no_grad(symbol, expected):
    x = Variable(np.array(2.0))
    scope = {"x": x, "no_grad": no_grad, "Variable": Variable, "np": np}
    exec(f"with no_grad():\n    x {symbol} Variable(np.array(3.0))", scope)
    assert scope["x"] is x and x.creator is None and x.data == pytest.approx(expected)


def test_pytorch_style_descent_loop_moves_the_parameter():
    x = Variable(np.array(2.0))
    for _ in range(3):
        x.cleargrad()
        (x * x).backward()
        with no_grad():
            x -= 0.1 * x.grad  # PyTorch's update; the book writes x.data -= 0.1 * x.grad.data
    assert x.creator is None and x.data == pytest.approx(2 * 0.8 ** 3, rel=1e-15)


def test_in_place_on_a_computed_variable_is_a_new_node():
    x = Variable(np.array(3.0))
    y = x * 2
    y_before = y
    y -= 1  # y = y - 1: a Sub node, as in the book (no in-place method)
    assert y is not y_before and type(y.creator).__name__ == "Sub" and y.data == 5.0
    y.backward()
    assert x.grad.data == 2.0 and y_before.data == 6.0


def test_in_place_update_keeps_float32():
    x = Variable(np.ones(3, dtype=np.float32))
    with no_grad():
        x -= 0.5 * Variable(np.ones(3))  # a float64 right-hand side, cast as numpy's -= does
    assert x.dtype == np.float32 and np.array_equal(x.data, np.full(3, 0.5, dtype=np.float32))


# --- 5. every variable owns its gradient --------------------------------------------------------------------

def test_inputs_of_an_add_get_gradients_of_their_own():
    a, b = Variable(np.array([1.0, 2.0])), Variable(np.array([3.0, 4.0]))
    (a + b).backward()
    assert a.grad is not b.grad and not np.shares_memory(a.grad.data, b.grad.data)
    for p in (a, b):
        p.grad.data *= 0.5  # scale every gradient once
    assert np.array_equal(a.grad.data, [0.5, 0.5]) and np.array_equal(b.grad.data, [0.5, 0.5])


def test_retained_gradients_are_distinct_objects():
    a = Variable(np.array(1.0))
    t = a * 1.0
    y = t + 0.0
    y.backward(retain_grad=True)
    grads = [a.grad, t.grad, y.grad]
    assert len({id(g) for g in grads}) == 3
    assert len({id(g.data) for g in grads}) == 3


def test_a_shared_recorded_gradient_is_copied_by_a_node_that_can_be_differentiated():
    a, b, c = Variable(np.array(1.0)), Variable(np.array(2.0)), Variable(np.array(5.0))
    y = (a + b) * c  # dy/da = dy/db = c: one recorded object reaches both
    y.backward(create_graph=True)
    assert a.grad is not b.grad and a.grad.data == b.grad.data == 5.0
    for g in (a.grad, b.grad):
        c.cleargrad()
        g.backward()
        assert c.grad.data == 1.0  # d(dy/da)/dc = d(dy/db)/dc = 1


def test_a_gradient_passed_in_is_never_stored_as_it_is():
    seed = np.array([1.0, 2.0])
    y = Variable(np.array([3.0, 4.0]))
    y.backward(seed)
    seed[:] = 0
    assert np.array_equal(y.grad.data, [1.0, 2.0])
    v = Variable(np.array([5.0, 6.0]))
    z = Variable(np.array([1.0, 1.0]))
    z.backward(v)
    assert z.grad is not v and np.array_equal(z.grad.data, [5.0, 6.0])


# --- 6. float32 stays float32 -------------------------------------------------------------------------------

F32_EXPRESSIONS = {
    "x * 2.0": lambda x: x * 2.0, "2.0 * x": lambda x: 2.0 * x, "x / 2": lambda x: x / 2,
    "1 / x": lambda x: 1 / x, "x - 1": lambda x: x - 1, "1 - x": lambda x: 1 - x, "x + 1": lambda x: x + 1,
    "x ** 3": lambda x: x ** 3, "x ** 0.5": lambda x: x ** 0.5, "2 ** x": lambda x: 2 ** x,
    "2.0 ** x": lambda x: 2.0 ** x, "-x": lambda x: -x, "x * True": lambda x: x * True,
}


@pytest.mark.parametrize("text", sorted(F32_EXPRESSIONS))
def test_python_numbers_keep_float32_values_as_numpy_does(text):
    data = np.array([0.5, 2.0], dtype=np.float32)
    f = F32_EXPRESSIONS[text]
    y = f(Variable(data))
    expected = f(data)  # numpy's own result on the array
    assert expected.dtype == np.float32 and y.dtype == np.float32
    np.testing.assert_array_equal(y.data, expected)


GRADIENTS_OF = {
    "tanh": F.tanh, "sin": F.sin, "cos": F.cos, "exp": F.exp, "log": F.log, "square": F.square,
    "x ** 3": lambda x: x ** 3, "x ** 0.5": lambda x: x ** 0.5, "2 ** x": lambda x: 2 ** x,
    "x * 2.0 - 1 / x": lambda x: x * 2.0 - 1 / x, "x ** 0": lambda x: x ** 0, "0.0 ** x": lambda x: 0.0 ** x,
}


@pytest.mark.parametrize("name", sorted(GRADIENTS_OF))
def test_gradients_of_float32_are_float32_to_order_3(name):
    x = Variable(np.array([0.5, 2.0], dtype=np.float32))
    GRADIENTS_OF[name](x).backward(create_graph=True)
    dtypes = [x.grad.dtype]
    for _ in range(2):
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)
        dtypes.append(x.grad.dtype)
    assert dtypes == [np.float32] * 3


@pytest.mark.parametrize("other", [np.float64(2.0), np.array(2.0), np.array([2.0, 3.0])],
                         ids=["numpy scalar", "0-d array", "array"])
@pytest.mark.parametrize("create_graph", [False, True])
def test_a_float32_variables_gradient_is_float32_beside_float64_values(other, create_graph):
    # numpy promotes the value (its rule for strong scalars and arrays); the gradient keeps x's dtype
    x = Variable(np.array([0.5, 1.5], dtype=np.float32))
    y = x * other
    assert y.dtype == np.float64
    g, = grad(y, x, create_graph=create_graph)
    y.backward(create_graph=create_graph)
    assert g.dtype == x.grad.dtype == np.float32 and g.shape == x.shape
    np.testing.assert_allclose(g.data, np.broadcast_to(other, (2,)))
    if create_graph:  # the cast back is a node: the gradient can be differentiated again
        gg, = grad(F.square(g), x, allow_unused=True)
        assert gg is None  # x * c is linear: its gradient does not depend on x


def test_python_numbers_follow_numpy_for_other_dtypes_too():
    cases = [(np.array([1, 2], dtype=np.int32), 2), (np.array([1, 2], dtype=np.int32), 2.5),
             (np.array([1.0, 2.0], dtype=np.float16), 3.0), (np.array([1j, 2], dtype=np.complex64), 1.5),
             (np.array([1.0, 2.0]), 2)]
    for data, number in cases:
        assert (Variable(data) * number).dtype == (data * number).dtype, (data.dtype, number)
    with pytest.raises(OverflowError):  # as numpy: a Python int that does not fit the array's type
        Variable(np.array([1], dtype=np.int8)) + 1000


def test_numpy_scalars_and_arrays_are_not_weak():
    x = Variable(np.ones(2, dtype=np.float32))
    assert (x * np.float64(2.0)).dtype == (x.data * np.float64(2.0)).dtype
    assert (x * np.ones(2)).dtype == np.float64  # a float64 array wins, as in numpy


# --- 7. the final store of gradients is all or nothing ------------------------------------------------------

def test_grad_setter_refuses_a_wrong_shape():
    a = Variable(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"grad must have the variable's shape \(2,\), got one of shape \(3,\)"):
        a.grad = Variable(np.ones(3))
    assert a.grad is None
    a.grad = Variable(np.ones(2))  # the right shape is fine, and None clears
    a.grad = None


def test_a_failed_store_changes_no_gradient():
    a = Variable(np.array([1.0, 2.0]))
    a.grad = Variable(np.array([7.0, 7.0]))
    a.data = np.array([1.0, 2.0, 3.0])  # the data changes shape under a gradient of the old shape
    b = Variable(np.array([3.0, 4.0, 5.0]))
    with pytest.raises(ValueError, match=r"cannot add a gradient of shape \(3,\) to a grad of shape \(2,\)"):
        (b * a).backward()
    assert b.grad is None and np.array_equal(a.grad.data, [7.0, 7.0])


# --- 8. cleargrad() zeros are one Variable ------------------------------------------------------------------

def test_cleared_gradient_reads_as_the_same_zeros():
    x = Variable(np.array([1.0, 2.0]))
    x.cleargrad()
    assert x.grad is x.grad and np.array_equal(x.grad.data, [0.0, 0.0])
    x.grad.name = "gx"
    assert x.grad.name == "gx"
    (x * 3).backward()  # a gradient arriving replaces the zeros
    assert np.array_equal(x.grad.data, [3.0, 3.0])


def test_reading_the_zeros_changes_neither_value_nor_graph():
    def third_power_gradient(read):
        x = Variable(np.array(2.0))
        x.cleargrad()
        if read:
            x.grad
        (x ** 3).backward(create_graph=True)
        return x.grad

    read, unread = third_power_gradient(True), third_power_gradient(False)
    assert read.data == unread.data == 12.0
    assert type(read.creator) is type(unread.creator)
    assert get_dot_graph(read) == get_dot_graph(unread)


def test_zeros_changed_in_place_are_added_to():
    x = Variable(np.array(1.0))
    x.cleargrad()
    x.grad.data += 10.0  # no longer zeros: the next gradient adds to it
    (x * 3).backward()
    assert x.grad.data == 13.0


def test_a_cleared_output_starts_from_ones_even_after_its_zeros_were_read():
    x = Variable(np.array(2.0))
    y = x * 4
    y.cleargrad()
    assert y.grad.data == 0.0
    y.backward()
    assert x.grad.data == 4.0


# --- clear errors -------------------------------------------------------------------------------------------

class OldStyle(Function):
    """Part 1–2's habit: backward on ndarrays."""

    def forward(self, x):
        return x * 2

    def backward(self, gy):
        return gy.data * 2


class ReturnsAFloat(Function):
    def forward(self, x):
        return x * 2

    def backward(self, gy):
        return 2.0


@pytest.mark.parametrize("cls, returned", [(OldStyle, "numpy.float64"), (ReturnsAFloat, "float")])
def test_backward_returning_no_variable_names_the_function_and_step_29(cls, returned):
    x = Variable(np.array(1.0))
    with pytest.raises(TypeError, match=rf"{cls.__name__}\.backward returned {returned} for input 0; since Step 29 "
                                        r"backward must return Variables"):
        cls()(x).backward()
    assert x.grad is None


def test_backward_may_return_a_list():
    class Swap(Function):
        def forward(self, a, b):
            return a * b

        def backward(self, gy):
            a, b = self.inputs
            return [gy * b, gy * a]

    a, b = Variable(np.array(2.0)), Variable(np.array(3.0))
    Swap()(a, b).backward()
    assert (a.grad.data, b.grad.data) == (3.0, 2.0)


def test_backward_takes_a_starting_gradient_as_pytorch_does():
    x = Variable(np.array([1.0, 2.0]))
    y = x * 3
    y.backward(np.ones(2))
    assert np.array_equal(x.grad.data, [3.0, 3.0])
    x.cleargrad()
    y.backward(np.array([1.0, 10.0]))
    assert np.array_equal(x.grad.data, [3.0, 30.0])
    s = Variable(np.array(1.0))
    (s * 3).backward(np.array(5.0))  # it was silently ignored
    assert s.grad.data == 15.0
    t = Variable(np.array(1.0))
    (t * 3).backward(2)
    assert t.grad.data == 6.0


def test_a_starting_gradient_takes_the_outputs_float_type():
    x = Variable(np.ones(2, dtype=np.float32))
    (x * 3).backward(np.ones(2))
    assert x.grad.dtype == np.float32


def test_a_starting_gradient_of_the_wrong_shape_or_kind_is_refused():
    x = Variable(np.array([1.0, 2.0]))
    y = x * 3
    with pytest.raises(ValueError, match=r"backward's gradient has shape \(3,\), but the output has shape \(2,\)"):
        y.backward(np.ones(3))
    with pytest.raises(TypeError, match=r"backward's first argument is the starting gradient.*retain_grad=True"):
        y.backward(True)
    with pytest.raises(TypeError, match="got str"):
        y.backward("ones")
    assert x.grad is None


def test_the_books_keyword_calls_still_work():
    x = Variable(np.array(2.0))
    y = x ** 2
    y.backward(retain_grad=True)
    assert y.grad.data == 1.0 and x.grad.data == 4.0
    x.cleargrad()
    z = x ** 3
    z.backward(create_graph=True)
    assert x.grad.creator is not None


@pytest.mark.parametrize("name", [1, 2.5, b"x", ["x"]])
def test_a_name_that_is_not_a_str_is_refused_up_front(name):
    with pytest.raises(TypeError, match=r"a Variable's name must be a str or None, got"):
        Variable(np.array(1.0), name=name)
    x = Variable(np.array(1.0), name="x")
    with pytest.raises(TypeError, match=r"name must be a str or None"):
        x.name = name
    assert x.name == "x"
    assert 'label="x' in get_dot_graph(x * 2)


@pytest.mark.parametrize("data", [np.array("abc"), np.array(["1.0", "2.0"]), np.array([object()], dtype=object),
                                  np.array(["2024-01-01"], dtype="datetime64[D]"), np.array(b"raw")])
def test_non_numeric_data_is_refused_with_a_message(data):
    with pytest.raises(TypeError, match=rf"Variable data must hold numbers, got an array of dtype {re.escape(str(data.dtype))}"):
        Variable(data)
    x = Variable(np.array(1.0))
    with pytest.raises(TypeError, match="must hold numbers"):
        x.data = data
    assert x.data == 1.0


@pytest.mark.parametrize("dtype", [bool, np.int8, np.uint16, np.int64, np.float16, np.float32, np.complex128])
def test_numeric_dtypes_are_accepted(dtype):
    assert Variable(np.ones(2, dtype=dtype)).dtype == dtype


def test_no_grad_decorates_a_function():
    @no_grad()
    def predict(x):
        """Double it."""
        assert Config.enable_backprop is False
        return x * 2

    x = Variable(np.array(1.0))
    y = predict(x)
    assert y.creator is None and y.data == 2.0
    assert predict.__name__ == "predict" and predict.__doc__ == "Double it."
    assert Config.enable_backprop is True and (x * 2).creator is not None


def test_a_decorated_function_may_recurse_and_restores_after_an_error():
    @no_grad()
    def countdown(x, n):
        if n == 0:
            raise ArithmeticError("bottom")
        return countdown(x * 1, n - 1)

    with pytest.raises(ArithmeticError):
        countdown(Variable(np.array(1.0)), 3)
    assert Config.enable_backprop is True


def test_using_config_decorates_too():
    @using_config("recording_backward", True)
    def recorded(x):
        return x * 2

    y = recorded(Variable(np.array(1.0)))
    assert y.creator.from_backward is True and Config.recording_backward is False


def test_a_generator_function_is_refused_as_a_decorator_target():
    with pytest.raises(TypeError, match="decorates plain functions.*use a `with` block inside it"):
        @no_grad()
        def gen(x):
            yield x * 2


def test_a_running_block_cannot_be_entered_again():
    block = no_grad()
    with block:
        with pytest.raises(RuntimeError, match="already running; nest a new one"):
            with block:
                pass
        assert Config.enable_backprop is False
    assert Config.enable_backprop is True
    with block:  # used again after it ended: fine
        assert Config.enable_backprop is False
    assert Config.enable_backprop is True


def test_constants_keep_their_labels():
    # the golden DOT files show `3`, not `3.0`, for the 3 in `3 * x` of a float64 x
    y = 3 * Variable(np.array(2.0))
    const = y.creator.inputs[1]
    assert isinstance(const, Constant) and 'label="3"' in get_dot_graph(y, verbose=False)


def test_a_preset_output_gradient_starts_the_pass_and_stays_the_outputs_alone():
    x = Variable(np.array([1.0, 2.0]))
    y = x + 0.0  # Add passes the starting gradient on to x unchanged
    y.grad = Variable(np.array([3.0, 4.0]))
    preset = y.grad
    y.backward()
    assert np.array_equal(x.grad.data, [3.0, 4.0]) and x.grad is not preset
    assert y.grad is preset  # not retained: y keeps what was set
    x.grad.data[...] = 0
    assert np.array_equal(preset.data, [3.0, 4.0])
