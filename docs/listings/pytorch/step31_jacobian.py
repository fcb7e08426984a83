"""PyTorch twin of docs/listings/step31_jacobian.py: a Jacobian, by rows and by columns."""
import torch


def f(x):
    return x * x.sum()             # y_i = x_i * (x_0 + x_1 + x_2)


x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
y = f(x)

ones, = torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), retain_graph=True)
print("from ones:", ones.numpy())

rows = [torch.autograd.grad(y, x, grad_outputs=e, retain_graph=True)[0]
        for e in torch.eye(3, dtype=torch.float64)]    # start from e_i: row i
print("Jacobian, one row per backward pass:")
print(torch.stack(rows).numpy())

# Ready-made: rows by reverse mode, columns by forward mode
point = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
print("pytorch: torch.func.jacrev(f), one VJP per row:")
print(torch.func.jacrev(f)(point).numpy())
print("pytorch: torch.func.jacfwd(f), one JVP per column:")
print(torch.func.jacfwd(f)(point).numpy())
