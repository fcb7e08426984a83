"""Step 28, "Try it": range reduction makes my_sin accurate far from 0."""
import math

import numpy as np

from tinypytorch import Variable


def my_sin(x, threshold=1e-4):
    y = 0
    for i in range(100000):
        c = (-1) ** i / math.factorial(2 * i + 1)
        t = c * x ** (2 * i + 1)
        y = y + t
        if abs(t.data) < threshold:
            break
    return y


# --8<-- [start:answer]
def my_sin_reduced(x, threshold=1e-4):
    """Shift x by whole periods into [-pi, pi], then sum the series."""
    k = np.round(x.data / (2 * np.pi))   # a plain number: not in the graph
    return my_sin(x - 2 * np.pi * k, threshold)


x = Variable(np.array(40.0))
y = my_sin_reduced(x, threshold=1e-16)
y.backward()
print(f"value   : {float(y.data):.12f}  np.sin(40) = {np.sin(40.0):.12f}")
print(f"gradient: {float(x.grad.data):.12f}  np.cos(40) = {np.cos(40.0):.12f}")
# --8<-- [end:answer]
