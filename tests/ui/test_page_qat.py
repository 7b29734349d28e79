"""The QAT page under Streamlit's AppTest: defaults in both languages, the one-weight
controls, training with the button, stop and resume continuing from the last epoch. Expected
numbers come from the study."""

from __future__ import annotations

import pytest

from quantviz.studies import qat as study
from quantviz.studies.model import load_study
from quantviz.ui import qat as page_ui
from tests.helpers import (
    captions,
    charts_by_title,
    en,
    english_in_formulas,
    markdown,
    metric,
    ok,
    zh,
)


@pytest.fixture(scope="module")
def loaded():
    return load_study()


@pytest.fixture
def page(run_page):
    return lambda **query: run_page("qat", query)


def pct(v: float) -> str:
    return f"{100 * v:.1f} %"


def run_of(loaded, bits=2, method="ste", epochs=3, seed=0) -> study.QATResult:
    return study.fine_tune(*loaded, page_ui.config(bits, method, epochs, seed))


def test_defaults_in_english(page, loaded):
    at = page()
    assert at.title[0].value == en("qat.title")
    # one weight: bits 3, scale 0.2, w 0.47 -> x_hat 0.4, STE 0.1, LSQ -0.035 (study test)
    assert metric(at, "x_hat") == "0.4"
    assert metric(at, en("qat.one.m.true")) == "0"
    assert metric(at, en("qat.one.m.ste")) == "0.1"
    assert metric(at, en("qat.one.m.lsq")) == "-0.035"
    # training: 2 bits, STE, 3 epochs, seed 0, computed on sight (3 <= AUTO_EPOCHS)
    res = run_of(loaded)
    ptq = study.ptq_baseline(*loaded, 2)
    assert metric(at, en("qat.m.ptq", bits=2)) == pct(ptq.per_tensor)
    assert metric(at, en("qat.m.ptq_channel", bits=2)) == pct(ptq.per_channel)
    assert metric(at, en("qat.m.qat", method="STE", epochs=3)) == pct(res.accuracy[-1])
    figs = charts_by_title(at)
    assert {en(k) for k in ("qat.fig.landscape", "qat.fig.gradients", "qat.fig.accuracy",
                            "qat.fig.scales", "qat.fig.oscillations")} <= set(figs)
    acc = figs[en("qat.fig.accuracy")]["data"][0]
    assert acc["y"] == pytest.approx([100 * a for a in res.accuracy])
    assert en("qat.scales.ste") in captions(at)
    assert en("qat.osc.alt", events=sum(res.oscillations), epochs=3,
              last=res.oscillations[-1], weights=res.oscillating[-1], total=6464) in captions(at)
    assert "PyTorch 2.13" in markdown(at) and "torchao 0.18" in markdown(at)
    assert len(at.latex) == 6


def test_defaults_in_chinese(page):
    at = page(lang="zh")
    assert at.title[0].value == zh("qat.title")
    assert zh("qat.one.round") in markdown(at)
    assert zh("qat.train.start", epochs=3) in [b.label for b in at.button]
    assert not english_in_formulas(at)


def test_a_clipped_weight_gets_no_ste_gradient_but_a_scale_gradient(page):
    # bits 3, scale 0.2: range [-0.8, 0.6]; w = 1.2 -> code rint(6) = 6 > 3, clipped:
    # STE 0; LSQ (x_hat - 0.3) * qmax = (0.6 - 0.3) * 3 = 0.9
    at = page(**{"fq.w": 1.2})
    assert metric(at, en("qat.one.m.ste")) == "0"
    assert metric(at, en("qat.one.m.lsq")) == "0.9"
    assert en("qat.one.clipped", w="1.2", lsq="0.9") in [i.value for i in at.info]


