"""Helpers shared by the chapter tests (tests/chapters/).

Import them with ``from helpers import ...``: pytest puts tests/ on ``sys.path`` when it loads
tests/conftest.py (the test folders are not packages), so any test folder can.
"""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTINGS = ROOT / "docs" / "listings"
RECAP = ROOT / "docs" / "recap.md"
BUILD_FIGURES = ROOT / "scripts" / "build_figures.py"


def page_path(step: int) -> Path:
    """docs/steps/stepNN.md, the chapter of Step NN."""
    return ROOT / "docs" / "steps" / f"step{step}.md"


def page_text(step: int) -> str:
    return page_path(step).read_text(encoding="utf-8")


def paragraphs(markdown: str) -> list[str]:
    """The paragraphs of a page (text between blank lines), each with its whitespace collapsed."""
    return [" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", markdown)]


def states(markdown: str, *values: str) -> bool:
    """Whether one paragraph of the page states every value: a number, a quantity ("38 functions") or a
    formula, written as the page writes it; the words around them are the chapter's own.

    Chapter tests pin the numbers the code computes, not the sentences that carry them: a value matches
    whole, so "9" is not found in "19", "9.5" or "9,000".
    """
    def stated(paragraph, value):
        return re.search(rf"(?<![\w.,]){re.escape(' '.join(value.split()))}(?![\w]|[.,]\d)", paragraph)

    return any(all(stated(p, v) for v in values) for p in paragraphs(markdown))


def run_listing(name: str, timeout: float = 120) -> str:
    """Run docs/listings/<name> as a reader would (a fresh ``python``, the repo on PYTHONPATH); its stdout.

    ``PATH`` starts with this interpreter's scripts folder, so a ``dot`` installed in the venv
    (graphviz-pure) is found as it is in an activated venv.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run([sys.executable, str(LISTINGS / name)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def listing_globals(name: str) -> dict:
    """Run docs/listings/<name> in this process and return its globals (its objects, not its output)."""
    return runpy.run_path(str(LISTINGS / name), run_name="__listing__")


def registered_figures(step: int) -> set[str]:
    """The file names ``scripts/build_figures.py --list --step NN`` registers for Step NN."""
    proc = subprocess.run([sys.executable, str(BUILD_FIGURES), "--list", "--step", str(step)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return {line.split("\t")[0] for line in proc.stdout.splitlines() if line.strip()}
