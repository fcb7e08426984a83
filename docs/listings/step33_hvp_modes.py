"""Step 33: the Hessian-vector product of section 9,
reverse over reverse and by the double-VJP trick."""
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable, grad

n = 100_000
x = Variable(np.linspace(-2.0, 2.0, n))
v = np.cos(np.arange(n))
t = np.tanh(x.data)
# H is diagonal: g''(x_i) v_i
closed_form = (2 * (1 - t * t) - 2 * x.data * t * (1 - t * t)) * v


def show(name, hv):
    first = ", ".join(f"{h:.6f}" for h in hv[:3])
    agrees = np.allclose(hv, closed_form, rtol=0, atol=1e-12)
    print(f"{name:20}: H v[:3] = [{first}], the closed form to 1e-12: {agrees}")


gx, = grad(F.tanh(x) * x, x, create_graph=True)   # pass 1, recorded
hv, = grad(gx, x, grad_outputs=v)                  # pass 2: the gradient of <gx, v>
show("reverse over reverse", hv.data)

w = Variable(np.zeros(n))
# pass 2, recorded: w^T H, a graph in w
wH, = grad(gx, x, grad_outputs=w, create_graph=True)
hv, = grad(wH, w, grad_outputs=v)      # pass 3: its gradient in w is H v
show("double VJP", hv.data)
