"""What every page shares: language and presentation switches, the title, the URL sync.

A page starts with ``theme = page_start("explore")`` and ends with ``page_end()``; in between
it draws its controls with :func:`quantviz.ui.state.widget`, which remembers them so that
:func:`page_end` writes exactly this page's controls to the URL.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from contextlib import nullcontext
from numbers import Integral, Real

import numpy as np
import pandas as pd
import streamlit as st

from quantviz.present import Theme
from quantviz.studies.start import STEPS
from quantviz.ui import alt, budget, cache, memory, state
from quantviz.ui.caching import fingerprint
from quantviz.ui.i18n import LANGUAGES, plain, t
from quantviz.ui.state import Control

#: Work on fewer values than this ends well before a spinner would show (it waits half a
#: second), so none is started: each costs a thread and two messages per rerun.
BUSY_MIN_VALUES = 1_000_000

LANG = Control("lang", "segmented", "en", "lang.label", options=tuple(LANGUAGES))
PRESENT = Control("present", "toggle", False, "present.label", help="present.help")

_STYLE_CSS = """
<style>
/* Always: readable captions (4.5:1), visible keyboard focus, no sideways scrolling on a
   phone, and chart toolbars out of the tab order and off touch screens. */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  color: #4b4f5c; opacity: 1; }
