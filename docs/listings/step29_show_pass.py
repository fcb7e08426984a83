"""Step 29: the backward pass behind Variable.backward and grad, printed from the installed package."""
import inspect

from tinypytorch import core

print(inspect.getsource(core._backprop))
