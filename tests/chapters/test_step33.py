"""Step 33 — double backprop. The listings run, and the chapter's numbers are what they print.

Expected values are derived by hand: z = 8x^3 + x^2 so dz/dx = 24x^2 + 2x; the gradient penalty's
gradient from grad f + 2 lam H grad f with grad f and H written out by hand; graph sizes counted by hand;
the WGAN-GP loss from its closed form (grad_x tanh(w.x) = (1 - tanh^2) w) and central differences of it;
Newton on Rosenbrock from the closed-form gradient and Hessian with numpy, and gradient descent in plain
floats.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from helpers import LISTINGS, listing_globals, page_text, registered_figures, run_listing, states

pytestmark = pytest.mark.step33
STEP = 33


def test_dz_dx_is_100():
    x = 2.0
    assert 24 * x ** 2 + 2 * x == 100            # z = 8x^3 + x^2
    assert 3 * (2 * x) ** 2 * 2 + 2 * x == 100   # the chain rule: 3 g^2 dg/dx + dy/dx
    out = run_listing("step33_double_backprop.py")
    assert "dy/dx = variable(4.0)" in out
    assert "dz/dx = variable(100.0)" in out


def test_graph_of_z_has_six_functions_three_recorded_by_backward():
    # by hand: forward Pow (x^2), Pow (gx^3), Add; recorded by y.backward(): Pow (x^1), Mul by 2, Mul by the seed
    out = run_listing("step33_double_backprop.py")
    assert "graph of z: 6 functions, 3 of them recorded by y.backward()" in out
    assert states(page_text(STEP), "6 functions", "3", "`y.backward()`")
    g = listing_globals("step33_double_backprop.py")
    from tinypytorch.graph import get_dot_graph
    dot = get_dot_graph(g["z"], verbose=False)
    boxes = re.findall(r'\[label="(\w+)", [^\]]*shape=box\]', dot)
    assert sorted(boxes) == ["Add", "Mul", "Mul", "Pow", "Pow", "Pow"]
    assert sum("dashed" in line and "shape=box" in line for line in dot.splitlines()) == 3


def test_gradient_penalty_matches_the_hand_formula_and_passes_gradient_check():
    out = run_listing("step33_gradient_penalty.py")
    a, b, lam = 1.5, -0.5, 0.1
    f = a ** 2 * b + math.sin(b)
    g = np.array([2 * a * b, a ** 2 + math.cos(b)])
    H = np.array([[2 * b, 2 * a], [2 * a, -math.sin(b)]])
    L = f + lam * g @ g
    grad_L = g + 2 * lam * H @ g
    assert f"L          = {L:.6f}" in out
    assert f"dL/da      = {grad_L[0]:.6f}" in out
    assert f"dL/db      = {grad_L[1]:.6f}" in out
    assert "gradient_check(order=2): True" in out


def test_hessian_vector_product_is_the_first_column_of_H():
    out = run_listing("step33_hvp.py")
    a, b = 1.5, -0.5
    assert (2 * b, 2 * a) == (-1.0, 3.0)
    assert "H v = (-1.0, 3.0)" in out
    assert "$(2b, 2a) = (-1, 3)$" in page_text(STEP)


def test_pitfalls_print_4_without_create_graph():
    out = run_listing("step33_pitfalls.py")
    assert "without create_graph: variable(4.0)" in out       # only the path through y: dy/dx = 2x = 4
    # forgetting cleargrad (100 + the stale dy/dx = 4) is computed in Step 30's table, linked from here
    assert "$100 + 4$" in page_text(STEP) and "step30.md#cleargrad" in page_text(STEP)


def test_try_it_is_36():
    assert 36 * 1.0 ** 3 == 36                               # z = 9x^4, dz/dx = 36x^3
    out = run_listing("step33_try_it.py")
    assert out.strip() == "dz/dx = variable(36.0)"
    answer = page_text(STEP).split('??? success "Answer"', 1)[1]
    assert "$36$ at $x = 1$" in answer


# --- 6. the WGAN-GP penalty ------------------------------------------------------------------------------

def wgan_loss_by_hand(w0, w1, real=(1.0, 2.0), fake=(-1.0, 0.5), eps=0.3, lam=10.0):
    """D(fake) - D(real) + lam (|grad_x D(x_hat)| - 1)^2 for D(x) = tanh(w . x): grad_x D = (1 - t^2) w."""
    x_hat = [eps * r + (1 - eps) * f for r, f in zip(real, fake)]
    t = math.tanh(w0 * x_hat[0] + w1 * x_hat[1])
    norm = (1 - t * t) * math.hypot(w0, w1)
    return (math.tanh(w0 * fake[0] + w1 * fake[1]) - math.tanh(w0 * real[0] + w1 * real[1])
            + lam * (norm - 1) ** 2)


def test_wgan_gp_loss_and_its_parameter_gradient():
    out = run_listing("step33_wgan_gp.py")
    w0, w1, h = 0.5, -0.3, 1e-6
    L = wgan_loss_by_hand(w0, w1)
    d0 = (wgan_loss_by_hand(w0 + h, w1) - wgan_loss_by_hand(w0 - h, w1)) / (2 * h)
    d1 = (wgan_loss_by_hand(w0, w1 + h) - wgan_loss_by_hand(w0, w1 - h)) / (2 * h)
    assert f"L     = {L:.6f}" in out
    got = re.search(r"dL/dw = \((-?[0-9.]+), (-?[0-9.]+)\)", out)
    assert (float(got[1]), float(got[2])) == (pytest.approx(d0, abs=2e-6), pytest.approx(d1, abs=2e-6))
    assert "gradient_check(order=2): True" in out
    # the gradient is taken w.r.t. the input x_hat: dropping the penalty's dependence on w changes dL/dw
    assert abs(d0 - (wgan_loss_by_hand(w0 + h, w1, lam=0) - wgan_loss_by_hand(w0 - h, w1, lam=0)) / (2 * h)) > 1


def test_wgan_gp_check_fires_on_a_penalty_without_its_graph():
    """The page's gradient_check catches a loss whose input gradient was taken without create_graph."""
    from tinypytorch.gradcheck import GradientCheckError, gradient_check

    g = listing_globals("step33_wgan_gp.py")
    source = (LISTINGS / "step33_wgan_gp.py").read_text(encoding="utf-8")
    broken = source.replace("d_hat.backward(create_graph=True)", "d_hat.backward()")
    assert broken != source
    namespace = {"__name__": "__broken__"}
    exec(compile(broken.split("# --8<-- [start:check]")[0], "broken", "exec"), namespace)
    with pytest.raises(GradientCheckError):
        gradient_check(namespace["critic_loss"], np.array(0.5), np.array(-0.3))
    assert gradient_check(g["critic_loss"], np.array(0.5), np.array(-0.3))


