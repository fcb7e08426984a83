"""The examples in the docstrings (which become the API pages) run and print what they claim."""

import doctest
import importlib

import pytest

MODULES = ["tinypytorch.core", "tinypytorch.functions", "tinypytorch.gradcheck", "tinypytorch.graph",
           "tinypytorch.render", "tinypytorch.utils"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if name not in ("tinypytorch.graph", "tinypytorch.utils"):
        assert result.attempted > 0, f"{name} has no docstring examples"
