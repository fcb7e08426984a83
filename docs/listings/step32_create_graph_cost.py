"""Step 32: what create_graph costs: functions each backward records, memory held."""
# --8<-- [start:per-backward]
import numpy as np

import tinypytorch.functions as F
from tinypytorch import Function, Variable
from tinypytorch.graph import graph_stats


def recorded_by_one_backward(f, *args):
    """Functions that one backward(create_graph=True) through f records."""
    xs = [Variable(np.array(a)) for a in args]
    f(*xs).backward(create_graph=True)
    return graph_stats([x.grad for x in xs]).n_backward_functions


primitives = {"Add": (lambda a, b: a + b, 2.0, 3.0),
              "Sub": (lambda a, b: a - b, 2.0, 3.0),
              "Mul": (lambda a, b: a * b, 2.0, 3.0),
              "Div": (lambda a, b: a / b, 2.0, 3.0),
              "Pow": (lambda a: a ** 3, 2.0), "Exp": (F.exp, 2.0),
              "Log": (F.log, 2.0), "Sin": (F.sin, 2.0),
              "Cos": (F.cos, 2.0), "Tanh": (F.tanh, 2.0)}
for name, (f, *args) in primitives.items():
    print(f"{name:>4}: {recorded_by_one_backward(f, *args)}")
# --8<-- [end:per-backward]

# --8<-- [start:variants]
class TanhSquare(Function):
    """tanh again, its backward written with y ** 2 instead of y * y."""

    def forward(self, x):
        return np.tanh(x)

    def backward(self, gy):
        y = self.outputs[0]()
        return gy * (1 - y ** 2)


class TanhFromX(Function):
    """tanh again, its backward recomputing tanh from the input x, not reusing y."""

    def forward(self, x):
        return np.tanh(x)

    def backward(self, gy):
        x, = self.inputs
        t = TanhFromX()(x)
        return gy * (1 - t * t)


def derivative_sizes(f, max_order=8):
    """Functions in the graph of each derivative of f at x = 1; the last derivative."""
    x = Variable(np.array(1.0))
    f(x).backward(create_graph=True)
    sizes = []
    for n in range(1, max_order + 1):
        gx = x.grad
        sizes.append(graph_stats(gx).n_functions)
        if n < max_order:
            x.cleargrad()
            gx.backward(create_graph=True)
    return sizes, float(gx.data)


variants = {"tanh, y * y": F.tanh,
            "tanh, y ** 2": lambda x: TanhSquare()(x),
            "tanh from x": lambda x: TanhFromX()(x),
            "exp": F.exp}
for name, f in variants.items():
    sizes, d8 = derivative_sizes(f)
    print(f"{name:>12}: {sizes}  8th derivative {d8:.6f}")
# --8<-- [end:variants]

# --8<-- [start:memory]
import gc
import tracemalloc

N = 1000                                    # x holds N float64 numbers: 8 kB per array
tracemalloc.start()
x = Variable(np.ones(N))
F.tanh(x).backward(create_graph=True)
rows = []                           # printed after the loop: printing allocates too
for n in range(1, 7):
    gx = x.grad
    gc.collect()                    # count what is reachable, not garbage
    held = tracemalloc.get_traced_memory()[0]
    rows.append((n, graph_stats(gx).n_variables, held))
    x.cleargrad()
    gx.backward(create_graph=True)
tracemalloc.stop()
print("order   variables   bytes held   bytes / (variables x 8N)")
for n, variables, held in rows:
    print(f"{n:5d}   {variables:9d}   {held:10d}   {held / (variables * 8 * N):.2f}")
# --8<-- [end:memory]

# --8<-- [start:taylor]
import math


def tanh_taylor(x0, n):
    """Taylor coefficients c_0..c_n of tanh at x0, from y' = 1 - y*y,
    and the number of multiplications they took."""
    c = [math.tanh(x0)]
    products = 0
    for k in range(n):                  # the k-th coefficient of 1 - y*y gives c_{k+1}
        square_k = sum(c[i] * c[k - i] for i in range(k + 1))
        products += k + 1
        c.append(((1.0 if k == 0 else 0.0) - square_k) / (k + 1))
    return c, products


c, products = tanh_taylor(1.0, 8)
print("8th derivative  =", f"{math.factorial(8) * c[8]:.6f}")
print("multiplications =", products)
# --8<-- [end:taylor]
