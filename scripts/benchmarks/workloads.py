"""The workloads W1–W6, each one declaration (see `declare.Workload`) after the functions it measures.

Each function returns (measure, check): the measure is seconds of CPU time (W3: by derivative order; W5: a
`PeakMemory`), and `check` is a small result compared across implementations, so every implementation is
seen to compute the same thing. tinypytorch and DeZero run the same function: their API is the book's.
"""

from __future__ import annotations

from functools import partial

from .declare import Goal, Workload
from .kinds import ByOrder, ImportTime, Memory, Timed
from .worker import PeakMemory, clock, profile_calls

# ---- W1: Rosenbrock gradient descent ---------------------------------------------------------------------

def w1_numpy(np, steps):
    lr = 0.001
    x0, x1 = np.array(0.0), np.array(2.0)
    t0 = clock()
    for _ in range(steps):
        t = x1 - x0 ** 2
        y = 100 * t ** 2 + (x0 - 1) ** 2
        gx0 = -400 * x0 * t + 2 * (x0 - 1)
        gx1 = 200 * t
        x0 -= lr * gx0
        x1 -= lr * gx1
    return clock() - t0, [float(x0), float(x1), float(y)]


def w1_graph(lib, steps):
    np, Variable = lib.np, lib.Variable
    lr = 0.001
    x0, x1 = Variable(np.array(0.0)), Variable(np.array(2.0))
    t0 = clock()
    for _ in range(steps):
        y = 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2
        x0.cleargrad()
        x1.cleargrad()
        y.backward()
        x0.data -= lr * x0.grad.data
        x1.data -= lr * x1.grad.data
    return clock() - t0, [float(x0.data), float(x1.data), float(y.data)]


def w1_torch(torch, steps):
    lr = 0.001
    x0 = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    x1 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    t0 = clock()
    for _ in range(steps):
        y = 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2
        x0.grad = None
        x1.grad = None
        y.backward()
        with torch.no_grad():
            x0 -= lr * x0.grad
            x1 -= lr * x1.grad
    return clock() - t0, [float(x0), float(x1), float(y)]


# --8<-- [start:w1]
W1 = Workload(
    id="W1",
    title="Rosenbrock gradient descent on 0-d arrays "
          "(forward, cleargrad, backward, update)",
    short="Rosenbrock descent, 0-d arrays",
    goal=Goal("≤ {limit}× the numpy 0-d baseline",
              short="≤ {limit}× numpy", limit=5),
    kind=Timed(runs_full={"numpy": 5, "default": 2}, runs_quick=3),
    full={"steps": 50_000},
    quick={"steps": 3_000},
    warm_up={"steps": 50},
    ab={"steps": 2_000},
    unit="descent step",
    units=lambda p: p["steps"],
    profile=profile_calls,
    numpy=w1_numpy,
    tinypytorch=w1_graph,
    dezero=w1_graph,
    torch=w1_torch,
)
# --8<-- [end:w1]


# ---- W2: Newton's method with automatic second derivatives -------------------------------------------------

def w2_numpy(np, runs, newton_steps):
    t0 = clock()
    for _ in range(runs):
        x = np.array(2.0)
        for _ in range(newton_steps):
            y = x ** 4 - 2 * x ** 2
            gx = 4 * x ** 3 - 4 * x
            gx2 = 12 * x ** 2 - 4
            x -= gx / gx2
    return clock() - t0, [float(x), float(y)]


def w2_graph(lib, runs, newton_steps):
    np, Variable = lib.np, lib.Variable
    t0 = clock()
    for _ in range(runs):
        x = Variable(np.array(2.0))
        for _ in range(newton_steps):
            y = x ** 4 - 2 * x ** 2
            x.cleargrad()
            y.backward(create_graph=True)
            gx = x.grad
            x.cleargrad()
            gx.backward()
            gx2 = x.grad
            x.data -= gx.data / gx2.data
    return clock() - t0, [float(x.data), float(y.data)]


