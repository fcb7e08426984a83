"""MathJax 3 in the site itself, so math renders offline, with no CDN.

``on_files`` adds MathJax from the installed ``django-static-mathjax`` wheel (Apache-2.0; a ``docs``
extra, which needs no Django) to the site at ``javascripts/vendor/mathjax/``: the combined component
the pages load (``extra_javascript`` in mkdocs.yml), what it loads lazily (TeX extensions, fonts, the
context menu and its accessibility tools) and the licence.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

DEST = "javascripts/vendor/mathjax"
ENTRY = "tex-chtml.js"
LAZY_DIRS = ("input", "output", "ui", "a11y", "adaptors", "sre")


def mathjax_dir() -> Path:
    try:
        import mathjax  # provided by the django-static-mathjax wheel
    except ImportError:
        raise PluginError("MathJax is missing: install the docs extra (`pip install -e .[docs]`, "
                          "which brings django-static-mathjax)") from None
    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (es5 / ENTRY).is_file():
        raise PluginError(f"MathJax files not found in {es5}; reinstall django-static-mathjax")
    return es5


def mathjax_files(es5: Path) -> dict[str, Path]:
    """``{path in the site below DEST: file}``."""
    files = {ENTRY: es5 / ENTRY, "LICENSE": es5.parent / "LICENSE"}
    for sub in LAZY_DIRS:
        files.update({p.relative_to(es5).as_posix(): p for p in sorted((es5 / sub).rglob("*")) if p.is_file()})
    return files


def on_files(files: Files, config) -> Files:
    for rel, path in mathjax_files(mathjax_dir()).items():
        files.append(File.generated(config, f"{DEST}/{rel}", abs_src_path=str(path)))
    return files
