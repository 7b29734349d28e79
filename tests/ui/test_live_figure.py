"""The live figure under AppTest: AppTest sees the v2 component as an unknown element, so the
tests read what Python sends it (the server's numbers, the controls, the words) and drive the
component's move through its callback."""

from __future__ import annotations

import json

import numpy as np
import pytest
import streamlit as st

from quantviz import observers
from quantviz.distributions import sample
from quantviz.quantize import REDUCE_RANGE_MIN_BITS, QuantConfig, compute_qparams, quantize
from quantviz.ui import controls, live_figure
from quantviz.ui.i18n import TABLE
from tests.helpers import npy, upload

N = 1_000


def sent(at) -> dict:
    """The data the page gave the live figure on its last run."""
    found = at.get("bidi_component")
    assert len(found) == 1
    return json.loads(found[0].proto.json)


@pytest.fixture
def page(run_page):
    return lambda session=None, **query: run_page("explore", {"n": N, **query}, session=session)


@pytest.mark.parametrize("query", [
    {},
    {"bits": 4, "scheme": "symmetric", "signed": 1},
    {"bits": 3, "calib": "percentile"},
    {"bits": 16, "dist": "relu"},
])
def test_the_server_numbers_are_the_cores(page, query):
    at = page(**query)
    data = sent(at)
    bits = int(query.get("bits", 8))
    scheme = query.get("scheme", "asymmetric")
    signed = bool(query.get("signed", 0))
    cfg = QuantConfig(bits, scheme, signed)
    x = sample(query.get("dist", "normal"), N, 0)
    method = query.get("calib", "minmax")
    params = dict(controls.observer_params(method, 99.9, 0.01))
    lo, hi = observers.calibrate(method, x, cfg, **params)
    qp = compute_qparams(lo, hi, cfg)
    exact = data["exact"]
    assert exact["scale"] == float(qp.scale)
    assert exact["zero_point"] == int(qp.zero_point)
    assert (exact["qmin"], exact["qmax"]) == (cfg.qmin, cfg.qmax)
    assert exact["codes_used"] == np.unique(quantize(x, qp)).size
    assert data["controls"] == {"bits": bits, "scheme": scheme, "signed": signed,
                                "calib": method}
    assert data["hist"]["n"] == N and data["hist"]["bins"] == 4096
    assert data["hist"]["x_min"] == float(np.float32(x.min()))


def test_the_payload_stays_small_for_a_big_tensor(page):
    # the default 100,000 values: the histogram is the same 4,096 bins as for 1,000
    small = len(json.dumps(sent(page())))
    big = len(json.dumps(sent(page(n=100_000))))
    assert big < 60_000 and abs(big - small) < 100


def move(binding=live_figure.EXPLORE) -> bool:
    """A move of the figure as a run takes it: the callback marks it, the run writes it."""
    live_figure._apply(binding)
    return live_figure.take_move(binding)


def test_a_move_writes_the_sidebar_keys(monkeypatch):
    state = {live_figure.KEY: {"controls": {"bits": 5, "scheme": "symmetric", "signed": True,
                                            "calib": "mse", "seq": 7}}}
    monkeypatch.setattr(st, "session_state", state)
    move()
    assert (state["bits"], state["scheme"], state["signed"], state["calib"]) == (
        5, "symmetric", True, "mse")
    assert state[live_figure.SEQ] == 7


@pytest.mark.parametrize("bad", [{"bits": 99}, {"bits": "8; drop"}, {"scheme": "<b>"},
                                 {"calib": "nope"}])
def test_a_move_out_of_bounds_falls_back_as_a_link_would(monkeypatch, bad):
    state = {live_figure.KEY: {"controls": bad}}
    monkeypatch.setattr(st, "session_state", state)
    move()
    name, _ = next(iter(bad.items()))
    control = live_figure.BOUND[name]
    assert state[control.key] == control.default


@pytest.mark.parametrize("state", [
    "bits", ["bits", "seq"], 7, None,  # the component's whole state of the wrong type
    {"controls": "bits"}, {"controls": ["bits", "seq"]}, {"controls": 7},  # its controls
])
def test_a_forged_state_of_the_wrong_type_is_ignored(monkeypatch, state):
    # a client writes the component's state: any JSON. A string, list or number where the
    # object of controls belongs raised a TypeError in the callback (an error for the page)
    session = {live_figure.KEY: state, "bits": 5}
    monkeypatch.setattr(st, "session_state", session)
    move()
    assert session == {live_figure.KEY: state, "bits": 5}


