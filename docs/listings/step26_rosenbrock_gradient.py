"""Step 26: the Rosenbrock function and its gradient at (0, 2)."""
import numpy as np

from tinypytorch import Variable


def rosenbrock(x0, x1):
    y = 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2
    return y


x0 = Variable(np.array(0.0))
x1 = Variable(np.array(2.0))
y = rosenbrock(x0, x1)
y.backward()

print("y      =", y)
print("dy/dx0 =", x0.grad)
print("dy/dx1 =", x1.grad)
print("type of x0.grad:", type(x0.grad).__name__)
