"""What a page and its Chinese twin must share, read from their sources (no build needed).

The English page ``docs/x.md`` and its twin ``docs/x.zh.md`` (mkdocs-static-i18n's suffix layout)
differ only in prose. Both show the same *fixed items*, in the same order: fenced code blocks with
their info strings (markdown-exec blocks and their options included), ``--8<--`` snippet includes
outside fences, display math and figures (image paths; the alt text is prose). Every heading below
the page title carries an explicit id (``## Pitfalls {#pitfalls}``), the same in both twins, so a
link to ``page.md#pitfalls`` lands in the same place in either language. Notebook twins
(``x.ipynb`` / ``x.zh.ipynb``) have the same cells, with the same code; only Markdown cells differ, and
what the code prints or labels: a string literal the Chinese notebook writes in Chinese is prose, compared
with the English one at the same place by its f-string fields only (``f"order {n}: ..."`` and
``f"{n} 阶：..."`` both have ``{n}``). The Chinese notebook may also have the cells named in
``CHINESE_ONLY_CELLS`` (the font its plot's Chinese labels need), which the English one has no use for.

One part of an exec block is prose: the text of a triple-quoted string given to ``say(...)`` or
``prose(...)`` (docs/benchmarks.md prints its paragraphs that way, filling ``{W1.tinypytorch.ratio}``-style
facts from the recorded results). Twins' exec blocks are compared with those strings masked, and each pair
of strings must name the same facts, as often: both editions state the same numbers. One line names the
edition's language, ``language = "en"`` on the English page and ``language = "zh"`` on its twin (the words
the page's code prints around the numbers follow it); it is compared masked, and each page must name its
own language. Everything else in an exec block is code and must be byte-identical.

Likewise, the words of display math are prose: the text of each ``\\text{...}`` (``_{\\text{through } g}``
in English, ``_{\\text{经由 } g}`` in Chinese) is masked before twins' formulas are compared, so a
formula may differ only in those words; the TeX around them, and the number of ``\\text{}``, must match.

Imported by tests/site/test_twins.py (``from twins import ...``).
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

LOCALE = "zh"

# An opening or closing fence: up to any indentation (fences live inside admonitions, tabs and
# lists too), three or more backticks or tildes, then the info string.
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)[ \t]*(?:#+[ \t]*)?$")
HEADING_ID = re.compile(r"[ \t]*\{[^}]*#(?P<id>[A-Za-z0-9_:.-]+)[^}]*\}[ \t]*$")
IMAGE_MD = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
IMAGE_HTML = re.compile(r"""<img\b[^>]*?\bsrc=["']([^"']+)["']""", re.I)
SNIPPET = "--8<--"
DISPLAY_MATH_OPEN = re.compile(r"^[ \t]*(\$\$|\\\[)")
# A mkdocstrings directive (``::: tinypytorch.core``) and its indented options below it.
API_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*):::[ \t]+\S")
# The prose of an exec block: a triple-quoted string that is the whole argument of say(...) or prose(...).
SAY_PROSE = re.compile(r"""(?P<open>\b(?:say|prose)\(\s*[rR]?(?P<quote>\"\"\"|\'\'\'))(?P<text>.*?)(?P=quote)(?=\s*\))""", re.S)
PROSE_MASK = "<prose>"
# The words inside display math: \text{...} (one level of nested braces allowed inside).
MATH_TEXT = re.compile(r"\\text\{(?:[^{}]|\{[^{}]*\})*\}")
MATH_TEXT_MASK = r"\text{<prose>}"
# A character of Chinese text (a string literal containing one, in a Chinese notebook, is prose).
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# An f-string's replacement field ({{ and }} are literal braces).
FSTRING_FIELD = re.compile(r"(?<!\{)\{(?!\{)[^{}]*\}")
# Code cells only the Chinese notebook has: their id, and why.
CHINESE_ONLY_CELLS = {"chinese-font": "loads the font that draws the plot's Chinese labels"}
# The line of an exec block that names the edition's language.
LANGUAGE = re.compile(r'^(?P<open>language = ")(?P<code>[a-z]{2})"$', re.M)
LANGUAGE_MASK = "<language>"
# A fact page.fill puts into the prose: {W1.tinypytorch.ratio}; {{ and }} are literal braces.
FACT = re.compile(r"(?<!\{)\{(?P<name>[A-Za-z_][\w.]*)\}")


@dataclass(frozen=True)
class Item:
    """One fixed item of a page: what it is, and what must be equal in the twin."""

    kind: str      # "code block", "exec block", "snippet", "math", "figure", "API directive", ...

    value: str     # the info string and content, the include line, the TeX, the image path
    where: str     # "line 12" or "cell 3" (for the message, not compared)
    # exec blocks: the facts each say() string names, sorted (the strings themselves are masked)
    facts: tuple[tuple[str, ...], ...] = ()
    languages: tuple[str, ...] = ()   # exec blocks: the languages its `language = "…"` lines name (masked)

    def key(self) -> tuple:
        return self.kind, self.value, self.facts

    def show(self) -> str:
        text = self.value if len(self.value) <= 300 else self.value[:300] + " ..."
        facts = "".join(f"; say() #{n} names {{{', '.join(f) or 'no facts'}}}"
                        for n, f in enumerate(self.facts, start=1))
        return f"{self.kind} at {self.where}: {text!r}{facts}"


@dataclass(frozen=True)
class Heading:
    level: int
    title: str      # the text before the id
    id: str | None  # the explicit {#id}, or None
    line: int


def twin_path(page: Path) -> Path:
    """docs/x.md -> docs/x.zh.md (and x.ipynb -> x.zh.ipynb)."""
    return page.with_name(f"{page.stem}.{LOCALE}{page.suffix}")


def is_twin(path: Path) -> bool:
    return path.stem.endswith(f".{LOCALE}")


def english_of(twin: Path) -> Path:
    return twin.with_name(twin.stem[: -len(LOCALE) - 1] + twin.suffix)


def split_fences(text: str):
    """Yield ("text", lineno, line) for lines outside fences and ("fence", lineno, info, body) for
    each fenced block (body dedented by the opening fence's indentation)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            yield "text", i + 1, lines[i]
            i += 1
            continue
        indent, fence, info = m.group("indent"), m.group("fence"), m.group("info").strip()
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines):
            close = FENCE.match(lines[i])
            if (close and close.group("fence")[0] == fence[0] and len(close.group("fence")) >= len(fence)
                    and not close.group("info").strip()):
                break
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        i += 1  # past the closing fence (or the end of an unclosed one)
        yield "fence", start + 1, info, "\n".join(body)


def normalise_info(info: str) -> str:
    """``python exec="on"  source="above"`` and ``{.python exec="on" source="above"}`` compare as
    the same words in the same order; spacing does not matter."""
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):
        info = info[1:-1].strip()
    return " ".join(info.split())


def mask_prose(code: str) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """An exec block's code with each ``say(\"\"\"...\"\"\")`` text replaced by ``<prose>``, and the
    facts each of those texts names (a multiset, as a sorted tuple)."""
    facts = []

    def masked(m: re.Match) -> str:
        facts.append(tuple(sorted(f.group("name") for f in FACT.finditer(m.group("text")))))
        return m.group("open") + PROSE_MASK + m.group("quote")

    return SAY_PROSE.sub(masked, code), tuple(facts)


def mask_math_words(tex: str) -> str:
    """Display math with the words of each ``\\text{...}`` replaced by ``<prose>``: what twins share."""
    return MATH_TEXT.sub(lambda m: MATH_TEXT_MASK, tex)


def mask_language(code: str) -> tuple[str, tuple[str, ...]]:
    """An exec block's code with the language of each ``language = "…"`` line masked, and those languages."""
    named = tuple(m.group("code") for m in LANGUAGE.finditer(code))
    return LANGUAGE.sub(lambda m: m.group("open") + LANGUAGE_MASK + '"', code), named


def page_items(text: str) -> list[Item]:
    """The fixed items of a Markdown page, in order."""
    items: list[Item] = []
    math: list[str] | None = None
    math_line = 0
    directive: list[str] | None = None
    for part in split_fences(text):
        if directive is not None:
            if part[0] == "text" and part[2].strip() and part[2][:1] in " \t":
                directive.append(part[2].rstrip())
                items[-1] = Item("API directive", "\n".join(directive), items[-1].where)
                continue
            directive = None
        if part[0] == "fence":
            _, line, info, body = part
            if re.search(r"\bexec=[\"']?(?:on|1|true|yes)\b", info):
                code, facts = mask_prose(body)
                code, languages = mask_language(code)
                items.append(Item("exec block", f"{normalise_info(info)}\n{code}", f"line {line}", facts, languages))
            else:
                items.append(Item("code block", f"{normalise_info(info)}\n{body}", f"line {line}"))
            continue
        _, line, source = part
        if math is not None:
            math.append(source.strip())
            if source.rstrip().endswith(("$$", "\\]")):
                items.append(Item("math", mask_math_words("\n".join(math)), f"line {math_line}"))
                math = None
            continue
        opened = DISPLAY_MATH_OPEN.match(source)
        if opened:
            rest = source.strip()[len(opened.group(1)):]
            if rest.rstrip().endswith(("$$", "\\]")):  # one-line display math
                items.append(Item("math", mask_math_words(source.strip()), f"line {line}"))
            else:
                math, math_line = [source.strip()], line
            continue
        if API_DIRECTIVE.match(source):
            directive = [source.strip()]
            items.append(Item("API directive", source.strip(), f"line {line}"))
            continue
        if SNIPPET in source:
            items.append(Item("snippet", source.strip(), f"line {line}"))
        for m in [*IMAGE_MD.finditer(source), *IMAGE_HTML.finditer(source)]:
            items.append(Item("figure", m.group(1), f"line {line}"))
    return items


def headings(text: str) -> list[Heading]:
    """Every ATX heading outside fences (the page title included, level 1)."""
    found = []
    for part in split_fences(text):
        if part[0] != "text" or part[2][:1] != "#":
            continue
        _, line, source = part
        m = HEADING.match(source)
        if not m:
            continue
        title = m.group("title")
        id_match = HEADING_ID.search(title)
        found.append(Heading(len(m.group("hashes")), title[: id_match.start()] if id_match else title,
                             id_match.group("id") if id_match else None, line))
    return found


def section_headings(text: str) -> list[Heading]:
    """The headings below the page title (level 2 and deeper): the ones that need an id."""
    return [h for h in headings(text) if h.level > 1]


def default_ids(text: str) -> list[str]:
    """The ids MkDocs gives this page's headings when they have none (Python-Markdown's toc
    slugify of the rendered title, made unique on the page as toc does), in order."""
    import markdown

    lines = [f"{'#' * h.level} {h.title}" + (f" {{#{h.id}}}" if h.id else "") for h in headings(text)]
    md = markdown.Markdown(extensions=["toc", "attr_list"])
    md.convert("\n\n".join(lines))

    def flat(tokens):
        for token in tokens:
            yield token
            yield from flat(token["children"])

    return [token["id"] for token in flat(md.toc_tokens)]


def first_difference(english: list, chinese: list, show=lambda x: repr(x), key=lambda x: x) -> str | None:
    """None if the two sequences match under ``key``; else where they first differ, in words."""
    for n, (a, b) in enumerate(zip(english, chinese), start=1):
        if key(a) != key(b):
            return f"item {n} differs:\n    English: {show(a)}\n    Chinese: {show(b)}"
    if len(english) > len(chinese):
        return f"the Chinese page stops after {len(chinese)} items; the English one goes on with {show(english[len(chinese)])}"
    if len(chinese) > len(english):
        return f"the English page stops after {len(english)} items; the Chinese one goes on with {show(chinese[len(english)])}"
    return None


def language_problems(items: list[Item], edition: str, language: str) -> list[str]:
    """An exec block of the ``edition`` page that names a language other than its own."""
    return [f"{edition} page: exec block at {item.where} names language {named!r}, not {language!r}"
            for item in items for named in item.languages if named != language]


def compare_pages(english_text: str, chinese_text: str) -> list[str]:
    """Every way the Chinese page fails to be a twin of the English one (empty: they are twins)."""
    problems = []
    english_items, chinese_items = page_items(english_text), page_items(chinese_text)
    diff = first_difference(english_items, chinese_items, show=Item.show, key=Item.key)
    if diff:
        problems.append(f"code blocks, snippets, math and figures: {diff}")
    problems += language_problems(english_items, "the English", "en")
    problems += language_problems(chinese_items, "the Chinese", LOCALE)
    en_ids = [(h.id, h.level) for h in section_headings(english_text)]
    zh_ids = [(h.id, h.level) for h in section_headings(chinese_text)]
    diff = first_difference(en_ids, zh_ids, show=lambda x: f"{'#' * x[1]} {{#{x[0]}}}")
    if diff:
        problems.append(f"heading ids: {diff}")
    return problems


def missing_heading_ids(text: str) -> list[str]:
    """Headings below the title that have no explicit id, with the id each should get."""
    suggested = default_ids(text)
    out = []
    for h, slug in zip(headings(text), suggested):
        if h.level > 1 and not h.id:
            out.append(f"line {h.line}: {'#' * h.level} {h.title}  -> add {{#{slug}}}")
    return out


# --- notebooks --------------------------------------------------------------------------------


def notebook_cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def string_literals(source: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each string literal of a code cell (IPython's ``%`` lines tokenize as Python)."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    return [(starts[t.start[0] - 1] + t.start[1], starts[t.end[0] - 1] + t.end[1], t.string)
            for t in tokens if t.type == tokenize.STRING]


def prose_mask(literal: str) -> str:
    """A string literal as prose: its prefix and quote, then ``<prose>`` with an f-string's fields."""
    prefix = re.match(r"[A-Za-z]*", literal).group(0)
    fields = "".join(FSTRING_FIELD.findall(literal)) if "f" in prefix.lower() else ""
    return f"{prefix}<prose{fields}>"


def mask_chinese_strings(english: str, chinese: str) -> tuple[str, str]:
    """A code cell of each edition with every pair of string literals in which the Chinese one is written in
    Chinese masked as prose (f-string fields kept); unchanged when the two have other strings or other code
    around them (the comparison then reports the difference)."""
    en, zh = string_literals(english), string_literals(chinese)
    if len(en) != len(zh):
        return english, chinese
    for (a0, a1, a), (b0, b1, b) in reversed(list(zip(en, zh))):
        if a != b and CHINESE.search(b):
            english = english[:a0] + prose_mask(a) + english[a1:]
            chinese = chinese[:b0] + prose_mask(b) + chinese[b1:]
    return english, chinese


def notebook_items(cells: list[dict], code_of: dict[str, str] | None = None) -> list[Item]:
    """A notebook's cells: code cells with id and source, Markdown cells by id only. ``code_of``: the code
    to compare instead of a cell's source, by cell id."""
    items = []
    for n, cell in enumerate(cells, start=1):
        source = "".join(cell.get("source", []))
        if cell["cell_type"] == "code":
            saved = f"{len(cell.get('outputs', []))} outputs, execution_count={cell.get('execution_count')}"
            code = (code_of or {}).get(cell.get("id"), source)
            items.append(Item("code cell", f"id={cell.get('id')} ({saved})\n{code}", f"cell {n}"))
        else:
            items.append(Item(f"{cell['cell_type']} cell", f"id={cell.get('id')}", f"cell {n}"))
            for m in [*IMAGE_MD.finditer(source), *IMAGE_HTML.finditer(source)]:
                items.append(Item("figure", m.group(1), f"cell {n}"))
    return items


def compare_notebooks(english: Path, chinese: Path) -> list[str]:
    en_cells = notebook_cells(english)
    zh_cells = [c for c in notebook_cells(chinese)
                if not (c["cell_type"] == "code" and c.get("id") in CHINESE_ONLY_CELLS)]
    en_code = {c.get("id"): "".join(c.get("source", [])) for c in en_cells if c["cell_type"] == "code"}
    en_masked, zh_masked = {}, {}
    for cell in zh_cells:
        if cell["cell_type"] == "code" and cell.get("id") in en_code:
            en_masked[cell["id"]], zh_masked[cell["id"]] = mask_chinese_strings(
                en_code[cell["id"]], "".join(cell.get("source", [])))
    problems = [f"{cell.get('id')}: a cell only the Chinese notebook may have is in the English one"
                for cell in en_cells if cell.get("id") in CHINESE_ONLY_CELLS]
    diff = first_difference(notebook_items(en_cells, en_masked), notebook_items(zh_cells, zh_masked),
                            show=Item.show, key=Item.key)
    return problems + ([f"cells: {diff}"] if diff else [])


# --- the set of twins ----------------------------------------------------------------------------


def english_pages(docs: Path) -> list[str]:
    """Every English page under ``docs`` (Markdown pages and notebooks; the listings are code),
    as paths relative to ``docs``."""
    pages = [p for p in docs.rglob("*.md") if "listings" not in p.relative_to(docs).parts]
    pages += list(docs.rglob("*.ipynb"))
    return sorted(p.relative_to(docs).as_posix() for p in pages
                  if not is_twin(p) and ".ipynb_checkpoints" not in p.parts)


def twin_files(docs: Path) -> list[str]:
    found = [p for p in [*docs.rglob(f"*.{LOCALE}.md"), *docs.rglob(f"*.{LOCALE}.ipynb")]
             if ".ipynb_checkpoints" not in p.parts]
    return sorted(p.relative_to(docs).as_posix() for p in found)


def coverage_problems(docs: Path, must_have_twin) -> list[str]:
    """The pages that must have a twin and have none, twins outside the list, twins of no page."""
    pages = set(english_pages(docs))
    problems = [f"{page}: listed in MUST_HAVE_TWIN but there is no such English page"
                for page in sorted(set(must_have_twin) - pages)]
    for page in sorted(set(must_have_twin) & pages):
        if not twin_path(docs / page).is_file():
            problems.append(f"{page}: has no Chinese twin ({twin_path(Path(page)).as_posix()})")
    for twin in twin_files(docs):
        page = english_of(Path(twin)).as_posix()
        if page not in pages:
            problems.append(f"{twin}: a Chinese page with no English page {page}")
        elif page not in must_have_twin:
            problems.append(f"{twin} exists but {page} is not in MUST_HAVE_TWIN (tests/site/test_twins.py): "
                            "add it, so the test keeps requiring the twin")
    return problems


def pair_problems(docs: Path, page: str) -> list[str]:
    """How ``docs/page`` and its twin differ in what they must share (empty: they are twins)."""
    english = docs / page
    chinese = twin_path(english)
    if english.suffix == ".ipynb":
        return compare_notebooks(english, chinese)
    return compare_pages(english.read_text(encoding="utf-8"), chinese.read_text(encoding="utf-8"))
