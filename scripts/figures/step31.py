"""Step 31 figures: sin and its first three derivatives, computed by the chapter's listing."""

from __future__ import annotations

from scripts.figures.language import figure_in_languages, say
from scripts.figures import figure, run_listing, save_svg


@figure_in_languages("step31-sin-derivatives")
def sin_derivatives(path, lang):
    import matplotlib.pyplot as plt

    g = run_listing("step31_sin_nth.py")
    x, derivs = g["x"].data, g["derivs"]
    labels = [r"$y = \sin x$", r"$y'$", r"$y''$", r"$y'''$"]
    styles = [dict(color="#1f77b4", lw=2.2, ls="-"), dict(color="#ff7f0e", lw=1.8, ls="--"),
              dict(color="#2ca02c", lw=1.8, ls="-."), dict(color="#d62728", lw=1.8, ls=":")]

    fig, ax = plt.subplots(figsize=(7.5, 3.8), facecolor="white")
    ax.set_facecolor("white")
    for d, label, style in zip(derivs[:4], labels, styles):
        ax.plot(x, d, label=label, **style)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_xlim(-7, 7)
    ax.set_ylim(-1.3, 1.7)
    ax.set_xlabel("$x$")
    ax.set_title(say(lang, "sin and its first three derivatives (repeated backward with create_graph=True)", "sin 及其前三阶导数（反复执行 backward(create_graph=True)）"), fontsize=10)
    ax.legend(loc="upper right", ncol=4, fontsize=9, framealpha=1.0)
    ax.grid(True, color="0.9")
    save_svg(fig, path, facecolor="white")
