"""The benchmark (scripts/bench.py, the package scripts/benchmarks/) and the page that renders its JSON.

No timing is asserted: these tests check that the workloads run and agree with numpy, that a run writes a
complete report, that declarations are checked, that A/B measures the package it is given, and that
docs/benchmarks.md renders every workload from the JSON with no number typed by hand.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.benchmarks import driver, page
from scripts.benchmarks.declare import Goal, Workload
from scripts.benchmarks.kinds import Timed
from scripts.benchmarks.processes import measure
from scripts.benchmarks.wording import words
from scripts.benchmarks.workloads import WORKLOADS, w1_numpy

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "scripts" / "bench.py"
PAGE = ROOT / "docs" / "benchmarks.md"
PAGE_ZH = ROOT / "docs" / "benchmarks.zh.md"
BENCH_DIR = ROOT / "docs" / "bench"
UNFILLED = re.compile(r"\{(W\d|run|AB)\.")   # a fact the page names but did not fill in


def bench(*args, **env):
    return subprocess.run([sys.executable, str(BENCH), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=900, env={**os.environ, **env})


def render_page(monkeypatch, report=None, source=PAGE):
    """Run the page's markdown-exec blocks as the site build does; `report` replaces latest.json's.
    Returns what the learner's part prints and what the contributors' part prints."""
    learner, contributors = re.split(r"^## .* \{#contributors\}$", source.read_text(encoding="utf-8"), flags=re.M)
    find = re.compile(r'```python exec="on" session="bench"\n(.*?)```', re.S)
    out = []
    ns = {"print": lambda *a, end="\n": out.append(" ".join(map(str, a)) + end)}
    monkeypatch.chdir(ROOT)
    parts = []
    for i, part in enumerate((learner, contributors)):
        for j, block in enumerate(find.findall(part)):
            exec(block, ns)
            if (i, j) == (0, 0) and report is not None:
                ns["report"], ns["facts"] = report, page.facts(report, ns["changes"], ns["language"])
        parts.append("".join(out))
        out.clear()
    return parts


# ---- a run --------------------------------------------------------------------------------------------------

def test_quick_run_writes_a_complete_report_and_leaves_nothing_behind(tmp_path, monkeypatch):
    out, scratch = tmp_path / "out" / "bench.json", tmp_path / "scratch"
    scratch.mkdir()
    proc = bench("--quick", "--frameworks", "", "--json", str(out), TMPDIR=str(scratch))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert report["schema"] == 1 and report["mode"] == "quick"
    assert report["implementations"] == ["numpy", "tinypytorch"]
    assert list(report["workloads"]) == list(WORKLOADS)
    for wid, res in report["workloads"].items():
        w = WORKLOADS[wid]
        assert res["params"] == w.quick and res["title"] == w.title and res["goal"] == w.goal.description
        assert set(res["results"]) >= {"numpy", "tinypytorch"}, wid
        assert res["goal_met"] is w.goal.met(res["goal_value"]), wid
        assert all(v for k, v in res["results"]["tinypytorch"].items() if k.endswith("agrees_with_numpy")), wid
        assert f"{wid}  " in proc.stdout
    assert report["workloads"]["W3"]["goal_met"] is None          # its goal is judged against DeZero
    assert report["workloads"]["W6"]["results"]["tinypytorch"]["heavy_modules"] == []
    assert list(out.parent.iterdir()) == [out] and list(scratch.iterdir()) == []
    text = "".join(render_page(monkeypatch, report))               # the page renders a report without DeZero
    assert "not measured (needs DeZero)" in text and not UNFILLED.search(text)


def test_every_workload_runs_in_fresh_processes_and_agrees_with_numpy():
    tiny = {"W1": {"steps": 20}, "W2": {"runs": 2, "newton_steps": 10}, "W3": {"max_order": 4},
            "W4": {"n": 1000}, "W5": {"n": 20_000, "ops": 10}}
    for wid, params in tiny.items():
        w = WORKLOADS[wid]
        results = w.kind.collect(w, ["numpy", "tinypytorch"], params, procs=1, quick=True)
        checks = {k: v for k, v in results["tinypytorch"].items() if k.endswith("agrees_with_numpy")}
        assert checks and all(checks.values()), (wid, results)
    w3 = WORKLOADS["W3"]
    nodes = w3.kind.collect(w3, ["numpy", "tinypytorch"], {"max_order": 2}, 1, True)["tinypytorch"]["function_nodes"]
    assert nodes["1"] == 4   # tanh's backward: Tanh, Mul, Sub, Mul


def test_only_rejects_unknown_workloads():
    proc = bench("--only", "W9")
    assert proc.returncode == 2 and "unknown workload(s) W9" in proc.stderr


def test_a_report_is_written_whole_or_not_at_all(tmp_path):
    path = tmp_path / "bench.json"
    path.write_text('{"kept": true}\n')
    with pytest.raises(TypeError):
        driver.write_json(path, {"written first": list(range(10_000)), "then": object()})
    assert json.loads(path.read_text()) == {"kept": True} and list(tmp_path.iterdir()) == [path]


def test_reprofile_replaces_the_profiles_and_nothing_else(tmp_path):
    report = {"workloads": {
        "W1": {"params": {"steps": 20}, "results": {"numpy": {"median_s": 1.0}}},
        "W5": {"params": {"n": 1000, "ops": 6}, "results": {}},
        "W6": {"params": {}, "results": {}}}}
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report))
    proc = bench("--reprofile", str(path))
    assert proc.returncode == 0, proc.stderr
    after = json.loads(path.read_text())
    w1 = after["workloads"]["W1"].pop("profile")
    assert w1["unit"] == "descent step" and w1["function_calls"] == w1["function_calls_per_unit"] * 20 > 0
    assert any(row["function"].startswith("Function.") for row in w1["top"])
    census = after["workloads"]["W5"].pop("profile")
    assert census == {"intermediate_arrays_held": 6, "arrays_a_backward_reads": 3, "array_bytes": 8000}
    assert after == report                                          # W6 has no profile; timings untouched


# ---- declarations -------------------------------------------------------------------------------------------

def declare(**overrides):
    fields = dict(id="W9", title="t", short="s", goal=Goal("≤ {limit}×", short="≤ {limit}×", limit=2),
                  kind=Timed(1, 1), full={"steps": 10}, quick={"steps": 2}, warm_up={"steps": 1},
                  numpy=w1_numpy, tinypytorch=w1_numpy, dezero=w1_numpy, torch=w1_numpy)
    return Workload(**{**fields, **overrides})


def test_a_declaration_missing_a_function_fails_clearly():
    declare()   # complete: accepted
    fields = dict(id="W9", title="t", short="s", goal=Goal("g", short="g", limit=2), kind=Timed(1, 1),
                  full={"steps": 10}, quick={"steps": 2}, numpy=w1_numpy, tinypytorch=w1_numpy, dezero=w1_numpy)
    with pytest.raises(TypeError, match=r"workload W9: no torch function declared"):
        Workload(**fields)


def test_a_declaration_whose_function_cannot_take_its_sizes_fails_clearly():
    with pytest.raises(TypeError, match=r"workload W9: numpy function w1_numpy cannot take the sizes \['n'\]"):
        declare(ab={"n": 5})
    with pytest.raises(TypeError, match=r"workload W9: the torch entry is 'import torch', not a function"):
        declare(torch="import torch")


def test_goals_fill_their_limit_and_judge_every_part():
    goal = Goal("≤ {limit}× numpy", short="≤ {limit}×", limit=1.3)
    assert goal.description == "≤ 1.3× numpy" and goal.met(1.3) and not goal.met(1.31) and goal.met(None) is None
    parts = Goal("≤ {keep}×", short="s", limit={"keep": 1.25, "no_grad": 1.02})
    assert parts.description == "≤ 1.25×"
    assert parts.met({"keep": 1.2, "no_grad": 1.0}) and not parts.met({"keep": 1.2, "no_grad": 1.03})


# ---- A/B ----------------------------------------------------------------------------------------------------

def test_ab_measures_the_package_of_each_side(tmp_path):
    with driver.package_tree("HEAD") as (tree, label):
        assert (tree / "tinypytorch" / "__init__.py").is_file() and label == driver.package_commit(rev="HEAD")
        ratios = driver.ab_compare(tree, ROOT, rounds=1, inner=1, sizes={"W1": {"steps": 20}, "W3": {"max_order": 3}})
    assert not tree.exists()                                        # the export is removed
    assert set(ratios) == {"W1", "W3"} and all(r["median_ratio"] > 0 for r in ratios.values())
    broken = tmp_path / "broken"
    (broken / "tinypytorch").mkdir(parents=True)
    (broken / "tinypytorch" / "__init__.py").write_text("raise ImportError('broken on purpose')\n")
    with pytest.raises(RuntimeError, match="broken on purpose"):   # the worker imports that side's package
        measure("W1", "tinypytorch", {"steps": 5}, tree=broken)


def test_ab_rejects_what_it_cannot_compare():
    proc = bench("--ab", "no-such-revision-xyz")
    assert proc.returncode != 0 and "neither a folder holding tinypytorch/ nor a revision" in proc.stderr
    proc = bench("--ab", "HEAD", "HEAD", "label")
    assert proc.returncode == 2 and "--ab takes REV, or A B, or A B LABEL_A LABEL_B" in proc.stderr


# ---- the recorded JSON and the page -------------------------------------------------------------------------

def test_recorded_results_match_the_declarations():
    """docs/bench/latest.json (what the site shows) is a full run of every workload, with the goal verdicts."""
    report = page.load(BENCH_DIR / "latest.json")
    assert report["mode"] == "full" and list(report["workloads"]) == list(WORKLOADS)
    for wid, res in report["workloads"].items():
        assert res["params"] == WORKLOADS[wid].full and "tinypytorch" in res["results"], wid
        assert res["goal_met"] is WORKLOADS[wid].goal.met(res["goal_value"]), wid
    for record in page.load(BENCH_DIR / "changes.json"):
        assert set(record["workloads"]) == {w.id for w in WORKLOADS.values() if w.ab}


def test_the_page_renders_every_recorded_workload(monkeypatch):
    learner, contributors = render_page(monkeypatch)
    text = learner + contributors
    report = page.load(BENCH_DIR / "latest.json")
    for wid, res in report["workloads"].items():
        assert f"| **{wid}**<br>" in learner, wid                            # the comparison table
        assert f"### {wid} — {WORKLOADS[wid].short} {{#{wid.lower()}}}" in contributors, wid
        assert (f"**{wid} — " in contributors) == (res["goal_met"] is False), wid   # evidence for goals not met
    for record in page.load(BENCH_DIR / "changes.json"):
        assert f"| `{record['from']}` → `{record['to']}` |" in contributors
    assert "not measured" not in text and "None" not in text and "nan" not in text
    assert not UNFILLED.search(text)                                        # every fact was filled in
    commits = {page.load(BENCH_DIR / f)["machine"]["git_commit"] for f in ("latest.json", "baseline.json")}
    commits |= {c[k] for c in page.load(BENCH_DIR / "changes.json") for k in ("from", "to")}
    assert not [c for c in commits if c in learner]                         # no commit in the learner's part
    assert '```python\nW1 = Workload(\n    id="W1",' in contributors and "torch=w1_torch,\n)\n```" in contributors


def without_dezero(report):
    """`report` as a run without DeZero installed records it (W3's goal is judged against DeZero)."""
    report = json.loads(json.dumps(report))
    report["implementations"].remove("dezero")
    del report["machine"]["dezero"]
    for res in report["workloads"].values():
        res["results"].pop("dezero", None)
    report["workloads"]["W3"].update(goal_value=None, goal_met=None)
    return report


def test_the_chinese_page_renders_every_workload_in_chinese(monkeypatch):
    """docs/benchmarks.zh.md asks page.py for Chinese: its tables, headings and notes come out in Chinese,
    with the same numbers as the English page's."""
    learner, contributors = render_page(monkeypatch, source=PAGE_ZH)
    english = "".join(render_page(monkeypatch))
    zh = words("zh")
    for wid, res in page.load(BENCH_DIR / "latest.json")["workloads"].items():
        assert f"| **{wid}**<br>" in learner, wid
        assert f"### {wid} — {zh(WORKLOADS[wid].short)} {{#{wid.lower()}}}" in contributors, wid
        assert (f"**{wid} — {zh(WORKLOADS[wid].short)}**（" in contributors) == (res["goal_met"] is False), wid
    text = learner + contributors
    assert "记录于" in learner and "| 工作负载 | 目标 | tinypytorch | 结论 |" in contributors
    for english_words in ("Recorded", "fastest run", "not met", "nodes", "time per", "Computes"):
        assert english_words in english and english_words not in text, english_words
    assert not UNFILLED.search(text) and "未测量" not in text
    numbers = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)* ?(?:µs|ms|s|MiB|×)(?![A-Za-z])")
    assert sorted(numbers.findall(english)) == sorted(numbers.findall(text))   # the same measurements


