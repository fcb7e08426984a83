"""Step 27: f(x) = x^4 - 2x^2, with f' and f'' by hand, checked."""
# --8<-- [start:functions]
import numpy as np

from tinypytorch import Variable
from tinypytorch.gradcheck import numerical_grad


def f(x):
    return x ** 4 - 2 * x ** 2


def df(x):       # f'(x), by hand
    return 4 * x ** 3 - 4 * x


def d2f(x):      # f''(x), by hand
    return 12 * x ** 2 - 4
# --8<-- [end:functions]


# --8<-- [start:check]
x = Variable(np.array(2.0))
y = f(x)
y.backward()
print(f"f(2)   = {y.data:g}")
print(f"f'(2)  = {df(2.0):g} by hand, {x.grad.data:g} by backward()")

numeric, = numerical_grad(df, np.array(2.0))   # central difference of f'
print(f"f''(2) = {d2f(2.0):g} by hand, {numeric:.6f} numerically")
print("x.grad.creator:", x.grad.creator)       # no graph behind x.grad
# --8<-- [end:check]
