"""The Layer page under Streamlit's AppTest: defaults in both languages, controls, an upload.

Expected numbers come from the core (weight_matrix, layer_study.study_layer), so each test
checks that the page shows what the core computes for the controls it was given.
"""

from __future__ import annotations

import numpy as np
import pytest
from safetensors.numpy import save as save_safetensors

from quantviz.distributions import weight_matrix
from quantviz.studies import layer as layer_study
from quantviz.ui.i18n import plain
from tests.helpers import captions, charts_by_title, en, markdown, metric, ok, upload, zh


@pytest.fixture
def page(run_page):
    """``page(**query)`` runs the Layer page with the query string ``query``."""
    return lambda **query: run_page("layer", query)


def expected(w=None, source="normal", rows=64, seed=0, per_channel=True, reduce_range=False,
             bias=True):
    w = weight_matrix(64, 256, 30.0, 0) if w is None else w
    x = layer_study.activations(source, rows, w.shape[1], seed)
    b = layer_study.synthetic_bias(x.astype(np.float64) @ w.astype(np.float64).T, seed) \
        if bias else None
    return layer_study.study_layer(w, x, b, per_channel=per_channel, reduce_range=reduce_range)


def db(v: float) -> str:
    return f"{v:.2f} dB"


def test_default_run_matches_the_core(page):
    at = page()
    s = expected()
    assert metric(at, "SQNR of Y (integer layer)") == db(s.errors[3].sqnr_db)
    assert metric(at, "Cosine similarity of Y") == f"{s.errors[3].cosine:.6f}"
    assert metric(at, "Accumulator bits used") == f"{s.pipe.acc_bits} of 32"
    assert metric(at, "Codes where TFLite differs") == (
        f"{int(s.fixed.differ.sum()):,} / {s.fixed.differ.size:,}")
    assert metric(at, "Saturated pairs, 8-bit X") == f"{s.saturation_full.saturated:,}"
    assert metric(at, "Saturated pairs, 7-bit X") == "0"
    # the default layer (normal X, per-channel weights) does saturate with 8-bit activations
    assert s.saturation_full.saturated > 0
    text = markdown(at)
    assert f"[{s.pipe.acc_min:,}, {s.pipe.acc_max:,}]" in text
    assert f"**{s.example.y_q}**" in text
    assert set(charts_by_title(at)) == {
        en("layer.rr.fig.title"), en("layer.err.fig.title"),
        en("layer.acc.title", worst=f"{s.pipe.worst_case_acc:,}")}
    table = at.table[-1].value.to_dict("records")
    assert [r["quantized"] for r in table] == [
        en("layer.err.weights"), en("layer.err.activations"), en("layer.err.both"),
        en("layer.err.integer")]
    assert [r["SQNR (dB)"] for r in table] == [f"{e.sqnr_db:.2f}" for e in s.errors]


def test_default_run_in_chinese(page):
    at = page(lang="zh")
    s = expected()
    assert metric(at, zh("layer.head.sqnr")) == db(s.errors[3].sqnr_db)
    assert at.title[0].value == zh("layer.title")
    assert zh("layer.rr.heading") in [h.value for h in at.subheader]
    assert not [m.value for m in at.markdown if "Where the zero points go" in m.value]


def test_the_pair_histogram_shows_saturation_outside_int16(page):
    at = page()
    s = expected()
    fig = charts_by_title(at)[en("layer.rr.fig.title")]
    names = [tr["name"] for tr in fig["data"]]
    assert names == [en("layer.rr.fig.full"), en("layer.rr.fig.reduced")]
    lines = [sh["x0"] for sh in fig["layout"]["shapes"] if sh["type"] == "line"]
    assert sorted(lines) == [-32768, 32767]
    assert int(s.pair_counts_reduced[s.pair_edges[:-1] < -32768].sum()) == 0


def test_reduce_range_and_per_tensor_follow_the_controls(page):
    at = page(ly_rr=1, ly_gran="per_tensor", ly_bias=0)
    s = expected(per_channel=False, reduce_range=True, bias=False)
    assert metric(at, "SQNR of Y (integer layer)") == db(s.errors[3].sqnr_db)
    assert s.x_qp.qmax == 127 and int(s.pipe.x_q.max()) <= 127
    text = markdown(at)
    assert "of 0..127 (7 bits)" in text


def test_activation_stream_as_x(page):
    at = page(ly_x="stream", ly_rows=16)
    s = expected(source="stream", rows=16)
    assert metric(at, "SQNR of Y (integer layer)") == db(s.errors[3].sqnr_db)
    assert "X: Activation stream, 16 rows × 256." in captions(at)


