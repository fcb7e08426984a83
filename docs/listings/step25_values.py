"""Step 25, the library's extras: values in labels, and Jupyter."""
# --8<-- [start:values]
import numpy as np

from tinypytorch import Variable, get_dot_graph

x0 = Variable(np.array(2.0), name="x0")
x1 = Variable(np.array(3.0), name="x1")
y = x0 * x1 + x0
y.name = "y"
y.backward(retain_grad=True)   # keep the middle gradient too, to show it

print(get_dot_graph(y, verbose=False, values=True), end="")
# --8<-- [end:values]

# --8<-- [start:jupyter]
from tinypytorch.render import Graph

g = Graph(y, verbose=False, values=True)
print(repr(g))             # in a terminal: one short line
svg = g._repr_svg_()       # what Jupyter calls to draw the graph inline
print("Jupyter gets an SVG:", "<svg" in svg)
# --8<-- [end:jupyter]
