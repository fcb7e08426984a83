"""When a graph is recorded: `Config`, `using_config` and `no_grad`.

Every `Function` call reads `Config.enable_backprop` to decide whether to remember its inputs, and
`Config.recording_backward` to mark the nodes that a `backward(create_graph=True)` records. The switches
belong to the calling thread, as PyTorch's grad mode does: a `no_grad()` block in one thread never stops
another thread from recording its graph.

From Part 1–2. Changed in Step 34: the switches are per thread, and safe against Ctrl-C.
"""

from __future__ import annotations

import functools
import inspect
import threading

__all__ = ["Config", "using_config", "no_grad", "backward_mode"]


class _ThreadConfig(threading.local):
    """The switches, one set per thread: each thread starts from these class defaults."""

    enable_backprop = True
    recording_backward = False


Config = _ThreadConfig()
"""The switches read by every `Function` call; each thread has its own values.

Attributes:
    enable_backprop: when False, Functions compute values only and record no graph (see `no_grad`).
    recording_backward: True while `Variable.backward(create_graph=True)` records the backward pass;
        the Functions it creates are marked `from_backward` so a picture can tell them apart.

Read and set them as the book does, `Config.enable_backprop = False`: the value is the calling
thread's, and every new thread starts with `enable_backprop` True.

From Part 1–2: `enable_backprop`. Changed in Step 29: `recording_backward`. Changed in
Step 34: the switches are per thread.
"""

_SWITCHES = ("enable_backprop", "recording_backward")


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

    _switches = None  # while the block runs: the switches of the thread that entered it

    def __init__(self, name: str, value):
        if name not in _SWITCHES:
            raise AttributeError(f"Config has no setting {name!r}; known settings: {', '.join(_SWITCHES)}")
        self._settings = {name: value}

    def __enter__(self):
        if self._switches is not None:
            settings = ", ".join(f"{name!r}, {value!r}" for name, value in self._settings.items())
            raise RuntimeError(f"this {type(self).__name__}({settings}) block is already running; nest a new one "
                               f"instead")
        self._old = {name: getattr(Config, name) for name in self._settings}
        # the entering thread's own switches, so that a restore run from __del__ in another thread finds them
        self._switches = switches = Config.__dict__
        switches.update(self._settings)  # last, and one call: an interrupt cannot land between it and the block

    def __exit__(self, *exc_info):
        switches, self._switches = self._switches, None
        if switches is not None:
            switches.update(self._old)

    # should an interrupt stop `__exit__` at its first instruction, the value is restored when dropped
    __del__ = __exit__

    def __call__(self, func):
        if inspect.isgeneratorfunction(func) or inspect.iscoroutinefunction(func):
            raise TypeError(f"using_config/no_grad decorates plain functions; {func.__qualname__} is a generator "
                            f"or coroutine, which runs after the call returns: use a `with` block inside it")
        (name, value), = self._settings.items()

        @functools.wraps(func)
        def switched(*args, **kwargs):
            with using_config(name, value):  # a new block per call: calls may nest or run in several threads
                return func(*args, **kwargs)

        return switched


class _ClassBlock(type):
    """Answers `with no_grad:` (no parentheses) with what to write, rather than Python's puzzle."""

    def __enter__(cls):
        raise TypeError(f"write `with {cls.__name__}():` with parentheses: each block needs a new one")

    def __exit__(cls, *exc_info):
        pass


class no_grad(using_config, metaclass=_ClassBlock):
    """Compute without recording a graph: `with no_grad(): ...`, or `@no_grad()` on a function.

    Inside the block no Function keeps its inputs, so nothing is held for a backward pass: use it for
    inference and for updates. Step 34 measures the memory it saves. Like PyTorch's, it acts on the
    calling thread only. It is `using_config("enable_backprop", False)` under a shorter name.

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

    def __init__(self):
        super().__init__("enable_backprop", False)


class backward_mode:
    """The switches a backward pass runs under: it records only if `create_graph`.

    The book's `with using_config("enable_backprop", create_graph):` (its Step 32), with
    `recording_backward` too, which marks the Functions the pass records. Both change in
    one step and come back whatever ends the pass, as with `using_config`; it is a small
    class of its own because it runs once per pass.

    Introduced in Step 29.
    """

    __slots__ = ("_record", "_old", "_switches")

    def __init__(self, create_graph: bool):
        self._record, self._switches = create_graph, None

    def __enter__(self):
        self._old = Config.enable_backprop, Config.recording_backward
        self._switches = switches = Config.__dict__
        # last, in one call: no interrupt lands between the switches or before the block
        switches.update(enable_backprop=self._record, recording_backward=self._record)

    def __exit__(self, *exc_info):
        switches, self._switches = self._switches, None
        if switches is not None:
            switches["enable_backprop"], switches["recording_backward"] = self._old

    __del__ = __exit__
