"""Step 27: how big a step for a finite difference? The error of f'(2) against h."""
import numpy as np

from tinypytorch.gradcheck import numerical_grad


def f(x):
    return x ** 4 - 2 * x ** 2


x0, exact = 2.0, 24.0                      # f'(x) = 4x^3 - 4x
steps = 10.0 ** -np.arange(1, 13.01, 0.25)  # h = 1e-1 ... 1e-13
forward = [abs((f(x0 + h) - f(x0)) / h - exact) for h in steps]
central = [abs(float(numerical_grad(f, np.array(x0), eps=h)[0]) - exact) for h in steps]

print("     h     forward error   central error")
for h, e1, e2 in zip(steps, forward, central):
    if abs(np.log10(h) - round(np.log10(h))) < 1e-9 and round(np.log10(h)) % 2 == 0:
        print(f"{h:8.0e}   {e1:13.2e}   {e2:13.2e}")

eps = np.finfo(float).eps                   # 2.22e-16, the spacing of floats near 1
for name, errors, rule in (("forward", forward, eps ** 0.5),
                           ("central", central, eps ** (1 / 3))):
    best = int(np.argmin(errors))
    print(f"{name}: best h = {steps[best]:.0e} (error {errors[best]:.1e});"
          f" rule of thumb h = {rule:.1e}")

x32 = np.float32(x0)                        # the same rule in float32: eps = 1.2e-7
h32 = np.float32(np.finfo(np.float32).eps ** (1 / 3) * x0)
estimate = (f(x32 + h32) - f(x32 - h32)) / (2 * h32)
relative = abs(float(estimate) - exact) / exact
print(f"float32 central: h = {h32:.1e}, relative error {relative:.1e}")
