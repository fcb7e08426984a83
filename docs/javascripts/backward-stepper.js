/* Backward steppers: replay a real backward pass over its graph, one Function at a time.
 *
 * A page marks a block <div class="tp-stepper" markdown> holding one picture per lane, each a graph that
 * scripts/figures/backward_stepper.py drew (stepNN-slug.svg) next to the trace it recorded
 * (stepNN-slug.json). This script puts each graph inline, adds Previous / Play / Next (keys: left and
 * right arrows, space, Home, End), and at every step highlights the Function that runs, marks the
 * variables whose gradient is complete (or only partly there), shows the nodes recorded so far, and
 * writes the step's numbers in a panel. Its words are in the page's language (English and Chinese below);
 * a block's data-* attributes can override any of them. Without JavaScript, or if a file cannot be
 * fetched, the numbered still pictures stay as they are.
 */
(() => {
  "use strict";
  // The words of each edition, chosen by the page's language (<html lang>); a block's data-* attributes
  // (data-play="…", data-title="…") override any of them.
  const LANGUAGES = {
    en: {previous: "Previous", next: "Next", play: "Play", pause: "Pause", step: "Step {k} of {n}",
         start: "start", received: "received", sent: "sent", recorded: "recorded",
         title: "#{k} {name} (gen {gen})", controls: "Step through the backward pass"},
    zh: {previous: "上一步", next: "下一步", play: "播放", pause: "暂停", step: "第 {k} 步，共 {n} 步",
         start: "开始", received: "收到", sent: "送出", recorded: "记录",
         title: "#{k} {name}（代 {gen}）", controls: "逐步查看反向传播"},
  };
  const pageWords = () => LANGUAGES[(document.documentElement.lang || "en").split("-")[0]] || LANGUAGES.en;
  const fillIn = (template, values) => template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  const PLAY_MS = 1400;
  const MIN_TEXT_PX = 9;

  const element = (tag, cls, text) => {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const fetched = (url, how) => fetch(url).then(r => {
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return r[how]();
  });

  async function loadLane(img) {
    const src = img.currentSrc || img.src;
    const [text, data] = await Promise.all([fetched(src, "text"),
                                            fetched(src.replace(/\.svg(?=$|[?#])/, ".json"), "json")]);
    const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
    if (svg.nodeName !== "svg" || !Array.isArray(data.steps)) throw new Error(`${src}: not a stepper figure`);
    svg.querySelectorAll("[id]").forEach(el => el.removeAttribute("id"));  // unique on a page of several
    svg.style.maxWidth = `${svg.viewBox.baseVal.width * 4 / 3}px`;         // never larger than drawn (pt)
    // never so small that its labels drop below MIN_TEXT_PX (on a phone the graph has the whole width; see the CSS)
    const fonts = Array.from(svg.querySelectorAll("text[font-size]"), t => parseFloat(t.getAttribute("font-size")));
    if (fonts.length) svg.style.minWidth = `${Math.ceil(svg.viewBox.baseVal.width * MIN_TEXT_PX / Math.min(...fonts))}px`;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", img.alt);
    const nodes = new Map();
    svg.querySelectorAll("g.node").forEach(g => nodes.set(+g.querySelector("title").textContent, g));
    const edges = Array.from(svg.querySelectorAll("g.edge"),
                             g => [g, ...g.querySelector("title").textContent.split("->").map(Number)]);
    const lane = element("figure", "tp-stepper__lane");
    const graph = element("div", "tp-stepper__graph");
    const panel = element("div", "tp-stepper__panel");
    panel.setAttribute("aria-live", "polite");
    graph.append(svg);
    if (img.title) lane.append(element("figcaption", "tp-stepper__caption", img.title));
    lane.append(graph, panel);
    return {img, lane, panel, data, nodes, edges};
  }

  function line(label, items) {
    const p = element("p");
    p.append(element("strong", "", label + " "));
    items.forEach((item, i) => {
      if (i) p.append(", ");
      p.append(element("code", "", item.text));
      if (item.parts) p.append(" ", element("span", "tp-stepper__partial", `(${item.parts})`));
    });
    return p;
  }

  function showLane(lane, k, words) {
    const steps = lane.data.steps, n = steps.length - 1, s = steps[Math.min(k, n)];
    const visited = new Set(steps.slice(1, Math.min(k, n + 1)).map(t => t.fn));
    if (s.fn !== null) visited.delete(s.fn);
    const hidden = new Set(s.hide);
    for (const [id, g] of lane.nodes) {
      g.classList.toggle("tp-hidden", hidden.has(id));
      g.classList.toggle("tp-new", s.new.includes(id));
      g.classList.toggle("tp-current", s.fn === id);
      g.classList.toggle("tp-visited", visited.has(id));
      g.classList.toggle("tp-done", s.done.includes(id));
      g.classList.toggle("tp-part", s.part.includes(id));
    }
    for (const [g, from, to] of lane.edges) g.classList.toggle("tp-hidden", hidden.has(from) || hidden.has(to));
    lane.lane.dataset.step = Math.min(k, n);
    const panel = [];
    if (s.fn === null) {
      panel.push(line(words.start, s.seed.map(([v, g]) => ({text: `${v} = ${g}`}))));
    } else {
      panel.push(element("p", "tp-stepper__title", fillIn(words.title, {k: Math.min(k, n), name: s.name, gen: s.gen})));
      panel.push(line(words.received, s.got.map(([v, g, parts]) => ({text: `${v} = ${g}`, parts}))));
      panel.push(line(words.sent, s.sent.map(([v, g, total, parts]) => ({text: `${v} += ${g} → ${total}`, parts}))));
      if (s.made.length) panel.push(line(words.recorded, s.made.map(name => ({text: name}))));
    }
    lane.panel.replaceChildren(...panel);
  }

  async function setUp(block) {
    const words = {...pageWords()};
    for (const key of Object.keys(words)) if (block.dataset[key]) words[key] = block.dataset[key];
    const imgs = Array.from(block.querySelectorAll("img"));
    let lanes;
    try {
      lanes = await Promise.all(imgs.map(loadLane));
    } catch (error) {
      console.warn("backward stepper: keeping the still pictures;", error);
      return;
    }
    const last = Math.max(...lanes.map(l => l.data.steps.length - 1));
    const bar = element("div", "tp-stepper__controls");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", words.controls);
    const button = (act, key) => {
      const b = element("button", "tp-stepper__button", words[act]);
      b.type = "button";
      b.dataset.act = act;
      b.setAttribute("aria-keyshortcuts", key);
      return b;
    };
    const prev = button("previous", "ArrowLeft"), play = button("play", "Space"), next = button("next", "ArrowRight");
    const count = element("span", "tp-stepper__count");
    bar.append(prev, play, next, count);
    const row = element("div", "tp-stepper__lanes");
    row.append(...lanes.map(l => l.lane));
    imgs.forEach(img => (img.closest("p") || img.closest("a") || img).remove());
    block.prepend(bar, row);
    block.tabIndex = 0;

    let k = 0, timer = null;
    const go = to => {
      k = Math.max(0, Math.min(last, to));
      lanes.forEach(lane => showLane(lane, k, words));
      block.dataset.step = k;
      count.textContent = fillIn(words.step, {k, n: last});
      prev.disabled = k === 0;
      next.disabled = k === last;
    };
    const stop = () => {
      clearInterval(timer);
      timer = null;
      play.textContent = words.play;
      play.setAttribute("aria-pressed", "false");
    };
    const toggle = () => {
      if (timer) return stop();
      if (k === last) go(0);
      play.textContent = words.pause;
      play.setAttribute("aria-pressed", "true");
      timer = setInterval(() => (k < last ? go(k + 1) : stop()), PLAY_MS);
    };
    prev.addEventListener("click", () => { stop(); go(k - 1); });
    next.addEventListener("click", () => { stop(); go(k + 1); });
    play.addEventListener("click", toggle);
    block.addEventListener("keydown", event => {
      const onButton = event.target.closest("button");
      const keys = {ArrowLeft: () => go(k - 1), ArrowRight: () => go(k + 1), Home: () => go(0), End: () => go(last)};
      if (keys[event.key] && !event.altKey && !event.ctrlKey && !event.metaKey) {
        stop();
        keys[event.key]();
      } else if (event.key === " " && !onButton) {  // on a button, space presses that button
        toggle();
      } else {
        return;
      }
      event.preventDefault();
    });
    go(0);
  }

  const start = () => document.querySelectorAll(".tp-stepper:not([data-stepper])").forEach(block => {
    block.dataset.stepper = "";  // taken: set up once, however often the page's load event fires
    setUp(block);
  });
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(start);  // Material's page loads
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
