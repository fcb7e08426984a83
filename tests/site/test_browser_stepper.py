"""The backward steppers of Steps 29, 33 and 34 in a real browser (headless Chromium, as tests/site/test_browser.py).

At every step, forward with Next and back with Previous, the highlighted node, the hidden nodes, the marked
variables and the panel's numbers must be those of the trace the figure build wrote (read here from the
built site's JSON, not from the page). The keyboard steps and plays; labels come from the page's data-*
attributes; without JavaScript the numbered still pictures show; at a phone's width nothing of a stepper
sticks out; the console stays clean. A broken copy of the script proves the checks fire.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import serve
from test_browser import DESKTOP, PHONE, check_page, set_scheme, set_width

pytestmark = pytest.mark.browser

PAGES = {"steps/step29/": ["step29-gradient-graph-growing"],
         "steps/step33/": ["step33-double-backprop-steps"],
         "steps/step34/": ["step34-diamond-by-generation", "step34-diamond-plain-stack"],
         "zh/steps/step29/": ["step29-gradient-graph-growing"],
         "zh/steps/step33/": ["step33-double-backprop-steps"],
         "zh/steps/step34/": ["step34-diamond-by-generation", "step34-diamond-plain-stack"]}
# the words of the Chinese pages (docs/steps/stepNN.zh.md, and the script's own Chinese words)
LABELS = {"previous": "上一步", "next": "下一步", "play": "播放", "pause": "暂停", "step": "第 {k} 步，共 {n} 步",
          "received": "收到", "sent": "送出", "recorded": "记录", "start": "开始", "title": "#{k} {name}（代 {gen}）"}

# What a reader sees of each lane of a stepper: the nodes by DOT id (the SVG <title>), what CSS makes of them
STATE_JS = """
const block = arguments[0];
const ids = (lane, cls) => Array.from(lane.querySelectorAll(`g.node.${cls} > title`), t => +t.textContent)
                               .sort((a, b) => a - b);
