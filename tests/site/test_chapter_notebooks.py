"""Every chapter is a notebook in each language (issue 21), made from its page by the site build.

The notebooks tested are the ones the strict build wrote into the site (``built_site``), the files a
reader downloads. Each is executed from top to bottom in a fresh kernel, in an empty folder, with
nothing but the installed project on the path (no PYTHONPATH, so neither ``docs/listings`` nor
``scripts`` can be imported), two notebooks at a time. The checks:

- the build wrote all 22, unexecuted, byte for byte what ``scripts/notebooks.py`` makes from the page
  now (so a page and its notebook cannot drift), and each chapter has a download button to its own;
- both home pages link every notebook of their language;
- every notebook runs without an error, and what each code cell prints is what the page shows under
  that block (numbers measured with ``tracemalloc`` may move by a few hundredths of a MiB or 5 %: the
  kernel's own threads allocate while the page's code measures; times measured with a clock differ on
  every run, so there only the words and the layout of the output are compared);
- every code block of the page, found here by the twin parity test's own fence reader, is a code cell
  of the notebook (executed and included blocks) or stands in its Markdown (a shell command), in the
  page's order; a block added to a copy of a page is reported, and so is a broken notebook;
- the continuation marks: one above each block that continues an earlier block of its session.
"""

from __future__ import annotations

import difflib
import html
import json
import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbclient
import nbformat
import pytest

from scripts import notebooks
from twins import compare_notebooks, split_fences

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CHAPTERS = notebooks.chapter_sources()
EXECUTED = re.compile(r"""\bexec=["']?(?:on|1|true|yes)\b""")
SESSION = re.compile(r"""\bsession=["']([^"']+)["']""")
OUTPUT_BLOCK = re.compile(r'<div class="[^"]*\btp-output\b[^"]*"[^>]*>(.*?)</div>', re.S)
MEASURED_MEMORY = ("tracemalloc", 0.05, 0.05)   # a session that uses it may print numbers off by this, or 5 %
CLOCKS = ("perf_counter", "process_time")        # a session that times itself prints other times on each run
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")
WORKERS = 2
pytestmark = pytest.mark.xdist_group("chapter_notebooks")  # one process runs the notebooks, two kernels at a time


def test_there_are_22_chapters():
    assert len(CHAPTERS) == 22, CHAPTERS
    assert sum(notebooks.language(s) == "zh" for s in CHAPTERS) == 11


# --- Where the site puts them ---------------------------------------------------------------


def site_page(site_dir: Path, src: str) -> Path:
    lang_dir = site_dir / "zh" if notebooks.language(src) == "zh" else site_dir
    stem = notebooks.CHAPTER.match(src)["stem"]
    return lang_dir / stem / "index.html"


def site_notebook(site_dir: Path, src: str) -> Path:
    lang_dir = site_dir / "zh" if notebooks.language(src) == "zh" else site_dir
    return lang_dir / "notebooks" / notebooks.notebook_name(src)


@pytest.mark.parametrize("src", CHAPTERS)
def test_built_notebook_is_the_page_made_notebook(site_dir, src):
    built = site_notebook(site_dir, src)
    assert built.is_file(), f"the build wrote no {built.relative_to(site_dir)} for docs/{src}"
    data = built.read_bytes()
    assert data == notebooks.chapter_notebook_bytes(src), \
        f"{built.name} differs from what docs/{src} makes now (and a rebuild must give the same bytes)"
    nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "the build must not execute it"


@pytest.mark.parametrize("src", CHAPTERS)
def test_chapter_has_a_download_button(site_dir, src):
    page = site_page(site_dir, src)
    text = page.read_text(encoding="utf-8")
    label = "下载本章 notebook" if notebooks.language(src) == "zh" else "Download this chapter as a notebook"
    buttons = re.findall(r'<p class="tp-notebook-download[^"]*"><a class="md-button" href="([^"]+)"'
                         r'[^>]*>([^<]+)</a></p>', text)
    assert len(buttons) == 1, f"{page.relative_to(site_dir)}: {len(buttons)} download buttons"
    href, shown = buttons[0]
    assert shown == label
    assert (page.parent / href).resolve() == site_notebook(site_dir, src).resolve()
    # under the title
    assert text.index("</h1>") < text.index("tp-notebook-download")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_page_lists_every_notebook_of_its_language(site_dir, lang):
    home = site_dir / "zh" / "index.html" if lang == "zh" else site_dir / "index.html"
    links = re.findall(r'href="([^"]+\.ipynb)"', home.read_text(encoding="utf-8"))
    listed = {(home.parent / href).resolve() for href in links if "playground" not in href}
    expected = {site_notebook(site_dir, s).resolve() for s in notebooks.chapter_sources(lang)}
    assert listed == expected
    assert all(p.is_file() for p in listed)
    assert re.search(r'href="notebooks/playground/"', home.read_text(encoding="utf-8")), \
        "the playground notebook stays on the home page"


