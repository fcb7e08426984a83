"""The book's Part 3 scripts (its steps 25–36) against tinypytorch.

All twelve run with only the package name changed; the two that ask for the book's Part 2 core get
TinyPytorch's compatibility module ``tinypytorch.core_simple``.

The scripts are the published ones (oreilly-japan/deep-learning-from-scratch-3, MIT), kept outside the
repository in ``shared/reference/dezero-steps/`` (found by walking up from the repository; or set
``TINYPYTORCH_BOOK_SCRIPTS``). Each runs in a fresh ``python`` in a temporary folder (three of them write
a PNG there), with the text ``dezero`` replaced by ``tinypytorch`` and nothing else. The expected numbers
are computed here with plain floats and the hand-written derivatives, not with tinypytorch.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

#: the book's Part 3 steps: every script runs with only ``dezero`` -> ``tinypytorch`` changed
BOOK_STEPS = set(range(25, 37))
#: ... whose script is only the comment ``# No code``
NO_CODE = {25, 30, 31, 32}
#: ... that ask for the book's Part 2 core (``dezero.is_simple_core``, ``dezero.core_simple``): TinyPytorch's
#: compatibility module ``tinypytorch.core_simple`` answers them
IMPORT_SIMPLE_CORE = {28, 29}


def book_scripts() -> Path | None:
    if os.environ.get("TINYPYTORCH_BOOK_SCRIPTS"):
        return Path(os.environ["TINYPYTORCH_BOOK_SCRIPTS"])
    for parent in [ROOT, *ROOT.parents]:
        candidate = parent / "shared" / "reference" / "dezero-steps"
        if (candidate / "step36.py").is_file():
            return candidate
    return None


BOOK = book_scripts()
pytestmark = pytest.mark.skipif(BOOK is None, reason="the book's step scripts (shared/reference/dezero-steps/) "
                                                      "are not on this machine; set TINYPYTORCH_BOOK_SCRIPTS")


def book_source(step: int) -> str:
    return (BOOK / f"step{step}.py").read_text(encoding="utf-8")


def run_book_script(step: int, folder: Path):
    """Run the book's script in a fresh ``python`` with the text ``dezero`` replaced, and nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / f"step{step}.py"
    script.write_text(book_source(step).replace("dezero", "tinypytorch"), encoding="utf-8")
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")  # graphviz-pure's dot
    proc = subprocess.run([sys.executable, str(script)], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=600)
    return proc, folder


@pytest.fixture(scope="module")
def unchanged(tmp_path_factory):
    """book step -> (its run with only the package name changed, the folder it ran in)."""
    return {step: run_book_script(step, tmp_path_factory.mktemp(f"book{step}")) for step in sorted(BOOK_STEPS)}


def test_the_lists_cover_the_books_part_3():
    steps = {int(p.stem[4:]) for p in BOOK.glob("step*.py")}
    assert steps == BOOK_STEPS
    assert {s for s in steps if book_source(s).strip() == "# No code"} == NO_CODE
    assert {s for s in steps if "is_simple_core" in book_source(s)} == IMPORT_SIMPLE_CORE
    for step in IMPORT_SIMPLE_CORE:   # the block the compatibility module answers, as the book prints it
        assert ("import dezero\nif not dezero.is_simple_core:\n    from dezero.core_simple import Variable\n"
                "    from dezero.core_simple import setup_variable\n    setup_variable()\n") in book_source(step)


def test_the_docs_state_this_list():
    import tinypytorch.utils

    said = " ".join(tinypytorch.utils.__doc__.split())
    assert ("all twelve of the book's Part 3 scripts (its steps 25–36) run with only `dezero` changed to "
            "`tinypytorch`") in said
    assert "Its steps 25 and 30–32 have no script." in said
    assert "`tinypytorch.core_simple`" in said


def test_every_script_runs_with_only_the_package_name_changed(unchanged):
    failed = {s: proc.stderr[-400:] for s, (proc, _) in unchanged.items() if proc.returncode != 0}
    assert not failed
    for step in NO_CODE:
        assert unchanged[step][0].stdout == ""


