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
    functions = _creators(variables)
    lines = [
        "digraph core {",
        'bgcolor=white; pad=0.2; nodesep=0.5; ranksep=0.45',
        'node [fontname="Helvetica", fontsize=12, fontcolor=black]',
        'edge [fontname="Helvetica", fontsize=10, color=gray30, fontcolor=gray20]',
    ]
    lines += _core_nodes(variables, functions, lang)
    lines += _core_edges(variables, functions, lang)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _creators(variables: dict) -> dict:
    """The Functions that created the variables, each with its DOT name (f0, f1, ...), in first-seen order."""
    functions = {}
    for v in variables.values():
        if v.creator is not None and v.creator not in functions:
            functions[v.creator] = f"f{len(functions)}"
    return functions


def _generation(node, lang: str) -> str:
    return say(lang, f"generation {node.generation}", f"第 {node.generation} 代")


def _core_nodes(variables: dict, functions: dict, lang: str) -> list[str]:
    """A filled node per Variable (orange) and per Function (blue box), each labelled with its generation."""
    lines = [f'{name} [label="{name}\\n{_generation(v, lang)}", color=orange, style=filled]'
             for name, v in variables.items()]
    lines += [f'{fid} [label="{type(f).__name__}\\n{_generation(f, lang)}", color=lightblue, style=filled, shape=box]'
              for f, fid in functions.items()]
    return lines


def _core_edges(variables: dict, functions: dict, lang: str) -> list[str]:
    """Each Function's references, by generation: to its inputs (strong), to its outputs (weak), and each
    output's `creator` back to it. Only the bottom Function's edges are labelled, once in the picture."""
    names = {id(v): n for n, v in variables.items()}
    inputs = say(lang, "inputs", "输入 inputs")
    outputs = say(lang, "outputs (weakref)", "输出 outputs（弱引用）")
    creator = say(lang, "creator", "创建者 creator")
    last = max(functions, key=lambda f: f.generation)
    lines = []
    for f in sorted(functions, key=lambda f: f.generation):
        labelled, fid = f is last, functions[f]
        for i, x in enumerate(f.inputs):
            lines.append(f"{names[id(x)]} -> {fid} [dir=back{_label('label', f' {inputs}', labelled and i == 0)}]")
        for y in (ref() for ref in f.outputs):
            lines.append(f"{fid} -> {names[id(y)]} [style=dashed{_label('label', f' {outputs}', labelled)}]")
            lines.append(f"{fid} -> {names[id(y)]} "
                         f"[dir=back, color=darkorange{_label('xlabel', f'{creator} ', labelled)}]")
    return lines


def _label(attribute: str, text: str, shown: bool) -> str:
    """An edge's label attribute (``, label="text"``), or nothing where the edge goes unlabelled."""
    return f', {attribute}="{text}"' if shown else ""


@figure_in_languages("step25-recap-core")
def recap_core(path, lang):
    g = run_listing("step25_recap_generations.py")
    render_dot(_core_dot({n: g[n] for n in ("x", "a", "b", "c", "y")}, lang), path)
