"""Performance workloads W1–W6 for tinypytorch, beside a hand-written numpy baseline.

    python scripts/bench.py                  # every workload, full size, writes docs/bench/latest.json
    python scripts/bench.py --quick          # smaller sizes, fewer repeats (under a minute)
    python scripts/bench.py --only W1,W3 --json /tmp/bench.json

Every measurement runs in a fresh Python process (this script re-run with ``--worker``), several
times, and the median is reported. The numpy baseline is measured in the same run, interleaved with
the frameworks, so the ratios hold on a noisy shared machine where absolute times do not. DeZero
(PyPI ``dezero``) and PyTorch are measured too when they can be imported by the same interpreter.

Memory (W5) is the worker's peak resident set size minus its size just before the workload (the
peak is reset through ``/proc/self/clear_refs``). glibc keeps freed large buffers for reuse, so W5
is also run with ``M_MMAP_THRESHOLD`` lowered through ``mallopt``: every large array then lives in
its own mapping that is returned on free, and the peak RSS follows the peak of live bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "docs" / "bench" / "latest.json"
FRAMEWORKS = ("tinypytorch", "dezero", "torch")

# Workload sizes: (full, quick). The full sizes are those of the issue.
SIZES = {
    "W1": ({"steps": 50_000}, {"steps": 3_000}),
    "W2": ({"runs": 2_000, "newton_steps": 10}, {"runs": 100, "newton_steps": 10}),
    "W3": ({"max_order": 8}, {"max_order": 8}),
    "W4": ({"n": 1_000_000}, {"n": 200_000}),
    "W5": ({"n": 1_000_000, "ops": 100}, {"n": 250_000, "ops": 100}),
    "W6": ({}, {}),
}

TITLES = {
    "W1": "Rosenbrock gradient descent on 0-d arrays (forward, cleargrad, backward, update)",
    "W2": "Newton's method on x⁴ − 2x² with f′ and f″ from backward(create_graph=True)",
    "W3": "n-th derivative of tanh at 1.0 by repeated backward(create_graph=True)",
    "W4": "Goldstein–Price on two float64 arrays, forward and backward of the sum",
    "W5": "chain of elementwise ops (x * 1.0001, sin, …) on one array, then backward: peak memory",
    "W6": "python -c \"import tinypytorch\"",
}

SHORT = {
    "W1": "Rosenbrock descent, 0-d arrays",
    "W2": "Newton with f′, f″ by create_graph",
    "W3": "tanh, n-th derivative",
    "W4": "Goldstein–Price, 10⁶ elements",
    "W5": "100-op chain: peak memory",
    "W6": "import time",
}

GOAL_SHORT = {"W1": "≤ 5× numpy", "W2": "≤ 17× numpy", "W3": "≤ 0.2× DeZero", "W4": "≤ 1.3× numpy",
              "W5": "≤ 1.25× numpy", "W6": "≤ numpy + 30 ms"}

GOALS = {
    "W1": "≤ 5× the numpy 0-d baseline",
    "W2": "≤ 17× the numpy baseline",
    "W3": "≤ 0.2× DeZero's time at n = 8",
    "W4": "≤ 1.3× the hand-written numpy forward + gradient",
    "W5": "peak live memory ≤ 1.25× the numpy chain that keeps what the gradient needs; "
          "under no_grad ≤ the plain numpy chain",
    "W6": "≤ numpy's import + 30 ms",
}


# The workloads are timed in CPU time of their own process (user + system, which includes page faults):
# on a shared machine, wall time also counts the moments another program had the core, and a long run
# collects more of them than a short one, so wall-time ratios drift with the machine's load.
clock = time.process_time

# =========================================================================================================
# The workloads. Each returns (seconds, check): `check` is a small result compared across implementations,
# so every implementation is seen to compute the same thing.
# =========================================================================================================

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


# ---- W5: a long chain on a large array: memory -------------------------------------------------------------

def w5_numpy(np, n, ops, variant):
    x = np.random.default_rng(0).uniform(-1.0, 1.0, n)
    with _PeakMemory() as mem:
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
    with _PeakMemory() as mem:
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
    with _PeakMemory() as mem:
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


def _status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


class _PeakMemory:
    """Peak RSS during the block minus RSS before it, in bytes, plus the block's CPU time."""

    def __enter__(self):
        with open("/proc/self/clear_refs", "w") as f:   # reset the peak (VmHWM) to the current RSS
            f.write("5")
        self.before = _status_kib("VmRSS")
        self.t0 = clock()
        return self

    def __exit__(self, *exc):
        self.seconds = clock() - self.t0
        self.peak = (_status_kib("VmHWM") - self.before) * 1024


# =========================================================================================================
# Worker: one measurement in this (fresh) process
# =========================================================================================================

class _Lib:
    """What a DeZero-style framework offers the workloads: np, Variable, F, no_grad."""

    def __init__(self, name):
        import numpy as np
        self.np = np
        if name == "dezero":
            if not hasattr(np, "int"):   # dezero 0.0.13 uses np.int, removed in numpy 1.24
                np.int = int
            import dezero
            import dezero.functions as F
            self.Variable, self.F, self.no_grad = dezero.Variable, F, dezero.no_grad
        else:
            import tinypytorch
            import tinypytorch.functions as F
            self.Variable, self.F, self.no_grad = tinypytorch.Variable, F, tinypytorch.no_grad


