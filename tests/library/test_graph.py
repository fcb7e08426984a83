"""Tests for tinypytorch.graph, the lesson: DOT text (golden files), labels, `max_nodes`, statistics.

Drawing pictures is tested in tests/library/test_render.py.
Goldens live in tests/library/golden/*.dot. To regenerate them after a deliberate change, run
`TINYPYTORCH_UPDATE_GOLDENS=1 pytest tests/library/test_graph.py`, then read the diff before committing.
"""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import tinypytorch.functions as F
import tinypytorch.graph as graph
from tinypytorch import Constant, Function, Variable
from tinypytorch.graph import GraphStats, get_dot_graph, graph_stats

pytestmark = pytest.mark.step25

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).resolve().parents[2]
PNG_HEAD = b"\x89PNG\r\n\x1a\n"

# ---------------------------------------------------------------------------------------------------------
# The three programs of the golden files. The same source runs in-process and in fresh subprocesses.
# ---------------------------------------------------------------------------------------------------------

PROGRAMS = {
    "add": """
        x0 = Variable(np.array(1.0))
        x1 = Variable(np.array(1.0))
        y = x0 + x1
        x0.name = 'x0'
        x1.name = 'x1'
        y.name = 'y'
        out = get_dot_graph(y, verbose=False)
    """,
    "goldstein": """
        def goldstein(x, y):
            z = (1 + (x + y + 1)**2 * (19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2)) * \\
                (30 + (2*x - 3*y)** 2 * (18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))
            return z
        x = Variable(np.array(1.0))
        y = Variable(np.array(1.0))
        z = goldstein(x, y)
        z.backward()
        x.name = 'x'
        y.name = 'y'
        z.name = 'z'
        out = get_dot_graph(z)
    """,
    "tanh_grad2": """
        x = Variable(np.array(1.0), name='x')
        y = F.tanh(x)
        y.name = 'y'
        y.backward(create_graph=True)
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)
        gx2 = x.grad
        gx2.name = 'gx2'
        out = get_dot_graph(gx2)
    """,
}
PRELUDE = ("import numpy as np\nfrom tinypytorch import Variable\nimport tinypytorch.functions as F\n"
           "from tinypytorch.graph import get_dot_graph\n")


def run_program(name):
    """Run PROGRAMS[name] and return its namespace (`out` is the DOT text)."""
    ns = {}
    exec(PRELUDE + textwrap.dedent(PROGRAMS[name]), ns)
    return ns


def goldstein(x, y):
    return run_program("goldstein")["goldstein"](x, y)


def parse_dot(text):
    """Nodes {id: (label, is_function)} and edges [(src, dst)] of a DOT text written by get_dot_graph."""
    nodes, edges = {}, []
    for line in text.splitlines():
        if m := re.fullmatch(r'(\d+) \[label="((?:[^"\\]|\\.)*)", (.*)\]', line):
            assert m[1] not in nodes, f"node {m[1]} declared twice"
            nodes[m[1]] = (m[2], "shape=box" in m[3])
        elif m := re.fullmatch(r"(\d+) -> (\d+)( \[style=dashed\])?", line):
            edges.append((m[1], m[2]))
    return nodes, edges


def tanh_grad2():
    ns = run_program("tanh_grad2")
    return ns["gx2"], ns


# ---------------------------------------------------------------------------------------------------------
# DOT text
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_golden_dot(name):
    text = run_program(name)["out"]
    path = GOLDEN / f"{name}.dot"
    if os.environ.get("TINYPYTORCH_UPDATE_GOLDENS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8")


def test_add_dot_text_is_the_books_graph():
    nodes, edges = parse_dot(run_program("add")["out"])
    labels = {i: label for i, (label, _) in nodes.items()}
    assert labels == {"0": "y", "1": "Add", "2": "x0", "3": "x1"}
    assert edges == [("2", "1"), ("3", "1"), ("1", "0")]


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_golden_graphs_are_well_formed(name):
    nodes, edges = parse_dot((GOLDEN / f"{name}.dot").read_text(encoding="utf-8"))
    assert list(nodes) == [str(i) for i in range(len(nodes))], "ids are 0, 1, 2, ... in order"
    for src, dst in edges:
        assert src in nodes and dst in nodes
        assert nodes[src][1] != nodes[dst][1], "edges join a variable and a function"
    for i, (_, is_function) in nodes.items():
        if is_function:
            assert sum(src == i for src, _ in edges) == 1, "each function has one output here"
            assert any(dst == i for _, dst in edges), "each function has inputs"


