"""Step 34: functions of one generation, in the book's order and in TinyPytorch's."""
# --8<-- [start:orders]
import numpy as np

from tinypytorch import Variable
from tinypytorch.trace import BackwardTrace


def book_order(y):
    """A model of the book's list: append, sort by generation, take the last one."""
    funcs, seen, order = [y.creator], {y.creator}, []
    while funcs:
        f = funcs.pop()
        order.append(f)
        for x in f.inputs:
            if x.creator is not None and x.creator not in seen:
                seen.add(x.creator)
                funcs.append(x.creator)
                funcs.sort(key=lambda g: g.generation)
    return order


def library_order(y):
    """The order TinyPytorch's own backward pass visits, as a BackwardTrace records it."""
    with BackwardTrace() as trace:
        y.backward()
    return [step.function for step in trace.steps]
# --8<-- [end:orders]


# --8<-- [start:compare]
def name(f):
    """'Add(gen 2)', or 'x*0.5(gen 0)' for a product with a constant."""
    if type(f).__name__ == "Mul":
        return f"x*{float(f.inputs[1].data)}(gen {f.generation})"
    return f"{type(f).__name__}(gen {f.generation})"


x = Variable(np.array(1.0))
y = x * 0.1 + x * 0.5 + x * 0.3      # dy/dx = 0.9

for label, order in (("book", book_order(y)), ("heap", library_order(y))):
    print(f"{label}:", " -> ".join(name(f) for f in order))
    # each x*c sends c to x; add the contributions in the order visited
    total = None
    for f in order:
        if type(f).__name__ == "Mul":
            c = float(f.inputs[1].data)
            total = c if total is None else total + c
    print(f"      dy/dx, added in this order: {total!r}")

print("y.backward():", repr(float(x.grad.data)))   # the pass library_order ran
# --8<-- [end:compare]
