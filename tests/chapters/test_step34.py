"""Step 34 — structure and memory. The listings run, and the chapter's claims are what they print.

Expected values are derived by hand (the diamond y = 2x^4: dy/dx = 64, dy/da = 16; a stack that visits
the creator of a early passes on half its gradient: 32; arrays of 131072 float64 values are 1 MiB each, so
n recorded tanh calls keep n MiB and no_grad keeps at most 2), or by reading the package's source with
regular expressions (independently of the listing's ast walk).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from helpers import ROOT, listing_globals, page_text, run_listing as run_any_listing, states

pytestmark = pytest.mark.step34
STEP = 34
run_listing = partial(run_any_listing, timeout=300)  # this chapter's listings run longer

PKG = ROOT / "tinypytorch"


# --- 1. module layout ---------------------------------------------------------------------------------------

def top_level_and_nested_imports(path: Path) -> tuple[str, str]:
    """The module's source split into column-0 lines and indented lines (regex view, not ast)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    top = "\n".join(line for line in lines if re.match(r"(from|import) ", line))
    nested = "\n".join(line.strip() for line in lines if re.match(r"\s+(from|import) \S", line))
    return top, nested


def test_module_layout_listing_agrees_with_the_source():
    out = run_listing("step34_module_layout.py")
    init_top, init_nested = top_level_and_nested_imports(PKG / "__init__.py")
    for module in ("autograd", "config", "core"):
        names = re.search(rf"^from \.{module} import (.+)$", init_top, re.M).group(1)
        assert f"tinypytorch:" in out and f"    -> {module} ({names})\n" in out
    assert re.search(r"^from \. import ops\b", init_top, re.M) and "    -> ops\n" in out   # attaches the operators
    assert "from . import graph" in init_nested and "-> graph   [lazy]" in out
    assert "from . import render" in init_nested and "-> render   [lazy]" in out

    config_top, config_nested = top_level_and_nested_imports(PKG / "config.py")
    assert "from ." not in config_top + config_nested            # config imports nothing from the package
    assert re.search(r"^config:\n(?!    )", out, re.M)
    core_top, core_nested = top_level_and_nested_imports(PKG / "core.py")
    assert re.findall(r"^from \.(\w+)", core_top, re.M) == ["config"] and "from ." not in core_nested
    names = re.search(r"^from \.config import (.+)$", core_top, re.M).group(1)
    assert re.search(rf"^core:\n    -> config \({re.escape(names)}\)\n    -> numpy\n(?!    )", out, re.M)

    # each working module's package imports, read with regular expressions
    expected = {"autograd": ["core"], "functions": ["core"], "gradcheck": ["core"], "graph": ["core"], "ops": ["config", "core"],
                "render": ["core", "graph"], "trace": ["core", "graph"]}
    for module, targets in expected.items():
        top, _ = top_level_and_nested_imports(PKG / f"{module}.py")
        assert sorted(re.findall(r"^from \.(\w+) import", top, re.M)) == targets, module
        for target in targets:
            names = re.search(rf"^from \.{target} import (.+)$", top, re.M).group(1)
            assert f"    -> {target} ({names})\n" in out.split(f"\n{module}:\n", 1)[1], (module, target)
    # no import against the order, not even inside a function (a nested line starting "from the" is prose)
    assert not any(re.search(r"^(from \.|import tinypytorch)", top_level_and_nested_imports(PKG / f"{m}.py")[1], re.M)
                   for m in expected)
    # trace watches the pass through core's public observer interface: no private name crosses a module
    trace_top, _ = top_level_and_nested_imports(PKG / "trace.py")
    assert "BackwardObserver" in trace_top and not re.search(r"import .*\b_\w", "\n".join(
        top_level_and_nested_imports(PKG / f"{m}.py")[0] for m in expected))
    render_top, render_nested = top_level_and_nested_imports(PKG / "render.py")
    graph_top, graph_nested = top_level_and_nested_imports(PKG / "graph.py")
    assert "graphviz" not in graph_top + graph_nested + render_top + render_nested   # dot runs as a program
    # numpy is the only third-party package imported, and only at load time
    modules = {"autograd", "config", "core", "ops", "functions", "graph", "gradcheck", "render", "trace"}
    third_party = set(re.findall(r"^    -> (\w+)$", out, re.M)) - modules
    assert third_party == {"numpy"} and "-> numpy   [lazy]" not in out


