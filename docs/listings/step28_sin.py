"""Step 28: sin as one node of the graph (F.sin), at pi/4."""
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

x = Variable(np.array(np.pi / 4))
y = F.sin(x)
y.backward()

print("F.sin(pi/4)        =", float(y.data))
print("dy/dx = x.grad     =", float(x.grad.data))
print("cos(pi/4) (numpy)  =", float(np.cos(np.pi / 4)))
print("y.creator          =", type(y.creator).__name__)