def test_the_one_weight_controls(page):
    # bits 2, scale 0.5: codes -2..1, range [-1, 0.5]; w = 0.2 -> x_hat 0, L = 0.045,
    # STE -0.3, LSQ -0.3 * (0 - 0.4) = 0.12
    at = page(**{"fq.bits": 2, "fq.scale": 0.5, "fq.w": 0.2})
    assert metric(at, "x_hat") == "0"
    assert metric(at, en("qat.one.m.loss")) == "0.045"
    assert metric(at, en("qat.one.m.lsq")) == "0.12"
    assert en("qat.one.alt", steps=3, lo="-1", hi="0.5", w="0.2", x_hat="0", ste="-0.3",
              lsq="0.12") in captions(at)
    at.slider(key="fq.bits").set_value(4).run()
    # codes -8..7: the range [-4, 3.5] covers the axis [-1.5, 1.5]; jumps at +-0.25, +-0.75,
    # +-1.25: six, and nothing clipped
    assert "between 6 jumps inside [-4, 3.5]" in captions(at)
    assert not at.info


def test_train_button_trains_live(page, loaded):
    at = page(**{"qat.method": "lsq", "qat.bits": 3, "qat.epochs": 2, "qat.seed": 1})
    at.button(key="qat.start").click().run()
    ok(at)
    live = at.session_state[page_ui.LIVE]
    assert live.epochs_done == 2
    res = run_of(loaded, 3, "lsq", 2, 1)
    assert study.result(live) == res
    assert metric(at, en("qat.m.qat", method="LSQ", epochs=2)) == pct(res.accuracy[-1])
    # LSQ learned the scales: the caption lists MinMax -> learned
    assert en("qat.scales.ste") not in captions(at)
    assert f"{res.minmax_weight_scales[0]:.4g} → {res.weight_scales[0]:.4g}" in captions(at)


def test_stop_then_resume_continues_from_the_last_epoch(page, loaded):
    at = page(**{"qat.epochs": 2})
    at.button(key="qat.start").click().run()
    first = at.session_state[page_ui.LIVE]
    two = tuple(first.accuracy)
    at.slider(key="qat.epochs").set_value(5).run()
    assert en("qat.train.partial", done=2, epochs=5) in captions(at)
    assert not at.button(key="qat.resume").disabled
    at.button(key="qat.stop").click().run()
    assert en("qat.train.stopped", done=2, epochs=5) in captions(at)
    at.button(key="qat.resume").click().run()
    ok(at)
    live = at.session_state[page_ui.LIVE]
    assert live is first and live.epochs_done == 5
    assert tuple(live.accuracy[:3]) == two
    assert study.result(live) == run_of(loaded, epochs=5)
    assert at.button(key="qat.resume").disabled
    assert metric(at, en("qat.m.qat", method="STE", epochs=5)) == pct(live.accuracy[-1])


def test_a_long_run_waits_for_the_button(page, loaded):
    at = page(**{"qat.epochs": 12, "qat.seed": 7})
    assert en("qat.train.press", epochs=12, auto=page_ui.AUTO_EPOCHS) in [
        i.value for i in at.info]
    assert not [m for m in at.metric if m.label.startswith("STE after")]


def test_freezing_reports_frozen_weights(page, loaded):
    at = page(**{"qat.method": "lsq_freeze", "qat.epochs": 3})
    res = run_of(loaded, method="lsq_freeze")
    assert en("qat.osc.frozen", frozen=res.frozen, m=0.1, th=0.1) in markdown(at)
    assert metric(at, en("qat.m.qat", method="LSQ + freezing", epochs=3)) == pct(
        res.accuracy[-1])


def test_a_trained_method_joins_the_comparison(page):
    at = page()
    assert en("qat.acc.missing", methods="LSQ, LSQ + freezing") in captions(at)
    at.button(key="qat.start").click().run()  # STE stored; now LSQ at the same settings
    at.segmented_control(key="qat.method").set_value("lsq").run()
    names = [d["name"] for d in charts_by_title(at)[en("qat.fig.accuracy")]["data"]]
    assert names[:2] == ["STE", "LSQ"]
    assert en("qat.acc.missing", methods="LSQ + freezing") in captions(at)
