"""Fixtures of the library tests."""

import pytest

from switches import put_back, switches


@pytest.fixture
def restored():
    """The switches as they were before the test, checked and put back after it."""
    before = switches()
    yield before
    after = switches()
    put_back(before)
    assert after == before
