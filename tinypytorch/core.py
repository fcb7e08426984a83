"""The autograd core: `Variable`, `Function`, the arithmetic Functions and the operator overloads.

Everything a computational graph is made of lives here. A `Variable` holds an ndarray and remembers the
`Function` that created it; a `Function` holds its inputs and (weakly) its outputs. `Variable.backward`
walks that graph from the output back to the inputs, newest function first.

Since Step 29 every gradient is itself a `Variable`, and every `backward` below is written with Variables,
so with `backward(create_graph=True)` the backward pass records a graph of its own that can be
differentiated again.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import threading
import weakref

import numpy as np

__all__ = [
    "Config", "using_config", "no_grad", "Variable", "Constant", "Function", "as_array", "as_variable",
    "Add", "Sub", "Mul", "Div", "Neg", "Pow", "ConstantBasePow", "SumTo", "BroadcastTo",
    "add", "sub", "rsub", "mul", "div", "rdiv", "neg", "pow", "rpow", "sum_to", "broadcast_to",
]


# ---------------------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------------------

class Config:
    """Global switches read by every `Function` call.

    Attributes:
        enable_backprop: when False, Functions compute values only and record no graph (see `no_grad`).
        recording_backward: True while `Variable.backward(create_graph=True)` records the backward pass;
            the Functions it creates are marked `from_backward` so a picture can tell them apart.

    From Part 1–2 (see the recap): `enable_backprop`. Changed in Step 29: `recording_backward`.
    """

    enable_backprop = True
    recording_backward = False


class using_config:
    """Set `Config.<name>` to `value` inside a `with` block, restoring the old value afterwards.

    From Part 1–2 (see the recap); Step 29 uses it to switch graph recording on for the backward pass.
    (A small class rather than a `contextlib.contextmanager` generator: `backward` enters it on every call,
    and a class is several times cheaper to enter.)

    Example:
        >>> from tinypytorch import Variable, using_config
        >>> import numpy as np
        >>> with using_config("enable_backprop", False):
        ...     y = Variable(np.array(2.0)) * 3
        >>> y.creator is None
        True
    """

    def __init__(self, name: str, value):
        if not hasattr(Config, name):
            raise AttributeError(f"Config has no setting {name!r}; known settings: enable_backprop, "
                                 f"recording_backward")
        self.name, self.value = name, value

    def __enter__(self):
        self.old = getattr(Config, self.name)
        setattr(Config, self.name, self.value)

    def __exit__(self, *exc_info):
        setattr(Config, self.name, self.old)


def no_grad():
    """Compute without recording a graph: `with no_grad(): ...`.

    Inside the block no Function keeps its inputs, so nothing is held for a backward pass: use it for
    inference and for updates. Step 34 measures the memory it saves.

    Example:
        >>> from tinypytorch import Variable, no_grad
        >>> import numpy as np
        >>> with no_grad():
        ...     y = Variable(np.ones(3)) * 2
        >>> y.creator is None
        True
    """
    return using_config("enable_backprop", False)


class _Tracing(threading.local):
    """The `BackwardTrace` (tinypytorch.graph) recording this thread's backward passes, if any (Step 34)."""

    trace = None


_tracing = _Tracing()


class _collector_paused:
    """Pause Python's cyclic garbage collector inside a `with` block (Step 34 looks at what it collects).

    A backward pass allocates many small objects and frees its garbage by reference counting alone: it
    makes no garbage cycles. Left running, the collector would be set off by those allocations and scan
    the growing graph again and again for nothing (a sizeable share of the time of Step 32's high-order
    tanh derivatives; see the benchmarks page). It is switched back on afterwards only if it was on before.
    The switch is process-wide: while a pass runs, other threads' garbage cycles wait for it to end.
    """

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info):
        if self.was_enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------------------
# Variable
# ---------------------------------------------------------------------------------------------------------

_CLEARED = object()  # what `cleargrad()` leaves in `_grad`: "zero so far"


