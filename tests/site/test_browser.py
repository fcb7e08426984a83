"""Open every page of the built site in headless Chromium and check what a reader sees.

The site is served from 127.0.0.1 on a free port; Debian's /usr/bin/chromium is driven
through /usr/bin/chromedriver with selenium (nothing is downloaded). Every page is opened once
at a desktop width (1400 px) and checked, in both palettes where colour matters, then looked at
again as a phone (390 px, mobile emulation):

- it loads: every <img> loaded, no request answered 404, no console error;
- math is typeset by MathJax (no TeX errors, no raw ``$$``/``\\(`` left in the text), and no raw
  ``:::``, ``--8<--`` or doctest prompt (``>>>``) is left outside code;
- nothing hides content: at 1400 px no code or output block, equation or signature is cut off
  behind a horizontal scroll bar (tables may scroll) (its ``scrollWidth`` exceeds its ``clientWidth``); at 390 px no page is
  wider than the screen, and every equation or code block that must scroll shows a cue that it
  does (a shadow on the side where more is hidden);
- no docstring example is rendered as nested block quotes (what a Google ``Example:`` section
  did to ``>>>`` lines);
- every figure is shown at (nearly) its natural size or opens full size on a click, and the
  labels, legends and annotations of a figure are at least 10 px high as shown;
- an output block is labelled "Output", has a background of its own and no copy button, in the
  light and in the dark palette.

``check_page`` gathers all of it, and ``test_the_checks_catch_a_broken_page`` proves that each
check fires on a page built to break it. Set TINYPYTORCH_SCREENSHOTS=/some/dir to also save a
PNG of every page at both widths in both palettes.
"""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest

from conftest import CHROMEDRIVER, CHROMIUM, serve

pytestmark = pytest.mark.browser

DESKTOP = 1400        # the window conftest.CHROME_FLAGS opens
PHONE = 390
#: The walk over every page is split in this many tests, so that the test processes share it.
WALK_SHARDS = 4
MIN_TEXT_PX = 10      # smallest label/legend/annotation height in a figure, as shown
NATURAL_SIZE = 0.9    # a figure shown at 90% of its natural width or more counts as full size

if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
    reason = ("Debian chromium/chromium-driver not installed (/usr/bin/chromium, /usr/bin/chromedriver); "
              ".ci/run installs them (apt-get install chromium chromium-driver)")
    if os.environ.get("CI"):  # CI must run the browser check, never skip it
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra")

# Text a reader must never see: unrendered math delimiters, admonition/mkdocstrings
# markers, snippet markers, doctest prompts. Code (pre/code elements) is left out of the check.
RAW_MARKERS = ["$$", "\\(", "\\)", "\\[", "\\]", ":::", "--8<--", ">>>"]

VISIBLE_TEXT_JS = """
const body = document.querySelector('.md-content') || document.body;
const clone = body.cloneNode(true);
clone.querySelectorAll('pre, code, script, style, mjx-container, .md-search').forEach(e => e.remove());
return clone.innerText;
"""

WAIT_READY_JS = """
const done = arguments[arguments.length - 1];
const imgs = Array.from(document.images).map(img => img.complete ? Promise.resolve() :
    new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); }));
const math = (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();
Promise.all([...imgs, math]).then(() => done('ok'), e => done('error: ' + e));
"""

PAGE_FACTS_JS = """
return {
  images: Array.from(document.images).map(i => ({src: i.getAttribute('src'),
                                                 ok: i.complete && i.naturalWidth > 0})),
  mathSources: document.querySelectorAll('.arithmatex').length,
  mathUntypeset: Array.from(document.querySelectorAll('.arithmatex'))
                   .filter(e => !e.querySelector('mjx-container')).length,
  mathRendered: document.querySelectorAll('mjx-container').length,
  mathErrors: Array.from(document.querySelectorAll('mjx-merror'))
                .map(e => e.getAttribute('data-mjx-error') || e.textContent).slice(0, 3),
  mathjax: !!(window.MathJax && MathJax.version),
  quoteNests: document.querySelectorAll('.md-content blockquote blockquote blockquote').length,
};
"""