return {
  step: block.dataset.step,
  count: block.querySelector('.tp-stepper__count').textContent,
  buttons: Array.from(block.querySelectorAll('.tp-stepper__controls button'), b => b.textContent),
  lanes: Array.from(block.querySelectorAll('.tp-stepper__lane'), lane => {
    const current = lane.querySelector('g.node.tp-current');
    const shape = current && current.querySelector('polygon, ellipse');
    return {
      current: ids(lane, 'tp-current'), hide: ids(lane, 'tp-hidden'), done: ids(lane, 'tp-done'),
      part: ids(lane, 'tp-part'),
      shownHidden: Array.from(lane.querySelectorAll('g.tp-hidden'))
                     .filter(g => getComputedStyle(g).visibility !== 'hidden').length,
      currentStroke: shape ? getComputedStyle(shape).strokeWidth : null,
      panel: lane.querySelector('.tp-stepper__panel').innerText,
    };
  }),
};
"""

WIDTH_JS = """
const out = [];
document.querySelectorAll('.tp-stepper, .tp-stepper *').forEach(el => {
  const r = el.getBoundingClientRect();
  if (el.getClientRects().length && r.right > arguments[0] + 1) out.push(`${el.tagName}.${el.className.baseVal
      ?? el.className} reaches ${Math.round(r.right)} px`);
});
document.querySelectorAll('.tp-stepper').forEach(el => {
  if (el.scrollWidth > el.clientWidth + 1) out.push(`a stepper scrolls: ${el.scrollWidth} px in ${el.clientWidth}`);
});
return out.slice(0, 5);
"""


def trace(site: Path, name: str) -> list[dict]:
    return json.loads((site / "figures" / f"{name}.json").read_text(encoding="utf-8"))["steps"]


def panel_lines(entry: dict, k: int, title: str = "#{k} {name} (gen {gen})") -> list[str]:
    """What the panel of step k must say (the numbers of the trace; the words are the page's)."""
    if entry["fn"] is None:
        return [f"{v} = {g}" for v, g in entry["seed"]]
    lines = [title.format(k=k, name=entry["name"], gen=entry["gen"])]
    lines += [f"{v} = {g}" + (f" ({parts})" if parts else "") for v, g, parts in entry["got"]]
    lines += [f"{v} += {g} → {total}" + (f" ({parts})" if parts else "") for v, g, total, parts in entry["sent"]]
    return lines + entry["made"]


def ready(driver, url: str):
    """Open `url` and return its steppers once they are set up."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
        "const b = document.querySelectorAll('.tp-stepper');"
        "return b.length && Array.from(b).every(x => x.dataset.step !== undefined)"))
    return driver.find_elements("css selector", ".tp-stepper")


def state_problems(driver, block, traces: list[list[dict]], k: int, words: dict[str, str]) -> list[str]:
    """Everything on screen at step k that differs from the traces."""
    state = driver.execute_script(STATE_JS, block)
    last = max(len(t) - 1 for t in traces)
    problems = []
    if state["step"] != str(k):
        problems.append(f"at step {k} the stepper says step {state['step']}")
    count = words["step"].replace("{k}", str(k)).replace("{n}", str(last))
    if state["count"] != count:
        problems.append(f"at step {k} the counter reads {state['count']!r}, not {count!r}")
    for i, (lane, steps) in enumerate(zip(state["lanes"], traces, strict=True)):
        entry = steps[min(k, len(steps) - 1)]
        where = f"step {k}, lane {i + 1}"
        if lane["current"] != ([] if entry["fn"] is None else [entry["fn"]]):
            problems.append(f"{where}: highlighted {lane['current']}, the trace says {entry['fn']}")
        if entry["fn"] is not None and lane["currentStroke"] in (None, "1px", "1"):
            problems.append(f"{where}: the highlighted node is drawn like the others")
        for key in ("hide", "done", "part"):
            if lane[key] != sorted(entry[key]):
                problems.append(f"{where}: {key} {lane[key]}, the trace says {sorted(entry[key])}")
        if lane["shownHidden"]:
            problems.append(f"{where}: {lane['shownHidden']} nodes marked hidden are visible")
        missing = [text for text in panel_lines(entry, k, words["title"]) if text not in lane["panel"]]
        if missing:
            problems.append(f"{where}: the panel lacks {missing}: {lane['panel']!r}")
        wanted = [words["start"]] if entry["fn"] is None else [words["received"], words["sent"]]
        wanted += [words["recorded"]] if entry.get("made") else []
        if not all(word in lane["panel"] for word in wanted):
            problems.append(f"{where}: the panel lacks the words {wanted}: {lane['panel']!r}")
    return problems


def walk_problems(driver, block, traces: list[list[dict]], words: dict[str, str]) -> list[str]:
    """Step forward with Next to the end, then back with Previous, checking every step on the way."""
    last = max(len(t) - 1 for t in traces)
    next_, prev = (block.find_element("css selector", f"button[data-act={a}]") for a in ("next", "previous"))
    problems = state_problems(driver, block, traces, 0, words)
    for k in [*range(1, last + 1), *range(last - 1, -1, -1)]:
        (next_ if k > int(block.get_attribute("data-step")) else prev).click()
        problems += state_problems(driver, block, traces, k, words)
        if k == last and next_.is_enabled():
            problems.append(f"at the last step, {last}, Next is still enabled")
    if prev.is_enabled():
        problems.append("at step 0 Previous is enabled")
    return problems


def phone_problems(driver) -> list[str]:
    """What of a stepper sticks out at a phone's width."""
    set_width(driver, PHONE)
    try:
        return [f"at {PHONE} px: {p}" for p in driver.execute_script(WIDTH_JS, PHONE)]
    finally:
        set_width(driver, DESKTOP)


ENGLISH = {"previous": "Previous", "next": "Next", "play": "Play", "pause": "Pause", "step": "Step {k} of {n}",
           "start": "start", "received": "received", "sent": "sent", "recorded": "recorded",
           "title": "#{k} {name} (gen {gen})"}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_steppers_replay_the_trace_forward_and_back(browser, server, site_dir: Path, page: str) -> None:
    base, failures_404 = server
    assert check_page(browser, f"{base}/{page}", failures_404) == []   # no console error, nothing missing
    blocks = ready(browser, f"{base}/{page}")
    traces = [trace(site_dir, name) for name in PAGES[page]]
    words = LABELS if page.startswith("zh/") else ENGLISH
    assert len(blocks) == 1, "one stepper on the page"
    assert len(blocks[0].find_elements("css selector", ".tp-stepper__lane")) == len(traces)
    assert not blocks[0].find_elements("css selector", "img"), "the still pictures were replaced by the stepper"
    buttons = browser.execute_script(STATE_JS, blocks[0])["buttons"]
    assert buttons == [words["previous"], words["play"], words["next"]]
    problems = walk_problems(browser, blocks[0], traces, words)
    for scheme in ("slate", "default"):
        set_scheme(browser, scheme)
        problems += state_problems(browser, blocks[0], traces, 0, words)
        background = browser.execute_script(
            "return getComputedStyle(arguments[0].querySelector('.tp-stepper__graph')).backgroundColor", blocks[0])
        if background != "rgb(255, 255, 255)":
            problems.append(f"{scheme} palette: the graph is drawn on {background}, not white")
    problems += phone_problems(browser)
    problems += [f"console: {e['message']}" for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not problems, "\n".join(problems)


def test_the_keyboard_steps_and_plays(browser, server, site_dir: Path) -> None:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = server
    block, = ready(browser, f"{base}/steps/step34/")
    traces = [trace(site_dir, name) for name in PAGES["steps/step34/"]]
    browser.execute_script("arguments[0].focus()", block)
    problems = []
    for key, k in ((Keys.ARROW_RIGHT, 1), (Keys.ARROW_RIGHT, 2), (Keys.ARROW_LEFT, 1), (Keys.END, 4),
                   (Keys.ARROW_RIGHT, 4), (Keys.HOME, 0), (Keys.ARROW_LEFT, 0)):
        block.send_keys(key)
        problems += state_problems(browser, block, traces, k, ENGLISH)
    play = block.find_element("css selector", "button[data-act=play]")
    block.send_keys(Keys.SPACE)
    assert (play.text, play.get_attribute("aria-pressed")) == ("Pause", "true")
    WebDriverWait(browser, 60).until(lambda d: block.get_attribute("data-step") == "4")  # plays to the end
    WebDriverWait(browser, 60).until(lambda d: play.get_attribute("aria-pressed") == "false")  # and stops there
    problems += state_problems(browser, block, traces, 4, ENGLISH)
    block.send_keys(Keys.SPACE)          # play again from the end: starts over
    block.send_keys(Keys.SPACE)          # pause
    assert (play.text, block.get_attribute("data-step")) == ("Play", "0")
    assert not problems, "\n".join(problems)


def site_copy(site_dir: Path, tmp: Path, replace: dict[str, str]) -> Path:
    """A site in `tmp` that links to every file of `site_dir` except those in `replace` (path -> new text)."""
    for path in site_dir.rglob("*"):
        rel = path.relative_to(site_dir).as_posix()
        if path.is_file() and rel not in replace:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, tmp / rel)
    for rel, text in replace.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_text(text, encoding="utf-8")
    return tmp


def test_labels_come_from_the_page(browser, site_dir: Path, tmp_path: Path) -> None:
    """A translated page gives every word as a data-* attribute, also for two lanes; the numbers stay the
    trace's (Step 34 has no Chinese twin yet: its English page with the Chinese words)."""
    page = (site_dir / "steps/step34/index.html").read_text(encoding="utf-8")
    attributes = " ".join(f'data-{key}="{text}"' for key, text in LABELS.items())
    assert page.count('<div class="tp-stepper">') == 1
    translated = page.replace('<div class="tp-stepper">', f'<div class="tp-stepper" {attributes}>')
    site = site_copy(site_dir, tmp_path / "site", {"steps/step34/index.html": translated})
    traces = [trace(site_dir, name) for name in PAGES["steps/step34/"]]
    with serve(site) as (base, _):
        block, = ready(browser, f"{base}/steps/step34/")
        state = browser.execute_script(STATE_JS, block)
        problems = walk_problems(browser, block, traces, LABELS)
    assert state["buttons"] == [LABELS["previous"], LABELS["play"], LABELS["next"]]
    assert not problems, "\n".join(problems)


def test_without_javascript_the_numbered_stills_show(browser, server) -> None:
    base, _ = server
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(f"{base}/steps/step34/")
        images = browser.execute_script(
            "return Array.from(document.querySelectorAll('.tp-stepper img'), i => [i.getAttribute('src'),"
            " i.complete && i.naturalWidth > 0, i.getBoundingClientRect().width])")
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    assert [src.rsplit("/", 1)[1] for src, _, _ in images] == [f"{n}.svg" for n in PAGES["steps/step34/"]]
    assert all(ok and width > 100 for _, ok, width in images), images


def test_the_checks_catch_a_broken_stepper(browser, site_dir: Path, tmp_path: Path) -> None:
    """A script that highlights the wrong node, hides nothing and never updates its panel, on a page that
    logs an error and lets a stepper stick out at a phone's width, must be reported for each fault."""
    script = (site_dir / "javascripts/backward-stepper.js").read_text(encoding="utf-8")
    broken = (script.replace('g.classList.toggle("tp-current", s.fn === id)', 'g.classList.toggle("tp-current", s.fn === id + 1)')
                    .replace('g.classList.toggle("tp-hidden", hidden.has(id))', 'g.classList.toggle("tp-hidden", false)')
                    .replace("lane.panel.replaceChildren(...panel);", "if (!k) lane.panel.replaceChildren(...panel);"))
    assert broken.count("id + 1") == 1 and "tp-hidden\", false" in broken and "if (!k)" in broken
    page = (site_dir / "steps/step29/index.html").read_text(encoding="utf-8").replace(
        '<div class="tp-stepper">', '<div class="tp-stepper" style="min-width: 600px">'
    ).replace("</body>", "<script>console.error('boom from the stepper page')</script></body>")
    site = site_copy(site_dir, tmp_path / "site", {"javascripts/backward-stepper.js": broken,
                                                   "steps/step29/index.html": page})
    traces = [trace(site_dir, "step29-gradient-graph-growing")]
    with serve(site) as (base, _):
        block, = ready(browser, f"{base}/steps/step29/")
        problems = "\n".join(walk_problems(browser, block, traces, ENGLISH))
        problems += "\n".join(phone_problems(browser))
        problems += "\n".join(e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE")
    for expected in ["step 1, lane 1: highlighted", "step 0, lane 1: hide []", "step 2, lane 1: the panel lacks",
                     "reaches", "boom from the stepper page"]:
        assert expected in problems, f"not reported: {expected}\n{problems}"
