"""Step 27, try it: Newton's method from x = 0.3."""


def df(x):       # f'(x) of f(x) = x^4 - 2x^2, by hand
    return 4 * x ** 3 - 4 * x


def d2f(x):      # f''(x), by hand
    return 12 * x ** 2 - 4


x = 0.3
for i in range(1, 6):
    x = x - df(x) / d2f(x)
    print(f"x{i} = {x:.3e}")
print(f"f'(0) = {df(0.0):g}, f''(0) = {d2f(0.0):g}: "
      f"f'' < 0, so x = 0 is a local maximum")
