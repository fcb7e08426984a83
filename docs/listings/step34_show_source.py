"""Step 34: the generation order and Step 34's plain stack, printed from the installed package."""
# --8<-- [start:queue]
import inspect

from tinypytorch import core

print(inspect.getsource(core.GenerationQueue))
print("# the lines of the backward pass (core.backprop) that use it:")
for line in inspect.getsource(core.backprop).splitlines():
    if "queue" in line:
        print(line)
# --8<-- [end:queue]

# --8<-- [start:stack]
import inspect

from tinypytorch import trace

print(inspect.getsource(trace.PlainStack))
# --8<-- [end:stack]
