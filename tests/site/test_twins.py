"""The English and Chinese editions stay in step (issue 13).

Every English page has a Chinese twin (``x.md`` -> ``x.zh.md``, ``x.ipynb`` -> ``x.zh.ipynb``), and no
twin exists without its English page.
Each pair shows the same code blocks and exec blocks (info strings included), snippet includes,
display math, API directives and figures, in the same order; the notebooks have the same cells with
the same code. Every heading below a page title, in both languages, has an explicit id, and twins
have the same ids in the same order. A failure names the page and the first difference.

Pure Python on the sources (tests/twins.py): no build, no browser.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from twins import (LOCALE, coverage_problems, english_pages, first_difference, is_twin, mask_chinese_strings,
                   missing_heading_ids, pair_problems, twin_files)

DOCS = ROOT / "docs"

# Every page is translated: a page added in English only (or a twin whose English page is gone) fails.
MUST_HAVE_TWIN = set(english_pages(DOCS))

MARKDOWN_PAGES = [p for p in english_pages(DOCS) if p.endswith(".md")]
TWINNED = [p for p in english_pages(DOCS) if (DOCS / p).with_name(
    f"{Path(p).stem}.{LOCALE}{Path(p).suffix}").is_file()]
ALL_MARKDOWN = MARKDOWN_PAGES + [t for t in twin_files(DOCS) if t.endswith(".md")]
# A line break between two Chinese characters shows as a stray space in Chromium.
CJK = "\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
CJK_LINE_BREAK = re.compile(rf"[{CJK}]\n[ \t]*[{CJK}]")


def test_every_listed_page_has_a_twin_and_every_twin_is_listed() -> None:
    problems = coverage_problems(DOCS, MUST_HAVE_TWIN)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", TWINNED)
def test_twins_match(page: str) -> None:
    problems = pair_problems(DOCS, page)
    assert not problems, f"docs/{page} and its Chinese twin differ:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", ALL_MARKDOWN)
def test_every_heading_has_an_explicit_id(page: str) -> None:
    missing = missing_heading_ids((DOCS / page).read_text(encoding="utf-8"))
    assert not missing, (f"docs/{page}: headings without an explicit id (give a Chinese heading its "
                         "English twin's id):\n" + "\n".join(missing))


@pytest.mark.parametrize("page", [t for t in twin_files(DOCS) if t.endswith(".md")])
def test_no_line_break_inside_chinese_prose(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    lines = [text.count("\n", 0, m.start()) + 1 for m in CJK_LINE_BREAK.finditer(text)]
    assert not lines, (f"docs/{page}: a line ends between two Chinese characters (Chromium shows a "
                       f"space there); join the lines: lines {lines}")


GLOSSARY_ROW = re.compile(r"^\| (.+?) \| (.+?) \| \[[^\]]+\]\(([^)\s]+)\) \|$", re.M)


def glossary_rows(text: str) -> list[tuple[str, str, str]]:
    """(English, 中文, link target) of each row of a glossary table; the link text is prose."""
    return GLOSSARY_ROW.findall(text)


def test_the_glossary_twins_have_the_same_rows() -> None:
    english = glossary_rows((DOCS / "glossary.md").read_text(encoding="utf-8"))
    chinese = glossary_rows((DOCS / "glossary.zh.md").read_text(encoding="utf-8"))
    assert len(english) >= 50, len(english)
    assert english == chinese, first_difference(english, chinese)
    terms = [e.lower() for e, _, _ in english]
    assert terms == sorted(terms, key=lambda t: re.sub(r"[^a-z0-9 ]", "", t)), "rows out of order"
    assert len(set(terms)) == len(terms), "a term twice"
    for _, zh, _ in english:
        assert re.search(rf"[{CJK}]", zh) or zh.isascii(), zh


def test_the_glossary_check_fires() -> None:
    row = "| gradient | 梯度 | [Recap](recap.md) |\n"
    assert glossary_rows(row) == [("gradient", "梯度", "recap.md")]
    assert glossary_rows(row) != glossary_rows(row.replace("梯度", "坡度"))
    assert glossary_rows(row) != glossary_rows(row.replace("recap.md", "recap.md#x"))
    assert glossary_rows(row) == glossary_rows(row.replace("[Recap]", "[回顾]"))


def test_the_list_is_not_empty_and_covers_the_api() -> None:
    """What the list starts from: the home page, the glossary, the API pages and the notebook."""
    assert {"index.md", "glossary.md", "notebooks/playground.ipynb"} <= MUST_HAVE_TWIN
    assert {p for p in english_pages(DOCS) if p.startswith("api/")} <= MUST_HAVE_TWIN


# --- the checks fire on broken pairs -------------------------------------------------------------

ENGLISH = """# Step 99 — A page

