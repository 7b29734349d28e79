"""The Model page under Streamlit's AppTest: defaults, every control, links, both languages.
Expected numbers come from quantviz.studies.model."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz.studies import model
from quantviz.studies.model import Scheme
from quantviz.ui.i18n import TABLE
from tests.helpers import captions, charts_by_title, en, markdown, metric, ok, rendered, upload, zh

NET_DATA = model.load_study()
N = 450


@pytest.fixture
def page(run_page):
    """``page(**query)`` runs the Model page with the query string ``query``."""
    return lambda **query: run_page("model", query)


def expected(scheme: Scheme = model.ADVICE, bits: int = 4, mode: str = "both",
             batches: int = 4) -> model.Score:
    return model.evaluate(*NET_DATA, scheme, bits, mode, batches)


def shown_accuracy(at) -> str:
    return metric(at, en("model.metric.quant"))


def test_default_run_is_the_notes_advice_at_four_bits(page):
    at = page()
    # the budget and the whole-network methods take seconds: they wait for their buttons
    assert en("model.budget.fig") not in charts_by_title(at)
    at.button(key="mh_run_budget").click().run()
    at.button(key="mh_run_methods").click().run()
    assert at.title[0].value == en("model.title")
    assert metric(at, en("model.metric.float")) == "96.89 %"  # 436 / 450, recorded in training
    s = expected()
    assert shown_accuracy(at) == f"{100 * s.correct / N:.2f} %"
    assert metric(at, en("model.metric.agree")) == f"{100 * s.agree / N:.2f} %"
    figs = charts_by_title(at)
    assert set(figs) == {en("model.fig.accuracy"), en("model.fig.agreement"),
                         en("model.fig.layers"), en("model.fig.mistakes"),
                         en("model.hurt.fig.kl"), en("model.budget.fig")}
    acc = figs[en("model.fig.accuracy")]
    lines = {tr["name"]: tr["y"] for tr in acc["data"]}
    sweep = model.bit_sweep(*NET_DATA, model.ADVICE, 4)
    for m in model.MODES:
        assert lines[en(f"model.mode.label.{m}")] == pytest.approx(
            [100 * v for v in sweep.series(m, "accuracy")])
    assert lines[en("model.fig.float")] == pytest.approx([100 * 436 / N] * len(model.SWEEP_BITS))
    # the highlighted bit width
    assert [sh["x0"] for sh in acc["layout"]["shapes"]] == [4]
    assert at.query_params == {}
    # formats, integer layers, schemes, calibrators, advice; which layer hurts, the budget's
    # front, the PTQ methods
    assert len(at.table) == 8


def test_the_accuracy_axes_start_where_the_data_do_and_say_so(page):
    # 0..100 % would hide the few points between schemes: each chart's range is
    # model.percent_axis of its own lines, and a caption says it does not start at 0
    at = page()
    figs = charts_by_title(at)
    sweep = model.bit_sweep(*NET_DATA, model.ADVICE, 4)
    for field, title, ref in (("accuracy", "model.fig.accuracy", 100 * 436 / N),
                              ("agreement", "model.fig.agreement", 100.0)):
        curves = {m: [100 * v for v in sweep.series(m, field)] for m in model.MODES}
        axis = model.percent_axis(curves, ref, sweep.bits)
        assert figs[en(title)]["layout"]["yaxis"]["range"] == pytest.approx([axis.lo, axis.hi])
        assert axis.lo > 50  # the 2-bit points (far lower) leave the chart ...
        assert en("model.axis.zoom", lo=f"{axis.lo:.1f}", hi=f"{axis.hi:.1f}") in captions(at)
        assert 2 in axis.below  # ... and the caption names them
        assert en("model.axis.below_bits", keys=", ".join(map(str, axis.below)),
                  lowest=f"{axis.lowest:.1f}") in captions(at)
    layers = model.layer_sensitivity(*NET_DATA, model.ADVICE, 4, 4)
    series = {m: [100 * getattr(s, m).accuracy for s in layers] for m in model.MODES}
    axis = model.percent_axis(series, 100 * 436 / N, [s.name for s in layers])
    assert figs[en("model.fig.layers")]["layout"]["yaxis"]["range"] == pytest.approx(
        [axis.lo, axis.hi])
    low = min(min(v) for v in series.values())
    assert axis.lo == pytest.approx(low - model.FOCUS_PAD) and axis.below == ()


def test_the_layer_chart_and_sentence_follow_the_study(page):
    at = page()
    layers = model.layer_sensitivity(*NET_DATA, model.ADVICE, 4, 4)
    fig = charts_by_title(at)[en("model.fig.layers")]
    bars = {tr["name"]: tr["y"] for tr in fig["data"] if tr["type"] == "bar"}
    assert bars[en("model.mode.label.both")] == pytest.approx(
        [100 * s.both.accuracy for s in layers])
    assert [tr["x"] for tr in fig["data"] if tr["type"] == "bar"][0] == ["fc1", "fc2", "fc3"]
    worst = model.most_sensitive(layers)
    assert f"**{worst.name}** hurts most" in markdown(at)


def test_mistakes_grid_shows_the_wrong_answers(page):
    at = page()
    net, data = NET_DATA
    pred = model.predictions(net, data, model.ADVICE, 4, "both", 4)
    wrong = model.mistakes(pred, model.float_predictions(net, data), data.test_labels)
    fig = charts_by_title(at)[en("model.fig.mistakes")]
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert len(titles) == min(wrong.total, 12)
    assert titles[0] == en("model.mistakes.title", label=int(wrong.labels[0]),
                           q=int(wrong.quant_pred[0]), f=int(wrong.float_pred[0]))
    assert en("model.mistakes.count", total=wrong.total, flipped=wrong.flipped,
              shown=len(titles), n=N) in captions(at)


def test_eight_bits_keep_every_float_answer(page):
    at = page()
    at.slider(key="mbits").set_value(8).run()
    ok(at)
    assert shown_accuracy(at) == "96.89 %"
    assert metric(at, en("model.metric.agree")) == "100.00 %"
    assert en("model.layers.none", bits=8, n=N) in markdown(at)
    assert at.query_params == {"mbits": "8"}


@pytest.mark.parametrize("query, scheme, mode", [
    ({"mmode": "weights"}, model.ADVICE, "weights"),
    ({"mmode": "activations"}, model.ADVICE, "activations"),
    ({"perch": "1", "wscheme": "asymmetric"},
     Scheme("asymmetric", True, "asymmetric", "moving_average",
            (("averaging_constant", 0.01),)), "both"),
    ({"ascheme": "symmetric", "acalib": "minmax", "ncal": "2"},
     Scheme("symmetric", False, "symmetric", "minmax"), "both"),
    ({"acalib": "percentile", "mbits": "5"},
     Scheme(observer="percentile", params=(("percentile", 99.9),)), "both"),
])
def test_controls_from_a_link(page, query, scheme, mode):
    at = page(**query)
    bits = int(query.get("mbits", 4))
    s = expected(scheme, bits, mode, int(query.get("ncal", 4)))
    assert shown_accuracy(at) == f"{100 * s.correct / N:.2f} %"
    assert at.query_params == query


def test_the_advice_verdicts_are_the_studys(page):
    at = page(ncal=3)
    test = model.advice_test(*NET_DATA, 3)
    text = markdown(at)
    for k, b in enumerate(test.bits):
        assert en("model.advice.verdict", bits=b, a=test.scores["advice"][k].correct, n=N) in text
        for v in (vs[k] for vs in test.versus.values()):
            item = en("model.advice.item", name=en(f"model.advice.{v.name}"), d=v.difference,
                      se=f"{v.noise:.1f}")
            assert item in text
    frame = at.table[4].value
    assert list(frame[en("model.advice.col.variant")]) == [
        en(f"model.advice.{k}") for k in model.ADVICE_VARIANTS]
    col = en("model.advice.col.acc", bits=4)
    assert list(frame[col]) == pytest.approx([100 * s[1].accuracy for s in test.scores.values()])


def test_calibrator_table_holds_every_observer(page):
    at = page()
    frame = at.table[3].value
    assert list(frame[en("model.calib.col.name")]) == [
        TABLE[f"calib.label.{name}"][0] for name, _ in model.CALIBRATORS]
    cal = model.compare_calibrators(*NET_DATA, model.ADVICE, 4, 4)
    col = en("model.table.col", mode=en("model.mode.label.both"), bits=4)
    assert list(frame[col]) == pytest.approx([100 * c.both.accuracy for c in cal])


def test_chinese(page):
    at = page(lang="zh")
    assert at.title[0].value == zh("model.title")
    assert metric(at, zh("model.metric.float")) == "96.89 %"
    assert zh("model.fig.accuracy") in charts_by_title(at)
    assert zh("model.advice.heading") in [s.value for s in at.subheader]
    assert at.button_group(key="mmode").options == [
        zh(f"model.mode.label.{m}") for m in model.MODES]


def test_a_bad_link_falls_back_to_the_defaults(page):
    at = page(mbits="99", ncal="0", mmode="all", acalib="nope")
    assert shown_accuracy(at) == f"{100 * expected().correct / N:.2f} %"



def test_the_integer_network_beside_fake_quantization(page):
    at = page(mbits=8)
    c = model.integer_check(*NET_DATA, model.ADVICE, 8, 4)
    assert metric(at, en("model.int.metric.acc")) == f"{100 * c.integer.correct / N:.2f} %"
    assert metric(at, en("model.int.metric.agree")) == f"{c.agree} / {N}"
    assert metric(at, en("model.int.metric.codes")) == f"{sum(c.equal):,} / {sum(c.total):,}"
    frame = at.table[1].value
    assert list(frame[en("model.int.col.equal")]) == list(c.equal)
    # 8-bit codes: some AVX2 pair sums overflow int16, and the page says how many
    assert c.saturated_pairs > 0
    assert f"{c.saturated_pairs:,} of {c.pairs:,}" in markdown(at)


def test_no_integer_path_for_symmetric_activations(page):
    at = page(ascheme="symmetric")
    assert en("model.int.no.activations") in [i.value for i in at.info]
    assert en("model.int.metric.acc") not in [m.label for m in at.metric]


def test_the_calibrator_that_clips_hardest_is_named_with_its_range(page):
    at = page()
    cal = model.compare_calibrators(*NET_DATA, model.ADVICE, 4, 4)
    worst = min(cal, key=lambda c: (c.both.correct, c.both.agree))
    minmax = next(c for c in cal if c.observer == "minmax")
    p, share = model.narrowest_range(worst.ranges, minmax.ranges)
    assert share < 1
    lo, hi = worst.ranges[p]
    assert f"[{lo:.3g}, {hi:.3g}]" in markdown(at)
    assert f"{100 * share:.1f} %" in markdown(at)


class Counter:
    """Count calls of ``owner.name`` (restored by monkeypatch)."""

    def __init__(self, monkeypatch, owner, name: str) -> None:
        self.calls = 0
        original = getattr(owner, name)

        def counted(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def test_moving_the_bits_recomputes_only_what_depends_on_them(page, monkeypatch):
    at = page()
    heavy = {name: Counter(monkeypatch, model, name) for name in (
        "bit_sweep", "compare_calibrators", "advice_test", "scheme_table", "point_range",
        "format_sweep")}
    light = {name: Counter(monkeypatch, model, name) for name in (
        "layer_sensitivity", "integer_check")}
    at.run()  # unchanged controls: nothing at all
    assert sum(c.calls for c in (*heavy.values(), *light.values())) == 0
    at.slider(key="mbits").set_value(5).run()
    ok(at)
    # a new bit width: the sensitivity and the integer check; the moving-average ranges do
    # not depend on the bit width, so calibration is not run again either
    assert {n: c.calls for n, c in heavy.items()} == dict.fromkeys(heavy, 0)
    assert {n: c.calls for n, c in light.items()} == dict.fromkeys(light, 1)
    at.toggle(key="perch").set_value(True).run()
    assert heavy["point_range"].calls == 0  # weights never change the ranges
    assert heavy["bit_sweep"].calls == 1
    # the formats need no calibration and no integer scheme: only the network moves them
    at.selectbox(key="acalib").set_value("minmax").run()
    at.button_group(key="ascheme").set_value("symmetric").run()
    at.slider(key="ncal").set_value(7).run()
    ok(at)
    assert heavy["format_sweep"].calls == 0


def _checkpoint(scale_fc1: float = 1.0, drop: str | None = None) -> bytes:
    from safetensors.numpy import save

    net, _ = NET_DATA
    rng = np.random.default_rng(7)
    tensors = {}
    for n, w, b in zip(net.names, net.weights, net.biases, strict=True):
        noisy = w + rng.normal(0, 0.05, w.shape).astype(np.float32)
        tensors[f"{n}.weight"] = (noisy * (scale_fc1 if n == "fc1" else 1)).astype(np.float32)
        tensors[f"{n}.bias"] = b.copy()
    if drop:
        del tensors[drop]
    return save(tensors)


def test_an_uploaded_checkpoint_is_studied_instead(page):
    from safetensors.numpy import load

    at = page(net="upload")
    assert en("model.net.none") in [i.value for i in at.sidebar.info]
    data = _checkpoint()
    upload(at, "mine.safetensors", data)
    ok(at)
    net, d = NET_DATA
    mine = model.network_from_tensors(load(data), net)
    float_correct = int(np.count_nonzero(model.float_predictions(mine, d) == d.test_labels))
    assert metric(at, en("model.metric.float")) == f"{100 * float_correct / N:.2f} %"
    s = model.evaluate(mine, d, model.ADVICE, 4, "both", 4)
    assert shown_accuracy(at) == f"{100 * s.correct / N:.2f} %"
    assert en("model.net.uploaded") in captions(at)


def test_a_checkpoint_that_does_not_fit_keeps_the_built_in_network(page):
    at = page(net="upload")
    upload(at, "broken.safetensors", _checkpoint(drop="fc3.bias"))
    assert at.sidebar.error and "no tensor 'fc3.bias'" in rendered(at.sidebar.error[0].value)
    assert en("model.net.kept") in [i.value for i in at.info]
    assert metric(at, en("model.metric.float")) == "96.89 %"
    upload(at, "junk.npz", b"not a zip file")
    assert at.sidebar.error and not at.exception


def test_presentation_mode_in_chinese(page):
    at = page(present=1, lang="zh", mbits=3)
    assert at.title[0].value == zh("model.title")
    assert zh("model.layers.heading", bits=3) in [s.value for s in at.subheader]


FMTS = model.format_sweep(*NET_DATA)


def test_formats_join_the_bit_width_axis(page):
    at = page()
    for title, field in ((en("model.fig.accuracy"), "accuracy"),
                         (en("model.fig.agreement"), "agreement")):
        fig = charts_by_title(at)[title]
        markers = {tr["name"]: tr for tr in fig["data"] if tr["name"].endswith(": formats")}
        assert len(markers) == len(model.FORMAT_MODES)  # weights only; weights + activations
        for m in model.FORMAT_MODES:
            tr = markers[en("model.fig.formats", name=en(f"model.mode.label.{m}"))]
            scored = [f for f in FMTS if m in f.scores]
            assert tr["text"] == [TABLE[f"fmt.{f.fmt}"][0] for f in scored]
            assert tr["x"] == pytest.approx([f.bits_per_value for f in scored])
            assert tr["y"] == pytest.approx([100 * getattr(f.scores[m], field)
                                             for f in scored])
        # the x axis holds the widest format (MXFP8 at 8.25 bits) and the 2-bit line
        assert fig["layout"]["xaxis"]["range"][1] >= 8.25
    frame = at.table[0].value
    assert list(frame[en("model.fmt.col.format")]) == [TABLE[f"fmt.{f.fmt}"][0] for f in FMTS]
    assert list(frame[en("model.fmt.col.bpv")]) == pytest.approx(
        [f.bits_per_value for f in FMTS])
    both = frame[en("model.fmt.col.acc", mode=en("model.mode.label.both"))]
    # weight-only formats (NF4, int4 groups) have no weights+activations score
    assert [v == "—" for v in both] == [f.fmt in model.WEIGHT_ONLY_FORMATS for f in FMTS]
    assert [float(v) for v in both if v != "—"] == pytest.approx(
        [100 * f.scores["both"].accuracy for f in FMTS if "both" in f.scores], abs=0.005)
    kept = sorted((f for f in FMTS if f.scores["weights"].correct >= 436 - 1),
                  key=lambda f: f.bits_per_value)
    assert en("model.fmt.kept", mode=en("model.mode.label.weights"), k=len(kept),
              total=len(FMTS), slack=1, fmt=TABLE[f"fmt.{kept[0].fmt}"][0],
              bpv=f"{kept[0].bits_per_value:.3f}",
              acc=f"{100 * kept[0].scores['weights'].accuracy:.2f} %") in markdown(at)


def test_formats_in_chinese(page):
    at = page(lang="zh")
    fig = charts_by_title(at)[zh("model.fig.accuracy")]
    names = [tr["name"] for tr in fig["data"]]
    assert zh("model.fig.formats", name=zh("model.mode.label.weights")) in names
    assert zh("model.fmt.col.bpv") in at.table[0].value.columns


def test_each_point_range_is_computed_once_and_only_for_calibration(page, monkeypatch):
    from quantviz.ui import caching

    caching.clear_all()
    keys = []
    original = model.point_range

    def recorded(values, scheme, bits):
        keys.append((id(values), model.point_range_key(scheme, bits,
                                                       model.all_nonnegative(values))))
        return original(values, scheme, bits)

    monkeypatch.setattr(model, "point_range", recorded)
    at = page(acalib="entropy")
    assert keys and len(keys) == len(set(keys))  # every search of the first run is new
    for control, value in (("mmode", "weights"), ("wscheme", "asymmetric")):
        at.button_group(key=control).set_value(value).run()
    at.toggle(key="perch").set_value(True).run()
    ok(at)
    first = len(keys)
    assert first == len(set(keys))  # weights and mode: no range at all
    at.button_group(key="ascheme").set_value("symmetric").run()
    at.button_group(key="ascheme").set_value("asymmetric").run()
    ok(at)
    assert len(keys) == len(set(keys)) > first  # symmetric: new grids, each searched once
    # on ReLU outputs signed symmetric 4 bits has the levels of unsigned 3 bits: one search
    sym4 = model.point_range_key(Scheme(act_scheme="symmetric", observer="entropy"), 4, True)
    asym3 = model.point_range_key(Scheme(observer="entropy"), 3, True)
    # 8 levels, each point once: input, fc1, fc2 (symmetric 4 = unsigned 3 bits on values >= 0)
    # and the logits (values of both signs: symmetric 4 = unsigned 4 bits, 8 levels a side)
    assert sym4 == asym3 and sum(k[1] == sym4 for k in keys) == 4


# --- which layer hurts, the budget and the PTQ methods ---


def _hurt_table(at) -> list[dict]:
    key = en("model.hurt.col.kl")
    return next(d.value.to_dict("records") for d in at.table
                if key in d.value.columns and en("model.fig.layer") in d.value.columns)


def test_which_layer_hurts_follows_the_sensitivity_study(page):
    from quantviz.studies import sensitivity as sens

    at = page()
    at.button(key="mh_run_budget").click().run()
    at.button(key="mh_run_methods").click().run()
    rows = sens.layer_sensitivity(*NET_DATA, 3)
    shown = _hurt_table(at)
    assert [r[en("model.hurt.col.kl")] for r in shown] == [f"{r.score.mean_kl:.5f}"
                                                          for r in rows]
    worst = {k: sens.most_sensitive(rows, k).name for k in (*sens.MEASURES, "weight")}
    text = markdown(at)
    assert en("model.hurt.worst", bits=3, **worst) in text
    assert "tools/perplexity/perplexity.cpp" in text
    assert en("model.hurt.fig.kl") in charts_by_title(at)
    budget = sens.budget(*NET_DATA)
    assert en("model.budget.say", front=len(budget.front), total=64,
              greedy=len(budget.greedy),
              on_front=sum(c in budget.front for c in budget.greedy)) in text
    assert en("model.budget.fig") in charts_by_title(at)
    table = sens.method_table(*NET_DATA)
    best = min(("rtn", "gptq", "gptq_act", "awq", "hqq"), key=lambda m: table[m, 4].mean_kl)
    assert en("model.methods.best", bits=4, method=en(f"ptq.method.{best}"),
              kl=f"{table[best, 4].mean_kl:.5f}", rtn=f"{table['rtn', 4].mean_kl:.5f}") in text


def test_the_hurt_controls_go_to_the_link(page):
    from quantviz.studies import sensitivity as sens

    at = page()
    at.selectbox(key="mh_bits").set_value(2).run()
    at.selectbox(key="mh_method").set_value("gptq").run()
    ok(at)
    rows = sens.layer_sensitivity(*NET_DATA, 2, -1, "gptq")
    assert [r[en("model.hurt.col.kl")] for r in _hurt_table(at)] == [
        f"{r.score.mean_kl:.5f}" for r in rows]
    assert at.query_params["mh_bits"] in ("2", ["2"]) and "gptq" in at.query_params["mh_method"]


def test_which_layer_hurts_in_chinese(run_page):
    # asked for from the start: AppTest formats a later run's selectbox values in English
    at = run_page("model", {"lang": "zh"}, session={"mh_asked_budget": True})
    assert zh("model.hurt.heading") in [s.value for s in at.subheader]
    assert zh("model.budget.fig") in charts_by_title(at)


def test_an_axis_from_zero_gets_no_zoom_note(monkeypatch):
    # a network whose float accuracy is under the zoom's reach: the axis starts at 0, and a
    # caption saying "not from 0" would be false, so there is none
    import quantviz.ui.model as page
    from quantviz.studies.model import PercentAxis
    shown = []
    monkeypatch.setattr(page.st, "caption", shown.append)
    page.axis_note(PercentAxis(0.0, 20.0, (), 3.0), "model.axis.below_bits")
    page.axis_note(PercentAxis(85.0, 99.0, (), 90.0), "model.axis.below_bits")
    assert len(shown) == 1 and "85.0" in shown[0]
