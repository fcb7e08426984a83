"""Step 31: the n-th derivative of sin on [-7, 7], checked against numpy."""
# --8<-- [start:loop]
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

x = Variable(np.linspace(-7, 7, 201))
y = F.sin(x)                    # 201 values at once: sin is elementwise
y.backward(create_graph=True)   # x.grad = cos(x), and it has a graph

derivs = [y.data, x.grad.data]  # derivs[n] is the n-th derivative
for n in range(2, 9):
    gx = x.grad                     # the (n-1)-th derivative
    x.cleargrad()                   # or the n-th is added to it
    gx.backward(create_graph=True)  # x.grad: the n-th derivative
    derivs.append(x.grad.data)
# --8<-- [end:loop]

# --8<-- [start:check]
# sin -> cos -> -sin -> -cos -> sin: period 4
cycle = [np.sin, np.cos, lambda t: -np.sin(t), lambda t: -np.cos(t)]
names = ["sin x", "cos x", "-sin x", "-cos x"]
print(" n   closed form   max |autograd - numpy|")
for n, d in enumerate(derivs):
    err = np.max(np.abs(d - cycle[n % 4](x.data)))
    print(f"{n:2d}   {names[n % 4]:<11}   {err:.1e}")
# --8<-- [end:check]
