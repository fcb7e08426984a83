"""The autograd core: `Variable`, `Function`, the arithmetic Functions and the operator overloads.

Everything a computational graph is made of lives here. A `Variable` holds an ndarray and remembers the
`Function` that created it; a `Function` holds its inputs and (weakly) its outputs. `Variable.backward`
walks that graph from the output back to the inputs, newest function first.

Since Step 29 every gradient is itself a `Variable`, and every `backward` below is written with Variables,
so with `backward(create_graph=True)` the backward pass records a graph of its own that can be
differentiated again; `grad` runs the same pass and returns the gradients instead of storing them.

Each name says where it comes from: "From Part 1–2" (the recap of the book's first two parts),
"Introduced in Step NN" or "Changed in Step NN". A method or property says so only where it differs from
its class.
"""

from __future__ import annotations

import functools
import gc
import heapq
import inspect
import itertools
import threading
import weakref

import numpy as np

__all__ = [
    "Config", "using_config", "no_grad", "Variable", "Constant", "Function", "as_array", "as_variable", "grad",
    "Add", "Sub", "Mul", "Div", "Neg", "Copy", "Pow", "ConstantBasePow", "SumTo", "BroadcastTo",
    "add", "sub", "rsub", "mul", "div", "rdiv", "neg", "pow", "rpow", "sum_to", "broadcast_to",
]


# ---------------------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------------------

_SWITCHES = ("enable_backprop", "recording_backward")


class _ThreadSwitches(threading.local):
    """The switches of one thread; every thread starts with backprop on and no backward pass recording.

    Beside them, `trace`: the `BackwardTrace` (tinypytorch.graph) recording this thread's backward passes,
    or None (Step 34). It is set by entering a trace, not by `using_config`.
    """

    def __init__(self):
        self.enable_backprop = True
        self.recording_backward = False
        self.trace = None


_switches = _ThreadSwitches()


def _per_thread(name):
    """A `Config` attribute that reads and sets the calling thread's switch `name`."""
    return property(lambda cls: getattr(_switches, name), lambda cls, value: setattr(_switches, name, value))


class _PerThreadConfig(type):
    """`Config`'s metaclass: `Config.enable_backprop` and `Config.recording_backward` are the calling thread's."""

    enable_backprop = _per_thread("enable_backprop")
    recording_backward = _per_thread("recording_backward")


class Config(metaclass=_PerThreadConfig):
    """Switches read by every `Function` call, one set per thread.

    Attributes:
        enable_backprop: when False, Functions compute values only and record no graph (see `no_grad`).
        recording_backward: True while `Variable.backward(create_graph=True)` records the backward pass;
            the Functions it creates are marked `from_backward` so a picture can tell them apart.

    Read and set them as the book does, `Config.enable_backprop = False`; each thread has its own values
    (as PyTorch's grad mode), so a `no_grad()` block in one thread never stops another thread from
    recording its graph, and every new thread starts with `enable_backprop` True.

    From Part 1–2: `enable_backprop`. Changed in Step 29: `recording_backward`. Changed in
    Step 34: the switches are per thread.
    """


class using_config:
    """Set `Config.<name>` to `value` inside a `with` block, restoring the old value afterwards.

    The switch is the calling thread's (see `Config`). Whatever ends the block, an exception or Ctrl-C,
    the old value comes back: the new value is stored as the last step of entering, so no interrupt can
    fall between it and the block, and should an interrupt strike as the block is left, before `__exit__`
    has run a line, the value is restored when the `using_config` object is dropped (at once for
    `with using_config(...):` and `with no_grad():`, unless a kept traceback still holds it).

    Used as a decorator, `@using_config(name, value)` runs every call of the function in such a block.

    From Part 1–2; Step 29 uses it to switch graph recording on for the backward pass.
    Changed in Step 34: per thread, safe against interrupts, and usable as a decorator.

    Examples:
        >>> from tinypytorch import Variable, using_config
        >>> import numpy as np
        >>> with using_config("enable_backprop", False):
        ...     y = Variable(np.array(2.0)) * 3
        >>> y.creator is None
        True
    """

    _active = None  # the switches of the thread inside the block, while it runs

    def __init__(self, name: str, value):
        if name not in _SWITCHES:
            raise AttributeError(f"Config has no setting {name!r}; known settings: {', '.join(_SWITCHES)}")
        self.name, self.value = name, value

    def __enter__(self):
        if self._active is not None:
            raise RuntimeError(f"this using_config({self.name!r}, {self.value!r}) block is already running; "
                               f"nest a new one instead: with using_config({self.name!r}, ...):")
        switches = _switches.__dict__
        self._old = switches[self.name]
        self._active = switches
        switches[self.name] = self.value  # last, and no call after it: an interrupt cannot land in between

    def __exit__(self, *exc_info):
        switches, self._active = self._active, None
        if switches is not None:
            switches[self.name] = self._old

    # the fallback for an interrupt that stops `__exit__` at its first instruction: restore when dropped
    __del__ = __exit__

    def __call__(self, func):
        if inspect.isgeneratorfunction(func) or inspect.iscoroutinefunction(func):
            raise TypeError(f"using_config/no_grad decorates plain functions; {func.__qualname__} is a generator "
                            f"or coroutine, which runs after the call returns: use a `with` block inside it")
        name, value = self.name, self.value

        @functools.wraps(func)
        def switched(*args, **kwargs):
            with using_config(name, value):  # a new block per call: calls may nest or run in several threads
                return func(*args, **kwargs)

        return switched


