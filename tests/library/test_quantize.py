"""Tests for quantviz.quantize: hand-computed references, then properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quantviz.quantize import (
    EPS,
    QuantConfig,
    arithmetic_disagreements,
    channel_minmax,
    code_range,
    compute_qparams,
    dequantize,
    fake_quantize,
    group_minmax,
    integer_dtype,
    notes_qparams,
    quantize,
    saturated,
    unclipped_codes,
    zero_point_forms,
)

F32 = np.float32
INT8_AFFINE = QuantConfig(8, "asymmetric", signed=True)
UINT8_AFFINE = QuantConfig(8, "asymmetric", signed=False)
INT8_SYM = QuantConfig(8, "symmetric", signed=True)
INT8_SYM_NARROW = QuantConfig(8, "symmetric", signed=True, narrow_range=True)


# ---------------------------------------------------------------- integer ranges


@pytest.mark.parametrize(
    ("cfg", "qmin", "qmax", "dtype"),
    [
        (QuantConfig(8, signed=False), 0, 255, np.uint8),  # 2^8 - 1 = 255
        (QuantConfig(8, signed=True), -128, 127, np.int8),  # -2^7 .. 2^7 - 1
        (QuantConfig(8, signed=True, narrow_range=True), -127, 127, np.int8),
        (QuantConfig(4, signed=True), -8, 7, np.int8),  # -2^3 .. 2^3 - 1
        (QuantConfig(4, signed=False, narrow_range=True), 1, 15, np.int8),  # int8 is narrowest
        (QuantConfig(16, signed=False), 0, 65535, np.uint16),
        (QuantConfig(2, signed=True), -2, 1, np.int8),
    ],
)
def test_integer_ranges(cfg, qmin, qmax, dtype):
    assert (cfg.qmin, cfg.qmax, cfg.levels) == (qmin, qmax, qmax - qmin + 1)
    assert cfg.dtype == np.dtype(dtype)


# ---------------------------------------------------------------- hand-computed references


def test_int8_affine_of_minus1_to_2():
    # scale = (2 - (-1)) / (127 - (-128)) = 3/255 -> float32 0x1.818182p-7 = 0.011764706;
    # 1/scale rounds to exactly 85.0 in float32.
    # zero_point = qmin - rint(min/scale) = -128 - rint(-85) = -43.
    qp = compute_qparams(-1.0, 2.0, INT8_AFFINE)
    assert qp.scale == float(F32(3) / F32(255))
    assert qp.zero_point == -43
    assert F32(1) / F32(qp.scale) == F32(85.0)
    x = np.array([-1.0, 2.0, 0.0, 0.5, -0.5, 1.0], dtype=F32)
    # x * 85 = [-85, 170, 0, 42.5, -42.5, 85]; rint (ties to even) = [-85, 170, 0, 42, -42, 85];
    # + zero_point (-43) = [-128, 127, -43, -1, -85, 42].
    q = quantize(x, qp)
    assert q.dtype == np.int8
    np.testing.assert_array_equal(q, [-128, 127, -43, -1, -85, 42])
    # x_hat = (q + 43) * scale: the ends and 0.0 come back exactly; 0.5 -> 42 * 3/255.
    x_hat = dequantize(q, qp)
    assert x_hat.dtype == np.float32
    np.testing.assert_array_equal(x_hat[:3], [-1.0, 2.0, 0.0])
    assert x_hat[3] == F32(42) * F32(qp.scale)


def test_uint8_affine_of_minus1_to_2():
    # Same scale 3/255; zero_point = 0 - rint(-85) = 85 (= -43 + 128, the signed code shifted).
    qp = compute_qparams(-1.0, 2.0, UINT8_AFFINE)
    assert qp.zero_point == 85
    np.testing.assert_array_equal(quantize(np.array([-1, 0, 2], F32), qp), [0, 85, 255])


def test_int8_symmetric_max_on_half_step():
    # scale = 3 / ((127 - (-128)) / 2) = 3/127.5 = 0.023529412 (float32); 1/scale = 42.5 exactly.
    # -3 * 42.5 = -127.5 -> rint -> -128 (even): the negative end is code -128.
    # +3 * 42.5 = +127.5 -> rint -> 128 -> clipped to 127: the positive end saturates.
    qp = compute_qparams(-3.0, 3.0, INT8_SYM)
    assert qp.zero_point == 0
    assert qp.scale == float(F32(3) / F32(127.5))
    x = np.array([-3.0, 3.0], dtype=F32)
    np.testing.assert_array_equal(quantize(x, qp), [-128, 127])
    np.testing.assert_array_equal(saturated(x, qp), [False, True])
    np.testing.assert_array_equal(unclipped_codes(x, qp), [-128.0, 128.0])
    # 127 * scale = 2.9882352 and -128 * scale = -3.0117648: x_hat overshoots on the left.
    np.testing.assert_array_equal(dequantize(quantize(x, qp), qp),
                                  [F32(-128) * F32(qp.scale), F32(127) * F32(qp.scale)])


def test_int8_symmetric_narrow_range():
    # Narrow range divides by (127 - (-127)) / 2 = 127: scale = 3/127, and +-3 -> +-127 exactly.
    qp = compute_qparams(-3.0, 3.0, INT8_SYM_NARROW)
    assert qp.scale == float(F32(3) / F32(127))
    np.testing.assert_array_equal(quantize(np.array([-3, 3], F32), qp), [-127, 127])


def test_relu_under_signed_symmetric_wastes_negative_codes():
    # [0, 6]: amax = 6, scale = 6/127.5 = 0.047058824, 1/scale = 21.25 exactly.
    # 0 -> 0; 6 * 21.25 = 127.5 -> 128 -> 127. Codes -128..-1 (128 of 256) are unreachable.
    qp = compute_qparams(0.0, 6.0, INT8_SYM)
    assert code_range(0.0, 6.0, qp) == (0, 127)
    x = np.linspace(0, 6, 10_001, dtype=F32)
    q = quantize(x, qp)
    assert q.min() == 0 and q.max() == 127
    assert np.unique(q).size == 128  # log2(128) = 7 effective bits out of 8


def test_all_zeros_hits_the_eps_floor():
    # max_pos - min_neg = 0 -> scale = max(0 / 255, eps) = eps = 2^-23;
    # zero_point = qmin - rint(0 / eps) = qmin.
    for cfg, zp in [(UINT8_AFFINE, 0), (INT8_AFFINE, -128), (INT8_SYM, 0)]:
        qp = compute_qparams(0.0, 0.0, cfg)
        assert qp.scale == EPS == 2.0**-23
        assert qp.zero_point == zp
        x = np.zeros(5, dtype=F32)
        np.testing.assert_array_equal(quantize(x, qp), np.full(5, zp))
        np.testing.assert_array_equal(dequantize(quantize(x, qp), qp), x)


def test_constant_tensor():
    # All values 5: the range widens to [0, 5]; scale = 5/255 (1/scale = 51 exactly), zp = 0:
    # 5 * 51 = 255 -> code 255 and back to exactly 5.
    qp = compute_qparams(5.0, 5.0, UINT8_AFFINE)
    assert (qp.scale, qp.zero_point) == (float(F32(5) / F32(255)), 0)
    x = np.full(4, 5.0, dtype=F32)
    np.testing.assert_array_equal(quantize(x, qp), [255] * 4)
    np.testing.assert_array_equal(fake_quantize(x, qp), x)
    # All values -2: range [-2, 0], scale = 2/255, zp = 0 - rint(-2 / scale) = 255 ->
    # -2 maps to code 0 (float32 -2 * (1/scale) = -254.99998, rint -255) and back exactly.
    qp = compute_qparams(-2.0, -2.0, UINT8_AFFINE)
    assert qp.zero_point == 255
    np.testing.assert_array_equal(quantize(np.array([-2.0, 0.0], F32), qp), [0, 255])
    assert dequantize(np.array([0], np.uint8), qp)[0] == F32(-2.0)


def test_positive_data_forces_zero_into_the_range():
    # Data in [1, 3]: PyTorch widens to [0, 3]: scale = 3/255, zp = 0 - rint(0) = 0;
    # 1 -> 1 * 85 = 85, 3 -> 255, 0.0 -> 0 exactly.
    qp = compute_qparams(1.0, 3.0, UINT8_AFFINE)
    assert qp.zero_point == 0 and qp.scale == float(F32(3) / F32(255))
    np.testing.assert_array_equal(quantize(np.array([1, 3, 0], F32), qp), [85, 255, 0])
    # The notes' own formula: scale = (3 - 1) / 255, zp = rint(1 / scale) = rint(127.5) = 128
    # (ties to even), so q(0.0) = round(0 / scale) - zp = -128, outside [0, 255].
    scale, zp = notes_qparams(1.0, 3.0, 8)
    assert scale == 2 / 255
    assert zp == 128.0
    assert not 0 <= round(0.0 / scale) - zp <= 255


def test_notes_qparams_refuses_an_empty_range():
    with pytest.raises(ValueError, match=r"\[2.0, 2.0\]"):
        notes_qparams(2.0, 2.0, 8)


def test_unsigned_symmetric_uses_the_midpoint():
    # Unsigned symmetric: zero_point = (0 + 255) // 2 = 127; scale = 1 / 127.5 = 0.007843138 in
    # float32, whose float32 reciprocal is 127.49999 (not 127.5): so +-1 -> rint(+-127.49999)
    # = +-127, and the codes are 127 - 127 = 0 and 127 + 127 = 254 (code 255 stays unused).
    qp = compute_qparams(-1.0, 1.0, QuantConfig(8, "symmetric", signed=False))
    assert qp.zero_point == 127
    assert F32(1) / F32(qp.scale) == F32(127.49999)
    np.testing.assert_array_equal(quantize(np.array([-1, 0, 1], F32), qp), [0, 127, 254])


def test_four_bit_signed_affine():
    # 4-bit signed: [-8, 7], 15 steps. [-1, 2]: scale = 3/15 = 0.2, zp = -8 - rint(-1/0.2) = -3.
    cfg = QuantConfig(4, "asymmetric", signed=True)
    qp = compute_qparams(-1.0, 2.0, cfg)
    assert qp.zero_point == -3 and qp.scale == float(F32(3) / F32(15))
    # 0.3 / 0.2 = 1.5 (float32: 0.3 * 5.0 = 1.5000001) -> 2 -> -1; 2 -> 10 - 3 = 7.
    np.testing.assert_array_equal(quantize(np.array([0.3, 2.0, -1.0], F32), qp), [-1, 7, -8])


def test_values_beyond_the_range_saturate():
    qp = compute_qparams(-1.0, 2.0, UINT8_AFFINE)
    x = np.array([-5.0, -1.0, 2.0, 7.0, np.inf, -np.inf], dtype=F32)
    np.testing.assert_array_equal(quantize(x, qp), [0, 0, 255, 255, 255, 0])
    np.testing.assert_array_equal(saturated(x, qp), [True, False, False, True, True, True])


def test_nan_input_raises():
    qp = compute_qparams(-1.0, 1.0, UINT8_AFFINE)
    with pytest.raises(ValueError, match="NaN"):
        quantize(np.array([0.0, np.nan], F32), qp)


# ---------------------------------------------------------------- rounding modes


def test_rounding_modes_on_ties():
    # scale 1 (range [-127.5, 127.5] symmetric int8: 127.5/127.5 = 1), so x/scale = x.
    x = np.array([2.5, -2.5, 3.5, 2.7, -2.7, 0.5], dtype=F32)
    expected = {
        "half_even": [2, -2, 4, 3, -3, 0],
        "half_away": [3, -3, 4, 3, -3, 1],
        "floor": [2, -3, 3, 2, -3, 0],
    }
    for rounding, codes in expected.items():
        cfg = QuantConfig(8, "symmetric", signed=True, rounding=rounding)
        qp = compute_qparams(-127.5, 127.5, cfg)
        assert qp.scale == 1.0
        np.testing.assert_array_equal(quantize(x, qp), codes, err_msg=rounding)


def test_stochastic_rounding_is_unbiased_and_seeded():
    cfg = QuantConfig(8, "symmetric", signed=True, rounding="stochastic", seed=7)
    qp = compute_qparams(-127.5, 127.5, cfg)
    x = np.full(20_000, 2.25, dtype=F32)
    q = quantize(x, qp)
    assert set(np.unique(q)) == {2, 3}
    # P(up) = 0.25: the mean is 2.25 within 5 standard errors (sqrt(0.25*0.75/20000) = 0.0031).
    assert abs(q.mean() - 2.25) < 5 * 0.0031
    np.testing.assert_array_equal(q, quantize(x, qp))
    other = quantize(x, compute_qparams(-127.5, 127.5, QuantConfig(
        8, "symmetric", signed=True, rounding="stochastic", seed=8)))
    assert not np.array_equal(q, other)


# ---------------------------------------------------------------- arithmetics


def test_textbook_and_pytorch_disagree_on_ties():
    # Range [0, 1] in uint8: scale = 1/255. At the half steps (k + 0.5)/255 the float32
    # reciprocal-multiply and the float64 division land on different sides of the tie.
    x = np.concatenate([[0.0, 1.0], (np.arange(255) + 0.5) / 255]).astype(F32)
    idx = arithmetic_disagreements(x, UINT8_AFFINE)
    assert idx.size > 0
    textbook = QuantConfig(8, "asymmetric", signed=False, arithmetic="textbook")
    q_pt = quantize(x, compute_qparams(0.0, 1.0, UINT8_AFFINE)).astype(int)
    q_tb = quantize(x, compute_qparams(0.0, 1.0, textbook)).astype(int)
    np.testing.assert_array_equal(np.flatnonzero(q_pt != q_tb), idx)
    assert np.all(np.abs(q_pt[idx] - q_tb[idx]) == 1)
    steps = x[idx].astype(np.float64) * 255
    np.testing.assert_allclose(steps - np.floor(steps), 0.5, atol=1e-4)


def test_no_disagreement_away_from_ties():
    x = np.array([0.0, 1.0, 0.25 / 255, 10.2 / 255], dtype=F32)
    assert arithmetic_disagreements(x, UINT8_AFFINE).size == 0
    assert arithmetic_disagreements(np.zeros(0, F32), UINT8_AFFINE).size == 0


# ---------------------------------------------------------------- zero point forms


def test_zero_point_forms():
    # int8 affine [-1, 2]: scale 3/255, zp -43; notes' zp = +43, AIMET offset = +43,
    # multiplier = 1/scale = 85, input_low = (-128 + 43) * scale = -1, input_high = 2.
    forms = zero_point_forms(compute_qparams(-1.0, 2.0, INT8_AFFINE))
    assert forms.zero_point == -43 and forms.zp_notes == 43 and forms.offset_aimet == 43
    assert forms.multiplier == 85.0
    assert forms.input_low == -1.0 and forms.input_high == 2.0
    assert forms.levels == 256
    per_channel = compute_qparams(np.array([-1.0, -2.0]), np.array([1.0, 2.0]), INT8_AFFINE)
    with pytest.raises(ValueError, match="per-tensor"):
        zero_point_forms(per_channel)


# ---------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda: QuantConfig(bits=1), "bits=1"),
        (lambda: QuantConfig(bits=40), "bits=40"),
        (lambda: QuantConfig(bits=8.0), "8.0"),
        (lambda: QuantConfig(scheme="affine"), "'affine'"),
        (lambda: QuantConfig(rounding="up"), "'up'"),
        (lambda: QuantConfig(arithmetic="fast"), "'fast'"),
        (lambda: QuantConfig(signed="yes"), "'yes'"),
        (lambda: compute_qparams(2.0, 1.0, UINT8_AFFINE), "2.0 > 1.0"),
        (lambda: compute_qparams(float("nan"), 1.0, UINT8_AFFINE), "nan"),
        (lambda: compute_qparams(0.0, float("inf"), UINT8_AFFINE), "inf"),
        (lambda: compute_qparams(np.zeros(2), np.ones(3), UINT8_AFFINE), r"\(3,\)"),
        (lambda: quantize(np.ones((2, 3), F32), compute_qparams(
            np.zeros(2), np.ones(2), UINT8_AFFINE), axis=2), "axis=2"),
        (lambda: quantize(np.ones((2, 3), F32), compute_qparams(
            np.zeros(3), np.ones(3), UINT8_AFFINE), axis=0), "x.shape"),
        (lambda: quantize(np.ones((2, 3), F32), compute_qparams(
            np.zeros(2), np.ones(2), UINT8_AFFINE)), "axis=None"),
        (lambda: group_minmax(np.ones((2, 6)), 4), "group_size=4"),
        (lambda: channel_minmax(np.ones((2, 6)), -3), "axis=-3"),
        (lambda: quantize(np.array(["a"]), compute_qparams(0, 1, UINT8_AFFINE)), "dtype"),
        (lambda: dequantize(np.ones(2, F32), compute_qparams(0, 1, UINT8_AFFINE)), "float32"),
        (lambda: code_range(0, 1, compute_qparams(np.zeros(2), np.ones(2), UINT8_AFFINE)),
         "per-tensor"),
        (lambda: integer_dtype(0, 2**40), str(2**40)),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_value(make, needle):
    with pytest.raises(ValueError, match=needle):
        make()


# ---------------------------------------------------------------- properties

CONFIGS = st.builds(
    QuantConfig,
    bits=st.integers(2, 16),
    scheme=st.sampled_from(["asymmetric", "symmetric"]),
    signed=st.booleans(),
    narrow_range=st.booleans(),
    rounding=st.sampled_from(["half_even", "half_away", "floor"]),
    arithmetic=st.sampled_from(["pytorch", "textbook"]),
)
FLOATS = st.floats(-1e4, 1e4, allow_nan=False, width=32)
ARRAYS = hnp.arrays(F32, st.integers(1, 64), elements=FLOATS)


def _range_of(x):
    return float(x.min()), float(x.max())


@settings(max_examples=150, deadline=None)
@given(x=ARRAYS, cfg=CONFIGS)
def test_codes_stay_in_range_and_zero_round_trips(x, cfg):
    qp = compute_qparams(*_range_of(x), cfg)
    q = quantize(x, qp)
    assert q.dtype == cfg.dtype and q.shape == x.shape
    assert q.min() >= cfg.qmin and q.max() <= cfg.qmax
    zero = np.zeros(1, F32)
    assert dequantize(quantize(zero, qp), qp)[0] == 0.0


@settings(max_examples=150, deadline=None)
@given(x=ARRAYS, cfg=CONFIGS)
def test_error_is_at_most_half_a_step_inside_the_grid(x, cfg):
    qp = compute_qparams(*_range_of(x), cfg)
    inside = x[(x >= qp.x_lo) & (x <= qp.x_hi)]
    x_hat = fake_quantize(inside, qp)
    err = np.abs(inside.astype(np.float64) - x_hat)
    # Half a step, plus float32 rounding of x * (1/scale) and of the product (a few ulps).
    slack = 4 * 2.0**-23 * np.maximum(np.abs(inside), np.abs(x_hat)) + 1e-30
    bound = (1.0 if cfg.rounding == "floor" else 0.5) * qp.scale
    assert np.all(err <= bound * (1 + 2.0**-20) + slack)


@settings(max_examples=150, deadline=None)
@given(x=ARRAYS, cfg=CONFIGS)
def test_quantize_is_monotone(x, cfg):
    qp = compute_qparams(*_range_of(x), cfg)
    q = quantize(np.sort(x), qp).astype(np.int64)
    assert np.all(np.diff(q) >= 0)


@settings(max_examples=60, deadline=None)
@given(
    x=hnp.arrays(F32, st.tuples(st.integers(1, 4), st.integers(1, 5), st.integers(1, 3)),
                 elements=FLOATS),
    axis=st.integers(-3, 2),
    cfg=CONFIGS,
)
def test_per_channel_equals_per_tensor_per_slice(x, axis, cfg):
    lo, hi = channel_minmax(x, axis)
    qp = compute_qparams(lo, hi, cfg)
    q = quantize(x, qp, axis=axis)
    x_hat = dequantize(q, qp, axis=axis)
    for c in range(x.shape[axis]):
        xs = np.take(x, c, axis=axis)
        qp_c = compute_qparams(float(lo[c]), float(hi[c]), cfg)
        np.testing.assert_array_equal(np.take(q, c, axis=axis), quantize(xs, qp_c))
        np.testing.assert_array_equal(np.take(x_hat, c, axis=axis), fake_quantize(xs, qp_c))


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    rows=st.integers(1, 3),
    group_size=st.integers(1, 4),
    n_groups=st.integers(1, 4),
    cfg=CONFIGS,
)
def test_per_group_equals_per_tensor_per_group(data, rows, group_size, n_groups, cfg):
    x = data.draw(hnp.arrays(F32, (rows, group_size * n_groups), elements=FLOATS))
    lo, hi = group_minmax(x, group_size)
    assert lo.shape == (rows, n_groups)
    qp = compute_qparams(lo, hi, cfg)
    q = quantize(x, qp, group_size=group_size)
    x_hat = dequantize(q, qp, group_size=group_size)
    for r in range(rows):
        for g in range(n_groups):
            cols = slice(g * group_size, (g + 1) * group_size)
            qp_g = compute_qparams(float(lo[r, g]), float(hi[r, g]), cfg)
            np.testing.assert_array_equal(q[r, cols], quantize(x[r, cols], qp_g))
            np.testing.assert_array_equal(x_hat[r, cols], fake_quantize(x[r, cols], qp_g))


@settings(max_examples=100, deadline=None)
@given(x=ARRAYS, cfg=CONFIGS)
def test_saturated_marks_exactly_the_clipped_codes(x, cfg):
    # Calibrate on the middle half so that the ends clip.
    lo, hi = np.percentile(x, [25, 75])
    qp = compute_qparams(float(lo), float(hi), cfg)
    t = unclipped_codes(x, qp)
    q = quantize(x, qp)
    clipped = saturated(x, qp)
    np.testing.assert_array_equal(clipped, (t < cfg.qmin) | (t > cfg.qmax))
    np.testing.assert_array_equal(q[~clipped], t[~clipped])


@settings(max_examples=100, deadline=None)
@given(x=ARRAYS, cfg=CONFIGS)
def test_code_range_bounds_every_code(x, cfg):
    lo, hi = _range_of(x)
    qp = compute_qparams(lo, hi, cfg)
    q = quantize(x, qp)
    r_lo, r_hi = code_range(lo, hi, qp)
    assert r_lo == q.min() and r_hi == q.max()


def test_a_range_float32_cannot_scale_is_refused_naming_its_values():
    # [-3e38, 3e38]: both ends finite in float32, but 3e38 - (-3e38) = 6e38 > 3.4028235e38
    with pytest.raises(ValueError, match=r"\[-3e\+38, 3e\+38\] cannot be scaled in float32"):
        compute_qparams(-3e38, 3e38, QuantConfig(8, "asymmetric", signed=False))
    # symmetric: scale = 3e38 / 127.5 = 2.35e36, ends -128 * s = -3.01e38, 127 * s = 2.99e38
    qp = compute_qparams(-3e38, 3e38, QuantConfig(8, "symmetric", signed=True))
    assert np.isfinite(qp.x_lo) and np.isfinite(qp.x_hi)
    # float64 1e300 is beyond float32, the arithmetic's type: named, not "must be finite"
    with pytest.raises(ValueError, match=r"x_max = 1e\+300 is beyond float32's range"):
        compute_qparams(0.0, 1e300, QuantConfig(8))
    # ... but the float64 textbook arithmetic scales it
    qp = compute_qparams(-1e300, 1e300, QuantConfig(8, arithmetic="textbook"))
    assert np.isfinite(qp.scale)


def test_live_pytorch_rounds_half_to_even_and_keeps_float64_channel_scales():
    # rounding.label.half_even; per_channel.cost_note (float64 scales, int64 zero points)
    torch = pytest.importorskip("torch")
    from quantviz.quantize import QParams

    x = np.array([0.5, 1.5, 2.5, 3.5, -0.5, -1.5], np.float32)  # scale 1, Z = 10
    theirs = torch.fake_quantize_per_tensor_affine(torch.from_numpy(x), 1.0, 10, 0, 255)
    ours = quantize(x, QParams(1.0, 10, 0, 255)).astype(np.float32) - 10
    np.testing.assert_array_equal(theirs.numpy(), ours)
    np.testing.assert_array_equal(ours, [0, 2, 2, 4, 0, -2])  # ties to the even integer
    q = torch.quantize_per_channel(torch.ones(2, 3), torch.tensor([0.1, 0.2]),
                                   torch.tensor([0, 0]), 0, torch.qint8)
    assert q.q_per_channel_scales().dtype == torch.float64
    assert q.q_per_channel_zero_points().dtype == torch.int64
