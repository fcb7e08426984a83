"""The built site has two editions: English at the root, Chinese under /zh/.

Static checks of the ``mkdocs build --strict`` output (the ``site_dir`` fixture), and unit tests of
the hooks that serve the two editions (hooks/exec_once.py, hooks/hreflang.py, and the notebook page
in hooks/notebook.py). What a reader does with the editions in a browser is in test_browser_zh.py.
"""

from __future__ import annotations

import importlib.util
import json
import posixpath
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import ROOT, Run
from twins import split_fences

DOCS = ROOT / "docs"
SWITCH = re.compile(r'<a href="([^"]*)" hreflang="(\w+)" class="md-select__link"')
HEAD_HREFLANG = re.compile(r"<link\b[^>]*\bhreflang=", re.I)


def hook(name: str):
    """A fresh copy of hooks/<name>.py, loaded as MkDocs loads it (hooks/ on sys.path meanwhile)."""
    spec = importlib.util.spec_from_file_location(f"_tp_test_{name}", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, str(ROOT / "hooks"))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "hooks"))
    return module


def english_pages(site_dir: Path) -> list[str]:
    """Every English page of the built site, as its URL path ("" for the home page)."""
    pages = []
    for page in site_dir.rglob("index.html"):
        rel = page.parent.relative_to(site_dir).as_posix()
        if rel != "zh" and not rel.startswith("zh/"):
            pages.append("" if rel == "." else rel + "/")
    return sorted(pages)


def resolve(page: str, href: str) -> str:
    """The URL path that ``href`` on page ``page`` (a URL path) leads to."""
    joined = posixpath.normpath(posixpath.join("/" + page, href))
    return joined.strip("/") + "/" if joined.strip("/") else ""


def switcher(site_dir: Path, page: str) -> dict[str, str]:
    html = (site_dir / page / "index.html").read_text(encoding="utf-8")
    return {lang: resolve(page, href) for href, lang in SWITCH.findall(html)}


@pytest.mark.site
def test_every_page_has_its_chinese_page_and_the_switcher_joins_them(site_dir: Path) -> None:
    pages = english_pages(site_dir)
    assert len(pages) >= 20, pages
    problems = []
    for page in pages:
        chinese = f"zh/{page}"
        if not (site_dir / chinese / "index.html").is_file():
            problems.append(f"/{page}: no Chinese page /{chinese}")
            continue
        there, back = switcher(site_dir, page), switcher(site_dir, chinese)
        if there != {"en": page, "zh": chinese}:
            problems.append(f"/{page}: the switcher leads to {there}")
        if back != {"en": page, "zh": chinese}:
            problems.append(f"/{chinese}: the switcher leads to {back}")
    assert not problems, "\n".join(problems)


@pytest.mark.site
def test_no_page_head_has_hreflang_links_and_the_sitemap_has_the_pairs(site_dir: Path) -> None:
    """Material fetched <link href>/sitemap.xml for each of them: a 404 on every page."""
    offenders = [str(p.relative_to(site_dir)) for p in site_dir.rglob("*.html")
                 if HEAD_HREFLANG.search(p.read_text(encoding="utf-8").split("</head>")[0])]
    assert not offenders, f"pages with <link hreflang> in the head: {offenders[:5]}"
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    pages = english_pages(site_dir)
    for lang, prefix in (("en", ""), ("zh", "zh/")):
        links = re.findall(rf'<xhtml:link rel="alternate" hreflang="{lang}" href="[^"]*/{prefix}', sitemap)
        assert len(links) >= 2 * len(pages), (lang, len(links), len(pages))


