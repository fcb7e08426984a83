"""What runs inside a fresh worker process: one workload for one implementation, or tinypytorch's profile."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .processes import ROOT

# The workloads are timed in CPU time of their own process (user + system, which includes page faults):
# on a shared machine, wall time also counts the moments another program had the core, and a long run
# collects more of them than a short one, so wall-time ratios drift with the machine's load.
clock = time.process_time


def _status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


class PeakMemory:
    """Peak RSS during the block minus RSS before it, in bytes (`peak`), plus the block's CPU time."""

    def __enter__(self):
        with open("/proc/self/clear_refs", "w") as f:   # reset the peak (VmHWM) to the current RSS
            f.write("5")
        self.before = _status_kib("VmRSS")
        self.t0 = clock()
        return self

    def __exit__(self, *exc):
        self.seconds = clock() - self.t0
        self.peak = (_status_kib("VmHWM") - self.before) * 1024


class Lib:
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


def implementation(impl, tree=None):
    """The module a workload function receives; tinypytorch comes from `tree` (default: this repository)."""
    sys.path.insert(0, str(tree or ROOT))
    if impl == "numpy":
        import numpy
        return numpy
    if impl == "torch":
        import torch
        torch.set_num_threads(1)   # numpy computes on one core too; two threads only fight on a busy machine
        return torch
    return Lib(impl)


def _set_mmap_threshold(nbytes):
    """Every allocation from `nbytes` up gets its own mapping, returned to the system when it is freed, so the
    peak RSS follows the peak of live bytes (glibc otherwise keeps freed large buffers for reuse)."""
    import ctypes
    M_MMAP_THRESHOLD = -3
    if ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, nbytes) != 1:
        raise RuntimeError("mallopt(M_MMAP_THRESHOLD) failed")


def run(workload, impl, params, inner, variant=None, live=False, tree=None):
    """Measure `workload` for `impl` `inner` times in this process, after its warm-up run."""
    if live:
        _set_mmap_threshold(64 * 1024)
    target = implementation(impl, tree)
    fn = workload.function(impl)
    extra = {"variant": variant} if variant else {}
    fn(target, **workload.warm_up, **extra)   # first calls, lazy imports
    return [workload.kind.record(fn, target, {**params, **extra}) for _ in range(inner)]


def profile_calls(workload, params, **extra):
    """cProfile one run of the workload with tinypytorch: the `Function` calls it makes (forward, and
    backward passes, which run with backprop off or record the backward), the cyclic GC's share of its
    time, and the functions with the largest self time. Each is measured in a run of its own, after a
    warm-up run; `extra` goes to the profiled run only."""
    lib = implementation("tinypytorch")
    fn = workload.tinypytorch
    fn(lib, **workload.warm_up)
    forward, backward = count_function_calls(lambda: fn(lib, **params))
    gc_share = collector_share(lambda: fn(lib, **params))
    top = largest_self_times(lambda: fn(lib, **params, **extra))
    units = workload.units(params) if workload.units else None
    return {"function_calls": forward + backward, "forward_calls": forward, "backward_calls": backward,
            "unit": workload.unit, "function_calls_per_unit": _per(forward + backward, units),
            "forward_calls_per_unit": _per(forward, units), "gc_share": gc_share, "top": top[:12]}


def _per(count, units):
    return count / units if units else None


def count_function_calls(run) -> tuple[int, int]:
    """(forward, backward): the `Function` calls `run()` makes, counted by wrapping `Function.__call__` for
    the run. A call belongs to a backward pass when backprop is off or the backward is being recorded."""
    from tinypytorch.config import Config
    from tinypytorch.core import Function

    calls = [0, 0]   # forward, backward
    original_call = Function.__call__

    def counting_call(self, *inputs):
        calls[Config.recording_backward or not Config.enable_backprop] += 1
        return original_call(self, *inputs)

    Function.__call__ = counting_call
    try:
        run()
    finally:
        Function.__call__ = original_call
    return calls[0], calls[1]


def collector_share(run) -> float:
    """The share of `run()`'s CPU time spent in the cyclic garbage collector."""
    import gc

    gc_time, started = 0.0, 0.0

    def on_gc(phase, info):
        nonlocal gc_time, started
        if phase == "start":
            started = clock()
        else:
            gc_time += clock() - started

    gc.callbacks.append(on_gc)
    t0 = clock()
    run()
    total = clock() - t0
    gc.callbacks.remove(on_gc)
    return gc_time / total


def largest_self_times(run) -> list[dict]:
    """cProfile's rows for `run()`, largest self time first: each function (named as tinypytorch names it,
    e.g. Mul.forward), its calls and its self and cumulative shares of the run's time."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    run()
    prof.disable()
    names = tinypytorch_code_names()
    st = pstats.Stats(prof)
    rows = []
    for (filename, line, name), (cc, nc, tt, ct, callers) in st.stats.items():
        where = Path(filename).name if filename != "~" else ""
        label = names.get((filename, line)) or (f"{where}:{name}" if where else name)
        rows.append({"function": label, "calls": nc, "self_share": tt / st.total_tt,
                     "cumulative_share": ct / st.total_tt})
    rows.sort(key=lambda r: -r["self_share"])
    return rows


def tinypytorch_code_names() -> dict:
    """(file, first line) -> qualified name of every function, method and property of the loaded tinypytorch
    modules (Mul.forward), and of the comprehensions inside them, which are code objects of their own."""
    names = {}
    for module in [m for name, m in sorted(sys.modules.items()) if name.split(".")[0] == "tinypytorch"]:
        for obj in vars(module).values():
            for member in [obj, *vars(obj).values()] if isinstance(obj, type) else [obj]:
                member = getattr(member, "fget", member)
                code = getattr(member, "__code__", None)
                if code is not None:
                    names.update(_code_names(member.__qualname__, code))
    return names


def _code_names(qualname: str, code) -> dict:
    """A function's code and the comprehensions in it (functions of their own in 3.11), by (file, first line)."""
    names = {(code.co_filename, code.co_firstlineno): qualname}
    for inner in code.co_consts:
        if hasattr(inner, "co_name") and inner.co_name.startswith("<"):
            names[(inner.co_filename, inner.co_firstlineno)] = (
                f"{qualname} {inner.co_name[1:-1].replace('comp', ' comprehension')} (line {inner.co_firstlineno})")
    return names
