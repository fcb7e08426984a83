"""Pictures of computational graphs: DOT text, rendering through Graphviz, inline display, statistics.

`get_dot_graph` turns the graph behind a `Variable` into DOT text, the language of Graphviz. Variables are
orange ellipses, Functions light-blue boxes, and arrows run input → function → output. Node ids are given
in the order the graph is walked from the output (0, 1, 2, …), never `id()`, so the same program prints
the same text on every run and every machine.

`plot_dot_graph`, `render_dot` and `Graph` draw that text with the PyPI `graphviz` package and a `dot`
program: a system Graphviz on PATH if there is one, else the pip-installable `graphviz-pure`
(`pip install "tinypytorch[render]"`). Nothing heavy is imported until a picture is actually drawn.

`graph_stats` counts what a graph is made of (Step 32 watches the tanh derivative graphs grow).

Introduced in Step 25.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import pathlib
import secrets
import shutil
import sysconfig
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .core import Constant, Variable

__all__ = [
    "get_dot_graph", "plot_dot_graph", "render_dot", "Graph", "graph_stats", "GraphStats", "find_dot",
    "GraphvizNotFoundError", "GraphvizRenderError", "FORMATS",
]

#: File extensions `plot_dot_graph`, `render_dot` and `Graph.save` accept. `.dot`/`.gv` write the DOT text
#: itself and need no Graphviz; the others are drawn by `dot` (graphviz-pure draws svg, png and jpg, not pdf).
FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "dot", "gv")

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


class GraphvizNotFoundError(RuntimeError):
    """No `dot` program was found to draw a graph (neither a system Graphviz nor graphviz-pure).

    Introduced in Step 25.
    """


class GraphvizRenderError(RuntimeError):
    """`dot` ran but could not draw the graph (a DOT syntax error, or a format this `dot` cannot write).

    Introduced in Step 25.
    """


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
    """`text` as a DOT string literal (backslashes and quotes escaped, newlines as DOT line breaks)."""
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


def _dot_text(walk, verbose, values, mark_backward):
    lines = [_HEADER]
    for i, node in enumerate(walk.nodes):
        if isinstance(node, Variable):
            grad_node = mark_backward and node.creator is not None and _from_backward(node.creator)
            style = _GRAD_VAR if grad_node else _VAR
            label = _var_label(node, verbose, values)
        else:
            style = _GRAD_FUNC if mark_backward and _from_backward(node) else _FUNC
            label = type(node).__name__
        lines.append(f"{i} [label={_quote(label)}, {style}]\n")
    for src, dst, dashed in walk.edges:
        lines.append(f"{src} -> {dst}{_GRAD_EDGE if dashed and mark_backward else ''}\n")
    lines.append("}\n")
    return "".join(lines)


def get_dot_graph(output: Variable | Sequence[Variable], verbose: bool = True, *, values: bool = False,
                  mark_backward: bool = True) -> str:
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

    Introduced in Step 25.

    Args:
        output: the Variable whose graph to draw, or a list of Variables to draw their graphs together.
        verbose: add shape and dtype to each variable's label.
        values: add each variable's value (`data: …`) and, when it has one, its gradient (`grad: …`).
        mark_backward: draw the nodes that `backward(create_graph=True)` recorded (Step 29) with a paler
            fill, a dashed outline and dashed arrows, so the gradient graph stands out from the forward one.

    Returns:
        The DOT text, ending in a newline.

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
    """
    return _dot_text(_Walk(_as_outputs(output)), verbose, values, mark_backward)


