"""The package as a whole: what an import loads, the book's import paths, a step-keyed docstring on every
public name."""

import ast
import inspect
import re
import subprocess
import sys

from pathlib import Path

import pytest

import tinypytorch
import tinypytorch.autograd
import tinypytorch.config
import tinypytorch.core
import tinypytorch.functions
import tinypytorch.gradcheck
import tinypytorch.graph
import tinypytorch.ops
import tinypytorch.render
import tinypytorch.trace

STEP_KEY = re.compile(r"\b(Step (2[5-9]|3[0-4])|Part 1–2)\b")
ORIGIN = re.compile(r"\b(From Part 1–2|Introduced in Step \d\d)")  # where a name comes from
MODULES = [tinypytorch.config, tinypytorch.core, tinypytorch.autograd, tinypytorch.ops, tinypytorch.functions, tinypytorch.gradcheck,
           tinypytorch.graph, tinypytorch.trace, tinypytorch.render]


HEAVY = ("matplotlib", "graphviz", "IPython", "scipy", "pandas")


@pytest.mark.parametrize("imported, not_loaded", [
    # `import tinypytorch` loads numpy and the core: the graph and render modules wait for first use
    ("tinypytorch, tinypytorch.functions, tinypytorch.gradcheck",
     ("tinypytorch.graph", "tinypytorch.render") + HEAVY),
    ("tinypytorch.graph", ("tinypytorch.render",) + HEAVY),  # the lesson draws nothing
    ("tinypytorch.render", HEAVY),                            # it runs `dot`, no Python Graphviz package
])
def test_an_import_loads_only_what_it_needs(imported, not_loaded):
    code = f"import sys, {imported}; print([m for m in {not_loaded!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def public_names():
    """(qualified name, object, its class or None) for every public name that can have a docstring."""
    seen = set()
    for module in MODULES + [tinypytorch]:
        for name in module.__all__:
            obj = getattr(module, name)
            if not callable(obj) or id(obj) in seen:
                continue  # a constant such as render.FORMATS (see its module's docstring), or a re-export
            seen.add(id(obj))
            yield f"{module.__name__}.{name}", obj, None
            if inspect.isclass(obj) and obj.__module__.startswith("tinypytorch"):
                for attr, member in vars(obj).items():
                    if attr in ("forward", "backward") and obj is not tinypytorch.core.Function:
                        continue  # an operation's class docstring documents its forward and backward
                    if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                        yield f"{module.__name__}.{name}.{attr}", member, obj


