"""Step 34: a graph is freed as soon as its output is dropped."""
# --8<-- [start:tinypytorch]
import gc
import weakref

import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

gc.disable()            # from here on, only reference counting frees
x = Variable(np.array(2.0))
a = F.square(x)
y = F.exp(a)
probes = {"a": weakref.ref(a), "Square": weakref.ref(a.creator),
          "y": weakref.ref(y), "Exp": weakref.ref(y.creator)}


def alive():
    return {name: p() is not None for name, p in probes.items()}


del a                   # y -> Exp -> a still holds it
print("after del a:", alive())
del y                   # the last reference to the output
print("after del y:", alive())
gc.enable()
# --8<-- [end:tinypytorch]

# --8<-- [start:strong]
class Node:             # a Function that holds its outputs strongly
    def __init__(self, inputs):
        self.inputs, self.outputs = inputs, []


class Value:            # a Variable that knows its creator
    def __init__(self, creator=None):
        self.creator = creator


def apply(*inputs):
    f = Node(list(inputs))
    y = Value(f)
    f.outputs.append(y)  # y -> f -> y: a reference cycle
    return y


gc.disable()
y = apply(apply(Value()))
probe = weakref.ref(y)
del y
print("strong outputs, after del y:        alive =", probe() is not None)
gc.collect()            # the cycle detector finds the unreachable cycle
print("strong outputs, after gc.collect(): alive =", probe() is not None)
gc.enable()
# --8<-- [end:strong]
