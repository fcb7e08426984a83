"""Step 34 — watching backward run: `BackwardTrace`, numbered pictures and `node_ids` (tinypytorch.graph).

The trace is made by `Variable.backward` as it runs. Expected orders and gradients are derived by hand (the
diamond a = x², y = a² + a² at x = 2: each Square(a) sends 2a = 8 to a, a's gradient 16, x's 2x·16 = 64; a stack
that runs the creator of a after one user passes on 2x·8 = 32; Step 29's f = x⁴ − 2x²: the backward rules give
the recorded nodes listed below), or compared with an untraced run of the same code.
"""

from __future__ import annotations

import itertools
import re
import sys
import threading
from collections import Counter

import numpy as np
import pytest

import tinypytorch.functions as F
from helpers import listing_globals, page_text, run_listing
from tinypytorch import Function, Variable, grad
from tinypytorch.core import BackwardObserver, ObserverSwitch
from tinypytorch.graph import get_dot_graph, graph_stats, node_ids
from tinypytorch.trace import BackwardTrace

pytestmark = pytest.mark.step34


def diamond():
    x = Variable(np.array(2.0), name="x")
    a = F.square(x)
    y = F.square(a) + F.square(a)
    return x, a, y


def names(trace):
    return [f"{type(s.function).__name__}(gen {s.generation})" for s in trace.steps]


# --- the order -------------------------------------------------------------------------------------------------

def test_diamond_visits_both_users_of_a_before_its_creator():
    x, a, y = diamond()
    with BackwardTrace() as trace:
        y.backward()
    order = [s.function for s in trace.steps]
    users = [f for f in order if a in f.inputs]
    assert len(users) == 2 and order.index(a.creator) > max(map(order.index, users))
    assert names(trace) == ["Add(gen 2)", "Square(gen 1)", "Square(gen 1)", "Square(gen 0)"]
    by_hand = [("1",), ("1",), ("1",), ("16",)], [("1", "1"), ("8",), ("8",), ("64",)]
    assert [tuple(str(g.data) for g in s.grads_in) for s in trace.steps] == [tuple(f"{float(v)}" for v in t)
                                                                             for t in by_hand[0]]
    assert [tuple(float(g.data) for g in s.grads_out) for s in trace.steps] == [tuple(map(float, t))
                                                                               for t in by_hand[1]]
    assert [s.number for s in trace.steps] == [1, 2, 3, 4] and float(x.grad.data) == 64.0


def test_orders_are_those_the_chapter_prints():
    """The library's passes, both orders, visit the diamond's functions in the order derived by hand, and
    the page's trace listing prints the hand-derived numbers."""
    by_hand = {"generation": ["Add(gen 2)", "Square(gen 1)", "Square(gen 1)", "Square(gen 0)"],
               "stack": ["Add(gen 2)", "Square(gen 1)", "Square(gen 0)", "Square(gen 1)"]}
    for order, expected in by_hand.items():
        _, _, y = diamond()
        with BackwardTrace(order=order) as trace:
            y.backward()
        assert names(trace) == expected, order
    out = run_listing("step34_trace.py")
    assert re.search(r"generation:\n +#1 Add \(gen 2\): received 1, sent 1, 1\n +#2 Square \(gen 1\): received 1, "
                     r"sent 8\n +#3 Square \(gen 1\): received 1, sent 8\n +#4 Square \(gen 0\): received 16, "
                     r"sent 64\n +dy/dx = variable\(64\.0\)", out), out
    assert re.search(r"stack:\n +#1 Add \(gen 2\): received 1, sent 1, 1\n +#2 Square \(gen 1\): received 1, "
                     r"sent 8\n +#3 Square \(gen 0\): received 8, sent 32\n +#4 Square \(gen 1\): received 1, "
                     r"sent 8\n +dy/dx = variable\(32\.0\)", out), out
    assert "$dy/dx = 32$ instead of 64" in page_text(34)
    assert '--8<-- "docs/listings/step34_trace.py"' in page_text(34)


def test_a_plain_stack_reproduces_the_bug_the_chapter_states():
    x, a, y = diamond()
    with BackwardTrace(order="stack") as trace:
        y.backward(retain_grad=True)
    creator_step = next(s for s in trace.steps if s.function is a.creator)
    assert creator_step.number == 3
    assert float(creator_step.grads_in[0].data) == 8.0          # half of dy/da = 16 when the creator ran
    assert float(x.grad.data) == 32.0 and float(a.grad.data) == 16.0  # a completes, too late for x