def test_goldstein_has_38_functions_17_mul():
    x, y = Variable(np.array(1.0)), Variable(np.array(1.0))
    stats = graph_stats(goldstein(x, y))
    assert stats.n_functions == 38
    assert stats.functions["Mul"] == 17
    assert stats.functions == {"Mul": 17, "Add": 10, "Pow": 6, "Sub": 5}
    assert (stats.n_variables, stats.n_constants, stats.n_edges, stats.depth) == (57, 17, 108, 9)
    # the same numbers, counted independently from the golden text
    nodes, edges = parse_dot((GOLDEN / "goldstein.dot").read_text(encoding="utf-8"))
    functions = [label for label, is_function in nodes.values() if is_function]
    assert len(functions) == 38
    assert functions.count("Mul") == 17
    assert len(nodes) - len(functions) == 57 and len(edges) == 108


def test_dot_text_identical_in_fresh_processes():
    script = PRELUDE + "".join(textwrap.dedent(PROGRAMS[n]) + "print(out, end='')\n" for n in sorted(PROGRAMS))
    runs = []
    for seed in ("0", "12345"):  # different hash seeds and fresh address spaces: ids must not leak in
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs.append(subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                                   check=True).stdout)
    assert runs[0] == runs[1]
    assert runs[0].decode() == "".join((GOLDEN / f"{n}.dot").read_text(encoding="utf-8") for n in sorted(PROGRAMS))


def test_gradient_graph_nodes_are_marked():
    gx2, ns = tanh_grad2()
    text = get_dot_graph(gx2, verbose=False)
    nodes, _ = parse_dot(text)
    labels = {label for label, _ in nodes.values()}
    assert {"gx2", "x", "y", "Tanh", "Mul", "Sub", "Neg", "Add"} <= labels
    assert 'label="Tanh", color=lightblue, style=filled' in text          # forward: the book's style
    assert 'label="gx2", color=darkorange, fillcolor=' in text           # recorded by backward: paler, dashed
    assert "[style=dashed]" in text
    plain = get_dot_graph(gx2, verbose=False, mark_backward=False)
    assert "dashed" not in plain and "fillcolor" not in plain
    assert parse_dot(plain)[1] == parse_dot(text)[1]                      # same graph, other style
    stats = graph_stats(gx2)
    assert stats.n_functions == 9 and stats.n_backward_functions == 8     # all but the forward Tanh
    assert stats.functions == {"Mul": 5, "Add": 1, "Neg": 1, "Sub": 1, "Tanh": 1}


def test_shared_nodes_appear_once():
    x = Variable(np.array(2.0), name="x")
    a = x * x             # one Mul with the same input twice: two arrows, one x
    y = a + a
    nodes, edges = parse_dot(get_dot_graph(y, verbose=False))
    assert [label for label, _ in nodes.values()].count("x") == 1
    assert len(nodes) == 5 and len(edges) == 6


def test_dead_output_weakref_is_skipped():
    class Split(Function):
        def forward(self, x):
            return x, 2 * x

    x = Variable(np.array(1.0), name="x")
    a, b = Split()(x)
    del b                 # nothing holds the second output: its weakref is dead
    y = a + 1
    nodes, edges = parse_dot(get_dot_graph(y, verbose=False))
    assert [label for label, _ in nodes.values()] == ["", "Add", "", "Split", "1", "x"]
    assert len(edges) == 5


def test_labels_verbose_constants_values_and_escaping():
    x = Variable(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), name="x")
    y = 3 * x + 0.001
    text = get_dot_graph(y)
    assert 'label="x: (2, 3) float64"' in text
    assert 'label="(2, 3) float64"' in text                      # unnamed: shape and dtype only
    assert 'label="3"' in text and 'label="0.001"' in text      # constants by value, not shape
    assert "label=\"x\"" in get_dot_graph(y, verbose=False)
    y.backward()
    shown = get_dot_graph(y, values=True)
    assert 'label="x: (2, 3) float64\\ndata: [[1, 2, 3], [4, 5, 6]]\\ngrad: [[3, 3, 3], [3, 3, 3]]"' in shown
    v = Variable(np.array(0.5), name='say "hi" \\ now')
    assert r'label="say \"hi\" \\ now"' in get_dot_graph(v, verbose=False)


def test_constants_keep_their_labels():
    # the golden DOT files show `3`, not `3.0`, for the 3 in `3 * x` of a float64 x
    y = 3 * Variable(np.array(2.0))
    const = y.creator.inputs[1]
    assert isinstance(const, Constant) and 'label="3"' in get_dot_graph(y, verbose=False)