def no_grad():
    """Compute without recording a graph: `with no_grad(): ...`, or `@no_grad()` on a function.

    Inside the block no Function keeps its inputs, so nothing is held for a backward pass: use it for
    inference and for updates. Step 34 measures the memory it saves. Like PyTorch's, it acts on the
    calling thread only.

    From Part 1–2. Changed in Step 34: per thread, and usable as a decorator.

    Examples:
        >>> from tinypytorch import Variable, no_grad
        >>> import numpy as np
        >>> with no_grad():
        ...     y = Variable(np.ones(3)) * 2
        >>> y.creator is None
        True
        >>> @no_grad()
        ... def predict(x):
        ...     return x * 2
        >>> predict(Variable(np.ones(3))).creator is None
        True
    """
    return using_config("enable_backprop", False)


# ---------------------------------------------------------------------------------------------------------
# Variable
# ---------------------------------------------------------------------------------------------------------

_CLEARED = object()  # what `cleargrad()` leaves in `_grad`: "zero so far" (made into zeros when first read)
_NUMERIC_KINDS = frozenset("biufc")  # numpy dtype kinds of numbers: bool, int, unsigned, float, complex
_PYTHON_NUMBERS = frozenset((bool, int, float, complex))  # these exact types; numpy scalars are not "weak"
_FLOAT64 = np.dtype(np.float64)


def _check_data(data):
    """Return `data` as accepted by `Variable.data`, or raise a TypeError that says what to write."""
    if data is None:
        return data
    if isinstance(data, np.generic):  # a numpy scalar such as np.float64(1.0): hold it as a 0-d array
        data = np.asarray(data)
    if isinstance(data, np.ndarray):
        if data.dtype.kind in _NUMERIC_KINDS:
            return data
        raise TypeError(f"Variable data must hold numbers, got an array of dtype {data.dtype} "
                        f"({np.array2string(data, threshold=3)[:40]}); convert it first, "
                        f"e.g. np.array([1.0, 2.0]) or a.astype(np.float64)")
    if isinstance(data, Variable):
        raise TypeError(
            "Variable data must be a numpy ndarray, got a Variable. A gradient is a Variable since Step 29: "
            "use its array, e.g. `x.data -= lr * x.grad.data`.")
    raise TypeError(
        f"Variable data must be a numpy ndarray or None, got {type(data).__name__} ({data!r:.60}). "
        f"Wrap it first, e.g. Variable(np.array({data!r:.40})).")


def _check_name(name):
    """Return `name` if it can label a graph node (a str or None), else raise a TypeError."""
    if name is None or isinstance(name, str):
        return name
    raise TypeError(f"a Variable's name must be a str or None, got {type(name).__name__} ({name!r:.40}); "
                    f"e.g. name='x'")


def _in_place(ufunc, symbol):
    """`x <symbol>= value` for a Variable `x` (`__isub__` and its kind).

    For a variable that a Function made, it is `x = x <symbol> value`, a new node, as Python does it
    when there is no in-place method. For an input (no creator, such as a parameter being trained) the
    book's update writes `x.data -= ...`; `x -= ...` used to rebind `x` to a new node silently, so the
    parameter never moved. It now changes `x.data` in place under `no_grad()`, as PyTorch does, and
    otherwise raises a TypeError that shows both ways to write it.
    """

    def update(self, value):
        if self.creator is not None:
            return NotImplemented  # Python falls back to `x = x <symbol> value`: a new node of the graph
        if _switches.enable_backprop:
            raise TypeError(
                f"`x {symbol}= ...` on a Variable that no function created (an input, such as a parameter) "
                f"would silently make x a new graph node and leave the input where it was. To update its "
                f"values write `x.data {symbol}= ...` (the book, e.g. `x.data -= lr * x.grad.data`) or, as in "
                f"PyTorch, `with no_grad(): x {symbol}= ...`; for a new node write `x = x {symbol} ...`.")
        ufunc(self._data, value._data if isinstance(value, Variable) else value, out=self._data)
        return self

    update.__name__ = f"__i{ufunc.__name__}__"
    return update


