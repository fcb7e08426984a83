"""Step 26 — gradient descent on Rosenbrock: the listings run, and the chapter's numbers are what they print.

The reference is an independent loop in plain Python floats with the gradient written out by hand,
(-400 x0 (x1 - x0^2) + 2 (x0 - 1), 200 (x1 - x0^2)); the Hessian's eigenvalues come from the closed form
501 ± sqrt(501^2 - 400) and from numpy; a few numbers are the book's own (the 1,000-step point, and its
figure for 10,000 iterations, which is the point after 9,999 updates).
"""

from __future__ import annotations

import math
import re
from functools import partial

import numpy as np
import pytest

from helpers import LISTINGS, ROOT, run_listing as run_any_listing, states

pytestmark = pytest.mark.step26
STEP = 26
run_listing = partial(run_any_listing, timeout=300)  # this chapter's listings run longer


def rosen(x0, x1):
    return 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2


def grad(x0, x1):
    return -400 * x0 * (x1 - x0 ** 2) + 2 * (x0 - 1), 200 * (x1 - x0 ** 2)


def descend(lr, iters, start=(0.0, 2.0)):
    """The reference path: path[n] is the point after n updates."""
    x0, x1 = start
    path = [(x0, x1)]
    for _ in range(iters):
        g0, g1 = grad(x0, x1)
        x0, x1 = x0 - lr * g0, x1 - lr * g1
        path.append((x0, x1))
    return path


@pytest.fixture(scope="module")
def reference() -> list:
    return descend(0.001, 50_000)


HESSIAN_BY_HAND = ((1200 * 1 - 400 * 1 + 2, -400 * 1), (-400 * 1, 200))   # at (1, 1)
LAM_MAX = 501 + math.sqrt(501 ** 2 - 400)
LAM_MIN = 501 - math.sqrt(501 ** 2 - 400)


def test_hessian_eigenvalues_closed_form_and_numpy():
    assert HESSIAN_BY_HAND == ((802, -400), (-400, 200))
    lam = np.linalg.eigvalsh(np.array(HESSIAN_BY_HAND, dtype=float))
    assert lam == pytest.approx([LAM_MIN, LAM_MAX], rel=1e-12)
    assert f"{LAM_MAX:.2f}" == "1001.60" and f"{LAM_MIN:.4f}" == "0.3994"
    assert f"{2 / LAM_MAX:.6f}" == "0.001997"
    assert f"{1 - 0.001 * LAM_MAX:.4f}" == "-0.0016" and f"{0.001 * LAM_MIN:.7f}" == "0.0003994"
    assert round(1 / (0.001 * LAM_MIN), -2) == 2500


def test_gradient_at_the_start(page):
    out = run_listing("step26_rosenbrock_gradient.py")
    assert rosen(0.0, 2.0) == 401 and grad(0.0, 2.0) == (-2.0, 400.0)
    assert "y      = variable(401.0)" in out
    assert "dy/dx0 = variable(-2.0)" in out and "dy/dx1 = variable(400.0)" in out
    assert "type of x0.grad: Variable" in out
    assert "$y = 100 \\cdot 4 + 1 = 401$" in page and states(page, "$y = 401$", "$(-2, 400)$")


def test_thousand_steps(page, reference):
    out = run_listing("step26_gradient_descent.py")
    lines = [line for line in out.splitlines() if line.startswith("iter")]
    assert len(lines) == 11
    for line in lines:
        i, a, b = re.match(r"iter\s+(\d+): x0 = ([0-9.]+), x1 = ([0-9.]+)", line).groups()
        p0, p1 = reference[int(i) + 1]          # iteration i ends after update i + 1
        assert (a, b) == (f"{p0:.6f}", f"{p1:.6f}")
    assert lines[0] == "iter   0: x0 = 0.002000, x1 = 1.600000"
    # the book's printed last line
    assert lines[-1] == "iter 999: x0 = 0.683712, x1 = 0.465953"
    assert "$(0.683712, 0.465953)$" in page and "$(0.002, 1.6)$" in page


@pytest.fixture(scope="module")
def long_out() -> str:
    return run_listing("step26_long_runs.py")


def test_long_runs(long_out, reference, page):
    rows = {int(m[1].replace(",", "")): m for m in
            re.finditer(r"^\s*([0-9,]+)\s+([0-9.]+)\s+([0-9.]+)\s+(\S+)\s+(\S+)$", long_out, re.M)}
    assert sorted(rows) == [1_000, 10_000, 50_000]
    for n, m in rows.items():
        p0, p1 = reference[n]
        assert m[2] == f"{p0:.8f}" and m[3] == f"{p1:.8f}"
        assert m[4] == f"{rosen(p0, p1):.2e}"
        assert m[5] == f"{math.hypot(p0 - 1, p1 - 1):.2e}"
    assert rows[10_000].group(2, 3) == ("0.99449844", "0.98900505")
    assert rows[50_000].group(2, 3) == ("1.00000000", "1.00000000")
    # the book's 10,000-iteration figure is the point after 9,999 updates
    assert "after 9,999 steps: x0 = 0.99449622, x1 = 0.98900063" in long_out
    assert tuple(f"{v:.8f}" for v in reference[9_999]) == ("0.99449622", "0.98900063")
    for fragment in ("$(0.99449844, 0.98900505)$", "$(0.99449622, 0.98900063)$",
                     "$1.23 \\times 10^{-2}$", "$1.41 \\times 10^{-9}$", "$1.14 \\times 10^{-7}$",
                     "$1.15 \\times 10^{-7}$"):
        assert fragment in page, fragment


