"""The Part 3 playground notebook (docs/notebooks/playground.ipynb) and its Chinese twin
(playground.zh.ipynb) run from top to bottom.

The site build executes them with mkdocs-jupyter; this test does the same with nbclient, so a library change
that breaks a notebook fails here too, with the cell that broke. It also checks that the notebooks are
stored without outputs (they are produced at build time), that the graph cells display as SVG, that
the n-th derivatives of sin they print agree with sin(x + n*pi/2) computed here with numpy, and that each
prints and labels in its own language: the Chinese plot's legend is drawn with Noto Sans CJK (no glyph
missing, no warning).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

nbformat = pytest.importorskip("nbformat", reason="the docs extra (mkdocs-jupyter) brings nbformat")
nbclient = pytest.importorskip("nbclient", reason="the docs extra (mkdocs-jupyter) brings nbclient")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = {"en": ROOT / "docs" / "notebooks" / "playground.ipynb",
             "zh": ROOT / "docs" / "notebooks" / "playground.zh.ipynb"}
# What each notebook prints and labels, in its language.
NTH_LABELS = {"en": (" n     backward  sin(x+n*pi/2)  |difference|", "largest difference: "),
              "zh": (" n     反向传播  sin(x+n*pi/2)  |差值|", "最大差值：")}
GROWTH_LINE = {"en": r"^order (\d): +(\d+) functions, +(\d+) variables$",
               "zh": r"^(\d) 阶： *(\d+) 个函数， *(\d+) 个变量$"}
PRIMES = ["'", "''", "'''"]
LEGEND = {"en": ["y = sin(x)"] + [f"y{p} ({n} derivative)" for p, n in zip(PRIMES, ["first", "second", "third"])],
          "zh": ["y = sin(x)"] + [f"y{p}（{n}导数）" for p, n in zip(PRIMES, ["一阶", "二阶", "三阶"])]}


@pytest.fixture(scope="module", params=list(NOTEBOOKS))
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def executed(language):
    notebook = NOTEBOOKS[language]
    nb = nbformat.read(notebook, as_version=4)
    saved = nbformat.read(notebook, as_version=4)
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + old if old else "")
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    try:
        client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=False,
                                         resources={"metadata": {"path": str(notebook.parent)}})
        client.execute()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    return saved, nb


def cell(nb, cell_id):
    found = [c for c in nb.cells if c.get("id") == cell_id]
    assert len(found) == 1, f"no single cell with id {cell_id!r}"
    return found[0]


def text_of(c) -> str:
    return "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")


def plot_svg(nb) -> str:
    svgs = [o["data"]["image/svg+xml"] for o in cell(nb, "plot").outputs
            if o.output_type == "display_data" and "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 1, "the plot cell shows one SVG"
    return svgs[0]


def test_saved_without_outputs(executed):
    saved, _ = executed
    for c in saved.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None, f"cell {c.get('id')} was saved with outputs"


def test_runs_without_errors_or_warnings(executed):
    _, nb = executed
    for c in nb.cells:
        if c.cell_type == "code":
            assert not [o for o in c.outputs if o.output_type == "error"], c.get("id")
            assert "Traceback" not in text_of(c), c.get("id")
            # e.g. matplotlib's "Glyph 38454 missing from font(s) DejaVu Sans"
            assert not [o for o in c.outputs if o.output_type == "stream" and o.name == "stderr"], c.get("id")


def test_graphs_display_inline_as_svg(executed):
    _, nb = executed
    for cell_id in ("graph", "grad-graph"):
        svgs = [o["data"]["image/svg+xml"] for o in cell(nb, cell_id).outputs
                if o.output_type in ("execute_result", "display_data") and "image/svg+xml" in o.get("data", {})]
        assert svgs, f"cell {cell_id!r} shows no SVG"
        assert "<svg" in svgs[0] and "Pow" in svgs[0]
    assert "f'(2) = 24.0" in text_of(cell(nb, "grad-graph"))


def test_nth_derivatives_of_sin_match_the_closed_form(executed, language):
    _, nb = executed
    printed = text_of(cell(nb, "nth"))
    header, largest = NTH_LABELS[language]
    assert printed.startswith(header + "\n") and f"\n{largest}" in printed, printed
    rows = re.findall(r"^\s*(\d+)\s+(-?\d\.\d+)\s+(-?\d\.\d+)\s+\S+$", printed, flags=re.M)
    assert [int(r[0]) for r in rows] == list(range(1, 9))
    for n, value, _ in rows:
        assert float(value) == pytest.approx(np.sin(1.0 + int(n) * np.pi / 2), abs=1e-9)
    # the period-4 cycle: cos, -sin, -cos, sin at x = 1
    assert [float(r[1]) for r in rows[:4]] == pytest.approx([np.cos(1), -np.sin(1), -np.cos(1), np.sin(1)],
                                                            abs=1e-9)


def test_plot_is_shown_with_its_legend(executed, language):
    _, nb = executed
    # matplotlib writes each text's string as a comment before the paths that draw it; the legend comes last
    texts = re.findall(r"<!-- (.*?) -->", plot_svg(nb))
    assert texts[-4:] == LEGEND[language], texts


def test_the_chinese_legend_is_drawn_with_a_chinese_font(executed, language):
    _, nb = executed
    svg = plot_svg(nb)
    wide = 0
    for label in LEGEND[language]:
        # a text's group: its string as a comment, then one <use> of a glyph per character
        start = svg.index(f"<!-- {label} -->")
        group = svg[start:svg.find("<!--", start + 1)]
        chinese = [c for c in label if ord(c) > 0x2fff]
        assert len(re.findall(r'xlink:href="#NotoSansCJK', group)) == len(chinese), (label, group[:300])
        wide += len(chinese)
    assert bool(wide) == (language == "zh")


def test_graph_growth_is_printed(executed, language):
    _, nb = executed
    orders = re.findall(GROWTH_LINE[language], text_of(cell(nb, "growth")), flags=re.M)
    assert [int(o) for o, _, _ in orders] == list(range(1, 7))
    sizes = [int(s) for _, s, _ in orders]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_every_picture_has_an_alt_text_in_the_notebooks_language(executed, language):
    """hooks/notebook.py gives a cell's pictures the ``alt`` of the cell's metadata."""
    _, nb = executed
    drawing = [c for c in nb.cells if c.cell_type == "code" and any(
        k.startswith("image/") for o in c.outputs for k in o.get("data", {}))]
    assert [c.get("id") for c in drawing] == ["graph", "grad-graph", "plot"]
    for c in drawing:
        alt = c.metadata.get("alt", "")
        assert len(alt) > 30 and bool(re.search(r"[\u4e00-\u9fff]", alt)) == (language == "zh"), (c.get("id"), alt)
