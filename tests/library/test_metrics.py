"""Tests for quantviz.metrics: hand-computed measures, then agreement and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quantviz.metrics import (
    ErrorSplit,
    bin_edges,
    code_counts,
    code_usage,
    error_split,
    fraction_clipped,
    histogram,
    max_abs_error,
    mse,
    rmse,
    sqnr_db,
    summarize,
    uniform_noise_mse,
)
from quantviz.quantize import (
    QuantConfig,
    channel_minmax,
    compute_qparams,
    dequantize,
    fake_quantize,
    group_minmax,
    quantize,
    saturated,
)

F32 = np.float32
INT8_AFFINE = QuantConfig(8, "asymmetric", signed=True)
INT8_SYM = QuantConfig(8, "symmetric", signed=True)

# errors x - x_hat = [0, -0.5, 0, 1]
X = np.array([1.0, 2.0, 3.0, 4.0])
X_HAT = np.array([1.0, 2.5, 3.0, 3.0])


def test_error_measures_by_hand():
    # MSE = (0 + 0.25 + 0 + 1) / 4 = 0.3125; RMSE = sqrt(0.3125) = 0.5590...
    assert mse(X, X_HAT) == 0.3125
    assert rmse(X, X_HAT) == math.sqrt(0.3125)
    assert max_abs_error(X, X_HAT) == 1.0
    # ||x||^2 = 1 + 4 + 9 + 16 = 30, ||e||^2 = 1.25 -> 10 log10(30 / 1.25) = 10 log10(24)
    assert sqnr_db(X, X_HAT) == pytest.approx(10 * math.log10(24), rel=1e-12)
    assert sqnr_db(X, X_HAT) == pytest.approx(13.8021124, abs=1e-6)


def test_sqnr_edge_cases():
    assert sqnr_db(X, X) == math.inf  # exact
    assert sqnr_db(np.zeros(3), np.zeros(3)) == math.inf  # exact, no signal either
    assert sqnr_db(np.zeros(3), np.array([0.0, 1e-3, 0.0])) == -math.inf  # noise only


def test_error_split_by_hand():
    clipped = np.array([False, False, False, True])
    # clipping: 1^2 / 4 = 0.25; rounding: 0.5^2 / 4 = 0.0625; they add to 0.3125.
    assert fraction_clipped(clipped) == 0.25
    assert error_split(X, X_HAT, clipped) == ErrorSplit(0.0625, 0.25, 0.3125)


def test_uniform_noise_mse():
    # scale 0.1: 0.01 / 12
    assert uniform_noise_mse(0.1) == pytest.approx(0.01 / 12, rel=1e-15)
    np.testing.assert_allclose(uniform_noise_mse(np.array([0.6, 1.2])), [0.03, 0.12])
    with pytest.raises(ValueError, match="-0.1"):
        uniform_noise_mse(-0.1)


def test_code_counts_by_hand():
    counts = code_counts(np.array([0, 0, 3, 255], np.uint8), 0, 255)
    assert counts.dtype == np.int64 and counts.size == 256
    assert (counts[0], counts[3], counts[255], counts.sum()) == (2, 1, 1, 4)
    # int8 codes -128..127: index = code + 128.
    counts = code_counts(np.array([-128, -1, 0, 127, -1], np.int8), -128, 127)
    assert (counts[0], counts[127], counts[128], counts[255], counts.sum()) == (1, 2, 1, 1, 5)
    # Narrow range: -128 is not a code of [-127, 127].
    with pytest.raises(ValueError, match=r"\[-127, 127\]"):
        code_counts(np.array([-128, 5], np.int8), -127, 127)
    with pytest.raises(ValueError, match=r"\[0, 15\]"):
        code_counts(np.array([3, 16], np.int32), 0, 15)
    with pytest.raises(ValueError, match="float"):
        code_counts(np.array([1.0]), 0, 15)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    dtype=st.sampled_from([np.int8, np.uint8, np.int16, np.uint16, np.int32, np.int64]),
)
def test_code_counts_match_a_plain_bincount(data, dtype):
    info = np.iinfo(dtype)
    lo = data.draw(st.integers(max(info.min, -40000), min(info.max, 40000)))
    hi = data.draw(st.integers(lo, min(info.max, lo + 70000)))
    q = data.draw(hnp.arrays(dtype, st.integers(1, 50), elements=st.integers(lo, hi)))
    counts = code_counts(q, lo, hi)
    np.testing.assert_array_equal(counts, np.bincount(q.astype(np.int64) - lo,
                                                      minlength=hi - lo + 1))


def test_code_usage_of_relu_under_signed_symmetric():
    # [0, 6] -> codes 0..127 (see test_quantize): 128 used of 256, 7 effective bits,
    # half the codes unused, the 128 negative ones unreachable.
    x = np.linspace(0, 6, 10_001, dtype=F32)
    qp = compute_qparams(0.0, 6.0, INT8_SYM)
    usage = code_usage(quantize(x, qp), qp, 0.0, 6.0)
    assert (usage.reachable_lo, usage.reachable_hi) == (0, 127)
    assert usage.used == 128 and usage.effective_bits == 7.0
    assert usage.unused_fraction == 0.5 and usage.unreachable == 128
    assert usage.levels == 256 and usage.counts[:128].sum() == 0


def test_code_usage_of_a_single_code():
    qp = compute_qparams(0.0, 0.0, INT8_AFFINE)
    usage = code_usage(quantize(np.zeros(7, F32), qp), qp, 0.0, 0.0)
    # All zeros -> code -128 only: log2(1) = 0 bits; 255 of 256 codes unused.
    assert usage.used == 1 and usage.effective_bits == 0.0
    assert usage.unused_fraction == 1 - 1 / 256
    assert (usage.reachable_lo, usage.reachable_hi, usage.unreachable) == (-128, -128, 255)


def test_histogram_by_hand():
    h = histogram(np.array([0.0, 1.0, 2.0, 3.0]), bins=3)
    # range [0, 3] in 3 bins: [0,1) [1,2) [2,3]: 0 | 1 | 2, 3
    np.testing.assert_array_equal(h.edges, [0, 1, 2, 3])
    np.testing.assert_array_equal(h.counts, [1, 1, 2])
    assert h.counts.dtype == np.int64
    h = histogram(np.array([0.0, 1.0, 2.0, 3.0]), bins=2, value_range=(0.0, 2.0))
    np.testing.assert_array_equal(h.counts, [1, 2])  # 3.0 is outside and left out
    with pytest.raises(ValueError, match="inf"):
        histogram(np.array([0.0, np.inf]))
    with pytest.raises(ValueError, match="bins"):
        histogram(np.ones(3), bins=0)
    with pytest.raises(ValueError, match="empty"):
        histogram(np.zeros(0))


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: mse(np.zeros(3), np.zeros(4)), r"\(4,\)"),
        (lambda: mse(np.zeros(0), np.zeros(0)), "empty"),
        (lambda: fraction_clipped(np.array([0, 1])), "boolean"),
        (lambda: error_split(X, X_HAT, np.array([True])), "4 elements"),
    ],
)
def test_bad_input(call, needle):
    with pytest.raises(ValueError, match=needle):
        call()


def test_summarize_by_hand():
    # int8 affine [-1, 2]: scale 3/255, zp -43 (see test_quantize). x = [-1, 2, 0.5, 3]:
    # codes [-128, 127, -1, 127 (3.0 clipped)]; x_hat = [-1, 2, 42 * scale, 2];
    # errors [0, 0, 0.5 - 42 * 3/255 = 0.00588, 1]: clipping MSE = 1/4.
    qp = compute_qparams(-1.0, 2.0, INT8_AFFINE)
    x = np.array([-1.0, 2.0, 0.5, 3.0], F32)
    q, x_hat, s = summarize(x, qp)
    np.testing.assert_array_equal(q, [-128, 127, -1, 127])
    assert s.fraction_clipped == 0.25
    assert s.split.clipping_mse == 0.25
    e = 0.5 - float(F32(42) * F32(qp.scale))
    assert s.split.rounding_mse == pytest.approx(e * e / 4, rel=1e-12)
    assert s.mse == pytest.approx(0.25 + e * e / 4, rel=1e-12)
    assert s.max_abs_error == 1.0
    assert (s.scale, s.zero_point, s.qmin, s.qmax) == (qp.scale, -43, -128, 127)
    assert s.uniform_noise_mse == pytest.approx(qp.scale**2 / 12)
    # Codes -128, -1, 127 used; the data [-1, 3] reaches codes -128..127.
    assert s.usage.used == 3 and s.usage.unreachable == 0


def _check_summary(x, qp, q, x_hat, s, clipped, x_range):
    np.testing.assert_array_equal(x_hat, dequantize(q, qp, *x_range[2:]))
    assert s.mse == pytest.approx(mse(x, x_hat), rel=1e-12)
    assert s.rmse == pytest.approx(rmse(x, x_hat), rel=1e-12)
    assert s.sqnr_db == pytest.approx(sqnr_db(x, x_hat), rel=1e-12)
    assert s.max_abs_error == max_abs_error(x, x_hat)
    assert s.fraction_clipped == fraction_clipped(clipped)
    split = error_split(x, x_hat, clipped)
    assert s.split.clipping_mse == pytest.approx(split.clipping_mse, rel=1e-12, abs=1e-300)
    assert s.split.rounding_mse + s.split.clipping_mse == pytest.approx(s.mse, rel=1e-12)
    usage = code_usage(q, qp, *x_range[:2])
    np.testing.assert_array_equal(s.usage.counts, usage.counts)
    for field in ("reachable_lo", "reachable_hi", "used", "effective_bits", "unused_fraction",
                  "unreachable"):
        assert getattr(s.usage, field) == getattr(usage, field), field


@settings(max_examples=40, deadline=None)
@given(
    x=hnp.arrays(F32, st.integers(1, 200), elements=st.floats(-100, 100, width=32)),
    bits=st.integers(2, 8),
    scheme=st.sampled_from(["asymmetric", "symmetric"]),
    shrink=st.floats(0.2, 1.0),
)
def test_summarize_agrees_with_the_separate_measures(x, bits, scheme, shrink):
    cfg = QuantConfig(bits, scheme, signed=True)
    qp = compute_qparams(float(x.min()) * shrink, float(x.max()) * shrink, cfg)
    q, x_hat, s = summarize(x, qp)
    np.testing.assert_array_equal(q, quantize(x, qp))
    np.testing.assert_array_equal(x_hat, fake_quantize(x, qp))
    _check_summary(x, qp, q, x_hat, s, saturated(x, qp), (x.min(), x.max()))


def test_summarize_per_channel_and_per_group():
    x = np.random.default_rng(0).standard_normal((6, 32)).astype(F32) * np.arange(1, 7)[:, None]
    lo, hi = channel_minmax(x, 0)
    qp = compute_qparams(lo, hi, INT8_SYM)
    q, x_hat, s = summarize(x, qp, axis=0)
    np.testing.assert_array_equal(q, quantize(x, qp, axis=0))
    _check_summary(x, qp, q, x_hat, s, saturated(x, qp, axis=0), (lo, hi, 0))
    assert s.fraction_clipped == 0.0
    assert s.uniform_noise_mse == pytest.approx(np.mean(qp.scale.astype(np.float64) ** 2) / 12)

    glo, ghi = group_minmax(x, 8)
    qp = compute_qparams(glo, ghi, QuantConfig(4, "asymmetric", signed=False))
    q, x_hat, s = summarize(x, qp, group_size=8)
    np.testing.assert_array_equal(q, quantize(x, qp, group_size=8))
    np.testing.assert_array_equal(x_hat, fake_quantize(x, qp, group_size=8))
    # Every group holds its own min and max, so codes 0 and 15 are both reached.
    assert (s.usage.reachable_lo, s.usage.reachable_hi) == (0, 15)
    assert s.usage.counts[0] > 0 and s.usage.counts[15] > 0


def test_rounding_error_matches_the_uniform_noise_model():
    # Smooth data over many steps, nothing clipped: MSE ~ scale^2 / 12 within a few percent.
    x = np.random.default_rng(1).uniform(-1, 1, 200_000).astype(F32)
    qp = compute_qparams(-1.0, 1.0, QuantConfig(6, "asymmetric", signed=False))
    _, _, s = summarize(x, qp)
    assert s.fraction_clipped == 0.0
    assert s.mse == pytest.approx(s.uniform_noise_mse, rel=0.03)


# --- histograms over any finite range (numpy's "Too many bins for data range") -------------

def test_histogram_of_a_single_float32_step_has_every_bin():
    # [1, 1 + 2^-23] holds two float32 numbers: numpy refuses 120 float32 edges there; the
    # edges are float64 then, the two values land in the first and the last bin.
    x = np.array([1.0, np.nextafter(np.float32(1), np.float32(2))], dtype=np.float32)
    h = histogram(x, 120)
    assert len(h.edges) == 121 and np.all(np.diff(h.edges) > 0)
    assert h.counts[0] == 1 and h.counts[-1] == 1 and h.counts.sum() == 2


def test_histogram_of_denormals_and_of_float32_extremes():
    tiny = np.array([1e-45, 1e-44, 1e-43, 1e-42], dtype=np.float32)
    assert histogram(tiny, 2048, (0.0, 1e-42)).counts.sum() == 3  # float32(1e-42) > 1e-42
    wide = np.array([-3e38, 0.0, 3e38], dtype=np.float32)  # hi - lo = 6e38 overflows float32
    h = histogram(wide, 120)
    assert np.all(np.isfinite(h.edges)) and h.counts.sum() == 3
    top = np.full(2, np.finfo(np.float32).max, dtype=np.float32)  # one value: 0.5 vanishes
    h = histogram(top, 120)
    assert h.counts.sum() == 2 and np.all(np.diff(h.edges) > 0)


def test_histogram_of_a_normal_a_hundred_thousandth_wide():
    x = (10 + 1e-5 * np.random.default_rng(0).standard_normal(100_000)).astype(np.float32)
    h = histogram(x, 120)
    assert h.counts.sum() == x.size


def test_bin_edges_never_form_the_overflowing_span():
    e = bin_edges(-1.7e308, 1.7e308, 4)  # hi - lo = inf in float64
    assert np.all(np.isfinite(e)) and e[0] == -1.7e308 and e[-1] == 1.7e308
    assert len(bin_edges(1.0, np.nextafter(1.0, 2.0), 120)) == 2  # one float64 step: one bin


def test_an_accumulator_over_parts_is_one_pass_bit_for_bit():
    from quantviz.metrics import CHUNK, ErrorAccumulator, error_summary

    rng = np.random.default_rng(5)
    x = rng.standard_normal(3 * CHUNK + 123).astype(np.float32)
    x_hat = (x + rng.standard_normal(x.size).astype(np.float32) * np.float32(0.01))
    acc = ErrorAccumulator()
    for start, stop in [(0, CHUNK), (CHUNK, 3 * CHUNK), (3 * CHUNK, x.size)]:
        acc.add(x[start:stop], x_hat[start:stop])
    assert acc.summary() == error_summary(x, x_hat)  # every float equal, not close


def test_an_accumulator_refuses_a_ragged_part_before_the_last_and_no_part():
    from quantviz.metrics import ErrorAccumulator

    acc = ErrorAccumulator()
    with pytest.raises(ValueError, match="no part"):
        acc.summary()
    acc.add(np.ones(5, np.float32), np.ones(5, np.float32))
    with pytest.raises(ValueError, match="not the last"):
        acc.add(np.ones(5, np.float32), np.ones(5, np.float32))
