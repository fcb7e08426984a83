"""MkDocs hook: the words the tools write on a page are in the page's language.

mkdocs-static-i18n builds the site once per language and sets Material's language for each build, so the
theme's own strings (search box, "Back to top", …) follow. Two tools keep English on a Chinese page without
this hook, because they take their language from settings the i18n plugin does not change per build:

- mkdocstrings labels the API pages' sections ("Parameters:", "Returns:", "Source code in …") in the locale it
  reads in its ``on_config``, which runs before the i18n plugin's (priority -100) has switched the theme's
  language: every build got the first build's English. This hook gives mkdocstrings the build's language first.
- The ``toc`` extension titles every heading's ¶ link "Permanent link" unless told otherwise.

- An explanatory figure is drawn once per language (scripts/figures/language.py); a Chinese page shows the
  Chinese file of each figure that has one.
- mkdocs-jupyter's copy button and the alt text nbconvert gives a cell's picture are English on every
  notebook page.
- hooks/step_links.py links the step keys of the (English) docstrings: "Step 29", "Steps 31 and 32",
  "Part 1–2". On a Chinese API page the link text names the chapter as the Chinese edition does: 「步骤 29」,
  「步骤 31 和 32」, 「第 1、2 阶段」 (the recap's words); the links themselves already lead to the Chinese pages.
- The theme writes its 404 page at the site's root in every build, so the Chinese one replaced the English
  one: each edition keeps its own (see the end of this file).

The palette toggle's names and the footer are plain settings: mkdocs.yml overrides them per language (the
``zh`` entry of the i18n plugin's languages).
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.plugins import event_priority

PERMALINK_TITLE = {"en": "Permanent link", "zh": "永久链接"}


def build_language(config) -> str:
    """The language this build renders: the i18n plugin's current one, else the theme's."""
    i18n = config.plugins.get("i18n")
    language = getattr(i18n, "current_language", None) or config.theme.get("language") or "en"
    return str(language).split("-")[0].split("_")[0]


@event_priority(100)  # before mkdocstrings reads its locale (priority 0) and before the i18n plugin's
def on_config(config):
    language = build_language(config)
    mkdocstrings = config.plugins.get("mkdocstrings")
    if mkdocstrings is not None:
        mkdocstrings.config.locale = language
    toc = config.mdx_configs.setdefault("toc", {})
    toc["permalink_title"] = PERMALINK_TITLE.get(language, PERMALINK_TITLE["en"])
    return config


# --- The 404 page, one per edition -----------------------------------------------------------------------
# The theme writes 404.html at the site's root in every language build, so the last build (Chinese) won and
# the English site had only a Chinese 404 page. The first build's page stays at the root; another edition's
# goes to its own folder (zh/404.html), for a server that serves a folder's 404 page.

DEFAULT_404: dict[str, str] = {}


def is_default_build(config) -> bool:
    i18n = config.plugins.get("i18n")
    return i18n is None or getattr(i18n, "is_default_language_build", True)


def on_post_template(output, template_name, config):
    if template_name != "404.html":
        return output
    if is_default_build(config):
        DEFAULT_404["html"] = output
        return output
    folder = Path(config.site_dir) / build_language(config)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "404.html").write_text(output, encoding="utf-8")
    return DEFAULT_404.get("html", output)


# --- Figures drawn per language ---------------------------------------------------------------------------
# scripts/figures/language.py draws an explanatory figure once per language: stepNN-x.svg and stepNN-x-zh.svg
# (and their .json, for a stepper). Both editions' pages name stepNN-x.svg; a Chinese page shows the -zh file.

FIGURE_FILE = re.compile(r"""(?<=figures/)(?P<name>step\d\d-[a-z0-9]+(?:-[a-z0-9]+)*)(?P<ext>\.svg|\.json)(?=["'#?])""")


def figures_in_language(html: str, language: str, figures_dir: Path) -> str:
    """``html`` with each figure that has a ``language`` variant (``<name>-<language>.svg``) pointing at it."""
    suffix = f"-{language}"

    def variant(match: re.Match) -> str:
        name = match["name"]
        if name.endswith(suffix) or not (figures_dir / f"{name}{suffix}.svg").is_file():
            return match.group(0)
        return f"{name}{suffix}{match['ext']}"

    return FIGURE_FILE.sub(variant, html)


# --- Step keys on the API pages --------------------------------------------------------------------------

def _link_to(target: str) -> str:
    """An opening ``<a>`` tag whose href contains ``target`` (a regular expression)."""
    return r'<a\b[^>]*\bhref="[^"]*' + target + r'[^"]*"[^>]*>'


CHAPTER_LINK = _link_to(r"steps/step\d\d/")
STEP_KEY = re.compile("(?P<open>" + _link_to(r"steps/step(?P<n>\d\d)/") + ")Step (?P=n)</a>")
STEP_RANGE = re.compile(r"\bSteps (?P<first>" + CHAPTER_LINK + r"\d\d</a>)(?P<joint> and | to |–)(?P<last>"
                        + CHAPTER_LINK + r"\d\d</a>)")
RECAP_KEY = re.compile("(?P<open>" + _link_to("recap/") + ")Part 1–2</a>")
STEP_KEY_WORDS = {
    "zh": {"Step": "步骤", "Part 1–2": "第 1、2 阶段", " and ": " 和 ", " to ": " 到 ", "–": "–"},
}


def step_keys_in_language(html: str, language: str) -> str:
    """``html`` (an API page) with the text of each step-key link in ``language``."""
    words = STEP_KEY_WORDS.get(language)
    if words is None:
        return html
    html = STEP_KEY.sub(lambda m: f"{m['open']}{words['Step']} {m['n']}</a>", html)
    html = STEP_RANGE.sub(lambda m: f"{words['Step']} {m['first']}{words[m['joint']]}{m['last']}", html)
    return RECAP_KEY.sub(lambda m: f"{m['open']}{words['Part 1–2']}</a>", html)


@event_priority(-60)
def on_page_content(html, page, config, files):
    if is_default_build(config):
        return html
    language = build_language(config)
    if page.file.src_uri.startswith("api/"):
        html = step_keys_in_language(html, language)
    return figures_in_language(html, language, Path(config.docs_dir) / "figures")


# --- Notebook pages ---------------------------------------------------------------------------------------
# mkdocs-jupyter writes two English texts of its own: the copy button's label, and nbconvert's alt text for an
# image a cell outputs ("No description has been provided for this image"), on the pages of both editions.

NOTEBOOK_WORDS = {
    "Copy to Clipboard": {"en": "Copy to clipboard", "zh": "复制到剪贴板"},
    "No description has been provided for this image": {"en": "The picture the code cell above draws",
                                                         "zh": "上面的代码单元格画出的图"},
}


def notebook_words(html: str, language: str) -> str:
    for english, words in NOTEBOOK_WORDS.items():
        html = html.replace(f'"{english}"', f'"{words.get(language, words["en"])}"')
    return html


def on_post_page(output, page, config):
    if page.file.src_uri.endswith(".ipynb"):
        return notebook_words(output, build_language(config))
    return output