class Variable:
    """A box around a numpy array that remembers how it was computed.

    Args:
        data: a numpy ndarray of numbers (a numpy scalar is stored as a 0-d array) or None.
        name: an optional label (a str), shown in graph pictures (Step 25).

    Attributes:
        grad: the gradient accumulated by `backward`, a `Variable` of the same shape, or None when no
            gradient has reached this variable. After `cleargrad()` it reads as zeros until a gradient
            flows in: the derivative of something that does not depend on `x` is 0 (see Step 29).
        creator: the `Function` that produced this variable, or None for an input.
        generation: how far from the inputs the variable sits; backward visits newer functions first.

    Arithmetic operators build graph nodes. A Python number beside a Variable keeps the Variable's type
    as numpy keeps an array's (`x * 2.0` stays float32 for a float32 `x`). An in-place operator such as
    `x -= lr * x.grad` on an input (a variable no Function made) updates `x.data` under `no_grad()` and
    otherwise raises a TypeError with the line to write (Step 26); on any other variable it makes a
    new node, `x = x - lr * x.grad`.

    From Part 1–2. Changed in Step 25: `name`. Changed in Step 26: in-place operators on
    an input. Changed in Step 29: `grad` is a `Variable`, and `backward(create_graph=True)` records the
    backward pass.

    Examples:
        >>> import numpy as np
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array([[1.0, 2.0], [3.0, 4.0]]), name="x")
        >>> x
        variable([[1. 2.]
                  [3. 4.]])
        >>> x.shape, x.ndim, x.size, x.dtype, len(x)
        ((2, 2), 2, 4, dtype('float64'), 2)
    """

    __slots__ = ("_data", "_name", "_grad", "creator", "generation", "__weakref__")

    def __init__(self, data, name: str | None = None):
        # a float64 array needs no more than this test (_check_data for every array: W1-W3 +5-7%, bench.py --ab)
        if type(data) is not np.ndarray or (data.dtype is not _FLOAT64 and data.dtype.kind not in _NUMERIC_KINDS):
            data = _check_data(data)
        self._data = data
        self._name = name if name is None else _check_name(name)
        self._grad = None
        self.creator = None
        self.generation = 0

    @property
    def data(self):
        """The numpy array held by this variable (assignable; must stay an ndarray of numbers or None).

        Changed in Step 26: the book's update `x.data -= lr * x.grad` works although `x.grad` is a Variable
        (numpy hands the in-place subtraction to `Variable.__array_ufunc__`, which uses the Variable's
        values), while assigning a Variable, as in `x.data = x.data - lr * x.grad`, raises a TypeError that
        shows the line to write instead, rather than silently storing a Variable.
        """
        return self._data

    @data.setter
    def data(self, value):
        if type(value) is not np.ndarray or (value.dtype is not _FLOAT64 and value.dtype.kind not in _NUMERIC_KINDS):
            value = _check_data(value)  # as in __init__: one test for a float64 array
        self._data = value

    @property
    def name(self):
        """The label shown in graph pictures: a str, or None for no label (assignable).

        Introduced in Step 25. Anything but a str or None is refused when it is given, not later in the
        DOT code.
        """
        return self._name

    @name.setter
    def name(self, value):
        self._name = _check_name(value)

    @property
    def grad(self):
        """The accumulated gradient: a `Variable`, zeros after `cleargrad()`, or None if none has arrived.

        Each variable owns its gradient: after `(a + b).backward()`, `a.grad` and `b.grad` are two Variables
        with two arrays, so scaling one in place leaves the other alone. Reading it twice gives the same
        Variable, also the zeros after `cleargrad()`. Assigning checks the type and the shape.

        Changed in Step 29: a `Variable` (it was an ndarray), so it can be differentiated again.
        """
        grad = self._grad
        if grad is _CLEARED:  # zeros, made once, so that every read gives the same Variable
            grad = self._grad = _ClearedGrad(np.zeros_like(self._data))
        return grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Variable):
                raise TypeError(f"grad must be a Variable or None, got {type(value).__name__}; "
                                f"wrap an array as Variable(array)")
            if self._data is not None and value._data is not None and value._data.shape != self._data.shape:
                raise ValueError(f"grad must have the variable's shape {self._data.shape}, "
                                 f"got one of shape {value._data.shape}")
        self._grad = value

    @property
    def shape(self):
        """The array's shape, as numpy reports it."""
        return self._data.shape

    @property
    def ndim(self):
        """The array's number of dimensions, as numpy reports it."""
        return self._data.ndim

    @property
    def size(self):
        """The array's number of elements, as numpy reports it."""
        return self._data.size

    @property
    def dtype(self):
        """The array's dtype, as numpy reports it."""
        return self._data.dtype

    def __len__(self):
        """The length of the array's first axis."""
        return len(self._data)

    def __repr__(self):
        if self._data is None:
            return "variable(None)"
        body = str(self._data).replace("\n", "\n" + " " * len("variable("))
        return f"variable({body})"

    def set_creator(self, func: Function):
        """Record `func` as this variable's creator; the variable is one generation newer than it.

        Step 34 looks at generations again.
        """
        self.creator = func
        self.generation = func.generation + 1

    def cleargrad(self):
        """Reset the gradient before a new backward pass; until one arrives, `grad` reads as zeros.

        `backward` adds into `grad` (a variable used twice gets both contributions), so a loop that calls
        `backward` repeatedly must clear first (Step 26).

        Changed in Step 29: `grad` reads as zeros after clearing, so the
        second derivative of `3 * x` is 0 rather than None.
        """
        self._grad = None if self._data is None else _CLEARED

    def backward(self, gradient=None, retain_grad: bool = False, create_graph: bool = False):
        """Backpropagate from this variable: fill `grad` of every variable it depends on.

        Functions are visited newest generation first (a heap, so each is placed once rather than the list
        being re-sorted). Gradients reaching a variable more than once are added. Where numpy broadcast an
        input in the forward pass, its gradient is summed back to the input's shape. Each variable gets a
        gradient of its own (never one object shared with another variable), and the gradients are stored
        only once the whole pass has succeeded: a pass that fails changes no `grad`. Python's automatic
        garbage collection is paused while the pass runs: it would find nothing to collect there (Step 34).

        Args:
            gradient: the gradient to start from, dL/dy for this y, as PyTorch's `y.backward(gradient)`: an
                ndarray, a number or a Variable of y's shape. Default: `y.grad` if it holds one, else ones
                (the gradient of y itself, or of the sum of its elements).
            retain_grad: keep the gradients of intermediate variables too (default: only the inputs' grads
                survive, which frees memory).
            create_graph: record the backward pass as a graph, so `grad` can be differentiated again
                (Step 29). When False, `x.grad.creator is None` and no graph is kept. When True, `x.grad`'s
                graph usually refers back to `x`: a reference cycle that only the garbage collector frees,
                unless `x.cleargrad()` breaks it (Step 34). To get the gradients without storing them in
                any `grad`, use `tinypytorch.grad`.

        Raises:
            TypeError: for a `gradient` that is not an array, a number or a Variable, or a Function whose
                backward returns something other than Variables.
            ValueError: for a `gradient` of another shape than y, or a gradient that does not fit its input.

        Changed in Step 29: `create_graph`; gradients are Variables; the first argument is the starting
        gradient, as in PyTorch (give `retain_grad` and `create_graph` by keyword, as the book does).

        Examples:
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
            >>> v = Variable(np.array([1.0, 2.0]))
            >>> (v * 3).backward(np.array([1.0, 10.0]))   # a starting gradient, as in PyTorch
            >>> v.grad
            variable([ 3. 30.])
        """
        if self._data is None:
            raise ValueError("backward() on a Variable with no data")
        if gradient is not None:
            seed = _starting_gradient(self, gradient, "backward's gradient")
            given = (seed,) if seed is gradient else ()  # the caller's own Variable is copied wherever it goes
        elif self._grad is None or self._grad is _CLEARED or type(self._grad) is _ClearedGrad:
            # dy/dy = 1: a Constant, so a graph picture can tell it from an input and no gradient flows into it
            seed, given = Constant(np.ones_like(self._data)), ()
        else:  # a grad set on y before, as the book allows, starts the pass; it stays y's alone
            seed = self._grad
            given = (seed,)
        _backprop({self: seed}, create_graph, retain_grad=retain_grad, given=given, store=True)

    # operator overloads are attached below, once the Functions exist


