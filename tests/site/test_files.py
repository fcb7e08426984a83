"""The one atomic writer of the scripts and hooks (scripts/_files.py)."""

from __future__ import annotations

import os

import pytest

from scripts import _files


def test_a_file_is_written_whole_with_the_usual_permissions(tmp_path):
    path = tmp_path / "out.json"
    _files.write_atomic(path, "{\"é\": 1}\n")
    assert path.read_bytes() == "{\"é\": 1}\n".encode()
    _files.write_atomic(path, b"\x00bytes")
    assert path.read_bytes() == b"\x00bytes" and list(tmp_path.iterdir()) == [path]
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    path = tmp_path / "out.json"
    path.write_text("old")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(_files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _files.write_atomic(path, "new")
    assert path.read_text() == "old" and list(tmp_path.iterdir()) == [path]
    with pytest.raises(UnicodeEncodeError):  # text that cannot be encoded: nothing is written
        _files.write_atomic(path, "\ud800")
    assert path.read_text() == "old" and list(tmp_path.iterdir()) == [path]
