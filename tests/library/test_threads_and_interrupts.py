"""The switches stay right with several threads and under Ctrl-C (issue 9, items 1 and 3).

`Config` is per thread, as PyTorch's grad mode: a `no_grad()` block in one thread must not stop another
thread from recording, and overlapping blocks must not leave recording off. Backward pauses the cyclic
garbage collector without ever switching it on for another thread. Whatever interrupts a pass or a
`with` block (a KeyboardInterrupt at any point where Python can raise one), every switch is afterwards
as it was before.

The threads meet at events, never at sleeps, and every wait has a bound, so the tests neither flake nor
hang.
"""

import gc
import random
import signal
import sys
import threading
import time

import numpy as np
import pytest

import tinypytorch.functions as F
from tinypytorch import Config, Function, Variable, no_grad, using_config

WAIT = 30  # seconds: only reached if the library deadlocks, which is then a failure, not a hang


def switches():
    """Everything a pass or a block may touch: this thread's switches and the collector's state."""
    return Config.enable_backprop, Config.recording_backward, gc.isenabled(), gc.get_threshold()


@pytest.fixture
def restored():
    """The switches as they were before the test, checked and put back after it."""
    before = switches()
    yield before
    after = switches()
    Config.enable_backprop, Config.recording_backward = before[0], before[1]
    gc.enable() if before[2] else gc.disable()
    gc.set_threshold(*before[3])
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


# --- 1. Config is per thread --------------------------------------------------------------------------------

def test_no_grad_in_one_thread_does_not_stop_another_from_recording(restored):
    inside, leave = threading.Event(), threading.Event()

    def other():
        with no_grad():
            inside.set()
            assert leave.wait(WAIT)

    thread, errors = in_thread(other)
    try:
        assert inside.wait(WAIT)
        x = Variable(np.array(3.0))
        y = x * x
        y.backward()
        assert Config.enable_backprop is True
        assert y.creator is not None and x.grad.data == 6.0
    finally:
        leave.set()
        thread.join(WAIT)
    assert errors == []


def test_overlapping_no_grad_blocks_in_two_threads_leave_recording_on(restored):
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def a():
        with no_grad():
            a_in.set()
            assert b_in.wait(WAIT)
        a_out.set()
        seen["a"] = Config.enable_backprop

    def b():
        assert a_in.wait(WAIT)
        with no_grad():  # entered while a's block runs, left after a's ended
            b_in.set()
            assert a_out.wait(WAIT)
        seen["b"] = Config.enable_backprop

    threads = [in_thread(a), in_thread(b)]
    for thread, _ in threads:
        thread.join(WAIT)
    assert [e for _, errors in threads for e in errors] == []
    assert seen == {"a": True, "b": True} and Config.enable_backprop is True
    x = Variable(np.array(2.0))
    (x * x).backward()
    assert x.grad.data == 4.0


def test_a_new_thread_records_even_while_the_main_thread_is_in_no_grad(restored):
    found = {}

    def other():
        x = Variable(np.array(2.0))
        y = x ** 3
        y.backward()
        found["enable_backprop"], found["grad"] = Config.enable_backprop, float(x.grad.data)

    with no_grad():
        thread, errors = in_thread(other)
        thread.join(WAIT)
        assert Config.enable_backprop is False
    assert errors == [] and found == {"enable_backprop": True, "grad": 12.0}


def test_config_set_the_books_way_is_the_calling_threads(restored):
    def other():
        Config.enable_backprop = False  # as the book writes it, in another thread
        y = Variable(np.array(1.0)) * 2
        assert y.creator is None

    thread, errors = in_thread(other)
    thread.join(WAIT)
    assert errors == [] and Config.enable_backprop is True
    assert (Variable(np.array(1.0)) * 2).creator is not None


# --- 3. the collector: a pass in one thread never switches it on for another -------------------------------

def test_backward_in_one_thread_leaves_a_collector_another_thread_switched_off(restored):
    inside, go = threading.Event(), threading.Event()
    x = Variable(np.array(1.0))
    y = Gate(inside, go)(x) * 2
    thread, errors = in_thread(y.backward)  # the pass starts with the collector on
    try:
        assert inside.wait(WAIT)
        gc.disable()  # this thread switches it off while the pass runs
        go.set()
        thread.join(WAIT)
        assert errors == [] and x.grad.data == 2.0
        assert not gc.isenabled()
    finally:
        go.set()
        gc.enable()


