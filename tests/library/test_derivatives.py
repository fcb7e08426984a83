"""Derivatives of orders 1–3 of every operator and function against closed forms.

The reference is calculus written down by hand and evaluated with numpy in float64, independent of
`backward`. The inputs include the points where formulas break: exactly 0 and ±1 (x ** c at 0, log at 1,
0 ** x at 0), and float32 data, whose derivatives must stay float32. Each derivative is computed twice, the
book's way (backward(create_graph=True) with cleargrad() between the orders) and with `grad`.

Hypothesis runs derandomized, so every run draws the same examples.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import tinypytorch.functions as F
from tinypytorch import Variable, grad

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
LN2 = math.log(2.0)


def tanh_derivatives():
    def d(x, k):
        t = np.tanh(x)
        s = 1 - t * t
        return [s, -2 * t * s, s * (6 * t * t - 2)][k - 1]
    return [lambda x, k=k: d(x, k) for k in (1, 2, 3)]


# name: (function of a Variable, [f', f'', f'''] on float64 arrays, (low, high) of the inputs)
UNARY = {
    "x**4 - 2x**2": (lambda x: x ** 4 - 2 * x ** 2,
                     [lambda x: 4 * x ** 3 - 4 * x, lambda x: 12 * x ** 2 - 4, lambda x: 24 * x], (-2, 2)),
    "x**3": (lambda x: x ** 3, [lambda x: 3 * x ** 2, lambda x: 6 * x, lambda x: 6 + 0 * x], (-2, 2)),
    "x**2": (lambda x: x ** 2, [lambda x: 2 * x, lambda x: 2 + 0 * x, lambda x: 0 * x], (-2, 2)),
    "x**1": (lambda x: x ** 1, [lambda x: 1 + 0 * x, lambda x: 0 * x, lambda x: 0 * x], (-2, 2)),
    "x**0": (lambda x: x ** 0, [lambda x: 0 * x] * 3, (-2, 2)),
    "x**-1.5": (lambda x: x ** -1.5, [lambda x: -1.5 * x ** -2.5, lambda x: 3.75 * x ** -3.5,
                                      lambda x: -13.125 * x ** -4.5], (0.5, 2)),
    "x**0.5": (lambda x: x ** 0.5, [lambda x: 0.5 * x ** -0.5, lambda x: -0.25 * x ** -1.5,
                                    lambda x: 0.375 * x ** -2.5], (0.5, 2)),
    "x**[0,1,2]": (lambda x: x ** np.array([0.0, 1.0, 2.0], dtype=x.dtype),  # x's type, as a float32 x keeps
                   [lambda x: np.array([0.0, 1.0, 2 * x[2]]), lambda x: np.array([0.0, 0.0, 2.0]), lambda x: 0 * x],
                   (-2, 2)),
    "2**x": (lambda x: 2 ** x, [lambda x: LN2 * 2 ** x, lambda x: LN2 ** 2 * 2 ** x,
                                lambda x: LN2 ** 3 * 2 ** x], (-2, 2)),
    "0.0**x": (lambda x: 0.0 ** x, [lambda x: 0 * x] * 3, (0, 2)),
    "1/x": (lambda x: 1 / x, [lambda x: -1 / x ** 2, lambda x: 2 / x ** 3, lambda x: -6 / x ** 4], (0.5, 2)),
    "2.0*x - 1": (lambda x: 2.0 * x - 1, [lambda x: 2 + 0 * x, lambda x: 0 * x, lambda x: 0 * x], (-2, 2)),
    "-x": (lambda x: -x, [lambda x: -1 + 0 * x, lambda x: 0 * x, lambda x: 0 * x], (-2, 2)),
    "sin": (F.sin, [np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x)], (-3, 3)),
    "cos": (F.cos, [lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin], (-3, 3)),
    "tanh": (F.tanh, tanh_derivatives(), (-2, 2)),
    "exp": (F.exp, [np.exp] * 3, (-2, 2)),
    "log": (F.log, [lambda x: 1 / x, lambda x: -1 / x ** 2, lambda x: 2 / x ** 3], (0.5, 3)),
    "square": (F.square, [lambda x: 2 * x, lambda x: 2 + 0 * x, lambda x: 0 * x], (-2, 2)),
    "x*sin(x)": (lambda x: x * F.sin(x), [lambda x: np.sin(x) + x * np.cos(x),
                                          lambda x: 2 * np.cos(x) - x * np.sin(x),
                                          lambda x: -3 * np.sin(x) - x * np.cos(x)], (-3, 3)),
    "exp(x)/x": (lambda x: F.exp(x) / x, [lambda x: np.exp(x) * (x - 1) / x ** 2,
                                          lambda x: np.exp(x) * (x ** 2 - 2 * x + 2) / x ** 3,
                                          lambda x: np.exp(x) * (x ** 3 - 3 * x ** 2 + 6 * x - 6) / x ** 4],
                 (0.5, 2)),
}


@st.composite
def points(draw, low, high, shape):
    """Arrays in [low, high] where every element may be exactly 0, 1 or -1 when the range holds it."""
    special = [v for v in (0.0, 1.0, -1.0) if low <= v <= high]
    elements = st.sampled_from(special) | st.floats(low, high, allow_nan=False, allow_infinity=False)
    return draw(arrays(np.float64, shape, elements=elements))


def by_backward(f, data, order):
    x = Variable(data.copy())
    f(x).backward(create_graph=True)
    for _ in range(order - 1):
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)
    return x.grad


def by_grad(f, data, order):
    x = Variable(data.copy())
    g = f(x)
    for _ in range(order):
        g = grad_or_zeros(g, x)
    assert x.grad is None
    return g


def grad_or_zeros(g, x):
    """The derivative of g; zeros where g no longer depends on x (None with allow_unused, as in PyTorch)."""
    got, = grad(g, x, create_graph=True, allow_unused=True)
    return Variable(np.zeros_like(x.data)) if got is None else got


@pytest.mark.parametrize("name", sorted(UNARY))
@SETTINGS
@given(data=st.data())
def test_orders_1_to_3_match_the_closed_forms(name, data):
    f, derivs, (low, high) = UNARY[name]
    shape = (3,) if name == "x**[0,1,2]" else data.draw(st.sampled_from([(), (3,), (2, 3)]))
    dtype = data.draw(st.sampled_from([np.float64, np.float32]))
    x = data.draw(points(low, high, shape)).astype(dtype)
    reference = x.astype(np.float64)
    # float32 carries 7 digits, and three orders of rounding; near-zero results need an absolute floor
    rtol, atol = (1e-12, 1e-12) if dtype == np.float64 else (2e-5, 2e-5)
    with np.errstate(divide="raise", invalid="raise", over="raise"):  # no 0 * inf, no log(0) on the way
        for order in (1, 2, 3):
            expected = np.broadcast_to(derivs[order - 1](reference), shape)
            for way in (by_backward, by_grad):
                got = way(f, x, order)
                assert got.dtype == dtype and got.shape == shape, (way.__name__, order)
                np.testing.assert_allclose(got.data, expected, rtol=rtol, atol=atol * max(1, np.abs(expected).max()),
                                           err_msg=f"{way.__name__}, order {order}")


# f(a, b) and its partial derivatives, for the four arithmetic operators at 0 and ±1
BINARY = {
    "a*b": (lambda a, b: a * b, {"a": lambda a, b: b, "b": lambda a, b: a, "ab": lambda a, b: 1 + 0 * a,
                                 "aa": lambda a, b: 0 * a}),
    "a/b": (lambda a, b: a / b, {"a": lambda a, b: 1 / b, "b": lambda a, b: -a / b ** 2,
                                 "ab": lambda a, b: -1 / b ** 2, "aa": lambda a, b: 0 * a}),
    "a-b": (lambda a, b: a - b, {"a": lambda a, b: 1 + 0 * a, "b": lambda a, b: -1 + 0 * a,
                                 "ab": lambda a, b: 0 * a, "aa": lambda a, b: 0 * a}),
    "a+b*b": (lambda a, b: a + b * b, {"a": lambda a, b: 1 + 0 * a, "b": lambda a, b: 2 * b,
                                       "ab": lambda a, b: 0 * a, "aa": lambda a, b: 0 * a}),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(data=st.data())
def test_partial_derivatives_of_the_operators(name, data):
    f, partials = BINARY[name]
    dtype = data.draw(st.sampled_from([np.float64, np.float32]))
    a = data.draw(points(-2, 2, (3,))).astype(dtype)
    b = data.draw(points(0.5, 2, (3,))).astype(dtype)  # b divides in a/b
    ra, rb = a.astype(np.float64), b.astype(np.float64)
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == np.float64 else dict(rtol=2e-5, atol=2e-5)
    va, vb = Variable(a.copy()), Variable(b.copy())
    ga, gb = grad(f(va, vb), [va, vb], create_graph=True)
    gab, gaa = grad_or_zeros(ga, vb), grad_or_zeros(ga, va)
    for got, key in ((ga, "a"), (gb, "b"), (gab, "ab"), (gaa, "aa")):
        assert got.dtype == dtype, key
        np.testing.assert_allclose(got.data, np.broadcast_to(partials[key](ra, rb), (3,)), err_msg=key, **tol)