def _set_mmap_threshold(nbytes):
    import ctypes
    M_MMAP_THRESHOLD = -3
    if ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, nbytes) != 1:
        raise RuntimeError("mallopt(M_MMAP_THRESHOLD) failed")


def run_worker(workload, impl, params, variant, live, inner):
    """Measure `workload` for `impl` `inner` times in this process, after a small warm-up run."""
    if live:
        _set_mmap_threshold(64 * 1024)
    sys.path.insert(0, str(ROOT))
    if impl == "numpy":
        import numpy as target
    elif impl == "torch":
        import torch as target
        target.set_num_threads(1)   # numpy computes on one core too; two threads only fight on a busy machine
    else:
        target = _Lib(impl)
    kind = "numpy" if impl == "numpy" else "torch" if impl == "torch" else "graph"
    fn = globals()[f"{workload.lower()}_{kind}"]
    warm_up = {"W1": {"steps": 50}, "W2": {"runs": 5, "newton_steps": params.get("newton_steps")},
               "W3": {"max_order": 2}, "W4": {"n": 1000}, "W5": {"n": 1000, "ops": 4, "variant": variant}}[workload]
    if workload == "W5":
        params = dict(params, variant=variant)
    fn(target, **warm_up)   # first calls, lazy imports
    runs = []
    for _ in range(inner):
        if workload == "W3":
            times, info = fn(target, **params)
            runs.append({"seconds_by_order": {str(k): v for k, v in times.items()},
                         "check": {key: {str(k): v for k, v in d.items()} for key, d in info.items()}})
        elif workload == "W5":
            mem, check = fn(target, **params)
            runs.append({"peak_bytes": mem.peak, "seconds": mem.seconds, "check": check})
        else:
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            seconds, check = fn(target, **params)
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
            runs.append({"seconds": seconds, "check": check, "page_faults": faults})
    return runs


# =========================================================================================================
# Profile: where tinypytorch spends its time (the evidence for a goal that is not met)
# =========================================================================================================

def run_profile(workload, params):
    """cProfile one run of `workload` with tinypytorch; return the top functions and the cyclic GC's share."""
    import cProfile
    import gc
    import pstats

    sys.path.insert(0, str(ROOT))
    lib = _Lib("tinypytorch")
    fn = globals()[f"{workload.lower()}_graph"]
    warm = {"W1": {"steps": 50}, "W2": {"runs": 5, "newton_steps": 10}, "W3": {"max_order": 2}, "W4": {"n": 1000}}
    fn(lib, **warm[workload])
    from tinypytorch.core import Config, Function
    calls = [0, 0]   # forward, backward (backward passes run with backprop off, or recording the backward)
    original_call = Function.__call__

    def counting_call(self, *inputs):
        calls[Config.recording_backward or not Config.enable_backprop] += 1
        return original_call(self, *inputs)

    Function.__call__ = counting_call
    fn(lib, **params)
    Function.__call__ = original_call
    gc_time, t0 = [0.0], [0.0]

    def on_gc(phase, info):
        if phase == "start":
            t0[0] = clock()
        else:
            gc_time[0] += clock() - t0[0]

    gc.callbacks.append(on_gc)
    t_plain = clock()
    fn(lib, **params)
    t_plain = clock() - t_plain
    gc.callbacks.remove(on_gc)
    if workload == "W3":
        params = dict(params, count_nodes=False)
    prof = cProfile.Profile()
    prof.enable()
    fn(lib, **params)
    prof.disable()
    import tinypytorch.core
    import tinypytorch.functions
    names = {}   # (file, first line) -> qualified name, e.g. Mul.forward
    for module in (tinypytorch.core, tinypytorch.functions):
        for obj in vars(module).values():
            for member in [obj, *vars(obj).values()] if isinstance(obj, type) else [obj]:
                member = getattr(member, "fget", member)
                code = getattr(member, "__code__", None)
                if code is not None:
                    names[(code.co_filename, code.co_firstlineno)] = f"{member.__qualname__}"
                    for inner in code.co_consts:   # list comprehensions are functions of their own in 3.11
                        if hasattr(inner, "co_name") and inner.co_name.startswith("<"):
                            names[(inner.co_filename, inner.co_firstlineno)] = (
                                f"{member.__qualname__} {inner.co_name[1:-1].replace('comp', ' comprehension')} "
                                f"(line {inner.co_firstlineno})")
    st = pstats.Stats(prof)
    total = st.total_tt
    rows = []
    for (filename, line, name), (cc, nc, tt, ct, callers) in st.stats.items():
        where = Path(filename).name if filename != "~" else ""
        label = names.get((filename, line)) or (f"{where}:{name}" if where else name)
        rows.append({"function": label, "calls": nc, "self_share": tt / total,
                     "cumulative_share": ct / total})
    rows.sort(key=lambda r: -r["self_share"])
    units = {"W1": params.get("steps"), "W2": params.get("runs", 1) * params.get("newton_steps", 1),
             "W3": None, "W4": 1}[workload]
    return {"function_calls": sum(calls), "forward_calls": calls[0], "backward_calls": calls[1], "unit": {"W1": "descent step", "W2": "Newton step", "W3": None,
                                                 "W4": "forward + backward"}[workload],
            "function_calls_per_unit": sum(calls) / units if units else None,
            "forward_calls_per_unit": calls[0] / units if units else None,
            "gc_share": gc_time[0] / t_plain, "top": rows[:12]}


