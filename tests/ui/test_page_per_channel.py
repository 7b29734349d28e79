"""The Per-channel page under Streamlit's AppTest: every control, uploads, links, languages.

Expected numbers come from the core (weight_matrix, granularity.compare), so each test checks
that the page shows what the core computes for the controls it was given.
"""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from safetensors.numpy import save as save_safetensors

from quantviz.distributions import weight_matrix
from quantviz.quantize import QuantConfig
from quantviz.studies import granularity
from quantviz.ui.i18n import TABLE
from tests.helpers import charts_by_title, en, metric, ok, rendered, upload, zh

UINT8 = QuantConfig(8, "asymmetric", signed=False)


@pytest.fixture
def page(run_page):
    """``page(**query)`` runs the Per-channel page with the query string ``query``."""
    return lambda **query: run_page("per_channel", query)


def db(value: float) -> str:
    return f"{value:.2f} dB"


def values(data) -> np.ndarray:
    """A plotly JSON array: a list, or a typed array ``{"dtype", "bdata"}`` (base64)."""
    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
    return np.array([np.nan if v is None else v for v in data], dtype=np.float64)


def table(at) -> list[dict]:
    return at.table[0].value.to_dict("records")


def expected(cfg=UINT8, out=64, inn=256, spread=30.0, seed=0, axis=0):
    return granularity.compare(weight_matrix(out, inn, spread, seed), cfg, axis)


# --- the default view ------------------------------------------------------------------------


def test_default_run_matches_the_core(page):
    at = page()
    comp = expected()
    assert metric(at, "SQNR per tensor") == db(comp.per_tensor.sqnr_db)
    assert metric(at, "SQNR per channel") == db(comp.per_channel.sqnr_db)
    assert metric(at, "SQNR per group of 128") == db(comp.group(128).sqnr_db)
    rows = table(at)
    assert [r["granularity"] for r in rows] == ["per tensor", "per channel", "per group of 128"]
    # 64 channels * (4-byte scale + 1-byte uint8 zero point) = 320 bytes
    assert rows[1]["parameter bytes"] == "64 × (4 + 1) = 320"
    assert rows[2]["(scale, zero point) pairs"] == 128
    assert set(charts_by_title(at)) == {"[x_min, x_max] of each channel",
                                        "SQNR of each channel (dB)",
                                        "SQNR against the cost of the parameters",
                                        "Largest |x| of each group of 128"}
    assert at.query_params == {}


def test_per_channel_figures_hold_one_point_per_channel_not_the_weights(page):
    at = page()
    spec = charts_by_title(at)["[x_min, x_max] of each channel"]
    assert [values(tr["x"]).size for tr in spec["data"][:2]] == [64, 64]  # not 16,384 weights
    rng = granularity.channel_ranges(weight_matrix(), 0)
    np.testing.assert_allclose(values(spec["data"][1]["y"]), rng.x_max[rng.order])  # widest 1st
    errors = charts_by_title(at)["SQNR of each channel (dB)"]
    assert [tr["name"] for tr in errors["data"]] == ["per tensor", "per channel",
                                                     "per group of 128"]


def test_thousands_of_channels_are_pooled(page):
    at = page(pc_out=4096, pc_in=8, group=16)
    spec = charts_by_title(at)["[x_min, x_max] of each channel"]
    assert values(spec["data"][0]["x"]).size == 2048  # 4096 channels pooled by 2
    assert any("covers 2 consecutive channels" in c.value for c in at.caption)
    assert any("worst (lowest) SQNR of 2 channels" in c.value for c in at.caption)
    assert metric(at, "SQNR per channel") == db(expected(out=4096, inn=8).per_channel.sqnr_db)


# --- every control ---------------------------------------------------------------------------


def test_synthetic_layer_controls(page):
    at = page()
    at.slider(key="pc_out").set_value(16).run()
    at.slider(key="pc_in").set_value(64).run()
    at.slider(key="pc_spread").set_value(1.0).run()
    at.slider(key="seed").set_value(5).run()
    ok(at)
    comp = expected(out=16, inn=64, spread=1.0, seed=5)
    assert metric(at, "SQNR per channel") == db(comp.per_channel.sqnr_db)
    assert "**16 channels** of 64 weights" in at.markdown[1].value
    assert at.query_params == {"pc_out": "16", "pc_in": "64", "pc_spread": "1.0", "seed": "5"}


