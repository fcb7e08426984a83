"""MkDocs hooks for the TinyPytorch site (listed under ``hooks:`` in mkdocs.yml).

1. Figures. ``on_startup`` runs ``scripts/build_figures.py`` once per ``mkdocs build``/``serve``
   (it returns at once when nothing the figures are made from changed; set
   ``TINYPYTORCH_SKIP_FIGURES=1`` to skip it when they were just built, as ``scripts/run.py serve``
   and the tests do). While serving, every rebuild redraws the figures of each step whose listings
   (``docs/listings/stepNN_*``) or figure module (``scripts/figures/stepNN.py``) changed, with
   ``build_figures.py --step NN``, and all of them when the package or the figure driver changed.
2. MathJax. ``on_files`` copies MathJax 3 from the installed ``django-static-mathjax`` wheel
   (Apache-2.0; a ``docs`` extra) into the site at ``javascripts/vendor/mathjax/``, so math renders
   offline, with no CDN.
3. Output blocks. What a markdown-exec block prints is shown in a code block of its own; the hook
   gives that block the class ``tp-output`` (and Material's ``no-copy``), which the stylesheet
   labels "Output" and sets apart from source code.
4. The notebook. mkdocs-jupyter's cache folder is named by a digest of the package (and of the
   versions of what runs the notebook), so the notebook is executed again when it or the library
   changed, and not on a serve rebuild for an edited chapter; each language build has a folder of
   its own inside it (English and Chinese notebook twins). The kernel's warning that it talks
   over TCP without encryption (to the build, on 127.0.0.1) is filtered out. The page gets a link
   to download the ``.ipynb``.
5. Serving. A page whose Markdown, included files (``--8<--``) and shared inputs (package,
   scripts, benchmark data, configuration, the list of pages) did not change since the previous
   rebuild is not rendered again: its HTML is reused, so an edited chapter or listing shows after
   its own page's code blocks ran, not everybody's. API pages
   (``:::`` directives) always render: they register the cross-reference targets. ``mkdocs build``
   renders every page.
6. Search. The search index keeps the TeX source of the math; its previews get a plain-text
   reading of it instead (``hooks/tex_text.py``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

if str(Path(__file__).resolve().parent) not in sys.path:  # MkDocs adds it only while loading us
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from tex_text import math_to_text  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"  # git-ignored
LISTINGS = ROOT / "docs" / "listings"
FIGURE_MODULES = ROOT / "scripts" / "figures"
BUILD_FIGURES = ROOT / "scripts" / "build_figures.py"
MATHJAX_DEST = "javascripts/vendor/mathjax"
# The combined component the site loads, and what it may load lazily
# (TeX extensions, fonts, the context menu and its accessibility tools).
MATHJAX_ENTRY = "tex-chtml.js"
MATHJAX_DIRS = ("input", "output", "ui", "a11y", "adaptors", "sre")
# What runs the notebook: a new version of any of these executes it again.
NOTEBOOK_RUNTIME = ("numpy", "matplotlib", "graphviz", "graphviz-pure", "ipykernel", "nbconvert")
OUTPUT_CLASSES = "tp-output no-copy"

log = logging.getLogger("mkdocs.hooks.tinypytorch")

# State kept for the whole `mkdocs serve` session (MkDocs loads a hook module once and calls the
# same functions on every rebuild).
SESSION: dict = {"serving": False, "figure_inputs": None, "pages": {}, "shared": None}


def digest(paths, *extra: str) -> str:
    """SHA-256 over the given files (name and bytes, in the given order) and strings."""
    h = hashlib.sha256()
    for path in paths:
        h.update(f"{Path(path).relative_to(ROOT).as_posix()}\0".encode())
        h.update(Path(path).read_bytes())
    for text in extra:
        h.update(f"\0{text}".encode())
    return h.hexdigest()


def files_under(*folders: str, pattern: str = "*") -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob(pattern))
            if p.is_file() and "__pycache__" not in p.parts]


def versions(*dists: str) -> list[str]:
    found = []
    for dist in dists:
        try:
            found.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{dist} absent")
    return found


# --- 1. Figures -----------------------------------------------------------------------------


def figure_inputs() -> dict[str, str]:
    """What the figures are made from: ``shared`` (the package, the driver and the registry) and,
    per step ``NN``, its figure module and its listings."""
    inputs = {"shared": digest([BUILD_FIGURES, FIGURE_MODULES / "__init__.py",
                                *files_under("tinypytorch", pattern="*.py")])}
    for module in sorted(FIGURE_MODULES.glob("step[0-9][0-9].py")):
        step = module.stem[4:]
        inputs[step] = digest([module, *sorted(p for p in LISTINGS.glob(f"step{step}_*") if p.is_file())])
    return inputs


def run_figure_build(*args: str) -> bool:
    log.info("figures: running scripts/build_figures.py %s", " ".join(args))
    return subprocess.call([sys.executable, str(BUILD_FIGURES), *args], cwd=ROOT) == 0


def on_startup(command: str, dirty: bool) -> None:
    if command not in ("build", "serve", "gh-deploy"):
        return
    SESSION["serving"] = command == "serve"
    if os.environ.get("TINYPYTORCH_SKIP_FIGURES"):
        log.info("figures: skipped (TINYPYTORCH_SKIP_FIGURES is set)")
    elif not run_figure_build():
        raise PluginError("scripts/build_figures.py failed; see its output above")
    if SESSION["serving"]:
        SESSION["figure_inputs"] = figure_inputs()


def redraw_changed_figures() -> None:
    """While serving: redraw the figures of the steps whose inputs changed since the last build."""
    before, now = SESSION["figure_inputs"], figure_inputs()
    if before is None or now == before:
        return
    if now["shared"] != before["shared"] or now.keys() != before.keys():
        ok = run_figure_build()
    else:
        steps = [step for step in now if step != "shared" and now[step] != before[step]]
        ok = run_figure_build(*(arg for step in steps for arg in ("--step", step)))
    if ok:
        SESSION["figure_inputs"] = now
    else:  # keep the old digests, so the next rebuild tries again
        log.error("figures: the figure build failed (see above); the pages show the previous figures")


# --- 4. The notebook ------------------------------------------------------------------------

KERNEL_CONFIG = '''\
# Written by hooks/tinypytorch_site.py for the kernels that execute the site's notebooks.
# The build talks to its kernel over 127.0.0.1; the kernel's warning that this channel is not
# encrypted says nothing to a reader of the build log, so it is filtered out (nothing else is).
import logging


class _NoLoopbackTcpWarning(logging.Filter):
    def filter(self, record):
        return "running over TCP without encryption" not in record.getMessage()


logging.getLogger("IPKernelApp").addFilter(_NoLoopbackTcpWarning())
'''


def build_language(config) -> str:
    """The language this build writes (mkdocs-static-i18n builds the site once per language)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return "default"
    return i18n.current_language or i18n.default_language  # None until its first on_config


