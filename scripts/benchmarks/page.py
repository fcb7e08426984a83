"""Numbers for docs/benchmarks.md, which renders them at build time (markdown-exec) from the JSON the benchmark
writes. The prose lives in the page; this module gives it tables, and facts it names in its sentences. Each
takes the page's `language` ("en", or "zh" on docs/benchmarks.zh.md): the words around the numbers come from
`wording`."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from .declare import IMPLEMENTATIONS, NAMES
from .driver import AB_INNER
from .kinds import duration
from .wording import english, words
from .workloads import WORKLOADS

HARNESS = ("bench.py:", "workloads.py:", "worker.py:")   # profile rows of the benchmark's own code


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


class Facts:
    """Named, formatted numbers; a fact the report lacks (a framework not installed, no profile) reads
    "not measured" (`missing`, in the page's language) rather than breaking the page."""

    def __init__(self, missing="not measured", **facts):
        self.__dict__.update(facts, _missing=missing)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._missing


def count(v):
    """A size as a reader reads it: 50,000; 10⁶."""
    if isinstance(v, int) and v >= 10 ** 6 and str(v).rstrip("0") == "1":
        return "10" + str(len(str(v)) - 1).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{v:,}" if isinstance(v, int) else str(v)


def top(profile, n=5, tr=english):
    rows = [t for t in profile["top"] if not t["function"].startswith(HARNESS)]
    return tr(", ").join(f"`{t['function']}` {t['self_share']:.0%}" for t in rows[:n])


def _profile_facts(workload, res, tr):
    p, f = res.get("profile") or {}, {}
    if p.get("function_calls_per_unit"):
        per_unit, forward = p["function_calls_per_unit"], p["forward_calls_per_unit"]
        calls = per_unit * workload.units(res["params"])
        f.update(calls=f"{per_unit:.0f}", forward=f"{forward:.0f}", backward=f"{per_unit - forward:.0f}",
                 seconds_per_call=res["results"]["tinypytorch"]["median_s"] / calls)
        f["per_call"] = duration(f["seconds_per_call"])
    if "gc_share" in p:
        f.update(gc_share=f"{p['gc_share']:.0%}", top=top(p, tr=tr))
    if "intermediate_arrays_held" in p:
        f.update(held=str(p["intermediate_arrays_held"]), read=str(p["arrays_a_backward_reads"]),
                 array=f"{p['array_bytes'] / 2 ** 20:.1f} MiB")
    return f


def facts(report, changes=(), language="en"):
    """{workload id: Facts}: its sizes by name, `verdict`, one Facts per implementation (see each kind's
    `facts`) and its profile's numbers; "run": the run's duration; "AB": the A/B settings of the latest
    record in `changes`."""
    tr, out = words(language), {}
    missing = tr("not measured")
    for wid, res in report["workloads"].items():
        w = WORKLOADS[wid]
        f = {k: count(v) for k, v in res["params"].items()}
        f["verdict"] = f"{w.kind.shown(res['goal_value'], tr)}" if res["goal_value"] is not None else missing
        for impl in IMPLEMENTATIONS:
            f[impl] = Facts(missing, **w.kind.facts(w, res, impl, tr)) if impl in res["results"] else Facts(missing)
        out[wid] = Facts(missing, **f, **_profile_facts(w, res, tr))
    _add_bookkeeping_bound(out, report)
    out.update(_run_facts(report, changes, tr, missing))
    return out


def _add_bookkeeping_bound(out, report):
    """W4's `bookkeeping`: an upper bound on its bookkeeping, W1's whole cost per call (arithmetic on 0-d
    arrays included) times W4's calls, and its share of W4's time."""
    w1, w4 = out.get("W1"), out.get("W4")
    if w1 and w4 and "seconds_per_call" in vars(w1) and "calls" in vars(w4):
        seconds = w1.seconds_per_call * float(w4.calls)
        w4.bookkeeping = duration(seconds)
        w4.bookkeeping_share = f"{seconds / report['workloads']['W4']['results']['tinypytorch']['median_s']:.1%}"


def _run_facts(report, changes, tr, missing):
    """"run": the run's duration; "AB": the A/B settings of the latest record in `changes`."""
    out = {}
    if "elapsed_s" in report:
        minutes = report["elapsed_s"] / 60
        out["run"] = Facts(missing, elapsed=tr("{minutes} minutes").format(minutes=f"{minutes:.0f}") if minutes >= 2
                           else tr("{seconds} s").format(seconds=f"{report['elapsed_s']:.0f}"))
    if changes:
        out["AB"] = Facts(missing, rounds=str(len(changes[-1]["workloads"][next(iter(changes[-1]["workloads"]))]["a_s"])),
                          inner=str(AB_INNER))
    return out


def fill(text, facts):
    """A paragraph of the page with its `{W1.tinypytorch.ratio}`-style facts filled in."""
    return textwrap.dedent(text).strip().format_map(facts)


def _impls(report):
    return [i for i in IMPLEMENTATIONS if i in report["implementations"]]


def machine(report, commit=False, language="en"):
    m, tr = report["machine"], words(language)
    parts = [tr("{cpu}, {cpus} cores").format(cpu=m.get("cpu", m["machine"]), cpus=m["cpus"]),
             f"Python {m['python']}", f"numpy {m['numpy']}",
             f"tinypytorch {m['tinypytorch']}" + (tr(" (commit `{commit}`)").format(commit=m["git_commit"])
                                                  if commit and m.get("git_commit") else "")]
    parts += [f"{tr(NAMES[k])} {m[k]}" for k in ("dezero", "torch") if k in m and k in report["implementations"]]
    env = ", ".join(f"`{k}={v}`" for k, v in m.get("env", {}).items())
    recorded = tr("Recorded {date} ({mode} run, {processes} fresh processes per implementation and workload) "
                  "on {machine}.")
    return (recorded.format(date=report["created"][:10], mode=tr(report["mode"]),
                            processes=report["processes_per_implementation"], machine=tr("; ").join(parts))
            + (tr(" Environment: {env}.").format(env=env) if env else ""))


def comparison(report, language="en"):
    """The learner's table: each workload's natural measure for every implementation, and under it the ratio
    to numpy (W3: the graph's size; W6: the time added to numpy's)."""
    impls, tr = _impls(report), words(language)
    rows = ["| | " + " | ".join("numpy" if i == "numpy" else tr(NAMES[i]) for i in impls) + " |",
            "|---|" + "---:|" * len(impls)]
    for wid, res in report["workloads"].items():
        w = WORKLOADS[wid]
        cells = " | ".join("<br>".join(w.kind.cell(w, res, i, tr)) if i in res["results"] else "—" for i in impls)
        rows.append(f"| **{wid}**<br>{w.kind.label(w, res, tr)} | {cells} |")
    return "\n".join(rows)


def goals(report, language="en"):
    """Every workload's goal, tinypytorch's measure and the verdict."""
    tr = words(language)
    rows = [tr("| workload | goal | tinypytorch | verdict |"), "|---|---|---|---|"]
    for wid, res in report["workloads"].items():
        w = WORKLOADS[wid]
        measured = (tr("not measured (needs {name})").format(name=tr(NAMES[w.goal.against]))
                    if res["goal_value"] is None else w.kind.goal_measure(res, tr))
        verdict = {True: tr("✅ met"), False: tr("❌ not met"), None: "—"}[res["goal_met"]]
        rows.append(f"| **{wid}** {tr(w.short)} | {w.goal.fill(tr(w.goal.short))} | {measured} | {verdict} |")
    return "\n".join(rows)


def details(report, notes=None, language="en"):
    """A section per workload: its title, sizes and goal, every implementation's measurements, and the page's
    note on that workload (`notes`, by workload id)."""
    out, tr = [], words(language)
    for wid, res in report["workloads"].items():
        w = WORKLOADS[wid]
        params = tr(", ").join(f"{k} = {v:,}" for k, v in res["params"].items())
        sizes = tr(" ({sizes})").format(sizes=params) if params else ""
        out += [f"### {wid} — {tr(w.short)} {{#{wid.lower()}}}\n",
                tr("**Computes:** {title}{sizes}. **Goal:** {goal}.").format(
                    title=tr(res["title"]), sizes=sizes, goal=w.goal.fill(tr(w.goal.text))) + "\n",
                *w.kind.details(res, tr), ""]
        if notes and wid in notes:
            out += [textwrap.dedent(notes[wid]).strip(), ""]
    return "\n".join(out)


def _side(label, tr):
    """One side of an A/B record as a table shows it: a commit, or a commit and what was changed in it."""
    commit, _, what = label.partition(" ")
    return tr("`{commit} {what}`").format(commit=commit, what=tr(what)) if what else f"`{label}`"


def changes(records, language="en"):
    """The A/B record: time(new) / time(old) per workload, median over rounds (and of the fastest runs)."""
    tr = words(language)
    wids = list(dict.fromkeys(w for c in records for w in c["workloads"]))
    rows = [tr("| change |") + " " + " | ".join(wids) + " |", "|---|" + "---|" * len(wids)]
    for c in records:
        cells = " | ".join(f"{c['workloads'][w]['median_ratio']:.2f} ({c['workloads'][w]['ratio_of_fastest']:.2f})"
                           if w in c["workloads"] else "—" for w in wids)
        rows.append(f"| {_side(c['from'], tr)} → {_side(c['to'], tr)} | {cells} |")
    return "\n".join(rows)


def before_after(before, after, language="en"):
    """Each workload's goal measure in two reports (e.g. before and after a piece of performance work)."""
    tr = words(language)

    def measure(report, wid):
        res = report["workloads"].get(wid)
        return "—" if res is None else WORKLOADS[wid].kind.goal_measure(res, tr)
    rows = [tr("| | goal | before (`{commit_before}`, {date_before}) | after (`{commit_after}`, {date_after}) |").format(
                commit_before=before["machine"].get("git_commit"), date_before=before["created"][:10],
                commit_after=after["machine"].get("git_commit"), date_after=after["created"][:10]),
            "|---|---|---|---|"]
    for wid in after["workloads"]:
        w = WORKLOADS[wid]
        rows.append(f"| {wid} {tr(w.short)} | {w.goal.fill(tr(w.goal.short))} | {measure(before, wid)} | "
                    f"{measure(after, wid)} |")
    return "\n".join(rows)


def evidence(report, wid, text, language="en"):
    """For a goal that is not met: the workload, its measure against the goal, and the page's explanation
    (`text`, its facts filled in); nothing for a goal that is met or not judged."""
    res = report["workloads"].get(wid)
    if res is None or res["goal_met"] is not False:
        return ""
    w, tr = WORKLOADS[wid], words(language)
    return tr("**{wid} — {short}** ({shown}; goal {goal}). {text}").format(
        wid=wid, short=tr(w.short), shown=w.kind.shown(res["goal_value"], tr), goal=w.goal.fill(tr(w.goal.short)),
        text=text) + "\n"


def declaration(wid):
    """A workload's declaration, as the source shows it (between its `# --8<-- [start:…]` markers)."""
    source = (Path(__file__).with_name("workloads.py")).read_text(encoding="utf-8")
    start, end = f"# --8<-- [start:{wid.lower()}]\n", f"# --8<-- [end:{wid.lower()}]"
    if start not in source:
        raise ValueError(f"workloads.py marks no declaration {wid}")
    return "```python\n" + source.split(start, 1)[1].split(end, 1)[0].rstrip() + "\n```"