# --- the gradients ---------------------------------------------------------------------------------------------

def graphs():
    """(inputs, output) of graphs with a shared input, a variable used twice by one function, a broadcast."""
    x, a, y = diamond()
    yield [x], y
    x = Variable(np.array(3.0), name="x")
    yield [x], x * x + F.sin(x) * x
    w = Variable(np.arange(6.0).reshape(2, 3), name="w")
    b = Variable(np.array([1.0, -2.0, 0.5]), name="b")
    yield [w, b], F.tanh(w * b + b) * w
    x = Variable(np.array(0.7), name="x")
    yield [x], x ** 4 - 2 * x ** 2


@pytest.mark.parametrize("create_graph", [False, True])
def test_trace_gradients_are_those_backward_stores(create_graph):
    for inputs, y in graphs():
        with BackwardTrace() as trace:
            y.backward(retain_grad=True, create_graph=create_graph)
        last = {}
        for s in trace.steps:
            for x, total in zip(s.inputs, s.totals):
                if total is not None:
                    last[x] = total
        assert set(inputs) <= set(last)
        for x, total in last.items():
            assert np.array_equal(total.data, x.grad.data), (x, total, x.grad)
        for s in trace.steps:  # what a step received is what the outputs held when it ran: their final grad
            for out, g in zip(s.outputs, s.grads_in):
                assert np.array_equal(g.data, out.grad.data)


def test_tracing_changes_no_result():
    """Gradients, second derivatives and the recorded graphs of a traced run equal an untraced run's."""
    def run(trace):
        results = []
        for inputs, y in graphs():
            with trace() if trace else _nothing():
                y.backward(create_graph=True)
            firsts = [x.grad for x in inputs]
            stats = [graph_stats(g) for g in firsts]
            for x in inputs:
                x.cleargrad()
            with trace() if trace else _nothing():
                F.sin(firsts[0]).backward() if firsts[0].ndim == 0 else (firsts[0] * firsts[0]).backward()
            results.append(([g.data for g in firsts], stats, [x.grad.data for x in inputs]))
        return results

    plain, traced = run(None), run(BackwardTrace)
    for (g1, s1, h1), (g2, s2, h2) in zip(plain, traced):
        assert all(np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(g1 + h1, g2 + h2))
        assert s1 == s2


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_create_graph_steps_list_the_nodes_they_recorded():
    g = listing_globals("step29_create_graph.py")  # (the whole listing: its first pass is what we trace again)
    x = Variable(np.array(2.0))
    y = x ** 4 - 2 * x ** 2
    with BackwardTrace() as trace:
        y.backward(create_graph=True)
    made = [[type(f).__name__ for f in s.created] for s in trace.steps]
    # Sub: -gy; Mul by the constant 2: gy * 2; Pow(4): 4 * x**3 * gy; Pow(2): 2 * x**1 * gy, then x's two parts added
    assert made == [["Neg"], ["Mul"], ["Pow", "Mul", "Mul"], ["Pow", "Mul", "Mul", "Add"]]
    recorded = {f for s in trace.steps for f in s.created}
    in_graph = {n for n in node_ids(x.grad) if isinstance(n, Function)}
    assert recorded == in_graph and all(f.from_backward for f in recorded)
    assert sum(map(len, made)) == graph_stats(g["gx"]).n_functions == 9
    plain = BackwardTrace()
    with plain:
        x.cleargrad()
        y.backward()          # without create_graph nothing is recorded
    assert all(s.created == () for s in plain.steps)


def test_grad_runs_the_same_pass_and_is_traced():
    from tinypytorch import grad

    x, a, y = diamond()
    with BackwardTrace() as trace:
        gx, = grad(y, x, create_graph=True)
    assert names(trace) == ["Add(gen 2)", "Square(gen 1)", "Square(gen 1)", "Square(gen 0)"]
    assert float(gx.data) == float(trace.steps[-1].totals[0].data) == 64.0 and x.grad is None
    assert trace.passes[0].outputs == (y,) and trace.passes[0].create_graph
    assert [type(f).__name__ for f in trace.steps[-1].created] == ["Mul", "Mul"]  # 2 * x * gy


