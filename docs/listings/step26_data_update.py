"""Step 26: the update line, now that a gradient is a Variable."""
# --8<-- [start:inplace]
import textwrap

import numpy as np

from tinypytorch import Variable


def rosenbrock(x0, x1):
    y = 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2
    return y


x0 = Variable(np.array(0.0))
x1 = Variable(np.array(2.0))
rosenbrock(x0, x1).backward()
lr = 0.001

step = lr * x0.grad
print("lr * x0.grad is a", type(step).__name__, step)

before = x0.data
x0.data -= lr * x0.grad      # the book's line: numpy subtracts in place
print("x0.data =", repr(x0.data), "| same array:", x0.data is before)
# --8<-- [end:inplace]

# --8<-- [start:rebind]
try:
    x1.data = x1.data - lr * x1.grad     # ndarray - Variable: a Variable
except TypeError as error:
    print(textwrap.fill(f"TypeError: {error}", 76, subsequent_indent="  "))
print("x1.data is untouched:", repr(x1.data))

x1.data = x1.data - lr * x1.grad.data    # the gradient's array: fine
print("x1.data =", repr(x1.data))
# --8<-- [end:rebind]

# --8<-- [start:variable]
from tinypytorch import no_grad

x = Variable(np.array(2.0))
(x ** 2).backward()
try:
    x -= lr * x.grad             # -= on the Variable itself, with the graph on
except TypeError as error:
    print(textwrap.fill(f"TypeError: {error}", 76, subsequent_indent="  "))
print("x is untouched:", x)

with no_grad():
    x -= lr * x.grad             # PyTorch's way: in place, nothing recorded
print("after the update:", x, "| still an input:", x.creator is None)
# --8<-- [end:variable]