# Helpers shared by the scripts below: a short description of an element, and the elements of
# the page's content that clip or scroll sideways (MathJax's internals and the content of
# closed <details> are not what a reader sees).
ELEMENT_JS = """
const describe = el => {
  const cls = typeof el.className === 'string' && el.className.trim()
    ? '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.') : '';
  // by code points: cutting a pair of UTF-16 surrogates (math italic letters) breaks the result
  const text = Array.from((el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' '))
                 .slice(0, 70).join('');
  return `<${el.tagName.toLowerCase()}${cls}> "${text}"`;
};
const content = document.querySelector('.md-content') || document.body;
const seen = el => !el.closest('details:not([open])') && el.getClientRects().length > 0
                   && !(el.closest('mjx-container') && el.tagName !== 'MJX-CONTAINER');
const sideways = () => Array.from(content.querySelectorAll('*')).filter(el => {
  if (!seen(el)) return false;
  const overflow = getComputedStyle(el).overflowX;
  return overflow !== 'visible' && el.scrollWidth > el.clientWidth + 1;
});
"""

# At the desktop width nothing may scroll sideways or be clipped, except a table (Material wraps
# each in a scrolling div): a wide table of numbers is read by scrolling, as in a spreadsheet.
DESKTOP_LAYOUT_JS = ELEMENT_JS + """
return sideways().filter(el => !el.matches('.md-typeset__scrollwrap'))
  .map(el => `${describe(el)} is ${el.scrollWidth} px wide in ${el.clientWidth} px`);
"""

# On the phone: the page no wider than the screen (and what makes it wider), and every equation
# or code block that scrolls shows the scroll cue (shadow gradients, the covers attached 'local').
PHONE_LAYOUT_JS = ELEMENT_JS + """
const screenWidth = arguments[0];
const scrollerOf = el => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
    if (getComputedStyle(p).overflowX !== 'visible') return p;
  return null;
};
const wider = Array.from(content.querySelectorAll('*'))
  .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > screenWidth + 1
                && !scrollerOf(el))
  .filter((el, i, all) => !all.includes(el.parentElement))
  .slice(0, 5).map(el => `${describe(el)} reaches ${Math.round(el.getBoundingClientRect().right)} px`);
const noCue = [], clipped = [];
for (const el of sideways()) {
  const style = getComputedStyle(el);
  if (style.overflowX === 'hidden' || style.overflowX === 'clip') {
    clipped.push(`${describe(el)} clips ${el.scrollWidth - el.clientWidth} px`);
  } else if (el.matches('div.arithmatex, mjx-container, pre > code')
             && !(style.backgroundImage.includes('gradient') && style.backgroundAttachment.includes('local'))) {
    noCue.push(`${describe(el)} scrolls (${el.scrollWidth} px in ${el.clientWidth} px) with no cue`);
  }
}
return {pageWidth: document.documentElement.scrollWidth, wider, noCue, clipped};
"""

