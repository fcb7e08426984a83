"""Step 29: checking derivatives of any order against central differences."""
# --8<-- [start:cube]
import textwrap

import numpy as np

from tinypytorch import Function, Variable
from tinypytorch.gradcheck import GradientCheckError, gradient_check


class Cube(Function):
    """y = x^3, with a backward written in Variables: differentiable again."""

    def forward(self, x):
        return x ** 3

    def backward(self, gy):
        x, = self.inputs
        return gy * 3 * x ** 2


class CubeArrays(Function):
    """y = x^3, with the Part 2 habit: the gradient computed on arrays."""

    def forward(self, x):
        return x ** 3

    def backward(self, gy):
        x, = self.inputs
        # the right value, but no graph behind it
        return Variable(gy.data * 3 * x.data ** 2)


def cube(x):
    return Cube()(x)


def cube_arrays(x):
    return CubeArrays()(x)


x0 = np.array([2.0, -0.5, 1.3])
print("Cube,       order 3:", gradient_check(cube, x0, order=3))
print("CubeArrays, order 1:", gradient_check(cube_arrays, x0, order=1))
try:
    gradient_check(cube_arrays, x0, order=2)
except GradientCheckError as err:
    print("CubeArrays, order 2: GradientCheckError")
    print(textwrap.fill(str(err), 64))
# --8<-- [end:cube]


# --8<-- [start:pass]
def f(x):
    return x ** 4 - 2 * x ** 2


print("f, order 3:", gradient_check(f, np.array([2.0, -0.5, 1.3]), order=3))
# --8<-- [end:pass]
