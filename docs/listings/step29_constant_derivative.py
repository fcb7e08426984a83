"""Step 29: the derivative of a constant reads 0, not None."""
# --8<-- [start:zero]
import numpy as np

from tinypytorch import Variable

x = Variable(np.array(2.0))
y = 3 * x
y.backward(create_graph=True)
gx = x.grad         # dy/dx = 3: a constant, its graph never reaches x
print("dy/dx   =", gx)

x.cleargrad()
gx.backward()       # no path from gx back to x: nothing flows into x
print("d2y/dx2 =", x.grad)
# --8<-- [end:zero]
