"""Step 30, "Try it": Newton's method started at x = 0.3."""
import numpy as np

from tinypytorch import Variable


def f(x):
    return x ** 4 - 2 * x ** 2


# --8<-- [start:answer]
def newton(x0, iters=6):
    x = Variable(np.array(x0))
    for i in range(iters):
        y = f(x)
        x.cleargrad()
        y.backward(create_graph=True)
        gx = x.grad
        x.cleargrad()
        gx.backward()
        gx2 = x.grad
        print(f"{i}  x = {float(x.data): .3e}   f''(x) = {float(gx2.data):.4f}")
        x.data = x.data - gx.data / gx2.data
    return x


newton(0.3)
# --8<-- [end:answer]
