"""Recap (Steps 17-18): weak references, retain_grad, and no_grad."""
# --8<-- [start:weakref]
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable, no_grad, using_config

x = Variable(np.array(2.0))
y = F.square(x)
f = y.creator
print("f.outputs[0]() is y:", f.outputs[0]() is y)  # call the weakref
del y                                  # nothing else holds the output,
print("after del y:", f.outputs[0]())  # so it is gone: no cycle
# --8<-- [end:weakref]

# --8<-- [start:retain]
x = Variable(np.array(2.0))
a = F.square(x)
y = F.square(a)
y.backward()
print("default:          a.grad =", a.grad, " x.grad =", x.grad)

x.cleargrad()
a = F.square(x)
y = F.square(a)
y.backward(retain_grad=True)
print("retain_grad=True: a.grad =", a.grad, " x.grad =", x.grad)
# --8<-- [end:retain]

# --8<-- [start:nograd]
with no_grad():
    y = F.square(Variable(np.ones(3)))
print("in no_grad():                y.creator =", y.creator)

with using_config("enable_backprop", False):
    y = F.square(Variable(np.ones(3)))
print("in using_config(..., False): y.creator =", y.creator)

y = F.square(Variable(np.ones(3)))
print("outside:                     y.creator =", type(y.creator).__name__)
# --8<-- [end:nograd]
