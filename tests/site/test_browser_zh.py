"""The Chinese edition in headless Chromium (issue 13): what a reader does with two languages.

The language switcher leads to the same page in the other language, both ways; Chinese queries
typed on a Chinese page find Chinese pages; Chinese pages typeset their math and log no console
error, in both palettes, and the palette stays when the language changes. Every page of both
editions also goes through test_browser.py's page check (images, math, raw markers, 404s, console).

The fixtures are tests/conftest.py's (a Chromium driven by selenium, the built site on a local
port), the helpers test_browser.py's.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT
from test_browser import check_page, scheme, set_scheme

pytestmark = pytest.mark.browser

DOCS = ROOT / "docs"
# Pages with a Chinese twin, and pages that are still the English page under /zh/.
SWITCH_PAGES = ["", "api/core/", "glossary/", "notebooks/playground/", "steps/step25/", "steps/step34/"]
QUERIES = ["反向传播", "梯度", "牛顿法", "计算图"]


def wait(driver, condition, timeout: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def switch_language(driver, lang: str) -> None:
    """Open the header's language menu and choose ``lang``, as a reader does."""
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, ".md-header__option .md-select > button").click()
    link = wait(driver, lambda d: next((a for a in d.find_elements(
        By.CSS_SELECTOR, f".md-select__link[hreflang={lang}]") if a.is_displayed()), False))
    before = driver.current_url
    link.click()
    wait(driver, lambda d: d.current_url != before or lang == page_language(d))


def page_language(driver) -> str:
    return driver.execute_script("return document.documentElement.lang")


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


@pytest.mark.parametrize("page", SWITCH_PAGES)
def test_the_switcher_moves_between_twins_both_ways(browser, server, page: str) -> None:
    base, failures = server
    failures.clear()
    browser.get(f"{base}/{page}")
    console_errors(browser)  # start with an empty log
    switch_language(browser, "zh")
    assert browser.current_url == f"{base}/zh/{page}" and page_language(browser) == "zh"
    switch_language(browser, "en")
    assert browser.current_url == f"{base}/{page}" and page_language(browser) == "en"
    assert not console_errors(browser) and not failures, (console_errors(browser), failures)


def source_text(url_path: str) -> str:
    """The source of the built page at ``url_path`` (the twin under /zh/, else its English page)."""
    path = url_path.strip("/")
    chinese = path == "zh" or path.startswith("zh/")
    rel = path[3:] if path.startswith("zh/") else ("" if path == "zh" else path)
    stem = DOCS / (rel or "index")
    candidates = [stem.with_name(stem.name + ext) for ext in (".md", ".ipynb")]
    candidates += [stem / "index.md"]
    if chinese:
        candidates = [c.with_name(c.stem + ".zh" + c.suffix) for c in candidates] + candidates
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise AssertionError(f"no source for /{path}/")


def search(driver, base: str, query: str, page: str = "zh/") -> list[str]:
    """Type ``query`` into the search box of ``page`` (the Chinese home page); the URL path of every
    result, in the order shown."""
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/{page}")
    box = driver.find_element(By.CSS_SELECTOR, "input.md-search__input")
    box.click()
    box.send_keys(query)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item > a")
         or "没有" in d.find_element(By.CSS_SELECTOR, ".md-search-result__meta").text)
    # Material shows the first ten documents and renders four more each time the list is scrolled
    # to its bottom again; the meta line says how many matched ("15 个符合条件的结果"). Scroll down and
    # back up, one move per poll, until every one of them is in the list.
    meta = driver.find_element(By.CSS_SELECTOR, ".md-search-result__meta").text
    total = int(next(iter(re.findall(r"\d+", meta)), 0))
    moves = itertools.count()

    def all_shown(d):
        if len(d.find_elements(By.CSS_SELECTOR, ".md-search-result__item")) >= total:
            return True
        d.execute_script("const w = document.querySelector('.md-search__scrollwrap');"
                         "w.scrollTop = arguments[0] ? w.scrollHeight : 0;", next(moves) % 2 == 0)
        return False

    wait(driver, all_shown)
    assert len(driver.find_elements(By.CSS_SELECTOR, ".md-search-result__item")) == total, meta
    links = [a.get_attribute("href") for a in
             driver.find_elements(By.CSS_SELECTOR, ".md-search-result__item > a")]
    return [unquote(urlsplit(h).path) for h in links]


