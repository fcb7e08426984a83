"""The book's import path for the helpers: `from dezero.utils import plot_dot_graph` becomes
`from tinypytorch.utils import plot_dot_graph`, so the book's Part 3 scripts run by changing only the import.

Nothing is defined here; each name lives in the module of its idea (graph, render, gradcheck, core).

Introduced in Step 25 (the book draws graphs through `dezero.utils`).
"""

from .core import sum_to
from .gradcheck import gradient_check, numerical_grad
from .graph import get_dot_graph
from .render import plot_dot_graph

__all__ = ["get_dot_graph", "plot_dot_graph", "numerical_grad", "gradient_check", "sum_to"]