def _starting_gradient(y, gradient, what):
    """`gradient` as a Variable to start backpropagation from `y` with, or a TypeError/ValueError saying why not."""
    if isinstance(gradient, Variable):
        start = gradient
    elif isinstance(gradient, (np.ndarray, np.generic)) or (type(gradient) in _PYTHON_NUMBERS and
                                                              not isinstance(gradient, bool)):
        data = np.array(gradient)  # a copy: the caller's array is never stored as a gradient
        if y._data.dtype.kind in "fc" and data.dtype.kind in _NUMERIC_KINDS:
            data = data.astype(y._data.dtype, copy=False)
        start = Constant(data)
    else:
        hint = ("; backward's first argument is the starting gradient, as in PyTorch: give the flags by keyword, "
                "e.g. backward(retain_grad=True)") if isinstance(gradient, bool) else ""
        raise TypeError(f"{what} must be an ndarray, a number or a Variable of the output's shape {y.shape}, "
                        f"got {type(gradient).__name__}{hint}")
    if start.shape != y.shape:
        raise ValueError(f"{what} has shape {start.shape}, but the output has shape {y.shape}: it is dL/dy, "
                         f"one number for each element of y")
    return start


class Constant(Variable):
    """A raw number or ndarray that an operator wrapped, such as the `3` in `3 * x`.

    It is a node of the graph (and of its picture) but never receives a gradient, so backward spends no
    work on it.

    Introduced in Step 25 (constants get their own label in graph pictures).
    """

    __slots__ = ()