def _check_data(data):
    """Return `data` as accepted by `Variable.data`, or raise a TypeError that says what to write."""
    if data is None or isinstance(data, np.ndarray):
        return data
    if isinstance(data, np.generic):  # a numpy scalar such as np.float64(1.0): hold it as a 0-d array
        return np.asarray(data)
    if isinstance(data, Variable):
        raise TypeError(
            "Variable data must be a numpy ndarray, got a Variable. A gradient is a Variable since Step 29: "
            "use its array, e.g. `x.data -= lr * x.grad.data`.")
    raise TypeError(
        f"Variable data must be a numpy ndarray or None, got {type(data).__name__} ({data!r:.60}). "
        f"Wrap it first, e.g. Variable(np.array({data!r:.40})).")


class Variable:
    """A box around a numpy array that remembers how it was computed.

    Args:
        data: a numpy ndarray (a numpy scalar is stored as a 0-d array) or None.
        name: an optional label, shown in graph pictures (Step 25).

    Attributes:
        grad: the gradient accumulated by `backward`, a `Variable` of the same shape, or None when no
            gradient has reached this variable. After `cleargrad()` it reads as zeros until a gradient
            flows in: the derivative of something that does not depend on `x` is 0 (see Step 29).
        creator: the `Function` that produced this variable, or None for an input.
        generation: how far from the inputs the variable sits; backward visits newer functions first.

    From Part 1–2 (see the recap). Changed in Step 25: `name`. Changed in Step 29: `grad` is a
    `Variable`, and `backward(create_graph=True)` records the backward pass.

    Example:
        >>> import numpy as np
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array([[1.0, 2.0], [3.0, 4.0]]), name="x")
        >>> x
        variable([[1. 2.]
                  [3. 4.]])
        >>> x.shape, x.ndim, x.size, x.dtype, len(x)
        ((2, 2), 2, 4, dtype('float64'), 2)
    """

    __slots__ = ("_data", "name", "_grad", "creator", "generation", "__weakref__")

    def __init__(self, data, name: str | None = None):
        self._data = data if isinstance(data, np.ndarray) else _check_data(data)
        self.name = name
        self._grad = None
        self.creator = None
        self.generation = 0

    # numpy defers to Variable for `ndarray <op> Variable` and routes numpy functions here (see below)
    __array_priority__ = 200

    @property
    def data(self):
        """The numpy array held by this variable (assignable; must stay an ndarray or None).

        Changed in Step 26: the book's update `x.data -= lr * x.grad` works although `x.grad` is a Variable
        (numpy hands the in-place subtraction to `Variable.__array_ufunc__`, which uses the Variable's
        values), while assigning a Variable, as in `x.data = x.data - lr * x.grad`, raises a TypeError that
        shows the line to write instead, rather than silently storing a Variable.
        """
        return self._data

    @data.setter
    def data(self, value):
        self._data = value if isinstance(value, np.ndarray) else _check_data(value)

    @property
    def grad(self):
        """The accumulated gradient: a `Variable`, zeros after `cleargrad()`, or None if none has arrived.

        Changed in Step 29: a `Variable` (it was an ndarray), so it can be differentiated again.
        """
        grad = self._grad
        if grad is _CLEARED:
            return Variable(np.zeros_like(self._data))
        return grad

    @grad.setter
    def grad(self, value):
        if value is not None and not isinstance(value, Variable):
            raise TypeError(f"grad must be a Variable or None, got {type(value).__name__}; "
                            f"wrap an array as Variable(array)")
        self._grad = value

    @property
    def shape(self):
        """The array's shape, as numpy reports it. From Part 1–2 (see the recap)."""
        return self._data.shape

    @property
    def ndim(self):
        """The array's number of dimensions, as numpy reports it. From Part 1–2 (see the recap)."""
        return self._data.ndim

    @property
    def size(self):
        """The array's number of elements, as numpy reports it. From Part 1–2 (see the recap)."""
        return self._data.size

    @property
    def dtype(self):
        """The array's dtype, as numpy reports it. From Part 1–2 (see the recap)."""
        return self._data.dtype

    def __len__(self):
        """The length of the array's first axis. From Part 1–2 (see the recap)."""
        return len(self._data)

    def __repr__(self):
        if self._data is None:
            return "variable(None)"
        body = str(self._data).replace("\n", "\n" + " " * len("variable("))
        return f"variable({body})"

    def set_creator(self, func: Function):
        """Record `func` as this variable's creator; the variable is one generation newer than it.

        From Part 1–2 (see the recap); Step 34 looks at generations again.
        """
        self.creator = func
        self.generation = func.generation + 1

    def cleargrad(self):
        """Reset the gradient before a new backward pass; until one arrives, `grad` reads as zeros.

        `backward` adds into `grad` (a variable used twice gets both contributions), so a loop that calls
        `backward` repeatedly must clear first (Step 26).

        From Part 1–2 (see the recap). Changed in Step 29: `grad` reads as zeros after clearing, so the
        second derivative of `3 * x` is 0 rather than None.
        """
        self._grad = _CLEARED

    def backward(self, retain_grad: bool = False, create_graph: bool = False):
        """Backpropagate from this variable: fill `grad` of every variable it depends on.

        Functions are visited newest generation first (a heap, so each is placed once rather than the list
        being re-sorted). Gradients reaching a variable more than once are added. Where numpy broadcast an
        input in the forward pass, its gradient is summed back to the input's shape. The cyclic garbage
        collector is paused while the pass runs: it would find nothing to collect there (Step 34).

        Args:
            retain_grad: keep the gradients of intermediate variables too (default: only the inputs' grads
                survive, which frees memory).
            create_graph: record the backward pass as a graph, so `grad` can be differentiated again
                (Step 29). When False, `x.grad.creator is None` and no graph is kept. When True, `x.grad`'s
                graph usually refers back to `x`: a reference cycle that only the garbage collector frees,
                unless `x.cleargrad()` breaks it (Step 34).

        Changed in Step 29: `create_graph`; gradients are Variables.

        Example:
            >>> import numpy as np
            >>> from tinypytorch import Variable
            >>> x = Variable(np.array(2.0))
            >>> y = x ** 4 - 2 * x ** 2
            >>> y.backward(create_graph=True)
            >>> x.grad
            variable(24.0)
            >>> gx = x.grad
            >>> x.cleargrad()
            >>> gx.backward()
            >>> x.grad
            variable(44.0)
        """
        if self._data is None:
            raise ValueError("backward() on a Variable with no data")
        # dy/dy = 1: a Constant, so a graph picture can tell it from an input and no gradient flows into it
        seed = self._grad if isinstance(self._grad, Variable) else Constant(np.ones_like(self._data))
        grads = {self: seed}  # this pass's gradients; stored on the variables only once the pass succeeded
        trace = _tracing.trace

        with using_config("enable_backprop", create_graph), using_config("recording_backward", create_graph), \
                _collector_paused():
            push, pop = heapq.heappush, heapq.heappop
            if trace is not None:  # a BackwardTrace records this pass (Step 34)
                trace._begin({self: seed}, create_graph)
                if trace.order == "stack":  # the plain stack that Step 34 shows going wrong: last found, first out
                    push, pop = list.append, list.pop
            if self.creator is not None:
                tie = itertools.count()  # orders functions of one generation: first seen, first out
                heap = [(-self.creator.generation, next(tie), self.creator)]
                seen = {self.creator}
                take = grads.get if retain_grad else grads.pop
                while heap:
                    f = pop(heap)[2]
                    # every use of f's outputs was visited before f: their gradients are complete
                    gys = [take(output(), None) for output in f.outputs]
                    gxs = f.backward(*gys)
                    if not isinstance(gxs, tuple):
                        gxs = (gxs,)
                    if len(gxs) != len(f.inputs):
                        raise ValueError(f"{type(f).__name__}.backward returned {len(gxs)} gradients "
                                         f"for {len(f.inputs)} inputs")
                    for i, (x, gx) in enumerate(zip(f.inputs, gxs)):
                        if gx is None or isinstance(x, Constant):
                            continue
                        if gx._data.shape != x._data.shape:
                            gx = _sum_back(gx, x.shape, f, i)
                        old = grads.get(x)
                        grads[x] = gx if old is None else old + gx
                        creator = x.creator
                        if creator is not None and creator not in seen:
                            seen.add(creator)
                            push(heap, (-creator.generation, next(tie), creator))
                    if trace is not None:
                        trace._step(f, gys, gxs, grads)

            for x, gx in grads.items():  # the inputs' gradients (and, with retain_grad, every other one)
                if x is self or x._grad is None or x._grad is _CLEARED:
                    x._grad = gx
                else:
                    x._grad = x._grad + gx  # gradients add up across backward calls until cleargrad()

    # operator overloads are attached below, once the Functions exist


