"""quantviz.layers: the integer linear layer against PyTorch's (FBGEMM), by hand and by property.

The committed goldens (scripts/make_golden_layers.py, torch 2.13, x86 engine) hold torch's output
codes for each case, on this machine's FBGEMM path (``y``) and with FBGEMM restricted to AVX2
(``y_avx2``: ``vpmaddubsw`` saturates pairs of products in int16).
"""

from __future__ import annotations

import json
import math
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quantviz.layers import (
    count_pair_saturation,
    linear_pipeline,
    multiply_by_quantized_multiplier,
    pair_statistics,
    pair_sums,
    quantize_multiplier,
    quantized_linear,
    requantize_fixed_point,
    rounding_divide_by_pot,
    saturating_rounding_doubling_high_mul,
)
from quantviz.quantize import QParams

F32 = np.float32
GOLDEN = np.load(Path(__file__).parents[1] / "data" / "golden_layers.npz")
META = json.loads(str(GOLDEN["meta"]))
CASES = sorted(META["cases"])


def golden_args(name: str):
    g = lambda f: GOLDEN[f"{name}/{f}"]  # noqa: E731
    per_channel = META["cases"][name]["per_channel"]
    w_scale = g("w_scale")
    w_qp = QParams(w_scale if per_channel else float(w_scale), g("w_zp") if per_channel
                   else int(g("w_zp")), -128, 127)
    bias = g("bias") if META["cases"][name]["bias"] else None
    return (
        g("x_q"), QParams(float(g("x_scale")), int(g("x_zp")), 0, 255), g("w_q"), w_qp, bias,
        QParams(float(g("y_scale")), int(g("y_zp")), 0, 255),
    )


def uint8_qp(scale, zero_point):
    return QParams(scale, zero_point, 0, 255)


def int8_qp(scale, zero_point=0):
    return QParams(scale, zero_point, -128, 127)


# --- goldens ---------------------------------------------------------------------------------


def test_golden_covers_what_the_contract_names():
    cases = META["cases"]
    assert META["engine"] == "x86" and META["torch"].startswith("2.13")
    assert any(c["per_channel"] for c in cases.values())
    assert any(not c["per_channel"] for c in cases.values())
    assert any(c["relu"] for c in cases.values())
    assert any(not c["bias"] for c in cases.values())
    shapes = {GOLDEN[f"{n}/x_q"].shape for n in cases}
    assert (1, 1) in shapes and (3, 7) in shapes and (17, 33) in shapes and (1, 64) in shapes
    relu_inputs = [n for n in cases if "relu_in" in n]
    assert relu_inputs and all(int(GOLDEN[f"{n}/x_zp"]) == 0 for n in relu_inputs)
    zps = {int(GOLDEN[f"{n}/x_zp"]) for n in cases} | {int(GOLDEN[f"{n}/y_zp"]) for n in cases}
    assert {0, 255} <= zps


@pytest.mark.parametrize("name", CASES)
def test_golden_codes_equal_fbgemm(name):
    y = quantized_linear(*golden_args(name), relu=META["cases"][name]["relu"])
    expected = GOLDEN[f"{name}/y"]
    assert y.dtype == np.uint8 and y.shape == expected.shape
    np.testing.assert_array_equal(y, expected)


@pytest.mark.parametrize("name", CASES)
def test_golden_avx2_codes_equal_the_pair_saturation_model(name):
    y = quantized_linear(*golden_args(name), relu=META["cases"][name]["relu"], saturate=True)
    np.testing.assert_array_equal(y, GOLDEN[f"{name}/y_avx2"])


def test_golden_reduce_range_never_saturates_and_full_range_does():
    for g in ("pt", "pc"):
        full, reduced = f"full_range_{g}", f"reduce_range_{g}"
        assert META["cases"][full]["avx2_differs"]
        assert not META["cases"][reduced]["avx2_differs"]
        assert int(GOLDEN[f"{reduced}/x_q"].max()) <= 127
        assert count_pair_saturation(GOLDEN[f"{full}/x_q"], GOLDEN[f"{full}/w_q"]).saturated > 0
        assert count_pair_saturation(GOLDEN[f"{reduced}/x_q"],
                                     GOLDEN[f"{reduced}/w_q"]).saturated == 0


