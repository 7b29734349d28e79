"""Where a slider move's time goes in the browser: Chromium's CPU profile, by script.

    python benchmarks/profile_browser.py [--page explore] [--slider Bits] [--moves 6]
                                         [--app benchmarks/reference_app.py]

Serves the app (or ``--app``, e.g. the plain reference page) as ``bench_interaction.py`` does,
opens ``--page`` in Debian's headless Chromium, moves ``--slider`` with the arrow keys (left and
right in turn; ``--slider Seed`` always right, a new tensor each time) and records the main
thread with the DevTools CPU profiler (200 us sampling) over ``--moves`` moves
(``--slider rerun`` presses ``r`` instead: a rerun with nothing changed), each followed by
a quiet second. Prints the main thread's busy time per move, then per move: self time by script
(plotly's chunk, React, emotion, KaTeX...; ``(program)`` is the browser's own style, layout and
paint), the functions with the most self time, and the most inclusive ones (plotly's
``doAutoMargin``, ``drawData``...). Chunk names are those of Streamlit's bundled frontend.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_interaction import CHROMIUM, CHROMIUM_ARGS, ROOT, thumb, wait_idle  # noqa: E402

from tests.e2e.browser import serve_app  # noqa: E402

IDLE = {"(idle)"}
UNATTRIBUTED = {"(program)", "(garbage collector)", "(root)", "(idle)"}


def aggregate(profile: dict, moves: int, top: int) -> None:
    """Print self time by script and function, and inclusive time by function, per move."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", [])}
    spent: collections.Counter = collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        spent[sample] += delta

    def name(node_id: int) -> tuple[str, str]:
        frame = nodes[node_id]["callFrame"]
        return frame["url"].rsplit("/", 1)[-1], frame["functionName"]

    by_script: collections.Counter = collections.Counter()
    by_function: collections.Counter = collections.Counter()
    inclusive: collections.Counter = collections.Counter()
    for node_id, us in spent.items():
        script, function = name(node_id)
        by_script[function if function in UNATTRIBUTED else script or "(native)"] += us
        by_function[(script, function)] += us
        seen, walk = set(), node_id
        while walk is not None:
            key = name(walk)
            if key not in seen:
                inclusive[key] += us
                seen.add(key)
            walk = parent.get(walk)
    busy = sum(us for node_id, us in spent.items() if name(node_id)[1] not in IDLE)
    per = 1000 * moves
    print(f"main thread busy: {busy / per:.0f} ms per move")
    print("self time by script:")
    for script, us in by_script.most_common(top):
        if script not in IDLE:
            print(f"  {us / per:8.1f} ms  {script}")
    print("self time by function:")
    for (script, function), us in by_function.most_common(top):
        if function not in IDLE:
            print(f"  {us / per:8.1f} ms  {script}:{function}")
    print("inclusive time by function:")
    for (script, function), us in inclusive.most_common(2 * top):
        if function not in UNATTRIBUTED:
            print(f"  {us / per:8.1f} ms  {script}:{function}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--page", default="explore", help="url path ('' for a one-page app)")
    parser.add_argument("--slider", default="Bits",
                        help="label of the slider to move; 'rerun' presses r instead")
    parser.add_argument("--moves", type=int, default=6)
    parser.add_argument("--app", type=Path, default=ROOT / "app.py")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rerun = args.slider == "rerun"
    keys = ["ArrowRight"] if args.slider == "Seed" else ["ArrowLeft", "ArrowRight"]
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(serve_app(args.app.resolve(), 90))
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1800})
        tab.goto(f"{url}/{args.page}")
        wait_idle(tab)
        handle = None if rerun else thumb(tab, args.slider)
        if handle is not None and not handle.count():
            raise SystemExit(f"no slider labelled {args.slider!r} on /{args.page}")

        def move(k: int) -> None:
            if handle is None:
                tab.evaluate("document.activeElement && document.activeElement.blur()")
                tab.keyboard.press("r")
            else:
                handle.focus(timeout=5000)
                tab.keyboard.press(keys[k % len(keys)])
            time.sleep(0.15)
            wait_idle(tab)
            time.sleep(1.0)

        for k in range(2):  # warm up: first renders, the caches of both values
            move(k)
        cdp = tab.context.new_cdp_session(tab)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})
        cdp.send("Profiler.start")
        for k in range(args.moves):
            move(k)
        profile = cdp.send("Profiler.stop")["profile"]
        browser.close()
    aggregate(profile, args.moves, args.top)


if __name__ == "__main__":
    main()
