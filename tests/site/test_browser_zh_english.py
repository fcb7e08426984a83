"""No English prose on a Chinese page, as a reader sees it in Chromium (issue 20, item 1).

Every page under /zh/ is opened and the browser collects what a reader can read: the text of the page
(header, navigation, footer and the backward steppers' panels included, after the page's scripts ran), the
``title``/``aria-label``/``placeholder``/``alt`` texts, the labels the stylesheet writes (the output
blocks' ``::before``), and the text drawn in each figure the page shows (Graphviz ``<text>``, and
matplotlib's text, which it draws as paths but names in a comment). What may stay English: code, program
output, typeset math, identifiers of the package, names (TinyPytorch, PyTorch, Material for MkDocs, …), and
the docstrings on the API pages (the code's own text, English by design), a message quoted as printed
(“…”), a term's English original after it (梯度下降（gradient descent）), the glossary's English column, and figures that show what the library draws for a reader's graph
(``get_dot_graph``'s "data:"/"grad:"). Anything else that reads as
English — a label of one English word, or two English words in a row — is reported with where it is.

``test_the_check_finds_english_on_a_page`` proves the check fires: a page written in Chinese with English
chrome, labels and a figure is caught on each of them.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from conftest import ROOT
from conftest import serve
from test_browser_zh import wait

pytestmark = pytest.mark.browser

DOCS = ROOT / "docs"

# Names that are English words or phrases but are names: of projects, people, functions, formats.
NAMES = {
    "TinyPytorch", "PyTorch", "DeZero", "Graphviz", "MkDocs", "Material for MkDocs", "Material", "Jupyter",
    "Python", "numpy", "NumPy", "Chromium", "GitHub", "Rosenbrock", "Goldstein", "Price", "Newton",
    "Maclaurin", "Taylor", "Hessian", "Black", "MathJax", "English", "BinaryOracle", "Deep Learning from Scratch",
    "Linux", "CPU", "AMD", "EPYC", "DOT", "SVG", "PNG", "JSON", "API", "OK", "pip", "dot", "graphviz-pure",
    "Jacobian", "Saitoh", "Koki", "MIT", "Apache", "mkdocs", "selenium", "pytest", "glightbox",
    "jieba", "Abramowitz", "Stegun", "CPython", "IPython", "JavaScript", "Matplotlib", "matplotlib",
    "Matyas", "Sphere", "Goldstein–Price", "Rosenbrock", "Evaluating Derivatives",
    "MiB",  # a unit, as "ms" and "µs" are (the benchmarks page's tables)
}
# Figures that show what the library draws for a reader's graph (get_dot_graph(..., values=True) writes
# "data:" and "grad:"): they stay as the library draws them, in both editions.
LIBRARY_DRAWN = ("step25-values", "step29-forward-and-gradient-graph", "step30-second-derivative-graph")
# A quotation (“…”) in Chinese prose quotes a message as it is printed (numpy's, DeZero's); full-width
# brackets after a Chinese term give its English original, 梯度下降（gradient descent）.
QUOTED = re.compile(r"“[^”]*”|（[A-Za-z][A-Za-z ,'’-]*[）,，]|[，,]\s*[A-Za-z][A-Za-z '’-]*）")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*")
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
# Two English words in a row (spaces, hyphens or one comma between them): a phrase.
PHRASE = re.compile(r"\b[A-Za-z][a-z'’]*(?:-[a-z]+)*(?:,? [A-Za-z][a-z'’]*(?:-[a-z]+)*)+\b")


def identifiers() -> tuple[set[str], set[str]]:
    """The names the package defines: (its modules and their public names, and the members of its classes:
    methods and attributes such as ``data``, ``grad``, ``generation``)."""
    import tinypytorch

    names, members = {"tinypytorch"}, set()
    for path in Path(tinypytorch.__file__).parent.glob("*.py"):
        module = importlib.import_module(f"tinypytorch.{path.stem}" if path.stem != "__init__" else "tinypytorch")
        names.add(path.stem)
        for name, value in vars(module).items():
            names.add(name)
            if inspect.isclass(value):
                members.update(vars(value))
    keep = lambda found: {name for name in found if not name.startswith("__")}  # noqa: E731
    return keep(names), keep(members) - keep(names)


def english_in(text: str, allowed: set[str]) -> str | None:
    """The English in ``text`` that is prose, or None: a phrase of two English words or more that is not a
    name, or a text that is one English word and nothing else (a label), not a name or an identifier."""
    for name in sorted(NAMES, key=len, reverse=True):
        if " " in name:
            text = text.replace(name, " ")
    for match in PHRASE.finditer(text):
        words = [w for w in WORD.findall(match.group(0)) if w not in allowed and w not in NAMES]
        if len(words) >= 2 or (words and len(WORD.findall(match.group(0))) >= 2 and len(words[0]) > 1
                               and not CJK.search(text)):
            return match.group(0)
    words = WORD.findall(text)
    if len(words) == 1 and not CJK.search(text) and words[0] not in allowed and words[0] not in NAMES \
            and len(words[0]) > 2 and words[0].lower() == words[0].lower().strip("'’"):
        stripped = re.sub(r"[\s\d.,:;()\[\]=+\-−×·%*/<>#|…'’]+", "", text)
        if stripped == words[0]:
            return words[0]
    return None


# What a reader reads on the page, gathered in the browser. Code, output, math and the API pages'
# docstrings are left out (their section titles and table heads are kept); each text says where it is.
READABLE_JS = r"""
const done = arguments[arguments.length - 1];
const SKIP = "code, pre, kbd, samp, script, style, noscript, svg, .arithmatex, mjx-container, .highlight, " +
             ".tp-output, .jp-OutputArea, .jp-InputArea, .doc-signature, .doc-symbol, .md-search-result, " +
             ".md-select, .md-header__topic .md-ellipsis, .tp-stepper__panel code";