def test_slow_direction_explains_the_last_40000_steps(reference, long_out):
    d10 = math.hypot(reference[10_000][0] - 1, reference[10_000][1] - 1)
    d50 = math.hypot(reference[50_000][0] - 1, reference[50_000][1] - 1)
    predicted = (1 - 0.001 * LAM_MIN) ** 40_000
    assert f"{d10:.2e}" == "1.23e-02" and f"{d50:.2e}" == "1.41e-09"
    assert f"{d50 / d10:.3g}" == "1.14e-07" and f"{predicted:.3g}" == "1.15e-07"
    assert d50 / d10 == pytest.approx(predicted, rel=0.01)
    assert "distance after 50,000 / after 10,000 steps: 1.14e-07" in long_out
    assert "(1 - lr * lambda_min) ** 40,000:            1.15e-07" in long_out
    assert f"{1 - 0.001 * LAM_MIN:.4f}" == "0.9996"


def test_path_shape_claims(reference):
    def length(points):
        return sum(math.dist(p, q) for p, q in zip(points, points[1:]))

    # "the 9,000 steps from 1,000 to 10,000 cover less ground than the first 1,000"
    assert length(reference[1_000:10_001]) < length(reference[:1_001])
    # the first steps fall into the valley: y below 1 within twenty steps
    assert rosen(*reference[20]) < 1 < rosen(*reference[10])


def listing_section(name: str, section: str) -> str:
    """The text of one ``--8<-- [start:section]`` part of a listing: what the page shows and runs."""
    text = (LISTINGS / name).read_text(encoding="utf-8")
    return text.split(f"# --8<-- [start:{section}]\n", 1)[1].split(f"# --8<-- [end:{section}]", 1)[0]


def test_plotting_functions_draw_what_the_page_says(page, reference):
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.use("Agg")
    g = {}
    exec(listing_section("step26_long_runs.py", "plot"), g)   # the page runs exactly this section
    fig = Figure()
    ax = fig.subplots()
    g["plot_contours"](ax, rosen)
    g["plot_path"](ax, reference[:1_001], color="red")
    contours = ax.collections[0]                                          # matplotlib's ContourSet
    assert np.allclose(contours.levels, 10.0 ** np.linspace(-1, 3.5, 19))  # "from 0.1 to 10^{3.5}", log-spaced
    xs, ys = ax.lines[0].get_data()
    assert list(zip(xs, ys)) == reference[:1_001]
    # the grid of 321 x 321 points over [-2, 2] x [-1, 3], values raised to at least 1e-3
    calls = []
    ax2 = Figure().subplots()
    ax2.contour = lambda X0, X1, Y, **kw: calls.append((X0, X1, Y, kw))
    g["plot_contours"](ax2, rosen)
    X0, X1, Y, kw = calls[0]
    assert X0.shape == X1.shape == (321, 321)
    assert (X0.min(), X0.max(), X1.min(), X1.max()) == (-2.0, 2.0, -1.0, 3.0)
    assert Y.min() == 1e-3 and rosen(1.0, 1.0) == 0 and kw["norm"].__class__.__name__ == "LogNorm"
    assert states(page, "$321 \\times 321$")
    assert states(page, "$0.1$", "$10^{3.5}$") and states(page, "$10^{-3}$")
    for section in ("plot", "draw"):
        assert f'--8<-- "docs/listings/step26_long_runs.py:{section}"' in page


def test_draw_section_writes_a_file(long_out):
    assert "file written: descent.png True" in long_out


def test_figure_modules_draw_with_the_listing_functions():
    """One copy of the plotting code: the figure modules call the listing's functions, never contour()."""
    for step in (26, 33):
        source = (ROOT / "scripts" / "figures" / f"step{step}.py").read_text(encoding="utf-8")
        assert ".contour(" not in source and "meshgrid" not in source, step
        assert "plot_contours" in source and "step26_long_runs.py" in source, step


def test_update_line_in_place_and_rebinding(page):
    out = run_listing("step26_data_update.py")
    flat = " ".join(out.split())
    assert "lr * x0.grad is a Variable variable(-0.002)" in out
    assert "x0.data = array(0.002) | same array: True" in out
    assert "TypeError: Variable data must be a numpy ndarray, got a Variable." in flat
    assert "x.grad.data" in flat
    assert "x1.data is untouched: array(2.)" in out
    assert "x1.data = array(1.6)" in out            # 2 - 0.001 * 400


