"""The page heads of both editions carry no ``<link rel="alternate" hreflang="...">`` tags.

Material's JavaScript fetches ``sitemap.xml`` relative to every such link, and mkdocs-static-i18n
points them at the page itself (``/steps/step25/``), so with them every page would ask for
``/steps/step25/sitemap.xml`` and log a 404 in the console. The language switcher does not need
them: its own links (``<a class="md-select__link" hreflang>``) already lead to the twin page, and the
plugin's ``sitemap.xml`` carries the same hreflang pairs for search engines.
"""

from __future__ import annotations

import re

# An alternate-language link in the page head (not the RSS alternates, which have no hreflang).
HREFLANG_LINK = re.compile(r"""[ \t]*<link\b(?=[^>]*\brel=["']?alternate\b)(?=[^>]*\bhreflang=)[^>]*>\n?""")


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
