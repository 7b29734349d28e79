"""Claims the text tables make about other toolchains, pinned to what their sources say.

Each assertion names the sentence it guards; the sources are in each texts module's SOURCES.
"""

from __future__ import annotations

from quantviz.ui.i18n import TABLE


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
