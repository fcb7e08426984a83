"""Step 26: one run of 50,000 steps, read at 1,000, 10,000 and 50,000.

The figures of Steps 26 and 33 (scripts/figures/) draw with the functions
of the `plot` section; those of Step 26 draw the `path` computed here.
"""
# --8<-- [start:descent]
import numpy as np

from tinypytorch import Variable


def rosenbrock(x0, x1):
    y = 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2
    return y


def gradient_descent(start, lr, iters):
    """Run `iters` updates; return all points visited, the start too."""
    x0 = Variable(np.array(start[0]))
    x1 = Variable(np.array(start[1]))
    path = [(float(x0.data), float(x1.data))]
    for i in range(iters):
        y = rosenbrock(x0, x1)
        x0.cleargrad()
        x1.cleargrad()
        y.backward()
        x0.data -= lr * x0.grad
        x1.data -= lr * x1.grad
        path.append((float(x0.data), float(x1.data)))
    return path


# path[n] is the point after n steps
path = gradient_descent((0.0, 2.0), lr=0.001, iters=50_000)

print(" steps          x0          x1         y  distance to (1, 1)")
for n in (1_000, 10_000, 50_000):
    p0, p1 = path[n]
    distance = np.hypot(p0 - 1, p1 - 1)
    print(f"{n:6,d}  {p0:.8f}  {p1:.8f}  {rosenbrock(p0, p1):.2e}"
          f"  {distance:.2e}")
# --8<-- [end:descent]

# --8<-- [start:rate]
# near (1, 1), each step shrinks the distance along the valley by
# 1 - lr * lambda_min, with lambda_min the Hessian's smaller eigenvalue
lam_min = np.linalg.eigvalsh([[802.0, -400.0], [-400.0, 200.0]])[0]
d10 = np.hypot(path[10_000][0] - 1, path[10_000][1] - 1)
d50 = np.hypot(path[50_000][0] - 1, path[50_000][1] - 1)
print(f"distance after 50,000 / after 10,000 steps: {d50 / d10:.3g}")
print(f"(1 - lr * lambda_min) ** 40,000:            "
      f"{(1 - 0.001 * lam_min) ** 40_000:.3g}")
# --8<-- [end:rate]

# --8<-- [start:off-by-one]
p0, p1 = path[9_999]
print(f"after 9,999 steps: x0 = {p0:.8f}, x1 = {p1:.8f}")
# --8<-- [end:off-by-one]

# --8<-- [start:conditioning]
lam_min, lam_max = np.linalg.eigvalsh([[802.0, -400.0], [-400.0, 200.0]])
kappa = lam_max / lam_min
print(f"condition number at (1, 1): {lam_max:.2f} / {lam_min:.4f} = {kappa:.0f}")


def distance(p):
    return np.hypot(p[0] - 1, p[1] - 1)


# from step 10,000 on, each step multiplies the distance by 1 - lr * lam_min
rate = 1 - 0.001 * lam_min
predicted = 10_000 + np.log(1e-6 / distance(path[10_000])) / np.log(rate)
measured = next(n for n, p in enumerate(path) if distance(p) < 1e-6)
print(f"steps to within 1e-6 of (1, 1): predicted {predicted:,.0f},"
      f" measured {measured:,}")
# --8<-- [end:conditioning]

# --8<-- [start:momentum]
def momentum_descent(start, lr, beta, tol=1e-6):
    """Gradient descent with momentum: each step adds beta times the previous one."""
    x0 = Variable(np.array(start[0]))
    x1 = Variable(np.array(start[1]))
    step0, step1 = 0.0, 0.0
    n = 0
    while np.hypot(x0.data - 1, x1.data - 1) >= tol:
        y = rosenbrock(x0, x1)
        x0.cleargrad()
        x1.cleargrad()
        y.backward()
        step0 = beta * step0 - lr * x0.grad.data
        step1 = beta * step1 - lr * x1.grad.data
        x0.data += step0
        x1.data += step1
        n += 1
    return n


for beta in (0.9, 0.95):
    n = momentum_descent((0.0, 2.0), lr=0.001, beta=beta)
    print(f"momentum {beta}: within 1e-6 of (1, 1) after {n:,} steps")
# --8<-- [end:momentum]

# --8<-- [start:plot]
import numpy as np
from matplotlib.colors import LogNorm


def plot_contours(ax, f, x0_lim=(-2.0, 2.0), x1_lim=(-1.0, 3.0),
                  levels=np.logspace(-1, 3.5, 19)):
    """Contour lines of f(x0, x1) at `levels`, spaced evenly in log scale."""
    X0, X1 = np.meshgrid(np.linspace(*x0_lim, 321), np.linspace(*x1_lim, 321))
    Y = f(X0, X1)                        # f computes on whole arrays too
    Y = np.maximum(Y, levels[0] / 100)   # a log scale cannot show 0
    ax.contour(X0, X1, Y, levels=levels, norm=LogNorm(), cmap="viridis",
               linewidths=0.8)


def plot_path(ax, path, **style):
    """The points of `path`, a list of (x0, x1), joined by a line."""
    points = np.asarray(path)
    ax.plot(points[:, 0], points[:, 1], **style)
# --8<-- [end:plot]

# --8<-- [start:draw]
import pathlib
import tempfile

from matplotlib.figure import Figure

fig = Figure(figsize=(6, 5.5))
ax = fig.subplots()
plot_contours(ax, rosenbrock)
plot_path(ax, path[:1_001], color="red", label="steps 0 to 1,000")
plot_path(ax, path[1_000:], color="darkorange", label="steps 1,000 to 50,000")
ax.plot(1.0, 1.0, "*", color="gold", markeredgecolor="black", markersize=16)
ax.set_xlabel("$x_0$")
ax.set_ylabel("$x_1$")
ax.set_aspect("equal")
ax.legend(loc="upper left")
with tempfile.TemporaryDirectory() as folder:
    to_file = pathlib.Path(folder) / "descent.png"
    fig.savefig(to_file)
    print("file written:", to_file.name, to_file.stat().st_size > 0)
# --8<-- [end:draw]
