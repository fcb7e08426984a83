"""Step 29: backward(create_graph=True) records the backward pass."""
# --8<-- [start:first]
import numpy as np

from tinypytorch import Variable

x = Variable(np.array(2.0), name="x")
y = x ** 4 - 2 * x ** 2
y.backward(create_graph=True)
gx = x.grad                       # f'(x) = 4x^3 - 4x, as a graph

print("f'(2)              =", gx)
print("gx.creator         =", type(gx.creator).__name__)
print("recorded by backward:", gx.creator.from_backward)
# --8<-- [end:first]

# --8<-- [start:second]
x.cleargrad()                     # forget f'(2) before the next backward
gx.backward()
print("f''(2)             =", x.grad)
# --8<-- [end:second]

# --8<-- [start:stats]
from tinypytorch.graph import graph_stats

forward, gradient = graph_stats(y), graph_stats(gx)
print("forward graph :", forward.n_functions, "functions",
      dict(forward.functions))
print("gradient graph:", gradient.n_functions, "functions",
      dict(gradient.functions))
print("  recorded by backward:", gradient.n_backward_functions)
# --8<-- [end:stats]
