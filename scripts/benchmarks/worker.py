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
    time, and the functions with the largest self time."""
    import cProfile
    import gc
    import pstats

    lib = implementation("tinypytorch")
    fn = workload.tinypytorch
    fn(lib, **workload.warm_up)
    from tinypytorch.config import Config
    from tinypytorch.core import Function
    calls = [0, 0]   # forward, backward
    original_call = Function.__call__

    def counting_call(self, *inputs):
        calls[Config.recording_backward or not Config.enable_backprop] += 1
        return original_call(self, *inputs)

    Function.__call__ = counting_call
    try:
        fn(lib, **params)
    finally:
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
    prof = cProfile.Profile()
    prof.enable()
    fn(lib, **params, **extra)
    prof.disable()
    names = {}   # (file, first line) -> qualified name, e.g. Mul.forward
    for module in [m for name, m in sorted(sys.modules.items()) if name.split(".")[0] == "tinypytorch"]:
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
    rows = []
    for (filename, line, name), (cc, nc, tt, ct, callers) in st.stats.items():
        where = Path(filename).name if filename != "~" else ""
        label = names.get((filename, line)) or (f"{where}:{name}" if where else name)
        rows.append({"function": label, "calls": nc, "self_share": tt / st.total_tt,
                     "cumulative_share": ct / st.total_tt})
    rows.sort(key=lambda r: -r["self_share"])
    units = workload.units(params) if workload.units else None
    return {"function_calls": sum(calls), "forward_calls": calls[0], "backward_calls": calls[1],
            "unit": workload.unit, "function_calls_per_unit": sum(calls) / units if units else None,
            "forward_calls_per_unit": calls[0] / units if units else None,
            "gc_share": gc_time[0] / t_plain, "top": rows[:12]}
