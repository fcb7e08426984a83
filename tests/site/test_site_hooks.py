"""The site's MkDocs hooks (hooks/*.py, one concern each) piece by piece, and the serve command's port
check: fast, no site build (test_site.py and test_browser.py check the built site; test_commands.py
serves it; the two-edition hooks are in test_site_i18n.py)."""

from __future__ import annotations

import importlib.util
import logging
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import ROOT

HOOKS = ROOT / "hooks"


def load(name: str):
    """A fresh copy of hooks/<name>.py, loaded as MkDocs loads it (hooks/ on sys.path meanwhile)."""
    spec = importlib.util.spec_from_file_location(f"_tp_test_{name}", HOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, str(HOOKS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(HOOKS))
    return module


def test_mkdocs_lists_every_hook():
    """Each hook file does one thing and mkdocs.yml lists it (a hook not listed would never run)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    listed = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)["hooks"]
    files = sorted(f"hooks/{p.name}" for p in HOOKS.glob("*.py") if not p.name.startswith("_"))
    assert sorted(listed) == [f for f in files if f != "hooks/step_links.py"]  # step_links: a griffe extension


@pytest.fixture(scope="module")
def blocks():
    return load("output_blocks")


@pytest.fixture(scope="module")
def figures_hook():
    return load("figures")


@pytest.fixture(scope="module")
def cache():
    return load("serve_cache")


@pytest.fixture(scope="module")
def notebook():
    return load("notebook")


@pytest.fixture(scope="module")
def tex():
    return load("search_text")


# --- search previews -----------------------------------------------------------------------

@pytest.mark.parametrize("html, text", [
    (r"near \(x\):", "near x:"),
    (r"\(\frac{\partial y}{\partial x}\)", "∂y/∂x"),
    (r"\[ f'(x) \approx \frac{f(x + \varepsilon) - f(x - \varepsilon)}{2\varepsilon} . \]",
     "f'(x) ≈ (f(x + ε) - f(x - ε))/2ε."),
    (r"\(\frac{d^n}{dx^n}\sin x = \sin\!\left(x + \frac{n\pi}{2}\right)\)", "dⁿ/dxⁿ sin x = sin(x + nπ/2)"),
    (r"\(x_0^2 + x_{k+1}\)", "x₀² + xₖ₊₁"),
    (r"\(e^{-x^2}\)", "e^(-x²)"),
    (r"\(H = \begin{pmatrix} 802 & -400 \\ -400 & 200 \end{pmatrix}\)", "H = (802, -400; -400, 200)"),
    (r"\(\sin x \;\xrightarrow{\;d/dx\;}\; \cos x\)", "sin x → cos x"),
    (r"$$\lVert \nabla f \rVert^2$$ and $y^2$", "‖∇f ‖² and y²"),
    (r"<code>\(x\) costs $5 and $6</code>", r"<code>\(x\) costs $5 and $6</code>"),  # code stays
])
def test_math_reads_as_text(tex, html, text):
    assert tex.math_to_text(html) == text


# --- output blocks -------------------------------------------------------------------------

SOURCE = '<div class="language-python highlight"><pre><code>print(1)</code></pre></div>'
RESULT = '<div class="language-text highlight"><pre><code>1</code></pre></div>'
MARKED = '<div class="language-text highlight tp-output no-copy"><pre><code>1</code></pre></div>'


@pytest.mark.parametrize("options, html, expected", [
    ({"result": "text", "source": "above"}, SOURCE + RESULT, SOURCE + MARKED),
    ({"result": "text", "source": ""}, RESULT, MARKED),
    ({"result": "text", "source": "below"}, RESULT + SOURCE, MARKED + SOURCE),
    ({"result": "", "source": "above"}, SOURCE + RESULT, SOURCE + RESULT),          # no output block
    ({"result": "text", "html": True}, SOURCE, SOURCE),                           # output is HTML
    ({"result": "text", "source": "tabbed-left"}, SOURCE + RESULT, SOURCE + RESULT),  # tab says so
])
def test_the_output_block_is_marked(blocks, options, html, expected):
    assert blocks.mark_output(html, options) == expected


def test_markdown_exec_fences_are_wrapped_once(blocks):
    from markdown_exec import formatter

    fences = [{"name": "python", "format": formatter}, {"name": "mermaid", "format": print}]
    config = SimpleNamespace(mdx_configs={"pymdownx.superfences": {"custom_fences": fences}})
    blocks.mark_exec_outputs(config)
    blocks.mark_exec_outputs(config)  # MkDocs may call on_config again: still one wrapper
    assert fences[0]["format"].tinypytorch_marks_output and fences[0]["format"].__wrapped__ is formatter
    assert fences[1]["format"] is print


def test_no_markdown_exec_is_an_error(blocks):
    from mkdocs.exceptions import PluginError

    config = SimpleNamespace(mdx_configs={"pymdownx.superfences": {"custom_fences": []}})
    with pytest.raises(PluginError, match="markdown-exec"):
        blocks.mark_exec_outputs(config)


# --- figures: the hook runs the figure build when the build script says so --------------------

@pytest.fixture
def figure_builds(figures_hook, monkeypatch):
    """The hook with a fake build script: ``state["stale"]`` is its answer, ``state["ok"]`` how a build ends."""
    state = {"stale": False, "ok": True, "builds": 0}
    monkeypatch.setattr(figures_hook.build_figures, "out_of_date", lambda: state["stale"])

    def build():
        state["builds"] += 1
        return state["ok"]

    monkeypatch.setattr(figures_hook, "run_figure_build", build)
    return state


CONFIG = SimpleNamespace(plugins={})


def test_figures_are_drawn_only_when_out_of_date(figures_hook, figure_builds, monkeypatch):
    figures_hook.on_pre_build(CONFIG)
    assert figure_builds["builds"] == 0
    figure_builds["stale"] = True
    figures_hook.on_pre_build(CONFIG)
    assert figure_builds["builds"] == 1
    i18n = SimpleNamespace(plugins={"i18n": SimpleNamespace(building=True)})
    figures_hook.on_pre_build(i18n)  # the other language's build inside the first: drawn already
    monkeypatch.setattr(figures_hook.SERVE, "quick_start", True)
    figures_hook.on_pre_build(CONFIG)  # serve's first build shows no figure: the next one draws them
    assert figure_builds["builds"] == 1


def test_a_failed_figure_build_fails_the_build(figures_hook, figure_builds):
    from mkdocs.exceptions import PluginError

    figure_builds.update(stale=True, ok=False)
    with pytest.raises(PluginError, match="build_figures.py failed"):
        figures_hook.on_pre_build(CONFIG)


def test_while_serving_a_failed_figure_build_is_tried_again(figures_hook, figure_builds, caplog, monkeypatch):
    figure_builds.update(stale=True, ok=False)
    monkeypatch.setattr(figures_hook.SERVE, "serving", True)
    figures_hook.on_pre_build(CONFIG)
    figures_hook.on_pre_build(CONFIG)
    assert figure_builds["builds"] == 2 and "figure build failed" in caplog.text


def served_docs_reports(figures_hook, tmp_path, caplog, deaf_to_figures: bool) -> list[str]:
    """The changes a real MkDocs server reports (and rebuilds for) when a figure and a page change in its
    docs/: the handler its ``watch`` gives the watchdog observer gets one event for each."""
    from mkdocs.livereload import LiveReloadServer
    from watchdog.events import FileCreatedEvent, FileModifiedEvent

    docs = tmp_path / "docs"
    (docs / "figures").mkdir(parents=True)
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path / "site"))
    handlers = []
    schedule = server.observer.schedule

    def record(handler, path, **options):
        handlers.append(handler)
        return schedule(handler, path, **options)

    server.observer.schedule = record
    server.watch(str(docs))  # as `mkdocs serve` does before the hooks' on_serve
    if deaf_to_figures:
        figures_hook.on_serve(server, SimpleNamespace(docs_dir=str(docs)), builder=None)
    caplog.set_level(logging.DEBUG, logger="mkdocs.livereload")
    for event in (FileCreatedEvent(str(docs / "figures" / "step25-x.svg")), FileModifiedEvent(str(docs / "page.md"))):
        handlers[-1].dispatch(event)
    return [Path(r.getMessage().split("src_path='")[1].split("'")[0]).name for r in caplog.records
            if "src_path=" in r.getMessage()]


def test_while_serving_a_drawn_figure_is_no_change_to_rebuild_for(figures_hook, tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(figures_hook.build_figures, "DEFAULT_OUT", tmp_path / "docs" / "figures")
    assert served_docs_reports(figures_hook, tmp_path, caplog, deaf_to_figures=True) == ["page.md"]


def test_mkdocs_alone_would_rebuild_for_a_drawn_figure(figures_hook, tmp_path, caplog):
    assert served_docs_reports(figures_hook, tmp_path, caplog, deaf_to_figures=False) == ["step25-x.svg", "page.md"]


# --- serve: pages whose inputs did not change are not rendered again -------------------------

class FakePage:
    def __init__(self, markdown: str, src_uri: str = "steps/step27.md", dest_uri: str | None = None):
        self.markdown = markdown
        self.file = SimpleNamespace(src_uri=src_uri,
                                    dest_uri=dest_uri or src_uri.replace(".md", "/index.html"))
        self.renders = 0

    @property
    def title(self):
        return getattr(self, "_title_from_render", None)

    def render(self, config, files):
        self.renders += 1
        self.content, self.toc = f"<p>{self.markdown} #{self.renders}</p>", ["toc"]
        self._title_from_render, self.present_anchor_ids = "Title", {"a"}
        self.links_to_anchors = {}
        if "warn" in self.markdown:
            logging.getLogger("mkdocs.plugins.markdown_exec").warning("exec failed")


@pytest.fixture
def serving(cache, tmp_path, monkeypatch):
    (tmp_path / "docs/listings").mkdir(parents=True)
    (tmp_path / "docs/listings/step27_a.py").write_text("print(1)\n")
    monkeypatch.setattr(cache, "ROOT", tmp_path)
    monkeypatch.setattr(cache, "SERVED", cache.ServeCache(shared="shared-1"))
    monkeypatch.setattr(cache.SERVE, "serving", True)
    return tmp_path


def rebuild(cache, markdown, src_uri="steps/step27.md", dest_uri=None):
    page = FakePage(markdown, src_uri, dest_uri)
    cache.reuse_unchanged_render(page)
    page.render(None, None)
    return page


def test_an_unchanged_page_is_not_rendered_again(cache, serving, monkeypatch):
    text = 'Step 27\n\n--8<-- "docs/listings/step27_a.py"\n'
    first = rebuild(cache, text)
    assert first.renders == 1
    again = rebuild(cache, text)
    assert again.renders == 0 and again.content == first.content and again.toc == first.toc
    assert again.present_anchor_ids == {"a"} and again.links_to_anchors is None

    assert rebuild(cache, text + "\nedited").renders == 1                 # the page changed
    (serving / "docs/listings/step27_a.py").write_text("print(2)\n")
    assert rebuild(cache, text + "\nedited").renders == 1                 # what it includes changed
    cache.SERVED.shared = "shared-2"
    assert rebuild(cache, text + "\nedited").renders == 1                 # the package (etc.) changed
    assert rebuild(cache, text + "\nedited").renders == 0


def test_the_chinese_build_of_an_english_page_is_a_page_of_its_own(cache, serving):
    """With the English fallback, steps/step27.md is also written to zh/steps/step27/ (other
    relative links): each build of it renders once and reuses only its own HTML."""
    text = 'Step 27\n\n--8<-- "docs/listings/step27_a.py"\n'
    english = rebuild(cache, text)
    chinese = rebuild(cache, text, dest_uri="zh/steps/step27/index.html")
    assert english.renders == 1 and chinese.renders == 1
    assert rebuild(cache, text).renders == 0
    assert rebuild(cache, text, dest_uri="zh/steps/step27/index.html").renders == 0


def test_api_pages_and_pages_that_warned_always_render(cache, serving):
    api = "# core\n\n::: tinypytorch.core\n"
    assert rebuild(cache, api, "api/core.md").renders == 1
    assert rebuild(cache, api, "api/core.md").renders == 1  # mkdocstrings registers its targets
    warned = "a page whose code block warns"
    assert rebuild(cache, warned).renders == 1
    assert rebuild(cache, warned).renders == 1              # so the warning is seen again


# --- serve: the home page first, then the rest ---------------------------------------------------

@pytest.fixture
def quick_start(monkeypatch, tmp_path):
    start = load("serve_start")
    monkeypatch.setattr(start.SERVE, "quick_start", True)
    monkeypatch.setattr(start, "TRIGGER", tmp_path / "serve" / "build-the-rest")
    return start


def test_the_first_serve_build_renders_the_home_page_alone(quick_start):
    home = FakePage("# TinyPytorch\n\nText.", "index.md")
    chapter = FakePage("# Step 25 — graphs\n\n```python exec=\"on\"\nprint(1)\n```", "steps/step25.md")
    twin = FakePage("# 步骤 25 — 计算图\n", "steps/step25.zh.md")
    twin.file.locale = "zh"
    for page in (home, chapter, twin):
        quick_start.on_pre_page(page, None, None)
        page.render(None, None)
    assert home.renders == 1 and chapter.renders == 0 and twin.renders == 0
    assert chapter.content == ('<h1>Step 25 — graphs</h1>\n<p class="tp-being-built">This page is being '
                               'built; it appears here by itself in a moment.</p>')
    assert chapter.title == "Step 25 — graphs" and chapter.present_anchor_ids is None
    assert "本页正在生成" in twin.content and twin.title == "步骤 25 — 计算图"
    quick_start.on_post_build(SimpleNamespace(plugins={}))  # the quick build is over: the next renders all
    later = FakePage("# Step 25 — graphs\n", "steps/step25.md")
    quick_start.on_pre_page(later, None, None)
    later.render(None, None)
    assert later.renders == 1


def test_the_rest_is_asked_for_once_the_server_serves(quick_start, caplog):
    caplog.set_level(logging.INFO, logger="mkdocs.livereload")
    watched = []
    server = SimpleNamespace(watch=watched.append)
    assert quick_start.on_serve(server, None, None) is server
    assert watched == [str(quick_start.TRIGGER.parent)] and not quick_start.TRIGGER.exists()
    livereload = logging.getLogger("mkdocs.livereload")
    livereload.info("Watching paths for changes: 'docs'")
    assert not quick_start.TRIGGER.exists()
    livereload.info("[23:13:31] Serving on http://127.0.0.1:8000/")  # as MkDocs' server logs it
    assert quick_start.TRIGGER.is_file()
    assert not any(isinstance(h, quick_start.AskForTheRest) for h in livereload.handlers)  # asked once


# --- the notebook ------------------------------------------------------------------------------

def test_the_notebook_cache_follows_the_package(notebook, tmp_path, monkeypatch):
    (tmp_path / "tinypytorch").mkdir()
    (tmp_path / "tinypytorch/core.py").write_text("x = 1\n")
    monkeypatch.setattr(notebook, "ROOT", tmp_path)
    monkeypatch.setattr(notebook, "CACHE", tmp_path / ".cache")
    monkeypatch.setenv("IPYTHONDIR", "/somewhere/else")
    jupyter = SimpleNamespace(config={"cache": True, "cache_dir": ".cache/mkdocs-jupyter"})
    i18n = SimpleNamespace(current_language=None, default_language="en")
    config = SimpleNamespace(plugins={"mkdocs-jupyter": jupyter, "i18n": i18n})
    notebook.configure_notebooks(config)
    first = jupyter.config["cache_dir"]
    notebook.configure_notebooks(config)
    assert jupyter.config["cache_dir"] == first and Path(first).name == "en"
    # the Chinese build keeps its notebook in a folder of its own, beside the English one (the
    # plugin evicts what a build did not use from its folder)
    i18n.current_language = "zh"
    notebook.configure_notebooks(config)
    chinese = jupyter.config["cache_dir"]
    assert Path(chinese).name == "zh" and Path(chinese).parent == Path(first).parent
    Path(first).mkdir(parents=True)
    (Path(first) / "english.json").write_text("{}")
    notebook.prune_notebook_caches(config)
    assert (Path(first) / "english.json").is_file()  # same package: both languages stay
    i18n.current_language = "en"
    (tmp_path / "tinypytorch/core.py").write_text("x = 2\n")
    notebook.configure_notebooks(config)
    assert (jupyter.config["cache_dir"] != first
            and Path(first).parent.parent == tmp_path / ".cache/notebooks")

    # the kernels read their configuration from the build's own IPython folder
    import os
    profile = Path(os.environ["IPYTHONDIR"]) / "profile_default"
    assert profile == tmp_path / ".cache/ipython/profile_default"
    (Path(first) / "old.json").write_text("{}")
    notebook.prune_notebook_caches(config)
    assert not Path(first).parent.exists()  # the old package's folder, both languages


def test_the_kernel_drops_only_the_tcp_warning(notebook):
    logger = logging.getLogger("IPKernelApp")
    before = list(logger.filters)
    try:
        exec(compile(notebook.KERNEL_CONFIG, "ipython_kernel_config.py", "exec"), {})
        added = [f for f in logger.filters if f not in before]
        record = lambda msg: logging.LogRecord("IPKernelApp", logging.WARNING, "", 0, msg, (), None)  # noqa: E731
        assert len(added) == 1
        assert not added[0].filter(record("Kernel is running over TCP without encryption. All ..."))
        assert added[0].filter(record("Kernel died"))
    finally:
        logger.filters[:] = before


def test_the_notebook_page_links_its_file(notebook):
    page = SimpleNamespace(file=SimpleNamespace(src_uri="notebooks/playground.ipynb"))
    html = notebook.notebook_download_link("<div><h1 id='t'>Playground</h1><p>text</p></div>", page)
    assert html.index("</h1>") < html.index('href="playground.ipynb" download') < html.index("text")
    assert ">Download playground.ipynb</a>" in html
    twin = SimpleNamespace(file=SimpleNamespace(src_uri="notebooks/playground.zh.ipynb", locale="zh"))
    html = notebook.notebook_download_link("<h1>练习</h1>", twin)
    assert 'href="playground.zh.ipynb" download' in html and ">下载 playground.zh.ipynb</a>" in html


# --- scripts/run.py serve ------------------------------------------------------------------------

def test_serve_on_a_busy_port_says_so_before_building():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, str(ROOT / "scripts/run.py"), "serve", "--port", str(port)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert f"port {port} on 127.0.0.1 is already in use" in out and f"--port {port + 1}" in out, out
    assert "building" not in out and "installing" not in out, out


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_serve_refuses_a_port_that_is_not_one(port):
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/run.py"), "serve", "--port", port],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--port" in proc.stderr, proc.stderr


def test_serve_keeps_the_bytecode_cache_out_of_the_watched_folders(monkeypatch):
    """A module compiled while the site builds (a page imports tinypytorch.trace for the first time, the
    figure build imports a changed figure module) writes its .pyc outside what the server watches."""
    import yaml

    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    spec = importlib.util.spec_from_file_location("_tp_test_run", ROOT / "scripts" / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    prefix = Path(run.serve_env()["PYTHONPYCACHEPREFIX"])
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    watched = [ROOT / "docs", *(ROOT / folder for folder in config["watch"])]
    assert prefix.is_relative_to(ROOT / ".venv") and not any(prefix.is_relative_to(w) for w in watched)


def test_a_chinese_api_page_names_the_chapters_in_chinese():
    """hooks/edition_language.py: the step-key links of the docstrings read 「步骤 29」 on a Chinese page."""
    edition_language = load("edition_language")
    html = ('<p>From <a href="../../recap/">Part 1–2</a>. Changed in <a href="../../steps/step29/#grad">Step 29</a>'
            ': Steps <a href="../../steps/step31/">31</a> and <a href="../../steps/step32/">32</a>, Steps '
            '<a href="../../steps/step25/">25</a>–<a href="../../steps/step34/">34</a>. <code>Step 30</code>, '
            '<a href="#__codelineno-0-29">29</a>, <a href="../../steps/step28/">the book\'s Step 28</a></p>')
    assert edition_language.step_keys_in_language(html, "zh") == (
        '<p>From <a href="../../recap/">第 1、2 阶段</a>. Changed in <a href="../../steps/step29/#grad">步骤 29</a>'
        ': 步骤 <a href="../../steps/step31/">31</a> 和 <a href="../../steps/step32/">32</a>, 步骤 '
        '<a href="../../steps/step25/">25</a>–<a href="../../steps/step34/">34</a>. <code>Step 30</code>, '
        '<a href="#__codelineno-0-29">29</a>, <a href="../../steps/step28/">the book\'s Step 28</a></p>')
    assert edition_language.step_keys_in_language(html, "en") == html
    # a link whose number is not its chapter's is left alone (the check in test_site.py reports it)
    odd = '<a href="../../steps/step29/">Step 28</a>'
    assert edition_language.step_keys_in_language(odd, "zh") == odd


def test_closing_punctuation_is_kept_with_the_formula_or_code_before_it():
    """hooks/line_breaks.py (seen in Chromium at 390 px by test_browser_zh_line_starts.py)."""
    line_breaks = load("line_breaks")
    math = '<span class="arithmatex">\\(x^2\\)</span>'
    html = (f"<p>设 {math} 与 {math}。再看 <code>x.grad</code>，以及 <code>y</code> 和 {math}）。</p>\n"
            '<div class="arithmatex">\\[y\\]</div>。<pre><code>print(1)</code></pre>')
    assert line_breaks.keep_closing_punctuation_on_the_line(html) == (
        f'<p>设 {math} 与 <span class="tp-nobr">{math}。</span>再看 <span class="tp-nobr"><code>x.grad</code>，</span>'
        f'以及 <code>y</code> 和 <span class="tp-nobr">{math}）。</span></p>\n'
        '<div class="arithmatex">\\[y\\]</div>。<pre><code>print(1)</code></pre>')


def test_a_notebook_picture_gets_its_cell_alt_text(notebook):
    cells = {"cells": [{"id": "graph", "metadata": {"alt": "y 的计算图：x 进入 \"Pow\""}}, {"id": "plain", "metadata": {}}]}
    html = ('<div class="jp-Cell" id="cell-id=graph"><img alt="No description has been provided for this image" '
            'src="a.svg"></div><div class="jp-Cell" id="cell-id=plain"><img alt="No description" src="b.svg"></div>')
    assert notebook.cell_alt_texts(html, cells) == (
        '<div class="jp-Cell" id="cell-id=graph"><img alt="y 的计算图：x 进入 &quot;Pow&quot;" src="a.svg"></div>'
        '<div class="jp-Cell" id="cell-id=plain"><img alt="No description" src="b.svg"></div>')
