"""Figures drawn once per language: the same code, the text in the page's language.

An explanatory figure whose text is prose (a plot's title, axes and legend; a diagram's labels) is registered
with :func:`figure_in_languages` instead of :func:`scripts.figures.figure`, and takes the language::

    @figure_in_languages("step26-rosenbrock-descent")
    def rosenbrock_descent(path, lang):
        ...
        ax.set_title(say(lang, "Gradient descent on the Rosenbrock function", "Rosenbrock 函数上的梯度下降"))

It is registered twice, as ``step26-rosenbrock-descent`` (English) and ``step26-rosenbrock-descent-zh``
(Chinese), so the driver builds, checks and stamps both like any figure. The pages show the English name; the
Chinese edition's pages show the ``-zh`` file instead (hooks/edition_language.py swaps it in). A figure that
shows what the library draws for a reader's graph is not registered here: it is the same in both editions.

matplotlib draws the Chinese text with Noto Sans CJK SC, from the pip package ``noto-cjk-sans-otc`` (the
``docs`` extra), so a fresh machine with only Python and pip draws the same glyphs as CI; the SVG holds the
glyphs as paths, so the reader needs no Chinese font for the plots.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Callable

from scripts.figures import figure

LANGUAGES = ("en", "zh")
#: The file name's ending per language: step26-x.svg, step26-x-zh.svg.
SUFFIX = {"en": "", "zh": "-zh"}
CJK_FAMILY = "Noto Sans CJK SC"


def say(lang: str, english: str, chinese: str) -> str:
    """The text in ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(f"no figure text for language {lang!r} (figures are drawn in {', '.join(LANGUAGES)})")
    return chinese if lang == "zh" else english


def cjk_font_path() -> Path:
    """The Noto Sans CJK collection installed with the docs extra; a clear error without it."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        raise RuntimeError("the Chinese figures need the font package noto-cjk-sans-otc "
                           "(pip install -e '.[docs]' installs it)") from None
    return Path(str(noto_cjk_sans_otc.FONT_PATH))


@contextlib.contextmanager
def text_in(lang: str):
    """matplotlib settings for text in ``lang``: for Chinese, Noto Sans CJK SC behind the default font (Latin
    letters and digits stay DejaVu Sans, as in the English figure)."""
    if lang != "zh":
        yield
        return
    import matplotlib
    from matplotlib import font_manager

    path = str(cjk_font_path())
    if not any(f.fname == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    # A list of families (not the generic "sans-serif", which resolves to one font): matplotlib takes each
    # glyph from the first family that has it.
    family = [*matplotlib.rcParams["font.sans-serif"][:1], CJK_FAMILY]
    with matplotlib.rc_context({"font.family": family}):
        yield


class InLanguage:
    """One language's maker of a figure drawn per language: ``draw(path, lang)`` as ``maker(path)``."""

    def __init__(self, draw: Callable, lang: str) -> None:
        self.draw, self.lang = draw, lang
        self.__code__ = draw.__code__      # the registry names the drawing function's file and line
        self.__module__ = draw.__module__

    def __call__(self, path):
        with text_in(self.lang):
            return self.draw(path, self.lang)


def figure_in_languages(name: str, data: bool = False):
    """Register ``draw(path, lang)`` as ``name`` in English and ``name-zh`` in Chinese."""
    def register(draw):
        for lang in LANGUAGES:
            figure(name + SUFFIX[lang], data=data)(InLanguage(draw, lang))
        return draw
    return register
