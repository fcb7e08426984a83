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
   Twins run the same code (tests/test_twins.py sees to it), and a page with no twin yet is the
   English page again under /zh/, so the second language build ran every exec block a second time
   (about half of a full build's CPU time). What a block printed is kept for the rest of the
   ``mkdocs build`` (or of one ``serve`` rebuild), keyed by the English page, the block's session,
   and the code run so far in that session on that page; the twin's block with the same key shows
   that output instead of running again. A block that raised is not kept. Each edition still
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

    def __init__(self) -> None:
        self.outputs: dict[tuple, str] = {}
        self.page: str | None = None
        self.history: dict = {}  # session -> digest of the code run so far
        self.runs = self.reused = 0

    def start_build(self) -> None:
        self.outputs.clear()
        self.runs = self.reused = 0

    def start_page(self, page_key: str) -> None:
        self.page, self.history = page_key, {}

    def run(self, runner, code: str, returncode=None, session=None, id=None, **extra) -> str:  # noqa: A002
        # The key names the state the code runs in: the code of every earlier block of the same
        # session on this page, in order (a block without a session starts from nothing).
        history = self.history.setdefault(session, hashlib.sha256())
        history.update(code.encode() + b"\0")
        key = (self.page, session, history.hexdigest(), returncode, id, tuple(sorted(extra.items())))
        if key in self.outputs:
            self.reused += 1
            return self.outputs[key]
        output = runner(code, returncode=returncode, session=session, id=id, **extra)
        self.runs += 1
        self.outputs[key] = output
        return output


EXEC = ExecOutputs()


def python_runner_module():
    """markdown-exec's Python formatter module, whose ``_run_python`` runs one block (None if
    this markdown-exec lays it out otherwise: then every block simply runs in both builds)."""
    try:
        from markdown_exec._internal.formatters import python as module
    except ImportError:
        return None
    return module if callable(getattr(module, "_run_python", None)) else None


def share_exec_outputs() -> bool:
    module = python_runner_module()
    if module is None:
        log.info("markdown-exec's Python runner not found: exec blocks run once per language")
        return False
    runner = module._run_python
    if getattr(runner, "tinypytorch_shared", False):
        return True

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
        log.info(f"exec blocks: {EXEC.runs} run, {EXEC.reused} shown again in the other edition")
