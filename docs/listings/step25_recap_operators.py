"""Recap (Steps 19-24): a friendlier Variable, and operators."""
# --8<-- [start:variable]
import numpy as np

from tinypytorch import Variable

data = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
x = Variable(data, name="x")
print(x.name, x.shape, x.ndim, x.size, x.dtype, len(x))
print(x)
# --8<-- [end:variable]

# --8<-- [start:operators]
x = Variable(np.array(2.0))
y = 3 * x ** 2 - 4 / x + 1    # the numbers become Constants in the graph
print("y =", y)
print("np.array(2.0) * x is a", type(np.array(2.0) * x).__name__)
y.backward()
print("dy/dx =", x.grad, " (by hand: 6x + 4/x^2 = 13)")

z = 3 * x
inputs = [type(v).__name__ for v in z.creator.inputs]
print("3 * x records", type(z.creator).__name__, "with inputs", inputs)
# --8<-- [end:operators]


# --8<-- [start:step24]
def sphere(x, y):
    return x ** 2 + y ** 2


def matyas(x, y):
    return 0.26 * (x ** 2 + y ** 2) - 0.48 * x * y


for f in (sphere, matyas):
    x, y = Variable(np.array(1.0)), Variable(np.array(1.0))
    z = f(x, y)
    z.backward()
    gx, gy = float(x.grad.data), float(y.grad.data)
    print(f"{f.__name__}(1, 1) = {float(z.data):.4f}, "
          f"gradient ({gx:.4f}, {gy:.4f})")
# --8<-- [end:step24]
