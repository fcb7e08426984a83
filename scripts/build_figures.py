#!/usr/bin/env python3
"""Build every figure of the site from the code.

    python scripts/build_figures.py              # all figures -> docs/figures/
    python scripts/build_figures.py --step 32    # only Step 32's figures
    python scripts/build_figures.py --list       # what would be built

Figures are registered in ``scripts/figures/stepNN.py`` with ``@figure("stepNN-slug")``
(see ``scripts/figures/__init__.py``). Each is rendered to a temporary file in the
output folder and moved into place with ``os.replace`` only when it succeeded, so a
failure never leaves a partial file. A file whose bytes did not change is left alone
(its mtime too, so ``mkdocs serve`` does not rebuild for nothing). A full build also
removes ``*.svg`` files that no registered figure produces any more.
Exit status: 0 when every figure was built, 1 when any failed, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.figures import REGISTRY, Figure, setup_matplotlib  # noqa: E402

DEFAULT_FIGURES_DIR = ROOT / "scripts" / "figures"
DEFAULT_OUT = ROOT / "docs" / "figures"


def load_modules(figures_dir: Path, steps: set[int] | None) -> list[Figure]:
    """Import ``step*.py`` in ``figures_dir`` and return the figures they register."""
    figures: list[Figure] = []
    for path in sorted(figures_dir.glob("step*.py")):
        stem = path.stem  # step26
        if not (len(stem) == 6 and stem[4:].isdigit()):
            raise SystemExit(f"error: {path}: figure modules are named stepNN.py")
        step = int(stem[4:])
        if steps is not None and step not in steps:
            continue
        if figures_dir.resolve() == DEFAULT_FIGURES_DIR.resolve():
            mod_name = f"scripts.figures.{stem}"
        else:  # a foreign folder (tests): keep its modules apart from ours
            mod_name = f"_tp_figures_{abs(hash(str(figures_dir.resolve())))}.{stem}"
        before = set(REGISTRY)
        spec = importlib.util.spec_from_file_location(mod_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception:
            traceback.print_exc()
            raise SystemExit(f"error: importing {path} failed (see the traceback above)")
        new = [REGISTRY[name] for name in REGISTRY if name not in before]
        for fig in new:
            if fig.step != step:
                raise SystemExit(
                    f"error: {path} registers {fig.name!r}; figures of {stem}.py "
                    f"must be named 'step{step:02d}-...'"
                )
        figures.extend(new)
    return figures


def build_one(fig: Figure, out: Path) -> str:
    """Render one figure atomically; return 'written' or 'unchanged'. Raises on failure."""
    final = out / fig.filename
    tmp = out / f".{fig.name}.{os.getpid()}.tmp.svg"
    try:
        fig.func(tmp)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise RuntimeError(f"the function wrote nothing to the path it was given ({tmp.name})")
        data = tmp.read_bytes()
        if b"<svg" not in data[:4096]:
            raise RuntimeError("the file written is not an SVG (no '<svg' near its start)")
        if final.is_file() and final.read_bytes() == data:
            tmp.unlink()
            return "unchanged"
        os.replace(tmp, final)
        return "written"
    finally:
        if tmp.exists():
            tmp.unlink()
        try:  # matplotlib state must not leak from one figure into the next
            if "matplotlib.pyplot" in sys.modules:
                sys.modules["matplotlib.pyplot"].close("all")
        except Exception:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--step", type=int, action="append", metavar="NN",
                        help="build only this step's figures (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    parser.add_argument("--figures-dir", type=Path, default=DEFAULT_FIGURES_DIR,
                        help="folder with the stepNN.py figure modules (default: scripts/figures)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: docs/figures)")
    args = parser.parse_args(argv)

    setup_matplotlib()
    steps = set(args.step) if args.step else None
    figures = load_modules(args.figures_dir, steps)

    if args.list:
        for fig in figures:
            print(f"{fig.name}.svg\t{fig.source}")
        return 0
    if steps is not None:
        missing = sorted(steps - {f.step for f in figures})
        if missing:
            print(f"error: no figures registered for step(s) {', '.join(map(str, missing))}",
                  file=sys.stderr)
            return 2

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    start = time.perf_counter()
    width = len(str(len(figures)))
    for i, fig in enumerate(figures, 1):
        t0 = time.perf_counter()
        print(f"[{i:>{width}}/{len(figures)}] {fig.name}.svg ...", end=" ", flush=True)
        try:
            status = build_one(fig, out)
        except BaseException as exc:  # noqa: BLE001 - report and go on with the others
            if isinstance(exc, KeyboardInterrupt):
                raise
            print(f"FAILED ({time.perf_counter() - t0:.2f} s)", flush=True)
            print(f"error: figure {fig.name!r} ({fig.source}) broke:", file=sys.stderr)
            traceback.print_exc()
            failed.append(fig.name)
            continue
        print(f"{status} ({time.perf_counter() - t0:.2f} s)", flush=True)

    if steps is None and not failed:
        wanted = {f.filename for f in figures}
        for stale in sorted(out.glob("*.svg")):
            if stale.name not in wanted:
                stale.unlink()
                print(f"removed {stale.name} (no figure produces it any more)")

    total = time.perf_counter() - start
    if failed:
        print(f"error: {len(failed)} of {len(figures)} figure(s) failed: {', '.join(failed)} "
              f"({total:.1f} s)", file=sys.stderr)
        return 1
    print(f"built {len(figures)} figure(s) into {out} in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
