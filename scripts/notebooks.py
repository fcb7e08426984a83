"""Chapter notebooks: every chapter page (the recap and Steps 25–34, in English and in Chinese) as a
Jupyter notebook, made from the page's own Markdown.

The page is the one source. Its prose becomes Markdown cells (math left as written, headings keeping
their ids, figures embedded as attachments with the page's alt text); every executed block
(markdown-exec's ``exec="on"``) becomes a code cell holding the code the page runs, its listing
included as ``pymdownx.snippets`` includes it; an included file that is not Python (a ``.dot``
listing) becomes a ``%%writefile`` cell; other code (a shell command) stays in the Markdown as the
page shows it. Where a block's code draws a figure (``fig = Figure(...)``, ``graph =
plot_dot_graph(...)``), a one-line cell after it shows that figure in Jupyter, drawn by the
notebook's own run (the page shows the picture file instead). Cells come in page order. A notebook has one kernel where the page has
markdown-exec sessions, so a block that continues a session runs after the ones it continues.

The same reading of the page gives the marks a page shows above a block that continues an earlier
one ("Continues the code of §3."), so a reader who copies that block alone knows what else to run.

``hooks/chapter_notebooks.py`` writes the notebooks into the built site, unexecuted; the tests
(tests/site/test_chapter_notebooks.py) execute them. Run as a script to write them to a folder::

    python scripts/notebooks.py --out build/notebooks [docs/steps/step26.md ...]

The output is deterministic: no timestamps, no random ids, keys sorted, so a rebuild gives the same
bytes.
"""

from __future__ import annotations

import argparse
import base64
import functools
import json
import os
import posixpath
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# A chapter, by its path under docs/: the recap and the steps, each with its Chinese twin.
CHAPTER = re.compile(r"^(?P<stem>recap|steps/step\d\d)(?P<zh>\.zh)?\.md$")
EXECUTED = {"on", "1", "true", "yes"}
PYTHON = {"python", "py"}
SNIPPET_LINE = re.compile(r"^\s*-{1,}8<-{1,}\s")
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif"}

TEXT = {
    "en": {
        "intro": ("*This notebook is the page **{title}** of the TinyPytorch tutorial "
                  "(`docs/{src}`), generated from the page itself: the same text, and every block of "
                  "code the page runs, in the page's order. Run it from top to bottom with the "
                  "`tinypytorch` package installed{needs}.*"),
        "render": (" with its `render` extra (`pip install -e \".[render]\"` in a clone of the "
                   "repository), which brings the `dot` program that draws this chapter's graphs"),
        "matplotlib": ", and matplotlib",
        "continues": "Continues the code of {where}.",
        "and": " and ",
        "sep": ", ",
        "quote": "“{}”",
        "button": "Download this chapter as a notebook",
        "button_title": "{name}: this page's text and code, to run in Jupyter",
    },
    "zh": {
        "intro": ("*这个 notebook 由 TinyPytorch 教程的页面「{title}」（`docs/{src}`）自动生成："
                  "文字与页面相同，页面运行的每一段代码都按页面中的顺序排成代码单元。装好 `tinypytorch` "
                  "包{needs}后，从上到下依次运行即可。*"),
        "render": ("（连同 `render` 附加依赖：在仓库的克隆目录下执行 `pip install -e \".[render]\"`，"
                   "本章画计算图要用到它带来的 `dot` 程序）"),
        "matplotlib": "和 matplotlib ",
        "continues": "接续 {where} 的代码。",
        "and": "、",
        "sep": "、",
        "quote": "「{}」",
        "button": "下载本章 notebook",
        "button_title": "{name}：本页的文字和代码，可在 Jupyter 中运行",
    },
}


class NotebookError(Exception):
    """A page the generator cannot turn into a notebook; the message names the page and line."""


# --- Which pages, and what their notebooks are called ----------------------------------------


def is_chapter(src_uri: str) -> bool:
    """Whether ``src_uri`` (a path under docs/) is a chapter: the recap or a step, either language."""
    return CHAPTER.match(src_uri) is not None


def language(src_uri: str) -> str:
    return "zh" if src_uri.endswith(".zh.md") else "en"


def notebook_name(src_uri: str) -> str:
    """``steps/step26.md`` -> ``step26.ipynb``; ``steps/step26.zh.md`` -> ``step26.zh.ipynb``."""
    m = CHAPTER.match(src_uri)
    if m is None:
        raise NotebookError(f"{src_uri} is not a chapter page")
    return f"{posixpath.basename(m['stem'])}{m['zh'] or ''}.ipynb"