# Each figure: its natural and shown width, whether a click opens it full size, and the height
# of its smallest label as shown (SVG: Graphviz <text font-size>, matplotlib text drawn as paths
# in groups text_N scaled by font size / 100; tick labels are left out).
FIGURES_JS = ELEMENT_JS + """
const done = arguments[arguments.length - 1];
const smallestText = async (img, shownWidth) => {
  const src = img.currentSrc || img.src;
  if (!/\\.svg($|[?#])|^data:image\\/svg/.test(src)) return null;
  const svg = new DOMParser().parseFromString(await (await fetch(src)).text(), 'image/svg+xml')
                .documentElement;
  const box = svg.viewBox && svg.viewBox.baseVal;
  const unitsWide = box && box.width ? box.width : parseFloat(svg.getAttribute('width'));
  const sizes = [];
  svg.querySelectorAll('text[font-size]').forEach(t => sizes.push(parseFloat(t.getAttribute('font-size'))));
  svg.querySelectorAll('g[id^="text_"]').forEach(g => {
    if (g.closest('g[id^="xtick_"], g[id^="ytick_"]')) return;
    const inner = g.querySelector('g[transform*="scale("]');
    const m = inner && /scale\\(([\\d.]+) -([\\d.]+)\\)/.exec(inner.getAttribute('transform'));
    if (m) sizes.push(parseFloat(m[1]) * 100);
  });
  if (!sizes.length || !unitsWide) return null;
  return Math.min(...sizes) * shownWidth / unitsWide;
};
(async () => {
  const out = [];
  for (const img of content.querySelectorAll('img')) {
    if (!seen(img)) continue;
    const shown = img.getBoundingClientRect().width;
    const link = img.closest('a.glightbox');
    const opens = !!link && new URL(link.getAttribute('href'), location.href).href === img.src;
    let textPx = null;
    try { textPx = await smallestText(img, shown); } catch (e) { textPx = 'error: ' + e; }
    out.push({src: (img.getAttribute('src') || '').slice(0, 80), natural: img.naturalWidth,
              shown: Math.round(shown), opens, textPx});
  }
  return out;
})().then(done, e => done([{error: String(e)}]));
"""

# Output blocks in the current palette: label, background against the page's source blocks,
# no copy button.
OUTPUTS_JS = ELEMENT_JS + """
const outputs = Array.from(content.querySelectorAll('.tp-output, .jp-RenderedText.jp-OutputArea-output'));
const source = content.querySelector('div.highlight:not(.tp-output) > pre > code, .jp-InputArea pre');
const sourceBg = source ? getComputedStyle(source).backgroundColor : null;
const problems = [];
for (const out of outputs) {
  const label = getComputedStyle(out, '::before').content;
  const box = out.querySelector('pre > code') || out.querySelector('pre') || out;
  const bg = getComputedStyle(box).backgroundColor;
  const why = [];
  const word = document.documentElement.lang.startsWith('zh') ? '输出' : 'Output';  // the page's language
  if (!label.includes(word)) why.push(`no "${word}" label`);
  if (bg === 'rgba(0, 0, 0, 0)' || bg === sourceBg) why.push(`the same background as source code (${bg})`);
  if (out.querySelector('[data-md-type=copy], .md-clipboard, button')) why.push('a copy button');
  if (why.length) problems.push(`${describe(out)} has ${why.join(', ')}`);
}
return {count: outputs.length, problems};
"""


def site_pages(site_dir: Path) -> list[str]:
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("index.html"))
    return [p[: -len("index.html")] for p in pages]


def set_width(driver, width: int) -> None:
    """The desktop window, or a phone: a 390 px wide mobile viewport (meta viewport honoured)."""
    if width == PHONE:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": PHONE, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    else:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def screenshot(driver, path: Path, width: int) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": max(400, min(int(height), 8000)), "deviceScaleFactor": 1,
        "mobile": width == PHONE})
    driver.save_screenshot(str(path))
    set_width(driver, width)


def scheme(driver) -> str:
    return driver.execute_script("return document.body.getAttribute('data-md-color-scheme')")


def set_scheme(driver, wanted: str) -> None:
    """Choose the palette the way a reader does: click the toggle in the header."""
    for _ in range(2):
        if scheme(driver) == wanted:
            return
        driver.execute_script(
            "document.querySelector('form[data-md-component=palette] label:not([hidden])').click();"
            "document.activeElement && document.activeElement.blur();")
    assert scheme(driver) == wanted, f"palette toggle did not switch to {wanted!r} (is {scheme(driver)!r})"


def has_palette_toggle(driver) -> bool:
    return driver.execute_script("return !!document.querySelector('form[data-md-component=palette]')")