[role="slider"]:focus-visible, button:focus-visible, a:focus-visible,
[role="radio"]:focus-visible, input:focus-visible {
  outline: 3px solid #00507d !important; outline-offset: 2px; }
label:focus-within { outline: 3px solid #00507d; outline-offset: 2px; }
[data-testid="stElementToolbar"] { visibility: hidden; }
[data-testid="stElementContainer"]:hover [data-testid="stElementToolbar"] { visibility: visible; }
.modebar-container { visibility: hidden; }
.js-plotly-plot:hover .modebar-container { visibility: visible; }
[data-testid="stMarkdownContainer"] table { display: block; max-width: 100%; overflow-x: auto; }
.katex-display { overflow-x: auto; overflow-y: hidden; }
/* a page link's label wraps (its span sets nowrap; what is inside inherits): a rule on the
   span alone, as one on every descendant ("... *") is matched against every element */
[data-testid="stPageLink-NavLink"] > span { white-space: normal; }
/* beyond a phone a table fits its column, a long word broken if it must: a table box that
   scrolls is a region a keyboard cannot reach (axe: scrollable-region-focusable). Streamlit
   sets the cells' nowrap and their paragraphs' overflow-wrap itself, hence the !important. */
@media (hover: hover) and (min-width: 641px) {
  [data-testid="stTable"] :is(th, td) { white-space: normal; }
  [data-testid="stTable"] :is(th, td) p { overflow-wrap: anywhere !important; }
}
@media (hover: none), (max-width: 640px) {
  .modebar-container, .js-plotly-plot:hover .modebar-container { display: none; }
  [data-testid="stMainBlockContainer"] { padding-left: 1rem; padding-right: 1rem; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {
    overflow-wrap: anywhere; }
  /* a wide table scrolls inside its box; its first column (what each row is) stays put */
  [data-testid="stTable"] :is(th, td) { padding: 0.3rem 0.45rem; }
  [data-testid="stTable"] tr > :first-child { position: sticky; left: 0; z-index: 1;
    background: #ffffff; box-shadow: 1px 0 0 #d5d8de; }
}
</style>
"""

#: Sent only in presentation mode: a `:has()` rule that switched these on in the browser made
#: every DOM change of every page restyle the page (a Seed move on Formats doubled its
#: main-thread work), so the server sends them when the switch is on.
_PRESENTATION_CSS = """
<style>
/* Presentation mode: nothing a class reads under 18 px (sent only while its switch is on). */
:root { font-size: 22px; }
:is([data-testid="stMarkdownContainer"] p,
  [data-testid="stMarkdownContainer"] li) { font-size: 1.3rem; }
[data-testid="stMetricLabel"] p { font-size: 1.1rem; }
[data-testid="stMetricValue"] p { font-size: 2.4rem; }
/* on a projector a value wraps onto a second line rather than ending in an ellipsis */
:is([data-testid="stMetricValue"],
  [data-testid="stMetricValue"] *) { white-space: normal; overflow: visible;
  text-overflow: clip; overflow-wrap: anywhere; display: block; }
button p { white-space: normal; }
:is([data-testid="stCaptionContainer"],
  [data-testid="stCaptionContainer"] p, [data-testid="stWidgetLabel"] p, table,
  [data-testid="stSidebarNav"] span, [data-testid="stSliderThumbValue"],
  [data-testid="stSliderTickBar"] div, input, textarea, [data-baseweb="select"] div,
  button p, [data-testid="stPageLink"] p, summary p, [data-testid="stAlertContainer"] p,
  [data-testid="stTooltipContent"] p, code) { font-size: 1rem; }
.katex { font-size: 1.5em; }
/* long formulas wrap between their terms instead of running off the screen */
.katex-display .katex-html { white-space: normal; }
.katex-display .base { margin-bottom: 0.3em; }
</style>
"""


def sidebar_state() -> str:
    """``initial_sidebar_state`` for ``st.set_page_config``: folded in presentation mode."""
    return "collapsed" if PRESENT.parse(st.query_params.get(PRESENT.key)) else "auto"


def nav_title(page: str) -> str:
    """A page's name in the navigation, in the language of the URL or the session."""
    state.init(LANG)
    return t(f"{page}.nav")


def _ensure_navigation() -> None:
    """Make app.py's navigation route every run, the first link opened after a start included.

    Streamlit takes a ``pages/`` folder beside the entry point for its older multipage mode
    until ``st.navigation`` has run once in the process. Until then a link such as
    ``/compare?bits=4`` runs ``pages/compare.py`` alone: no page config (narrow layout), file
    names in the sidebar. Seeing that mode, switch it off (as ``st.navigation`` itself does)
    and rerun, so that app.py runs and routes the same URL.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def home() -> None:
    """The app's root URL (a hidden page): open Start with the same query string.

    Streamlit serves its default page at "/" only, so if Start were the default, a shared
    link to ``/start?step=relu`` would pop up "Page not found". The default is this page
    instead, and every page, Start included, keeps its own path.
    """
    st.switch_page("pages/start.py", query_params=st.query_params.to_dict())


#: Where each practitioner page sits on the Start page's path: the step to read first.
PATH_FIRST: dict[str, str] = {
    "learn": "roundtrip", "explore": "roundtrip", "compare": "schemes", "bits": "bits",
    "calibration": "calibration", "per_channel": "per_channel", "toolchains": "scale",
    "formats": "bits", "layer": "per_channel", "model": "calibration",
    "outliers": "calibration", "checkpoint": "per_channel", "gguf": "per_channel",
    "ptq": "errors", "qat": "errors",
}


def path_note(page: str) -> None:
    """One line under a page's title: where it sits on the path, and a link to the step to
    read first (the Start page showing that step)."""
    step = PATH_FIRST.get(page)
    if step is None:
        return
    first = f"{STEPS.index(step) + 1}. {t(f'start.step.{step}')}"
    st.page_link("pages/start.py", label=t("path.where", where=t(f"path.{page}"), first=first),
                 icon="🧭", query_params={"step": step})


def page_start(page: str, **values: object) -> Theme:
    """Draw the shared switches and the page title; return the figure theme to use.

    ``values`` fill the ``{fields}`` of the page's title and intro (numbers from the code)."""
    _ensure_navigation()
    memory.note_session()
    state.begin_run(page)
    state.widget(LANG, st.sidebar)
    present = state.widget(PRESENT, st.sidebar)
    # the app's only raw HTML: two constants, nothing from a file or the URL. The first holds
    # the contrast, focus and phone rules; the second the projector's sizes.
    st.html(_STYLE_CSS)
    if present:
        st.html(_PRESENTATION_CSS)
    st.title(t(f"{page}.title", **values))
    path_note(page)
    st.caption(t(f"{page}.intro", **values))
    return Theme.presentation() if present else Theme()


def page_end() -> None:
    """Write every control this page drew to the URL (defaults are left out)."""
    state.sync_url([LANG, PRESENT, *state.drawn_controls()])
    state.end_run()


def busy(text: str, n: int):
    """``st.spinner(text)`` around work on ``n`` values, or nothing below ``BUSY_MIN_VALUES``."""
    return st.spinner(text) if n >= BUSY_MIN_VALUES else nullcontext()


def figure(fig, key: str | None = None, summary: str | None = None) -> None:
    """Show a plotly figure at the container's width, with the mode bar kept small, and its
    text alternative.

    The sentence :mod:`quantviz.ui.alt` reads from the figure (title, each axis's span, the
    series) is the chart's accessible name: Streamlit's ``alt`` puts it on the chart itself
    (``role="figure"``, ``aria-label``), read by a screen reader and not shown. ``summary`` is
    the page's own sentence about the chart, with its numbers, shown under it as a caption for
    everyone.

    The name travels with the chart's own element: no hidden container and Markdown line
    beside each chart, which cost every rerun about 1 ms of the browser's work per chart
    (``benchmarks/element_cost.py --kinds alt``). Plain text as an attribute: nothing in it is
    read as Markdown or HTML.
    """
    st.plotly_chart(fig, key=key, theme=None,
                    config={"displaylogo": False, "responsive": True},
                    alt=alt.sentence(alt.figure_facts(fig)))
    if summary is not None:
        st.caption(summary)


def figure_of(builder, *args, key: str, summary: str | None = None, **kwargs) -> None:
    """Show ``builder(*args, **kwargs)`` (a builder of :mod:`quantviz.present`), built once per
    distinct arguments and then taken from the figure cache, as it goes to the browser.

    The cache key is the builder's name and :func:`caching.fingerprint` of every argument
    (arrays by their bytes), so it cannot miss an input the figure depends on; a rerun that
    changes nothing the figure shows rebuilds nothing. ``key`` is the chart's element key.
    """
    parts = (builder.__module__, builder.__qualname__, fingerprint(args), fingerprint(kwargs))
    figure(cache.figure(parts, lambda: builder(*args, **kwargs)), key=key, summary=summary)


def row():
    """A row of equal elements (metrics, buttons) that wraps on a narrow screen.

    One flex container instead of ``st.columns``: four metrics in columns are nine blocks and
    messages on every rerun, in a row five. Elements put in it take ``width="stretch"``.
    """
    return st.container(horizontal=True, gap="small")


def lazy_expander(label: str, key: str):
    """A collapsed ``st.expander`` whose content is drawn only while it is open.

    Opening it reruns the page (Streamlit tracks its state under ``key``); ``.open`` says
    whether to draw the content. A closed expander's content would otherwise be sent, laid
    out and re-rendered on every rerun though nobody sees it (a block of formulas is a
    thousand KaTeX nodes, redrawn on every slider move). The state is the session's, not the
    URL's: a shared link opens with it closed.
    """
    return st.expander(label, key=key, on_change="rerun")


#: The shading of a table's best cells (dark text on light blue: 14:1).
BEST_STYLE = "font-weight: bold; background-color: #d6ecf7"


def cell_text(value: object, fmt: str = "{:,.6g}") -> str:
    """What a table cell shows: text made plain (:func:`plain`), a whole number with thousands
    separators, any other number by ``fmt``; yes/no for a truth value, a dash for none.

    Six significant digits by default show a value the page rounded (``round(v, 2)``) as it
    is and nothing a reader would take for more precision than the code has.
    """
    if value is None:
        return "—"
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, bool | np.bool_):
        return t("table.yes" if value else "table.no")
    if isinstance(value, Integral):
        return f"{int(value):,}"
    if isinstance(value, Real):
        v = float(value)
        if math.isnan(v):
            return "—"
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        return fmt.format(v)
    return plain(value)


def _formatter(fmt: str):
    return lambda value: cell_text(value, fmt)


def table(data, *, formats: Mapping[str, str] | None = None, number: str = "{:,.6g}",
          best=None) -> None:
    """Show rows as a table that scales with the page: the one table of the app.

    ``data`` is a list of row dicts, a dict of columns or a ``DataFrame`` (a named index is
    shown as its first column). Unlike ``st.dataframe``, which draws on a canvas whose font
    follows only the global theme, ``st.table`` is HTML: presentation mode enlarges it and on a
    phone it scrolls inside its own box (the style sheet). Its cells read Markdown, so every
    cell is shown through :func:`cell_text` (text from a file or a link is plain); a float
    column is formatted by ``formats[column]`` or ``number``. The headers are the page's own
    text: a caller that puts outside text in one makes it :func:`plain` first. ``best`` (the
    same shape as the rows, True where a cell is the best of its measure) is set bold and
    shaded. The data keeps its values (tests read them); only what is shown is formatted.
    """
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    formatter = {c: _formatter((formats or {}).get(c, number)) for c in frame.columns}
    styler = frame.style.format(formatter)
    if best is not None:
        marks = pd.DataFrame(best).to_numpy()
        if marks.shape[1] < frame.shape[1]:  # a leading index column is never marked
            pad = frame.shape[1] - marks.shape[1]
            marks = [[False] * pad + list(r) for r in marks]
        css = pd.DataFrame([[BEST_STYLE if m else "" for m in r] for r in marks],
                           index=frame.index, columns=frame.columns)
        styler = styler.apply(lambda _: css, axis=None)
    st.table(styler, hide_index=True)


_LOG = logging.getLogger("quantviz")


def run_guarded(page) -> None:
    """Run the navigation's page; what it raises becomes a sentence, never a traceback.

    Pages check their input and say what is wrong where they can; this is the net under them.
    A ``ValueError`` from the core names the values it refuses (``[-3e38, 3e38]`` cannot be
    scaled in float32), so its message is shown; anything else is logged on the server with
    its traceback and the page says only that it could not be drawn (no server paths).
    Streamlit's own control flow (rerun, stop, page switch) is not an ``Exception`` and passes.
    """
    try:
        page.run()
    except budget.OverBudget as over:  # work a page's cache would compute (see budget.hold)
        st.error(t("budget.work_busy" if over.busy else "budget.work",
                   need=f"{over.need / 1e6:,.0f} MB", budget=f"{over.budget / 1e6:,.0f} MB",
                   wait=f"{budget.WAIT_SECONDS:g}"))
    except (ValueError, ArithmeticError) as err:
        _LOG.warning("page %s refused its values: %s", getattr(page, "url_path", "?"), err,
                     exc_info=True)
        st.error(t("error.values", reason=plain(str(err).rstrip("."))))
    except Exception:  # noqa: BLE001 - the promise: no page shows a traceback
        _LOG.exception("page %s failed", getattr(page, "url_path", "?"))
        st.error(t("error.internal"))
    finally:
        budget.release_run()  # the memory this run held for an upload

