"""Step 34: the module layout, read from the package's own imports."""
# --8<-- [start:imports]
import ast
import sys
from pathlib import Path

import tinypytorch

PACKAGE = Path(tinypytorch.__file__).parent


def imports(path):
    """(target, names, lazy) for each import of a package module or a
    third-party package in `path`; the standard library is left out.
    `lazy`: the import sits inside a function, so it runs on the first
    call of that function, not when the module is loaded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        lazy = id(node) not in top_level
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:              # from .core import Function
                names = [a.name for a in node.names]
                found.append((node.module, names, lazy))
            else:                        # from . import graph
                found += [(a.name, [], lazy) for a in node.names]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                modules = [node.module]
            for top in {m.split(".")[0] for m in modules}:
                if top not in sys.stdlib_module_names | {"__future__"}:
                    found.append((top, [], lazy))
    return found


layout = {}          # module -> {target: (names, lazy)}
for path in sorted(PACKAGE.glob("*.py")):
    module = "tinypytorch" if path.stem == "__init__" else path.stem
    targets = {}
    for target, names, lazy in imports(path):
        old_names, old_lazy = targets.get(target, ([], True))
        new = [n for n in names if n not in old_names]
        targets[target] = (old_names + new, old_lazy and lazy)
    layout[module] = targets
# --8<-- [end:imports]

# --8<-- [start:print]
for module, targets in layout.items():
    print(f"{module}:")
    for target, (names, lazy) in sorted(targets.items()):
        what = f" ({', '.join(names)})" if names else ""
        when = "   [lazy]" if lazy else ""
        print(f"    -> {target}{what}{when}")
# --8<-- [end:print]
