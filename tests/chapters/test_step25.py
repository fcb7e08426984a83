"""Step 25 (and the recap page) — the listings run, and every number the pages state is what they print.

Expected values are derived by hand (the Goldstein–Price value and gradient by the product rule, the
node and edge counts from the formula), by numpy central differences, or by walking the graph with code
written here: never taken from the code under test.
"""

from __future__ import annotations

import ast
import math
import re
import shlex
import subprocess
from pathlib import Path

import numpy as np
import pytest

from helpers import ROOT, LISTINGS, RECAP, listing_globals, page_text, run_listing, states

pytestmark = pytest.mark.step25
STEP = 25


# ---------------------------------------------------------------------------------------------------------
# Section 1-2: DOT basics
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, nodes, edges, boxes", [
    ("step25_dot_nodes.dot", 2, 0, 0),
    ("step25_dot_attributes.dot", 2, 0, 1),
    ("step25_dot_edge.dot", 2, 1, 0),
])
def test_dot_basics_render_as_described(name, nodes, edges, boxes):
    from tinypytorch.render import Graph

    source = (LISTINGS / name).read_text(encoding="utf-8")
    assert source.startswith("digraph g {")
    svg = Graph.from_source(source)._repr_svg_()
    assert svg.count('class="node"') == nodes
    assert svg.count('class="edge"') == edges
    assert source.count("shape=box") == boxes
    assert f'--8<-- "docs/listings/{name}"' in page_text(STEP)


# ---------------------------------------------------------------------------------------------------------
# Sections 4-5: DOT text, from scratch and from the library
# ---------------------------------------------------------------------------------------------------------

X0_PLUS_X1_BODY = """\
0 [label="y", color=orange, style=filled]
1 [label="Add", color=lightblue, style=filled, shape=box]
2 [label="x0", color=orange, style=filled]
3 [label="x1", color=orange, style=filled]
2 -> 1
3 -> 1
1 -> 0"""


def test_library_dot_text_of_x0_plus_x1():
    out = run_listing("step25_x0_plus_x1.py")
    header = "digraph g {\nbgcolor=transparent\nnode [fontcolor=black]\nedge [color=gray50]\n"
    assert out == header + X0_PLUS_X1_BODY + "\n}\n"


def test_dot_from_scratch_matches_the_library_statement_for_statement():
    out = run_listing("step25_dot_from_scratch.py")
    first, second = out.split("}\n")[:2]
    ours = set(first.strip().splitlines()[1:])
    assert ours == set(X0_PLUS_X1_BODY.splitlines())
    assert first.startswith("digraph g {\n0 [label=\"y\"")
    # x * x: the unnamed output is labelled by shape and dtype; x is written twice, with two edges
    lines = second.strip().splitlines()
    assert '0 [label="(2, 3) float64", color=orange, style=filled]' in lines
    assert lines.count("2 -> 1") == 2
    assert lines.count('2 [label="x: (2, 3) float64", color=orange, style=filled]') == 2


# ---------------------------------------------------------------------------------------------------------
# Section 6: from DOT text to a picture, by hand
# ---------------------------------------------------------------------------------------------------------

def test_by_hand_listing_prints_what_the_page_says():
    out = run_listing("step25_plot_by_hand.py").splitlines()
    assert out[0] == "files: ['x0_plus_x1.dot', 'x0_plus_x1.svg']"
    assert out[1] in ("drawn by: dot", "drawn by: graphviz-pure")
    assert out[2] == "files: ['graph.svg', 'my graph.png']"      # the .dot file went with its folder
    assert out[3] == "['dot', 'tmp_graph.dot', '-T', 'png', '-o', 'my', 'graph.png']"
    assert shlex.split("dot tmp_graph.dot -T png -o my graph.png")[-2:] == ["my", "graph.png"]
    page = page_text(STEP)
    for section in ("by-hand", "plot", "use", "shell"):
        assert f'--8<-- "docs/listings/step25_plot_by_hand.py:{section}"' in page
    argv = ast.literal_eval(out[3])                                     # the name split in two
    assert states(page, f"`-o {argv[-2]}`", f"`{argv[-1]}`")