def figure_problems(figures: list[dict]) -> list[str]:
    problems = []
    for fig in figures:
        if "error" in fig:
            problems.append(f"figure check failed: {fig['error']}")
            continue
        natural, shown = fig["natural"], fig["shown"]
        if natural and shown < NATURAL_SIZE * natural and not fig["opens"]:
            problems.append(f"figure {fig['src']} is shrunk from {natural} to {shown} px "
                            f"and does not open full size")
        text = fig["textPx"]
        if isinstance(text, str):
            problems.append(f"figure {fig['src']}: reading its text failed: {text}")
        elif text is not None and text < MIN_TEXT_PX:
            problems.append(f"figure {fig['src']} has text {text:.1f} px high as shown "
                            f"(at least {MIN_TEXT_PX} px wanted)")
    return problems


def check_page(driver, url: str, failures_404: list[str], shots: Path | None = None) -> list[str]:
    """Everything a reader would notice on ``url``, at both widths (and both palettes)."""
    problems: list[str] = []
    failures_404.clear()
    set_width(driver, DESKTOP)
    driver.get(url)
    ready = driver.execute_async_script(WAIT_READY_JS)
    if ready != "ok":
        problems.append(f"waiting for images/MathJax: {ready}")
    facts = driver.execute_script(PAGE_FACTS_JS)
    broken = [img["src"][:80] for img in facts["images"] if not img["ok"]]
    if broken:
        problems.append(f"images that did not load: {broken}")
    if facts["mathSources"]:
        if not facts["mathjax"]:
            problems.append("page has math but MathJax did not load")
        if facts["mathUntypeset"]:
            problems.append(f"{facts['mathUntypeset']} of {facts['mathSources']} formulas not typeset")
    if facts["mathErrors"]:
        problems.append(f"TeX errors: {facts['mathErrors']}")
    if facts["quoteNests"]:
        problems.append(f"{facts['quoteNests']} block quotes nested three deep "
                        "(a docstring example rendered as quotes instead of code)")
    text = driver.execute_script(VISIBLE_TEXT_JS)
    for marker in RAW_MARKERS:
        if marker in text:
            at = text.index(marker)
            problems.append(f"raw {marker!r} visible: ...{text[max(0, at - 40):at + 40]!r}...")

    problems += [f"at {DESKTOP} px, {hidden} (content hidden behind a scroll bar)"
                 for hidden in driver.execute_script(DESKTOP_LAYOUT_JS)]
    problems += figure_problems(driver.execute_async_script(FIGURES_JS))
    palettes = ["default", "slate"] if has_palette_toggle(driver) else [scheme(driver)]
    for palette in palettes:
        if len(palettes) > 1:
            set_scheme(driver, palette)
        outputs = driver.execute_script(OUTPUTS_JS)
        problems += [f"{palette} palette: output block {p}" for p in outputs["problems"]]
        if shots:
            screenshot(driver, shots.with_name(f"{shots.name}-{DESKTOP}-{palette}.png"), DESKTOP)

    set_width(driver, PHONE)
    phone = driver.execute_script(PHONE_LAYOUT_JS, PHONE)
    if phone["pageWidth"] > PHONE:
        problems.append(f"at {PHONE} px the page is {phone['pageWidth']} px wide: {phone['wider']}")
    problems += [f"at {PHONE} px, {p}" for p in phone["noCue"] + phone["clipped"]]
    if shots:
        for palette in palettes:
            if len(palettes) > 1:
                set_scheme(driver, palette)
            screenshot(driver, shots.with_name(f"{shots.name}-{PHONE}-{palette}.png"), PHONE)
    if len(palettes) > 1:
        set_scheme(driver, "default")
    set_width(driver, DESKTOP)

    for entry in driver.get_log("browser"):
        if entry.get("level") == "SEVERE":
            problems.append(f"console: {entry.get('message')}")
    if failures_404:
        problems.append(f"requests that failed: {sorted(set(failures_404))}")
    return problems


