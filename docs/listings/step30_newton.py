"""Step 30: Newton's method, with f' and f'' both from backward."""
import numpy as np

from tinypytorch import Variable


# --8<-- [start:loop]
def f(x):
    return x ** 4 - 2 * x ** 2


x = Variable(np.array(2.0))
iters = 10

for i in range(iters):
    print(i, x)

    y = f(x)
    x.cleargrad()
    y.backward(create_graph=True)     # x.grad = f'(x), with a graph behind it

    gx = x.grad
    x.cleargrad()                     # essential: see "68 vs 44" below
    gx.backward()                     # x.grad = f''(x)
    gx2 = x.grad

    x.data = x.data - gx.data / gx2.data
# --8<-- [end:loop]
