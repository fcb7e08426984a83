"""The backward pass (`Variable.backward`, tinypytorch.core.backprop): the book's numbers, the order and
accumulation of gradients, `retain_grad` and `create_graph`, gradients summed back to broadcast shapes,
every variable owning its gradient, the all-or-nothing store, starting gradients, what a Function's
backward may return, float32 gradients, and a pass that never touches the garbage collector.

Expected values are derived by hand (calculus) or by plain numpy, never by the code under test. The pass
seen step by step is tested in test_trace.py, the functional form `grad` in test_autograd.py.
"""

import gc
import sys
import threading

import numpy as np
import pytest

import tinypytorch.functions as F
from switches import WAIT, Gate, in_thread, restored  # noqa: F401 (restored: a fixture)
from tinypytorch import Function, Variable, grad


def rosenbrock(x0, x1):
    return 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2


def goldstein(x, y):
    return (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2)) * \
        (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y + 27 * y ** 2))


# --- the book's numbers -------------------------------------------------------------------------------------

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


def test_goldstein_price_gradient_at_1_1():
    x, y = Variable(np.array(1.0)), Variable(np.array(1.0))
    z = goldstein(x, y)
    z.backward()
    assert z.data == 1876.0
    assert (x.grad.data, y.grad.data) == (-5376.0, 8064.0)


# --- order and accumulation ---------------------------------------------------------------------------------

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


# --- create_graph -------------------------------------------------------------------------------------------

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


# --- broadcasting: gradients summed back to each input's shape ----------------------------------------------

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


# --- every variable owns its gradient -----------------------------------------------------------------------

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


# --- the final store of gradients is all or nothing ---------------------------------------------------------

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


def test_a_failed_store_changes_no_gradient():
    a = Variable(np.array([1.0, 2.0]))
    a.grad = Variable(np.array([7.0, 7.0]))
    a.data = np.array([1.0, 2.0, 3.0])  # the data changes shape under a gradient of the old shape
    b = Variable(np.array([3.0, 4.0, 5.0]))
    with pytest.raises(ValueError, match=r"cannot add a gradient of shape \(3,\) to a grad of shape \(2,\)"):
        (b * a).backward()
    assert b.grad is None and np.array_equal(a.grad.data, [7.0, 7.0])


# --- starting gradients -------------------------------------------------------------------------------------

def test_backward_takes_a_starting_gradient_as_pytorch_does():
    x = Variable(np.array([1.0, 2.0]))
    y = x * 3
    y.backward(np.ones(2))
    assert np.array_equal(x.grad.data, [3.0, 3.0])
    x.cleargrad()
    y.backward(np.array([1.0, 10.0]))
    assert np.array_equal(x.grad.data, [3.0, 30.0])
    s = Variable(np.array(1.0))
    (s * 3).backward(np.array(5.0))  # a 0-d starting gradient is used too, not taken as ones
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


# --- what a Function's backward returns ---------------------------------------------------------------------

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


# --- float32 gradients --------------------------------------------------------------------------------------

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


# --- the garbage collector is left alone ------------------------------------------------------------------

def _tanh_gradient_of_order(n):
    x = Variable(np.array(1.0))
    F.tanh(x).backward(create_graph=True)
    for _ in range(n - 1):
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)
    return x


def collector_calls(run):
    """The names of the gc module's functions that `run()` calls in this thread, seen by a profiler."""
    called = []

    def profile(frame, event, arg):
        if event == "c_call" and getattr(arg, "__module__", None) == "gc":
            called.append(arg.__name__)

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return called


class Broken(Function):
    def forward(self, x):
        return x

    def backward(self, gy):
        raise ArithmeticError("broken on purpose")


def test_backward_and_grad_call_no_function_of_the_garbage_collector():
    def passes():
        x = _tanh_gradient_of_order(3)
        grad(F.tanh(x) * x, x, create_graph=True)
        with pytest.raises(ArithmeticError):
            Broken()(Variable(np.array(1.0))).backward()

    assert collector_calls(passes) == []

    class Collects(Function):  # the probe sees a pass that does call the collector
        def forward(self, x):
            return x

        def backward(self, gy):
            gc.get_threshold()
            return gy

    assert collector_calls(lambda: Collects()(Variable(np.array(1.0))).backward()) == ["get_threshold"]


def test_backward_never_undoes_a_collector_setting_made_while_it_runs(restored):
    # another thread (here: a backward itself) may set the collector's thresholds during a pass
    class SetsThreshold(Function):
        def forward(self, x):
            return x

        def backward(self, gy):
            gc.set_threshold(1234, 5, 5)
            return gy

    try:
        SetsThreshold()(Variable(np.array(1.0)) * 2).backward(create_graph=True)
        assert gc.get_threshold() == (1234, 5, 5)
        gc.set_threshold(0, 10, 10)  # automatic collection off, the threshold way
        _tanh_gradient_of_order(3)
        assert gc.get_threshold() == (0, 10, 10)
    finally:
        gc.set_threshold(*restored[3])


def test_backward_leaves_the_collector_as_it_finds_it_also_after_an_error(restored):
    try:
        for enabled in (False, True):
            gc.enable() if enabled else gc.disable()
            gc.set_threshold(321, 7, 7)
            (Variable(np.array(1.0)) * 2).backward()
            with pytest.raises(ArithmeticError):
                Broken()(Variable(np.array(1.0))).backward()
            assert (gc.isenabled(), gc.get_threshold()) == (enabled, (321, 7, 7))
    finally:
        gc.enable()
        gc.set_threshold(*restored[3])


def test_a_pass_in_another_thread_keeps_the_collector_settings_made_while_it_runs(restored):
    inside, go = threading.Event(), threading.Event()
    x = Variable(np.array(1.0))
    y = Gate(inside, go)(x) * 2
    thread, errors = in_thread(y.backward)  # the pass starts with the collector on
    try:
        assert inside.wait(WAIT)
        gc.disable()  # this thread switches it off and sets thresholds while the pass runs
        gc.set_threshold(4321, 3, 3)
        go.set()
        thread.join(WAIT)
        assert errors == [] and x.grad.data == 2.0
        assert (gc.isenabled(), gc.get_threshold()) == (False, (4321, 3, 3))
    finally:
        go.set()
        gc.enable()
        gc.set_threshold(*restored[3])


def test_two_overlapping_passes_in_two_threads_keep_the_settings_made_while_they_run(restored):
    gates = {name: (threading.Event(), threading.Event()) for name in "ab"}
    xs = {name: Variable(np.array(1.0)) for name in "ab"}
    ys = {name: Gate(*gates[name])(xs[name]) * 3 for name in "ab"}
    a, a_errors = in_thread(ys["a"].backward)
    try:
        assert gates["a"][0].wait(WAIT)
        gc.set_threshold(1111, 2, 2)  # set after a's pass started
        b, b_errors = in_thread(ys["b"].backward)  # starts while a's pass runs
        assert gates["b"][0].wait(WAIT)
        gc.disable()  # set after b's pass started
        gates["a"][1].set()  # a ends first, while b's pass still runs
        a.join(WAIT)
        assert (gc.isenabled(), gc.get_threshold()) == (False, (1111, 2, 2))
        gc.set_threshold(2222, 2, 2)
        gates["b"][1].set()
        b.join(WAIT)
        assert a_errors == b_errors == []
        assert xs["a"].grad.data == xs["b"].grad.data == 3.0
        assert (gc.isenabled(), gc.get_threshold()) == (False, (2222, 2, 2))
    finally:
        for _, go in gates.values():
            go.set()
        gc.enable()
        gc.set_threshold(*restored[3])
