"""The lesson of Step 25: walk the graph behind a `Variable` and describe it as DOT text; count what it holds.

`get_dot_graph` turns the graph behind a `Variable` into DOT text, the language of Graphviz. Variables are
orange ellipses, Functions light-blue boxes, and arrows run input → function → output. Node ids are given
in the order the graph is walked from the output (0, 1, 2, …), never `id()`, so the same program prints
the same text on every run and every machine.

`graph_stats` counts what a graph is made of (Step 32 watches the tanh derivative graphs grow).

`BackwardTrace` records what `backward` does, step by step, while it runs, and `get_dot_graph(y, trace=...)`
numbers the functions in the order it visited them (Step 34 watches the diamond; Step 29 the gradient graph
being built).

Turning the text into a picture is the job of `tinypytorch.render` (`plot_dot_graph`, `Graph`).

Introduced in Step 25.
"""

from __future__ import annotations

import heapq
import itertools
import numbers
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .core import Constant, Function, Variable, _switches

__all__ = ["get_dot_graph", "graph_stats", "get_dot_graph_and_stats", "GraphStats", "node_ids", "BackwardTrace",
           "BackwardPass", "BackwardStep"]

# ---------------------------------------------------------------------------------------------------------
# Styles. Fills are light with black text, edges mid-grey and the background transparent, so a picture
# reads on a white page and on a dark one alike.
# ---------------------------------------------------------------------------------------------------------

_HEADER = ("digraph g {\n"
           "bgcolor=transparent\n"
           "node [fontcolor=black]\n"
           "edge [color=gray50]\n")
_VAR = 'color=orange, style=filled'
_FUNC = 'color=lightblue, style=filled, shape=box'
# recorded by backward(create_graph=True): paler fill, dashed outline, dashed arrows
_GRAD_VAR = 'color=darkorange, fillcolor="#ffe2b8", style="filled,dashed"'
_GRAD_FUNC = 'color=steelblue, fillcolor="#dcefff", style="filled,dashed", shape=box'
_GRAD_EDGE = ' [style=dashed]'


# ---------------------------------------------------------------------------------------------------------
# Walking the graph
# ---------------------------------------------------------------------------------------------------------

class _Walk:
    """The nodes and edges of the graph behind some outputs, numbered in the order they are reached.

    Functions are visited like backward visits them (newest generation first, first-seen first on ties), a
    node is numbered when it is first reached, and every node is kept once. Outputs whose weak reference
    is dead (nothing uses them any more) are skipped.
    """

    def __init__(self, outputs):
        self.nodes = []      # node objects; the index is the DOT id
        self.ids = {}        # id(obj) -> DOT id (the objects stay alive in self.nodes while we walk)
        self.edges = []      # (src id, dst id, drawn dashed)
        heap, tie = [], itertools.count()

        def visit(obj):
            key = id(obj)
            if key not in self.ids:
                self.ids[key] = len(self.nodes)
                self.nodes.append(obj)
                if isinstance(obj, Variable) and obj.creator is not None and id(obj.creator) not in self.ids:
                    f = obj.creator
                    self.ids[id(f)] = len(self.nodes)
                    self.nodes.append(f)
                    heapq.heappush(heap, (-getattr(f, "generation", 0), next(tie), f))
            return self.ids[key]

        for out in outputs:
            visit(out)
        while heap:
            f = heapq.heappop(heap)[2]
            fid = self.ids[id(f)]
            dashed = _from_backward(f)
            for x in f.inputs:
                self.edges.append((visit(x), fid, dashed))
            for ref in f.outputs:
                y = ref()
                if y is not None:
                    self.edges.append((fid, visit(y), dashed))

    def functions(self):
        return [n for n in self.nodes if not isinstance(n, Variable)]

    def variables(self):
        return [n for n in self.nodes if isinstance(n, Variable)]


def _as_outputs(output):
    """`output` as a list of Variables (one Variable, or a list/tuple of them)."""
    outputs = list(output) if isinstance(output, (list, tuple)) else [output]
    for v in outputs:
        if not isinstance(v, Variable):
            raise TypeError(f"expected a Variable (the output of a computation) or a list of them, "
                            f"got {type(v).__name__}")
    if not outputs:
        raise ValueError("expected at least one output Variable")
    return outputs


