"""The figures: drawn by ``scripts/build_figures.py`` before the pages that show them are built.

Before each build (``mkdocs build``, the first ``serve`` build and every ``serve`` rebuild) the hook asks
the script whether the figures are out of date (``build_figures.out_of_date``: the script alone
decides) and, if they are, runs it; the script draws only the steps whose listings or figure module
changed (every figure when the package changed). So an edited listing shows its redrawn figure on the
rebuilt page. A failed figure build fails ``mkdocs build``; while serving it is logged, the pages keep
the previous figures, and the next rebuild tries again. The quick first build of ``serve`` shows no
figure (hooks/serve_start.py), so the figures are drawn by the build that follows it.
"""

from __future__ import annotations

import logging
import subprocess
import sys

from _shared import ROOT, SERVE, i18n_is_building
from mkdocs.exceptions import PluginError

from scripts import build_figures

log = logging.getLogger("mkdocs.hooks.figures")
BUILD_FIGURES = ROOT / "scripts" / "build_figures.py"


def run_figure_build() -> bool:
    log.info("figures: running scripts/build_figures.py")
    return subprocess.call([sys.executable, str(BUILD_FIGURES)], cwd=ROOT) == 0


def on_pre_build(config) -> None:
    if SERVE.quick_start or i18n_is_building(config) or not build_figures.out_of_date():
        return
    if run_figure_build():
        return
    if not SERVE.serving:
        raise PluginError("scripts/build_figures.py failed; see its output above")
    log.error("figures: the figure build failed (see above); the pages show the previous figures")
