"""The site builds with ``mkdocs build --strict`` and zero warnings, and its figures add up.

Figures, both ways: every ``figures/*.svg`` a page shows is built by scripts/build_figures.py,
and every figure it builds is shown by some page; docs/figures/ holds exactly what it builds.
"""

from __future__ import annotations

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