class _ClearedGrad(Variable):
    """The zeros `grad` reads as after `cleargrad()`: the next gradient to arrive replaces them."""

    __slots__ = ()


def as_array(x):
    """Return `x` as an ndarray (numpy turns 0-d results into scalars; Functions want arrays back).

    From Part 1–2.
    """
    if isinstance(x, np.ndarray):
        return x
    return np.asarray(x)


def as_variable(obj) -> Variable:
    """Return `obj` if it is a Variable, else wrap it (a number or ndarray) as a `Constant`.

    From Part 1–2. Changed in Step 25: wrapped values are `Constant`s.

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


def _operand(obj, beside):
    """Wrap `obj`, the operand of an arithmetic operator beside the Variable `beside`, as a `Constant`.

    A Python number gets the type numpy would give it beside `beside`'s array: since NumPy 2 a Python
    number is a "weak" scalar that takes the array's type, while a wrapped 0-d float64 array would not, so
    `x * 2.0` would turn a float32 `x` into float64 where `x.data * 2.0` stays float32.
    """
    if type(obj) in _PYTHON_NUMBERS and isinstance(beside, Variable) and beside._data is not None:
        return Constant(np.asarray(obj, dtype=np.result_type(beside._data, obj)))
    return as_variable(obj)


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

    From Part 1–2. Changed in Step 29: `backward` receives and returns Variables.
    """

    inputs = None
    from_backward = False

    def __call__(self, *inputs):
        if self.inputs is not None:
            raise RuntimeError(f"this {type(self).__name__} instance already holds a graph; a Function object is "
                               f"one node, so create a new one for each call, e.g. {type(self).__name__}()(x)")
        # a Variable is taken as it is (as_variable called for it too, and _operand in the operators below:
        # W1, W2 +2%, W3 +4%, bench.py --ab)
        inputs = [x if isinstance(x, Variable) else as_variable(x) for x in inputs]
        ys = self.forward(*[x._data for x in inputs])
        if isinstance(ys, tuple):
            outputs = [Variable(as_array(y)) for y in ys]
        else:  # one output, the common case (through a tuple and as_array: W1 +10%, W2 +8%, bench.py --ab)
            outputs = [Variable(ys if isinstance(ys, np.ndarray) else np.asarray(ys))]

        if _switches.enable_backprop:  # the calling thread's switches (see Config)
            generation = 0  # the newest input's (a plain loop; max() of a new list: W2 +3%, W3 +4%, bench.py --ab)
            for x in inputs:
                if x.generation > generation:
                    generation = x.generation
            self.generation = generation
            for output in outputs:
                output.set_creator(self)
            self.inputs = inputs
            self.outputs = [weakref.ref(output) for output in outputs]
            if _switches.recording_backward:
                self.from_backward = True
                if _switches.trace is not None:  # a BackwardTrace records what each step adds (Step 34)
                    _switches.trace._created.append(self)
        return outputs[0] if len(outputs) == 1 else outputs

    def forward(self, *xs):
        """Compute the outputs from input ndarrays."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def backward(self, *gys):
        """Return the gradients of the inputs (Variables, or None for "no gradient") from the outputs'.

        Changed in Step 29: receives and returns Variables, so the gradient can be differentiated again;
        `Variable.backward` refuses an ndarray or a number here with a TypeError naming the Function.
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
# Backpropagation: the pass behind `Variable.backward` and `grad`
# ---------------------------------------------------------------------------------------------------------