def chapter_sources(lang: str | None = None) -> list[str]:
    """Every chapter page under docs/ (paths relative to docs/), the recap first, in step order."""
    found = sorted(p.relative_to(DOCS).as_posix() for p in [DOCS / "recap.md", DOCS / "recap.zh.md",
                                                           *DOCS.glob("steps/step[0-9][0-9]*.md")])
    return [s for s in found if is_chapter(s) and (lang is None or language(s) == lang)]


# --- Reading a page: fences, headings, containers ---------------------------------------------

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
OPTION = re.compile(r"""(?P<key>[\w-]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+))""")
HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)(?:[ \t]*\{[ \t]*#(?P<id>[\w-]+)[^}]*\})?[ \t]*#*[ \t]*$")
CONTAINER = re.compile(r"""^(?P<kind>!!!|\?\?\?\+?|===\+?)[ \t]*(?P<type>[\w-]+)?[ \t]*(?:"(?P<title>[^"]*)")?[ \t]*$""")
HTML_WRAPPER = re.compile(r"^[ \t]*(<div\b[^>]*\bmarkdown\b[^>]*>|</div>)[ \t]*$")
ATTR_LINE = re.compile(r"^[ \t]*\{:?[ \t]*[#.][^}]*\}[ \t]*$")


@dataclass
class Fence:
    start: int                  # line index of the opening fence
    end: int                    # line index of the closing fence
    indent: str
    lang: str
    options: dict
    body: list[str]             # the lines between the fences, the fence's indentation removed

    @property
    def executed(self) -> bool:
        return self.options.get("exec", "").lower() in EXECUTED

    @property
    def included(self) -> bool:
        return any(SNIPPET_LINE.match(line) for line in self.body)

    @property
    def session(self) -> str | None:
        return self.options.get("session") or None

    @property
    def shows_output(self) -> bool:
        """Whether the page shows what the block printed in an output block of its own."""
        printed_as_code = self.options.get("result") == "python"  # source printed: shown as code, not output
        return bool(self.options.get("result")) and not printed_as_code and \
            self.options.get("html", "").lower() not in EXECUTED


def parse_info(info: str) -> tuple[str, dict]:
    """A fence's info string: its language and its ``key="value"`` options."""
    lang, _, rest = info.partition(" ")
    lang = lang.strip().lstrip(".").lstrip("{").strip()
    options = {m["key"]: next(v for v in (m["dq"], m["sq"], m["bare"]) if v is not None)
               for m in OPTION.finditer(rest)}
    return lang, options


def find_fences(lines: list[str]) -> list[Fence]:
    fences, i = [], 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if m is None:
            i += 1
            continue
        marker = m["marker"]
        closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        if j == len(lines):
            raise NotebookError(f"line {i + 1}: a code fence that is never closed")
        lang, options = parse_info(m["info"])
        indent = m["indent"]
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines[i + 1:j]]
        fences.append(Fence(i, j, indent, lang, options, body))
        i = j + 1
    return fences


def outside_fences(lines: list[str], fences: list[Fence]):
    """(index, line) for every line that is not part of a fence."""
    inside = {k for f in fences for k in range(f.start, f.end + 1)}
    return ((k, line) for k, line in enumerate(lines) if k not in inside)


def flatten_containers(lines: list[str]) -> tuple[list[str], list[int]]:
    """Admonitions (``!!!``/``???``) and content tabs (``===``) as a bold title and their body at the
    outer level: a notebook's Markdown has neither, and code inside one must become a cell too.
    Also returns, for each line out, the index of the page's line it comes from."""
    out: list[str] = []
    origin: list[int] = []
    bodies: list[int] = []   # the indentation of each open container's body
    fence = None             # inside a fence: the pattern of the line that closes it
    for k, line in enumerate(lines):
        if not line.strip():
            out.append("")
            origin.append(k)
            continue
        indent = len(line) - len(line.lstrip(" "))
        while bodies and indent < bodies[-1]:
            bodies.pop()
        text = line[bodies[-1]:] if bodies else line
        container = None if fence is not None else CONTAINER.match(text)
        if fence is not None or not container:
            fence = _fence_after(text, fence)
            out.append(text)
            origin.append(k)
            continue
        bodies.append(indent + 4)
        title = _container_title(container)
        if title:
            out.extend([f"**{title}**", ""])
            origin.extend([k, k])
    return out, origin


def _fence_after(text: str, fence: re.Pattern | None) -> re.Pattern | None:
    """The closing pattern of the fence open after the line `text` (None outside a fence)."""
    if fence is not None:
        return None if fence.match(text) else fence
    opened = FENCE_OPEN.match(text)
    if not opened:
        return None
    marker = opened["marker"]
    return re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")


def _container_title(container: re.Match) -> str:
    """An admonition's or tab's title: as written, else its type (``!!! note`` → Note); empty for ``!!! note ""``."""
    title = container["title"]
    if title is None:
        title = (container["type"] or "").replace("-", " ").capitalize()
    return title


@dataclass
class Section:
    """The ``##`` section a line belongs to: its number ("5" for "## 5. Longer runs") or title."""
    title: str
    anchor: str | None
    number: str | None = field(default=None)


def sections_by_line(lines: list[str], fences: list[Fence]) -> dict[int, Section]:
    current = Section("", None)
    headings = {k: HEADING.match(line) for k, line in outside_fences(lines, fences)}
    found = {}
    for k in range(len(lines)):
        m = headings.get(k)
        if m and len(m["hashes"]) <= 2:
            number = re.match(r"^(\d+)\.\s", m["title"])
            current = Section(m["title"], m["id"], number[1] if number else None)
        found[k] = current
    return found


# --- The continuation marks on the page -----------------------------------------------------


def continuation_marks(markdown: str, lang: str) -> dict[int, str]:
    """Line index of each executed block that continues an earlier block of its session -> the
    Markdown of its mark, naming (and linking) the sections that hold the earlier blocks."""
    lines = markdown.split("\n")
    fences = find_fences(lines)
    sections = sections_by_line(lines, fences)
    words = TEXT[lang]
    seen: dict[str, list[Section]] = {}
    marks = {}
    for fence in fences:
        if not (fence.executed and fence.session):
            continue
        section = sections[fence.start]
        earlier = seen.setdefault(fence.session, [])
        if earlier:
            names = []
            for s in earlier:
                label = f"§{s.number}" if s.number else words["quote"].format(s.title)
                names.append(f"[{label}](#{s.anchor})" if s.anchor else label)
            where = names[0] if len(names) == 1 else words["sep"].join(names[:-1]) + words["and"] + names[-1]
            marks[fence.start] = words["continues"].format(where=where)
        if not any(s.anchor == section.anchor and s.title == section.title for s in earlier):
            earlier.append(section)
    return marks


def mark_continuations(markdown: str, lang: str) -> str:
    """The page with a small paragraph (class ``tp-continues``) above every block that continues an
    earlier block of its session."""
    marks = continuation_marks(markdown, lang)
    if not marks:
        return markdown
    lines = markdown.split("\n")
    out = []
    for k, line in enumerate(lines):
        if k in marks:
            indent = re.match(r"^[ \t]*", line)[0]
            out.extend(["", f"{indent}{marks[k]}", f"{indent}{{: .tp-continues }}", ""])
        out.append(line)
    return "\n".join(out)


# --- Snippets: the listings, included as the page includes them ------------------------------


@functools.lru_cache(maxsize=1)
def _snippet_preprocessor():
    """pymdownx.snippets configured as mkdocs.yml configures it (paths from the repository root,
    a missing file is an error)."""
    import markdown

    md = markdown.Markdown(extensions=["pymdownx.snippets"],
                           extension_configs={"pymdownx.snippets": {"base_path": [str(ROOT)],
                                                                     "check_paths": True}})
    return md.preprocessors["snippet"]


def expand_snippets(lines: list[str], where: str) -> list[str]:
    from pymdownx.snippets import SnippetMissingError

    try:
        return _snippet_preprocessor().run(list(lines))
    except (SnippetMissingError, OSError) as error:
        raise NotebookError(f"{where}: {error}") from error


# --- Markdown for a notebook ------------------------------------------------------------------

IMAGE = re.compile(r"!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\((?P<src>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
LINK = re.compile(r"(?<!!)\[(?P<text>(?:[^\]\\]|\\.)+)\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
AUTOREF = re.compile(r"\[(?P<text>(?:[^\]\\]|\\.)+)\]\[(?P<ref>[\w.]*)\]")


class MarkdownForNotebook:
    """Rewrites one page's prose for a notebook: images become attachments, links to other chapters
    point at their notebooks, links to the rest of the site keep their text."""

    def __init__(self, src_uri: str) -> None:
        self.src_uri = src_uri
        self.page_dir = posixpath.dirname(src_uri)
        self.lang = language(src_uri)

    def site_path(self, target: str) -> str:
        return posixpath.normpath(posixpath.join(self.page_dir, target))

    def image(self, m: re.Match, attachments: dict) -> str:
        src = m["src"]
        if re.match(r"^[a-z]+:", src):
            return m[0]
        path = DOCS / self.site_path(src)
        mime = IMAGE_TYPES.get(path.suffix.lower())
        if mime is None:
            raise NotebookError(f"docs/{self.src_uri}: image {src}: not a type a notebook shows")
        if not path.is_file():
            raise NotebookError(f"docs/{self.src_uri}: image {src} not found at {path} "
                                "(figures come from scripts/build_figures.py: run it first)")
        attachments[path.name] = {mime: base64.b64encode(path.read_bytes()).decode("ascii")}
        return f"![{m['alt']}](attachment:{path.name}{m['title'] or ''})"

    def link(self, m: re.Match) -> str:
        target = m["target"]
        if re.match(r"^([a-z]+:|#)", target):
            return m[0]
        path, _, anchor = target.partition("#")
        page = self.site_path(path)
        if page.endswith(".md") and is_chapter(page):
            twin = page[:-3] + ".zh.md" if self.lang == "zh" and not page.endswith(".zh.md") else page
            return f"[{m['text']}]({notebook_name(twin)}{'#' + anchor if anchor else ''})"
        return m["text"]   # another page of the site: its text

    def heading(self, line: str) -> str:
        m = HEADING.match(line)
        if m is None or m["id"] is None:
            return line
        return f"{m['hashes']} {m['title']} <a id=\"{m['id']}\"></a>"

    def convert(self, lines: list[str], attachments: dict) -> list[str]:
        out = []
        fences = find_fences(lines)
        inside = {k for f in fences for k in range(f.start, f.end + 1)}
        for k, line in enumerate(lines):
            if k in inside:
                out.append(line)
                continue
            if HTML_WRAPPER.match(line) or ATTR_LINE.match(line):
                continue
            line = self.heading(line)
            line = IMAGE.sub(lambda m: self.image(m, attachments), line)
            line = AUTOREF.sub(lambda m: m["text"], line)
            line = LINK.sub(self.link, line)
            out.append(line)
        return out


# --- The notebook -----------------------------------------------------------------------------


def markdown_cell(lines: list[str], attachments: dict | None = None) -> dict:
    cell = {"cell_type": "markdown", "metadata": {}, "source": _source(lines)}
    if attachments:
        cell["attachments"] = attachments
    return cell


def code_cell(lines: list[str], metadata: dict) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {"tinypytorch": metadata},
            "outputs": [], "source": _source(lines)}


def _source(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    text = "\n".join(lines)
    return text.splitlines(keepends=True)


def prose_cells(lines: list[str], convert: MarkdownForNotebook) -> list[dict]:
    """Markdown cells for a run of prose: one per heading, so the notebook's outline is the page's."""
    cells, chunk, attachments = [], [], {}
    fences = find_fences(lines)
    inside = {k for f in fences for k in range(f.start, f.end + 1)}

    def flush():
        nonlocal chunk, attachments
        converted = convert.convert(chunk, attachments)
        if any(line.strip() for line in converted):
            cells.append(markdown_cell(converted, attachments))
        chunk, attachments = [], {}

    for k, line in enumerate(lines):
        if k not in inside and HEADING.match(line) and any(c.strip() for c in chunk):
            flush()
        chunk.append(line)
    flush()
    return cells


def block_cell(fence: Fence, src_uri: str, line: int) -> dict | None:
    """The code cell for an executed or included block (at ``line`` of the page); None for code
    the page only shows."""
    where = f"docs/{src_uri}:{line}"
    if not (fence.executed or fence.included):
        return None
    code = expand_snippets(fence.body, where)
    metadata = {"line": line, "session": fence.session,
                "shows_output": fence.executed and fence.shows_output}
    if fence.executed and fence.lang not in PYTHON:
        raise NotebookError(f"{where}: an executed `{fence.lang}` block; the notebook generator "
                            "runs Python blocks only (scripts/notebooks.py)")
    if fence.executed or fence.lang in PYTHON:
        return code_cell(code, metadata)
    included = [SNIPPET_LINE.sub("", line).strip().strip('"').split(":")[0]
                for line in fence.body if SNIPPET_LINE.match(line)]
    return code_cell([f"%%writefile {posixpath.basename(included[0])}", *code], metadata)


# A call whose result Jupyter can draw: a tinypytorch graph (it has an SVG repr), a matplotlib figure.
DRAWN_BY = {"plot_dot_graph": "graph", "Graph": "graph", "Figure": "matplotlib"}


def drawn_name(code: str) -> tuple[str, str] | None:
    """The name the block binds last to a drawable object (``fig = Figure(...)``, ``graph =
    plot_dot_graph(...)``, at the top level or in a ``with``/``for``/``if`` block), and its kind."""
    import ast

    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    found = None

    def visit(statements):
        nonlocal found
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)):
                func = node.value.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if called in DRAWN_BY:
                    found = (node.targets[0].id, DRAWN_BY[called])
            for body in ("body", "orelse", "finalbody"):
                if isinstance(getattr(node, body, None), list):
                    visit(getattr(node, body))

    visit(tree.body)
    return found


def display_cell(code_cell_: dict) -> dict | None:
    """A cell that shows in Jupyter what the code cell drew (the page saves it to a file, or
    shows the picture the figure build made from the same code)."""
    drawn = drawn_name("".join(code_cell_["source"]))
    if drawn is None:
        return None
    name, kind = drawn
    lines = ["%matplotlib inline", name] if kind == "matplotlib" else [name]
    meta = code_cell_["metadata"]["tinypytorch"]
    return code_cell(lines, {"line": meta["line"], "session": meta["session"], "shows_output": False,
                             "displays": name})


def needs(cells: list[dict], lang: str) -> str:
    """What the notebook's code needs besides the package, in the intro's words: the ``render``
    extra where it draws graphs with ``dot``, matplotlib where it imports it."""
    names = imported_names(cells)
    words = TEXT[lang]
    said = ""
    if any(n.startswith("tinypytorch.render") or n == "tinypytorch.plot_dot_graph" for n in names):
        said += words["render"]
    if any(n.split(".")[0] == "matplotlib" for n in names):
        said += words["matplotlib"]
    return said


def imported_names(cells: list[dict]) -> set[str]:
    """Every module and ``module.name`` the notebook's code cells import (magics and cells that do not
    parse are skipped: the run will say where)."""
    import ast

    names: set[str] = set()
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or source.startswith("%"):
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        names |= {name for node in ast.walk(tree) for name in _imported_by(node)}
    return names


def _imported_by(node) -> list[str]:
    """What one statement imports: ``import a.b`` → a.b; ``from a import b`` → a and a.b."""
    import ast

    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


def page_title(lines: list[str]) -> str:
    for line in lines:
        m = HEADING.match(line)
        if m and len(m["hashes"]) == 1:
            return m["title"]
    return ""


def chapter_notebook(markdown: str, src_uri: str) -> dict:
    """The notebook (nbformat 4 as a dict) of the chapter page ``docs/<src_uri>`` whose text is
    ``markdown``."""
    lang = language(src_uri)
    lines, origin = flatten_containers(markdown.split("\n"))
    convert = MarkdownForNotebook(src_uri)
    cells: list[dict] = []
    prose_start = 0
    prose: list[str] = []
    for fence in find_fences(lines):
        cell = block_cell(fence, src_uri, origin[fence.start] + 1)
        if cell is None:
            continue   # shown code (a shell command): it stays in the prose
        prose = lines[prose_start:fence.start]
        cells.extend(prose_cells(expand_snippets(prose, f"docs/{src_uri}"), convert))
        cells.append(cell)
        shown = display_cell(cell) if fence.executed else None
        if shown is not None:
            cells.append(shown)
        prose_start = fence.end + 1
    cells.extend(prose_cells(expand_snippets(lines[prose_start:], f"docs/{src_uri}"), convert))
    intro = TEXT[lang]["intro"].format(title=page_title(lines), src=src_uri, needs=needs(cells, lang))
    cells.insert(0, markdown_cell([intro]))
    kinds = {"markdown": "md", "code": "code"}
    counts = {"md": 0, "code": 0}
    for cell in cells:
        kind = kinds[cell["cell_type"]]
        counts[kind] += 1
        cell["id"] = f"{kind}-{counts[kind]:03d}"
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "tinypytorch": {"page": f"docs/{src_uri}", "language": lang},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_bytes(notebook: dict) -> bytes:
    return (json.dumps(notebook, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def chapter_notebook_bytes(src_uri: str, markdown: str | None = None) -> bytes:
    if markdown is None:
        markdown = (DOCS / src_uri).read_text(encoding="utf-8")
    return notebook_bytes(chapter_notebook(markdown, src_uri))


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="chapter pages (docs/steps/step26.md ...); all by default")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "notebooks", help="output folder")
    args = parser.parse_args(argv)
    sources = [Path(p).resolve().relative_to(DOCS).as_posix() for p in args.pages] or chapter_sources()
    try:
        for src in sources:
            target = args.out / notebook_name(src)
            write_atomically(target, chapter_notebook_bytes(src))
            print(f"{target}")
    except NotebookError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
