"""Bad input gets a clear error that says what to write: each message names the argument and the fix.

The messages are checked for the words a reader needs (the argument's name, the way out), not to the letter.
"""

from __future__ import annotations

import numpy as np
import pytest

from tinypytorch import Variable, grad, no_grad


def test_with_no_grad_without_parentheses_says_to_add_them():
    with pytest.raises(TypeError, match=r"with no_grad\(\):` with parentheses"):
        with no_grad:
            pass
    assert (Variable(np.array(1.0)) * 2).creator is not None  # and nothing was switched off


def test_a_flag_given_in_the_place_of_grad_outputs_names_grad_outputs_and_the_keyword():
    x = Variable(np.array(2.0))
    with pytest.raises(TypeError, match=r"grad_outputs\[0\].*got bool; grad's third argument is grad_outputs.*"
                                        r"create_graph by keyword"):
        grad(x * 2, x, True)


@pytest.mark.parametrize("call", ["grad(y, x, create_graph='yes')", "grad(y, x, allow_unused=1)",
                                  "y.backward(retain_grad='no')", "y.backward(create_graph=None)"])
def test_flags_must_be_true_or_false(call):
    x = Variable(np.array(2.0))
    y = x * 2
    with pytest.raises(TypeError, match=r"(create_graph|allow_unused|retain_grad) must be True or False"):
        eval(call)
    assert x.grad is None


@pytest.mark.parametrize("bad, words", [(np.array(["a", "b"]), r"grad_outputs\[0\] must hold .*numbers.*<U1"),
                                        (np.array([1j, 2j]), r"grad_outputs\[0\] must hold real numbers.*complex")])
def test_grad_outputs_that_are_not_real_numbers_name_grad_outputs(bad, words):
    x = Variable(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match=words):
        grad(x * 2, x, grad_outputs=bad)


def test_an_input_without_data_is_named():
    x = Variable(np.array(1.0))
    with pytest.raises(ValueError, match=r"inputs\[0\] holds no data"):
        grad(x * 2, Variable(None))


def test_data_replaced_by_another_shape_after_the_forward_pass_is_explained():
    v = Variable(np.ones(3))
    w = v * Variable(np.ones(3))
    v.data = np.ones(5)
    with pytest.raises(ValueError) as caught:
        grad(w, v)
    assert "Mul.backward" in caught.value.__notes__[0] and "replaced" in caught.value.__notes__[0]


def test_numpy_reductions_name_what_to_use_and_never_a_function_that_does_not_exist():
    x = Variable(np.ones(3))
    with pytest.raises(TypeError, match=r"numpy's add\.reduce does not accept a Variable") as caught:
        np.sum(x)
    assert "F.add" not in str(caught.value) and "x.data" in str(caught.value)
    with pytest.raises(TypeError, match=r"F\.sin\(x\) of tinypytorch\.functions"):
        np.sin(x)


def test_the_truth_of_a_variable_is_its_arrays():
    assert bool(Variable(np.array(0.0))) is False and bool(Variable(np.array([3.0]))) is True
    with pytest.raises(ValueError, match="ambiguous"):
        bool(Variable(np.ones(2)))


def test_a_nul_character_in_a_name_is_refused_when_given():
    with pytest.raises(ValueError, match=r"name cannot hold a NUL"):
        Variable(np.array(1.0), name="x\0y")
    x = Variable(np.array(1.0))
    with pytest.raises(ValueError, match=r"name cannot hold a NUL"):
        x.name = "\0"
    assert x.name is None


def test_x_over_x_at_a_huge_value_has_the_derivative_zero():
    # -gy * x0 / x1**2 would overflow x1**2 to inf and give 1e-200; two divisions stay finite, as PyTorch
    x = Variable(np.array(1e200))
    g, = grad(x / x, x)
    assert g.data == 0.0
