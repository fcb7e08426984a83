"""Step 31: F.log and its n-th derivatives at x = 2."""
import math

import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

x = Variable(np.array(2.0))
y = F.log(x)
y.backward(create_graph=True)

print(" n   autograd    (-1)^(n-1) (n-1)! / x^n")
for n in range(1, 6):
    if n > 1:
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)
    exact = (-1) ** (n - 1) * math.factorial(n - 1) / 2.0 ** n
    print(f"{n:2d}   {float(x.grad.data):9.6f}   {exact:9.6f}")
