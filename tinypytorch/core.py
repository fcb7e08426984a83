"""The graph and its backward pass: `Variable`, `Function`, and `backprop`, the pass behind `backward`.

A `Variable` holds an ndarray and remembers the `Function` that created it; a `Function` holds its inputs
and (weakly) its outputs. `Variable.backward` walks that graph from the output back to the inputs, newest
generation first, and adds up the gradients. Since Step 29 every gradient is a `Variable` and every
`backward` is written with Variables, so `backward(create_graph=True)` records a graph of its own that can
be differentiated again. The arithmetic lives in `tinypytorch.ops`; here are only the Functions the pass
itself needs (`SumTo`, `BroadcastTo`, `Cast`, `Copy`).

Each name says where it comes from: "From Part 1–2" (the recap of the book's first two parts),
"Introduced in Step NN" or "Changed in Step NN"; a method says so only where it differs from its class.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import weakref

import numpy as np

from .config import Config, backward_mode

__all__ = [
    "Variable", "Constant", "Function", "as_array", "as_variable", "as_gradient", "backprop", "GenerationQueue",
    "BackwardObserver", "ObserverSwitch", "Copy", "SumTo", "BroadcastTo", "Cast", "sum_to",
    "broadcast_to", "cast",
]

_NUMERIC_KINDS = frozenset("biufc")  # numpy dtype kinds of numbers: bool, int, unsigned, float, complex
_PYTHON_NUMBERS = frozenset((bool, int, float, complex))  # these exact types: numpy scalars are not "weak"
_FLOAT64 = np.dtype(np.float64)


# ---------------------------------------------------------------------------------------------------------
# Variable
# ---------------------------------------------------------------------------------------------------------

def _checked_data(data):
    """`data` as `Variable.data` holds it (a numpy scalar becomes a 0-d array), or a TypeError saying what to write."""
    if data is None:
        return data
    if isinstance(data, np.generic):
        data = np.asarray(data)
    if isinstance(data, np.ndarray):
        if data.dtype.kind in _NUMERIC_KINDS:
            return data
        shown = np.array2string(data, threshold=3)[:40]
        raise TypeError(f"Variable data must hold numbers, got an array of dtype {data.dtype} ({shown}); "
                        f"convert it first, e.g. np.array([1.0, 2.0]) or a.astype(np.float64)")
    if isinstance(data, Variable):
        raise TypeError("Variable data must be a numpy ndarray, got a Variable. A gradient is a Variable since "
                        "Step 29: use its array, e.g. `x.data -= lr * x.grad.data`.")
    raise TypeError(f"Variable data must be a numpy ndarray or None, got {type(data).__name__} ({data!r:.60}). "
                    f"Wrap it first, e.g. Variable(np.array({data!r:.40})).")


def _checked_name(name):
    """`name` if it can label a graph node (a str with no NUL character, or None), else a TypeError/ValueError."""
    if name is not None and not isinstance(name, str):
        raise TypeError(f"a Variable's name must be a str or None, got {type(name).__name__} ({name!r:.40}); "
                        f"e.g. name='x'")
    if name is not None and "\0" in name:
        raise ValueError(f"a Variable's name cannot hold a NUL character (\\0), got {name!r:.40}")
    return name


class Variable:
    """A box around a numpy array that remembers how it was computed.

    Args:
        data: a numpy ndarray of numbers (a numpy scalar is stored as a 0-d array) or None.
        name: an optional label (a str), shown in graph pictures (Step 25).

    Attributes:
        grad: the gradient `backward` accumulated, a `Variable` of the same shape and (for a float variable)
            dtype; None before any arrives, zeros after `cleargrad()` (Step 29).
        creator: the `Function` that produced this variable, or None for an input.
        generation: how far from the inputs the variable sits; backward visits newer functions first.

    Arithmetic operators build graph nodes (attached by `tinypytorch.ops`, with the in-place rule of Step 26).

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
        if type(data) is not np.ndarray or data.dtype is not _FLOAT64:  # a float64 array needs no other test
            data = _checked_data(data)
        self._data = data
        self._name = None if name is None else _checked_name(name)
        self._grad = None
        self.creator = None
        self.generation = 0

    @property
    def data(self):
        """The numpy array held by this variable (assignable: an ndarray of numbers, or None).

        Changed in Step 26: the book's update `x.data -= lr * x.grad` works although `x.grad` is a Variable,
        while assigning a Variable (`x.data = x.data - lr * x.grad`) raises a TypeError with the line to write.
        """
        return self._data

    @data.setter
    def data(self, value):
        self._data = _checked_data(value)

    @property
    def name(self):
        """The label shown in graph pictures: a str, or None (assignable; anything else is refused at once).

        Introduced in Step 25.
        """
        return self._name

    @name.setter
    def name(self, value):
        self._name = _checked_name(value)

    @property
    def grad(self):
        """The accumulated gradient: a `Variable` owned by this variable alone, zeros after `cleargrad()`, or None.

        Changed in Step 29: a `Variable` (it was an ndarray), so it can be differentiated again.
        """
        return self._grad

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

    shape = property(lambda self: self._data.shape, doc="The array's shape, as numpy reports it.")
    ndim = property(lambda self: self._data.ndim, doc="The array's number of dimensions.")
    size = property(lambda self: self._data.size, doc="The array's number of elements.")
    dtype = property(lambda self: self._data.dtype, doc="The array's dtype.")

    def __len__(self):
        return len(self._data)

    def __bool__(self):
        return bool(self._data)  # as numpy: one element is true or false, more are ambiguous (a ValueError)

    def __repr__(self):
        if self._data is None:
            return "variable(None)"
        return "variable(" + str(self._data).replace("\n", "\n" + " " * len("variable(")) + ")"

    def set_creator(self, func: Function):
        """Record `func` as this variable's creator; the variable is one generation newer than it.

        Step 34 looks at generations again.
        """
        self.creator = func
        self.generation = func.generation + 1

    def cleargrad(self):
        """Reset the gradient before a new backward pass: `grad` reads as zeros until one arrives.

        `backward` adds into `grad` (a variable used twice gets both contributions), so a loop that calls
        `backward` repeatedly must clear first (Step 26).

        Changed in Step 29: `grad` reads as zeros after clearing, so the second derivative of `3 * x` is 0
        rather than None.
        """
        self._grad = None if self._data is None else _ClearedGrad(np.zeros(self._data.shape, self._data.dtype))

    def backward(self, gradient=None, retain_grad: bool = False, create_graph: bool = False):
        """Backpropagate from this variable (`backprop`), then add each gradient into its variable's `grad`.

        The gradients are stored only once the whole pass has succeeded: a pass that fails changes no `grad`.

        Args:
            gradient: the gradient to start from, dL/dy for this y, as PyTorch's `y.backward(gradient)`: an
                ndarray, a number or a Variable of y's shape. Default: `y.grad` if it holds one, else ones.
            retain_grad: keep the gradients of intermediate variables too (default: only the inputs' grads
                survive, which frees memory).
            create_graph: record the backward pass as a graph, so `grad` can be differentiated again
                (Step 29); `x.grad`'s graph then refers back to `x`, a cycle that `x.cleargrad()` breaks
                (Step 34). To get the gradients without storing them, use `tinypytorch.grad`.

        Raises:
            TypeError: for a `gradient` that is not an array, a number or a Variable, flags that are not
                True or False, or a Function whose backward returns something other than Variables.
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
        """
        if type(retain_grad) is not bool or type(create_graph) is not bool:
            _check_flags(retain_grad=retain_grad, create_graph=create_graph)
        if self._data is None:
            raise ValueError("backward() on a Variable with no data")
        if gradient is not None:
            hint = ("backward's first argument is the starting gradient, as in PyTorch: give the flags by keyword, "
                    "e.g. backward(retain_grad=True)")
            seed = as_gradient(self, gradient, "backward's gradient", hint)
        elif self._grad is None or type(self._grad) is _ClearedGrad:
            seed = Constant(np.ones(self._data.shape, self._data.dtype))  # dy/dy = 1, a Constant: no gradient flows into it
        else:
            seed = self._grad  # a grad set on y before, as the book allows, starts the pass
        grads = backprop({self: seed}, create_graph, retain_grad=retain_grad, given=(gradient, self._grad))
        _store(grads, self, create_graph)