def test_page_gives_the_wgan_gp_penalty_as_it_is():
    page = page_text(STEP)
    assert "\\nabla_{\\hat x} D_\\theta(\\hat x) \\rVert - 1\\bigr)^2" in page
    assert "\\lambda = 10" in page and "[0, 1]" in page


# --- 8. Newton's method on Rosenbrock --------------------------------------------------------------------

def rosen(p):
    x0, x1 = p
    return 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2


def rosen_grad(p):
    x0, x1 = p
    return np.array([-400 * x0 * (x1 - x0 ** 2) + 2 * (x0 - 1), 200 * (x1 - x0 ** 2)])


def rosen_hessian(p):
    x0, x1 = p
    return np.array([[1200 * x0 ** 2 - 400 * x1 + 2, -400 * x0], [-400 * x0, 200.0]])


@pytest.fixture(scope="module")
def newton_out() -> str:
    return run_listing("step33_newton_rosenbrock.py", timeout=300)


def test_hessian_from_double_backprop_is_the_closed_form(newton_out):
    assert rosen_hessian((0.0, 2.0)).tolist() == [[-798.0, 0.0], [0.0, 200.0]]
    assert rosen_hessian((1.0, 1.0)).tolist() == [[802.0, -400.0], [-400.0, 200.0]]   # Step 26's by hand
    assert newton_out.startswith(
        "at (0.0, 2.0): gradient [-2.0, 400.0]\n"
        "              Hessian  [[-798.0, 0.0], [0.0, 200.0]]\n"
        "at (1.0, 1.0): gradient [0.0, 0.0]\n"
        "              Hessian  [[802.0, -400.0], [-400.0, 200.0]]\n")
    g = listing_globals("step33_newton_rosenbrock.py")
    for point in ((0.3, -0.7), (-1.2, 1.0), (1.5, 2.5)):
        xs, grads = g["gradient"](g["rosenbrock"], point, create_graph=True)
        assert np.allclose([float(v.data) for v in grads], rosen_grad(point), rtol=1e-13)
        assert np.allclose(g["hessian"](xs, grads), rosen_hessian(point), rtol=1e-13)


