"""The tests, by layer, and the fixtures they share.

- ``library/``: the package ``tinypytorch`` on its own (core, functions, gradients, graph and its
  backward trace, render, threads, docstring examples, the package's face); no site, no chapter.
- ``chapters/``: what the pages teach, shown and printed: each chapter (``test_stepNN.py``, marked
  ``stepNN``), rules every chapter follows, the step keys, the book's scripts, the Differences and
  PyTorch pages; helpers in ``tests/helpers.py``.
- ``site/``: the pipelines that make the site and what a reader gets: the figure build (steppers
  included), the strict site build, the two editions, the browser, the README's commands, the
  notebook, the hooks and the benchmarks page.

``figures`` runs ``scripts/build_figures.py`` (all figures, into docs/figures/), and ``built_site``
then runs ``mkdocs build --strict`` into a temporary folder. Each is made once per test run, however
many processes run the tests (pytest-xdist, ``-n`` in pyproject.toml): the first process that needs
it makes it under a file lock, and the others wait for that lock and read the result. The timings
are printed at the end of the run. ``page`` is the chapter page of a chapter test module (one that
sets ``STEP = NN``).

The order the tests are handed out in (``pytest_collection_modifyitems``) keeps both processes busy:
the site build starts first, tests that share an expensive module fixture stay on one process, and
the tests that read the built site come last, longest first.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUILD_FIGURES = ROOT / "scripts" / "build_figures.py"
FIGURES_OUT = ROOT / "docs" / "figures"
SITE_FIXTURES = {"figures", "built_site", "site_dir"}
#: The longest of the tests that read the built site: handed out first among them, so that neither
#: process is left with one of them at the end.
LONGEST_SITE_TESTS = ("test_every_page_renders", "test_serve_command_serves_the_site")
TIMINGS_FILE = "site-pipeline-timings.jsonl"


def tool_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner is noise here
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    env.update(extra)
    return env


@dataclass
class Run:
    returncode: int
    output: str
    seconds: float
    names: list[str] = field(default_factory=list)
    out_dir: Path | None = None


# --- made once per run, whatever the number of processes -------------------------------------


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every process of this test run sees: under pytest-xdist the run's base temporary
    folder (each worker's own is inside it), else this process's."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make) -> Run:
    """``make()``'s Run, made by the first process that asks and read back by the others."""
    folder = run_folder(tmp_path_factory)
    result = folder / f"{name}.json"
    with FileLock(str(folder / f"{name}.lock")):
        if result.is_file():
            data = json.loads(result.read_text())
            return Run(**{**data, "out_dir": Path(data["out_dir"]) if data["out_dir"] else None})
        run = make()
        result.write_text(json.dumps({**asdict(run), "out_dir": str(run.out_dir) if run.out_dir else None}))
        record_timing(tmp_path_factory, name.replace("_", " "), run.seconds)
        return run


def record_timing(tmp_path_factory: pytest.TempPathFactory, what: str, seconds: float) -> None:
    """Note a timing for the summary at the end of the run (kept in the run's shared folder)."""
    folder = run_folder(tmp_path_factory)
    with FileLock(str(folder / f"{TIMINGS_FILE}.lock")), open(folder / TIMINGS_FILE, "a") as f:
        f.write(json.dumps([what, seconds]) + "\n")


@pytest.fixture(scope="session")
def timings(tmp_path_factory: pytest.TempPathFactory):
    """``timings(what, seconds)`` notes a timing for the summary at the end of the run."""
    return lambda what, seconds: record_timing(tmp_path_factory, what, seconds)


def build_figures() -> Run:
    listed = subprocess.run([sys.executable, str(BUILD_FIGURES), "--list"], cwd=ROOT,
                            capture_output=True, text=True, env=tool_env())
    assert listed.returncode == 0, f"build_figures.py --list failed:\n{listed.stdout}{listed.stderr}"
    names = [line.split("\t")[0] for line in listed.stdout.splitlines() if line.strip()]
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(BUILD_FIGURES)], cwd=ROOT,
                          capture_output=True, text=True, env=tool_env())
    return Run(proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - t0, names, FIGURES_OUT)