class Constant(Variable):
    """A raw number or ndarray that an operator wrapped, such as the `3` in `3 * x`.

    It is a node of the graph (and of its picture) but never receives a gradient, so backward spends no
    work on it.

    Introduced in Step 25 (constants get their own label in graph pictures).
    """

    __slots__ = ()


class _ClearedGrad(Variable):
    """The zeros `grad` holds after `cleargrad()`: the first gradient to arrive replaces them."""

    __slots__ = ()


def as_array(x):
    """Return `x` as an ndarray (numpy turns 0-d results into scalars; Functions want arrays back).

    From Part 1–2.
    """
    return x if isinstance(x, np.ndarray) else np.asarray(x)


def _wrapped(obj, inputs) -> Constant:
    """A number or ndarray given to a Function, wrapped as a Constant (`as_variable`).

    A Python number takes the type numpy gives it beside the call's first Variable, as numpy's "weak"
    scalars do (`x * 2.0` stays float32 for a float32 `x`).
    """
    if type(obj) in _PYTHON_NUMBERS:
        for x in inputs:
            if isinstance(x, Variable) and x._data is not None:
                return Constant(np.asarray(obj, dtype=np.result_type(x._data, obj)))
    return as_variable(obj)


def as_variable(obj) -> Variable:
    """Return `obj` if it is a Variable, else wrap it (a number or ndarray) as a `Constant`.

    From Part 1–2. Changed in Step 25: wrapped values are `Constant`s.

    Raises:
        TypeError: for anything that is not a Variable, a real/complex number, a bool or an ndarray.
    """
    if isinstance(obj, Variable):
        return obj
    if isinstance(obj, (np.ndarray, int, float, complex, np.generic)):
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
    weak references, so the graph is freed as soon as the last output is dropped. An instance is one node
    of one graph: a second call while it holds a graph raises RuntimeError.

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
        inputs = [x if isinstance(x, Variable) else _wrapped(x, inputs) for x in inputs]
        ys = self.forward(*[x._data for x in inputs])
        if isinstance(ys, tuple):
            outputs = [Variable(as_array(y)) for y in ys]
        else:  # one output, the common case: no tuple to build
            outputs = [Variable(ys if isinstance(ys, np.ndarray) else np.asarray(ys))]
        if Config.enable_backprop:
            self._join_graph(inputs, outputs)
        return outputs if len(outputs) > 1 else outputs[0]

    def _join_graph(self, inputs, outputs):
        """Remember this call: the inputs, the outputs (weakly) and the generation backward orders by."""
        self.generation = 0
        for x in inputs:  # the newest input's generation (a loop: cheaper than max() of a new list)
            if x.generation > self.generation:
                self.generation = x.generation
        for output in outputs:
            output.set_creator(self)
        self.inputs = inputs
        self.outputs = [weakref.ref(output) for output in outputs]
        if Config.recording_backward:
            self.from_backward = True
            if _observers.stack:  # someone watches the pass (Step 34's BackwardTrace): tell the innermost
                _observers.stack[-1].recorded(self)

    def forward(self, *xs):
        """Compute the outputs from input ndarrays."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def backward(self, *gys):
        """Return the gradients of the inputs (Variables, or None for "no gradient") from the outputs'.

        Changed in Step 29: receives and returns Variables, so the gradient can be differentiated again;
        the backward pass refuses an ndarray or a number here with a TypeError naming the Function.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement backward()")


