"""Tests for quantviz.studies.sweeps: hand-computed sweep points, curves and streams, then
properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quantviz.distributions import activation_stream, sample
from quantviz.observers import calibrate
from quantviz.quantize import QuantConfig
from quantviz.studies import sweeps
from quantviz.studies.sweeps import SWEEP_SCHEMES, BitSweep, RangeScore

X4 = np.array([0.0, 1.0, 2.0, 3.0], dtype=np.float32)
UINT2 = QuantConfig(2, "asymmetric", signed=False)  # codes 0..3
INT2_SYM = QuantConfig(2, "symmetric", signed=True)  # codes -2..1
ASYM, SYM_S, SYM_U = SWEEP_SCHEMES


# ---------------------------------------------------------------- subsample


def test_subsample_keeps_a_small_tensor_whole_and_flat():
    x = np.arange(12, dtype=np.float64).reshape(3, 4)
    out = sweeps.subsample(x, max_values=12)
    assert out.dtype == np.float32
    assert out.tolist() == list(range(12))


def test_subsample_draws_distinct_values_in_tensor_order():
    x = np.arange(1000, dtype=np.float32)
    out = sweeps.subsample(x, max_values=100, seed=3)
    assert out.size == 100
    assert np.all(np.diff(out) > 0)  # distinct positions, kept in order
    assert np.array_equal(out, sweeps.subsample(x, max_values=100, seed=3))
    assert not np.array_equal(out, sweeps.subsample(x, max_values=100, seed=4))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_subsample_refuses_bad_sizes(bad):
    with pytest.raises(ValueError, match="max_values"):
        sweeps.subsample(np.ones(4), max_values=bad)


def test_subsample_refuses_an_empty_tensor():
    with pytest.raises(ValueError, match="empty"):
        sweeps.subsample(np.zeros(0))


# ---------------------------------------------------------------- score_range


def test_score_range_exact_grid():
    # uint2 on [0, 3]: scale = 3 / 3 = 1, zero_point = 0, every value is a code: no error
    s = sweeps.score_range(X4, UINT2, 0.0, 3.0)
    assert (s.scale, s.zero_point) == (1.0, 0)
    assert s.mse == 0.0 and s.sqnr_db == math.inf
    assert s.codes_used == 4 and s.effective_bits == 2.0
    assert not s.clipping_dominates


def test_score_range_with_clipping_by_hand():
    # uint2 on [0, 1.5]: scale = 1.5 / 3 = 0.5; x / scale = 0, 2, 4, 6 -> codes 0, 2, 3, 3
    # x_hat = 0, 1, 1.5, 1.5; errors 0, 0, 0.5, 1.5; x = 2 and x = 3 clip (4 and 6 > 3)
    s = sweeps.score_range(X4, UINT2, 0.0, 1.5)
    assert s.scale == 0.5
    assert s.rounding_mse == 0.0
    assert s.clipping_mse == pytest.approx((0.25 + 2.25) / 4)  # 0.625
    assert s.fraction_clipped == 0.5
    assert s.codes_used == 3 and s.effective_bits == pytest.approx(math.log2(3))
    # SQNR = 10 log10(sum x^2 / sum err^2) = 10 log10(14 / 2.5)
    assert s.sqnr_db == pytest.approx(10 * math.log10(14 / 2.5))
    assert s.clipping_dominates


def test_sweep_point_full_range_symmetric_by_hand():
    # int2 symmetric, MinMax on [0, 3]: scale = 3 / ((1 - (-2)) / 2) = 2, zero_point 0
    # x / 2 = 0, 0.5, 1, 1.5 -> rint 0, 0 (half to even), 1, 2 -> clip to 1
    # x_hat = 0, 0, 2, 2: rounding error at x = 1 (1^2), clipping at x = 3 (1^2)
    s = sweeps.sweep_point(X4, SYM_S, 2, "minmax")
    assert (s.x_min, s.x_max, s.scale) == (0.0, 3.0, 2.0)
    assert s.rounding_mse == pytest.approx(0.25)
    assert s.clipping_mse == pytest.approx(0.25)
    assert s.mse == pytest.approx(0.5)
    assert not s.clipping_dominates  # equal parts: clipping does not exceed rounding


def test_sweep_config_applies_narrow_to_signed_schemes_only():
    assert sweeps.sweep_config(SYM_S, 8, narrow=True).qmin == -127
    assert sweeps.sweep_config(ASYM, 8, narrow=True).qmin == 0
    assert sweeps.sweep_config(SYM_U, 4).qmax == 15


# ---------------------------------------------------------------- bit sweep


def test_bit_sweep_reports_progress_and_shapes():
    seen = []
    sweep = sweeps.bit_sweep(X4, "minmax", bits=(2, 3), progress=seen.append)
    assert seen == [1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1.0]
    assert sweep.bits == (2, 3) and sweep.n == 4
    assert set(sweep.scores) == {s.key for s in SWEEP_SCHEMES}
    assert sweep.series("symmetric_signed", "mse")[0] == pytest.approx(0.5)
    assert sweep.clipping_dominates("asymmetric") == [False, False]


def test_uniform_data_gains_six_db_per_bit():
    x = sample("uniform", 50_000, 0)
    sweep = sweeps.bit_sweep(x, "minmax", bits=(6, 7, 8, 9, 10), schemes=(ASYM,))
    gains = np.diff(sweep.series("asymmetric", "sqnr_db"))
    assert np.all(np.abs(gains - sweeps.DB_PER_BIT) < 0.2), gains


def test_relu_under_signed_symmetric_loses_one_effective_bit():
    x = sample("relu", 50_000, 0)
    sweep = sweeps.bit_sweep(x, "minmax", bits=(6, 8), schemes=(ASYM, SYM_S))
    asym = np.array(sweep.series("asymmetric", "effective_bits"))
    sym = np.array(sweep.series("symmetric_signed", "effective_bits"))
    assert np.all(np.abs((asym - sym) - 1.0) < 0.1), (asym, sym)
    # and about 6 dB: the step of signed symmetric is twice as wide
    gap = np.array(sweep.series("asymmetric", "sqnr_db")) - sweep.series("symmetric_signed",
                                                                         "sqnr_db")
    assert np.all(np.abs(gap - sweeps.DB_PER_BIT) < 0.5), gap


def test_percentile_calibration_clips_at_high_bit_widths():
    x = sample("normal", 20_000, 0)
    sweep = sweeps.bit_sweep(x, "percentile", (("percentile", 99.0),), bits=(2, 12),
                             schemes=(ASYM,))
    assert sweep.clipping_dominates("asymmetric") == [False, True]


def test_reference_line_by_hand():
    # 40 dB at 8 bits; 20 log10(2) = 6.0206 dB per bit
    line = sweeps.reference_line([7, 8, 9], 8, 40.0)
    assert line == pytest.approx([40 - 6.0206, 40.0, 40 + 6.0206], abs=1e-4)
    with pytest.raises(ValueError, match="anchor_db"):
        sweeps.reference_line([8], 8, math.inf)


def _score(sqnr: float, rounding: float, clipping: float) -> RangeScore:
    return RangeScore(0.0, 1.0, 0.1, 0, rounding + clipping, sqnr, rounding, clipping, 0.0, 2,
                      1.0)


def test_reference_anchor_avoids_clipped_and_exact_points():
    r, c = _score(10.0, 1.0, 0.0), _score(30.0, 0.0, 1.0)
    sweep = BitSweep((6, 7, 8, 9), {"a": (r, r, c, r), "b": (r, r, r, r)}, 10)
    assert sweeps.reference_anchor(sweep, 8) == (7, 10.0)  # 8 clips: the widest below it
    exact = _score(math.inf, 0.0, 0.0)
    sweep = BitSweep((8, 9), {"a": (exact, c), "b": (c, r)}, 10)
    assert sweeps.reference_anchor(sweep, 8) == (9, 10.0)  # first fit of the next scheme
    assert sweeps.reference_anchor(BitSweep((8,), {"a": (c,)}, 10)) is None


# ---------------------------------------------------------------- threshold curve


def test_threshold_range_and_threshold_of():
    assert sweeps.threshold_of(-3.0, 2.0) == 3.0
    assert sweeps.threshold_of(1.0, 2.0) == 2.0  # the range always holds 0
    assert sweeps.threshold_of(-1.0, -0.5) == 1.0
    assert sweeps.threshold_range(0.5, -1.0, 4.0, INT2_SYM) == (-2.0, 2.0)  # T = 0.5 * 4
    assert sweeps.threshold_range(0.5, -1.0, 4.0, UINT2) == (-0.5, 2.0)


def test_threshold_curve_by_hand():
    # alpha 1: [0, 3], exact (see test_score_range_exact_grid); alpha 0.5: [0, 1.5], MSE 0.625
    curve = sweeps.threshold_curve(X4, UINT2, 0.0, 3.0, alphas=np.array([0.5, 1.0]))
    assert curve.thresholds.tolist() == [1.5, 3.0]
    assert curve.clipping_mse == pytest.approx([0.625, 0.0])
    assert curve.rounding_mse == pytest.approx([0.0, 0.0])
    assert curve.total_mse == pytest.approx([0.625, 0.0])
    assert curve.best == 1 and curve.n == 4


def test_threshold_curve_minimum_is_the_mse_observers_choice():
    x = sample("student_t", 20_000, 0)
    cfg = QuantConfig(4, "asymmetric")
    curve = sweeps.threshold_curve(x, cfg, float(x.min()), float(x.max()),
                                   alphas=np.arange(1, 101) / 100)
    chosen = calibrate("mse", x, cfg)
    assert sweeps.threshold_range(curve.alphas[curve.best], float(x.min()), float(x.max()),
                                  cfg) == pytest.approx(chosen)
    # heavy tails at 4 bits: the best threshold clips
    assert curve.clipping_mse[curve.best] > 0


@settings(max_examples=25, deadline=None)
@given(hnp.arrays(np.float32, st.integers(2, 60),
                  elements=st.floats(-100, 100, width=32, allow_subnormal=False)),
       st.sampled_from([QuantConfig(4, "asymmetric"), QuantConfig(3, "symmetric", True)]))
# Found by hypothesis: at alpha 0.1 every 1.0 clips, and "total minus clipped" left -1.5e-16
# of rounding error; the two parts are now summed apart.
@example(np.array([0.0] + [1.0] * 23, np.float32), QuantConfig(4, "asymmetric"))
def test_threshold_curve_parts_add_up(x, cfg):
    curve = sweeps.threshold_curve(x, cfg, float(x.min()), float(x.max()),
                                   alphas=np.array([0.1, 0.5, 1.0]))
    assert curve.rounding_mse + curve.clipping_mse == pytest.approx(curve.total_mse, rel=1e-9,
                                                                    abs=1e-12)
    assert curve.clipping_mse[-1] <= curve.total_mse[-1]
    assert np.all(curve.rounding_mse >= 0) and np.all(curve.clipping_mse >= 0)


def test_threshold_alphas_hold_the_mse_observer_candidates():
    a = sweeps.threshold_alphas()
    assert a[0] == pytest.approx(1e-3) and a[-1] == 1.0
    assert np.all(np.diff(a) > 0)
    assert np.all(np.isin(np.round(np.arange(1, 101) / 100, 12), a))
    with pytest.raises(ValueError, match="smallest"):
        sweeps.threshold_alphas(smallest=0.0)


def test_threshold_curve_refuses_bad_alphas():
    with pytest.raises(ValueError, match="alphas"):
        sweeps.threshold_curve(X4, UINT2, 0.0, 3.0, alphas=np.array([0.0, 1.0]))


def test_focus_cuts_the_flat_left_part():
    # totals 4, 3, 0.5, 0.1: the first below 4 / 4 = 1 is at T = 3, so T starts at 1.5
    curve = sweeps.ThresholdCurve(np.array([0.25, 0.5, 0.75, 1.0]), np.array([1.0, 2.0, 3.0, 4.0]),
                                  np.zeros(4), np.zeros(4), np.array([4.0, 3.0, 0.5, 0.1]), 10)
    (t_lo, t_hi), (m_lo, m_hi) = curve.focus()
    assert (t_lo, t_hi) == pytest.approx((1.5, 4.4))
    assert (m_lo, m_hi) == pytest.approx((0.1 / 30, 8.0))
    exact = sweeps.ThresholdCurve(np.ones(1), np.ones(1), np.zeros(1), np.zeros(1), np.zeros(1), 1)
    assert exact.focus() is None


def test_on_threshold_curve():
    cfg = UINT2
    assert sweeps.on_threshold_curve((-0.5, 2.0), (-1.0, 4.0), cfg)  # alpha = 0.5
    assert not sweeps.on_threshold_curve((-1.0, 2.0), (-1.0, 4.0), cfg)  # only the top moved
    assert sweeps.on_threshold_curve((-1.0, 2.0), (-1.0, 4.0), INT2_SYM)  # symmetric: T only
    assert sweeps.on_threshold_curve((0.0, 0.0), (0.0, 0.0), cfg)


# ---------------------------------------------------------------- stream


def test_stream_ranges_by_hand():
    batches = [np.array([0.0, 1.0]), np.array([0.0, 3.0]), np.zeros(0), np.array([0.0, 1.0])]
    sr = sweeps.stream_ranges(batches, averaging_constant=0.5)
    assert sr.batch_max.tolist() == [1.0, 3.0, 1.0]  # the empty batch is skipped
    assert sr.minmax_max.tolist() == [1.0, 3.0, 3.0]  # MinMax keeps the spike
    # moving: 1; 1 + 0.5 * (3 - 1) = 2; 2 + 0.5 * (1 - 2) = 1.5
    assert sr.moving_max.tolist() == [1.0, 2.0, 1.5]
    assert sr.minmax_min.tolist() == sr.moving_min.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="no values"):
        sweeps.stream_ranges([np.zeros(0)], 0.5)


def test_moving_average_forgets_spikes_that_minmax_keeps():
    batches = activation_stream(n_batches=40, batch_size=512, drift=0.0, spike_prob=0.2, seed=1)
    sr = sweeps.stream_ranges(batches, averaging_constant=0.1)
    assert np.all(np.diff(sr.minmax_max) >= 0)
    assert sr.minmax_max[-1] == pytest.approx(sr.batch_max.max())
    assert sr.moving_max[-1] < 0.6 * sr.minmax_max[-1]


# -- the entropy calibrator along the bits ----------------------------------------------------


def test_entropy_sqnr_falls_then_jumps_where_its_codes_reach_the_bins():
    # 100,000 standard normal values, asymmetric uint: levels = 2^(bits - 1) codes over
    # [0, T]; 2^11 = 2048 = the histogram's bins at 12 bits, so from 12 bits nothing is cut.
    x = sample("normal", 100_000, 0)
    asym = SWEEP_SCHEMES[0]
    sweep = sweeps.bit_sweep(x, "entropy", bits=(9, 10, 11, 12, 13), schemes=(asym,))
    found = sweeps.entropy_bits(sweep, x, schemes=(asym,))["asymmetric"]
    sqnr = sweep.series("asymmetric", "sqnr_db")
    assert found.full_bits == 12 and found.levels == 2048
    assert found.jump == (sqnr[2], sqnr[3])
    assert found.drops == ((11, sqnr[1], sqnr[2]),)
    assert sqnr[2] < sqnr[1] < sqnr[3]  # 11 bits below 10 bits, 12 bits above both
    # From 12 bits the range is MinMax's: the same score.
    minmax = sweeps.sweep_point(x, asym, 12, "minmax")
    assert sweep.scores["asymmetric"][3] == minmax


def test_entropy_bits_counts_the_codes_of_nonnegative_data_and_monotone_sweeps():
    relu = sample("relu", 5000, 0)
    sym_s = SWEEP_SCHEMES[1]
    sweep = sweeps.bit_sweep(relu, "entropy", bits=(11, 12, 13), schemes=(sym_s,))
    found = sweeps.entropy_bits(sweep, relu, schemes=(sym_s,))["symmetric_signed"]
    # signed symmetric on [0, T]: 2^(bits - 1) codes, 2048 from 12 bits.
    assert (found.full_bits, found.levels) == (12, 2048)
    # No width reaches 2048 codes: no jump; a sweep whose SQNR only rises: no drops.
    minmax = sweeps.bit_sweep(relu, "minmax", bits=(2, 3, 4), schemes=(sym_s,))
    found = sweeps.entropy_bits(minmax, relu, schemes=(sym_s,))["symmetric_signed"]
    assert found == sweeps.EntropyBits(None, None, None, ())


@pytest.mark.parametrize("key", ["normal", "laplace", "student_t"])
def test_mse_calibration_clips_less_as_bits_grow(key):
    # The Bits page says so: MSE searches its range again at every width, and the finer the
    # step the less clipping pays; its clipping error falls (Percentile's stays put).
    x = sample(key, 20_000, 0)
    asym = SWEEP_SCHEMES[0]
    mse = sweeps.bit_sweep(x, "mse", bits=(3, 5, 7, 9, 11), schemes=(asym,))
    clip = mse.series("asymmetric", "clipping_mse")
    assert all(b <= a for a, b in zip(clip, clip[1:], strict=False)) and clip[-1] < clip[0]
    pct = sweeps.bit_sweep(x, "percentile", bits=(7, 11), schemes=(asym,))
    at7, at11 = pct.series("asymmetric", "clipping_mse")
    assert at11 > 0 and at11 == pytest.approx(at7, rel=0.05)


CURVE_CONFIGS = [QuantConfig(), QuantConfig(bits=4, scheme="symmetric", signed=True),
                 QuantConfig(bits=3, scheme="symmetric", signed=False, narrow_range=True),
                 QuantConfig(bits=16, arithmetic="textbook", rounding="half_away"),
                 QuantConfig(bits=6, arithmetic="onnxruntime", signed=True)]
CURVE_TENSORS = {"outliers": lambda: sample("outliers", 20_000, 3),
                 "relu": lambda: sample("relu", 5_000, 1),
                 "negative": lambda: -np.abs(sample("laplace", 5_000, 2)),
                 "zeros": lambda: np.zeros(300, np.float32),
                 "constant": lambda: np.full(300, -2.5, np.float32)}


@pytest.mark.parametrize("cfg", CURVE_CONFIGS, ids=str)
@pytest.mark.parametrize("name", list(CURVE_TENSORS))
def test_threshold_curve_is_score_range_at_every_threshold(cfg, name):
    # The sweep computes every candidate's scale and zero point in one array call and takes
    # only the MSE split of each range; each point must be score_range's of that range alone,
    # exactly, degenerate ranges (all zeros, one value) included.
    x = CURVE_TENSORS[name]()
    lo, hi = float(x.min()), float(x.max())
    curve = sweeps.threshold_curve(x, cfg, lo, hi)
    for i, alpha in enumerate(curve.alphas):
        score = sweeps.score_range(x, cfg, *sweeps.threshold_range(float(alpha), lo, hi, cfg))
        assert curve.rounding_mse[i] == score.rounding_mse
        assert curve.clipping_mse[i] == score.clipping_mse
        assert curve.total_mse[i] == score.mse


@settings(max_examples=200, deadline=None)
@given(alphas=hnp.arrays(np.float64, st.integers(1, 20),
                         elements=st.floats(1e-6, 1.0, exclude_min=False)),
       x_min=st.floats(-1e30, 1e30), x_max=st.floats(-1e30, 1e30),
       symmetric=st.booleans())
@example(alphas=np.array([1e-3, 0.5, 1.0]), x_min=0.0, x_max=0.0, symmetric=False)
def test_threshold_ranges_are_threshold_range_elementwise(alphas, x_min, x_max, symmetric):
    cfg = QuantConfig(scheme="symmetric" if symmetric else "asymmetric", signed=symmetric)
    lo, hi = sweeps.threshold_ranges(alphas, min(x_min, x_max), max(x_min, x_max), cfg)
    for i, alpha in enumerate(alphas):
        one = sweeps.threshold_range(float(alpha), min(x_min, x_max), max(x_min, x_max), cfg)
        assert (float(lo[i]), float(hi[i])) == one


# -- the difference chart of the Bits page --------------------------------------------------

def test_relu_symmetric_step_is_twice_asymmetric_and_costs_about_one_bit():
    # x = [0, 1, 2, 3, 4] at 8 bits: asymmetric scale = 4/255; symmetric signed
    # scale = 4/127.5 = 2 * 4/255, so ratio 2 and -20 log10(2) = -6.02 dB predicted
    x = np.arange(5, dtype=np.float32)
    sweep = sweeps.bit_sweep(x, "minmax", bits=(8,))
    g = sweeps.scheme_gap(sweep, "symmetric_signed", 8)
    assert g.ratio == pytest.approx(2.0) and g.predicted_db == pytest.approx(-6.0206, abs=1e-4)
    assert (g.x_min, g.x_max, g.base_x_min, g.base_x_max) == (0.0, 4.0, 0.0, 4.0)
    i = sweep.scores
    assert g.gap_db == pytest.approx(i["symmetric_signed"][0].sqnr_db - i["asymmetric"][0].sqnr_db)
    assert sweeps.sqnr_gap(sweep, "asymmetric") == [0.0]
    with pytest.raises(ValueError, match="bits=9"):
        sweeps.scheme_gap(sweep, "symmetric_signed", 9)


def test_two_exact_schemes_differ_by_zero_not_nan():
    # inf - inf would be nan: two exact reconstructions are no difference
    exact = _score(math.inf, 0.0, 0.0)
    sweep = BitSweep((8,), {"asymmetric": (exact,), "b": (exact,)}, 1)
    assert sweeps.sqnr_gap(sweep, "b") == [0.0]


def test_gap_range_spans_at_least_one_db_and_pads_five_percent():
    # gaps -0.43..0 -> [-1, 0] (one dB), padded by 0.05: (-1.05, 0.05)
    assert sweeps.gap_range([[0.0, 0.0], [-0.43, -0.3]]) == pytest.approx((-1.05, 0.05))
    # gaps -6.02..0.5: span 6.52, padded by 0.326
    assert sweeps.gap_range([[-6.02, 0.5, math.nan]]) == pytest.approx((-6.346, 0.826))


def test_scheme_gap_names_the_ranges_and_steps_the_grids_really_span():
    # x = [1, 2, 3]: asymmetric spans [min(1, 0), max(3, 0)] = [0, 3] (not [x_min, x_max] =
    # [1, 3]) in 255 steps: scale 3/255; symmetric signed spans ±3 in 255 steps: 6/255.
    # Ratio (6/255) / (3/255) = 2, which [1, 3] would not explain (6/2 = 3)
    x = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    g = sweeps.scheme_gap(sweeps.bit_sweep(x, "minmax", bits=(8,)), "symmetric_signed", 8)
    assert (g.base_x_min, g.base_lo, g.base_hi, g.amax) == (1.0, 0.0, 3.0, 3.0)
    assert (g.steps, g.base_steps) == (255, 255) and g.ratio == pytest.approx(2.0)
    # narrow signed: 254 steps over ±3: ratio (6/254) / (3/255) = 255/127 = 2.00787
    sweep = sweeps.bit_sweep(x, "minmax", bits=(8,), narrow=True)
    g = sweeps.scheme_gap(sweep, "symmetric_signed", 8, narrow=True)
    assert (g.steps, g.base_steps) == (254, 255)
    assert g.ratio == pytest.approx((2 * g.amax / g.steps) / ((g.base_hi - g.base_lo) / 255),
                                    rel=1e-6)
    assert g.ratio == pytest.approx(255 / 127, rel=1e-6)
