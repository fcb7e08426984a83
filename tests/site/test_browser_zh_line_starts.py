"""On a phone, no line of a Chinese page starts with closing punctuation (issue 20, item 2).

An inline formula is one unbreakable box (MathJax's ``mjx-container``), and Material lets inline code break
anywhere: Chromium broke the line right after either, before 「。」 or 「，」, so the punctuation started the next
line, which Chinese typesetting never does. hooks/line_breaks.py wraps each inline formula or inline code and the
punctuation that follows it in one no-break span. This test walks every page of the Chinese edition at 390 px
(mobile emulation), reports each character of 。，；：、） that starts a line (and what comes before it), and each
no-break span that runs off the page. The one exception is a formula as wide as its whole line: nothing fits
beside it, so docs/javascripts/line-breaks.js lets its punctuation go to the next line (counted, and few). ``test_the_line_start_check_fires`` shows that a page with the fault, after a
formula and after code, is reported, and the same page through the hook is not.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, serve
from test_browser import PHONE, WAIT_READY_JS, set_width

pytestmark = pytest.mark.browser

CLOSING_PUNCTUATION = "。，；：、）"

LINE_STARTS_JS = r"""
const punctuation = arguments[0];
const article = document.querySelector('article');
const starts = [], released = [], wide = [];
// Every character shown in the article, in reading order, with what drew it ("math" for a formula's box);
// a closing mark that sits on a later line than the character before it, and left of it, starts a line.
let before = null;
const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const math = node.parentElement.closest('mjx-container');
  if (math) {
    const boxes = Array.from(math.getClientRects()).filter(r => r.width);   // not an empty fragment
    if (boxes.length) before = {box: boxes[boxes.length - 1], what: 'a formula', text: ''};
    continue;
  }
  if (node.parentElement.closest('pre, script, style, mjx-assistive-mml')) continue;
  for (let i = 0; i < node.data.length; i++) {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const box = Array.from(range.getClientRects()).find(r => r.width);
    if (!box) continue;                                   // not shown (a closed tab or details), or a space
    if (before && punctuation.includes(node.data[i]) && (box.top + box.bottom) / 2 >= before.box.bottom - 1
        && box.left < before.box.right - 1) {
      const code = before.what !== 'a formula' && before.node.parentElement.closest('code');
      const where = `after ${code ? 'code' : before.what}: ${before.text}|${node.data.slice(i, i + 10)}`;
      (node.parentElement.closest('.tp-nobr-released') ? released : starts).push(where);
    }
    before = {box, what: 'text', node, text: node.data.slice(Math.max(0, i - 10), i)};
  }
}
// A no-break span that runs off the page: the punctuation it holds on to made the page wider.
for (const span of article.querySelectorAll('.tp-nobr')) {
  const box = span.getBoundingClientRect();
  if (!box.width || box.right <= document.documentElement.clientWidth + 1) continue;
  let scroller = false;
  for (let p = span.parentElement; p && p !== document.body; p = p.parentElement)
    if (getComputedStyle(p).overflowX !== 'visible') { scroller = true; break; }
  if (!scroller) wide.push(`${span.textContent.slice(0, 40)} reaches ${Math.round(box.right)} px`);
}
return {starts, released, wide, formulas: article.querySelectorAll('mjx-container').length};
"""


def chinese_pages(site_dir: Path) -> list[str]:
    return sorted(p.relative_to(site_dir).parent.as_posix() + "/" for p in (site_dir / "zh").rglob("index.html"))


def line_starts(driver, url: str) -> dict:
    """On the page at ``url`` at 390 px: the closing marks that start a line (``released``: after a formula as
    wide as its line), the no-break spans that run off the page, and the number of formulas."""
    set_width(driver, PHONE)
    driver.get(url)
    assert driver.execute_async_script(WAIT_READY_JS) == "ok"
    driver.execute_async_script("document.fonts.ready.then(() => arguments[arguments.length - 1]())")
    return driver.execute_script(LINE_STARTS_JS, CLOSING_PUNCTUATION)


def test_no_line_of_a_chinese_page_starts_with_punctuation_after_a_formula(browser, server, site_dir) -> None:
    base, _ = server
    problems, formulas, released, pages = [], 0, [], chinese_pages(site_dir)
    for page in pages:
        found = line_starts(browser, f"{base}/{page}")
        formulas += found["formulas"]
        released += [f"{page}: {s}" for s in found["released"]]
        problems += [f"{page}: a line starts with {s!r}" for s in found["starts"]]
        problems += [f"{page}: a formula and its punctuation, unbroken, are wider than the phone: {w}"
                     for w in found["wide"]]
    assert len(pages) > 20 and formulas > 300, (len(pages), formulas)
    assert not problems, "\n".join(problems)
    # a formula too wide for a phone's line puts its punctuation on the next line; the pages have few of them
    assert len(released) <= 2, "\n".join(released)


BAD_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="extra.css">
<style>.md-typeset code { word-break: break-word }  /* as Material sets it */</style>
<script>window.MathJax = {options: {ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex"}};</script>
<script src="tex-chtml.js"></script><script src="line-breaks.js"></script></head>
<body><article class="md-content md-typeset">
<p style="width: {math_width}px; font-size: 16px">这一行的中文刚好排满<span class="arithmatex">\\(x^2 + y^2\\)</span>。后面还有一句话。</p>
<table><tr><td style="width: {code_width}px; font-size: 16px">可以运行（画出 <code>goldstein.png</code>），后面还有一句话。</td></tr></table>
<p style="width: 260px; font-size: 16px"><span class="arithmatex">\\(a + b + c + d + e + f + g + h + i + j\\)</span>，这个公式比一行还宽。</p>
</article></body></html>
"""


