"""PyTorch twin of docs/listings/step25_goldstein.py: the value and the gradient."""
import torch


def goldstein(x, y):
    z = (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x ** 2 - 14 * y
                                 + 6 * x * y + 3 * y ** 2)) * \
        (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x ** 2 + 48 * y
                                      - 36 * x * y + 27 * y ** 2))
    return z


# a leaf that records: requires_grad=True (float64, like numpy)
x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
y = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
z = goldstein(x, y)
z.backward()
print("z =", z.item(), " dz/dx =", x.grad.item(), " dz/dy =", y.grad.item())