@pytest.mark.parametrize(("seq", "kept"), [(3, 3), (True, 0), (-1, 0), (2**53, 0),
                                           (2**53 - 1, 2**53 - 1), (1e308, 0), ("1", 0)])
def test_only_a_sequence_number_javascript_holds_exactly_is_kept(monkeypatch, seq, kept):
    session = {live_figure.KEY: {"controls": {"seq": seq}}}
    monkeypatch.setattr(st, "session_state", session)
    move()
    assert session.get(live_figure.SEQ, 0) == kept


@pytest.mark.parametrize("bad", [{"bits": True}, {"bits": 3.5}, {"bits": None},
                                 {"bits": [8]}, {"scheme": {"a": 1}}, {"calib": "x" * 100_000},
                                 {"bits": float("nan")}, {"bits": 10**4000}])
def test_a_forged_value_of_the_wrong_type_falls_back_to_the_default(monkeypatch, bad):
    state = {live_figure.KEY: {"controls": bad}}
    monkeypatch.setattr(st, "session_state", state)
    move()
    name, _ = next(iter(bad.items()))
    control = live_figure.BOUND[name]
    assert state[control.key] == control.default


def test_the_page_follows_a_move(page):
    # a move as the callback leaves it: the sidebar's keys and the echoed sequence number
    at = page(session={"bits": 6, "scheme": "symmetric", "signed": True, live_figure.SEQ: 3})
    data = sent(at)
    assert data["seq"] == 3
    assert data["controls"]["bits"] == 6 and data["exact"]["qmax"] == 31
    assert at.slider(key="bits").value == 6
    assert at.query_params["bits"] == "6" and at.query_params["scheme"] == "symmetric"


def test_words_come_from_the_text_table(page):
    en, zh = sent(page())["labels"], sent(page(lang="zh"))["labels"]
    assert en["bits"] == TABLE["bits.label"][0] and zh["bits"] == TABLE["bits.label"][1]
    assert zh["summary"] == TABLE["live.summary"][1]
    assert dict(zh["calib_options"])["percentile"] == TABLE["calib.label.percentile"][1]
    assert sent(page(present=1))["present"] is True


def test_a_file_name_goes_as_plain_text(run_page):
    at = run_page("explore", {"src": "upload"})
    name = "w*e_i[r](d)<b>x</b>.npy"
    upload(at, name, npy(np.linspace(-1, 1, 50, dtype=np.float32)))
    source = sent(at)["source"]
    # raw, not Markdown-escaped: the component sets it with textContent
    assert name in source and "\\" not in source


# --- the figure's own move: the fragment answers it, then the page follows -------------------

EIGHT = controls.Scheme(QuantConfig(8), "minmax", ())
FIVE = controls.Scheme(QuantConfig(5, "symmetric", signed=True), "minmax", ())


class Rerun(Exception):
    """What ``st.rerun`` raises here, with its scope."""


@pytest.fixture
def fragment(monkeypatch):
    """The fragment's body, run outside Streamlit: what it drew, computed and rerun."""
    drawn, computed = [], []
    session: dict = {}
    monkeypatch.setattr(st, "session_state", session)
    monkeypatch.setattr(live_figure, "render", lambda tensor, view, follow=False:
                        drawn.append((view, follow)))

    def rerun(scope="app"):
        raise Rerun(scope)

    monkeypatch.setattr(st, "rerun", rerun)

    def run(choice, chosen):
        monkeypatch.setattr(controls, "chosen_scheme", lambda: chosen)
        live_figure.section.__wrapped__(
            "tensor", choice, "view of 8 bits",
            lambda tensor, scheme: computed.append(scheme) or f"view of {scheme.cfg.bits} bits")

    return session, run, drawn, computed


MOVE = {"controls": {"bits": 3, "scheme": "symmetric", "signed": True, "calib": "minmax",
                     "seq": 5}}