def test_leaf_list_and_type_errors():
    x = Variable(np.array(1.0), name="x")
    assert parse_dot(get_dot_graph(x))[0] == {"0": ("x: () float64", False)}
    y, z = x + 1, x * 2
    nodes, _ = parse_dot(get_dot_graph([y, z], verbose=False))
    assert [label for label, _ in nodes.values()].count("x") == 1
    with pytest.raises(TypeError, match="Variable"):
        get_dot_graph(np.array(1.0))
    with pytest.raises(ValueError):
        get_dot_graph([])


def test_deep_graph_without_recursion_limit():
    x = Variable(np.array(0.0), name="x")
    y = x
    for _ in range(3 * sys.getrecursionlimit()):
        y = y + 1
    stats = graph_stats(y)
    assert stats.n_functions == stats.depth == 3 * sys.getrecursionlimit()
    assert get_dot_graph(y).count("Add") == stats.n_functions


# ---------------------------------------------------------------------------------------------------------
# Statistics (Step 32)
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.step32
def test_stats_small_graphs():
    ns = run_program("add")
    s = graph_stats(ns["y"])
    assert s == GraphStats(functions={"Add": 1}, n_functions=1, n_variables=3, n_constants=0, n_edges=3,
                           n_backward_functions=0, depth=1)
    assert graph_stats(Variable(np.array(1.0))).depth == 0


@pytest.mark.step32
def test_stats_grow_with_tanh_order():
    x = Variable(np.array(1.0))
    y = F.tanh(x)
    y.backward(create_graph=True)
    sizes = []
    for _ in range(4):
        gx = x.grad
        sizes.append(graph_stats(gx).n_functions)
        x.cleargrad()
        gx.backward(create_graph=True)
    assert sizes[0] == 4 and sizes == sorted(sizes) and sizes[-1] > 4 * sizes[0]


# ---------------------------------------------------------------------------------------------------------
# max_nodes: the part of a large graph nearest the output
# ---------------------------------------------------------------------------------------------------------

def test_max_nodes_keeps_the_first_nodes_of_the_walk_and_says_so():
    z = run_program("goldstein")["z"]
    full_nodes, full_edges = parse_dot(get_dot_graph(z))
    assert len(full_nodes) == 38 + 57
    text = get_dot_graph(z, max_nodes=30)
    nodes, edges = parse_dot(text)
    assert nodes == {i: full_nodes[i] for i in map(str, range(30))}        # the same first 30 nodes
    assert edges == [(a, b) for a, b in full_edges if int(a) < 30 and int(b) < 30]
    assert text.endswith('label="the 30 nodes nearest the output, of 95 (max_nodes=30)"\n}\n')
    # nothing is cut, nothing is said
    assert get_dot_graph(z, max_nodes=95) == get_dot_graph(z) == (GOLDEN / "goldstein.dot").read_text()


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True])
def test_max_nodes_must_be_a_positive_whole_number(bad):
    with pytest.raises(ValueError, match="max_nodes must be a positive whole number"):
        get_dot_graph(Variable(np.array(1.0)), max_nodes=bad)


# ---------------------------------------------------------------------------------------------------------
# The book's Step 25 programs, end to end
# ---------------------------------------------------------------------------------------------------------

def test_blog_step25_examples(tmp_path):
    """The blog's two Step 25 programs, with only the import changed, on a pip-only machine."""
    script = textwrap.dedent("""
        import numpy as np
        from tinypytorch import Variable, get_dot_graph, plot_dot_graph

        x0 = Variable(np.array(1.0))
        x1 = Variable(np.array(1.0))
        y = x0 + x1
        x0.name = 'x0'
        x1.name = 'x1'
        y.name = 'y'
        txt = get_dot_graph(y, verbose=False)
        print(txt)
        with open('sample.dot', 'w') as f:
            f.write(txt)

        def goldstein(x, y):
            z = (1 + (x + y + 1)**2 * (19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2)) * \\
                (30 + (2*x - 3*y)** 2 * (18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))
            return z

        x = Variable(np.array(1.0))
        y = Variable(np.array(1.0))
        z = goldstein(x, y)
        z.backward()
        x.name = 'x'
        y.name = 'y'
        z.name = 'z'
        plot_dot_graph(z, to_file='goldstein.png')
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == (GOLDEN / "add.dot").read_text() + "\n"
    assert (tmp_path / "goldstein.png").read_bytes().startswith(PNG_HEAD)
    assert sorted(os.listdir(tmp_path)) == ["goldstein.png", "sample.dot"]


# ---------------------------------------------------------------------------------------------------------
# The module's names (what an import loads, the book's import paths and step keys: test_package.py)
# ---------------------------------------------------------------------------------------------------------

def test_the_lesson_module_exports():
    assert graph.__all__ == ["get_dot_graph", "graph_stats", "get_dot_graph_and_stats", "GraphStats", "node_ids",
                             "short_text"]
