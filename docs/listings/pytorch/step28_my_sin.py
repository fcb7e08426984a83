"""PyTorch twin of docs/listings/step28_my_sin.py:
sin from its Maclaurin series, against torch.sin."""
import math

import torch


def my_sin(x, threshold=1e-4):
    """The same loop: a Python `if` decides when to stop, define-by-run."""
    y = 0
    for i in range(100000):
        c = (-1) ** i / math.factorial(2 * i + 1)
        t = c * x ** (2 * i + 1)
        y = y + t
        if abs(t.item()) < threshold:
            break
    return y


x = torch.tensor(math.pi / 4, dtype=torch.float64, requires_grad=True)
y = my_sin(x)
y.backward()
print("my_sin(pi/4) =", y.item())
print("  gradient   =", x.grad.item())
value, grad = y.item(), x.grad.item()

x = torch.tensor(math.pi / 4, dtype=torch.float64, requires_grad=True)
z = torch.sin(x)
z.backward()
print("torch.sin(pi/4) =", z.item())
print("  gradient   =", x.grad.item())

print(f"error of the value   : {abs(value - z.item()):.2e}")
print(f"error of the gradient: {abs(grad - x.grad.item()):.2e}")
