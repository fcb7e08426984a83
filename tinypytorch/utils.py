"""The book's import path for the helpers: `from dezero.utils import plot_dot_graph` becomes
`from tinypytorch.utils import plot_dot_graph`.

With it, the book's scripts for its steps 26, 27, 33, 34, 35 and 36 run with only `dezero` changed to
`tinypytorch`. Its steps 28 and 29 also need the five lines under `# import dezero's simple_core
explicitly` deleted: they switch to `dezero.core_simple`, the book's Part 2 core, which has no counterpart
here (and the rest of those scripts runs as is). Its steps 25 and 30–32 have no script.
`tests/chapters/test_book_scripts.py` runs exactly this list.

Nothing is defined here; each name lives in the module of its idea (graph, render, gradcheck, core).

Introduced in Step 25 (the book draws graphs through `dezero.utils`).
"""

from .core import sum_to
from .gradcheck import gradient_check, numerical_grad
from .graph import get_dot_graph
from .render import plot_dot_graph

__all__ = ["get_dot_graph", "plot_dot_graph", "numerical_grad", "gradient_check", "sum_to"]
