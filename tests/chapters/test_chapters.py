"""Every chapter page (Steps 25–34): its title, its python blocks, its listings and its figures.

One test per check, run for each step; what only one chapter states is tested in its test_stepNN.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from helpers import LISTINGS, RECAP, ROOT, page_path, registered_figures

#: step -> the chapter's title (after "# Step NN — ") and the figures its pages show.
CHAPTERS = {
    25: ("Visualising the computational graph",
         {"step25-dot-nodes", "step25-dot-attributes", "step25-dot-edge", "step25-x0-plus-x1",
          "step25-goldstein", "step25-values", "step25-recap-core"}),
    26: ("Finding a minimum: gradient descent on Rosenbrock",
         {"step26-rosenbrock-descent", "step26-descent-progress"}),
    27: ("Higher-order derivatives by hand: Newton's method", {"step27-newton-vs-gd", "step27-fd-error"}),
    28: ("Taylor series: sin as a graph of additions", {"step28-my-sin-graph", "step28-taylor-error"}),
    29: ("Backpropagation that builds a graph (`create_graph`)",
         {"step29-forward-and-gradient-graph", "step29-gradient-graph-growing"}),
    30: ("Newton's method with automatic second derivatives",
         {"step30-second-derivative-graph", "step30-newton-path"}),
    31: ("sin and cos: n-th derivatives", {"step31-sin-derivatives"}),
    32: ("tanh: how higher-order graphs explode",
         {"step32-tanh-graph-order1", "step32-tanh-graph-order2", "step32-tanh-graph-order3",
          "step32-tanh-graph-growth", "step32-create-graph-cost"}),
    33: ("Double backprop: differentiating a gradient",
         {"step33-double-backprop-graph", "step33-newton-rosenbrock", "step33-double-backprop-steps"}),
    34: ("Structure and memory: modules, weakrefs, generations, retain_grad, no_grad",
         {"step34-module-diagram", "step34-memory-no-grad", "step34-diamond-by-generation",
          "step34-diamond-plain-stack"}),
}

FIGURES = ROOT / "docs" / "figures"

#: Pages besides docs/steps/stepNN.md that show a step's listings and figures.
EXTRA_PAGES = {25: [RECAP], 34: [ROOT / "docs" / "api" / "index.md", ROOT / "docs" / "benchmarks.md"]}
#: A listing may also be shown on the PyTorch page alone, beside its PyTorch twin.
PYTORCH_PAGE = ROOT / "docs" / "pytorch.md"

STEPS = [pytest.param(n, marks=getattr(pytest.mark, f"step{n}"), id=f"step{n}") for n in CHAPTERS]


def pages(step: int) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in [page_path(step), *EXTRA_PAGES.get(step, [])]}


@pytest.mark.parametrize("step", STEPS)
def test_page_title(step):
    title, _ = CHAPTERS[step]
    assert page_path(step).read_text(encoding="utf-8").startswith(f"# Step {step} — {title}\n")


@pytest.mark.parametrize("step", STEPS)
def test_every_python_block_on_the_page_is_executed(step):
    for path, text in pages(step).items():
        fences = re.findall(r"^\s*```python(.*)$", text, flags=re.M)
        assert fences, f"no python blocks found in {path.name}"
        for attrs in fences:
            assert 'exec="on"' in attrs, f"unexecuted python block in {path.name}: ```python{attrs}"
        for listing in re.findall(r'--8<-- "(docs/listings/[^":]+)', text):
            assert (ROOT / listing).is_file(), listing
            assert Path(listing).name.startswith(f"step{step}_"), listing


@pytest.mark.parametrize("step", STEPS)
def test_every_listing_is_shown(step):
    shown = set()
    for text in [*pages(step).values(), PYTORCH_PAGE.read_text(encoding="utf-8")]:
        shown |= set(re.findall(rf'--8<-- "docs/listings/(step{step}_[a-z0-9_]+\.py)', text))
    assert shown == {p.name for p in LISTINGS.glob(f"step{step}_*.py")}


@pytest.mark.parametrize("step", STEPS)
def test_page_figures_are_registered(step):
    from scripts.figures import REGISTRY  # noqa: F401  (the registry the driver fills)

    _, figures = CHAPTERS[step]
    used = set()
    for path, text in pages(step).items():
        link = Path(os.path.relpath(FIGURES, path.parent)).as_posix() + "/"  # ../figures/ from docs/steps/
        found = re.findall(rf"(?<![\w./-]){re.escape(link)}(step{step}-[a-z0-9-]+\.svg)", text)
        assert not found or "![" in text, f"{path.name} links figures but shows no image"
        used |= set(found)
    assert used == {f"{name}.svg" for name in figures}
    assert used <= registered_figures(step)


def test_states_finds_whole_values_in_one_paragraph():
    """The check behind every "the page states this number" test: values, not sentences."""
    from helpers import states

    page = ("The graph has 38 functions, 17 of them `Mul`,\nand 19 inputs: $x_0 = 2$.\n\n"
            "Another paragraph: 9,000 steps, then 2.25.\n")
    assert states(page, "38 functions", "`Mul`", "17", "19", "$x_0 = 2$")   # any wording, any order
    assert not states(page, "38 functions", "2.25")                         # in two paragraphs
    assert not states(page, "39 functions") and not states(page, "8 functions")
    assert not states(page, "1") and not states(page, "9") and not states(page, "2.2")  # only whole values
    assert states(page, "9,000 steps", "2.25")


# --- the bridge to the book and the blog ---------------------------------------------------------------------

BOOK_URL = "https://github.com/oreilly-japan/deep-learning-from-scratch-3/blob/master/steps/step{}.py"
BLOG_URL = "https://github.com/BinaryOracle/TinyPytorch"
#: step -> (the book's steps it retells, the blog's step or None)
BRIDGE = {25: ([25, 26], 25), 26: ([28], 26), 27: ([29], 27), 28: ([27], None), 29: ([30, 31, 32], None),
          30: ([33], None), 31: ([34], None), 32: ([35], None), 33: ([36], None), 34: ([], None)}
#: the blog's Part 3 post's step headings (「步骤25: 可视化计算图」 …), shown in the Chinese home page's table
BLOG_HEADINGS = {25: "可视化计算图", 26: "寻找函数最优解", 27: "高阶导数"}
BOX = re.compile(r'\A# [^\n]*\n\n!!! info "In the book and the blog"\n((?:    [^\n]*\n)+)\n')


@pytest.mark.parametrize("step", STEPS)
def test_chapter_opens_with_its_book_and_blog_steps(step):
    book, blog = BRIDGE[step]
    m = BOX.match(page_path(step).read_text(encoding="utf-8"))
    assert m, "the chapter must open with the 'In the book and the blog' box right under its title"
    box = " ".join(m.group(1).split())
    pattern = re.escape(BOOK_URL).replace(r"\{\}", r"(\d\d)")
    links = re.findall(rf"\[(\d\d)\]\({pattern}\)", box)
    assert all(a == b for a, b in links) and [int(a) for a, _ in links] == book
    assert f"[blog series]({BLOG_URL})" in box
    if blog is None:
        assert "ends before" in box and "step 2" not in box.split("blog")[-1]
    else:
        assert f"and step {blog} of the [blog series]" in box
    if not book:
        assert "no single counterpart in the book" in box


@pytest.mark.parametrize("home", ["index.md", "index.zh.md"])  # both editions' home pages
def test_home_page_table_of_site_blog_and_book_steps(home):
    text = (ROOT / "docs" / home).read_text(encoding="utf-8")
    pattern = re.escape(BOOK_URL).replace(r"\{\}", r"(\d\d)")
    rows = re.findall(r"^\| \[(?:Step|步骤) (\d\d)\]\(steps/step\1\.md\) \| ([^|]+) \| ([^|]+) \|", text, re.M)
    table = {}
    for site, blog, book in rows:
        links = re.findall(rf"\[(\d\d)\]\({pattern}\)", book)
        assert all(a == b for a, b in links), book
        number = re.match(r"\s*(\d\d)\b", blog)
        assert number or blog.strip() == "—", blog
        table[int(site)] = ([int(a) for a, _ in links], int(number.group(1)) if number else None)
        if number and home.endswith(".zh.md"):     # the blog's own heading, for a reader coming from it
            assert blog.strip() == f"{number.group(1)}\u3000{BLOG_HEADINGS[int(number.group(1))]}", blog
    assert table == BRIDGE
    for url in (BLOG_URL, "https://github.com/oreilly-japan/deep-learning-from-scratch-3"):
        assert f"]({url})" in text
    # the book's Part 3 (its steps 25-36) is folded into the chapters, each book step exactly once
    assert sorted(n for book, _ in BRIDGE.values() for n in book) == list(range(25, 37))


def test_no_control_characters_in_pages():
    """A backslash eaten on the way (`\\frac` written as a Python string becomes form feed + `rac`) breaks the
    math on the page without failing the build; the browser test sees it, this finds it at once."""
    bad = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for lineno, line in enumerate(page.read_text(encoding="utf-8").split("\n"), 1):  # not splitlines():
            if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", line):                     # it splits at \f
                bad[f"{page.relative_to(ROOT)}:{lineno}"] = repr(line[:60])
    assert not bad, bad


@pytest.mark.parametrize("home", ["index.md", "index.zh.md"])
def test_home_page_says_which_outputs_are_recorded(home):
    """Everything run at build time except the PyTorch outputs and the benchmark timings: the home page says so,
    with the PyTorch version the outputs were recorded with."""
    import json
    text = " ".join((ROOT / "docs" / home).read_text(encoding="utf-8").split())
    recorded = json.loads((ROOT / "docs/listings/pytorch/recorded.json").read_text(encoding="utf-8"))
    major_minor = ".".join(recorded["torch"].split(".")[:2])
    assert f"PyTorch {major_minor}" in text
    assert "`scripts/record_pytorch.py`" in text and "`scripts/bench.py`" in text
    assert "(benchmarks.md)" in text and "(pytorch.md)" in text
    assert "every output shown was produced by running the code" not in text



# --- Code blocks fit their column -----------------------------------------------------------------------

#: a code block on a desktop page shows about 100 characters (853 px); a longer line scrolls the block
CODE_COLUMNS = 96


def code_lines_too_long(markdown: str, where: str) -> list[str]:
    """The lines of code a page shows (its fenced blocks, with the listings they include expanded)
    that are wider than CODE_COLUMNS, counted from the fence's indentation."""
    from scripts.notebooks import EXECUTED, expand_snippets, parse_info

    too_long, fence = [], None    # the open fence's indentation (-1: code not shown), None outside
    for line in expand_snippets(markdown.splitlines(), where):
        indent = len(line) - len(line.lstrip(" "))
        if line.lstrip().startswith("```"):
            _, options = parse_info(line.lstrip().lstrip("`"))
            shown = options.get("exec") not in EXECUTED or "source" in options  # exec'd: code shown by source=
            fence = (indent if shown else -1) if fence is None else None
        elif fence is not None and fence >= 0 and len(line.rstrip()) - fence > CODE_COLUMNS:
            too_long.append(f"{where}: {len(line.rstrip()) - fence} columns: {line.strip()[:60]}")
    return too_long


@pytest.mark.parametrize("page", sorted(str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")
                                        if not p.name.endswith(".zh.md")))
def test_code_blocks_fit_their_column(page):
    assert code_lines_too_long((ROOT / "docs" / page).read_text(encoding="utf-8"), page) == []


def test_the_column_check_fires():
    page = '```python\n--8<-- "docs/listings/step29_create_graph.py"\n```\n```python\n' + "x = 1  #" + "-" * 90 + "\n```\n"
    assert len(code_lines_too_long(page, "test")) == 1
