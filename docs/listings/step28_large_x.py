"""Step 28: far from 0, huge terms cancel and float64 loses the answer."""
import math

import numpy as np

from tinypytorch import Variable


def my_sin(x, threshold=1e-4):
    y = 0
    for i in range(100000):
        c = (-1) ** i / math.factorial(2 * i + 1)
        t = c * x ** (2 * i + 1)
        y = y + t
        if abs(t.data) < threshold:
            break
    return y


# --8<-- [start:table]
print("   x   my_sin(x, 1e-16)     np.sin(x)   largest term")
for x0 in (1.0, 10.0, 20.0, 40.0):
    y = my_sin(Variable(np.array(x0)), threshold=1e-16)
    largest = max(x0 ** (2 * i + 1) / math.factorial(2 * i + 1)
                  for i in range(60))
    print(f"{x0:4.0f}   {float(y.data):16.10f}  {np.sin(x0):13.10f}  "
          f"{largest:12.3e}")
# --8<-- [end:table]
