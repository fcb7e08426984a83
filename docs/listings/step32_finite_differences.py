"""Step 32: finite differences for high-order derivatives of tanh."""
# --8<-- [start:differences]
import math

import numpy as np
from numpy.polynomial import Polynomial


def central_difference(f, x, n, h):
    """The n-th central difference of f at x, divided by h^n."""
    total = sum((-1) ** k * math.comb(n, k) * f(x + (n / 2 - k) * h)
                for k in range(n + 1))
    return total / h ** n


# the exact values: P_n(tanh 1), as in step32_tanh_nth.py
P = [Polynomial([0, 1])]
for n in range(1, 9):
    P.append(P[-1].deriv() * Polynomial([1, 0, -1]))
exact = {n: P[n](np.tanh(1.0)) for n in range(1, 9)}

print("relative error of the n-th central difference at x = 1")
print("h      " + "  ".join(f"n={n}  " for n in range(1, 9)))
for h in (1e-1, 1e-2, 1e-3):
    errors = [abs(central_difference(np.tanh, 1.0, n, h) - exact[n])
              / abs(exact[n]) for n in range(1, 9)]
    print(f"{h:<6g} " + "  ".join(f"{e:.0e}" for e in errors))
# --8<-- [end:differences]

# --8<-- [start:gradcheck]
import tinypytorch.functions as F
from tinypytorch.gradcheck import gradient_check

# one order at a time: a first difference of the analytic (k-1)-th
# derivative, for k = 1..8
print("gradient_check(F.tanh, order=8):",
      gradient_check(F.tanh, np.array(1.0), order=8))
# --8<-- [end:gradcheck]
