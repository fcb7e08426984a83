"""The Chinese edition's house style, pinned on the sources (issue 20, ../ZH-DECISIONS).

Every ``docs/**/*.zh.md`` page is read as prose only: code blocks (exec blocks included), code spans,
math, link targets, heading ids, HTML tags and comments are taken out first, and so is the English
column of a table headed "English" (the glossary's). What is left must keep the rules in RULES, each
a pattern that must not occur, with the decision it comes from. Two rules look at a page's structure:
a chapter's title (decision 1) and the bold leads of a list (decision 10).

Each rule proves it fires on a bad snippet and stays quiet on a good one (test_each_rule_fires...).
Pure Python on the sources: no build, no browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT

DOCS = ROOT / "docs"
ZH_PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.zh.md"))

CJK = "\u4e00-\u9fff"                                  # Chinese characters
CJK_OR_PUNCT = CJK + "\u3000-\u303f\uff00-\uffef"      # ... and full-width punctuation


@dataclass(frozen=True)
class Rule:
    name: str
    why: str            # what to write instead, and the decision it comes from
    pattern: re.Pattern
    bad: str            # a line of prose the rule must catch
    good: str           # the same line written as the rule wants


RULES = [
    Rule("title dash", "a chapter title is 「步骤 N　标题」 (an ideographic space, no dash; decision 1)",
         re.compile(r"(?:步骤\s*\d+|回顾)\s*—"),
         "见步骤 25 — 计算图可视化。", "见步骤 25　计算图可视化。"),
    Rule("第 N 步", "a book chapter is 原书步骤 N, a site chapter 步骤 N, an iteration 第 N 次迭代, "
         "an item 第 N 项 (decision 2)",
         re.compile(r"第\s*(?:\d[\d,]*(?:\s*[、和到至]\s*\d[\d,]*)*|[一二两三四五六七八九十百千]+|[A-Za-z])\s*步(?!骤)"),
         "在第 1,000、10,000 步读取结果，第一步就走错了。", "在第 1,000、10,000 次迭代后读取结果，第一次迭代就走错了。"),
    Rule("原书第", "a chapter of the book is 「原书步骤 N」 (decision 2); 「原书第 3 阶段」 is its Part 3",
         re.compile(r"原书第(?!\s*\d\s*阶段)"),
         "本章改写自原书第 25、26 节。", "本章改写自原书步骤 25、26（原书第 3 阶段）。"),
    Rule("bare backward", "「`backward` 方法」 for the method, 「反向传播」 for the pass (decision 4)",
         re.compile(r"(?<![\w.-])backward(?![\w-])", re.I),      # not a hyphenated English name
         "执行它的 backward。", "执行它的 C 方法。"),
    Rule("被记录的", "「记录下来的…」 (decision 5)",
         re.compile(r"被记录的"),
         "被记录的节点画成虚线。", "记录下来的节点画成虚线。"),
    Rule("space before a Chinese link", "no space between a Chinese character and a link whose text is "
         "Chinese: 「见[第 3 节]」 (decision 10)",
         re.compile(rf"[{CJK_OR_PUNCT}] +\[[{CJK}]"),
         "详见 [第 3 节]。", "详见[第 3 节]。"),
    Rule("space between Chinese", "no space between two Chinese characters, nor at the edge of a link: "
         "「[回顾第 2 节]」, 「[API 概览]中」 (decision 10)",
         re.compile(rf"[{CJK_OR_PUNCT}]\]? +[{CJK_OR_PUNCT}]"),
         "见 [回顾 第 2 节] 中的例子。", "见[回顾第 2 节]中的例子。"),
    Rule("……。", "「……」 is never followed by 。 (decision 10)",
         re.compile(r"……\s*。"),
         "依次为 0、1、2……。", "依次为 0、1、2……"),
    Rule("space before ……", "no space before 「……」 (decision 10)",
         re.compile(r"[^\s] +……"),
         "（C、C ……）", "（C、C……）"),
    Rule("Step 28 as 泰勒级数", "Step 28's title says 泰勒展开: 「泰勒展开：用加法搭出 sin 的计算图」 (decision 7)",
         re.compile(r"泰勒级数："),
         "泰勒级数：用加法搭出 sin", "泰勒展开：用加法搭出 sin"),
    Rule("Step 32's 膨胀", "Step 32's graphs 膨胀: 「tanh：高阶导数的计算图如何膨胀」 (decision 6)",
         re.compile(r"如何爆炸|为何会膨胀"),
         "高阶导数的计算图为何会膨胀", "高阶导数的计算图如何膨胀"),
    Rule("辈分", "generation is 代; 辈分 only in the gloss 「中文版原书称作“辈分”」 (decision 3)",
         re.compile(r"(?<!称作“)辈分"),
         "函数的辈分等于输入的辈分中的最大值。", "代（generation；中文版原书称作“辈分”）。"),
    Rule("缩小 N 倍", "「缩小为原来的 1/N」: 「缩小 N 倍」 is ambiguous (review §3, step26 #3)",
         re.compile(r"缩小\s*(?:\d\S*|M|[一二两三四五六七八九十百千万]+)\s*倍"),
         "距离每缩小 M 倍，大约要 2,500 步。", "距离每缩小为原来的 M，大约要 2,500 步。"),
]


# --- prose: the page with everything that is not prose blanked out (line numbers kept) -----------------

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
DISPLAY_MATH = re.compile(r"^[ \t]*\$\$")
INLINE = [                                           # (pattern, replacement), applied in this order
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)"), "C"),        # a code span: C, like any identifier
    (re.compile(r"(?<![\\$])\$(?!\$)[^$\n]+?(?<!\\)\$"), "M"),  # inline math: M
    (re.compile(r"\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)"), "]"),  # [text](target) -> [text]
    (re.compile(r"\]\[[^\]\n]*\]"), "]"),                      # [text][ref] -> [text]
    (re.compile(r"\{[#:.][^}\n]*\}"), ""),                     # heading ids, attribute lists
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),                    # HTML tags (their attributes are markup)
]


def english_column_dropped(lines: list[str]) -> list[str]:
    """A table whose header's first cell is "English" keeps its first column out of the prose."""
    out, dropping = [], False
    for line in lines:
        if not line.lstrip().startswith("|"):
            dropping = False
        elif re.match(r"^\s*\|\s*English\s*\|", line):
            dropping = True
        if dropping:
            line = "|" + line.split("|", 2)[2] if line.count("|") >= 3 else ""
        out.append(line)
    return out


