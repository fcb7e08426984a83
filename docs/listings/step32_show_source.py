"""Step 32: print the source of Tanh from the installed package."""
import inspect

import tinypytorch.functions as F

print(inspect.getsource(F.Tanh))