# ---------------------------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GraphStats:
    """What a computational graph is made of; returned by `graph_stats`.

    Introduced in Step 32.

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

    Introduced in Step 32.

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
    walk = _Walk(outputs)
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
# Rendering: one path for every picture (find dot, run it in memory through graphviz, write atomically)
# ---------------------------------------------------------------------------------------------------------

_NOT_FOUND = """\
No Graphviz `dot` program was found, so the graph cannot be drawn. Get one either way:
  - a system Graphviz: `sudo apt install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS),
    `winget install graphviz` or `choco install graphviz` (Windows);
  - or from pip alone: pip install "tinypytorch[render]"   (or: pip install graphviz graphviz-pure)
The DOT text is still available without Graphviz: get_dot_graph(y), or Graph(y).source."""

_DOT_LOCK = threading.Lock()


def _script_dirs():
    """Where pip puts executables for this interpreter (a venv that is not activated is not on PATH)."""
    dirs = []
    for scheme in (None, f"{os.name}_user"):
        with contextlib.suppress(KeyError, ValueError):
            path = sysconfig.get_path("scripts") if scheme is None else sysconfig.get_path("scripts", scheme)
            if path and path not in dirs:
                dirs.append(path)
    return dirs


def find_dot() -> str:
    """Return the path of the `dot` program that drawing will use.

    A Graphviz `dot` on PATH comes first; otherwise the `graphviz-pure` executable, looked up on PATH and
    next to the running Python (so an unactivated virtual environment works too).

    Introduced in Step 25.

    Returns:
        The absolute path of the program, as a string.

    Raises:
        GraphvizNotFoundError: neither was found; the message names both ways to get one.

    Examples:
        >>> import os
        >>> os.path.basename(find_dot()).split(".")[0] in ("dot", "graphviz-pure")  # doctest: +SKIP
        True
    """
    dot = shutil.which("dot")
    if dot:
        return os.path.abspath(dot)
    search = os.pathsep.join([os.environ.get("PATH", ""), *_script_dirs()])
    pure = shutil.which("graphviz-pure", path=search)
    if pure:
        return os.path.abspath(pure)
    raise GraphvizNotFoundError(_NOT_FOUND)


def _import_graphviz():
    try:
        import graphviz
        from graphviz.backend import dot_command  # noqa: F401  (where DOT_BINARY lives)
    except ImportError as exc:
        raise ImportError(
            'drawing a graph needs the PyPI package "graphviz": pip install "tinypytorch[render]" '
            "(it also brings graphviz-pure, a `dot` program). get_dot_graph() works without it.") from exc
    return graphviz


def _output_format(to_file):
    """The format named by `to_file`'s extension; ValueError (before anything is written) if unsupported."""
    ext = os.path.splitext(os.fspath(to_file))[1].lower().lstrip(".")
    if ext not in FORMATS:
        shown = ", ".join("." + f for f in FORMATS)
        what = f"extension .{ext}" if ext else "no extension"
        raise ValueError(f"cannot write {os.fspath(to_file)!r}: {what}; the file name must end in one of {shown}")
    return "jpeg" if ext == "jpg" else ext


def _pipe(source, fmt):
    """Draw DOT `source` as `fmt` in memory and return the bytes."""
    if fmt in ("dot", "gv"):
        return source.encode("utf-8")
    graphviz = _import_graphviz()
    from graphviz.backend import dot_command
    exe = find_dot()
    with _DOT_LOCK:  # point graphviz at the chosen dot for this call only, then put back what was there
        saved = dot_command.DOT_BINARY
        dot_command.DOT_BINARY = pathlib.Path(exe)
        try:
            return graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
        except graphviz.ExecutableNotFound as exc:
            raise GraphvizNotFoundError(_NOT_FOUND) from exc
        except graphviz.CalledProcessError as exc:
            stderr = (exc.stderr or b"").decode("utf-8", "replace").strip()
            hint = ""
            if "not recognized" in stderr:
                hint = (f"\nThis `dot` ({exe}) cannot write {fmt}: save as .svg or .png instead, "
                        f"or install a system Graphviz (see find_dot).")
            raise GraphvizRenderError(f"`dot` failed to draw the graph as {fmt}: {stderr}{hint}") from exc
        finally:
            dot_command.DOT_BINARY = saved


def _write_atomic(path, data):
    """Write `data` to `path` via a temporary file in the same directory, so a failure leaves no partial file."""
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _render_to_file(source, to_file):
    """The one rendering path: check the extension, draw in memory, write atomically. Returns the bytes."""
    fmt = _output_format(to_file)
    data = _pipe(source, fmt)
    _write_atomic(to_file, data)
    return data


# ---------------------------------------------------------------------------------------------------------
# The public drawing API
# ---------------------------------------------------------------------------------------------------------

class Graph:
    """A drawable computational graph: DOT text that shows itself as SVG in Jupyter.

    `Graph(y)` takes a snapshot of the graph behind `y` (it keeps the text, not the Variables). In a
    notebook, evaluating it draws the graph inline; in a terminal its repr is one short line. `print(g)`
    prints the DOT text.

    Introduced in Step 25.

    Args:
        output: a Variable, or a list of Variables.
        verbose: as for `get_dot_graph`.
        values: as for `get_dot_graph`.
        mark_backward: as for `get_dot_graph`.

    Attributes:
        source: the DOT text.

    Examples:
        >>> import numpy as np
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array(1.0), name="x")
        >>> g = Graph(x * x + 1)
        >>> g
        <Graph: 2 functions, 4 variables>
        >>> g.save("square.svg")  # doctest: +SKIP
        PosixPath('square.svg')
    """

    def __init__(self, output: Variable | Sequence[Variable], verbose: bool = True, *, values: bool = False,
                 mark_backward: bool = True):
        walk = _Walk(_as_outputs(output))
        self.source = _dot_text(walk, verbose, values, mark_backward)
        n_vars = len(walk.variables())
        self._summary = f"{len(walk.nodes) - n_vars} functions, {n_vars} variables"
        self._svg = None

    @classmethod
    def from_source(cls, source: str) -> Graph:
        """A `Graph` for DOT text written by hand, e.g. `Graph.from_source("digraph g { x -> y }")`."""
        self = cls.__new__(cls)
        self.source = str(source)
        self._summary = f"DOT text, {len(self.source)} characters"
        self._svg = None
        return self

    def __repr__(self):
        return f"<Graph: {self._summary}>"

    def __str__(self):
        return self.source

    def pipe(self, format: str = "svg") -> bytes:
        """Draw the graph in memory and return the bytes (`format`: one of `FORMATS`, without the dot)."""
        return _pipe(self.source, _output_format("graph." + format))

    def save(self, to_file: str | os.PathLike) -> pathlib.Path:
        """Draw the graph to `to_file`; the format comes from its extension (see `FORMATS`).

        Raises:
            ValueError: unsupported extension (nothing is written).
            GraphvizNotFoundError: no `dot` program (nothing is written).
            GraphvizRenderError: `dot` failed (nothing is written).

        Returns:
            `to_file` as a `pathlib.Path`.
        """
        data = _render_to_file(self.source, to_file)
        if _output_format(to_file) == "svg":
            self._svg = data.decode("utf-8")
        return pathlib.Path(to_file)

    def _repr_svg_(self) -> str:
        """Jupyter's hook: the graph as SVG text, drawn once and cached."""
        if self._svg is None:
            self._svg = self.pipe("svg").decode("utf-8")
        return self._svg


def plot_dot_graph(output: Variable | Sequence[Variable], verbose: bool = True,
                   to_file: str | os.PathLike = "graph.png", *, values: bool = False,
                   mark_backward: bool = True) -> Graph:
    """Draw the graph that produced `output` to an image file and return it as a `Graph`.

    The format comes from the extension of `to_file` (`.png`, `.svg`, `.pdf`, `.jpg`; `.dot`/`.gv` write
    the DOT text). `dot` is a system Graphviz if one is on PATH, else `graphviz-pure` from
    `pip install "tinypytorch[render]"`. The file is written whole or not at all; no shell is involved, so
    any file name works, and nothing is written anywhere else (the book wrote to `~/.dezero`; we do not).

    Introduced in Step 25.

    Args:
        output: a Variable, or a list of Variables.
        verbose: add shape and dtype to variable labels (see `get_dot_graph`).
        to_file: where to write the picture.
        values: show values and gradients in the labels (see `get_dot_graph`).
        mark_backward: style the nodes recorded by `backward(create_graph=True)` (see `get_dot_graph`).

    Returns:
        A `Graph`: it shows itself inline in Jupyter and prints as one short line in a terminal.

    Raises:
        ValueError: unsupported extension, raised before anything is written.
        GraphvizNotFoundError: no `dot` program; the message says how to get one.
        GraphvizRenderError: `dot` could not draw this format (graphviz-pure has no pdf).
        ImportError: the `graphviz` package is missing (`pip install "tinypytorch[render]"`).

    Examples:
        >>> import numpy as np
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array(1.0), name="x")
        >>> y = Variable(np.array(1.0), name="y")
        >>> z = (x + y) ** 2
        >>> plot_dot_graph(z, to_file="z.png")  # doctest: +SKIP
        <Graph: 2 functions, 3 variables>
    """
    _output_format(to_file)  # reject a bad extension before walking or drawing anything
    graph = Graph(output, verbose, values=values, mark_backward=mark_backward)
    graph.save(to_file)
    return graph


def render_dot(dot_text: str, to_file: str | os.PathLike) -> Graph:
    """Draw hand-written DOT text to a file, with the same `dot` lookup and all-or-nothing write.

    Step 25 draws its DOT basics figures (nodes, attributes, an edge) with it.

    Introduced in Step 25.

    Args:
        dot_text: DOT source, e.g. `'digraph g { x y }'`.
        to_file: where to write the picture; the format comes from its extension (see `FORMATS`).

    Returns:
        A `Graph` of `dot_text` (it shows itself inline in Jupyter).

    Raises:
        ValueError: unsupported extension, raised before anything is written.
        GraphvizNotFoundError: no `dot` program; the message says how to get one.
        GraphvizRenderError: `dot` rejected the text (e.g. a syntax error); nothing is written.

    Examples:
        >>> render_dot('digraph g { 1 [label="x", color=orange, style=filled] }', "x.svg")  # doctest: +SKIP
        <Graph: DOT text, 55 characters>
    """
    graph = Graph.from_source(dot_text)
    graph.save(to_file)
    return graph
