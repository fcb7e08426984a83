"""Output blocks: what a markdown-exec block prints is shown in a code block of its own; the hook gives
that block the class ``tp-output`` (and Material's ``no-copy``), which the stylesheet labels "Output"
and sets apart from source code.

``on_config`` wraps the fence formatters markdown-exec registered (in its own ``on_config``, which runs
before the hooks').
"""

from __future__ import annotations

import functools
import re

from mkdocs.exceptions import PluginError

OUTPUT_CLASSES = "tp-output no-copy"
CODE_BLOCK = re.compile(r'<div class="(language-[^"]*\bhighlight\b[^"]*)"')


def mark_output(html: str, options: dict) -> str:
    """Add the output classes to the block of ``html`` (markdown-exec's rendering of one fence)
    that shows what the code printed."""
    if not options.get("result") or options.get("html"):
        return html  # no output block (nothing printed, or printed as HTML)
    if options.get("result") == "python":
        return html  # what it printed is Python source (inspect.getsource): code, shown as code
    where = options.get("source") or ""
    if where not in ("", "above", "below"):
        return html  # tabbed (its tab says "Result") or console (prompt and output together)
    blocks = list(CODE_BLOCK.finditer(html))
    if not blocks:
        return html
    block = blocks[0] if where == "below" else blocks[-1]
    return html[:block.start(1)] + f"{block.group(1)} {OUTPUT_CLASSES}" + html[block.end(1):]


def wrap_exec_formatter(format_fn):
    from markupsafe import Markup

    @functools.wraps(format_fn)
    def format_and_mark(src, language, css_class, options, md, **kwargs):
        return Markup(mark_output(str(format_fn(src, language, css_class, options, md, **kwargs)),
                                  options))

    format_and_mark.tinypytorch_marks_output = True
    return format_and_mark


def mark_exec_outputs(config) -> None:
    fences = config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", [])
    found = 0
    for fence in fences:
        fmt = fence.get("format")
        if getattr(fmt, "tinypytorch_marks_output", False):
            found += 1  # wrapped by an earlier on_config
        elif getattr(fmt, "__module__", "").startswith("markdown_exec"):
            fence["format"] = wrap_exec_formatter(fmt)
            found += 1
    if not found:
        raise PluginError("hooks: markdown-exec registered no fences to mark the output of "
                          "(is the markdown-exec plugin listed in mkdocs.yml?)")


def on_config(config):
    mark_exec_outputs(config)
    return config