def _backprop(seeds, create_graph, retain_grad=False, keep=(), given=(), store=False):
    """One backward pass from `seeds` ({output: its starting gradient}); returns {variable: its gradient}.

    The result holds the gradients of the graph's inputs, of the variables in `keep`, and with
    `retain_grad` of every variable on the way. No gradient object appears in it twice, nor one of `given`
    (gradients the caller passed in): each variable owns its gradient. With `store`, the gradients are
    added into the variables' `grad`, all of them or, should anything fail, none.

    While the pass runs, the calling thread's switches record it or not (`create_graph`), and the cyclic
    garbage collector's automatic runs are paused: the pass makes no garbage cycles (outputs are weak
    references), so a collection set off by its allocations would scan the growing graph for nothing
    (Step 34). The pause sets the collector's first threshold to 0 and never touches `gc.isenabled()`, so
    a pass in one thread cannot switch on a collector that another thread switched off. Switches and
    threshold are changed inside the `try` and put back first thing in its `finally`, before any call, so
    that an exception or a Ctrl-C anywhere in the pass leaves them as they were.
    """
    grads = dict(seeds)
    switches = _switches.__dict__
    saved = switches["enable_backprop"], switches["recording_backward"]
    thresholds = gc.get_threshold()
    try:
        switches["enable_backprop"] = switches["recording_backward"] = create_graph
        if thresholds[0]:  # a first threshold of 0 means automatic collection is off already
            gc.set_threshold(0, *thresholds[1:])
        def take(y):  # an output's gradient, dropped once used unless retain_grad or `grad` asks to keep it
            return grads.get(y) if retain_grad or y in keep else grads.pop(y, None)
        tie = itertools.count()  # orders functions of one generation: first seen, first out
        heap, seen = [], set()
        for y in seeds:
            if y.creator is not None and y.creator not in seen:
                seen.add(y.creator)
                heap.append((-y.creator.generation, next(tie), y.creator))
        heapq.heapify(heap)
        push, pop = heapq.heappush, heapq.heappop  # newest generation first, unless a trace asks for a stack
        trace = switches["trace"]
        if trace is not None:  # a BackwardTrace records this pass (Step 34)
            trace._begin(seeds, create_graph)
            if trace.order == "stack":  # the plain stack that Step 34 shows going wrong: last found, first out
                push, pop = list.append, list.pop
        while heap:
            f = pop(heap)[2]
            # every use of f's outputs was visited before f: their gradients are complete
            gys = [take(output()) for output in f.outputs]
            gxs = f.backward(*gys)
            if not isinstance(gxs, tuple):
                gxs = tuple(gxs) if isinstance(gxs, list) else (gxs,)
            if len(gxs) != len(f.inputs):
                raise ValueError(f"{type(f).__name__}.backward returned {len(gxs)} gradients "
                                 f"for {len(f.inputs)} inputs")
            for i, (x, gx) in enumerate(zip(f.inputs, gxs)):
                if gx is None or isinstance(x, Constant):
                    continue
                if not isinstance(gx, Variable):
                    kind = type(gx).__name__ if type(gx).__module__ == "builtins" else \
                        f"{type(gx).__module__}.{type(gx).__name__}"
                    raise TypeError(
                        f"{type(f).__name__}.backward returned {kind} for input {i}; since Step 29 "
                        f"backward must return Variables (or None for no gradient), so that the gradient can "
                        f"be differentiated again: compute it from gy and self.inputs with Variable operations, "
                        f"e.g. `return gy * 2 * x` rather than `return gy.data * 2 * x.data`")
                if gx._data.shape != x._data.shape:  # on the arrays (the shape properties: W3 +4%, bench.py --ab)
                    gx = _sum_back(gx, x.shape, f, i)
                old = grads.get(x)
                grads[x] = gx if old is None else old + gx
                creator = x.creator
                if creator is not None and creator not in seen:
                    seen.add(creator)
                    push(heap, (-creator.generation, next(tie), creator))
            if trace is not None:
                trace._step(f, gys, gxs, grads)
        _give_each_its_own(grads, given)
        if store:
            _store(grads, seeds)
    finally:
        switches["enable_backprop"], switches["recording_backward"] = saved
        if thresholds[0]:
            gc.set_threshold(*thresholds)
    return grads


def _give_each_its_own(grads, given):
    """Copy each gradient object that a variable before it, or the caller (`given`), already holds.

    One object often reaches two variables (both inputs of `a + b` receive `gy`); the second gets a copy,
    so scaling one gradient in place cannot scale the other. A recorded gradient is copied by a recorded
    `Copy`, so that the copy can be differentiated again.
    """
    held = set(map(id, given))
    for x, gx in grads.items():
        if id(gx) in held:
            gx = grads[x] = Constant(gx._data.copy()) if isinstance(gx, Constant) else Copy()(gx)
        held.add(id(gx))


def _store(grads, seeds):
    """Add the gradients of a finished pass into `grad`: every sum is computed before the first is stored."""
    new = []
    for x, gx in grads.items():
        old = x._grad
        if old is _CLEARED or old is None or x in seeds or (type(old) is _ClearedGrad and not old._data.any()):
            new.append((x, gx))  # an output's own starting gradient replaces; so does one arriving at zero
        elif old._data.shape != gx._data.shape:
            raise ValueError(f"cannot add a gradient of shape {gx._data.shape} to a grad of shape "
                             f"{old._data.shape} (was the variable's data replaced by one of another shape? "
                             f"call cleargrad() first)")
        else:
            new.append((x, old + gx))  # gradients add up across backward calls until cleargrad()
    for x, gx in new:
        x._grad = gx