def w2_torch(torch, runs, newton_steps):
    t0 = clock()
    for _ in range(runs):
        x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
        for _ in range(newton_steps):
            y = x ** 4 - 2 * x ** 2
            gx, = torch.autograd.grad(y, x, create_graph=True)
            gx2, = torch.autograd.grad(gx, x)
            with torch.no_grad():
                x -= gx / gx2
    return clock() - t0, [float(x), float(y)]


W2 = Workload(
    id="W2",
    title="Newton's method on x⁴ − 2x² with f′ and f″ from backward(create_graph=True)",
    short="Newton with f′, f″ by create_graph",
    goal=Goal("≤ {limit}× the numpy baseline", short="≤ {limit}× numpy", limit=17),
    kind=Timed(runs_full={"numpy": 5, "default": 2}, runs_quick=3),
    full={"runs": 2_000, "newton_steps": 10},
    quick={"runs": 100, "newton_steps": 10},
    warm_up={"runs": 5, "newton_steps": 10},
    ab={"runs": 100, "newton_steps": 10},
    unit="Newton step",
    units=lambda p: p["runs"] * p["newton_steps"],
    profile=profile_calls,
    numpy=w2_numpy,
    tinypytorch=w2_graph,
    dezero=w2_graph,
    torch=w2_torch,
)


# ---- W3: higher-order derivatives of tanh ------------------------------------------------------------------

def w3_numpy(np, max_order):
    """The n-th derivative of tanh as a polynomial in t = tanh(x): P₀ = t, Pₙ₊₁ = Pₙ′(t)·(1 − t²)."""
    P = np.polynomial.Polynomial
    times, values = {}, {}
    for n in range(1, max_order + 1):
        t0 = clock()
        p = P([0.0, 1.0])
        for _ in range(n):
            p = p.deriv() * P([1.0, 0.0, -1.0])
        value = p(np.tanh(1.0))
        times[n] = clock() - t0
        values[n] = float(value)
    return times, {"values": values}


def _count_functions(creator):
    seen, todo = set(), [creator] if creator is not None else []
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        todo.extend(x.creator for x in f.inputs if x.creator is not None)
    return len(seen)


def w3_graph(lib, max_order, count_nodes=True):
    np, Variable, F = lib.np, lib.Variable, lib.F
    times, values, nodes = {}, {}, {}
    for n in range(1, max_order + 1):
        t0 = clock()
        x = Variable(np.array(1.0))
        y = F.tanh(x)
        y.backward(create_graph=True)
        for _ in range(n - 1):
            gx = x.grad
            x.cleargrad()
            gx.backward(create_graph=True)
        gx = x.grad
        times[n] = clock() - t0
        values[n] = float(gx.data)
        if count_nodes:
            nodes[n] = _count_functions(gx.creator)
    return times, {"values": values, "function_nodes": nodes}


def w3_torch(torch, max_order):
    times, values, nodes = {}, {}, {}
    for n in range(1, max_order + 1):
        t0 = clock()
        x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
        g = torch.tanh(x)
        for _ in range(n):
            g, = torch.autograd.grad(g, x, create_graph=True)
        times[n] = clock() - t0
        values[n] = float(g)
        seen, todo = set(), [g.grad_fn]
        while todo:
            f = todo.pop()
            if f is None or f in seen:
                continue
            seen.add(f)
            todo.extend(nf for nf, _ in f.next_functions)
        nodes[n] = len(seen)
    return times, {"values": values, "function_nodes": nodes}


W3 = Workload(
    id="W3",
    title="n-th derivative of tanh at 1.0 by repeated backward(create_graph=True)",
    short="tanh, n-th derivative",
    goal=Goal("≤ {limit}× DeZero's time at n = 8", short="≤ {limit}× DeZero", limit=0.2, against="dezero"),
    kind=ByOrder(order="max_order", runs=3),
    full={"max_order": 8},
    quick={"max_order": 8},
    warm_up={"max_order": 2},
    ab={"max_order": 8},
    profile=partial(profile_calls, count_nodes=False),
    numpy=w3_numpy,
    tinypytorch=w3_graph,
    dezero=w3_graph,
    torch=w3_torch,
)


