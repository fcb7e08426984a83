"""Helpers for the tests that run passes and blocks in threads or interrupt them (test_config.py,
test_backward.py): the switches a pass or a block could touch, a gate inside a pass, a thread runner.

The threads meet at events, never at sleeps, and every wait has a bound, so the tests neither flake nor
hang. The `restored` fixture checks that a test leaves the switches as it found them; a test module
imports it (a conftest.py here would shadow the `conftest` module that tests/site imports by name).
"""

import gc
import threading

import pytest

from tinypytorch import Config, Function

WAIT = 30  # seconds: only reached if the library deadlocks, which is then a failure, not a hang


def switches():
    """This thread's recording switches and the collector's state: what no pass or block may leave changed."""
    return Config.enable_backprop, Config.recording_backward, gc.isenabled(), gc.get_threshold()


def put_back(before):
    """Set the switches to `before` (a `switches()` value)."""
    Config.enable_backprop, Config.recording_backward = before[0], before[1]
    gc.enable() if before[2] else gc.disable()
    gc.set_threshold(*before[3])


@pytest.fixture
def restored():
    """The switches as they were before the test, checked and put back after it."""
    before = switches()
    yield before
    after = switches()
    put_back(before)
    assert after == before


class Gate(Function):
    """The identity, whose backward waits at a gate: another thread acts while the pass is inside."""

    def __init__(self, inside, go):
        self.inside, self.go = inside, go

    def forward(self, x):
        return x

    def backward(self, gy):
        self.inside.set()
        assert self.go.wait(WAIT)
        return gy


def in_thread(target):
    """Start `target` in a thread; returns the thread and a list that receives its exception, if any."""
    errors = []

    def run():
        try:
            target()
        except BaseException as e:  # noqa: BLE001 (reported to the test thread)
            errors.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors
