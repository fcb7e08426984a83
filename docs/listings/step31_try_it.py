"""Step 31, try it: sinh and cosh outside the package, n-th derivatives."""
import numpy as np

from tinypytorch import Function, Variable


class Sinh(Function):
    def forward(self, x):
        return np.sinh(x)

    def backward(self, gy):
        x, = self.inputs
        return gy * cosh(x)


class Cosh(Function):
    def forward(self, x):
        return np.cosh(x)

    def backward(self, gy):
        x, = self.inputs
        return gy * sinh(x)


def sinh(x):
    return Sinh()(x)


def cosh(x):
    return Cosh()(x)


x = Variable(np.array(0.5))
y = sinh(x)
y.backward(create_graph=True)
for n in range(2, 6):
    gx = x.grad
    x.cleargrad()
    gx.backward(create_graph=True)
    print(f"d^{n}/dx^{n} sinh x at 0.5 = {float(x.grad.data):.6f}")
