"""Fresh worker processes: every measurement runs in a new Python process (scripts/bench.py --worker)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "scripts" / "bench.py"


def spawn(args, timeout=1800):
    """Run `python scripts/bench.py ARGS` from the repository root; return its standard output."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, str(BENCH), *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout


def measure(workload, impl, params, inner=1, variant=None, live=False, tree=None):
    """One fresh worker process; its list of `inner` measurements. `tree` holds the tinypytorch to import."""
    args = ["--worker", workload, "--impl", impl, "--params", json.dumps(params), "--inner", str(inner)]
    if variant:
        args += ["--variant", variant]
    if live:
        args += ["--live"]
    if tree:
        args += ["--tree", str(tree)]
    return json.loads(spawn(args).strip().splitlines()[-1])


def rounds(workload, impls, params, procs, inner, **kw):
    """`procs` rounds; each runs every implementation in a fresh process, in turn, so that a busy moment
    of a shared machine falls on all of them alike.

    `inner` is the number of measurements inside each process: an int, or a dict by implementation with
    a "default" (the numpy baseline is cheap, and more of its runs steady the denominator of every ratio).
    """
    runs = {impl: [] for impl in impls}
    for _ in range(procs):
        for impl in impls:
            k = inner.get(impl, inner.get("default", 1)) if isinstance(inner, dict) else inner
            runs[impl].extend(measure(workload, impl, params, k, **kw))
    return runs


def median(values):
    return statistics.median(values)


def agree(a, b, rtol):
    """Do two check values (numbers, lists, dicts of them) agree within `rtol`?"""
    if isinstance(a, dict):
        return all(agree(a[k], b[k], rtol) for k in a if k in b)
    if isinstance(a, list):
        return all(agree(x, y, rtol) for x, y in zip(a, b))
    return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))