def test_golden_tie_cases_tell_reciprocal_from_division():
    # Per tensor FBGEMM multiplies the bias by fl32(1 / a); per channel it divides by a[j].
    # In each tie case the two round to different codes, so only one rule can pass.
    for name in [n for n in CASES if n.startswith("tie_bias_")]:
        x_q, x_qp, w_q, w_qp, bias, y_qp = golden_args(name)
        a = F32(F32(x_qp.scale) * F32(np.ravel(w_qp.scale)[0]))
        by_rcp = np.rint(F32(bias[0] * F32(F32(1) / a)))
        by_div = np.rint(F32(bias[0] / a))
        assert by_rcp != by_div
        expected = (by_rcp if w_qp.per_tensor else by_div) + 128
        assert int(GOLDEN[f"{name}/y"][0, 0]) == expected


# --- hand-computed references ----------------------------------------------------------------


def test_hand_example_per_tensor():
    # x_q = [3, 4], x_zp = 2; w_q = [5, -7], w_zp = 3:
    # acc = (3-2)(5-3) + (4-2)(-7-3) = 2 - 20 = -18.
    # a = 0.1 * 0.1 = 0.01 (float32), M = a / 0.1 = 0.1; bias 0.05 -> 0.05 / 0.01 = 5 units.
    # v = (-18 + 5) * 0.1 = -1.3 -> rint -1 -> + y_zp 10 = 9.
    y = quantized_linear(np.array([[3, 4]]), uint8_qp(0.1, 2), np.array([[5, -7]]),
                         int8_qp(0.1, 3), np.array([0.05], F32), uint8_qp(0.1, 10))
    assert y.tolist() == [[9]]


def test_hand_example_pipeline_terms():
    # x_q = [[10, 20, 30]], x_zp = 5; w_q = [[1, -2, 3]], w_zp = 2; K = 3.
    # products = 10 - 40 + 90 = 60; row_term = w_zp * sum x = 2 * 60 = 120;
    # col_term = x_zp * sum w = 5 * 2 = 10; const_term = K x_zp w_zp = 3 * 5 * 2 = 30.
    # acc = 60 - 120 - 10 + 30 = -40 = (5)(-1) + (15)(-4) + (25)(1) = -5 - 60 + 25.
    pipe = linear_pipeline(np.array([[10, 20, 30]]), uint8_qp(1.0, 5), np.array([[1, -2, 3]]),
                           int8_qp(1.0, 2), None, uint8_qp(1.0, 100))
    assert int(pipe.products[0, 0]) == 60
    assert int(pipe.row_term[0, 0]) == 120
    assert int(pipe.col_term[0]) == 10
    assert int(pipe.const_term[0]) == 30
    assert int(pipe.acc[0, 0]) == -40
    # |acc| = 40 needs 6 bits plus a sign: 7 bits, 25 bits of int32 to spare.
    assert (pipe.acc_bits, pipe.headroom_bits) == (7, 25)
    assert int(pipe.y_q[0, 0]) == 60  # -40 * 1 + 100
    # worst case: K * max(5, 255 - 5) * max(2 + 128, 127 - 2) = 3 * 250 * 130 = 97,500
    assert pipe.worst_case_acc == 97_500


def test_worst_case_follows_seven_bit_activations():
    # x in [0, 127], x_zp = 100: max(100, 27) = 100; w in [-127, 127], w_zp = 0: 127.
    # K = 4: 4 * 100 * 127 = 50,800.
    pipe = linear_pipeline(np.zeros((1, 4), np.int64), QParams(1.0, 100, 0, 127),
                           np.zeros((1, 4), np.int64), QParams(1.0, 0, -127, 127), None,
                           uint8_qp(1.0, 0))
    assert pipe.worst_case_acc == 50_800


