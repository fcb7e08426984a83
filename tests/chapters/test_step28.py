"""Step 28 — Taylor series: the listings run, and every number the chapter states is what they print.

Expected values come from the book (Deep Learning from Scratch 3, my_sin at threshold 1e-4), from the
polynomial written out by hand and evaluated in plain Python floats, or from numpy/math: never from the
code under test.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest

from helpers import run_listing, states

pytestmark = pytest.mark.step28
STEP = 28

X = math.pi / 4


def value_after(label: str, out: str) -> float:
    m = re.search(re.escape(label) + r"\s*=?\s*(-?[0-9.]+(?:e[-+]?\d+)?)", out)
    assert m, f"{label!r} not in output:\n{out}"
    return float(m.group(1))


def p4(x):
    """The four-term Maclaurin polynomial of sin, written out by hand."""
    return x - x ** 3 / 6 + x ** 5 / 120 - x ** 7 / 5040


def dp4(x):
    return 1 - x ** 2 / 2 + x ** 4 / 24 - x ** 6 / 720


def test_f_sin_value_and_gradient(page):
    out = run_listing("step28_sin.py")
    assert value_after("F.sin(pi/4)", out) == float(np.sin(X))
    assert value_after("dy/dx = x.grad", out) == float(np.cos(X))
    assert "0.7071067811865475" in out and "0.7071067811865476" in out
    assert "y.creator          = Sin" in out
    # the chapter's explanation of the last digit: np.pi / 4 lies below pi / 4 (np.pi is below pi), so the
    # sine there is below sqrt(2)/2 and the cosine above; they round to neighbouring floats
    from decimal import Decimal
    assert Decimal(np.pi) < Decimal("3.14159265358979323846264338327950288")
    assert np.sin(np.pi / 4) < math.sqrt(2) / 2 <= np.cos(np.pi / 4)
    assert np.nextafter(np.sin(np.pi / 4), 1.0) == np.cos(np.pi / 4)
    assert states(page, "0.7071067811865475", "0.7071067811865476")


def test_my_sin_matches_the_book_and_the_hand_polynomial(page):
    out = run_listing("step28_my_sin.py")
    value = value_after("my_sin(pi/4) =", out)
    grad = float(re.findall(r"gradient\s+=\s*([0-9.]+)", out)[0])
    # the book's printed numbers for my_sin(pi/4), threshold 1e-4
    assert value == 0.7071064695751781
    assert grad == 0.7071032148228457
    # the same, from the polynomial typed by hand (4 terms)
    assert value == pytest.approx(p4(X), abs=1e-15)
    assert grad == pytest.approx(dp4(X), abs=1e-15)
    e_value = abs(p4(X) - math.sin(X))
    e_grad = abs(dp4(X) - math.cos(X))
    assert f"error of the value   : {e_value:.2e}" in out and f"{e_value:.2e}" == "3.12e-07"
    assert f"error of the gradient: {e_grad:.2e}" in out and f"{e_grad:.2e}" == "3.57e-06"
    assert e_grad / e_value > 10  # "more than ten times worse"
    for number in ("0.7071064695751781", "0.7071032148228457", r"3.12\times10^{-7}", r"3.57\times10^{-6}"):
        assert number in page


def leading_digits_in_common(a: float, b: float) -> int:
    """How many significant digits two numbers in (0.1, 1) share, read left to right without rounding."""
    da, db = f"{a:.17f}"[2:], f"{b:.17f}"[2:]
    return next(i for i, (p, q) in enumerate(zip(da, db)) if p != q)


def test_the_intro_counts_the_digits_the_two_sines_share(page):
    out = run_listing("step28_my_sin.py")
    value = value_after("my_sin(pi/4) =", out)
    grad = float(re.findall(r"gradient\s+=\s*([0-9.]+)", out)[0])
    words = {5: "five", 6: "six", 7: "seven"}
    n_value = leading_digits_in_common(value, math.sin(X))
    n_grad = leading_digits_in_common(grad, math.cos(X))
    assert (n_value, n_grad) == (6, 5)
    assert states(page, f"the first {words[n_value]} digits of the value", f"first {words[n_grad]} of the gradient")
    assert not states(page, "same value and gradient to six digits")


def taylor_table() -> dict[int, tuple[float, float, float, float]]:
    out = run_listing("step28_taylor_error.py")
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0].isdigit():
            rows[int(parts[0])] = tuple(float(p) for p in parts[1:])
    assert sorted(rows) == list(range(1, 9)), out
    return rows


def test_taylor_table_against_numpy(page):
    rows = taylor_table()
    for n, (e_sin, next_sin, e_cos, next_cos) in rows.items():
        i = np.arange(n)
        partial = np.sum((-1.0) ** i * X ** (2 * i + 1) / np.array([math.factorial(2 * k + 1) for k in i]))
        dpartial = np.sum((-1.0) ** i * X ** (2 * i) / np.array([math.factorial(2 * k) for k in i]))
        assert e_sin == pytest.approx(abs(partial - math.sin(X)), rel=2e-3, abs=1e-16)
        assert e_cos == pytest.approx(abs(dpartial - math.cos(X)), rel=2e-3, abs=1e-15)
        assert next_sin == pytest.approx(X ** (2 * n + 1) / math.factorial(2 * n + 1), rel=1e-3)
        assert next_cos == pytest.approx(X ** (2 * n) / math.factorial(2 * n), rel=1e-3)
    # the row the chapter quotes (n = 4) and the "exact to the last bit" at n = 8
    assert rows[4] == (3.116e-07, 3.134e-07, 3.566e-06, 3.591e-06)
    assert rows[8][0] == 0.0
    for text in (r"3.116\times10^{-7}", r"3.134\times10^{-7}", r"3.566\times10^{-6}", r"3.591\times10^{-6}"):
        assert text in page
    # the value's error is divided by a factor growing "from about 30 to over 300" ...
    ratios = [rows[n][0] / rows[n + 1][0] for n in range(1, 7)]
    assert 25 < ratios[0] < 35 and ratios[-1] > 300
    assert all(b > a for a, b in zip(ratios, ratios[1:]))
    # ... the derivative's "from about 19 to almost 400"
    d_ratios = [rows[n][2] / rows[n + 1][2] for n in range(1, 8)]
    assert 18.5 < d_ratios[0] < 19.5 and 380 < d_ratios[-1] < 400
    assert all(b > a for a, b in zip(d_ratios, d_ratios[1:]))
    # at n = 8 the derivative's error is truncation, not rounding: the tail of the cosine series after 8
    # terms, summed in exact rational arithmetic at the float pi/4, is 9 ulps of cos(pi/4); the printed
    # error is that tail to within one ulp (the rounding of the float sum and of np.cos)
    e_sin8, next_sin8, e_cos8, next_cos8 = rows[8]
    tail = abs(float(sum(Fraction((-1) ** k, math.factorial(2 * k)) * Fraction(X) ** (2 * k)
                         for k in range(8, 20))))
    ulp = np.spacing(math.cos(X))
    assert tail > 8 * ulp and abs(e_cos8 - tail) < ulp
    assert e_cos8 / next_cos8 == pytest.approx(0.997, abs=5e-4)
    assert next_sin8 < np.spacing(math.sin(X)) / 2                       # below half an ulp of 0.707: exact
    for text in ("from about 30 to over 300", "from about 19 to almost 400", r"$4.6\times10^{-17}$",
                 r"($1.1\times10^{-16}$)", r"$9.99\times10^{-16}$", r"$x^{16}/16! = 1.00\times10^{-15}$",
                 "(their ratio is 0.997)"):
        assert text in page.replace("\n", " "), text
    assert f"{np.spacing(math.sin(X)):.1e}" == "1.1e-16" and f"{next_sin8:.1e}" == "4.6e-17"
    assert "only rounding is left" not in page
    # the derivative's omitted term is 9/x ~ 11 times the value's
    assert 9 / X == pytest.approx(11.46, abs=0.01)


def test_threshold_picks_four_terms_and_two_pi_needs_eleven(page):
    # the first term below 1e-4 at pi/4 is the fourth (i = 3)
    first_small = next(i for i in range(100) if X ** (2 * i + 1) / math.factorial(2 * i + 1) < 1e-4)
    assert first_small + 1 == 4
    # at x = 2 pi: the error first grows, terms grow up to x^5/5! ~ 81.6, 11 terms reach 1e-4
    x = 2 * math.pi

    def err(n):
        return abs(sum((-1) ** i * x ** (2 * i + 1) / math.factorial(2 * i + 1) for i in range(n)) - math.sin(x))

    assert err(1) < err(2) < err(3)
    assert next(n for n in range(1, 40) if err(n) < 1e-4) == 11
    terms = [x ** (2 * i + 1) / math.factorial(2 * i + 1) for i in range(10)]
    assert max(terms) == terms[2] and round(terms[2], 1) == 81.6
    assert all((2 * i + 2) * (2 * i + 3) < x ** 2 for i in range(2))
    assert (2 * 2 + 2) * (2 * 2 + 3) > x ** 2
    assert states(page, "81.6", "11 terms")


def graph_numbers(out: str) -> dict[str, tuple[int, ...]]:
    blocks = re.findall(r"threshold (\S+): (\d+) terms\n\s+(\d+) functions: (\{.*\})\n\s+(\d+) variables, "
                        r"(\d+) of them constants\n\s+depth (\d+)", out)
    assert len(blocks) == 2, out
    return {b[0]: (int(b[1]), int(b[2]), int(b[4]), int(b[5]), int(b[6]), b[3]) for b in blocks}


def test_graph_sizes_follow_the_hand_count(page):
    numbers = graph_numbers(run_listing("step28_graph.py"))
    for threshold, key in ((1e-4, "0.0001"), (1e-150, "1e-150")):
        n = 1 + next(i for i in range(200) if X ** (2 * i + 1) / math.factorial(2 * i + 1) < threshold)
        terms, functions, variables, constants, depth, counts = numbers[key]
        assert terms == n
        assert functions == 3 * n                     # Pow, Mul, Add per term
        assert variables == 4 * n + 2                 # x, 4 per term, the starting 0
        assert constants == n + 1                     # the n coefficients and the 0
        assert depth == n + 2                         # Pow, Mul, then the chain of n Adds
        assert counts == str({"Add": n, "Mul": n, "Pow": n})
    assert numbers["0.0001"][:4] == (4, 12, 18, 5)
    assert numbers["1e-150"][:4] == (47, 141, 190, 48)
    for terms, functions, variables, *_ in numbers.values():
        assert states(page, f"{terms} terms", f"{functions} functions", f"{variables} variables"), terms


def test_large_x_loses_to_rounding(page):
    out = run_listing("step28_large_x.py")
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0].replace(".", "").isdigit():
            rows[float(parts[0])] = tuple(float(p) for p in parts[1:])
    assert sorted(rows) == [1.0, 10.0, 20.0, 40.0]
    mine, numpy_sin, largest = rows[40.0]
    assert numpy_sin == pytest.approx(math.sin(40), abs=1e-10)
    assert mine == -1.227523661 and not -1 <= mine <= 1
    exact_largest = max(math.exp((2 * i + 1) * math.log(40) - math.lgamma(2 * i + 2)) for i in range(60))
    assert largest == pytest.approx(exact_largest, rel=1e-3)
    assert np.spacing(largest) == 2.0           # "neighbouring float64 numbers are 2 apart"
    assert r"1.5\times10^{16}" in page and "−1.2275" in page
    assert abs(rows[1.0][0] - math.sin(1.0)) < 1e-10  # near 0 it is fine


def test_abs_of_a_variable_is_refused():
    from tinypytorch import Variable

    with pytest.raises(TypeError):
        abs(Variable(np.array(1.0)))


def test_try_it_answer(page):
    out = run_listing("step28_try_it.py")
    value = value_after("value   :", out)
    grad = value_after("gradient:", out)
    assert value == pytest.approx(math.sin(40.0), abs=1e-12)
    assert grad == pytest.approx(math.cos(40.0), abs=1e-12)
    # "the series is summed at 40 - 12 pi ~ 2.30, where its largest term is below 3"
    reduced = 40 - 12 * math.pi
    assert round(40 / (2 * math.pi)) == 6 and round(reduced, 2) == 2.30
    assert max(reduced ** (2 * i + 1) / math.factorial(2 * i + 1) for i in range(20)) < 3