# --- the trace object ------------------------------------------------------------------------------------------

def test_only_passes_in_the_block_and_in_this_thread_are_recorded():
    x, a, y = diamond()
    outer = BackwardTrace()
    y.backward()
    with outer:
        y.backward()
        with BackwardTrace() as inner:       # the innermost trace records
            y.backward()
        worker = threading.Thread(target=y.backward)
        worker.start()
        worker.join()                        # another thread's pass is its own business
        y.backward()
    y.backward()
    assert (len(outer.passes), len(outer.steps), len(inner.passes)) == (2, 8, 1)
    seen = []

    def traced_elsewhere():
        with BackwardTrace() as t:
            F.square(Variable(np.array(1.0))).backward()
        seen.append(t)

    with outer:
        worker = threading.Thread(target=traced_elsewhere)
        worker.start()
        worker.join()
    assert len(outer.passes) == 2 and [names(t) for t in seen] == [["Square(gen 0)"]]


def test_an_error_in_the_block_or_the_pass_leaves_no_trace_switched_on():
    class Broken(Function):
        def forward(self, x):
            return x

        def backward(self, gy):
            raise ZeroDivisionError("boom")

    x = Variable(np.array(1.0))
    y = F.square(Broken()(F.square(x)))
    with pytest.raises(ZeroDivisionError), BackwardTrace() as trace:
        y.backward()
    assert names(trace) == ["Square(gen 2)"]   # the step that ran is kept; the failing one is not a step
    later = BackwardTrace()
    with pytest.raises(ZeroDivisionError):
        with later:
            raise ZeroDivisionError
    F.square(x).backward()
    assert later.steps == [] and len(trace.passes) == 1


def test_bad_use_is_refused_clearly():
    with pytest.raises(ValueError, match="order must be 'generation'.*or 'stack'"):
        BackwardTrace(order="heap")
    trace = BackwardTrace()
    with trace, pytest.raises(RuntimeError, match="already running"):
        with trace:
            pass
    x, a, y = diamond()
    with pytest.raises(TypeError, match="trace must be a BackwardTrace"):
        get_dot_graph(y, trace=[1, 2])
    with BackwardTrace() as two:
        y.backward()
        y.backward()
    with pytest.raises(ValueError, match=r"2 backward passes.*trace=trace.passes\[i\]"):
        get_dot_graph(y, trace=two)
    assert "#4 Square" in get_dot_graph(y, trace=two.passes[1])


def no_trace_is_on():
    """True when a pass in this thread runs unwatched, in the generation order (the diamond's 64)."""
    with BackwardTrace() as probe:  # innermost while it runs; what is left once it is off is what matters
        pass
    x, a, y = diamond()
    y.backward()
    return float(x.grad.data) == 64.0 and probe.passes == []


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_interrupt_at_any_point_of_leaving_a_block_switches_the_trace_off():
    """Ctrl-C as a block is left: injected at every call and C-call point from the block's end on."""
    interrupted = 0
    for k in itertools.count():
        fired = []
        events = itertools.count()

        def interrupt(frame, event, arg, k=k, fired=fired, events=events):
            if event in ("call", "c_call") and next(events) == k:
                sys.setprofile(None)
                fired.append(event)
                raise KeyboardInterrupt

        try:
            try:
                with BackwardTrace(order="stack") as trace:
                    sys.setprofile(interrupt)
            finally:
                sys.setprofile(None)
        except KeyboardInterrupt:
            interrupted += 1
        x, a, y = diamond()
        y.backward()
        assert float(x.grad.data) == 64.0, f"interrupt at point {k}: the stack trace is still on"
        assert trace.passes == [], f"interrupt at point {k}: a later pass was recorded"
        if not fired:
            break
    assert interrupted >= 2  # the block's end has at least the leaving call and the switch inside it