@pytest.mark.parametrize("shard", range(WALK_SHARDS))
def test_every_page_renders(browser, server, site_dir: Path, shard: int, timings) -> None:
    """Every page of the site, checked by check_page; each shard takes every WALK_SHARDS-th page."""
    base, failures_404 = server
    every = site_pages(site_dir)
    assert len(every) >= 19, f"too few pages in the built site: {every}"
    pages = every[shard::WALK_SHARDS]
    shots = os.environ.get("TINYPYTORCH_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    report: dict[str, list[str]] = {}
    t0 = time.perf_counter()
    for page in pages:
        stem = page.strip("/").replace("/", "_") or "index"
        problems = check_page(browser, f"{base}/{page}", failures_404,
                              Path(shots) / stem if shots else None)
        if problems:
            report[page or "/"] = problems
    timings(f"browser check of {len(pages)} of {len(every)} pages (shard {shard + 1}/{WALK_SHARDS})",
            time.perf_counter() - t0)
    assert not report, "pages with problems:\n" + "\n".join(
        f"  {page}:\n    " + "\n    ".join(problems) for page, problems in report.items())


def test_a_figure_opens_full_size(browser, server) -> None:
    """A click on a figure shown smaller than its natural size opens it in a lightbox; there it is
    fitted to the screen, and a click on it shows it at its natural size (GLightbox's zoom)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = server
    set_width(browser, DESKTOP)
    browser.get(f"{base}/steps/step25/")
    browser.execute_async_script(WAIT_READY_JS)
    img = browser.find_element(By.CSS_SELECTOR, "img[src$='step25-goldstein.svg']")
    natural, shown = browser.execute_script(
        "return [arguments[0].naturalWidth, arguments[0].getBoundingClientRect().width]", img)
    assert shown < NATURAL_SIZE * natural, "the Goldstein-Price graph is no longer shrunk: pick another"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", img)
    img.click()
    lightbox_width = """
        const img = document.querySelector('.glightbox-container .gslide.current img');
        return img && img.complete && img.naturalWidth ? img.getBoundingClientRect().width : 0;"""
    previous = [-1.0]

    def settled(driver):  # the opening animation has ended when the width stops changing
        width = driver.execute_script(lightbox_width)
        done = width > 0 and abs(width - previous[0]) < 0.5
        previous[0] = width
        return width if done else None

    fitted = WebDriverWait(browser, 20, poll_frequency=0.3).until(settled)
    browser.find_element(By.CSS_SELECTOR, ".glightbox-container .gslide.current img").click()
    previous[0] = -1.0
    zoomed = WebDriverWait(browser, 20, poll_frequency=0.3).until(settled)
    assert zoomed >= 0.95 * natural, (
        f"the lightbox shows the figure {fitted:.0f} px wide, and {zoomed:.0f} px after a click "
        f"(natural width {natural} px)")
    browser.execute_script("document.querySelector('.gclose').click();")


def test_palette_toggle_switches_and_persists(browser, server) -> None:
    base, _ = server
    browser.get(f"{base}/")
    set_scheme(browser, "slate")
    browser.refresh()
    assert scheme(browser) == "slate"
    set_scheme(browser, "default")


def test_search_finds_a_chapter(browser, server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = server
    browser.get(f"{base}/")
    box = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    box.click()
    box.send_keys("Rosenbrock")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item"))
    links = [a.get_attribute("href") for a in
             browser.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")]
    assert any("steps/step26" in (href or "") for href in links), links


def test_search_previews_show_math_as_text(browser, server) -> None:
    """A search result's preview reads "∂y/∂x", not "\\(\\frac{\\partial y}{\\partial x}\\)"."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = server
    browser.get(f"{base}/")
    box = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    box.click()
    box.send_keys("Hessian")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item"))
    previews = browser.execute_script(
        "return Array.from(document.querySelectorAll('.md-search-result__article'))"
        ".map(a => a.innerText).join('\\n')")
    assert previews.strip(), "no previews shown"
    for marker in ("\\(", "\\[", "\\frac", "$$"):
        assert marker not in previews, f"raw TeX {marker!r} in a search preview:\n{previews[:2000]}"


def test_copy_button_on_code_blocks(browser, server) -> None:
    """Source blocks have Material's copy button; output blocks (no-copy) do not."""
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = server
    browser.get(f"{base}/steps/step27/")
    copy = "[data-md-type=copy], .md-clipboard"
    counts = f"""return [document.querySelectorAll('div.highlight:not(.tp-output) pre > code').length,
                         document.querySelectorAll('div.highlight:not(.tp-output) :is({copy})').length,
                         document.querySelectorAll('.tp-output').length,
                         document.querySelectorAll('.tp-output :is({copy})').length]"""
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(counts)[1] >= d.execute_script(counts)[0] > 0)
    sources, source_buttons, outputs, output_buttons = browser.execute_script(counts)
    assert outputs > 0 and output_buttons == 0, (outputs, output_buttons)


