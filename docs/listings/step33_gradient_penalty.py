"""Step 33: a gradient-norm penalty, differentiated by double backprop."""
# --8<-- [start:penalty]
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable
from tinypytorch.gradcheck import gradient_check

LAM = 0.1


def f(a, b):
    return a ** 2 * b + F.sin(b)


def penalized(a, b):
    """f + LAM * |grad f|^2, with the gradient inside the graph."""
    loss = f(a, b)
    a.cleargrad()
    b.cleargrad()
    loss.backward(create_graph=True)   # a.grad, b.grad have graphs
    ga, gb = a.grad, b.grad
    return loss + LAM * (ga ** 2 + gb ** 2)


a = Variable(np.array(1.5))
b = Variable(np.array(-0.5))
L = penalized(a, b)
a.cleargrad()                          # they still hold df/da, df/db
b.cleargrad()
L.backward()
print(f"L          = {float(L.data):.6f}")
print(f"dL/da      = {float(a.grad.data):.6f}")
print(f"dL/db      = {float(b.grad.data):.6f}")
# --8<-- [end:penalty]

# --8<-- [start:by_hand]
# grad f = (2ab, a^2 + cos b),  H = [[2b, 2a], [2a, -sin b]]
# grad L = grad f + 2 * LAM * H @ grad f
A, B = 1.5, -0.5
g = np.array([2 * A * B, A ** 2 + np.cos(B)])
H = np.array([[2 * B, 2 * A], [2 * A, -np.sin(B)]])
print("by hand    =", np.round(g + 2 * LAM * H @ g, 6))
# --8<-- [end:by_hand]

# --8<-- [start:check]
# first and second derivatives of L against central differences
ok = gradient_check(penalized, np.array(1.5), np.array(-0.5), order=2)
print("gradient_check(order=2):", ok)
# --8<-- [end:check]
