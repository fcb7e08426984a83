/* Figures on a phone: a tap opens the figure large enough to read, to pan and pinch-zoom.
 *
 * A wide figure shown in a phone's text column is scaled down until its labels are a few pixels high, and
 * GLightbox's lightbox shows it no larger than the screen. On a narrow screen a tap on a figure opens this
 * viewer instead: the picture fills the screen's height at the scale where its smallest text is at least
 * MIN_TEXT_PX pixels high (never smaller than its natural size), in a box that scrolls both ways (drag to
 * pan; the browser's pinch-zoom works as on any page). The close button, the Escape key or the browser's
 * Back button closes it. On a wider screen GLightbox opens the figure as before.
 */
(() => {
  "use strict";
  const NARROW = "(max-width: 60em)";
  const MIN_TEXT_PX = 12;
  const WORDS = {en: {close: "Close", hint: "Drag to move around the figure"},
                 zh: {close: "关闭", hint: "拖动可查看插图的其他部分"}};
  const words = WORDS[(document.documentElement.lang || "en").split("-")[0]] || WORDS.en;

  // The smallest text of an SVG figure, in its own units: Graphviz writes <text font-size>, matplotlib draws
  // each text as paths in a group text_N scaled by font size / 100.
  async function smallestText(src) {
    const svg = new DOMParser().parseFromString(await (await fetch(src)).text(), "image/svg+xml").documentElement;
    const box = svg.viewBox && svg.viewBox.baseVal;
    const unitsWide = box && box.width ? box.width : parseFloat(svg.getAttribute("width"));
    const sizes = Array.from(svg.querySelectorAll("text[font-size]"), t => parseFloat(t.getAttribute("font-size")));
    svg.querySelectorAll('g[id^="text_"] g[transform*="scale("]').forEach(g => {
      const m = /scale\(([\d.]+) -([\d.]+)\)/.exec(g.getAttribute("transform"));
      if (m) sizes.push(parseFloat(m[1]) * 100);
    });
    return sizes.length && unitsWide ? {size: Math.min(...sizes), unitsWide} : null;
  }

  async function open(img) {
    const src = img.currentSrc || img.src;
    let width = img.naturalWidth;
    try {
      const text = await smallestText(src);
      if (text) width = Math.max(width, Math.ceil(MIN_TEXT_PX * text.unitsWide / text.size));
    } catch (error) {
      console.warn("figure viewer: reading the figure's text sizes failed;", error);
    }
    const viewer = document.createElement("div");
    viewer.className = "tp-viewer";
    viewer.setAttribute("role", "dialog");
    viewer.setAttribute("aria-modal", "true");
    viewer.setAttribute("aria-label", img.alt);
    const pane = document.createElement("div");
    pane.className = "tp-viewer__pane";
    pane.title = words.hint;
    const picture = document.createElement("img");
    picture.src = src;
    picture.alt = img.alt;
    picture.style.width = `${width}px`;
    pane.append(picture);
    const close = document.createElement("button");
    close.type = "button";
    close.className = "tp-viewer__close";
    close.setAttribute("aria-label", words.close);
    close.title = words.close;
    close.textContent = "×";
    viewer.append(pane, close);
    document.body.append(viewer);
    document.documentElement.classList.add("tp-viewer-open");

    let dragging = null;  // a mouse drags the picture around, as a finger scrolls it
    pane.addEventListener("pointerdown", e => {
      if (e.pointerType === "mouse") dragging = {x: e.clientX, y: e.clientY, left: pane.scrollLeft, top: pane.scrollTop};
    });
    pane.addEventListener("pointermove", e => {
      if (!dragging) return;
      pane.scrollLeft = dragging.left - (e.clientX - dragging.x);
      pane.scrollTop = dragging.top - (e.clientY - dragging.y);
    });
    const stopDragging = () => { dragging = null; };
    pane.addEventListener("pointerup", stopDragging);
    pane.addEventListener("pointerleave", stopDragging);

    const shut = () => {
      viewer.remove();
      document.documentElement.classList.remove("tp-viewer-open");
      document.removeEventListener("keydown", onKey);
      window.removeEventListener("popstate", shut);
      img.closest("a").focus();
    };
    const onKey = e => { if (e.key === "Escape") history.back(); };
    close.addEventListener("click", () => history.back());
    document.addEventListener("keydown", onKey);
    history.pushState({tpViewer: true}, "");  // Back closes the viewer, not the page
    window.addEventListener("popstate", shut);
    close.focus();
  }

  document.addEventListener("click", event => {
    const link = event.target.closest && event.target.closest("a.glightbox");
    const img = link && link.querySelector("img[src*='figures/']");
    if (!img || !matchMedia(NARROW).matches) return;
    event.preventDefault();
    event.stopImmediatePropagation();  // before GLightbox's own handler on the link
    open(img);
  }, true);
})();
