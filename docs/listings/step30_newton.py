"""Step 30: Newton's method, with f' and f'' both from backward."""
# --8<-- [start:loop]
import numpy as np

from tinypytorch import Variable


def f(x):
    return x ** 4 - 2 * x ** 2


def newton(f, x0, iters=10):
    x = Variable(np.array(x0))
    for i in range(iters):
        print(i, x)

        y = f(x)
        x.cleargrad()
        y.backward(create_graph=True)  # x.grad = f'(x), with a graph behind it

        gx = x.grad
        x.cleargrad()                  # essential: see section 3
        gx.backward()                  # x.grad = f''(x)
        gx2 = x.grad

        x.data = x.data - gx.data / gx2.data
    return x


newton(f, 2.0)
# --8<-- [end:loop]

# --8<-- [start:try-it]
import tinypytorch.functions as F


def g(x):
    return F.exp(x) + F.exp(-2 * x)


newton(g, 2.0, iters=8)
print("ln(2) / 3 =", np.log(2) / 3)
# --8<-- [end:try-it]
