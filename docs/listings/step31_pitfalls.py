"""Step 31: three mistakes, and what each one prints."""
# --8<-- [start:no_create_graph]
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

right = -np.sin(1.0)  # the second derivative of sin at x = 1

x = Variable(np.array(1.0))
y = F.sin(x)
y.backward()                    # no create_graph=True: x.grad is bare
gx = x.grad
print("x.grad.creator:", gx.creator)
x.cleargrad()
gx.backward(create_graph=True)  # nothing to walk back through
print(f"without create_graph: {float(x.grad.data):+.6f}"
      f"  (right: {right:+.6f})")
# --8<-- [end:no_create_graph]

# --8<-- [start:numpy_sin]
x = Variable(np.array(1.0))
try:
    np.sin(x)                   # numpy's sin is for arrays
except TypeError as err:
    print("TypeError:", err)
# --8<-- [end:numpy_sin]
