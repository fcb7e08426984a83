"""Step 30: without cleargrad, the second backward adds f'' onto f'."""
# --8<-- [start:wrong]
import numpy as np

from tinypytorch import Variable


def f(x):
    return x ** 4 - 2 * x ** 2


x = Variable(np.array(2.0))
y = f(x)
y.backward(create_graph=True)
gx = x.grad
gx.backward()                         # forgot x.cleargrad()
print("without cleargrad:", x.grad)   # f'(2) + f''(2)
# --8<-- [end:wrong]

# --8<-- [start:right]
x = Variable(np.array(2.0))
y = f(x)
y.backward(create_graph=True)
gx = x.grad
x.cleargrad()
gx.backward()
print("with cleargrad   :", x.grad)   # f''(2)
# --8<-- [end:right]

# --8<-- [start:loop]
x = Variable(np.array(2.0))
for i in range(6):
    print(i, x)
    y = f(x)
    y.backward(create_graph=True)     # forgot x.cleargrad() before this one
    gx = x.grad                       # = last f'' + this f'
    x.cleargrad()
    gx.backward()
    gx2 = x.grad
    x.data = x.data - gx.data / gx2.data
# --8<-- [end:loop]

# --8<-- [start:elsewhere]
from functools import partial

import tinypytorch.functions as F


def differentiate_twice(f, g, x0, clear):
    """d/dx of g(y, dy/dx), where y = f(x) and backward records dy/dx."""
    x = Variable(np.array(x0))
    y = f(x)
    y.backward(create_graph=True)
    z = g(y, x.grad)
    if clear:
        x.cleargrad()
    z.backward()
    return float(x.grad.data)


def gradient(y, gx):        # d/dx of dy/dx is the second derivative
    return gx


def cube_of_gradient_plus_y(y, gx):
    return gx ** 3 + y


def descent(clear, steps=37):
    """x0 after `steps` steps of Step 26's gradient descent."""
    x0, x1 = Variable(np.array(0.0)), Variable(np.array(2.0))
    for _ in range(steps):
        y = 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2
        if clear:
            x0.cleargrad()
            x1.cleargrad()
        y.backward()
        x0.data -= 0.001 * x0.grad
        x1.data -= 0.001 * x1.grad
    return float(x0.data)


cases = [
    ("Step 26: x0 after 37 steps of descent", descent),
    ("Step 29: d2y/dx2 of y = 3x",
     partial(differentiate_twice, lambda x: 3 * x, gradient, 2.0)),
    ("Step 30: f''(2), f = x^4 - 2x^2",
     partial(differentiate_twice, f, gradient, 2.0)),
    ("Step 31: d2y/dx2 of y = sin x at 1",
     partial(differentiate_twice, F.sin, gradient, 1.0)),
    ("Step 33: dz/dx, z = (dy/dx)^3 + y",
     partial(differentiate_twice, lambda x: x ** 2,
             cube_of_gradient_plus_y, 2.0)),
]
print(f"{'':36} {'with cleargrad':>14} {'without':>10}")
for name, run in cases:
    print(f"{name:36} {run(clear=True):14.6g} {run(clear=False):10.6g}")
# --8<-- [end:elsewhere]
