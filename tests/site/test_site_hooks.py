"""The site's MkDocs hooks (hooks/tinypytorch_site.py, hooks/tex_text.py) piece by piece, and the
serve command's port check: fast, no site build (test_site.py and test_browser.py check the built
site; test_commands.py serves it)."""

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
    spec = importlib.util.spec_from_file_location(f"_tp_test_{name}", HOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site():
    return load("tinypytorch_site")


@pytest.fixture(scope="module")
def tex():
    return load("tex_text")


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
def test_the_output_block_is_marked(site, options, html, expected):
    assert site.mark_output(html, options) == expected


def test_markdown_exec_fences_are_wrapped_once(site):
    from markdown_exec import formatter

    fences = [{"name": "python", "format": formatter}, {"name": "mermaid", "format": print}]
    config = SimpleNamespace(mdx_configs={"pymdownx.superfences": {"custom_fences": fences}})
    site.mark_exec_outputs(config)
    site.mark_exec_outputs(config)  # MkDocs may call on_config again: still one wrapper
    assert fences[0]["format"].tinypytorch_marks_output and fences[0]["format"].__wrapped__ is formatter
    assert fences[1]["format"] is print


def test_no_markdown_exec_is_an_error(site):
    from mkdocs.exceptions import PluginError

    config = SimpleNamespace(mdx_configs={"pymdownx.superfences": {"custom_fences": []}})
    with pytest.raises(PluginError, match="markdown-exec"):
        site.mark_exec_outputs(config)


# --- serve: figures of the step that changed ------------------------------------------------

@pytest.fixture
def fake_tree(site, tmp_path, monkeypatch):
    """A repository in tmp_path with two steps' figure modules and listings; figure builds recorded."""
    for rel in ["scripts/build_figures.py", "scripts/figures/__init__.py", "scripts/figures/step26.py",
                "scripts/figures/step27.py", "tinypytorch/core.py", "docs/listings/step26_a.py",
                "docs/listings/step27_a.py", "docs/listings/step27_b.dot"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"# {rel}\n")
    monkeypatch.setattr(site, "ROOT", tmp_path)
    monkeypatch.setattr(site, "LISTINGS", tmp_path / "docs/listings")
    monkeypatch.setattr(site, "FIGURE_MODULES", tmp_path / "scripts/figures")
    monkeypatch.setattr(site, "BUILD_FIGURES", tmp_path / "scripts/build_figures.py")
    builds: list[tuple[str, ...]] = []
    monkeypatch.setattr(site, "run_figure_build", lambda *args: builds.append(args) or True)
    monkeypatch.setitem(site.SESSION, "figure_inputs", site.figure_inputs())
    return tmp_path, builds


@pytest.mark.parametrize("edit, expected", [
    ("docs/listings/step27_b.dot", [("--step", "27")]),
    ("scripts/figures/step26.py", [("--step", "26")]),
    ("tinypytorch/core.py", [()]),                   # the package: every figure
    ("scripts/figures/__init__.py", [()]),
    ("docs/listings/step99_unused.py", []),          # no step 99 figures: nothing to draw
])
def test_a_rebuild_redraws_the_figures_of_what_changed(site, fake_tree, edit, expected):
    root, builds = fake_tree
    site.redraw_changed_figures()
    assert builds == []  # nothing changed yet
    (root / edit).write_text("# edited\n")
    site.redraw_changed_figures()
    assert builds == expected
    site.redraw_changed_figures()
    assert builds == expected  # done once


def test_a_failed_figure_build_is_tried_again(site, fake_tree, monkeypatch, caplog):
    root, builds = fake_tree
    monkeypatch.setattr(site, "run_figure_build", lambda *args: builds.append(args) and False)
    (root / "docs/listings/step26_a.py").write_text("# broken\n")
    site.redraw_changed_figures()
    site.redraw_changed_figures()
    assert builds == [("--step", "26"), ("--step", "26")]
    assert "figure build failed" in caplog.text


# --- serve: pages whose inputs did not change are not rendered again -------------------------

class FakePage:
    def __init__(self, markdown: str, src_uri: str = "steps/step27.md", dest_uri: str | None = None):
        self.markdown = markdown
        self.file = SimpleNamespace(src_uri=src_uri,
                                    dest_uri=dest_uri or src_uri.replace(".md", "/index.html"))
        self.renders = 0

    def render(self, config, files):
        self.renders += 1
        self.content, self.toc = f"<p>{self.markdown} #{self.renders}</p>", ["toc"]
        self._title_from_render, self.present_anchor_ids = "Title", {"a"}
        self.links_to_anchors = {}
        if "warn" in self.markdown:
            logging.getLogger("mkdocs.plugins.markdown_exec").warning("exec failed")


@pytest.fixture
def serving(site, tmp_path, monkeypatch):
    (tmp_path / "docs/listings").mkdir(parents=True)
    (tmp_path / "docs/listings/step27_a.py").write_text("print(1)\n")
    monkeypatch.setattr(site, "ROOT", tmp_path)
    monkeypatch.setitem(site.SESSION, "pages", {})
    monkeypatch.setitem(site.SESSION, "shared", "shared-1")
    return tmp_path


def rebuild(site, markdown, src_uri="steps/step27.md", dest_uri=None):
    page = FakePage(markdown, src_uri, dest_uri)
    site.reuse_unchanged_render(page)
    page.render(None, None)
    return page


def test_an_unchanged_page_is_not_rendered_again(site, serving, monkeypatch):
    text = 'Step 27\n\n--8<-- "docs/listings/step27_a.py"\n'
    first = rebuild(site, text)
    assert first.renders == 1
    again = rebuild(site, text)
    assert again.renders == 0 and again.content == first.content and again.toc == first.toc
    assert again.present_anchor_ids == {"a"} and again.links_to_anchors is None

    assert rebuild(site, text + "\nedited").renders == 1                 # the page changed
    (serving / "docs/listings/step27_a.py").write_text("print(2)\n")
    assert rebuild(site, text + "\nedited").renders == 1                 # what it includes changed
    monkeypatch.setitem(site.SESSION, "shared", "shared-2")
    assert rebuild(site, text + "\nedited").renders == 1                 # the package (etc.) changed
    assert rebuild(site, text + "\nedited").renders == 0


def test_the_chinese_build_of_an_english_page_is_a_page_of_its_own(site, serving):
    """With the English fallback, steps/step27.md is also written to zh/steps/step27/ (other
    relative links): each build of it renders once and reuses only its own HTML."""
    text = 'Step 27\n\n--8<-- "docs/listings/step27_a.py"\n'
    english = rebuild(site, text)
    chinese = rebuild(site, text, dest_uri="zh/steps/step27/index.html")
    assert english.renders == 1 and chinese.renders == 1
    assert rebuild(site, text).renders == 0
    assert rebuild(site, text, dest_uri="zh/steps/step27/index.html").renders == 0


def test_api_pages_and_pages_that_warned_always_render(site, serving):
    api = "# core\n\n::: tinypytorch.core\n"
    assert rebuild(site, api, "api/core.md").renders == 1
    assert rebuild(site, api, "api/core.md").renders == 1  # mkdocstrings registers its targets
    warned = "a page whose code block warns"
    assert rebuild(site, warned).renders == 1
    assert rebuild(site, warned).renders == 1              # so the warning is seen again


# --- the notebook ------------------------------------------------------------------------------

def test_the_notebook_cache_follows_the_package(site, tmp_path, monkeypatch):
    (tmp_path / "tinypytorch").mkdir()
    (tmp_path / "tinypytorch/core.py").write_text("x = 1\n")
    monkeypatch.setattr(site, "ROOT", tmp_path)
    monkeypatch.setattr(site, "CACHE", tmp_path / ".cache")
    monkeypatch.setenv("IPYTHONDIR", "/somewhere/else")
    jupyter = SimpleNamespace(config={"cache": True, "cache_dir": ".cache/mkdocs-jupyter"})
    i18n = SimpleNamespace(current_language=None, default_language="en")
    config = SimpleNamespace(plugins={"mkdocs-jupyter": jupyter, "i18n": i18n})
    site.configure_notebooks(config)
    first = jupyter.config["cache_dir"]
    site.configure_notebooks(config)
    assert jupyter.config["cache_dir"] == first and Path(first).name == "en"
    # the Chinese build keeps its notebook in a folder of its own, beside the English one (the
    # plugin evicts what a build did not use from its folder)
    i18n.current_language = "zh"
    site.configure_notebooks(config)
    chinese = jupyter.config["cache_dir"]
    assert Path(chinese).name == "zh" and Path(chinese).parent == Path(first).parent
    Path(first).mkdir(parents=True)
    (Path(first) / "english.json").write_text("{}")
    site.prune_notebook_caches(config)
    assert (Path(first) / "english.json").is_file()  # same package: both languages stay
    i18n.current_language = "en"
    (tmp_path / "tinypytorch/core.py").write_text("x = 2\n")
    site.configure_notebooks(config)
    assert (jupyter.config["cache_dir"] != first
            and Path(first).parent.parent == tmp_path / ".cache/notebooks")

    # the kernels read their configuration from the build's own IPython folder
    import os
    profile = Path(os.environ["IPYTHONDIR"]) / "profile_default"
    assert profile == tmp_path / ".cache/ipython/profile_default"
    (Path(first) / "old.json").write_text("{}")
    site.prune_notebook_caches(config)
    assert not Path(first).parent.exists()  # the old package's folder, both languages


def test_the_kernel_drops_only_the_tcp_warning(site):
    logger = logging.getLogger("IPKernelApp")
    before = list(logger.filters)
    try:
        exec(compile(site.KERNEL_CONFIG, "ipython_kernel_config.py", "exec"), {})
        added = [f for f in logger.filters if f not in before]
        record = lambda msg: logging.LogRecord("IPKernelApp", logging.WARNING, "", 0, msg, (), None)  # noqa: E731
        assert len(added) == 1
        assert not added[0].filter(record("Kernel is running over TCP without encryption. All ..."))
        assert added[0].filter(record("Kernel died"))
    finally:
        logger.filters[:] = before


def test_the_notebook_page_links_its_file(site):
    page = SimpleNamespace(file=SimpleNamespace(src_uri="notebooks/playground.ipynb"))
    html = site.notebook_download_link("<div><h1 id='t'>Playground</h1><p>text</p></div>", page)
    assert html.index("</h1>") < html.index('href="playground.ipynb" download') < html.index("text")
    assert ">Download playground.ipynb</a>" in html
    twin = SimpleNamespace(file=SimpleNamespace(src_uri="notebooks/playground.zh.ipynb", locale="zh"))
    html = site.notebook_download_link("<h1>练习</h1>", twin)
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
