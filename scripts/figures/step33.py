"""Step 33 figures: the graph of z = (dy/dx)^3 + y (still, and z.backward() walking it as a stepper), and
Newton's method against gradient descent on the Rosenbrock function, all computed by the chapter's listings."""

from __future__ import annotations

from scripts.figures.language import figure_in_languages, say
from scripts.figures import figure, render_dot, run_listing, save_svg


@figure("step33-double-backprop-graph")
def double_backprop_graph(path):
    from tinypytorch.graph import get_dot_graph

    z = run_listing("step33_double_backprop.py")["z"]
    render_dot(get_dot_graph(z, verbose=False), path)


@figure_in_languages("step33-newton-rosenbrock")
def newton_rosenbrock(path, lang):
    import matplotlib.pyplot as plt
    import numpy as np

    run = run_listing("step33_newton_rosenbrock.py")
    plot = run_listing("step26_long_runs.py", section="plot")
    newton, descent = run["newton_path"], run["descent_path"]
    rosenbrock, distance, n_newton = run["rosenbrock"], run["distance"], run["newton_steps"]
    n_descent = len(descent) - 1
    gd_colour, newton_colour = "#ff7f0e", "#d62728"

    fig, (ax, right) = plt.subplots(1, 2, figsize=(11, 5.2), facecolor="white",
                                    gridspec_kw={"width_ratios": [1, 1.15]})
    ax.set_facecolor("white")
    plot["plot_contours"](ax, rosenbrock)
    shown = descent[:1001] + descent[1001::20] + [descent[-1]]   # every point where it moves fast
    plot["plot_path"](ax, shown, color=gd_colour, lw=2.2,
                      label=say(lang, "gradient descent, lr = 0.001", "梯度下降，lr = 0.001"))
    plot["plot_path"](ax, newton, color=newton_colour, lw=1.4, ls="--", marker="o", ms=6, mec="black",
                      zorder=5, label=say(lang, "Newton's method", "牛顿法"))
    ax.plot(1.0, 1.0, "*", color="gold", mec="black", ms=16, zorder=4)
    for k, offset in ((0, (8, 2)), (1, (-14, -14)), (2, (8, -12))):
        ax.annotate(f"$x_{k}$", newton[k], textcoords="offset points", xytext=offset, fontsize=11,
                    color=newton_colour)
    ax.annotate(f"$x_3, \\ldots, x_{len(newton) - 1}$", (1.0, 1.0), textcoords="offset points",
                xytext=(12, -4), fontsize=11, color=newton_colour)
    ax.set_xlim(-2, 2)
    ax.set_ylim(-1, 3)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_0$", fontsize=11)
    ax.set_ylabel("$x_1$", fontsize=11)
    ax.legend(loc="upper left", fontsize=10, framealpha=0.95)
    ax.set_title(say(lang, "The paths from (0, 2)", "从 (0, 2) 出发的路径"), fontsize=12)

    # distance to (1, 1) after each step, from step 1 on (a log axis has no 0)
    d_descent = np.array([distance(p) for p in descent])
    d_newton = np.array([distance(p) for p in newton])
    right.set_facecolor("white")
    right.loglog(np.arange(1, len(descent)), d_descent[1:], color=gd_colour, lw=2,
                 label=say(lang, "gradient descent", "梯度下降"))
    steps = np.arange(1, len(newton))
    reached = d_newton[1:] > 0                # the last Newton iterate is (1, 1) exactly: no log of 0
    right.loglog(steps[reached], d_newton[1:][reached], "o--", color=newton_colour, mec="black",
                 label=say(lang, "Newton's method", "牛顿法"))
    right.axhline(1e-6, color="gray", lw=0.8, ls=":")
    right.text(1.2, 1.6e-6, "$10^{-6}$", color="dimgray", fontsize=10)
    # where each first gets within 1e-6 of the minimum
    for n, colour, side in ((n_newton, newton_colour, "left"), (n_descent, gd_colour, "right")):
        right.axvline(n, color=colour, lw=0.8, ls=":")
        right.text(n, 1e-9, say(lang, f" {n:,} steps ", f" {n:,} 步 ") if side == "left" else say(lang, f"{n:,} steps ", f"{n:,} 步 "), color=colour,
                   fontsize=10, ha=side)
    right.set_xlabel(say(lang, "step", "步数"))
    right.set_ylabel(say(lang, "distance to (1, 1)", "到 (1, 1) 的距离"))
    right.set_ylim(1e-16, 10)
    right.grid(True, which="major", color="#dddddd", lw=0.6)
    right.legend(loc="lower right", fontsize=10)
    right.set_title(say(lang, "How close each step gets", "每一步离最小值有多近"), fontsize=12)
    fig.tight_layout()
    save_svg(fig, path)


@figure("step33-double-backprop-steps", data=True)
def double_backprop_steps(path):
    """`z.backward()` of the listing as a stepper: it walks the recorded nodes like any others."""
    from scripts.figures.backward_stepper import draw_stepper
    from tinypytorch.trace import BackwardTrace

    with BackwardTrace() as trace:  # the listing's two passes: y.backward(create_graph=True), z.backward()
        z = run_listing("step33_double_backprop.py")["z"]
    gx3, _ = z.creator.inputs
    gx3.name = "gx**3"
    two_x, _ = z.creator.inputs[0].creator.inputs[0].creator.inputs  # gx = (2 * x**1) * 1
    two_x.name = "2*x**1"
    two_x.creator.inputs[0].name = "x**1"                         # 2 * x**1 is Mul(x**1, 2)
    draw_stepper(path, z, trace.passes[1])
