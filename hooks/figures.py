"""The figures: drawn by ``scripts/build_figures.py`` before the pages that show them are built.

Before each build (``mkdocs build``, the first ``serve`` build and every ``serve`` rebuild) the hook asks
the script whether the figures are out of date (``build_figures.out_of_date``: the script alone
decides) and, if they are, runs it; the script draws only the steps whose listings or figure module
changed (every figure when the package changed). So an edited listing shows its redrawn figure on the
rebuilt page. A failed figure build fails ``mkdocs build``; while serving it is logged, the pages keep
the previous figures, and the next rebuild tries again. The quick first build of ``serve`` shows no
figure (hooks/serve_start.py), so the figures are drawn by the build that follows it.

While serving, the server watches ``docs/`` but not ``docs/figures/``: what the hook draws there is part
of the build that drew it, and a server that saw those files change would build the whole site again
for nothing. (A figure comes from the code, so an edit to what it is drawn from, never to the figure,
is what makes the server rebuild and the hook redraw.)
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

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


def on_serve(server, config, builder):
    watch_docs_but_not_figures(server, config.docs_dir, build_figures.DEFAULT_OUT)
    return server


def watch_docs_but_not_figures(server, docs_dir: str, figures: Path) -> None:
    """Watch `docs_dir` as MkDocs does, through its own event handler, but deaf to `figures`.

    MkDocs' ``server.watch`` builds the handler (it asks for a rebuild on any change) and gives it to the
    observer; that one call is made to give the observer the handler wrapped in :class:`DeafTo` instead.
    """
    observer = server.observer
    schedule = observer.schedule

    def schedule_deaf_to_figures(handler, path, **options):
        return schedule(DeafTo(figures, handler), path, **options)

    server.unwatch(docs_dir)
    observer.schedule = schedule_deaf_to_figures
    try:
        server.watch(docs_dir)
    finally:
        del observer.schedule  # the observer's own method again


class DeafTo:
    """An event handler that passes on to `handler` every event but those inside `folder`."""

    def __init__(self, folder: Path, handler) -> None:
        self.folder, self.handler = Path(folder).resolve(), handler

    def dispatch(self, event) -> None:
        paths = [Path(os.fsdecode(p)).resolve() for p in (event.src_path, event.dest_path) if p]
        if not all(path.is_relative_to(self.folder) for path in paths):
            self.handler.dispatch(event)
