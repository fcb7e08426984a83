// hooks/line_breaks.py wraps an inline formula (or inline code) and the punctuation after it in one
// no-break span, so 「。」 or 「，」 never starts a line. A formula wider than its whole line cannot take the
// punctuation along without running off a phone's screen: such a span breaks normally again.
(() => {
  const BLOCK = "p, li, td, th, dd, dt, blockquote, div";

  function releaseWideSpans() {
    for (const span of document.querySelectorAll(".md-typeset .tp-nobr")) {
      span.classList.remove("tp-nobr-released");
      const block = span.parentElement.closest(BLOCK);
      const box = span.firstElementChild;
      const widest = box ? Math.max(0, ...Array.from(box.getClientRects(), r => r.width)) : 0;
      if (!block || !widest) continue;                      // not shown (a closed tab or details)
      const style = getComputedStyle(block);
      const line = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (widest > line - 1) span.classList.add("tp-nobr-released");
    }
  }

  const typeset = () => (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();
  const run = () => typeset().then(releaseWideSpans);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
  let pending = null;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(releaseWideSpans);
  });
})();
