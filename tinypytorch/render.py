"""Drawing graphs: find a `dot` program, run it on DOT text, write the picture, show it in Jupyter.

`tinypytorch.graph` writes the DOT text; this module turns it into a picture. The drawing is done by a
`dot` program: a system Graphviz on PATH if there is one, else the `graphviz-pure` executable that
`pip install -e ".[render]"` (from a clone) brings. It is run one way only: the program found, called with an
argument list (never through a shell), the DOT text on its standard input, the format taken from the
file's extension, and a time limit after which it is stopped. The picture is written whole or not at all.

- `plot_dot_graph(y, to_file="graph.png")`, the book's function, is the way to draw to a file;
- `Graph(y)` shows itself in Jupyter, and so does `Graph.from_source(text)` for DOT written by hand;
- `draw(text, "svg")` turns DOT text into picture bytes, for a program that stores or serves them itself.

Nothing heavy is imported: the standard library runs the program.

Introduced in Step 25.
"""

from __future__ import annotations

import contextlib
import errno
import math
import numbers
import os
import secrets
import shutil
import stat
import subprocess
import sysconfig
import warnings
from collections.abc import Sequence

from .core import Variable
from .graph import get_dot_graph_and_stats

__all__ = [
    "plot_dot_graph", "Graph", "draw", "find_dot", "GraphvizNotFoundError", "GraphvizRenderError",
    "GraphvizTimeoutError", "LargeGraphWarning", "FORMATS", "TIMEOUT", "LARGE_GRAPH",
]

FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "dot", "gv")
"""File extensions `plot_dot_graph` accepts. `.dot`/`.gv` write the DOT text itself and need no Graphviz;
the others are drawn by `dot` (graphviz-pure draws svg, png and jpg, not pdf). Introduced in Step 25."""

TIMEOUT = 60.0
"""Seconds a drawing may take before `dot` is stopped (the default `timeout`). graphviz-pure lays out the
1,856 nodes of tanh's 7th derivative in 12 to 36 s; no graph anyone can read takes a minute.
Introduced in Step 32."""

LARGE_GRAPH = 1000
"""Drawing more nodes than this with graphviz-pure warns first (`LargeGraphWarning`). It lays out 690 nodes
in under a second, 1,856 in about 12 s, and the 5,158 of tanh's 8th derivative in more than two minutes.
Introduced in Step 32."""

_TEXT_FORMATS = ("dot", "gv")
_PICTURE_FORMATS = tuple(f for f in FORMATS if f not in _TEXT_FORMATS)

_NOT_FOUND = """\
No Graphviz `dot` program was found, so the graph cannot be drawn. Get one either way:
  - a system Graphviz: `sudo apt install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS),
    `winget install graphviz` or `choco install graphviz` (Windows);
  - or from pip alone: pip install graphviz-pure   (or, in a clone of TinyPytorch: pip install -e ".[render]")
The DOT text is still available without Graphviz: get_dot_graph(y), or Graph(y).source."""

_SYSTEM_GRAPHVIZ = "sudo apt install graphviz, brew install graphviz or winget install graphviz"


class GraphvizNotFoundError(RuntimeError):
    """No `dot` program was found to draw a graph (neither a system Graphviz nor graphviz-pure).

    Introduced in Step 25.
    """


class GraphvizRenderError(RuntimeError):
    """`dot` ran but could not draw the graph (a DOT syntax error, or a format this `dot` cannot write).

    Introduced in Step 25.
    """


class GraphvizTimeoutError(GraphvizRenderError, TimeoutError):
    """`dot` did not finish within the time limit: it was stopped, and nothing was written.

    Also a `TimeoutError`. Large gradient graphs (Step 32) are where this happens.

    Introduced in Step 32.
    """


class LargeGraphWarning(UserWarning):
    """A graph large enough to take graphviz-pure minutes is about to be drawn.

    Silence it with `warnings.simplefilter("ignore", LargeGraphWarning)`.

    Introduced in Step 32.
    """


