"""A reader stays in their edition, in headless Chromium (issue 20, item 5).

The language switcher leads to the same section of the twin page (the #anchor is kept, both ways); search,
one index for both editions, lists the pages of the reader's language before the other edition's; the site
has a 404 page in each language. Fixtures and helpers are test_browser.py's and test_browser_zh.py's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_browser_zh import page_language, search, switch_language, wait

pytestmark = pytest.mark.browser

SECTION = "steps/step25/#pitfalls"   # a heading id both twins share


def test_the_switcher_keeps_the_section(browser, server) -> None:  # noqa: F811
    base, _ = server
    page, anchor = SECTION.split("#")
    browser.get(f"{base}/{SECTION}")
    switch_language(browser, "zh")
    wait(browser, lambda d: d.current_url.startswith(f"{base}/zh/"))
    assert browser.current_url == f"{base}/zh/{page}#{anchor}" and page_language(browser) == "zh"
    switch_language(browser, "en")
    wait(browser, lambda d: not d.current_url.startswith(f"{base}/zh/"))
    assert browser.current_url == f"{base}/{page}#{anchor}" and page_language(browser) == "en"


@pytest.mark.parametrize("page", ["zh/", ""])
def test_search_lists_the_readers_language_first(browser, server, page: str) -> None:  # noqa: F811
    base, _ = server
    found = search(browser, base, "numpy", page)
    assert "/undefined" not in found, found
    mine = [path.startswith("/zh/") == (page == "zh/") for path in found]
    assert any(mine) and not all(mine), f"'numpy' should be found in both editions: {found}"
    first_other = mine.index(False)
    assert all(mine[:first_other]) and not any(mine[first_other:]), (
        f"from /{page}, the other edition's results come before the reader's: {found}")


def test_each_edition_has_its_404_page(site_dir: Path) -> None:
    english = (site_dir / "404.html").read_text(encoding="utf-8")
    chinese = (site_dir / "zh" / "404.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in english and '<html lang="zh"' in chinese


LABEL_COVERED_JS = """
return Array.from(document.querySelectorAll('.md-content .tp-output')).filter(o => o.getClientRects().length)
  .map(o => {
    const before = o.previousElementSibling;
    const gap = before ? o.getBoundingClientRect().top - before.getBoundingClientRect().bottom : 0;
    return gap < -0.5 ? `${o.textContent.trim().slice(0, 40)}: label covered by ${-gap.toFixed(1)} px` : null;
  }).filter(Boolean);
"""


@pytest.mark.parametrize("page", ["pytorch/", "zh/pytorch/", "steps/step25/"])
def test_no_output_label_is_covered(browser, server, page: str) -> None:  # noqa: F811
    """The "Output" label sits under the code that printed it, not under it: in a tab too (PyTorch page)."""
    from selenium.webdriver.common.by import By

    base, _ = server
    browser.get(f"{base}/{page}")
    covered = []
    for label in [None, *browser.find_elements(By.CSS_SELECTOR, ".tabbed-labels > label")]:
        if label is not None:
            browser.execute_script("arguments[0].click()", label)
        covered += browser.execute_script(LABEL_COVERED_JS)
    assert not covered, sorted(set(covered))


WRAPPED_OUTPUT_JS = """
return Array.from(document.querySelectorAll('.jp-RenderedText.jp-OutputArea-output > pre')).map(pre => {
  const style = getComputedStyle(pre);
  const lines = pre.textContent.replace(/\\n$/, '').split('\\n').length;
  const inner = pre.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  const shown = Math.round(inner / parseFloat(style.lineHeight));
  return shown > lines ? `${pre.textContent.slice(0, 40)}: ${lines} lines shown on ${shown}` : null;
}).filter(Boolean);
"""


@pytest.mark.parametrize("page", ["notebooks/playground/", "zh/notebooks/playground/"])
def test_notebook_output_keeps_its_lines_on_a_phone(browser, server, page: str) -> None:  # noqa: F811
    """A notebook's printed table is not wrapped at 390 px (columns broken, numbers split): it scrolls."""
    from test_browser import DESKTOP, PHONE, WAIT_READY_JS, set_width

    base, _ = server
    set_width(browser, PHONE)
    try:
        browser.get(f"{base}/{page}")
        browser.execute_async_script(WAIT_READY_JS)
        wrapped = browser.execute_script(WRAPPED_OUTPUT_JS)
        count = browser.execute_script("return document.querySelectorAll('.jp-RenderedText pre').length")
    finally:
        set_width(browser, DESKTOP)
    assert count >= 3 and not wrapped, (count, wrapped)