Prose.

## 1. The idea {#the-idea}

```python exec="on" session="s" source="above" result="text"
--8<-- "docs/listings/step99_a.py"
```

$$
y = x^2
$$

![A figure of y.](../figures/step99-y.svg)

```python
print(1)
```

### Details {#details}

## Pitfalls {#pitfalls}
"""

CHINESE = """# 步骤 99 — 一页

正文。

## 1. 思路 {#the-idea}

```python exec="on" session="s" source="above" result="text"
--8<-- "docs/listings/step99_a.py"
```

$$
y = x^2
$$

![y 的插图。](../figures/step99-y.svg)

```python
print(1)
```

### 细节 {#details}

## 常见错误 {#pitfalls}
"""

BROKEN = {
    "an exec option changed": ('session="s" source="above" result="text"',
                               'session="t" source="above" result="text"', "exec block at line 7"),
    "a snippet include changed": ("step99_a.py", "step99_b.py", "step99_b.py"),
    "a code block changed": ("print(1)", "print(2)", "Chinese: code block at line 17: 'python\\nprint(2)'"),
    "math changed": ("y = x^2", "y = x^3", "math at line 11"),
    "a figure path changed": ("step99-y.svg", "step99-z.svg", "figure at line 15"),
    "a block dropped": ("```python\nprint(1)\n```\n", "", "the Chinese page stops after 3 items"),
    "a heading id changed": ("{#details}", "{#detail}", "### {#detail}"),
    "a heading dropped": ("## 常见错误 {#pitfalls}\n", "", "the Chinese page stops after 2 items"),
}


def write_pair(docs: Path, english: str, chinese: str | None, name: str = "steps/step99") -> None:
    page = docs / f"{name}.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(english, encoding="utf-8")
    if chinese is not None:
        page.with_name(f"{page.stem}.{LOCALE}.md").write_text(chinese, encoding="utf-8")


def test_a_true_pair_passes(tmp_path: Path) -> None:
    write_pair(tmp_path, ENGLISH, CHINESE)
    assert pair_problems(tmp_path, "steps/step99.md") == []
    assert coverage_problems(tmp_path, {"steps/step99.md"}) == []


@pytest.mark.parametrize("fault", list(BROKEN))
def test_a_broken_pair_fails_with_the_first_difference(tmp_path: Path, fault: str) -> None:
    old, new, expected = BROKEN[fault]
    problems = problems_once_broken(tmp_path, ENGLISH, CHINESE, old, new)
    assert expected in problems, f"{fault}: not reported as {expected!r}:\n{problems}"


def problems_once_broken(tmp_path: Path, english: str, chinese: str, old: str, new: str) -> str:
    """What the parity check reports once `old` in the Chinese page is replaced by `new`."""
    assert old in chinese
    write_pair(tmp_path, english, chinese.replace(old, new, 1))
    return "\n".join(pair_problems(tmp_path, "steps/step99.md"))


def test_a_change_in_the_english_edition_only_fails(tmp_path: Path) -> None:
    write_pair(tmp_path, ENGLISH.replace("print(1)", "print(1, 2)"), CHINESE)
    problems = "\n".join(pair_problems(tmp_path, "steps/step99.md"))
    assert "item 4 differs" in problems and "print(1, 2)" in problems and "print(1)" in problems


MATH_ENGLISH = r"""# Step 99 — A page