@pytest.fixture
def by_hand(tmp_path, monkeypatch):
    """The listing's functions, with temporary files going to a folder of our own (to see what is left)."""
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    g = listing_globals("step25_plot_by_hand.py")
    assert list(scratch.iterdir()) == []
    return g, scratch


def test_hand_made_plot_dot_graph_draws_the_graph_and_leaves_no_temp_file(by_hand, tmp_path):
    g, scratch = by_hand
    y = g["y"]
    g["plot_dot_graph"](y, verbose=False, to_file=str(tmp_path / "a b.svg"))
    g["plot_dot_graph"](y, verbose=False, to_file=str(tmp_path / "a.png"))
    svg = (tmp_path / "a b.svg").read_text(encoding="utf-8")
    assert svg.count('class="node"') == 4 and svg.count('class="edge"') == 3   # x0, x1, Add, y
    for label in ("x0", "x1", "Add", "y"):
        assert f">{label}</text>" in svg
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(scratch.iterdir()) == []


def test_hand_made_plot_dot_graph_fails_loudly(by_hand, tmp_path, monkeypatch):
    import shutil

    g, scratch = by_hand
    if Path(g["dot_program"]()).name.startswith("graphviz-pure"):   # a system dot can write gif
        with pytest.raises(subprocess.CalledProcessError):
            g["plot_dot_graph"](g["y"], to_file=str(tmp_path / "graph.gif"))
        assert not (tmp_path / "graph.gif").exists()
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    with pytest.raises(FileNotFoundError, match="pip install graphviz-pure"):
        g["plot_dot_graph"](g["y"], to_file=str(tmp_path / "graph.svg"))
    assert list(scratch.iterdir()) == [] and not (tmp_path / "graph.svg").exists()


# ---------------------------------------------------------------------------------------------------------
# Section 7: Goldstein-Price
# ---------------------------------------------------------------------------------------------------------

def goldstein_by_hand(x, y):
    """Value and gradient from the product rule, f = A * C (as the page derives them)."""
    s, t = x + y + 1, 2 * x - 3 * y
    B = 19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2
    D = 18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y + 27 * y ** 2
    A, C = 1 + s ** 2 * B, 30 + t ** 2 * D
    Ax = 2 * s * B + s ** 2 * (-14 + 6 * x + 6 * y)
    Ay = 2 * s * B + s ** 2 * (-14 + 6 * x + 6 * y)
    Cx = 4 * t * D + t ** 2 * (-32 + 24 * x - 36 * y)
    Cy = -6 * t * D + t ** 2 * (48 - 36 * x + 54 * y)
    return A * C, Ax * C + A * Cx, Ay * C + A * Cy, (A, C, Ax, Cx, Ay, Cy)


def test_goldstein_by_hand_agrees_with_a_central_difference():
    def f(x, y):
        return goldstein_by_hand(x, y)[0]

    eps = 1e-6
    value, gx, gy, parts = goldstein_by_hand(1.0, 1.0)
    assert value == 1876 and parts == (28, 67, 0, -192, 0, 288)
    assert (gx, gy) == (-5376, 8064)
    assert (f(1 + eps, 1) - f(1 - eps, 1)) / (2 * eps) == pytest.approx(gx, rel=1e-7)
    assert (f(1, 1 + eps) - f(1, 1 - eps)) / (2 * eps) == pytest.approx(gy, rel=1e-7)


@pytest.fixture(scope="module")
def goldstein_out() -> str:
    return run_listing("step25_goldstein.py")


def test_goldstein_listing_value_gradient_and_plot(goldstein_out):
    value, gx, gy, _ = goldstein_by_hand(1.0, 1.0)
    assert (f"z = variable({value:.1f})  dz/dx = variable({gx:.1f})  dz/dy = variable({gy:.1f})"
            in goldstein_out)
    assert "<Graph: 38 functions, 57 variables> | file written: True" in goldstein_out