def test_scheme_controls_reach_the_core(page):
    at = page()
    at.button_group(key="scheme").set_value("symmetric").run()
    at.toggle(key="signed").set_value(True).run()
    at.toggle(key="narrow").set_value(True).run()
    at.slider(key="bits").set_value(4).run()
    ok(at)
    comp = expected(QuantConfig(4, "symmetric", signed=True, narrow_range=True))
    assert metric(at, "SQNR per tensor") == db(comp.per_tensor.sqnr_db)
    assert metric(at, "SQNR per group of 128") == db(comp.group(128).sqnr_db)
    # symmetric: no zero point stored, 64 * 4 bytes
    assert table(at)[1]["parameter bytes"] == "64 × (4 + 0) = 256"
    note = "Each scale is a 4-byte float32. A symmetric"
    assert any(c.value.startswith(note) for c in at.caption)


def test_channel_axis_and_group_size(page):
    at = page()
    at.selectbox(key="axis").set_value(1).run()
    at.selectbox(key="group").set_value(32).run()
    ok(at)
    comp = expected(axis=1)
    assert "**256 channels** of 64 weights" in at.markdown[1].value
    assert metric(at, "SQNR per channel") == db(comp.per_channel.sqnr_db)
    assert metric(at, "SQNR per group of 32") == db(comp.group(32).sqnr_db)
    assert at.query_params == {"axis": "1", "group": "32"}


def test_a_group_size_that_does_not_divide_says_so(page):
    at = page(pc_in=96)
    # 96 = 0 * 128 + 96; of 16..256 only 16 and 32 divide 96
    warning = at.warning[0].value
    assert warning.startswith(en("per_channel.group_bad", g=128, last=96, whole=0, rest=96))
    assert "Group sizes that fit: 16, 32." in warning
    assert metric(at, "SQNR per group") == "—"
    assert len(table(at)) == 2
    assert "Largest |x| of each group of 128" not in charts_by_title(at)
    at.selectbox(key="group").set_value(32).run()
    ok(at)
    assert not at.warning and len(table(at)) == 3


def test_no_group_size_fits_a_kernel_of_width_3(page):
    at = page(pc_in=3)
    assert "None of 16, 32, 64, 128, 256 fits this tensor" in at.warning[0].value


def test_error_measure_and_sort_order(page):
    at = page()
    at.button_group(key="pc_metric").set_value("mse").run()
    at.toggle(key="pc_sort").set_value(False).run()
    ok(at)
    spec = charts_by_title(at)["MSE of each channel"]
    assert spec["layout"]["yaxis"]["type"] == "log"
    assert spec["layout"]["xaxis"]["title"]["text"] == "channel"
    comp = expected()
    np.testing.assert_allclose(values(spec["data"][0]["y"]), comp.per_tensor.channel_mse)
    assert at.query_params == {"pc_metric": "mse", "pc_sort": "0"}


@pytest.mark.parametrize("name", ["int8_sym", "int4_groups", "uint8_asym"])
def test_each_preset_sets_its_scheme(page, name):
    from quantviz.ui.per_channel import PRESETS

    at = page(scheme="symmetric", signed=1, bits=6, group=32)
    at.button(key=f"pc_preset_{name}").click().run()
    ok(at)
    values = PRESETS[name]
    cfg = QuantConfig(values["bits"], values["scheme"], values["signed"], values["narrow"])
    group = values.get("group", 32)
    assert metric(at, f"SQNR per group of {group}") == db(expected(cfg).group(group).sqnr_db)


def test_the_group_preset_and_the_layer_label_state_the_codes_numbers(page):
    # the int4 preset's group size (128) and the generator's outlier spacing (one channel
    # in 8) are formatted in from the code, in both languages
    from quantviz.distributions import OUTLIER_CHANNEL_EVERY
    from quantviz.ui.per_channel import PRESETS

    group = PRESETS["int4_groups"]["group"]
    at = page()
    button = at.button(key="pc_preset_int4_groups")
    assert button.label == f"int4, groups of {group}"
    assert f"one scale per {group} weights" in button.help
    assert f"one channel in {OUTLIER_CHANNEL_EVERY} with an outlier" in "\n".join(
        e.value for e in (*at.caption, *at.markdown, *at.sidebar.caption))
    at = page(lang="zh")
    assert at.button(key="pc_preset_int4_groups").label == f"int4，{group} 一组"
    for key in ("per_channel.preset.int4_groups", "per_channel.preset.int4_groups.help",
                "per_channel.synthetic_label"):
        for text in TABLE[key]:
            assert not re.search(r"\b(128|8|eight)\b", text), key


