"""Search previews with math as plain text (the pages themselves are typeset by MathJax).

The search index holds each section's HTML with its math as TeX source between arithmatex's
``\\(``/``\\)`` and ``\\[``/``\\]`` delimiters (``$``/``$$`` in notebook cells), and the search
box would show that text as it is: ``\\(\\frac{\\partial y}{\\partial x}\\)``. After the search plugin
has written its index, ``on_post_build`` replaces every such span in each entry's title and text by a
reading of it (``math_to_text``): ``∂y/∂x``, ``x²``, ``sin(x + nπ/2)``. It is a reading aid for a
preview line, not a TeX parser: what it does not know it keeps, minus the backslash.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from _shared import write_atomic
from mkdocs.plugins import event_priority

SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "Gamma": "Γ", "delta": "δ", "Delta": "Δ",
    "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "Theta": "Θ",
    "kappa": "κ", "lambda": "λ", "Lambda": "Λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
    "Pi": "Π", "rho": "ρ", "sigma": "σ", "Sigma": "Σ", "tau": "τ", "phi": "φ", "varphi": "φ",
    "Phi": "Φ", "chi": "χ", "psi": "ψ", "Psi": "Ψ", "omega": "ω", "Omega": "Ω",
    "partial": "∂", "nabla": "∇", "infty": "∞", "cdot": "·", "times": "×", "div": "÷",
    "approx": "≈", "sim": "∼", "equiv": "≡", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "ne": "≠", "neq": "≠", "ll": "≪", "gg": "≫", "pm": "±", "mp": "∓",
    "to": "→", "rightarrow": "→", "Rightarrow": "⇒", "leftarrow": "←", "mapsto": "↦",
"longrightarrow": "→", "implies": "⇒",
    "sum": "Σ", "prod": "Π", "int": "∫", "sqrt": "√", "in": "∈", "notin": "∉",
    "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "|": "‖", "lvert": "|", "rvert": "|",
    "langle": "⟨", "rangle": "⟩", "top": "ᵀ", "circ": "∘", "prime": "′", "star": "⋆",
    "{": "{", "}": "}", "%": "%", "_": "_", "&": "&", "#": "#",
}
# Relations and operators: read with a space on each side.
BINARY = {"cdot", "times", "div", "approx", "sim", "equiv", "le", "leq", "ge", "geq", "ne", "neq",
          "ll", "gg", "pm", "mp", "to", "rightarrow", "Rightarrow", "leftarrow", "mapsto",
          "longrightarrow", "implies", "in", "notin", "circ"}
# Commands that only space, size or style: they vanish (their argument, if any, stays).
DROP = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
        "biggr", "displaystyle", "textstyle", "limits", "nolimits", "mathrm", "mathbf", "mathit",
        "mathsf", "mathtt", "mathcal", "mathbb", "boldsymbol", "text", "textrm", "textbf",
        "textit", "operatorname", "underbrace", "overbrace", "tag", "label", "nonumber",
        "notag", "hat", "bar", "tilde", "vec", "dot", "ddot", "phantom", "hphantom", "vphantom"}
SPACES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": " ",
          "enspace": " ", "thinspace": " "}
SUPERSCRIPT = str.maketrans("0123456789+-=()niT′", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ′")
SUBSCRIPT = str.maketrans("0123456789+-=()aeiknx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢₖₙₓ")

# The math delimiters of arithmatex (generic mode) and of notebook Markdown cells.
MATH_SPAN = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$|(?<![\w$])\$([^$\n]+?)\$(?![\w$])",
                       re.S)
ENVIRONMENT = re.compile(r"\\(?:begin|end)\{[a-zA-Z*]+\}(?:\{[^{}]*\})?")
MATRIX = re.compile(r"\\begin\{([pbvBV]?matrix)\}(.*?)\\end\{\1\}", re.S)
COMMAND = re.compile(r"\\([a-zA-Z]+|.)")


def _group(tex: str, i: int) -> tuple[str, int]:
    """The argument at ``tex[i:]`` (a braced group or one character) and the index after it."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] == "{":
        depth = 0
        for j in range(i, len(tex)):
            depth += {"{": 1, "}": -1}.get(tex[j], 0)
            if depth == 0:
                return tex[i + 1:j], j + 1
        return tex[i + 1:], len(tex)
    if tex[i] == "\\":
        match = COMMAND.match(tex, i)
        return match.group(0), match.end()
    return tex[i], i + 1


def _wrap(text: str) -> str:
    """``text`` as one operand: parenthesised unless it is a single symbol or word."""
    return text if re.fullmatch(r"[\w.′∂∇]+|∂\w+", text) else f"({text})"


def _command(tex: str, i: int) -> tuple[str, int]:
    """The reading of the control sequence at ``tex[i]`` (a backslash) and the index after it."""
    match = COMMAND.match(tex, i)
    name, i = match.group(1), match.end()
    if name.isalpha():  # as in TeX, the spaces after a control word are not text
        while i < len(tex) and tex[i] == " ":
            i += 1
    if name in ("frac", "dfrac", "tfrac"):
        num, i = _group(tex, i)
        den, i = _group(tex, i)
        return f"{_wrap(tex_to_text(num))}/{_wrap(tex_to_text(den))} ", i
    if name == "xrightarrow":  # an arrow with a label over it: the arrow is enough
        _, i = _group(tex, i)
        return " → ", i
    if name == "sqrt":
        arg, i = _group(tex, i)
        return f"√{_wrap(tex_to_text(arg))}", i
    return _symbol(name, tex[i:i + 1]), i


def _symbol(name: str, after: str) -> str:
    """The reading of a control word or symbol without arguments (`after` is the character after it)."""
    if name in SPACES:
        return SPACES[name]
    if name in DROP:
        return ""
    if name in BINARY:
        return f" {SYMBOLS[name]} "
    if name in SYMBOLS:
        return SYMBOLS[name]
    return name + (" " if after.isalnum() else "")  # \sin, \log, \tanh ...: the name itself


def _script(tex: str, i: int) -> tuple[str, int]:
    """The reading of the superscript or subscript at ``tex[i]`` (``^`` or ``_``) and the index after it."""
    mark = tex[i]
    arg, i = _group(tex, i + 1)
    text = tex_to_text(arg).strip()
    small = text.translate(SUPERSCRIPT if mark == "^" else SUBSCRIPT)
    if all(c != t for c, t in zip(text, small)):
        return small, i  # every character has a small form
    return (f"{mark}{_wrap(text)}" if len(text) > 1 else f"{mark}{text}"), i


def _matrices(tex: str) -> str:
    """Each matrix as ``(a, b; c, d)``."""
    return MATRIX.sub(lambda m: "(" + "; ".join(
        ", ".join(cell.strip() for cell in row.split("&")) for row in m.group(2).split("\\\\")
        if row.strip()) + ")", tex)


def tex_to_text(tex: str) -> str:
    """A plain-text reading of one TeX formula."""
    tex = ENVIRONMENT.sub(" ", _matrices(tex)).replace("\\\\", " ").replace("&", " ")
    out: list[str] = []
    i = 0
    while i < len(tex):
        if tex[i] == "\\":
            text, i = _command(tex, i)
        elif tex[i] in "^_":
            text, i = _script(tex, i)
        else:
            text, i = ("" if tex[i] in "{}" else tex[i]), i + 1
        out.append(text)
    text = re.sub(r"\s+", " ", "".join(out))
    text = re.sub(r"\s+(?=[)\],.;:!?])", "", text)
    return re.sub(r"(?<=[(\[])\s+", "", text).strip()


CODE = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>)", re.S)


def math_to_text(text: str) -> str:
    """``text`` (HTML) with every delimited TeX formula outside code replaced by its reading."""
    parts = CODE.split(text)  # odd items are code: a `$` or `\(` there is not math
    for i in range(0, len(parts), 2):
        parts[i] = MATH_SPAN.sub(lambda m: tex_to_text(next(g for g in m.groups() if g is not None)),
                                 parts[i])
    return "".join(parts)


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config) -> None:
    index = Path(config.site_dir) / "search" / "search_index.json"
    if not index.is_file():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    for doc in data.get("docs", []):
        for field in ("title", "text"):
            if field in doc:
                doc[field] = math_to_text(doc[field])
    write_atomic(index, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