@pytest.fixture(scope="session")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Every figure built into docs/figures/; ``names`` are the file names registered."""
    run = made_once(tmp_path_factory, "figure_build", build_figures)
    if run.returncode != 0:
        pytest.fail(f"scripts/build_figures.py failed (exit {run.returncode}):\n{run.output}")
    return run


@pytest.fixture(scope="module")
def page(request: pytest.FixtureRequest) -> str:
    """The text of docs/steps/stepNN.md, for a test module that sets ``STEP = NN``."""
    from helpers import page_text

    return page_text(request.module.STEP)


@pytest.fixture(scope="session")
def built_site(figures: Run, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """``mkdocs build --strict`` of the whole site into a temporary folder."""
    def build() -> Run:
        out = run_folder(tmp_path_factory) / "site"
        t0 = time.perf_counter()
        proc = subprocess.run(  # the figures are up to date: the hook draws none
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
            cwd=ROOT, capture_output=True, text=True, env=tool_env())
        return Run(proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - t0, out_dir=out)

    return made_once(tmp_path_factory, "mkdocs_build_--strict", build)


@pytest.fixture(scope="session")
def site_dir(built_site: Run) -> Path:
    """The built site, for tests that need one that built (they fail, not skip, otherwise)."""
    if built_site.returncode != 0:
        pytest.fail("the site did not build (see site/test_site.py::test_strict_build_has_no_warnings)",
                    pytrace=False)
    return built_site.out_dir


# --- the built site in a browser ------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROME_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1400,900",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    failures: list[str]

    def log_message(self, format, *args):  # noqa: A002 - keep the test output clean
        pass

    def send_error(self, code, message=None, explain=None):
        self.failures.append(f"{code} {self.path}")
        super().send_error(code, message, explain)


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 (a free port); yield (base URL, failed requests)."""
    failures: list[str] = []
    handler = type("Handler", (QuietHandler,), {"failures": failures})
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", failures
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def server(site_dir: Path):
    """The built site on 127.0.0.1: (base URL, the requests that failed)."""
    with serve(site_dir) as served:
        yield served


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per test process (Debian's, through its chromedriver; nothing downloaded)."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        reason = ("Debian chromium/chromium-driver not installed (/usr/bin/chromium, /usr/bin/chromedriver); "
                  ".ci/run installs them (apt-get install chromium chromium-driver)")
        if os.environ.get("CI"):  # CI must run the browser checks, never skip them
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="tp-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}/profile")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # HOME inside the temporary profile: Chromium writes nothing to the user's home.
    service = Service(executable_path=str(CHROMEDRIVER), env={**os.environ, "HOME": profile})
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(chromium):
    """The process's Chromium, as a new reader finds it: what the previous test stored for the site it
    visited (the palette, ...) is cleared, the window is the desktop one and the console log is empty."""
    chromium.get_log("browser")
    yield chromium
    origin = chromium.execute_script("return location.origin")
    if origin.startswith("http"):
        chromium.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
    chromium.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    chromium.get("about:blank")


# --- the order the tests are handed out in ------------------------------------------------------


def needs_site(item: pytest.Item) -> bool:
    return bool(SITE_FIXTURES & set(getattr(item, "fixturenames", ())))


def shared_module_fixture(item: pytest.Item) -> str | None:
    """The module of `item` if the item uses a module-scoped fixture that module defines."""
    info = getattr(item, "_fixtureinfo", None)
    module = item.nodeid.split("::")[0]
    for defs in (info.name2fixturedefs.values() if info else ()):
        if any(d.scope == "module" and d.baseid == module for d in defs):
            return module
    return None


def group_by_module_fixture(items: list[pytest.Item]) -> None:
    """Keep the tests that share a module-scoped fixture on one process (pytest-xdist's loadgroup)."""
    for item in items:
        module = shared_module_fixture(item)
        if module:
            item.add_marker(pytest.mark.xdist_group(module))


def longest_first(item: pytest.Item) -> bool:
    return getattr(item, "originalname", item.name) not in LONGEST_SITE_TESTS


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """First a test that builds the site (one process builds it while the other runs the rest), then
    the tests that do not read the site, those sharing a module fixture grouped (computed once), then
    the tests that read the site, the longest first."""
    site = sorted((item for item in items if needs_site(item)), key=longest_first)
    rest = [item for item in items if not needs_site(item)]
    group_by_module_fixture(rest)
    builder = next((item for item in site if "built_site" in item.fixturenames), None)
    first = [builder] if builder else []
    items[:] = first + rest + [item for item in site if item is not builder]


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if getattr(config, "workerinput", None) is not None:
        return
    path = config._tmp_path_factory.getbasetemp() / TIMINGS_FILE
    if not path.is_file():
        return
    terminalreporter.write_sep("-", "site pipeline timings")
    for line in path.read_text().splitlines():
        what, seconds = json.loads(line)
        terminalreporter.write_line(f"{what}: {seconds:.1f} s")
