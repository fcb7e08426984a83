"""Run the PyTorch programs of docs/listings/pytorch/ and record what they print.

    python scripts/record_pytorch.py           # run every program, write docs/listings/pytorch/recorded.json
    python scripts/record_pytorch.py --check   # run them again and compare with the JSON (exit 1 on a difference)

PyTorch is too heavy for the test extra, so the page "From TinyPytorch to PyTorch" (docs/pytorch.md) shows
the output recorded here, with the versions it was recorded with, instead of running PyTorch at build time.
A program whose docstring starts with "PyTorch twin of docs/listings/<name>.py" prints the same lines as that
TinyPytorch listing; `compare` checks their numbers, and the tests run it against the recorded output
without needing PyTorch.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the `scripts` package is beside it
    sys.path.insert(0, str(ROOT))

from scripts._files import write_atomic  # noqa: E402

PROGRAMS = ROOT / "docs" / "listings" / "pytorch"
RECORD = PROGRAMS / "recorded.json"
TWIN = re.compile(r"^PyTorch twin of (docs/listings/[a-z0-9_]+\.py)")
#: lines a program prints about PyTorch alone: shown on the page, not compared with TinyPytorch
PYTORCH_ONLY = "pytorch:"


def programs() -> list[Path]:
    return sorted(PROGRAMS.glob("step*.py"))


def twin(program: Path) -> str | None:
    """The TinyPytorch listing a program mirrors (from its docstring), or None."""
    doc = ast.get_docstring(ast.parse(program.read_text(encoding="utf-8"))) or ""
    m = TWIN.match(doc)
    return m.group(1) if m else None


def digest(program: Path) -> str:
    return hashlib.sha256(program.read_bytes()).hexdigest()


def run(program: Path) -> str:
    """The program's stdout, run as a reader would: a fresh interpreter, one thread, the repository on the path."""
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONHASHSEED="0")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, str(program)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"{program.name} failed (exit code {proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def record() -> dict:
    import numpy
    import torch

    return {
        "schema": 1,
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "programs": {p.name: {"sha256": digest(p), "twin": twin(p), "stdout": run(p)} for p in programs()},
    }


def load(path: Path = RECORD) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --- comparing what two programs print ---------------------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")


def skeleton(line: str) -> str:
    """A line with its numbers replaced by '#': `variable(24.0)` reads as `24.0`, `torch.sin` as `F.sin`."""
    line = re.sub(r"variable\(([^()]*)\)", r"\1", line).replace("torch.", "F.")
    return NUMBER.sub("#", " ".join(line.split()))


def numbers(line: str) -> list[str]:
    line = re.sub(r"variable\(([^()]*)\)", r"\1", line)
    return NUMBER.findall(line)


def last_digit(number: str) -> float:
    """One unit in the last printed digit of `number` (0 for an integer: integers must be equal)."""
    mantissa, _, exponent = number.lower().partition("e")
    if "." not in mantissa:
        return 0.0 if not exponent else 10.0 ** int(exponent)
    return 10.0 ** (int(exponent or 0) - len(mantissa.split(".")[1]))


def agree(a: str, b: str) -> bool:
    """Equal; or printed in the same format (`.6f`, `.2e`) and one unit of its last digit apart, which
    rounding can do to values a hair apart; or, for full-precision floats, within 1e-12 relative."""
    x, y = float(a), float(b)
    if x == y or abs(x - y) <= 1e-12 * max(abs(x), abs(y)):
        return True
    same_format = last_digit(a) == last_digit(b) and ("e" in a.lower()) == ("e" in b.lower())
    return same_format and abs(x - y) <= last_digit(a) * (1 + 1e-9)   # a decimal unit is inexact in binary


def compare(pytorch_out: str, other_out: str, pytorch_only_too: bool = False,
            exact: bool = False) -> tuple[int, list[str]]:
    """(how many PyTorch lines were compared, the problems): every line of the PyTorch program, except the
    `pytorch:` ones (unless `pytorch_only_too`), must have a line of the same shape in `other_out` (what the
    TinyPytorch twin printed, or an earlier PyTorch run) whose numbers agree (`exact`: digit for digit)."""
    theirs = [line for line in other_out.splitlines() if line.strip()]
    lines = [line for line in pytorch_out.splitlines()
             if line.strip() and (pytorch_only_too or not line.startswith(PYTORCH_ONLY))]
    problems = [problem for line in lines if (problem := line_problem(line, theirs, exact))]
    return len(lines), problems


def line_problem(line: str, theirs: list[str], exact: bool) -> str | None:
    """What is wrong with `line` against the lines `theirs`: no line of its shape, or none whose numbers
    agree with its own; None when one does."""
    same = str.__eq__ if exact else agree
    alike = [t for t in theirs if skeleton(t) == skeleton(line)]
    if not alike:
        return f"no line like {line!r}"
    if not any(len(numbers(t)) == len(numbers(line)) and all(map(same, numbers(t), numbers(line)))
               for t in alike):
        return f"{line!r} disagrees with {alike[0]!r}"
    return None


def check(recorded: dict) -> list[str]:
    """Run every program again; the differences from what was recorded."""
    problems = []
    names = {p.name for p in programs()}
    if set(recorded["programs"]) != names:
        problems.append(f"recorded {sorted(recorded['programs'])}, but the folder has {sorted(names)}")
    for p in programs():
        entry = recorded["programs"].get(p.name)
        if entry is None:
            continue
        if entry["sha256"] != digest(p):
            problems.append(f"{p.name} changed since it was recorded: run scripts/record_pytorch.py")
        _, diff = compare(run(p), entry["stdout"], pytorch_only_too=True)
        problems += [f"{p.name}: {d}" for d in diff]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare a new run with the recorded JSON")
    args = parser.parse_args(argv)
    try:
        import torch  # noqa: F401
    except ImportError:
        print("PyTorch is not installed: .venv/bin/pip install torch==2.13.0 (a CPU wheel)", file=sys.stderr)
        return 2
    if args.check:
        problems = check(load())
        print("\n".join(problems) or f"{len(programs())} programs print what {RECORD.name} recorded")
        return 1 if problems else 0
    report = record()
    write_atomic(RECORD, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {RECORD.relative_to(ROOT)}: {len(report['programs'])} programs, torch {report['torch']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