def _variables(obj, what):
    """`obj`, a Variable or a sequence of them, as a list; a TypeError for anything else."""
    items = list(obj) if isinstance(obj, (list, tuple)) else [obj]
    for i, v in enumerate(items):
        if not isinstance(v, Variable):
            raise TypeError(f"{what} must be a Variable or a list of Variables; item {i} is {type(v).__name__}")
    return items


def grad(outputs, inputs, grad_outputs=None, create_graph: bool = False):
    """The gradients of `outputs` with respect to `inputs`, returned rather than stored: no `grad` changes.

    The functional form of `Variable.backward`, as PyTorch's `torch.autograd.grad`. It runs the same pass,
    but leaves every `.grad` as it was (the inputs', the outputs' and the intermediate variables'), so a
    higher derivative needs no `cleargrad()` between the orders: with `create_graph=True` the gradient is a
    graph of its own, and `grad` differentiates it again.

    Args:
        outputs: the Variable to differentiate, or a list of them (the gradient is then that of the sum
            of `grad_output * output` over all of them).
        inputs: the Variable to differentiate with respect to, or a list of them.
        grad_outputs: the starting gradient of each output (an ndarray, a number or a Variable of its
            shape, as `backward`'s `gradient`), a list for a list of outputs; None for ones.
        create_graph: record the pass, so that the gradients can be differentiated again.

    Returns:
        A tuple with one gradient per input, a `Variable` of its shape: zeros for an input the outputs do
        not depend on (the derivative of something that does not depend on `x` is 0, as after
        `cleargrad()`).

    Raises:
        TypeError: for outputs or inputs that are not Variables, or a bad `grad_outputs` entry.
        ValueError: for a `grad_outputs` entry of the wrong shape or a list of the wrong length.

    Introduced in Step 29 (the gradient as a graph, differentiated with `create_graph=True`).

    Examples:
        >>> import numpy as np
        >>> from tinypytorch import Variable, grad
        >>> x = Variable(np.array(2.0))
        >>> y = x ** 4 - 2 * x ** 2
        >>> gx, = grad(y, x, create_graph=True)    # f'(x) = 4x³ - 4x
        >>> gx
        variable(24.0)
        >>> ggx, = grad(gx, x)                    # f''(x) = 12x² - 4, with no cleargrad()
        >>> ggx
        variable(44.0)
        >>> x.grad is None
        True
    """
    outputs = _variables(outputs, "outputs")
    inputs = _variables(inputs, "inputs")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad_outputs has {len(grad_outputs)} entries for {len(outputs)} outputs")
    seeds, given = {}, []
    for i, (y, g) in enumerate(zip(outputs, grad_outputs)):
        if y._data is None:
            raise ValueError(f"outputs[{i}] holds no data")
        if y in seeds:
            raise ValueError(f"outputs[{i}] is listed twice; list each output once")
        if g is None:
            seeds[y] = Constant(np.ones_like(y._data))
        else:
            seeds[y] = _starting_gradient(y, g, f"grad_outputs[{i}]")
            given.append(seeds[y])
    grads = _backprop(seeds, create_graph, keep={x for x in inputs if x.creator is not None}, given=given)
    return tuple(grads[x] if x in grads else Variable(np.zeros_like(x._data)) for x in inputs)


# ---------------------------------------------------------------------------------------------------------
# Arithmetic. Each backward sits next to its forward and is written with Variables (Step 29), so the
# gradient is differentiable again. A `Constant` never receives a gradient (`_backprop` drops it), and an
# operand of a binary operator often is one (the 3 in `3 * x`), so a binary backward returns None for a
# Constant operand wherever its gradient would cost an operation: `Mul` and `Div` check both operands,
# `Sub` only `x1` (the gradient of `x0` is `gy` itself), `Add` neither.
# ---------------------------------------------------------------------------------------------------------

class Add(Function):
    """`x0 + x1`; both inputs receive `gy`. From Part 1–2."""

    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        return gy, gy


class Sub(Function):
    """`x0 - x1`; gradients `gy` and `-gy`. From Part 1–2."""

    def forward(self, x0, x1):
        return x0 - x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return gy, (None if isinstance(x1, Constant) else -gy)


class Mul(Function):
    """`x0 * x1`; each input's gradient is `gy` times the other. From Part 1–2."""

    def forward(self, x0, x1):
        return x0 * x1

    def backward(self, gy):
        x0, x1 = self.inputs
        gx0 = None if isinstance(x0, Constant) else gy * x1
        gx1 = None if isinstance(x1, Constant) else gy * x0
        return gx0, gx1


class Div(Function):
    """`x0 / x1`; gradients `gy / x1` and `-gy * x0 / x1²`. From Part 1–2."""

    def forward(self, x0, x1):
        return x0 / x1

    def backward(self, gy):
        x0, x1 = self.inputs
        gx0 = None if isinstance(x0, Constant) else gy / x1
        gx1 = None if isinstance(x1, Constant) else gy * (-x0 / x1 ** 2)
        return gx0, gx1


