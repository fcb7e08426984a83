"""Figures of Step 30 (Newton's method with automatic second derivatives): the graph behind f''(x),
and the Newton iterates on the curve f(x) = x⁴ − 2x²."""
from __future__ import annotations

from scripts.figures.language import figure_in_languages, say
from scripts.figures import figure, render_dot, run_listing, save_svg


@figure("step30-second-derivative-graph")
def second_derivative_graph(path):
    import numpy as np

    from tinypytorch import Variable
    from tinypytorch.graph import get_dot_graph

    x = Variable(np.array(2.0), name="x")
    y = x ** 4 - 2 * x ** 2
    y.backward(create_graph=True)
    gx = x.grad
    x.cleargrad()
    gx.backward(create_graph=True)   # record this pass too, so f'' has a graph to draw
    gx2 = x.grad
    gx2.name = "gx2 = f''(x)"
    render_dot(get_dot_graph(gx2, verbose=False, values=True), path)


def newton_iterates(x0, n):
    """x_0 .. x_n of Newton's method on f, f' and f'' from backward (the loop of step30_newton.py)."""
    import numpy as np

    from tinypytorch import Variable

    f = run_listing("step30_pitfall.py")["f"]   # f as the chapter defines it
    x = Variable(np.array(float(x0)))
    xs, d1, d2 = [float(x.data)], [], []
    for _ in range(n):
        y = f(x)
        x.cleargrad()
        y.backward(create_graph=True)
        gx = x.grad
        x.cleargrad()
        gx.backward()
        gx2 = x.grad
        d1.append(float(gx.data))
        d2.append(float(gx2.data))
        x.data = x.data - gx.data / gx2.data
        xs.append(float(x.data))
    return xs, d1, d2


@figure_in_languages("step30-newton-path")
def newton_path(path, lang):
    import matplotlib.pyplot as plt
    import numpy as np

    xs, d1, d2 = newton_iterates(2.0, 7)

    def f(x):
        return x ** 4 - 2 * x ** 2

    # 8.6 in wide: shown at its natural size in the page's text column, so 9 pt stays ~12 px
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 4.4), facecolor="white",
                                      gridspec_kw={"width_ratios": [1.3, 1]})
    grid = np.linspace(-1.7, 2.15, 400)
    left.plot(grid, f(grid), color="black", lw=2, label="$f(x) = x^4 - 2x^2$")
    colors = ["C0", "C1", "C2"]
    for k, color in enumerate(colors):
        xk = xs[k]
        q = f(xk) + d1[k] * (grid - xk) + 0.5 * d2[k] * (grid - xk) ** 2
        left.plot(grid, q, "--", color=color, lw=1.2,
                  label=say(lang, f"quadratic model at $x_{k}$ = {xk:.4f}", f"$x_{k}$ = {xk:.4f} 处的二次模型"))
        # the step: from the iterate down the parabola to its lowest point, then onto the curve
        vertex = f(xk) - d1[k] ** 2 / (2 * d2[k])
        left.annotate("", xy=(xs[k + 1], vertex), xytext=(xk, f(xk)),
                      arrowprops=dict(arrowstyle="->", color=color, lw=1.5))
        left.plot([xs[k + 1]], [vertex], "v", color=color, ms=6)
        left.plot([xs[k + 1], xs[k + 1]], [vertex, f(xs[k + 1])], ":", color=color, lw=1.2)
    left.plot(xs, [f(v) for v in xs], "o", color="crimson", ms=5, zorder=5, label=say(lang, "Newton iterates", "牛顿法的迭代点"))
    left.set_ylim(-1.6, 9)
    left.set_xlim(-1.7, 2.15)
    left.set_xlabel("$x$")
    left.set_title(say(lang, "Each step jumps to the lowest point\nof the local parabola", "每一步都跳到\n局部抛物线的最低点"), fontsize=11)
    left.legend(fontsize=9, loc="upper center", framealpha=0.9)
    left.grid(alpha=0.3)

    err = np.abs(np.array(xs) - 1.0)
    ks = np.arange(len(xs))
    keep = err > 0
    right.semilogy(ks[keep], err[keep], "o-", color="crimson", ms=5)
    for k in ks[keep]:
        right.annotate(f"{err[k]:.1e}", (k, err[k]), textcoords="offset points", xytext=(6, 4), fontsize=9)
    for k in ks[~keep]:
        right.text(k + 0.3, 1e-9, say(lang, f"$x_{k}$ = 1.0\n(error 0)", f"$x_{k}$ = 1.0\n（误差为 0）"), ha="right", va="bottom", fontsize=9,
                   color="crimson")
    right.set_xlabel(say(lang, "iteration $k$", "迭代次数 $k$"))
    right.set_ylabel("$|x_k - 1|$")
    right.set_title(say(lang, "The error roughly squares\nat every step", "误差每一步\n大致平方一次"), fontsize=11)
    right.set_xticks(ks)
    right.set_xlim(-0.4, len(xs) - 0.4)
    right.set_ylim(err[keep].min() / 10, 30)  # room above the first label
    right.grid(alpha=0.3, which="both")
    for ax in (left, right):
        ax.set_facecolor("white")
    fig.tight_layout()
    save_svg(fig, path, facecolor="white")
