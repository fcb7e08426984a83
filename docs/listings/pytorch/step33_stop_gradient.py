"""PyTorch twin of docs/listings/step33_stop_gradient.py: detach() stops the gradient."""
import torch

z = torch.tensor(1.5, dtype=torch.float64)     # the generator's random input


def critic(x, w):
    return torch.tanh(w * x)


for stop in (False, True):
    phi = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    w = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    fake = phi * z                   # G(z): its graph reaches phi
    if stop:
        fake = fake.detach()         # the same numbers, no grad_fn: a leaf
    critic(fake, w).backward()
    phi_grad = None if phi.grad is None else phi.grad.item()
    print(f"stop={stop!s:5}: dD/dw = {w.grad.item():.6f}, phi.grad = {phi_grad}")
print("pytorch: after detach(), fake.requires_grad =", fake.requires_grad)
