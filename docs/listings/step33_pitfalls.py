"""Step 33: the same computation with one line missing, twice."""
# --8<-- [start:no_cleargrad]
import numpy as np

from tinypytorch import Variable

x = Variable(np.array(2.0))
y = x ** 2
y.backward(create_graph=True)
z = x.grad ** 3 + y
z.backward()           # no x.cleargrad(): dy/dx = 4 is still in x.grad
print("without cleargrad:   ", x.grad)
# --8<-- [end:no_cleargrad]

# --8<-- [start:no_create_graph]
x = Variable(np.array(2.0))
y = x ** 2
y.backward()           # no create_graph=True: x.grad is a bare 4
z = x.grad ** 3 + y
x.cleargrad()
z.backward()           # only the "+ y" path leads back to x
print("without create_graph:", x.grad)
# --8<-- [end:no_create_graph]