def _from_backward(f):
    return bool(getattr(f, "from_backward", False))


# ---------------------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------------------

def _short(data):
    """A short, deterministic text for an array: `3`, `0.001`, `-0.6397`, `[1, 2.5, 3]`."""
    a = np.asarray(data)
    if a.dtype.kind in "biu":
        fmt = str
    elif a.dtype.kind in "fc":
        def fmt(v):
            return f"{v:.4g}"
    else:
        return str(a)
    if a.ndim == 0:
        return fmt(a.item())
    return np.array2string(a, separator=", ", threshold=6, edgeitems=2, max_line_width=10 ** 6,
                           formatter={"all": fmt}).replace("\n", "")


def _quote(text):
    """`text` as a DOT string literal (backslashes and quotes escaped, newlines as DOT line breaks).

    Every label passes through here, so this is where a NUL character, which DOT cannot carry, is refused.
    """
    if "\0" in text:
        raise ValueError(f"a graph label cannot hold a NUL character (\\x00), found in {text!r}; "
                         f"rename the Variable")
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r\n", "\n").replace("\n", "\\n") + '"'


def _var_label(v, verbose, values):
    data = v.data
    if isinstance(v, Constant):
        value = "" if data is None else _short(data)
        return value if v.name is None else f"{v.name}: {value}"
    label = "" if v.name is None else v.name
    if verbose and data is not None:
        label += (": " if v.name is not None else "") + f"{data.shape} {data.dtype}"
    if values and data is not None:
        lines = [label] if label else []
        lines.append(f"data: {_short(data)}")
        grad = v.grad
        if grad is not None and grad.data is not None:
            lines.append(f"grad: {_short(grad.data)}")
        label = "\n".join(lines)
    return label


def _func_label(f, numbers, generations):
    """`Square`; `#2 Square` for the function a trace visited (or recorded) in its step 2; `gen 1` below it."""
    label = type(f).__name__
    if id(f) in numbers:
        label = " ".join(f"#{n}" for n in numbers[id(f)]) + " " + label
    if generations:
        label += f"\ngen {getattr(f, 'generation', 0)}"
    return label


def _step_numbers(trace):
    """id(function) -> the numbers of the steps of a pass that visited it or, with create_graph, recorded it."""
    if trace is None:
        return {}
    if isinstance(trace, BackwardTrace):
        if len(trace.passes) != 1:
            raise ValueError(f"the trace holds {len(trace.passes)} backward passes; number the picture by one "
                             f"of them: trace=trace.passes[i]")
        trace = trace.passes[0]
    elif not isinstance(trace, BackwardPass):
        raise TypeError(f"trace must be a BackwardTrace (with BackwardTrace() as trace: y.backward()) or one of "
                        f"its passes, got {type(trace).__name__}")
    numbers = {}
    for step in trace.steps:
        for f in (step.function, *step.created):
            numbers.setdefault(id(f), []).append(step.number)
    return numbers


def _dot_text(walk, verbose, values, mark_backward, max_nodes=None, trace=None, generations=False):
    shown = len(walk.nodes) if max_nodes is None else min(max_nodes, len(walk.nodes))
    numbers = _step_numbers(trace)
    lines = [_HEADER]
    for i, node in enumerate(walk.nodes[:shown]):
        if isinstance(node, Variable):
            grad_node = mark_backward and node.creator is not None and _from_backward(node.creator)
            style = _GRAD_VAR if grad_node else _VAR
            label = _var_label(node, verbose, values)
        else:
            style = _GRAD_FUNC if mark_backward and _from_backward(node) else _FUNC
            label = _func_label(node, numbers, generations)
        lines.append(f"{i} [label={_quote(label)}, {style}]\n")
    for src, dst, dashed in walk.edges:
        if src < shown and dst < shown:
            lines.append(f"{src} -> {dst}{_GRAD_EDGE if dashed and mark_backward else ''}\n")
    if shown < len(walk.nodes):  # say what was left out, under the picture
        caption = f"the {shown} nodes nearest the output, of {len(walk.nodes)} (max_nodes={max_nodes})"
        lines.append(f"label={_quote(caption)}\n")
    lines.append("}\n")
    return "".join(lines)