$$
\frac{dz}{dx} = \underbrace{3g^2 \cdot g'}_{\text{through } g} + \underbrace{y'}_{\text{through } y} .
$$
"""

MATH_CHINESE = MATH_ENGLISH.replace("# Step 99 — A page", "# 步骤 99　一页").replace(
    r"\text{through } g", r"\text{经由 } g").replace(r"\text{through } y", r"\text{经由 } y")

MATH_BROKEN = {
    "the math beside the words changed": ("3g^2", "2g^2", "2g^2"),
    "the math after a \\text changed": (r"\text{经由 } y", r"\text{经由 } x", "text{<prose>} x"),
    "a \\text dropped": (r"_{\text{经由 } y}", "_{y}", "_{y}"),
    "a \\text added": ("y'}", r"y' \text{（导数）}}", "y' \\\\text{<prose>}}"),
    "math moved into the words": (r"\text{经由 } g", r"\text{经由 g}", "g'}_{\\\\text{<prose>}} +"),
}


def test_display_math_may_differ_only_in_its_words(tmp_path: Path) -> None:
    assert MATH_CHINESE != MATH_ENGLISH
    write_pair(tmp_path, MATH_ENGLISH, MATH_CHINESE)
    assert pair_problems(tmp_path, "steps/step99.md") == []


@pytest.mark.parametrize("fault", list(MATH_BROKEN))
def test_display_math_with_other_tex_or_other_words_count_fails(tmp_path: Path, fault: str) -> None:
    old, new, expected = MATH_BROKEN[fault]
    problems = problems_once_broken(tmp_path, MATH_ENGLISH, MATH_CHINESE, old, new)
    assert "item 1 differs" in problems and expected in problems, f"{fault}: not reported as {expected!r}:\n{problems}"


SAY_ENGLISH = '''# Benchmarks

```python exec="on" session="bench"
language = "en"
facts = {"W1.ratio": "3×", "W1.steps": "1,000"}
say("""
Each of {W1.steps} steps takes {W1.ratio} numpy's time.
""")
print(page.comparison(report, language))
print(page.evidence(report, "W1", prose("""
    The {W1.steps} steps.
"""), language))
```
'''

SAY_CHINESE = '''# 基准测试

```python exec="on" session="bench"
language = "zh"
facts = {"W1.ratio": "3×", "W1.steps": "1,000"}
say("""
{W1.steps} 步中的每一步，耗时都是 numpy 的 {W1.ratio}。
""")
print(page.comparison(report, language))
print(page.evidence(report, "W1", prose("""
    这 {W1.steps} 步。
