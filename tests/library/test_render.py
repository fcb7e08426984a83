"""Tests for tinypytorch.render: drawing with a real `dot`, files written whole or not at all, Jupyter display,
large graphs (a warning before, a timeout that stops `dot`), and the errors a user meets.

The checks of the user's path near the end use only the book's import path
(`from tinypytorch import plot_dot_graph`).
Render tests print which `dot` they used (see it with `pytest -s`).
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import tinypytorch.functions as F
import tinypytorch.render as render
from tinypytorch import Variable, plot_dot_graph
from tinypytorch.graph import get_dot_graph
from tinypytorch.render import (Graph, GraphvizNotFoundError, GraphvizRenderError, GraphvizTimeoutError,
                                LargeGraphWarning, find_dot)

pytestmark = pytest.mark.step25

ROOT = Path(__file__).resolve().parents[2]
SVG_HEAD = b"<?xml"
PNG_HEAD = b"\x89PNG\r\n\x1a\n"
SCRIPTS = sysconfig.get_path("scripts")  # where pip put graphviz-pure for this interpreter


@pytest.fixture
def dot():
    """The dot program the renders use; printed so `pytest -s` shows which one ran."""
    path = find_dot()  # raises GraphvizNotFoundError, failing the test: the test environment must have one
    print(f"\n[dot used: {path}]")
    return path


@pytest.fixture
def pure_dot(monkeypatch):
    """Make graphviz-pure the `dot` in use (PATH holds only its folder), as on a pip-only machine."""
    pure = Path(SCRIPTS) / ("graphviz-pure.exe" if os.name == "nt" else "graphviz-pure")
    assert pure.is_file(), "the test extra installs graphviz-pure"
    monkeypatch.setenv("PATH", SCRIPTS)
    assert Path(find_dot()).stem == "graphviz-pure"
    return str(pure)


@pytest.fixture
def spawned(monkeypatch):
    """The processes drawing starts, recorded (behaviour unchanged) so a test can check they are gone."""
    started = []

    class RecordingPopen(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(subprocess, "Popen", RecordingPopen)
    return started


def goldstein_z():
    x, y = Variable(np.array(1.0), name="x"), Variable(np.array(1.0), name="y")
    z = (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2)) * \
        (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y + 27 * y ** 2))
    z.name = "z"
    return z


def tanh_derivative(order):
    """The order-th derivative of tanh at 1 as a graph (order 8: 2,571 functions, 5,158 nodes)."""
    x = Variable(np.array(1.0), name="x")
    derivative = F.tanh(x)
    for _ in range(order):
        x.cleargrad()
        derivative.backward(create_graph=True)
        derivative = x.grad
    return derivative


# ---------------------------------------------------------------------------------------------------------
# Drawing to a file
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ext, head", [("svg", SVG_HEAD), ("png", PNG_HEAD), ("jpg", b"\xff\xd8\xff")])
def test_plot_dot_graph_writes_image(tmp_path, dot, ext, head):
    out = tmp_path / f"goldstein.{ext}"
    g = plot_dot_graph(goldstein_z(), to_file=str(out))
    assert out.read_bytes().startswith(head)
    assert isinstance(g, Graph) and repr(g) == "<Graph: 38 functions, 57 variables>"
    assert os.listdir(tmp_path) == [out.name]                     # no temporary file left behind


def test_svg_file_is_what_jupyter_shows(tmp_path, dot, spawned):
    out = tmp_path / "g.svg"
    g = plot_dot_graph(goldstein_z(), to_file=out)
    assert g._repr_svg_() == out.read_text(encoding="utf-8")
    assert len(spawned) == 1                                      # drawn once, shown from the same bytes


def test_pdf_written_or_refused_clearly(tmp_path, dot):
    out = tmp_path / "g.pdf"
    try:
        plot_dot_graph(goldstein_z(), to_file=out)
    except GraphvizRenderError as exc:                            # graphviz-pure has no pdf writer (yet)
        assert "graphviz-pure" in dot and ".svg" in str(exc) and "'" + str(out) + "'" in str(exc)
        assert os.listdir(tmp_path) == []
    else:
        assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("ext", ["dot", "gv"])
def test_dot_text_needs_no_graphviz(tmp_path, monkeypatch, ext):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(sysconfig, "get_path", lambda *args, **kwargs: str(empty))
    z = goldstein_z()
    plot_dot_graph(z, verbose=False, to_file=tmp_path / f"g.{ext}")
    assert (tmp_path / f"g.{ext}").read_text(encoding="utf-8") == get_dot_graph(z, verbose=False)


def test_drawing_needs_no_graphviz_python_package(tmp_path, dot, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)           # `import graphviz` would fail
    plot_dot_graph(goldstein_z(), to_file=tmp_path / "g.svg")
    assert (tmp_path / "g.svg").read_bytes().startswith(SVG_HEAD)


def test_threads_draw_their_own_graphs(tmp_path, dot):
    def draw(i):
        x = Variable(np.array(float(i)), name=f"x{i}")
        plot_dot_graph(x * x, verbose=False, to_file=tmp_path / f"g{i}.svg")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(draw, range(8)))
    for i in range(8):
        svg = (tmp_path / f"g{i}.svg").read_text(encoding="utf-8")
        assert f">x{i}</text>" in svg and svg.count(">x") == 1
    assert sorted(os.listdir(tmp_path)) == sorted(f"g{i}.svg" for i in range(8))


def test_paths_with_spaces_and_quotes(tmp_path, dot):
    folder = tmp_path / "my graphs; $(touch pwned)"
    folder.mkdir()
    out = folder / "it's a \"graph\" & more.png"
    plot_dot_graph(goldstein_z(), to_file=out)
    assert out.read_bytes().startswith(PNG_HEAD)
    assert sorted(os.listdir(folder)) == [out.name] and not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("name", ["graph.bmp", "graph.txt", "graph", "graph.png.exe"])
def test_unsupported_extension_rejected_before_drawing(tmp_path, spawned, name):
    with pytest.raises(ValueError, match="must end in one of") as info:
        plot_dot_graph(goldstein_z(), to_file=tmp_path / name)
    assert repr(str(tmp_path / name)) in str(info.value)
    assert spawned == [] and os.listdir(tmp_path) == []


def test_dot_syntax_error_is_reported(dot):
    with pytest.raises(GraphvizRenderError, match="syntax"):
        Graph.from_source("digraph g { x -> ")._repr_svg_()


def test_failed_render_keeps_the_old_file_whole(tmp_path, pure_dot):
    keep = tmp_path / "keep.pdf"
    keep.write_text("old")
    with pytest.raises(GraphvizRenderError, match="cannot write pdf") as info:   # graphviz-pure has no pdf
        plot_dot_graph(goldstein_z(), to_file=keep)
    assert repr(str(keep)) in str(info.value)
    assert keep.read_text() == "old" and os.listdir(tmp_path) == ["keep.pdf"]


def test_failure_while_writing_leaves_no_partial_file(tmp_path, dot, monkeypatch):
    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(render.os, "replace", failing_replace)
    out = tmp_path / "g.png"
    with pytest.raises(OSError, match="No space left") as info:
        plot_dot_graph(goldstein_z(), to_file=out)
    assert info.value.filename == str(out) and ".tmp" not in str(info.value)
    assert os.listdir(tmp_path) == []


def test_no_dot_found_message(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(sysconfig, "get_path", lambda *args, **kwargs: str(empty))
    with pytest.raises(GraphvizNotFoundError) as info:
        plot_dot_graph(goldstein_z(), to_file=tmp_path / "g.svg")
    message = str(info.value)
    print("\n" + message)
    assert isinstance(info.value, RuntimeError)
    for needle in ("apt install graphviz", "brew install graphviz", "winget", "pip install graphviz-pure",
                   'pip install -e ".[render]"', "get_dot_graph"):
        assert needle in message
    assert sorted(os.listdir(tmp_path)) == ["empty"]
    assert "digraph" in Graph(goldstein_z()).source                 # the DOT text is still there


def test_nothing_written_to_home(tmp_path, dot, monkeypatch):
    home, out = tmp_path / "home", tmp_path / "out"
    home.mkdir()
    out.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    # a system Graphviz may let fontconfig cache fonts under ~/.cache: that is Graphviz's, not ours
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    z = goldstein_z()
    plot_dot_graph(z, to_file=out / "g.png")
    Graph(z)._repr_svg_()
    assert list(home.iterdir()) == []


@pytest.mark.parametrize("bad", [0, -1, float("nan"), "10", True])
def test_timeout_must_be_positive_seconds_or_none(tmp_path, spawned, bad):
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
        plot_dot_graph(goldstein_z(), to_file=tmp_path / "g.svg", timeout=bad)
    assert spawned == [] and os.listdir(tmp_path) == []


def test_timeout_none_waits(tmp_path, dot):
    plot_dot_graph(goldstein_z(), to_file=tmp_path / "g.svg", timeout=None)
    assert (tmp_path / "g.svg").read_bytes().startswith(SVG_HEAD)


def test_draw_turns_dot_text_into_picture_bytes(dot, spawned):
    text = get_dot_graph(goldstein_z())
    svg = render.draw(text)
    assert svg.startswith(SVG_HEAD) and svg.decode("utf-8") == Graph(goldstein_z())._repr_svg_()
    assert render.draw(text, "png").startswith(PNG_HEAD) and render.draw(text, "PNG").startswith(PNG_HEAD)
    assert [proc.args for proc in spawned] == [[dot, "-Tsvg"], [dot, "-Tsvg"], [dot, "-Tpng"], [dot, "-Tpng"]]


@pytest.mark.parametrize("args, error, needle", [
    ((b"digraph g {}",), TypeError, "dot_source must be DOT text"),
    (("digraph g {}", "dot"), ValueError, "fmt must be one of 'svg', 'png'"),
    (("digraph g {}", "gif"), ValueError, "got 'gif'"),
    (("digraph g {}", None), ValueError, "got None"),
])
def test_draw_refuses_bad_arguments_before_running_dot(spawned, args, error, needle):
    with pytest.raises(error, match=needle):
        render.draw(*args)
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        render.draw("digraph g {}", timeout=0)
    assert spawned == []


def test_draw_reports_a_dot_syntax_error(dot):
    with pytest.raises(GraphvizRenderError, match="could not draw the graph as svg"):
        render.draw("digraph g { x -> }")


# ---------------------------------------------------------------------------------------------------------
# Large graphs: a warning before drawing with graphviz-pure, and max_nodes
# ---------------------------------------------------------------------------------------------------------

def test_large_graph_warning_only_for_graphviz_pure_and_many_nodes(tmp_path, pure_dot, monkeypatch):
    order6, order8 = tanh_derivative(6), tanh_derivative(8)           # 690 and 5,158 nodes
    with warnings.catch_warnings():
        warnings.simplefilter("error", LargeGraphWarning)
        plot_dot_graph(order6, verbose=False, to_file=tmp_path / "order6.svg")    # under LARGE_GRAPH
        plot_dot_graph(order8, verbose=False, to_file=tmp_path / "part.svg", max_nodes=400)
        assert "the 400 nodes nearest the output, of 5158" in (tmp_path / "part.svg").read_text(encoding="utf-8")
        # a `dot` that is not graphviz-pure (here: graphviz-pure under the name dot) is not warned about
        (tmp_path / "bin").mkdir()
        if os.name == "nt":
            shutil.copy(pure_dot, tmp_path / "bin" / "dot.exe")
        else:
            (tmp_path / "bin" / "dot").symlink_to(pure_dot)
        monkeypatch.setenv("PATH", str(tmp_path / "bin"))
        monkeypatch.setattr(render, "LARGE_GRAPH", 100)
        plot_dot_graph(order6, verbose=False, to_file=tmp_path / "system.svg")
        monkeypatch.setenv("PATH", SCRIPTS)
        with pytest.raises(LargeGraphWarning, match="690 nodes"):       # the same graph, graphviz-pure
            plot_dot_graph(order6, verbose=False, to_file=tmp_path / "pure.svg")
    assert sorted(os.listdir(tmp_path)) == ["bin", "order6.svg", "part.svg", "system.svg"]


# ---------------------------------------------------------------------------------------------------------
# Graph: Jupyter display, DOT written by hand, repr
# ---------------------------------------------------------------------------------------------------------

def test_jupyter_repr_is_svg(dot):
    g = Graph(goldstein_z())
    svg = g._repr_svg_()
    assert svg.startswith("<?xml") and "<svg" in svg and ">Mul</text>" in svg
    # bgcolor=transparent: no white page behind the graph (Graphviz writes a transparent polygon or none)
    assert 'fill="white"' not in svg and 'fill="#ffffff"' not in svg
    assert repr(g) == "<Graph: 38 functions, 57 variables>" and "\n" not in repr(g)
    assert str(g) == g.source == get_dot_graph(goldstein_z())


def test_ipython_displays_svg(dot):
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(Graph(goldstein_z()))
    assert data["image/svg+xml"].startswith("<?xml")
    assert data["text/plain"] == "<Graph: 38 functions, 57 variables>"


def test_hand_written_dot(dot):
    g = Graph.from_source('digraph g {\n1 [label="x", color=orange, style=filled]\n2 [label="y"]\n1 -> 2\n}')
    svg = g._repr_svg_()
    assert svg.startswith("<?xml") and ">x</text>" in svg and ">y</text>" in svg and 'class="edge"' in svg
    assert repr(g).startswith("<Graph: DOT text")
    with pytest.raises(TypeError, match="DOT text"):
        Graph.from_source(goldstein_z())


def test_graph_with_max_nodes_says_how_many_are_drawn():
    g = Graph(tanh_derivative(8), max_nodes=200)
    assert repr(g) == "<Graph: 2571 functions, 2587 variables, 200 nodes drawn>"


# ---------------------------------------------------------------------------------------------------------
# Errors name the user's path; a str as verbose; through the book's import path only
# ---------------------------------------------------------------------------------------------------------

def small_graph():
    x = Variable(np.array(1.0), name="x")
    y = x * x
    y.name = "y"
    return y


def test_error_names_the_users_path_when_the_folder_is_missing(tmp_path, spawned):
    out = tmp_path / "no such folder" / "g.png"
    with pytest.raises(FileNotFoundError) as info:
        plot_dot_graph(small_graph(), to_file=out)
    assert info.value.filename == str(out) and ".tmp" not in str(info.value)
    assert spawned == []                                                # refused before drawing
    assert os.listdir(tmp_path) == []


def test_error_names_the_users_path_when_it_cannot_be_replaced(tmp_path, dot):
    out = tmp_path / "taken.png"
    out.mkdir()                                                         # a folder where the file should go
    with pytest.raises(OSError) as info:
        plot_dot_graph(small_graph(), to_file=out)
    assert info.value.filename == str(out) and info.value.filename2 is None
    assert ".tmp" not in str(info.value)
    assert os.listdir(tmp_path) == ["taken.png"] and os.listdir(out) == []   # no temporary file left


@pytest.mark.parametrize("as_path", [False, True])
def test_a_file_name_as_verbose_is_refused(tmp_path, monkeypatch, spawned, as_path):
    monkeypatch.chdir(tmp_path)
    name = Path("g.png") if as_path else "g.png"
    with pytest.raises(TypeError, match=r"verbose.*to_file='g\.png'"):
        plot_dot_graph(small_graph(), name)
    assert spawned == [] and os.listdir(tmp_path) == []                 # no graph.png in the current folder


def test_slow_render_warns_first_then_stops_dot_at_the_timeout(tmp_path, pure_dot, spawned):
    """The 8th-order tanh graph through graphviz-pure takes minutes: the warning comes before the drawing,
    the timeout ends the process, and neither the picture nor a temporary file is left."""
    gx = tanh_derivative(8)
    out = tmp_path / "order8.png"
    with pytest.warns(UserWarning, match=r"5,158 nodes\) with graphviz-pure") as warned:
        with pytest.raises(TimeoutError) as info:
            plot_dot_graph(gx, verbose=False, to_file=out, timeout=1)
    assert warned[0].category is LargeGraphWarning and warned[0].filename == __file__   # at the caller's line
    for needle in ("max_nodes=500", "system Graphviz", "timeout=1 s", repr(str(out))):
        assert needle in str(warned[0].message) + str(info.value), needle
    assert isinstance(info.value, GraphvizTimeoutError) and isinstance(info.value, GraphvizRenderError)
    (proc,) = spawned
    assert proc.args[0] == pure_dot and proc.returncode is not None     # killed and waited for
    if os.name == "posix":
        with pytest.raises(ProcessLookupError):
            os.kill(proc.pid, 0)                                        # no such process any more
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------------------------------------
# Awkward destinations and unclear arguments: each refused with a message that names what was given
# ---------------------------------------------------------------------------------------------------------

def test_every_file_name_the_folder_accepts_can_be_written(tmp_path, dot):
    longest = os.pathconf(tmp_path, "PC_NAME_MAX") if hasattr(os, "pathconf") else 255
    for length in (longest - 14, longest - 13, longest):
        out = tmp_path / ("n" * (length - 4) + ".svg")
        plot_dot_graph(small_graph(), to_file=out)
        assert out.read_bytes().startswith(SVG_HEAD), length
        assert os.listdir(tmp_path) == [out.name]                       # no temporary file left
        out.unlink()


@pytest.mark.parametrize("to_file", [3, None, ["g.png"]])
def test_to_file_that_is_not_a_path_is_named(tmp_path, spawned, to_file):
    with pytest.raises(TypeError, match=r"to_file must be a file name such as 'graph\.png'"):
        plot_dot_graph(small_graph(), to_file=to_file)
    assert spawned == []


@pytest.mark.parametrize("base", [".png", ".SVG", ".dot"])
def test_a_bare_extension_is_called_a_name_with_nothing_before_it(tmp_path, spawned, base):
    out = tmp_path / base
    with pytest.raises(ValueError, match="an extension with no name before it") as info:
        plot_dot_graph(small_graph(), to_file=out)
    assert repr(str(out)) in str(info.value) and "no extension" not in str(info.value)
    assert f"to_file='graph{base}'" in str(info.value)
    assert spawned == [] and os.listdir(tmp_path) == []


def test_a_nul_in_to_file_names_the_parameter_and_the_path(tmp_path, spawned):
    out = str(tmp_path / "g\0.png")
    with pytest.raises(ValueError, match="NUL") as info:
        plot_dot_graph(small_graph(), to_file=out)
    assert "to_file" in str(info.value) and repr(out) in str(info.value)
    assert spawned == [] and os.listdir(tmp_path) == []


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc, a folder that takes no new files")
def test_a_folder_that_takes_no_new_file_is_told_apart_from_a_missing_one(dot):
    with pytest.raises(OSError) as info:
        plot_dot_graph(small_graph(), to_file="/proc/g.png")
    assert info.value.filename == "/proc/g.png"
    assert "cannot create a file in the folder '/proc'" in str(info.value)
    assert not os.path.exists("/proc/g.png")


def test_numpy_whole_numbers_are_whole_numbers(tmp_path, dot):
    y = goldstein_z()
    assert get_dot_graph(y, max_nodes=np.int64(3)) == get_dot_graph(y, max_nodes=3)
    assert "(max_nodes=3)" in get_dot_graph(y, max_nodes=np.int32(3))
    g = plot_dot_graph(y, to_file=tmp_path / "g.svg", max_nodes=np.int64(3), timeout=np.int64(60))
    assert repr(g) == "<Graph: 38 functions, 57 variables, 3 nodes drawn>"
    for bad in (True, np.bool_(True), np.float64(3.0), np.int64(0)):
        with pytest.raises(ValueError, match="max_nodes must be a positive whole number"):
            get_dot_graph(y, max_nodes=bad)


@pytest.mark.parametrize("verbose, file_name", [("yes", False), ("no", False), ("g.png", True),
                                                (Path("g"), True), (b"g.svg", True)])
def test_a_str_as_verbose_is_called_a_file_name_only_when_it_looks_like_one(spawned, verbose, file_name):
    with pytest.raises(TypeError, match="verbose must be True or False") as info:
        plot_dot_graph(small_graph(), verbose)
    assert ("file name" in str(info.value)) == file_name
    assert spawned == []


def test_a_read_only_file_is_left_as_it_is(tmp_path, spawned):
    out = tmp_path / "keep.svg"
    out.write_text("ORIGINAL")
    out.chmod(0o444)
    with pytest.raises(PermissionError, match="read-only") as info:
        plot_dot_graph(small_graph(), to_file=out)
    assert info.value.filename == str(out) and spawned == []
    assert out.read_text() == "ORIGINAL" and oct(out.stat().st_mode & 0o777) == "0o444"
    assert os.listdir(tmp_path) == ["keep.svg"]


def test_a_replaced_file_keeps_its_permissions(tmp_path, dot):
    out = tmp_path / "private.svg"
    out.write_text("OLD")
    out.chmod(0o600)
    plot_dot_graph(small_graph(), to_file=out)
    assert out.read_bytes().startswith(SVG_HEAD) and oct(out.stat().st_mode & 0o777) == "0o600"


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_symbolic_link_is_written_through_to_its_target(tmp_path, dot):
    runs = tmp_path / "runs"
    runs.mkdir()
    target, link = runs / "graph.svg", tmp_path / "latest.svg"
    target.write_text("OLD")
    link.symlink_to(target)
    plot_dot_graph(small_graph(), to_file=link)
    assert link.is_symlink() and os.readlink(link) == str(target)      # the link is still a link
    assert target.read_bytes().startswith(SVG_HEAD)
    assert os.listdir(runs) == ["graph.svg"] and sorted(os.listdir(tmp_path)) == ["latest.svg", "runs"]
    target.unlink()                                                     # a dangling link makes its target
    plot_dot_graph(small_graph(), to_file=link)
    assert link.is_symlink() and target.read_bytes().startswith(SVG_HEAD)


def test_graph_counts_what_it_drew(dot):
    from tinypytorch.graph import graph_stats
    y = goldstein_z()
    assert Graph(y).stats == graph_stats(y) and Graph(y, max_nodes=5).stats == graph_stats(y)
    assert Graph.from_source("digraph g {}").stats is None