def get_dot_graph(output: Variable | Sequence[Variable], verbose: bool = True, *, values: bool = False,
                  mark_backward: bool = True, max_nodes: int | None = None,
                  trace: BackwardTrace | BackwardPass | None = None, generations: bool = False) -> str:
    """Return the DOT text of the computational graph that produced `output`.

    Variables are orange filled ellipses labelled by name; with `verbose` the label adds shape and dtype,
    e.g. `x: (2, 3) float64`. A `Constant` (a number an operator wrapped, like the 3 in `3 * x`) is labelled
    by its value. Functions are light-blue filled boxes labelled by class name (`Add`, `Mul`, …), and the
    edges run input → function → output.

    Node ids are numbered 0, 1, 2, … in the order the graph is walked from `output` (newest function
    first, as backward visits them), so the same program gives the same text on every run and machine.
    Each node appears once, also in gradient graphs built with `backward(create_graph=True)`, where
    variables are often unnamed and functions shared. The picture has a transparent background, black
    text on light fills and mid-grey arrows, so it reads on light and dark pages.

    Introduced in Step 25. Changed in Step 34: `trace` and `generations`, so that a still picture shows the
    order backward took.

    Args:
        output: the Variable whose graph to draw, or a list of Variables to draw their graphs together.
        verbose: add shape and dtype to each variable's label.
        values: add each variable's value (`data: …`) and, when it has one, its gradient (`grad: …`).
        mark_backward: draw the nodes that `backward(create_graph=True)` recorded (Step 29) with a paler
            fill, a dashed outline and dashed arrows, so the gradient graph stands out from the forward one.
        max_nodes: keep only the first `max_nodes` nodes of the walk, the part nearest the output, and
            say under the picture how many there were. Thousands of nodes are slow to lay out and
            unreadable; this draws the end of such a graph quickly. `None` keeps every node.
        trace: a `BackwardTrace` of one backward pass over this graph, or one `BackwardPass` of a longer
            trace: each function the pass visited is labelled with the number of its step, `#1 Add`,
            `#2 Square`, … and, when it ran with `create_graph=True`, each function a step recorded carries
            that step's number too (drawn dashed).
        generations: add each function's generation to its label, on a second line: `gen 1`.

    Returns:
        The DOT text, ending in a newline.

    Raises:
        TypeError: `output` is not a Variable or a list of them, or `trace` is not a trace or a pass.
        ValueError: an empty list, a `max_nodes` that is not a positive whole number, or a trace of
            several passes.

    Examples:
        >>> import numpy as np
        >>> from tinypytorch import Variable
        >>> x0 = Variable(np.array(1.0), name="x0")
        >>> x1 = Variable(np.array(1.0), name="x1")
        >>> y = x0 + x1
        >>> y.name = "y"
        >>> print(get_dot_graph(y, verbose=False))  # doctest: +NORMALIZE_WHITESPACE
        digraph g {
        bgcolor=transparent
        node [fontcolor=black]
        edge [color=gray50]
        0 [label="y", color=orange, style=filled]
        1 [label="Add", color=lightblue, style=filled, shape=box]
        2 [label="x0", color=orange, style=filled]
        3 [label="x1", color=orange, style=filled]
        2 -> 1
        3 -> 1
        1 -> 0
        }

        With `max_nodes=2` only `y` and `Add` are kept, and a caption says so:

        >>> print(get_dot_graph(y, verbose=False, max_nodes=2).splitlines()[-2])
        label="the 2 nodes nearest the output, of 4 (max_nodes=2)"

        With a trace of `y.backward()`, the function is numbered by the step that visited it:

        >>> with BackwardTrace() as trace:
        ...     y.backward()
        >>> print(get_dot_graph(y, verbose=False, trace=trace, generations=True).splitlines()[5])
        1 [label="#1 Add\\ngen 0", color=lightblue, style=filled, shape=box]
    """
    outputs = _as_outputs(output)
    return _dot_text(_Walk(outputs), verbose, values, mark_backward, _checked_max_nodes(max_nodes), trace,
                     generations)