class Neg(Function):
    """`-x`; gradient `-gy`. From Part 1–2."""

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


class Copy(Function):
    """`x` as a new array; its gradient is `gy`.

    Introduced in Step 29: when one gradient object reaches two variables (both inputs of `a + b` receive
    `gy`), backward gives the second a copy, so each variable owns its gradient; under
    `create_graph=True` the copy is this recorded node, so it can be differentiated like any other.
    """

    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy


class Pow(Function):
    """`x ** c` for a constant exponent `c` (a number or an ndarray), kept as an attribute as in the book.

    From Part 1–2; changed in Step 29: the backward `c * x ** (c - 1) * gy` uses Variables,
    so `x ** 4` can be differentiated four times. Where `c` is 0 the derivative is 0, also at `x = 0`
    (where `0 * 0 ** -1` would be nan), as in PyTorch; so the fourth derivative of `x ** 4 - 2 * x ** 2`
    at 0 is 24.
    """

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x ** self.c

    def backward(self, gy):
        x, = self.inputs
        c = self.c
        if isinstance(c, np.ndarray):  # elements with c == 0 get the exponent 1: c * x ** 1 is 0 at x = 0 too
            return c * x ** np.where(c == 0, 1, c - 1) * gy
        if c == 0:  # x ** 0 is the constant 1
            return Variable(np.zeros_like(gy._data))
        return c * x ** (c - 1) * gy


class ConstantBasePow(Function):
    """`a ** x` for a constant base `a`: the derivative is `a ** x * log(a)`, built from the output.

    Where `a` is 0 the derivative is 0 (`0 ** x` is flat, 0 for x > 0), not `0 * log(0)` = nan, as in
    PyTorch. A Python number's logarithm stays a Python number, so a float32 `x` keeps float32 gradients.

    Introduced in Step 29, so that a number or an ndarray may stand on either side of every operator.
    """

    def __init__(self, base):
        self.base = base

    def forward(self, x):
        return self.base ** x

    def backward(self, gy):
        y = self.outputs[0]()
        base = self.base
        if isinstance(base, np.ndarray):
            log_base = np.log(np.where(base == 0, 1, base))
        elif base == 0:
            log_base = 0.0
        else:
            log_base = float(np.log(base)) if type(base) in _PYTHON_NUMBERS else np.log(base)
        return gy * y * log_base


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


# the operators: a Variable operand is passed on as it is, as in Function.__call__ (see there for the figure)
def add(x0, x1):
    """`x0 + x1` as a graph node (`Variable.__add__`, `__radd__`). From Part 1–2."""
    return Add()(x0, x1 if isinstance(x1, Variable) else _operand(x1, x0))


def sub(x0, x1):
    """`x0 - x1` as a graph node (`Variable.__sub__`). From Part 1–2."""
    return Sub()(x0, x1 if isinstance(x1, Variable) else _operand(x1, x0))


def rsub(x0, x1):
    """`x1 - x0`, for a number or ndarray on the left (`Variable.__rsub__`). From Part 1–2."""
    return Sub()(x1 if isinstance(x1, Variable) else _operand(x1, x0), x0)


def mul(x0, x1):
    """`x0 * x1` as a graph node (`Variable.__mul__`, `__rmul__`). From Part 1–2."""
    return Mul()(x0, x1 if isinstance(x1, Variable) else _operand(x1, x0))


def div(x0, x1):
    """`x0 / x1` as a graph node (`Variable.__truediv__`). From Part 1–2."""
    return Div()(x0, x1 if isinstance(x1, Variable) else _operand(x1, x0))


def rdiv(x0, x1):
    """`x1 / x0`, for a number or ndarray on the left (`Variable.__rtruediv__`). From Part 1–2."""
    return Div()(x1 if isinstance(x1, Variable) else _operand(x1, x0), x0)


def neg(x):
    """`-x` as a graph node (`Variable.__neg__`). From Part 1–2."""
    return Neg()(x)


def pow(x, c):
    """`x ** c` for a constant exponent; a Variable exponent is refused with a way to write it.

    From Part 1–2.
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


# numpy functions that meet a Variable (`ndarray * x`, `np.add(a, x)`) are routed to our operators: a class
# that defines `__array_ufunc__` receives them, whatever numpy's `__array_priority__` says
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
Variable.__iadd__ = _in_place(np.add, "+")
Variable.__isub__ = _in_place(np.subtract, "-")
Variable.__imul__ = _in_place(np.multiply, "*")
Variable.__itruediv__ = _in_place(np.true_divide, "/")
Variable.__ipow__ = _in_place(np.power, "**")
