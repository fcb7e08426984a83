"""Step 34: no_grad is the calling thread's switch, and it decorates functions too."""
import threading

import numpy as np

from tinypytorch import Variable, no_grad

x = Variable(np.array(3.0))


def records(x):
    """True when the multiplication is recorded, i.e. it has a creator."""
    return (x * x).creator is not None


seen = {}
with no_grad():                       # off in this thread only
    other = threading.Thread(target=lambda: seen.update(other=records(x)))
    other.start()
    other.join()
    seen["this"] = records(x)
print("inside no_grad, this thread records:", seen["this"],
      "| another thread records:", seen["other"])


@no_grad()                            # every call of evaluate runs without a graph
def evaluate(x):
    return records(x)


print("decorated call records:", evaluate(x), "| after it:", records(x))
