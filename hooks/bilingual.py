"""MkDocs hooks for the two editions of the site (English at the root, Chinese under /zh/).

mkdocs-static-i18n builds the site once per language. Without these hooks, two things go wrong on
this stack and one thing is done twice:

1. ``on_post_page`` / ``on_post_template``: drop the ``<link rel="alternate" hreflang="...">`` tags
   from each page's head (404.html included). Material's JavaScript fetches ``sitemap.xml``
   relative to every such link; the plugin points them at the page itself (``/steps/step25/``), so
   every page asked for ``/steps/step25/sitemap.xml`` and logged a 404 in the console. The language
   switcher does not need them: its own links (``<a class="md-select__link" hreflang>``) already
   lead to the twin page, and the plugin's ``sitemap.xml`` carries the same hreflang pairs for
   search engines.
2. ``on_config`` / ``on_files``: keep the notebooks pages. The plugin rebuilds every file as a plain
   MkDocs ``File``, which counts only Markdown as a page, so ``notebooks/*.ipynb`` lost the page
   status mkdocs-jupyter gives it and was copied as raw JSON to ``notebooks/playground/index.html``
   (ultrabug/mkdocs-static-i18n#198). Counting ``.ipynb`` as a page source lets the plugin pair
   ``playground.ipynb`` with ``playground.zh.ipynb`` like any twin; mkdocs-jupyter still renders it.
3. ``on_pre_build`` / ``on_page_markdown``: run each markdown-exec block once for both editions.
   Twins run the same code (tests/site/test_twins.py sees to it), and a page with no twin yet is the
   English page again under /zh/, so the second language build ran every exec block a second time
   (about half of a full build's CPU time). What a block printed is kept for the rest of the
   ``mkdocs build`` (or of one ``serve`` rebuild), keyed by the English page, the block's session,
   and the code run so far in that session on that page (the block's own code included); the twin's
   block with the same key shows that output instead of running again. A twin's block with other
   code (docs/benchmarks.zh.md says its paragraphs in Chinese) runs, and so does every later block
   of its session: before it runs, its session is emptied and the twin's earlier blocks of that
   session, shown from the store until then, run again, so it sees the state its page built and
   not what the other edition left behind. A block that raised is not kept. Each edition still
   renders the output itself, so headings, links and ids come out right for its language.
"""

from __future__ import annotations

import hashlib
import logging
import re

import mkdocs.utils
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.bilingual")

NOTEBOOK = ".ipynb"
# An alternate-language link in the page head (not the RSS alternates, which have no hreflang).
HREFLANG_LINK = re.compile(r"""[ \t]*<link\b(?=[^>]*\brel=["']?alternate\b)(?=[^>]*\bhreflang=)[^>]*>\n?""")


def on_config(config):
    if NOTEBOOK not in mkdocs.utils.markdown_extensions:
        mkdocs.utils.markdown_extensions = (*mkdocs.utils.markdown_extensions, NOTEBOOK)
    return config


def on_files(files, config):
    jupyter = config.plugins.get("mkdocs-jupyter")
    for file in files.documentation_pages():
        if file.src_uri.endswith(NOTEBOOK) and not (jupyter and jupyter.should_include(file)):
            raise PluginError(
                f"{file.src_uri}: a notebook that mkdocs-jupyter does not render (its `include` "
                "patterns in mkdocs.yml) would be published as raw JSON; include it or move it "
                "out of docs/")
    return files


def drop_hreflang_links(html: str) -> str:
    """The page without its head's ``<link rel="alternate" hreflang>`` tags."""
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    return HREFLANG_LINK.sub("", html[:head_end]) + html[head_end:]


def on_post_page(output, page, config):
    return drop_hreflang_links(output)


def on_post_template(output, template_name, config):
    """The theme's own pages (404.html) have the same head."""
    return drop_hreflang_links(output) if template_name.endswith(".html") else output


