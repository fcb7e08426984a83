"""``serve`` answers first with the home page, then builds the rest of the site.

``mkdocs serve`` answers only after a whole build, which on a fresh clone draws every figure, runs every
page's code in both editions and executes the notebook. So the first build of ``serve`` renders the
home page of each edition only; every other page is a stub with its title and a line saying that it is
being built (the navigation is complete). As soon as the server answers, the hook asks it for a rebuild
(it changes a file the server watches), which draws the figures and renders every page; the reader's
browser reloads by itself when that is done (MkDocs' livereload). ``mkdocs build`` renders every page.
"""

from __future__ import annotations

import html
import logging
import re
import time

from _shared import CACHE, SERVE, i18n_is_building
from mkdocs.plugins import event_priority
from mkdocs.structure.toc import get_toc

FIRST_PAGES = {"index.md", "index.zh.md"}
TRIGGER = CACHE / "serve" / "build-the-rest"
BEING_BUILT = {None: "This page is being built; it appears here by itself in a moment.",
               "zh": "本页正在生成，完成后会自动显示。"}
H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)


def render_stub(page) -> None:
    """What ``page.render`` leaves, without rendering the page: its title and the line saying it comes."""
    found = H1.search(page.markdown or "") if page.file.src_uri.endswith(".md") else None
    if found:
        page._title_from_render = found.group(1)
    label = BEING_BUILT.get(getattr(page.file, "locale", None), BEING_BUILT[None])
    page.content = (f"<h1>{html.escape(page.title or '')}</h1>\n"
                    f'<p class="tp-being-built">{html.escape(label)}</p>')
    page.toc = get_toc([])
    page.present_anchor_ids = None  # not known yet: links to its anchors are checked by the full build
    page.links_to_anchors = None


class AskForTheRest(logging.Handler):
    """Changes the trigger file once the server says it serves (its file watcher runs by then)."""

    def emit(self, record: logging.LogRecord) -> None:
        if "Serving on " in record.getMessage():  # MkDocs' server puts the time before its messages
            TRIGGER.write_text(f"{time.time()}\n")
            logging.getLogger("mkdocs.livereload").removeHandler(self)


def on_startup(command: str, dirty: bool) -> None:
    SERVE.serving = SERVE.quick_start = command == "serve"


@event_priority(-50)  # after hooks/serve_cache.py wraps the render: a stub is never kept as a page's HTML
def on_pre_page(page, config, files):
    if SERVE.quick_start and page.file.src_uri not in FIRST_PAGES:
        page.render = lambda config, files: render_stub(page)
    return page


@event_priority(-300)  # after the i18n plugin's post-build, which builds the other edition
def on_post_build(config) -> None:
    if not i18n_is_building(config):
        SERVE.quick_start = False


def on_serve(server, config, builder):
    TRIGGER.parent.mkdir(parents=True, exist_ok=True)
    server.watch(str(TRIGGER.parent))
    logging.getLogger("mkdocs.livereload").addHandler(AskForTheRest())
    return server
