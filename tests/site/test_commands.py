"""The commands the site and the README show, run as a reader would run them.

Every fenced code block on the site must be executed somewhere: Python blocks at build time by
markdown-exec (or included from a file the build or the tests run), shell blocks by a test named here.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

# every shell line a page shows, and the test that runs it
SHELL_COMMANDS = {
    "python3 scripts/run.py serve": "test_commands.py::test_serve_command_serves_the_site",
    "python3 scripts/run.py test": ".ci/run (CI runs exactly this command)",
    ".venv/bin/python scripts/build_figures.py": "test_site.py (the session's figure build)",
    ".venv/bin/python scripts/build_figures.py --step 32": "test_figures_build.py (--step)",
    ".venv/bin/python scripts/build_figures.py --list": "test_figures_build.py (--list)",
    ".venv/bin/python scripts/build_figures.py --force": "test_figures_build.py (--force)",
    "dot -V": "test_commands.py::test_step25_system_graphviz_commands",
    "dot docs/listings/step25_dot_edge.dot -T svg -o edge.svg": "test_commands.py::test_step25_system_graphviz_commands",
    ".venv/bin/graphviz-pure -V": "test_commands.py::test_step25_graphviz_pure_commands",
    ".venv/bin/graphviz-pure docs/listings/step25_dot_edge.dot -T svg -o edge.svg":
        "test_commands.py::test_step25_graphviz_pure_commands",
}
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
SNIPPET = re.compile(r'^\s*--8<-- "(?P<path>[^":]+)(:[^"]*)?"\s*$')


def fences():
    for page in sorted(DOCS.rglob("*.md")):
        for m in FENCE.finditer(page.read_text(encoding="utf-8")):
            yield page.relative_to(ROOT).as_posix(), m.group("info").strip(), m.group("body")


def test_every_code_block_on_the_site_is_executed():
    seen = 0
    for page, info, body in fences():
        seen += 1
        lang = info.split()[0] if info else ""
        lines = [line for line in body.splitlines() if line.strip()]
        where = f"{page}: ```{info}"
        if 'exec="on"' in info:
            continue
        if lines and all(SNIPPET.match(line) for line in lines):
            for line in lines:
                path = SNIPPET.match(line).group("path")
                assert path.startswith(("docs/listings/", "scripts/figures/")), f"{where} includes {path}"
                assert (ROOT / path).is_file(), f"{where} includes a missing file {path}"
            continue
        if lang in ("bash", "sh", "console"):
            for line in lines:
                command = line.split("#")[0].strip()
                assert command in SHELL_COMMANDS, f"{where}: no test runs the shell command {command!r}"
            continue
        if lang in ("text", ""):  # plain text, not code
            continue
        pytest.fail(f"{where} is code that nothing executes: make it exec=\"on\" or include a tested listing")
    assert seen > 50  # the chapters really were scanned


def step25_tab(title: str) -> list[str]:
    """The shell lines of one tab of Step 25's "Getting a `dot` program" section."""
    text = (DOCS / "steps" / "step25.md").read_text(encoding="utf-8")
    tab = text.split(f'=== "{title}"', 1)[1].split("\n=== ", 1)[0].split("\n## ", 1)[0]
    body = FENCE.search(tab).group("body")
    return [line.strip() for line in body.splitlines() if line.strip()]


def run_step25_lines(lines: list[str], tmp_path: Path) -> list[subprocess.CompletedProcess]:
    """Run the lines exactly as shown, from a folder laid out like the clone (the DOT file, and .venv)."""
    (tmp_path / "docs" / "listings").mkdir(parents=True)
    dot_file = "docs/listings/step25_dot_edge.dot"
    (tmp_path / dot_file).write_bytes((ROOT / dot_file).read_bytes())
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)  # the venv running the tests
    return [subprocess.run(shlex.split(line), cwd=tmp_path, capture_output=True, text=True, timeout=120)
            for line in lines]