"""), language))
```
'''

SAY_BROKEN = {
    "a line of code outside say() changed": ("page.comparison(report, language)",
                                            "page.comparison(baseline, language)", "page.comparison(baseline"),
    "a fact swapped for another": ("{W1.ratio}。", "{W1.steps}。", "names {W1.steps, W1.steps}"),
    "a fact missing": ("{W1.steps} 步中的", "这些步中的", "names {W1.ratio}"),
    "a fact added": ("numpy 的 {W1.ratio}", "numpy 的 {W1.ratio}（{W1.ratio}）", "names {W1.ratio, W1.ratio, W1.steps}"),
    "the string left say()": ('say("""\n{W1.steps}', 'print("""\n{W1.steps}', 'print(\"\"\"\\n{W1.steps}'),
    "a fact missing in prose()": ("这 {W1.steps} 步", "这些步", "names {no facts}"),
}


def test_say_prose_may_differ_when_it_names_the_same_facts(tmp_path: Path) -> None:
    write_pair(tmp_path, SAY_ENGLISH, SAY_CHINESE, name="benchmarks")
    assert pair_problems(tmp_path, "benchmarks.md") == []


@pytest.mark.parametrize("fault", list(SAY_BROKEN))
def test_an_exec_block_with_other_code_or_other_facts_fails(tmp_path: Path, fault: str) -> None:
    old, new, expected = SAY_BROKEN[fault]
    assert old in SAY_CHINESE
    write_pair(tmp_path, SAY_ENGLISH, SAY_CHINESE.replace(old, new, 1), name="benchmarks")
    problems = "\n".join(pair_problems(tmp_path, "benchmarks.md"))
    assert "item 1 differs" in problems and expected in problems, f"{fault}: not reported as {expected!r}:\n{problems}"


@pytest.mark.parametrize("english, chinese, expected", [
    ('language = "en"', 'language = "en"', "the Chinese page: exec block at line 3 names language 'en', not 'zh'"),
    ('language = "zh"', 'language = "zh"', "the English page: exec block at line 3 names language 'zh', not 'en'"),
])
def test_each_twin_names_its_own_language(tmp_path: Path, english: str, chinese: str, expected: str) -> None:
    write_pair(tmp_path, SAY_ENGLISH.replace('language = "en"', english),
               SAY_CHINESE.replace('language = "zh"', chinese), name="benchmarks")
    assert pair_problems(tmp_path, "benchmarks.md") == [expected]


def test_missing_twin_and_unlisted_twin_fail(tmp_path: Path) -> None:
    write_pair(tmp_path, ENGLISH, None)
    write_pair(tmp_path, ENGLISH, CHINESE, name="steps/step98")
    (tmp_path / "orphan.zh.md").write_text("# 孤儿\n", encoding="utf-8")
    problems = "\n".join(coverage_problems(tmp_path, {"steps/step99.md", "gone.md"}))
    assert "steps/step99.md: has no Chinese twin (steps/step99.zh.md)" in problems
    assert "steps/step98.zh.md exists but steps/step98.md is not in MUST_HAVE_TWIN" in problems
    assert "orphan.zh.md: a Chinese page with no English page orphan.md" in problems
    assert "gone.md: listed in MUST_HAVE_TWIN but there is no such English page" in problems


def test_a_heading_without_an_id_is_reported_with_the_id_it_needs() -> None:
    text = "# Title\n\n## 3. The math: what the picture must contain\n\n```\n## not a heading\n```\n"
    assert missing_heading_ids(text) == [
        "line 3: ## 3. The math: what the picture must contain  -> add {#3-the-math-what-the-picture-must-contain}"]
    assert missing_heading_ids(CHINESE) == []


def test_a_notebook_twin_with_other_code_or_saved_outputs_fails(tmp_path: Path) -> None:
    source = DOCS / "notebooks" / "playground.ipynb"
    (tmp_path / "notebooks").mkdir()
    shutil.copy(source, tmp_path / "notebooks" / "playground.ipynb")
    nb = json.loads(source.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    twin = tmp_path / "notebooks" / f"playground.{LOCALE}.ipynb"

    twin.write_text(json.dumps(nb), encoding="utf-8")
    assert pair_problems(tmp_path, "notebooks/playground.ipynb") == []

    code[1]["source"] = ["x = Variable(np.array(3.0))\n"]
    twin.write_text(json.dumps(nb), encoding="utf-8")
    problems = "\n".join(pair_problems(tmp_path, "notebooks/playground.ipynb"))
    assert f"code cell at cell" in problems and "np.array(3.0)" in problems, problems

    nb = json.loads(source.read_text(encoding="utf-8"))
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}]
    twin.write_text(json.dumps(nb), encoding="utf-8")
    problems = "\n".join(pair_problems(tmp_path, "notebooks/playground.ipynb"))
    assert "1 outputs" in problems, problems


def test_a_line_break_inside_chinese_prose_is_found() -> None:
    assert CJK_LINE_BREAK.search("第一行的末尾\n第二行")
    assert CJK_LINE_BREAK.search("句号。\n下一句")
    assert not CJK_LINE_BREAK.search("the `x`\n在这里") and not CJK_LINE_BREAK.search("中文\n\n段落")


def test_twins_are_recognised() -> None:
    assert is_twin(Path("steps/step25.zh.md")) and not is_twin(Path("steps/step25.md"))


NOTEBOOK_BROKEN = {
    "a field of a Chinese f-string changed": ("{s.n_functions:3d} 个函数", "{s.n_variables:3d} 个函数",
                                              "<prose{n}{s.n_variables:3d}>"),
    "a format of a Chinese f-string changed": ("{worst:.1e}", "{worst:.2e}", "id=nth"),
    "a string that is not Chinese changed": ('loc=\\"lower right\\"', 'loc=\\"upper left\\"', "id=plot"),
    "code beside a Chinese string changed": ('\\"三阶\\"]', '\\"三阶\\", \\"四阶\\"]', "四阶"),
    "a Chinese-only cell under another id": ('"id": "chinese-font"', '"id": "fonts"', "id=fonts"),
}


@pytest.mark.parametrize("fault", list(NOTEBOOK_BROKEN))
def test_a_notebook_twin_may_differ_only_in_its_chinese_strings(tmp_path: Path, fault: str) -> None:
    """The Chinese notebook prints and labels in Chinese; its code, and its fields, stay the English one's."""
    (tmp_path / "notebooks").mkdir()
    shutil.copy(DOCS / "notebooks" / "playground.ipynb", tmp_path / "notebooks" / "playground.ipynb")
    chinese = (DOCS / "notebooks" / f"playground.{LOCALE}.ipynb").read_text(encoding="utf-8")
    twin = tmp_path / "notebooks" / f"playground.{LOCALE}.ipynb"
    twin.write_text(chinese, encoding="utf-8")
    assert pair_problems(tmp_path, "notebooks/playground.ipynb") == []

    old, new, expected = NOTEBOOK_BROKEN[fault]
    assert chinese.count(old) == 1, old
    twin.write_text(chinese.replace(old, new), encoding="utf-8")
    problems = "\n".join(pair_problems(tmp_path, "notebooks/playground.ipynb"))
    assert "cells: item" in problems and expected in problems, f"{fault}: not reported as {expected!r}:\n{problems}"


def test_a_chinese_only_cell_in_the_english_notebook_fails(tmp_path: Path) -> None:
    (tmp_path / "notebooks").mkdir()
    english = json.loads((DOCS / "notebooks" / f"playground.{LOCALE}.ipynb").read_text(encoding="utf-8"))
    shutil.copy(DOCS / "notebooks" / f"playground.{LOCALE}.ipynb", tmp_path / "notebooks" / f"playground.{LOCALE}.ipynb")
    (tmp_path / "notebooks" / "playground.ipynb").write_text(json.dumps(english), encoding="utf-8")
    problems = "\n".join(pair_problems(tmp_path, "notebooks/playground.ipynb"))
    assert "chinese-font: a cell only the Chinese notebook may have is in the English one" in problems


def test_chinese_strings_are_masked_in_pairs_with_their_fields() -> None:
    english, chinese = mask_chinese_strings('print(f"order {n}: {k:3d} functions", "x")',
                                            'print(f"{n} 阶：{k:3d} 个函数", "x")')
    assert english == chinese == 'print(f<prose{n}{k:3d}>, "x")'
    # a string that is the same, or not Chinese, is code
    assert mask_chinese_strings('f("a")', 'f("b")') == ('f("a")', 'f("b")')
    assert mask_chinese_strings('f("a", "b")', 'f("甲")') == ('f("a", "b")', 'f("甲")')
