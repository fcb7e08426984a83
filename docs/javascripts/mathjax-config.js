// MathJax 3 configuration. Only pymdownx.arithmatex output (generic mode) and
// notebook markdown/LaTeX outputs are typeset. MathJax itself is served from
// javascripts/vendor/mathjax/ (copied in by hooks/tinypytorch_site.py), never a CDN.
window.MathJax = {
  tex: {
    // \( \) and \[ \] come from arithmatex; $ and $$ from notebook markdown cells.
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex|jp-MarkdownOutput|jp-RenderedLatex",
  },
};
