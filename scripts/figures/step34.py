"""Step 34 figures: the module diagram (from the package's real imports), memory with/without no_grad, and the
diamond's backward pass as two steppers (by generation, with a plain stack)."""

from __future__ import annotations

from scripts.figures.language import figure_in_languages, say
from scripts.figures import figure, render_dot, run_listing, save_svg


def module_diagram_dot(layout: dict, lang: str = "en") -> str:
    """DOT text for `layout` (module -> {target: (names, lazy)}), as step34_module_layout.py computes it."""
    package = sorted(layout)
    external = sorted({t for targets in layout.values() for t in targets} - set(package))

    def quote(text):  # a DOT string; a newline in `text` becomes a DOT line break
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    out = ["digraph modules {",
           "bgcolor=transparent",
           "rankdir=TB",
           "nodesep=0.5",
           'node [fontname="Helvetica", fontsize=16, fontcolor=black, style=filled, margin="0.2,0.1"]',
           'edge [color=gray40, fontname="Helvetica", fontsize=13, fontcolor=gray25]',
           "subgraph cluster_pkg {",
           'label="tinypytorch/"; fontname="Helvetica"; fontsize=16; fontcolor=gray30; color=gray60; style="rounded,dashed"']
    for module in package:
        label = "tinypytorch\n(__init__.py)" if module == "tinypytorch" else f"{module}.py"
        fill = "#ffd59e" if module in ("tinypytorch", "core") else "#dcefff"
        out.append(f"{quote(module)} [label={quote(label)}, shape=box, fillcolor={quote(fill)}, color=gray40]")
    out.append("}")
    for target in external:
        out.append(f"{quote(target)} [label={quote(target)}, shape=component, fillcolor=\"#eeeeee\", color=gray50]")
    for module in package:
        for target, (_, lazy) in sorted(layout[module].items()):
            attrs = []
            # the names each arrow carries are in the listing printed beside the picture; written on the
            # arrows they made the picture too wide to read on a page
            if lazy:
                attrs.append("style=dashed")
                attrs.append(f"label={quote(say(lang, 'lazy', '延迟导入'))}")
            if target in external:
                attrs.append("color=gray65")
            out.append(f"{quote(module)} -> {quote(target)}" + (f" [{', '.join(attrs)}]" if attrs else ""))
    out.append("}")
    return "\n".join(out) + "\n"


@figure_in_languages("step34-module-diagram")
def module_diagram(path, lang):
    layout = run_listing("step34_module_layout.py")["layout"]
    render_dot(module_diagram_dot(layout, lang), path)


@figure_in_languages("step34-memory-no-grad")
def memory_no_grad(path, lang):
    import matplotlib.pyplot as plt

    peak_mib = run_listing("step34_no_grad_memory.py")["peak_mib"]
    ns = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32]
    # rounded to 0.1 MiB: the Python objects of the graph (a few hundredths of a MiB, slightly different from
    # one process to the next) change neither the picture nor its bytes
    graph = [round(peak_mib(n, record_graph=True)[0], 1) for n in ns]
    plain = [round(peak_mib(n, record_graph=False)[0], 1) for n in ns]

    fig, ax = plt.subplots(figsize=(7, 4), facecolor="white")
    ax.set_facecolor("white")
    ax.plot(ns, graph, "o-", color="#d62728", ms=4, lw=2, label=say(lang, "recording the graph (default)", "记录计算图（默认）"))
    ax.plot(ns, plain, "s-", color="#1f77b4", ms=4, lw=2, label=say(lang, "inside with no_grad()", "在 with no_grad() 之内"))
    ax.set_xlabel(say(lang, "number of tanh calls in the chain", "链中 tanh 调用的次数"))
    ax.set_ylabel(say(lang, "peak memory (MiB)", "峰值内存（MiB）"))
    ax.set_xlim(0, 33)
    ax.set_ylim(0, 35)
    ax.set_title(say(lang, "Peak memory of y = tanh(tanh(...tanh(x))), each array 1 MiB", "y = tanh(tanh(...tanh(x))) 的峰值内存，每个数组 1 MiB"), fontsize=11)
    ax.grid(True, color="0.9")
    ax.legend(loc="upper left", fontsize=9, framealpha=1.0)
    save_svg(fig, path, facecolor="white")



def _diamond_stepper(path, order):
    """The diamond's pass in `order`, as the page's listing (step34_trace.py) recorded it, as a stepper."""
    from scripts.figures.backward_stepper import draw_stepper

    y, trace = run_listing("step34_trace.py")["runs"][order]
    b, c = y.creator.inputs
    a = b.creator.inputs[0]
    for v, name in ((a.creator.inputs[0], "x"), (a, "a"), (b, "b"), (c, "c"), (y, "y")):
        v.name = name
    draw_stepper(path, y, trace, generations=True)


@figure("step34-diamond-by-generation", data=True)
def diamond_by_generation(path):
    _diamond_stepper(path, "generation")


@figure("step34-diamond-plain-stack", data=True)
def diamond_plain_stack(path):
    _diamond_stepper(path, "stack")