def test_output_rounds_half_to_even():
    # M = 0.5 * 0.25 / 0.25 = 0.5; acc = 1, 3, 5 -> 0.5, 1.5, 2.5 -> 0, 2, 2 (half to even).
    y = quantized_linear(np.array([[1], [3], [5]]), uint8_qp(0.5, 0), np.array([[1]]),
                         int8_qp(0.25), None, uint8_qp(0.25, 0))
    assert y[:, 0].tolist() == [0, 2, 2]


def test_relu_clamps_at_the_output_zero_point():
    # acc = 10 * (-3) = -30, M = 1: v = -30 -> code 100 - 30 = 70 without ReLU, 100 with it.
    args = (np.array([[10]]), uint8_qp(1.0, 0), np.array([[-3]]), int8_qp(1.0), None,
            uint8_qp(1.0, 100))
    assert quantized_linear(*args).tolist() == [[70]]
    assert quantized_linear(*args, relu=True).tolist() == [[100]]


def test_beyond_int32_lands_on_code_zero():
    # 255 * 127 * 2 = 64,770 / 1e-5 = 6.5e9 > 2^31: vcvtps2dq gives -2^31, packed to code 0.
    y = quantized_linear(np.array([[255, 255]]), uint8_qp(1.0, 0), np.array([[127, 127]]),
                         int8_qp(1.0), None, uint8_qp(float(F32(1e-5)), 100))
    assert y.tolist() == [[0]]


def test_pair_saturation_by_hand():
    # 255 * -128 + 255 * -128 = -65,280 -> int16 saturates at -32,768 (error 32,512);
    # 127 * -128 * 2 = -32,512 fits (reduce_range's 7-bit activations).
    w = np.array([[-128, -128]])
    assert pair_sums(np.array([[255, 255]]), w).ravel().tolist() == [-32768]
    assert pair_sums(np.array([[127, 127]]), w).ravel().tolist() == [-32512]
    full = count_pair_saturation(np.array([[255, 255]]), w)
    assert (full.pairs, full.saturated, full.outputs_changed, full.max_acc_error) == (1, 1, 1,
                                                                                      32512)
    assert count_pair_saturation(np.array([[127, 127]]), w).saturated == 0


def test_odd_k_pads_the_last_pair_with_zero():
    # K = 3: pairs (0, 1) and (2, pad): 200*100 + 200*100 = 40,000 -> 32,767; 200*100 = 20,000.
    s = pair_sums(np.array([[200, 200, 200]]), np.array([[100, 100, 100]]))
    assert s.ravel().tolist() == [32767, 20000]


def test_quantize_multiplier_by_hand():
    # 0.5 = 0.5 * 2^0 -> M0 = 0.5 * 2^31 = 2^30, shift 0.
    assert quantize_multiplier(0.5) == (2**30, 0)
    # 0.75 = 0.75 * 2^0 -> M0 = 0.75 * 2^31 = 1,610,612,736.
    assert quantize_multiplier(0.75) == (1610612736, 0)
    # 3 = 0.75 * 2^2.
    assert quantize_multiplier(3.0) == (1610612736, 2)
    # 1 - 2^-40 = frexp 0.99999..., q * 2^31 rounds up to 2^31 -> halved, shift + 1: (2^30, 1).
    assert quantize_multiplier(1 - 2.0**-40) == (2**30, 1)
    assert quantize_multiplier(0.0) == (0, 0)
    assert quantize_multiplier(2.0**-40) == (0, 0)  # shift -39 < -31: flushed to zero


