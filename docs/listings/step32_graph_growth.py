"""Step 32: the size of the graph of the n-th derivative of tanh."""
# --8<-- [start:tanh]
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable
from tinypytorch.graph import graph_stats


def derivative_graphs(f, max_order):
    """GraphStats of the graph of each derivative of f at x = 1."""
    x = Variable(np.array(1.0))
    y = f(x)
    y.backward(create_graph=True)
    stats = {}
    for n in range(1, max_order + 1):
        gx = x.grad                    # the n-th derivative
        stats[n] = graph_stats(gx)
        if n < max_order:
            x.cleargrad()
            gx.backward(create_graph=True)
    return stats


stats = derivative_graphs(F.tanh, 8)
print(" n   functions   variables   depth   x previous")
for n, s in stats.items():
    if n == 1:
        ratio = "-"
    else:
        ratio = f"{s.n_functions / stats[n - 1].n_functions:.2f}"
    print(f"{n:2d}   {s.n_functions:9d}   {s.n_variables:9d}"
          f"   {s.depth:5d}   {ratio:>10}")
print()
print("order 8 by kind:", dict(stats[8].functions))
# --8<-- [end:tanh]

# --8<-- [start:others]
counts = {"tanh": [s.n_functions for s in stats.values()]}
for f in (F.sin, F.exp):
    graphs = derivative_graphs(f, 8)
    counts[f.__name__] = [s.n_functions for s in graphs.values()]
for name in ("sin", "exp", "tanh"):
    print(f"{name:>4}: {counts[name]}")
# --8<-- [end:others]
