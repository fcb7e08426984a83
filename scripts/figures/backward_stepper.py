"""The backward steppers' figures: a graph numbered in the order a real backward pass visited it, and
the data the page's script (docs/javascripts/backward-stepper.js) replays over it.

A figure module records the pass with ``tinypytorch.trace.BackwardTrace`` around the chapter's own code
and calls :func:`draw_stepper`, which writes the picture, ``stepNN-<slug>.svg`` (the still that readers
without JavaScript see: each function labelled ``#k`` by the step that visited or recorded it), and
its data, ``stepNN-<slug>.json``. Nodes are referred to by their DOT ids, which Graphviz writes as the
``<title>`` of each node in the SVG. The data holds numbers and code names only; every word the
viewer shows comes from the page, so one figure serves every language.

The data is ``{"steps": [...]}``: entry 0 is the state before the first step, entry k the state after
step k, each with

- ``fn``: the DOT id of the step's Function (null for entry 0), ``name`` its class and ``gen`` its
  generation;
- ``seed`` (entry 0): ``[output, starting gradient]`` for each output the pass started from;
- ``got``: ``[output, gradient received, parts]`` for each output of the Function, where ``parts`` is
  ``"k/n"`` when only k of the n Functions that send that variable a gradient had sent theirs (the
  mistake a plain stack makes), else ``""``;
- ``sent``: ``[input, gradient sent, the input's gradient so far, parts]`` for each input that got one;
- ``made``: the class names of the Functions the step recorded (``create_graph=True``);
- ``done`` / ``part``: the variables whose gradient is complete / holds only some of its parts;
- ``hide``: the nodes not created yet (recorded by a later step), ``new``: those this step created.
"""

from __future__ import annotations

from scripts.figures import render_dot, save_json


def draw_stepper(path, drawn, trace, *, generations: bool = False) -> None:
    """Draw `drawn` (a Variable or a list) numbered by `trace` (a trace of one pass, or one `BackwardPass`)
    into `path`, and write the stepper's data next to it."""
    from tinypytorch.graph import get_dot_graph
    from tinypytorch.trace import BackwardTrace

    one_pass = trace.passes[0] if isinstance(trace, BackwardTrace) and len(trace.passes) == 1 else trace
    dot = get_dot_graph(drawn, verbose=False, trace=one_pass, generations=generations)
    data = stepper_data(drawn, one_pass)
    render_dot(dot, path)
    save_json(data, path)


def stepper_data(drawn, backward_pass) -> dict:
    """The viewer's data for `backward_pass`, a `BackwardPass`, over the picture of `drawn` (see above)."""
    from tinypytorch.graph import node_ids

    ids = node_ids(drawn)
    appears = appearances(ids, backward_pass)
    parts = GradientParts(backward_pass.steps)
    seeded = [v for v in backward_pass.outputs if v in ids]

    def state(k: int) -> dict:
        return {"done": sorted([ids[v] for v in seeded] + [ids[v] for v in parts.complete() if v in ids]),
                "part": sorted(ids[v] for v in parts.partial() if v in ids),
                "hide": sorted(ids[o] for o, at in appears.items() if at > k),
                "new": sorted(ids[o] for o, at in appears.items() if at == k > 0)}

    entries = [{"fn": None, "seed": [[variable_name(y), number_text(g)]
                                     for y, g in zip(backward_pass.outputs, backward_pass.seeds)], **state(0)}]
    for step in backward_pass.steps:
        entries.append({**step_entry(step, ids, parts), **state(step.number)})
    return {"steps": entries}


def number_text(gradient) -> str:
    """The numbers of a gradient as the graph's labels write them."""
    from tinypytorch.graph import short_text

    return short_text(gradient.data)


def variable_name(v) -> str:
    if v.name is None:
        raise ValueError(f"the panel names every variable a step receives or sends a gradient to: give "
                         f"{v!r} (made by {type(v.creator).__name__}) a name")
    return v.name


def node_id(ids: dict, obj) -> str:
    if obj not in ids:
        raise ValueError(f"{obj!r} of the trace is not in the picture: draw the outputs it belongs to")
    return ids[obj]


def sends(step) -> dict:
    """``{input: (gradient sent, the input's sum so far)}`` for the inputs `step` sent a gradient to (an
    input used twice counted once)."""
    return {x: (g, total) for x, g, total in zip(step.inputs, step.grads_out, step.totals) if g is not None}


def recorded_at(steps) -> dict:
    """``{node: k}`` for the Functions step k recorded (``create_graph=True``) and their outputs."""
    recorded = {}
    for step in steps:
        for f in step.created:
            recorded[f] = step.number
            recorded.update({ref(): step.number for ref in f.outputs if ref() is not None})
    return recorded


def appearances(ids: dict, backward_pass) -> dict:
    """When each node of the picture appears: 0 for what exists before the pass, k for what step k
    recorded; a Constant first used by a recorded Function appears with it."""
    from tinypytorch import Constant, Variable
    from tinypytorch.graph import node_ids

    recorded = recorded_at(backward_pass.steps)
    before = set(node_ids(list(backward_pass.outputs))) | set(backward_pass.seeds)
    functions = [f for f in ids if not isinstance(f, Variable)]
    appears = {}
    for obj in ids:
        if obj in recorded:
            appears[obj] = recorded[obj]
        elif obj not in before and isinstance(obj, Constant):
            appears[obj] = min((recorded.get(f, 0) for f in functions if obj in f.inputs), default=0)
        else:
            appears[obj] = 0
    return appears


class GradientParts:
    """Step by step, how many of the parts of each variable's gradient its current sum holds."""

    def __init__(self, steps) -> None:
        self.senders: dict = {}   # variable -> how many steps send it a part of its gradient
        for step in steps:
            for x in sends(step):
                self.senders[x] = self.senders.get(x, 0) + 1
        self.held: dict = {}      # variable -> how many parts its current sum holds
        self.handed_on: set = set()  # variables whose sum the pass has passed on to their creator

    def share(self, v) -> str:
        """``"k/n"`` while v's sum holds k of its n parts, else ``""``."""
        held = self.held.get(v, 0)
        return f"{held}/{self.senders[v]}" if held < self.senders.get(v, 0) else ""

    def complete(self) -> list:
        return [v for v in self.held if not self.share(v)]

    def partial(self) -> list:
        return [v for v in self.held if self.share(v)]

    def take(self, step) -> None:
        """`step` passed its outputs' sums on and sent its inputs their parts."""
        self.handed_on.update(step.outputs)
        for x, (g, total) in sends(step).items():
            # the pass handed x's sum on before this part came (a plain stack does): the part starts a new sum
            self.held[x] = 1 if x in self.handed_on and total is g else self.held.get(x, 0) + 1
            self.handed_on.discard(x)


def step_entry(step, ids: dict, parts: GradientParts) -> dict:
    """What step k did: the gradients its Function got and sent, and what it recorded."""
    got = [[variable_name(y), number_text(g), parts.share(y)] for y, g in zip(step.outputs, step.grads_in)
           if y is not None and g is not None]
    parts.take(step)
    sent = [[variable_name(x), number_text(g), number_text(total), parts.share(x)]
            for x, g, total in zip(step.inputs, step.grads_out, step.totals) if g is not None]
    return {"fn": node_id(ids, step.function), "name": type(step.function).__name__, "gen": step.generation,
            "got": got, "sent": sent, "made": [type(f).__name__ for f in step.created]}
