"""PyTorch twin of docs/listings/step33_hvp.py:
a Hessian-vector product, and the Hessian itself."""
import torch


def f(a, b):
    return a ** 2 * b + torch.sin(b)


# By double backprop, as in the chapter
a = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
b = torch.tensor(-0.5, dtype=torch.float64, requires_grad=True)
ga, gb = torch.autograd.grad(f(a, b), (a, b), create_graph=True)
v = (1.0, 0.0)                     # the direction
gv = ga * v[0] + gb * v[1]         # <grad f, v>, a scalar
print("H v =", tuple(g.item() for g in torch.autograd.grad(gv, (a, b))))

# Ready-made: torch.autograd.functional.hvp, and torch.func.hessian
point = (torch.tensor(1.5, dtype=torch.float64), torch.tensor(-0.5, dtype=torch.float64))
direction = (torch.tensor(1.0, dtype=torch.float64), torch.tensor(0.0, dtype=torch.float64))
_, hv = torch.autograd.functional.hvp(f, point, direction)
print("H v =", tuple(g.item() for g in hv))
H = torch.func.hessian(f, argnums=(0, 1))(*point)
print("pytorch: torch.func.hessian:", [[round(h.item(), 6) for h in row] for row in H])
