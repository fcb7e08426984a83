"""Every step key used anywhere points to a chapter that exists.

The key of a step is the text ``Step NN``, two digits (in docstrings, pages, figure code) and the
lower-case ``stepNN`` in file and figure names (``stepNN-<slug>.svg``,
``docs/listings/stepNN_<slug>.py``, ``scripts/figures/stepNN.py``, ``tests/chapters/test_stepNN.py``).
A key of Part 3 (25–34) must have ``docs/steps/stepNN.md`` whose title is ``# Step NN — ...``;
a key of steps 1–24 points to the recap page; any other number points nowhere.
A step of the *book* is not a key of this site: write "the book's Step 40" (or "its Step 40"
right after naming the book), or "step 40" in lower case.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PART3 = range(25, 35)
RECAP = range(1, 25)

TEXT_KEY = re.compile(r"(?<!book's )(?<!its )\bSteps?\s+(\d\d)(?![\d,.]\d)"
                      r"(?:\s*(?:–|-|—|to|and)\s*(\d\d)(?![\d,.]\d))?")
NAME_KEY = re.compile(r"\bstep(\d\d)(?=[-_.])")


def chapter_problem(n: int) -> str | None:
    if n in RECAP:
        return None if (DOCS / "recap.md").is_file() else "docs/recap.md does not exist"
    if n not in PART3:
        return f"there is no chapter for step {n} (Part 3 is steps 25–34, the recap 1–24)"
    page = DOCS / "steps" / f"step{n}.md"
    if not page.is_file():
        return f"{page.relative_to(ROOT)} does not exist"
    first = next((line for line in page.read_text(encoding="utf-8").splitlines() if line.strip()), "")
    if not first.startswith(f"# Step {n} — "):
        return f"{page.relative_to(ROOT)} must start with '# Step {n} — <title>', not {first!r}"
    return None


def sources() -> list[Path]:
    files = [*sorted((ROOT / "tinypytorch").glob("*.py")),
             *sorted(DOCS.rglob("*.md")), *sorted(DOCS.rglob("*.ipynb")),
             *sorted((DOCS / "listings").glob("*")),
             *sorted((ROOT / "scripts" / "figures").glob("*.py"))]
    return [f for f in files if f.is_file() and "__pycache__" not in f.parts]


def registered_figures() -> list[str]:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_figures.py"), "--list"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return [line.split("\t")[0] for line in proc.stdout.splitlines() if line.strip()]


def collect_keys() -> dict[int, set[str]]:
    """step number -> where it is used ("file:line" or a file/figure name)."""
    used: dict[int, set[str]] = {}
    for path in sources():
        rel = str(path.relative_to(ROOT))
        for m in NAME_KEY.finditer(path.name):
            used.setdefault(int(m[1]), set()).add(rel)
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in TEXT_KEY.finditer(line):
                for group in m.groups():
                    if group is not None:
                        used.setdefault(int(group), set()).add(f"{rel}:{lineno}")
            for m in NAME_KEY.finditer(line):
                used.setdefault(int(m[1]), set()).add(f"{rel}:{lineno}")
    for name in registered_figures():
        for m in NAME_KEY.finditer(name):
            used.setdefault(int(m[1]), set()).add(f"figure {name}")
    for path in (ROOT / "tests").rglob("test_step*.py"):
        for m in NAME_KEY.finditer(path.name):
            used.setdefault(int(m[1]), set()).add(str(path.relative_to(ROOT)))
    return used


def test_every_step_key_points_to_a_chapter() -> None:
    used = collect_keys()
    broken = {}
    for n, where in sorted(used.items()):
        problem = chapter_problem(n)
        if problem:
            broken[n] = f"{problem}; used in {sorted(where)[:5]}"
    assert not broken, "step keys without a chapter:\n" + "\n".join(
        f"  Step {n}: {msg}" for n, msg in broken.items())


@pytest.mark.parametrize("n", list(PART3))
def test_chapter_exists_with_keyed_title(n: int) -> None:
    assert chapter_problem(n) is None, chapter_problem(n)


def test_no_stray_chapter_files() -> None:
    stray = [p.name for p in (DOCS / "steps").glob("*.md")
             if not (re.fullmatch(r"step(\d\d)\.md", p.name) and int(p.name[4:6]) in PART3)]
    assert not stray, f"docs/steps/ holds files that are not Part 3 chapters: {stray}"


def test_key_scanner_finds_keys() -> None:
    """The scanner itself: it must see the forms the project uses."""
    text = ('Introduced in Step 29. Changed in Steps 30–31: x. ![f](../figures/step26-a-b.svg) '
            "(the book's Step 40; its Step 41; step 42; Steps 0 to 1,000; Steps 10,000 to 50,000)")
    found = {int(g) for m in TEXT_KEY.finditer(text) for g in m.groups() if g}
    found |= {int(m[1]) for m in NAME_KEY.finditer(text)}
    assert found == {26, 29, 30, 31}
