"""A griffe extension (listed under mkdocstrings' ``extensions`` in mkdocs.yml): on the API pages, the
step key of a docstring links to its chapter.

"Step 29" becomes ``[Step 29](../steps/step29.md)``, "Steps 31 and 32" links both numbers, and
"Part 1–2" becomes ``[Part 1–2](../recap.md)``;
links relative to the API pages (docs/api/*.md), which MkDocs resolves like any link of a page, in the
English and in the Chinese edition alike. Only the docstrings griffe hands to mkdocstrings change: the
source, ``help()`` and the doctests see the docstrings as written. Code (inline code, doctest lines,
fenced blocks) and the book's own steps ("the book's Step 40") are left alone; the keys are those of
tests/chapters/test_step_keys.py.
"""

from __future__ import annotations

import re

import griffe

CHAPTER = re.compile(r"(?<!book's )(?<!its )\bStep (2[5-9]|3[0-4])\b(?!\]|\.md)")
CHAPTERS = re.compile(r"(?<!book's )(?<!its )\bSteps (2[5-9]|3[0-4])( ?(?:–|and|to) ?)(2[5-9]|3[0-4])\b")
RECAP = re.compile(r"\bPart 1–2\b(?!\])")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+\1")


def _link(text: str) -> str:
    text = CHAPTER.sub(lambda m: f"[{m[0]}](../steps/step{m[1]}.md)", text)
    text = CHAPTERS.sub(lambda m: f"Steps [{m[1]}](../steps/step{m[1]}.md){m[2]}[{m[3]}](../steps/step{m[3]}.md)", text)
    return RECAP.sub(lambda m: f"[{m[0]}](../recap.md)", text)


def link_steps(text: str) -> str:
    """`text` (a docstring, as Markdown) with each step key outside code made a link to its chapter.

    Linking twice changes nothing: a key already inside a link's brackets is left as it is.
    """
    lines, fenced = [], False
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("```"):
            fenced = not fenced
        if fenced or stripped.startswith((">>>", "...", "```")):
            lines.append(line)
            continue
        out, last = [], 0
        for span in CODE_SPAN.finditer(line):
            out += [_link(line[last:span.start()]), span[0]]
            last = span.end()
        lines.append("".join(out) + _link(line[last:]))
    return "\n".join(lines)


class StepLinks(griffe.Extension):
    """Link the step keys of every docstring griffe loads."""

    def on_object(self, *, obj: griffe.Object, **kwargs) -> None:
        if not obj.is_alias and obj.docstring is not None:  # an alias shows its target's docstring
            obj.docstring.value = link_steps(obj.docstring.value)
