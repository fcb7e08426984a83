"""Step 34, try it: which gradients with create_graph=True keep x alive?"""
import gc
import weakref

import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable


def freed_at_del(f):
    """Is x freed by reference counting alone after
    f(x).backward(create_graph=True)?"""
    gc.disable()
    try:
        x = Variable(np.array(1.0))
        f(x).backward(create_graph=True)
        probe = weakref.ref(x)
        del x
        return probe() is None
    finally:
        gc.collect()
        gc.enable()


for name, f in [("F.sin(x)", F.sin), ("3 * x", lambda x: 3 * x),
                ("F.exp(x)", F.exp)]:
    print(f"{name:<9} freed at del: {freed_at_del(f)}")
