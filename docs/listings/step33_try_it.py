"""Step 33, try it: z = (dy/dx)^2 with y = x^3, at x = 1."""
import numpy as np

from tinypytorch import Variable

x = Variable(np.array(1.0))
y = x ** 3
y.backward(create_graph=True)
z = x.grad ** 2
x.cleargrad()
z.backward()
print("dz/dx =", x.grad)