def test_engineering_detail_lives_in_the_api_docs_and_benchmarks():
    """Step 34 teaches; the ast listing and the import measurement are on the API overview, the collector
    notes at the end of the benchmarks page, and the chapter links to both."""
    chapter = page_text(STEP)
    api = (ROOT / "docs" / "api" / "index.md").read_text(encoding="utf-8")
    bench = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    for listing in ("step34_module_layout.py", "step34_import_cost.py"):
        assert listing not in chapter and f'--8<-- "docs/listings/{listing}' in api, listing
    assert "api/index.md#layout" in chapter and "api/index.md#import-cost" in chapter
    assert "## Modules and their imports {#layout}" in api and "## What an import loads {#import-cost}" in api
    assert bench.rstrip().split("\n## ")[-1].startswith("Notes moved from Step 34 {#from-step34}")
    assert '--8<-- "docs/listings/step34_gc_during_backward.py:count"' in bench
    assert "step34_gc_during_backward.py" not in chapter and "pauses the" not in chapter
    assert chapter.count("benchmarks.md#from-step34") == 2 and "W3" not in chapter
    assert "- Overview: api/index.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_import_tinypytorch_loads_config_core_ops_and_autograd_only():
    out = run_listing("step34_import_cost.py")
    assert ("import tinypytorch            loads tinypytorch, tinypytorch.autograd, tinypytorch.config, "
            "tinypytorch.core, tinypytorch.ops\n") in out
    assert "import tinypytorch.functions  loads tinypytorch.functions\n" in out
    assert "tinypytorch.get_dot_graph     loads tinypytorch.graph\n" in out
    assert "matplotlib or graphviz loaded: no" in out


def test_module_diagram_dot_has_every_module_and_edge():
    sys.path.insert(0, str(ROOT))
    from scripts.figures import step34 as figs
    layout = listing_globals("step34_module_layout.py")["layout"]
    dot = figs.module_diagram_dot(layout)
    for module, targets in layout.items():
        for target, (_, lazy) in targets.items():
            edge = re.search(rf'^"{module}" -> "{target}"(.*)$', dot, re.M)
            assert edge, (module, target)
            assert ("dashed" in edge.group(1)) == lazy


