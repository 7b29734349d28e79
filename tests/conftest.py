"""Shared fixtures: AppTest runs of the app with the caches emptied between tests."""

from __future__ import annotations

from pathlib import Path

import pytest

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
