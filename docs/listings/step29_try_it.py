"""Step 29, "Try it": the third derivative of f(x) = x^4 - 2x^2 at x = 2."""
import numpy as np

from tinypytorch import Variable

x = Variable(np.array(2.0))
y = x ** 4 - 2 * x ** 2
y.backward(create_graph=True)
gx = x.grad                       # f'(x), a graph

x.cleargrad()
gx.backward(create_graph=True)    # record this pass too
gx2 = x.grad                      # f''(x), a graph

x.cleargrad()
gx2.backward()
print("f'''(2) =", x.grad)
