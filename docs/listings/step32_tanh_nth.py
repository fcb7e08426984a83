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
from fractions import Fraction
from math import factorial

# tanh 1 = (e^2 - 1) / (e^2 + 1), with e = 1/0! + 1/1! + ... + 1/29!:
# a fraction within 1e-32 of tanh 1, so every digit below is exact
e = sum(Fraction(1, factorial(k)) for k in range(30))
tanh1 = (e * e - 1) / (e * e + 1)


def exact(n, t=tanh1):
    """P_n(t) in rational arithmetic: the coefficients are whole numbers."""
    coefs = np.rint(P[n].coef).astype(int)
    return sum(int(c) * t ** k for k, c in enumerate(coefs))


def rel_error(value, n):
    return float(abs(Fraction(value) - exact(n)) / abs(exact(n)))


def ulps(value, n):
    """The error in units in the last place of the exact value."""
    gap = np.spacing(abs(float(exact(n))))
    return float(abs(Fraction(value) - exact(n))) / gap


t1 = np.tanh(1.0)
print(" n      exact value   autograd error      float64 P_n error")
for n in range(1, 9):
    a, p = autograd[n], P[n](t1)
    print(f"{n:2d}  {float(exact(n)):13.8f}   {rel_error(a, n):.1e} {ulps(a, n):5.1f} ulp"
          f"   {rel_error(p, n):.1e} {ulps(p, n):6.1f} ulp")

print(f"P_7(t) = {show(P[7])}")
terms = np.rint(P[7].coef) * t1 ** np.arange(P[7].degree() + 1)
print(f"its terms at tanh 1: the largest {abs(terms).max():.0f}, "
      f"their sizes add up to {abs(terms).sum() / abs(terms.sum()):.0f} times the value")
print(f"np.tanh(1.0) - tanh 1 = {float(Fraction(t1) - tanh1):.1e}")
at_t1 = exact(7, Fraction(t1))  # P_7 at the float t1, exactly
print(f"exact P_7 at np.tanh(1.0): error {rel_error(at_t1, 7):.1e}")
# --8<-- [end:compare]
