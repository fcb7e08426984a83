"""Arithmetic as Functions, and the operators that make `x * 2 + y` build a graph.

Each backward sits next to its forward and is written with Variables (Step 29), so the gradient it
returns can be differentiated again. A `Constant` never receives a gradient (the backward pass drops it),
and an operand of a binary operator often is one (the 3 in `3 * x`), so `Mul`, `Div` and `Sub` return
None for a Constant operand wherever its gradient would cost an operation.

Importing this module attaches the operators to `Variable` (the book's `setup_variable`); the package
does it when it is imported. From Part 1–2.
"""

from __future__ import annotations

import numpy as np

from .config import Config
from .core import Constant, Function, Variable

__all__ = ["Add", "Sub", "Mul", "Div", "Neg", "Pow", "ConstantBasePow",
           "add", "sub", "rsub", "mul", "div", "rdiv", "neg", "pow", "rpow"]

_PYTHON_NUMBERS = frozenset((bool, int, float, complex))  # these exact types: numpy scalars are not "weak"


class Add(Function):
    """`x0 + x1`; both inputs receive `gy`. From Part 1–2."""

    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        return gy, gy


class Sub(Function):
    """`x0 - x1`; gradients `gy` and `-gy`. From Part 1–2."""

    def forward(self, x0, x1):
        return x0 - x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return gy, (-gy if not isinstance(x1, Constant) else None)


class Mul(Function):
    """`x0 * x1`; each input's gradient is `gy` times the other. From Part 1–2."""

    def forward(self, x0, x1):
        return x0 * x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return (gy * x1 if not isinstance(x0, Constant) else None,
                gy * x0 if not isinstance(x1, Constant) else None)


class Div(Function):
    """`x0 / x1`; gradients `gy / x1` and `-gy * x0 / x1²`, the last as `-(gy / x1) * (x0 / x1)`. From Part 1–2.

    Written with two divisions, the second gradient stays finite where `x1²` alone would overflow
    (`x / x` at 1e200 has the derivative 0, as in PyTorch).
    """

    def forward(self, x0, x1):
        return x0 / x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return (gy / x1 if not isinstance(x0, Constant) else None,
                -(gy / x1) * (x0 / x1) if not isinstance(x1, Constant) else None)


class Neg(Function):
    """`-x`; gradient `-gy`. From Part 1–2."""

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


class Pow(Function):
    """`x ** c` for a constant exponent `c` (a number or an ndarray), kept as an attribute as in the book.

    From Part 1–2; changed in Step 29: the backward `c * x ** (c - 1) * gy` uses Variables,
    so `x ** 4` can be differentiated four times. Where `c` is 0 the derivative is 0, also at `x = 0`
    (where `0 * 0 ** -1` would be nan), as in PyTorch; so the fourth derivative of `x ** 4 - 2 * x ** 2`
    at 0 is 24.
    """

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x ** self.c

    def backward(self, gy):
        x, = self.inputs
        c = self.c
        if isinstance(c, np.ndarray):  # elements with c == 0 get the exponent 1: c * x ** 1 is 0 at x = 0 too
            return c * x ** np.where(c == 0, 1, c - 1) * gy
        if c == 0:  # x ** 0 is the constant 1
            return Variable(np.zeros_like(gy.data))
        return c * x ** (c - 1) * gy


class ConstantBasePow(Function):
    """`a ** x` for a constant base `a`: the derivative is `a ** x * log(a)`, built from the output.

    Where `a` is 0 the derivative is 0 (`0 ** x` is flat, 0 for x > 0), not `0 * log(0)` = nan, as in
    PyTorch. A Python number's logarithm stays a Python number, so a float32 `x` keeps float32 gradients.

    Introduced in Step 29, so that a number or an ndarray may stand on either side of every operator.
    """

    def __init__(self, base):
        self.base = base

    def forward(self, x):
        return self.base ** x

    def backward(self, gy):
        y = self.outputs[0]()
        base = self.base
        if isinstance(base, np.ndarray):
            log_base = np.log(np.where(base == 0, 1, base))
        elif base == 0:
            log_base = 0.0
        else:
            log_base = float(np.log(base)) if type(base) in _PYTHON_NUMBERS else np.log(base)
        return gy * y * log_base


# ---------------------------------------------------------------------------------------------------------
# The operators
# ---------------------------------------------------------------------------------------------------------

def add(x0, x1):
    """`x0 + x1` as a graph node (`Variable.__add__`, `__radd__`). From Part 1–2."""
    return Add()(x0, x1)


def sub(x0, x1):
    """`x0 - x1` as a graph node (`Variable.__sub__`). From Part 1–2."""
    return Sub()(x0, x1)


def rsub(x0, x1):
    """`x1 - x0`, for a number or ndarray on the left (`Variable.__rsub__`). From Part 1–2."""
    return Sub()(x1, x0)


def mul(x0, x1):
    """`x0 * x1` as a graph node (`Variable.__mul__`, `__rmul__`). From Part 1–2."""
    return Mul()(x0, x1)


def div(x0, x1):
    """`x0 / x1` as a graph node (`Variable.__truediv__`). From Part 1–2."""
    return Div()(x0, x1)


