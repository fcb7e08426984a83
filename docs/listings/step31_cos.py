"""Step 31: F.cos and its derivative at x = pi/3."""
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

x = Variable(np.array(np.pi / 3))
y = F.cos(x)
y.backward()

print(f"cos(pi/3)          = {float(y.data):.6f}")
print(f"d/dx cos x at pi/3 = {float(x.grad.data):.6f}")
print(f"-sin(pi/3) (numpy) = {-np.sin(np.pi / 3):.6f}")
