"""Step 31: print the source of Sin and Cos from the installed package."""
import inspect

import tinypytorch.functions as F

for cls in (F.Sin, F.Cos):
    print(inspect.getsource(cls))
