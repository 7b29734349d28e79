"""What one unchanged element costs a slider move and a rerun in the browser, by kind.

    python benchmarks/element_cost.py [--n 40] [--rounds 6]
                                      [--kinds markdown,metric,button,slider,latex,columns,row]

Other kinds: slider_help, selectbox, segmented, toggle, number (the sidebar's controls).

Serves ``benchmarks/elements_app.py`` (one slider, a line showing its value, ``n`` elements of
one kind that never change) and, in Debian's headless Chromium, one tab per kind and one with
no elements. Round after round it moves the slider (key press to the changed line painted)
and presses ``r`` (an unchanged rerun), as ``bench_interaction.py`` times them. Prints the
medians and, per kind, the milliseconds one element adds beyond the tab without elements.

Streamlit sends every element again on every rerun and the browser renders each again (React,
styles, layout), changed or not: this is what a page pays per element on each move.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_interaction import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    INIT_JS,
    ROOT,
    Case,
    measure,
    wait_idle,
)

from tests.e2e.browser import serve_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--kinds", default="markdown,metric,button,slider,latex,columns,row")
    parser.add_argument("--quiet-ms", type=int, default=500)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    kinds = ["none", *[k for k in args.kinds.split(",") if k]]
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(serve_app(ROOT / "benchmarks" / "elements_app.py", 90))
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        todo: list[tuple[str, Case, Case]] = []
        for kind in kinds:
            context = browser.new_context(viewport={"width": 1400, "height": 1800})
            context.add_init_script(INIT_JS)
            tab = context.new_page()
            tab.goto(f"{url}/?kind={kind}&n={args.n}")
            wait_idle(tab)
            move = Case(kind, "elements", "", "value",
                        selector="[data-testid=stMarkdownContainer]")
            rerun = Case(kind, "elements", "", None)
            move.tab = rerun.tab = tab
            todo.append((kind, move, rerun))
        for _, move, rerun in todo:  # warm up
            for case in (move, rerun, move):
                measure(case, args.quiet_ms)
        for r in range(args.rounds):
            for _, move, rerun in todo:
                for case in (move, rerun):
                    sample = measure(case, args.quiet_ms)
                    if "ms" in sample:
                        case.samples.append(sample["ms"])
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
        browser.close()
    med = {k: (float(np.median(m.samples)), float(np.median(r.samples))) for k, m, r in todo}
    base_move, base_rerun = med["none"]
    print(f"{'kind':<10}{'n':>4}{'move':>8}{'rerun':>8}{'ms/element (move, rerun)':>28}")
    for kind, (m, r) in med.items():
        n = args.n if kind != "none" else 0
        per = (f"{(m - base_move) / n:10.2f}{(r - base_rerun) / n:10.2f}" if n else "")
        print(f"{kind:<10}{n:>4}{m:8.0f}{r:8.0f}{per:>28}")


if __name__ == "__main__":
    main()
