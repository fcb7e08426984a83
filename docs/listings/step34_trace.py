"""Step 34: watch backward run on the diamond, in generation order and with a plain stack."""
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable
from tinypytorch.trace import BackwardTrace

runs = {}
for order in ("generation", "stack"):
    x = Variable(np.array(2.0))
    a = F.square(x)
    y = F.square(a) + F.square(a)
    with BackwardTrace(order=order) as trace:   # records the pass as backward runs it
        y.backward()
    runs[order] = y, trace
    print(f"{order}:")
    for step in trace.steps:
        print("   ", step)
    print("    dy/dx =", x.grad)
