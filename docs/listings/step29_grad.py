"""Step 29: tinypytorch.grad returns the gradients instead of adding them into .grad."""
import numpy as np

from tinypytorch import Variable, grad

x = Variable(np.array(2.0))
y = x ** 4 - 2 * x ** 2
gx, = grad(y, x, create_graph=True)   # f'(x), with its graph
ggx, = grad(gx, x)                    # f''(x): no cleargrad() needed
print("f'(2)  =", gx)
print("f''(2) =", ggx)
print("x.grad =", x.grad)             # nothing was stored

z = 3 * x
gz, = grad(z, x, create_graph=True)   # dz/dx = 3: a constant, its graph never reaches x
try:
    grad(gz, x)
except ValueError as error:
    print("grad(gz, x) raises ValueError:", error)
ggz, = grad(gz, x, allow_unused=True)
print("grad(gz, x, allow_unused=True):", ggz)
