"""Derivatives as functions: `grad`, PyTorch's `torch.autograd.grad` on tinypytorch's backward pass.

`Variable.backward` stores each gradient in `.grad`, as the book does; `grad` runs the same pass
(`tinypytorch.core.backprop`) and returns the gradients instead, leaving every `.grad` as it was. So a
higher derivative needs no `cleargrad()` between the orders, and a function may differentiate without
disturbing its caller's gradients.

Introduced in Step 29.
"""

from __future__ import annotations

import numpy as np

from .core import Constant, Variable, as_gradient, backprop

__all__ = ["grad"]


def _variables(obj, what):
    """`obj`, a Variable or a sequence of them, as a list; a TypeError for anything else."""
    items = list(obj) if isinstance(obj, (list, tuple)) else [obj]
    for i, v in enumerate(items):
        if not isinstance(v, Variable):
            raise TypeError(f"{what} must be a Variable or a list of Variables; item {i} is {type(v).__name__}")
        if v.data is None:
            raise ValueError(f"{what}[{i}] holds no data")
    return items


def _grad_seeds(outputs, grad_outputs):
    """{output: its starting gradient} for `grad`: ones, or the `grad_outputs` entry checked."""
    if not outputs:
        raise ValueError("grad() needs at least one output to differentiate")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad_outputs has {len(grad_outputs)} entries for {len(outputs)} outputs")
    seeds = {}
    for i, (y, g) in enumerate(zip(outputs, grad_outputs)):
        if y in seeds:
            raise ValueError(f"outputs[{i}] is listed twice; list each output once")
        hint = ("grad's third argument is grad_outputs, as in PyTorch: give create_graph by keyword, "
                "e.g. grad(y, x, create_graph=True)")
        seeds[y] = Constant(np.ones_like(y.data)) if g is None else \
            as_gradient(y, g, f"grad_outputs[{i}]", hint)
    return seeds


def grad(outputs, inputs, grad_outputs=None, create_graph: bool = False, allow_unused: bool = False):
    """The gradients of `outputs` with respect to `inputs`, returned rather than stored: no `grad` changes.

    The functional form of `Variable.backward`, as PyTorch's `torch.autograd.grad`. It runs the same pass,
    but leaves every `.grad` as it was, so a higher derivative needs no `cleargrad()` between the orders:
    with `create_graph=True` the gradient is a graph of its own, and `grad` differentiates it again.

    Args:
        outputs: the Variable to differentiate, or a list of them (the gradient is then that of the sum
            of `grad_output * output` over all of them).
        inputs: the Variable to differentiate with respect to, or a list of them.
        grad_outputs: the starting gradient of each output (an ndarray, a number or a Variable of its
            shape, as `backward`'s `gradient`), a list for a list of outputs; None for ones.
        create_graph: record the pass, so that the gradients can be differentiated again.
        allow_unused: give None for an input the outputs do not depend on, instead of raising.

    Returns:
        A tuple with one gradient per input, a `Variable` of its shape (None for an unused input when
        `allow_unused`).

    Raises:
        TypeError: for outputs or inputs that are not Variables, or a bad `grad_outputs` entry.
        ValueError: no outputs, an input the outputs do not depend on (unless `allow_unused`; an output
            computed under `no_grad` has no graph, so no input is used), or a `grad_outputs` entry of the
            wrong shape or count.

    Introduced in Step 29 (the gradient as a graph, differentiated with `create_graph=True`).

    Examples:
        >>> import numpy as np
        >>> from tinypytorch import Variable, grad
        >>> x = Variable(np.array(2.0))
        >>> y = x ** 4 - 2 * x ** 2
        >>> gx, = grad(y, x, create_graph=True)    # f'(x) = 4x³ - 4x
        >>> gx
        variable(24.0)
        >>> ggx, = grad(gx, x)                    # f''(x) = 12x² - 4, with no cleargrad()
        >>> ggx
        variable(44.0)
        >>> x.grad is None
        True
    """
    for name, flag in (("create_graph", create_graph), ("allow_unused", allow_unused)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {flag!r:.40}")
    outputs, inputs = _variables(outputs, "outputs"), _variables(inputs, "inputs")
    seeds = _grad_seeds(outputs, grad_outputs)
    grads = backprop(seeds, create_graph, retain_grad=any(x.creator is not None for x in inputs),
                      given=grad_outputs if isinstance(grad_outputs, (list, tuple)) else (grad_outputs,))
    unused = [i for i, x in enumerate(inputs) if x not in grads]
    if unused and not allow_unused:
        raise ValueError(_unused_message(unused[0], outputs))
    return tuple(grads.get(x) for x in inputs)


def _unused_message(i, outputs):
    unrecorded = [j for j, y in enumerate(outputs) if y.creator is None]
    why = (f"; outputs[{unrecorded[0]}] was computed by no Function (under no_grad()?), so there is no graph "
           f"behind it" if unrecorded else "")
    return (f"inputs[{i}] is not used in the graph of the outputs, so it has no gradient{why}. As in PyTorch, "
            f"pass allow_unused=True to get None for such an input")
