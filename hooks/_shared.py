"""What the site's hooks share: the repository root, the cache folder, and the build tools' file
helpers (``scripts/_files.py``: the one atomic writer, digests of files, versions of packages).

MkDocs puts ``hooks/`` on ``sys.path`` while it loads a hook, so a hook imports this as ``_shared``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"  # git-ignored
if str(ROOT) not in sys.path:  # for `scripts`, the build tools' package
    sys.path.insert(0, str(ROOT))

from scripts._files import digest, files_under, versions, write_atomic  # noqa: E402

__all__ = ["ROOT", "CACHE", "digest", "files_under", "versions", "write_atomic", "i18n_is_building"]


def i18n_is_building(config) -> bool:
    """True inside the builds of the other languages that the i18n plugin runs within the first one."""
    i18n = config.plugins.get("i18n")
    return i18n is not None and bool(i18n.building)
