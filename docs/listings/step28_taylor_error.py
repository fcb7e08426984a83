"""Step 28: the error of the truncated series, term by term."""
# --8<-- [start:sin_terms]
import math

import numpy as np

from tinypytorch import Variable


def sin_terms(x, n):
    """The first n Maclaurin terms of sin, as a graph of Variables."""
    y = 0
    for i in range(n):
        y = y + (-1) ** i / math.factorial(2 * i + 1) * x ** (2 * i + 1)
    return y


def errors(x0, n):
    """|error| of the n-term series and of its derivative at x0."""
    x = Variable(np.array(x0))
    y = sin_terms(x, n)
    y.backward()
    e_value = abs(float(y.data) - np.sin(x0))
    e_grad = abs(float(x.grad.data) - np.cos(x0))
    return e_value, e_grad
# --8<-- [end:sin_terms]


# --8<-- [start:table]

x0 = np.pi / 4
print(" n  |err of sin|  omitted term  |err of cos|  omitted term")
for n in range(1, 9):
    e_value, e_grad = errors(x0, n)
    next_sin = x0 ** (2 * n + 1) / math.factorial(2 * n + 1)
    next_cos = x0 ** (2 * n) / math.factorial(2 * n)
    print(f"{n:2d}  {e_value:11.3e}  {next_sin:12.3e}  {e_grad:11.3e}  "
          f"{next_cos:12.3e}")
# --8<-- [end:table]
