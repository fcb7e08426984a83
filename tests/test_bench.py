"""scripts/bench.py runs and writes the JSON the benchmarks page renders (structure only: no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "scripts" / "bench.py"


def run_bench(tmp_path, *args):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--frameworks", "", "--json", str(out), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(out.read_text()), proc.stdout


def test_quick_w6_writes_the_report(tmp_path):
    report, stdout = run_bench(tmp_path, "--only", "W6")
    assert report["schema"] == 1 and report["mode"] == "quick"
    machine = report["machine"]
    for key in ("python", "numpy", "tinypytorch", "cpus", "platform"):
        assert key in machine
    assert list(report["workloads"]) == ["W6"]
    w6 = report["workloads"]["W6"]
    assert set(w6["results"]) >= {"nothing", "numpy", "tinypytorch"}
    for result in w6["results"].values():
        assert len(result["runs_wall_s"]) >= 5 and result["median_wall_s"] > 0
        assert result["heavy_modules"] == []          # importing tinypytorch pulls in no plotting library
    assert w6["goal_met"] in (True, False) and isinstance(w6["goal_value"], float)
    assert "W6" in stdout


def test_every_workload_runs_and_agrees_with_numpy():
    """A tiny run of W1–W5 through the real worker processes: every implementation computes what numpy does."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import bench
    finally:
        sys.path.pop(0)
    tiny = {"W1": {"steps": 20}, "W2": {"runs": 2, "newton_steps": 10}, "W3": {"max_order": 4},
            "W4": {"n": 1000}, "W5": {"n": 20_000, "ops": 10}}
    impls = ["numpy", "tinypytorch"]
    for wid in ("W1", "W2", "W4"):
        results = bench.bench_timed(wid, impls, tiny[wid], procs=1, inner=1)
        assert results["tinypytorch"]["agrees_with_numpy"], (wid, results)
        assert results["numpy"]["ratio_to_numpy"] == 1.0
    w3 = bench.bench_w3(impls, tiny["W3"], procs=1, inner=1)
    assert w3["tinypytorch"]["agrees_with_numpy"]
    assert w3["tinypytorch"]["function_nodes"]["1"] == 4     # tanh backward: Tanh, Mul, Sub, Mul
    w5 = bench.bench_w5(impls, tiny["W5"], procs=1, modes=("live",))
    assert w5["tinypytorch"]["keep_agrees_with_numpy"] and w5["tinypytorch"]["plain_agrees_with_numpy"]
    assert w5["numpy"]["live_keep_peak_bytes"] > 0


def test_only_rejects_unknown_workloads():
    proc = subprocess.run([sys.executable, str(BENCH), "--only", "W9"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0 and "unknown workload" in proc.stderr


def test_recorded_results_match_the_schema():
    """docs/bench/latest.json (what the site shows) has every workload and the goal verdicts."""
    report = json.loads((ROOT / "docs" / "bench" / "latest.json").read_text())
    assert report["mode"] == "full"
    assert list(report["workloads"]) == ["W1", "W2", "W3", "W4", "W5", "W6"]
    for wid, res in report["workloads"].items():
        assert "tinypytorch" in res["results"] and "goal_met" in res, wid


def test_the_page_renders_every_recorded_file():
    """What docs/benchmarks.md prints at build time, from the recorded JSON files."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import bench
    finally:
        sys.path.pop(0)
    bench_dir = ROOT / "docs" / "bench"
    report, baseline = bench.load(bench_dir / "latest.json"), bench.load(bench_dir / "baseline.json")
    summary = bench.markdown_summary(report)
    assert summary.count("\n| W") == 6 and ("✅" in summary or "❌" in summary)
    details = bench.markdown_details(report)
    assert all(f"### {wid}" in details for wid in report["workloads"])
    assert bench.markdown_before_after(baseline, report).count("\n| W") == 6
    evidence = bench.markdown_evidence(report)
    for wid, res in report["workloads"].items():
        assert (f"**{wid} " in evidence) == (res["goal_met"] is False), wid
    changes = json.loads((bench_dir / "changes.json").read_text())
    table = bench.markdown_changes(changes)
    assert table.count("\n| `") == len(changes) >= 1
    assert all(set(c["workloads"]) == {"W1", "W2", "W3", "W4"} for c in changes)