def test_fixed_point_rounds_half_away_where_float_rounds_to_even():
    # M = 0.5 -> (2^30, 0). acc = 5: SRDHM(5, 2^30) = (5 * 2^30 + 2^30) / 2^31 = 3 (2.5 up),
    # float: rint(2.5) = 2. acc = -5: (-5 * 2^30 + 1 - 2^30) / 2^31 = -(3 - 2^-31), truncated
    # to -2 (-2.5 up, towards +infinity); rint(-2.5) = -2 too. acc = 3: 1.5 -> 2 both ways.
    assert multiply_by_quantized_multiplier(np.array([5, -5, 3]), 2**30, 0).tolist() == [3, -2, 2]
    pipe = linear_pipeline(np.array([[1], [3], [5]]), uint8_qp(0.5, 0), np.array([[1]]),
                           int8_qp(0.25), None, uint8_qp(0.25, 0))
    fixed = requantize_fixed_point(pipe)
    assert (int(fixed.m0[0]), int(fixed.shift[0])) == (2**30, 0)
    assert fixed.y_q[:, 0].tolist() == [1, 2, 3]  # 0.5 -> 1, 1.5 -> 2, 2.5 -> 3
    assert pipe.y_q[:, 0].tolist() == [0, 2, 2]
    assert fixed.differ[:, 0].tolist() == [True, False, True]


def test_fixed_point_bias_is_rounded_to_an_integer():
    # bias 0.3 with a = 1 * 1: FBGEMM adds 0.3 in float, TFLite rounds it to 0 first.
    # acc = 1 -> FBGEMM: rint((1 + 0.3) * 0.4)... choose M = 1/2: (1 + 0.3) / 2 = 0.65 -> 1;
    # TFLite: (1 + 0) / 2 = 0.5 -> 1 (away); acc = 0.4 cases: acc = 0 -> 0.15 -> 0 both.
    pipe = linear_pipeline(np.array([[1], [2]]), uint8_qp(1.0, 0), np.array([[1]]),
                           int8_qp(1.0), np.array([0.3], F32), uint8_qp(2.0, 0))
    fixed = requantize_fixed_point(pipe)
    assert fixed.bias_q.tolist() == [0]
    # acc 1: FBGEMM (1.3) * 0.5 = 0.65 -> 1; TFLite 1 * 0.5 = 0.5 -> 1.
    # acc 2: FBGEMM (2.3) * 0.5 = 1.15 -> 1; TFLite 2 * 0.5 = 1 -> 1.
    assert pipe.y_q[:, 0].tolist() == [1, 1] and fixed.y_q[:, 0].tolist() == [1, 1]


@pytest.mark.parametrize(
    "bad, match",
    [
        (dict(x_q=np.array([[1.5]])), "integer codes"),
        (dict(x_q=np.array([[300]])), "outside"),
        (dict(w_q=np.array([[200]])), "outside"),
        (dict(w_q=np.array([1])), "2-D"),
        (dict(x_q=np.array([[1, 2]])), "input features"),
        (dict(bias=np.zeros(3, F32)), "bias has shape"),
        (dict(bias=np.array([np.nan], F32)), "NaN"),
        (dict(x_qp=uint8_qp(0.0, 0)), "positive"),
        (dict(y_qp=uint8_qp(1.0, 256)), "quint8"),
        (dict(w_qp=int8_qp(np.ones(2, F32), np.zeros(2, np.int64))), "per channel"),
        (dict(x_qp=QParams(np.ones(1, F32), np.zeros(1, np.int64), 0, 255)), "per tensor"),
    ],
)
def test_bad_input_raises_value_error(bad, match):
    args = dict(x_q=np.array([[1]]), x_qp=uint8_qp(1.0, 0), w_q=np.array([[1]]),
                w_qp=int8_qp(1.0), bias=None, y_qp=uint8_qp(1.0, 0))
    args.update(bad)
    with pytest.raises(ValueError, match=match):
        quantized_linear(**args)


def test_accumulator_beyond_int32_is_refused():
    # K = 40,000 products of 255 * -128 = -32,640 each: -1.3e9 ... use K such that it overflows.
    k = 70_000  # 70,000 * 255 * 128 = 2.28e9 > 2^31 - 1
    with pytest.raises(ValueError, match="beyond int32"):
        quantized_linear(np.full((1, k), 255), uint8_qp(1.0, 0), np.full((1, k), -128),
                         int8_qp(1.0), None, uint8_qp(1.0, 0))


