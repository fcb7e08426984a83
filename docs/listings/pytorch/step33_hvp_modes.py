"""PyTorch twin of docs/listings/step33_hvp_modes.py: a Hessian-vector product three ways."""
import numpy as np
import torch


def g(x):
    return (torch.tanh(x) * x).sum()


n = 100_000
x = torch.from_numpy(np.linspace(-2.0, 2.0, n))  # the chapter's points and direction
v = torch.from_numpy(np.cos(np.arange(n)))
t = torch.tanh(x)
# H is diagonal: g''(x_i) v_i
closed_form = (2 * (1 - t * t) - 2 * x * t * (1 - t * t)) * v


def show(name, hv):
    first = ", ".join(f"{h:.6f}" for h in hv[:3].tolist())
    agrees = torch.allclose(hv, closed_form, rtol=0, atol=1e-12)
    print(f"{name:20}: H v[:3] = [{first}], the closed form to 1e-12: {agrees}")


# Reverse over reverse: two backward passes by hand, then torch.autograd.functional.vhp
# (v^T H, the same vector since H is symmetric)
xr = x.clone().requires_grad_()
gx, = torch.autograd.grad(g(xr), xr, create_graph=True)
hv, = torch.autograd.grad(gx, xr, grad_outputs=v)
show("reverse over reverse", hv)
show("reverse over reverse", torch.autograd.functional.vhp(g, x, v)[1])

# The double-VJP trick, three backward passes: torch.autograd.functional.hvp
show("double VJP", torch.autograd.functional.hvp(g, x, v)[1])

# Forward over reverse (Pearlmutter): a JVP of the gradient, no second recorded graph
print("pytorch: ", end="")
show("forward over reverse", torch.func.jvp(torch.func.grad(g), (x,), (v,))[1])
