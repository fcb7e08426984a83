"""PyTorch twin of docs/listings/step26_gradient_descent.py:
1,000 steps on Rosenbrock, lr = 0.001."""
import torch


def rosenbrock(x0, x1):
    y = 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2
    return y


x0 = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
x1 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
lr = 0.001
iters = 1000

for i in range(iters):
    y = rosenbrock(x0, x1)

    x0.grad = None                 # cleargrad(); PyTorch also adds into .grad
    x1.grad = None
    y.backward()

    with torch.no_grad():          # an update is not part of the graph
        x0 -= lr * x0.grad
        x1 -= lr * x1.grad

    if i % 100 == 0 or i == iters - 1:
        print(f"iter {i:3d}: x0 = {x0.item():.6f}, x1 = {x1.item():.6f}")

# The usual PyTorch loop: an optimizer owns the update and zero_grad()
x = torch.tensor([0.0, 2.0], dtype=torch.float64, requires_grad=True)
optimizer = torch.optim.SGD([x], lr=lr)
for i in range(iters):
    optimizer.zero_grad()          # sets every parameter's .grad to None
    rosenbrock(x[0], x[1]).backward()
    optimizer.step()               # x -= lr * x.grad, under no_grad
print(f"iter {iters - 1:3d}: x0 = {x[0].item():.6f}, x1 = {x[1].item():.6f}")
