"""Figures of Step 26 (gradient descent on the Rosenbrock function).

Both figures draw the path that docs/listings/step26_long_runs.py computes with TinyPytorch (50,000 steps
from (0, 2), lr = 0.001), with the listing's own plotting functions (its `plot` section, shown on the
page). The run takes several seconds, so it is made once and shared.
"""

from __future__ import annotations

import functools

from scripts.figures.language import figure_in_languages, say
from scripts.figures import figure, run_listing, save_svg

CHECKPOINTS = (1_000, 10_000, 50_000)


@functools.lru_cache(maxsize=1)
def _long_run():
    """The listing's globals: `path` (path[n] is the point after n steps), `rosenbrock`, and the plotting
    functions `plot_contours` and `plot_path`."""
    return run_listing("step26_long_runs.py")


def _thin(points, every):
    """All of the first 1,000 points (where the path moves fast), then one in `every`, and the last."""
    head = points[:1001]
    tail = points[1001::every]
    if len(points) > 1001 and tail[-1] is not points[-1]:
        tail.append(points[-1])
    return head + tail


SEGMENTS = (  # (first step, last step, colour, label)
    (0, 1_000, "#d62728", "steps 0 to 1,000"),
    (1_000, 10_000, "#ff7f0e", "steps 1,000 to 10,000"),
    (10_000, 50_000, "#9467bd", "steps 10,000 to 50,000"),
)


SEGMENT_LABELS_ZH = {"steps 0 to 1,000": "第 0 至 1,000 步", "steps 1,000 to 10,000": "第 1,000 至 10,000 步",
                     "steps 10,000 to 50,000": "第 10,000 至 50,000 步"}


def _draw_path(ax, run, ms, star, lang="en"):
    points, plot_path = run["path"], run["plot_path"]
    for lo, hi, colour, label in SEGMENTS:
        part = points[lo: hi + 1]
        plot_path(ax, _thin(part, 50) if lo == 0 else part[::10] + [part[-1]],
                  color=colour, lw=2.0, label=say(lang, label, SEGMENT_LABELS_ZH[label]))
    for (lo, hi, colour, _), marker in zip(SEGMENTS, "os^"):
        ax.plot(*points[hi], marker, color=colour, mec="black", ms=ms, zorder=5)
    ax.plot(1.0, 1.0, "*", color="gold", mec="black", ms=star, zorder=4)


@figure_in_languages("step26-rosenbrock-descent")
def rosenbrock_descent(path, lang):
    import matplotlib.pyplot as plt
    import numpy as np

    run = _long_run()
    points, rosenbrock, plot_contours = run["path"], run["rosenbrock"], run["plot_contours"]

    fig, ax = plt.subplots(figsize=(7.2, 6.6), facecolor="white")
    ax.set_facecolor("white")
    plot_contours(ax, rosenbrock)
    _draw_path(ax, run, ms=7, star=16, lang=lang)
    ax.plot(*points[0], "o", color="black", ms=6)
    ax.annotate(say(lang, "start (0, 2)", "起点 (0, 2)"), points[0], textcoords="offset points", xytext=(-8, 4), ha="right",
                fontsize=10)
    p0, p1 = points[1_000]
    ax.annotate(say(lang, f"after 1,000 steps\n({p0:.4f}, {p1:.4f})", f"1,000 步之后\n({p0:.4f}, {p1:.4f})"), (p0, p1), textcoords="offset points",
                xytext=(10, -26), fontsize=9, color=SEGMENTS[0][2])
    ax.annotate(say(lang, "minimum (1, 1)", "最小值 (1, 1)"), (1, 1), textcoords="offset points", xytext=(14, -4), fontsize=10)
    ax.set_xlabel("$x_0$", fontsize=11)
    ax.set_ylabel("$x_1$", fontsize=11)
    ax.set_xlim(-2, 2)
    ax.set_ylim(-1, 3)
    ax.set_aspect("equal")
    ax.legend(loc="upper left", fontsize=9, framealpha=0.95)
    ax.set_title(say(lang, "Gradient descent on the Rosenbrock function, lr = 0.001", "Rosenbrock 函数上的梯度下降，lr = 0.001"), fontsize=12)

    # the ends of the 10,000- and 50,000-step paths are too close to (1, 1) to see: zoom in. The inset
    # sits above and to the right of the minimum, where the path never goes, so that the two lines
    # from the zoomed square run a short way up to the inset's lower corners.
    lo0, hi0, lo1, hi1 = 0.955, 1.01, 0.91, 1.02
    inset = ax.inset_axes([0.58, 0.6, 0.39, 0.37])
    plot_contours(inset, rosenbrock, (lo0, hi0), (lo1, hi1), levels=np.logspace(-7, -2, 11))
    _draw_path(inset, run, ms=7, star=9, lang=lang)
    for n, dy in ((10_000, -16), (50_000, 9)):
        p0, p1 = points[n]
        inset.annotate(say(lang, f"{n:,} steps", f"{n:,} 步"), (p0, p1), textcoords="offset points",
                       xytext=(-9, dy), ha="right", fontsize=8)
    inset.set_xlim(lo0, hi0)
    inset.set_ylim(lo1, hi1)
    inset.set_facecolor("white")
    inset.tick_params(labelsize=7)
    ax.indicate_inset_zoom(inset, edgecolor="gray")
    fig.tight_layout()
    save_svg(fig, path)


@figure_in_languages("step26-descent-progress")
def descent_progress(path, lang):
    import matplotlib.pyplot as plt
    import numpy as np

    run = _long_run()
    points, rosenbrock = run["path"], run["rosenbrock"]
    steps = np.unique(np.round(np.logspace(0, np.log10(len(points) - 1), 400)).astype(int))
    p = np.array(points)[steps]
    y = rosenbrock(p[:, 0], p[:, 1])
    dist = np.hypot(p[:, 0] - 1, p[:, 1] - 1)

    fig, ax = plt.subplots(figsize=(7.5, 4.2), facecolor="white")
    ax.set_facecolor("white")
    ax.loglog(steps, y, color="#1f77b4", lw=1.8, label="$y$ = rosenbrock($x_0$, $x_1$)")
    ax.loglog(steps, dist, color="#d62728", lw=1.8, ls="--", label=say(lang, "distance to (1, 1)", "到 (1, 1) 的距离"))
    for n in CHECKPOINTS:
        ax.axvline(n, color="gray", lw=0.8, ls=":")
        ax.text(n, 2e2, f"{n:,} ", color="dimgray", fontsize=9, va="top", ha="right")  # inside the axes
    ax.set_xlabel(say(lang, "step", "步数"))
    ax.set_ylim(1e-20, 1e3)
    ax.set_title(say(lang, "How fast gradient descent closes in on the minimum", "梯度下降逼近最小值的速度"), fontsize=11)
    ax.grid(True, which="major", color="#dddddd", lw=0.6)
    ax.legend(loc="lower left", fontsize=9)
    fig.tight_layout()
    save_svg(fig, path)
