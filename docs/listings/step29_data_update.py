"""Step 29: updating x.data now that x.grad is a Variable."""
import textwrap

import numpy as np

from tinypytorch import Variable


def step(x, update):
    x.cleargrad()
    y = x ** 2                 # dy/dx = 2x
    y.backward()
    update(x)
    return x.data


x = Variable(np.array(2.0))
lr = 0.1


def explicit(x):
    x.data -= lr * x.grad.data     # arrays on both sides


def in_place(x):
    x.data -= lr * x.grad          # Part 2 code: numpy updates x.data in place


def rebind(x):
    x.data = x.data - lr * x.grad  # ndarray - Variable is a Variable


print("explicit :", step(x, explicit))
print("in place :", step(x, in_place))
try:
    step(x, rebind)
except TypeError as err:
    print(textwrap.fill(f"rebind   : TypeError: {err}", 66,
                        subsequent_indent="           "))
print("x.data is unchanged:", x.data)
