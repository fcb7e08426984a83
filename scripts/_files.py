"""Files for the build tools (the scripts and the MkDocs hooks): writing one whole or not at all, and a
digest of what a build reads, so a build whose inputs did not change can be skipped.

The package keeps its own writer (``tinypytorch.render``), so it depends on nothing here.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_atomic(path, data: bytes | str, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, then a rename over ``path``.

    A reader of the file (a browser, ``mkdocs serve``, the next build) sees the old bytes or the new
    ones, never half of them, and a failure leaves no temporary file behind. The new file gets the
    usual permissions (0666 less the umask), as ``open(path, "w")`` would give it.
    """
    path = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def files_under(*folders, pattern: str = "*", root: Path = ROOT) -> list[Path]:
    """The files below ``root/folder`` for each folder, sorted, Python caches left out."""
    return [p for folder in folders for p in sorted((Path(root) / folder).rglob(pattern))
            if p.is_file() and "__pycache__" not in p.parts]


def digest(paths, *extra: str, root: Path = ROOT) -> str:
    """SHA-256 over the given files (path relative to ``root``, and bytes, in the given order) and
    strings. A file named twice counts once."""
    h = hashlib.sha256()
    for path in dict.fromkeys(Path(p) for p in paths):
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        h.update(f"{name}\0".encode())
        h.update(path.read_bytes())
    for text in extra:
        h.update(f"\0{text}".encode())
    return h.hexdigest()


def versions(*dists: str) -> list[str]:
    """``name=version`` of each installed distribution (``name absent`` when it is not installed)."""
    found = []
    for dist in dists:
        try:
            found.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{dist} absent")
    return found