# --- The checks themselves ---------------------------------------------------------------

def svg_data_uri(width: int, font_size: float) -> str:
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="100pt" '
           f'viewBox="0 0 {width} 100"><rect width="{width}" height="100" fill="#eee"/>'
           f'<text x="10" y="50" font-size="{font_size}">tiny label</text></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


BROKEN_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { margin: 0; }
  .md-content { max-width: 700px; }
  div.highlight pre > code { display: block; overflow-x: auto; background: #f5f5f5; }
  div.arithmatex { overflow-x: auto; }
  img { max-width: 100%; }
</style></head><body>
<div class="md-content">
<p>Missing figure: <img src="figures/step99-missing.svg" alt="x"></p>
<p>Untypeset: <span class="arithmatex">\\(x^2\\)</span> and $$y$$</p>
<p>::: tinypytorch.core</p>
<p>--8<-- "docs/listings/none.py"</p>
<pre><code>$$ in code is fine: ::: --8<-- &gt;&gt;&gt;</code></pre>
<p>&gt;&gt;&gt; x = Variable(np.array(2.0))</p>
<blockquote><blockquote><blockquote><p>from tinypytorch import Variable</p></blockquote></blockquote></blockquote>
<div class="language-python highlight"><pre><code>print("a line of source code far too long for the column it sits in, so its end is cut off by the scroll bar")</code></pre></div>
<div class="language-text highlight tp-output no-copy"><pre><code>output that looks like source</code></pre></div>
<div class="arithmatex"><span style="display: inline-block; width: 600px">a wide equation</span></div>
<p><span style="display: inline-block; width: 520px">a line wider than a phone</span></p>
<p><img src="BIG_SVG" alt="a big figure shown shrunk"></p>
<p><img src="TINY_TEXT_SVG" alt="a figure with tiny text"></p>
</div>
<script>console.error("boom from the page");</script>
</body></html>"""


def test_the_checks_catch_a_broken_page(browser, tmp_path: Path) -> None:
    """The page check itself: a page with every fault must be reported for each of them."""
    page = (BROKEN_PAGE.replace("BIG_SVG", svg_data_uri(1200, 14))
            .replace("TINY_TEXT_SVG", svg_data_uri(300, 6)))
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    with serve(tmp_path) as (base, failures_404):
        problems = "\n".join(check_page(browser, f"{base}/", failures_404))
    for expected in ["images that did not load", "page has math but MathJax did not load",
                     "formulas not typeset", "raw '$$' visible", "raw '\\\\(' visible",
                     "raw ':::' visible", "raw '--8<--' visible", "raw '>>>' visible",
                     "boom from the page",
                     "404 /figures/step99-missing.svg",
                     "block quotes nested three deep",
                     f"at {DESKTOP} px, <code> \"print(\"a line of source code",
                     f"at {PHONE} px the page is",
                     "a line wider than a phone",
                     "<div.arithmatex> \"a wide equation\" scrolls",
                     "is shrunk from 1600 to",
                     "has text 8.0 px high as shown",
                     "output block <div.language-text.highlight.tp-output> \"output that looks like "
                     "source\" has no \"Output\" label, the same background as source code"]:
        assert expected in problems, f"not reported: {expected}\n{problems}"
    assert "in code is fine" not in problems
