"""When a graph is recorded: `Config`, `using_config` and `no_grad` (tinypytorch.config).

`no_grad()` records nothing and puts the switch back, also after an error; `no_grad()` and `using_config`
decorate functions too. `Config` is per thread, as PyTorch's grad mode: a `no_grad()` block in one thread
must not stop another thread from recording, and overlapping blocks must not leave recording off. Whatever
interrupts a pass or a `with` block (a KeyboardInterrupt at any point where Python can raise one), every
switch is afterwards as it was before.

The threads meet at events, never at sleeps, and every wait has a bound, so the tests neither flake nor
hang.
"""

import random
import signal
import sys
import threading
import time

import numpy as np
import pytest

import tinypytorch.functions as F
from switches import WAIT, in_thread, put_back, restored, switches  # noqa: F401 (restored: a fixture)
from tinypytorch import Config, Variable, no_grad, using_config


# --- no_grad and using_config -------------------------------------------------------------------------------

def test_no_grad_records_nothing_and_restores_config():
    x = Variable(np.array(2.0))
    with no_grad():
        y = x * 2
        assert Config.enable_backprop is False
    assert y.creator is None and y.generation == 0
    assert Config.enable_backprop is True
    with pytest.raises(KeyError):
        with using_config("enable_backprop", False):
            raise KeyError("boom")
    assert Config.enable_backprop is True
    with pytest.raises(AttributeError, match="no setting 'enable_backpro'"):
        with using_config("enable_backpro", False):
            pass


def test_a_running_block_cannot_be_entered_again():
    block = no_grad()
    with block:
        with pytest.raises(RuntimeError, match="already running; nest a new one"):
            with block:
                pass
        assert Config.enable_backprop is False
    assert Config.enable_backprop is True
    with block:  # used again after it ended: fine
        assert Config.enable_backprop is False
    assert Config.enable_backprop is True


# --- as decorators ------------------------------------------------------------------------------------------

def test_no_grad_decorates_a_function():
    @no_grad()
    def predict(x):
        """Double it."""
        assert Config.enable_backprop is False
        return x * 2

    x = Variable(np.array(1.0))
    y = predict(x)
    assert y.creator is None and y.data == 2.0
    assert predict.__name__ == "predict" and predict.__doc__ == "Double it."
    assert Config.enable_backprop is True and (x * 2).creator is not None


def test_a_decorated_function_may_recurse_and_restores_after_an_error():
    @no_grad()
    def countdown(x, n):
        if n == 0:
            raise ArithmeticError("bottom")
        return countdown(x * 1, n - 1)

    with pytest.raises(ArithmeticError):
        countdown(Variable(np.array(1.0)), 3)
    assert Config.enable_backprop is True


def test_using_config_decorates_too():
    @using_config("recording_backward", True)
    def recorded(x):
        return x * 2

    y = recorded(Variable(np.array(1.0)))
    assert y.creator.from_backward is True and Config.recording_backward is False


def test_a_generator_function_is_refused_as_a_decorator_target():
    with pytest.raises(TypeError, match="decorates plain functions.*use a `with` block inside it"):
        @no_grad()
        def gen(x):
            yield x * 2


# --- Config is per thread -----------------------------------------------------------------------------------

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


# --- interrupts ---------------------------------------------------------------------------------------------

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
            put_back(restored)
    assert stuck == []
    # a few points are inside a finalizer (`__del__`), where Python reports an exception instead of raising it
    assert interrupted > 0.9 * points


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="signal.setitimer is POSIX-only")
# a signal landing in a finalizer or a gc callback (hypothesis installs one) is reported there, not raised
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_timer_interrupts_during_create_graph_backward(restored):
    """Ctrl-C (a SIGALRM raising KeyboardInterrupt) at random moments of create_graph passes."""
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