class Constant(Variable):
    """A raw number or ndarray that an operator wrapped, such as the `3` in `3 * x`.

    It is a node of the graph (and of its picture) but never receives a gradient, so backward spends no
    work on it.

    Introduced in Step 25 (constants get their own label in graph pictures).
    """

    __slots__ = ()


def as_array(x):
    """Return `x` as an ndarray (numpy turns 0-d results into scalars; Functions want arrays back).

    From Part 1–2 (see the recap).
    """
    if isinstance(x, np.ndarray):
        return x
    return np.asarray(x)


def as_variable(obj) -> Variable:
    """Return `obj` if it is a Variable, else wrap it (a number or ndarray) as a `Constant`.

    From Part 1–2 (see the recap). Changed in Step 25: wrapped values are `Constant`s.

    Raises:
        TypeError: for anything that is not a Variable, a real/complex number, a bool or an ndarray.
    """
    if isinstance(obj, Variable):
        return obj
    if isinstance(obj, np.ndarray):
        return Constant(obj)
    if isinstance(obj, (int, float, complex, np.generic)):
        return Constant(np.asarray(obj))
    raise TypeError(f"unsupported operand of type {type(obj).__name__} ({obj!r:.60}); expected a Variable, "
                    f"a Python number or a numpy ndarray")


