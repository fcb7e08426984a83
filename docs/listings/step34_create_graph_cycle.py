"""Step 34: with create_graph=True, x.grad's graph refers back to x."""
# --8<-- [start:path]
import gc
import weakref

import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

x = Variable(np.array(1.0), name="x")
F.sin(x).backward(create_graph=True)
mul = x.grad.creator                  # x.grad = 1 * cos(x)
cos_x = [v for v in mul.inputs if v.creator is not None][0]
print("x.grad.creator:         ", type(mul).__name__)
print("  its input's creator:  ", type(cos_x.creator).__name__)
print("  whose input is x:     ", cos_x.creator.inputs[0] is x)
# --8<-- [end:path]

# --8<-- [start:table]
def freed(create_graph, clear):
    """Is x freed at `del`, by reference counting alone? And after
    gc.collect()?"""
    gc.disable()
    try:
        x = Variable(np.array(1.0))
        y = F.sin(x)
        y.backward(create_graph=create_graph)
        probe = weakref.ref(x)
        if clear:
            x.cleargrad()          # x lets go of its gradient
        del x, y
        at_del = probe() is None
        gc.collect()               # what the cycle detector does later
        return at_del, probe() is None
    finally:
        gc.enable()


print("create_graph  cleargrad   freed at del   after gc.collect()")
for create_graph, clear in ((False, False), (True, False), (True, True)):
    at_del, after_gc = freed(create_graph, clear)
    print(f"{create_graph!s:<12}  {clear!s:<10}  {at_del!s:<13}"
          f"  {after_gc}")
# --8<-- [end:table]