def test_a_report_without_dezero_renders_in_both_editions(monkeypatch):
    report = without_dezero(page.load(BENCH_DIR / "latest.json"))
    english = "".join(render_page(monkeypatch, report))
    chinese = "".join(render_page(monkeypatch, report, source=PAGE_ZH))
    assert "not measured (needs DeZero)" in english and "未测量（需要 DeZero）" in chinese
    assert not UNFILLED.search(english + chinese) and "| DeZero |" not in english + chinese


def test_a_text_without_chinese_fails_clearly():
    assert words("en")("fastest run") == "fastest run" and words("zh")("✅ met") == "✅ 达成"
    with pytest.raises(KeyError, match=r"scripts/benchmarks/wording.py has no Chinese for 'a new label'"):
        words("zh")("a new label")
    with pytest.raises(ValueError, match=r"no wording for language 'fr' \(it is written in en, zh\)"):
        words("fr")


def hand_typed_numbers(markdown):
    """Digits in the page's prose, outside code, facts, links, workload ids and step references (either
    edition's: Step 29, 步骤 29)."""
    prose = re.sub(r"```python exec[^\n]*\n(.*?)```",
                   lambda m: "\n".join(re.findall(r'"""(.*?)"""', m.group(1), re.S)), markdown, flags=re.S)
    prose = re.sub(r"```.*?```", "", prose, flags=re.S)
    for pattern in (r"`[^`]*`", r"\{[^}]*\}", r"\]\([^)]*\)", r"\bW\d\b", r"\bSteps? \d\d(?:[–,] ?\d\d)*",
                    r"步骤 \d\d(?:[–、] ?\d\d)*", r"\b0-d\b", r"(?<![\d.])0 维", r"2x²"):
        prose = re.sub(pattern, "", prose)
    return re.findall(r"[^\s]*\d[^\s]*", prose)


