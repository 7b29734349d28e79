"""The live figure: the core picture of Explore, redrawn in the browser while a control moves.

A Streamlit custom component (``st.components.v2``: inline JavaScript in the page, no iframe)
draws the value histogram with the grid, the staircase, the codes used and the errors from one
fine histogram of the tensor (:mod:`quantviz.studies.live`), sent once per tensor. Its controls
are the sidebar's: when a move ends, the component's state ``controls`` comes back and
:func:`_apply` writes it to the same session-state keys as the sidebar's Bits, Scheme, Signed
and Calibration widgets (so the URL, links and the rest of the page follow); the page then
computes as always, and the figure shows the server's exact numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from quantviz.quantize import REDUCE_RANGE_MIN_BITS
from quantviz.studies.live import CONFIG_RANGED, exact_numbers, fine_histogram, histogram_payload
from quantviz.studies.views import ExploreView
from quantviz.ui import controls, shell
from quantviz.ui.caching import cached
from quantviz.ui.controls import Tensor
from quantviz.ui.i18n import has, lang, t
from quantviz.ui.state import value

KEY = "live_figure"
#: The session-state key of the last move the server has applied (echoed to the browser).
SEQ = "_live_seq"
#: Set by :func:`_apply` for the run a move of the figure itself started.
MOVED = "_live_moved"
#: The largest move number kept: JavaScript's largest exact integer (2^53 - 1).
SEQ_MAX = 2**53 - 1
#: The sidebar controls the figure moves, by the name its state uses.
BOUND = {"bits": controls.BITS, "scheme": controls.SCHEME, "signed": controls.SIGNED,
         "calib": controls.CALIB}

_ASSETS = Path(__file__).resolve().parent / "live"
_mount = st.components.v2.component(
    "quantviz_live_figure",
    css=(_ASSETS / "live_figure.css").read_text(encoding="utf-8"),
    js=(_ASSETS / "live_figure.js").read_text(encoding="utf-8"),
)


@cached(8)
def live_histogram(source: tuple, _x) -> dict:
    """The fine histogram of the tensor ``source`` names, as the component's JSON (per tensor:
    a Bits move sends the same one again, and the browser decodes it only when it changes)."""
    return histogram_payload(fine_histogram(_x))


def _apply() -> None:
    """The component's move, written to the sidebar's keys (a callback, before the rerun).

    Each value goes through its control's URL parsing, so what the browser sends is held to the
    same bounds as a link (a bits value out of 2..16 falls back to the default). The state is
    the client's to write: ``controls`` other than an object (a string, a list, a number) is
    ignored, and so is a ``seq`` that is not an integer JavaScript holds exactly.
    """
    state = st.session_state.get(KEY)
    moved = state.get("controls") if isinstance(state, Mapping) else None
    if not isinstance(moved, Mapping):
        return
    for name, control in BOUND.items():
        if name in moved:
            st.session_state[control.key] = control.parse(control.serialize(moved[name]))
    seq = moved.get("seq")
    if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq <= SEQ_MAX:
        st.session_state[SEQ] = seq
    st.session_state[MOVED] = True


def moved_here() -> bool:
    """Whether this run answers a move of the figure itself (read once: the next run does
    not). Its numbers are then what the user waits for, sent before the page's charts; after
    a move elsewhere (the sidebar) the charts are, and the figure follows them."""
    return bool(st.session_state.pop(MOVED, False))


def source_text(tensor: Tensor) -> str:
    """The tensor's line as plain text (the component sets it with textContent: no escaping).

    An upload's label is rebuilt from the raw file and tensor names; the page's caption has
    them escaped for Markdown.
    """
    if tensor.key[0] == "upload":
        _, _, filename, name, _ = tensor.key
        return t("tensor.upload_label", name=name, file=filename, n=f"{tensor.x.size:,}")
    return tensor.label


def labels() -> dict:
    """Every word the figure shows, from the text table in the current language."""
    words = {
        "bits": t("bits.label"), "scheme": t("scheme.label"), "signed": t("signed.label"),
        "calib": t("calib.label"), "values": t("fig.values"), "mapping": t("fig.mapping"),
        "codes": t("metric.codes_used"), "errors": t("fig.errors"),
        "zero_point": t("metric.zero_point"), "codes_used": t("metric.codes_used"),
        "clipped": t("metric.clipped"),
        "calib_options": [[o, t(f"calib.label.{o}") if has(f"calib.label.{o}") else o]
                          for o in controls.CALIB.options],
    }
    for s in controls.SCHEME.options:
        words[s] = t(f"scheme.label.{s}")
    for name in ("preview", "exact", "scale", "sqnr", "mse", "why_bins", "why_range",
                 "why_arith", "summary", "values_alt", "mapping_alt", "codes_alt",
                 "errors_alt"):
        words[name] = t(f"live.{name}")
    return words


def payload(tensor: Tensor, view: ExploreView) -> dict:
    """What the component gets: histogram, controls, the server's numbers, words."""
    return {
        "hist": live_histogram(tensor.key, tensor.x),
        "controls": {name: value(control) for name, control in BOUND.items()},
        "seq": int(st.session_state.get(SEQ, 0)),
        "exact": exact_numbers(view),
        "reduce": bool(value(controls.REDUCE)),
        "reduce_min_bits": REDUCE_RANGE_MIN_BITS,
        "config_ranged": list(CONFIG_RANGED),
        "labels": labels(),
        "present": bool(value(shell.PRESENT)),
        "lang": lang(),
        "source": source_text(tensor),
    }


def render(tensor: Tensor, view: ExploreView) -> dict:
    """The live figure's section; returns the component's state (its last move)."""
    st.subheader(t("live.heading"))
    st.caption(t("live.intro"))
    return _mount(key=KEY, data=payload(tensor, view), on_controls_change=_apply)
