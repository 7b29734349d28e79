"""The live figure: the core picture of one tensor, redrawn in the browser while a control moves.

A Streamlit custom component (``st.components.v2``: inline JavaScript in the page, no iframe)
draws the value histogram with the grid, the staircase, the codes used and the errors from one
fine histogram of the tensor (:mod:`quantviz.studies.live`). When a move ends, the component's
state ``controls`` comes back: :func:`_apply` marks the move, and the run writes it once to the
session-state keys its :class:`Binding` names (:func:`take_move`), through each control's URL
parsing.

On Explore (:data:`EXPLORE`) those keys are the sidebar's Bits, Scheme, Signed and Calibration,
so the URL, links and the rest of the page follow. The figure is a fragment there
(:func:`section`): its own move reruns it alone, it shows the server's exact numbers for the
whole tensor, and once the browser has painted them the whole page reruns. On Start's bits step
the figure has keys of its own and sits in the step's fragment, which answers its moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import streamlit as st

from quantviz.quantize import REDUCE_RANGE_MIN_BITS
from quantviz.studies.live import CONFIG_RANGED, exact_numbers, fine_histogram, histogram_payload
from quantviz.studies.views import ExploreView
from quantviz.ui import controls, shell
from quantviz.ui.caching import cached
from quantviz.ui.controls import Tensor
from quantviz.ui.i18n import has, lang, t
from quantviz.ui.state import Control, value


@dataclass(frozen=True)
class Binding:
    """Where a live figure lives: its component key, the session-state keys its moves write
    (``controls``: by the name the figure's state uses), which of its controls it shows, the
    calibrators it offers, its heading and intro (text keys ``<text>.heading``, ``.intro``) and
    whether the rest of the page follows its moves (Explore) or only the figure answers."""

    key: str
    controls: tuple[tuple[str, Control], ...]
    shown: tuple[str, ...]
    calib_options: tuple[str, ...]
    text: str
    page_follows: bool
    reduce: Control | None = None
    #: Symmetric means signed codes, asymmetric unsigned (the pairs the path teaches): the
    #: signed control is then not shown and follows the scheme.
    signed_follows_scheme: bool = False

    @property
    def bound(self) -> dict[str, Control]:
        return dict(self.controls)

    @property
    def seq(self) -> str:
        """The session-state key of the last move the server has applied (echoed back)."""
        return f"_{self.key}_seq"

    @property
    def moved(self) -> str:
        """Set by :func:`_apply`: a move of the figure came with this run (:func:`take_move`)."""
        return f"_{self.key}_moved"

    @property
    def follow(self) -> str:
        """Set by :func:`_follow`: the browser has painted the answer to its move."""
        return f"_{self.key}_follow"

    @property
    def pending(self) -> str:
        """Set by :func:`_apply` until the page follows the move or a whole run of the page
        supersedes it (:func:`page_run`): the one move a "follow" may write again."""
        return f"_{self.key}_pending"


#: Explore's figure: its controls are the sidebar's Bits, Scheme, Signed and Calibration.
EXPLORE = Binding(
    "live_figure",
    (("bits", controls.BITS), ("scheme", controls.SCHEME), ("signed", controls.SIGNED),
     ("calib", controls.CALIB)),
    ("bits", "scheme", "signed", "calib"), tuple(controls.CALIB.options), "live", True,
    reduce=controls.REDUCE)
KEY, SEQ, MOVED, FOLLOW, PENDING = (EXPLORE.key, EXPLORE.seq, EXPLORE.moved, EXPLORE.follow,
                                    EXPLORE.pending)
#: The sidebar controls Explore's figure moves, by the name its state uses.
BOUND = EXPLORE.bound
#: The largest move number kept: JavaScript's largest exact integer (2^53 - 1).
SEQ_MAX = 2**53 - 1

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


def _apply(binding: Binding = EXPLORE) -> None:
    """The component has moved (a callback, before the run): the run writes the move to its
    keys, once, before it reads them (:func:`take_move`).

    Not here: Streamlit calls this once per ``controls`` event a client lists in the
    component's trigger (any number: a browser sends none), and each read of the component's
    state walks that whole list, so 10,000 events of 35 bytes cost 15 s of CPU (quadratic).
    """
    st.session_state[binding.moved] = True


def take_move(binding: Binding = EXPLORE) -> bool:
    """Whether a move of the figure came with this run; if so it is written to the keys
    (:func:`_write_move`). Called by the run before it reads them, once: later calls in the
    same run answer False."""
    return bool(st.session_state.pop(binding.moved, False)) and _write_move(binding)


def _write_move(binding: Binding = EXPLORE) -> bool:
    """The component's last move, written to its keys; whether there was one.

    Each value goes through its control's URL parsing, so what the browser sends is held to the
    same bounds as a link (a bits value out of 2..16 falls back to the default). The state is
    the client's to write: ``controls`` other than an object (a string, a list, a number) is
    ignored, and so is a ``seq`` that is not an integer JavaScript holds exactly.
    """
    state = st.session_state.get(binding.key)
    moved = state.get("controls") if isinstance(state, Mapping) else None
    if not isinstance(moved, Mapping):
        return False
    for name, control in binding.controls:
        if name in moved:
            st.session_state[control.key] = control.parse(control.serialize(moved[name]))
    seq = moved.get("seq")
    if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq <= SEQ_MAX:
        st.session_state[binding.seq] = seq
    return True


def _follow(binding: Binding = EXPLORE) -> None:
    """The browser has painted the fragment's answer to its move (a trigger, once per move):
    the next run of the fragment reruns the whole page, which follows the moved controls.

    Only a move still pending is followed: with none (a trigger sent twice, or with no move
    before it) or one a whole run of the page has superseded since (the sidebar moved before
    the browser had painted the answer), the trigger is ignored, so the fragment just draws
    and the sidebar's later value is kept."""
    if binding.page_follows and st.session_state.pop(binding.pending, False):
        st.session_state[binding.follow] = True


def page_run(binding: Binding = EXPLORE) -> None:
    """Called by the whole page's run before it reads the figure's keys: a move that came with
    this run is written to them (the page draws it), one pending its follow is superseded (this
    run draws what the keys hold), and a follow that came with this run is dropped.

    A browser sends "follow" for the fragment's run, but Streamlit merges it into a whole run
    of the page when one is already waiting (a sidebar control moved meanwhile), as it would
    any rerun a client sends. The fragment's answer to it, writing the move to the sidebar's
    keys, would then come after the sidebar's widgets were drawn in the same run: Streamlit
    raises an error for that (the page showed it), and ``st.rerun`` would run the page twice.
    """
    st.session_state.pop(binding.pending, None)
    st.session_state.pop(binding.follow, None)
    take_move(binding)


def source_text(tensor: Tensor) -> str:
    """The tensor's line as plain text (the component sets it with textContent: no escaping).

    An upload's label is rebuilt from the raw file and tensor names; the page's caption has
    them escaped for Markdown.
    """
    if tensor.key[0] == "upload":
        _, _, filename, name, _ = tensor.key
        return t("tensor.upload_label", name=name, file=filename, n=f"{tensor.x.size:,}")
    return tensor.label


def labels(binding: Binding = EXPLORE) -> dict:
    """Every word the figure shows, from the text table in the current language."""
    words = {
        "bits": t("bits.label"), "scheme": t("scheme.label"), "signed": t("signed.label"),
        "calib": t("calib.label"), "values": t("fig.values"), "mapping": t("fig.mapping"),
        "codes": t("metric.codes_used"), "errors": t("fig.errors"),
        "zero_point": t("metric.zero_point"), "codes_used": t("metric.codes_used"),
        "clipped": t("metric.clipped"),
        "calib_options": [[o, t(f"calib.label.{o}") if has(f"calib.label.{o}") else o]
                          for o in binding.calib_options],
    }
    for s in controls.SCHEME.options:
        words[s] = t(f"scheme.label.{s}")
    for name in ("preview", "exact", "scale", "sqnr", "mse", "why_bins", "why_range",
                 "why_arith", "summary", "values_alt", "mapping_alt", "codes_alt",
                 "errors_alt"):
        words[name] = t(f"live.{name}")
    return words


def controls_of(binding: Binding) -> dict:
    """The figure's control values now (signed from the scheme where it follows it)."""
    now = {name: value(control) for name, control in binding.controls}
    if binding.signed_follows_scheme:
        now["signed"] = now.get("scheme") == "symmetric"
    return now


def payload(tensor: Tensor, view: ExploreView, follow: bool = False,
            binding: Binding = EXPLORE) -> dict:
    """What the component gets: histogram, controls, the server's numbers, words.

    ``follow``: this is the fragment's answer to the figure's own move; once painted, the
    browser asks the page to follow (:func:`_follow`)."""
    return {
        "follow": follow,
        "hist": live_histogram(tensor.key, tensor.x),
        "controls": controls_of(binding),
        "signed_follows_scheme": binding.signed_follows_scheme,
        "shown": list(binding.shown),
        "seq": int(st.session_state.get(binding.seq, 0)),
        "exact": exact_numbers(view),
        "reduce": bool(value(binding.reduce)) if binding.reduce is not None else False,
        "reduce_min_bits": REDUCE_RANGE_MIN_BITS,
        "config_ranged": list(CONFIG_RANGED),
        "labels": labels(binding),
        "present": bool(value(shell.PRESENT)),
        "lang": lang(),
        "source": source_text(tensor),
    }


def render(tensor: Tensor, view: ExploreView, follow: bool = False,
           binding: Binding = EXPLORE) -> dict:
    """The live figure's section; returns the component's state (its last move)."""
    st.subheader(t(f"{binding.text}.heading"))
    st.caption(t(f"{binding.text}.intro", n=f"{tensor.x.size:,}"))
    return _mount(key=binding.key, data=payload(tensor, view, follow, binding),
                  on_controls_change=partial(_apply, binding),
                  on_follow_change=partial(_follow, binding))


@st.fragment
def section(tensor: Tensor, choice: controls.Scheme, view: ExploreView, compute) -> None:
    """The live figure as a fragment: a move of its own reruns this section alone.

    On the page's run it draws ``view`` (the view of ``choice``). When the figure's own move
    reruns the fragment, it writes the move to the sidebar's keys (:func:`take_move`): if they
    now hold another scheme, ``compute(tensor, scheme)`` gives its view and the figure shows
    its exact numbers at once (this section's work only, not the page's whole run). The
    browser paints them and then triggers ``follow``: that run of the fragment reruns the
    whole page, so that the sidebar, the metrics and the charts follow. (A rerun
    of the page straight from the fragment's answer would reach the browser before it has
    drawn the answer, which it would then draw only with the page's charts.) A run of the
    whole page after a move (``choice`` read from the same keys) just draws; the page calls
    :func:`page_run` before it, so a "follow" is answered only by a run of the fragment alone.
    """
    if st.session_state.pop(FOLLOW, False):  # set only for a run of the fragment alone
        # the browser's sidebar still holds the values before the move, and sent them with
        # the trigger: the move is written again, for the page's run to draw
        _write_move()
        st.rerun(scope="app")
    if take_move():
        moved = controls.chosen_scheme()
        if moved != choice:
            st.session_state[PENDING] = True
            render(tensor, compute(tensor, moved), follow=True)
            return
    render(tensor, view)