@pytest.mark.parametrize("src", notebooks.chapter_sources("en"))
def test_chinese_notebook_runs_the_english_code(site_dir, src):
    """The two editions' notebooks have the same cells, with the same code and figures; only the
    Markdown differs (the parity test's rule for notebook twins)."""
    twin = src[:-3] + ".zh.md"
    assert compare_notebooks(site_notebook(site_dir, src), site_notebook(site_dir, twin)) == []


# --- Every block of the page is in the notebook ---------------------------------------------


def page_blocks(markdown: str, where: str) -> list[tuple[int, bool, str]]:
    """(line, is code to run, code) for every fenced block of a page, includes expanded as
    pymdownx.snippets expands them. Executed blocks and included files are code to run."""
    blocks = []
    for part in split_fences(markdown):
        if part[0] != "fence":
            continue
        _, line, info, body = part
        included = "--8<--" in body
        code = "\n".join(notebooks.expand_snippets(body.split("\n"), f"{where}:{line}")).strip("\n")
        blocks.append((line, bool(EXECUTED.search(info)) or included, code))
    return blocks


def is_page_block(cell) -> bool:
    """A code cell that holds a block of the page (not one that shows what the block drew)."""
    return cell["cell_type"] == "code" and "displays" not in cell["metadata"].get("tinypytorch", {})


def cell_code(cell) -> str:
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    lines = source.split("\n")
    if lines and lines[0].startswith("%%writefile "):
        lines = lines[1:]   # an included file that is not Python: the cell writes it
    return "\n".join(lines).strip("\n")


def missing_blocks(markdown: str, notebook: dict, where: str = "page") -> list[str]:
    """What of the page's code the notebook lacks, or has out of the page's order."""
    code_cells = [cell_code(c) for c in notebook["cells"] if is_page_block(c)]
    prose = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    problems, next_cell = [], 0
    for line, runs, code in page_blocks(markdown, where):
        if not runs:
            if code not in prose:
                problems.append(f"{where}:{line}: the code block shown there is not in the notebook")
            continue
        if code in code_cells[next_cell:]:
            next_cell = code_cells.index(code, next_cell) + 1
        elif code in code_cells:
            problems.append(f"{where}:{line}: the block is in the notebook, but out of the page's order")
        else:
            problems.append(f"{where}:{line}: no code cell of the notebook runs this block:\n{code[:300]}")
    if next_cell < len(code_cells) and not problems:
        problems.append(f"{where}: the notebook has {len(code_cells) - next_cell} code cell(s) after the "
                        "page's last block")
    return problems


@pytest.mark.parametrize("src", CHAPTERS)
def test_every_block_of_the_page_is_in_its_notebook(site_dir, src):
    page = (DOCS / src).read_text(encoding="utf-8")
    nb = json.loads(site_notebook(site_dir, src).read_text(encoding="utf-8"))
    assert missing_blocks(page, nb, f"docs/{src}") == []
    assert len([c for c in nb["cells"] if is_page_block(c)]) == \
        sum(runs for _, runs, _ in page_blocks(page, src))