def _walk(z):
    """Functions and variables reachable from z, by a traversal written here."""
    funcs, variables, todo = {}, {id(z): z}, [z.creator]
    while todo:
        f = todo.pop()
        if id(f) in funcs:
            continue
        funcs[id(f)] = f
        for x in f.inputs:
            variables[id(x)] = x
            if x.creator is not None:
                todo.append(x.creator)
    return list(funcs.values()), list(variables.values())


def test_goldstein_counts_match_the_formula_and_an_independent_walk(goldstein_out):
    from tinypytorch import Constant, Variable

    g = listing_globals("step25_goldstein.py")
    funcs, variables = _walk(g["z"])
    kinds = {}
    for f in funcs:
        kinds[type(f).__name__] = kinds.get(type(f).__name__, 0) + 1
    assert len(funcs) == 38 and kinds == {"Mul": 17, "Add": 10, "Pow": 6, "Sub": 5}
    two_input = sum(len(f.inputs) == 2 for f in funcs)
    assert two_input == 32 and sum(len(f.inputs) == 1 for f in funcs) == 6
    edges = sum(len(f.inputs) + len(f.outputs) for f in funcs)
    assert edges == 32 * 3 + 6 * 2 == 108
    constants = sum(isinstance(v, Constant) for v in variables)
    leaves = sum(v.creator is None for v in variables)
    assert constants == 17 and leaves == 19 and len(variables) == 38 + 19 == 57
    assert all(isinstance(v, Variable) for v in variables)

    def depth(v):  # functions on the longest path from an input to v
        return 0 if v.creator is None else 1 + max(depth(x) for x in v.creator.inputs)

    assert depth(g["z"]) == 9
    assert "functions: 38 {'Mul': 17, 'Add': 10, 'Pow': 6, 'Sub': 5}" in goldstein_out
    assert "variables: 57 of which constants: 17" in goldstein_out
    assert "edges: 108" in goldstein_out
    assert "longest chain of functions: 9" in goldstein_out


def test_page_states_the_goldstein_numbers(goldstein_out):
    page = page_text(STEP)
    printed = re.search(r"functions: (\d+) \{'Mul': (\d+).*\nvariables: (\d+) of which constants: (\d+)\n"
                        r"edges: (\d+)\nlongest chain of functions: (\d+)", goldstein_out).groups()
    functions, muls, variables, constants, edges, depth = printed
    assert states(page, functions, variables)                                 # the chapter's opening
    assert states(page, f"{functions} functions", muls, f"= {edges}$", f"= {variables}$", f"{depth} functions")
    for formula in ("f(1, 1) = 1876", "28 \\cdot (-192) = -5376", "28 \\cdot 288 = 8064",
                    "32 \\cdot 3 + 6 \\cdot 2 = 108", "38 + 19 = 57", "$A = 28$", "$C = 67$", "-148 - 44 = -192",
                    "222 + 66 = 288"):
        assert formula in page, formula


# ---------------------------------------------------------------------------------------------------------
# Section 8, pitfalls, try it
# ---------------------------------------------------------------------------------------------------------

def test_values_labels_and_jupyter_display():
    out = run_listing("step25_values.py")
    x0, x1 = 2.0, 3.0  # y = x0 * x1 + x0
    y, gx0, gx1 = x0 * x1 + x0, x1 + 1, x0
    assert f'0 [label="y\\ndata: {y:g}\\ngrad: 1"' in out
    assert f'[label="x0\\ndata: {x0:g}\\ngrad: {gx0:g}"' in out
    assert f'[label="x1\\ndata: {x1:g}\\ngrad: {gx1:g}"' in out
    assert f'[label="data: {x0 * x1:g}\\ngrad: 1"' in out
    assert "<Graph: 2 functions, 4 variables>" in out
    assert "Jupyter gets an SVG: True" in out
    assert states(page_text(STEP), f"gradient {gx0:g}", f"`Mul` ({x1:g})", "`Add` (1)")


