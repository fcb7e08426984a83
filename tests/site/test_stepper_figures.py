"""The backward steppers' figures (Steps 29, 33, 34): each SVG and the trace data written next to it agree,
node for node, and the numbers are the chapters' (derived by hand: see tests/library/test_trace.py and the chapters).

The pictures and the data come from one figure build (the session's `figures` fixture).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from conftest import FIGURES_OUT, Run

SVG = "{http://www.w3.org/2000/svg}"
STEPPERS = ["step29-gradient-graph-growing", "step33-double-backprop-steps",
            "step34-diamond-by-generation", "step34-diamond-plain-stack"]


def picture(name: str) -> dict[int, dict]:
    """DOT id -> {"text": the label's lines, "dashed": drawn dashed} for each node of the SVG."""
    root = ET.parse(FIGURES_OUT / f"{name}.svg").getroot()
    nodes = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node":
            shapes = [e for e in g if e.tag in (f"{SVG}polygon", f"{SVG}ellipse")]
            nodes[int(g.find(f"{SVG}title").text)] = {
                "text": [t.text or "" for t in g.iter(f"{SVG}text")],
                "dashed": any(s.get("stroke-dasharray") for s in shapes)}
    return nodes


def steps(name: str) -> list[dict]:
    return json.loads((FIGURES_OUT / f"{name}.json").read_text(encoding="utf-8"))["steps"]


@pytest.mark.parametrize("name", STEPPERS)
def test_each_step_points_at_the_node_numbered_for_it(figures: Run, name: str) -> None:
    assert f"{name}.svg" in figures.names
    nodes, entries = picture(name), steps(name)
    assert entries[0]["fn"] is None and entries[0]["seed"]
    assert entries[-1]["hide"] == [] and len(entries) >= 5
    for k, entry in enumerate(entries):
        for key in ("done", "part", "hide", "new"):
            assert set(entry[key]) <= set(nodes), (k, key)
        if k:
            label = nodes[entry["fn"]]["text"][0]
            assert label.startswith(f"#{k} ") and label.split()[1] == entry["name"], (k, label)
            assert entry["fn"] not in entry["hide"]
            new_functions = sorted(nodes[i]["text"][0].split()[1] for i in entry["new"]
                                   if nodes[i]["text"] and nodes[i]["text"][0].startswith(f"#{k} "))
            assert new_functions == sorted(entry["made"]), k  # what the step recorded appears with it
            assert set(entries[k - 1]["hide"]) - set(entry["new"]) == set(entry["hide"])


def test_the_diamond_in_both_orders(figures: Run) -> None:
    by_generation, stack = steps("step34-diamond-by-generation"), steps("step34-diamond-plain-stack")
    assert [e.get("name") for e in by_generation] == [None, "Add", "Square", "Square", "Square"]
    assert [e.get("gen") for e in by_generation] == [None, 2, 1, 1, 0]
    assert [e.get("gen") for e in stack] == [None, 2, 1, 0, 1]
    assert by_generation[4]["got"] == [["a", "16", ""]] and by_generation[4]["sent"] == [["x", "64", "64", ""]]
    # the plain stack runs the creator of a with one of its two parts, 8, and never again
    assert stack[3]["got"] == [["a", "8", "1/2"]] and stack[3]["sent"] == [["x", "32", "32", ""]]
    # the second 8 comes after the pass handed a's sum on: it starts a new sum that nothing reads
    assert stack[4]["sent"] == [["a", "8", "8", "1/2"]]
    nodes = picture("step34-diamond-plain-stack")
    a = next(i for i, n in nodes.items() if n["text"] == ["a"])
    assert all(a in stack[k]["part"] and a not in stack[k]["done"] for k in (2, 3, 4))
    assert a in by_generation[3]["done"] and by_generation[3]["sent"] == [["a", "8", "16", ""]]


def test_step29_starts_from_the_forward_graph_and_records_the_dashed_nodes(figures: Run) -> None:
    nodes, entries = picture("step29-gradient-graph-growing"), steps("step29-gradient-graph-growing")
    dashed = {i for i, n in nodes.items() if n["dashed"]}
    assert len(dashed) == 9 + 9                                         # 9 recorded functions, 9 outputs
    # hidden at first: those, and the constants 4 and 2 of the Pow backwards (4 * x**3 * gy, 2 * x**1 * gy)
    assert sorted(nodes[i]["text"] for i in set(entries[0]["hide"]) - dashed) == [["2"], ["4"]]
    assert dashed <= set(entries[0]["hide"])
    assert [e["made"] for e in entries[1:]] == [["Neg"], ["Mul"], ["Pow", "Mul", "Mul"], ["Pow", "Mul", "Mul", "Add"]]
    assert entries[0]["seed"] == [["y", "1"]]
    assert [e["sent"] for e in entries[3:]] == [[["x", "32", "32", "1/2"]], [["x", "-8", "24", ""]]]


def test_step33_second_pass_sends_x_two_parts(figures: Run) -> None:
    entries = steps("step33-double-backprop-steps")
    assert entries[0]["seed"] == [["z", "1"]] and all(e["hide"] == [] and e["made"] == [] for e in entries[1:])
    assert [e["sent"] for e in entries[5:]] == [[["x", "4", "4", "1/2"]], [["x", "96", "100", ""]]]
