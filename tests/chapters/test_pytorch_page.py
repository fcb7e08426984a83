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
