"""The package as a whole: what an import loads, the book's import paths, a step-keyed docstring on every
public name."""

import inspect
import re
import subprocess
import sys

import pytest

import tinypytorch
import tinypytorch.core
import tinypytorch.functions
import tinypytorch.gradcheck

STEP_KEY = re.compile(r"\b(Step (2[5-9]|3[0-4])|Part 1–2)\b")
MODULES = [tinypytorch.core, tinypytorch.functions, tinypytorch.gradcheck]


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


def public_objects():
    for module in MODULES + [tinypytorch]:
        for name in module.__all__:
            obj = getattr(module, name)
            yield f"{module.__name__}.{name}", obj
            if inspect.isclass(obj) and obj.__module__.startswith("tinypytorch"):
                for attr, member in vars(obj).items():
                    if attr in ("forward", "backward") and obj is not tinypytorch.core.Function:
                        continue  # an operation's class docstring documents its forward and backward
                    if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                        yield f"{module.__name__}.{name}.{attr}", member


@pytest.mark.parametrize("qualname,obj", list(public_objects()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_public_name_has_a_step_keyed_docstring(qualname, obj):
    doc = inspect.getdoc(obj)
    assert doc, f"{qualname} has no docstring"
    assert STEP_KEY.search(doc), f"{qualname}: docstring names no step ('Step NN' or 'Part 1–2'): {doc[:80]!r}"


def test_the_books_import_paths():
    # the book writes `from dezero import Variable` and `from dezero.utils import plot_dot_graph`;
    # only the package name changes here
    from tinypytorch import graph, gradcheck, render, utils

    for name in ("Variable", "Function", "as_variable", "no_grad", "using_config", "Config", "as_array", "grad"):
        assert getattr(tinypytorch, name) is getattr(tinypytorch.core, name) and name in tinypytorch.__all__, name
    assert tinypytorch.get_dot_graph is graph.get_dot_graph and tinypytorch.plot_dot_graph is render.plot_dot_graph
    assert utils.plot_dot_graph is render.plot_dot_graph and utils.get_dot_graph is graph.get_dot_graph
    assert utils.numerical_grad is gradcheck.numerical_grad and utils.sum_to is tinypytorch.core.sum_to