# ---------------------------------------------------------------------------------------------------------
# The order of the pass, and who may watch it
# ---------------------------------------------------------------------------------------------------------

class GenerationQueue:
    """The Functions waiting for their backward: the newest generation comes out first.

    A Function is queued once, and Functions of one generation come out in the order
    they were added. It comes out only after every newer Function, so all the uses of
    its outputs have passed back their gradients (Step 34). `graph` walks with it too,
    so a picture's node ids follow the order of the pass.

    Introduced in Step 34 (the book sorts a list; a heap places each Function once).
    """

    def __init__(self):
        self._waiting, self._queued, self._arrival = [], set(), itertools.count()

    def add(self, f: Function | None):
        """Queue `f`, unless it is None (an input's creator) or queued already."""
        if f is not None and f not in self._queued:
            self._queued.add(f)
            heapq.heappush(self._waiting, (-f.generation, next(self._arrival), f))

    def pop(self) -> Function:
        """The next Function to run."""
        return heapq.heappop(self._waiting)[-1]

    def __bool__(self):
        return bool(self._waiting)


class BackwardObserver:
    """Whoever watches the backward passes of a thread, such as Step 34's `BackwardTrace`.

    A pass takes the innermost observer switched on with an `ObserverSwitch`; with none, it runs with this
    base class, which watches nothing and keeps the usual order.

    Introduced in Step 34.
    """

    def queue(self) -> GenerationQueue:
        """The order to visit Functions in: a `GenerationQueue`, unless the observer asks for another."""
        return GenerationQueue()

    def begin(self, seeds: dict, create_graph: bool):
        """A pass starts from `seeds`, {output: its starting gradient}."""

    def recorded(self, f: Function):
        """`backward(create_graph=True)` recorded the Function `f` (called from `Function.__call__`)."""

    def step(self, f: Function, gys: list, gxs: tuple, grads: dict):
        """`f.backward` received `gys` and returned `gxs`; `grads` holds every gradient so far."""

    def end(self, grads: dict):
        """The pass is over: `grads` holds the final gradients, each owned by one variable."""


