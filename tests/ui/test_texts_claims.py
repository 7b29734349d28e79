"""Claims the text tables make about other toolchains, pinned to what their sources say.

Each assertion names the sentence it guards; the sources are in each texts module's SOURCES.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from quantviz.ui import texts
from quantviz.ui.i18n import TABLE
from quantviz.ui.texts.common import GLOSSARY


def both(key: str) -> str:
    return " ".join(TABLE[key])


def test_pytorch_quantization_is_symmetric_by_default_not_only():
    # tools/pytorch-quantization 2.2.1, tensor_quant.py: FakeAffineTensorQuantFunction and
    # _tensor_quant(unsigned=True) exist beside the default symmetric quantizer
    text = both("learn.s5.nvidia")
    assert "symmetric only" not in text and "fake_affine_tensor_quant" in text
    assert "unsigned=True" in text and "只支持对称" not in text


def test_distiller_is_not_said_to_add_its_zero_point():
    assert "adds its zero point" not in TABLE["learn.s5.intro"][0]
    assert "加减零点" not in TABLE["learn.s5.intro"][1]


def test_tensorrt_story_is_one_everywhere():
    # QuantDescriptor narrow_range=False, TensorQuantFunction narrow_range=True: only the
    # divisor is common, so no sentence says "uses the narrow range"
    for key in ("gap.full_range", "learn.s6.rules.sources"):
        assert "narrow_range=False" in TABLE[key][0] and "narrow_range=False" in TABLE[key][1]
    assert "uses the narrow range" not in TABLE["gap.full_range"][0]


def test_collapse_is_said_at_half_a_step_not_at_a_narrow_range():
    en, zh = TABLE["learn.s6.edge.after"]
    assert "collapses, since every value" not in en and "{half_eps}" in en and "{half_eps}" in zh


def test_tflite_names_the_default_mlir_quantizer():
    # tensorflow/lite/python/lite.py: experimental_new_quantizer = True; _quantize calls
    # mlir_quantize unless activations are int16
    for key in ("learn.s2.widening", "toolchains.about.tflite"):
        for text in TABLE[key]:
            assert "experimental_new_quantizer=True" in text
            assert "getNudgedScaleAndZeroPoint" in text


# --- the registry of claims ------------------------------------------------------------------

#: Text keys that name another toolchain, a paper or the notes: each needs a SOURCES entry.
CLAIM = re.compile(r"PyTorch|ONNX Runtime|TensorRT|TFLite|torchao|bitsandbytes|llama\.cpp|"
                   r"NVIDIA|ModelOpt|the notes|pytorch-quantization|Distiller|FBGEMM|"
                   r"ggml|gguf-py|Dettmers|Esser")


def _modules():
    for info in pkgutil.iter_modules(texts.__path__):
        yield importlib.import_module(f"{texts.__name__}.{info.name}")


def test_every_claim_names_its_source():
    missing = set()
    for module in _modules():
        sources = getattr(module, "SOURCES", {})
        for key, source in sources.items():
            assert key in module.TEXT, f"SOURCES names {key!r}, which {module.__name__} lacks"
            assert len(source.strip()) > 10, key
        missing |= {k for k, (en, _) in module.TEXT.items() if CLAIM.search(en)
                    and k not in sources}
    assert not missing, sorted(missing)


def test_one_chinese_term_each_for_scale_and_zero_point():
    for concept, entry in GLOSSARY.items():
        for key, (_, zh) in TABLE.items():
            for variant in entry["avoid"]:
                assert variant not in zh, (concept, key, variant)


# --- the other items, pinned -------------------------------------------------------------------

def test_checkpoint_total_says_it_weighs_by_energy_and_worst_says_the_bits():
    assert "largest tensors weigh most" not in TABLE["checkpoint.totals_note"][0]
    assert "Σ x²" in TABLE["checkpoint.totals_note"][0]
    assert "Σ x²" in TABLE["checkpoint.totals_note"][1]
    for text in TABLE["checkpoint.fmt_worst"]:
        assert "{fmt_bits}" in text and "{bits}" in text
    assert "zero point) pairs" not in TABLE["checkpoint.col.pairs"][0]


def test_model_verdicts_and_formats_say_what_they_hold_for():
    assert "calibration" in TABLE["model.advice.how"][0]
    assert "is the one that matters." not in TABLE["model.advice.none_better"][0]
    en, zh = TABLE["model.fmt.intro"]
    assert "Formats need no calibration" not in en and "calibrated ahead of time" in en
    assert "格式不需要校准" not in zh and "事先校准" in zh


def test_nf4_is_not_called_symmetric_and_nvfp4_is_not_ocp():
    for text in TABLE["formats.preset.relu.help"]:
        assert "{nf4_neg}" in text and "{nf4_levels}" in text
    assert "float formats and NF4" not in TABLE["formats.preset.relu.help"][0]
    assert "NVFP4 is NVIDIA's format" in TABLE["formats.learn.refs"][0]
    assert "8 每值位数" not in TABLE["formats.metric.bpv_value"][1]


def test_layer_says_where_its_zero_point_terms_go():
    en, zh = TABLE["layer.pipe.zero_points"]
    assert "folded into the bias" not in en and "int32 accumulator" in en
    assert "折进偏置" not in zh
    assert not TABLE["layer.pipe.per_channel_scales"][0].startswith("{n} scales")


def test_arithmetics_say_when_the_zero_point_differs():
    for key in ("arith.intro", "arith.help"):
        assert "rare" not in TABLE[key][0] and "zero point" in TABLE[key][0]
        assert "零点" in TABLE[key][1]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "rare near-ties" not in readme


def test_the_two_averaging_constants_are_told_apart():
    assert TABLE["avg.label"][0] != TABLE["calibration.stream_c"][0]
    assert "sidebar" in TABLE["calibration.stream_c"][0]


def test_the_outlier_fraction_slider_shows_its_digits():
    from quantviz.ui.controls import param_controls, step_format
    assert step_format(0.0001) == "%.4f" and step_format(0.01) == "%.2f"
    fraction = next(c for c in param_controls("outliers") if c.key.endswith(".fraction"))
    assert fraction.fmt % 0.001 == "0.0010"  # it showed 0.00 with the default "%.2f"


def test_nf4_lesson_states_the_shares_and_the_bits_at_one_block():
    en, zh = TABLE["formats.learn.nf4"]
    assert "about equally often" not in en and "频率大致相同" not in zh
    for text in (en, zh):
        for name in ("{usage_min}", "{usage_max}", "{nf4_bits}", "{int_bits}", "{block}"):
            assert name in text
    assert "{int_name}" not in en  # the INT4 g128 label: the comparison is at block 64 now


def test_a_differing_zero_point_has_its_own_sentence():
    for text in TABLE["arith.zero_point"]:
        assert "{zp}" in text and "{zp_other}" in text
    for text in TABLE["arith.count"]:
        assert "{ties}" in text and "{zp}" in text


def test_checkpoint_shows_the_plain_mean_and_integers_at_the_formats_bits():
    assert "mean" in TABLE["checkpoint.col.sqnr_mean"][0]
    assert "not the same bits" not in TABLE["checkpoint.fmt_worst"][0]
    for text in TABLE["checkpoint.fmt_worst.row_group"]:
        assert "{fmt_bits}" in text


def test_registry_corrections_hold():
    # the notes name ReLU outputs, not uint8 against int8
    en, zh = TABLE["compare.intro"]
    assert "notes' own example: asymmetric uint8" not in en and "our choice" in en
    assert "默认即笔记中的例子" not in zh
    # the Start page's step 3 opens Compare on a normal tensor: "it opens on ... ReLU outputs"
    # was false there; what the page opens on without a link is its default, as the Chinese says
    assert "By default it opens on" in en and "默认是" in zh
    # llama.cpp states no residual-stream reason; the 'no papers' quote had no source
    en, zh = TABLE["gguf.kmeans.body"]
    assert "residual stream" not in en and "no papers" not in en and "70B" in en
    assert "残差流" not in zh and "没有论文" not in zh and "70B" in zh
    assert "carries float16 d and dmin" not in en
    # ggml's weights are built from the imatrix, not the imatrix itself
    for text in TABLE["gguf.imatrix.body"]:
        assert "sqrt(σ² + x_j²)" in text


def test_imatrix_sigma2_is_not_said_to_be_the_rows_for_k_quants():
    # ggml-quants.c: quantize_row_q4_K_impl sigma2 = 2*sum_x2/QK_K (the super-block, twice);
    # only the legacy q4_0..q5_1 _impl take sum_x2/n_per_row; q6_K_impl uses the imatrix alone
    en, zh = TABLE["gguf.imatrix.body"]
    assert "σ² the row's mean square)" not in en and "twice the super-block's" in en
    assert "σ² 为该行的均方）" not in zh and "超块均方的两倍" in zh


def test_unrounded_zero_point_error_is_said_to_come_back_not_to_go_missing():
    # 0.0 at Z = 63.75 unrounded: code round(63.75) = 64, x_hat = s (64 - 63.75) = s/4:
    # rounding added the quarter step and it comes back; nothing goes missing (the numbers
    # are fields: tests/ui/test_page_start.py checks them on the page)
    en, zh = TABLE["start.zero.why"]
    assert "is missing" not in en and "brings that shift back" in en
    assert "找不回来" not in zh and "round({z_exact})" in zh and "回来了" in zh


def test_lsq_scale_gradient_outside_the_range_is_the_code_less_z():
    # torch 2.13 _fake_quantize_learnable_per_tensor_affine, s = 0.1, Z = 5, codes 0..15:
    # d x_hat / d s = -5 at x = -10 (qmin - Z) and 10 at x = 10 (qmax - Z), not 0 and 15
    en, zh = TABLE["qat.one.lsq"]
    assert "qmin − Z or qmax − Z" in en and "qmin − Z 或 qmax − Z" in zh


def test_reduce_range_is_not_tied_to_post_training_only():
    # torch 2.13: get_default_qconfig("x86") HistogramObserver and get_default_qat_qconfig("x86")
    # MovingAverageMinMaxObserver both quantize activations to 0..127 (reduce_range)
    en, zh = TABLE["learn.s7.defaults"]
    assert "instead, and with reduce_range" not in en and "In both stages activations" in en
    assert "并且用 reduce_range" not in zh and "两个阶段的激活都用 reduce_range" in zh


def test_chinese_refs_do_not_list_nvfp4_under_the_ocp_departures():
    # issue item 11 in Chinese too: NVFP4 is NVIDIA's format, not in the OCP MX specification
    zh = TABLE["formats.learn.refs"][1]
    assert "不属于 OCP MX 规范" in zh and "在 torchao 中" in zh
