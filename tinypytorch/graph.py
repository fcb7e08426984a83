"""The lesson of Step 25: walk the graph behind a `Variable` and describe it as DOT text; count what it holds.

`get_dot_graph` turns the graph behind a `Variable` into DOT text, the language of Graphviz. Variables are
orange ellipses, Functions light-blue boxes, and arrows run input → function → output. Node ids are given
in the order the graph is walked from the output (0, 1, 2, …), never `id()`, so the same program prints
the same text on every run and every machine.

`graph_stats` counts what a graph is made of (Step 32 watches the tanh derivative graphs grow).

`get_dot_graph(y, trace=...)` numbers the functions in the order a `tinypytorch.trace.BackwardTrace` saw
backward visit them (Step 34 watches the diamond; Step 29 the gradient graph being built).

Turning the text into a picture is the job of `tinypytorch.render` (`plot_dot_graph`, `Graph`).

Introduced in Step 25.
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .core import Constant, GenerationQueue, Variable

__all__ = ["get_dot_graph", "graph_stats", "get_dot_graph_and_stats", "GraphStats", "node_ids", "short_text"]

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

    Functions are visited in the order of the backward pass (a `GenerationQueue`: newest generation
    first, first-seen first on ties), a node is numbered when it is first reached, and every node is kept
    once. Outputs whose weak reference is dead (nothing uses them any more) are skipped.
    """

    def __init__(self, outputs):
        self.nodes = []      # node objects; the index is the DOT id
        self.ids = {}        # id(obj) -> DOT id (the objects stay alive in self.nodes while we walk)
        self.edges = []      # (src id, dst id, drawn dashed)
        queue = GenerationQueue()

        def visit(obj):
            key = id(obj)
            if key not in self.ids:
                self.ids[key] = len(self.nodes)
                self.nodes.append(obj)
                f = obj.creator if isinstance(obj, Variable) else None
                if f is not None and id(f) not in self.ids:
                    self.ids[id(f)] = len(self.nodes)
                    self.nodes.append(f)
                    queue.add(f)
            return self.ids[key]

        for out in outputs:
            visit(out)
        while queue:
            f = queue.pop()
            fid = self.ids[id(f)]
            for x in f.inputs:
                self.edges.append((visit(x), fid, f.from_backward))
            for ref in f.outputs:
                y = ref()
                if y is not None:
                    self.edges.append((fid, visit(y), f.from_backward))

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


# ---------------------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------------------

def short_text(data) -> str:
    """A short, deterministic text for an array, as graph labels write values: `3`, `0.001`, `[1, 2.5, 3]`.

    Introduced in Step 34 (labels with values, and the steps of a `BackwardTrace`).

    Examples:
        >>> import numpy as np
        >>> short_text(np.array(-0.63969)), short_text(np.array([1.0, 2.5, 3.0]))
        ('-0.6397', '[1, 2.5, 3]')
    """
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

    A name never holds the one character DOT cannot carry, NUL: `Variable.name` refuses it when given.
    """
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r\n", "\n").replace("\n", "\\n") + '"'


def _var_label(v, verbose, values):
    """`x`, `x: (2, 3) float64` with `verbose`, plus `data: …` and `grad: …` lines with `values`; a constant's value."""
    data = v.data
    if isinstance(v, Constant):
        value = "" if data is None else short_text(data)
        return value if v.name is None else f"{v.name}: {value}"
    parts = [] if v.name is None else [v.name]
    if verbose and data is not None:
        parts.append(f"{data.shape} {data.dtype}")
    label = ": ".join(parts)
    if values and data is not None:
        label = "\n".join([label] * bool(label) + [f"data: {short_text(data)}"] + _grad_line(v.grad))
    return label


def _grad_line(grad):
    return [] if grad is None or grad.data is None else [f"grad: {short_text(grad.data)}"]


def _func_label(f, numbers, generations):
    """`Square`; `#2 Square` for the function a trace visited (or recorded) in its step 2; `gen 1` below it."""
    label = type(f).__name__
    if id(f) in numbers:
        label = " ".join(f"#{n}" for n in numbers[id(f)]) + " " + label
    if generations:
        label += f"\ngen {f.generation}"
    return label


def _step_numbers(trace):
    """id(function) -> the numbers of the steps of a traced pass that visited it or recorded it."""
    if trace is None:
        return {}
    if not hasattr(trace, "step_numbers"):
        raise TypeError(f"trace must be a BackwardTrace (with BackwardTrace() as trace: y.backward()) or one of "
                        f"its passes, got {type(trace).__name__}")
    return trace.step_numbers()


def _dot_text(walk, verbose, values, mark_backward, max_nodes=None, trace=None, generations=False):
    shown = len(walk.nodes) if max_nodes is None else min(max_nodes, len(walk.nodes))
    numbers = _step_numbers(trace)
    lines = [_HEADER]
    for i, node in enumerate(walk.nodes[:shown]):
        label, style = _node_look(node, verbose, values, mark_backward, numbers, generations)
        lines.append(f"{i} [label={_quote(label)}, {style}]\n")
    for src, dst, dashed in walk.edges:
        if src < shown and dst < shown:
            lines.append(f"{src} -> {dst}{_GRAD_EDGE if dashed and mark_backward else ''}\n")
    if shown < len(walk.nodes):  # say what was left out, under the picture
        caption = f"the {shown} nodes nearest the output, of {len(walk.nodes)} (max_nodes={max_nodes})"
        lines.append(f"label={_quote(caption)}\n")
    lines.append("}\n")
    return "".join(lines)


def _node_look(node, verbose, values, mark_backward, numbers, generations):
    """A node's label and style: a variable or a function, drawn paler and dashed if the backward pass made it."""
    if isinstance(node, Variable):
        made_by_backward = mark_backward and node.creator is not None and node.creator.from_backward
        return _var_label(node, verbose, values), (_GRAD_VAR if made_by_backward else _VAR)
    made_by_backward = mark_backward and node.from_backward
    return _func_label(node, numbers, generations), (_GRAD_FUNC if made_by_backward else _FUNC)


def get_dot_graph(output: Variable | Sequence[Variable], verbose: bool = True, *, values: bool = False,
                  mark_backward: bool = True, max_nodes: int | None = None,
                  trace=None, generations: bool = False) -> str:
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

    Introduced in Step 25. Changed in Step 29: a list of outputs, and `mark_backward`. Changed in Step 34:
    `trace` and `generations`, so that a still picture shows the order backward took.

    Args:
        output: the Variable whose graph to draw, or a list of Variables to draw their graphs together.
        verbose: add shape and dtype to each variable's label.
        values: add each variable's value (`data: …`) and, when it has one, its gradient (`grad: …`).
        mark_backward: draw the nodes that `backward(create_graph=True)` recorded (Step 29) with a paler
            fill, a dashed outline and dashed arrows, so the gradient graph stands out from the forward one.
        max_nodes: keep only the first `max_nodes` nodes of the walk, the part nearest the output, and
            say under the picture how many there were. Thousands of nodes are slow to lay out and
            unreadable; this draws the end of such a graph quickly. `None` keeps every node.
        trace: a `tinypytorch.trace.BackwardTrace` of one backward pass over this graph, or one `BackwardPass` of a longer
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

        >>> from tinypytorch.trace import BackwardTrace
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
        n_backward_functions=sum(f.from_backward for f in funcs),
        depth=_depth(walk, outputs),
    )
