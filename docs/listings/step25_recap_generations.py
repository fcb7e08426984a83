"""Recap (Steps 14-16): a variable used twice, and generations."""
# --8<-- [start:twice]
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

x = Variable(np.array(3.0))
y = x + x            # x reaches y along two paths: the gradients add up
y.backward()
print("y = x + x:      x.grad =", x.grad)

x.cleargrad()        # forget the old gradient before the next backward
y = x + x + x
y.backward()
print("y = x + x + x:  x.grad =", x.grad, "(after cleargrad)")
# --8<-- [end:twice]

# --8<-- [start:diamond]
x = Variable(np.array(2.0), name="x")
a = F.square(x)
b, c = F.square(a), F.square(a)
y = b + c
print("y =", y)
for name, v in [("x", x), ("a", a), ("b", b), ("c", c), ("y", y)]:
    f = v.creator
    made_by = f"{type(f).__name__} (gen {f.generation})" if f else "-"
    print(f"{name}: generation {v.generation}, creator: {made_by}")

y.backward()
print("dy/dx =", x.grad, " (by hand: y = 2 x^4, dy/dx = 8 x^3 = 64)")
# --8<-- [end:diamond]
