"""Step 29: the backward pass behind Variable.backward and grad, and the switches it runs under,
printed from the installed package."""
import inspect

from tinypytorch import config, core

print(inspect.getsource(core.backprop))
print(inspect.getsource(config.backward_mode))
