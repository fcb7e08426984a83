"""Step 32: the graph of the first derivative of tanh, as DOT text."""
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable
from tinypytorch.graph import get_dot_graph

x = Variable(np.array(1.0), name="x")
y = F.tanh(x)
y.name = "y"
y.backward(create_graph=True)

gx = x.grad
gx.name = "gx"
print(get_dot_graph(gx, verbose=False))
