"""Numerical gradients and gradient checks to any order.

A backward pass is only as good as the derivative each Function claims. The check here compares it with a
central difference, (f(x + eps) - f(x - eps)) / 2eps, element by element. For order k it differentiates
the analytic (k-1)-th directional derivative, built with `backward(create_graph=True)`, and compares that
with a central difference of the same function, in the manner of HIPS autograd's `check_grads(order=k)`
and PyTorch's `gradgradcheck`.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .core import Variable, sum_to

__all__ = ["numerical_grad", "gradient_check", "GradientCheckError"]


class GradientCheckError(AssertionError):
    """Raised by `gradient_check` when an analytic derivative disagrees with the numerical one. Introduced in Step 29."""


def _float_arrays(inputs, caller: str) -> list[np.ndarray]:
    """Copy the inputs to float64 arrays, refusing non-float data with a clear message."""
    arrays = []
    for i, x in enumerate(inputs):
        data = x.data if isinstance(x, Variable) else x
        if isinstance(data, float):
            data = np.array(data)
        if not isinstance(data, (np.ndarray, np.floating)):
            raise TypeError(f"{caller}: input {i} must be a float ndarray or a Variable holding one, "
                            f"got {type(data).__name__}")
        if not np.issubdtype(np.asarray(data).dtype, np.floating):
            raise TypeError(f"{caller}: input {i} has dtype {np.asarray(data).dtype}; numerical derivatives need "
                            f"float data, e.g. x.astype(np.float64)")
        arrays.append(np.array(data, dtype=np.float64))
    return arrays


def _scalar(f, arrays) -> float:
    """Evaluate f on fresh Variables and return its single value as a float."""
    y = f(*[Variable(a.copy()) for a in arrays])
    if not isinstance(y, Variable):
        raise TypeError(f"the checked function must return a Variable, got {type(y).__name__}")
    return float(np.sum(y.data))


def numerical_grad(f: Callable, *inputs, eps: float = 1e-6) -> list[np.ndarray]:
    """Central-difference gradient of `sum(f(*inputs))` with respect to each input.

    Args:
        f: a function of Variables returning a Variable, such as `lambda x: x ** 3`.
        *inputs: float ndarrays (or Variables; their data is copied, never changed).
        eps: the step of the central difference.

    Returns:
        One ndarray per input, in its shape.

    From Part 1–2 (the central difference of the recap); Step 27 checks derivatives written by hand with it.

    Examples:
        >>> import numpy as np
        >>> from tinypytorch.gradcheck import numerical_grad
        >>> g, = numerical_grad(lambda x: x ** 3, np.array(2.0))
        >>> round(float(g), 6)
        12.0
    """
    arrays = _float_arrays(inputs, "numerical_grad")
    grads = []
    for i, x in enumerate(arrays):
        grad = np.zeros_like(x)
        for j in np.ndindex(x.shape):
            shifted = [a.copy() for a in arrays]
            shifted[i][j] = x[j] + eps
            up = _scalar(f, shifted)
            shifted[i][j] = x[j] - eps
            down = _scalar(f, shifted)
            grad[j] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads


def _analytic_grad(f, arrays) -> list[np.ndarray]:
    """Gradient of `f` (scalar-valued) by backpropagation, on fresh Variables."""
    xs = [Variable(a.copy()) for a in arrays]
    y = f(*xs)
    for x in xs:
        x.cleargrad()
    y.backward()
    return [x.grad.data for x in xs]


def _directional_derivative(f, directions):
    """The function xs -> sum_i <d f / d x_i, u_i>, built with create_graph=True so it can be differentiated."""

    def derivative(*xs):
        y = f(*xs)
        for x in xs:
            x.cleargrad()
        y.backward(create_graph=True)
        total = None
        for x, u in zip(xs, directions):
            term = sum_to(x.grad * u, ())
            total = term if total is None else total + term
        return total

    return derivative


def _compare(analytic, numerical, where, i, rtol, atol):
    """Raise a GradientCheckError naming the worst element where `analytic` and `numerical` disagree."""
    a, n = analytic, numerical
    if a.shape != n.shape:
        raise GradientCheckError(f"{where}, input {i}: analytic gradient has shape {a.shape}, "
                                 f"the input has shape {n.shape}")
    err = np.abs(a - n) - (atol + rtol * np.abs(n))
    if np.any(err > 0) or not np.all(np.isfinite(a)):
        worst = np.unravel_index(np.argmax(np.where(np.isfinite(err), err, np.inf)), err.shape)
        raise GradientCheckError(
            f"gradient_check failed at {where} for input {i} (shape {n.shape}): worst element "
            f"{tuple(int(w) for w in worst)}: analytic {float(a[worst]):.10g}, numerical {float(n[worst]):.10g}, "
            f"abs error {abs(a[worst] - n[worst]):.3g} > atol {atol} + rtol {rtol} * |numerical|")


def gradient_check(f: Callable, *inputs, order: int = 1, rtol: float = 1e-4, atol: float = 1e-6,
                   eps: float = 1e-6, seed: int = 0) -> bool:
    """Check the derivatives of `f` at `inputs` against central differences, up to `order`.

    Order 1 compares the gradient of `sum(f(*xs) * v)` (v random, fixed by `seed`) with a central
    difference. Order k then differentiates the analytic (k-1)-th directional derivative, which the framework
    builds with `backward(create_graph=True)`, and compares again. The inputs are copied: no Variable you
    pass is changed.

    Args:
        f: a function of Variables returning a Variable of any shape.
        *inputs: float ndarrays or Variables holding float data.
        order: the highest derivative order to check (1 = gradients, 2 = Hessian-vector products, ...).
        rtol: the relative tolerance, element by element: |analytic - numerical| <= atol + rtol * |numerical|.
        atol: the absolute tolerance in that comparison.
        eps: the step of the central difference.
        seed: seeds the random projections.

    Returns:
        True when every order passes.

    Raises:
        GradientCheckError: naming the order, the input and the worst element.
        TypeError: for non-float inputs.
        ValueError: for an order below 1.

    Introduced in Step 29 (to check derivatives of any order); used by the tests of every Function.

    Examples:
        >>> import numpy as np
        >>> import tinypytorch.functions as F
        >>> from tinypytorch.gradcheck import gradient_check
        >>> gradient_check(F.tanh, np.array([0.5, -1.0]), order=3)
        True
    """
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be a whole number >= 1, got {order!r}")
    arrays = _float_arrays(inputs, "gradient_check")
    rng = np.random.default_rng(seed)

    first = f(*[Variable(a.copy()) for a in arrays])
    if not isinstance(first, Variable):
        raise TypeError(f"the checked function must return a Variable, got {type(first).__name__}")
    projection = rng.standard_normal(first.shape)
    current = lambda *xs: sum_to(f(*xs) * projection, ())  # noqa: E731  (a scalar view of f)

    for k in range(1, order + 1):
        analytic = _analytic_grad(current, arrays)
        numerical = numerical_grad(current, *arrays, eps=eps)
        for i, (a, n) in enumerate(zip(analytic, numerical)):
            _compare(a, n, f"order {k}", i, rtol, atol)
        if k < order:
            directions = [rng.standard_normal(a.shape) for a in arrays]
            current = _directional_derivative(current, directions)
    return True
