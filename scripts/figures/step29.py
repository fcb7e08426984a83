"""Figures of Step 29 (create_graph): the forward graph of f(x) = x⁴ − 2x² and the gradient graph
that backward(create_graph=True) records next to it."""
from __future__ import annotations

from scripts.figures import figure, render_dot


@figure("step29-forward-and-gradient-graph")
def forward_and_gradient_graph(path):
    import numpy as np

    from tinypytorch import Variable
    from tinypytorch.graph import get_dot_graph

    # the program of docs/listings/step29_create_graph.py, with names for the picture
    x = Variable(np.array(2.0), name="x")
    y = x ** 4 - 2 * x ** 2
    y.name = "y"
    y.backward(create_graph=True)
    gx = x.grad
    gx.name = "gx = dy/dx"
    # both graphs in one picture: they share x; the recorded (gradient) nodes are dashed
    dot = get_dot_graph([y, gx], verbose=False, values=True)
    render_dot(dot, path)
