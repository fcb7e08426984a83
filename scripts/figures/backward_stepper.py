"""The backward steppers' figures: a graph numbered in the order a real backward pass visited it, and
the data the page's script (docs/javascripts/backward-stepper.js) replays over it.

A figure module records the pass with ``tinypytorch.graph.BackwardTrace`` around the chapter's own code
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
    from tinypytorch import Constant, Variable
    from tinypytorch.graph import node_ids, short_text

    ids = node_ids(drawn)

    def node(obj):
        if obj not in ids:
            raise ValueError(f"{obj!r} of the trace is not in the picture: draw the outputs it belongs to")
        return ids[obj]

    def name(v):
        if v.name is None:
            raise ValueError(f"the panel names every variable a step receives or sends a gradient to: give "
                             f"{v!r} (made by {type(v.creator).__name__}) a name")
        return v.name

    steps = backward_pass.steps

    def sends(step):  # {input: (gradient sent, its sum so far)}, an input used twice counted once
        return {x: (g, total) for x, g, total in zip(step.inputs, step.grads_out, step.totals) if g is not None}

    # how many steps send each variable a part of its gradient, and how many parts its current sum holds
    senders, parts, taken = {}, {}, set()
    for step in steps:
        for x in sends(step):
            senders[x] = senders.get(x, 0) + 1

    def share(v):
        return f"{parts.get(v, 0)}/{senders[v]}" if parts.get(v, 0) < senders.get(v, 0) else ""

    # when each node appears: 0 for what exists before the pass, k for what step k recorded
    appear = dict.fromkeys(ids, 0)
    recorded = {}
    for step in steps:
        for f in step.created:
            recorded[f] = step.number
            for ref in f.outputs:
                if ref() is not None:
                    recorded[ref()] = step.number
    start = set(node_ids(list(backward_pass.outputs))) | set(backward_pass.seeds)
    for obj in ids:
        if obj in recorded:
            appear[obj] = recorded[obj]
        elif obj not in start and isinstance(obj, Constant):  # a constant first used by a recorded Function
            users = [recorded.get(f, 0) for f in ids if not isinstance(f, Variable) and obj in f.inputs]
            appear[obj] = min(users, default=0)
    seeded = [v for v in backward_pass.outputs if v in ids]

    def state(k):
        return {"done": sorted([ids[v] for v in seeded] + [ids[v] for v in parts if v in ids and not share(v)]),
                "part": sorted(ids[v] for v in parts if v in ids and share(v)),
                "hide": sorted(ids[o] for o, a in appear.items() if a > k),
                "new": sorted(ids[o] for o, a in appear.items() if a == k > 0)}

    entries = [{"fn": None,
                "seed": [[name(y), short_text(g.data)] for y, g in zip(backward_pass.outputs, backward_pass.seeds)],
                **state(0)}]
    for step in steps:
        got = [[name(y), short_text(g.data), share(y)] for y, g in zip(step.outputs, step.grads_in)
               if y is not None and g is not None]
        taken.update(step.outputs)
        for x, (g, total) in sends(step).items():
            # the pass handed x's sum on before this part came (a plain stack does): the part starts a new sum
            parts[x] = 1 if x in taken and total is g else parts.get(x, 0) + 1
            taken.discard(x)
        sent = [[name(x), short_text(g.data), short_text(total.data), share(x)]
                for x, g, total in zip(step.inputs, step.grads_out, step.totals) if g is not None]
        entries.append({"fn": node(step.function), "name": type(step.function).__name__,
                        "gen": step.generation, "got": got, "sent": sent,
                        "made": [type(f).__name__ for f in step.created], **state(step.number)})
    return {"steps": entries}