class _Observers(threading.local):
    stack = ()  # the observers switched on in this thread, the innermost last


_observers = _Observers()
_NOBODY = BackwardObserver()


def _watcher() -> BackwardObserver:
    return _observers.stack[-1] if _observers.stack else _NOBODY


class ObserverSwitch:
    """Switches `observer` on and off for the backward passes of the thread that made the switch.

    Observers nest: the innermost one watches. Switching one off removes that one, wherever it stands,
    so blocks left out of order, or from another thread, leave the others as they were; `on()` and
    `off()` each change the thread's observers in one assignment, so an interrupt leaves them whole.

    Introduced in Step 34 (what `BackwardTrace` uses to watch).
    """

    def __init__(self, observer: BackwardObserver):
        self.observer = observer
        self._observers = _observers.__dict__  # the making thread's, so `off()` works from any thread

    def on(self):
        """Switch the observer on, innermost."""
        self._observers["stack"] = self._observers.get("stack", ()) + (self.observer,)

    def off(self):
        """Switch the observer off; a second call does nothing."""
        self._observers["stack"] = tuple(o for o in self._observers.get("stack", ()) if o is not self.observer)


# ---------------------------------------------------------------------------------------------------------
# The backward pass
# ---------------------------------------------------------------------------------------------------------

def backprop(seeds: dict, create_graph: bool = False, retain_grad: bool = False,
             given=()) -> dict:
    """One backward pass from `seeds` ({output: its starting gradient}).

    Returns {variable: its gradient}: the graph's inputs and, with `retain_grad`, every
    variable on the way; each gradient is owned by its variable alone, and none is one
    of the caller's objects in `given`. `Variable.backward` stores them; `grad` returns
    them.

    Introduced in Step 29: the book's `Variable.backward`, with `create_graph`.
    """
    watcher = _watcher()            # nobody, unless a BackwardTrace watches (Step 34)
    queue = watcher.queue()         # newest generation first
    for y in seeds:
        queue.add(y.creator)
    grads = dict(seeds)
    take = grads.get if retain_grad else grads.pop  # passed on, a gradient is dropped
    watcher.begin(seeds, create_graph)
    with backward_mode(create_graph):  # the book: using_config("enable_backprop", ...)
        while queue:
            f = queue.pop()         # all uses of f's outputs have sent their gradients
            gys = [take(y(), None) for y in f.outputs]
            gxs = _backward_of(f, gys)
            for x, gx in zip(f.inputs, gxs):
                if gx is None or isinstance(x, Constant):
                    continue        # a constant needs no gradient
                # where numpy broadcast or promoted x: back to x's shape and dtype
                if (gx._data.shape, gx._data.dtype) != (x._data.shape, x._data.dtype):
                    gx = _fitted(gx, x, f)
                grads[x] = gx if x not in grads else grads[x] + gx
                queue.add(x.creator)
            watcher.step(f, gys, gxs, grads)
        _unshare(grads, given)
    watcher.end(grads)
    return grads


