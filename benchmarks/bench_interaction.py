"""Speed as a person sees it: key press on a slider -> the new charts painted, in Chromium.

    python benchmarks/bench_interaction.py [--rounds 12] [--pages explore,bits] [--quiet-ms 700]
                                           [--before DIR]

Starts three Streamlit servers on free loopback ports: the app, the plain reference page
(``benchmarks/reference_app.py``: one slider, four plotly bar charts of 200 bars) and the empty
page (``benchmarks/empty_app.py``: one slider). Debian's headless Chromium (through Playwright)
opens every page with charts in its own tab and, round after round and tab after tab
(interleaved, so a busy machine slows all alike), focuses a slider and presses an arrow key:
the Bits slider on each page (alternately right and left, so after the first round the app's
caches answer) and the Seed slider, a new tensor on every move (always right, every value new).
It also presses ``r`` (Streamlit's rerun key) for a rerun with nothing changed.

A move is timed inside the page from the keydown event to the last change of a plotly chart
(the empty page: of its text), then two animation frames (the frame that shows it is painted).
Pages whose results are tables and no chart (Toolchains, Checkpoint: Streamlit draws a table
in a canvas, which changes no DOM a page can watch) are timed to the end of the run instead, as
an unchanged rerun is. A slider in a collapsed expander (Compare's) is shown first.
Recorded beside it: when the first and the last websocket message of the rerun arrived, their
bytes, the main thread's long tasks, and how many KaTeX blocks and charts changed.

With Explore among the pages, the live figure's own Bits input is pressed too, in its own tab
in the same rounds: timed from the keydown to its preview painted (the first change of the
figure, then two animation frames: the browser's redraw from the histogram, no server) and to
the server's exact numbers for the new bits painted (the full round trip), printed beside the
reference page's Bits move and today's Explore Bits move; target: the preview within 50 ms.

Prints per case the median and p95 in ms, their ratios to the reference page's, and the
targets: median <= 1.5x and p95 <= 2x the reference's Bits move, an unchanged rerun <= 1.2x
the reference's unchanged rerun. ``--before DIR`` also serves the app from another checkout
(e.g. ``git worktree add DIR <commit>``) and measures its pages in the same rounds, so that a
change reads as before/after on the same machine at the same time.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e.browser import serve_app  # noqa: E402 (one way to start a server, as the tests)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]

#: Recorded in every page before it loads: websocket messages in, long tasks.
INIT_JS = """
window.__qv = {msgs: [], long: []};
const NativeWS = window.WebSocket;
window.WebSocket = class extends NativeWS {
  constructor(...a) {
    super(...a);
    this.addEventListener('message', (e) => {
      const size = e.data.byteLength ?? e.data.size ?? e.data.length ?? 0;
      window.__qv.msgs.push([performance.now(), size]);
    });
  }
};
try {
  new PerformanceObserver((l) => l.getEntries().forEach(
    (e) => window.__qv.long.push([e.startTime, e.duration]))).observe({entryTypes: ['longtask']});
} catch (e) {}
"""

#: Arms one measurement; resolves after the page has been quiet for ``quiet`` ms.
ARM_JS = """
([selector, quiet, timeout, rerun]) => { window.__qvResult = new Promise((resolve) => {
  let t0 = null, last = null, timer = null, charts = new Set(), katex = 0;
  const inside = (m) => {
    const n = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    return n && n.closest ? n.closest(selector) : null;
  };
  const finish = () => {
    obs.disconnect();
    const q = window.__qv;
    const msgs = q.msgs.filter(([t]) => t0 !== null && t >= t0 && (last === null || t <= last));
    const long = q.long.filter(([t]) => t0 !== null && t >= t0 && (last === null || t <= last));
    resolve({t0, last, charts: charts.size, katex,
             first_msg: msgs.length ? msgs[0][0] - t0 : null,
             last_msg: msgs.length ? msgs[msgs.length - 1][0] - t0 : null,
             bytes: msgs.reduce((s, m) => s + m[1], 0), n_msgs: msgs.length,
             long_ms: long.reduce((s, e) => s + e[1], 0)});
  };
  document.addEventListener('keydown', (e) => { t0 = e.timeStamp; }, {capture: true, once: true});
  const obs = new MutationObserver((muts) => {
    if (t0 === null) return;
    let hit = false;
    for (const m of muts) {
      const n = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      if (n && n.closest && n.closest('.katex')) katex += 1;
      if (rerun) {
        if (m.type === 'attributes' && m.attributeName === 'data-test-script-state'
            && m.target.getAttribute('data-test-script-state') === 'notRunning') hit = true;
        continue;
      }
      const box = inside(m);
      if (box) { hit = true; charts.add(box); }
    }
    if (!hit) return;
    requestAnimationFrame(() => requestAnimationFrame(() => { last = performance.now(); }));
    clearTimeout(timer);
    timer = setTimeout(finish, quiet);
  });
  obs.observe(document.body, {subtree: true, childList: true, attributes: true,
                              characterData: true});
  setTimeout(finish, timeout);
}); }
"""


#: Arms one measurement of the live figure (in a shadow root, which the observer above cannot
#: see): resolves with the time its preview was painted (the first change of the figure, then
#: two animation frames) and the time the server's exact numbers for the new Bits were.
LIVE_ARM_JS = """
([timeout]) => { window.__qvResult = new Promise((resolve) => {
  let root = null;
  for (const host of document.querySelectorAll('*')) {
    const r = host.shadowRoot && host.shadowRoot.querySelector('.qv-live');
    if (r) { root = r; break; }
  }
  const bits0 = root.dataset.bits;
  let t0 = null, paint = null, exact = null, done = false;
  const frames = (then) => requestAnimationFrame(() => requestAnimationFrame(
    () => then(performance.now())));
  const finish = () => {
    if (done) return;
    done = true;
    obs.disconnect();
    resolve({t0, last: paint, paint, exact, charts: 1, katex: 0, first_msg: null,
             last_msg: null, bytes: 0, n_msgs: 0, long_ms: 0});
  };
  document.addEventListener('keydown', (e) => { t0 = e.timeStamp; }, {capture: true, once: true});
  let sawPaint = false;
  const obs = new MutationObserver(() => {
    if (t0 === null) return;
    if (!sawPaint) { sawPaint = true; frames((t) => { paint = t; }); }
    if (exact === null && root.dataset.status === 'exact' && root.dataset.bits !== bits0) {
      exact = -1;
      frames((t) => { exact = t; setTimeout(finish, 50); });
    }
  });
  obs.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  setTimeout(finish, timeout);
}); }
"""


@dataclass
class Case:
    name: str
    server: str            # "app" | "reference" | "empty"
    path: str
    slider: str | None     # label of the slider moved; None: press r (a rerun, nothing changed)
    until_run: bool = False  # time to the end of the run (pages of tables) not a chart's change
    keys: str = "alternate"  # "alternate": right, left, ...; "right": always right
    selector: str = ".js-plotly-plot"
    live: bool = False     # the live figure's own Bits input (preview paint and server answer)
    samples: list[dict] = field(default_factory=list)
    tab: object = None
    moves: int = 0


#: The live figure's preview of a Bits move is painted within this many ms (median).
LIVE_TARGET_MS = 50


def cases(pages: list[str], before: bool) -> list[Case]:
    out = [Case("reference: Bits", "reference", "", "Bits"),
           Case("reference: rerun", "reference", "", None),
           Case("empty: value", "empty", "", "value",
                selector="[data-testid=stMarkdownContainer]"),
           Case("empty: rerun", "empty", "", None)]
    bits_label = {"bits": "Bits to read off"}
    tables = {"toolchains", "checkpoint"}  # results in tables, no chart
    for server in ("app", "before") if before else ("app",):
        tag = "" if server == "app" else " (before)"
        for p in pages:
            out.append(Case(f"{p}{tag}: Bits", server, p, bits_label.get(p, "Bits"),
                            until_run=p in tables))
            if p != "learn":
                out.append(Case(f"{p}{tag}: Seed", server, p, "Seed", keys="right",
                                until_run=p in tables))
            out.append(Case(f"{p}{tag}: rerun", server, p, None))
        if "explore" in pages and server == "app":
            out.append(Case("explore: live Bits", "app", "explore", "Bits", live=True))
    return out


def wait_idle(tab, timeout_ms: int = 120_000) -> None:
    tab.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]",
                          timeout=timeout_ms)
    while tab.locator("[data-testid=stSkeleton]").count():
        tab.wait_for_timeout(200)
    tab.wait_for_timeout(300)
    tab.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]",
                          timeout=timeout_ms)


def thumb(tab, label: str):
    box = tab.locator("[data-testid=stSlider]").filter(has_text=label).first
    return box.locator("[role=slider], input[type=range]").first


def reveal(tab, label: str) -> None:
    """Open the collapsed expander that holds the slider ``label``, if one does (Compare keeps
    each configuration's controls in one): a key press on a hidden slider moves nothing."""
    handle = thumb(tab, label)
    if not handle.count() or handle.is_visible():
        return
    sliders = tab.locator("[data-testid=stSlider]").filter(has_text=label)
    box = tab.locator("[data-testid=stExpander]").filter(has=sliders).first
    if box.count():
        box.locator("summary").first.click()
        wait_idle(tab)


def measure(case: Case, quiet_ms: int) -> dict:
    tab = case.tab
    wait_idle(tab)
    if case.live:
        return measure_live(case)
    if case.slider is None:
        tab.evaluate("document.activeElement && document.activeElement.blur()")
        key = "r"
    else:
        handle = thumb(tab, case.slider)
        if not handle.count():
            return {"missing": True}
        handle.focus(timeout=5000)
        key = "ArrowRight" if case.keys == "right" or case.moves % 2 == 0 else "ArrowLeft"
    tab.evaluate(ARM_JS, [case.selector, quiet_ms, 15_000, case.slider is None or case.until_run])
    tab.keyboard.press(key)
    result = tab.evaluate("window.__qvResult")
    case.moves += 1
    if result["t0"] is None or result["last"] is None:
        return {}
    result["ms"] = result["last"] - result["t0"]
    return result


def measure_live(case: Case) -> dict:
    """A key press on the live figure's Bits input: ``ms`` to its preview painted,
    ``ms_exact`` to the server's numbers for the new bits painted."""
    tab = case.tab
    handle = tab.locator(".qv-live input[type=range]")
    if not handle.count():
        return {"missing": True}
    handle.focus(timeout=5000)
    key = "ArrowRight" if case.moves % 2 == 0 else "ArrowLeft"
    tab.evaluate(LIVE_ARM_JS, [15_000])
    tab.keyboard.press(key)
    result = tab.evaluate("window.__qvResult")
    case.moves += 1
    if result["t0"] is None or result["paint"] is None:
        return {}
    result["ms"] = result["paint"] - result["t0"]
    if result["exact"] is not None and result["exact"] > 0:
        result["ms_exact"] = result["exact"] - result["t0"]
    return result


def p95(v: list[float]) -> float:
    return float(np.percentile(v, 95)) if v else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=12)
    # every page with charts; a page without a Bits or Seed slider is left out of that case
    parser.add_argument("--pages", default="explore,compare,bits,calibration,per_channel,"
                        "toolchains,formats,layer,model,outliers,checkpoint,learn")
    parser.add_argument("--quiet-ms", type=int, default=700)
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout of the app, measured in the same rounds")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    todo = cases([p for p in args.pages.split(",") if p], args.before is not None)
    scripts = {"app": ROOT / "app.py", "reference": ROOT / "benchmarks" / "reference_app.py",
               "empty": ROOT / "benchmarks" / "empty_app.py"}
    if args.before is not None:
        scripts["before"] = args.before.resolve() / "app.py"
    with contextlib.ExitStack() as stack:
        urls = {k: stack.enter_context(serve_app(v, 90)) for k, v in scripts.items()}
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for case in todo:
            context = browser.new_context(viewport={"width": 1400, "height": 1800})
            context.add_init_script(INIT_JS)
            case.tab = context.new_page()
            case.tab.goto(f"{urls[case.server]}/{case.path}")
            wait_idle(case.tab)
            if case.slider is not None:
                reveal(case.tab, case.slider)
        for case in list(todo):  # warm up: first renders, caches of the first values
            for _ in range(2):
                got = measure(case, args.quiet_ms)
            print(f"{case.name}: {got.get('ms', 'no change seen')}", file=sys.stderr, flush=True)
            if got.get("missing"):
                todo.remove(case)
        for r in range(args.rounds):
            for case in todo:
                sample = measure(case, args.quiet_ms)
                if "ms" in sample:
                    case.samples.append(sample)
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
        browser.close()
    report(todo)


