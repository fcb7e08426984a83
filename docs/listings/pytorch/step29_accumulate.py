"""PyTorch twin of docs/listings/step29_accumulate.py:
backward adds into x.grad; retain_graph."""
import torch

x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
y = x ** 4 - 2 * x ** 2

y.backward(retain_graph=True)     # keep the graph for a second backward
print("after one backward :", x.grad.item())
y.backward(retain_graph=True)
print("after two backwards:", x.grad.item())
x.grad.zero_()                    # cleargrad() (x.grad = None reads None)
print("after cleargrad    :", x.grad.item())
y.backward()                      # the last one may free the graph
print("after one more     :", x.grad.item())
try:
    y.backward()
except RuntimeError as err:
    print("pytorch: a backward after the graph was freed raises RuntimeError:",
          str(err).split(".")[0])
