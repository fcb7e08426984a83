"""PyTorch twin of docs/listings/step27_gradient_descent.py:
descent on x^4 - 2x^2 from x = 2."""
import torch


def f(x):
    return x ** 4 - 2 * x ** 2


x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
lr = 0.01
iterates = [x.item()]
while abs(iterates[-1] - 1) >= 1e-6:     # Newton's test: |x - 1| < 1e-6
    y = f(x)
    x.grad = None
    y.backward()
    with torch.no_grad():
        x -= lr * x.grad
    iterates.append(x.item())

for i in (1, 2, 3, 10, 50, 100, len(iterates) - 1):
    x_i = iterates[i]
    print(f"x{i:<3d} = {x_i:.10f}   |x - 1| = {abs(x_i - 1):.2e}")
print(f"steps until |x - 1| < 1e-6: {len(iterates) - 1}")
e = [abs(x - 1) for x in iterates]
print(f"last ratio e{len(e) - 1} / e{len(e) - 2} = {e[-1] / e[-2]:.4f}")