def test_blocks_left_out_of_order_or_from_another_thread_leave_the_others_as_they_were():
    def watch():
        with BackwardTrace(order="stack") as t:   # a notebook helper that yields while watching
            yield t

    g = watch()
    older = next(g)
    newer = BackwardTrace()
    newer.__enter__()
    g.close()                                   # the older block ends first
    x, a, y = diamond()
    y.backward()
    assert float(x.grad.data) == 64.0 and len(newer.passes) == 1 and older.passes == []
    newer.__exit__(None, None, None)
    assert no_trace_is_on()

    outer = BackwardTrace()
    with outer:
        BackwardTrace().__exit__(None, None, None)  # never entered: switches nothing off
        diamond()[2].backward()
    assert len(outer.passes) == 1

    entered = BackwardTrace()
    entered.__enter__()
    worker = threading.Thread(target=entered.__exit__, args=(None, None, None))
    worker.start()
    worker.join()                               # left from another thread: off in the thread that entered it
    assert no_trace_is_on()


def test_copies_made_at_the_end_of_a_pass_belong_to_the_step_whose_gradient_they_copy():
    a, b = Variable(np.array(1.0), name="a"), Variable(np.array(2.0), name="b")
    y = (a + b) * 3
    with BackwardTrace() as trace:
        ga, gb = grad(y, [a, b], create_graph=True)
    add = trace.steps[-1]
    assert type(add.function).__name__ == "Add"
    assert [type(f).__name__ for f in add.created] == ["Copy"]    # b's gradient: a copy of what a got
    assert add.totals[0] is ga and add.totals[1] is gb and ga is not gb
    numbered = labels(get_dot_graph([ga, gb], trace=trace))
    assert sorted(v for v in numbered.values() if "Copy" in v) == ["#2 Copy"]


def test_an_observer_sees_the_pass_through_the_documented_methods_only():
    seen = []

    class Watcher(BackwardObserver):
        def begin(self, seeds, create_graph):
            seen.append(("begin", create_graph))

        def recorded(self, f):
            seen.append(("recorded", type(f).__name__))

        def step(self, f, gys, gxs, grads):
            seen.append(("step", type(f).__name__))

        def end(self, grads):
            seen.append(("end", len(grads)))

    x = Variable(np.array(3.0))
    y = F.square(x)
    switch = ObserverSwitch(Watcher())
    switch.on()
    try:
        y.backward(create_graph=True)
    finally:
        switch.off()
    F.square(x).backward()
    assert seen == [("begin", True), ("recorded", "Mul"), ("recorded", "Mul"), ("step", "Square"), ("end", 1)]


# --- pictures --------------------------------------------------------------------------------------------------

def labels(dot):
    return dict(re.findall(r'^(\d+) \[label="([^"]*)"', dot, re.M))


def test_pictures_are_numbered_in_visiting_order_with_generations():
    x, a, y = diamond()
    plain = get_dot_graph(y)
    with BackwardTrace() as by_generation:
        y.backward()
    x.cleargrad()
    with BackwardTrace(order="stack") as stack:
        y.backward()
    assert get_dot_graph(y) == plain                           # a trace changes no default picture
    ids = node_ids(y)
    for trace, creator_label in ((by_generation, "#4 Square\\ngen 0"), (stack, "#3 Square\\ngen 0")):
        dot = labels(get_dot_graph(y, verbose=False, trace=trace, generations=True))
        assert dot[str(ids[a.creator])] == creator_label
        assert dot[str(ids[y.creator])] == "#1 Add\\ngen 2"
        for s in trace.steps:
            assert dot[str(ids[s.function])].startswith(f"#{s.number} ")
    assert labels(get_dot_graph(y, verbose=False, generations=True))[str(ids[a.creator])] == "Square\\ngen 0"


def test_node_ids_are_the_dot_ids():
    x = Variable(np.array(1.0), name="x")
    y = F.exp(x * 2)
    y.name = "y"
    ids = node_ids(y)
    dot = labels(get_dot_graph(y, verbose=False))
    assert {dot[str(i)] for n, i in ids.items() if isinstance(n, Function)} == {"Exp", "Mul"}
    assert (dot[str(ids[x])], dot[str(ids[y])]) == ("x", "y")
    assert sorted(ids.values()) == list(range(len(dot))) and Counter(map(type, ids)).total() == 6


def test_a_trace_entered_through_an_exit_stack_is_switched_off_by_it():
    import contextlib

    x, a, y = diamond()
    with contextlib.ExitStack() as stack:  # ExitStack calls __exit__ as looked up on the class
        trace = stack.enter_context(BackwardTrace(order="stack"))
        y.backward()
    assert len(trace.passes) == 1 and no_trace_is_on()
