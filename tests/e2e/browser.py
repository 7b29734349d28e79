"""Helpers shared by the real-browser tests: start the app, read a page, wait, pick, check.

Each reader takes a Playwright page opened by the ``open_app`` fixture (tests/e2e/conftest.py)
and returns what a person sees on it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(script: Path | None = None, start_timeout_s: float = 60.0) -> Iterator[str]:
    """`streamlit run app.py` (or ``script``) on a free loopback port; yields its base URL once
    it is healthy and stops the server on the way out.

    An ``app.py`` runs from its own folder (another checkout's, for a before/after benchmark),
    any other script from this repository's root (the benchmarks' reference pages)."""
    script = ROOT / "app.py" if script is None else script
    port = _free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1"],
        cwd=script.parent if script.name == "app.py" else ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"{script.name} did not start within {start_timeout_s:g} s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def assert_clean(pg) -> None:
    """No dialog (e.g. "Page not found"), no exception, no error message, no JavaScript error."""
    assert pg.locator("[role=dialog]").all_inner_texts() == []
    assert pg.locator("[data-testid=stException]").count() == 0
    assert pg.locator("[data-testid=stAlertContentError]").count() == 0
    assert pg.js_errors == []


def titles(pg) -> list[str]:
    """The titles of the plotly charts on the page (SVG text)."""
    return [t.text_content() for t in pg.locator(".js-plotly-plot .gtitle").all()]


def metrics(pg) -> dict[str, str]:
    """Each metric's value by its label."""
    out = {}
    for m in pg.locator("[data-testid=stMetric]").all():
        out[m.locator("[data-testid=stMetricLabel]").inner_text().strip()] = (
            m.locator("[data-testid=stMetricValue]").inner_text().strip())
    return out


def captions(pg) -> str:
    return "\n".join(pg.locator("[data-testid=stCaptionContainer]").all_inner_texts())


def slider(pg, label: str):
    """The focusable range input of the sidebar slider labelled ``label``."""
    box = pg.locator("[data-testid=stSidebar] [data-testid=stSlider]").filter(has_text=label)
    return box.locator("input[type=range]")


def pick(pg, label: str, option: str) -> None:
    """Choose ``option`` in the sidebar selectbox labelled ``label``, then wait for the rerun."""
    box = pg.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(has_text=label)
    box.locator("[role=combobox]").click()
    pg.locator("[role=option]").filter(has_text=option).first.click()
    pg.wait_idle()


def wait_until(pg, predicate: Callable[[], object], shot: str, timeout_s: float = 30.0):
    """Poll ``predicate`` until it returns something truthy, and return that.

    If it never does, save the screenshot ``shot`` and fail with the charts and metrics shown.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        pg.wait_for_timeout(200)
    pg.shot(shot)
    raise AssertionError(f"the page did not reach the expected state (screenshot {shot}); "
                         f"charts: {titles(pg)}; metrics: {metrics(pg)}")


def nav_sections(pg) -> list[str]:
    """The navigation's section titles (the bar at the top of every page)."""
    return [s.strip() for s in pg.locator("[data-testid=stTopNavSection]").all_inner_texts()]


def go_to(pg, page_title: str) -> None:
    """Open the page named ``page_title`` through the navigation, as a person would: open each
    section's menu until one lists the page, then follow its link."""
    sections = pg.locator("[data-testid=stTopNavSection]")
    for i in range(sections.count()):
        sections.nth(i).click()
        link = pg.locator("[data-testid=stTopNavDropdownLink]").filter(has_text=page_title)
        if link.count():
            link.first.click()
            return
        pg.keyboard.press("Escape")
    raise AssertionError(f"no navigation link to {page_title!r} in {nav_sections(pg)}")
