/* The reader stays in their edition (English at the site's root, Chinese under zh/).
 *
 * - The language switcher leads to the same section of the twin page: the twins share their heading ids,
 *   so the link keeps the #section the reader is at.
 * - Search has one index for both editions; its results list the pages of the reader's language first
 *   (in the order search ranked them), then the other edition's.
 */
(() => {
  "use strict";
  const config = (() => {
    try { return JSON.parse(document.getElementById("__config").textContent); } catch (e) { return {base: "."}; }
  })();
  const base = new URL(config.base.replace(/\/?$/, "/"), location.href).pathname;
  const language = (document.documentElement.lang || "en").split("-")[0];
  const editionOf = href => (new URL(href, location.href).pathname.startsWith(base + "zh/") ? "zh" : "en");

  document.addEventListener("click", event => {
    const link = event.target.closest && event.target.closest("a.md-select__link[hreflang]");
    if (link && location.hash) link.href = link.href.split("#")[0] + location.hash;
  }, true);

  const readerFirst = list => {
    const items = Array.from(list.children);
    const mine = items.filter(li => { const a = li.querySelector("a[href]"); return a && editionOf(a.href) === language; });
    if (!mine.length || items.slice(0, mine.length).every((li, i) => li === mine[i])) return;
    list.prepend(...mine);
  };
  const watch = () => {
    const list = document.querySelector(".md-search-result__list");
    if (!list || list.dataset.edition) return;
    list.dataset.edition = language;
    new MutationObserver(() => readerFirst(list)).observe(list, {childList: true});
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
