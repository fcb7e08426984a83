"""Every row of docs/differences.md, checked by running the same probes on the book's DeZero and on TinyPytorch.

One probe program, written against the names both libraries share (`Variable`, `Function`, `functions as F`,
`utils.get_dot_graph`, ...), runs twice in a fresh interpreter: once with `lib` = DeZero (PyPI `dezero`
0.0.13, the package the book's scripts import, with the shim it needs on numpy 2: `np.int = int`) and once
with `lib` = TinyPytorch. ``HOME`` is a temporary folder (DeZero's `plot_dot_graph` writes into
``~/.dezero``) and ``PATH`` holds no program named ``dot`` (graphviz-pure stays reachable for TinyPytorch).
Each row of the page then names what the probes must have found on each side.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "differences.md"

IMPORTS = {
    "dezero": "import numpy as np\nnp.int = int   # dezero 0.0.13 still uses np.int, removed in numpy 1.24\n"
              "import dezero as lib\nimport dezero.functions as F\nimport dezero.utils as utils\n",
    "tinypytorch": "import numpy as np\nimport tinypytorch as lib\nimport tinypytorch.functions as F\n"
                   "import tinypytorch.utils as utils\n",
}

PROBES = r'''
import inspect, json, os, sys
from pathlib import Path

Variable, Function = lib.Variable, lib.Function
home = Path(os.environ["HOME"])
out = {}


def v(x):
    return Variable(np.array(x))


def outcome(fn, keep=False):
    """What fn() gives: ["ok", its value if keep else None] or [exception type, message]."""
    try:
        value = fn()
    except Exception as e:
        return [type(e).__name__, str(e)]
    return ["ok", value if keep else None]


def files():
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file() and ".cache" not in p.parts)


x = v(2.0); y = 3 * x; y.backward()
c = y.creator.inputs[1]
out["constant"] = [type(c).__name__, c.grad is not None]

a, b = v(1.0), v(1.0)
out["dot_ids"] = utils.get_dot_graph(a + b) == utils.get_dot_graph(b + a)

plot_module = sys.modules[utils.plot_dot_graph.__module__]
out["plot"] = [outcome(lambda: utils.plot_dot_graph(a + b, to_file=str(home / "g.xyz")))[0],
               files(), "shell=True" in inspect.getsource(plot_module)]
out["dot"] = [outcome(lambda: utils.plot_dot_graph(a + b, to_file=str(home / "g.svg")))[0],
              (home / "g.svg").is_file()]

# the name as the second argument, with a `dot` on PATH this time (graphviz-pure under that name)
bin_dir = home / "bin"
bin_dir.mkdir()
(bin_dir / "dot").symlink_to(__import__("shutil").which("graphviz-pure"))
os.environ["PATH"] = str(bin_dir) + os.pathsep + os.environ["PATH"]
r = outcome(lambda: utils.plot_dot_graph(a + b, "named.png"))
out["verbose_name"] = [r[0], sorted(p.name for p in home.glob("*.png")), r[1]]
os.environ["PATH"] = os.environ["PATH"].split(os.pathsep, 1)[1]

x = v(2.0); (x * x).backward()
x.data -= 0.1 * x.grad
out["data_inplace"] = type(x.data).__name__
x = v(2.0); (x * x).backward()
r = outcome(lambda: setattr(x, "data", x.data - 0.1 * x.grad))
out["data_rebind"] = [r[0], type(x.data).__name__, r[1]]

x = v(2.0); (3 * x).backward(create_graph=True); gx = x.grad; x.cleargrad(); gx.backward()
out["cleargrad"] = None if x.grad is None else float(x.grad.data)

x = v(2.0); (x ** 3).backward(create_graph=True)
out["from_backward"] = getattr(x.grad.creator, "from_backward", None)


class MyMul(Function):                 # a Function of your own that leaves broadcasting to backward
    def forward(self, x0, x1):
        return x0 * x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return gy * x1, gy * x0


W, b = Variable(np.ones((2, 3))), Variable(np.array([1.0, 2.0, 3.0]))
MyMul()(W, b).backward()
out["broadcast"] = list(b.grad.shape)

r = outcome(lambda: float((2 ** v(3.0)).data), keep=True)
out["rpow"] = r
out["gradient_check"] = "order" in inspect.signature(utils.gradient_check).parameters

x = v(1.0)
y = x * 0.1 + x * 0.5 + x * 0.3
visited = []
for f in (y.creator.inputs[0].creator.inputs[0].creator, y.creator.inputs[0].creator.inputs[1].creator,
          y.creator.inputs[1].creator):
    f.backward = lambda gy, f=f, run=f.backward: (visited.append(float(f.inputs[1].data)), run(gy))[1]
y.backward()
out["order"] = [visited, repr(float(x.grad.data))]

class Broken(Function):
    def forward(self, x):
        return x

    def backward(self, gy):
        raise RuntimeError("broken backward")


p, q, r = v(1.0), v(2.0), v(3.0)
y = Broken()(r) + p * q            # backward reaches Mul and Broken, one generation
out["half_written"] = [outcome(y.backward)[0], p.grad is not None, q.grad is not None]

f = F.Sin()
y1 = f(v(1.0))
second = outcome(lambda: f(v(2.0)))
out["twice"] = [second[0], second[1], outcome(y1.backward)[0] if second[0] == "ok" else None]

out["np_sin"] = outcome(lambda: np.sin(v(1.0)))
out["variable_float"] = outcome(lambda: Variable(1.0))
out["variable_scalar"] = outcome(lambda: Variable(np.float64(1.0)).data.shape, keep=True)
out["pow_variable"] = outcome(lambda: v(2.0) ** v(2.0))
out["add_str"] = outcome(lambda: v(1.0) + "a")
out["extras"] = "values" in inspect.signature(utils.get_dot_graph).parameters

import threading                   # one thread inside no_grad, another one computing meanwhile
inside, done = threading.Event(), threading.Event()


def hold_no_grad():
    with lib.no_grad():
        inside.set()
        done.wait()


t = threading.Thread(target=hold_no_grad)
t.start()
inside.wait()
recorded = (v(2.0) * v(3.0)).creator is not None
done.set()
t.join()
out["threads"] = recorded

a, b = v(1.0), v(2.0)
(a + b).backward()
out["shared_grads"] = a.grad is b.grad


def derivatives(f, x0, orders):
    x = v(x0)
    f(x).backward(create_graph=True)
    found = [float(x.grad.data)]
    for _ in range(orders - 1):
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)
        found.append(float(x.grad.data))
    return found


import warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # DeZero's 0 * inf
    out["pow_at_0"] = repr(derivatives(lambda x: x ** 4 - 2 * x ** 2, 0.0, 4))

x = Variable(np.array(1.0, dtype=np.float32))
out["float32"] = [str((x * 2.0).dtype), str((1 / x).dtype), str((x - 1).dtype)]
(x * np.float64(2.0)).backward()
out["float32"].append(str(x.grad.dtype))


def isub():
    x = v(2.0)
    (x * x).backward()
    before = x
    x -= 0.1 * x.grad
    return [x is before, x.creator is not None]


out["isub"] = outcome(isub, keep=True)


def seed():
    x = v([1.0, 2.0])
    (x * 3).backward(np.array([1.0, 10.0]))
    return x.grad.data.tolist()


out["seed"] = outcome(seed, keep=True)
out["name"] = outcome(lambda: utils.get_dot_graph(Variable(np.array(1.0), name=1) * 2))
out["text_data"] = outcome(lambda: Variable(np.array("abc")) * 2)


def wrong_shape_grad():
    x = v([1.0, 2.0])
    x.grad = Variable(np.ones(3))


out["grad_shape"] = outcome(wrong_shape_grad)
def unused_input():
    """grad with respect to an input the output does not depend on: without and with allow_unused."""
    x, other = v(1.0), v(2.0)
    y = x * 3
    return [outcome(lambda: lib.grad(y, [x, other]))[0], lib.grad(y, [x, other], allow_unused=True)[1] is None]


out["grad_function"] = [hasattr(lib, "grad")] + (unused_input() if hasattr(lib, "grad") else [])
print(json.dumps(out))
'''


def run_probes(lib: str, home: Path) -> dict:
    env = dict(os.environ, HOME=str(home), MPLBACKEND="Agg")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    path = [str(Path(sys.executable).parent), *env.get("PATH", "").split(os.pathsep)]
    env["PATH"] = os.pathsep.join(p for p in path if p and not (Path(p) / "dot").exists())
    proc = subprocess.run([sys.executable, "-c", IMPORTS[lib] + PROBES], capture_output=True, text=True,
                          env=env, cwd=home, timeout=300)
    assert proc.returncode == 0, f"{lib}:\n{proc.stderr}"
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    """lib -> what the probes found."""
    if importlib.util.find_spec("dezero") is None:
        pytest.fail("dezero (the book's package) is in the test extra: pip install -e '.[test]'")
    return {lib: run_probes(lib, tmp_path_factory.mktemp(lib)) for lib in IMPORTS}


def message(text: str):
    return lambda found: re.search(text, found[1]) is not None


#: the page's row -> probe -> (what DeZero must give, what TinyPytorch must give): a value, or a check
ROWS = {
    "Numbers in formulas": ("constant", ["Variable", True], ["Constant", False]),
    "Node ids in DOT text": ("dot_ids", False, True),
    "Drawing a graph": ("plot", ["ok", [".dezero/tmp_graph.dot"], True], ["ValueError", [], False]),
    "Where `dot` comes from": ("dot", ["ok", False], ["ok", True]),
    "`x.data -= lr * x.grad`": ("data_inplace", "Variable", "ndarray"),
    "`x.data = x.data - lr * x.grad`": ("data_rebind", ["ok", "Variable", None],
                                         lambda r: r[:2] == ["TypeError", "ndarray"] and "x.grad.data" in r[2]),
    "A gradient that never arrives after `cleargrad()`": ("cleargrad", None, 0.0),
    "Recorded backward functions": ("from_backward", None, True),
    "Broadcast gradients": ("broadcast", [2, 3], [3]),
    "`2 ** x`": ("rpow", lambda r: r[0] == "TypeError" and "**" in r[1], ["ok", 8.0]),
    "Gradient checks": ("gradient_check", False, True),
    "Functions of one generation": ("order", [[0.5, 0.1, 0.3], "0.8999999999999999"], [[0.3, 0.1, 0.5], "0.9"]),
    "A backward that fails halfway": ("half_written", ["RuntimeError", True, True],
                                      ["RuntimeError", False, False]),
    "One `Function` instance called twice": ("twice", lambda r: r[:2] == ["ok", None] and r[2] not in (None, "ok"),
                                             lambda r: r[0] == "RuntimeError" and "one node" in r[1]),
    "`np.sin(x)` on a Variable": ("np_sin", message("no callable sin method"), message(r"F\.sin\(x\)")),
    "`Variable(1.0)`": ("variable_float", ["TypeError", "<class 'float'> is not supported"],
                        message(r"Variable\(np\.array\(1\.0\)\)")),
    "`Variable(np.float64(1.0))`": ("variable_scalar", lambda r: r[0] == "TypeError", ["ok", []]),
    "`x ** x`": ("pow_variable", message(r"unsupported operand type\(s\) for \*\* or pow\(\)"),
                 message(r"F\.exp\(c \* F\.log\(x\)\)")),
    "`plot_dot_graph(y, \"g.png\")`": ("verbose_name", ["ok", ["graph.png"], None],
                                        lambda r: r[:2] == ["TypeError", []] and "to_file=" in r[2]),
    "`x + \"a\"`": ("add_str", lambda r: r[0] == "UFuncTypeError",
                    lambda r: r[0] == "TypeError" and "unsupported operand of type str" in r[1]),
    "Extras for pictures": ("extras", False, True),
    "Two threads, one inside `no_grad()`": ("threads", False, True),
    "`(a + b).backward()`": ("shared_grads", True, False),
    "Derivatives of `x ** 4 - 2 * x ** 2` at 0": ("pow_at_0", "[0.0, -4.0, nan, nan]", "[0.0, -4.0, 0.0, 24.0]"),
    "float32 data": ("float32", ["float64"] * 4, ["float32"] * 4),
    "`x -= lr * x.grad`": ("isub", ["ok", [False, True]],
                           lambda r: r[0] == "TypeError" and "x.data -=" in r[1]),
    "`y.backward(np.array([1.0, 10.0]))`": ("seed", lambda r: r[0] == "ValueError" and "truth value" in r[1],
                                           ["ok", [3.0, 30.0]]),
    "`Variable(data, name=1)`": ("name", lambda r: r[0] == "TypeError" and "+=" in r[1],
                                 lambda r: r[0] == "TypeError" and "name must be a str" in r[1]),
    "`Variable(np.array(\"abc\"))`": ("text_data", lambda r: r[0] == "TypeError" and "out' kwarg" in r[1],
                                     lambda r: r[0] == "TypeError" and "must hold numbers" in r[1]),
    "`x.grad = <a Variable of another shape>`": ("grad_shape", ["ok", None],
                                                 lambda r: r[0] == "ValueError" and "shape" in r[1]),
    "Gradients returned rather than stored": ("grad_function", [False], [True, "ValueError", True]),
}


def page_rows() -> list[str]:
    table = PAGE.read_text(encoding="utf-8").split("## Every difference", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| \*\*(.+?)\*\*(?= \(| \|)", table, re.M)


def test_every_row_of_the_page_is_checked():
    assert page_rows() == list(ROWS)


@pytest.mark.parametrize("label", list(ROWS))
def test_row(label, found):
    probe, book, ours = ROWS[label]
    for lib, expected in (("dezero", book), ("tinypytorch", ours)):
        value = found[lib][probe]
        ok = expected(value) if callable(expected) else value == expected
        assert ok, f"{label}: {lib} gave {value!r}"


def test_the_probes_tell_the_libraries_apart(found):
    """A row whose two sides agreed would not be a difference: every probe differs between the libraries."""
    same = [probe for probe, _, _ in ROWS.values() if found["dezero"][probe] == found["tinypytorch"][probe]]
    assert not same


def test_running_dezero_itself_on_a_recent_numpy():
    """The section "Running DeZero 0.0.13 itself": where `import dezero` fails, why, and the shim that works."""
    import numpy as np
    assert tuple(int(p) for p in np.__version__.split(".")[:2]) >= (1, 24)
    spec = importlib.util.find_spec("dezero")
    assert spec is not None, "dezero 0.0.13 is in the test extra"
    package = Path(spec.origin).parent
    uses = sorted(f"{p.name}:{n}" for p in package.glob("*.py")
                  for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                  if re.search(r"\bnp\.int\b(?!\d)", line))
    assert uses == ["datasets.py:140", "datasets.py:50", "transforms.py:154"]
    bare = subprocess.run([sys.executable, "-c", "import dezero"], capture_output=True, text=True)
    assert bare.returncode != 0
    page = PAGE.read_text(encoding="utf-8")
    block = re.search(r"```text\n(.*?)```", page[page.index("{#running-dezero}"):], re.S).group(1)
    stderr = bare.stderr.replace(str(package), ".../dezero")
    for line in block.splitlines():
        assert line.strip() in stderr, line
    assert "dezero/datasets.py" in bare.stderr                       # the chain: __init__ -> datasets -> transforms
    out = subprocess.run([sys.executable, str(ROOT / "docs/listings/differences_run_dezero.py")],
                         capture_output=True, text=True, check=True).stdout
    t = np.tanh(1.0)
    assert float(re.search(r"at 1: variable\((\S+)\)", out).group(1)) == pytest.approx(-2 * t * (1 - t * t),
                                                                                  rel=1e-15)
    for listing_line in ("line 50", "line 140"):
        assert listing_line in page
    assert '--8<-- "docs/listings/differences_run_dezero.py"' in page
