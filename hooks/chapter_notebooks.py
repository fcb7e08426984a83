"""MkDocs hook: every chapter as a notebook, and marks on the blocks that continue earlier ones.

For each chapter page (the recap and Steps 25–34, either language) the build writes the notebook
``scripts/notebooks.py`` makes from the page's own Markdown to ``notebooks/`` of that language's
site (``notebooks/step26.ipynb``, ``zh/notebooks/step26.zh.ipynb``), without executing
it (tests/site/test_chapter_notebooks.py executes them), and puts a download button under the
page's title. Above every executed block that continues an earlier block of its markdown-exec
session, the page gets a line in its own language naming the sections to run first ("Continues the
code of §5."), so a block copied alone is not a trap.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from scripts import notebooks  # noqa: E402

log = logging.getLogger("mkdocs.hooks.chapter_notebooks")
FOLDER = "notebooks"

# (site folder, path in it) -> the notebook's bytes, written after that language's build.
PENDING: dict[tuple[str, str], bytes] = {}


def notebook_path(page) -> str:
    """Where the page's notebook goes in the site: ``notebooks/`` of the page's own language
    (the i18n plugin writes the Chinese pages under ``zh/`` of the same site folder)."""
    src = page_source(page)
    stem = notebooks.CHAPTER.match(src)["stem"]
    dest = page.file.dest_uri
    prefix = dest[:dest.find(stem)] if stem in dest else ""
    return f"{prefix}{FOLDER}/{notebooks.notebook_name(src)}"


def page_source(page) -> str:
    return getattr(page.file, "src_uri", "")


@event_priority(50)  # the page as written, before the plugins at the default priority see it
def on_page_markdown(markdown, page, config, files):
    src = page_source(page)
    if not notebooks.is_chapter(src):
        return markdown
    try:
        data = notebooks.chapter_notebook_bytes(src, markdown)
    except notebooks.NotebookError as error:
        raise PluginError(f"chapter notebook: {error}") from None
    PENDING[(config.site_dir, notebook_path(page))] = data
    return notebooks.mark_continuations(markdown, notebooks.language(src))


def download_button(page) -> str:
    src = page_source(page)
    words = notebooks.TEXT[notebooks.language(src)]
    page_dir = posixpath.dirname(page.file.dest_uri)
    href = posixpath.relpath(notebook_path(page), page_dir or ".")
    name = notebooks.notebook_name(src)
    return (f'<p class="tp-notebook-download tp-chapter-notebook"><a class="md-button" href="{href}" '
            f'download="{name}" title="{html.escape(words["button_title"].format(name=name))}">'
            f'{html.escape(words["button"])}</a></p>')


def on_page_content(html_text: str, page, config, files) -> str:
    if not notebooks.is_chapter(page_source(page)):
        return html_text
    title_end = re.search(r"</h1>", html_text)
    button = download_button(page)
    if title_end is None:
        return button + html_text
    return html_text[:title_end.end()] + button + html_text[title_end.end():]


@event_priority(100)  # before the i18n plugin's post-build starts the other language's build
def on_post_build(config) -> None:
    written = 0
    for (site_dir, path), data in list(PENDING.items()):
        if site_dir != config.site_dir:
            continue
        notebooks.write_atomically(Path(site_dir) / path, data)
        del PENDING[(site_dir, path)]
        written += 1
    if written:
        log.info(f"chapter notebooks: {written} written")