def test_bad_extensions_are_refused_before_drawing(tmp_path):
    out = run_listing("step25_pitfalls.py")
    flat = " ".join(out.split())
    assert "ValueError: cannot write 'graph': no extension" in flat
    assert "ValueError: cannot write 'graph.gif': extension .gif" in flat
    assert not (ROOT / "graph").exists() and not (ROOT / "graph.gif").exists()


def test_try_it_answer():
    # by hand: Pow(x0**2), Sub(x1 - .), Pow(.**2), Mul(100 * .), Sub(x0 - 1), Pow(.**2), Add
    kinds = {"Add": 1, "Mul": 1, "Pow": 3, "Sub": 2}
    n_funcs = sum(kinds.values())
    n_vars = n_funcs + 2 + 2          # one output each, x0 and x1, the constants 100 and 1
    n_edges = 4 * 3 + 3 * 2           # four two-input functions, three Pow
    out = run_listing("step25_try_it.py")
    assert f"functions: {n_funcs} {kinds}" in out
    assert f"variables: {n_vars} of which constants: 2" in out
    assert f"edges:     {n_edges}" in out
    assert states(page_text(STEP), f"**{n_funcs} functions**", f"**{n_vars} variables", "2 of them constants**",
                  f"4 \\cdot 3 + 3 \\cdot 2 =$ **{n_edges} edges**")


# ---------------------------------------------------------------------------------------------------------
# The recap page
# ---------------------------------------------------------------------------------------------------------

def test_recap_chain():
    out = run_listing("step25_recap_chain.py")
    x = 0.5
    y = math.exp(x ** 2) ** 2                 # e^{0.5}
    grad = 2 * math.exp(x ** 2) * math.exp(x ** 2) * 2 * x   # 2b * e^a * 2x
    assert f"y = variable({y!r})" in out
    assert "Square <- Exp <- Square" in out
    assert "f.inputs[0] is b: True | x.creator: None" in out
    got = float(re.search(r"by backward\(\):\s+variable\(([0-9.]+)\)", out).group(1))
    assert got == pytest.approx(grad, rel=1e-15)
    numeric = float(re.search(r"central difference: ([0-9.]+)", out).group(1))
    assert numeric == pytest.approx(grad, rel=1e-9) and numeric != got


def test_recap_generations():
    out = run_listing("step25_recap_generations.py")
    assert "y = x + x:      x.grad = variable(2.0)" in out
    assert "y = x + x + x:  x.grad = variable(3.0)" in out
    x = 2.0
    assert f"y = variable({2 * x ** 4})" in out
    assert f"dy/dx = variable({8 * x ** 3})" in out
    for line in ("x: generation 0, creator: -", "a: generation 1, creator: Square (gen 0)",
                 "b: generation 2, creator: Square (gen 1)", "c: generation 2, creator: Square (gen 1)",
                 "y: generation 3, creator: Add (gen 2)"):
        assert line in out


def test_recap_memory():
    out = run_listing("step25_recap_memory.py")
    assert "f.outputs[0]() is y: True" in out and "after del y: None" in out
    x = 2.0
    a = x ** 2
    assert f"default:          a.grad = None  x.grad = variable({4 * x ** 3})" in out
    assert f"retain_grad=True: a.grad = variable({2 * a})  x.grad = variable({4 * x ** 3})" in out
    assert out.count("y.creator = None") == 2 and "y.creator = Square" in out


def test_recap_operators_and_step24_functions():
    out = run_listing("step25_recap_operators.py")
    assert "x (2, 3) 2 6 float64 2" in out
    x = 2.0
    assert f"y = variable({3 * x ** 2 - 4 / x + 1})" in out
    assert f"dy/dx = variable({6 * x + 4 / x ** 2})" in out
    assert "np.array(2.0) * x is a Variable" in out
    assert "3 * x records Mul with inputs ['Variable', 'Constant']" in out
    assert "sphere(1, 1) = 2.0000, gradient (2.0000, 2.0000)" in out
    # matyas: 0.26 (x^2 + y^2) - 0.48 xy; gradient (0.52x - 0.48y, 0.52y - 0.48x)
    m = 0.26 * 2 - 0.48
    assert f"matyas(1, 1) = {m:.4f}, gradient ({0.52 - 0.48:.4f}, {0.52 - 0.48:.4f})" in out