# ---------------------------------------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------------------------------------

class Function:
    """One operation of the graph: `forward` on ndarrays, `backward` on Variables.

    Calling a Function wraps its inputs (numbers and ndarrays become `Constant`s), runs `forward` on their
    arrays and wraps the results as Variables whose `creator` is this Function. Outputs are held through
    weak references, so the graph has no reference cycle and is freed as soon as the last output is dropped.

    A Function instance is one node of one graph: call it once. A second call while it holds a graph raises
    RuntimeError (under `no_grad` nothing is recorded, so reuse is harmless there).

    Attributes:
        inputs: the input Variables (recorded only when backprop is enabled).
        outputs: weak references to the output Variables.
        generation: the newest generation among the inputs.
        from_backward: True for Functions recorded by `backward(create_graph=True)` (Step 29).

    From Part 1–2 (see the recap). Changed in Step 29: `backward` receives and returns Variables.
    """

    inputs = None
    from_backward = False

    def __call__(self, *inputs):
        if self.inputs is not None:
            raise RuntimeError(f"this {type(self).__name__} instance already holds a graph; a Function object is "
                               f"one node, so create a new one for each call, e.g. {type(self).__name__}()(x)")
        inputs = [x if isinstance(x, Variable) else as_variable(x) for x in inputs]
        ys = self.forward(*[x._data for x in inputs])
        if isinstance(ys, tuple):
            outputs = [Variable(as_array(y)) for y in ys]
        else:  # one output, the common case
            outputs = [Variable(ys if isinstance(ys, np.ndarray) else np.asarray(ys))]

        if Config.enable_backprop:
            generation = 0  # the newest input's generation (a plain loop: cheaper than max() for 1–2 inputs)
            for x in inputs:
                if x.generation > generation:
                    generation = x.generation
            self.generation = generation
            for output in outputs:
                output.set_creator(self)
            self.inputs = inputs
            self.outputs = [weakref.ref(output) for output in outputs]
            if Config.recording_backward:
                self.from_backward = True
                if _tracing.trace is not None:
                    _tracing.trace._created.append(self)
        return outputs[0] if len(outputs) == 1 else outputs

    def forward(self, *xs):
        """Compute the outputs from input ndarrays. From Part 1–2 (see the recap)."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def backward(self, *gys):
        """Return the gradients of the inputs (Variables, or None for "no gradient") from the outputs'.

        Changed in Step 29: receives and returns Variables, so the gradient can be differentiated again.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement backward()")


