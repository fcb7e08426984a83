"""Step 29: a gradient is a Variable; by default it has no creator."""
import numpy as np

from tinypytorch import Variable

x = Variable(np.array(2.0), name="x")
y = x ** 4 - 2 * x ** 2
y.backward()                      # create_graph=False, the default

print("x.grad         =", x.grad)
print("type(x.grad)   =", type(x.grad).__name__)
print("x.grad.creator =", x.grad.creator)
