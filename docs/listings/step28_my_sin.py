"""Step 28: sin from its Maclaurin series, built from +, * and **."""
# --8<-- [start:my_sin]
import math

import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable


def my_sin(x, threshold=1e-4):
    """Sum the Maclaurin terms (-1)^i x^(2i+1) / (2i+1)! of sin(x),
    up to the first term smaller than `threshold` in absolute value."""
    y = 0
    for i in range(100000):
        c = (-1) ** i / math.factorial(2 * i + 1)
        t = c * x ** (2 * i + 1)
        y = y + t
        if abs(t.data) < threshold:
            break
    return y
# --8<-- [end:my_sin]


# --8<-- [start:compare]
x = Variable(np.array(np.pi / 4))
y = my_sin(x)                     # threshold=1e-4
y.backward()
print("my_sin(pi/4) =", float(y.data))
print("  gradient   =", float(x.grad.data))
value, grad = float(y.data), float(x.grad.data)

x = Variable(np.array(np.pi / 4))
z = F.sin(x)
z.backward()
print("F.sin(pi/4)  =", float(z.data))
print("  gradient   =", float(x.grad.data))

print(f"error of the value   : {abs(value - float(z.data)):.2e}")
print(f"error of the gradient: {abs(grad - float(x.grad.data)):.2e}")
# --8<-- [end:compare]