def _sum_back(gx, shape, f, i):
    """Sum a gradient over the axes numpy broadcast, back to its input's `shape`."""
    if not _broadcasts_to(shape, gx.shape):
        raise ValueError(f"{type(f).__name__}.backward returned a gradient of shape {gx.shape} for input {i} "
                         f"of shape {shape}")
    return sum_to(gx, shape)


def _broadcasts_to(shape, target):
    """True when an array of `shape` broadcasts to `target` (so a gradient of `target` sums back to it)."""
    if len(shape) > len(target):
        return False
    return all(s == t or s == 1 for s, t in zip(shape[::-1], target[::-1]))


# ---------------------------------------------------------------------------------------------------------
# Arithmetic. Each backward sits next to its forward and is written with Variables (Step 29), so the
# gradient is differentiable again. A `None` gradient means "this input is a constant: skip it".
# ---------------------------------------------------------------------------------------------------------

class Add(Function):
    """`x0 + x1`; both inputs receive `gy`. From Part 1–2 (see the recap); changed in Step 29: Variables."""

    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        return gy, gy


class Sub(Function):
    """`x0 - x1`; gradients `gy` and `-gy`. From Part 1–2 (see the recap); changed in Step 29: Variables."""

    def forward(self, x0, x1):
        return x0 - x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return gy, (None if isinstance(x1, Constant) else -gy)


class Mul(Function):
    """`x0 * x1`; each input's gradient is `gy` times the other. From Part 1–2; changed in Step 29: Variables."""

    def forward(self, x0, x1):
        return x0 * x1

    def backward(self, gy):
        x0, x1 = self.inputs
        gx0 = None if isinstance(x0, Constant) else gy * x1
        gx1 = None if isinstance(x1, Constant) else gy * x0
        return gx0, gx1


class Div(Function):
    """`x0 / x1`; gradients `gy / x1` and `-gy * x0 / x1²`. From Part 1–2; changed in Step 29: Variables."""

    def forward(self, x0, x1):
        return x0 / x1

    def backward(self, gy):
        x0, x1 = self.inputs
        gx0 = None if isinstance(x0, Constant) else gy / x1
        gx1 = None if isinstance(x1, Constant) else gy * (-x0 / x1 ** 2)
        return gx0, gx1


class Neg(Function):
    """`-x`; gradient `-gy`. From Part 1–2 (see the recap); changed in Step 29: Variables."""

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


class Pow(Function):
    """`x ** c` for a constant exponent `c` (a number or an ndarray), kept as an attribute as in the book.

    From Part 1–2 (see the recap); changed in Step 29: the backward `c * x ** (c - 1) * gy` uses Variables,
    so `x ** 4` can be differentiated four times.
    """

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x ** self.c

    def backward(self, gy):
        x, = self.inputs
        c = self.c
        return c * x ** (c - 1) * gy


class ConstantBasePow(Function):
    """`a ** x` for a constant base `a`: the derivative is `a ** x * log(a)`, built from the output.

    Introduced in Step 29, so that a number or an ndarray may stand on either side of every operator.
    """

    def __init__(self, base):
        self.base = base

    def forward(self, x):
        return self.base ** x

    def backward(self, gy):
        y = self.outputs[0]()
        return gy * y * np.log(self.base)


class SumTo(Function):
    """Sum an array down to `shape`, undoing a broadcast; its backward broadcasts back.

    Introduced in Step 29: backward calls it wherever numpy broadcast an input, so every gradient comes
    back in its input's shape (the book adds it later, in its Step 40).
    """

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        lead = x.ndim - len(self.shape)
        axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(self.shape) if s == 1)
        y = x.sum(axis=axes, keepdims=True)
        return y.reshape(self.shape) if lead else y

    def backward(self, gy):
        return broadcast_to(gy, self.x_shape)


class BroadcastTo(Function):
    """Broadcast an array to `shape` as numpy would; its backward sums back. Introduced in Step 29 (with `SumTo`)."""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return np.broadcast_to(x, self.shape).copy()

    def backward(self, gy):
        return sum_to(gy, self.x_shape)


def add(x0, x1):
    """`x0 + x1` as a graph node (`Variable.__add__`, `__radd__`). From Part 1–2 (see the recap)."""
    return Add()(x0, x1)


def sub(x0, x1):
    """`x0 - x1` as a graph node (`Variable.__sub__`). From Part 1–2 (see the recap)."""
    return Sub()(x0, x1)


