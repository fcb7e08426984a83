"""Step 32: derivatives of tanh at x = 1, checked with exact polynomials."""
# --8<-- [start:autograd]
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable

x = Variable(np.array(1.0))
y = F.tanh(x)
y.backward(create_graph=True)

autograd = {1: float(x.grad.data)}
for n in range(2, 9):
    gx = x.grad
    x.cleargrad()
    gx.backward(create_graph=True)
    autograd[n] = float(x.grad.data)
# --8<-- [end:autograd]

# --8<-- [start:polynomials]
from numpy.polynomial import Polynomial

# d^n/dx^n tanh x = P_n(t), t = tanh x:
#   P_0(t) = t,   P_{n+1}(t) = P_n'(t) * (1 - t^2)
t = Polynomial([0, 1])
one_minus_t2 = Polynomial([1, 0, -1])
P = {0: t}
for n in range(1, 9):
    P[n] = P[n - 1].deriv() * one_minus_t2


def show(p):
    """A polynomial with whole coefficients as text: '-2 + 8t^2 - 6t^4'."""
    text = ""
    for k, c in enumerate(np.rint(p.coef).astype(int)):
        if c == 0:
            continue
        power = "" if k == 0 else "t" if k == 1 else f"t^{k}"
        number = str(abs(c)) if abs(c) != 1 or k == 0 else ""
        if text:
            sign = " - " if c < 0 else " + "
        else:
            sign = "-" if c < 0 else ""
        text += sign + number + power
    return text


for n in range(1, 5):
    print(f"P_{n}(t) = {show(P[n])}")
terms = np.count_nonzero(np.rint(P[8].coef))
print(f"P_8 has degree {P[8].degree()} and {terms} terms")
# --8<-- [end:polynomials]

# --8<-- [start:compare]
t1 = np.tanh(1.0)
print(" n      autograd    P_n(tanh 1)   relative difference")
for n in range(1, 9):
    exact = P[n](t1)
    rel = abs(autograd[n] - exact) / abs(exact)
    print(f"{n:2d}  {autograd[n]:12.6f}  {exact:12.6f}   {rel:.0e}")
# --8<-- [end:compare]