class ExecOutputs:
    """What each markdown-exec block printed, shared by the language builds of one site build."""

    def __init__(self, reset_session=None) -> None:
        self.outputs: dict[tuple, str] = {}
        self.reset_session = reset_session or (lambda session: None)  # empties a session's globals
        self.page: str | None = None
        self.pages: set = set()    # pages started in this build: the second start is the twin
        self.twin = False
        self.history: dict = {}    # session -> digest of the code run so far
        self.shown: dict = {}      # session -> the code of its blocks so far, if some were only shown
        self.runs = self.reused = self.own = self.replayed = 0

    def start_build(self) -> None:
        self.outputs.clear()
        self.pages.clear()
        self.runs = self.reused = self.own = self.replayed = 0

    def start_page(self, page_key: str) -> None:
        self.twin = page_key in self.pages
        self.pages.add(page_key)
        self.page, self.history, self.shown = page_key, {}, {}

    def run(self, runner, code: str, returncode=None, session=None, id=None, **extra) -> str:  # noqa: A002
        # The key names the state the code runs in: the code of every earlier block of the same
        # session on this page, in order (a block without a session starts from nothing).
        history = self.history.setdefault(session, hashlib.sha256())
        history.update(code.encode() + b"\0")
        key = (self.page, session, history.hexdigest(), returncode, id, tuple(sorted(extra.items())))
        earlier = self.shown.get(session)
        if key in self.outputs:
            self.reused += 1
            if session is not None:
                self.shown.setdefault(session, []).append((code, returncode, id, extra))
            return self.outputs[key]
        if earlier:  # the session's state is the other edition's: rebuild this page's own
            self.reset_session(session)
            for before, before_returncode, before_id, before_extra in earlier:
                runner(before, returncode=before_returncode, session=session, id=before_id, **before_extra)
                self.replayed += 1
            del self.shown[session]
        output = runner(code, returncode=returncode, session=session, id=id, **extra)
        if self.twin:
            self.own += 1
        else:
            self.runs += 1
        self.outputs[key] = output
        return output


EXEC = ExecOutputs()


def python_runner_module():
    """markdown-exec's Python formatter module, whose ``_run_python`` runs one block in the
    globals ``_sessions_globals`` keeps per session (None if this markdown-exec lays it out otherwise: then every block simply runs in both builds)."""
    try:
        from markdown_exec._internal.formatters import python as module
    except ImportError:
        return None
    found = callable(getattr(module, "_run_python", None)) and isinstance(
        getattr(module, "_sessions_globals", None), dict)
    return module if found else None


def share_exec_outputs() -> bool:
    module = python_runner_module()
    if module is None:
        log.info("markdown-exec's Python runner not found: exec blocks run once per language")
        return False
    runner = module._run_python
    if getattr(runner, "tinypytorch_shared", False):
        return True

    EXEC.reset_session = lambda session: module._sessions_globals.pop(session, None)

    def run_once(code, returncode=None, session=None, id=None, **extra):  # noqa: A002
        return EXEC.run(runner, code, returncode=returncode, session=session, id=id, **extra)

    run_once.tinypytorch_shared = True
    module._run_python = run_once
    return True


def is_first_language_build(config) -> bool:
    """True for the build mkdocs starts; False for the builds the i18n plugin runs inside it."""
    i18n = config.plugins.get("i18n")
    return i18n is None or not i18n.building


def on_pre_build(config) -> None:
    if is_first_language_build(config):
        EXEC.start_build()  # a new site build: the code or the package may have changed
    share_exec_outputs()


@event_priority(100)  # before markdown-exec's blocks run, when the page is rendered
def on_page_markdown(markdown, page, config, files):
    EXEC.start_page(getattr(page.file, "norm_src_uri", page.file.src_uri))
    return markdown


@event_priority(-200)  # after the i18n plugin's own post-build, which runs the other languages
def on_post_build(config) -> None:
    if is_first_language_build(config) and (EXEC.runs or EXEC.reused):
        log.info(f"exec blocks: {EXEC.runs} run, {EXEC.reused} shown again in the other edition, "
                 f"{EXEC.own} run for a twin's own code ({EXEC.replayed} earlier blocks run again)")
