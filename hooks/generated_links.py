"""MkDocs hook: links in generated output lead where the page's own links lead.

MkDocs turns a page's ``[Step 26](steps/step26.md)`` into the URL of that page, relative to the page, in each
edition. Markdown that a markdown-exec block prints is converted apart from the page, so its links to ``.md``
files reached the HTML as they were written (``href="steps/step26.md"``) and led to a 404 (the benchmarks
page's workload list, in both editions). This hook resolves every such link after the page is rendered, the
way MkDocs resolves the page's own: relative to the page's source, through the build's files (so a Chinese
page gets the Chinese twin), anchor kept. A link to a ``.md`` file that is not part of the site is a warning,
which fails ``mkdocs build --strict``.
"""

from __future__ import annotations

import logging
import posixpath
import re

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.generated_links")

# href="<relative path>.md" or "...md#anchor" (not a URL with a scheme, not site-absolute).
SOURCE_LINK = re.compile(r'''(?P<attr>\bhref=)(?P<q>["'])(?P<path>(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)[^"'#?]+\.md)'''
                         r'''(?P<anchor>#[^"']*)?(?P=q)''')


def resolve_source_links(html: str, page, files) -> str:
    """``html`` with each link to a Markdown source replaced by the URL of its page, relative to ``page``."""
    base = posixpath.dirname(page.file.src_uri)

    def url(match: re.Match) -> str:
        target_uri = posixpath.normpath(posixpath.join(base, match["path"]))
        target = files.get_file_from_path(target_uri)
        if target is None or not target.is_documentation_page():
            log.warning(f"{page.file.src_uri}: generated output links to '{match['path']}', "
                        f"which is not a page of the site")
            return match.group(0)
        href = target.url_relative_to(page.file) + (match["anchor"] or "")
        return f'{match["attr"]}{match["q"]}{href}{match["q"]}'

    return SOURCE_LINK.sub(url, html)


@event_priority(-50)  # after the page's Markdown (markdown-exec output included) became HTML
def on_page_content(html, page, config, files):
    return resolve_source_links(html, page, files)
