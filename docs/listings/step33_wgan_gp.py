"""Step 33: the WGAN-GP critic loss for one real and one fake sample."""
# --8<-- [start:loss]
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable
from tinypytorch.gradcheck import gradient_check

LAM = 10.0              # the paper's lambda
REAL = (1.0, 2.0)       # a sample from the data
FAKE = (-1.0, 0.5)      # a sample from the generator
EPS = 0.3               # drawn from U[0, 1] for every sample in training


def critic(x0, x1, w0, w1):
    """D(x): a one-neuron critic with parameters w0, w1."""
    return F.tanh(w0 * x0 + w1 * x1)


def critic_loss(w0, w1):
    """D(fake) - D(real) + LAM * (|grad_x D(x_hat)| - 1)^2."""
    x_hat = [Variable(np.array(EPS * r + (1 - EPS) * f))
             for r, f in zip(REAL, FAKE)]       # on the line from fake to real
    d_hat = critic(*x_hat, w0, w1)
    d_hat.backward(create_graph=True)           # gradient w.r.t. the INPUT
    g0, g1 = x_hat[0].grad, x_hat[1].grad       # graphs that use w0 and w1
    norm = (g0 ** 2 + g1 ** 2) ** 0.5
    penalty = (norm - 1) ** 2
    return critic(*FAKE, w0, w1) - critic(*REAL, w0, w1) + LAM * penalty


w0 = Variable(np.array(0.5))
w1 = Variable(np.array(-0.3))
L = critic_loss(w0, w1)
w0.cleargrad()               # the inner backward left dD/dw in them
w1.cleargrad()
L.backward()                 # double backprop, down to the PARAMETERS
print(f"L     = {float(L.data):.6f}")
print(f"dL/dw = ({float(w0.grad.data):.6f}, {float(w1.grad.data):.6f})")
# --8<-- [end:loss]

# --8<-- [start:check]
ok = gradient_check(critic_loss, np.array(0.5), np.array(-0.3), order=2)
print("gradient_check(order=2):", ok)
# --8<-- [end:check]
