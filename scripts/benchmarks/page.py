"""Numbers for docs/benchmarks.md, which renders them at build time (markdown-exec) from the JSON the benchmark
writes. The prose lives in the page; this module gives it tables, and facts it names in its sentences."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from .declare import IMPLEMENTATIONS, NAMES
from .driver import AB_INNER
from .kinds import duration
from .workloads import WORKLOADS

HARNESS = ("bench.py:", "workloads.py:", "worker.py:")   # profile rows of the benchmark's own code


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


class Facts:
    """Named, formatted numbers; a fact the report lacks (a framework not installed, no profile) reads
    "not measured" rather than breaking the page."""

    def __init__(self, **facts):
        self.__dict__.update(facts)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return "not measured"


def count(v):
    """A size as a reader reads it: 50,000; 10⁶."""
    if isinstance(v, int) and v >= 10 ** 6 and str(v).rstrip("0") == "1":
        return "10" + str(len(str(v)) - 1).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{v:,}" if isinstance(v, int) else str(v)


def top(profile, n=5):
    rows = [t for t in profile["top"] if not t["function"].startswith(HARNESS)]
    return ", ".join(f"`{t['function']}` {t['self_share']:.0%}" for t in rows[:n])


def _profile_facts(workload, res):
    p, f = res.get("profile") or {}, {}
    if p.get("function_calls_per_unit"):
        per_unit, forward = p["function_calls_per_unit"], p["forward_calls_per_unit"]
        calls = per_unit * workload.units(res["params"])
        f.update(calls=f"{per_unit:.0f}", forward=f"{forward:.0f}", backward=f"{per_unit - forward:.0f}",
                 seconds_per_call=res["results"]["tinypytorch"]["median_s"] / calls)
        f["per_call"] = duration(f["seconds_per_call"])
    if "gc_share" in p:
        f.update(gc_share=f"{p['gc_share']:.0%}", top=top(p))
    if "intermediate_arrays_held" in p:
        f.update(held=str(p["intermediate_arrays_held"]), read=str(p["arrays_a_backward_reads"]),
                 array=f"{p['array_bytes'] / 2 ** 20:.1f} MiB")
    return f


def facts(report, changes=()):
    """{workload id: Facts}: its sizes by name, `verdict`, one Facts per implementation (see each kind's
    `facts`) and its profile's numbers; "run": the run's duration; "AB": the A/B settings of the latest
    record in `changes`."""
    out = {}
    for wid, res in report["workloads"].items():
        w = WORKLOADS[wid]
        f = {k: count(v) for k, v in res["params"].items()}
        f["verdict"] = f"{w.kind.shown(res['goal_value'])}" if res["goal_value"] is not None else "not measured"
        for impl in IMPLEMENTATIONS:
            f[impl] = Facts(**w.kind.facts(w, res, impl)) if impl in res["results"] else Facts()
        out[wid] = Facts(**f, **_profile_facts(w, res))
    w1, w4 = out.get("W1"), out.get("W4")
    if w1 and w4 and "seconds_per_call" in vars(w1) and "calls" in vars(w4):
        # an upper bound on W4's bookkeeping: W1's whole cost per call, arithmetic on 0-d arrays included
        seconds = w1.seconds_per_call * float(w4.calls)
        w4.bookkeeping = duration(seconds)
        w4.bookkeeping_share = f"{seconds / report['workloads']['W4']['results']['tinypytorch']['median_s']:.1%}"
    if "elapsed_s" in report:
        minutes = report["elapsed_s"] / 60
        out["run"] = Facts(elapsed=f"{minutes:.0f} minutes" if minutes >= 2 else f"{report['elapsed_s']:.0f} s")
    if changes:
        out["AB"] = Facts(rounds=str(len(changes[-1]["workloads"][next(iter(changes[-1]["workloads"]))]["a_s"])),
                          inner=str(AB_INNER))
    return out


def fill(text, facts):
    """A paragraph of the page with its `{W1.tinypytorch.ratio}`-style facts filled in."""
    return textwrap.dedent(text).strip().format_map(facts)


def _impls(report):
    return [i for i in IMPLEMENTATIONS if i in report["implementations"]]


def machine(report, commit=False):
    m = report["machine"]
    parts = [f"{m.get('cpu', m['machine'])}, {m['cpus']} cores", f"Python {m['python']}", f"numpy {m['numpy']}",
             f"tinypytorch {m['tinypytorch']}" + (f" (commit `{m['git_commit']}`)" if commit and m.get("git_commit")
                                                  else "")]
    parts += [f"{NAMES[k]} {m[k]}" for k in ("dezero", "torch") if k in m and k in report["implementations"]]
    env = ", ".join(f"`{k}={v}`" for k, v in m.get("env", {}).items())
    return (f"Recorded {report['created'][:10]} ({report['mode']} run, {report['processes_per_implementation']} "
            f"fresh processes per implementation and workload) on {'; '.join(parts)}."
            + (f" Environment: {env}." if env else ""))


def comparison(report):
    """The learner's table: each workload's natural measure for every implementation, and under it the ratio
    to numpy (W3: the graph's size; W6: the time added to numpy's)."""
    impls = _impls(report)
    rows = ["| | " + " | ".join("numpy" if i == "numpy" else NAMES[i] for i in impls) + " |",
            "|---|" + "---:|" * len(impls)]
    for wid, res in report["workloads"].items():
        w = WORKLOADS[wid]
        cells = " | ".join("<br>".join(w.kind.cell(w, res, i)) if i in res["results"] else "—" for i in impls)
        rows.append(f"| **{wid}**<br>{w.kind.label(w, res)} | {cells} |")
    return "\n".join(rows)


def goals(report):
    """Every workload's goal, tinypytorch's measure and the verdict."""
    rows = ["| workload | goal | tinypytorch | verdict |", "|---|---|---|---|"]
    for wid, res in report["workloads"].items():
        w = WORKLOADS[wid]
        measured = (f"not measured (needs {NAMES[w.goal.against]})" if res["goal_value"] is None
                    else w.kind.goal_measure(res))
        verdict = {True: "✅ met", False: "❌ not met", None: "—"}[res["goal_met"]]
        rows.append(f"| **{wid}** {w.short} | {w.goal.summary} | {measured} | {verdict} |")
    return "\n".join(rows)


def details(report, notes=None):
    """A section per workload: its title, sizes and goal, every implementation's measurements, and the page's
    note on that workload (`notes`, by workload id)."""
    out = []
    for wid, res in report["workloads"].items():
        w = WORKLOADS[wid]
        params = ", ".join(f"{k} = {v:,}" for k, v in res["params"].items())
        out += [f"### {wid} — {w.short} {{#{wid.lower()}}}\n",
                f"**Computes:** {res['title']}" + (f" ({params})" if params else "") + f". **Goal:** {res['goal']}.\n",
                *w.kind.details(res), ""]
        if notes and wid in notes:
            out += [textwrap.dedent(notes[wid]).strip(), ""]
    return "\n".join(out)


def changes(records):
    """The A/B record: time(new) / time(old) per workload, median over rounds (and of the fastest runs)."""
    wids = list(dict.fromkeys(w for c in records for w in c["workloads"]))
    rows = ["| change | " + " | ".join(wids) + " |", "|---|" + "---|" * len(wids)]
    for c in records:
        cells = " | ".join(f"{c['workloads'][w]['median_ratio']:.2f} ({c['workloads'][w]['ratio_of_fastest']:.2f})"
                           if w in c["workloads"] else "—" for w in wids)
        rows.append(f"| `{c['from']}` → `{c['to']}` | {cells} |")
    return "\n".join(rows)


def before_after(before, after):
    """Each workload's goal measure in two reports (e.g. before and after a piece of performance work)."""
    def measure(report, wid):
        res = report["workloads"].get(wid)
        return "—" if res is None else WORKLOADS[wid].kind.goal_measure(res)
    rows = [f"| | goal | before (`{before['machine'].get('git_commit')}`, {before['created'][:10]}) | "
            f"after (`{after['machine'].get('git_commit')}`, {after['created'][:10]}) |", "|---|---|---|---|"]
    for wid in after["workloads"]:
        w = WORKLOADS[wid]
        rows.append(f"| {wid} {w.short} | {w.goal.summary} | {measure(before, wid)} | {measure(after, wid)} |")
    return "\n".join(rows)


def evidence(report, wid, text, facts):
    """For a goal that is not met: the workload, its measure against the goal, and the page's explanation;
    nothing for a goal that is met or not judged."""
    res = report["workloads"].get(wid)
    if res is None or res["goal_met"] is not False:
        return ""
    w = WORKLOADS[wid]
    return f"**{wid} — {w.short}** ({w.kind.shown(res['goal_value'])}; goal {w.goal.summary}). {fill(text, facts)}\n"


def declaration(wid):
    """A workload's declaration, as the source shows it (between its `# --8<-- [start:…]` markers)."""
    source = (Path(__file__).with_name("workloads.py")).read_text(encoding="utf-8")
    start, end = f"# --8<-- [start:{wid.lower()}]\n", f"# --8<-- [end:{wid.lower()}]"
    if start not in source:
        raise ValueError(f"workloads.py marks no declaration {wid}")
    return "```python\n" + source.split(start, 1)[1].split(end, 1)[0].rstrip() + "\n```"