def run_w5_census(params):
    """After the W5 forward pass: the arrays the graph keeps alive, and how many of them a backward reads."""
    sys.path.insert(0, str(ROOT))
    lib = _Lib("tinypytorch")
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


# =========================================================================================================
# Driver
# =========================================================================================================

def _spawn(args, timeout=1800):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout


def measure(workload, impl, params, inner=1, variant=None, live=False):
    """Run one fresh worker process; return its list of `inner` measurements."""
    cmd = [__file__, "--worker", workload, "--impl", impl, "--params", json.dumps(params), "--inner", str(inner)]
    if variant:
        cmd += ["--variant", variant]
    if live:
        cmd += ["--live"]
    return json.loads(_spawn(cmd).strip().splitlines()[-1])


def available_impls(wanted):
    impls = ["numpy", "tinypytorch"]
    for name in ("dezero", "torch"):
        if name in wanted and find_spec(name) is not None:
            if name == "dezero" and find_spec("matplotlib") is None:
                continue  # dezero imports matplotlib when it is imported
            impls.append(name)
    return impls


def _median(values):
    return statistics.median(values)


def _agree(a, b, rtol):
    if isinstance(a, dict):
        return all(_agree(a[k], b[k], rtol) for k in a if k in b)
    if isinstance(a, list):
        return all(_agree(x, y, rtol) for x, y in zip(a, b))
    return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))


def _rounds(workload, impls, params, procs, inner, **kw):
    """`procs` rounds; each round runs every implementation in a fresh process (interleaved).

    `inner` is the number of measurements inside each process: an int, or a dict by implementation (the
    numpy baseline is cheap, and more of its runs steady the denominator of every ratio).
    """
    runs = {impl: [] for impl in impls}
    for _ in range(procs):
        for impl in impls:
            k = inner.get(impl, inner.get("default", 1)) if isinstance(inner, dict) else inner
            runs[impl].extend(measure(workload, impl, params, k, **kw))
    return runs


def bench_timed(workload, impls, params, procs, inner):
    runs = _rounds(workload, impls, params, procs, inner)
    base = _median([r["seconds"] for r in runs["numpy"]])
    results = {}
    for impl in impls:
        secs = [r["seconds"] for r in runs[impl]]
        faults = [r["page_faults"] for r in runs[impl] if "page_faults" in r]
        results[impl] = {"median_s": _median(secs), "min_s": min(secs), "runs_s": secs,
                         "ratio_to_numpy": _median(secs) / base,
                         "ratio_of_minima": min(secs) / min(r["seconds"] for r in runs["numpy"]),
                         "page_faults_median": _median(faults) if faults else None,
                         "check": runs[impl][-1]["check"],
                         "agrees_with_numpy": _agree(runs["numpy"][-1]["check"], runs[impl][-1]["check"], 1e-4)}
    return results


def bench_w3(impls, params, procs, inner):
    runs = _rounds("W3", impls, params, procs, inner)
    results = {}
    for impl in impls:
        by_order = [r["seconds_by_order"] for r in runs[impl]]
        check = runs[impl][-1]["check"]
        results[impl] = {"median_s_by_order": {k: _median([r[k] for r in by_order]) for k in by_order[0]},
                         "runs_s_by_order": by_order, "values": check["values"],
                         "function_nodes": check.get("function_nodes"),
                         "agrees_with_numpy": _agree(runs["numpy"][-1]["check"]["values"], check["values"], 1e-8)}
    return results


def bench_w5(impls, params, procs, modes):
    results = {impl: {} for impl in impls}
    for mode in modes:
        for variant in ("keep", "plain"):
            runs = _rounds("W5", impls, params, procs, 1, variant=variant, live=mode == "live")
            base = _median([r["peak_bytes"] for r in runs["numpy"]])
            for impl in impls:
                peaks = [r["peak_bytes"] for r in runs[impl]]
                r = results[impl]
                r[f"{mode}_{variant}_peak_bytes"] = _median(peaks)
                r[f"{mode}_{variant}_runs_bytes"] = peaks
                r[f"{mode}_{variant}_ratio_to_numpy"] = _median(peaks) / base if base > 0 else None
                r[f"{mode}_{variant}_median_s"] = _median([x["seconds"] for x in runs[impl]])
                r[f"{variant}_agrees_with_numpy"] = _agree(runs["numpy"][-1]["check"], runs[impl][-1]["check"],
                                                           1e-6)
    return results


