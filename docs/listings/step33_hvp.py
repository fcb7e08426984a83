"""Step 33: a Hessian-vector product by double backprop, without H."""
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

a = Variable(np.array(1.5))
b = Variable(np.array(-0.5))
f = a ** 2 * b + F.sin(b)
f.backward(create_graph=True)
ga, gb = a.grad, b.grad            # the gradient, with its graph

v = (1.0, 0.0)                     # the direction
gv = ga * v[0] + gb * v[1]         # <grad f, v>, a scalar
a.cleargrad()
b.cleargrad()
gv.backward()                      # its gradient is H v
print("H v =", (float(a.grad.data), float(b.grad.data)))
