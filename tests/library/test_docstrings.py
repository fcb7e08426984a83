"""The examples in the docstrings (which become the API pages) run and print what they claim.

Every module of the package is run, found by listing the package, so a new module is covered without
being named here. A module in WITHOUT_EXAMPLES is expected to have none; once it gains some, it must leave
the list, so the list cannot go stale.
"""

import doctest
import importlib
import pkgutil

import pytest

import tinypytorch

MODULES = ["tinypytorch"] + [f"tinypytorch.{m.name}" for m in pkgutil.iter_modules(tinypytorch.__path__)]
#: the package's face and the book's import path re-export names documented elsewhere; ops documents its
#: Functions and operators in prose only
WITHOUT_EXAMPLES = {"tinypytorch", "tinypytorch.utils", "tinypytorch.ops", "tinypytorch.core_simple"}  # re-exports and operators


def test_the_modules_are_listed():
    assert {"tinypytorch.config", "tinypytorch.core", "tinypytorch.autograd", "tinypytorch.ops",
            "tinypytorch.functions", "tinypytorch.gradcheck", "tinypytorch.graph", "tinypytorch.trace",
            "tinypytorch.render", "tinypytorch.utils"} <= set(MODULES)
    assert WITHOUT_EXAMPLES <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if name in WITHOUT_EXAMPLES:
        assert result.attempted == 0, f"{name} has docstring examples now: take it out of WITHOUT_EXAMPLES"
    else:
        assert result.attempted > 0, f"{name} has no docstring examples"