def bench_w6(impls, rounds):
    """Wall time of `python -c "import X"` (interpreter start included) and of the import statement alone."""
    codes = {"nothing": "pass", "numpy": "import numpy", "tinypytorch": "import tinypytorch",
             "dezero": "import numpy as np; np.int = int; import dezero", "torch": "import torch"}
    targets = ["nothing"] + impls
    wall = {name: [] for name in targets}
    inner = {name: [] for name in targets}
    heavy = {}
    probe = ("import sys, time; t = time.perf_counter(); {code}; t = time.perf_counter() - t; import json; "
             "print(json.dumps([t, [m for m in ('matplotlib', 'graphviz', 'IPython', 'scipy', 'pandas') "
             "if m in sys.modules]]))")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    # Import with compiled bytecode, as after `pip install` (which writes .pyc files): where
    # PYTHONDONTWRITEBYTECODE is set, every start would otherwise compile tinypytorch's sources while numpy's
    # were compiled at install. The .pyc files go to a temporary folder, for numpy and tinypytorch alike.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="bench-pycache-")
    for name in targets:   # the first start writes the bytecode; it is not timed
        subprocess.run([sys.executable, "-c", codes[name]], cwd=ROOT, env=env, check=True,
                           stderr=subprocess.DEVNULL)
    for _ in range(rounds):
        for name in targets:
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", codes[name]], cwd=ROOT, env=env, check=True,
                           stderr=subprocess.DEVNULL)
            wall[name].append(time.perf_counter() - t0)
            out = subprocess.run([sys.executable, "-c", probe.format(code=codes[name])], cwd=ROOT, env=env,
                                 check=True, capture_output=True, text=True).stdout
            seconds, heavy[name] = json.loads(out)
            inner[name].append(seconds)
    shutil.rmtree(env["PYTHONPYCACHEPREFIX"], ignore_errors=True)
    results = {}
    for name in targets:
        results[name] = {"median_wall_s": _median(wall[name]), "runs_wall_s": wall[name],
                         "median_import_s": _median(inner[name]), "runs_import_s": inner[name],
                         "heavy_modules": heavy[name]}
    for name in targets:
        results[name]["extra_over_numpy_ms"] = (results[name]["median_wall_s"]
                                                - results["numpy"]["median_wall_s"]) * 1000
    return results


def evaluate(wid, res):
    """(value, met) for the workload's goal; met is None when it cannot be judged in this run."""
    r = res["results"]
    if wid in ("W1", "W2", "W4"):
        value = r["tinypytorch"]["ratio_to_numpy"]
        return value, value <= {"W1": 5, "W2": 17, "W4": 1.3}[wid]
    if wid == "W3":
        top = str(res["params"]["max_order"])
        if "dezero" not in r:
            return None, None
        value = r["tinypytorch"]["median_s_by_order"][top] / r["dezero"]["median_s_by_order"][top]
        return value, value <= 0.2
    if wid == "W5":
        keep = r["tinypytorch"]["live_keep_ratio_to_numpy"]
        plain = r["tinypytorch"]["live_plain_ratio_to_numpy"]
        # "no more than plain numpy": allow one page-granularity wobble of 2 %
        return {"keep": keep, "no_grad": plain}, keep <= 1.25 and plain <= 1.02
    if wid == "W6":
        value = r["tinypytorch"]["extra_over_numpy_ms"]
        return value, value <= 30
    raise ValueError(wid)


def machine_info():
    import numpy as np
    info = {"platform": platform.platform(), "machine": platform.machine(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "numpy": np.__version__}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
        with open("/proc/meminfo") as f:
            info["memory_gib"] = round(int(f.readline().split()[1]) / 2 ** 20, 1)
    except (OSError, StopIteration):
        pass
    sys.path.insert(0, str(ROOT))
    import tinypytorch
    info["tinypytorch"] = tinypytorch.__version__
    for name in ("dezero", "torch"):
        if find_spec(name) is not None:
            from importlib.metadata import PackageNotFoundError, version
            try:
                info[name] = version(name)
            except PackageNotFoundError:
                pass
    info["env"] = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")
                   if k in os.environ}
    # the last commit that changed the package (what is measured); BENCH_CODE_COMMIT names an exported tree
    info["git_commit"] = os.environ.get("BENCH_CODE_COMMIT")
    if not info["git_commit"]:
        try:
            git = ["git", "-C", str(ROOT)]
            info["git_commit"] = subprocess.run(git + ["log", "-1", "--format=%h", "--", "tinypytorch"], text=True,
                                                capture_output=True).stdout.strip() or None
            if info["git_commit"] and subprocess.run(git + ["diff", "--quiet", "HEAD", "--", "tinypytorch"]).returncode:
                info["git_commit"] += "+uncommitted changes"
        except OSError:
            info["git_commit"] = None
    return info


def fmt_summary(report):
    lines = []
    for wid, res in report["workloads"].items():
        value, met = res["goal_value"], res["goal_met"]
        if isinstance(value, dict):
            shown = ", ".join(f"{k} {v:.2f}×" for k, v in value.items())
        elif value is None:
            shown = "not measured"
        elif wid == "W6":
            shown = f"{value:+.1f} ms"
        else:
            shown = f"{value:.2f}×"
        status = {True: "met", False: "NOT met", None: "n/a"}[met]
        lines.append(f"{wid}  {shown:<28} goal {res['goal']}: {status}")
        r = res["results"]
        for impl, v in r.items():
            if "ratio_to_numpy" in v:
                lines.append(f"      {impl:<12} {v['median_s'] * 1000:10.1f} ms  {v['ratio_to_numpy']:6.2f}×"
                             f"{'' if v['agrees_with_numpy'] else '  (DISAGREES with numpy)'}")
            elif "median_s_by_order" in v:
                m = v["median_s_by_order"]
                lines.append(f"      {impl:<12} n=6 {m['6'] * 1000:8.2f} ms  n=8 {m['8'] * 1000:8.2f} ms"
                             f"  nodes {v['function_nodes'] and v['function_nodes'].get('8')}")
            elif "live_keep_peak_bytes" in v:
                lines.append(f"      {impl:<12} live keep {v['live_keep_peak_bytes'] / 2**20:8.1f} MiB "
                             f"({v['live_keep_ratio_to_numpy']:.2f}×)  no_grad {v['live_plain_peak_bytes'] / 2**20:7.1f}"
                             f" MiB" + (f"  rss keep {v['rss_keep_peak_bytes'] / 2**20:8.1f} MiB"
                                        if "rss_keep_peak_bytes" in v else ""))
            elif "median_wall_s" in v:
                lines.append(f"      {impl:<12} wall {v['median_wall_s'] * 1000:7.1f} ms  import "
                             f"{v['median_import_s'] * 1000:7.1f} ms  heavy {v['heavy_modules']}")
    return "\n".join(lines)


