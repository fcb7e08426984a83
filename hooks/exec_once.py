"""Each markdown-exec block runs once for both editions of the site.

mkdocs-static-i18n builds the site once per language. Twins run the same code
(tests/site/test_twins.py sees to it), and a page with no twin yet is the English page again under
/zh/, so the second language build would run every exec block a second time. What a block printed is
kept for the rest of the ``mkdocs build`` (or of one ``serve`` rebuild), keyed by the English page,
the block's session, and the code run so far in that session on that page (the block's own code
included); the twin's block with the same key shows that output instead of running again.

A twin's block with other code (docs/benchmarks.zh.md says its paragraphs in Chinese) runs, and so
does every later block of its session: before it runs, its session is emptied and the twin's earlier
blocks of that session, shown from the store until then, run again, so it sees the state its page
built and not what the other edition left behind. A block that raised is not kept. Each edition still
renders the output itself, so headings, links and ids come out right for its language.
"""

from __future__ import annotations

import hashlib
import logging

from _shared import i18n_is_building
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.exec_once")


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


OUTPUTS = ExecOutputs()


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

    OUTPUTS.reset_session = lambda session: module._sessions_globals.pop(session, None)

    def run_or_reuse(code, returncode=None, session=None, id=None, **extra):  # noqa: A002
        return OUTPUTS.run(runner, code, returncode=returncode, session=session, id=id, **extra)

    run_or_reuse.tinypytorch_shared = True
    module._run_python = run_or_reuse
    return True


def on_pre_build(config) -> None:
    if not i18n_is_building(config):
        OUTPUTS.start_build()  # a new site build: the code or the package may have changed
    share_exec_outputs()


@event_priority(100)  # before markdown-exec's blocks run, when the page is rendered
def on_page_markdown(markdown, page, config, files):
    OUTPUTS.start_page(getattr(page.file, "norm_src_uri", page.file.src_uri))
    return markdown


@event_priority(-200)  # after the i18n plugin's own post-build, which runs the other languages
def on_post_build(config) -> None:
    if not i18n_is_building(config) and (OUTPUTS.runs or OUTPUTS.reused):
        log.info(f"exec blocks: {OUTPUTS.runs} run, {OUTPUTS.reused} shown again in the other edition, "
                 f"{OUTPUTS.own} run for a twin's own code ({OUTPUTS.replayed} earlier blocks run again)")
