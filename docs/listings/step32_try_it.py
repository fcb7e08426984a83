"""Step 32, try it: the first three derivatives of tanh at x = 0."""
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

x = Variable(np.array(0.0))
y = F.tanh(x)
y.backward(create_graph=True)
print(f"order 1: {float(x.grad.data):.6f}")
for n in (2, 3):
    gx = x.grad
    x.cleargrad()
    gx.backward(create_graph=True)
    value = float(x.grad.data) + 0.0   # + 0.0 turns -0.0 into 0.0
    print(f"order {n}: {value:.6f}")