def test_no_number_on_the_page_is_typed_by_hand():
    assert hand_typed_numbers(PAGE.read_text(encoding="utf-8")) == []
    assert hand_typed_numbers(PAGE_ZH.read_text(encoding="utf-8")) == []
    typed = '```python exec="on" session="bench"\nsay("""\nIt takes 14.5× numpy\'s time.\n""")\n```\nIn 3 s.\n'
    assert hand_typed_numbers(typed) == ["14.5×", "3"]
    typed_zh = '```python exec="on" session="bench"\nsay("""\n见步骤 29，耗时是 numpy 的 14.5×。\n""")\n```\n用了 3 秒。\n'
    assert hand_typed_numbers(typed_zh) == ["14.5×。", "3"]


def recorded_commit_is_current(recorded: str, root: Path) -> bool:
    """True when `recorded` is the last commit that changed tinypytorch/ in the git checkout at `root`."""
    git = ["git", "-C", str(root)]
    last = subprocess.run(git + ["log", "-1", "--format=%H", "--", "tinypytorch"], capture_output=True,
                          text=True, check=True).stdout.strip()
    named = subprocess.run(git + ["rev-parse", "--verify", "--quiet", f"{recorded}^{{commit}}"],
                           capture_output=True, text=True).stdout.strip()
    return bool(last) and named == last


