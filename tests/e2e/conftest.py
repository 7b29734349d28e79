"""Real-browser tests: `streamlit run` on a free loopback port, driven by Debian's Chromium.

The tests skip only where /usr/bin/chromium is absent; CI installs it, so CI always runs them.
Screenshots go to artifacts/screenshots/ (ignored by git) so that a person can look at them.
Readers and checks of a page (``assert_clean``, ``metrics``, ``wait_until``...) live in
tests/e2e/browser.py.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.e2e.browser import ROOT, serve_app

SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Mark every test in this folder ``e2e`` (``-m "not e2e"`` skips the browser tests)."""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def app_url():
    """Start the app once for the e2e session and yield its base URL."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    with serve_app() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Module scope, not session: Playwright's sync API keeps an asyncio loop running in this
    thread while it is open, and tests collected after the browser tests call asyncio.run().
    """
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors
    yield pg
    context.close()


def wait_for_app(pg, timeout_ms: int = 90_000) -> None:
    """Wait as Streamlit's own tests do: the script is not running and no skeleton is left."""
    pg.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]",
                         timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while pg.locator("[data-testid=stSkeleton]").count() and time.monotonic() < deadline:
        time.sleep(0.2)
    pg.wait_for_timeout(500)
    pg.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]",
                         timeout=timeout_ms)


def screenshot(pg, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def open_app(page, app_url):
    """``open_app("explore?bits=4")`` loads a page of the app and waits until it is idle.

    Returns the Playwright page, with ``page.wait_idle()`` and ``page.shot(name)`` attached.
    """

    def go(path: str = ""):
        page.goto(f"{app_url}/{path}")
        wait_for_app(page)
        return page

    page.wait_idle = lambda: wait_for_app(page)
    page.shot = lambda name: screenshot(page, name)
    return go
