"""Step 26, pitfall: the descent loop without cleargrad()."""
# --8<-- [start:twice]
import numpy as np

from tinypytorch import Variable


def rosenbrock(x0, x1):
    y = 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2
    return y


x0 = Variable(np.array(0.0))
x1 = Variable(np.array(2.0))
rosenbrock(x0, x1).backward()
print("after one backward: ", x0.grad, x1.grad)
rosenbrock(x0, x1).backward()     # same point, no cleargrad() in between
print("after two backwards:", x0.grad, x1.grad)
# --8<-- [end:twice]


# --8<-- [start:loop]
def true_gradient(p0, p1):
    """The gradient at (p0, p1), from fresh Variables: nothing added."""
    a, b = Variable(np.array(p0)), Variable(np.array(p1))
    rosenbrock(a, b).backward()
    return np.array([a.grad.data, b.grad.data])


x0 = Variable(np.array(0.0))
x1 = Variable(np.array(2.0))
lr = 0.001
total = np.zeros(2)         # the sum of the true gradients so far
print("step          x0         x1     x0.grad  = sum so far?")
for i in range(1, 1001):
    total += true_gradient(x0.data, x1.data)
    y = rosenbrock(x0, x1)
    y.backward()            # <- no cleargrad() before this
    grad = np.array([x0.grad.data, x1.grad.data])
    x0.data -= lr * x0.grad
    x1.data -= lr * x1.grad
    blown_up = abs(x0.data) > 1e3
    if i % 5 == 0 or blown_up:
        print(f"{i:4d}  {x0.data:10.4g} {x1.data:10.4g}  {grad[0]:10.4g}"
              f"  {np.allclose(grad, total)}")
    if blown_up:
        print(f"blown up after {i} steps")
        break
# --8<-- [end:loop]
