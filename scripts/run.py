#!/usr/bin/env python3
"""The README's two commands (standard library only, any OS with Python >= 3.11).

    python3 scripts/run.py serve   # serve the site on http://127.0.0.1:8000 (mkdocs serve)
    python3 scripts/run.py test    # run the whole test suite

``serve --port N`` serves on another port; a port already in use is reported before anything is
built. ``serve`` only runs ``mkdocs serve``: the MkDocs hooks draw what the site needs (the figures,
``hooks/figures.py``).

Each creates (or reuses) the virtual environment ``.venv`` in the repository and
installs the project into it in editable mode with the extras it needs
(``serve``: ``docs,render``; ``test``: ``test``). A stamp file in ``.venv`` records
what was installed for which ``pyproject.toml``, so a second run installs nothing.
Extra arguments after ``test`` go to pytest (``python3 scripts/run.py test -k step26``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / "tinypytorch-install.json"
EXTRAS = {"serve": ["docs", "render"], "test": ["test"]}
# What each extra brings in (the `test` extra includes `docs` and `render`).
IMPLIES = {"test": {"test", "docs", "render"}, "docs": {"docs", "render"}, "render": {"render"}}


def log(msg: str) -> None:
    print(f"[run.py] {msg}", flush=True)


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def run(cmd: list[str], **kwargs) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kwargs)


def project_hash() -> str:
    h = hashlib.sha256()
    h.update((ROOT / "pyproject.toml").read_bytes())
    h.update(str(ROOT).encode())
    h.update(sys.version.encode())
    return h.hexdigest()


def installed_extras() -> set[str]:
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return set()
    if stamp.get("hash") != project_hash():
        return set()
    return set(stamp.get("extras", []))


def ensure_venv(extras: list[str]) -> Path:
    """Create ``.venv`` if needed and install ``-e .[extras]`` unless already done."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python >= 3.11 is needed (this is {sys.version.split()[0]})")
    py = venv_python()
    if not py.is_file():
        log(f"creating virtual environment {VENV}")
        if run([sys.executable, "-m", "venv", VENV]) != 0 or not py.is_file():
            sys.exit("error: could not create the virtual environment "
                     "(on Debian/Ubuntu: apt-get install python3-venv)")
        STAMP.unlink(missing_ok=True)
    have = installed_extras()
    need = set().union(*(IMPLIES[e] for e in extras))
    if need <= have:
        return py
    log(f"installing tinypytorch[{','.join(extras)}] into {VENV} (editable)")
    # --no-compile: Python compiles a module when it is first imported, so only what runs is compiled
    # (compiling every installed file up front makes a first install about a quarter slower).
    rc = run([py, "-m", "pip", "install", "--disable-pip-version-check", "--no-compile",
              "-e", f".[{','.join(extras)}]"])
    if rc != 0:
        sys.exit(f"error: pip install failed (exit code {rc})")
    STAMP.write_text(json.dumps({"hash": project_hash(), "extras": sorted(have | need)}))
    return py


def tool_env() -> dict[str, str]:
    """Environment for tools run in the venv; their caches stay inside ``.venv``."""
    env = dict(os.environ)
    bindir = venv_python().parent
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = str(bindir) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    var = VENV / "var"
    for key, sub in [("MPLCONFIGDIR", "matplotlib"), ("IPYTHONDIR", "ipython"),
                     ("JUPYTER_CONFIG_DIR", "jupyter/config"),
                     ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"),
                     ("SE_CACHE_PATH", "selenium")]:
        if key not in env:
            (var / sub).mkdir(parents=True, exist_ok=True)
            env[key] = str(var / sub)
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    env.setdefault("PYTHONUTF8", "1")
    env.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner
    return env


def serve_env() -> dict[str, str]:
    """The tools' environment, with Python's bytecode cache kept in ``.venv``: the server watches
    ``tinypytorch/`` and ``scripts/``, and a module compiled while the site builds is no edit to build
    the site again for."""
    env = tool_env()
    env.setdefault("PYTHONPYCACHEPREFIX", str(VENV / "var" / "pycache"))
    return env


def port_in_use(host: str, port: int) -> bool:
    """True if a server already listens on host:port (bound as MkDocs' server binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 1 and 65535, not {port}")
    return port


def cmd_serve(args: argparse.Namespace) -> int:
    # Checked first: MkDocs binds the port only after a full build, and then fails with a traceback.
    if port_in_use("127.0.0.1", args.port):
        other = args.port + 1 if args.port < 65535 else 8001
        log(f"error: port {args.port} on 127.0.0.1 is already in use (another `serve`?); stop that "
            f"server, or serve on another port: python3 scripts/run.py serve --port {other}")
        return 1
    py = ensure_venv(EXTRAS["serve"])
    env = serve_env()
    addr = f"127.0.0.1:{args.port}"
    log(f"serving the site on http://{addr}/ (Ctrl+C stops)")
    try:
        return run([py, "-m", "mkdocs", "serve", "--dev-addr", addr], env=env)
    except KeyboardInterrupt:
        return 0


def cmd_test(args: argparse.Namespace) -> int:
    py = ensure_venv(EXTRAS["test"])
    log("running pytest")
    rc = run([py, "-m", "pytest", *args.pytest_args], env=tool_env())
    if rc == 5:
        log("error: pytest collected no tests; that is a failure")
        return 1
    return rc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the site locally (mkdocs serve)")
    serve.add_argument("--port", type=port_number, default=8000,
                       help="the port on 127.0.0.1 to serve on (default: 8000)")
    serve.set_defaults(func=cmd_serve)
    test = sub.add_parser("test", help="run the whole test suite")
    test.set_defaults(func=cmd_test)
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.pytest_args = rest  # everything after `test` that run.py does not know goes to pytest
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
