"""Figures of Step 25 (visualising the computational graph) and of the recap page.

Every picture is DOT text drawn by `render_dot`: the hand-written DOT files the chapter shows, the graphs
the chapter's listings build, and the recap's diagram of the Variable/Function core.
"""

from __future__ import annotations

from scripts.figures import LISTINGS, figure, render_dot, run_listing
from scripts.figures.language import figure_in_languages, say


# --- DOT basics: the three hand-written files the chapter shows, rendered as they are ---------------------

@figure("step25-dot-nodes")
def dot_nodes(path):
    render_dot((LISTINGS / "step25_dot_nodes.dot").read_text(), path)


@figure("step25-dot-attributes")
def dot_attributes(path):
    render_dot((LISTINGS / "step25_dot_attributes.dot").read_text(), path)


@figure("step25-dot-edge")
def dot_edge(path):
    render_dot((LISTINGS / "step25_dot_edge.dot").read_text(), path)


# --- graphs built by the chapter's listings ----------------------------------------------------------------

@figure("step25-x0-plus-x1")
def x0_plus_x1(path):
    g = run_listing("step25_x0_plus_x1.py")
    render_dot(g["txt"], path)


@figure("step25-goldstein")
def goldstein(path):
    from tinypytorch import get_dot_graph

    g = run_listing("step25_goldstein.py")
    render_dot(get_dot_graph(g["z"], verbose=False), path)


@figure("step25-values")
def values(path):
    from tinypytorch import get_dot_graph

    g = run_listing("step25_values.py")
    render_dot(get_dot_graph(g["y"], verbose=False, values=True), path)


# --- the recap's diagram: who holds whom in the graph of y = a^2 + a^2, a = x^2 -----------------------------

def _core_dot(variables: dict, lang: str = "en") -> str:
    """DOT text of the references between Variables and Functions, walked from the live objects.

    Layout follows the data (inputs on top); arrowheads show the references: a Variable holds its
    `creator`, a Function holds its `inputs` (both strong, solid) and its `outputs` weakly (dashed).
    """
    names = {id(v): n for n, v in variables.items()}
    generation = lambda node: say(lang, f"generation {node.generation}", f"第 {node.generation} 代")  # noqa: E731
    inputs = say(lang, "inputs", "输入 inputs")
    outputs = say(lang, "outputs (weakref)", "输出 outputs（弱引用）")
    creator = say(lang, "creator", "创建者 creator")
    funcs, order = {}, []
    for v in variables.values():
        f = v.creator
        if f is not None and id(f) not in funcs:
            funcs[id(f)] = f"f{len(funcs)}"
            order.append(f)
    lines = [
        "digraph core {",
        'bgcolor=white; pad=0.2; nodesep=0.5; ranksep=0.45',
        'node [fontname="Helvetica", fontsize=12, fontcolor=black]',
        'edge [fontname="Helvetica", fontsize=10, color=gray30, fontcolor=gray20]',
    ]
    for name, v in variables.items():
        lines.append(f'{name} [label="{name}\\n{generation(v)}", color=orange, style=filled]')
    for f in order:
        lines.append(f'{funcs[id(f)]} [label="{type(f).__name__}\\n{generation(f)}", '
                     f'color=lightblue, style=filled, shape=box]')
    last = max(order, key=lambda f: f.generation)  # label the edges of one function: the bottom one
    for f in sorted(order, key=lambda f: f.generation):
        labelled = f is last
        fid = funcs[id(f)]
        for i, x in enumerate(f.inputs):
            label = f', label=" {inputs}"' if labelled and i == 0 else ""
            lines.append(f"{names[id(x)]} -> {fid} [dir=back{label}]")
        for ref in f.outputs:
            y = ref()
            label = f', label=" {outputs}"' if labelled else ""
            lines.append(f"{fid} -> {names[id(y)]} [style=dashed{label}]")
            label = f', xlabel="{creator} "' if labelled else ""
            lines.append(f"{fid} -> {names[id(y)]} [dir=back, color=darkorange{label}]")
    lines.append("}")
    return "\n".join(lines) + "\n"


@figure_in_languages("step25-recap-core")
def recap_core(path, lang):
    g = run_listing("step25_recap_generations.py")
    render_dot(_core_dot({n: g[n] for n in ("x", "a", "b", "c", "y")}, lang), path)
