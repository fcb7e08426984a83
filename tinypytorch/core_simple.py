"""A compatibility module for the book's scripts of its steps 28 and 29, which start with

    import dezero
    if not dezero.is_simple_core:
        from dezero.core_simple import Variable
        from dezero.core_simple import setup_variable
        setup_variable()

In DeZero, `core_simple` is the book's Part 2 core, where gradients are plain arrays. TinyPytorch has one
core, the one of Part 3 (`tinypytorch.is_simple_core` is False, as DeZero's is), and the two scripts need
nothing from a second one: their update `x.data -= lr * x.grad` works with gradients that are Variables
([Step 26](../steps/step26.md)). So this module hands them the one core's `Variable` (and `Function`), and
`setup_variable` has nothing left to do: TinyPytorch's operators are installed when the package is imported.

Not for new code: import from `tinypytorch` itself. Introduced in Step 26 (the book's steps 28 and 29 import it).
"""

from .core import Function, Variable

__all__ = ["Function", "Variable", "setup_variable"]


def setup_variable() -> None:
    """Does nothing: the book's Part 2 core installs its operators here; TinyPytorch's are there at import."""