def configure_notebooks(config) -> None:
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None and jupyter.config.get("cache"):
        key = digest(files_under("tinypytorch", pattern="*.py"), sys.version,
                     *versions(*NOTEBOOK_RUNTIME))
        # One folder per language: mkdocs-jupyter evicts, after each build, the entries of its
        # folder that this build did not use, so a shared folder lost each language's notebook in
        # the other language's build and both ran again every time.
        jupyter.config["cache_dir"] = str(CACHE / "notebooks" / key[:20] / build_language(config))
    # The kernels nbconvert starts read their configuration from IPYTHONDIR: a profile of the
    # build's own, so neither the reader's IPython startup files nor the TCP warning get in.
    profile = CACHE / "ipython" / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    kernel_config = profile / "ipython_kernel_config.py"
    if not kernel_config.is_file() or kernel_config.read_text() != KERNEL_CONFIG:
        kernel_config.write_text(KERNEL_CONFIG)
    os.environ["IPYTHONDIR"] = str(profile.parent)


def prune_notebook_caches(config) -> None:
    """Remove the cache folders of earlier versions of the package."""
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is None or not jupyter.config.get("cache"):
        return
    current = Path(jupyter.config["cache_dir"]).parent  # <package digest>/<language>
    for folder in (CACHE / "notebooks").glob("*"):
        if folder.is_dir() and folder != current:
            shutil.rmtree(folder)