def test_a_block_added_to_a_page_is_reported(tmp_path):
    """A page that gained a block (here one inside the Try-it answer, and one at the end) against
    the notebook made before: both are reported; the notebook made from the new page has them."""
    src = "steps/step26.md"
    page = (DOCS / src).read_text(encoding="utf-8")
    before = notebooks.chapter_notebook(page, src)
    added_inside = '    ```python exec="on" source="above" result="text"\n    print("added inside")\n    ```\n'
    added_end = '\n```python exec="on" session="step26-long" source="above" result="text"\nprint(len(path))\n```\n'
    altered = tmp_path / "step26.md"
    admonition = re.search(r"^\?\?\? .*\n(?:(?:    .*)?\n)+", page, re.M)
    assert admonition, "step26 has a collapsible answer to add a block into"
    altered.write_text(page[:admonition.end()] + "\n" + added_inside + page[admonition.end():] + added_end,
                       encoding="utf-8")
    text = altered.read_text(encoding="utf-8")
    problems = missing_blocks(text, before, "altered step26.md")
    assert len(problems) == 2, problems
    assert 'print("added inside")' in problems[0] and "print(len(path))" in problems[1]
    assert missing_blocks(text, notebooks.chapter_notebook(text, src)) == []


def test_a_notebook_missing_a_cell_or_out_of_order_is_reported():
    src = "steps/step30.md"
    page = (DOCS / src).read_text(encoding="utf-8")
    nb = notebooks.chapter_notebook(page, src)
    codes = [k for k, c in enumerate(nb["cells"]) if is_page_block(c)]
    dropped = {**nb, "cells": [c for k, c in enumerate(nb["cells"]) if k != codes[2]]}
    assert len(missing_blocks(page, dropped)) == 1
    swapped = {**nb, "cells": list(nb["cells"])}
    swapped["cells"][codes[0]], swapped["cells"][codes[1]] = nb["cells"][codes[1]], nb["cells"][codes[0]]
    assert any("out of the page's order" in p for p in missing_blocks(page, swapped))


# --- Running them -----------------------------------------------------------------------------


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Run ``nb`` top to bottom in a fresh python3 kernel, in an empty folder, with only the installed
    project importable; errors are kept in the cells' outputs (see ``errors``)."""
    with tempfile.TemporaryDirectory(prefix="tp-notebook-") as folder:
        ipython = Path(folder) / ".ipython"   # no reader's startup files
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env.update(IPYTHONDIR=str(ipython), JUPYTER_PLATFORM_DIRS="1", MPLBACKEND="agg")
        work = Path(folder) / "work"
        work.mkdir()
        client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                                         resources={"metadata": {"path": str(work)}})
        client.execute(env=env)
    return nb


