"""Step 33: Newton's method on Rosenbrock, the Hessian from double backprop.

The figure of Step 33 (scripts/figures/step33.py) draws `newton_path` and
`descent_path` on the contours of Step 26.
"""
# --8<-- [start:hessian]
import numpy as np

from tinypytorch import Variable


def rosenbrock(x0, x1):
    return 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2


def gradient(f, point, create_graph=False):
    """The inputs made from `point` and f's gradient there, by backward."""
    xs = [Variable(np.array(v)) for v in point]
    f(*xs).backward(create_graph=create_graph)
    return xs, [x.grad for x in xs]


def hessian(xs, grads):
    """Row i: the gradient of df/dx_i, one more backward pass each."""
    rows = []
    for g in grads:
        for x in xs:
            x.cleargrad()
        g.backward()
        rows.append([float(x.grad.data) for x in xs])
    return np.array(rows)


for point in ((0.0, 2.0), (1.0, 1.0)):
    xs, grads = gradient(rosenbrock, point, create_graph=True)
    H = hessian(xs, grads) + 0.0          # + 0.0 prints -0.0 as 0.0
    print(f"at {point}: gradient {[float(g.data) for g in grads]}")
    print(f"              Hessian  {H.tolist()}")
# --8<-- [end:hessian]


# --8<-- [start:newton]
def newton(f, start, iters):
    """Each step solves H s = -g, the 2 x 2 system, and moves by s."""
    path = [np.array(start)]
    for _ in range(iters):
        xs, grads = gradient(f, path[-1], create_graph=True)
        g = np.array([float(gi.data) for gi in grads])
        s = np.linalg.solve(hessian(xs, grads), -g)
        path.append(path[-1] + s)
    return path


def distance(p):
    return float(np.hypot(p[0] - 1, p[1] - 1))


newton_path = newton(rosenbrock, (0.0, 2.0), iters=6)
print("step          x0           x1          y   distance")
for k, p in enumerate(newton_path):
    print(f"{k:4d}  {p[0]:11.8f}  {p[1]:11.8f}  {rosenbrock(*p):9.2e}"
          f"  {distance(p):9.2e}")
# --8<-- [end:newton]


# --8<-- [start:descent]
def descent(f, start, lr, tol):
    """Step 26's gradient descent, until within `tol` of (1, 1)."""
    path = [np.array(start)]
    while distance(path[-1]) >= tol:
        _, grads = gradient(f, path[-1])
        path.append(path[-1] - lr * np.array([float(g.data) for g in grads]))
    return path


descent_path = descent(rosenbrock, (0.0, 2.0), lr=0.001, tol=1e-6)
newton_steps = next(k for k, p in enumerate(newton_path) if distance(p) < 1e-6)
print(f"within 1e-6 of (1, 1): Newton after {newton_steps} steps, "
      f"gradient descent after {len(descent_path) - 1:,}")
# --8<-- [end:descent]
