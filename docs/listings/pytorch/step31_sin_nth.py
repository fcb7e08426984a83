"""PyTorch twin of docs/listings/step31_sin_nth.py: the n-th derivative of sin on [-7, 7]."""
import numpy as np
import torch

x = torch.linspace(-7, 7, 201, dtype=torch.float64, requires_grad=True)
y = torch.sin(x)
# y has 201 elements: PyTorch wants a scalar (or an explicit seed), so
# differentiate the sum, as TinyPytorch's ones seed does implicitly
gx, = torch.autograd.grad(y.sum(), x, create_graph=True)

derivs = [y.detach().numpy(), gx.detach().numpy()]
for n in range(2, 9):
    gx, = torch.autograd.grad(gx.sum(), x, create_graph=True)
    derivs.append(gx.detach().numpy())

# sin -> cos -> -sin -> -cos -> sin: period 4
t = x.detach().numpy()
cycle = [np.sin, np.cos, lambda t: -np.sin(t), lambda t: -np.cos(t)]
names = ["sin x", "cos x", "-sin x", "-cos x"]
print(" n   closed form   max |autograd - numpy|")
for n, d in enumerate(derivs):
    err = np.max(np.abs(d - cycle[n % 4](t)))
    print(f"{n:2d}   {names[n % 4]:<11}   {err:.1e}")