def rdiv(x0, x1):
    """`x1 / x0`, for a number or ndarray on the left (`Variable.__rtruediv__`). From Part 1–2."""
    return Div()(x1, x0)


def neg(x):
    """`-x` as a graph node (`Variable.__neg__`). From Part 1–2."""
    return Neg()(x)


def pow(x, c):
    """`x ** c` for a constant exponent; a Variable exponent is refused with a way to write it.

    From Part 1–2.
    """
    if not isinstance(c, (int, float, np.ndarray, np.generic)):
        if isinstance(c, Variable):
            raise TypeError("the exponent of ** must be a number or an ndarray, not a Variable; "
                            "for a variable exponent write F.exp(c * F.log(x))")
        raise TypeError(f"unsupported exponent of type {type(c).__name__}; expected a number or an ndarray")
    return Pow(c)(x)


def rpow(x, base):
    """`base ** x` for a constant `base` (a number or an ndarray). Introduced in Step 29."""
    if not isinstance(base, (int, float, np.ndarray, np.generic)):
        raise TypeError(f"unsupported base of type {type(base).__name__}; expected a number or an ndarray")
    return ConstantBasePow(base)(x)


def _in_place(ufunc, symbol):
    """`x <symbol>= value`: an input is updated in place under `no_grad()`, otherwise refused (Step 26).

    A variable that a Function made gets `x = x <symbol> value`, a new node, as Python does it when there
    is no in-place method.
    """

    def update(self, value):
        if self.creator is not None:
            return NotImplemented  # Python falls back to `x = x <symbol> value`: a new node of the graph
        if Config.enable_backprop:
            raise TypeError(
                f"`x {symbol}= ...` on a Variable that no function created (an input, such as a parameter) "
                f"would silently make x a new graph node and leave the input where it was. To update its "
                f"values write `x.data {symbol}= ...` (the book, e.g. `x.data -= lr * x.grad.data`) or, as in "
                f"PyTorch, `with no_grad(): x {symbol}= ...`; for a new node write `x = x {symbol} ...`.")
        ufunc(self.data, value.data if isinstance(value, Variable) else value, out=self.data)
        return self

    update.__name__ = f"__i{ufunc.__name__}__"
    return update


# numpy functions that meet a Variable (`ndarray * x`, `np.add(a, x)`) are routed to the operators: a class
# that defines `__array_ufunc__` receives them, whatever numpy's `__array_priority__` says
_NUMPY_OPERATORS = {np.add: add, np.subtract: sub, np.multiply: mul, np.true_divide: div, np.negative: neg}


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """numpy's hook for ufuncs that meet a Variable.

    `ndarray + x` gives a Variable (the graph is kept); an in-place update of a plain array such as
    `x.data -= lr * x.grad` reads the Variable's values; any other numpy function on a Variable is
    refused with a pointer to `tinypytorch.functions`.
    """
    if method == "__call__" and not kwargs:
        if ufunc in _NUMPY_OPERATORS:
            return _NUMPY_OPERATORS[ufunc](*inputs)
        if ufunc is np.power:
            base, exponent = inputs
            return rpow(exponent, base) if isinstance(exponent, Variable) else pow(base, exponent)
    if method == "__call__" and ufunc in _NUMPY_OPERATORS and _writes_into_arrays(kwargs):
        return ufunc(*[v.data if isinstance(v, Variable) else v for v in inputs], **kwargs)
    raise TypeError(_refusal(ufunc, method))


def _writes_into_arrays(kwargs):
    """True for `out=` plain arrays, as in `x.data -= lr * x.grad`: numpy's in-place update of an ndarray."""
    out = kwargs.get("out")
    return bool(out) and not any(isinstance(o, Variable) for o in out)


_FUNCTIONS = ("sin", "cos", "tanh", "exp", "log", "square")  # tinypytorch.functions, which imports this module


def _refusal(ufunc, method):
    """Why numpy's `ufunc` cannot take a Variable, and what to write instead."""
    name = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
    instead = f"F.{ufunc.__name__}(x) of tinypytorch.functions" if method == "__call__" and \
        ufunc.__name__ in _FUNCTIONS else f"the operators, or tinypytorch.functions ({', '.join(_FUNCTIONS)})"
    return (f"numpy's {name} does not accept a Variable; use {instead}, or pass x.data for a plain array "
            f"(which records no graph)")


Variable.__add__ = add
Variable.__radd__ = add
Variable.__sub__ = sub
Variable.__rsub__ = rsub
Variable.__mul__ = mul
Variable.__rmul__ = mul
Variable.__truediv__ = div
Variable.__rtruediv__ = rdiv
Variable.__neg__ = neg
Variable.__pow__ = pow
Variable.__rpow__ = rpow
Variable.__array_ufunc__ = _array_ufunc
Variable.__iadd__ = _in_place(np.add, "+")
Variable.__isub__ = _in_place(np.subtract, "-")
Variable.__imul__ = _in_place(np.multiply, "*")
Variable.__itruediv__ = _in_place(np.true_divide, "/")
Variable.__ipow__ = _in_place(np.power, "**")
