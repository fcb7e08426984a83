"""Differences: DeZero 0.0.13 itself on numpy >= 1.24, which removed np.int."""
import numpy as np

# removed in numpy 1.24; DeZero reads it while `import dezero` runs
if "int" not in np.__dict__:
    np.int = int

import dezero
import dezero.functions as F
from dezero import Variable

print("numpy", np.__version__, "/ dezero", dezero.__version__)
x = Variable(np.array(1.0))
y = F.tanh(x)
y.backward(create_graph=True)
gx = x.grad
x.cleargrad()
gx.backward()
print("second derivative of tanh at 1:", x.grad)
