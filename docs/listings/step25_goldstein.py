"""Step 25: the Goldstein-Price function, its gradient, and its graph."""
# --8<-- [start:goldstein]
import numpy as np

from tinypytorch import Variable


def goldstein(x, y):
    z = (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x ** 2 - 14 * y
                                 + 6 * x * y + 3 * y ** 2)) * \
        (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x ** 2 + 48 * y
                                      - 36 * x * y + 27 * y ** 2))
    return z


x = Variable(np.array(1.0), name="x")
y = Variable(np.array(1.0), name="y")
z = goldstein(x, y)
z.name = "z"
z.backward()
print("z =", z, " dz/dx =", x.grad, " dz/dy =", y.grad)
# --8<-- [end:goldstein]

# --8<-- [start:plot]
import pathlib
import tempfile

from tinypytorch import plot_dot_graph

with tempfile.TemporaryDirectory() as folder:
    to_file = pathlib.Path(folder) / "goldstein.svg"
    graph = plot_dot_graph(z, verbose=False, to_file=to_file)
    print(repr(graph), "| file written:", to_file.is_file())
# --8<-- [end:plot]

# --8<-- [start:stats]
from tinypytorch.graph import graph_stats

stats = graph_stats(z)
print("functions:", stats.n_functions, dict(stats.functions.most_common()))
print("variables:", stats.n_variables, "of which constants:",
      stats.n_constants)
print("edges:", stats.n_edges)
print("longest chain of functions:", stats.depth)
# --8<-- [end:stats]