def rsub(x0, x1):
    """`x1 - x0`, for a number or ndarray on the left (`Variable.__rsub__`). From Part 1–2 (see the recap)."""
    return Sub()(x1, x0)


def mul(x0, x1):
    """`x0 * x1` as a graph node (`Variable.__mul__`, `__rmul__`). From Part 1–2 (see the recap)."""
    return Mul()(x0, x1)


def div(x0, x1):
    """`x0 / x1` as a graph node (`Variable.__truediv__`). From Part 1–2 (see the recap)."""
    return Div()(x0, x1)


def rdiv(x0, x1):
    """`x1 / x0`, for a number or ndarray on the left (`Variable.__rtruediv__`). From Part 1–2 (see the recap)."""
    return Div()(x1, x0)


def neg(x):
    """`-x` as a graph node (`Variable.__neg__`). From Part 1–2 (see the recap)."""
    return Neg()(x)


def pow(x, c):
    """`x ** c` for a constant exponent; a Variable exponent is refused with a way to write it.

    From Part 1–2 (see the recap).
    """
    if not isinstance(c, (int, float, np.ndarray, np.generic)):
        if isinstance(c, Variable):
            raise TypeError("the exponent of ** must be a number or an ndarray, not a Variable; "
                            "for a variable exponent write F.exp(c * F.log(x))")
        raise TypeError(f"unsupported exponent of type {type(c).__name__}; expected a number or an ndarray")
    return Pow(c)(x)


def rpow(x, base):
    """`base ** x` for a constant `base` (a number or an ndarray). Introduced in Step 29."""
    if not isinstance(base, (int, float, np.ndarray, np.generic)):
        raise TypeError(f"unsupported base of type {type(base).__name__}; expected a number or an ndarray")
    return ConstantBasePow(base)(x)


def sum_to(x, shape):
    """Sum `x` down to `shape` (the inverse of broadcasting); returns `x` itself if it already has it.

    Introduced in Step 29.
    """
    if x.shape == tuple(shape):
        return as_variable(x)
    return SumTo(tuple(shape))(x)


def broadcast_to(x, shape):
    """Broadcast `x` to `shape`; returns `x` itself if it already has it. Introduced in Step 29."""
    if x.shape == tuple(shape):
        return as_variable(x)
    return BroadcastTo(tuple(shape))(x)


# numpy functions that meet a Variable (`ndarray * x`, `np.add(a, x)`) are routed to our operators
_NUMPY_OPERATORS = {np.add: add, np.subtract: sub, np.multiply: mul, np.true_divide: div, np.negative: neg}


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """numpy's hook for ufuncs that meet a Variable.

    `ndarray + x` gives a Variable (the graph is kept); an in-place update of a plain array such as
    `x.data -= lr * x.grad` reads the Variable's values; any other numpy function on a Variable is
    refused with a pointer to `tinypytorch.functions`.
    """
    out = kwargs.get("out")
    if method == "__call__" and ufunc in _NUMPY_OPERATORS:
        if out is None and not kwargs:
            return _NUMPY_OPERATORS[ufunc](*inputs)
        if out is not None and not any(isinstance(o, Variable) for o in out):
            arrays = [v._data if isinstance(v, Variable) else v for v in inputs]
            return ufunc(*arrays, **kwargs)
    if method == "__call__" and ufunc is np.power and out is None and not kwargs:
        base, exponent = inputs
        return rpow(exponent, base) if isinstance(exponent, Variable) else pow(base, exponent)
    raise TypeError(f"numpy's {ufunc.__name__} does not accept a Variable; use tinypytorch.functions "
                    f"(e.g. F.{ufunc.__name__}(x) where it exists) or pass x.data for a plain array")


Variable.__add__ = add
Variable.__radd__ = add
Variable.__sub__ = sub
Variable.__rsub__ = rsub
Variable.__mul__ = mul
Variable.__rmul__ = mul
Variable.__truediv__ = div
Variable.__rtruediv__ = rdiv
Variable.__neg__ = neg
Variable.__pow__ = pow
Variable.__rpow__ = rpow
Variable.__array_ufunc__ = _array_ufunc
