"""PyTorch twin of docs/listings/step33_double_backprop.py:
z = (dy/dx)^3 + y with y = x^2, at x = 2."""
import torch

x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
y = x ** 2
gx, = torch.autograd.grad(y, x, create_graph=True)   # 2x, as a graph
print("dy/dx =", gx.item())

z = gx ** 3 + y                # an expression that uses a gradient
z.backward()                   # x.grad was never written: no cleargrad
print("dz/dx =", x.grad.item())
