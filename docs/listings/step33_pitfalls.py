"""Step 33: the double backprop of section 3 without create_graph=True."""
# --8<-- [start:no_create_graph]
import numpy as np

from tinypytorch import Variable

x = Variable(np.array(2.0))
y = x ** 2
y.backward()           # no create_graph=True: x.grad is a bare 4
z = x.grad ** 3 + y
x.cleargrad()
z.backward()           # only the "+ y" path leads back to x
print("without create_graph:", x.grad)
# --8<-- [end:no_create_graph]
