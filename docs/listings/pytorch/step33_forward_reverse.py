"""PyTorch twin of docs/listings/step33_forward_reverse.py:
VJPs and JVPs, by hand and ready-made."""
import torch
import torch.autograd.forward_ad as fwAD


def f(a, b, c):
    """A function from R^3 to R^2."""
    return a * b + c, a * c ** 2 - b


def tensors(values, requires_grad=False):
    return tuple(torch.tensor(x, dtype=torch.float64, requires_grad=requires_grad)
                 for x in values)


point, u, v = (1.0, 2.0, 3.0), (1.0, 10.0), (1.0, 1.0, 1.0)

# A VJP: one backward pass from u, then torch.func.vjp
a, b, c = tensors(point, requires_grad=True)
y = f(a, b, c)
uJ = torch.autograd.grad(y, (a, b, c), grad_outputs=tensors(u), retain_graph=True)
print("u^T J =", [g.item() for g in uJ])
_, vjp = torch.func.vjp(f, *tensors(point))
print("u^T J =", [g.item() for g in vjp(tensors(u))])

# A JVP by the double-VJP trick: by hand, then torch.autograd.functional.jvp
w = tensors((0.0, 0.0), requires_grad=True)            # placeholders for u
wJ = torch.autograd.grad(y, (a, b, c), grad_outputs=w, create_graph=True)
Jv = torch.autograd.grad(wJ, w, grad_outputs=tensors(v))
print("J v   =", [g.item() for g in Jv])
_, Jv = torch.autograd.functional.jvp(f, tensors(point), tensors(v))
print("J v   =", [g.item() for g in Jv])

# A JVP in forward mode: torch.func.jvp, and dual tensors
_, Jv = torch.func.jvp(f, tensors(point), tensors(v))
print("J v   =", [g.item() for g in Jv], "(forward mode)")
with fwAD.dual_level():
    duals = [fwAD.make_dual(p, d) for p, d in zip(tensors(point), tensors(v))]
    Jv = [fwAD.unpack_dual(out).tangent for out in f(*duals)]
print("J v   =", [g.item() for g in Jv], "(forward mode)")