def test_the_simple_core_compatibility_module():
    """What the book's steps 28 and 29 import: the one core's Variable, and a setup_variable with nothing to do."""
    import tinypytorch
    import tinypytorch.core_simple as core_simple

    assert tinypytorch.is_simple_core is False
    assert core_simple.Variable is tinypytorch.Variable and core_simple.Function is tinypytorch.Function
    ops = {name: getattr(tinypytorch.Variable, name) for name in ("__add__", "__mul__", "__pow__", "__rsub__")}
    assert core_simple.setup_variable() is None
    assert ops == {name: getattr(tinypytorch.Variable, name) for name in ops}   # the operators are untouched
    import numpy as np
    x = core_simple.Variable(np.array(2.0))
    y = x ** 4 - 2 * x ** 2
    y.backward()
    assert float(x.grad.data) == 4 * 8 - 4 * 2


def newton_by_hand(x: float, iters: int) -> list[float]:
    xs = [x]
    for _ in range(iters - 1):
        x = x - (4 * x ** 3 - 4 * x) / (12 * x ** 2 - 4)
        xs.append(x)
    return xs


def printed_iterates(out: str) -> list[float]:
    return [float(v) for v in re.findall(r"^\d+ variable\((\S+)\)$", out, re.M)]


def test_book_step_26_goldstein_and_step_35_tanh_draw_pngs(unchanged):
    for step, png in ((26, "goldstein.png"), (35, "tanh.png")):
        _, folder = unchanged[step]
        assert (folder / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png


def test_book_step_27_sin_and_my_sin(unchanged):
    proc, folder = unchanged[27]
    lines = proc.stdout.splitlines()
    assert lines[0] == "--- original sin ---" and lines[3] == "--- approximate sin ---"
    x = math.pi / 4
    assert float(lines[1]) == pytest.approx(math.sin(x), abs=1e-15)
    assert float(lines[2].removeprefix("variable(").removesuffix(")")) == pytest.approx(math.cos(x), abs=1e-15)
    # four Maclaurin terms (the first below 1e-4 is x^7/7!), and their derivative
    p = sum((-1) ** i * x ** (2 * i + 1) / math.factorial(2 * i + 1) for i in range(4))
    dp = sum((-1) ** i * x ** (2 * i) / math.factorial(2 * i) for i in range(4))
    assert float(lines[4]) == pytest.approx(p, abs=1e-15)
    assert float(lines[5].removeprefix("variable(").removesuffix(")")) == pytest.approx(dp, abs=1e-15)
    assert (folder / "my_sin.png").read_bytes()[:4] == b"\x89PNG"


def test_book_step_28_rosenbrock(unchanged):
    proc, _ = unchanged[28]
    points = re.findall(r"^variable\((\S+)\) variable\((\S+)\)$", proc.stdout, re.M)
    assert len(points) == 1000
    x0, x1 = 0.0, 2.0
    for _ in range(999):                      # the script prints before each of its 1000 updates
        g0 = -400 * x0 * (x1 - x0 ** 2) + 2 * (x0 - 1)
        g1 = 200 * (x1 - x0 ** 2)
        x0, x1 = x0 - 0.001 * g0, x1 - 0.001 * g1
    assert (float(points[-1][0]), float(points[-1][1])) == pytest.approx((x0, x1), abs=1e-12)


def test_book_step_29_newton_by_hand(unchanged):
    assert printed_iterates(unchanged[29][0].stdout) == pytest.approx(newton_by_hand(2.0, 10), abs=1e-15)


def test_book_step_33_newton_with_autodiff(unchanged):
    xs = printed_iterates(unchanged[33][0].stdout)
    assert xs == pytest.approx(newton_by_hand(2.0, 10), abs=1e-15) and xs[-1] == 1.0


def test_book_step_36_double_backprop(unchanged):
    assert unchanged[36][0].stdout.strip() == "variable(100.0)"           # 24 x^2 + 2x at x = 2, by hand


@pytest.mark.parametrize("page", ["differences.md", "differences.zh.md"])
def test_the_differences_page_quotes_the_books_block_as_it_is(page):
    """The block under "The book's scripts" is the book's own text (quoted as text: DeZero itself does not import
    on today's numpy), and the compatibility module runs it."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    section = text[text.index("{#book-scripts}"):]
    block = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    for step in IMPORT_SIMPLE_CORE:
        assert block in book_source(step)
    proc = subprocess.run([sys.executable, "-c", block.replace("dezero", "tinypytorch") + "print(Variable)"],
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True)
    assert proc.returncode == 0 and "<class 'tinypytorch." in proc.stdout, proc.stderr
