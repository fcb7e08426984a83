"""Step 34: what `import tinypytorch` loads, in a fresh interpreter."""
import subprocess
import sys

code = """
import sys

seen = set()

def newly_loaded():
    now = {m for m in sys.modules if m.startswith("tinypytorch")}
    new = sorted(now - seen)
    seen.update(now)
    return ", ".join(new)

import tinypytorch
print("import tinypytorch            loads", newly_loaded())
import tinypytorch.functions as F
print("import tinypytorch.functions  loads", newly_loaded())
tinypytorch.get_dot_graph       # the first use of a graph name
print("tinypytorch.get_dot_graph     loads", newly_loaded())
heavy = {"matplotlib", "graphviz"} & {m.split(".")[0] for m in sys.modules}
print("matplotlib or graphviz loaded:", sorted(heavy) or "no")
"""
run = subprocess.run([sys.executable, "-c", code],
                     capture_output=True, text=True, check=True)
print(run.stdout, end="")
