"""Step 27: Newton's method on f(x) = x^4 - 2x^2 from x = 2, by hand."""


def f(x):
    return x ** 4 - 2 * x ** 2


def df(x):       # f'(x), by hand
    return 4 * x ** 3 - 4 * x


def d2f(x):      # f''(x), by hand
    return 12 * x ** 2 - 4


# --8<-- [start:newton]
x = 2.0
iterates = [x]
for i in range(7):
    x = x - df(x) / d2f(x)
    iterates.append(x)

for i, x in enumerate(iterates):
    print(f"x{i} = {x:.16f}   |x - 1| = {abs(x - 1):.2e}")
# --8<-- [end:newton]

# --8<-- [start:quadratic]
e = [abs(x - 1) for x in iterates]
for k in (2, 3, 4, 5):
    print(f"e{k + 1} / e{k}^2 = {e[k + 1] / e[k] ** 2:.4f}")
# --8<-- [end:quadratic]