# ---- W4: Goldstein–Price on large arrays -------------------------------------------------------------------

def _w4_inputs(np, n):
    rng = np.random.default_rng(0)
    return rng.uniform(-2.0, 2.0, n), rng.uniform(-2.0, 2.0, n)


def w4_numpy(np, n):
    x, y = _w4_inputs(np, n)
    t0 = clock()
    # forward: z = A * B
    a = x + y + 1
    b = 19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2
    c = 2 * x - 3 * y
    d = 18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y + 27 * y ** 2
    A = 1 + a ** 2 * b
    B = 30 + c ** 2 * d
    z = A * B
    # gradient of sum(z), by the product and chain rules
    A_x = 2 * a * b + a ** 2 * (-14 + 6 * x + 6 * y)   # A is symmetric in its derivatives: A_y = A_x
    B_x = 4 * c * d + c ** 2 * (-32 + 24 * x - 36 * y)
    B_y = -6 * c * d + c ** 2 * (48 - 36 * x + 54 * y)
    gx = A_x * B + A * B_x
    gy = A_x * B + A * B_y
    seconds = clock() - t0
    return seconds, [float(z.sum()), float(gx.sum()), float(gy.sum())]


def _goldstein(x, y):
    return ((1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2))
            * (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y + 27 * y ** 2)))


def w4_graph(lib, n):
    np, Variable = lib.np, lib.Variable
    xa, ya = _w4_inputs(np, n)
    x, y = Variable(xa), Variable(ya)
    t0 = clock()
    z = _goldstein(x, y)
    z.backward()   # the seed gradient is ones: the gradient of sum(z)
    seconds = clock() - t0
    return seconds, [float(z.data.sum()), float(x.grad.data.sum()), float(y.grad.data.sum())]


def w4_torch(torch, n):
    import numpy as np
    xa, ya = _w4_inputs(np, n)
    x = torch.tensor(xa, requires_grad=True)
    y = torch.tensor(ya, requires_grad=True)
    t0 = clock()
    z = _goldstein(x, y)
    z.backward(torch.ones_like(z))
    seconds = clock() - t0
    return seconds, [float(z.detach().sum()), float(x.grad.sum()), float(y.grad.sum())]


W4 = Workload(
    id="W4",
    title="Goldstein–Price on two float64 arrays, forward and backward of the sum",
    short="Goldstein–Price on large arrays",
    goal=Goal("≤ {limit}× the hand-written numpy forward + gradient", short="≤ {limit}× numpy", limit=1.3),
    kind=Timed(runs_full=3, runs_quick=3),
    full={"n": 1_000_000},
    quick={"n": 200_000},
    warm_up={"n": 1000},
    ab={"n": 200_000},
    unit="forward + backward",
    units=lambda p: 1,
    profile=profile_calls,
    numpy=w4_numpy,
    tinypytorch=w4_graph,
    dezero=w4_graph,
    torch=w4_torch,
)


# ---- W5: a long chain on a large array: memory -------------------------------------------------------------

