"""The package as a whole: what an import loads, the book's import paths, a step-keyed docstring on every
public name."""

import inspect
import re
import subprocess
import sys

import pytest

import tinypytorch
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
MODULES = [tinypytorch.config, tinypytorch.core, tinypytorch.ops, tinypytorch.functions, tinypytorch.gradcheck,
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

    for name in ("Variable", "Function", "as_variable", "as_array", "grad"):
        assert getattr(tinypytorch, name) is getattr(tinypytorch.core, name) and name in tinypytorch.__all__, name
    for name in ("no_grad", "using_config", "Config"):
        assert getattr(tinypytorch, name) is getattr(tinypytorch.config, name) and name in tinypytorch.__all__, name
    assert tinypytorch.get_dot_graph is graph.get_dot_graph and tinypytorch.plot_dot_graph is render.plot_dot_graph
    assert utils.plot_dot_graph is render.plot_dot_graph and utils.get_dot_graph is graph.get_dot_graph
    assert utils.numerical_grad is gradcheck.numerical_grad and utils.sum_to is tinypytorch.core.sum_to
