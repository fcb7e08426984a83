"""TinyPytorch: a small numpy autograd framework, at the state it reaches at the end of Part 3 (Steps 25–34).

The public face only: every name here is defined in a module of its own. Importing the package attaches
the arithmetic operators to `Variable` (`tinypytorch.ops`, the book's `setup_variable`).
`import tinypytorch.functions as F` for sin, cos, tanh, exp, log and square.
"""

from . import ops  # noqa: F401  (attaches the operators to Variable)
from .config import Config, no_grad, using_config
from .autograd import grad
from .core import Constant, Function, Variable, as_array, as_variable

__all__ = ["Config", "Constant", "Function", "Variable", "as_array", "as_variable", "grad", "no_grad",
           "using_config", "get_dot_graph", "plot_dot_graph"]
__version__ = "0.3.0"
is_simple_core = False  # the book's flag: one core here (`tinypytorch.core_simple` is its compatibility module)


def __getattr__(name):
    # the graph and render modules import nothing heavy at load, but are only loaded when first asked for
    if name == "get_dot_graph":
        from . import graph
        return graph.get_dot_graph
    if name == "plot_dot_graph":
        from . import render
        return render.plot_dot_graph
    raise AttributeError(f"module 'tinypytorch' has no attribute {name!r}")