def test_the_collector_runs_during_backward_and_finds_nothing():
    """What the benchmarks page (the notes moved from this chapter) says about the collector, and the
    library's behaviour behind it: backward leaves the collector's settings alone, and while Step 32's
    passes run the collector examines objects and frees none. Times are printed, never pinned."""
    out = run_listing("step34_gc_during_backward.py")
    collections = int(re.search(r"^collections while it ran: (\d+)$", out, re.M).group(1))
    examined = int(re.search(r"^objects they examined: +(\d+)$", out, re.M).group(1))
    assert collections > 0 and examined > 0
    assert re.search(r"^objects they freed: +0$", out, re.M)
    on, off = (float(t) for t in re.findall(r"^CPU time, collector [a-z ]+: +(\d+\.\d) ms$", out, re.M))
    assert on > 0 and off > 0 and re.search(r"^ratio: \d+\.\d\d$", out, re.M)
    # the library itself: a pass changes neither the switch nor the thresholds of the collector
    import gc

    import numpy as np

    import tinypytorch.functions as F
    from tinypytorch import Function, Variable

    seen = []

    class Probe(Function):
        def forward(self, x):
            return x

        def backward(self, gy):
            seen.append((gc.isenabled(), gc.get_threshold()))
            return gy

    before = gc.get_threshold()
    gc.set_threshold(123, 4, 5)
    try:
        F.tanh(Probe()(Variable(np.array(1.0)))).backward(create_graph=True)
        assert seen == [(True, (123, 4, 5))] and gc.get_threshold() == (123, 4, 5)
    finally:
        gc.set_threshold(*before)
    bench = " ".join((ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8").split())
    assert "used to pause the collector" in bench and "It no longer does" in bench


def test_the_gc_sentence_says_no_garbage_not_no_cycles():
    for name in ("step34.md", "step34.zh.md"):
        text = " ".join((ROOT / "docs" / "steps" / name).read_text(encoding="utf-8").split())
        assert "makes no cycles for it to find" not in text and "不会产生需要它去发现的循环引用" not in text
    assert states(page_text(STEP), "no garbage", "section 6")
    # and the behaviour the sentence rests on: with create_graph=True x is in a cycle, freed by gc only
    out = run_listing("step34_create_graph_cycle.py")
    assert re.search(r"^True\s+False\s+False\s+True$", out, re.M)


# --- 2. weak references ---------------------------------------------------------------------------------------

def test_graph_freed_at_del_and_strong_cycle_needs_gc():
    out = run_listing("step34_weakref.py")
    assert "after del a: {'a': True, 'Square': True, 'y': True, 'Exp': True}" in out
    assert "after del y: {'a': False, 'Square': False, 'y': False, 'Exp': False}" in out
    assert "strong outputs, after del y:        alive = True" in out
    assert "strong outputs, after gc.collect(): alive = False" in out


# --- 3. generations -------------------------------------------------------------------------------------------

def test_diamond_plain_stack_gives_32_generation_order_gives_64():
    x = 2.0
    assert 8 * x ** 3 == 64                                     # y = 2x^4
    a = x * x
    assert (2 * a) * (2 * x) == 32                              # only one of the two 2a terms reaches x
    out = run_listing("step34_trace.py")
    assert re.search(r"generation:\n(.*\n){4} +dy/dx = variable\(64\.0\)", out)
    assert re.search(r"stack:\n(.*\n){4} +dy/dx = variable\(32\.0\)", out)
    assert states(page_text(STEP), "$dy/dx = 32$", "64")


def test_the_orders_are_shown_from_the_library_source():
    """The queue and the plain stack on the page are the library's own classes, printed at build time."""
    from tinypytorch.core import GenerationQueue
    from tinypytorch.trace import PlainStack

    out = run_listing("step34_show_source.py")
    assert out.startswith("class GenerationQueue:") and "class PlainStack(GenerationQueue):" in out
    assert "heapq.heappush" in out and "queue = watcher.queue()" in out and "f = queue.pop()" in out
    text = page_text(STEP)
    for section in ("queue", "stack"):
        assert f'--8<-- "docs/listings/step34_show_source.py:{section}"' in text
    assert "step34_generations.py" not in text                  # no re-implementation of the pass
    assert issubclass(PlainStack, GenerationQueue) and "kept in the library on purpose" in " ".join(text.split())


def test_same_generation_ties_book_order_and_heap_order():
    out = run_listing("step34_tie_order.py")
    book = "book: Add(gen 2) -> Add(gen 1) -> x*0.5(gen 0) -> x*0.1(gen 0) -> x*0.3(gen 0)"
    heap = "heap: Add(gen 2) -> Add(gen 1) -> x*0.3(gen 0) -> x*0.1(gen 0) -> x*0.5(gen 0)"
    assert book in out and heap in out                      # last found first vs first found first
    # the sums, in plain floats: the book's order and the heap's order add 0.5, 0.1, 0.3 differently
    assert repr((0.5 + 0.1) + 0.3) == "0.8999999999999999" and repr((0.3 + 0.1) + 0.5) == "0.9"
    assert "dy/dx, added in this order: 0.8999999999999999\nheap" in out
    assert out.rstrip().endswith("dy/dx, added in this order: 0.9\ny.backward(): 0.9")  # backward is the heap
    text = " ".join(page_text(STEP).split())
    assert "$(0.5 + 0.1) + 0.3 = 0.8999999999999999$, the heap's $(0.3 + 0.1) + 0.5 = 0.9$" in text
    assert "the order is the same, the cost is not" not in text


def test_the_book_order_of_the_listing_is_dezeros():
    """The listing's `book_order` against the real DeZero (PyPI `dezero`), where it is installed."""
    if importlib.util.find_spec("dezero") is None:
        pytest.skip("compares with the PyPI dezero package when it is installed")
    code = (
        "import numpy as np; np.int = int\n"                   # dezero 0.0.13 still uses np.int
        "import dezero\n"
        "x = dezero.Variable(np.array(1.0))\n"
        "y = x * 0.1 + x * 0.5 + x * 0.3\n"
        "seen = []\n"
        "for v in (y.creator.inputs[0].creator.inputs + y.creator.inputs[1:]):\n"
        "    f = v.creator; orig = f.backward\n"
        "    f.backward = lambda gy, f=f, orig=orig: (seen.append(float(f.inputs[1].data)), orig(gy))[1]\n"
        "y.backward()\n"
        "print(seen, repr(float(x.grad.data)))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[0.5, 0.1, 0.3] 0.8999999999999999"


# --- 4. retain_grad --------------------------------------------------------------------------------------------

def test_retain_grad():
    out = run_listing("step34_retain_grad.py")
    # dy/dx = 8x^3 = 64, dy/da = 4a = 16 (a = 4), dy/db = 1, the seed dy/dy = 1
    assert "x.grad=variable(64.0)  a.grad=None  b.grad=None  y.grad=None" in out
    assert ("x.grad=variable(64.0)  a.grad=variable(16.0)  b.grad=variable(1.0)  y.grad=variable(1.0)"
            in out)
    assert "$\\partial y/\\partial a = 4a = 16$" in page_text(STEP)


# --- 5. no_grad memory -----------------------------------------------------------------------------------------

def test_no_grad_is_per_thread_and_decorates(page):
    out = run_listing("step34_no_grad_threads.py")
    assert "inside no_grad, this thread records: False | another thread records: True" in out
    assert "decorated call records: False | after it: True" in out
    assert '--8<-- "docs/listings/step34_no_grad_threads.py"' in page


def test_no_grad_memory_counts_arrays():
    g = listing_globals("step34_no_grad_memory.py")
    assert g["SIZE"] == 131072 and g["SIZE"] * 8 == 2 ** 20     # one array = 1 MiB
    for n in (1, 2, 4, 8, 16, 32):
        peak_graph, left = g["peak_mib"](n, record_graph=True)
        peak_plain, _ = g["peak_mib"](n, record_graph=False)
        assert n <= peak_graph < n + 0.1                         # n arrays kept, plus the Python objects
        assert min(n, 2) <= peak_plain < min(n, 2) + 0.1         # the old result and the new one
        assert left < 0.01                                       # the graph is gone after del y
    out = run_listing("step34_no_grad_memory.py")
    rows = re.findall(r"^\s*(\d+)\s+(\d+\.\d\d) MiB\s+(\d+\.\d\d) MiB\s+(\d+\.\d\d) MiB$", out, re.M)
    assert [int(r[0]) for r in rows] == [1, 2, 4, 8, 16, 32]
    for n, graph, plain, left in rows:
        n = int(n)
        assert n <= float(graph) < n + 0.1 and float(plain) == min(n, 2) and float(left) == 0.0
    text = page_text(STEP)
    assert states(text, f"{g['SIZE']} float64")
    assert states(text, f"{rows[-1][0]} calls", f"{rows[-1][0]} MiB", f"{float(rows[-1][2]):.0f} MiB")


# --- 6. the create_graph cycle ---------------------------------------------------------------------------------

def test_create_graph_cycle_and_cleargrad():
    out = run_listing("step34_create_graph_cycle.py")
    assert "x.grad.creator:          Mul" in out
    assert "  its input's creator:   Cos" in out
    assert "  whose input is x:      True" in out
    rows = re.findall(r"^(True|False)\s+(True|False)\s+(True|False)\s+(True|False)$", out, re.M)
    assert rows == [("False", "False", "True", "True"), ("True", "False", "False", "True"),
                    ("True", "True", "True", "True")]


# --- try it ------------------------------------------------------------------------------------------------------

def test_pytorchs_warning_recommends_autograd_grad_first():
    """What the page says PyTorch's create_graph warning recommends, against the recorded warning."""
    import json

    recorded = json.loads((ROOT / "docs/listings/pytorch/recorded.json").read_text(encoding="utf-8"))
    warning = re.search(r"^warning: (.*)$", recorded["programs"]["step34_create_graph_cycle.py"]["stdout"],
                        re.M).group(1)
    first, then = warning.index("We recommend using autograd.grad"), warning.index("reset the .grad fields")
    assert first < then
    text = " ".join(page_text(STEP).split())
    assert "Its first recommendation is not to make the cycle at all: `torch.autograd.grad(y, x, create_graph=True)`" \
           " *returns* the gradient" in text
    assert "Only where `backward` must be used does it recommend resetting `.grad` to `None` after use" in text


def test_try_it_which_gradients_make_a_cycle():
    out = run_listing("step34_try_it.py")
    # sin: x.grad = cos(x) uses x; 3 * x: x.grad = 1 * 3, no path to x; exp: x.grad = 1 * y, y's creator holds x
    assert "F.sin(x)  freed at del: False" in out
    assert "3 * x     freed at del: True" in out
    assert "F.exp(x)  freed at del: False" in out
    answer = page_text(STEP).split('??? success "Answer"', 1)[1]
    assert "`F.sin` and `F.exp` make a cycle, `3 * x` does not" in answer