@pytest.mark.parametrize("query", QUERIES)
def test_chinese_queries_find_chinese_pages(browser, server, query: str) -> None:
    import jieba

    base, _ = server
    found = list(dict.fromkeys(search(browser, base, query)))
    assert found, f"{query}: no result"
    words = [w for w in jieba.cut(query) if w.strip()]
    strays = [p for p in found if not any(w in source_text(p) for w in words)]
    assert not strays, f"{query}: results whose page does not contain {words}: {strays}"
    # every Chinese chapter with the word in its title is found (more as the translations land);
    # while none has it, the Chinese home page, which says it, must be found
    expected = [f"/zh/steps/{p.name.split('.')[0]}/" for p in sorted((DOCS / "steps").glob("*.zh.md"))
                if query in p.read_text(encoding="utf-8").splitlines()[0]]
    if not expected:
        assert query in source_text("/zh/")
        expected = ["/zh/"]
    missing = [page for page in expected if page not in found]
    assert not missing, f"{query}: not found: {missing} (found {found})"


# Chinese pages: the home page and the API overview (twins, with math and exec output), a chapter
# still in English (much math), the glossary and the notebook twin.
ZH_PAGES = ["zh/", "zh/api/", "zh/steps/step26/", "zh/glossary/", "zh/notebooks/playground/"]
TYPESET_JS = """
const done = arguments[arguments.length - 1];
MathJax.startup.promise.then(() => done(document.querySelectorAll('.arithmatex mjx-container').length));
"""


def test_chinese_pages_typeset_math_and_log_no_errors(browser, server) -> None:
    """test_browser's page check (both palettes, desktop and phone width, console, 404s) on Chinese
    pages, and the formulas typeset on the ones that have math."""
    base, failures = server
    report, typeset = {}, {}
    for page in ZH_PAGES:
        problems = check_page(browser, f"{base}/{page}", failures)
        if page_language(browser) != "zh":
            problems.append(f"lang is {page_language(browser)!r}")
        typeset[page] = browser.execute_async_script(TYPESET_JS)
        if problems:
            report[page] = problems
    assert not report, "\n".join(f"/{p}: {probs}" for p, probs in report.items())
    assert typeset["zh/"] >= 2 and typeset["zh/steps/step26/"] >= 20, typeset


def test_dark_mode_on_a_chinese_page(browser, server) -> None:
    base, failures = server
    failures.clear()
    browser.get(f"{base}/zh/")
    console_errors(browser)
    set_scheme(browser, "slate")
    browser.refresh()
    assert scheme(browser) == "slate" and page_language(browser) == "zh"
    assert browser.execute_async_script(TYPESET_JS) >= 2
    background = "return getComputedStyle(document.body).backgroundColor"
    dark = browser.execute_script(background)
    set_scheme(browser, "default")
    assert dark != browser.execute_script(background), dark
    assert not console_errors(browser) and not failures


def test_the_palette_stays_when_the_language_changes(browser, server) -> None:
    base, _ = server
    browser.get(f"{base}/zh/steps/step26/")
    set_scheme(browser, "slate")
    switch_language(browser, "en")
    assert scheme(browser) == "slate" and page_language(browser) == "en"
    switch_language(browser, "zh")
    assert scheme(browser) == "slate" and page_language(browser) == "zh"
    set_scheme(browser, "default")


def test_source_text_maps_pages_to_their_sources() -> None:
    """The helper the search test judges results with."""
    assert source_text("/zh/").startswith("# TinyPytorch\n\nTinyPytorch 是")
    assert source_text("/").startswith("# TinyPytorch\n\nTinyPytorch is")
    assert source_text("/zh/notebooks/playground/") == (DOCS / "notebooks/playground.zh.ipynb").read_text(encoding="utf-8")
    assert source_text("/zh/api/") == (DOCS / "api/index.zh.md").read_text(encoding="utf-8")
    assert source_text("/glossary/") == (DOCS / "glossary.md").read_text(encoding="utf-8")
    if not (DOCS / "steps/step33.zh.md").is_file():
        assert source_text("/zh/steps/step33/") == (DOCS / "steps/step33.md").read_text(encoding="utf-8")
    with pytest.raises(AssertionError, match="no source"):
        source_text("/zh/nowhere/")
