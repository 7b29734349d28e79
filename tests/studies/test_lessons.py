"""Tests for quantviz.studies.lessons: the Learn page's worked cases, by hand and by property."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quantviz.quantize import EPS, QuantConfig, dequantize, quantize
from quantviz.studies.lessons import (
    DOT_WEIGHTS,
    EDGE_CASES,
    FUSED_SCALE_FLOOR,
    KERNELS,
    SYMMETRIC_RULES,
    ZERO_METHODS,
    clamping,
    dot_example,
    dot_terms,
    edge_case,
    edge_case_gallery,
    mapping_picture,
    notes_steps,
    padded_convolution,
    padding_signal,
    symmetric_ends,
    symmetric_rules,
    unrounded_zero_point,
    wasted_code_choices,
    wasted_code_spans,
    zero_outside,
    zero_trip,
)

F32 = np.float32
UINT8 = QuantConfig(8, "asymmetric", signed=False)
INT8_SYM = QuantConfig(8, "symmetric", signed=True)


# ---------------------------------------------------------------- the two pictures


def test_relu_under_signed_symmetric_wastes_the_negative_codes():
    # [0, 6]: scale = 6/127.5, 0 -> 0, 6 -> 127.5 -> 128 -> clipped to 127; -128..-1 unused
    pic = mapping_picture(0.0, 6.0, INT8_SYM)
    assert (pic.code_lo, pic.code_hi, pic.zero_point, pic.wasted) == (0, 127, 0, 128)
    assert pic.scale == pytest.approx(float(F32(6) / F32(127.5)))
    assert wasted_code_spans(0.0, 6.0, INT8_SYM) == ((-128, -1),)
    choices = wasted_code_choices(INT8_SYM)
    right = [name for name, spans in choices.items() if spans == ((-128, -1),)]
    assert right == ["negative"]


def test_asymmetric_fills_the_grid():
    # [-1, 3] uint8: scale = 4/255, Z = 0 - round(-1 / (4/255)) = round(63.75) = 64
    pic = mapping_picture(-1.0, 3.0, UINT8)
    assert (pic.code_lo, pic.code_hi, pic.zero_point, pic.wasted) == (0, 255, 64, 0)
    assert pic.grid_lo == pytest.approx(-64 * 4 / 255, rel=1e-6)
    assert wasted_code_spans(-1.0, 3.0, UINT8) == ()


def test_dot_terms_by_hand():
    # (1-1)(4-2) + (2-1)(5-2) + (3-1)(6-2) = 0 + 3 + 8 = 11
    # qq = 4 + 10 + 18 = 32; Z_x sum q_w = 2 * 6 = 12; Z_w sum q_x = 1 * 15 = 15; 3 * 1 * 2 = 6
    t = dot_terms(np.array([1, 2, 3]), 1, np.array([4, 5, 6]), 2)
    assert (t.qq, t.zx_sum_qw, t.zw_sum_qx, t.n_zw_zx) == (32, 12, 15, 6)
    assert t.total == t.direct == 32 - 12 - 15 + 6 == 11
    with pytest.raises(ValueError, match="same non-zero length"):
        dot_terms(np.array([1]), 0, np.array([1, 2]), 0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 255), min_size=1, max_size=16), st.integers(0, 255),
       st.integers(0, 255), st.randoms())
def test_dot_terms_expand_exactly(qw, z_w, z_x, rnd):
    qx = [rnd.randint(0, 255) for _ in qw]
    t = dot_terms(np.array(qw), z_w, np.array(qx), z_x)
    assert t.total == t.direct
    if z_w == 0:
        assert t.zw_sum_qx == 0 and t.n_zw_zx == 0


def test_dot_example_symmetric_weights_drop_two_terms():
    # x = linspace(-1, 3, 4) = (-1, 1/3, 5/3, 3) on uint8 [-1, 3]: scale 4/255, Z_x = 64,
    # codes 0, 85, 170, 255. Symmetric weights: Z_w = 0, so only q_w . q_x - Z_x sum q_w remain
    asym, sym = dot_example(-1.0, 3.0, 8)
    assert sym.z_w == 0 and sym.zw_sum_qx == 0 and sym.n_zw_zx == 0
    assert sym.z_x == asym.z_x == 64 and sym.sum_qx == 0 + 85 + 170 + 255
    assert asym.z_w != 0 and asym.total == asym.direct and sym.total == sym.direct
    # weights span [-0.9, 0.7] on uint8: Z_w = round(0.9 / (1.6/255)) = round(143.4) = 143
    assert (min(DOT_WEIGHTS), max(DOT_WEIGHTS)) == (-0.9, 0.7) and asym.z_w == 143


# ---------------------------------------------------------------- the derivation


def test_notes_steps_by_hand():
    # [-1, 3], 8 bits, x = 0.5: scale = 4/255; t1 = 1.5 * 255 / 4 = 95.625 -> 96
    # zp = -1 / (4/255) = -63.75 -> -64; x/scale = 31.875 -> 32; q4 = 32 + 64 = 96
    s = notes_steps(0.5, -1.0, 3.0, 8)
    assert s.scale == pytest.approx(4 / 255)
    assert (s.t1, s.q1) == (pytest.approx(95.625), 96)
    assert (s.zp_exact, s.zp, s.zero_code) == (pytest.approx(-63.75), -64, 64)
    # the page's sign: Z = -x_min / scale = 63.75 -> 64, the code of 0.0
    assert (s.z_exact, s.z) == (pytest.approx(63.75), 64)
    assert (s.x_over_scale, s.q3, s.q4) == (pytest.approx(31.875), 96, 96)
    assert s.x_hat == pytest.approx(32 * 4 / 255)
    assert (s.pt_zero_point, s.pt_code, s.top) == (64, 96, 255)
    assert s.in_grid and s.zero_in_grid


def test_rounding_the_zero_point_can_move_a_code():
    # [-0.4, 0.6], 2 bits: scale = 1/3, zp_exact = -1.2 -> zp = -1. x = 0.1: x/scale = 0.3
    # eq. 3: round(0.3 + 1.2) = round(1.5) = 2 (half to even); eq. 4: round(0.3) + 1 = 1
    s = notes_steps(0.1, -0.4, 0.6, 2)
    assert (s.zp, s.q3, s.q4) == (-1, 2, 1)


def test_notes_steps_refuse_empty_ranges():
    with pytest.raises(ValueError, match=r"x_min < x_max, got \[2.0, 2.0\]"):
        notes_steps(0.0, 2.0, 2.0, 8)
    with pytest.raises(ValueError, match="bits=1"):
        notes_steps(0.0, 0.0, 1.0, 1)


@settings(max_examples=60, deadline=None)
@given(st.floats(-50, 0), st.floats(0.01, 50), st.integers(2, 12), st.floats(0, 1))
def test_rounded_zero_point_moves_a_code_by_at_most_one(lo, width, bits, where):
    hi = lo + width
    s = notes_steps(lo + where * width, lo, hi, bits)
    assert abs(s.q3 - s.q4) <= 1
    assert s.z == -s.zp and s.z_exact == -s.zp_exact and s.zero_code == s.z
    if lo <= 0 <= hi:  # PyTorch keeps the same range: Z = -zp up to a float32 tie
        assert abs(s.pt_zero_point - s.z) <= 1


# ---------------------------------------------------------------- zero padding


def test_padding_without_a_fractional_zero_point():
    # signal [1, 2], 2 bits: range [0, 2], scale 2/3, zp = zp_exact = 0
    # 1 -> round(1.5) = 2 -> 4/3; 2 -> 3 -> 2. Outputs (0 + 4/3 + 2) twice; reference 3, 3
    r = padded_convolution(np.array([1.0, 2.0]), np.array([1.0, 1.0, 1.0]), 2)
    assert (r.zp, r.zp_exact, r.pad_integer, r.pad_exact) == (0, 0.0, 0.0, 0.0)
    # Z = -0 / scale: shown as 0, not -0
    assert (r.z, str(r.z_exact)) == (0, "0.0")
    np.testing.assert_allclose(r.reference, [3.0, 3.0])
    np.testing.assert_allclose(r.out_integer, [10 / 3, 10 / 3])
    np.testing.assert_array_equal(r.bias_exact, [0.0, 0.0])
    np.testing.assert_array_equal(r.border, [True, True])


def test_fractional_zero_point_biases_the_border():
    # signal [-0.5, 2.5], 2 bits: range [-0.5, 2.5], scale = 3/3 = 1, zp_exact = -0.5,
    # zp = rint(-0.5) = 0. Unrounded: 0.0 -> round(0 + 0.5) = 0 -> 1 * (0 - 0.5) = -0.5.
    # -0.5 -> round(0) = 0 -> -0.5 and 2.5 -> round(3) = 3 -> 2.5 (both exact), so the output
    # (pad, -0.5, 2.5) = -0.5 - 0.5 + 2.5 = 1.5 against the reference 0 - 0.5 + 2.5 = 2:
    # the bias -0.5 is all from the padding. Integer zp: -0.5 -> 0, 2.5 -> round(2.5) = 2.
    r = padded_convolution(np.array([-0.5, 2.5]), np.array([1.0, 1.0, 1.0]), 2)
    assert (r.scale, r.zp, r.zp_exact) == (1.0, 0, -0.5)
    assert (r.z, r.z_exact) == (0, 0.5)  # Z = -(-0.5) / 1 = 0.5, rint(0.5) = 0
    assert (r.pad_integer, r.pad_exact) == (0.0, -0.5)
    np.testing.assert_allclose(r.reference, [2.0, 2.0])
    np.testing.assert_allclose(r.out_exact, [1.5, 1.5])
    np.testing.assert_allclose(r.bias_exact, [-0.5, -0.5])
    np.testing.assert_allclose(r.out_integer, [2.0, 2.0])
    np.testing.assert_array_equal(r.bias_integer, [0.0, 0.0])


def test_padding_refuses_bad_input():
    with pytest.raises(ValueError, match="odd length"):
        padded_convolution(np.ones(4), np.ones(2), 4)
    with pytest.raises(ValueError, match="non-empty and finite"):
        padded_convolution(np.array([np.nan]), np.ones(3), 4)


@settings(max_examples=40, deadline=None)
@given(st.floats(-1.5, 1.5), st.sampled_from(sorted(KERNELS)), st.integers(2, 8))
def test_padding_bias_sits_only_on_the_border(offset, kernel_key, bits):
    r = padded_convolution(padding_signal(offset), np.array(KERNELS[kernel_key]), bits)
    assert r.pad_integer == 0.0  # an integer zero point always returns 0.0 exactly
    np.testing.assert_array_equal(r.bias_integer, 0.0)
    assert np.all(np.abs(r.bias_exact[~r.border]) < 1e-12)
    taps_on_pad = np.correlate(np.r_[np.ones(r.pad), np.zeros(r.signal.size), np.ones(r.pad)],
                               r.kernel, mode="valid")
    np.testing.assert_allclose(r.bias_exact, r.pad_exact * taps_on_pad, atol=1e-12)
    assert abs(r.pad_exact) <= r.scale / 2 + 1e-12


def test_padding_signal_is_the_shifted_sine():
    x = padding_signal(0.25, 12)
    assert x[0] == 0.25 and x[3] == pytest.approx(1.25) and x[9] == pytest.approx(-0.75)


# ---------------------------------------------------------------- what the notes leave out


def test_zero_outside_for_all_positive_data():
    # [1, 3], 8 bits: scale = 2/255, zp = rint(127.5) = 128 (half to even), 0.0 -> -128,
    # outside [0, 255]; clamped to 0 it returns (0 + 128) * 2/255 = 1.00392.
    # PyTorch: [0, 3], scale 3/255, Z = 0; 1.0 -> 85, so codes 0..84 (85 of them) are wasted
    z = zero_outside(1.0, 3.0, 8)
    assert (z.zp, z.zero_code, z.zero_in_grid) == (128, -128, False)
    assert z.zero_hat_clamped == pytest.approx(128 * 2 / 255)
    assert (z.pt_zero_point, z.pt_zero_hat, z.wasted) == (0, 0.0, 85)
    assert z.pt_scale == pytest.approx(3 / 255, rel=1e-6)
    inside = zero_outside(-1.0, 3.0, 8)
    assert inside.zero_in_grid and inside.zero_hat_clamped == 0.0 and inside.wasted == 0


def test_clamping_by_hand():
    # [-1, 3], 8 bits, x = 4: 4 / (4/255) = 255, code = 255 - (-64) = 319;
    # an 8-bit store wraps to 319 - 256 = 63 -> (63 - 64) * 4/255 = -0.0157;
    # clamped to 255 -> (255 - 64) * 4/255 = 2.99608
    c = clamping(4.0, -1.0, 3.0, 8)
    assert (c.code, c.wrapped, c.clamped, c.fits) == (319, 63, 255, False)
    assert c.x_hat_wrapped == pytest.approx(-4 / 255)
    assert c.x_hat_clamped == pytest.approx(191 * 4 / 255)
    below = clamping(-2.0, -1.0, 3.0, 8)  # -2 / (4/255) = -127.5 -> -128, + 64 = -64
    assert (below.code, below.wrapped, below.clamped) == (-64, 192, 0)
    assert clamping(1.0, -1.0, 3.0, 8).fits


def test_symmetric_ends_full_against_narrow():
    # amax = 3: float32 scale 3/127.5; 3 * (1/scale) = 127.5 exactly in float32 -> 128
    # (half to even) -> clipped to 127: 127 * scale = 2.98824. -3 -> -127.5 -> -128:
    # -128 * 3/127.5 = -3.01176. Both ends sit half a step off the grid.
    full, narrow = symmetric_ends(3.0, 8)
    assert (full.qmin, full.qmax, full.divisor) == (-128, 127, 127.5)
    assert (full.t_pos, full.q_pos, full.t_neg, full.q_neg) == (127.5, 127, -127.5, -128)
    assert full.x_hat_pos == pytest.approx(127 * 3 / 127.5, rel=1e-6)
    assert full.x_hat_neg == pytest.approx(-128 * 3 / 127.5, rel=1e-6)
    # narrow: scale = 3/127, +-3 -> +-127 exactly
    assert (narrow.divisor, narrow.q_pos, narrow.q_neg) == (127.0, 127, -127)
    assert (narrow.x_hat_pos, narrow.x_hat_neg) == (3.0, -3.0)


def test_symmetric_ends_depend_on_the_float32_reciprocal():
    # amax = 1: float32(1/127.5) rounds up, so 1 * (1/scale) = 127.49999 and -1 -> -127:
    # full range never uses -128 here
    full, _ = symmetric_ends(1.0, 8)
    inv = F32(1) / (F32(1) / F32(127.5))
    assert full.t_pos == float(inv) < 127.5
    assert (full.q_pos, full.q_neg) == (127, -127)
    with pytest.raises(ValueError, match="amax must be positive"):
        symmetric_ends(0.0, 8)


# ---------------------------------------------------------------- symmetric rules by toolchain

# Scales printed by torch 2.13.0 and onnxruntime 1.32.0 (repr of the float32 value) for
# [-amax, amax]: MinMaxObserver(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric)
# .calculate_qparams(); FusedMovingAvgObsFakeQuantize(observer=MovingAverageMinMaxObserver,
# quant_min=-2^(b-1), quant_max=2^(b-1)-1, dtype=torch.qint8, qscheme=torch.per_tensor_symmetric)
# after one forward of the two values (the same through torch.fused_moving_avg_obs_fake_quant);
# onnxruntime.quantization.quant_utils.compute_scale_zp(float32(-amax), float32(amax), qmin, qmax,
# symmetric=True) with get_qmin_qmax_for_qType(INT8 / INT16 / INT4, symmetric=True).
# Keys: (amax, bits) -> {rule: scale}. Every zero point printed was 0.
TOOLCHAIN_SCALES = {
    (3.0, 8): {"pytorch_observer": 0.0235294122248888, "pytorch_fused": 0.023622047156095505,
               "onnxruntime": 0.023622047156095505},
    (1.0, 8): {"pytorch_observer": 0.007843137718737125, "pytorch_fused": 0.007874015718698502,
               "onnxruntime": 0.007874015718698502},
    (0.7, 8): {"pytorch_observer": 0.0054901959374547005, "pytorch_fused": 0.005511811003088951,
               "onnxruntime": 0.005511811003088951},
    (1e-4, 8): {"pytorch_observer": 7.843137268537248e-07, "pytorch_fused": 6.0999998822808266e-05,
                "onnxruntime": 7.874015750530816e-07},
    (3.0, 4): {"pytorch_fused": 0.4285714328289032, "onnxruntime": 0.4000000059604645},
    (1e-4, 4): {"pytorch_fused": 6.0999998822808266e-05, "onnxruntime": 1.3333333299669903e-05},
    (3.0, 16): {"pytorch_fused": 9.155552834272385e-05, "onnxruntime": 9.155552834272385e-05},
    (0.7, 16): {"pytorch_fused": 6.0999998822808266e-05, "onnxruntime": 2.136295552190859e-05},
    (1e-4, 16): {"pytorch_fused": 6.0999998822808266e-05, "onnxruntime": 3.0518507720955768e-09},
}


@pytest.mark.parametrize(("amax", "bits"), sorted(TOOLCHAIN_SCALES))
def test_symmetric_rules_equal_the_toolchains_own_numbers(amax, bits):
    rules = {r.key: r for r in symmetric_rules(amax, bits)}
    for key, scale in TOOLCHAIN_SCALES[(amax, bits)].items():
        assert rules[key].scale == scale, key
        assert rules[key].zero_point == 0


def test_symmetric_rules_by_hand_int8():
    # amax = 3, 8 bits. PyTorch's Python observers: 3 / ((127 - -128) / 2) = 3 / 127.5
    # = 0.02352941; +3 lands on 127.5 steps. Fused observer: 3 / 127 = 0.02362205 on -128..127;
    # ONNX Runtime: 2 * 3 / (127 - -127) = 6 / 254 = 3 / 127 on -127..127; TensorRT 3 / 127.
    rules = symmetric_rules(3.0)
    assert tuple(r.key for r in rules) == SYMMETRIC_RULES
    observer, fused, ort, trt = rules
    assert (observer.qmin, observer.qmax, observer.divisor) == (-128, 127, 127.5)
    assert observer.scale == float(F32(3) / F32(127.5))
    assert observer.steps == pytest.approx(127.5, abs=1e-5)
    assert (fused.qmin, fused.qmax, fused.divisor) == (-128, 127, 127.0)
    assert (ort.qmin, ort.qmax, ort.divisor) == (-127, 127, 127.0)
    assert (trt.qmin, trt.qmax, trt.divisor) == (-127, 127, 127.0)
    for rule in (fused, ort, trt):
        assert rule.scale == float(F32(3) / F32(127)) == pytest.approx(0.0236220472)
        assert rule.steps == pytest.approx(127.0, abs=1e-5)


def test_symmetric_rules_where_the_ends_land():
    # +-3 under each rule's parameters: 127.5 steps round to 128 and clip to 127 for the
    # Python observers (x_hat = 127 * 3/127.5 = 2.98824); 127 steps come back as +-3.
    for rule in symmetric_rules(3.0):
        q = quantize(np.array([3.0, -3.0], dtype=F32), rule.qp)
        x_hat = dequantize(q, rule.qp)
        if rule.key == "pytorch_observer":
            assert q.tolist() == [127, -128]
            assert x_hat[0] == pytest.approx(2.98824, abs=1e-5)
        else:
            assert q.tolist() == [127, -127], rule.key
            assert x_hat.tolist() == pytest.approx([3.0, -3.0], abs=1e-6)


def test_symmetric_rules_floors_and_bit_widths():
    # The fused observer floors at 6.1e-5: amax = 1e-4 gives float32(6.1e-5) = 6.0999999e-05,
    # so +amax lands on 1e-4 / 6.1e-5 = 1.64 steps; the Python observer floors at eps = 2^-23.
    fused = {r.key: r for r in symmetric_rules(1e-4)}["pytorch_fused"]
    assert fused.scale == float(F32(FUSED_SCALE_FLOOR))
    assert fused.steps == pytest.approx(1.6393, abs=1e-4)
    observer = {r.key: r for r in symmetric_rules(1e-6, 16)}["pytorch_observer"]
    assert observer.scale == float(F32(EPS))  # 1e-6 / 32767.5 = 3.05e-11 < 2^-23
    # ONNX Runtime quantizes to 4, 8 and 16 bits only; int4 keeps -8..7: 3 / 7.5 = 0.4
    assert "onnxruntime" not in {r.key for r in symmetric_rules(3.0, 6)}
    ort4 = {r.key: r for r in symmetric_rules(3.0, 4)}["onnxruntime"]
    assert (ort4.qmin, ort4.qmax, ort4.divisor) == (-8, 7, 7.5)
    for bad in (0.0, -1.0, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="amax must be positive"):
            symmetric_rules(bad)


@given(st.floats(1e-3, 1e6), st.integers(2, 16))
@settings(max_examples=60, deadline=None)
def test_symmetric_rules_differ_only_by_their_divisor(amax, bits):
    # Away from every floor, scale * divisor = amax up to float32 rounding, for every rule.
    for rule in symmetric_rules(amax, bits):
        if rule.scale in (float(F32(FUSED_SCALE_FLOOR)), float(F32(EPS))):
            continue
        assert rule.scale * rule.divisor == pytest.approx(float(F32(amax)), rel=2e-7), rule.key


def test_edge_case_gallery_uint8():
    by_key = {e.key: e for e in edge_case_gallery(UINT8)}
    assert list(by_key) == list(EDGE_CASES)
    zeros = by_key["all_zeros"]  # range [0, 0]: scale floors at eps = 2^-23, codes all Z = 0
    assert zeros.eps_floor and zeros.scale == EPS and zeros.q == (0, 0, 0, 0) and zeros.exact
    assert zeros.notes_scale is None  # the notes divide by x_max - x_min = 0
    small = by_key["small"]  # [0, 3e-6]: 3e-6 / 255 < eps -> scale = eps = 1.19e-7, yet
    # 1e-6 / eps = 8.39 -> 8, 2e-6 / eps = 16.8 -> 17, 3e-6 / eps = 25.2 -> 25: no collapse
    assert small.eps_floor and small.q == (8, 17, 25)
    tiny = by_key["tiny"]  # 3e-9 / 255 < eps: every value rounds to code 0 and returns 0.0
    assert tiny.eps_floor and tiny.q == (0, 0, 0) and tiny.x_hat == (0.0, 0.0, 0.0)
    assert tiny.max_abs_error == pytest.approx(3e-9)
    const = by_key["constant"]  # [0, 0.5]: 0.5 -> code 255, back exactly
    assert const.q == (255,) * 4 and const.exact and not const.eps_floor
    neg = by_key["constant_negative"]  # [-2, 0]: Z = 255, -2 -> 0
    assert (neg.zero_point, neg.q) == (255, (0, 0, 0))
    assert by_key["all_positive"].notes_scale == pytest.approx(2 / 255)
    assert by_key["all_positive"].q == (85, 170, 255)


def test_edge_case_symmetric_constant_is_not_exact():
    # signed symmetric: 0.5 -> 0.5 * (127.5 / 0.5) = 127.5 (or a hair below) -> 127 at most,
    # 127 * 0.5 / 127.5 = 0.49804: a constant tensor is not reproduced
    const = edge_case("constant", INT8_SYM)
    assert const.q == (127,) * 4 and not const.exact
    assert const.max_abs_error == pytest.approx(0.5 - 127 * 0.5 / 127.5, rel=1e-4)
    with pytest.raises(ValueError, match="key='nope'"):
        edge_case("nope", INT8_SYM)


# ---------------------------------------------------------------- predict, then reveal


def test_zero_trip_by_method():
    notes = zero_trip("notes", 1.0, 3.0, 8)
    assert (notes.code, notes.in_grid, notes.survives) == (-128, False, False)
    pytorch = zero_trip("pytorch", 1.0, 3.0, 8)
    assert (pytorch.code, pytorch.x_hat, pytorch.survives) == (0, 0.0, True)
    # [-1, 3]: zp = -63.75 left fractional: 0.0 -> round(63.75) = 64 -> (64 - 63.75) * 4/255
    unrounded = zero_trip("unrounded", -1.0, 3.0, 8)
    assert unrounded.code == 64 and not unrounded.survives
    assert unrounded.x_hat == pytest.approx(0.25 * 4 / 255)
    with pytest.raises(ValueError, match="method='tflite'"):
        zero_trip("tflite", -1.0, 3.0, 8)


def test_unrounded_zero_point_is_what_the_unrounded_trip_rounds():
    # [-1, 3], 8 bits: s = 4/255, Z = 1 / (4/255) = 255/4 = 63.75 (exact in binary)
    assert unrounded_zero_point(-1.0, 3.0, 8) == 63.75
    # [1, 3] is widened to [0, 3]: Z = 0.0, positive zero
    z = unrounded_zero_point(1.0, 3.0, 8)
    assert z == 0.0 and math.copysign(1.0, z) == 1.0
    # [-0.6, 1.4], 4 bits: s = 2/15, Z = 0.6 * 15 / 2 = 4.5
    assert unrounded_zero_point(-0.6, 1.4, 4) == pytest.approx(4.5)
    trip = zero_trip("unrounded", -1.0, 3.0, 8)
    assert trip.code == round(63.75) == 64
    with pytest.raises(ValueError, match="x_min"):
        unrounded_zero_point(3.0, 1.0, 8)


@settings(max_examples=60, deadline=None)
@given(st.floats(-20, 20), st.floats(0.01, 20), st.integers(2, 16))
def test_pytorch_always_returns_zero_exactly(lo, width, bits):
    trips = {m: zero_trip(m, lo, lo + width, bits) for m in ZERO_METHODS}
    assert trips["pytorch"].survives
    if lo <= 0 <= lo + width:
        assert trips["notes"].survives  # the range holds 0: -zp is in the grid