# =========================================================================================================
# Markdown for the site (docs/benchmarks.md runs these at build time through markdown-exec)
# =========================================================================================================

NAMES = {"numpy": "numpy baseline", "tinypytorch": "tinypytorch", "dezero": "DeZero", "torch": "PyTorch"}


def load(path=DEFAULT_JSON):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _x(v, digits=2):
    return "—" if v is None else f"{v:.{digits}f}×"


def _ms(s):
    return "—" if s is None else (f"{s * 1000:.1f} ms" if s >= 0.01 else f"{s * 1000:.2f} ms")


def _mib(b):
    return "—" if b is None else f"{b / 2 ** 20:.0f} MiB"


def headline(wid, res, impl):
    """The number each implementation is judged by, as text (ratio to numpy, or W3/W6's own measure)."""
    r = res["results"].get(impl)
    if r is None:
        return "not measured"
    if wid in ("W1", "W2", "W4"):
        return f"{_x(r['ratio_to_numpy'])} ({_ms(r['median_s'])})"
    if wid == "W3":
        top = str(res["params"]["max_order"])
        return f"{_ms(r['median_s_by_order'][top])} at n = {top}"
    if wid == "W5":
        return f"{_x(r['live_keep_ratio_to_numpy'])} ({_mib(r['live_keep_peak_bytes'])})"
    if wid == "W6":
        return f"{r['extra_over_numpy_ms']:+.0f} ms vs numpy"
    raise ValueError(wid)


def goal_text(wid, res):
    value, met = res["goal_value"], res["goal_met"]
    if value is None:
        shown = "not measured (needs DeZero)"
    elif wid == "W5":
        shown = f"{_x(value['keep'])} with graph, {_x(value['no_grad'])} under no_grad"
    elif wid == "W6":
        shown = f"{value:+.0f} ms"
    else:
        shown = _x(value)
    return shown, {True: "✅ met", False: "❌ not met", None: "—"}[met]


def markdown_machine(report):
    m = report["machine"]
    parts = [f"{m.get('cpu', m['machine'])}, {m['cpus']} cores", f"Python {m['python']}", f"numpy {m['numpy']}",
             f"tinypytorch {m['tinypytorch']}" + (f" (commit `{m['git_commit']}`)" if m.get("git_commit") else "")]
    parts += [f"{NAMES[k]} {m[k]}" for k in ("dezero", "torch") if k in m and k in report["implementations"]]
    env = ", ".join(f"`{k}={v}`" for k, v in m.get("env", {}).items())
    return (f"Recorded {report['created'][:10]} ({report['mode']} run, {report['processes_per_implementation']} "
            f"fresh processes per implementation and workload) on {'; '.join(parts)}."
            + (f" Environment: {env}." if env else ""))


def markdown_summary(report):
    impls = [i for i in ("tinypytorch", "dezero", "torch") if i in report["implementations"]]
    head = "| | workload | goal | " + " | ".join(NAMES[i] for i in impls) + " | measured | verdict |"
    rows = [head, "|" + "---|" * (len(impls) + 5)]
    for wid, res in report["workloads"].items():
        shown, verdict = goal_text(wid, res)
        cells = " | ".join(headline(wid, res, i) for i in impls)
        rows.append(f"| {wid} | {SHORT[wid]} | {GOAL_SHORT[wid]} | {cells} | {shown} | {verdict} |")
    return "\n".join(rows)