def _backward_of(f, gys):
    """`f.backward(*gys)` as a tuple with one gradient (a Variable, or None) per input of f; else a clear error."""
    try:
        gxs = f.backward(*gys)
    except ValueError as error:
        error.add_note(f"(in {type(f).__name__}.backward; if an input's data was replaced by an array of another "
                       f"shape after the forward pass, compute the graph again)")
        raise
    if not isinstance(gxs, tuple):
        gxs = tuple(gxs) if isinstance(gxs, list) else (gxs,)
    if len(gxs) != len(f.inputs):
        raise ValueError(f"{type(f).__name__}.backward returned {len(gxs)} gradients for {len(f.inputs)} inputs")
    for gx in gxs:
        if gx is not None and not isinstance(gx, Variable):
            raise TypeError(_not_variables(f, gxs))
    return gxs


def _not_variables(f, gxs):
    i, gx = next((i, gx) for i, gx in enumerate(gxs) if gx is not None and not isinstance(gx, Variable))
    kind = type(gx).__name__ if type(gx).__module__ == "builtins" else f"{type(gx).__module__}.{type(gx).__name__}"
    return (f"{type(f).__name__}.backward returned {kind} for input {i}; since Step 29 backward must return "
            f"Variables (or None for no gradient), so that the gradient can be differentiated again: compute it "
            f"from gy and self.inputs with Variable operations, e.g. `return gy * 2 * x` rather than "
            f"`return gy.data * 2 * x.data`")


def _fitted(gx, x, f):
    """`gx` in `x`'s shape (summed over the axes numpy broadcast x along) and, for a float x, its dtype."""
    if gx.shape != x.shape:
        if len(x.shape) > gx.ndim or any(s not in (t, 1) for s, t in zip(x.shape[::-1], gx.shape[::-1])):
            i = next(i for i, v in enumerate(f.inputs) if v is x)
            raise ValueError(f"{type(f).__name__}.backward returned a gradient of shape {gx.shape} for input {i} "
                             f"of shape {x.shape}")
        gx = sum_to(gx, x.shape)
    if gx.dtype != x.dtype and x.dtype.kind in "fc":
        gx = cast(gx, x.dtype)  # numpy promoted float32 beside a float64 scalar: the gradient stays float32
    return gx


def _unshare(grads, given):
    """Copy each gradient object that a variable before it, or the caller (`given`), already holds.

    One object often reaches two variables (both inputs of `a + b` receive `gy`); the second gets a copy,
    so scaling one gradient in place cannot scale the other. Under `create_graph` the copy is a recorded
    `Copy`, so that it can be differentiated like any other node.
    """
    held = set(map(id, given))
    for x, gx in grads.items():
        if id(gx) in held:
            gx = grads[x] = Constant(gx.data.copy()) if isinstance(gx, Constant) else Copy()(gx)
        held.add(id(gx))


def _store(grads, output, create_graph):
    """Add the gradients of a finished pass into `grad`: every sum is computed before the first is stored."""
    new = [(x, _accumulated(x, gx, output, create_graph)) for x, gx in grads.items()]
    for x, gx in new:
        x._grad = gx


