"""Derivatives of several orders the book's way, for the tests of operators and functions."""

import numpy as np

from tinypytorch import Variable


def derivatives(f, x, order):
    """[f'(x), ..., f^(order)(x)] as arrays, by backward(create_graph=True) and cleargrad(), the book's way."""
    x = Variable(np.asarray(x, dtype=float))
    f(x).backward(create_graph=True)
    out = [x.grad.data.copy()]
    for _ in range(order - 1):
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)
        out.append(x.grad.data.copy())
    return out
