"""Watching backward run: `BackwardTrace` records each step of the passes run inside its `with` block.

The record is made by the pass itself as it runs (a `BackwardObserver`), not by walking the graph again.
A trace can also swap the pass's `GenerationQueue` for the plain stack of Step 34, to watch the wrong
order go wrong. `get_dot_graph(y, trace=...)` numbers a picture's functions by the steps that visited them.

Introduced in Step 34.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .core import BackwardObserver, Constant, Function, GenerationQueue, ObserverSwitch
from .graph import short_text

__all__ = ["BackwardTrace", "BackwardPass", "BackwardStep", "PlainStack"]


class PlainStack(GenerationQueue):
    """The order Step 34 shows going wrong: the last Function found runs first.

    On a graph where a variable feeds two functions, its creator can run before the
    variable's gradient is complete. It exists to watch that mistake, with
    `BackwardTrace(order="stack")`. Introduced in Step 34.
    """

    def add(self, f: Function | None):
        """Put `f` on top, unless it is None or was put there before."""
        if f is not None and f not in self._queued:
            self._queued.add(f)
            self._waiting.append(f)

    def pop(self) -> Function:
        """The Function found last."""
        return self._waiting.pop()


@dataclass(eq=False, slots=True)
class BackwardStep:
    """One step of a backward pass, as `BackwardTrace` recorded it: one Function's backward.

    Introduced in Step 34.

    Attributes:
        number: the step's position in its pass, 1, 2, …
        function: the Function whose backward ran.
        generation: its generation; the pass visits the newest first.
        outputs: its output Variables (None for an output that no longer exists).
        grads_in: the gradient each output held when the step ran, one per output: what the step received
            (None where no gradient reached that output).
        inputs: its input Variables.
        grads_out: the gradient its backward returned for each input: what the step sent (None for a
            `Constant` input, or an input it returned no gradient for). Where numpy broadcast an input, the
            gradient is still in the output's shape: summing it back is the receiving side's work (`totals`).
        totals: each input's gradient in this pass so far, after this step added its part (None for a
            `Constant`, or an input no gradient has reached yet).
        created: the Functions recorded while this step ran, in the order they were created, when the pass
            runs with `create_graph=True` (its part of the gradient graph); empty otherwise. The `Copy`
            nodes that give each variable a gradient of its own at the end of the pass belong to the last
            step that sent a gradient to that variable.
    """

    number: int
    function: Function
    generation: int
    outputs: tuple
    grads_in: tuple
    inputs: tuple
    grads_out: tuple
    totals: tuple
    created: tuple

    def __str__(self):
        def values(grads):
            return ", ".join("-" if g is None else short_text(g.data) for g in grads)

        text = (f"#{self.number} {type(self.function).__name__} (gen {self.generation}): "
                f"received {values(self.grads_in)}, sent {values(self.grads_out)}")
        if self.created:
            text += f"; recorded {', '.join(type(f).__name__ for f in self.created)}"
        return text


@dataclass(eq=False, slots=True)
class BackwardPass:
    """One backward pass in a `BackwardTrace`: where it started and its steps.

    Introduced in Step 34.

    Attributes:
        outputs: the Variables the pass started from (`y` of `y.backward()`).
        seeds: their starting gradients, one per output (ones, dy/dy = 1, unless one was given).
        create_graph: whether the pass recorded a gradient graph.
        steps: its `BackwardStep`s, in the order they ran.
    """

    outputs: tuple
    seeds: tuple
    create_graph: bool
    steps: list = field(default_factory=list)

    def step_numbers(self) -> dict:
        """id(function) -> the numbers of the steps that visited it or, with create_graph, recorded it."""
        numbers = {}
        for step in self.steps:
            for f in (step.function, *step.created):
                numbers.setdefault(id(f), []).append(step.number)
        return numbers


class _LeaveBlock:
    """What a `with BackwardTrace():` statement calls as its block ends: it switches the trace off.

    The with statement holds this object and nothing else does, so should an interrupt (Ctrl-C) stop the
    call before its first line, dropping the object switches the trace off all the same, as `using_config`
    restores its switch. Only the object of the running block does that: a stray one does nothing.
    """

    __slots__ = ("trace",)

    def __init__(self, trace):
        self.trace = trace
        trace._leave_block_id = id(self)  # the with statement looks this up just before it enters the block

    def __call__(self, *exc_info):
        self.trace._switch_off()

    def __del__(self):
        if self.trace._armed == id(self):
            self.trace._switch_off()


class _ExitMethod:
    """`BackwardTrace.__exit__`: a new `_LeaveBlock` each time it is looked up on a trace."""

    def __get__(self, trace, owner=None):
        return self if trace is None else _LeaveBlock(trace)

    def __call__(self, trace, *exc_info):  # looked up on the class, as contextlib.ExitStack does
        trace._switch_off()


class BackwardTrace(BackwardObserver):
    """Watch backward run: record each step of the backward passes run inside a `with` block.

    Each step is one Function's backward, in the order the pass visited them, with the gradients it
    received and sent (see `BackwardStep`). With `create_graph=True`, a step also lists the Functions of
    the gradient graph that it recorded. The trace holds on to what it recorded, gradients and graph
    included, for as long as you keep it. Passes run by other threads are not recorded; inside the block
    the innermost trace records. Whatever ends the block, an exception, Ctrl-C or blocks left out of
    order, the trace is switched off and every other trace is left as it was.

    `get_dot_graph(y, trace=trace)` numbers the functions of a picture in the order they were visited.

    Introduced in Step 34.

    Args:
        order: `"generation"`, the order backward always uses: newest generation first. `"stack"` makes the
            passes in the block use a plain stack instead (`PlainStack`: the last function found is visited
            first), the order Step 34 shows going wrong: on a graph where a variable feeds two functions,
            its creator can be visited before the variable's gradient is complete, and the gradients are
            then wrong. It exists to watch that mistake happen; never train with it.

    Attributes:
        order: the order the passes in the block use.
        passes: one `BackwardPass` per backward pass run in the block.
        steps: the steps of all of them, in the order they ran.

    Raises:
        ValueError: an `order` other than `"generation"` or `"stack"`.
        RuntimeError: entering a trace whose block is already running.

    Examples:
        The diamond of Step 34, $a = x^2$, $y = a^2 + a^2$: both `Square` functions that use `a` pass back
        their part of its gradient before the `Square` that made `a` runs.

        >>> import numpy as np
        >>> import tinypytorch.functions as F
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array(2.0), name="x")
        >>> a = F.square(x)
        >>> y = F.square(a) + F.square(a)
        >>> with BackwardTrace() as trace:
        ...     y.backward()
        >>> for step in trace.steps:
        ...     print(step)
        #1 Add (gen 2): received 1, sent 1, 1
        #2 Square (gen 1): received 1, sent 8
        #3 Square (gen 1): received 1, sent 8
        #4 Square (gen 0): received 16, sent 64
        >>> trace.steps[-1].totals[0] is x.grad
        True

        A plain stack visits the `Square` that made `a` after the first of its users, with half of `a`'s
        gradient, and never again:

        >>> x.cleargrad()
        >>> with BackwardTrace(order="stack") as stack:
        ...     y.backward()
        >>> [step.number for step in stack.steps if step.function is a.creator], x.grad
        ([3], variable(32.0))
    """

    __exit__ = _ExitMethod()

    def __init__(self, order: str = "generation"):
        if order not in ("generation", "stack"):
            raise ValueError(f"order must be 'generation' (what backward does) or 'stack' (the plain stack "
                             f"Step 34 shows going wrong), got {order!r}")
        self.order = order
        self.passes: list[BackwardPass] = []
        self.steps: list[BackwardStep] = []
        self._created = []           # Functions recorded since the last step
        self._switch = None          # while the block runs: the ObserverSwitch that switched it on
        self._leave_block_id = None  # the _LeaveBlock made last, and the one the running block will call
        self._armed = None

    def __enter__(self):
        if self._switch is not None:
            raise RuntimeError("this BackwardTrace's block is already running; use a new BackwardTrace() inside it")
        self._armed = self._leave_block_id
        self._switch = ObserverSwitch(self)
        self._switch.on()  # last: should an interrupt follow, the armed _LeaveBlock switches it off
        return self

    def _switch_off(self):
        if self._switch is not None:
            self._switch.off()  # first: an interrupt before it leaves the block armed to try again
        self._switch = self._armed = None

    def __repr__(self):
        return f"<BackwardTrace ({self.order}): {len(self.steps)} steps in {len(self.passes)} passes>"

    def step_numbers(self) -> dict:
        """The step numbers of the one pass this trace holds (see `BackwardPass.step_numbers`)."""
        if len(self.passes) != 1:
            raise ValueError(f"the trace holds {len(self.passes)} backward passes; number the picture by one "
                             f"of them: trace=trace.passes[i]")
        return self.passes[0].step_numbers()

    # the BackwardObserver methods, called by the pass as it runs
    def queue(self):
        return PlainStack() if self.order == "stack" else GenerationQueue()

    def begin(self, seeds, create_graph):
        self.passes.append(BackwardPass(tuple(seeds), tuple(seeds.values()), create_graph))
        self._created = []

    def recorded(self, f):
        self._created.append(f)

    def step(self, f, gys, gxs, grads):
        inputs = tuple(f.inputs)
        constant = [isinstance(x, Constant) for x in inputs]
        step = BackwardStep(
            number=len(self.passes[-1].steps) + 1, function=f, generation=f.generation,
            outputs=tuple(ref() for ref in f.outputs), grads_in=tuple(gys), inputs=inputs,
            grads_out=tuple(None if c else gx for c, gx in zip(constant, gxs)),
            totals=tuple(None if c else grads.get(x) for c, x in zip(constant, inputs)),
            created=tuple(self._created))
        self._created = []
        self.passes[-1].steps.append(step)
        self.steps.append(step)

    def end(self, grads):
        """Give each `Copy` made after the last step to the step whose total it replaces (else the last)."""
        copies, self._created = self._created, []
        steps = self.passes[-1].steps
        for f in copies:
            copied, copy = f.inputs[0], f.outputs[0]()
            for step in reversed(steps):
                hits = [i for i, (x, total) in enumerate(zip(step.inputs, step.totals))
                        if total is copied and grads.get(x) is copy]
                if hits:
                    step.totals = tuple(copy if i in hits else total for i, total in enumerate(step.totals))
                    step.created += (f,)
                    break
            else:
                if steps:
                    steps[-1].created += (f,)
