"""Step 33 figure: the graph of z = (dy/dx)^3 + y, built by the chapter's listing."""

from __future__ import annotations

import contextlib
import io
import runpy
from pathlib import Path

from scripts.figures import figure, render_dot

LISTINGS = Path(__file__).resolve().parents[2] / "docs" / "listings"


def run_listing(name: str) -> dict:
    """Run docs/listings/<name> quietly and return its globals (the figure uses the page's own code)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return runpy.run_path(str(LISTINGS / name), run_name="__listing__")


@figure("step33-double-backprop-graph")
def double_backprop_graph(path):
    from tinypytorch.graph import get_dot_graph

    z = run_listing("step33_double_backprop.py")["z"]
    render_dot(get_dot_graph(z, verbose=False), path)