def errors(nb) -> list[str]:
    return [f"cell {c.get('id')} (page line {c.metadata.get('tinypytorch', {}).get('line')}): "
            f"{o.ename}: {o.evalue}"
            for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def printed(cell) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream")


def page_outputs(page_html: str) -> list[str]:
    """The text of every output block of a built page, in order."""
    found = []
    for m in OUTPUT_BLOCK.finditer(page_html):
        code = re.search(r"<code[^>]*>(.*?)</code>", m.group(1), re.S)
        found.append(html.unescape(re.sub(r"<[^>]+>", "", code.group(1) if code else m.group(1))))
    return found


def skeleton(text: str) -> str:
    """The words and the order of a printed text, with every number a `#` (columns may shift with widths)."""
    return " ".join(NUMBER.sub("#", text).split())


def same_output(shown: str, got: str, code: str) -> bool:
    shown, got = shown.rstrip("\n"), got.rstrip("\n")
    if shown == got:
        return True
    word, absolute, relative = MEASURED_MEMORY
    measured = word in code or any(clock in code for clock in CLOCKS)
    if not measured or skeleton(shown) != skeleton(got):
        return False
    if any(clock in code for clock in CLOCKS):
        return True
    return all(abs(float(a) - float(b)) <= max(absolute, relative * max(abs(float(a)), abs(float(b))))
               for a, b in zip(NUMBER.findall(shown), NUMBER.findall(got)))


def output_mismatches(nb, page_html: str) -> list[str]:
    """Where what a cell printed differs from the output block the page shows under its block."""
    shown = page_outputs(page_html)
    problems, k = [], 0
    session_code: dict = {}   # the code of each session so far (a block sees its session's names)
    for cell in nb.cells:
        meta = cell.metadata.get("tinypytorch", {}) if cell.cell_type == "code" else {}
        if cell.cell_type == "code":
            session = meta.get("session") or cell.get("id")
            session_code[session] = session_code.get(session, "") + cell.source + "\n"
        got = printed(cell) if meta.get("shows_output") else ""
        if not got:
            continue   # the page shows no output block for a block that printed nothing
        if k >= len(shown):
            problems.append(f"cell {cell.get('id')} printed output the page does not show")
            continue
        if not same_output(shown[k], got, session_code[session]):
            diff = "\n".join(difflib.unified_diff(shown[k].splitlines(), got.splitlines(), "page",
                                                  "notebook", lineterm=""))
            problems.append(f"cell {cell.get('id')} (page line {meta.get('line')}):\n{diff}")
        k += 1
    if k < len(shown) and not problems:
        problems.append(f"the page shows {len(shown) - k} output block(s) no cell printed")
    return problems


def with_outputs_of(twin_run, nb):
    """`nb` with each code cell given the outputs of the same cell of its executed twin. The twins' code
    cells are the same, in the same order (test_chinese_notebook_runs_the_english_code), so running the
    Chinese notebook again would print the same thing."""
    ran = [cell for cell in twin_run.cells if cell.cell_type == "code"]
    mine = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [cell.source for cell in ran] == [cell.source for cell in mine]
    for cell, twin_cell in zip(mine, ran):
        cell.outputs = twin_cell.outputs
    return nb


@pytest.fixture(scope="module")
def executed(site_dir):
    """Every built notebook, executed (two kernels at a time); and seconds per notebook. The Chinese
    notebooks carry the outputs of their English twins (see `with_outputs_of`)."""
    import time

    def run(src):
        nb = nbformat.read(site_notebook(site_dir, src), as_version=4)
        t0 = time.perf_counter()
        execute(nb)
        return src, nb, time.perf_counter() - t0

    with ThreadPoolExecutor(WORKERS) as pool:
        results = {src: (nb, seconds) for src, nb, seconds in pool.map(run, notebooks.chapter_sources("en"))}
    for src in notebooks.chapter_sources("zh"):
        twin_run, seconds = results[src[:-len(".zh.md")] + ".md"]
        results[src] = (with_outputs_of(twin_run, nbformat.read(site_notebook(site_dir, src), as_version=4)),
                        seconds)
    return results


@pytest.mark.parametrize("src", CHAPTERS)
def test_notebook_runs_clean_in_a_fresh_kernel(executed, src):
    nb, seconds = executed[src]
    print(f"{notebooks.notebook_name(src)}: {seconds:.1f} s")
    assert errors(nb) == []


@pytest.mark.parametrize("src", CHAPTERS)
def test_notebook_prints_what_the_page_shows(executed, site_dir, src):
    nb, _ = executed[src]
    assert output_mismatches(nb, site_page(site_dir, src).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("src, shown", [("steps/step25.md", {"graph": "image/svg+xml", "g": "image/svg+xml"}),
                                        ("steps/step26.md", {"fig": "image/png"})])
def test_figures_the_code_draws_are_shown(executed, src, shown):
    """Where a block draws a figure, the notebook shows it, drawn by its own run."""
    nb, _ = executed[src]
    drawn = {c.metadata["tinypytorch"]["displays"]: {k for o in c.outputs for k in o.get("data", {})}
             for c in nb.cells if c.cell_type == "code" and "displays" in c.metadata["tinypytorch"]}
    assert drawn.keys() == shown.keys()
    for name, mime in shown.items():
        assert mime in drawn[name], f"{name} shows {drawn[name]}"


def test_a_broken_notebook_fails(site_dir):
    """The checks above on a notebook without the cell that starts a session (what it defines is
    then missing), and on a page whose output was changed: both are reported."""
    src = "steps/step26.md"
    nb = nbformat.read(site_notebook(site_dir, src), as_version=4)
    sessions = [c.metadata["tinypytorch"]["session"] if c.cell_type == "code" else None for c in nb.cells]
    first = next(k for k, s in enumerate(sessions) if s and sessions.count(s) > 1)
    del nb.cells[first]
    execute(nb)
    found = errors(nb)
    assert found and "NameError" in found[0], found
    page_html = site_page(site_dir, src).read_text(encoding="utf-8")
    healthy = nbformat.read(site_notebook(site_dir, "steps/step27.md"), as_version=4)
    execute(healthy)
    step27 = site_page(site_dir, "steps/step27.md").read_text(encoding="utf-8")
    assert output_mismatches(healthy, step27) == []
    code_start = step27.index("<code>", OUTPUT_BLOCK.search(step27).start()) + len("<code>")
    altered = step27[:code_start] + "7" + step27[code_start:]
    assert output_mismatches(healthy, altered), "a changed output on the page went unnoticed"
    assert output_mismatches(nb, page_html), "a notebook missing a cell matched its page"


# --- Marks on the blocks that continue one ----------------------------------------------------


def continuing_blocks(markdown: str) -> int:
    """How many executed blocks of a page continue an earlier block of their session."""
    seen, count = set(), 0
    for part in split_fences(markdown):
        if part[0] == "fence" and EXECUTED.search(part[2]):
            session = SESSION.search(part[2])
            if session:
                count += session.group(1) in seen
                seen.add(session.group(1))
    return count


@pytest.mark.parametrize("src", CHAPTERS)
def test_each_continuing_block_is_marked(site_dir, src):
    text = site_page(site_dir, src).read_text(encoding="utf-8")
    marks = re.findall(r'<p class="tp-continues">(.*?)</p>', text, re.S)
    assert len(marks) == continuing_blocks((DOCS / src).read_text(encoding="utf-8"))
    for mark in marks:
        words = re.sub(r"<[^>]+>", "", mark)
        if notebooks.language(src) == "zh":
            assert re.fullmatch(r"接续 .+ 的代码。", words), words
        else:
            assert re.fullmatch(r"Continues the code of .+\.", words), words
        for anchor in re.findall(r'href="#([^"]+)"', mark):
            assert f'id="{anchor}"' in text, f"the mark links to #{anchor}, which the page lacks"


def test_marks_name_the_sections_of_the_earlier_blocks():
    page = "\n".join([
        "# T", "## 1. One {#one}", '```python exec="on" session="a"', "x = 1", "```",
        '```python exec="on" session="b"', "y = 1", "```",
        "## Two {#two}", '```python exec="on" session="a"', "x += 1", "```",
        "## 3. Three {#three}", '```python exec="on" session="a"', "print(x)", "```",
        '```python exec="on"', "print(2)", "```"])
    en = notebooks.continuation_marks(page, "en")
    assert list(en.values()) == ["Continues the code of [§1](#one).",
                                 "Continues the code of [§1](#one) and [“Two”](#two)."]
    zh = notebooks.continuation_marks(page, "zh")
    assert list(zh.values())[1] == "接续 [§1](#one)、[「Two」](#two) 的代码。"
    marked = notebooks.mark_continuations(page, "en")
    assert marked.count("{: .tp-continues }") == 2


# --- A page the generator cannot turn into a notebook -----------------------------------------


@pytest.mark.parametrize("block, says", [
    ('```bash exec="on"\necho hi\n```', "an executed `bash` block"),
    ('```python exec="on"\n--8<-- "docs/listings/no_such_listing.py"\n```', "no_such_listing.py"),
    ("![a figure that was never built](../figures/step99-none.svg)", "scripts/build_figures.py"),
])
def test_a_page_it_cannot_convert_gets_a_clear_error(block, says):
    page = f"# Step 99\n\n## 1. One {{#one}}\n\n{block}\n"
    with pytest.raises(notebooks.NotebookError, match=re.escape(says)) as raised:
        notebooks.chapter_notebook(page, "steps/step99.md")
    assert "docs/steps/step99.md" in str(raised.value)


def test_measured_numbers_are_compared_as_loosely_as_they_move_and_no_looser():
    assert same_output("held 480830 bytes", "held 480607 bytes", "tracemalloc.start()")       # 0.05 %
    assert same_output("held 51355 bytes", "held 53900 bytes", "tracemalloc.start()")         # the kernel's own
    assert not same_output("held 480830 bytes", "held 580607 bytes", "tracemalloc.start()")   # 20 %
    assert same_output("1000 passes 1171 ms", "1000 passes 511 ms", "time.perf_counter()")    # a clock
    assert same_output("a   13.2\nb    2.0", "a    2.4\nb    2.1", "time.perf_counter()")     # a narrower column
    assert not same_output("1000 passes 1171 ms", "1000 steps 511 ms", "time.perf_counter()")  # other words
    assert not same_output("x = 24.0", "x = 24.5", "x = f(2)")                                # not measured
