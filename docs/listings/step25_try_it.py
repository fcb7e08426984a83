"""Step 25, try it: the graph of Step 26's Rosenbrock function."""
import numpy as np

from tinypytorch import Variable
from tinypytorch.graph import graph_stats


def rosenbrock(x0, x1):
    y = 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2
    return y


x0 = Variable(np.array(0.0), name="x0")
x1 = Variable(np.array(2.0), name="x1")
y = rosenbrock(x0, x1)
stats = graph_stats(y)
kinds = dict(sorted(stats.functions.items()))
print("functions:", stats.n_functions, kinds)
print("variables:", stats.n_variables, "of which constants:",
      stats.n_constants)
print("edges:    ", stats.n_edges)
