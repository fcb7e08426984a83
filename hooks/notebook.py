"""The playground notebook's page (``docs/notebooks/*.ipynb``, rendered by mkdocs-jupyter).

- Executed once per version: mkdocs-jupyter's cache folder is named by a digest of the package (and of
  the versions of what runs the notebook), so the notebook runs again when it or the library changed,
  and not on a ``serve`` rebuild for an edited chapter. Each language build has a folder of its own
  inside it, because mkdocs-jupyter evicts from its folder what a build did not use. The folders of
  earlier versions are removed after the build.
- The kernels read a configuration of the build's own (``IPYTHONDIR``), which filters out the kernel's
  warning that it talks over TCP without encryption (to the build, on 127.0.0.1); neither that nor the
  reader's IPython startup files get into the build.
- A page of both editions: the i18n plugin rebuilds every file as a plain MkDocs ``File``, which counts
  only Markdown as a page, so the notebook would lose the page status mkdocs-jupyter gives it and be
  copied as raw JSON (ultrabug/mkdocs-static-i18n#198). Counting ``.ipynb`` as a page source lets the
  plugin pair ``playground.ipynb`` with ``playground.zh.ipynb`` like any twin; a notebook
  mkdocs-jupyter does not render is an error.
- The page gets a link to download the ``.ipynb`` (mkdocs-jupyter copies it next to the page).
- A picture a code cell draws gets the alt text written in that cell's metadata (``"alt"``), in the notebook's
  own language; nbconvert gives every such picture the same English placeholder.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
import sys
from pathlib import Path

import mkdocs.utils
from _shared import CACHE, ROOT, digest, files_under, versions
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

NOTEBOOK = ".ipynb"
# What runs the notebook: a new version of any of these executes it again.
RUNTIME = ("numpy", "matplotlib", "graphviz", "graphviz-pure", "ipykernel", "nbconvert", "noto-cjk-sans-otc")
KERNEL_CONFIG = '''\
# Written by hooks/notebook.py for the kernels that execute the site's notebooks.
# The build talks to its kernel over 127.0.0.1; the kernel's warning that this channel is not
# encrypted says nothing to a reader of the build log, so it is filtered out (nothing else is).
import logging


class _NoLoopbackTcpWarning(logging.Filter):
    def filter(self, record):
        return "running over TCP without encryption" not in record.getMessage()


logging.getLogger("IPKernelApp").addFilter(_NoLoopbackTcpWarning())
'''
# The download button's label and tooltip, by the page's language.
DOWNLOAD_LABELS = {None: ("Download", "Download the notebook, to run it in Jupyter"),
                   "zh": ("下载", "下载这个笔记本，在 Jupyter 里运行")}


def cached_jupyter(config):
    """The mkdocs-jupyter plugin when it caches executed notebooks, else None."""
    jupyter = config.plugins.get("mkdocs-jupyter")
    return jupyter if jupyter is not None and jupyter.config.get("cache") else None


def build_language(config) -> str:
    """The language this build writes (mkdocs-static-i18n builds the site once per language)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return "default"
    return i18n.current_language or i18n.default_language  # None until its first on_config


def configure_notebooks(config) -> None:
    jupyter = cached_jupyter(config)
    if jupyter is not None:
        key = digest(files_under("tinypytorch", pattern="*.py", root=ROOT), sys.version, *versions(*RUNTIME),
                     root=ROOT)
        jupyter.config["cache_dir"] = str(CACHE / "notebooks" / key[:20] / build_language(config))
    profile = CACHE / "ipython" / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    kernel_config = profile / "ipython_kernel_config.py"
    if not kernel_config.is_file() or kernel_config.read_text() != KERNEL_CONFIG:
        kernel_config.write_text(KERNEL_CONFIG)
    os.environ["IPYTHONDIR"] = str(profile.parent)


def prune_notebook_caches(config) -> None:
    """Remove the cache folders of earlier versions of the package."""
    jupyter = cached_jupyter(config)
    if jupyter is None:
        return
    current = Path(jupyter.config["cache_dir"]).parent  # <package digest>/<language>
    for folder in (CACHE / "notebooks").glob("*"):
        if folder.is_dir() and folder != current:
            shutil.rmtree(folder)


def notebook_download_link(html: str, page) -> str:
    """A link to the ``.ipynb`` under the page's title."""
    name = Path(page.file.src_uri).name
    label, title = DOWNLOAD_LABELS.get(getattr(page.file, "locale", None), DOWNLOAD_LABELS[None])
    link = (f'<p class="tp-notebook-download"><a class="md-button" href="{name}" download '
            f'title="{title}">{label} {name}</a></p>')
    head = re.search(r"</h1>", html)
    return html[:head.end()] + link + html[head.end():] if head else link + html


CELL_START = re.compile(r'<div\b[^>]*\bid="cell-id=(?P<id>[^"]+)"')
IMAGE_ALT = re.compile(r'(<img\b[^>]*?\balt=")[^"]*(")')


def cell_alt_texts(html: str, notebook: dict) -> str:
    """``html`` (a rendered notebook) with each picture of a code cell described by that cell's ``alt``."""
    alts = {cell.get("id"): cell.get("metadata", {}).get("alt") for cell in notebook.get("cells", [])}
    starts = list(CELL_START.finditer(html))
    out, last = [], 0
    for here, after in zip(starts, [*starts[1:], None]):
        end = after.start() if after else len(html)
        alt = alts.get(here["id"])
        if alt:
            out += [html[last:here.start()],
                    IMAGE_ALT.sub(lambda m: m[1] + html_lib.escape(alt, quote=True) + m[2], html[here.start():end])]
            last = end
    return "".join(out) + html[last:]


def on_config(config):
    if NOTEBOOK not in mkdocs.utils.markdown_extensions:
        mkdocs.utils.markdown_extensions = (*mkdocs.utils.markdown_extensions, NOTEBOOK)
    configure_notebooks(config)
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


def on_page_content(html: str, page, config, files) -> str:
    if not page.file.src_uri.endswith(NOTEBOOK):
        return html
    notebook = json.loads(Path(page.file.abs_src_path).read_text(encoding="utf-8"))
    return notebook_download_link(cell_alt_texts(html, notebook), page)


@event_priority(-100)
def on_post_build(config) -> None:
    prune_notebook_caches(config)