def test_recap_states_the_numbers_its_listings_print():
    page = RECAP.read_text(encoding="utf-8")
    for fragment in ("$dy/dx = 8x^3 = 64$", "$dy/da = 2a = 8$", "$dy/dx = 4x^3 = 32$",
                     "$y = 11$", "$dy/dx = 6x + 4/x^2 = 13$", "$(2, 2)$ at $(1, 1)$",
                     "$(0.04, 0.04)$"):
        assert fragment in page, fragment
    assert states(page, "38 functions")                                       # Goldstein-Price, counted above
    assert "figures/step25-recap-core.svg" in page


def test_recap_diagram_is_drawn_from_the_live_graph():
    from scripts.figures.step25 import _core_dot

    g = listing_globals("step25_recap_generations.py")
    dot = _core_dot({n: g[n] for n in ("x", "a", "b", "c", "y")})
    for name, gen in (("x", 0), ("a", 1), ("b", 2), ("c", 2), ("y", 3)):
        assert f'{name} [label="{name}\\ngeneration {gen}"' in dot
    assert dot.count("shape=box") == 4                       # 3 Square + 1 Add
    assert dot.count('label="Square\\ngeneration 1"') == 2
    inputs = [line for line in dot.splitlines() if "[dir=back" in line and "darkorange" not in line]
    creators = [line for line in dot.splitlines() if "darkorange" in line]
    weak = [line for line in dot.splitlines() if "style=dashed" in line]
    assert (len(inputs), len(creators), len(weak)) == (5, 4, 4)   # x; a twice; b, c -- and one per output
    assert dot.count('label=" inputs"') == 1 and dot.count('label=" outputs (weakref)"') == 1
    assert dot.count('xlabel="creator "') == 1


def test_graphviz_pure_draws_svg_png_jpeg_but_not_pdf(tmp_path):
    """The pitfall as the page states it (only meaningful where graphviz-pure is the `dot` in use)."""
    import numpy as np

    from tinypytorch import Variable, plot_dot_graph
    from tinypytorch.render import GraphvizRenderError, find_dot

    if "graphviz-pure" not in Path(find_dot()).name:
        pytest.skip("a system Graphviz is installed; it can write PDF")
    x = Variable(np.array(1.0), name="x")
    y = x * x
    for ext in ("svg", "png", "jpg"):
        plot_dot_graph(y, to_file=tmp_path / f"g.{ext}")
        assert (tmp_path / f"g.{ext}").stat().st_size > 0
    with pytest.raises(GraphvizRenderError, match="cannot write pdf"):
        plot_dot_graph(y, to_file=tmp_path / "g.pdf")
    assert not (tmp_path / "g.pdf").exists()


def test_the_hand_written_dot_function_is_under_forty_lines(page):
    """The plan's "under forty lines": the listing's dot_graph, counted from its source."""
    import ast
    from helpers import LISTINGS
    tree = ast.parse((LISTINGS / "step25_dot_from_scratch.py").read_text(encoding="utf-8"))
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "dot_graph")
    n_lines = fn.end_lineno - fn.lineno + 1
    assert 30 < n_lines < 40, n_lines
    assert states(page, "under forty lines")


def test_the_recap_says_who_keeps_the_seed():
    """The recap: the seed of ones is not stored in y.grad unless retain_grad=True (the book stores it)."""
    import numpy as np
    from helpers import RECAP
    from tinypytorch import Variable
    x = Variable(np.array(2.0))
    y = x * x
    y.backward()
    assert y.grad is None and float(x.grad.data) == 4.0
    y.backward(retain_grad=True)
    assert float(y.grad.data) == 1.0
    assert states(RECAP.read_text(encoding="utf-8"), "leaves `y.grad` as it was", "`retain_grad=True`")