def newton_by_hand(start, iters):
    path = [np.array(start)]
    for _ in range(iters):
        path.append(path[-1] + np.linalg.solve(rosen_hessian(path[-1]), -rosen_grad(path[-1])))
    return path


def test_newton_path_and_the_steps_to_one_millionth(newton_out):
    ref = newton_by_hand((0.0, 2.0), 6)
    rows = re.findall(r"^\s+(\d)\s+(-?[0-9.]+)\s+(-?[0-9.]+)\s+(\S+)\s+(\S+)$", newton_out, re.M)
    assert [int(r[0]) for r in rows] == list(range(7))
    for (k, a, b, y, d), p in zip(rows, ref):
        assert (a, b) == (f"{p[0]:.8f}", f"{p[1]:.8f}"), k
        assert y == f"{rosen(p):.2e}" and d == f"{math.hypot(p[0] - 1, p[1] - 1):.2e}", k
    g = listing_globals("step33_newton_rosenbrock.py")
    assert np.array_equal(g["newton_path"][6], [1.0, 1.0])                 # "exactly (1, 1) at step 6"
    assert [f"{math.hypot(*(p - 1)):.2e}" for p in ref[3:6]] == ["2.80e-03", "1.57e-06", "6.85e-15"]
    assert f"{rosen(ref[2]) / rosen(ref[1]):.0f}" == "100"                  # "a hundred times"
    # gradient descent, lr = 0.001, in plain floats, until within 1e-6 of (1, 1)
    x0, x1, n = 0.0, 2.0, 0
    while math.hypot(x0 - 1, x1 - 1) >= 1e-6:
        g0, g1 = rosen_grad((x0, x1))
        x0, x1, n = x0 - 0.001 * g0, x1 - 0.001 * g1, n + 1
    newton_steps = next(k for k, p in enumerate(ref) if math.hypot(*(p - 1)) < 1e-6)
    assert (newton_steps, n) == (5, 33_559)
    assert f"within 1e-6 of (1, 1): Newton after {newton_steps} steps, gradient descent after {n:,}" in newton_out
    assert len(g["descent_path"]) == n + 1


def test_page_states_the_newton_numbers():
    page = page_text(STEP)
    y2 = rosen(newton_by_hand((0.0, 2.0), 2)[2])
    assert f"{y2:.1f}" == "100.5"
    assert states(page, "$-0.0025$", "$(0.99874216, -0.00501251)$", f"about {y2:.1f}", "$2.80 \\times 10^{-3}$",
                  "$1.57 \\times 10^{-6}$", "$6.85 \\times 10^{-15}$", "$(1, 1)$", "step 6")
    assert states(page, "\\begin{pmatrix} 802 & -400 \\\\ -400 & 200 \\end{pmatrix}", "$-798$")
    for section in ("hessian", "newton", "descent"):
        assert f'--8<-- "docs/listings/step33_newton_rosenbrock.py:{section}"' in page_text(STEP)
    assert states(page_text(26), "(step33.md#newton-rosenbrock)", "$10^{-6}$", "5 steps", "33,559")
    assert "step33-newton-rosenbrock.svg" in registered_figures(STEP)


# Section 9: forward mode and reverse mode

def jacobian_by_hand(a, b, c):
    """f(a, b, c) = (ab + c, ac^2 - b), differentiated on paper."""
    return np.array([[b, a, 1.0], [c * c, -1.0, 2 * a * c]])


@pytest.fixture(scope="module")
def modes_out() -> str:
    return run_listing("step33_forward_reverse.py", timeout=300)


