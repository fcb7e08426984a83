"""Step 33: z = (dy/dx)^3 + y with y = x^2, differentiated at x = 2."""
import numpy as np

from tinypytorch import Variable
from tinypytorch.graph import graph_stats

x = Variable(np.array(2.0), name="x")
y = x ** 2
y.name = "y"
y.backward(create_graph=True)  # x.grad = 2x, as a graph that uses x
gx = x.grad
gx.name = "gx"
print("dy/dx =", gx)

z = gx ** 3 + y                # an expression that uses a gradient
z.name = "z"
x.cleargrad()                  # or dz/dx is added to dy/dx
z.backward()
print("dz/dx =", x.grad)

s = graph_stats(z)
print(f"graph of z: {s.n_functions} functions,"
      f" {s.n_backward_functions} of them recorded by y.backward()")