# --- uploads ---------------------------------------------------------------------------------


def checkpoint() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    return {
        "fc.bias": rng.standard_normal(32).astype(np.float32),
        "fc.weight": (rng.standard_normal((32, 64)) * np.linspace(0.01, 1, 32)[:, None])
        .astype(np.float32),
        "conv.weight": rng.standard_normal((8, 4, 3, 3)).astype(np.float32),
    }


def test_upload_without_a_file_keeps_the_synthetic_layer(page):
    at = page(pc_src="upload")
    assert any(i.value == en("per_channel.fallback") for i in at.info)
    assert metric(at, "SQNR per tensor") == db(expected().per_tensor.sqnr_db)


def test_a_safetensors_checkpoint_lists_its_tensors_and_picks_a_matrix(page):
    at = page(pc_src="upload")
    tensors = checkpoint()
    upload(at, "model.safetensors", save_safetensors(tensors))
    picker = at.selectbox(key="pc_tensor")
    # safetensors stores names sorted; the label gives name, shape and dtype from the header
    assert picker.options == ["conv.weight  [8, 4, 3, 3]  float32", "fc.bias  [32]  float32",
                              "fc.weight  [32, 64]  float32"]
    assert picker.value == "conv.weight"  # the first tensor with 2 or more dimensions
    # a 4-D convolution kernel: four possible channel axes, and no group size divides width 3
    assert at.selectbox(key="axis").options == ["0", "1", "2", "3"]
    conv = granularity.compare(tensors["conv.weight"], UINT8, 0)
    assert metric(at, "SQNR per channel") == db(conv.per_channel.sqnr_db)
    assert "None of" in at.warning[0].value
    at.selectbox(key="axis").set_value(1).run()
    assert metric(at, "SQNR per channel") == db(
        granularity.compare(tensors["conv.weight"], UINT8, 1).per_channel.sqnr_db)
    # a weight matrix: rows of 64, so groups of 128 do not fit and groups of 64 do
    at.selectbox(key="axis").set_value(0).run()
    at.selectbox(key="pc_tensor").set_value("fc.weight").run()
    assert "64 = 0 × 128 + 64" in at.warning[0].value
    at.selectbox(key="group").set_value(64).run()
    assert not at.exception and not at.warning
    comp = granularity.compare(tensors["fc.weight"], UINT8, 0)
    assert metric(at, "SQNR per channel") == db(comp.per_channel.sqnr_db)
    assert metric(at, "SQNR per group of 64") == db(comp.group(64).sqnr_db)
    assert "Tensor fc.weight from model.safetensors: shape 32 × 64" in rendered(at.caption[1].value)


def test_a_one_dimensional_tensor_is_explained(page):
    at = page(pc_src="upload")
    upload(at, "model.safetensors", save_safetensors(checkpoint()))
    at.selectbox(key="pc_tensor").set_value("fc.bias").run()
    ok(at)
    assert at.info[0].value == en("per_channel.one_d", shape=[32])
    assert not at.get("plotly_chart")


def test_a_damaged_upload_shows_the_loaders_sentence(page):
    at = page(pc_src="upload")
    upload(at, "model.safetensors", b"\x09\x00\x00\x00\x00\x00\x00\x00{not json")
    assert "not valid JSON" in at.sidebar.error[0].value
    assert metric(at, "SQNR per tensor") == db(expected().per_tensor.sqnr_db)  # still a view


def test_a_pickled_checkpoint_is_let_through_and_refused_with_a_reason(page):
    at = page(pc_src="upload")
    # the browser must not filter .pt out: the loader is the one that explains the refusal
    accepted = list(at.get("file_uploader")[0].proto.type)
    assert {".pt", ".pkl", ".safetensors"} <= set(accepted)
    upload(at, "model.pt", b"\x80\x04\x95 not read")
    assert "pickle" in at.sidebar.error[0].value.lower()
    assert metric(at, "SQNR per tensor") == db(expected().per_tensor.sqnr_db)  # still a view


# --- links and languages ---------------------------------------------------------------------


