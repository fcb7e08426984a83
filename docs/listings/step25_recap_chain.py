"""Recap (Steps 1-10): Variables, Functions, creators, and backward."""
# --8<-- [start:forward]
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable
from tinypytorch.gradcheck import numerical_grad

x = Variable(np.array(0.5))
a = F.square(x)
b = F.exp(a)
y = F.square(b)
print("y =", y)

# every output remembers its creator, every function its inputs
f = y.creator
g = f.inputs[0].creator
h = g.inputs[0].creator
print(type(f).__name__, "<-", type(g).__name__, "<-", type(h).__name__)
print("f.inputs[0] is b:", f.inputs[0] is b, "| x.creator:", x.creator)
# --8<-- [end:forward]

# --8<-- [start:backward]
y.backward()
print("dy/dx by backward():        ", x.grad)


def chain(v):
    return F.square(F.exp(F.square(v)))


numeric, = numerical_grad(chain, np.array(0.5))
print("dy/dx by central difference:", numeric)
# --8<-- [end:backward]
