"""Step 31: the Jacobian of a function that mixes elements, one backward per output."""
import numpy as np

from tinypytorch import Variable, grad
from tinypytorch.utils import sum_to

x = Variable(np.array([1.0, 2.0, 3.0]))
y = x * sum_to(x, ())              # y_i = x_i * (x_0 + x_1 + x_2)

ones, = grad(y, x)                 # starting from ones: the gradient of sum(y)
print("from ones:", ones.data)

rows = [grad(y, x, grad_outputs=e)[0].data for e in np.eye(3)]   # start from e_i: row i
print("Jacobian, one row per backward pass:")
print(np.array(rows))
