"""Controls bound to the URL's query parameters, so a shared link restores the view.

A :class:`Control` declares a widget once: its key (also its query parameter), kind, default and
allowed values. :func:`widget` draws it; its value is read from the URL the first time the
session meets it and written back to the URL after every change (defaults are left out so links
stay short). A value in the URL that does not parse, is out of range, NaN or infinite falls back to
the default, and a slider's value between its steps moves to the nearest step: a hand-edited
link never breaks the page, nor holds a value its slider cannot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st

from quantviz.ui.i18n import has, t

#: No number from a URL is larger than this, bounds or not: every page computes in float32
#: (largest 3.4e38), so a control without a range still never gets ``1e308``.
URL_NUMBER_MAX = 1e30

Kind = Literal["select", "radio", "segmented", "int", "float", "toggle", "number", "text"]


@dataclass(frozen=True)
class Control:
    """A widget bound to the query parameter ``key``.

    ``options`` for select/radio/segmented: their labels come from the text table as
    ``"{option_prefix or label}.{option}"`` when that key exists, else the option itself.
    ``lo``/``hi``/``step`` for int/float sliders and number inputs; ``label`` and ``help`` are
    text keys.
    """

    key: str
    kind: Kind
    default: Any
    label: str
    options: tuple = ()
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    help: str | None = None
    fmt: str | None = None
    option_prefix: str | None = None
    #: ``(name, value)`` pairs formatted into the help text (numbers that come from the code).
    help_values: tuple = ()

    def parse(self, raw: str | None) -> Any:
        """The value a URL string stands for, or the default when it is missing or invalid."""
        if raw is None:
            return self.default
        if self.kind == "text":
            return raw
        try:
            if self.kind in ("select", "radio", "segmented"):
                match = [o for o in self.options if str(o) == raw]
                return match[0] if match else self.default
            if self.kind == "toggle":
                return raw.lower() in ("1", "true", "yes", "on")
            value: Any = int(raw) if self.kind == "int" else float(raw)
            # an integer of 400 digits parses, and math.isfinite of it overflows
            if not math.isfinite(value) or abs(value) > URL_NUMBER_MAX:
                return self.default
        except (ValueError, OverflowError):
            return self.default
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            return self.default
        return self._on_grid(value)

    def _on_grid(self, value: Any) -> Any:
        """A slider's value from a link, moved to the nearest value the slider can show
        (``lo + k * step``, to 12 decimals: a value on the grid is kept as written).

        A link is not a slider: ``normal.std=1e-30`` passed the range check (0..10) and cost
        17 s of CPU on Toolchains (PyTorch's histogram search runs its whole course when the
        densities underflow), where the slider offers only 0 and multiples of 0.05.
        """
        if self.kind != "float" or self.lo is None or not self.step:
            return value
        # rounded to 12 decimals: 90 + 990 * 0.01 is 99.9, not 99.89999999999999
        snapped = round(self.lo + round((value - self.lo) / self.step) * self.step, 12)
        return min(snapped, self.hi) if self.hi is not None else snapped

    def serialize(self, value: Any) -> str:
        if self.kind == "toggle":
            return "1" if value else "0"
        return str(value)


def init(control: Control) -> None:
    """Put the control's value into session state (from the URL) unless it is there already."""
    if control.key not in st.session_state:
        st.session_state[control.key] = control.parse(st.query_params.get(control.key))


def value(control: Control) -> Any:
    """The control's current value (initialising it from the URL if needed)."""
    init(control)
    return st.session_state[control.key]


def option_label(control: Control) -> Callable[[Any], str]:
    def label(option: Any) -> str:
        key = f"{control.option_prefix or control.label}.{option}"
        return t(key) if has(key) else str(option)

    return label


def begin_run(page: str) -> None:
    """Start this run's list of drawn controls; note whether it enters ``page`` (see
    :func:`widget`): it does until a run on ``page`` has finished (:func:`end_run`)."""
    st.session_state["_entering"] = st.session_state.get("_page_done") != page
    if st.session_state.get("_page") != page:  # a new page: its link's values not yet read
        st.session_state["_url_read"] = set()
    st.session_state["_page"] = page
    st.session_state["_controls"] = []


