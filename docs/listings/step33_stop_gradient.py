"""Step 33: stopping the gradient: a generated sample as plain data for the critic."""
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

z = np.array(1.5)                    # the generator's random input


def critic(x, w):
    return F.tanh(w * x)


for stop in (False, True):
    phi = Variable(np.array(0.8))    # the generator's parameter
    w = Variable(np.array(0.5))      # the critic's parameter
    fake = phi * z                   # G(z): its graph reaches phi
    if stop:
        fake = Variable(fake.data)   # the same numbers, no creator: a leaf
    critic(fake, w).backward()
    print(f"stop={stop!s:5}: dD/dw = {float(w.grad.data):.6f}, phi.grad = {phi.grad}")