# ---------------------------------------------------------------------------------------------------------
# Finding and running `dot`
# ---------------------------------------------------------------------------------------------------------

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
        >>> from pathlib import Path
        >>> Path(find_dot()).stem in ("dot", "graphviz-pure")
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


def _is_pure(exe):
    return os.path.basename(exe).lower().startswith("graphviz-pure")


def _warn_if_slow(exe, n_nodes, timeout, what):
    """Warn, at the caller's line, before graphviz-pure lays out more than `LARGE_GRAPH` nodes."""
    if n_nodes is not None and n_nodes > LARGE_GRAPH and _is_pure(exe):
        limit = "no time limit" if timeout is None else f"it is stopped after {timeout:g} s"
        warnings.warn(LargeGraphWarning(
            f"drawing {what} ({n_nodes:,} nodes) with graphviz-pure, which lays out large graphs "
            f"slowly, may take minutes ({limit}; see timeout=). A system Graphviz draws it much faster "
            f"({_SYSTEM_GRAPHVIZ}); max_nodes=500 draws only the part nearest the output."), stacklevel=5)


def _render(source, fmt, timeout, what, n_nodes=None):
    """Draw DOT `source` as `fmt` bytes with the `dot` found: the one place a program runs.

    `what` names the drawing in messages (the user's file, never a temporary one); `n_nodes`, when
    known, is how many nodes it has.
    """
    exe = find_dot()
    _warn_if_slow(exe, n_nodes, timeout, what)
    try:
        done = subprocess.run([exe, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:  # run() has killed the process and waited for it
        ways = ["allow more time (timeout=None waits as long as it takes)",
                "draw only the part of the graph nearest the output with max_nodes=500"]
        if _is_pure(exe):
            ways.append(f"install a system Graphviz, which lays out large graphs much faster ({_SYSTEM_GRAPHVIZ})")
        raise GraphvizTimeoutError(
            f"drawing {what} took longer than timeout={timeout:g} s, so `dot` ({exe}) was stopped and "
            f"nothing was written. To draw it, {', '.join(ways[:-1])} or {ways[-1]}.") from None
    except OSError as exc:  # found a moment ago, but it cannot be started (removed, not executable)
        raise GraphvizNotFoundError(f"`dot` ({exe}) could not be started: {exc.strerror}.\n{_NOT_FOUND}") from None
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        hint = ""
        if "not recognized" in stderr:
            hint = (f"\nThis `dot` ({exe}) cannot write {fmt}: save as .svg or .png instead, "
                    f"or install a system Graphviz ({_SYSTEM_GRAPHVIZ}).")
        raise GraphvizRenderError(f"`dot` could not draw {what} as {fmt}: {stderr}{hint}")
    return done.stdout


def draw(dot_source: str, fmt: str = "svg", *, timeout: float | None = TIMEOUT) -> bytes:
    """Turn DOT text into a picture, returned as bytes: SVG by default, or PNG.

    The drawing is done the one way this module draws (see its description): the `dot` of `find_dot`,
    the text on its standard input, stopped after `timeout` seconds. Nothing is written to disk; to draw a
    computational graph to a file use `plot_dot_graph`.

    Introduced in Step 25.

    Args:
        dot_source: DOT text, e.g. from `get_dot_graph(y)`.
        fmt: `"svg"` or `"png"`; a system Graphviz also writes `"pdf"` and `"jpg"`.
        timeout: seconds `dot` may run before it is stopped (`None`: no limit).

    Returns:
        The picture's bytes (SVG is UTF-8 text).

    Raises:
        TypeError: `dot_source` is not a str.
        ValueError: a format that is not a picture, or a bad `timeout`; raised before `dot` runs.
        GraphvizNotFoundError: no `dot` program; the message says how to get one.
        GraphvizRenderError: `dot` could not draw the text (a syntax error) or this format.
        GraphvizTimeoutError: `dot` took longer than `timeout`; it was stopped.

    Examples:
        >>> svg = draw("digraph g { x -> y }")
        >>> svg.startswith(b"<?xml")
        True
        >>> draw("digraph g { x -> y }", "png")[1:4]
        b'PNG'
    """
    if not isinstance(dot_source, str):
        raise TypeError(f"dot_source must be DOT text (a str), got {type(dot_source).__name__}")
    picture = fmt.lower() if isinstance(fmt, str) else fmt
    if picture not in _PICTURE_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(map(repr, _PICTURE_FORMATS))}, got {fmt!r}")
    return _render(dot_source, "jpeg" if picture == "jpg" else picture, _checked_timeout(timeout), "the graph")


# ---------------------------------------------------------------------------------------------------------
# Checking the caller's arguments and the destination (before anything is drawn or written)
# ---------------------------------------------------------------------------------------------------------

def _refuse_str_as_verbose(verbose):
    """`plot_dot_graph(y, "g.png")` puts the file name into `verbose`: say so instead of drawing graph.png.

    Any other str is refused too (`verbose="no"` would be true), without calling it a file name.
    """
    if not isinstance(verbose, (str, bytes, os.PathLike)):
        return
    name = os.fsdecode(verbose)
    if not (os.path.splitext(name)[1] or isinstance(verbose, os.PathLike)):
        raise TypeError(f"verbose must be True or False, got the str {name!r}")
    raise TypeError(
        f"verbose must be True or False, not the file name {name!r}. The second argument is verbose, as "
        f"in the book's plot_dot_graph(output, verbose=True, to_file='graph.png'); "
        f"write plot_dot_graph(y, to_file={name!r})")


def _checked_timeout(timeout):
    """`timeout` as the seconds subprocess expects (None: no limit); ValueError if it is not a positive number."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, or None to wait as long as it "
                         f"takes; got {timeout!r}")
    return None if math.isinf(timeout) else float(timeout)


def _checked_file_name(to_file):
    """`to_file` as a str, and the format its extension names; every error names `to_file`."""
    if not isinstance(to_file, (str, bytes, os.PathLike)):
        raise TypeError(f"to_file must be a file name such as 'graph.png' (a str or a path), "
                        f"got {type(to_file).__name__} ({to_file!r:.40})")
    name = os.fsdecode(to_file)
    if "\0" in name:
        raise ValueError(f"to_file {name!r} holds a NUL character (\\x00), which no file name can")
    base = os.path.basename(name)
    ext = os.path.splitext(base)[1].lower().lstrip(".")
    if not ext and base.startswith(".") and base[1:].lower() in FORMATS:
        raise ValueError(f"cannot write {name!r}: it is an extension with no name before it; "
                         f"write e.g. to_file='graph{base}'")
    if ext not in FORMATS:
        shown = ", ".join("." + f for f in FORMATS)
        what = f"extension .{ext}" if ext else "no extension"
        raise ValueError(f"cannot write {name!r}: {what}; the file name must end in one of {shown}")
    return name, "jpeg" if ext == "jpg" else ext


def _destination(name):
    """The file that writing `name` replaces: `name`, or the file a symbolic link `name` points to.

    Checked before drawing, not after: its folder exists, and it is not a folder or a read-only file.
    """
    path = os.path.realpath(name)
    if not os.path.isdir(os.path.dirname(path)):
        raise FileNotFoundError(errno.ENOENT, "no such folder to write the picture in", name)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "a folder is there, not a file to replace", name)
    if os.path.exists(path) and (not os.stat(path).st_mode & 0o222 or not os.access(path, os.W_OK)):
        raise PermissionError(errno.EACCES, "the file is read-only, so it is left as it is", name)
    return path


# ---------------------------------------------------------------------------------------------------------
# Writing a file whole or not at all
# ---------------------------------------------------------------------------------------------------------

def _write_atomic(path, data, name):
    """Write `data` to `path` through a temporary file beside it, renamed over it when complete.

    The file keeps the permissions it had. The temporary name is short (`.tp-` and 8 hex digits), so
    every name the folder accepts can be written. A failure leaves no partial file and no temporary one,
    and the error names `name` (the user's path) and says what failed.
    """
    folder = os.path.dirname(path)
    tmp = os.path.join(folder, f".tp-{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot create a file in the folder {folder!r}: {exc.strerror}", name) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if os.path.exists(path):
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno is not None:  # the user's path, not the temporary one
            raise OSError(exc.errno, f"cannot write the picture: {exc.strerror}", name) from None
        raise


# ---------------------------------------------------------------------------------------------------------
# The public drawing API
# ---------------------------------------------------------------------------------------------------------

class Graph:
    """A drawable computational graph: DOT text that shows itself as SVG in Jupyter.

    `Graph(y)` takes a snapshot of the graph behind `y` (it keeps the text, not the Variables). In a
    notebook, evaluating it draws the graph inline; in a terminal its repr is one short line. `print(g)`
    prints the DOT text. To draw to a file, use `plot_dot_graph`, which also returns a `Graph`.

    Introduced in Step 25.

    Args:
        output: a Variable, or a list of Variables.
        verbose: as for `get_dot_graph`.
        values: as for `get_dot_graph`.
        mark_backward: as for `get_dot_graph`.
        max_nodes: as for `get_dot_graph`: draw only the part of a large graph nearest the output.
        timeout: seconds the drawing may take before `dot` is stopped (`None`: no limit).

    Attributes:
        source: the DOT text.
        stats: what the graph holds, a `GraphStats` (see `graph_stats`); None for DOT written by hand.

    Examples:
        >>> import numpy as np
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array(1.0), name="x")
        >>> g = Graph(x * x + 1)
        >>> g
        <Graph: 2 functions, 4 variables>
        >>> g._repr_svg_().startswith("<?xml")   # what Jupyter calls to show it
        True
    """

    def __init__(self, output: Variable | Sequence[Variable], verbose: bool = True, *, values: bool = False,
                 mark_backward: bool = True, max_nodes: int | None = None, timeout: float | None = TIMEOUT):
        _refuse_str_as_verbose(verbose)
        self.timeout = _checked_timeout(timeout)
        self.source, self.stats = get_dot_graph_and_stats(output, verbose, values=values,
                                                          mark_backward=mark_backward, max_nodes=max_nodes)
        total = self.stats.n_functions + self.stats.n_variables
        self._n_nodes = total if max_nodes is None else min(total, int(max_nodes))
        self._summary = f"{self.stats.n_functions} functions, {self.stats.n_variables} variables"
        if self._n_nodes < total:
            self._summary += f", {self._n_nodes} nodes drawn"
        self._svg = None

    @classmethod
    def from_source(cls, source: str, *, timeout: float | None = TIMEOUT) -> Graph:
        """A `Graph` of DOT text written by hand, e.g. `Graph.from_source("digraph g { x -> y }")`.

        Introduced in Step 25.
        """
        if not isinstance(source, str):
            raise TypeError(f"source must be DOT text (a str), got {type(source).__name__}")
        graph = cls.__new__(cls)
        graph.timeout = _checked_timeout(timeout)
        graph.source = source
        graph.stats = None
        graph._n_nodes = None  # unknown: hand-written text is not walked, and is not warned about
        graph._summary = f"DOT text, {len(source)} characters"
        graph._svg = None
        return graph

    def __repr__(self):
        return f"<Graph: {self._summary}>"

    def __str__(self):
        return self.source

    def _picture(self, fmt, what):
        """The picture as `fmt` bytes; `what` names it in messages (the user's file, or "the graph")."""
        if fmt in _TEXT_FORMATS:
            return self.source.encode("utf-8")
        data = _render(self.source, fmt, self.timeout, what, self._n_nodes)
        if fmt == "svg":
            self._svg = data.decode("utf-8")
        return data

    def _repr_svg_(self) -> str:
        """Jupyter's hook: the graph as SVG text, drawn once and cached."""
        if self._svg is None:
            self._picture("svg", "the graph")
        return self._svg


def plot_dot_graph(output: Variable | Sequence[Variable], verbose: bool = True,
                   to_file: str | os.PathLike = "graph.png", *, values: bool = False,
                   mark_backward: bool = True, max_nodes: int | None = None,
                   timeout: float | None = TIMEOUT) -> Graph:
    """Draw the graph that produced `output` to an image file and return it as a `Graph`.

    The book's signature, `plot_dot_graph(output, verbose=True, to_file='graph.png')`. The format comes
    from the extension of `to_file` (`.png`, `.svg`, `.pdf`, `.jpg`; `.dot`/`.gv` write the DOT text).
    `dot` is a system Graphviz if one is on PATH, else `graphviz-pure` (`pip install graphviz-pure`, or
    `pip install -e ".[render]"` in a clone); no shell is involved, so any file name works. The file is
    written whole or not at all, and nothing is written anywhere else (the book wrote to `~/.dezero`).

    An existing file is replaced as `open(to_file, "w")` would replace it, but atomically: it keeps its
    permissions, a read-only one is refused and left as it is, and a symbolic link is followed (the file
    it points to is replaced, the link stays a link).

    A graph of more than `LARGE_GRAPH` nodes drawn by graphviz-pure gives a `LargeGraphWarning` before
    the drawing starts, and `dot` is stopped after `timeout` seconds.

    Introduced in Step 25. Changed in Step 32: `max_nodes` and `timeout` for large graphs.

    Args:
        output: a Variable, or a list of Variables.
        verbose: add shape and dtype to variable labels (see `get_dot_graph`). A str here is refused (a
            file name goes in `to_file`).
        to_file: where to write the picture: a str or a path.
        values: show values and gradients in the labels (see `get_dot_graph`).
        mark_backward: style the nodes recorded by `backward(create_graph=True)` (see `get_dot_graph`).
        max_nodes: draw only the first `max_nodes` nodes, the part nearest the output (see `get_dot_graph`).
        timeout: seconds `dot` may run before it is stopped (`None`: no limit).

    Returns:
        A `Graph`: it shows itself inline in Jupyter and prints as one short line in a terminal.

    Raises:
        TypeError: `to_file` is not a str or a path, or a str is given as `verbose`.
        ValueError: unsupported extension, a NUL character in `to_file` or in a label, or a bad `max_nodes`
            or `timeout`.
        FileNotFoundError: the folder of `to_file` does not exist.
        PermissionError: `to_file` is a read-only file.
        OSError: the folder takes no new file (the message says so), or the file cannot be replaced.
        GraphvizNotFoundError: no `dot` program; the message says how to get one.
        GraphvizRenderError: `dot` could not draw this format (graphviz-pure has no pdf).
        GraphvizTimeoutError: `dot` took longer than `timeout`; it was stopped.

    Errors about the arguments or `to_file` come before anything is drawn, and those about the file name
    it. After any error no file, partial or temporary, is left behind.

    Examples:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array(1.0), name="x")
        >>> y = Variable(np.array(1.0), name="y")
        >>> z = (x + y) ** 2
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     plot_dot_graph(z, to_file=os.path.join(folder, "z.png"))
        <Graph: 2 functions, 4 variables>
        >>> plot_dot_graph(z, "z.png")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        TypeError: verbose must be True or False, not the file name 'z.png'. ... to_file='z.png')
    """
    name, fmt = _checked_file_name(to_file)
    graph = Graph(output, verbose, values=values, mark_backward=mark_backward, max_nodes=max_nodes,
                  timeout=timeout)
    path = _destination(name)
    _write_atomic(path, graph._picture(fmt, repr(name)), name)
    return graph
