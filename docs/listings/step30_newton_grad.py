"""Step 30: the Newton loop with tinypytorch.grad: no cleargrad to place."""
import numpy as np

from tinypytorch import Variable, grad


def f(x):
    return x ** 4 - 2 * x ** 2


x = Variable(np.array(2.0))
for i in range(10):
    print(i, x)
    gx, = grad(f(x), x, create_graph=True)   # f'(x), with its graph
    gx2, = grad(gx, x)                       # f''(x); x.grad is never used
    x.data = x.data - gx.data / gx2.data