const DOCSTRING = ".doc-contents";
// A table column headed "English" (the glossary's) is English by design.
const englishColumn = el => {
  const cell = el.closest("td"), table = cell && cell.closest("table");
  if (!table) return false;
  const head = table.querySelectorAll("thead th")[cell.cellIndex];
  return !!head && /^(English|英文)$/.test(head.textContent.trim());
};
const KEEP_IN_DOCSTRING = ".doc-section-title, th, summary";
const out = [];
const where = el => (el.closest("[id]") ? "#" + el.closest("[id]").id : el.tagName.toLowerCase());
const skipped = el => el.closest(SKIP) || (el.closest(DOCSTRING) && !el.closest(KEEP_IN_DOCSTRING)) ||
                      englishColumn(el);
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement, text = node.textContent.trim();
  if (text && el && !skipped(el)) out.push({kind: "text", where: where(el), text});
}
for (const el of document.querySelectorAll("[title], [aria-label], [placeholder], img[alt]")) {
  if (el.closest("code, pre, .doc-signature") || (el.closest(DOCSTRING) && el.tagName !== "IMG")) continue;
  for (const attr of ["title", "aria-label", "placeholder", "alt"]) {
    const text = (el.getAttribute(attr) || "").trim();
    if (text) out.push({kind: attr, where: where(el), text});
  }
}
for (const el of document.querySelectorAll(".md-typeset *:not(.doc-symbol)")) {
  for (const pseudo of ["::before", "::after"]) {
    const content = getComputedStyle(el, pseudo).content;
    if (content && content.startsWith('"') && content.length > 3)
      out.push({kind: "label " + pseudo, where: where(el), text: content.slice(1, -1)});
  }
}
const figures = Array.from(document.querySelectorAll("img[src*='figures/']"), img => img.currentSrc || img.src);
Promise.all([...new Set(figures)].map(src => fetch(src).then(r => r.text()).then(svg => {
  const texts = Array.from(svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g), m => m[1]);
  // matplotlib draws text as paths and names each text in a comment; Graphviz's comments name nodes
  const byMatplotlib = /https:\/\/matplotlib\.org/.test(svg);  // its metadata names it
  const comments = !byMatplotlib ? [] : Array.from(svg.matchAll(/<!-- ([^\n]*?) -->/g), m => m[1]);
  for (const text of [...texts, ...comments]) out.push({kind: "figure", where: src.split("/").pop(), text});
}))).then(() => done(out), error => done([{kind: "error", where: "", text: String(error)}]));
"""


def decode(text: str) -> str:
    import html

    return html.unescape(text)


def english_on_page(driver, url: str, allowed: set[str]) -> list[str]:
    driver.get(url)
    wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    wait(driver, lambda d: d.execute_script(
        "return !document.querySelector('.tp-stepper') || !!document.querySelector('.tp-stepper__panel')"))
    found = []
    for item in driver.execute_async_script(READABLE_JS):
        if item["kind"] == "error":
            found.append(f"the page's figures could not be read: {item['text']}")
            continue
        text = decode(item["text"])
        if "$" in text and item["kind"] == "figure":
            continue  # a formula in a plot (mathtext)
        if item["kind"] == "figure" and item["where"].startswith(LIBRARY_DRAWN):
            continue
        # A figure or a label is not code: there the package's modules, functions and classes (sin, Add) are
        # names, but its attributes are words, so that "generation 2" or "data:" in a picture is English.
        figure_or_label = item["kind"] == "figure" or item["kind"].startswith("label")
        names = allowed[0] if figure_or_label else allowed[0] | allowed[1]
        english = english_in(QUOTED.sub(" ", text), names)
        if english:
            found.append(f"{item['kind']} at {item['where']}: {english!r} in {text[:80]!r}")
    return sorted(set(found))


def zh_pages() -> list[str]:
    """The URL path of every Chinese page: one per docs/**/*.zh.md or *.zh.ipynb."""
    pages = []
    for source in sorted([*DOCS.rglob("*.zh.md"), *DOCS.rglob("*.zh.ipynb")]):
        rel = source.relative_to(DOCS).as_posix().rsplit(".zh.", 1)[0]
        rel = rel[: -len("index")] if rel.endswith("index") else rel + "/"
        pages.append(f"zh/{rel}")
    return pages


# Pages whose English is not gone yet, and why (strict: the mark must go when the page is clean).
PENDING: dict[str, str] = {}


@pytest.fixture(scope="module")
def allowed() -> tuple[set[str], set[str]]:
    return identifiers()


@pytest.mark.parametrize("page", [pytest.param(page, marks=pytest.mark.xfail(reason=PENDING[page], strict=True))
                                  if page in PENDING else page for page in zh_pages()])
def test_every_chinese_page_reads_in_chinese(browser, server, allowed, page: str) -> None:  # noqa: F811
    base, _ = server
    browser.set_script_timeout(120)
    found = english_on_page(browser, f"{base}/{page}", allowed)
    assert not found, f"English prose on {page}:\n    " + "\n    ".join(found)


def test_every_chinese_page_is_walked(site_dir: Path) -> None:
    built = sorted(p.relative_to(site_dir).parent.as_posix() + "/" for p in (site_dir / "zh").rglob("index.html"))
    assert built == sorted(zh_pages()) and len(built) >= 20, (built, zh_pages())


ENGLISH_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<style>.md-typeset .tp-output::before { content: "Output"; display: block; }</style></head>
<body><header><button title="Switch to dark mode">☾</button></header>
<article class="md-typeset"><h1>步骤 25：计算图</h1><p>这一段是中文，<code>x.backward()</code> 求梯度。</p>
<div class="tp-output"><pre><code>shape (3,)</code></pre></div>
<p>The outputs were recorded with PyTorch 2.13.</p>
<table><tr><th>耗时</th><th>fastest run</th></tr></table>
<img src="figures/step99-fake.svg" alt="一张图"></article>
<footer>Made with Material for MkDocs</footer></body></html>"""
FIGURE = """<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50">
<metadata>Matplotlib v3.11.2, https://matplotlib.org/</metadata><!-- Gradient descent on the Rosenbrock function --><text x="1" y="20">Variable</text>
<text x="1" y="40">generation 2</text></svg>"""


def test_the_check_finds_english_on_a_page(browser, tmp_path: Path, allowed) -> None:  # noqa: F811
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "step99-fake.svg").write_text(FIGURE, encoding="utf-8")
    (tmp_path / "index.html").write_text(ENGLISH_PAGE, encoding="utf-8")
    with serve(tmp_path) as (base, _):
        found = english_on_page(browser, f"{base}/index.html", allowed)
    text = "\n".join(found)
    for english in ("Switch to dark mode", "'Output'", "The outputs were recorded", "fastest run", "Made with",
                    "Gradient descent on", "generation"):
        assert english in text, (english, text)
    assert "shape" not in text and "backward" not in text and "Variable" not in text, found
