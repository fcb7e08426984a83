"""PyTorch beside docs/listings/step34_create_graph_cycle.py:
the create_graph cycle, its warning, its leak."""
import gc
import warnings
import weakref

import torch


def freed(create_graph, clear):
    """Is x freed at `del`? And after gc.collect()?"""
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    y = torch.sin(x)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y.backward(create_graph=create_graph)
    probe = weakref.ref(x)
    if clear:
        x.grad = None              # what the warning recommends
    del x, y
    at_del = probe() is None
    gc.collect()
    return at_del, probe() is None, caught


print("create_graph  clear grad  freed at del   after gc.collect()")
for create_graph, clear in ((False, False), (True, False), (True, True)):
    at_del, after_gc, caught = freed(create_graph, clear)
    print(f"{create_graph!s:<12}  {clear!s:<10}  {at_del!s:<13}"
          f"  {after_gc}")
    for w in caught:
        print("warning:", str(w.message).split(" (Triggered")[0])