@pytest.mark.site
def test_each_edition_speaks_its_language(site_dir: Path) -> None:
    for page, lang, search in (("", "en", "Search"), ("zh/", "zh", "搜索"),
                               ("steps/step26/", "en", "Search"), ("zh/steps/step26/", "zh", "搜索")):
        html = (site_dir / page / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in html, page
        assert f'placeholder="{search}"' in html, page  # Material's own strings
    home = (site_dir / "zh" / "index.html").read_text(encoding="utf-8")
    for title in ("首页", "第 3 阶段", "API 参考", "术语表", "练习笔记本"):  # nav translations
        assert re.search(rf">\s*{re.escape(title)}\s*<", home), title


@pytest.mark.site
def test_chinese_text_is_indexed_as_words(site_dir: Path) -> None:
    """jieba splits the Chinese text with zero-width spaces, and the separator splits on them."""
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["en", "zh"]
    separator = re.compile(index["config"]["separator"])
    assert separator.split("反向\u200b传播") == ["反向", "传播"]
    chinese = [d for d in index["docs"] if d["location"].startswith("zh/")]
    assert chinese and all(not d["location"].startswith("zh/steps/") or
                           (DOCS / "steps" / (d["location"].split("/")[2] + ".zh.md")).is_file()
                           for d in chinese), "a fallback (English) page indexed twice"
    home = " ".join(d["text"] for d in chinese if d["location"].split("#")[0] == "zh/")
    words = set(separator.split(home))
    assert {"计算", "反向", "传播", "梯度", "牛顿"} <= words, sorted(words)[:50]


@pytest.mark.site
def test_the_notebook_twin_is_a_rendered_page(site_dir: Path) -> None:
    """Without the hook, the i18n plugin published playground.ipynb as raw JSON."""
    for page, title in (("notebooks/playground", "Part 3 playground"),
                        ("zh/notebooks/playground", "第 3 阶段练习笔记本")):
        html = (site_dir / page / "index.html").read_text(encoding="utf-8")
        assert html.lstrip().lower().startswith("<!doctype html>") and '"cell_type"' not in html, page
        assert title in html and "jp-CodeCell" in html, page
    copy = site_dir / "zh" / "notebooks" / "playground" / "playground.zh.ipynb"
    assert copy.read_bytes() == (DOCS / "notebooks" / "playground.zh.ipynb").read_bytes()


@pytest.mark.site
def test_chinese_pages_link_the_chinese_api_pages(site_dir: Path) -> None:
    """An API cross-reference resolves to the reader's own edition (autorefs resolve_closest)."""
    checked = 0
    for page in (site_dir / "zh").rglob("index.html"):
        path = page.parent.relative_to(site_dir).as_posix() + "/"
        for href in re.findall(r'href="([^"#]*api/[^"#]*)#tinypytorch\.', page.read_text(encoding="utf-8")):
            target = resolve(path, href)
            assert target.startswith("zh/api/"), f"/{path} links {href} -> /{target}"
            checked += 1
    assert checked > 50, checked


@pytest.mark.site
def test_exec_blocks_ran_once_for_both_editions(built_site: Run) -> None:
    counts = re.search(r"exec blocks: (\d+) run, (\d+) shown again in the other edition, (\d+) run for "
                       r"a twin's own code \((\d+) earlier blocks run again\)", built_site.output)
    assert counts, built_site.output[-2000:]
    run, again, own, replayed = map(int, counts.groups())
    # every page is built in both languages; only the exec blocks of twins whose code differs run again: the
    # pages that say() their prose in Chinese and name their language (docs/benchmarks.zh.md), and the PyTorch
    # page's versions sentence
    def exec_blocks(page: Path) -> list:
        return [part[2:] for part in split_fences(page.read_text(encoding="utf-8"))
                if part[0] == "fence" and 'exec="on"' in part[2]]

    differing = [exec_blocks(p) for p in DOCS.rglob("*.zh.md")
                 if exec_blocks(p) != exec_blocks(p.with_name(p.name.replace(".zh.md", ".md")))]
    blocks = sum(len(zh_blocks) for zh_blocks in differing)
    assert run > 100 and again + own == run and 0 < own <= blocks < again, (run, again, own, replayed, blocks)


# --- the hooks of the two editions (exec_once, hreflang, notebook) ------------------------------

def test_drop_hreflang_links_keeps_everything_else() -> None:
    html = ('<html><head>\n  <link rel="canonical" href="x">\n'
            '      <link rel="alternate" href="./" hreflang="en">\n'
            '      <link rel="alternate" href="../zh/" hreflang="zh">\n'
            '  <link rel="alternate" type="application/rss+xml" href="feed.xml">\n</head>\n'
            '<body><a href="../zh/" hreflang="zh" class="md-select__link">中文</a></body></html>')
    out = hook("hreflang").drop_hreflang_links(html)
    assert "hreflang" not in out.split("</head>")[0]
    assert 'rel="canonical"' in out and "application/rss+xml" in out
    assert out.split("</head>")[1] == html.split("</head>")[1]


def test_an_exec_block_runs_once_for_twins_and_again_when_its_state_differs() -> None:
    outputs = hook("exec_once").ExecOutputs()
    runs = []

    def runner(code, returncode=None, session=None, id=None, **extra):  # noqa: A002
        runs.append(code)
        if "raise" in code:
            raise RuntimeError(code)
        return f"ran {code} #{len(runs)}"

    def page(key, *blocks):
        outputs.start_page(key)
        return [outputs.run(runner, code, session=session) for session, code in blocks]

    english = page("steps/step26.md", ("s", "x = 1"), ("s", "print(x)"), (None, "print(2)"))
    chinese = page("steps/step26.md", ("s", "x = 1"), ("s", "print(x)"), (None, "print(2)"))
    assert chinese == english and len(runs) == 3 and outputs.reused == 3
    # the same code after other code in its session is another block; another page is too
    assert page("steps/step26.md", ("s", "x = 2"), ("s", "print(x)"))[1] == "ran print(x) #5"
    assert page("steps/step27.md", ("s", "x = 1"), ("s", "print(x)"))[1] == "ran print(x) #7"
    # a block that raised is not kept, so the other edition reports it too
    for _ in range(2):
        with pytest.raises(RuntimeError):
            page("steps/step28.md", (None, "raise"))
    assert runs.count("raise") == 2
    outputs.start_build()  # a new build: the package may have changed
    page("steps/step26.md", ("s", "x = 1"))
    assert runs[-1] == "x = 1" and outputs.reused == 0


def test_a_twin_block_with_its_own_code_runs_in_its_own_pages_state() -> None:
    """docs/benchmarks.zh.md says its paragraphs in Chinese: those blocks run, after the blocks
    before them in their session, not in what the English page left behind."""
    sessions: dict = {}
    runs = []

    def runner(code, returncode=None, session=None, id=None, **extra):  # noqa: A002
        runs.append(code)
        printed = []
        state = sessions.setdefault(session, {}) if session else {}
        state["print"] = printed.append
        exec(code, state)  # noqa: S102
        return "".join(map(str, printed))

    outputs = hook("exec_once").ExecOutputs(reset_session=lambda session: sessions.pop(session, None))

    def page(key, *blocks):
        outputs.start_page(key)
        return [outputs.run(runner, code, session="bench") for code in blocks]

    setup = "x = 1\ndef say(text): print(text.format(x=x))"
    english = page("benchmarks.md", setup, "say('{x} step')", "x = 100\nsay('{x} steps')", "say('end')")
    assert english == ["", "1 step", "100 steps", "end"] and len(runs) == 4
    chinese = page("benchmarks.md", setup, "say('{x} 步')", "x = 100\nsay('{x} 步')", "say('end')")
    # its own text with its own page's numbers; the setup block ran again to rebuild the session
    assert chinese == ["", "1 步", "100 步", "end"]
    assert runs[4:] == [setup, "say('{x} 步')", "x = 100\nsay('{x} 步')", "say('end')"]
    assert (outputs.runs, outputs.reused, outputs.own, outputs.replayed) == (4, 1, 3, 1)
    # the English page is unchanged, and a page whose twin has the same code still runs once
    outputs.start_build()
    assert page("benchmarks.md", setup, "say('{x} step')") == ["", "1 step"]
    assert page("benchmarks.md", setup, "say('{x} step')") == ["", "1 step"]
    assert (outputs.runs, outputs.reused, outputs.own, outputs.replayed) == (2, 2, 0, 0)


def test_the_hook_finds_markdown_execs_python_runner() -> None:
    """If markdown-exec moves its runner, exec blocks would silently run twice again."""
    exec_once = hook("exec_once")
    module = exec_once.python_runner_module()
    assert module is not None
    original = module._run_python
    try:
        assert exec_once.share_exec_outputs() and module._run_python is not original
        assert exec_once.share_exec_outputs() and module._run_python.tinypytorch_shared  # wrapped once
        exec_once.OUTPUTS.start_build()
        exec_once.OUTPUTS.start_page("p.md")
        assert module._run_python("print(6 * 7)") == "42\n"
    finally:
        module._run_python = original


def test_a_notebook_mkdocs_jupyter_does_not_render_is_refused() -> None:
    from mkdocs.exceptions import PluginError

    notebook = hook("notebook")
    jupyter = SimpleNamespace(should_include=lambda f: f.src_uri.startswith("notebooks/"))
    files = SimpleNamespace(documentation_pages=lambda: [SimpleNamespace(src_uri="notebooks/a.ipynb"),
                                                         SimpleNamespace(src_uri="other/b.ipynb")])
    config = SimpleNamespace(plugins={"mkdocs-jupyter": jupyter})
    with pytest.raises(PluginError, match="other/b.ipynb"):
        notebook.on_files(files, config)
    files.documentation_pages = lambda: [SimpleNamespace(src_uri="notebooks/a.ipynb")]
    assert notebook.on_files(files, config) is files


def nav_titles(nav) -> list[str]:
    titles = []
    for entry in nav:
        if isinstance(entry, dict):
            for title, value in entry.items():
                titles.append(title)
                if isinstance(value, list):
                    titles += nav_titles(value)
    return titles


def test_every_nav_title_has_its_chinese_title() -> None:
    """Titles written in mkdocs.yml (chapter titles come from the pages); module names stay."""
    import yaml

    class Loader(yaml.SafeLoader):  # mkdocs.yml's !ENV and !relative tags: their values do not matter
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    chinese = next(lang for lang in i18n["languages"] if lang["locale"] == "zh")
    translations = chinese["nav_translations"]
    titles = [t for t in nav_titles(config["nav"]) if not t.startswith("tinypytorch.")]
    assert len(titles) >= 10, titles
    missing = [t for t in titles if t not in translations]
    assert not missing, f"nav titles with no Chinese title in nav_translations: {missing}"
    assert all(re.search(r"[\u4e00-\u9fff]", translations[t]) for t in titles)
