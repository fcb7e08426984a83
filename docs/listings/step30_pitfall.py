"""Step 30: without cleargrad, the second backward adds f'' onto f'."""
# --8<-- [start:wrong]
import numpy as np

from tinypytorch import Variable


def f(x):
    return x ** 4 - 2 * x ** 2


x = Variable(np.array(2.0))
y = f(x)
y.backward(create_graph=True)
gx = x.grad
gx.backward()                         # forgot x.cleargrad()
print("without cleargrad:", x.grad)   # f'(2) + f''(2)
# --8<-- [end:wrong]

# --8<-- [start:right]
x = Variable(np.array(2.0))
y = f(x)
y.backward(create_graph=True)
gx = x.grad
x.cleargrad()
gx.backward()
print("with cleargrad   :", x.grad)   # f''(2)
# --8<-- [end:right]

# --8<-- [start:loop]
x = Variable(np.array(2.0))
for i in range(6):
    print(i, x)
    y = f(x)
    y.backward(create_graph=True)     # forgot x.cleargrad() before this one
    gx = x.grad                       # = last f'' + this f'
    x.cleargrad()
    gx.backward()
    gx2 = x.grad
    x.data = x.data - gx.data / gx2.data
# --8<-- [end:loop]
