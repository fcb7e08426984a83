"""The figure driver (scripts/build_figures.py): progress, --step, --list, byte-identical
rebuilds, the up-to-date stamp (whole and per step), and atomic failure, on fake figure modules in a
temporary folder; then a second build of the real figures must give the same bytes as the first."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import BUILD_FIGURES, FIGURES_OUT, ROOT, Run, tool_env

PLOT = '''
from scripts.figures import figure, save_svg

@figure("step90-sine")
def sine(path):
    import matplotlib.pyplot as plt
    import numpy as np
    fig, ax = plt.subplots(figsize=(3, 2))
    x = np.linspace(0, 6, 50)
    ax.plot(x, np.sin(x), label="sin")
    ax.legend()
    save_svg(fig, path)
'''

GRAPH = '''
from scripts.figures import figure, render_dot

@figure("step91-graph")
def graph(path):
    render_dot('digraph g { x [label="x"]; y [label="y"]; x -> y }', path)
'''

BROKEN = '''
from scripts.figures import figure

@figure("step92-broken")
def broken(path):
    with open(path, "w") as f:
        f.write("<svg partial")
    raise RuntimeError("boom while drawing")

@figure("step92-fine")
def fine(path):
    with open(path, "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg"/>')
'''

WITH_DATA = '''
from scripts.figures import figure, render_dot, save_json

@figure("step94-stepper", data=True)
def stepper(path):
    render_dot('digraph g { x -> y }', path)
    save_json({"steps": [{"fn": None}, {"fn": 1, "name": "Add"}], "text": "générée"}, path)

@figure("step94-forgot-data", data=True)
def forgot(path):
    render_dot('digraph g { x -> y }', path)

@figure("step94-bad-data", data=True)
def bad(path):
    render_dot('digraph g { x -> y }', path)
    path.with_suffix(".json").write_text("{not json")
'''

MISNAMED = '''
from scripts.figures import figure

@figure("step26-not-mine")
def f(path):
    pass
'''


def write_modules(folder: Path, **modules: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in modules.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(body))
    return folder


def driver(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BUILD_FIGURES), *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env=tool_env(), timeout=600)


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    return write_modules(tmp_path / "figs", step90=PLOT, step91=GRAPH)


def test_builds_with_progress_and_rebuilds_identically(fake: Path, tmp_path: Path) -> None:
    out1, out2 = tmp_path / "out1", tmp_path / "out2"
    first = driver("--figures-dir", fake, "--out", out1)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "[1/2] step90-sine.svg ... written" in first.stdout
    assert "[2/2] step91-graph.svg ... written" in first.stdout
    assert sorted(p.name for p in out1.iterdir()) == \
        [".build-stamp.json", "step90-sine.svg", "step91-graph.svg"]

    mtimes = {p.name: p.stat().st_mtime_ns for p in out1.glob("*.svg")}
    again = driver("--figures-dir", fake, "--out", out1, "--force")
    assert again.returncode == 0 and again.stdout.count("unchanged") == 2, again.stdout
    assert {p.name: p.stat().st_mtime_ns for p in out1.glob("*.svg")} == mtimes

    second = driver("--figures-dir", fake, "--out", out2)  # another process: another hash seed
    assert second.returncode == 0, second.stderr
    for name in mtimes:
        assert (out1 / name).read_bytes() == (out2 / name).read_bytes(), f"{name} is not reproducible"
    svg = (out1 / "step90-sine.svg").read_text()
    assert "<dc:date>" not in svg  # no build date in the file


def test_a_full_build_with_nothing_changed_has_nothing_to_do(fake: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert driver("--figures-dir", fake, "--out", out).returncode == 0
    svgs = {p.name: p.read_bytes() for p in out.glob("*.svg")}

    def build() -> str:
        proc = driver("--figures-dir", fake, "--out", out)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert {p.name: p.read_bytes() for p in out.glob("*.svg")} == svgs
        return proc.stdout

    assert "2 figure(s)" in build() and "up to date" in (skipped := build()) and "[1/2]" not in skipped
    # a changed figure module: its step alone is drawn again (its bytes happen to stay the same)
    (fake / "step90.py").write_text((fake / "step90.py").read_text() + "\n# edited\n")
    assert "[1/1] step90-sine.svg ... unchanged" in build()
    assert "up to date" in build()
    # a figure deleted, or changed by hand: its step is drawn again; a stray SVG in the folder: removed
    (out / "step90-sine.svg").unlink()
    assert "[1/1] step90-sine.svg ... written" in build()
    (out / "step91-graph.svg").write_text("<svg>edited by hand</svg>")
    assert "[1/1] step91-graph.svg ... written" in build()
    (out / "step90-extra.svg").write_text("<svg/>")
    assert "removed step90-extra.svg" in build()
    assert "up to date" in build()
    (out / ".build-stamp.json").write_text("[1]")  # not a stamp: draw again
    assert "[1/2] step90-sine.svg ... unchanged" in build()
    assert "up to date" in build()
    # --step and --force never skip
    one = driver("--figures-dir", fake, "--out", out, "--step", "91")
    assert "[1/1] step91-graph.svg ... unchanged" in one.stdout
    assert "[1/2]" in driver("--figures-dir", fake, "--out", out, "--force").stdout


def test_each_step_is_judged_by_its_own_inputs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A step's digest covers its module, its listings and every listing its module names (Step 33's
    figures plot Step 26's listing); the shared digest covers the package."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_figures
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    tree = tmp_path / "tree"
    files = {"tinypytorch/core.py": "x = 1\n", "docs/listings/step90_a.py": "x = 1\n",
             "docs/listings/step80_data.py": "x = 1\n", "docs/listings/step80_other.py": "x = 1\n",
             "figs/step90.py": "# step 90\n", "figs/step91.py": 'run_listing("step80_data.py")\n'}
    for rel, text in files.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    monkeypatch.setattr(build_figures, "ROOT", tree)

    def changed_by(rel: str) -> set[str]:
        before = build_figures.figure_inputs(tree / "figs")
        (tree / rel).write_text((tree / rel).read_text() + "# edited\n")
        after = build_figures.figure_inputs(tree / "figs")
        assert before.keys() == after.keys() == {"shared", "90", "91"}
        return {key for key in before if before[key] != after[key]}

    assert changed_by("tinypytorch/core.py") == {"shared"}
    assert changed_by("docs/listings/step90_a.py") == {"90"}
    assert changed_by("docs/listings/step80_data.py") == {"91"}
    assert changed_by("docs/listings/step80_other.py") == set()
    assert changed_by("figs/step91.py") == {"91"}


def test_step_and_list(fake: Path, tmp_path: Path) -> None:
    listed = driver("--figures-dir", fake, "--list")
    assert listed.returncode == 0
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == \
        ["step90-sine.svg", "step91-graph.svg"]
    one = driver("--figures-dir", fake, "--out", tmp_path / "out", "--step", "91")
    assert one.returncode == 0, one.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".build-stamp.json", "step91-graph.svg"]
    rest = driver("--figures-dir", fake, "--out", tmp_path / "out")  # the stamp knows step 91 is drawn
    assert "[1/1] step90-sine.svg ... written" in rest.stdout and "step91" not in rest.stdout
    none = driver("--figures-dir", fake, "--out", tmp_path / "out", "--step", "33")
    assert none.returncode == 2 and "no figures registered for step(s) 33" in none.stderr


def test_failure_is_named_and_leaves_no_partial_file(tmp_path: Path) -> None:
    figs = write_modules(tmp_path / "figs", step92=BROKEN)
    out = tmp_path / "out"
    out.mkdir()
    (out / "step92-broken.svg").write_text("<svg>previous good version</svg>")
    proc = driver("--figures-dir", figs, "--out", out)
    assert proc.returncode == 1
    assert "figure 'step92-broken'" in proc.stderr and "step92.py" in proc.stderr
    assert "boom while drawing" in proc.stderr
    assert "1 of 2 figure(s) failed: step92-broken" in proc.stderr
    assert (out / "step92-broken.svg").read_text() == "<svg>previous good version</svg>"
    assert (out / "step92-fine.svg").is_file()  # the others are still built
    assert sorted(p.name for p in out.iterdir()) == [".build-stamp.json", "step92-broken.svg", "step92-fine.svg"]
    again = driver("--figures-dir", figs, "--out", out)  # the failed step is not stamped: tried again
    assert again.returncode == 1 and "[1/2] step92-broken.svg ... FAILED" in again.stdout


def test_stale_figures_are_removed_on_a_full_build(fake: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "step90-old-name.svg").write_text("<svg/>")
    proc = driver("--figures-dir", fake, "--out", out)
    assert proc.returncode == 0 and "removed step90-old-name.svg" in proc.stdout
    assert not (out / "step90-old-name.svg").exists()


def test_a_figure_with_data_writes_both_files_or_neither(tmp_path: Path) -> None:
    figs = write_modules(tmp_path / "figs", step94=WITH_DATA)
    out = tmp_path / "out"
    out.mkdir()
    (out / "step94-bad-data.json").write_text('{"previous": "good version"}')
    (out / "step94-gone.json").write_text("{}")  # made by no figure: removed by a full build that succeeds
    listed = driver("--figures-dir", figs, "--list").stdout.splitlines()
    assert listed[0].startswith("step94-stepper.svg\t") and listed[0].endswith("\t(and step94-stepper.json)")
    proc = driver("--figures-dir", figs, "--out", out)
    assert proc.returncode == 1
    assert "step94-forgot-data' " in proc.stderr and "wrote nothing to .step94-forgot-data." in proc.stderr
    assert "the data file written is not JSON" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [".build-stamp.json", "step94-bad-data.json",
                                                    "step94-gone.json", "step94-stepper.json",
                                                    "step94-stepper.svg"]
    assert (out / "step94-bad-data.json").read_text() == '{"previous": "good version"}'
    data = (out / "step94-stepper.json").read_bytes()
    assert data == '{"steps":[{"fn":null},{"fn":1,"name":"Add"}],"text":"générée"}\n'.encode()

    write_modules(figs, step94=WITH_DATA.split('@figure("step94-forgot-data"')[0])
    proc = driver("--figures-dir", figs, "--out", out)
    assert proc.returncode == 0 and "removed step94-gone.json" in proc.stdout
    assert "removed step94-bad-data.json" in proc.stdout
    assert "[1/1] step94-stepper.svg ... unchanged" in proc.stdout
    assert "up to date" in driver("--figures-dir", figs, "--out", out).stdout
    (out / "step94-stepper.json").write_text("{}")  # a data file changed by hand: drawn again
    assert "[1/1] step94-stepper.svg ... written" in driver("--figures-dir", figs, "--out", out).stdout
    assert (out / "step94-stepper.json").read_bytes() == data
    assert sorted(p.name for p in out.iterdir()) == [".build-stamp.json", "step94-stepper.json",
                                                    "step94-stepper.svg"]


def test_figure_names_must_match_their_module(tmp_path: Path) -> None:
    figs = write_modules(tmp_path / "figs", step93=MISNAMED)
    proc = driver("--figures-dir", figs, "--out", tmp_path / "out")
    assert proc.returncode != 0 and "must be named 'step93-...'" in proc.stderr


def test_run_listing_until_a_section_stops_where_the_page_does() -> None:
    from scripts.figures import run_listing

    g = run_listing("step29_create_graph.py", until="first")       # the state where Step 29's figure stands
    assert float(g["x"].grad.data) == 24.0                           # f'(2) = 4*2**3 - 4*2, not yet f''(2) = 44
    assert "forward" not in g                                        # the later sections did not run
    assert float(run_listing("step29_create_graph.py")["x"].grad.data) == 44.0
    with pytest.raises(ValueError, match=r"step29_create_graph\.py has no section 'firts'"):
        run_listing("step29_create_graph.py", until="firts")


def test_real_figures_rebuild_byte_identical(figures: Run, tmp_path: Path) -> None:
    """A second build of every site figure, in a fresh process, gives the same bytes."""
    proc = driver("--out", tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = figures.names + [p.name for p in tmp_path.glob("*.json") if not p.name.startswith(".")]
    assert len(names) > len(figures.names)  # the steppers' trace data is compared too
    differ = [name for name in names if (tmp_path / name).read_bytes() != (FIGURES_OUT / name).read_bytes()]
    assert not differ, f"figures whose bytes change from one build to the next: {differ}"
