"""A run of the benchmark: every workload in turn, the machine it ran on, the profiles, and A/B comparisons."""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path

from .._files import write_atomic
from .processes import ROOT, measure, median, spawn
from .workloads import WORKLOADS


def write_json(path, data):
    """Write `data` to `path` as JSON, whole or not at all (scripts/_files.py)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def available_impls(wanted):
    impls = ["numpy", "tinypytorch"]
    for name in ("dezero", "torch"):
        if name in wanted and find_spec(name) is not None:
            if name == "dezero" and find_spec("matplotlib") is None:
                continue  # dezero imports matplotlib when it is imported
            impls.append(name)
    return impls


def package_commit(root=ROOT, rev=None):
    """The last commit that changed tinypytorch (in `root`'s work tree, marked when it has uncommitted
    changes; or at revision `rev`)."""
    git = ["git", "-C", str(root)]
    try:
        commit = subprocess.run(git + ["log", "-1", "--format=%h", *([rev] if rev else []), "--", "tinypytorch"],
                                text=True, capture_output=True).stdout.strip() or None
        if commit and not rev and subprocess.run(git + ["diff", "--quiet", "HEAD", "--", "tinypytorch"]).returncode:
            commit += "+uncommitted changes"
        return commit
    except OSError:
        return None


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
    # what is measured; BENCH_CODE_COMMIT names an exported tree
    info["git_commit"] = os.environ.get("BENCH_CODE_COMMIT") or package_commit()
    return info


def profile(workload, params):
    """tinypytorch's profile of the workload, in a fresh process."""
    return json.loads(spawn(["--profile-worker", workload.id, "--params", json.dumps(params)]))


def run(only, quick, impls, procs, with_profile):
    report = {"schema": 1, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "mode": "quick" if quick else "full",
              "clock": "CPU time of the worker process (time.process_time); W6: wall time of `python -c`",
              "processes_per_implementation": procs, "implementations": impls, "machine": machine_info(),
              "workloads": {}}
    t_start = time.perf_counter()
    for wid in only:
        w = WORKLOADS[wid]
        params = w.params(quick)
        print(f"{wid}: {w.title} {params or ''}", file=sys.stderr, flush=True)
        results = w.kind.collect(w, impls, params, procs, quick)
        value = w.kind.goal_value(results, params, w.goal.against)
        res = {"title": w.title, "goal": w.goal.description, "params": params, "results": results,
               "goal_value": value, "goal_met": w.goal.met(value)}
        if with_profile and w.profile:
            res["profile"] = profile(w, params)
        report["workloads"][wid] = res
    report["elapsed_s"] = time.perf_counter() - t_start
    return report


def reprofile(report):
    """Profile the package again into an existing report (its timings stay as they are)."""
    for wid, res in report["workloads"].items():
        if WORKLOADS[wid].profile:
            res["profile"] = profile(WORKLOADS[wid], res["params"])
    return report


@contextlib.contextmanager
def package_tree(source):
    """A folder holding the tinypytorch to measure, with its label: `source` is such a folder, or a git
    revision of this repository (its tinypytorch/ is exported to a temporary folder)."""
    if (Path(source) / "tinypytorch").is_dir():
        yield Path(source), package_commit(source) or Path(source).name
        return
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run(git + ["rev-parse", "--verify", "--quiet", f"{source}^{{commit}}"], text=True,
                            capture_output=True).stdout.strip()
    if not commit:
        raise SystemExit(f"--ab: {source!r} is neither a folder holding tinypytorch/ nor a revision of {ROOT}")
    archive = subprocess.run(git + ["archive", "--format=tar", commit, "tinypytorch"], capture_output=True)
    if archive.returncode != 0:
        raise SystemExit(f"--ab: revision {source} has no tinypytorch/: {archive.stderr.decode().strip()}")
    with tempfile.TemporaryDirectory(prefix="bench-ab-") as tree:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tree, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
        yield Path(tree), package_commit(rev=commit)


AB_ROUNDS, AB_INNER = 5, 5


def ab_compare(tree_a, tree_b, rounds=AB_ROUNDS, inner=AB_INNER, sizes=None):
    """A/B: tinypytorch from two folders, measured by this benchmark in alternating fresh processes. Per
    workload: the fastest of `inner` runs in each process, then the median over `rounds` of time(B) / time(A),
    and the ratio of the overall fastest runs. `sizes` defaults to each workload's `ab` sizes."""
    sizes = sizes or {w.id: w.ab for w in WORKLOADS.values() if w.ab}
    out = {}
    for wid, params in sizes.items():
        kind, times = WORKLOADS[wid].kind, {"a": [], "b": []}
        for _ in range(rounds):
            for key, tree in (("a", tree_a), ("b", tree_b)):
                runs = measure(wid, "tinypytorch", params, inner, tree=tree)
                times[key].append(min(kind.ab_seconds(r, params) for r in runs))
        out[wid] = {"median_ratio": median([b / a for a, b in zip(times["a"], times["b"])]),
                    "ratio_of_fastest": min(times["b"]) / min(times["a"]), "a_s": times["a"], "b_s": times["b"]}
    return out


def summary(report):
    """The report for the terminal."""
    lines = []
    for wid, res in report["workloads"].items():
        kind, met = WORKLOADS[wid].kind, res["goal_met"]
        shown = "not measured" if res["goal_value"] is None else kind.shown(res["goal_value"])
        lines.append(f"{wid}  {shown:<28} goal {res['goal']}: {({True: 'met', False: 'NOT met', None: 'n/a'})[met]}")
        for impl, v in res["results"].items():
            disagrees = [k for k, ok in v.items() if k.endswith("agrees_with_numpy") and not ok]
            cell = "  ".join(kind.cell(WORKLOADS[wid], res, impl))
            lines.append(f"      {impl:<12} {cell}" + ("  (DISAGREES with numpy)" if disagrees else ""))
    return "\n".join(lines)
