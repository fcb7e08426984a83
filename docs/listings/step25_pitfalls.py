"""Step 25, pitfalls: the file name decides the format."""
import textwrap

import numpy as np

from tinypytorch import Variable, plot_dot_graph

x = Variable(np.array(1.0), name="x")
y = x * x
y.name = "y"
for to_file in ("graph", "graph.gif"):
    try:
        plot_dot_graph(y, to_file=to_file)
    except ValueError as error:
        print(textwrap.fill(f"ValueError: {error}", 76,
                            subsequent_indent="    "))
