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

import ast
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
EXTERNAL_LINK = re.compile(r"\[[^\]]*\]\(https?://[^)]*\)|https?://\S+")


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
            line = EXTERNAL_LINK.sub("", line)  # the book's own files (its steps/step35.py) are not our keys
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
    # A chapter is stepNN.md; its Chinese twin stepNN.zh.md sits beside it (tests/test_twins.py pairs them).
    stray = [p.name for p in (DOCS / "steps").glob("*.md")
             if not (re.fullmatch(r"step(\d\d)(\.zh)?\.md", p.name) and int(p.name[4:6]) in PART3)]
    assert not stray, f"docs/steps/ holds files that are not Part 3 chapters: {stray}"


def test_key_scanner_finds_keys() -> None:
    """The scanner itself: it must see the forms the project uses."""
    text = ('Introduced in Step 29. Changed in Steps 30–31: x. ![f](../figures/step26-a-b.svg) '
            "(the book's Step 40; its Step 41; step 42; Steps 0 to 1,000; Steps 10,000 to 50,000)")
    found = {int(g) for m in TEXT_KEY.finditer(text) for g in m.groups() if g}
    found |= {int(m[1]) for m in NAME_KEY.finditer(text)}
    assert found == {26, 29, 30, 31}
    book = "[step35.py](https://github.com/o/r/blob/master/steps/step35.py) and Step 25"
    assert {int(g) for m in TEXT_KEY.finditer(EXTERNAL_LINK.sub("", book)) for g in m.groups() if g} == {25}
    assert not list(NAME_KEY.finditer(EXTERNAL_LINK.sub("", book)))


# --- a name's key is the step that introduces it -------------------------------------------------------------

INTRODUCED = re.compile(r"\bIntroduced in Step (\d\d)\b")


def introduced_names() -> dict[str, tuple[int, str]]:
    """public name -> (the step its docstring says introduced it, its module), over every package module."""
    import importlib
    import inspect
    import pkgutil

    import tinypytorch

    found = {}
    for info in pkgutil.iter_modules(tinypytorch.__path__):
        module = importlib.import_module(f"tinypytorch.{info.name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if getattr(obj, "__module__", None) != module.__name__:
                continue  # a re-export (tinypytorch.utils): keyed where it is defined
            m = INTRODUCED.search(inspect.getdoc(obj) or "")
            if m:
                found[name] = (int(m[1]), module.__name__)
    return found


def what_changed(step: int) -> str:
    text = (DOCS / "steps" / f"step{step}.md").read_text(encoding="utf-8")
    m = re.search(r"^## What changed in the library.*?$(.*?)(?=^## )", text, re.M | re.S)
    assert m, f"step{step}.md has no 'What changed in the library' section"
    return m.group(1)


def names_used(source: str) -> set[str]:
    """The names a program uses as ours: names it reads but never binds itself, `F.name`, and names imported
    from tinypytorch (not `np.cos` or `math.log`, not a local `grad = ...`, nothing in strings or comments)."""
    tree = ast.parse(source)
    bound, used = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else used).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    ours = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "F":
            ours.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tinypytorch"):
            ours |= {alias.asname or alias.name for alias in node.names}
    return ours | (used - bound)


def test_every_introduced_name_is_in_its_chapters_what_changed() -> None:
    names = introduced_names()
    assert {"Constant", "sin", "graph_stats", "SumTo", "rpow", "gradient_check"} <= set(names)  # scanner sees
    missing = [f"{name} (Step {step}, {module})" for name, (step, module) in sorted(names.items())
               if not re.search(rf"\b{re.escape(name)}\b", what_changed(step))]
    assert not missing, "introduced in a step whose 'What changed in the library' does not name it: " + \
        ", ".join(missing)


def test_no_listing_uses_a_name_before_the_step_that_introduces_it() -> None:
    names = introduced_names()
    early = []
    for path in sorted((DOCS / "listings").glob("step*.py")):
        step = 24 if "_recap_" in path.name else int(path.name[4:6])   # the recap's listings: steps 1-24
        source = path.read_text(encoding="utf-8")
        early += [f"{path.name} uses {name} (Step {key})" for name, (key, _) in names.items()
                  if step < key and name in names_used(source)]
    assert not early, "\n".join(early)


def test_use_scanner() -> None:
    assert names_used("from tinypytorch.core import sum_to\ny = F.cos(x)\nGraph(y)") >= {"sum_to", "cos", "Graph"}
    assert not names_used("np.cos(x) + math.cos(y)  # cos\nprint('cos', my_sin(x))") & {"cos", "sin"}
    assert "grad" not in names_used("grad = float(x.grad.data)\nprint(grad)")
