"""Step 34: intermediate gradients are dropped unless retain_grad=True."""
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

for retain in (False, True):
    x = Variable(np.array(2.0))
    a = F.square(x)
    b, c = F.square(a), F.square(a)
    y = b + c
    y.backward(retain_grad=retain)
    print(f"retain_grad={retain}:")
    print(f"    x.grad={x.grad}  a.grad={a.grad}  b.grad={b.grad}"
          f"  y.grad={y.grad}")