def prose_lines(text: str) -> list[str]:
    """The page's lines with code blocks and display math blanked, and code/math/targets/markup removed."""
    for pattern, replacement in INLINE[:1]:          # comments may span lines
        text = pattern.sub(lambda m: "\n" * m.group(0).count("\n") + replacement, text)
    lines, fence, math = [], None, False
    for line in text.split("\n"):
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            lines.append("")
            continue
        if opened:
            fence = opened.group(1)
            lines.append("")
            continue
        if DISPLAY_MATH.match(line):
            rest = line.strip()[2:]
            math = not math if "$$" not in rest else math
            lines.append("")
            continue
        if math:
            lines.append("")
            continue
        lines.append(line)
    lines = english_column_dropped(lines)
    out = []
    for line in lines:
        for pattern, replacement in INLINE[1:]:
            line = pattern.sub(replacement, line)
        out.append(line)
    return out


# --- the structural rules ------------------------------------------------------------------------------

CHAPTER = re.compile(r"steps/step(\d\d)\.zh\.md")
RECAP_TITLE = "# 回顾\u3000步骤 1–24"


def title_problems(page: str, text: str) -> list[str]:
    """A chapter's title is 「步骤 N　标题」 with one ideographic space; the recap's is 「回顾　步骤 1–24」."""
    first = text.split("\n", 1)[0]
    chapter = CHAPTER.fullmatch(page)
    if chapter:
        if not re.fullmatch(rf"# 步骤 {chapter.group(1)}\u3000[^\s\u3000—：:].*", first):
            return [f"line 1: the title must be 「# 步骤 {chapter.group(1)}　标题」 (decision 1): {first!r}"]
    elif page == "recap.zh.md" and first != RECAP_TITLE:
        return [f"line 1: the title must be {RECAP_TITLE!r} (decision 1): {first!r}"]
    return []


LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)[-*+] (?P<rest>.*)$")
BOLD_LEAD = re.compile(r"^\*\*(?P<lead>.+?)\*\*(?P<after>.?)")


def lead_style(rest: str) -> str | None:
    """How a list item's bold lead ends, 「**名称**：」 or 「**名称。**」; None if the item has no lead (a bold
    word that is the subject of the item's sentence, 「**动量**在每一步上…」, is not a lead)."""
    lead = BOLD_LEAD.match(rest)
    if not lead:
        return None
    if lead.group("after") == "：":
        return "**名称**："
    if lead.group("lead").endswith(("。", "．")):
        return "**名称。**"
    return None