def test_in_place_operator_on_a_variable(page):
    """`x -= ...` on an input is refused with the lines to write; under no_grad it updates in place."""
    out = run_listing("step26_data_update.py")
    flat = " ".join(out.split())
    assert "TypeError: `x -= ...` on a Variable that no function created" in flat
    assert "x.data -= lr * x.grad.data" in flat and "with no_grad(): x -= ..." in flat
    assert "x is untouched: variable(2.0)" in out
    assert "after the update: variable(1.996) | still an input: True" in out   # 2 - 0.001 * 4
    assert '--8<-- "docs/listings/step26_data_update.py:variable"' in page


def test_forgetting_cleargrad_points_to_step30(page):
    """The pitfall is explained (and its numbers computed) once, in Step 30, section 3; here the loop's own
    explanation links there, and "37 steps, above 13,000" is not said a second time."""
    assert not states(page, "37 steps", "13,000")
    assert "step30.md#cleargrad" in page
    assert "cleargrad" not in page.split("{#pitfalls}", 1)[1].split("{#try-it}", 1)[0]


def test_try_it_lr_0002(page):
    out = run_listing("step26_try_it.py")
    ref = descend(0.002, 20_000)
    for n in (1_000, 5_000, 10_000, 15_000, 20_000):
        p0, p1 = ref[n]
        assert (f"after {n:6,d} steps: x0 = {p0:.6f}, x1 = {p1:.6f}, y = {rosen(p0, p1):.2e}"
                in out)
    ys = {n: rosen(*ref[n]) for n in (10_000, 15_000, 20_000)}
    assert f"{ys[10_000]:.2e}" == "1.02e-08" and f"{ys[15_000]:.2e}" == "2.16e-11"
    assert f"{ys[20_000]:.2e}" == "3.76e-04"
    assert f"{rosen(*reference_point(10_000)):.2e}" == "3.03e-05"   # lr = 0.001, for comparison
    assert "Hessian eigenvalues at (1, 1): 0.3994 and 1001.60" in out
    assert "stable only for lr < 2 / 1001.60 = 0.001997" in out
    assert 0.002 > 2 / LAM_MAX and f"{1 - 0.002 * LAM_MAX:.3f}" == "-1.003"
    answer = page.split('??? success "Answer"', 1)[1]
    assert states(answer, "$2.16 \\times 10^{-11}$", "$3.76 \\times 10^{-4}$", "$3 \\times 10^{-5}$",
                  "$10^{-8}$", "-1.003$")


def reference_point(n):
    return descend(0.001, n)[n]


def momentum_by_hand(lr, beta, tol=1e-6, start=(0.0, 2.0)):
    """Heavy-ball steps in plain floats, with the hand-written gradient, until within tol of (1, 1)."""
    x0, x1 = start
    s0 = s1 = 0.0
    n = 0
    while math.hypot(x0 - 1, x1 - 1) >= tol:
        g0, g1 = grad(x0, x1)
        s0, s1 = beta * s0 - lr * g0, beta * s1 - lr * g1
        x0, x1, n = x0 + s0, x1 + s1, n + 1
    return n


def test_ill_conditioning_numbers(page):
    """The condition number from the closed-form eigenvalues, the step count it predicts from step 10,000,
    and the momentum runs, all recomputed here in plain floats."""
    out = run_listing("step26_long_runs.py")
    kappa = LAM_MAX / LAM_MIN
    assert f"{kappa:.0f}" == "2508" and f"{kappa / 2:.0f}" == "1254"
    assert f"condition number at (1, 1): {LAM_MAX:.2f} / {LAM_MIN:.4f} = {kappa:.0f}" in out
    path = descend(0.001, 34_000)
    d = [math.hypot(p0 - 1, p1 - 1) for p0, p1 in path]
    measured = next(n for n, x in enumerate(d) if x < 1e-6)
    predicted = 10_000 + math.log(1e-6 / d[10_000]) / math.log(1 - 0.001 * LAM_MIN)
    assert measured == 33_559 and abs(predicted - measured) / measured < 1e-3
    assert f"steps to within 1e-6 of (1, 1): predicted {predicted:,.0f}, measured {measured:,}" in out
    runs = {beta: momentum_by_hand(0.001, beta) for beta in (0.9, 0.95)}
    assert runs == {0.9: 3_080, 0.95: 1_469}
    for beta, n in runs.items():
        assert f"momentum {beta}: within 1e-6 of (1, 1) after {n:,} steps" in out
    assert f"{math.sqrt(kappa):.0f}" == "50"
    assert states(page, "$\\kappa \\approx 2508$", "$\\kappa/2 \\approx 1250$", f"{predicted:,.0f} steps",
                  "33,559")
    assert states(page, "$\\sqrt{\\kappa}$", "here 50")
    assert "(step33.md#newton-rosenbrock)" in page and "`torch.optim.LBFGS`" in page
