#!/usr/bin/env python3
"""Screenshots of the same places in two checkouts of the app, side by side in one folder.

The places are the ones a new student, a lecturer and a phone met worst (issue 24): the page
the app opens on, Learn's zero-point section, a table in presentation mode, a table on a
390 px phone, and the sidebar's selected option and captions (their contrast). Each is taken
from a server of each checkout, so ``before`` and ``after`` are the same request::

    python scripts/screenshots_before_after.py --before OTHER_CHECKOUT --out shots/

writes ``<place>-before.png`` and ``<place>-after.png``. Needs Playwright and Debian's
Chromium (``/usr/bin/chromium``), as the browser tests do.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.browser import serve_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


@dataclass(frozen=True)
class Place:
    """One screenshot: a path, a window size, and what to bring into view (a CSS selector and
    which match, or nothing for the top of the page), then ``offset`` pixels further down;
    ``clip`` keeps only that element."""

    name: str
    path: str
    width: int
    height: int
    selector: str = ""
    index: int = 0
    clip: bool = False
    offset: int = 0


PLACES = (
    Place("first_page", "", 1280, 800),
    Place("learn_zero_point", "learn", 1280, 900, "[data-testid=stHeading] h2", 1,
          offset=1100),
    Place("projector_table", "calibration?present=1", 1280, 800,
          "[data-testid=stTable], [data-testid=stDataFrame]"),
    Place("phone_table", "calibration", 390, 844,
          "[data-testid=stTable], [data-testid=stDataFrame]"),
    Place("contrast_sidebar", "explore", 1280, 900, "[data-testid=stSidebar]", clip=True),
)


def wait_for_app(pg, timeout_ms: int = 90_000) -> None:
    """As Streamlit's own tests wait: the script not running and no skeleton left."""
    ready = "[data-testid=stApp][data-test-script-state=notRunning]"
    pg.wait_for_selector(ready, timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while pg.locator("[data-testid=stSkeleton]").count() and time.monotonic() < deadline:
        time.sleep(0.2)
    pg.wait_for_timeout(800)
    pg.wait_for_selector(ready, timeout=timeout_ms)


def shoot(browser, url: str, place: Place, out: Path) -> None:
    context = browser.new_context(viewport={"width": place.width, "height": place.height})
    pg = context.new_page()
    try:
        pg.goto(f"{url}/{place.path}")
        wait_for_app(pg)
        target = pg.locator(place.selector).nth(place.index) if place.selector else None
        if target is not None and target.count() == 0:
            target = None
        if target is not None and place.clip:
            target.screenshot(path=str(out))
            return
        if target is not None:
            target.evaluate("(el, dy) => { el.scrollIntoView(); "
                            "el.closest('section.stMain, [data-testid=stMain]')"
                            "?.scrollBy(0, dy); window.scrollBy(0, dy); }", place.offset)
            pg.wait_for_timeout(300)
        pg.screenshot(path=str(out))
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--before", type=Path, required=True, help="another checkout of the app")
    p.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    p.add_argument("--only", default="", help="comma-separated place names")
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright
    places = [pl for pl in PLACES if not args.only or pl.name in args.only.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for label, app in (("before", args.before / "app.py"), ("after", ROOT / "app.py")):
            with serve_app(app) as url:
                for place in places:
                    path = args.out / f"{place.name}-{label}.png"
                    shoot(browser, url, place, path)
                    print(path)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