# The download button's label and tooltip, by the page's language (the Chinese edition's
# notebook twin is playground.zh.ipynb).
DOWNLOAD_LABELS = {None: ("Download", "Download the notebook, to run it in Jupyter"),
                   "zh": ("下载", "下载这个笔记本，在 Jupyter 里运行")}


def notebook_download_link(html: str, page) -> str:
    """A link to the ``.ipynb`` (mkdocs-jupyter copies it next to the page), under the title."""
    name = Path(page.file.src_uri).name
    label, title = DOWNLOAD_LABELS.get(getattr(page.file, "locale", None), DOWNLOAD_LABELS[None])
    link = (f'<p class="tp-notebook-download"><a class="md-button" href="{name}" download '
            f'title="{title}">{label} {name}</a></p>')
    head = re.search(r"</h1>", html)
    return html[:head.end()] + link + html[head.end():] if head else link + html


# --- 3. Output blocks -----------------------------------------------------------------------

CODE_BLOCK = re.compile(r'<div class="(language-[^"]*\bhighlight\b[^"]*)"')


def mark_output(html: str, options: dict) -> str:
    """Add the output classes to the block of ``html`` (markdown-exec's rendering of one fence)
    that shows what the code printed."""
    if not options.get("result") or options.get("html"):
        return html  # no output block (nothing printed, or printed as HTML)
    if options.get("result") == "python":
        return html  # what it printed is Python source (inspect.getsource): code, shown as code
    where = options.get("source") or ""
    if where not in ("", "above", "below"):
        return html  # tabbed (its tab says "Result") or console (prompt and output together)
    blocks = list(CODE_BLOCK.finditer(html))
    if not blocks:
        return html
    block = blocks[0] if where == "below" else blocks[-1]
    return (html[:block.start(1)] + f"{block.group(1)} {OUTPUT_CLASSES}" + html[block.end(1):])


def wrap_exec_formatter(format_fn):
    from markupsafe import Markup

    @functools.wraps(format_fn)
    def format_and_mark(src, language, css_class, options, md, **kwargs):
        return Markup(mark_output(str(format_fn(src, language, css_class, options, md, **kwargs)),
                                  options))

    format_and_mark.tinypytorch_marks_output = True
    return format_and_mark


def mark_exec_outputs(config) -> None:
    """Wrap the fence formatters that markdown-exec registered (in its on_config, before ours)."""
    fences = config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", [])
    found = 0
    for fence in fences:
        fmt = fence.get("format")
        if getattr(fmt, "tinypytorch_marks_output", False):
            found += 1  # wrapped by an earlier on_config
        elif getattr(fmt, "__module__", "").startswith("markdown_exec"):
            fence["format"] = wrap_exec_formatter(fmt)
            found += 1
    if not found:
        raise PluginError("hooks: markdown-exec registered no fences to mark the output of "
                          "(is the markdown-exec plugin listed in mkdocs.yml?)")


# --- 5. Serving: render only the pages whose inputs changed --------------------------------


SNIPPET = re.compile(r'--8<--\s+"([^":]+)(?::[^"]*)?"')


def shared_page_inputs(files: Files) -> str:
    """A digest of what any page's code blocks may read, and of the list of pages."""
    paths = [*files_under("tinypytorch", "scripts", "hooks", "docs/bench"),
             ROOT / "mkdocs.yml", ROOT / "pyproject.toml"]
    return digest(paths, *sorted(f.src_uri for f in files.documentation_pages()))


