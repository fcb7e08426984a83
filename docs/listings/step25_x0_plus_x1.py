"""Step 25: the DOT text of y = x0 + x1, from get_dot_graph."""
import numpy as np

from tinypytorch import Variable, get_dot_graph

x0 = Variable(np.array(1.0))
x1 = Variable(np.array(1.0))
y = x0 + x1
x0.name = "x0"
x1.name = "x1"
y.name = "y"

txt = get_dot_graph(y, verbose=False)
print(txt, end="")