def drawn_controls() -> list[Control]:
    """The controls this run has drawn so far, in order."""
    return st.session_state.get("_controls", [])


def end_run() -> None:
    """Note that a run on this page has finished (one stopped early, by a new rerun or an
    error, has not)."""
    st.session_state["_page_done"] = st.session_state.get("_page")


def widget(control: Control, container: Any = None) -> Any:
    """Draw ``control`` in ``container`` (the sidebar by default) and return its value.

    The control is remembered for this run so that the page's URL sync writes it.

    Streamlit drops a widget's value when a run does not draw it. ``persist_state="session"``
    keeps it under the key while the widget is hidden (a control shown for one calibrator
    only, a page without it) and gives it back when the widget returns. On another page the
    same key (bits, scheme) is another widget, which would start from its default for the
    first run there: until a run on the page has finished, the value is written back to
    session state before the widget, which starts from it. Not on every run: a value written
    back is sent as one the browser must set, so it re-rendered every control on every move
    (about 40 ms of a Bits move on Explore), and a run that started before a quick second
    move set the slider back to the first move's value. A value the entering link names wins
    over the session's (:func:`_entry_value`).
    """
    init(control)
    if st.session_state.get("_entering", True):
        st.session_state[control.key] = _entry_value(control)
    drawn = st.session_state.setdefault("_controls", [])
    if control not in drawn:
        drawn.append(control)
    box = container if container is not None else st.sidebar
    label = t(control.label)
    helptext = t(control.help, **dict(control.help_values)) if control.help else None
    common = {"key": control.key, "help": helptext, "persist_state": "session"}
    if control.kind == "select":
        return box.selectbox(label, control.options, format_func=option_label(control), **common)
    if control.kind == "radio":
        return box.radio(label, control.options, horizontal=True,
                         format_func=option_label(control), **common)
    if control.kind == "segmented":
        return box.segmented_control(label, control.options, format_func=option_label(control),
                                     selection_mode="single", **common)
    if control.kind == "toggle":
        return box.toggle(label, **common)
    if control.kind == "int":
        return box.slider(label, int(control.lo), int(control.hi), step=int(control.step or 1),
                          **common)
    if control.kind == "float":
        return box.slider(label, float(control.lo), float(control.hi),
                          step=float(control.step or 0.01), format=control.fmt, **common)
    if control.kind == "text":
        return box.text_input(label, **common)
    return box.number_input(label, format=control.fmt, min_value=control.lo,
                            max_value=control.hi, step=control.step, **common)


def _entry_value(control: Control) -> Any:
    """The value a control starts from on entering a page: the link's, else the session's.

    A link that opens a page with ``?dist=relu`` (a lesson's "open this case") names the case
    it means, so its value wins over one the session kept from an earlier visit, once per
    entry: a second run before the first finished (a quick move) keeps the move. Navigating
    from the sidebar clears the query string, so the session's values stay.
    """
    seen = st.session_state.setdefault("_url_read", set())
    raw = st.query_params.get(control.key)
    if control.key not in seen and raw is not None:
        seen.add(control.key)
        return control.parse(raw)
    seen.add(control.key)
    return st.session_state[control.key]


def sync_url(controls: Sequence[Control]) -> None:
    """Write the controls' values to the URL; defaults are removed to keep links short."""
    for control in controls:
        current = st.session_state.get(control.key, control.default)
        if current is None:
            current = control.default
        text = control.serialize(current)
        if current == control.default:
            if control.key in st.query_params:
                del st.query_params[control.key]
        elif st.query_params.get(control.key) != text:
            st.query_params[control.key] = text


def set_values(values: dict[str, Any]) -> None:
    """Set several controls at once (for presets; call from a widget callback)."""
    for key, v in values.items():
        st.session_state[key] = v
