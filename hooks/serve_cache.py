"""Serving: a page whose inputs did not change since the previous rebuild is not rendered again.

A page's inputs are its Markdown, the files it includes (``--8<--``) and what any page's code blocks
may read (the package, the scripts, the hooks, the benchmark data, the configuration, the list of
pages). An unchanged page takes its HTML from the previous rebuild, so an edited chapter or listing
shows after its own page's code blocks ran, not everybody's. API pages (``:::`` directives) always
render: mkdocstrings registers the cross-reference targets as it renders them. A page whose render
logged a warning renders again next time, so the warning is seen again. ``mkdocs build`` renders
every page.

Pages are told apart by where they are written: with the English fallback, one Markdown file is also
the Chinese page under /zh/, whose relative links differ.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from _shared import ROOT, SERVE, digest, files_under

SNIPPET = re.compile(r'--8<--\s+"([^":]+)(?::[^"]*)?"')
API_DIRECTIVE = re.compile(r"^\s*:::", re.M)


@dataclass
class Rendered:
    key: str
    content: str
    toc: object
    title: str | None
    anchors: object


@dataclass
class ServeCache:
    shared: str = ""                                  # digest of the inputs every page shares
    pages: dict[str, Rendered] = field(default_factory=dict)  # by dest_uri


SERVED = ServeCache()


def shared_page_inputs(files) -> str:
    """A digest of what any page's code blocks may read, and of the list of pages."""
    paths = [*files_under("tinypytorch", "scripts", "hooks", "docs/bench", root=ROOT),
             ROOT / "mkdocs.yml", ROOT / "pyproject.toml"]
    return digest(paths, *sorted(f.src_uri for f in files.documentation_pages()), root=ROOT)


def page_inputs(markdown: str) -> str:
    """A digest of a page: its Markdown, the files it includes and the shared inputs. An include
    written another way counts every listing in."""
    included = [ROOT / m.group(1) for m in SNIPPET.finditer(markdown)]
    if markdown.count("--8<--") != len(included):
        included += files_under("docs/listings", root=ROOT)
    existing = [p for p in dict.fromkeys(included) if p.is_file()]
    missing = [str(p) for p in included if not p.is_file()]  # the render will say so
    return digest(existing, SERVED.shared, markdown, *missing, root=ROOT)


class _WarningCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _reuse(page, cached: Rendered) -> None:
    page.content, page.toc = cached.content, cached.toc
    page._title_from_render = cached.title
    page.present_anchor_ids = cached.anchors
    page.links_to_anchors = None  # checked when it was rendered


def reuse_unchanged_render(page) -> None:
    """Wrap ``page.render`` so that an unchanged page takes its HTML from the previous rebuild."""
    render = page.render

    def render_or_reuse(config, files) -> None:
        if API_DIRECTIVE.search(page.markdown):
            return render(config, files)
        key = page_inputs(page.markdown)
        cached = SERVED.pages.get(page.file.dest_uri)
        if cached and cached.key == key:
            return _reuse(page, cached)
        warnings = _WarningCount()
        logging.getLogger("mkdocs").addHandler(warnings)
        try:
            render(config, files)
        finally:
            logging.getLogger("mkdocs").removeHandler(warnings)
        if warnings.count:
            SERVED.pages.pop(page.file.dest_uri, None)
        else:
            SERVED.pages[page.file.dest_uri] = Rendered(key, page.content, page.toc,
                                                       getattr(page, "_title_from_render", None),
                                                       page.present_anchor_ids)
        return None

    page.render = render_or_reuse


def on_files(files, config):
    if SERVE.serving:
        SERVED.shared = shared_page_inputs(files)
    return files


def on_pre_page(page, config, files):
    if SERVE.serving and page.file.src_uri.endswith(".md"):
        reuse_unchanged_render(page)
    return page
