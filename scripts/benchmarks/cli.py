"""The command line of scripts/bench.py."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import __doc__ as DOC
from . import driver, page, worker
from .processes import ROOT
from .workloads import WORKLOADS

BENCH_DIR = ROOT / "docs" / "bench"


def parser():
    ap = argparse.ArgumentParser(prog="scripts/bench.py", description=DOC,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats (under a minute)")
    ap.add_argument("--only", default=",".join(WORKLOADS), help="comma-separated workloads, e.g. W1,W3")
    ap.add_argument("--json", help=f"where to write the results (default {BENCH_DIR / 'latest.json'}; "
                                   f"with --ab, the A/B record {BENCH_DIR / 'changes.json'})")
    ap.add_argument("--repeats", type=int,
                    help="fresh processes per implementation and workload (default 3; quick 1, with 3 runs inside)")
    ap.add_argument("--frameworks",
                    help="other frameworks to measure when importable: default 'dezero,torch' ('dezero' with "
                         "--quick); '' for none")
    ap.add_argument("--profile", action="store_true",
                    help="also profile tinypytorch (cProfile, GC time, W5's array census); on by default in a "
                         "full run")
    ap.add_argument("--reprofile", metavar="JSON", help="redo only the profiles of an existing report")
    ap.add_argument("--ab", nargs="+", metavar="REV",
                    help="A/B-compare tinypytorch on the workloads that declare A/B sizes: --ab REV (that git "
                         "revision against the working tree), --ab A B, or --ab A B LABEL_A LABEL_B; A and B are "
                         "git revisions or folders holding tinypytorch/. Adds a record to the --json file")
    for hidden in ("--worker", "--profile-worker", "--impl", "--params", "--variant", "--tree"):
        ap.add_argument(hidden, help=argparse.SUPPRESS)
    ap.add_argument("--live", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--inner", type=int, default=1, help=argparse.SUPPRESS)
    return ap


def ab(args, ap):
    if len(args.ab) not in (1, 2, 4):
        ap.error("--ab takes REV, or A B, or A B LABEL_A LABEL_B")
    a, b = args.ab[0], args.ab[1] if len(args.ab) > 1 else str(ROOT)
    path = Path(args.json or BENCH_DIR / "changes.json")
    changes = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    with driver.package_tree(a) as (tree_a, label_a), driver.package_tree(b) as (tree_b, label_b):
        if len(args.ab) == 4:
            label_a, label_b = args.ab[2:]
        print(f"A/B: {label_a} → {label_b}", file=sys.stderr, flush=True)
        record = {"from": label_a, "to": label_b, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                  "clock": "CPU time", "workloads": driver.ab_compare(tree_a, tree_b)}
    changes = [c for c in changes if (c["from"], c["to"]) != (label_a, label_b)] + [record]
    driver.write_json(path, changes)
    print(page.changes(changes))
    print(f"wrote {path}", file=sys.stderr)


def main(argv=None):
    ap = parser()
    args = ap.parse_args(argv)
    if args.profile_worker or args.worker:
        worker_process(args)
    elif args.ab:
        ab(args, ap)
    elif args.reprofile:
        driver.write_json(args.reprofile, driver.reprofile(page.load(args.reprofile)))
    else:
        measure(args, ap)
    return 0


def worker_process(args):
    """A fresh process the driver started: print, as JSON, one workload's profile or one implementation's runs."""
    if args.profile_worker:
        w = WORKLOADS[args.profile_worker]
        print(json.dumps(w.profile(w, json.loads(args.params))))
        return
    runs = worker.run(WORKLOADS[args.worker], args.impl, json.loads(args.params), args.inner, args.variant,
                      args.live, args.tree)
    print(json.dumps(runs))


def chosen_workloads(args, ap) -> list[str]:
    """The workloads --only names (W1, w3, ...), or a usage error naming the unknown ones."""
    only = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    unknown = [w for w in only if w not in WORKLOADS]
    if unknown or not only:
        ap.error(f"unknown workload(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(WORKLOADS)}")
    return only


def chosen_frameworks(args) -> list[str]:
    """The other frameworks to try: --frameworks, else DeZero (and PyTorch in a full run)."""
    if args.frameworks is None:
        return ["dezero"] if args.quick else ["dezero", "torch"]
    return [f.strip() for f in args.frameworks.split(",")]


def measure(args, ap):
    """The benchmark itself: every chosen workload and implementation, written to --json and summarised."""
    only = chosen_workloads(args, ap)
    impls = driver.available_impls(chosen_frameworks(args))
    report = driver.run(only, args.quick, impls, procs=args.repeats or (1 if args.quick else 3),
                        with_profile=args.profile or not args.quick)
    path = Path(args.json or BENCH_DIR / "latest.json")
    driver.write_json(path, report)
    print(driver.summary(report))
    print(f"wrote {path} in {report['elapsed_s']:.0f} s", file=sys.stderr)