def _checked_max_nodes(max_nodes):
    """`max_nodes` as an int (None: every node); a whole number of any kind, numpy's too, but not a bool."""
    if max_nodes is None:
        return None
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, numbers.Integral) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive whole number (or None for every node), got {max_nodes!r}")
    return int(max_nodes)


def node_ids(output: Variable | Sequence[Variable]) -> dict:
    """The DOT id that `get_dot_graph` gives each node of the graph behind `output`: `{node: id}`.

    The keys are the graph's Variables and Functions, the values the ids 0, 1, 2, … of the DOT text, which
    Graphviz writes as the `<title>` of each node in an SVG picture. A program that draws the picture can
    then point at the nodes of a trace (the site's backward stepper does).

    Introduced in Step 34.

    Args:
        output: a Variable, or a list of Variables, as for `get_dot_graph`.

    Returns:
        A dict from each node (Variable or Function) to its DOT id.

    Examples:
        >>> import numpy as np
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array(1.0), name="x")
        >>> y = x + 1
        >>> ids = node_ids(y)
        >>> ids[y], ids[y.creator], ids[x]
        (0, 1, 2)
    """
    return {node: i for i, node in enumerate(_Walk(_as_outputs(output)).nodes)}


# ---------------------------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GraphStats:
    """What a computational graph is made of; returned by `graph_stats`.

    Introduced in Step 25 (a picture checked by counting); Step 32 counts the tanh derivative graphs.

    Attributes:
        functions: the number of Function nodes of each type, e.g. `Counter({'Mul': 17, 'Add': 9, …})`.
        n_functions: the number of Function nodes.
        n_variables: the number of Variable nodes, constants included.
        n_constants: how many of those variables are `Constant`s (numbers an operator wrapped).
        n_edges: the number of arrows.
        n_backward_functions: Function nodes recorded by `backward(create_graph=True)`.
        depth: the longest input-to-output path, counted in Functions (0 for a bare input).
    """

    functions: Counter = field(default_factory=Counter)
    n_functions: int = 0
    n_variables: int = 0
    n_constants: int = 0
    n_edges: int = 0
    n_backward_functions: int = 0
    depth: int = 0


def _depth(walk, outputs):
    """The longest chain of Functions ending at any of `outputs` (iterative: graphs can be deep)."""
    memo = {}  # id(function) -> depth of its outputs
    for f in walk.functions():
        stack = [f]
        while stack:
            g = stack[-1]
            if id(g) in memo:
                stack.pop()
                continue
            pending = [x.creator for x in g.inputs if x.creator is not None and id(x.creator) not in memo]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            memo[id(g)] = 1 + max((memo[id(x.creator)] for x in g.inputs if x.creator is not None), default=0)
    return max((memo[id(v.creator)] for v in outputs if v.creator is not None), default=0)


def graph_stats(output: Variable | Sequence[Variable]) -> GraphStats:
    """Count the nodes of the graph that produced `output`, by kind, and measure its depth.

    The same walk as `get_dot_graph`, so the numbers match the picture node for node.

    Introduced in Step 25 (a picture checked by counting); Step 32 counts the tanh derivative graphs.

    Args:
        output: a Variable, or a list of Variables (their graphs counted together).

    Returns:
        A `GraphStats`.

    Examples:
        >>> import numpy as np
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array(2.0))
        >>> s = graph_stats(3 * x ** 2 + x)
        >>> s.functions["Mul"], s.n_functions, s.n_variables, s.n_constants, s.depth
        (1, 3, 5, 1, 3)
    """
    outputs = _as_outputs(output)
    return _stats(_Walk(outputs), outputs)


