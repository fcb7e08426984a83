"""The Part 3 playground notebook (docs/notebooks/playground.ipynb) runs from top to bottom.

The site build executes it with mkdocs-jupyter; this test does the same with nbclient, so a library change
that breaks the notebook fails here too, with the cell that broke. It also checks that the notebook is
stored without outputs (they are produced at build time), that the graph cells display as SVG, and that
the n-th derivatives of sin it prints agree with sin(x + n*pi/2) computed here with numpy.
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
NOTEBOOK = ROOT / "docs" / "notebooks" / "playground.ipynb"


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    saved = nbformat.read(NOTEBOOK, as_version=4)
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + old if old else "")
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    try:
        client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=False,
                                         resources={"metadata": {"path": str(NOTEBOOK.parent)}})
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


def test_saved_without_outputs(executed):
    saved, _ = executed
    for c in saved.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None, f"cell {c.get('id')} was saved with outputs"


def test_runs_without_errors(executed):
    _, nb = executed
    for c in nb.cells:
        if c.cell_type == "code":
            assert not [o for o in c.outputs if o.output_type == "error"], c.get("id")
            assert "Traceback" not in text_of(c), c.get("id")


def test_graphs_display_inline_as_svg(executed):
    _, nb = executed
    for cell_id in ("graph", "grad-graph"):
        svgs = [o["data"]["image/svg+xml"] for o in cell(nb, cell_id).outputs
                if o.output_type in ("execute_result", "display_data") and "image/svg+xml" in o.get("data", {})]
        assert svgs, f"cell {cell_id!r} shows no SVG"
        assert "<svg" in svgs[0] and "Pow" in svgs[0]
    assert "f'(2) = 24.0" in text_of(cell(nb, "grad-graph"))


def test_nth_derivatives_of_sin_match_the_closed_form(executed):
    _, nb = executed
    rows = re.findall(r"^\s*(\d+)\s+(-?\d\.\d+)\s+(-?\d\.\d+)\s+\S+$", text_of(cell(nb, "nth")), flags=re.M)
    assert [int(r[0]) for r in rows] == list(range(1, 9))
    for n, value, _ in rows:
        assert float(value) == pytest.approx(np.sin(1.0 + int(n) * np.pi / 2), abs=1e-9)
    # the period-4 cycle: cos, -sin, -cos, sin at x = 1
    assert [float(r[1]) for r in rows[:4]] == pytest.approx([np.cos(1), -np.sin(1), -np.cos(1), np.sin(1)],
                                                            abs=1e-9)


def test_plot_is_shown(executed):
    _, nb = executed
    outputs = cell(nb, "plot").outputs
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs if o.output_type == "display_data")


def test_graph_growth_is_printed(executed):
    _, nb = executed
    orders = re.findall(r"^order (\d): +(\d+) functions", text_of(cell(nb, "growth")), flags=re.M)
    assert [int(o) for o, _ in orders] == list(range(1, 7))
    sizes = [int(s) for _, s in orders]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
