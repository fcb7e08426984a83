"""The tests, by layer, and the fixtures they share.

- ``library/``: the package ``tinypytorch`` on its own (core, functions, gradients, graph and its
  backward trace, render, threads, docstring examples, the package's face); no site, no chapter.
- ``chapters/``: what the pages teach, shown and printed: each chapter (``test_stepNN.py``, marked
  ``stepNN``), rules every chapter follows, the step keys, the book's scripts, the Differences and
  PyTorch pages; helpers in ``tests/helpers.py``.
- ``site/``: the pipelines that make the site and what a reader gets: the figure build (steppers
  included), the strict site build, the two editions, the browser, the README's commands, the
  notebook, the hooks and the benchmarks page.

``figures`` runs ``scripts/build_figures.py`` (all figures, into docs/figures/), and ``built_site``
then runs ``mkdocs build --strict`` into a temporary folder. Both are session-scoped: the site is
built once per test session and every test that reads it (site and browser tests) shares that build.
Their timings are printed at the end of the run. ``page`` is the chapter page of a chapter test
module (one that sets ``STEP = NN``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUILD_FIGURES = ROOT / "scripts" / "build_figures.py"
FIGURES_OUT = ROOT / "docs" / "figures"
TIMINGS: dict[str, float] = {}


def tool_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner is noise here
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    env.update(extra)
    return env


@dataclass
class Run:
    returncode: int
    output: str
    seconds: float
    names: list[str] = field(default_factory=list)
    out_dir: Path | None = None


@pytest.fixture(scope="session")
def figures() -> Run:
    """Every figure built into docs/figures/; ``names`` are the file names registered."""
    listed = subprocess.run([sys.executable, str(BUILD_FIGURES), "--list"], cwd=ROOT,
                            capture_output=True, text=True, env=tool_env())
    assert listed.returncode == 0, f"build_figures.py --list failed:\n{listed.stdout}{listed.stderr}"
    names = [line.split("\t")[0] for line in listed.stdout.splitlines() if line.strip()]
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(BUILD_FIGURES)], cwd=ROOT,
                          capture_output=True, text=True, env=tool_env())
    TIMINGS["figure build"] = time.perf_counter() - t0
    run = Run(proc.returncode, proc.stdout + proc.stderr, TIMINGS["figure build"], names, FIGURES_OUT)
    if run.returncode != 0:
        pytest.fail(f"scripts/build_figures.py failed (exit {run.returncode}):\n{run.output}")
    return run


@pytest.fixture(scope="module")
def page(request: pytest.FixtureRequest) -> str:
    """The text of docs/steps/stepNN.md, for a test module that sets ``STEP = NN``."""
    from helpers import page_text

    return page_text(request.module.STEP)


@pytest.fixture(scope="session")
def built_site(figures: Run, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """``mkdocs build --strict`` of the whole site into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, env=tool_env(),  # figures up to date: the hook draws none
    )
    TIMINGS["mkdocs build --strict"] = time.perf_counter() - t0
    return Run(proc.returncode, proc.stdout + proc.stderr, TIMINGS["mkdocs build --strict"],
               out_dir=out)


@pytest.fixture(scope="session")
def site_dir(built_site: Run) -> Path:
    """The built site, for tests that need one that built (they fail, not skip, otherwise)."""
    if built_site.returncode != 0:
        pytest.fail("the site did not build (see site/test_site.py::test_strict_build_has_no_warnings)",
                    pytrace=False)
    return built_site.out_dir


def pytest_terminal_summary(terminalreporter) -> None:
    if TIMINGS:
        terminalreporter.write_sep("-", "site pipeline timings")
        for what, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{what}: {seconds:.1f} s")
