"""Shared fixtures: AppTest runs of the app with the caches emptied between tests.

Readers and checks of a run (``ok``, ``metric``, ``charts``...) live in tests/helpers.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers import ok

# CI runs the properties with a fixed seed: a red CI must mean a change broke something, not
# that the draw found an old corner. Locally every run draws afresh and keeps finding corners
# (found ones are kept as @example so CI checks them from then on).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture
def app_test():
    """A factory of AppTest runs of app.py (absolute path, generous timeout), caches cleared."""
    from streamlit.testing.v1 import AppTest

    from quantviz.ui import cache

    cache.clear_all()

    def make(page: str | None = None, query: dict | None = None, session: dict | None = None):
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        for key, value in (session or {}).items():
            at.session_state[key] = value
        if page:
            at.switch_page(f"pages/{page}.py")
        return at

    yield make
    cache.clear_all()


@pytest.fixture
def run_page(app_test):
    """``run_page("bits", {"n": 1000})`` runs a page with that query string and checks the run.

    Query values may be numbers (they are sent as strings); ``page=None`` is the app's root,
    which opens Start. The run must raise no exception and, unless ``errors`` is False, show
    no error message. ``session`` presets session state.
    """

    def run(page: str | None, query: dict | None = None, *, session: dict | None = None,
            errors: bool = True):
        at = app_test(page=page, query={k: str(v) for k, v in (query or {}).items()},
                      session=session)
        at.run()
        ok(at, errors=errors)
        return at

    return run
