"""Elementwise functions: `import tinypytorch.functions as F`.

Each backward is written with these same functions and the Variable operators, so it builds a graph when
`backward(create_graph=True)` asks for one: the derivative of `sin` is `cos`, whose derivative is `-sin`,
and so on to any order (Steps 31 and 32).
"""

from __future__ import annotations

import numpy as np

from .core import Function

__all__ = ["Sin", "Cos", "Tanh", "Exp", "Log", "Square", "sin", "cos", "tanh", "exp", "log", "square"]


class Sin(Function):
    """y = sin(x); dy/dx = cos(x). Introduced in Step 28."""

    def forward(self, x):
        return np.sin(x)

    def backward(self, gy):
        x, = self.inputs
        return gy * cos(x)


class Cos(Function):
    """y = cos(x); dy/dx = -sin(x). Introduced in Step 31."""

    def forward(self, x):
        return np.cos(x)

    def backward(self, gy):
        x, = self.inputs
        return gy * -sin(x)


class Tanh(Function):
    """y = tanh(x); dy/dx = 1 - y², written with the output y. Introduced in Step 32."""

    def forward(self, x):
        return np.tanh(x)

    def backward(self, gy):
        y = self.outputs[0]()
        return gy * (1 - y * y)


class Exp(Function):
    """y = exp(x); dy/dx = y. From Part 1–2; changed in Step 29: backward uses Variables."""

    def forward(self, x):
        return np.exp(x)

    def backward(self, gy):
        y = self.outputs[0]()
        return gy * y


class Log(Function):
    """y = log(x); dy/dx = 1/x. Introduced in Step 31."""

    def forward(self, x):
        return np.log(x)

    def backward(self, gy):
        x, = self.inputs
        return gy / x


class Square(Function):
    """y = x²; dy/dx = 2x. From Part 1–2; changed in Step 29: backward uses Variables."""

    def forward(self, x):
        return x ** 2

    def backward(self, gy):
        x, = self.inputs
        return gy * 2 * x


def sin(x):
    """Sine, elementwise. Introduced in Step 28.

    Examples:
        >>> import numpy as np
        >>> import tinypytorch.functions as F
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array(np.pi / 4))
        >>> y = F.sin(x)
        >>> y.backward()
        >>> round(float(y.data), 6), round(float(x.grad.data), 6)
        (0.707107, 0.707107)
    """
    return Sin()(x)


def cos(x):
    """Cosine, elementwise. Introduced in Step 31.

    Examples:
        >>> import numpy as np
        >>> import tinypytorch.functions as F
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array(0.0))
        >>> F.cos(x)
        variable(1.0)
    """
    return Cos()(x)


def tanh(x):
    """Hyperbolic tangent, elementwise; its backward uses the output (1 - y²). Introduced in Step 32.

    Examples:
        >>> import numpy as np
        >>> import tinypytorch.functions as F
        >>> from tinypytorch import Variable
        >>> x = Variable(np.array(1.0))
        >>> y = F.tanh(x)
        >>> y.backward()
        >>> round(float(x.grad.data), 6)
        0.419974
    """
    return Tanh()(x)


def exp(x):
    """Exponential, elementwise; its backward reuses the output. Changed in Step 29: differentiable backward."""
    return Exp()(x)


def log(x):
    """Natural logarithm, elementwise. Introduced in Step 31."""
    return Log()(x)


def square(x):
    """x², elementwise. Changed in Step 29: differentiable backward."""
    return Square()(x)
