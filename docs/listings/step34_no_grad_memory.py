"""Step 34: peak memory of a chain of tanh calls, with and without graph."""
# --8<-- [start:measure]
import tracemalloc

import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable, no_grad

MIB = 2 ** 20
SIZE = MIB // 8          # 131072 float64 values: each array is 1 MiB


def chain(x, n):
    y = x
    for _ in range(n):
        y = F.tanh(y)
    return y


def peak_mib(n, record_graph):
    """Peak memory (MiB) while computing the chain, and what is left
    after the output is dropped. numpy reports its arrays to
    tracemalloc, so the arrays are counted."""
    x = Variable(np.full(SIZE, 0.5))   # allocated before tracing
    tracemalloc.start()
    if record_graph:
        y = chain(x, n)
    else:
        with no_grad():
            y = chain(x, n)
    peak = tracemalloc.get_traced_memory()[1]
    del y                              # drop the output (and graph)
    left = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return peak / MIB, left / MIB
# --8<-- [end:measure]

# --8<-- [start:table]
print("  n   with graph    no_grad    left after del y")
for n in (1, 2, 4, 8, 16, 32):
    peak_graph, left = peak_mib(n, record_graph=True)
    peak_plain, _ = peak_mib(n, record_graph=False)
    print(f"{n:3d}   {peak_graph:6.2f} MiB   {peak_plain:5.2f} MiB"
          f"   {left:5.2f} MiB")
# --8<-- [end:table]