def test_leading_dimensions_are_kept():
    x = np.random.default_rng(0).integers(0, 256, (2, 3, 5))
    w = np.random.default_rng(1).integers(-128, 128, (4, 5))
    args = (uint8_qp(0.02, 7), w, int8_qp(0.01), None, uint8_qp(0.05, 128))
    y = quantized_linear(x, args[0], *args[1:])
    assert y.shape == (2, 3, 4)
    np.testing.assert_array_equal(y.reshape(6, 4), quantized_linear(x.reshape(6, 5), *args))


# --- properties ------------------------------------------------------------------------------

codes_x = st.integers(0, 255)
codes_w = st.integers(-128, 127)


@st.composite
def layers(draw, max_k=12, max_n=5):
    m, k, n = draw(st.integers(1, 4)), draw(st.integers(1, max_k)), draw(st.integers(1, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x_q = rng.integers(0, 256, (m, k))
    w_q = rng.integers(-128, 128, (n, k))
    x_qp = uint8_qp(float(F32(draw(st.floats(1e-3, 1.0)))), draw(codes_x))
    if draw(st.booleans()):
        w_qp = int8_qp(rng.uniform(1e-3, 0.1, n).astype(F32), rng.integers(-10, 10, n))
    else:
        w_qp = int8_qp(float(F32(draw(st.floats(1e-3, 0.1)))), draw(st.integers(-10, 10)))
    bias = rng.normal(0, 1, n).astype(F32) if draw(st.booleans()) else None
    y_qp = uint8_qp(float(F32(draw(st.floats(1e-3, 2.0)))), draw(codes_x))
    return x_q, x_qp, w_q, w_qp, bias, y_qp


@settings(max_examples=150, deadline=None)
@given(layers())
def test_accumulator_is_the_exact_zero_point_corrected_sum(args):
    x_q, x_qp, w_q, w_qp, bias, y_qp = args
    pipe = linear_pipeline(*args)
    w_zp = np.broadcast_to(np.asarray(w_qp.zero_point), (w_q.shape[0],))
    exact = (x_q - x_qp.zero_point) @ (w_q - w_zp[:, None]).T
    np.testing.assert_array_equal(pipe.acc, exact)
    np.testing.assert_array_equal(
        pipe.acc, pipe.products - pipe.row_term - pipe.col_term + pipe.const_term)


@settings(max_examples=150, deadline=None)
@given(layers())
def test_codes_are_within_one_of_the_exactly_rounded_real_result(args):
    # float32 steps can move a near-tie by one code, never more.
    x_q, x_qp, w_q, w_qp, bias, y_qp = args
    pipe = linear_pipeline(*args)
    a = np.float64(F32(x_qp.scale)) * np.broadcast_to(
        np.asarray(w_qp.scale, np.float64), (w_q.shape[0],))
    b = 0 if bias is None else bias.astype(np.float64)
    real = (pipe.acc * a + b) / float(F32(y_qp.scale))
    ref = np.clip(np.rint(real) + y_qp.zero_point, 0, 255)
    assert np.abs(pipe.y_q.astype(np.int64) - ref).max() <= 1


@settings(max_examples=100, deadline=None)
@given(layers())
def test_relu_is_the_plain_output_clamped_at_the_zero_point(args):
    plain = quantized_linear(*args)
    fused = quantized_linear(*args, relu=True)
    np.testing.assert_array_equal(fused, np.maximum(plain, args[5].zero_point))


@settings(max_examples=100, deadline=None)
@given(layers(max_k=40, max_n=4))
def test_seven_bit_activations_never_saturate(args):
    x_q, *rest = args
    x7 = x_q // 2  # 0..127: the largest pair is 2 * 127 * 128 = 32,512 <= 32,767
    assert count_pair_saturation(x7, rest[1]).saturated == 0
    np.testing.assert_array_equal(quantized_linear(x7, *rest, saturate=True),
                                  quantized_linear(x7, *rest))


@settings(max_examples=200, deadline=None)
@given(st.integers(-(2**31), 2**31 - 1), st.integers(-(2**31), 2**31 - 1))
def test_srdhm_is_the_rounded_doubled_high_half(a, b):
    # gemmlowp: round(a * b / 2^31), ties up (floor(v + 1/2)); only (-2^31)^2 saturates.
    got = int(saturating_rounding_doubling_high_mul(np.array([a]), b)[0])
    if a == b == -(2**31):
        assert got == 2**31 - 1
        return
    exact = Fraction(a * b, 2**31)
    assert got == math.floor(exact + Fraction(1, 2))


def test_srdhm_ties_by_hand():
    # a * b = +-2^30 is +-0.5 after / 2^31: (2^30 + 2^30) / 2^31 = 1;
    # (-2^30 + 1 - 2^30) / 2^31 = -(1 - 2^-31) truncates to 0.
    assert saturating_rounding_doubling_high_mul(np.array([1, -1]), 2**30).tolist() == [1, 0]


@settings(max_examples=200, deadline=None)
@given(st.integers(-(2**31), 2**31 - 1), st.integers(0, 31))
def test_rounding_divide_by_pot_rounds_half_away(x, e):
    exact = Fraction(x, 2**e)
    away = int(abs(exact) + Fraction(1, 2)) * (1 if exact >= 0 else -1)
    assert int(rounding_divide_by_pot(np.array([x]), e)[0]) == away


@settings(max_examples=200, deadline=None)
@given(st.floats(1e-6, 1e3), st.integers(-(2**20), 2**20))
def test_quantized_multiplier_is_close_to_the_real_one(m, x):
    m0, shift = quantize_multiplier(m)
    assert 2**30 <= m0 < 2**31
    assert abs(m0 * 2.0 ** (shift - 31) - m) <= m * 2.0**-30
    got = int(multiply_by_quantized_multiplier(np.array([x]), m0, shift)[0])
    assert abs(got - x * m) <= 1 + abs(x) * m * 2.0**-29


@settings(max_examples=60, deadline=None)
@given(layers())
def test_fixed_point_and_float_requantization_differ_by_at_most_one_code(args):
    pipe = linear_pipeline(*args)
    fixed = requantize_fixed_point(pipe)
    diff = np.abs(fixed.y_q.astype(np.int64) - pipe.y_q.astype(np.int64))
    assert diff.max() <= 1 or args[4] is not None  # a rounded bias can move one more code
    assert diff.max() <= 2
    np.testing.assert_array_equal(fixed.differ, diff != 0)


# --- live comparison with torch --------------------------------------------------------------


def test_live_against_torch_fbgemm():
    torch = pytest.importorskip("torch")
    import torch.ao.nn.quantized.functional as qF

    warnings.filterwarnings("ignore", category=UserWarning)
    torch.backends.quantized.engine = "x86"
    rng = np.random.default_rng(12)
    for trial in range(40):
        m, k, n = int(rng.integers(1, 9)), int(rng.integers(1, 80)), int(rng.integers(1, 20))
        x_q, w_q = rng.integers(0, 256, (m, k)), rng.integers(-128, 128, (n, k))
        xs, xz = float(F32(rng.uniform(1e-3, 0.1))), int(rng.integers(0, 256))
        per_channel = trial % 2 == 1
        ws = rng.uniform(1e-3, 0.05, n).astype(F32) if per_channel else F32(rng.uniform(1e-3,
                                                                                     0.05))
        bias = rng.normal(0, 2, n).astype(F32)
        ys, yz = float(F32(rng.uniform(0.05, 2) * np.sqrt(k) * 0.05)), int(rng.integers(0, 256))
        x_t = torch._make_per_tensor_quantized_tensor(torch.from_numpy(x_q.astype(np.uint8)),
                                                      xs, xz)
        w_i8 = torch.from_numpy(w_q.astype(np.int8))
        if per_channel:
            w_t = torch._make_per_channel_quantized_tensor(
                w_i8, torch.from_numpy(ws.astype(np.float64)), torch.zeros(n, dtype=torch.long),
                0)
            w_qp = int8_qp(ws, np.zeros(n, np.int64))
        else:
            w_t = torch._make_per_tensor_quantized_tensor(w_i8, float(ws), 0)
            w_qp = int8_qp(float(ws))
        expected = qF.linear(x_t, w_t, torch.from_numpy(bias), ys, yz).int_repr().numpy()
        got = quantized_linear(x_q, uint8_qp(xs, xz), w_q, w_qp, bias, uint8_qp(ys, yz))
        np.testing.assert_array_equal(got, expected)


def test_pair_statistics_agree_with_the_plain_model():
    rng = np.random.default_rng(8)
    x_q, w_q = rng.integers(0, 256, (5, 23)), rng.integers(-128, 128, (7, 23))
    stats = pair_statistics(x_q, w_q, bins=64)
    raw = np.pad(x_q, ((0, 0), (0, 1)))[:, None, :].reshape(5, 1, 12, 2)
    w2 = np.pad(w_q, ((0, 0), (0, 1))).reshape(1, 7, 12, 2)
    raw = (raw * w2).sum(axis=-1)  # the unsaturated pair sums
    np.testing.assert_array_equal(stats.counts, np.histogram(raw, bins=stats.edges)[0])
    np.testing.assert_array_equal(stats.products, pair_sums(x_q, w_q).sum(axis=-1))
    assert stats.saturation.saturated == int(((raw < -32768) | (raw > 32767)).sum()) > 0
    # the stage-by-stage pipeline takes the saturated sums and gives the AVX2 codes
    args = (uint8_qp(0.02, 3), w_q, int8_qp(0.01), None, uint8_qp(0.5, 128))
    np.testing.assert_array_equal(
        linear_pipeline(x_q, *args, products=stats.products).y_q,
        quantized_linear(x_q, *args, saturate=True))


def test_chunked_pair_model_equals_one_pass(monkeypatch):
    import quantviz.layers as layers_module

    rng = np.random.default_rng(5)
    x_q, w_q = rng.integers(0, 256, (6, 31)), rng.integers(-128, 128, (9, 31))
    whole = count_pair_saturation(x_q, w_q)
    sums = pair_sums(x_q, w_q).sum(axis=-1)
    monkeypatch.setattr(layers_module, "_PAIR_CHUNK", 40)  # a few channels per chunk
    assert count_pair_saturation(x_q, w_q) == whole
    np.testing.assert_array_equal(layers_module._saturated_products(x_q, w_q), sums)


def test_live_avx2_saturation_against_torch(tmp_path):
    # FBGEMM picks its instruction set once per process: run torch held to AVX2 in a child.
    pytest.importorskip("torch")
    import os
    import subprocess
    import sys

    rng = np.random.default_rng(21)
    x_q, w_q = rng.integers(0, 256, (6, 64)), rng.integers(-128, 128, (10, 64))
    np.savez(tmp_path / "in.npz", x=x_q.astype(np.uint8), w=w_q.astype(np.int8))
    code = (
        "import sys, warnings, numpy as np, torch\n"
        "warnings.filterwarnings('ignore')\n"
        "import torch.ao.nn.quantized.functional as qF\n"
        "torch.backends.quantized.engine = 'x86'\n"
        "d = np.load(sys.argv[1])\n"
        "x = torch._make_per_tensor_quantized_tensor(torch.from_numpy(d['x']), 0.05, 3)\n"
        "w = torch._make_per_tensor_quantized_tensor(torch.from_numpy(d['w']), 0.01, 0)\n"
        "np.save(sys.argv[2], qF.linear(x, w, None, 0.8, 128).int_repr().numpy())\n"
    )
    out = tmp_path / "y.npy"
    env = dict(os.environ, FBGEMM_ENABLE_INSTRUCTIONS="AVX2")
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "in.npz"), str(out)], env=env,
                   check=True, timeout=120)
    args = (uint8_qp(0.05, 3), w_q, int8_qp(0.01), None, uint8_qp(0.8, 128))
    assert count_pair_saturation(x_q, w_q).outputs_changed > 0
    np.testing.assert_array_equal(np.load(out), quantized_linear(x_q, *args, saturate=True))
