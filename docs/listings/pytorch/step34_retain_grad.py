"""PyTorch twin of docs/listings/step34_retain_grad.py: which gradients survive backward."""
import torch


def grad(t):
    """t.grad as a number; None where PyTorch keeps none (a non-leaf
    tensor keeps its gradient only if asked, with retain_grad())."""
    kept = t.is_leaf or t.retains_grad
    return t.grad.item() if kept and t.grad is not None else None


for retain in (False, True):
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    a = torch.square(x)
    b, c = torch.square(a), torch.square(a)
    y = b + c
    if retain:                 # PyTorch asks per tensor, before backward
        for t in (a, b, y):
            t.retain_grad()
    y.backward()
    print(f"retain_grad={retain}:")
    print(f"    x.grad={grad(x)}  a.grad={grad(a)}  b.grad={grad(b)}"
          f"  y.grad={grad(y)}")