def markdown_details(report):
    out = []
    for wid, res in report["workloads"].items():
        params = ", ".join(f"{k} = {v:,}" for k, v in res["params"].items())
        out.append(f"### {wid} — {SHORT[wid]}\n")
        title = res["title"][0].upper() + res["title"][1:]
        out.append(title + (f"; {params}" if params else "") + f". Goal: {res['goal']}.\n")
        r = res["results"]
        if wid in ("W1", "W2", "W4"):
            out += ["| implementation | median | × numpy | fastest run | × numpy's fastest | runs | "
                    "same result as numpy |", "|---|---|---|---|---|---|---|"]
            out += [f"| {NAMES[i]} | {_ms(v['median_s'])} | {_x(v['ratio_to_numpy'])} | {_ms(v.get('min_s'))} | "
                    f"{_x(v.get('ratio_of_minima'))} | {len(v['runs_s'])} | "
                    f"{'yes' if v['agrees_with_numpy'] else '**no**'} |" for i, v in r.items()]
        elif wid == "W3":
            orders = list(next(iter(r.values()))["median_s_by_order"])
            out += ["| implementation | " + " | ".join(f"n = {n}" for n in orders) + " |",
                    "|---|" + "---|" * len(orders)]
            for i, v in r.items():
                out.append(f"| {NAMES[i]} time | " + " | ".join(_ms(v["median_s_by_order"][n]) for n in orders) + " |")
                if v.get("function_nodes"):
                    out.append(f"| {NAMES[i]} graph nodes | "
                               + " | ".join(f"{v['function_nodes'][n]:,}" for n in orders) + " |")
            out.append("\nThe numpy baseline differentiates the polynomial in tanh(x) directly (no graph). PyTorch counts "
                       "its autograd nodes, which include one per leaf.")
        elif wid == "W5":
            modes = [m for m in ("live", "rss") if f"{m}_keep_peak_bytes" in r["numpy"]]
            out += ["| implementation | " + " | ".join(
                f"{'live' if m == 'live' else 'RSS'} peak, with graph | {'live' if m == 'live' else 'RSS'} peak, "
                f"no_grad" for m in modes) + " | time (live run) |",
                "|---|" + "---|---|" * len(modes) + "---|"]
            for i, v in r.items():
                cells = " | ".join(f"{_mib(v[f'{m}_keep_peak_bytes'])} ({_x(v[f'{m}_keep_ratio_to_numpy'])}) | "
                                   f"{_mib(v[f'{m}_plain_peak_bytes'])} ({_x(v[f'{m}_plain_ratio_to_numpy'])})"
                                   for m in modes)
                out.append(f"| {NAMES[i]} | {cells} | {_ms(v['live_keep_median_s'])} |")
            out.append("\n*Live* peaks are measured with glibc's `M_MMAP_THRESHOLD` lowered, so that freed arrays "
                       "go back to the system at once; *RSS* peaks with the default allocator, which keeps freed "
                       "buffers for reuse. The numpy baseline keeps the input of every `sin` for the backward pass; "
                       "its no_grad row computes the value only.")
        elif wid == "W6":
            out += ["| import | `python -c` wall time | the import alone | + over numpy |", "|---|---|---|---|"]
            out += [f"| {'(empty program)' if i == 'nothing' else NAMES[i]} | {_ms(v['median_wall_s'])} | "
                    f"{_ms(v['median_import_s'])} | {v['extra_over_numpy_ms']:+.0f} ms |" for i, v in r.items()]
        out.append("")
    return "\n".join(out)


def markdown_before_after(before, after):
    """A table of each workload's goal measure in two reports (e.g. before and after the performance work)."""
    def measure(report, wid):
        res = report["workloads"].get(wid)
        if res is None:
            return "—"
        if wid == "W3":
            top = str(res["params"]["max_order"])
            r = res["results"]
            ratio = (r["tinypytorch"]["median_s_by_order"][top] / r["dezero"]["median_s_by_order"][top]
                     if "dezero" in r else None)
            return f"{_ms(r['tinypytorch']['median_s_by_order'][top])}" + (f" ({_x(ratio)} DeZero)" if ratio else "")
        if wid == "W5":
            return goal_text(wid, res)[0]
        return headline(wid, res, "tinypytorch")
    rows = [f"| | goal | before (`{before['machine'].get('git_commit')}`, {before['created'][:10]}) | "
            f"after (`{after['machine'].get('git_commit')}`, {after['created'][:10]}) |", "|---|---|---|---|"]
    for wid in after["workloads"]:
        rows.append(f"| {wid} {SHORT[wid]} | {GOAL_SHORT[wid]} | {measure(before, wid)} | {measure(after, wid)} |")
    return "\n".join(rows)


def _top(profile, n=5):
    rows = [t for t in profile["top"] if not t["function"].startswith("bench.py:")]   # the workload's own loop
    return ", ".join(f"`{t['function']}` {t['self_share']:.0%}" for t in rows[:n])


