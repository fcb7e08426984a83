"""The figure registry used by ``scripts/build_figures.py``.

Every figure on the site is made by a function in ``scripts/figures/stepNN.py``
registered with :func:`figure`::

    # scripts/figures/step26.py
    from scripts.figures import figure, save_svg

    @figure("step26-rosenbrock-descent")
    def rosenbrock_descent(path):
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ...
        save_svg(fig, path)          # deterministic bytes, closes the figure

    @figure("step25-x0-plus-x1")
    def x0_plus_x1(path):
        from tinypytorch import Variable, get_dot_graph
        ...
        render_dot(get_dot_graph(y), path)

The name is ``stepNN-<slug>`` (lower-case words joined by ``-``); the driver writes
``docs/figures/<name>.svg``. ``path`` is a temporary file in the output folder: the
function must write one SVG there and nothing else; the driver moves it into place
only when the function returned normally.

A figure registered with ``@figure("stepNN-slug", data=True)`` also writes data for the page's
script, ``docs/figures/<name>.json``, with :func:`save_json` (the backward steppers replay a trace
from it; see ``scripts/figures/backward_stepper.py``).

A figure that draws what a chapter's listing computes runs the listing itself with
:func:`run_listing` (the page's own code, not a copy of it)::

    @figure("step33-double-backprop-graph")
    def double_backprop_graph(path):
        z = run_listing("step33_double_backprop.py")["z"]
        ...

Heavy imports (matplotlib, graphviz) belong inside the functions, so ``--list``
stays fast.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

__all__ = ["figure", "save_svg", "save_json", "render_dot", "run_listing", "LISTINGS", "REGISTRY", "Figure",
           "NAME_RE"]

#: ``step26-rosenbrock-descent``: the step key then a slug.
NAME_RE = re.compile(r"^step(?P<step>\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*$")

#: Hash salt for matplotlib's SVG ids, so a rebuild gives the same bytes.
SVG_HASHSALT = "tinypytorch"

#: docs/listings/, the chapters' runnable programs.
LISTINGS = Path(__file__).resolve().parents[2] / "docs" / "listings"


@dataclass(frozen=True)
class Figure:
    name: str
    step: int
    func: Callable[[Path], object]
    source: str  # "path:line" of the function, for error messages
    data: bool = False  # it also writes <name>.json (save_json)

    @property
    def filename(self) -> str:
        return f"{self.name}.svg"

    @property
    def filenames(self) -> tuple[str, ...]:
        """The files it makes: the SVG, then its data file if it has one."""
        return (self.filename, f"{self.name}.json") if self.data else (self.filename,)


#: name -> Figure, in registration order.
REGISTRY: dict[str, Figure] = {}


def figure(name: str, data: bool = False) -> Callable[[Callable[[Path], object]], Callable[[Path], object]]:
    """Register ``func(path)`` as the maker of ``docs/figures/<name>.svg`` (and, with ``data``, of
    ``docs/figures/<name>.json``, which it writes with :func:`save_json`)."""
    match = NAME_RE.match(name)
    if not match:
        raise ValueError(
            f"figure name {name!r} must look like 'stepNN-some-slug' "
            "(two-digit step, lower-case words joined by '-')"
        )

    def register(func: Callable[[Path], object]) -> Callable[[Path], object]:
        code = getattr(func, "__code__", None)
        source = f"{code.co_filename}:{code.co_firstlineno}" if code else repr(func)
        if name in REGISTRY and REGISTRY[name].source != source:
            raise ValueError(
                f"figure {name!r} registered twice: {REGISTRY[name].source} and {source}"
            )
        REGISTRY[name] = Figure(name, int(match["step"]), func, source, data)
        return func

    return register


def setup_matplotlib() -> None:
    """Agg backend and deterministic SVG output for every figure module."""
    os.environ["MPLBACKEND"] = "Agg"
    # matplotlib's SVG writer takes its date from here when metadata has no Date.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    try:
        import matplotlib
    except ImportError:  # plots need the docs extra; DOT-only figures do not
        return
    matplotlib.use("Agg", force=True)
    matplotlib.rcParams["svg.hashsalt"] = SVG_HASHSALT
    matplotlib.rcParams["svg.fonttype"] = "path"  # no dependence on the reader's fonts
    if "svg.id" in matplotlib.rcParams:
        matplotlib.rcParams["svg.id"] = None


def save_svg(fig, path, **kwargs) -> None:
    """Save a matplotlib figure as a deterministic SVG and close it."""
    import matplotlib.pyplot as plt

    metadata = {"Date": None, **kwargs.pop("metadata", {})}
    kwargs.setdefault("bbox_inches", "tight")
    try:
        fig.savefig(path, format="svg", metadata=metadata, **kwargs)
    finally:
        plt.close(fig)


def save_json(data, path) -> None:
    """Write a figure's data next to its SVG: ``path`` with the suffix ``.json``, deterministic bytes
    (keys in the order given, no spaces, UTF-8, a final newline)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    Path(path).with_suffix(".json").write_text(text + "\n", encoding="utf-8")


def run_listing(name: str, until: str | None = None, section: str | None = None) -> dict:
    """Run ``docs/listings/<name>`` with its printed output silenced and return its globals.

    With ``until``, run the listing only up to the end of its snippet section of that name (the line
    ``# --8<-- [end:<until>]``): the state the page has shown at that point, for a figure placed there.
    With ``section``, run that snippet section alone, the same text the page shows (e.g. plotting
    functions that sit in a listing whose other sections run long computations).
    """
    path = LISTINGS / name
    code = path.read_text(encoding="utf-8")
    if until is not None:
        marker = f"# --8<-- [end:{until}]"
        if marker not in code:
            raise ValueError(f"{path} has no section {until!r} (no line {marker!r})")
        code = code[:code.index(marker)]
    if section is not None:
        start, end = f"# --8<-- [start:{section}]\n", f"# --8<-- [end:{section}]"
        if start not in code or end not in code:
            raise ValueError(f"{path} has no section {section!r}")
        code = code.split(start, 1)[1].split(end, 1)[0]
    namespace = {"__name__": "__figure__", "__file__": str(path)}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, str(path), "exec"), namespace)
    return namespace


def render_dot(dot: str, path) -> None:
    """Draw DOT text as SVG into ``path``, the driver's temporary file (the driver moves it into place).

    The package draws it in memory (``tinypytorch.render.draw``, with its own ``dot`` lookup and time
    limit), and this writes the bytes.
    """
    from tinypytorch.render import draw

    Path(path).write_bytes(draw(dot))
