"""Step 26: 1,000 steps of gradient descent on Rosenbrock, lr = 0.001."""
import numpy as np

from tinypytorch import Variable


def rosenbrock(x0, x1):
    y = 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2
    return y


x0 = Variable(np.array(0.0))
x1 = Variable(np.array(2.0))
lr = 0.001
iters = 1000

for i in range(iters):
    y = rosenbrock(x0, x1)

    x0.cleargrad()
    x1.cleargrad()
    y.backward()

    x0.data -= lr * x0.grad
    x1.data -= lr * x1.grad

    if i % 100 == 0 or i == iters - 1:
        print(f"iter {i:3d}: x0 = {x0.data:.6f}, x1 = {x1.data:.6f}")
