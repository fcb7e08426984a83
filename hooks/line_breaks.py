"""MkDocs hook: the punctuation that closes a formula's (or inline code's) sentence stays on its line.

An inline formula is one unbreakable box once MathJax has typeset it, and Material lets inline code break
anywhere (``word-break: break-word``): at phone width Chromium broke the line right after either, so 「。」 or
「，」 started the next line, which Chinese typesetting never allows (and English would not put a comma there
either). Each inline formula (arithmatex's ``<span class="arithmatex">``) or inline ``<code>`` followed by
closing punctuation is wrapped, with that punctuation, in ``<span class="tp-nobr">``: the stylesheet forbids a
break between the two and leaves the code inside breakable (docs/stylesheets/extra.css). A formula as wide as
its whole line cannot keep the punctuation on it without running off a phone's screen:
docs/javascripts/line-breaks.js lets such a span break again. Display math and code blocks are left alone. Checked in Chromium at 390 px by tests/site/test_browser_zh_line_starts.py.
"""

from __future__ import annotations

import re

# Closing punctuation that must not start a line (full-width, and the ASCII marks of English prose).
CLOSING = "。，；：、）！？」』》.,;:!?)"
INLINE_BOX = re.compile(
    r'(?P<box><span class="arithmatex">\\\((?:(?!</span>).)*\\\)</span>|<code(?:\s[^>]*)?>(?:(?!</?code\b).)*</code>)'
    rf"(?P<closing>[{re.escape(CLOSING)}]+)", re.S)


def keep_closing_punctuation_on_the_line(html: str) -> str:
    """``html`` with each inline formula or inline code and the closing punctuation right after it in one
    no-break span."""
    return INLINE_BOX.sub(lambda m: f'<span class="tp-nobr">{m["box"]}{m["closing"]}</span>', html)


def on_page_content(html: str, page, config, files) -> str:
    return keep_closing_punctuation_on_the_line(html)