def w5_numpy(np, n, ops, variant):
    x = np.random.default_rng(0).uniform(-1.0, 1.0, n)
    with PeakMemory() as mem:
        if variant == "plain":          # the value only
            h = x
            for _ in range(ops // 2):
                h = h * 1.0001
                h = np.sin(h)
            check = [float(h.sum())]
        else:                           # keep what the gradient needs: the input of every sin
            saved = []
            h = x
            for _ in range(ops // 2):
                h = h * 1.0001
                saved.append(h)
                h = np.sin(h)
            g = np.ones_like(h)
            while saved:
                g = g * np.cos(saved.pop())
                g = g * 1.0001
            check = [float(h.sum()), float(g.sum())]
    return mem, check


def w5_graph(lib, n, ops, variant):
    np, Variable, F = lib.np, lib.Variable, lib.F
    x = Variable(np.random.default_rng(0).uniform(-1.0, 1.0, n))
    with PeakMemory() as mem:
        if variant == "plain":          # under no_grad
            with lib.no_grad():
                h = x
                for _ in range(ops // 2):
                    h = h * 1.0001
                    h = F.sin(h)
            check = [float(h.data.sum())]
        else:
            h = x
            for _ in range(ops // 2):
                h = h * 1.0001
                h = F.sin(h)
            h.backward()
            check = [float(h.data.sum()), float(x.grad.data.sum())]
    return mem, check


def w5_torch(torch, n, ops, variant):
    import numpy as np
    x = torch.tensor(np.random.default_rng(0).uniform(-1.0, 1.0, n), requires_grad=variant != "plain")
    with PeakMemory() as mem:
        if variant == "plain":
            with torch.no_grad():
                h = x
                for _ in range(ops // 2):
                    h = h * 1.0001
                    h = torch.sin(h)
            check = [float(h.sum())]
        else:
            h = x
            for _ in range(ops // 2):
                h = h * 1.0001
                h = torch.sin(h)
            h.backward(torch.ones_like(h))
            check = [float(h.detach().sum()), float(x.grad.sum())]
    return mem, check


def w5_census(workload, params):
    """After the W5 forward pass: the arrays the graph keeps alive, and how many of them a backward reads."""
    from .worker import implementation
    lib = implementation("tinypytorch")
    np, F = lib.np, lib.F
    x = lib.Variable(np.random.default_rng(0).uniform(-1.0, 1.0, params["n"]))
    h = x
    for _ in range(params["ops"] // 2):
        h = h * 1.0001
        h = F.sin(h)
    held, read, seen = 0, 0, set()
    todo = [h.creator]
    while todo:
        f = todo.pop()
        for v in f.inputs:
            if v.creator is None or id(v) in seen:
                continue
            seen.add(id(v))
            held += 1
            read += type(f).__name__ == "Sin"   # sin's backward reads its input; x * 1.0001's reads only 1.0001
            todo.append(v.creator)
    return {"intermediate_arrays_held": held + 1, "arrays_a_backward_reads": read,
            "array_bytes": int(h.data.nbytes)}


W5 = Workload(
    id="W5",
    title="chain of elementwise ops (x * 1.0001, sin, …) on one array, then backward: peak memory",
    short="chain of elementwise ops: peak memory",
    goal=Goal("peak live memory ≤ {keep}× the numpy chain that keeps what the gradient needs; "
              "under no_grad ≤ the plain numpy chain", short="≤ {keep}× numpy",
              limit={"keep": 1.25, "no_grad": 1.02}),   # no_grad: allow one page-granularity wobble of 2 %
    kind=Memory(modes_full=("rss", "live"), modes_quick=("live",), max_procs=3),
    full={"n": 1_000_000, "ops": 100},
    quick={"n": 250_000, "ops": 100},
    warm_up={"n": 1000, "ops": 4},
    profile=w5_census,
    numpy=w5_numpy,
    tinypytorch=w5_graph,
    dezero=w5_graph,
    torch=w5_torch,
)


# ---- W6: import time -----------------------------------------------------------------------------------------

W6 = Workload(
    id="W6",
    title='python -c "import tinypytorch"',
    short="import time",
    goal=Goal("≤ numpy's import + {limit} ms", short="≤ numpy + {limit} ms", limit=30),
    kind=ImportTime(rounds_full=10, rounds_quick=5, quick_impls=("numpy", "tinypytorch")),
    full={},
    quick={},
    numpy="import numpy",
    tinypytorch="import tinypytorch",
    dezero="import numpy as np; np.int = int; import dezero",
    torch="import torch",
)

WORKLOADS = {w.id: w for w in (W1, W2, W3, W4, W5, W6)}