def checkpoint() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    return {"bias": rng.normal(size=10).astype(np.float32),
            "fc.weight": (rng.normal(size=(10, 24)) * 0.1).astype(np.float32),
            "conv.weight": (rng.normal(size=(6, 2, 3, 3)) * 0.2).astype(np.float32)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_uploaded_matrix_is_the_layer(page, lang):
    at = page(ly_wsrc="upload")
    upload(at, "model.safetensors", save_safetensors(checkpoint()))
    if lang == "zh":  # AppTest re-sends a selectbox's English label after a language change
        at.segmented_control(key="lang").set_value("zh").run()
    ok(at)
    picked = at.selectbox(key="ly_tensor").value
    w = checkpoint()[picked].reshape(checkpoint()[picked].shape[0], -1)
    s = expected(w=w)
    label = zh("layer.head.sqnr") if lang == "zh" else "SQNR of Y (integer layer)"
    assert metric(at, label) == db(s.errors[3].sqnr_db)
    text = "\n".join(c.value for c in at.caption)
    assert plain(picked) in text  # a name from a file is shown as plain text (conv\.weight)


def test_a_conv_weight_is_read_as_a_matrix(page):
    at = page(ly_wsrc="upload")
    upload(at, "model.safetensors", save_safetensors(checkpoint()))
    at.selectbox(key="ly_tensor").set_value("conv.weight").run()
    ok(at)
    s = expected(w=checkpoint()["conv.weight"].reshape(6, 18))
    assert metric(at, "SQNR of Y (integer layer)") == db(s.errors[3].sqnr_db)
    assert "shape 6 × 2 × 3 × 3, used as 6 × 18" in captions(at)


def test_a_vector_upload_says_why_and_keeps_the_synthetic_layer(page):
    at = page(ly_wsrc="upload")
    upload(at, "v.safetensors", save_safetensors({"bias": np.ones(5, np.float32)}))
    ok(at)
    assert "a layer needs a matrix" in at.warning[0].value
    assert metric(at, "SQNR of Y (integer layer)") == db(expected().errors[3].sqnr_db)


def test_a_damaged_upload_shows_a_sentence_not_a_traceback(page):
    at = page(ly_wsrc="upload")
    upload(at, "model.safetensors", b"\x09\x00\x00\x00\x00\x00\x00\x00{not json")
    assert not at.exception
    assert at.error  # the loader's sentence, in the sidebar
    assert metric(at, "SQNR of Y (integer layer)") == db(expected().errors[3].sqnr_db)


def test_a_link_restores_the_view(page):
    at = page(ly_out=8, ly_in=33, ly_rows=3, seed=5)
    w = weight_matrix(8, 33, 30.0, 5)
    s = expected(w=w, rows=3, seed=5)
    assert metric(at, "SQNR of Y (integer layer)") == db(s.errors[3].sqnr_db)
    assert at.query_params["ly_out"] == "8"


def test_the_sources_named_for_reduce_range_and_symmetric_weights(page):
    # PyTorch states the vpmaddubsw reason in observer.py (MinMaxObserver.__init__); qconfig.py
    # only sets reduce_range=True. Symmetric weights make the row-sum term vanish, which the
    # page says without claiming it is the (only) reason weights are symmetric.
    at = page()
    text = markdown(at)
    assert "observer.py gives this reason" in text
    assert "(w_zp = 0), as here and in PyTorch's default x86 qconfig, it vanishes" in text
    assert "which is why weights are stored symmetric" not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reduce_range_help_and_output_formula_state_the_codes_ranges(page, lang):
    # the help quotes the activation range without (0..255) and with reduce_range (0..127),
    # and the requantization formula clips to the output's range: all from the configs
    from quantviz.quantize import QuantConfig

    tr = en if lang == "en" else zh
    full, reduced = QuantConfig(8, signed=False), QuantConfig(8, signed=False, reduce_range=True)
    at = page(lang=lang) if lang == "zh" else page()
    assert (layer_study.X_CONFIG.qmax, layer_study.X_CONFIG_REDUCED.qmax) == (
        full.qmax, reduced.qmax)
    help_text = at.toggle(key="ly_rr").help
    assert help_text == tr("layer.rr.help", qmin=full.qmin, qmax=full.qmax, rqmin=reduced.qmin,
                           rqmax=reduced.qmax)
    assert f"{reduced.qmin}..{reduced.qmax}" in help_text and f"..{full.qmax}" in help_text
    y = layer_study.Y_CONFIG
    assert rf"y_{{zp}},\ {y.qmin},\ {y.qmax})$" in markdown(at)
    assert "{" + "y}" not in markdown(at)


def test_the_ranges_are_formatted_in_not_typed():
    # the codes' ranges come from the configs: neither text types a digit of a range
    import re

    from quantviz.ui.i18n import TABLE

    for key in ("layer.rr.help", "layer.pipe.formula"):
        for text in TABLE[key]:
            assert not re.search(r"\b(0|127|255)\b", text), (key, text)