def test_the_line_start_check_fires(browser, tmp_path: Path) -> None:
    """A formula, or code, that ends a full line, then 。 or ，: reported; after hooks/line_breaks.py, not (a
    formula wider than its line keeps the page's width and lets its comma go: counted apart)."""
    from test_site_hooks import load

    mathjax, line_breaks = load("mathjax"), load("line_breaks")
    shutil.copy(ROOT / "docs" / "stylesheets" / "extra.css", tmp_path / "extra.css")
    shutil.copy(ROOT / "docs" / "javascripts" / "line-breaks.js", tmp_path / "line-breaks.js")
    shutil.copy(mathjax.mathjax_dir() / mathjax.ENTRY, tmp_path / "tex-chtml.js")
    for sub in mathjax.LAZY_DIRS:
        shutil.copytree(mathjax.mathjax_dir() / sub, tmp_path / sub)
    with serve(tmp_path) as (base, _):
        # The width at which a paragraph's formula (or code) just fills the first line depends on the fonts:
        # each paragraph gets the first width at which its mark starts the second line.
        widths = {}
        for width in range(60, 300, 3):
            page = BAD_PAGE.replace("{math_width}", str(widths.get("formula", width))).replace(
                "{code_width}", str(widths.get("code", width)))
            name = f"bad-{width}.html"   # a new address each time: the browser may cache a page it has seen
            (tmp_path / name).write_text(page, encoding="utf-8")
            bad = line_starts(browser, f"{base}/{name}")
            for start in bad["starts"]:
                if "|。" in start and width >= 150:    # wider than the formula: the fault is the break
                    widths.setdefault("formula", width)
                elif start.startswith("after code"):
                    widths.setdefault("code", width)
            if len(widths) == 2 and len(bad["starts"]) == 3:
                break
        assert len(widths) == 2, f"no width makes the fault appear in both paragraphs: {widths}"
        bad = line_starts(browser, f"{base}/{name}")
        (tmp_path / "fixed.html").write_text(line_breaks.keep_closing_punctuation_on_the_line(page), encoding="utf-8")
        fixed = line_starts(browser, f"{base}/fixed.html")
    assert [s.split(":")[0] for s in bad["starts"]] == ["after a formula", "after code", "after a formula"], bad
    assert "|。后面" in bad["starts"][0] and "|），后面" in bad["starts"][1] and "|，这个公式" in bad["starts"][2], bad
    # the formula wider than its line lets go of its comma (docs/javascripts/line-breaks.js), not off the page
    assert fixed == {"starts": [], "released": ["after a formula: |，"], "wide": [], "formulas": 2}, fixed