def test_a_query_string_restores_the_view(page):
    at = page(pc_out=32, pc_in=128, bits=4, scheme="symmetric", signed=1, axis=1, group=64,
              pc_metric="mse", pc_sort=0)
    assert at.slider(key="pc_out").value == 32 and at.slider(key="bits").value == 4
    assert at.selectbox(key="axis").value == 1 and at.selectbox(key="group").value == 64
    assert at.button_group(key="pc_metric").value == "mse"
    comp = expected(QuantConfig(4, "symmetric", signed=True), out=32, inn=128, axis=1)
    assert metric(at, "SQNR per group of 64") == db(comp.group(64).sqnr_db)
    assert "MSE of each channel" in charts_by_title(at)


def test_a_hand_edited_link_falls_back_to_defaults(page):
    at = page(pc_out="many", group=100, axis=7, pc_metric="worst")
    assert at.slider(key="pc_out").value == 64 and at.selectbox(key="group").value == 128
    assert at.selectbox(key="axis").value == 0
    assert metric(at, "SQNR per tensor") == db(expected().per_tensor.sqnr_db)


def test_language_switch_to_chinese(page):
    at = page()
    at.button_group(key="lang").set_value("zh").run()
    ok(at)
    assert at.title[0].value == zh("per_channel.title")
    assert "每个通道的 [x_min, x_max]" in charts_by_title(at)
    assert any(m.label == "逐通道 SQNR" for m in at.metric)
    assert at.query_params == {"lang": "zh"}


def test_shared_controls_survive_a_page_switch(app_test):
    # bits and scheme mean the same on every page: set on Explore, kept on Per-channel
    at = app_test("explore")
    at.run()
    at.slider(key="bits").set_value(4).run()
    at.button_group(key="scheme").set_value("symmetric").run()
    at.switch_page("pages/per_channel.py").run()
    ok(at)
    assert at.slider(key="bits").value == 4
    assert at.button_group(key="scheme").value == "symmetric"
    comp = expected(QuantConfig(4, "symmetric", signed=False))
    assert metric(at, "SQNR per tensor") == db(comp.per_tensor.sqnr_db)


def test_cost_note_states_the_bytes_the_core_counts(page):
    # scales counted as float32 (4 bytes); an asymmetric uint8 zero point as 1 byte, a
    # symmetric one as not stored
    assert granularity.SCALE_BYTES == 4
    at = page(scheme="asymmetric", signed=0)
    note = [c.value for c in at.caption if "ONNX QuantizeLinear" in c.value]
    # the default layer: 64 x 256 weights of 8 bits = 16,384 bytes
    assert len(note) == 1 and "each zero point 1 byte," in note[0]
    assert "(s)" not in note[0] and "take 16,384 bytes." in note[0]
    assert "4-byte float32" in note[0] and "float64 scales and int64 zero points" in note[0]
    at = page(scheme="symmetric", signed=1)
    sym = [c.value for c in at.caption if "need not be stored" in c.value]
    assert len(sym) == 1 and "4-byte float32" in sym[0] and "counted as 0 bytes." in sym[0]


def test_a_single_weight_byte_and_the_chinese_note_have_no_plural(page):
    # 1 x 1 weight of 8 bits = 1 byte; Chinese counts bytes without a plural
    at = page(scheme="asymmetric", signed=0, pc_out=1, pc_in=1)
    note = [c.value for c in at.caption if "ONNX QuantizeLinear" in c.value]
    assert len(note) == 1 and "take 1 byte." in note[0]
    at = page(scheme="asymmetric", signed=0, lang="zh")
    note = [c.value for c in at.caption if "ONNX QuantizeLinear" in c.value]
    assert len(note) == 1 and "每个零点占 1 字节，" in note[0] and "16,384 字节。" in note[0]


def test_the_pooled_heat_map_counts_rows_and_groups_in_words(page):
    # 4096 rows of 16 groups of 16 are pooled into cells of several rows and (here) a single
    # group: the caption says "rows" and "group", as the core's pooling steps are counted
    at = page(pc_out=4096, pc_in=256, group=16)
    gm = granularity.group_map(weight_matrix(4096, 256, 30.0, 0), 16)
    assert gm.row_step > 1 and gm.col_step == 1
    pooled = [c.value for c in at.caption if c.value.startswith("Each cell covers")]
    assert pooled == [f"Each cell covers {gm.row_step} rows × 1 group and shows their "
                      "largest |x|."]
