"""The graph's nodes (tinypytorch.core): `Variable` and its data, name and grad attributes, `Constant`,
`Function` as one node, what `cleargrad()` leaves, and a graph freed without the garbage collector.

The backward pass over these nodes is tested in test_backward.py. Expected values are derived by hand or
by plain numpy, never by the code under test.
"""

import gc
import re
import weakref

import numpy as np
import pytest

import tinypytorch.functions as F
from tinypytorch import Constant, Variable, as_variable, no_grad
from tinypytorch.graph import get_dot_graph
from tinypytorch.ops import Add, Mul


# --- Variable -----------------------------------------------------------------------------------------------

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


def test_grad_setter_refuses_a_wrong_shape():
    a = Variable(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"grad must have the variable's shape \(2,\), got one of shape \(3,\)"):
        a.grad = Variable(np.ones(3))
    assert a.grad is None
    a.grad = Variable(np.ones(2))  # the right shape is fine, and None clears
    a.grad = None


@pytest.mark.parametrize("name", [1, 2.5, b"x", ["x"]])
def test_a_name_that_is_not_a_str_is_refused_up_front(name):
    with pytest.raises(TypeError, match=r"a Variable's name must be a str or None, got"):
        Variable(np.array(1.0), name=name)
    x = Variable(np.array(1.0), name="x")
    with pytest.raises(TypeError, match=r"name must be a str or None"):
        x.name = name
    assert x.name == "x"
    assert 'label="x' in get_dot_graph(x * 2)


# --- Constant and Function ----------------------------------------------------------------------------------

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


# --- cleargrad(): the zeros are one Variable ----------------------------------------------------------------

def test_derivative_of_something_independent_of_x_is_zero():
    # after cleargrad() the gradient reads as zeros until one flows in
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


# --- memory -------------------------------------------------------------------------------------------------

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
