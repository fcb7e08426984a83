"""Step 25: from DOT text to a picture by hand, then a small plot_dot_graph."""
# --8<-- [start:by-hand]
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from tinypytorch import Variable, get_dot_graph


def dot_program():
    """A system Graphviz's `dot`, or else graphviz-pure: same arguments."""
    here = os.path.dirname(sys.executable)  # a venv that is not activated
    search = os.pathsep.join([os.environ.get("PATH", ""), here])
    for name in ("dot", "graphviz-pure"):
        found = shutil.which(name, path=search)
        if found:
            return found
    raise FileNotFoundError("no dot program: install Graphviz, "
                            "or pip install graphviz-pure")


def render(dot_file, to_file):
    """`dot <dot_file> -T <format> -o <to_file>`, the format from to_file."""
    fmt = os.path.splitext(to_file)[1][1:]     # "x.svg" -> "svg"
    subprocess.run([dot_program(), dot_file, "-T", fmt, "-o", to_file],
                   check=True)


x0 = Variable(np.array(1.0), name="x0")
x1 = Variable(np.array(1.0), name="x1")
y = x0 + x1
y.name = "y"

with tempfile.TemporaryDirectory() as folder:  # yours: any folder
    dot_file = os.path.join(folder, "x0_plus_x1.dot")
    with open(dot_file, "w", encoding="utf-8") as f:
        f.write(get_dot_graph(y, verbose=False))
    render(dot_file, os.path.join(folder, "x0_plus_x1.svg"))
    print("files:", sorted(os.listdir(folder)))
    print("drawn by:", os.path.basename(dot_program()))
# --8<-- [end:by-hand]


# --8<-- [start:plot]
def plot_dot_graph(output, verbose=True, to_file="graph.png"):
    """Draw the graph behind `output`; to_file's extension is the format."""
    with tempfile.TemporaryDirectory() as folder:  # gone after the with
        dot_file = os.path.join(folder, "graph.dot")
        with open(dot_file, "w", encoding="utf-8") as f:
            f.write(get_dot_graph(output, verbose))
        render(dot_file, to_file)
# --8<-- [end:plot]


# --8<-- [start:use]
with tempfile.TemporaryDirectory() as folder:
    for name in ("graph.svg", "my graph.png"):
        plot_dot_graph(y, verbose=False, to_file=os.path.join(folder, name))
    print("files:", sorted(os.listdir(folder)))
# --8<-- [end:use]

# --8<-- [start:shell]
import shlex

# the book builds one command line and hands it to a shell
cmd = "dot {} -T {} -o {}".format("tmp_graph.dot", "png", "my graph.png")
print(shlex.split(cmd))   # the words the shell passes to dot
# --8<-- [end:shell]