def test_its_own_move_is_answered_by_the_fragment_with_the_moved_scheme(fragment):
    session, run, drawn, computed = fragment
    session[live_figure.KEY] = MOVE
    live_figure._apply()
    run(EIGHT, FIVE)  # the fragment's stored arguments are the page's: 8 bits
    assert computed == [FIVE]
    assert drawn == [("view of 5 bits", True)]  # and the browser is to ask the page to follow
    assert session["bits"] == 3 and session[live_figure.SEQ] == 5  # the move, written
    assert live_figure.MOVED not in session and session[live_figure.PENDING] is True


def test_the_pages_run_after_a_move_draws_the_pages_view(fragment):
    session, run, drawn, computed = fragment
    session[live_figure.KEY] = MOVE
    live_figure._apply()
    live_figure.page_run()  # the move came with a run of the whole page, which writes it
    assert session["bits"] == 3 and live_figure.MOVED not in session
    run(FIVE, FIVE)  # its scheme is read from the same keys
    assert computed == [] and drawn == [("view of 8 bits", False)]
    assert live_figure.PENDING not in session  # nothing for the browser to follow


def test_many_move_events_in_one_run_read_the_components_state_once(monkeypatch):
    # Streamlit calls the callback once per "controls" event a client lists in the trigger,
    # and each read of the component's state walks the whole list: 10,000 events cost 15 s
    # of CPU when each call read it
    reads = []

    class Session(dict):
        def get(self, key, default=None):
            reads.append(key)
            return super().get(key, default)

    session = Session({live_figure.KEY: MOVE})
    monkeypatch.setattr(st, "session_state", session)
    for _ in range(10_000):
        live_figure._apply()
    assert reads.count(live_figure.KEY) == 0
    assert live_figure.take_move() and session["bits"] == 3
    assert not live_figure.take_move()  # once a run
    assert reads.count(live_figure.KEY) == 1


def test_follow_writes_the_move_again_and_reruns_the_page(fragment):
    # the trigger came with the browser's sidebar values from before the move (bits 8)
    session, run, drawn, computed = fragment
    session.update({live_figure.FOLLOW: True, "bits": 8, live_figure.KEY: {
        "controls": {"bits": 5, "scheme": "symmetric", "signed": True, "calib": "minmax",
                     "seq": 2}}})
    with pytest.raises(Rerun, match="app"):
        run(EIGHT, FIVE)
    assert session["bits"] == 5 and session["scheme"] == "symmetric" and session["signed"]
    assert live_figure.FOLLOW not in session and live_figure.MOVED not in session
    assert drawn == [] and computed == []


def answered(session, run) -> None:
    """A move to 3 bits, answered by the fragment alone (the page's 8 bits before it)."""
    session[live_figure.KEY] = MOVE
    live_figure._apply()
    run(EIGHT, THREE)
    assert session[live_figure.PENDING] is True


THREE = controls.Scheme(QuantConfig(3, "symmetric", signed=True), "minmax", ())


def test_a_follow_with_no_move_pending_is_ignored(fragment):
    # a trigger with no move before it, or the same trigger twice: the fragment just draws
    session, run, drawn, computed = fragment
    live_figure._follow()
    assert live_figure.FOLLOW not in session
    answered(session, run)
    live_figure._follow()
    assert session.pop(live_figure.FOLLOW) is True and live_figure.PENDING not in session
    live_figure._follow()  # sent again
    assert live_figure.FOLLOW not in session


def test_a_whole_run_of_the_page_supersedes_the_move_pending(fragment):
    # move to 3 bits, then the sidebar to 6 (the page's run) before the browser painted the
    # answer: its follow must not write 3 bits again over the later 6
    session, run, drawn, computed = fragment
    answered(session, run)
    session["bits"] = 6
    live_figure.page_run()
    live_figure._follow()
    assert live_figure.FOLLOW not in session and session["bits"] == 6


def test_a_follow_merged_into_the_pages_run_is_dropped_before_the_fragment(fragment):
    # Streamlit merges the fragment's rerun into a page's run already waiting: the fragment,
    # drawn after the sidebar, must neither write its keys (an error) nor rerun the page
    session, run, drawn, computed = fragment
    answered(session, run)
    live_figure._follow()
    session["bits"] = 12  # the sidebar's value, which came with the same run
    live_figure.page_run()
    run(EIGHT, EIGHT)  # no Rerun raised
    assert session["bits"] == 12 and drawn[-1] == ("view of 8 bits", False)


