#!/usr/bin/env python3
"""Build every figure of the site from the code.

    python scripts/build_figures.py              # all figures -> docs/figures/
    python scripts/build_figures.py --step 32    # only Step 32's figures
    python scripts/build_figures.py --list       # what would be built
    python scripts/build_figures.py --force      # rebuild although nothing changed

Figures are registered in ``scripts/figures/stepNN.py`` with ``@figure("stepNN-slug")``
(see ``scripts/figures/__init__.py``). Each is rendered to a temporary file in the
output folder and moved into place with ``os.replace`` only when it succeeded, so a
failure never leaves a partial file. A file whose bytes did not change is left alone
(its mtime too, so ``mkdocs serve`` does not rebuild for nothing). A full build also
removes ``*.svg`` files that no registered figure produces any more.

A figure registered with ``data=True`` also writes its data next to it, ``<name>.json``
(``save_json``): the site's backward steppers replay a trace from it. The driver treats the
pair alike: both drawn to temporary files, both checked, each moved into place, both in the stamp.

A full build that succeeded leaves a stamp in the output folder: a digest of everything
the figures are made from (the package, the figure modules, the listings, this script,
the versions of Python, numpy, matplotlib and graphviz-pure, and the ``dot`` program) and the
digest of every figure written. The next full build with the same inputs, whose figures
are all still there, byte for byte, has nothing to do and says so; ``--force`` rebuilds.
Exit status: 0 when every figure was built, 1 when any failed, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
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
STAMP = ".build-stamp.json"  # in the output folder; git-ignored


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
    """Render one figure (and its data file) atomically; return 'written' or 'unchanged'. Raises on failure."""
    tmp = out / f".{fig.name}.{os.getpid()}.tmp.svg"
    tmps = [tmp, tmp.with_suffix(".json")][:len(fig.filenames)]
    try:
        fig.func(tmp)
        for path in tmps:
            if not path.is_file() or path.stat().st_size == 0:
                raise RuntimeError(f"the function wrote nothing to {path.name} (save_svg/render_dot write the "
                                   f"SVG to the path given, save_json its data next to it)")
        if b"<svg" not in tmp.read_bytes()[:4096]:
            raise RuntimeError("the file written is not an SVG (no '<svg' near its start)")
        if fig.data:
            try:
                json.loads(tmps[1].read_bytes())
            except ValueError as exc:
                raise RuntimeError(f"the data file written is not JSON: {exc}") from None
        status = "unchanged"
        for path, name in zip(tmps, fig.filenames):
            final = out / name
            if not (final.is_file() and final.read_bytes() == path.read_bytes()):
                os.replace(path, final)
                status = "written"
        return status
    finally:
        for path in (tmp, tmp.with_suffix(".json")):
            if path.exists():
                path.unlink()
        try:  # matplotlib state must not leak from one figure into the next
            if "matplotlib.pyplot" in sys.modules:
                sys.modules["matplotlib.pyplot"].close("all")
        except Exception:
            pass


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs_digest(figures_dir: Path) -> str:
    """A digest of everything a full build reads: change any of it and the figures are rebuilt."""
    sources = [Path(__file__).resolve(), *sorted((ROOT / "tinypytorch").rglob("*.py")),
               *sorted(DEFAULT_FIGURES_DIR.glob("*.py")), *sorted(figures_dir.resolve().glob("*.py")),
               *sorted(p for p in (ROOT / "docs" / "listings").rglob("*") if p.is_file())]
    h = hashlib.sha256()
    for path in dict.fromkeys(sources):  # a folder given twice counts once
        h.update(f"{path}\0{_sha256(path)}\n".encode())
    h.update(sys.version.encode())
    for dist in ("numpy", "matplotlib", "graphviz-pure"):
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist} absent\n".encode())
    try:
        from tinypytorch.render import find_dot
        dot = Path(find_dot())
        h.update(f"dot={dot} {dot.stat().st_size} {dot.stat().st_mtime_ns}\n".encode())
    except Exception as exc:  # no dot at all: the graph figures will say so when they are built
        h.update(f"dot: {type(exc).__name__}\n".encode())
    return h.hexdigest()


def built_files(out: Path) -> set[str]:
    """The names of the figures and data files in `out` (the stamp and temporary files aside)."""
    return {p.name for pattern in ("*.svg", "*.json") for p in out.glob(pattern) if not p.name.startswith(".")}


def up_to_date(out: Path, digest: str) -> int | None:
    """The number of figure files if the stamp in `out` matches `digest` and every file it lists is there
    unchanged (and nothing else is), else None."""
    try:
        stamp = json.loads((out / STAMP).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("inputs") != digest:
        return None
    figures = stamp.get("figures")
    if not isinstance(figures, dict) or not figures:
        return None
    if built_files(out) != set(figures):
        return None
    if any(_sha256(out / name) != sha for name, sha in figures.items()):
        return None
    return len(figures)


def write_stamp(out: Path, digest: str, figures: list[Figure]) -> None:
    stamp = {"inputs": digest, "figures": {name: _sha256(out / name) for f in figures for name in f.filenames}}
    tmp = out / f"{STAMP}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, out / STAMP)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--step", type=int, action="append", metavar="NN",
                        help="build only this step's figures (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    parser.add_argument("--force", action="store_true",
                        help="rebuild every figure even if nothing they are made from changed")
    parser.add_argument("--figures-dir", type=Path, default=DEFAULT_FIGURES_DIR,
                        help="folder with the stepNN.py figure modules (default: scripts/figures)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: docs/figures)")
    args = parser.parse_args(argv)

    steps = set(args.step) if args.step else None
    digest = inputs_digest(args.figures_dir) if steps is None and not args.list else None
    if digest is not None and not args.force:
        count = up_to_date(args.out, digest)
        if count is not None:
            print(f"{count} figure(s) in {args.out} are up to date: nothing they are made from changed "
                  f"since the last full build (--force rebuilds them)")
            return 0
    setup_matplotlib()
    figures = load_modules(args.figures_dir, steps)

    if args.list:
        for fig in figures:
            print(f"{fig.name}.svg\t{fig.source}" + (f"\t(and {fig.name}.json)" if fig.data else ""))
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

    if digest is not None and not failed:  # a full build
        wanted = {name for f in figures for name in f.filenames}
        for stale in sorted(built_files(out) - wanted):
            (out / stale).unlink()
            print(f"removed {stale} (no figure produces it any more)")
        write_stamp(out, digest, figures)

    total = time.perf_counter() - start
    if failed:
        print(f"error: {len(failed)} of {len(figures)} figure(s) failed: {', '.join(failed)} "
              f"({total:.1f} s)", file=sys.stderr)
        return 1
    print(f"built {len(figures)} figure(s) into {out} in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
