"""The site builds with ``mkdocs build --strict`` and zero warnings, and its figures add up.

Figures, both ways: every ``figures/*.svg`` a page shows is built by scripts/build_figures.py,
and every figure it builds is shown by some page; docs/figures/ holds exactly what it builds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT, Run

pytestmark = pytest.mark.site

DOCS = ROOT / "docs"
# An image, link or object in the built HTML that points at a figure (code blocks do not count).
FIGURE_REF = re.compile(r"""\b(?:src|href|data)=["']?[^"'>\s]*figures/(step\d\d-[A-Za-z0-9_-]+\.svg)""")
WARNING_LINE = re.compile(r"^(WARNING|ERROR)\s+-", re.MULTILINE)


def test_strict_build_has_no_warnings(built_site: Run) -> None:
    problems = [line for line in built_site.output.splitlines() if WARNING_LINE.match(line)]
    assert built_site.returncode == 0 and not problems, (
        f"mkdocs build --strict failed (exit {built_site.returncode}) with "
        f"{len(problems)} warning(s):\n" + "\n".join(problems) + "\n\nfull log:\n" + built_site.output
    )


def test_every_nav_page_was_built(site_dir: Path) -> None:
    expected = ["index.html", "recap/index.html", "notebooks/playground/index.html",
                "figures/index.html", "benchmarks/index.html"]
    expected += [f"steps/step{n}/index.html" for n in range(25, 35)]
    expected += [f"api/{m}/index.html" for m in ("core", "functions", "graph", "gradcheck")]
    missing = [page for page in expected if not (site_dir / page).is_file()]
    assert not missing, f"pages missing from the built site: {missing}"


def test_math_and_assets_are_local(site_dir: Path) -> None:
    """MathJax ships with the site, and no page loads a script or stylesheet from the network."""
    assert (site_dir / "javascripts/vendor/mathjax/tex-chtml.js").is_file()
    assert (site_dir / "javascripts/vendor/mathjax/output/chtml/fonts/woff-v2").is_dir()
    remote = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.I)
    offenders = {}
    for page in site_dir.rglob("*.html"):
        hits = [m.group(0) for m in remote.finditer(page.read_text(encoding="utf-8"))
                if "rel=\"canonical\"" not in m.group(0)]
        if hits:
            offenders[str(page.relative_to(site_dir))] = hits[:3]
    assert not offenders, f"pages load resources from the network: {offenders}"


def referenced_figures(site_dir: Path) -> dict[str, set[str]]:
    """figure file name -> the built pages that show it (markdown pages and notebooks alike)."""
    refs: dict[str, set[str]] = {}
    for page in site_dir.rglob("*.html"):
        for name in FIGURE_REF.findall(page.read_text(encoding="utf-8")):
            refs.setdefault(name, set()).add(str(page.relative_to(site_dir)))
    return refs


def test_figures_shown_and_built_match(figures: Run, site_dir: Path) -> None:
    produced = set(figures.names)
    refs = referenced_figures(site_dir)
    on_disk = {p.name for p in (DOCS / "figures").glob("*.svg")}

    not_built = {name: sorted(pages) for name, pages in refs.items() if name not in produced}
    assert not not_built, f"pages show figures that build_figures.py does not make: {not_built}"
    unshown = sorted(produced - set(refs))
    assert not unshown, f"build_figures.py makes figures no page shows: {unshown}"
    assert on_disk == produced, (
        f"docs/figures/ differs from what build_figures.py makes: "
        f"extra {sorted(on_disk - produced)}, missing {sorted(produced - on_disk)}"
    )
    missing_in_site = [n for n in produced if not (site_dir / "figures" / n).is_file()]
    assert not missing_in_site, f"figures missing from the built site: {missing_in_site}"


# --- What the reader gets from the hooks (hooks/*.py) ---------------------------------------

EXEC_FENCE = re.compile(r'^[ \t]*```\w+[^\n]*\bexec="(?:on|1|true|yes)"[^\n]*$', re.M)


def built_page(site_dir: Path, source: Path) -> Path:
    rel = source.relative_to(DOCS).with_suffix("")
    if rel.suffix == ".zh":  # a Chinese twin, docs/x.zh.md, is the page zh/x/
        rel = Path("zh") / rel.with_suffix("")
    return site_dir / (rel.parent if rel.name == "index" else rel) / "index.html"


def test_every_printed_output_is_marked_as_output(site_dir: Path) -> None:
    """Each exec block that shows what it printed (``result="..."``) yields one block marked
    ``tp-output``, which the stylesheet labels "Output"; nothing else is marked."""
    checked = 0
    for source in sorted(DOCS.rglob("*.md")):
        fences = [f for f in EXEC_FENCE.findall(source.read_text(encoding="utf-8"))
                  if 'result="' in f and 'html="' not in f and "tabbed" not in f and 'console"' not in f
                  and 'result="python"' not in f]  # printed source code is shown as code
        html = built_page(site_dir, source).read_text(encoding="utf-8")
        marked = re.findall(r'<div class="language-[^"]*\btp-output no-copy\b', html)
        assert len(marked) == len(fences), (
            f"{source.relative_to(ROOT)}: {len(fences)} exec blocks show output, "
            f"{len(marked)} output blocks are marked")
        checked += len(fences)
    assert checked > 50, checked


