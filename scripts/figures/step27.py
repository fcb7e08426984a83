"""Figure of Step 27: Newton's method against gradient descent on f(x) = x^4 - 2x^2, from x = 2.

The iterates are the ones the chapter's listings compute (step27_newton.py, step27_gradient_descent.py).
"""

from __future__ import annotations

from scripts.figures.language import figure_in_languages, say
from scripts.figures import figure, run_listing, save_svg


@figure_in_languages("step27-newton-vs-gd")
def newton_vs_gd(path, lang):
    import matplotlib.pyplot as plt
    import numpy as np

    newton = run_listing("step27_newton.py")
    gd = run_listing("step27_gradient_descent.py")
    f = newton["f"]
    xn = np.array(newton["iterates"])
    xg = np.array(gd["iterates"])

    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(7.2, 8.6), facecolor="white",
                                  gridspec_kw={"height_ratios": [1.1, 1]})
    for a in (ax, ax2):
        a.set_facecolor("white")
        a.grid(True, color="#e3e3e3", lw=0.6)

    xs = np.linspace(-1.6, 2.15, 400)
    ax.plot(xs, f(xs), color="black", lw=1.4, label="$f(x) = x^4 - 2x^2$")
    ax.plot(xg, f(xg), "o", color="#1f77b4", ms=3.5, alpha=0.55,
            label=say(lang, f"gradient descent, lr = 0.01 ({len(xg) - 1} steps)", f"梯度下降，lr = 0.01（{len(xg) - 1} 步）"))
    df, d2f = newton["df"], newton["d2f"]
    for i, x in enumerate(xn[:2]):   # the quadratic model Newton minimises at x0 and at x1
        q = np.linspace(x - 0.75, x + 0.3, 100)
        model = f(x) + df(x) * (q - x) + 0.5 * d2f(x) * (q - x) ** 2
        ax.plot(q, model, "--", color="#d62728", lw=1.0, alpha=0.7,
                label=say(lang, "quadratic model at $x_0$, $x_1$", "$x_0$、$x_1$ 处的二次模型") if i == 0 else None)
        nxt = xn[i + 1]             # its minimum is the next iterate: drop from it to the curve
        low = f(x) + df(x) * (nxt - x) + 0.5 * d2f(x) * (nxt - x) ** 2
        ax.plot([nxt, nxt], [low, f(nxt)], ":", color="#d62728", lw=1.0)
    ax.plot(xn[:5], f(xn[:5]), "o", color="#d62728", ms=6, label=say(lang, "Newton's method", "牛顿法"))
    for i, x in enumerate(xn[:3]):
        ax.annotate(f"$x_{i}$", (x, f(x)), textcoords="offset points", xytext=(7, -12 if i else 2),
                    color="#d62728")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$f(x)$")
    ax.set_ylim(-2.0, 9)          # room under x_2's label, which sits below its point
    ax.set_title(say(lang, "Iterates from $x_0 = 2$", "从 $x_0 = 2$ 出发的迭代点"), fontsize=11)
    ax.legend(loc="upper center", fontsize=9)

    en = np.abs(xn - 1)
    eg = np.abs(xg - 1)
    kn = np.arange(len(en))[en > 0]       # the last Newton iterate is exactly 1: nothing to draw on a log scale
    ax2.semilogy(np.arange(len(eg)), eg, "o-", color="#1f77b4", ms=2.5, lw=1.0, label=say(lang, "gradient descent", "梯度下降"))
    ax2.semilogy(kn, en[kn], "o-", color="#d62728", ms=6, lw=1.4, label=say(lang, "Newton's method", "牛顿法"))
    ax2.axhline(1e-6, color="gray", ls=":", lw=1)
    ax2.text(len(eg) - 1, 1.6e-6, "$10^{-6}$", ha="right", va="bottom", color="dimgray", fontsize=9)
    ax2.set_xlabel(say(lang, "step $k$", "步数 $k$"))
    ax2.set_ylabel("$|x_k - 1|$")
    ax2.set_title(say(lang, "Distance to the minimum at $x = 1$", "到最小值 $x = 1$ 的距离"), fontsize=11)
    ax2.legend(loc="upper right", fontsize=9)

    fig.tight_layout()
    save_svg(fig, path)


@figure_in_languages("step27-fd-error")
def fd_error(path, lang):
    """The error of a forward and a central difference of f'(2) against the step h (step27_fd_step.py)."""
    import matplotlib.pyplot as plt
    import numpy as np

    g = run_listing("step27_fd_step.py")
    steps, forward, central, eps = g["steps"], np.array(g["forward"]), np.array(g["central"]), g["eps"]
    fig, ax = plt.subplots(figsize=(7.2, 4.6), facecolor="white")
    ax.set_facecolor("white")
    ax.grid(True, color="#e3e3e3", lw=0.6)
    ax.loglog(steps, forward, "o-", color="#1f77b4", ms=3, lw=1.2, label=say(lang, "forward difference", "前向差分"))
    ax.loglog(steps, central, "o-", color="#d62728", ms=3, lw=1.2, label=say(lang, "central difference", "中心差分"))
    for rule, color, label in ((eps ** 0.5, "#1f77b4", r"$\sqrt{\varepsilon}$"),
                               (eps ** (1 / 3), "#d62728", r"$\varepsilon^{1/3}$")):
        ax.axvline(rule, color=color, ls=":", lw=1.2)
        ax.text(rule * 0.8, 1.0, label, color=color, fontsize=11)
    ax.invert_xaxis()
    ax.set_xlabel(say(lang, "step $h$ (smaller to the right)", "步长 h（越往右越小）"))
    ax.set_ylabel(say(lang, "$|$estimate $- f'(2)|$", "|估计值 − f′(2)|"))
    ax.set_title(say(lang, "Error of a finite difference of $f(x) = x^4 - 2x^2$ at $x = 2$",
                     "f(x) = x⁴ − 2x² 在 x = 2 处有限差分的误差"), fontsize=11)
    ax.legend(loc="lower left", fontsize=9)
    fig.tight_layout()
    save_svg(fig, path)
