"""Figures of Step 29 (create_graph): the forward graph of f(x) = x⁴ − 2x² and the gradient
graph that backward(create_graph=True) records next to it."""
from __future__ import annotations

from scripts.figures import figure, render_dot, run_listing


@figure("step29-forward-and-gradient-graph")
def forward_and_gradient_graph(path):
    from tinypytorch.graph import get_dot_graph

    # the chapter's program as the page has run it where the figure stands: after its first section
    g = run_listing("step29_create_graph.py", until="first")
    y, gx = g["y"], g["gx"]
    y.name = "y"                  # names for the picture
    gx.name = "gx = dy/dx"
    # both graphs in one picture: they share x; the recorded (gradient) nodes are dashed
    render_dot(get_dot_graph([y, gx], verbose=False, values=True), path)
