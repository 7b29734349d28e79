"""What every page shares: language and presentation switches, the title, the URL sync.

A page starts with ``theme = page_start("explore")`` and ends with ``page_end()``; in between
it draws its controls with :func:`quantviz.ui.state.widget`, which remembers them so that
:func:`page_end` writes exactly this page's controls to the URL.
"""

from __future__ import annotations

import streamlit as st

from quantviz.figures import Theme
from quantviz.ui import state
from quantviz.ui.i18n import LANGUAGES, t
from quantviz.ui.state import Control

LANG = Control("lang", "segmented", "en", "lang.label", options=tuple(LANGUAGES))
PRESENT = Control("present", "toggle", False, "present.label", help="present.help")

_PRESENTATION_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stMetricValue"] { font-size: 2.4rem; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.3rem; }
.katex { font-size: 1.5em; }
</style>
"""


def sidebar_state() -> str:
    """``initial_sidebar_state`` for ``st.set_page_config``: folded in presentation mode."""
    return "collapsed" if PRESENT.parse(st.query_params.get(PRESENT.key)) else "auto"


def nav_title(page: str) -> str:
    """A page's name in the navigation, in the language of the URL or the session."""
    state.init(LANG)
    return t(f"{page}.nav")


def page_start(page: str) -> Theme:
    """Draw the shared switches and the page title; return the figure theme to use."""
    st.session_state["_controls"] = []
    state.widget(LANG, st.sidebar)
    present = state.widget(PRESENT, st.sidebar)
    if present:
        st.html(_PRESENTATION_CSS)
    st.title(t(f"{page}.title"))
    st.caption(t(f"{page}.intro"))
    return Theme.presentation() if present else Theme()


def page_end() -> None:
    """Write every control this page drew to the URL (defaults are left out)."""
    drawn = st.session_state.get("_controls", [])
    state.sync_url([LANG, PRESENT, *drawn])


def figure(fig, key: str | None = None) -> None:
    """Show a plotly figure at the container's width, with the mode bar kept small."""
    st.plotly_chart(fig, key=key, theme=None,
                    config={"displaylogo": False, "responsive": True})