def _both_schemes():
    import streamlit as st

    from quantviz.ui import controls

    drawn = controls.scheme()
    cfg = drawn.cfg
    st.session_state["_read"] = (cfg.bits, cfg.signed, cfg.narrow_range, cfg.reduce_range,
                                 cfg.rounding, drawn.method)


@pytest.mark.parametrize("state", [
    {},
    {"bits": 2, "reduce": True},                     # reduce-range ignored under 3 bits
    {"bits": 4, "reduce": True},
    {"bits": 12, "reduce": True, "scheme": "symmetric", "signed": True, "narrow": True},
    {"calib": "percentile", "pct": 99.5},
    {"calib": "moving_average", "avg": 0.2, "bits": 3},
    {"scheme": None, "arith": None},                 # a segmented control with nothing picked
    {"rounding": "half_away", "arith": "fbgemm", "calib": "mse"},
])
def test_the_scheme_read_from_the_keys_is_what_the_widgets_show(state):
    # the scheme is read from session state (so that a fragment can read it without drawing
    # the sidebar): it must be what the drawn widgets show
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_both_schemes, default_timeout=60)
    for key, v in state.items():
        at.session_state[key] = v
    at.run()
    assert not at.exception
    bits = at.slider(key="bits").value
    shown = (bits, at.toggle(key="signed").value, at.toggle(key="narrow").value,
             at.toggle(key="reduce").value and bits >= REDUCE_RANGE_MIN_BITS,
             at.selectbox(key="rounding").value,
             at.selectbox(key="calib").value)
    assert at.session_state["_read"] == shown, (at.session_state["_read"], shown)


# --- Start's bits step: the same figure with keys of its own ----------------------------------

def start_sent(run_page, session=None, **query) -> tuple:
    at = run_page("start", {"step": "bits", **query}, session=session)
    return at, sent(at)


def test_the_bits_step_shows_the_figure_of_its_tensor(run_page):
    at, data = start_sent(run_page)
    x = sample("normal", 10_000, seed=0)
    # what the step's sentences say: min/max range, 8 bits signed symmetric to start from
    assert data["controls"] == {"bits": 8, "scheme": "symmetric", "signed": True,
                                "calib": "minmax"}
    # calibration comes at step 8; signed follows the scheme, as steps 3 and 5 pair them
    assert data["shown"] == ["bits", "scheme"] and data["signed_follows_scheme"] is True
    assert data["labels"]["calib_options"] == [["minmax", "MinMax"]]
    assert data["hist"]["n"] == 10_000 and data["follow"] is False
    qp = compute_qparams(float(x.min()), float(x.max()), QuantConfig(8, "symmetric",
                                                                       signed=True))
    assert data["exact"]["scale"] == float(qp.scale) and data["exact"]["zero_point"] == 0
    used = np.unique(quantize(x, qp)).size
    assert data["exact"]["codes_used"] == used


def test_a_move_of_the_steps_figure_changes_its_numbers_and_no_sidebar_key(run_page):
    # a signed value the browser sent is overruled by the scheme: asymmetric is unsigned here
    at, data = start_sent(run_page, session={"start_live_bits": 4,
                                             "start_live_scheme": "asymmetric",
                                             "start_live_signed": True})
    assert data["exact"]["config"]["bits"] == 4 and data["exact"]["qmax"] == 15
    assert data["exact"]["config"]["signed"] is False and data["controls"]["signed"] is False
    assert "bits" not in at.session_state and "scheme" not in at.session_state


@pytest.mark.parametrize("forged", [{"calib": "mse"}, {"bits": 99}, {"scheme": "<b>"}])
def test_a_forged_move_of_the_steps_figure_stays_in_its_bounds(monkeypatch, forged):
    from quantviz.ui import start

    state = {start.LIVE.key: {"controls": forged}}
    monkeypatch.setattr(st, "session_state", state)
    move(start.LIVE)
    name = next(iter(forged))
    control = start.LIVE.bound[name]
    assert state[control.key] == control.default
    assert start.LIVE.pending not in state  # nothing on Start follows the figure


def test_the_steps_figure_speaks_chinese(run_page):
    _, data = start_sent(run_page, lang="zh")
    assert data["lang"] == "zh" and data["labels"]["bits"] == TABLE["bits.label"][1]