def _accumulated(x, gx, output, create_graph):
    """What `x.grad` becomes when `gx` arrives: `gx`, or the sum, recorded only with `create_graph` as the pass."""
    old = x._grad
    if old is None or x is output or (type(old) is _ClearedGrad and np.count_nonzero(old._data) == 0):
        return gx  # the output's own starting gradient replaces; so does one arriving at zero
    if old._data.shape != gx._data.shape:
        raise ValueError(f"cannot add a gradient of shape {gx.shape} to a grad of shape {old.shape} (was the "
                         f"variable's data replaced by one of another shape? call cleargrad() first)")
    with backward_mode(create_graph):
        return old + gx  # gradients add up across backward calls until cleargrad()


def _check_flags(**flags):  # called only when a flag is not a bool
    for name, value in flags.items():
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {value!r:.40}")


def as_gradient(y: Variable, gradient, what: str = "gradient", hint: str = "") -> Variable:
    """`gradient` (an ndarray, a number or a Variable of y's shape) as a Variable to start backpropagation from `y`.

    An array is copied, so the caller's array is never stored as a gradient, and takes y's float dtype.
    A TypeError or ValueError names `what` and says why not (with `hint` when a bool was given).

    Introduced in Step 29 (PyTorch's `y.backward(gradient)`).
    """
    if isinstance(gradient, Variable):
        start = gradient
    elif isinstance(gradient, (np.ndarray, np.generic)) or type(gradient) in _PYTHON_NUMBERS - {bool}:
        data = np.array(gradient)  # a copy: the caller's array is never stored as a gradient
        if data.dtype.kind not in _NUMERIC_KINDS or (data.dtype.kind == "c" and y.dtype.kind != "c"):
            raise TypeError(f"{what} must hold real numbers for an output of dtype {y.dtype}, got dtype {data.dtype}")
        start = Constant(data.astype(y.dtype, copy=False) if y.dtype.kind in "fc" else data)
    else:
        raise TypeError(f"{what} must be an ndarray, a number or a Variable of the output's shape {y.shape}, "
                        f"got {type(gradient).__name__}" + (f"; {hint}" if isinstance(gradient, bool) else ""))
    if start.shape != y.shape:
        raise ValueError(f"{what} has shape {start.shape}, but the output has shape {y.shape}: it is dL/dy, "
                         f"one number for each element of y")
    return start


# ---------------------------------------------------------------------------------------------------------
# The Functions the pass itself uses
# ---------------------------------------------------------------------------------------------------------

class Copy(Function):
    """`x` as a new array; its gradient is `gy`. Introduced in Step 29: where one gradient object reaches two
    variables, backward gives the second this copy (recorded under `create_graph`), so each owns its own.
    """

    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy


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


class Cast(Function):
    """`x` as another dtype; its backward casts the gradient back. Introduced in Step 29: where numpy promoted
    a float32 input beside a float64 value, backward casts its gradient back, to the variable's dtype.
    """

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)

    def forward(self, x):
        self.x_dtype = x.dtype
        return x.astype(self.dtype)

    def backward(self, gy):
        return cast(gy, self.x_dtype)


def sum_to(x, shape):
    """Sum `x` down to `shape` (the inverse of broadcasting); returns `x` itself if it already has it.

    Introduced in Step 29.
    """
    shape = tuple(shape)
    return as_variable(x) if x.shape == shape else SumTo(shape)(x)


def broadcast_to(x, shape):
    """Broadcast `x` to `shape`; returns `x` itself if it already has it. Introduced in Step 29."""
    shape = tuple(shape)
    return as_variable(x) if x.shape == shape else BroadcastTo(shape)(x)


def cast(x, dtype):
    """`x` as `dtype`; returns `x` itself if it already has it. Introduced in Step 29."""
    return as_variable(x) if x.dtype == dtype else Cast(dtype)(x)
