"""Step 34: why backward goes by generation: a diamond, walked two ways."""
# --8<-- [start:walk]
import heapq
import itertools

import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable, no_grad


def diamond():
    x = Variable(np.array(2.0))
    a = F.square(x)                  # a = x^2
    y = F.square(a) + F.square(a)    # y = 2a^2 = 2x^4
    return x, y                      # dy/dx = 8x^3 = 64 at x = 2


def walk_backward(y, by_generation):
    """A minimal backward pass; returns the order of the functions."""
    y.grad = Variable(np.ones_like(y.data))
    tie = itertools.count()
    todo = [(-y.creator.generation, next(tie), y.creator)]
    seen, order = {y.creator}, []
    with no_grad():                  # plain numbers: record no graph
        while todo:
            if by_generation:
                f = heapq.heappop(todo)[2]   # the newest first
            else:
                f = todo.pop()[2]            # the last found first
            order.append(f"{type(f).__name__}(gen {f.generation})")
            gxs = f.backward(f.outputs[0]().grad)
            gxs = gxs if isinstance(gxs, tuple) else (gxs,)
            for x, gx in zip(f.inputs, gxs):
                x.grad = gx if x.grad is None else x.grad + gx
                if x.creator is None or x.creator in seen:
                    continue
                seen.add(x.creator)
                entry = (-x.creator.generation, next(tie), x.creator)
                if by_generation:
                    heapq.heappush(todo, entry)
                else:
                    todo.append(entry)
    return order
# --8<-- [end:walk]

# --8<-- [start:compare]
for by_generation in (False, True):
    x, y = diamond()
    order = walk_backward(y, by_generation)
    print("by generation:" if by_generation else "plain stack:")
    print("   ", " -> ".join(order), "   dy/dx =", x.grad)

x, y = diamond()
y.backward()
print("y.backward():  dy/dx =", x.grad)
# --8<-- [end:compare]