def api_examples() -> list[tuple[str, str]]:
    """(object, first line of each doctest example) for every public object the API pages show."""
    import doctest
    import importlib

    found = []
    names = {name for page in (DOCS / "api").glob("*.md")
             for name in re.findall(r"^:::\s*(tinypytorch[\w.]*)", page.read_text(encoding="utf-8"), re.M)}
    assert names, "no ::: directive in docs/api/"
    for name in sorted(names):
        module = importlib.import_module(name)
        for test in doctest.DocTestFinder().find(module):
            parts = test.name.split(".")[2:]
            if test.examples and not any(p.startswith("_") and p != "__init__" for p in parts):
                # mkdocstrings trims doctest flags (``# doctest: +SKIP``) from what it shows
                found += [(test.name, re.sub(r"\s*#\s*doctest:.*$", "", ex.source.splitlines()[0]))
                          for ex in test.examples]
    return found


def test_api_examples_are_shown_as_code(site_dir: Path) -> None:
    """Every docstring example line is in a ``pycon`` code block of an API page (a Google
    ``Example:`` section rendered ``>>>`` lines as nested block quotes)."""
    import html as html_lib

    shown = []
    for page in (site_dir / "api").glob("*/index.html"):
        text = page.read_text(encoding="utf-8")
        assert "<blockquote>\n<blockquote>" not in text, f"{page}: nested block quotes"
        for block in re.findall(r'<div class="language-pycon highlight">(.*?)</div>', text, re.S):
            shown.append(html_lib.unescape(re.sub(r"<[^>]+>", "", block)))
    code = "\n".join(shown)
    examples = api_examples()
    missing = [(name, line) for name, line in examples if f">>> {line}" not in code]
    assert len(examples) > 20 and not missing, f"examples not shown as code: {missing[:10]}"


# "Step 29", "Part 1–2", and each number of "Steps 31 and 32", as links; on a Chinese page 「步骤 29」,
# 「第 1、2 阶段」 and 「步骤 31 和 32」 (hooks/edition_language.py)
STEP_LINK = re.compile(r'<a href="([^"#]*)(?:#[^"]*)?"[^>]*>((?:Step|步骤) (\d\d)|Part 1–2|第 1、2 阶段|(\d\d))</a>')
BARE_KEY = re.compile(r"(?<!book's )(?<!its )\bSteps? (2[5-9]|3[0-4])\b|\bPart 1–2\b|步骤 (2[5-9]|3[0-4])\b")
# The link text of each edition's step keys: the English words on an English page, the Chinese on a Chinese one.
STEP_KEY_WORDS = {"": ("Step ", "Part 1–2", "Steps "), "zh": ("步骤 ", "第 1、2 阶段", "步骤 ")}


def step_link_problems(page: Path, html: str, edition: Path) -> tuple[int, list[str]]:
    """The step-key links of one built API page that do not resolve to their chapter (or to the recap for
    "Part 1–2") in the page's own edition (the folder `edition`), or whose text is in the other edition's
    language, and the keys left as plain text outside code; with the number of links."""
    step_word, recap_words, range_word = STEP_KEY_WORDS["zh" if edition.name == "zh" else ""]
    problems, links = [], 0
    for href, text, step, number in STEP_LINK.findall(html):
        if number and "steps/step" not in href:
            continue  # a line number of the source listing
        step = step or number
        links += 1
        target = (page.parent / href).resolve()
        expected = edition.resolve() / (f"steps/step{step}" if step else "recap")
        if not ((target / "index.html").is_file() and target == expected):
            problems.append(f"{text} -> {href} (not {expected.relative_to(edition.resolve().parent)}/)")
        if not (number or text.startswith(step_word) or text == recap_words):
            problems.append(f"{text} -> {href}: not in the page's language ({step_word.strip()} …, {recap_words})")
    for m in re.finditer(r"([A-Za-z]+|步骤) <a [^>]*steps/step\d\d/[^>]*>\d\d</a>(?: and | 和 | to | 到 |–)<a ", html):
        if f"{m[1]} " != range_word:
            problems.append(f"{m[1]} before a range of chapters (not {range_word.strip()})")
    text = re.sub(r"<pre.*?</pre>|<code.*?</code>|<a .*?</a>|<[^>]+>", "", html, flags=re.S)
    problems += [f"{m[0]} is not a link" for m in BARE_KEY.finditer(text)]
    return links, problems


@pytest.mark.parametrize("edition", ["", "zh"])
def test_api_pages_link_each_step_key_to_its_chapter(site_dir: Path, edition: str) -> None:
    """"Step 29" in a docstring is a link to the chapter of the page's own edition on the API pages
    (hooks/step_links.py): docs/steps/step29.md, or its Chinese twin under /zh/; on a Chinese page the link
    reads 「步骤 29」 (hooks/edition_language.py)."""
    links, problems = 0, []
    for page in sorted((site_dir / edition / "api").glob("*/index.html")):
        n, found = step_link_problems(page, page.read_text(encoding="utf-8"), site_dir / edition)
        links += n
        problems += [f"{page.parent.name}: {p}" for p in found]
    assert links > 50 and not problems, problems[:10]


