"""Figures of Step 28 (Taylor series): the graph of my_sin, and the error of the series term by term."""
from __future__ import annotations

from scripts.figures.language import figure_in_languages, say
from scripts.figures import figure, render_dot, run_listing, save_svg


@figure("step28-my-sin-graph")
def my_sin_graph(path):
    import numpy as np

    from tinypytorch import Variable
    from tinypytorch.graph import get_dot_graph

    my_sin = run_listing("step28_my_sin.py")["my_sin"]
    x = Variable(np.array(np.pi / 4), name="x")
    y = my_sin(x, threshold=1e-4)
    y.name = "y"
    render_dot(get_dot_graph(y, verbose=False), path)


@figure_in_languages("step28-taylor-error")
def taylor_error(path, lang):
    import matplotlib.pyplot as plt
    import numpy as np

    from tinypytorch import Variable

    ns = run_listing("step28_taylor_error.py")
    sin_terms, errors = ns["sin_terms"], ns["errors"]

    # 8.6 in wide: shown at its natural size in the page's text column, so 9 pt stays ~12 px
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 4.2), facecolor="white")

    # left: the partial sums against sin on [-2pi, 2pi]
    xs = np.linspace(-2 * np.pi, 2 * np.pi, 401)
    left.plot(xs, np.sin(xs), color="black", lw=2.2, label="sin x")
    for n, color in zip(range(1, 6), plt.cm.viridis(np.linspace(0, 0.85, 5))):
        ys = sin_terms(Variable(xs), n).data
        left.plot(xs, ys, color=color, lw=1.3, label=say(lang, f"{n} term{'s' if n > 1 else ''}", f"{n} 项"))
    left.set_ylim(-2.5, 2.5)
    left.set_xticks(np.arange(-2, 3) * np.pi, ["−2π", "−π", "0", "π", "2π"])
    left.set_title(say(lang, "Partial sums of the Maclaurin series", "麦克劳林级数的部分和"), fontsize=11)
    left.legend(loc="upper center", ncol=3, fontsize=9, framealpha=0.9, columnspacing=1.0,
                handlelength=1.5)
    left.grid(alpha=0.3)

    # right: |error| against the number of terms, at several points (zeros are left out of the log plot)
    ns_terms = np.arange(1, 16)
    for x0, label, color in [(np.pi / 4, "x = π/4", "C0"), (np.pi / 2, "x = π/2", "C1"),
                             (np.pi, "x = π", "C2"), (2 * np.pi, "x = 2π", "C3")]:
        e_value, e_grad = np.array([errors(x0, int(n)) for n in ns_terms]).T
        keep = e_value > 0
        right.semilogy(ns_terms[keep], e_value[keep], "o-", color=color, ms=3.5, lw=1.3,
                       label=f"{label}: sin")
        if x0 == np.pi / 4:
            keep = e_grad > 0
            right.semilogy(ns_terms[keep], e_grad[keep], "s--", color=color, ms=3.5, lw=1.1,
                           label=say(lang, f"{label}: derivative", f"{label}：导数"))
    right.axhline(1e-4, color="gray", lw=0.8, ls=":")
    right.text(15, 1e-4, say(lang, "threshold 1e-4", "阈值 1e-4"), ha="right", va="bottom", fontsize=9, color="dimgray")
    right.set_xlabel(say(lang, "number of terms", "项数"))
    right.set_ylabel("|series − exact|")
    right.set_title(say(lang, "Error against the number of terms", "误差与项数的关系"), fontsize=11)
    right.set_ylim(3e-18, 1e9)  # an empty band above the curves for the legend
    right.legend(loc="upper center", ncol=2, fontsize=9, framealpha=0.9, columnspacing=1.0,
                 handlelength=1.8)
    right.grid(alpha=0.3, which="both")
    for ax in (left, right):
        ax.set_facecolor("white")
    fig.tight_layout()
    save_svg(fig, path, facecolor="white")
