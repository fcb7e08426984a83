"""MkDocs hooks for the TinyPytorch site (listed under ``hooks:`` in mkdocs.yml).

1. ``on_startup``: the site build runs the figure build first
   (``scripts/build_figures.py``, once per ``mkdocs build``/``serve``, not on every
   live reload). Set ``TINYPYTORCH_SKIP_FIGURES=1`` to skip it when the figures were
   just built (``scripts/run.py serve`` and the tests do that).
2. ``on_files``: copies MathJax 3 from the installed ``django-static-mathjax`` wheel
   (Apache-2.0; a ``docs`` extra) into the site at ``javascripts/vendor/mathjax/``,
   so math renders offline, with no CDN.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
MATHJAX_DEST = "javascripts/vendor/mathjax"
# The combined component the site loads, and what it may load lazily
# (TeX extensions, fonts, the context menu and its accessibility tools).
MATHJAX_ENTRY = "tex-chtml.js"
MATHJAX_DIRS = ("input", "output", "ui", "a11y", "adaptors", "sre")

log = logging.getLogger("mkdocs.hooks.tinypytorch")


def on_startup(command: str, dirty: bool) -> None:
    if command not in ("build", "serve", "gh-deploy"):
        return
    if os.environ.get("TINYPYTORCH_SKIP_FIGURES"):
        log.info("figures: skipped (TINYPYTORCH_SKIP_FIGURES is set)")
        return
    log.info("figures: running scripts/build_figures.py")
    rc = subprocess.call([sys.executable, str(ROOT / "scripts" / "build_figures.py")], cwd=ROOT)
    if rc != 0:
        raise PluginError(f"scripts/build_figures.py failed (exit code {rc}); see its output above")


def mathjax_dir() -> Path:
    try:
        import mathjax  # provided by the django-static-mathjax wheel; needs no Django
    except ImportError:
        raise PluginError(
            "MathJax is missing: install the docs extra (`pip install -e .[docs]`, "
            "which brings django-static-mathjax)"
        ) from None
    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (es5 / MATHJAX_ENTRY).is_file():
        raise PluginError(f"MathJax files not found in {es5}; reinstall django-static-mathjax")
    return es5


def on_files(files: Files, config) -> Files:
    es5 = mathjax_dir()
    paths = [es5 / MATHJAX_ENTRY, es5.parent / "LICENSE"]
    for sub in MATHJAX_DIRS:
        paths.extend(p for p in sorted((es5 / sub).rglob("*")) if p.is_file())
    for path in paths:
        rel = "LICENSE" if path.name == "LICENSE" and path.parent == es5.parent else path.relative_to(es5).as_posix()
        files.append(File.generated(config, f"{MATHJAX_DEST}/{rel}", abs_src_path=str(path)))
    return files
