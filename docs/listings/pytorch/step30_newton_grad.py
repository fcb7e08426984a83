"""PyTorch twin of docs/listings/step30_newton_grad.py:
Newton's method with f' and f'' from autograd."""
import torch


def f(x):
    return x ** 4 - 2 * x ** 2


x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
iters = 10

for i in range(iters):
    print(i, x.item())

    y = f(x)
    gx, = torch.autograd.grad(y, x, create_graph=True)   # f'(x), a graph
    gx2, = torch.autograd.grad(gx, x)                    # f''(x)

    with torch.no_grad():
        x -= gx / gx2