def markdown_evidence(report):
    """For every goal that is not met: what the measurements and the profile say stands in the way."""
    out = []
    W = report["workloads"]
    for wid, res in W.items():
        if res["goal_met"] is not False:
            continue
        r, prof = res["results"], res.get("profile")
        tp, np_ = r["tinypytorch"], r["numpy"]
        out.append(f"**{wid} — {SHORT[wid]}** ({goal_text(wid, res)[0]}; goal {GOAL_SHORT[wid]}).")
        if wid == "W1" and prof:
            steps = res["params"]["steps"]
            per_call = tp["median_s"] / (prof["function_calls_per_unit"] * steps) * 1e6
            out.append(
                f"Each descent step makes {prof['function_calls_per_unit']:.0f} `Function` calls"
                + (f": {prof['forward_calls_per_unit']:.0f} in the forward pass and "
                   f"{prof['function_calls_per_unit'] - prof['forward_calls_per_unit']:.0f} in the backward pass"
                   if "forward_calls_per_unit" in prof else "")
                + f", where each of the three powers differentiates as "
                f"`c * x ** (c - 1) * gy` (three operations, a structure the Step 29 graph pictures show). One call "
                f"costs {per_call:.1f} µs here, while the whole numpy step costs "
                f"{np_['median_s'] / steps * 1e6:.1f} µs: numpy keeps its 0-d results as fast scalars, whereas "
                f"every `Variable` holds an ndarray, so each operation pays numpy's 0-d array path, a conversion "
                f"back to an array, a new `Variable` and, with backprop on, a `Function` node with its weak "
                f"reference. Largest self times in the profile: {_top(prof)}.")
        elif wid == "W2" and prof:
            n = res["params"]["runs"] * res["params"]["newton_steps"]
            out.append(
                f"A Newton step makes {prof['function_calls_per_unit']:.0f} `Function` calls (the forward pass, "
                f"the recorded first backward pass, and the second backward pass through that recorded graph) for "
                f"what numpy writes as a handful of scalar operations: "
                f"{tp['median_s'] / n * 1e6:.0f} µs against {np_['median_s'] / n * 1e6:.1f} µs per step. "
                f"Largest self times: {_top(prof)}.")
        elif wid == "W3" and prof:
            top = str(res["params"]["max_order"])
            nodes = tp["function_nodes"][top]
            torch_nodes = r.get("torch", {}).get("function_nodes", {}) or {}
            dz = r.get("dezero", {}).get("function_nodes", {}) or {}
            same = dz.get(top) == nodes
            out.append(
                f"The eighth derivative's graph has {nodes:,} function nodes"
                + (", exactly as many as DeZero's" if same else "")
                + (f" (PyTorch: {torch_nodes[top]:,} autograd nodes, with fused tanh backward nodes)"
                   if torch_nodes.get(top) else "")
                + ". The node structure is what the chapters draw and count (Steps 29–32 and their golden DOT "
                  "files), so the time can only come down per node. Python's cyclic garbage collector takes "
                  f"{prof['gc_share']:.0%} of the run, not inside backward, which pauses it, but freeing the graph "
                  f"each order leaves behind: with `create_graph=True`, `x.grad`'s graph refers back to `x`, a "
                  f"reference cycle that only the collector frees (Step 34; an `x.cleargrad()` at the end of each "
                  f"order would break it). The rest is the per-node machinery: one recorded `Function` call per "
                  f"new node and one visit of the backward loop per node of the graph being differentiated. "
                  f"Largest self times: {_top(prof)}.")
        elif wid == "W4" and prof:
            out.append(
                f"The gradient is computed operation by operation: {prof['function_calls_per_unit']:.0f} "
                f"`Function` calls on 10⁶-element arrays, where the hand-written gradient shares subexpressions "
                f"(∂A/∂x = ∂A/∂y, the squares computed once). Each `x ** 2` differentiates as three array passes "
                f"(`c * x ** (c - 1) * gy`). The graph also keeps every intermediate array alive until backward, so "
                f"each forward operation writes fresh memory (page faults) where numpy reuses freed buffers"
                + (f": {tp['page_faults_median']:,.0f} page faults against numpy's {np_['page_faults_median']:,.0f}"
                   if tp.get("page_faults_median") else "")
                + f". Profile (numpy's own work is the `forward` rows): {_top(prof)}.")
        elif wid == "W5" and prof:
            mib = prof["array_bytes"] / 2 ** 20
            out.append(
                f"After the forward pass the graph holds {prof['intermediate_arrays_held']} intermediate arrays "
                f"of {mib:.1f} MiB; only {prof['arrays_a_backward_reads']} of them (the inputs of `sin`) are read "
                f"by a backward. `x * 1.0001` needs only the constant, but `Function.inputs` holds the input "
                f"`Variable` itself and a `Variable` owns its array. The chapters rely on exactly that: "
                f"`f.inputs[0] is b` (Step 25), `retain_grad` reads `y.creator.inputs[1].grad`, and graph pictures "
                f"with `values=True` (Steps 25, 29, 30) print every intermediate's data. Freeing the unread "
                f"arrays needs a graph of nodes separate from the user's data-holding variables (as PyTorch's "
                f"autograd and Chainer's `VariableNode` do), which changes what `f.inputs` returns. Under "
                f"`no_grad` nothing is kept, and that half of the goal is met.")
        elif wid == "W6":
            out.append(f"`python -c \"import tinypytorch\"` took {r['tinypytorch']['median_wall_s'] * 1000:.0f} ms "
                       f"against numpy's {r['numpy']['median_wall_s'] * 1000:.0f} ms; the import alone "
                       f"{r['tinypytorch']['median_import_s'] * 1000:.0f} ms against "
                       f"{r['numpy']['median_import_s'] * 1000:.0f} ms, with no plotting library loaded.")
        out.append("")
    return "\n".join(out) if out else "Every goal is met."


def ab_compare(root_a, root_b, rounds=5, inner=5):
    """A/B: tinypytorch from two exported trees (each with this script in scripts/), in alternating fresh
    processes. Per workload: the fastest of `inner` runs in each process, then the median over `rounds` of
    time(B) / time(A), and the ratio of the overall fastest runs."""
    sizes = {"W1": {"steps": 2000}, "W2": {"runs": 100, "newton_steps": 10}, "W3": {"max_order": 8},
             "W4": {"n": 200_000}}
    out = {}
    for wid, params in sizes.items():
        times = {"a": [], "b": []}
        for _ in range(rounds):
            for key, root in (("a", root_a), ("b", root_b)):
                cmd = [str(Path(root) / "scripts" / "bench.py"), "--worker", wid, "--impl", "tinypytorch",
                       "--params", json.dumps(params), "--inner", str(inner)]
                runs = json.loads(_spawn(cmd).strip().splitlines()[-1])
                if wid == "W3":
                    times[key].append(min(r["seconds_by_order"][str(params["max_order"])] for r in runs))
                else:
                    times[key].append(min(r["seconds"] for r in runs))
        out[wid] = {"median_ratio": _median([b / a for a, b in zip(times["a"], times["b"])]),
                    "ratio_of_fastest": min(times["b"]) / min(times["a"]), "a_s": times["a"], "b_s": times["b"]}
    return out