def test_the_step_link_check_fires(tmp_path: Path) -> None:
    for folder in ("", "zh"):
        (tmp_path / folder / "steps" / "step29").mkdir(parents=True)
        (tmp_path / folder / "steps" / "step29" / "index.html").write_text("<h1>Step 29</h1>")
        (tmp_path / folder / "recap").mkdir(parents=True)
        (tmp_path / folder / "recap" / "index.html").write_text("<h1>Recap</h1>")
    page = tmp_path / "zh" / "api" / "core" / "index.html"
    html = ('<p>Changed in <a href="../../steps/step29/">步骤 29</a>, see <a href="../../../steps/step29/">'
            '步骤 29</a>, <a href="../../steps/step28/">步骤 28</a>; also 步骤 30, Step 30, <code>Step 31</code> and the '
            "book's Step 32.</p>")
    links, problems = step_link_problems(page, html, tmp_path / "zh")
    assert links == 3 and problems == ["步骤 29 -> ../../../steps/step29/ (not zh/steps/step29/)",
                                       "步骤 28 -> ../../steps/step28/ (not zh/steps/step28/)",
                                       "步骤 30 is not a link", "Step 30 is not a link"]


@pytest.mark.parametrize("edition, wrong, message", [
    ("zh", '<a href="../../steps/step29/">Step 29</a>', "Step 29 -> ../../steps/step29/: not in the page's language"),
    ("zh", '<a href="../../recap/">Part 1–2</a>', "Part 1–2 -> ../../recap/: not in the page's language"),
    ("zh", 'Steps <a href="../../steps/step29/">29</a> and <a href="../../steps/step29/">29</a>',
     "Steps before a range of chapters (not 步骤)"),
    ("", '<a href="../../steps/step29/">步骤 29</a>', "步骤 29 -> ../../steps/step29/: not in the page's language"),
    ("", '<a href="../../recap/">第 1、2 阶段</a>', "第 1、2 阶段 -> ../../recap/: not in the page's language"),
])
def test_the_step_link_check_fires_on_the_other_language(tmp_path: Path, edition: str, wrong: str,
                                                         message: str) -> None:
    for folder in ("", "zh"):
        for target in ("steps/step29", "recap"):
            (tmp_path / folder / target).mkdir(parents=True, exist_ok=True)
            (tmp_path / folder / target / "index.html").write_text("<h1>x</h1>")
    page = tmp_path / edition / "api" / "core" / "index.html"
    right = {"zh": ('<a href="../../steps/step29/">步骤 29</a>, <a href="../../recap/">第 1、2 阶段</a>, 步骤 '
                    '<a href="../../steps/step29/">29</a> 和 <a href="../../steps/step29/">29</a>'),
             "": ('<a href="../../steps/step29/">Step 29</a>, <a href="../../recap/">Part 1–2</a>, Steps '
                  '<a href="../../steps/step29/">29</a> and <a href="../../steps/step29/">29</a>')}[edition]
    edition_dir = tmp_path / edition if edition else tmp_path
    assert step_link_problems(page, f"<p>{right}</p>", edition_dir) == (4, [])
    links, problems = step_link_problems(page, f"<p>{right}; {wrong}</p>", edition_dir)
    assert any(p.startswith(message) for p in problems), problems


def test_search_previews_have_no_raw_tex(site_dir: Path) -> None:
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    raw = [(doc["location"], marker) for doc in index["docs"] for marker in ("\\(", "\\[", "$$")
           if marker in doc["text"]]
    assert not raw, f"raw TeX in the search index: {raw[:10]}"
    assert any("∂" in doc["text"] for doc in index["docs"]), "no math read as text at all"


def test_notebook_page_offers_the_notebook(site_dir: Path) -> None:
    page = (site_dir / "notebooks" / "playground" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a [^>]*href="playground\.ipynb"[^>]*download', page), "no download link"
    copy = site_dir / "notebooks" / "playground" / "playground.ipynb"
    assert copy.read_bytes() == (DOCS / "notebooks" / "playground.ipynb").read_bytes()


def test_sitemap_lists_every_page(site_dir: Path) -> None:
    """site_url is set: the sitemap is not empty, it has every page."""
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    pages = [p for p in site_dir.rglob("index.html")]
    assert len(locations) == len(pages) and all(loc.startswith("http") for loc in locations), locations


def test_build_log_has_no_noise(built_site: Run) -> None:
    """Two lines printed on every build before: mkdocstrings asking for Black (signatures then ran
    on one line up to 1,470 px wide) and the notebook kernel's TCP warning."""
    for noise in ("Formatting signatures requires", "running over TCP without encryption"):
        assert noise not in built_site.output, f"{noise!r} in the build log:\n{built_site.output}"
