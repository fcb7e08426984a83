"""Step 27: gradient descent on f(x) = x^4 - 2x^2 from x = 2."""
import numpy as np

from tinypytorch import Variable


def f(x):
    return x ** 4 - 2 * x ** 2


# --8<-- [start:descent]
x = Variable(np.array(2.0))
lr = 0.01
iterates = [float(x.data)]
while abs(iterates[-1] - 1) >= 1e-6:     # Newton's test: |x - 1| < 1e-6
    y = f(x)
    x.cleargrad()
    y.backward()
    x.data -= lr * x.grad.data
    iterates.append(float(x.data))

for i in (1, 2, 3, 10, 50, 100, len(iterates) - 1):
    x_i = iterates[i]
    print(f"x{i:<3d} = {x_i:.10f}   |x - 1| = {abs(x_i - 1):.2e}")
print(f"steps until |x - 1| < 1e-6: {len(iterates) - 1}")
e = [abs(x - 1) for x in iterates]
print(f"last ratio e{len(e) - 1} / e{len(e) - 2} = {e[-1] / e[-2]:.4f}")
# --8<-- [end:descent]
