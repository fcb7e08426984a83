"""Step 28: what the graph of my_sin is made of."""
import math

import numpy as np

from tinypytorch import Variable


def my_sin(x, threshold=1e-4):
    y = 0
    for i in range(100000):
        c = (-1) ** i / math.factorial(2 * i + 1)
        t = c * x ** (2 * i + 1)
        y = y + t
        if abs(t.data) < threshold:
            break
    return y


# --8<-- [start:stats]
from tinypytorch.graph import graph_stats

for threshold in (1e-4, 1e-150):
    x = Variable(np.array(np.pi / 4), name="x")
    y = my_sin(x, threshold)
    s = graph_stats(y)
    print(f"threshold {threshold:g}: {s.functions['Add']} terms")
    print(f"  {s.n_functions} functions: {dict(s.functions)}")
    print(f"  {s.n_variables} variables, {s.n_constants} of them constants")
    print(f"  depth {s.depth}")
# --8<-- [end:stats]