@pytest.mark.skipif(not (driver.ROOT / ".git").exists(), reason="not a git checkout: no history to compare with")
def test_the_full_run_on_the_page_measured_the_library_as_it_is_now():
    """The page's tables come from docs/bench/latest.json; after a change to tinypytorch/ they must be measured
    again (python scripts/bench.py), so a table never describes a library that is gone."""
    report = json.loads((driver.ROOT / "docs" / "bench" / "latest.json").read_text(encoding="utf-8"))
    recorded = report["machine"]["git_commit"]
    assert "+" not in recorded, f"the full run measured uncommitted changes ({recorded})"
    assert recorded_commit_is_current(recorded, driver.ROOT), (
        f"docs/bench/latest.json measured tinypytorch at {recorded}, but the package changed after it: run "
        f"python scripts/bench.py again")


@pytest.mark.skipif(not (driver.ROOT / ".git").exists(), reason="not a git checkout: no history to compare with")
def test_the_recorded_commit_check_fires_on_an_older_commit():
    changes = subprocess.run(["git", "-C", str(driver.ROOT), "log", "--format=%h", "--", "tinypytorch"],
                             capture_output=True, text=True, check=True).stdout.split()
    assert len(changes) >= 2  # the package has a history
    assert recorded_commit_is_current(changes[0], driver.ROOT)
    assert not recorded_commit_is_current(changes[1], driver.ROOT)