@pytest.mark.parametrize("qualname, obj, owner", list(public_names()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_public_name_has_a_step_key_said_once(qualname, obj, owner):
    """A module's public name carries its step key ("Introduced in Step 29", "From Part 1–2", "Changed in
    Step 34: ..."). A method or property is as old as its class, whose docstring says so once: it names a
    step only where it differs (its own "Changed in Step NN"), and never repeats its class's origin."""
    doc = inspect.getdoc(obj)
    assert doc, f"{qualname} has no docstring"
    if owner is None:
        assert STEP_KEY.search(doc), f"{qualname}: docstring names no step ('Step NN' or 'Part 1–2'): {doc[:80]!r}"
        return
    origin = ORIGIN.search(inspect.getdoc(owner))
    assert origin or STEP_KEY.search(doc), f"{qualname}: neither it nor its class says where it comes from"
    assert not origin or origin[0] not in doc, f"{qualname} repeats {origin[0]!r}: say it once, on the class"


def test_the_books_import_paths():
    # the book writes `from dezero import Variable` and `from dezero.utils import plot_dot_graph`;
    # only the package name changes here
    from tinypytorch import graph, gradcheck, render, utils

    for name in ("Variable", "Function", "as_variable", "as_array"):
        assert getattr(tinypytorch, name) is getattr(tinypytorch.core, name) and name in tinypytorch.__all__, name
    assert tinypytorch.grad is tinypytorch.autograd.grad
    for name in ("no_grad", "using_config", "Config"):
        assert getattr(tinypytorch, name) is getattr(tinypytorch.config, name) and name in tinypytorch.__all__, name
    assert tinypytorch.get_dot_graph is graph.get_dot_graph and tinypytorch.plot_dot_graph is render.plot_dot_graph
    assert utils.plot_dot_graph is render.plot_dot_graph and utils.get_dot_graph is graph.get_dot_graph
    assert utils.numerical_grad is gradcheck.numerical_grad and utils.sum_to is tinypytorch.core.sum_to


# ---------------------------------------------------------------------------------------------------------
# Budgets: growth is a decision, not a surprise
# ---------------------------------------------------------------------------------------------------------

PACKAGE = Path(tinypytorch.__file__).parent
#: lines per module. core holds the graph's nodes and its pass, which cannot be split without an import
#: cycle (Variable.backward runs the pass; the pass makes Variables and Functions); 40% of it is docstrings,
#: and what the chapters print of it (the pass, the queue) keeps to 88 columns, the width of a code block.
#: render documents its overwrite rule and checks each destination before drawing (190 docstring lines)
MODULE_LINES = {"core.py": 690, "render.py": 480}
MODULE_LINES_DEFAULT = 450
FUNCTION_CODE_LINES, FUNCTION_COMPLEXITY = 40, 12
PASS_CODE_LINES, PASS_COMPLEXITY = 35, 10


def complexity(function: ast.AST) -> int:
    """McCabe's cyclomatic complexity: 1 + each branch point (if, loop, except, boolean operator, comprehension)."""
    branches = 0
    for node in ast.walk(function):
        if isinstance(node, (ast.If, ast.IfExp, ast.For, ast.While, ast.ExceptHandler, ast.Assert)):
            branches += 1
        elif isinstance(node, ast.BoolOp):
            branches += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            branches += 1 + len(node.ifs)
    return 1 + branches


def code_lines(function: ast.AST, source: list[str]) -> int:
    """Lines of a function that are neither its docstring, blank, nor a comment."""
    body = function.body
    has_doc = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and \
        isinstance(body[0].value.value, str)
    doc = range(body[0].lineno, body[0].end_lineno + 1) if has_doc else range(0)
    return sum(1 for n in range(function.lineno, function.end_lineno + 1)
               if n not in doc and source[n - 1].strip() and not source[n - 1].strip().startswith("#"))


def functions():
    for path in sorted(PACKAGE.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield f"{path.name}:{node.lineno} {node.name}", node, text.splitlines()


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_each_module_keeps_its_line_budget(path):
    budget = MODULE_LINES.get(path.name, MODULE_LINES_DEFAULT)
    assert len(path.read_text(encoding="utf-8").splitlines()) <= budget


def test_no_library_function_is_long_or_tangled():
    over = [f"{where}: {code_lines(node, lines)} lines, complexity {complexity(node)}"
            for where, node, lines in functions()
            if code_lines(node, lines) > FUNCTION_CODE_LINES or complexity(node) > FUNCTION_COMPLEXITY]
    assert over == []


def test_the_backward_pass_fits_on_one_screen():
    (node, lines), = [(node, lines) for where, node, lines in functions() if where.endswith(" backprop")]
    assert code_lines(node, lines) <= PASS_CODE_LINES and complexity(node) <= PASS_COMPLEXITY


def test_the_budget_checks_fire_on_a_long_tangled_function():
    tangled = "def f(x):\n" + "".join(f"    if x == {i} and x or x:\n        x += {i}\n" for i in range(25))
    node = ast.parse(tangled).body[0]
    assert code_lines(node, tangled.splitlines()) == 51 and complexity(node) == 76
    documented = 'def g():\n    """Doc.\n\n    More."""\n    # a comment\n\n    return 1\n'
    assert code_lines(ast.parse(documented).body[0], documented.splitlines()) == 2
