"""Arithmetic (tinypytorch.ops): the operators with Python numbers, arrays and Variables on either side,
their derivatives, what they refuse, the in-place rule, numpy interop, `**` at a base or exponent of 0,
and Python numbers keeping float32 as numpy does.

Expected values come from calculus or plain numpy, never from the code under test.
"""

import math
import re

import numpy as np
import pytest

from higher_order import derivatives
from tinypytorch import Variable, no_grad
from tinypytorch.gradcheck import gradient_check


# --- operators ----------------------------------------------------------------------------------------------

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


def test_failed_forward_leaves_grads_unchanged():
    x = Variable(np.array(1.0))
    (x * 2).backward()
    with pytest.raises(TypeError):
        x * "two"
    assert x.grad.data == 2.0 and x.data == 1.0


def test_variable_exponent_is_refused_with_a_way_out():
    x = Variable(np.array(2.0))
    with pytest.raises(TypeError, match=r"F\.exp\(c \* F\.log\(x\)\)"):
        x ** x


def test_numpy_function_on_a_variable_points_to_functions_module():
    with pytest.raises(TypeError, match=r"tinypytorch\.functions"):
        np.sin(Variable(np.array(1.0)))


# --- Pow at a base of 0 -------------------------------------------------------------------------------------

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


# --- x -= lr * x.grad: the in-place rule --------------------------------------------------------------------

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


# --- Python numbers keep float32, as numpy does -------------------------------------------------------------

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


def test_python_numbers_follow_numpy_for_other_dtypes_too():
    cases = [(np.array([1, 2], dtype=np.int32), 2), (np.array([1, 2], dtype=np.int32), 2.5),
             (np.array([1.0, 2.0], dtype=np.float16), 3.0), (np.array([1j, 2], dtype=np.complex64), 1.5),
             (np.array([1.0, 2.0]), 2)]
    for data, number in cases:
        assert (Variable(data) * number).dtype == (data * number).dtype, (data.dtype, number)
    with pytest.raises(OverflowError):  # as numpy: a Python int that does not fit the array's type
        Variable(np.array([1], dtype=np.int8)) + 1000


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "int64", "uint8", "complex64", "bool"])
def test_every_python_number_type_gets_numpy_s_dtype_beside_every_array_dtype(dtype):
    data = np.array([1, 0], dtype=dtype)
    for number in (True, 3, 2.5, 1e300, 1.5j):  # the dtype depends on the number's type, never on its value
        with np.errstate(all="ignore"):
            expected = data * number
            y = Variable(data) * number
        assert y.dtype == expected.dtype, (dtype, number)
        np.testing.assert_array_equal(y.data, expected)


def test_numpy_scalars_and_arrays_are_not_weak():
    x = Variable(np.ones(2, dtype=np.float32))
    assert (x * np.float64(2.0)).dtype == (x.data * np.float64(2.0)).dtype
    assert (x * np.ones(2)).dtype == np.float64  # a float64 array wins, as in numpy


def test_the_refusal_names_exactly_the_functions_module():
    import tinypytorch.functions as functions
    from tinypytorch.ops import _FUNCTIONS

    assert set(_FUNCTIONS) == {name for name in functions.__all__ if name.islower()}
