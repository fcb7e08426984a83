"""Step 32 figures: the gradient graphs of tanh of orders 1-3, and how the graph grows with the order."""

from __future__ import annotations

from scripts.figures.language import figure_in_languages, say
from scripts.figures import figure, render_dot, run_listing, save_svg

GRAPH_ORDERS = (1, 2, 3)  # order 4 has 51 function nodes: no longer readable as a picture


def tanh_graph_dot(order: int) -> str:
    """DOT text of the graph of the order-th derivative of tanh at x = 1 (the listing gives order 1)."""
    from tinypytorch.graph import get_dot_graph

    g = run_listing("step32_tanh_graph.py")
    x, gx = g["x"], g["gx"]
    for _ in range(order - 1):
        x.cleargrad()
        gx.backward(create_graph=True)
        gx = x.grad
    gx.name = "gx" if order == 1 else f"gx (order {order})"
    return get_dot_graph(gx, verbose=False)


def _register(order):
    @figure(f"step32-tanh-graph-order{order}")
    def tanh_graph(path):
        render_dot(tanh_graph_dot(order), path)

    tanh_graph.__name__ = f"tanh_graph_order{order}"
    return tanh_graph


for _order in GRAPH_ORDERS:
    _register(_order)


@figure_in_languages("step32-tanh-graph-growth")
def tanh_graph_growth(path, lang):
    import matplotlib.pyplot as plt
    import numpy as np

    g = run_listing("step32_graph_growth.py")
    stats, counts = g["stats"], g["counts"]
    P = run_listing("step32_tanh_nth.py")["P"]
    orders = sorted(stats)
    funcs = [stats[n].n_functions for n in orders]
    terms = [int(np.count_nonzero(np.rint(P[n].coef))) for n in orders]

    fig, ax = plt.subplots(figsize=(7, 4.4), facecolor="white")
    ax.set_facecolor("white")
    ax.plot(orders, funcs, "o-", color="#d62728", lw=2.2, ms=6, label=say(lang, "tanh: function nodes", "tanh：函数节点"))
    ax.plot(orders, counts["sin"], "s--", color="#1f77b4", lw=1.5, ms=5, label=say(lang, "sin: function nodes", "sin：函数节点"))
    ax.plot(orders, counts["exp"], "D-.", color="#2ca02c", lw=1.5, ms=4, label=say(lang, "exp: function nodes", "exp：函数节点"))
    ax.plot(orders, terms, "^:", color="0.4", lw=1.5, ms=5,
            label=say(lang, r"tanh: terms of the simplified polynomial $P_n(t)$", r"tanh：化简后多项式 $P_n(t)$ 的项数"))
    for n, f in zip(orders, funcs):
        ax.annotate(str(f), (n, f), textcoords="offset points", xytext=(-6, 8), ha="right", fontsize=9,
                    color="#d62728")
    ax.set_yscale("log")
    ax.set_xticks(orders)
    ax.set_ylim(0.8, 10000)
    ax.set_xlabel(say(lang, "order $n$ of the derivative", "导数的阶数 n"))
    ax.set_ylabel(say(lang, "count (log scale)", "个数（对数刻度）"))
    ax.set_title(say(lang, "Size of the graph of the n-th derivative, at x = 1", "n 阶导数的计算图规模（x = 1）"), fontsize=11)
    ax.grid(True, which="major", color="0.88")
    ax.legend(loc="upper left", fontsize=9, framealpha=1.0)
    save_svg(fig, path, facecolor="white")


@figure_in_languages("step32-create-graph-cost")
def create_graph_cost(path, lang):
    """Functions per order for the three backwards of tanh and for exp, against Taylor mode's multiplications
    (step32_create_graph_cost.py, its `variants` and `taylor` sections)."""
    import matplotlib.pyplot as plt
    import numpy as np

    g = run_listing("step32_create_graph_cost.py", until="variants")
    orders = np.arange(1, 9)
    fig, ax = plt.subplots(figsize=(7.2, 4.6), facecolor="white")
    ax.set_facecolor("white")
    ax.grid(True, color="#e3e3e3", lw=0.6)
    styles = {"tanh from x": ("#d62728", "s"), "tanh, y * y": ("#1f77b4", "o"),
              "tanh, y ** 2": ("#9467bd", "^"), "exp": ("#2ca02c", "D")}
    for name, f in g["variants"].items():
        sizes, _ = g["derivative_sizes"](f)
        color, marker = styles[name]
        ax.semilogy(orders, sizes, marker + "-", color=color, ms=5, lw=1.4, label=say(lang, f"{name} (functions)", f"{name.replace('from x', '由 x 重算')}（函数数）"))
    taylor = run_listing("step32_create_graph_cost.py", section="taylor")
    products = [taylor["tanh_taylor"](1.0, int(n))[1] for n in orders]
    ax.semilogy(orders, products, "k--", lw=1.2, label=say(lang, "Taylor mode, all orders up to n (multiplications)",
                                                  "泰勒模式，直到 n 的全部阶（乘法次数）"))
    ax.set_xlabel(say(lang, "order $n$ of the derivative", "导数的阶数 n"))
    ax.set_ylabel(say(lang, "count (log scale)", "数量（对数坐标）"))
    ax.set_title(say(lang, "What the $n$-th derivative costs, at $x = 1$", "x = 1 处 n 阶导数的代价"),
                 fontsize=11)
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    save_svg(fig, path)
