"""PyTorch twin of docs/listings/step29_create_graph.py: f'(2) and f''(2) of x^4 - 2x^2."""
import torch

# The book's way: backward(create_graph=True), then backward on the gradient
x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
y = x ** 4 - 2 * x ** 2
y.backward(create_graph=True)     # warns: x and x.grad now form a cycle
gx = x.grad                       # f'(x) = 4x^3 - 4x, as a graph
print("f'(2)              =", gx.item())
x.grad = None                     # cleargrad()
gx.backward()
print("f''(2)             =", x.grad.item())
x.grad = None                     # what the warning asks: break the cycle

# The idiomatic way: autograd.grad returns gradients and stores none,
# so there is nothing to clear and no cycle
x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
y = x ** 4 - 2 * x ** 2
gx, = torch.autograd.grad(y, x, create_graph=True)
print("f'(2)              =", gx.item())
ggx, = torch.autograd.grad(gx, x)
print("f''(2)             =", ggx.item())
print("pytorch: x.grad after autograd.grad:", x.grad)
