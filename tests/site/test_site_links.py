"""Every link of the built site leads somewhere, and no page shows raw TeX, in both editions.

The check reads the HTML files MkDocs wrote, generated output included (markdown-exec's blocks, the API
pages, the notebook pages, the theme's own 404 page): every ``href``/``src`` inside the site must name a file
that was built (a folder means its ``index.html``), and every ``#anchor`` an ``id`` on the target page.
Links out of the site (``https:``, ``mailto:``) are not followed. Raw TeX is a ``$`` or a ``\\(``/``\\[``
left in a page's text outside code and typeset math: arithmatex wraps every formula it recognised, so what is
left is a formula it did not (``$7 + 4 = $``, with a space before the closing dollar, stays text).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.site

LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src",
                   "iframe": "src", "object": "data", "area": "href"}
# Text inside these is code, math already typeset or not text a reader sees.
NOT_PROSE = {"code", "pre", "script", "style", "textarea", "svg", "math", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
RAW_TEX = re.compile(r"\$|\\\(|\\\)|\\\[|\\\]|\\(?:frac|cdot|text|mathrm|sum|partial|sqrt)\b")


@dataclass
class PageFacts:
    links: list[tuple[str, str]] = field(default_factory=list)   # (tag, url)
    ids: set[str] = field(default_factory=set)
    raw_tex: list[str] = field(default_factory=list)              # the text around each raw TeX mark


class PageReader(HTMLParser):
    """The links, the ids and the raw TeX of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self.stack: list[tuple[str, bool]] = []   # (tag, starts a part that is not prose)

    def in_prose(self) -> bool:
        return not any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.facts.ids.add(attrs[key])
        wanted = LINK_ATTRIBUTES.get(tag)
        if wanted and attrs.get(wanted) is not None:
            self.facts.links.append((tag, attrs[wanted]))
        if tag in VOID:
            return
        classes = (attrs.get("class") or "").split()
        skip = tag in NOT_PROSE or "arithmatex" in classes or tag.startswith("mjx-")
        self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # close up to the matching tag (forgiving HTML)
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self.in_prose():
            for match in RAW_TEX.finditer(data):
                self.facts.raw_tex.append(data[max(0, match.start() - 30): match.end() + 30].strip())


def read_page(path: Path) -> PageFacts:
    reader = PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader.facts


def link_target(site_dir: Path, page: Path, url: str) -> tuple[Path | None, str]:
    """The built file ``url`` on ``page`` leads to and its anchor; (None, "") for a link out of the site."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None, ""
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    if path.startswith("/"):
        rel = posixpath.normpath(path.lstrip("/"))
    else:
        rel = posixpath.normpath(posixpath.join(page.parent.relative_to(site_dir).as_posix(), path))
    target = site_dir / rel
    if rel.startswith("../") or rel == "..":
        return site_dir / "__outside_the_site__" / rel, parts.fragment
    if target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def site_problems(site_dir: Path) -> tuple[int, list[str], list[str]]:
    """(links checked, broken links, raw TeX) over every HTML page of the built site."""
    pages = sorted(site_dir.rglob("*.html"))
    facts = {page: read_page(page) for page in pages}
    checked, broken, raw = 0, [], []
    for page, found in facts.items():
        where = page.relative_to(site_dir).as_posix()
        raw += [f"{where}: …{text}…" for text in found.raw_tex]
        for tag, url in found.links:
            target, anchor = link_target(site_dir, page, url)
            if target is None:
                continue
            checked += 1
            if not target.is_file():
                broken.append(f"{where}: <{tag}> {url} (no such file)")
            elif anchor and target.suffix == ".html":
                ids = facts[target].ids if target in facts else read_page(target).ids
                if unquote(anchor) not in ids:
                    broken.append(f"{where}: <{tag}> {url} (no id {anchor!r} there)")
    return checked, broken, raw


def test_every_link_of_the_site_leads_somewhere_and_no_tex_is_raw(site_dir: Path) -> None:
    checked, broken, raw = site_problems(site_dir)
    zh_pages = list((site_dir / "zh").rglob("*.html"))
    assert zh_pages and checked > 2000, (len(zh_pages), checked)  # both editions were read
    assert not broken, f"{len(broken)} broken link(s) in the built site:\n" + "\n".join(broken[:60])
    assert not raw, f"raw TeX on {len(raw)} place(s) of the built site:\n" + "\n".join(raw[:40])


def test_the_link_and_tex_checks_fire(tmp_path: Path) -> None:
    (tmp_path / "steps" / "step25").mkdir(parents=True)
    (tmp_path / "steps" / "step25" / "index.html").write_text(
        '<html><body><h2 id="pitfalls">x</h2><p>Math: <span class="arithmatex">\\(x^2\\)</span>, '
        "<code>$HOME</code>.</p></body></html>", encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<html><body><a href="steps/step25/">ok</a> <a href="steps/step25/#pitfalls">ok</a> '
        '<a href="https://example.org/x">out</a> <a href="#here" id="here">self</a>'
        '<a href="steps/step26.md">generated</a> <a href="steps/step25/#nowhere">anchor</a> '
        '<img src="figures/step99-gone.svg"> <a href="../outside/">up</a>'
        "<p>So $7 + 4 = $ <strong>11</strong>, and \\(x\\) too.</p></body></html>", encoding="utf-8")
    checked, broken, raw = site_problems(tmp_path)
    assert checked == 7
    assert [b.split(" (")[0] for b in broken] == [
        "index.html: <a> steps/step26.md", "index.html: <a> steps/step25/#nowhere",
        "index.html: <img> figures/step99-gone.svg", "index.html: <a> ../outside/"]
    assert len(raw) == 4 and all("7 + 4" in text or "(x" in text or "x\\)" in text for text in raw), raw


def test_every_search_entry_has_its_page(site_dir: Path) -> None:
    """Search shows a section under its page; a section whose page is not in the index was a result
    linking to /undefined (the Chinese API pages', when the i18n plugin dropped them as duplicates)."""
    import json

    docs = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    pages = {doc["location"] for doc in docs if "#" not in doc["location"]}
    orphans = sorted({doc["location"].split("#")[0] for doc in docs} - pages)
    assert any(p.startswith("zh/") for p in pages) and not orphans, f"sections without their page: {orphans}"
