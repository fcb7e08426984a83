"""Step 29: backward adds into x.grad; cleargrad starts again from zero."""
import numpy as np

from tinypytorch import Variable

x = Variable(np.array(2.0))
y = x ** 4 - 2 * x ** 2

y.backward()
print("after one backward :", x.grad)
y.backward()
print("after two backwards:", x.grad)
x.cleargrad()
print("after cleargrad    :", x.grad)
y.backward()
print("after one more     :", x.grad)