def markdown_changes(changes):
    rows = ["| change | W1 | W2 | W3 | W4 |", "|---|---|---|---|---|"]
    for c in changes:
        cells = " | ".join(f"{c['workloads'][w]['median_ratio']:.2f} ({c['workloads'][w]['ratio_of_fastest']:.2f})"
                           for w in ("W1", "W2", "W3", "W4"))
        rows.append(f"| `{c['from']}` → `{c['to']}` | {cells} |")
    return "\n".join(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats (under a minute)")
    ap.add_argument("--only", default="W1,W2,W3,W4,W5,W6", help="comma-separated workloads, e.g. W1,W3")
    ap.add_argument("--json", default=str(DEFAULT_JSON), help=f"where to write the results (default {DEFAULT_JSON})")
    ap.add_argument("--repeats", type=int,
                    help="fresh processes per implementation and workload (default 3; quick 1, with 3 runs inside)")
    ap.add_argument("--frameworks",
                    help="other frameworks to measure when importable: default 'dezero,torch' ('dezero' with "
                         "--quick); '' for none")
    ap.add_argument("--profile", action="store_true",
                    help="also profile tinypytorch on W1–W5 (cProfile, GC time, W5's array census); on by default "
                         "in a full run")
    ap.add_argument("--reprofile", metavar="JSON", help="redo only the profiles of an existing report")
    ap.add_argument("--ab", nargs=4, metavar=("TREE_A", "TREE_B", "LABEL_A", "LABEL_B"),
                    help="A/B-compare tinypytorch in two exported trees on W1-W4; appends to --json")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--profile-worker", help=argparse.SUPPRESS)
    ap.add_argument("--impl", help=argparse.SUPPRESS)
    ap.add_argument("--params", help=argparse.SUPPRESS)
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--live", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--inner", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.profile_worker:
        params = json.loads(args.params)
        out = run_w5_census(params) if args.profile_worker == "W5" else run_profile(args.profile_worker, params)
        print(json.dumps(out))
        return 0
    if args.worker:
        runs = run_worker(args.worker, args.impl, json.loads(args.params), args.variant, args.live, args.inner)
        print(json.dumps(runs))
        return 0

    if args.ab:
        a, b, label_a, label_b = args.ab
        path = Path(args.json)
        changes = json.loads(path.read_text()) if path.is_file() else []
        changes = [c for c in changes if (c["from"], c["to"]) != (label_a, label_b)]
        changes.append({"from": label_a, "to": label_b, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        "clock": "CPU time", "workloads": ab_compare(a, b)})
        path.write_text(json.dumps(changes, indent=1) + "\n")
        print(markdown_changes(changes))
        return 0
    if args.reprofile:   # profile the package again into an existing report (the timings stay as they are)
        report = load(args.reprofile)
        for wid, res in report["workloads"].items():
            if wid != "W6":
                res["profile"] = json.loads(_spawn([__file__, "--profile-worker", wid, "--params",
                                                    json.dumps(res["params"])]))
        Path(args.reprofile).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
        return 0

    only = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    unknown = [w for w in only if w not in SIZES]
    if unknown:
        ap.error(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    quick = args.quick
    frameworks = args.frameworks if args.frameworks is not None else ("dezero" if quick else "dezero,torch")
    impls = available_impls([f.strip() for f in frameworks.split(",")])
    # processes per implementation, and measurements inside each process
    procs = args.repeats or (1 if quick else 3)
    inner = {"W1": 3 if quick else {"numpy": 5, "default": 2}, "W2": 3 if quick else {"numpy": 5, "default": 2},
             "W3": 3, "W4": 3}
    report = {"schema": 1, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "mode": "quick" if quick else "full",
              "clock": "CPU time of the worker process (time.process_time); W6: wall time of `python -c`",
              "processes_per_implementation": procs, "implementations": impls, "machine": machine_info(),
              "workloads": {}}
    t_start = time.perf_counter()
    for wid in only:
        params = SIZES[wid][1 if quick else 0]
        print(f"{wid}: {TITLES[wid]} {params or ''}", file=sys.stderr, flush=True)
        if wid == "W3":
            results = bench_w3(impls, params, procs, inner[wid])
        elif wid == "W5":
            results = bench_w5(impls, params, min(procs, 3), ("live",) if quick else ("rss", "live"))
        elif wid == "W6":
            results = bench_w6(impls if not quick else ["numpy", "tinypytorch"], 5 if quick else 10)
        else:
            results = bench_timed(wid, impls, params, procs, inner[wid])
        res = {"title": TITLES[wid], "goal": GOALS[wid], "params": params, "results": results}
        res["goal_value"], res["goal_met"] = evaluate(wid, res)
        if (args.profile or not quick) and wid != "W6":
            res["profile"] = json.loads(_spawn([__file__, "--profile-worker", wid, "--params", json.dumps(params)]))
        report["workloads"][wid] = res
    report["elapsed_s"] = time.perf_counter() - t_start
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print(fmt_summary(report))
    print(f"wrote {path} in {report['elapsed_s']:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
