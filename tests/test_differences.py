"""Every row of docs/differences.md, checked against the book's DeZero and against TinyPytorch.

DeZero (PyPI ``dezero`` 0.0.13, the package the book's scripts import) runs in a subprocess with the
one-line shim it needs on numpy 2 (``np.int = int``) and ``HOME`` in a temporary folder, because its
``plot_dot_graph`` writes into ``~/.dezero``. Each probe prints what the book's code does; the test
then does the same with TinyPytorch and checks both against what the page says.
"""

from __future__ import annotations

import gc
import importlib.util
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tinypytorch.functions as F
import tinypytorch.graph
from tinypytorch import Function, Variable, get_dot_graph
from tinypytorch.gradcheck import gradient_check

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "differences.md"

DEZERO_PROBES = r'''
import inspect, json, os
import numpy as np
np.int = int                                   # dezero 0.0.13 still uses np.int, removed in numpy 1.24
import dezero, dezero.core, dezero.utils
import dezero.functions as F
from dezero import Variable, Function

out = {}
def v(x):
    return Variable(np.array(x))

def error(fn):
    try:
        fn()
    except Exception as e:
        return [type(e).__name__, str(e), isinstance(e, TypeError)]
    return None

x = v(2.0); y = 3 * x; y.backward()
c = y.creator.inputs[1]
out["constant"] = [type(c).__name__, c.grad is not None]

a = v(1.0); b = v(1.0)
out["dot_ids"] = [dezero.utils.get_dot_graph(a + b) == dezero.utils.get_dot_graph(b + a),
                  "id(v)" in inspect.getsource(dezero.utils._dot_var)]

src = inspect.getsource(dezero.utils.plot_dot_graph)
r = error(lambda: dezero.utils.plot_dot_graph(a + b, to_file=os.path.join(os.environ["HOME"], "g.xyz")))
out["plot"] = ["shell=True" in src, "'dot {} -T {} -o {}'" in src, r is None,
               os.path.exists(os.path.join(os.environ["HOME"], ".dezero", "tmp_graph.dot"))]

x = v(2.0); (x * x).backward(); x.data -= 0.1 * x.grad
out["data_inplace"] = type(x.data).__name__
x = v(2.0); (x * x).backward(); x.data = x.data - 0.1 * x.grad
out["data_rebind"] = type(x.data).__name__

x = v(2.0); (3 * x).backward(create_graph=True); gx = x.grad; x.cleargrad(); gx.backward()
out["cleargrad"] = None if x.grad is None else float(x.grad.data)

x = v(2.0); (x ** 3).backward(create_graph=True)
out["from_backward"] = hasattr(x.grad.creator, "from_backward")

class MyMul(Function):                         # a Function of your own that leaves broadcasting to backward
    def forward(self, x0, x1):
        return x0 * x1
    def backward(self, gy):
        x0, x1 = self.inputs
        return gy * x1, gy * x0
W = Variable(np.ones((2, 3))); b = Variable(np.array([1.0, 2.0, 3.0])); (W * b).backward()
W2 = Variable(np.ones((2, 3))); b2 = Variable(np.array([1.0, 2.0, 3.0])); MyMul()(W2, b2).backward()
out["broadcast"] = [list(b.grad.shape), "sum_to" in inspect.getsource(dezero.core.Mul.backward),
                    list(b2.grad.shape)]

out["rpow"] = error(lambda: 2 ** v(3.0))
out["gradient_check"] = list(inspect.signature(dezero.utils.gradient_check).parameters)

src = inspect.getsource(dezero.core.Variable.backward)
out["order"] = ["funcs.sort(" in src, "funcs.pop()" in src, "heapq" in src]
out["gc"] = "gc." in inspect.getsource(dezero.core)

class Broken(Function):
    def forward(self, x):
        return x
    def backward(self, gy):
        raise RuntimeError("broken backward")
p, q, r_ = v(1.0), v(2.0), v(3.0)
y = Broken()(r_) + p * q
error(y.backward)
out["half_written"] = [p.grad is not None, q.grad is not None]

f = F.Sin(); a, b = v(1.0), v(2.0); y1 = f(a); y2 = f(b)
out["twice"] = [error(y1.backward)[0]]

out["np_sin"] = error(lambda: np.sin(v(1.0)))
out["variable_float"] = error(lambda: Variable(1.0))
out["variable_scalar"] = error(lambda: Variable(np.float64(1.0)))
out["pow_variable"] = error(lambda: v(2.0) ** v(2.0))
out["add_str"] = error(lambda: v(1.0) + "a")
out["extras"] = ["values" in inspect.signature(dezero.utils.get_dot_graph).parameters,
                 hasattr(dezero.utils, "graph_stats")]
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """What DeZero does, probe by probe."""
    if importlib.util.find_spec("dezero") is None:
        pytest.fail("dezero (the book's package) is in the test extra: pip install -e '.[test]'")
    home = tmp_path_factory.mktemp("home")
    env = dict(os.environ, HOME=str(home), MPLBACKEND="Agg")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not (Path(p) / "dot").exists())   # no dot: DeZero's shell reports it
    proc = subprocess.run([sys.executable, "-c", DEZERO_PROBES], capture_output=True, text=True, env=env,
                          cwd=home)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 (the probe reports whatever is raised)
        return [type(e).__name__, str(e), isinstance(e, TypeError)]
    return None


def v(x):
    return Variable(np.array(x))


# --- one check per row of the table: (the row's label on the page, the check) --------------------------------

def numbers_in_formulas(book):
    assert book["constant"] == ["Variable", True]               # the 3 of 3 * x gets a gradient
    x = v(2.0)
    y = 3 * x
    y.backward()
    c = y.creator.inputs[1]
    assert type(c).__name__ == "Constant" and c.grad is None


def node_ids(book):
    assert book["dot_ids"] == [False, True]                     # two equal graphs, two different texts
    a, b = v(1.0), v(1.0)
    assert get_dot_graph(a + b) == get_dot_graph(b + a)


def drawing_a_graph(book, tmp_path):
    shell, dot_command, returned, tmp_file = book["plot"]
    assert shell and dot_command and returned and tmp_file     # a shell, ~/.dezero, and no error raised
    assert "shell=True" not in inspect.getsource(tinypytorch.graph)
    target = tmp_path / "g.xyz"
    with pytest.raises(ValueError):
        tinypytorch.graph.plot_dot_graph(v(1.0) + v(1.0), to_file=str(target))
    assert list(tmp_path.iterdir()) == []                      # refused before anything was written


def where_dot_comes_from(book):
    assert book["plot"][1]                                      # DeZero runs the command `dot`
    assert "graphviz-pure" in inspect.getsource(tinypytorch.graph.find_dot)


def data_in_place(book):
    assert book["data_inplace"] == "Variable"
    x = v(2.0)
    (x * x).backward()
    x.data -= 0.1 * x.grad
    assert type(x.data) is np.ndarray and float(x.data) == pytest.approx(1.6)


def data_rebind(book):
    assert book["data_rebind"] == "Variable"
    x = v(2.0)
    (x * x).backward()
    with pytest.raises(TypeError, match=r"x\.grad\.data"):
        x.data = x.data - 0.1 * x.grad
    assert float(x.data) == 2.0


def cleargrad_zero(book):
    assert book["cleargrad"] is None
    x = v(2.0)
    (3 * x).backward(create_graph=True)
    gx = x.grad
    x.cleargrad()
    gx.backward()
    assert float(x.grad.data) == 0.0


def recorded_backward(book):
    assert book["from_backward"] is False
    x = v(2.0)
    (x ** 3).backward(create_graph=True)
    assert x.grad.creator.from_backward is True


def broadcast(book):
    shape, per_operator, own_function_shape = book["broadcast"]
    assert shape == [3] and per_operator          # DeZero's Mul sums back itself ...
    assert own_function_shape == [2, 3]            # ... so a Function of your own gets the wrong shape

    class MyMul(Function):
        def forward(self, x0, x1):
            return x0 * x1

        def backward(self, gy):
            x0, x1 = self.inputs
            return gy * x1, gy * x0

    W, b = Variable(np.ones((2, 3))), Variable(np.array([1.0, 2.0, 3.0]))
    MyMul()(W, b).backward()
    assert b.grad.shape == (3,) and b.grad.data.tolist() == [2.0, 2.0, 2.0]


def rpow(book):
    assert book["rpow"][0] == "TypeError" and "**" in book["rpow"][1]
    y = 2 ** v(3.0)
    assert type(y.creator).__name__ == "ConstantBasePow" and float(y.data) == 8.0


def gradient_checks(book):
    assert "order" not in book["gradient_check"]
    assert gradient_check(lambda x: x ** 4, np.array(1.5), order=3)


def generation_order(book):
    assert book["order"] == [True, True, False]                 # a re-sorted list, popped from its end
    assert "heapq" in inspect.getsource(Variable.backward)


def garbage_collector(book):
    assert book["gc"] is False                                  # DeZero never touches the collector

    seen = []

    class Probe(Function):
        def forward(self, x):
            return x

        def backward(self, gy):
            seen.append(gc.isenabled())
            return gy

    was = gc.isenabled()
    gc.enable()
    try:
        Probe()(v(1.0)).backward()
        assert seen == [False] and gc.isenabled()
    finally:
        if not was:
            gc.disable()


def half_written(book):
    assert book["half_written"] == [True, True]                 # DeZero kept what it wrote before failing

    class Broken(Function):
        def forward(self, x):
            return x

        def backward(self, gy):
            raise RuntimeError("broken backward")

    p, q, r = v(1.0), v(2.0), v(3.0)
    y = Broken()(r) + p * q
    with pytest.raises(RuntimeError, match="broken backward"):
        y.backward()
    assert p.grad is None and q.grad is None


def called_twice(book):
    assert book["twice"] == ["TypeError"]                       # later, in backward of the first graph
    f = F.Sin()
    f(v(1.0))
    with pytest.raises(RuntimeError, match="one node"):
        f(v(2.0))


def np_sin(book):
    assert "no callable sin method" in book["np_sin"][1]
    assert "F.sin(x)" in error(lambda: np.sin(v(1.0)))[1]


def variable_float(book):
    assert book["variable_float"][1] == "<class 'float'> is not supported"
    assert "Variable(np.array(1.0))" in error(lambda: Variable(1.0))[1]


def variable_scalar(book):
    assert book["variable_scalar"][0] == "TypeError"
    x = Variable(np.float64(1.0))
    assert isinstance(x.data, np.ndarray) and x.data.shape == ()


def pow_variable(book):
    assert "unsupported operand type(s) for ** or pow()" in book["pow_variable"][1]
    assert "F.exp(c * F.log(x))" in error(lambda: v(2.0) ** v(2.0))[1]


def add_str(book):
    assert book["add_str"][0] == "UFuncTypeError"
    assert "unsupported operand of type str" in error(lambda: v(1.0) + "a")[1]


def extras(book):
    assert book["extras"] == [False, False]
    assert "values" in inspect.signature(get_dot_graph).parameters
    assert tinypytorch.graph.graph_stats(v(1.0) + v(2.0)).n_functions == 1


ROWS = {
    "Numbers in formulas": numbers_in_formulas,
    "Node ids in DOT text": node_ids,
    "Drawing a graph": drawing_a_graph,
    "Where `dot` comes from": where_dot_comes_from,
    "`x.data -= lr * x.grad`": data_in_place,
    "`x.data = x.data - lr * x.grad`": data_rebind,
    "A gradient that never arrives after `cleargrad()`": cleargrad_zero,
    "Recorded backward functions": recorded_backward,
    "Broadcast gradients": broadcast,
    "`2 ** x`": rpow,
    "Gradient checks": gradient_checks,
    "Functions of one generation": generation_order,
    "The garbage collector": garbage_collector,
    "A backward that fails halfway": half_written,
    "One `Function` instance called twice": called_twice,
    "`np.sin(x)` on a Variable": np_sin,
    "`Variable(1.0)`": variable_float,
    "`Variable(np.float64(1.0))`": variable_scalar,
    "`x ** x`": pow_variable,
    "`x + \"a\"`": add_str,
    "Extras for pictures": extras,
}


def page_rows() -> list[str]:
    table = PAGE.read_text(encoding="utf-8").split("## Every difference", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| \*\*(.+?)\*\*(?= \(| \|)", table, re.M)


def test_every_row_of_the_page_is_checked():
    assert page_rows() == list(ROWS)


@pytest.mark.parametrize("label", list(ROWS))
def test_row(label, book, tmp_path):
    check = ROWS[label]
    if "tmp_path" in inspect.signature(check).parameters:
        check(book, tmp_path)
    else:
        check(book)
