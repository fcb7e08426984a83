"""Step 33: forward and reverse mode: JVPs, VJPs, and the cost of a Hessian-vector product."""
# --8<-- [start:vjp]
import numpy as np

from tinypytorch import Variable, grad


def f(a, b, c):
    """A function from R^3 to R^2."""
    return [a * b + c, a * c ** 2 - b]


a, b, c = (Variable(np.array(v)) for v in (1.0, 2.0, 3.0))
y = f(a, b, c)

u = [1.0, 10.0]                            # one weight per output
print("u^T J =", [float(g.data) for g in grad(y, [a, b, c], grad_outputs=u)])
# --8<-- [end:vjp]

# --8<-- [start:double-vjp]
v = [1.0, 1.0, 1.0]                        # one direction per input
w = [Variable(np.array(0.0)), Variable(np.array(0.0))]   # placeholders for u
wJ = grad(y, [a, b, c], grad_outputs=w, create_graph=True)   # w^T J, a graph in w
Jv = grad(wJ, w, grad_outputs=v)           # its gradient with respect to w is J v
print("J v   =", [float(g.data) for g in Jv])
# --8<-- [end:double-vjp]

# --8<-- [start:dual]
class Dual:
    """A value and its derivative in one direction, carried forward together."""

    def __init__(self, value, tangent):
        self.value, self.tangent = value, tangent

    def __add__(self, other):
        other = lift(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    def __sub__(self, other):
        other = lift(other)
        return Dual(self.value - other.value, self.tangent - other.tangent)

    def __mul__(self, other):
        other = lift(other)
        return Dual(self.value * other.value,
                    self.tangent * other.value + self.value * other.tangent)

    def __pow__(self, n):
        return Dual(self.value ** n, n * self.value ** (n - 1) * self.tangent)

    __radd__, __rmul__ = __add__, __mul__


def lift(x):
    return x if isinstance(x, Dual) else Dual(x, 0.0)


def jvp(f, point, direction):
    """J v in one forward pass: each input carries its component of v."""
    outputs = f(*(Dual(p, d) for p, d in zip(point, direction)))
    return [y.tangent for y in outputs]


print("J v   =", jvp(f, (1.0, 2.0, 3.0), v), "(forward mode)")
# --8<-- [end:dual]

# --8<-- [start:cheap-gradient]
import time


def loss(x):
    """A scalar function of n inputs: the sum of x^3 - 2x^2 + x over the elements."""
    return x * x * x - 2 * x * x + x


def reverse_gradient(x0):
    x = Variable(x0)
    gx, = grad(loss(x), x)                 # ones as the start: the gradient of the sum
    return gx.data


def forward_gradient(x0):
    grads = np.empty_like(x0)
    for i in range(x0.size):               # one forward pass per input
        e = np.zeros_like(x0)
        e[i] = 1.0
        grads[i] = np.sum(loss(Dual(x0, e)).tangent)
    return grads


def seconds(fn, *args, repeat=3):
    """The best time of `repeat` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - start)
    return best


print("     n   reverse passes   forward passes   forward time / reverse time")
for n in (10, 100, 1000):
    x0 = np.linspace(-1.0, 1.0, n)
    assert np.allclose(reverse_gradient(x0), forward_gradient(x0))
    ratio = seconds(forward_gradient, x0) / seconds(reverse_gradient, x0)
    print(f"{n:6d}   {1:14d}   {n:14d}   {ratio:27.0f}")
# --8<-- [end:cheap-gradient]

# --8<-- [start:hvp-cost]
import tinypytorch.functions as F
from tinypytorch.graph import graph_stats


def g(x):
    return F.tanh(x) * x


def gradient(x):
    gx, = grad(g(x), x)
    return gx


def hvp_reverse_over_reverse(x, v):
    gx, = grad(g(x), x, create_graph=True)           # pass 1, recorded
    hv, = grad(gx, x, grad_outputs=v)                # pass 2: the gradient of <gx, v>
    return hv


def hvp_double_vjp(x, v):
    w = Variable(np.zeros_like(x.data))
    gx, = grad(g(x), x, create_graph=True)           # pass 1, recorded
    wH, = grad(gx, x, grad_outputs=w, create_graph=True)
    # pass 2 recorded w^T H, a graph in w; pass 3: its gradient in w is H v
    hv, = grad(wH, w, grad_outputs=v)
    return hv


n = 100_000
x = Variable(np.linspace(-2.0, 2.0, n))
v = np.cos(np.arange(n))
t = np.tanh(x.data)
# H is diagonal here, with g''(x) on its diagonal
exact = (2 * (1 - t * t) - 2 * x.data * t * (1 - t * t)) * v
for hvp in (hvp_reverse_over_reverse, hvp_double_vjp):
    assert np.allclose(hvp(x, v).data, exact)

# what each way records, and walks: a pass walks the graph of what it differentiates
y = g(x)
gx, = grad(y, x, create_graph=True)
w = Variable(np.zeros(n))
wH, = grad(gx, x, grad_outputs=w, create_graph=True)
sizes = [graph_stats(out) for out in (y, gx, wH)]
walked = {"one gradient": [sizes[0]], "reverse over reverse": sizes[:2],
          "double VJP": sizes}
one = seconds(gradient, x, repeat=5)
times = {"one gradient": one,
         "reverse over reverse": seconds(hvp_reverse_over_reverse, x, v, repeat=5),
         "double VJP": seconds(hvp_double_vjp, x, v, repeat=5)}
print("                      passes   recorded   walked   time / one gradient")
for name, graphs in walked.items():
    recorded = graphs[-1].n_backward_functions if len(graphs) > 1 else 0
    walks = sum(s.n_functions for s in graphs)
    print(f"{name:20}  {len(graphs):6d}   {recorded:8d}   {walks:6d}"
          f"   {times[name] / one:19.1f}")
# --8<-- [end:hvp-cost]
