"""PyTorch twin of docs/listings/step29_constant_derivative.py: the second derivative of 3x."""
import torch

x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
y = 3 * x
gx, = torch.autograd.grad(y, x, create_graph=True)
print("dy/dx   =", gx.item())
# PyTorch sees that dy/dx does not depend on x: nothing to differentiate
print("pytorch: gx.requires_grad =", gx.requires_grad)
try:
    torch.autograd.grad(gx, x)
except RuntimeError as err:
    print("pytorch: autograd.grad(gx, x) raises RuntimeError:", err)

# torch.func differentiates functions, not recorded graphs: 0
d2y = torch.func.grad(torch.func.grad(lambda t: 3 * t))
print("d2y/dx2 =", d2y(torch.tensor(2.0, dtype=torch.float64)).item())
