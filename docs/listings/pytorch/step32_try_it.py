"""PyTorch twin of docs/listings/step32_try_it.py:
tanh's first derivatives at 0, and graph sizes."""
import torch

x = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
gx, = torch.autograd.grad(torch.tanh(x), x, create_graph=True)
print(f"order 1: {gx.item():.6f}")
for n in (2, 3):
    gx, = torch.autograd.grad(gx, x, create_graph=True)
    print(f"order {n}: {gx.item() + 0.0:.6f}")   # + 0.0 turns -0.0 into 0.0


def backward_nodes(fn, seen):
    """Every node behind a grad_fn (the leaf's AccumulateGrad included)."""
    if fn is not None and fn not in seen:
        seen.add(fn)
        for next_fn, _ in fn.next_functions:
            backward_nodes(next_fn, seen)
    return seen


# Step 32 counts 4, 9, 21, ... 2571 functions; PyTorch's graphs grow too
x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
gx, sizes = torch.tanh(x), []
for n in range(1, 9):
    gx, = torch.autograd.grad(gx, x, create_graph=True)
    sizes.append(len(backward_nodes(gx.grad_fn, set())) - 1)
print("pytorch: backward nodes of the derivatives 1..8 at x = 1:", sizes)
print(f"pytorch: the 8th derivative at x = 1: {gx.item():.6f}")
