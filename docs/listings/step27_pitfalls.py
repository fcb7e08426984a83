"""Step 27, pitfalls: Newton's method looks for f'(x) = 0, nothing more."""


def df(x):       # f'(x) of f(x) = x^4 - 2x^2, by hand
    return 4 * x ** 3 - 4 * x


def d2f(x):      # f''(x), by hand
    return 12 * x ** 2 - 4


def newton(x, steps):
    xs = [x]
    for _ in range(steps):
        x = x - df(x) / d2f(x)
        xs.append(x)
    return xs


for start in (0.5, 0.6):
    xs = newton(start, 30)
    print(f"from x0 = {start}: f''(x0) = {d2f(start):+.2f}, "
          f"x1 = {xs[1]:.4f}, x2 = {xs[2]:.4f}, x30 = {xs[-1]:.6f}")
