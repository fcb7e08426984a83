"""Step 25: a computational graph as DOT text, from scratch."""
# --8<-- [start:dot]
import numpy as np

from tinypytorch import Variable

VAR = "color=orange, style=filled"
FUNC = "color=lightblue, style=filled, shape=box"


def dot_graph(output, verbose=True):
    ids = {}          # id(node) -> 0, 1, 2, ... in the order we meet them

    def node_id(node):
        return ids.setdefault(id(node), len(ids))

    def dot_var(v):
        label = "" if v.name is None else v.name
        if verbose and v.data is not None:
            if v.name is not None:
                label += ": "
            label += f"{v.shape} {v.dtype}"
        return f'{node_id(v)} [label="{label}", {VAR}]'

    def dot_func(f):
        name = type(f).__name__
        lines = [f'{node_id(f)} [label="{name}", {FUNC}]']
        for x in f.inputs:                    # input -> function
            lines.append(f"{node_id(x)} -> {node_id(f)}")
        for y in f.outputs:                   # function -> output
            lines.append(f"{node_id(f)} -> {node_id(y())}")  # a weakref
        return lines

    lines = [dot_var(output)]
    todo, seen = [], set()

    def add_func(f):
        if f is not None and f not in seen:
            seen.add(f)
            todo.append(f)

    add_func(output.creator)
    while todo:           # like backward, but the order does not matter
        f = todo.pop()
        lines += dot_func(f)
        for x in f.inputs:
            lines.append(dot_var(x))
            add_func(x.creator)
    return "digraph g {\n" + "\n".join(lines) + "\n}"
# --8<-- [end:dot]


# --8<-- [start:use]
x0 = Variable(np.array(1.0), name="x0")
x1 = Variable(np.array(1.0), name="x1")
y = x0 + x1
y.name = "y"
print(dot_graph(y, verbose=False))

x = Variable(np.ones((2, 3)), name="x")
print(dot_graph(x * x, verbose=True))
# --8<-- [end:use]
