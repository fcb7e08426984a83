"""Step 26, try it: double the learning rate to lr = 0.002."""
import numpy as np

from tinypytorch import Variable


def rosenbrock(x0, x1):
    y = 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2
    return y


x0 = Variable(np.array(0.0))
x1 = Variable(np.array(2.0))
lr = 0.002
for i in range(1, 20_001):
    y = rosenbrock(x0, x1)
    x0.cleargrad()
    x1.cleargrad()
    y.backward()
    x0.data -= lr * x0.grad
    x1.data -= lr * x1.grad
    if i % 5_000 == 0 or i == 1_000:
        p0, p1 = float(x0.data), float(x1.data)
        print(f"after {i:6,d} steps: x0 = {p0:.6f}, x1 = {p1:.6f}, "
              f"y = {rosenbrock(p0, p1):.2e}")

# Why: near (1, 1) the Hessian's largest eigenvalue bounds the rate
hessian = np.array([[802.0, -400.0],
                    [-400.0, 200.0]])
lam = np.linalg.eigvalsh(hessian)
print(f"Hessian eigenvalues at (1, 1): {lam[0]:.4f} and {lam[1]:.2f}")
print(f"stable only for lr < 2 / {lam[1]:.2f} = {2 / lam[1]:.6f}")
