"""Step 29: broadcasting forward, summing back in backward, and a number to the power of a Variable."""
# --8<-- [start:broadcast]
import numpy as np

from tinypytorch import Variable

W = Variable(np.array([[1.0, 2.0, 3.0],
                       [4.0, 5.0, 6.0]]))      # shape (2, 3)
b = Variable(np.array([10.0, 20.0, 30.0]))     # shape (3,): one row
y = W * b                                      # numpy copies b to each row
y.backward(create_graph=True)

print("y.shape:", y.shape)
print("W.grad: ", W.grad.data.tolist())        # b, in every row
print("b.grad: ", b.grad.data.tolist())        # the rows of W, summed
print("b.grad was made by", type(b.grad.creator).__name__)
# --8<-- [end:broadcast]

# --8<-- [start:second]
gb = b.grad
b.cleargrad()
W.cleargrad()
gb.backward()                        # differentiate sum(b.grad) again
print("d(sum of b.grad)/dW:", W.grad.data.tolist())
# --8<-- [end:second]

# --8<-- [start:sum_to]
from tinypytorch.core import broadcast_to, sum_to

x = Variable(np.array([1.0, 2.0, 3.0]))
y = broadcast_to(x, (2, 3))          # a Function: its backward is sum_to
y.backward()
print("broadcast_to(x, (2, 3)):", y.data.tolist())
print("    x.grad:", x.grad.data.tolist())

x = Variable(np.ones((2, 3)))
y = sum_to(x, (3,))                  # a Function: its backward is broadcast_to
y.backward()
print("sum_to(x, (3,)):", y.data.tolist())
print("    x.grad:", x.grad.data.tolist())
# --8<-- [end:sum_to]

# --8<-- [start:rpow]
x = Variable(np.array(3.0))
y = 2 ** x                           # y = 8; dy/dx = 2^x ln 2
y.backward(create_graph=True)
gx = x.grad
x.cleargrad()
gx.backward()                        # d2y/dx2 = 2^x (ln 2)^2
print(f"2 ** x = {float(y.data)}, dy/dx = {float(gx.data):.6f}, "
      f"d2y/dx2 = {float(x.grad.data):.6f}")
print("made by", type(y.creator).__name__)
# --8<-- [end:rpow]
