"""What the site's hooks share: the repository root, the cache folder, the build tools' file
helpers (``scripts/_files.py``: the one atomic writer, digests of files, versions of packages), and
what kind of build is running (``SERVE``).

MkDocs puts ``hooks/`` on ``sys.path`` while it loads a hook, so a hook imports this as ``_shared``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"  # git-ignored
if str(ROOT) not in sys.path:  # for `scripts`, the build tools' package
    sys.path.insert(0, str(ROOT))

from scripts._files import digest, files_under, versions, write_atomic  # noqa: E402

__all__ = ["ROOT", "CACHE", "SERVE", "digest", "files_under", "versions", "write_atomic", "i18n_is_building"]


@dataclass
class ServeState:
    serving: bool = False      # the builds are those of `mkdocs serve`
    quick_start: bool = False  # this is serve's first build, of the home page only (hooks/serve_start.py)


SERVE = ServeState()


def i18n_is_building(config) -> bool:
    """True inside the builds of the other languages that the i18n plugin runs within the first one."""
    i18n = config.plugins.get("i18n")
    return i18n is not None and bool(i18n.building)
