"""Every figure can be read on a phone (issue 20, item 6), in headless Chromium with mobile emulation.

At 390 px, each figure of each page of both editions either shows its smallest text at least 9 px high on
the page, or a tap opens it where that text is at least 12 px high and the picture can be moved around
(docs/javascripts/figure-viewer.js); a backward stepper's graph shows its text at least 9 px high (it scrolls
sideways when it is wider than the phone). Text sizes are read from the SVG itself, all text included (tick labels
too): Graphviz's ``<text font-size>``, matplotlib's text groups scaled by font size / 100, times the shown
width over the SVG's width in its own units. ``test_the_phone_check_fires`` shows a figure that is too small
on the page and opens no larger is reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import serve
from test_browser import PHONE, WAIT_READY_JS, set_width
from test_browser_zh import wait

pytestmark = pytest.mark.browser

ON_PAGE_PX = 9
OPENED_PX = 12

TEXT_SIZE_JS = r"""
const done = arguments[arguments.length - 1];
const img = arguments[0];
(async () => {
  const src = img.currentSrc || img.src;
  const svg = new DOMParser().parseFromString(await (await fetch(src)).text(), "image/svg+xml").documentElement;
  const box = svg.viewBox && svg.viewBox.baseVal;
  const unitsWide = box && box.width ? box.width : parseFloat(svg.getAttribute("width"));
  const sizes = Array.from(svg.querySelectorAll("text[font-size]"), t => parseFloat(t.getAttribute("font-size")));
  svg.querySelectorAll('g[id^="text_"] g[transform*="scale("]').forEach(g => {
    const m = /scale\(([\d.]+) -([\d.]+)\)/.exec(g.getAttribute("transform"));
    if (m) sizes.push(parseFloat(m[1]) * 100);
  });
  return sizes.length ? Math.min(...sizes) / unitsWide : null;   // text height per px of width
})().then(done, e => done("error: " + e));
"""

FIGURES = "div.md-content img[src*='figures/']"


def figure_pages(site_dir: Path) -> list[str]:
    pages = []
    for html in sorted(site_dir.rglob("index.html")):
        if "figures/step" in html.read_text(encoding="utf-8"):
            pages.append(html.relative_to(site_dir).parent.as_posix() + "/")
    return pages


def unreadable_figures(driver, url: str, open_wait: float = 30) -> tuple[int, list[str]]:
    """(figures checked, those a phone reader cannot read) on the page at ``url``, at 390 px. A tap on a
    small figure must open it within ``open_wait`` seconds."""
    from selenium.webdriver.common.by import By

    set_width(driver, PHONE)
    driver.get(url)
    driver.execute_async_script(WAIT_READY_JS)
    problems, checked = [], 0
    for img in driver.find_elements(By.CSS_SELECTOR, FIGURES):
        if not img.is_displayed():
            continue
        name = img.get_attribute("src").rsplit("/", 1)[-1]
        per_px = driver.execute_async_script(TEXT_SIZE_JS, img)
        if per_px is None:
            continue
        if isinstance(per_px, str):
            problems.append(f"{name}: {per_px}")
            continue
        checked += 1
        shown = driver.execute_script("return arguments[0].getBoundingClientRect().width", img)
        if per_px * shown >= ON_PAGE_PX:
            continue
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", img)
        driver.execute_script("arguments[0].click()", img)   # a tap (the header may not intercept it)
        try:
            opened = wait(driver, lambda d: d.execute_script("""
                const img = document.querySelector('.tp-viewer img, .glightbox-container .gslide.current img');
                return img && img.complete && img.naturalWidth ? [img.getBoundingClientRect().width,
                    !!img.closest('.tp-viewer'), (p => p && (p.scrollWidth > p.clientWidth ||
                    p.scrollHeight > p.clientHeight))(img.closest('.tp-viewer__pane'))] : null;"""), timeout=open_wait)
        except Exception:
            problems.append(f"{name}: text {per_px * shown:.1f} px on the page, and a tap opens nothing")
            continue
        width, in_viewer, pans = opened
        if per_px * width < OPENED_PX:
            problems.append(f"{name}: text {per_px * shown:.1f} px on the page, {per_px * width:.1f} px opened")
        elif not (in_viewer and pans):
            problems.append(f"{name}: opened at {per_px * width:.1f} px text, but cannot be moved around")
        driver.execute_script("""
            const close = document.querySelector('.tp-viewer__close, .gclose');
            if (close) close.click();""")
        wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, ".tp-viewer, .glightbox-container"))
    for stepper in driver.execute_script(STEPPER_TEXT_JS):   # the steppers' graphs, drawn inline
        checked += 1
        if stepper["px"] < ON_PAGE_PX:
            problems.append(f"a stepper's graph ({stepper['label'][:40]}) shows text {stepper['px']:.1f} px high")
    return checked, problems


STEPPER_TEXT_JS = """
return Array.from(document.querySelectorAll('.tp-stepper svg')).filter(svg => svg.getClientRects().length)
  .map(svg => {
    const sizes = Array.from(svg.querySelectorAll('text[font-size]'), t => +t.getAttribute('font-size'));
    return {label: svg.getAttribute('aria-label') || '',
            px: Math.min(...sizes) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width};
  });
"""


def test_every_figure_reads_on_a_phone(browser, server, site_dir: Path) -> None:  # noqa: F811
    base, _ = server
    pages = figure_pages(site_dir)
    assert any(p.startswith("zh/") for p in pages) and len(pages) >= 20, pages
    total, report = 0, []
    for page in pages:
        checked, problems = unreadable_figures(browser, f"{base}/{page}")
        total += checked
        report += [f"/{page} {p}" for p in problems]
    assert total >= 40, total
    assert not report, "figures a phone reader cannot read:\n" + "\n".join(report)


SMALL_TEXT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body><div class="md-content"><a class="glightbox" href="figures/step99-wide.svg">
<img src="figures/step99-wide.svg" alt="a wide figure" style="max-width: 100%"></a></div></body></html>"""
WIDE_FIGURE = """<svg xmlns="http://www.w3.org/2000/svg" width="1600pt" height="200pt" viewBox="0 0 1600 200">
<text x="10" y="100" font-size="10">a label</text></svg>"""


def test_the_phone_check_fires(browser, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "step99-wide.svg").write_text(WIDE_FIGURE, encoding="utf-8")
    (tmp_path / "index.html").write_text(SMALL_TEXT_PAGE, encoding="utf-8")
    with serve(tmp_path) as (base, _):
        # the page has no viewer script, so nothing can open: waiting the full 30 s would only prove it slower
        checked, problems = unreadable_figures(browser, f"{base}/index.html", open_wait=3)
    assert checked == 1 and len(problems) == 1 and "a tap opens nothing" in problems[0], problems
