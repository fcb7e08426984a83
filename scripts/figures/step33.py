"""Step 33 figure: the graph of z = (dy/dx)^3 + y, built by the chapter's listing."""

from __future__ import annotations

from scripts.figures import figure, render_dot, run_listing


@figure("step33-double-backprop-graph")
def double_backprop_graph(path):
    from tinypytorch.graph import get_dot_graph

    z = run_listing("step33_double_backprop.py")["z"]
    render_dot(get_dot_graph(z, verbose=False), path)
