"""The book's import path for the helpers: `from dezero.utils import plot_dot_graph` becomes
`from tinypytorch.utils import plot_dot_graph`.

With it, all twelve of the book's Part 3 scripts (its steps 25–36) run with only `dezero` changed to
`tinypytorch`. Its steps 28 and 29 ask for the book's Part 2 core (`if not dezero.is_simple_core: from
dezero.core_simple import ...`); `tinypytorch.core_simple` is a compatibility module that hands them the
one core's names. Its steps 25 and 30–32 have no script. `tests/chapters/test_book_scripts.py` runs all
twelve.

Nothing is defined here; each name lives in the module of its idea (graph, render, gradcheck, core).

Introduced in Step 25 (the book draws graphs through `dezero.utils`).
"""

from .core import sum_to
from .gradcheck import gradient_check, numerical_grad
from .graph import get_dot_graph
from .render import plot_dot_graph

__all__ = ["get_dot_graph", "plot_dot_graph", "numerical_grad", "gradient_check", "sum_to"]
