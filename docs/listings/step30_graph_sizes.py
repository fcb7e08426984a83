"""Step 30: recording the second backward too, and the size of each graph."""
import numpy as np

from tinypytorch import Variable
from tinypytorch.graph import graph_stats

x = Variable(np.array(2.0), name="x")
y = x ** 4 - 2 * x ** 2
y.backward(create_graph=True)
gx = x.grad                       # f'(x)
x.cleargrad()
gx.backward(create_graph=True)    # record this pass as well
gx2 = x.grad                      # f''(x), now with a graph behind it

for name, v in (("f  ", y), ("f' ", gx), ("f''", gx2)):
    s = graph_stats(v)
    print(f"{name} = {float(v.data):4.0f}   {s.n_functions:2d} functions, "
          f"{s.n_backward_functions:2d} recorded by backward")
