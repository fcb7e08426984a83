"""The four kinds of measurement. A kind knows what one run records in the worker, how the runs of every
implementation become the `results` of the JSON, the goal value, and how its numbers read in tables."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

from .declare import NAMES, check_signature
from .processes import ROOT, agree, median, rounds
from .wording import english


def mib(b):
    return "—" if b is None else f"{b / 2 ** 20:.0f} MiB"


def _three_digits(v):
    return f"{v:.0f}" if v >= 99.95 else f"{v:.1f}" if v >= 9.995 else f"{v:.2f}"


def duration(s):
    """Three significant digits in µs, ms or s."""
    if s is None:
        return "—"
    scale, unit = (1e6, "µs") if s < 1e-3 else (1e3, "ms") if s < 1 else (1, "s")
    return f"{_three_digits(s * scale)} {unit}"


def ratio(v):
    return "—" if v is None else f"{_three_digits(v)}×"


class Kind:
    """What every kind provides. In the worker: `record(fn, target, params)`, one run's measurement. In the
    driver: `collect(...)`, the `results` of every implementation from fresh processes, and `goal_value`.
    On the page: `shown` (the goal value as text), `goal_measure`, `details` (the contributors' table rows),
    `label` and `cell` (the learner's table), `facts` (the numbers the prose names); each takes `tr`, the
    page's words in its language (see `wording`). Timed kinds also give `ab_seconds`, the time an A/B
    comparison takes from a run."""

    extra_sizes = None   # what the worker adds to the declared sizes
    cell_facts = ()      # the facts of the learner's table: the measure, and beside it for a framework

    def check(self, workload, impl, fn):
        check_signature(workload, impl, fn, self.extra_sizes)

    def shown(self, value, tr=english):
        """The goal value as text."""
        return ratio(value)

    def cell(self, workload, res, impl, tr=english):
        f, (measure, beside) = self.facts(workload, res, impl, tr), self.cell_facts
        return [f[measure]] + ([f[beside]] if impl != "numpy" and beside in f else [])


class Timed(Kind):
    """CPU time of the whole workload; judged as tinypytorch's time over the `against` implementation's."""

    rtol, cell_facts = 1e-4, ("per_unit", "ratio")

    def __init__(self, runs_full, runs_quick):
        self.runs = {False: runs_full, True: runs_quick}   # measurements per process: int or dict by impl

    def record(self, fn, target, params):
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        seconds, check = fn(target, **params)
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
        return {"seconds": seconds, "check": check, "page_faults": faults}

    def ab_seconds(self, record, params):
        return record["seconds"]

    def collect(self, workload, impls, params, procs, quick):
        runs = rounds(workload.id, impls, params, procs, self.runs[quick])
        base = median([r["seconds"] for r in runs["numpy"]])
        results = {}
        for impl in impls:
            secs = [r["seconds"] for r in runs[impl]]
            faults = [r["page_faults"] for r in runs[impl] if "page_faults" in r]
            results[impl] = {"median_s": median(secs), "min_s": min(secs), "runs_s": secs,
                             "ratio_to_numpy": median(secs) / base,
                             "ratio_of_minima": min(secs) / min(r["seconds"] for r in runs["numpy"]),
                             "page_faults_median": median(faults) if faults else None,
                             "check": runs[impl][-1]["check"],
                             "agrees_with_numpy": agree(runs["numpy"][-1]["check"], runs[impl][-1]["check"],
                                                        self.rtol)}
        return results

    def goal_value(self, results, params, against):
        if against not in results:
            return None
        return results["tinypytorch"]["median_s"] / results[against]["median_s"]

    def goal_measure(self, res, tr=english):
        r = res["results"]["tinypytorch"]
        return f"{ratio(r['ratio_to_numpy'])} ({duration(r['median_s'])})"

    def details(self, res, tr=english):
        rows = [tr("| implementation | median (× numpy) | fastest run (× numpy's fastest) | runs | same result "
                   "as numpy |"), "|---|---|---|---|---|"]
        rows += [f"| {tr(NAMES[i])} | {duration(v['median_s'])} ({ratio(v['ratio_to_numpy'])}) | "
                 f"{duration(v.get('min_s'))} ({ratio(v.get('ratio_of_minima'))}) | {len(v['runs_s'])} | "
                 f"{tr('yes') if v['agrees_with_numpy'] else tr('**no**')} |" for i, v in res["results"].items()]
        return rows

    def label(self, workload, res, tr=english):
        return tr("time per {unit}").format(unit=tr(workload.unit))

    def facts(self, workload, res, impl, tr=english):
        v, n = res["results"][impl], workload.units(res["params"])
        return {"time": duration(v["median_s"]), "per_unit": duration(v["median_s"] / n),
                "ratio": ratio(v["ratio_to_numpy"]), "page_faults": f"{v['page_faults_median'] or 0:,.0f}"}



class ByOrder(Kind):
    """The time to each derivative order 1 … `order` (a fresh graph each); judged at the highest order."""

    rtol, cell_facts = 1e-8, ("time", "graph")

    def __init__(self, order, runs):
        self.order, self.runs = order, runs   # the size naming the highest order; measurements per process

    def record(self, fn, target, params):
        times_by_order, info = fn(target, **params)
        return {"seconds_by_order": {str(k): v for k, v in times_by_order.items()},
                "check": {key: {str(k): v for k, v in d.items()} for key, d in info.items()}}

    def top(self, params):
        return str(params[self.order])

    def ab_seconds(self, record, params):
        return record["seconds_by_order"][self.top(params)]

    def collect(self, workload, impls, params, procs, quick):
        runs = rounds(workload.id, impls, params, procs, self.runs)
        results = {}
        for impl in impls:
            by_order = [r["seconds_by_order"] for r in runs[impl]]
            check = runs[impl][-1]["check"]
            results[impl] = {"median_s_by_order": {k: median([r[k] for r in by_order]) for k in by_order[0]},
                             "runs_s_by_order": by_order, "values": check["values"],
                             "function_nodes": check.get("function_nodes"),
                             "agrees_with_numpy": agree(runs["numpy"][-1]["check"]["values"], check["values"],
                                                        self.rtol)}
        return results

    def goal_value(self, results, params, against):
        if against not in results:
            return None
        top = self.top(params)
        return results["tinypytorch"]["median_s_by_order"][top] / results[against]["median_s_by_order"][top]

    def goal_measure(self, res, tr=english):
        return duration(res["results"]["tinypytorch"]["median_s_by_order"][self.top(res["params"])]) + (
            tr(" ({ratio} DeZero)").format(ratio=ratio(res["goal_value"])) if res["goal_value"] is not None else "")

    def details(self, res, tr=english):
        r = res["results"]
        rows = ["| n | " + " | ".join(tr(NAMES[i]) for i in r) + " |", "|---|" + "---|" * len(r)]
        for n in next(iter(r.values()))["median_s_by_order"]:
            rows.append(f"| {n} | " + " | ".join(duration(v["median_s_by_order"][n]) + (
                tr(" ({nodes} nodes)").format(nodes=f"{v['function_nodes'][n]:,}") if v.get("function_nodes") else "")
                for v in r.values()) + " |")
        return rows

    def label(self, workload, res, tr=english):
        n = int(self.top(res["params"]))
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return tr("time for the {n}{suffix} derivative").format(n=n, suffix=suffix)

    def facts(self, workload, res, impl, tr=english):
        v, top = res["results"][impl], self.top(res["params"])
        first, nodes = min(v["median_s_by_order"], key=int), v.get("function_nodes") or {}
        f = {"time": duration(v["median_s_by_order"][top]), "time_first": duration(v["median_s_by_order"][first]),
             "order": top, "first": first}
        if nodes:   # the factor by which the graph grows per order, on average
            growth = (nodes[top] / nodes[first]) ** (1 / (int(top) - int(first)))
            f.update(nodes=f"{nodes[top]:,}", nodes_first=f"{nodes[first]:,}", growth=f"{growth:.1f}×",
                     graph=tr("{nodes} nodes").format(nodes=f"{nodes[top]:,}"))
        return f


class Memory(Kind):
    """Peak memory of the workload, with the graph kept for backward ("keep") and without it ("plain")."""

    rtol, cell_facts, extra_sizes = 1e-6, ("keep", "keep_ratio"), {"variant": "keep"}

    def __init__(self, modes_full, modes_quick, max_procs):
        # "rss": the default allocator; "live": glibc returns every freed large array at once (see worker)
        self.modes, self.max_procs = {False: modes_full, True: modes_quick}, max_procs

    def record(self, fn, target, params):
        mem, check = fn(target, **params)
        return {"peak_bytes": mem.peak, "seconds": mem.seconds, "check": check}

    def collect(self, workload, impls, params, procs, quick):
        results = {impl: {} for impl in impls}
        for mode in self.modes[quick]:
            for variant in ("keep", "plain"):
                runs = rounds(workload.id, impls, params, min(procs, self.max_procs), 1, variant=variant,
                              live=mode == "live")
                base = median([r["peak_bytes"] for r in runs["numpy"]])
                for impl in impls:
                    peaks, r = [r["peak_bytes"] for r in runs[impl]], results[impl]
                    r[f"{mode}_{variant}_peak_bytes"] = median(peaks)
                    r[f"{mode}_{variant}_runs_bytes"] = peaks
                    r[f"{mode}_{variant}_ratio_to_numpy"] = median(peaks) / base if base > 0 else None
                    r[f"{mode}_{variant}_median_s"] = median([x["seconds"] for x in runs[impl]])
                    r[f"{variant}_agrees_with_numpy"] = agree(runs["numpy"][-1]["check"], runs[impl][-1]["check"],
                                                              self.rtol)
        return results

    def goal_value(self, results, params, against):
        tp = results["tinypytorch"]
        return {"keep": tp["live_keep_ratio_to_numpy"], "no_grad": tp["live_plain_ratio_to_numpy"]}

    def shown(self, value, tr=english):
        return tr("{keep} with graph, {no_grad} under no_grad").format(keep=ratio(value["keep"]),
                                                                       no_grad=ratio(value["no_grad"]))

    def goal_measure(self, res, tr=english):
        return self.shown(res["goal_value"], tr)

    def details(self, res, tr=english):
        rows = [tr("| implementation | allocator | peak, with graph | peak, no_grad | time, with graph |"),
                "|---|---|---|---|---|"]
        for i, v in res["results"].items():
            for mode in [m for m in ("live", "rss") if f"{m}_keep_peak_bytes" in v]:
                keep, plain = (f"{mib(v[f'{mode}_{k}_peak_bytes'])} ({ratio(v[f'{mode}_{k}_ratio_to_numpy'])})"
                               for k in ("keep", "plain"))
                rows.append(f"| {tr(NAMES[i])} | {tr(mode)} | {keep} | {plain} | "
                            f"{duration(v[f'{mode}_keep_median_s'])} |")
        return rows

    def label(self, workload, res, tr=english):
        return tr("peak memory with graph")

    def facts(self, workload, res, impl, tr=english):
        v = res["results"][impl]
        return {"keep": mib(v["live_keep_peak_bytes"]), "keep_ratio": ratio(v["live_keep_ratio_to_numpy"]),
                "no_grad": mib(v["live_plain_peak_bytes"]), "no_grad_ratio": ratio(v["live_plain_ratio_to_numpy"])}



class ImportTime(Kind):
    """Wall time of `python -c STATEMENT` (start-up included) and of the statement alone; judged as the
    milliseconds tinypytorch adds over the `against` implementation."""

    HEAVY = ("matplotlib", "graphviz", "IPython", "scipy", "pandas")
    cell_facts = ("wall", "extra")

    def __init__(self, rounds_full, rounds_quick, quick_impls):
        self.rounds, self.quick_impls = {False: rounds_full, True: rounds_quick}, quick_impls

    def check(self, workload, impl, statement):
        if not isinstance(statement, str):
            raise TypeError(f"workload {workload.id}: the {impl} entry must be the statement to time, "
                            f"not {statement!r}")

    def collect(self, workload, impls, params, procs, quick):
        codes = {"nothing": "pass", **{impl: workload.function(impl) for impl in impls}}
        targets = ["nothing"] + (list(self.quick_impls) if quick else impls)
        wall = {name: [] for name in targets}
        alone = {name: [] for name in targets}
        heavy = {}
        probe = ("import sys, time; t = time.perf_counter(); {code}; t = time.perf_counter() - t; import json; "
                 f"print(json.dumps([t, [m for m in {self.HEAVY!r} if m in sys.modules]]))")
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        # Import with compiled bytecode, as after `pip install` (which writes .pyc files): where
        # PYTHONDONTWRITEBYTECODE is set, every start would otherwise compile tinypytorch's sources while numpy's
        # were compiled at install. The .pyc files go to a temporary folder, for numpy and tinypytorch alike.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="bench-pycache-")
        try:
            for name in targets:   # the first start writes the bytecode; it is not timed
                subprocess.run([sys.executable, "-c", codes[name]], cwd=ROOT, env=env, check=True,
                               stderr=subprocess.DEVNULL)
            for _ in range(self.rounds[quick]):
                for name in targets:
                    t0 = time.perf_counter()
                    subprocess.run([sys.executable, "-c", codes[name]], cwd=ROOT, env=env, check=True,
                                   stderr=subprocess.DEVNULL)
                    wall[name].append(time.perf_counter() - t0)
                    out = subprocess.run([sys.executable, "-c", probe.format(code=codes[name])], cwd=ROOT, env=env,
                                         check=True, capture_output=True, text=True).stdout
                    seconds, heavy[name] = json.loads(out)
                    alone[name].append(seconds)
        finally:
            shutil.rmtree(env["PYTHONPYCACHEPREFIX"], ignore_errors=True)
        results = {name: {"median_wall_s": median(wall[name]), "runs_wall_s": wall[name],
                          "median_import_s": median(alone[name]), "runs_import_s": alone[name],
                          "heavy_modules": heavy[name]} for name in targets}
        for name in targets:
            results[name]["extra_over_numpy_ms"] = (results[name]["median_wall_s"]
                                                    - results["numpy"]["median_wall_s"]) * 1000
        return results

    def goal_value(self, results, params, against):
        return (results["tinypytorch"]["median_wall_s"] - results[against]["median_wall_s"]) * 1000

    def shown(self, value, tr=english):
        return f"{value:+.0f} ms"

    def goal_measure(self, res, tr=english):
        return tr("{extra} ms vs numpy").format(extra=f"{res['results']['tinypytorch']['extra_over_numpy_ms']:+.0f}")

    def details(self, res, tr=english):
        rows = [tr("| import | `python -c` wall time | the import alone | + over numpy |"), "|---|---|---|---|"]
        rows += [f"| {tr('(empty program)') if i == 'nothing' else tr(NAMES[i])} | {duration(v['median_wall_s'])} | "
                 f"{duration(v['median_import_s'])} | {v['extra_over_numpy_ms']:+.0f} ms |"
                 for i, v in res["results"].items()]
        return rows

    def label(self, workload, res, tr=english):
        return tr("start-up + import")

    def facts(self, workload, res, impl, tr=english):
        v = res["results"][impl]
        extra = v["extra_over_numpy_ms"] / 1000
        return {"wall": duration(v["median_wall_s"]), "alone": duration(v["median_import_s"]),
                "extra": ("+" if extra >= 0 else "−") + duration(abs(extra)),
                "heavy": ", ".join(v["heavy_modules"]) or tr("none")}