def test_two_overlapping_passes_in_two_threads_restore_the_collector(restored):
    gates = {name: (threading.Event(), threading.Event()) for name in "ab"}
    xs = {name: Variable(np.array(1.0)) for name in "ab"}
    ys = {name: Gate(*gates[name])(xs[name]) * 3 for name in "ab"}
    a, a_errors = in_thread(ys["a"].backward)
    try:
        assert gates["a"][0].wait(WAIT)
        b, b_errors = in_thread(ys["b"].backward)  # starts while a's pass runs
        assert gates["b"][0].wait(WAIT)
        gates["a"][1].set()  # a ends first, while b's pass still runs
        a.join(WAIT)
    finally:
        for _, go in gates.values():
            go.set()
    b.join(WAIT)
    assert a_errors == b_errors == []
    assert xs["a"].grad.data == xs["b"].grad.data == 3.0
    # `restored` checks that the collector is on with its thresholds as before


# --- 3. interrupts ------------------------------------------------------------------------------------------

def workload():
    """What a notebook cell does: create_graph backward twice, then with blocks and a decorated function."""
    x = Variable(np.array(0.5))
    F.tanh(x).backward(create_graph=True)
    gx = x.grad
    x.cleargrad()
    gx.backward(create_graph=True)
    with no_grad():
        x * 2
    with using_config("recording_backward", True):
        x * 3
    no_grad()(lambda v: v * 4)(x)
    return x


def interrupted_at(k):
    """Run `workload` raising KeyboardInterrupt at its k-th point where CPython checks for a signal.

    Python runs a signal handler (and so raises Ctrl-C's KeyboardInterrupt) when a Python function starts
    and right after a call of a C function returns: the profiler's "call" and "c_return" events. Returns
    whether the interrupt was raised, and how many such points the run passed.
    """
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_return"):
            count += 1
            if count == k:
                raise KeyboardInterrupt  # the profiler is switched off by the exception: one interrupt per run

    sys.setprofile(profile)
    try:
        workload()
    except KeyboardInterrupt:
        return True, count
    finally:
        sys.setprofile(None)
    return False, count


# an interrupt at the start of a `__del__` (the fallback of `using_config`) is reported, not raised
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_interrupt_at_any_point_leaves_every_switch_as_it_was(restored):
    _, points = interrupted_at(0)  # 0: never; counts the points of a whole run
    assert points > 200
    stuck, interrupted = [], 0
    for k in range(1, points + 1):
        hit, _ = interrupted_at(k)
        interrupted += hit
        if switches() != restored:
            stuck.append((k, switches()))
            Config.enable_backprop, Config.recording_backward = restored[0], restored[1]
            gc.enable()
            gc.set_threshold(*restored[3])
    assert stuck == []
    # a few points are inside a finalizer (`__del__`), where Python reports an exception instead of raising it
    assert interrupted > 0.9 * points


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="signal.setitimer is POSIX-only")
# a signal landing in a finalizer or a gc callback (hypothesis installs one) is reported there, not raised
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_timer_interrupts_during_create_graph_backward(restored):
    """The issue's experiment: Ctrl-C (a SIGALRM raising KeyboardInterrupt) at random moments."""
    armed = [False]

    def on_alarm(signum, frame):
        if armed[0]:
            raise KeyboardInterrupt

    def run():
        x = Variable(np.array(1.0))
        F.tanh(x).backward(create_graph=True)
        for _ in range(4):  # up to the fifth derivative: a few hundred nodes
            gx = x.grad
            x.cleargrad()
            with using_config("enable_backprop", True):
                gx.backward(create_graph=True)
        with no_grad():
            x * 2

    start = time.perf_counter()
    run()
    duration = time.perf_counter() - start
    rng = random.Random(9)
    previous = signal.signal(signal.SIGALRM, on_alarm)
    interrupted = 0
    try:
        for _ in range(150):
            armed[0] = True
            try:
                signal.setitimer(signal.ITIMER_REAL, max(1e-6, rng.uniform(0, 1.2 * duration)))
                run()
            except KeyboardInterrupt:
                interrupted += 1
            finally:
                armed[0] = False  # first: a signal arriving from here on is ignored
                signal.setitimer(signal.ITIMER_REAL, 0)
            assert switches() == restored
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert interrupted > 0
