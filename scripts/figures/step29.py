"""Figures of Step 29 (create_graph): the forward graph of f(x) = x⁴ − 2x² and the gradient
graph that backward(create_graph=True) records next to it, still and as a stepper."""
from __future__ import annotations

from scripts.figures import figure, render_dot, run_listing


@figure("step29-forward-and-gradient-graph")
def forward_and_gradient_graph(path):
    from tinypytorch.graph import get_dot_graph

    # the chapter's program as run where the figure stands: after its first section
    g = run_listing("step29_create_graph.py", until="first")
    y, gx = g["y"], g["gx"]
    y.name = "y"                  # names for the picture
    gx.name = "gx = dy/dx"
    # both graphs in one picture: they share x; the recorded (gradient) nodes are dashed
    render_dot(get_dot_graph([y, gx], verbose=False, values=True), path)


@figure("step29-gradient-graph-growing", data=True)
def gradient_graph_growing(path):
    """`y.backward(create_graph=True)` as a stepper: its steps, and what each one records."""
    from scripts.figures.backward_stepper import draw_stepper
    from tinypytorch.trace import BackwardTrace

    with BackwardTrace() as trace:  # records the listing's own backward pass
        g = run_listing("step29_create_graph.py", until="first")
    y, gx = g["y"], g["gx"]
    x4, two_x2 = y.creator.inputs
    x2 = two_x2.creator.inputs[0]      # 2 * x**2 is Mul(x**2, 2)
    for v, name in ((y, "y"), (gx, "gx"), (x4, "x**4"), (two_x2, "2*x**2"), (x2, "x**2")):
        v.name = name
    draw_stepper(path, [y, gx], trace)