def bold_lead_problems(lines: list[str]) -> list[str]:
    """The items of one list that start with a bold lead all end it the same way (decision 10)."""
    problems, lists = [], []   # lists: a stack of (indent, first style, its line)
    for number, line in enumerate(lines, 1):
        item = LIST_ITEM.match(line)
        if not line.strip():
            continue
        indent = len(item.group("indent")) if item else len(line) - len(line.lstrip())
        while lists and (indent < lists[-1][0] or (indent == lists[-1][0] and not item)):
            lists.pop()
        if not item:
            continue
        if not lists or lists[-1][0] < indent:
            lists.append([indent, None, 0])
        style = lead_style(item.group("rest"))
        if style is None:
            continue
        if lists[-1][1] is None:
            lists[-1][1:] = [style, number]
        elif lists[-1][1] != style:
            problems.append(f"line {number}: a bold lead written {style}, but the list's first (line "
                            f"{lists[-1][2]}) is {lists[-1][1]} (decision 10: one style per list)")
    return problems


def style_problems(page: str, text: str) -> list[str]:
    lines = prose_lines(text)
    problems = title_problems(page, text) + bold_lead_problems(lines)
    for number, line in enumerate(lines, 1):
        for rule in RULES:
            for found in rule.pattern.finditer(line):
                problems.append(f"line {number}: {rule.name}: …{line[max(0, found.start() - 12):found.end() + 12]}… "
                                f"— {rule.why}")
    return problems


# --- the tests -----------------------------------------------------------------------------------------


def test_there_are_chinese_pages() -> None:
    assert {"index.zh.md", "recap.zh.md", "glossary.zh.md", "steps/step25.zh.md"} <= set(ZH_PAGES)


@pytest.mark.parametrize("page", ZH_PAGES)
def test_chinese_prose_follows_the_house_style(page: str) -> None:
    problems = style_problems(page, (DOCS / page).read_text(encoding="utf-8"))
    assert not problems, f"docs/{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_each_rule_fires_on_a_bad_line_and_not_on_a_good_one(rule: Rule) -> None:
    assert style_problems("x.zh.md", rule.bad), f"{rule.name} does not fire on {rule.bad!r}"
    assert not style_problems("x.zh.md", rule.good), style_problems("x.zh.md", rule.good)


def test_the_title_rule_fires() -> None:
    good = "# 步骤 25\u3000计算图可视化\n\n正文。\n"
    assert not style_problems("steps/step25.zh.md", good)
    for bad in ("# 步骤 25 — 计算图可视化\n", "# 步骤 25：计算图可视化\n", "# 步骤 25 计算图可视化\n",
                "# 步骤 26\u3000计算图可视化\n", "# 步骤 25\u3000\u3000计算图可视化\n"):
        assert title_problems("steps/step25.zh.md", bad), bad
    assert not style_problems("recap.zh.md", RECAP_TITLE + "\n")
    assert title_problems("recap.zh.md", "# 回顾 — 步骤 1–24\n")


def test_the_bold_lead_rule_fires() -> None:
    good = "- **不用 shell**：传入参数列表。\n- **清晰的错误信息**：在运行之前拒绝。\n"
    bad = good.replace("**清晰的错误信息**：", "**清晰的错误信息。**")
    assert not bold_lead_problems(prose_lines(good))
    assert bold_lead_problems(prose_lines(bad))
    # two lists (a paragraph between them) may use two styles; so may a nested list
    assert not bold_lead_problems(prose_lines(good + "\n正文。\n\n- **节点。** 说明。\n"))
    assert not bold_lead_problems(prose_lines(good.replace("- **清晰", "    - **清晰").replace("**：在", "。**在")))


def test_what_is_not_prose_is_left_out() -> None:
    page = ("正文见[步骤 26](step26.md)。\n\n"
            "```python\n# 第 2 步 backward 被记录的\n```\n\n"
            "    ```python exec=\"on\"\n    x.backward()  # 原书第 28 步\n    ```\n\n"
            "$$\n\\text{第 1 步}\n$$\n\n"
            "调用 `y.backward()`，见 [`Variable.backward`][tinypytorch.core.Variable.backward]。\n"
            "<!-- 第 3 步 -->\n"
            "<div data-step=\"第 {k} 步\" markdown>\n\n"
            "## 代：反向传播的顺序 {#5-generations-the-order-of-backward-steps-1516}\n\n"
            "| English | 中文 |\n|---|---|\n| backward pass | 反向传播 |\n\n"
            "链接[回顾](recap.md#3-automatic-backward-steps-710)，公式 $x_{\\text{第 1 步}}$。\n")
    assert not style_problems("x.zh.md", page), style_problems("x.zh.md", page)
    assert not style_problems("x.zh.md", "PyTorch 的文档称之为“double-backward trick”。\n")  # a quoted name
    # ... and the same words in prose are found, on their own lines
    found = style_problems("x.zh.md", page + "然后是 backward。\n")
    assert len(found) == 1 and found[0].startswith(f"line {page.count(chr(10)) + 1}: bare backward"), found
