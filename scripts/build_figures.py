#!/usr/bin/env python3
"""Build every figure of the site from the code.

    python scripts/build_figures.py              # the figures whose inputs changed -> docs/figures/
    python scripts/build_figures.py --step 32    # only Step 32's figures
    python scripts/build_figures.py --list       # what would be built
    python scripts/build_figures.py --force      # rebuild every figure

Figures are registered in ``scripts/figures/stepNN.py`` with ``@figure("stepNN-slug")``
(see ``scripts/figures/__init__.py``). Each is drawn into a temporary file in the output folder and
written into place whole only when it succeeded, so a failure never leaves a partial file. A file
whose bytes did not change is left alone (its mtime too, so ``mkdocs serve`` does not rebuild for
nothing). A full build also removes the ``*.svg``/``*.json`` files no registered figure produces.

A figure registered with ``data=True`` also writes its data next to it, ``<name>.json``
(``save_json``): the site's backward steppers replay a trace from it. The driver treats the
pair alike: both drawn to temporary files, both checked, each written into place, both in the stamp.

This script is the one judge of whether the figures are up to date. A build leaves a stamp in the
output folder: a digest of what all figures are made from (the package, this script and the figure
helpers, the versions of Python, numpy, matplotlib and graphviz-pure, and the ``dot`` program), one
digest per step (its figure module, the listings ``docs/listings/stepNN_*`` and every listing its module
names), and the digest of every file written. A build without ``--step`` or ``--force`` draws only
the steps whose digest changed or whose files are missing or were changed by hand (every step when
the shared inputs changed), and has nothing to do when none did. The MkDocs hook
(``hooks/figures.py``) asks :func:`out_of_date` before it runs this script.
Exit status: 0 when every figure was built, 1 when any failed, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import _files  # noqa: E402
from scripts._files import digest, files_under, versions, write_atomic  # noqa: E402
from scripts.figures import REGISTRY, Figure, setup_matplotlib  # noqa: E402

DEFAULT_FIGURES_DIR = ROOT / "scripts" / "figures"
DEFAULT_OUT = ROOT / "docs" / "figures"
STAMP = ".build-stamp.json"  # in the output folder; git-ignored
STEP_MODULE = re.compile(r"^step(\d\d)\.py$")
#: What draws the figures: a new version of any of these draws them all again.
RUNTIME = ("numpy", "matplotlib", "graphviz-pure")


# --- what the figures are made from ------------------------------------------------------------


def step_modules(figures_dir: Path) -> dict[str, Path]:
    """``{"26": scripts/figures/step26.py, ...}``."""
    return {m[1]: path for path in sorted(Path(figures_dir).glob("step*.py"))
            if (m := STEP_MODULE.match(path.name))}


def dot_program() -> str:
    """Which ``dot`` draws the graphs (a new one may draw them differently)."""
    try:
        from tinypytorch.render import find_dot
        dot = Path(find_dot())
        return f"dot={dot} {dot.stat().st_size} {dot.stat().st_mtime_ns}"
    except Exception as exc:  # no dot at all: the graph figures will say so when they are drawn
        return f"dot: {type(exc).__name__}"


def figure_inputs(figures_dir: Path = DEFAULT_FIGURES_DIR) -> dict[str, str]:
    """Digests of what the figures are made from: ``"shared"`` (what every figure reads) and, per step
    ``"NN"``, its figure module and the listings it reads (``stepNN_*`` and every listing it names)."""
    helpers = [p for folder in dict.fromkeys([DEFAULT_FIGURES_DIR, Path(figures_dir)])
               for p in sorted(folder.glob("*.py")) if not STEP_MODULE.match(p.name)]
    shared = [Path(__file__).resolve(), Path(_files.__file__).resolve(), *helpers,
              *files_under("tinypytorch", pattern="*.py", root=ROOT)]
    inputs = {"shared": digest(shared, sys.version, *versions(*RUNTIME), dot_program(), root=ROOT)}
    listings = files_under("docs/listings", root=ROOT)
    for step, module in step_modules(figures_dir).items():
        text = module.read_text(encoding="utf-8")
        read = [p for p in listings if p.name.startswith(f"step{step}_") or p.name in text]
        inputs[step] = digest([module, *read], root=ROOT)
    return inputs


# --- the stamp: what the last builds made, from what -------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def step_of(name: str) -> str:
    """``"26"`` for ``step26-rosenbrock.svg``."""
    return name[4:6]


def built_files(out: Path) -> set[str]:
    """The names of the figures and data files in `out` (the stamp and temporary files aside)."""
    return {p.name for pattern in ("*.svg", "*.json") for p in Path(out).glob(pattern)
            if not p.name.startswith(".")}


def read_stamp(out: Path, inputs: dict[str, str]) -> dict:
    """The stamp in `out`, or an empty one when there is none or it was made from other shared inputs."""
    try:
        stamp = json.loads((Path(out) / STAMP).read_text())
    except (OSError, ValueError):
        stamp = None
    if (not isinstance(stamp, dict) or stamp.get("shared") != inputs["shared"]
            or not isinstance(stamp.get("steps"), dict) or not isinstance(stamp.get("figures"), dict)):
        return {"shared": inputs["shared"], "steps": {}, "figures": {}}
    return stamp


def stale_steps(out: Path, inputs: dict[str, str], stamp: dict) -> set[str]:
    """The steps whose figures must be drawn: inputs changed, or a file missing or changed by hand."""
    stale = set()
    for step in inputs.keys() - {"shared"}:
        files = [name for name in stamp["figures"] if step_of(name) == step]
        if (stamp["steps"].get(step) != inputs[step] or not files
                or any(not (Path(out) / name).is_file() or _sha256(Path(out) / name) != stamp["figures"][name]
                       for name in files)):
            stale.add(step)
    return stale


def pending(out: Path, inputs: dict[str, str], stamp: dict) -> tuple[set[str], set[str]]:
    """What a build without --step would do: (the steps to draw, the files no figure produces)."""
    recorded = {name for name in stamp["figures"] if step_of(name) in inputs}
    return stale_steps(out, inputs, stamp), built_files(out) - recorded


def out_of_date(figures_dir: Path = DEFAULT_FIGURES_DIR, out: Path = DEFAULT_OUT) -> bool:
    """Whether a build would draw or remove anything (what the MkDocs hook asks before running one)."""
    inputs = figure_inputs(figures_dir)
    steps, strays = pending(out, inputs, read_stamp(out, inputs))
    return bool(steps or strays)


def record(stamp: dict, inputs: dict[str, str], out: Path, built: list[Figure], failed: list[str]) -> None:
    """Note the steps drawn in the stamp and write it: a step with a failed figure is left out, to be
    drawn again; the steps whose figure module is gone are dropped."""
    for step in sorted({f"{fig.step:02d}" for fig in built}):
        record_step(stamp, step, inputs[step], out, [fig for fig in built if f"{fig.step:02d}" == step], failed)
    for step in set(stamp["steps"]) - set(inputs):
        del stamp["steps"][step]
    write_atomic(Path(out) / STAMP, json.dumps(stamp, indent=1, sort_keys=True) + "\n")


def record_step(stamp: dict, step: str, digest_now: str, out: Path, figures: list[Figure], failed: list[str]) -> None:
    for name in [n for n in stamp["figures"] if step_of(n) == step]:
        del stamp["figures"][name]
    if any(fig.name in failed for fig in figures):
        stamp["steps"].pop(step, None)
        return
    stamp["steps"][step] = digest_now
    stamp["figures"].update({name: _sha256(Path(out) / name) for fig in figures for name in fig.filenames})


# --- drawing -----------------------------------------------------------------------------------


def load_modules(figures_dir: Path, steps: set[str] | None = None) -> list[Figure]:
    """Import ``step*.py`` in ``figures_dir`` (those of `steps`, or all) and return the figures they register."""
    figures: list[Figure] = []
    for path in sorted(Path(figures_dir).glob("step*.py")):
        if not STEP_MODULE.match(path.name):
            raise SystemExit(f"error: {path}: figure modules are named stepNN.py")
        step = path.stem[4:]
        if steps is None or step in steps:
            figures.extend(_load_module(path, figures_dir))
    return figures


def _load_module(path: Path, figures_dir: Path) -> list[Figure]:
    if Path(figures_dir).resolve() == DEFAULT_FIGURES_DIR.resolve():
        mod_name = f"scripts.figures.{path.stem}"
    else:  # a foreign folder (tests): keep its modules apart from ours
        mod_name = f"_tp_figures_{abs(hash(str(Path(figures_dir).resolve())))}.{path.stem}"
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
        if f"{fig.step:02d}" != path.stem[4:]:
            raise SystemExit(f"error: {path} registers {fig.name!r}; figures of {path.stem}.py "
                             f"must be named 'step{path.stem[4:]}-...'")
    return new


def check_drawn(fig: Figure, tmps: list[Path]) -> None:
    """Raise unless the figure function wrote an SVG (and, with data, a JSON file) to its temporary files."""
    for path in tmps:
        if not path.is_file() or path.stat().st_size == 0:
            raise RuntimeError(f"the function wrote nothing to {path.name} (save_svg/render_dot write the "
                               f"SVG to the path given, save_json its data next to it)")
    if b"<svg" not in tmps[0].read_bytes()[:4096]:
        raise RuntimeError("the file written is not an SVG (no '<svg' near its start)")
    if fig.data:
        try:
            json.loads(tmps[1].read_bytes())
        except ValueError as exc:
            raise RuntimeError(f"the data file written is not JSON: {exc}") from None


def build_one(fig: Figure, out: Path) -> str:
    """Draw one figure (and its data file); return 'written' or 'unchanged'. Raises on failure."""
    tmp = Path(out) / f".{fig.name}.{os.getpid()}.tmp.svg"
    tmps = [tmp, tmp.with_suffix(".json")][:len(fig.filenames)]
    try:
        fig.func(tmp)
        check_drawn(fig, tmps)
        status = "unchanged"
        for path, name in zip(tmps, fig.filenames):
            data, final = path.read_bytes(), Path(out) / name
            if not (final.is_file() and final.read_bytes() == data):
                write_atomic(final, data)
                status = "written"
        return status
    finally:
        for path in (tmp, tmp.with_suffix(".json")):
            path.unlink(missing_ok=True)
        if "matplotlib.pyplot" in sys.modules:  # no matplotlib state leaks into the next figure
            sys.modules["matplotlib.pyplot"].close("all")


def build_all(figures: list[Figure], out: Path) -> list[str]:
    """Draw each figure with a progress line; return the names of those that failed."""
    failed: list[str] = []
    width = len(str(len(figures)))
    for i, fig in enumerate(figures, 1):
        t0 = time.perf_counter()
        print(f"[{i:>{width}}/{len(figures)}] {fig.name}.svg ...", end=" ", flush=True)
        try:
            status = build_one(fig, out)
        except Exception:  # report it and go on with the others
            print(f"FAILED ({time.perf_counter() - t0:.2f} s)", flush=True)
            print(f"error: figure {fig.name!r} ({fig.source}) broke:", file=sys.stderr)
            traceback.print_exc()
            failed.append(fig.name)
            continue
        print(f"{status} ({time.perf_counter() - t0:.2f} s)", flush=True)
    return failed


def remove_strays(out: Path, figures: list[Figure]) -> None:
    for stray in sorted(built_files(out) - {name for fig in figures for name in fig.filenames}):
        (Path(out) / stray).unlink()
        print(f"removed {stray} (no figure produces it any more)")


# --- the command -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
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
    return parser.parse_args(argv)


def list_figures(figures_dir: Path) -> int:
    for fig in load_modules(figures_dir):
        print(f"{fig.name}.svg\t{fig.source}" + (f"\t(and {fig.name}.json)" if fig.data else ""))
    return 0


def chosen_steps(args: argparse.Namespace, inputs: dict[str, str], stamp: dict) -> set[str] | None:
    """The steps to draw: those named with --step, every one with --force, else the stale ones
    (None when there is nothing to do)."""
    if args.step:
        return {f"{step:02d}" for step in args.step}
    if args.force:
        return set(inputs) - {"shared"}
    steps, strays = pending(args.out, inputs, stamp)
    return steps if steps or strays else None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        return list_figures(args.figures_dir)
    inputs = figure_inputs(args.figures_dir)
    stamp = read_stamp(args.out, inputs)
    steps = chosen_steps(args, inputs, stamp)
    if steps is None:
        print(f"{len(stamp['figures'])} figure(s) in {args.out} are up to date: nothing they are made "
              f"from changed since they were built (--force rebuilds them)")
        return 0
    setup_matplotlib()
    figures = load_modules(args.figures_dir, steps if args.step else None)
    missing = sorted(steps - {f"{fig.step:02d}" for fig in figures})
    if missing:
        print(f"error: no figures registered for step(s) {', '.join(s.lstrip('0') for s in missing)}",
              file=sys.stderr)
        return 2
    return draw(args, figures, steps, inputs, stamp)


def draw(args: argparse.Namespace, figures: list[Figure], steps: set[str], inputs: dict[str, str],
         stamp: dict) -> int:
    """Draw the figures of `steps`, tidy the folder after a full build, write the stamp and report."""
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    chosen = [fig for fig in figures if f"{fig.step:02d}" in steps]
    failed = build_all(chosen, args.out)
    if not args.step and not failed:
        remove_strays(args.out, figures)
    record(stamp, inputs, args.out, chosen, failed)
    total = time.perf_counter() - start
    if failed:
        print(f"error: {len(failed)} of {len(chosen)} figure(s) failed: {', '.join(failed)} "
              f"({total:.1f} s)", file=sys.stderr)
        return 1
    print(f"built {len(chosen)} figure(s) into {args.out} in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
