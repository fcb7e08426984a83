"""Step 32: tanh and its first derivative at x = 1, two ways."""
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

x = Variable(np.array(1.0))
y = F.tanh(x)
y.backward()

print(f"tanh(1)          = {float(y.data):.6f}")
print(f"autograd  dy/dx  = {float(x.grad.data):.6f}")
print(f"1 - tanh(1)**2   = {1 - np.tanh(1.0) ** 2:.6f}")
