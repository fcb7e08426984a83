"""The page "From TinyPytorch to PyTorch": the recorded PyTorch output against TinyPytorch, and against PyTorch.

PyTorch is not in the test extra. What its programs printed is recorded in docs/listings/pytorch/recorded.json
by scripts/record_pytorch.py; without PyTorch the tests check that record (it belongs to the programs as they
are now, and every number in it agrees with what the TinyPytorch twin prints); with PyTorch installed they
also run the programs again.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from helpers import ROOT, run_listing
from scripts import record_pytorch as rec

PAGE = ROOT / "docs" / "pytorch.md"


@pytest.fixture(scope="module")
def recorded() -> dict:
    return rec.load()


def test_the_record_belongs_to_the_programs_as_they_are(recorded):
    assert recorded["torch"].startswith("2.13.0")
    assert set(recorded["programs"]) == {p.name for p in rec.programs()}
    for program in rec.programs():
        entry = recorded["programs"][program.name]
        assert entry["sha256"] == rec.digest(program), \
            f"{program.name} changed since it was recorded: run scripts/record_pytorch.py"
        assert entry["twin"] == rec.twin(program)
        assert entry["stdout"].strip(), program.name


def twins(recorded) -> list[tuple[str, str]]:
    return [(name, entry["twin"]) for name, entry in sorted(recorded["programs"].items()) if entry["twin"]]


def test_every_chapter_has_a_twin(recorded):
    steps = {int(Path(twin).name[4:6]) for _, twin in twins(recorded)}
    assert steps == set(range(25, 35))
    for _, twin in twins(recorded):
        assert (ROOT / twin).is_file(), twin


@pytest.mark.parametrize("name", [p.name for p in rec.programs() if rec.twin(p)])
def test_recorded_pytorch_numbers_equal_tinypytorchs(name, recorded):
    entry = recorded["programs"][name]
    tiny = run_listing(Path(entry["twin"]).name)
    compared, problems = rec.compare(entry["stdout"], tiny)
    assert not problems, "\n".join(problems)
    shared = [line for line in entry["stdout"].splitlines() if line.strip() and not line.startswith("pytorch:")]
    assert compared == len(shared) >= 1
    # the page says more: as recorded, every number is the same digit for digit
    assert rec.compare(entry["stdout"], tiny, exact=True)[1] == []


def test_the_comparison_fires():
    tiny = "iter 999: x0 = 0.683712, x1 = 0.465953\nf'(2) = variable(24.0)\n"
    assert rec.compare("iter 999: x0 = 0.683712, x1 = 0.465953\nf'(2) = 24.0\n", tiny) == (2, [])
    assert rec.compare("iter 999: x0 = 0.683713, x1 = 0.465953\n", tiny)[1] == []      # one last-digit unit
    assert rec.compare("iter 999: x0 = 0.683714, x1 = 0.465953\n", tiny)[1]            # two units: no
    assert rec.compare("iter 998: x0 = 0.683712, x1 = 0.465953\n", tiny)[1]            # integers are exact
    assert rec.compare("f'(2) = 24.00001\n", tiny)[1]                                  # repr: 1e-12 relative
    assert rec.compare("f''(2) = 24.0\n", tiny)[1]                                     # no such line
    assert rec.compare("pytorch: anything 1.0\n", tiny) == (0, [])
    assert rec.compare("iter 999: x0 = 0.683713, x1 = 0.465953\n", tiny, exact=True)[1]
    assert rec.skeleton("torch.sin(pi/4) = 0.70") == rec.skeleton("F.sin(pi/4) = 0.71")


def test_what_the_page_says_about_pytorch(recorded):
    out = {name: entry["stdout"] for name, entry in recorded["programs"].items()}
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    # the create_graph cycle: never freed in PyTorch, not even by gc.collect(); the warning's advice
    cycle = out["step34_create_graph_cycle.py"]
    assert re.search(r"^True\s+False\s+False\s+False$", cycle, re.M)
    assert re.search(r"^True\s+True\s+True\s+True$", cycle, re.M)
    warning = re.search(r"^warning: (.*)$", cycle, re.M).group(1)
    assert "We recommend using autograd.grad" in warning and "reset the .grad fields" in warning
    assert "not freed at all, even by `gc.collect()`" in text
    # the second derivative of 3x
    assert "pytorch: gx.requires_grad = False" in out["step29_constant_derivative.py"]
    assert "RuntimeError" in out["step29_constant_derivative.py"]
    # retain_graph
    assert "Trying to backward through the graph a second time" in out["step29_accumulate.py"]
    # graph growth: 1469 nodes at order 8, growing by 2.5 to 2.7 per order
    sizes = [int(n) for n in re.search(r"derivatives 1\.\.8 at x = 1: \[([\d, ]+)\]",
                                       out["step32_try_it.py"]).group(1).split(", ")]
    ratios = [b / a for a, b in zip(sizes[1:], sizes[2:])]
    assert sizes[-1] == 1469 and all(2.5 <= r < 2.7 for r in ratios), (sizes, ratios)
    assert "1469 nodes at order 8" in text and "by a factor of 2.5 to 2.7 per order" in text
    assert "pytorch: the 8th derivative at x = 1: -277.062136" in out["step32_try_it.py"]
    # the Hessian (2b, 2a; 2a, -sin b) at (1.5, -0.5)
    assert "pytorch: torch.func.hessian: [[-1.0, 3.0], [3.0, 0.479426]]" in out["step33_hvp.py"]


def test_the_page_shows_every_program_and_its_record():
    text = PAGE.read_text(encoding="utf-8")
    for program in rec.programs():
        assert f'--8<-- "docs/listings/pytorch/{program.name}"' in text, program.name
        assert f'recorded("{program.name}")' in text, program.name
        twin = rec.twin(program)
        if twin:
            assert f'--8<-- "{twin}' in text, twin


@pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                    reason="PyTorch is not in the test extra (install torch==2.13.0 to run the programs again)")
def test_pytorch_programs_print_what_was_recorded(recorded):
    problems = rec.check(recorded)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", ["pytorch.md", "pytorch.zh.md"])
def test_the_hvp_advice_names_the_two_pass_functions(page):
    """hvp is the double-backward trick (three passes), documented as slower than vhp; the recorded program
    really calls hvp, and the page names vhp and jvp-of-grad as the two-pass equivalents."""
    program = (ROOT / "docs/listings/pytorch/step33_hvp.py").read_text(encoding="utf-8")
    assert "torch.autograd.functional.hvp(" in program
    text = " ".join((ROOT / "docs" / page).read_text(encoding="utf-8").split())
    assert "does the same two passes" not in text and "做的是同样的两次反向传播" not in text
    for name in ("`torch.autograd.functional.vhp`", "`torch.func.jvp(torch.func.grad(f), …)`",
                 "`torch.autograd.functional.hvp`"):
        assert name in text
    assert "(steps/step33.md#forward-and-reverse-mode)" in text
    # the names of the new lessons: forward and reverse mode, Jacobians, stopping the gradient
    for name in ("`torch.func.jvp`", "`torch.func.vjp`", "`torch.func.jacrev`", "`torch.func.jacfwd`",
                 "`x.detach()`", "(steps/step31.md#jacobians)", "(steps/step33.md#stop-gradient)"):
        assert name in text, name


# --- the new lessons (Steps 31 and 33): every recorded number against a closed form --------------------------

def matrices(out: str) -> list[np.ndarray]:
    """The matrices numpy printed in `out`, one per `[[ ... ]]` block."""
    found, rows = [], None
    for line in out.splitlines():
        if line.lstrip().startswith("[["):
            rows = []
        if rows is not None:
            rows.append([float(n) for n in rec.NUMBER.findall(line)])
            if line.rstrip().endswith("]]"):
                found.append(np.array(rows))
                rows = None
    return found


def values(line: str) -> list[float]:
    """The numbers of a line after its first '='."""
    return [float(n) for n in rec.NUMBER.findall(line.split("=", 1)[1])]


def jacobian_problems(out: str) -> tuple[int, list[str]]:
    """Step 31: y_i = x_i * sum(x) at x = (1, 2, 3) has the Jacobian diag(sum x) + x 1^T."""
    x = np.array([1.0, 2.0, 3.0])
    J = np.diag(np.full(3, x.sum())) + np.outer(x, np.ones(3))
    found = matrices(out)
    problems = [f"printed {m.tolist()}, the Jacobian is {J.tolist()}" for m in found if not np.array_equal(m, J)]
    for line in re.findall(r"^from ones: .*$", out, re.M):       # backward from ones: the column sums
        if values(line.replace(":", " =", 1)) != J.sum(axis=0).tolist():
            problems.append(f"{line!r}: the column sums are {J.sum(axis=0).tolist()}")
    return len(found), problems


def vjp_jvp_problems(out: str) -> tuple[int, list[str]]:
    """Step 33: f(a, b, c) = (ab + c, ac^2 - b) at (1, 2, 3); u = (1, 10), v = (1, 1, 1)."""
    a, b, c = 1.0, 2.0, 3.0
    J = np.array([[b, a, 1.0], [c * c, -1.0, 2 * a * c]])
    expected = {"u^T J": (np.array([1.0, 10.0]) @ J).tolist(), "J v": (J @ np.ones(3)).tolist()}
    lines = list(re.finditer(r"^(u\^T J|J v)\s*=.*$", out, re.M))
    problems = [f"{m.group(0)!r}: {m.group(1)} is {expected[m.group(1)]}" for m in lines
                if values(m.group(0)) != expected[m.group(1)]]
    return len(lines), problems


def hvp_problems(out: str) -> tuple[int, list[str]]:
    """Step 33 §9: g(x) = sum(tanh(x_i) x_i) has a diagonal Hessian, g''(x) = 2 (1 - tanh^2 x)(1 - x tanh x);
    the programs print the first three entries of H v, six decimals, for x = linspace(-2, 2, 10^5), v_i = cos i."""
    x = np.linspace(-2.0, 2.0, 100_000)[:3]
    t = np.tanh(x)
    hv = 2 * (1 - t * t) * (1 - x * t) * np.cos(np.arange(3))
    lines = re.findall(r"^(?:pytorch: )?[a-zA-Z ]+: H v\[:3\] = .*$", out, re.M)
    problems = []
    for line in lines:
        numbers = rec.NUMBER.findall(line.split("=", 1)[1])
        printed = np.array([float(n) for n in numbers[:3]])
        if not (np.all(np.abs(printed - hv) <= 0.5e-6 + 1e-12) and line.endswith("to 1e-12: True")):
            problems.append(f"{line!r}: H v[:3] is {np.round(hv, 6).tolist()}")
    return len(lines), problems


def stop_gradient_problems(out: str) -> tuple[int, list[str]]:
    """Step 33: D = tanh(w * phi * z) with w = 0.5, phi = 0.8, z = 1.5; with the cut, phi gets no gradient."""
    w, phi, z = 0.5, 0.8, 1.5
    slope = 1 - np.tanh(w * phi * z) ** 2
    lines = re.findall(r"^stop=(True|False)\s*: dD/dw = (\S+), phi\.grad = (.*)$", out, re.M)
    problems = []
    for stop, dw, dphi in lines:
        dphi = dphi.removeprefix("variable(").removesuffix(")")
        if abs(float(dw) - slope * phi * z) > 0.5e-6 + 1e-12:
            problems.append(f"stop={stop}: dD/dw = {dw}, not {slope * phi * z:.6f}")
        if stop == "True" and dphi != "None":
            problems.append(f"stop=True: phi.grad = {dphi}, not None")
        if stop == "False" and (dphi == "None" or not np.isclose(float(dphi), slope * w * z, rtol=1e-12, atol=0)):
            problems.append(f"stop=False: phi.grad = {dphi}, not {slope * w * z!r}")
    return len(lines), problems


#: program -> (its check against closed forms, how many of its recorded lines or matrices that check reads)
CLOSED_FORMS = {
    "step31_jacobian.py": (jacobian_problems, 3),           # by rows, jacrev, jacfwd
    "step33_forward_reverse.py": (vjp_jvp_problems, 6),     # 2 VJPs; JVPs by double VJP (2) and forward mode (2)
    "step33_hvp_modes.py": (hvp_problems, 4),                # reverse over reverse (2), double VJP, forward over reverse
    "step33_stop_gradient.py": (stop_gradient_problems, 2),
}


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_the_new_lessons_recorded_numbers_equal_closed_forms(name, recorded):
    check, lines = CLOSED_FORMS[name]
    found, problems = check(recorded["programs"][name]["stdout"])
    assert not problems, "\n".join(problems)
    assert found == lines, f"{name}: {found} results recorded, {lines} expected"
    # TinyPytorch's twin listing agrees with the closed forms too
    found, problems = check(run_listing(Path(recorded["programs"][name]["twin"]).name))
    assert found >= 1 and not problems, "\n".join(problems)


def test_pytorchs_forward_over_reverse_hvp_equals_tinypytorchs(recorded):
    """The one way TinyPytorch cannot compute (a `pytorch:` line, not compared above) against the two it can."""
    out = recorded["programs"]["step33_hvp_modes.py"]["stdout"]
    forward = re.search(r"^pytorch: forward over reverse: (H v.*)$", out, re.M).group(1)
    tiny = run_listing("step33_hvp_modes.py")
    for name in ("reverse over reverse", "double VJP"):
        theirs = re.search(rf"^{name}\s*: (H v.*)$", tiny, re.M).group(1)
        assert rec.compare(forward, theirs, exact=True) == (1, []), (forward, theirs)


def wrong(out: str, line_pattern: str) -> str:
    """`out` with one number made wrong by 1: the first number after the label ('=') on the first line
    matching `line_pattern`, or its first number if it has no label."""
    line = re.search(line_pattern, out, re.M)
    number = rec.NUMBER.search(out, line.start() + line.group(0).find("=") + 1)
    return out[:number.start()] + repr(float(number.group(0)) + 1) + out[number.end():]


@pytest.mark.parametrize("name, line", [
    ("step31_jacobian.py", r"^ \[2\. 8\. 2\.\]$"),
    ("step31_jacobian.py", r"^from ones: .*$"),
    ("step33_forward_reverse.py", r"^J v .*\(forward mode\)$"),
    ("step33_forward_reverse.py", r"^u\^T J .*$"),
    ("step33_hvp_modes.py", r"^pytorch: forward over reverse: .*$"),
    ("step33_hvp_modes.py", r"^double VJP .*$"),
    ("step33_stop_gradient.py", r"^stop=False.*$"),
])
def test_the_closed_form_checks_fire_on_a_wrong_recorded_value(name, line, recorded):
    out = recorded["programs"][name]["stdout"]
    broken = wrong(out, line)
    assert broken != out and len(broken.splitlines()) == len(out.splitlines())
    check, _ = CLOSED_FORMS[name]
    assert check(broken)[1], f"the check of {name} passed a wrong value:\n{broken}"
    if not re.search(line, out, re.M).group(0).startswith("pytorch:"):   # the comparison with TinyPytorch too
        assert rec.compare(broken, run_listing(Path(recorded["programs"][name]["twin"]).name))[1]