def page_inputs(markdown: str) -> str:
    """A digest of a page: its Markdown, the files it includes (``--8<-- "path"``) and the shared
    inputs. An include written another way counts every listing in."""
    included = [ROOT / m.group(1) for m in SNIPPET.finditer(markdown)]
    if markdown.count("--8<--") != len(included):
        included += files_under("docs/listings")
    existing = [p for p in dict.fromkeys(included) if p.is_file()]
    missing = [str(p) for p in included if not p.is_file()]  # the render will say so
    return digest(existing, SESSION["shared"], markdown, *missing)


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def reuse_unchanged_render(page) -> None:
    """Wrap ``page.render`` so that an unchanged page takes its HTML from the previous rebuild.

    Pages are told apart by where they are written: with the English fallback, one Markdown file
    is also the Chinese page under /zh/, whose relative links differ."""
    render = page.render

    def render_or_reuse(config, files) -> None:
        if re.search(r"^\s*:::", page.markdown, re.M):
            return render(config, files)  # API page: mkdocstrings registers targets as it renders
        key = page_inputs(page.markdown)
        cached = SESSION["pages"].get(page.file.dest_uri)
        if cached and cached["key"] == key:
            page.content, page.toc = cached["content"], cached["toc"]
            page._title_from_render = cached["title"]
            page.present_anchor_ids = cached["anchors"]
            page.links_to_anchors = None  # checked when it was rendered
            return None
        warnings = _Warnings()
        logging.getLogger("mkdocs").addHandler(warnings)
        try:
            render(config, files)
        finally:
            logging.getLogger("mkdocs").removeHandler(warnings)
        if warnings.count:  # render it again next time, so the warning is seen again
            SESSION["pages"].pop(page.file.dest_uri, None)
        else:
            SESSION["pages"][page.file.dest_uri] = {
                "key": key, "content": page.content, "toc": page.toc,
                "title": getattr(page, "_title_from_render", None),
                "anchors": page.present_anchor_ids}
        return None

    page.render = render_or_reuse


# --- Events ---------------------------------------------------------------------------------


def on_config(config):
    mark_exec_outputs(config)
    configure_notebooks(config)
    return config


def on_pre_build(config) -> None:
    SESSION["build_started"] = time.perf_counter()
    if SESSION["serving"]:
        redraw_changed_figures()


def mathjax_dir() -> Path:
    try:
        import mathjax  # provided by the django-static-mathjax wheel; needs no Django
    except ImportError:
        raise PluginError(
            "MathJax is missing: install the docs extra (`pip install -e .[docs]`, "
            "which brings django-static-mathjax)"
        ) from None
    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (es5 / MATHJAX_ENTRY).is_file():
        raise PluginError(f"MathJax files not found in {es5}; reinstall django-static-mathjax")
    return es5


def on_files(files: Files, config) -> Files:
    es5 = mathjax_dir()
    paths = [es5 / MATHJAX_ENTRY, es5.parent / "LICENSE"]
    for sub in MATHJAX_DIRS:
        paths.extend(p for p in sorted((es5 / sub).rglob("*")) if p.is_file())
    for path in paths:
        rel = "LICENSE" if path.name == "LICENSE" and path.parent == es5.parent else path.relative_to(es5).as_posix()
        files.append(File.generated(config, f"{MATHJAX_DEST}/{rel}", abs_src_path=str(path)))
    if SESSION["serving"]:
        SESSION["shared"] = shared_page_inputs(files)
    return files


def on_pre_page(page, config, files):
    if SESSION["serving"] and page.file.src_uri.endswith(".md"):
        reuse_unchanged_render(page)
    return page


def on_page_content(html: str, page, config, files) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        return notebook_download_link(html, page)
    return html


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config) -> None:
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.is_file():
        data = json.loads(index.read_text(encoding="utf-8"))
        for doc in data.get("docs", []):
            for field in ("title", "text"):
                if field in doc:
                    doc[field] = math_to_text(doc[field])
        tmp = index.with_name(f".{index.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, index)
    prune_notebook_caches(config)
