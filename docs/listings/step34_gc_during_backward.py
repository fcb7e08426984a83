"""Step 34: what Python's cyclic garbage collector does while backward runs, and what it costs."""
# --8<-- [start:count]
import gc
import time

import numpy as np

import tinypytorch.functions as F
from tinypytorch import Variable


def eighth_derivative_of_tanh():
    """Step 32's loop: eight backward passes, each recording a larger graph."""
    x = Variable(np.array(1.0))
    F.tanh(x).backward(create_graph=True)
    for _ in range(7):
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)
    return x.grad


runs = []   # one entry per collection: [objects it examined, objects it freed]


def watch(phase, info):
    if phase == "start":   # a collection examines its generation and the younger ones
        examined = sum(len(gc.get_objects(g)) for g in range(info["generation"] + 1))
        runs.append([examined, 0])
    else:
        runs[-1][1] = info["collected"]


gc.collect()
gc.callbacks.append(watch)
eighth_derivative_of_tanh()
gc.callbacks.remove(watch)
print(f"collections while it ran: {len(runs)}")
print(f"objects they examined:    {sum(e for e, _ in runs)}")
print(f"objects they freed:       {sum(f for _, f in runs)}")
# --8<-- [end:count]

# --8<-- [start:cost]
def cpu_seconds(collector_on):
    gc.collect()
    if not collector_on:
        gc.disable()
    start = time.process_time()
    eighth_derivative_of_tanh()
    seconds = time.process_time() - start
    gc.enable()
    return seconds


times = {True: [], False: []}
for _ in range(9):                  # alternate, so that both share the machine's ups and downs
    for collector_on in (True, False):
        times[collector_on].append(cpu_seconds(collector_on))
on, off = (sorted(times[c])[4] for c in (True, False))   # the medians
print(f"CPU time, collector running:      {on * 1000:.1f} ms")
print(f"CPU time, collector switched off: {off * 1000:.1f} ms")
print(f"ratio: {on / off:.2f}")
# --8<-- [end:cost]