def check_step25_lines(lines, procs, tmp_path, program):
    assert [shlex.split(line)[0] for line in lines] == [program, program]
    version, draw = procs
    assert version.returncode == 0 and "version" in (version.stdout + version.stderr).lower()
    assert draw.returncode == 0, draw.stderr
    svg = (tmp_path / "edge.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and svg.count('class="node"') == 2


def test_step25_graphviz_pure_commands(tmp_path):
    """The pip-only lines of Step 25, as shown, with the graphviz-pure that `serve` and the test extra install."""
    lines = step25_tab("pip only (graphviz-pure)")
    # the system-Graphviz tab shows the same arguments to `dot` (tested below where a system dot exists)
    assert step25_tab("System Graphviz") == [line.replace(".venv/bin/graphviz-pure", "dot") for line in lines]
    if Path(sys.executable).parent != Path(sys.prefix) / "bin":
        pytest.skip("the lines name .venv/bin/; they run where the tests run in a venv")
    check_step25_lines(lines, run_step25_lines(lines, tmp_path), tmp_path, ".venv/bin/graphviz-pure")


def test_step25_system_graphviz_commands(tmp_path):
    """The system-Graphviz lines of Step 25, as shown, where a system `dot` is installed."""
    lines = step25_tab("System Graphviz")
    if shutil.which("dot") is None:
        pytest.skip("no system Graphviz `dot` on this machine (the graphviz-pure lines are tested instead)")
    check_step25_lines(lines, run_step25_lines(lines, tmp_path), tmp_path, "dot")


def test_step25_pip_install_from_a_clone():
    """`pip install -e ".[render]"`, as Step 25 and the home page say, resolves with graphviz-pure
    (a dry run: nothing is installed)."""
    for page in ("steps/step25.md", "index.md"):
        assert 'pip install -e ".[render]"' in (DOCS / page).read_text(encoding="utf-8"), page
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-input", "-e", ".[render]"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for requirement in ("graphviz-pure",):
        assert re.search(rf"(Requirement already satisfied|Would install).*{requirement}", proc.stdout,
                         re.I), (requirement, proc.stdout)
    assert "Would install tinypytorch" in proc.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerOutput:
    """Everything a server process prints, read as it comes (so it never blocks on a full pipe); a test
    waits for a line with :meth:`wait_for`, not for a while."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._ended = False
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for(self, text: str, timeout: float) -> int | None:
        """The index of the first line containing `text`, once printed; None if the output ends first
        or `timeout` (a hang guard) passes."""
        def found():
            return next((i for i, line in enumerate(self.lines) if text in line), None)

        with self._changed:
            self._changed.wait_for(lambda: found() is not None or self._ended, timeout)
            return found()

    def __str__(self) -> str:
        return "".join(self.lines)


@pytest.mark.site
def test_serve_command_serves_the_site(built_site):
    """README command 1: serves the site on 127.0.0.1 (here on a free port).

    The server answers with the home page before any page's code has run (hooks/serve_start.py), then
    builds the rest of the site; after that rebuild, Step 25 is there with its figure. It runs after the
    session's build, so the figures are up to date (it draws none) and the notebook's cache is made once,
    not by two builds at the same time.
    """
    venv = ROOT / ".venv"
    if Path(sys.prefix).resolve() != venv.resolve():
        pytest.skip("runs inside the repository's .venv, as `python3 scripts/run.py test` does "
                    "(elsewhere it would create and install .venv)")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts/run.py"), "serve", "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    output = ServerOutput(proc)
    try:
        serving = output.wait_for(f"Serving on {base}/", timeout=600)
        assert serving is not None, f"the site was never served; run.py exited with {proc.poll()}:\n{output}"
        home = urllib.request.urlopen(f"{base}/", timeout=60).read().decode()
        assert "<h1" in home and "being built" not in home
        home_blocks = len(re.findall(r'^```python [^\n]*exec="on"', (DOCS / "index.md").read_text(encoding="utf-8"),
                                     re.M))
        ran = "".join(line for line in output.lines[:serving] if "exec blocks:" in line)
        assert (f"exec blocks: {home_blocks} run," in ran) if home_blocks else not ran, (
            f"code of other pages than the home page ran before the server answered:\n{output}")
        assert output.wait_for("Reloading browsers", timeout=600) is not None, f"no full build:\n{output}"
        page = urllib.request.urlopen(f"{base}/steps/step25/", timeout=60).read().decode()
        assert "Step 25 — " in page and "being built" not in page
        figure = re.search(r'src="(\.\./\.\./figures/step25-[a-z0-9-]+\.svg)"', page).group(1)
        svg = urllib.request.urlopen(f"{base}/steps/step25/{figure}", timeout=60).read()
        assert b"<svg" in svg
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