def get_dot_graph_and_stats(output: Variable | Sequence[Variable], verbose: bool = True, *, values: bool = False,
                            mark_backward: bool = True, max_nodes: int | None = None) -> tuple[str, GraphStats]:
    """`get_dot_graph(output, ...)` and `graph_stats(output)` from one walk of the graph.

    A program that draws a graph and says what it holds needs both (`tinypytorch.render.Graph` does);
    the arguments are those of `get_dot_graph`, and the stats count the whole graph, also the nodes that
    `max_nodes` leaves out of the text.

    Introduced in Step 25.

    Examples:
        >>> import numpy as np
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array(2.0), name="x")
        >>> text, stats = get_dot_graph_and_stats(x * x + 1, max_nodes=2)
        >>> text.count("[label="), stats.n_functions, stats.n_variables
        (2, 2, 4)
    """
    outputs = _as_outputs(output)
    walk = _Walk(outputs)
    return _dot_text(walk, verbose, values, mark_backward, _checked_max_nodes(max_nodes)), _stats(walk, outputs)


def _stats(walk, outputs):
    funcs = walk.functions()
    variables = walk.variables()
    return GraphStats(
        functions=Counter(sorted(type(f).__name__ for f in funcs)),
        n_functions=len(funcs),
        n_variables=len(variables),
        n_constants=sum(isinstance(v, Constant) for v in variables),
        n_edges=len(walk.edges),
        n_backward_functions=sum(_from_backward(f) for f in funcs),
        depth=_depth(walk, outputs),
    )


# ---------------------------------------------------------------------------------------------------------
# Watching backward run
# ---------------------------------------------------------------------------------------------------------

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
            runs with `create_graph=True` (its part of the gradient graph); empty otherwise.
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
            return ", ".join("-" if g is None else _short(g.data) for g in grads)

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


class BackwardTrace:
    """Watch backward run: record each step of the backward passes run inside a `with` block.

    The record is made by `Variable.backward` itself as it runs, not by walking the graph again: each
    step is one Function's backward, in the order the pass visited them, with the gradients it received
    and sent (see `BackwardStep`). With `create_graph=True`, a step also lists the Functions of the
    gradient graph that it recorded. The trace holds on to what it recorded, gradients and graph included,
    for as long as you keep it. Passes run by other threads are not recorded; inside the block the
    innermost trace records. Without a trace, a pass only checks once per function that none is recording.

    `get_dot_graph(y, trace=trace)` numbers the functions of a picture in the order they were visited.

    Introduced in Step 34.

    Args:
        order: `"generation"`, the order backward always uses: newest generation first. `"stack"` makes the
            passes in the block use a plain stack instead (the last function found is visited first), the
            order Step 34 shows going wrong: on a graph where a variable feeds two functions, its creator
            can be visited before the variable's gradient is complete, and the gradients are then wrong.
            It exists to watch that mistake happen; never train with it.

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

    def __init__(self, order: str = "generation"):
        if order not in ("generation", "stack"):
            raise ValueError(f"order must be 'generation' (what backward does) or 'stack' (the plain stack "
                             f"Step 34 shows going wrong), got {order!r}")
        self.order = order
        self.passes: list[BackwardPass] = []
        self.steps: list[BackwardStep] = []
        self._created = []       # Functions recorded since the last step (Function.__call__ appends)
        self._outer = None       # the trace this one replaced while its block runs
        self._running = False

    def __enter__(self):
        if self._running:
            raise RuntimeError("this BackwardTrace's block is already running; use a new BackwardTrace() inside it")
        self._outer = _switches.trace
        self._running = True
        _switches.trace = self
        return self

    def __exit__(self, *exc_info):
        _switches.trace, self._outer = self._outer, None
        self._running = False

    def __repr__(self):
        return f"<BackwardTrace ({self.order}): {len(self.steps)} steps in {len(self.passes)} passes>"

    # called by Variable.backward while the pass runs
    def _begin(self, seeds, create_graph):
        self.passes.append(BackwardPass(tuple(seeds), tuple(seeds.values()), create_graph))
        self._created = []

    def _step(self, f, gys, gxs, grads):
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