def test_vjp_jvp_and_the_double_vjp_trick(modes_out):
    J = jacobian_by_hand(1.0, 2.0, 3.0)
    u, v = np.array([1.0, 10.0]), np.ones(3)
    assert f"u^T J = {(u @ J).tolist()}" in modes_out and (u @ J).tolist() == [92.0, -9.0, 61.0]
    assert f"J v   = {(J @ v).tolist()}\n" in modes_out and (J @ v).tolist() == [4.0, 14.0]
    assert f"J v   = {(J @ v).tolist()} (forward mode)" in modes_out
    g = listing_globals("step33_forward_reverse.py")
    rng = np.random.default_rng(0)                  # the dual numbers on other points and directions
    for _ in range(3):
        p, d = rng.standard_normal(3), rng.standard_normal(3)
        assert np.allclose(g["jvp"](g["f"], tuple(p), tuple(d)), jacobian_by_hand(*p) @ d, rtol=1e-14)
    page = page_text(STEP)
    assert states(page, "$u^\\top J = (2 + 90,\\; 1 - 10,\\; 1 + 60)$")
    assert states(page, "$Jv = (2 + 1 + 1,\\; 9 - 1 + 6)$")


def test_the_cheap_gradient_table(modes_out):
    g = listing_globals("step33_forward_reverse.py")
    x0 = np.linspace(-1.0, 1.0, 7)
    by_hand = 3 * x0 ** 2 - 4 * x0 + 1               # d/dx (x^3 - 2x^2 + x)
    assert np.allclose(g["reverse_gradient"](x0), by_hand, rtol=1e-14)
    assert np.allclose(g["forward_gradient"](x0), by_hand, rtol=1e-14)
    rows = re.findall(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", modes_out, re.M)
    assert [(int(n), int(r), int(f)) for n, r, f, _ in rows] == [(10, 1, 10), (100, 1, 100), (1000, 1, 1000)]


def test_hvp_costs_in_passes_recorded_and_walked(modes_out):
    """g(x) = sum tanh(x) x. By hand: the gradient walks Tanh and Mul (2); pass 1 records Mul's two
    products, Tanh's gy * (1 - y * y) (Mul, Sub, Mul) and the Add where x's two contributions meet (6);
    its graph is those 6 plus the forward Tanh (7)."""
    rows = {m[0].strip(): tuple(int(v) for v in m[1:4]) for m in
            re.findall(r"^(one gradient|reverse over reverse|double VJP)\s+(\d+)\s+(\d+)\s+(\d+)\s+[0-9.]+$",
                       modes_out, re.M)}
    assert rows["one gradient"] == (1, 0, 2)
    assert rows["reverse over reverse"] == (2, 6, 2 + 7)
    passes, recorded, walked = rows["double VJP"]
    pass2 = recorded - 6                             # what pass 2 recorded on top of pass 1
    assert passes == 3 and pass2 > 0 and walked == 2 + 7 + (7 + pass2)
    g = listing_globals("step33_forward_reverse.py")
    from tinypytorch import Variable
    x = Variable(np.array([-1.5, 0.2, 2.0]))
    v = np.array([0.3, -1.0, 2.0])
    t = np.tanh(x.data)
    second = 2 * (1 - t * t) - 2 * x.data * t * (1 - t * t)   # (tanh(x) x)'' by hand
    for hvp in (g["hvp_reverse_over_reverse"], g["hvp_double_vjp"]):
        assert np.allclose(hvp(x, v).data, second * v, rtol=1e-13)
    page = page_text(STEP)
    assert states(page, f"walks {rows['reverse over reverse'][2]} functions where one gradient walks 2",
                  f"the double-VJP route {walked}")
    assert "Pearlmutter" in page and "`torch.func.jvp(torch.func.grad(f), ...)`" in page


def test_stopping_the_gradient():
    out = run_listing("step33_stop_gradient.py")
    w, phi, z = 0.5, 0.8, 1.5
    x = phi * z
    s = 1 - math.tanh(w * x) ** 2
    through = re.search(rf"^stop=False: dD/dw = {s * x:.6f}, phi.grad = variable\((\S+)\)$", out, re.M)
    assert through and float(through.group(1)) == pytest.approx(s * w * z, rel=1e-14)
    assert f"stop=True : dD/dw = {s * x:.6f}, phi.grad = None" in out
    page = page_text(STEP)
    assert "`Variable(x.data)`" in page and "`x.detach()`" in page
