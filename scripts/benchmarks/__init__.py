"""Performance workloads W1–W6 for tinypytorch, beside a hand-written numpy baseline.

    python scripts/bench.py                  # every workload, full size, writes docs/bench/latest.json
    python scripts/bench.py --quick          # smaller sizes, fewer repeats (under a minute)
    python scripts/bench.py --only W1,W3 --json /tmp/bench.json
    python scripts/bench.py --ab HEAD~1      # tinypytorch at HEAD~1 against the working tree
    python scripts/bench.py --reprofile docs/bench/latest.json

Every measurement runs in a fresh Python process (this script re-run with ``--worker``), several
times, and the median is reported. The numpy baseline is measured in the same run, interleaved with
the frameworks, so the ratios hold on a noisy shared machine where absolute times do not. DeZero
(PyPI ``dezero``) and PyTorch are measured too when they can be imported by the same interpreter.

Memory (W5) is the worker's peak resident set size minus its size just before the workload (the
peak is reset through ``/proc/self/clear_refs``). glibc keeps freed large buffers for reuse, so W5
is also run with ``M_MMAP_THRESHOLD`` lowered through ``mallopt``: every large array then lives in
its own mapping that is returned on free, and the peak RSS follows the peak of live bytes.

A workload is one declaration in scripts/benchmarks/workloads.py: see docs/benchmarks.md,
"Adding a workload".
"""
