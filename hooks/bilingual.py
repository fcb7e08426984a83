"""MkDocs hooks for the two editions of the site (English at the root, Chinese under /zh/).

mkdocs-static-i18n builds the site once per language. Two things go wrong on this stack without
these hooks:

1. ``on_post_page``: drop the ``<link rel="alternate" hreflang="...">`` tags from each page's head.
   Material's JavaScript fetches ``sitemap.xml`` relative to every such link; the plugin points them
   at the page itself (``/steps/step25/``), so every page asked for ``/steps/step25/sitemap.xml``
   and logged a 404 in the console. The language switcher does not need them: its own links
   (``<a class="md-select__link" hreflang>``) already lead to the twin page, and the plugin's
   ``sitemap.xml`` carries the same hreflang pairs for search engines.
2. ``on_config`` / ``on_files``: keep the notebooks pages. The plugin rebuilds every file as a plain
   MkDocs ``File``, which counts only Markdown as a page, so ``notebooks/*.ipynb`` lost the page
   status mkdocs-jupyter gives it and was copied as raw JSON to ``notebooks/playground/index.html``
   (ultrabug/mkdocs-static-i18n#198). Counting ``.ipynb`` as a page source lets the plugin pair
   ``playground.ipynb`` with ``playground.zh.ipynb`` like any twin; mkdocs-jupyter still renders it.
"""

from __future__ import annotations

import re

import mkdocs.utils
from mkdocs.exceptions import PluginError

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