def report(todo: list[Case]) -> None:
    by = {c.name: c for c in todo}
    ref = [s["ms"] for s in by["reference: Bits"].samples]
    ref_rerun = [s["ms"] for s in by["reference: rerun"].samples]
    ref_med, ref_p95, ref_rr = float(np.median(ref)), p95(ref), float(np.median(ref_rerun))
    head = (f"{'case':<30}{'n':>3}{'median':>8}{'p95':>8}{'x ref':>7}{'p95 x':>7}"
            f"{'1st msg':>8}{'last msg':>9}{'kB':>7}{'long ms':>8}{'charts':>7}{'katex':>6}"
            "  target")
    print(head)
    print("-" * len(head))
    missed = []
    for c in todo:
        v = [s["ms"] for s in c.samples]
        if not v:
            print(f"{c.name:<30} no samples")
            continue

        def med(key: str, c=c) -> float:
            vals = [s[key] for s in c.samples if s.get(key) is not None]
            return float(np.median(vals)) if vals else float("nan")

        m, q = float(np.median(v)), p95(v)
        if c.slider is None:
            ratio, ratio95 = m / ref_rr, float("nan")
            ok = ratio <= 1.2
            target = f"rerun <= 1.2x: {'met' if ok else 'MISSED'}"
        else:
            ratio, ratio95 = m / ref_med, q / ref_p95
            ok = ratio <= 1.5 and ratio95 <= 2.0
            target = f"<= 1.5x / 2x: {'met' if ok else 'MISSED'}"
        if c.server == "app" and not ok:
            missed.append(c.name)
        print(f"{c.name:<30}{len(v):>3}{m:8.0f}{q:8.0f}{ratio:7.2f}{ratio95:7.2f}"
              f"{med('first_msg'):8.0f}{med('last_msg'):9.0f}{med('bytes') / 1e3:7.1f}"
              f"{med('long_ms'):8.0f}{med('charts'):7.0f}{med('katex'):6.0f}"
              f"  {target if c.server in ('app', 'before') else ''}")
    live = by.get("explore: live Bits")
    if live is not None and live.samples:
        paint = [s["ms"] for s in live.samples]
        exact = [s["ms_exact"] for s in live.samples if "ms_exact" in s]
        today = [s["ms"] for s in by["explore: Bits"].samples] if "explore: Bits" in by else []
        met = float(np.median(paint)) <= LIVE_TARGET_MS
        print(f"\nlive figure, Bits key -> preview painted: median {np.median(paint):.0f} ms, "
              f"p95 {p95(paint):.0f} ms (n={len(paint)}); reference page's Bits move: median "
              f"{ref_med:.0f} ms, p95 {ref_p95:.0f} ms; target <= {LIVE_TARGET_MS} ms median: "
              f"{'met' if met else 'MISSED'}")
        if exact:
            print(f"live figure, Bits key -> server's exact numbers painted: median "
                  f"{np.median(exact):.0f} ms, p95 {p95(exact):.0f} ms (n={len(exact)}); "
                  f"today's Explore Bits move: median "
                  f"{np.median(today) if today else float('nan'):.0f} ms, "
                  f"p95 {p95(today):.0f} ms")
    print(f"\nreference page: Bits move median {ref_med:.0f} ms, p95 {ref_p95:.0f} ms; "
          f"unchanged rerun median {ref_rr:.0f} ms")
    print("all app targets met" if not missed else f"missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
