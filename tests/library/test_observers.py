"""Tests for quantviz.observers: hand-computed ranges, then properties of every observer."""

from __future__ import annotations

import bisect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quantviz import distributions
from quantviz.metrics import sqnr_db
from quantviz.observers import (
    OBSERVERS,
    EntropyObserver,
    HistogramObserver,
    MinMaxObserver,
    MovingAverageMinMaxObserver,
    MSEObserver,
    PercentileObserver,
    calibrate,
    clipping_mse,
    entropy_histogram,
    entropy_levels,
    fma_f32,
    kl_divergences,
    make_observer,
    torch_histc_f32,
    torch_linspace_f32,
    torch_sum_f32,
    torch_sum_rows_f32,
)
from quantviz.quantize import QuantConfig, compute_qparams, fake_quantize

F32 = np.float32
INT8_SYM = QuantConfig(8, "symmetric", signed=True)
UINT8_AFFINE = QuantConfig(8, "asymmetric", signed=False)


def _all_observers(cfg):
    """One of each, with small settings so that property tests stay fast."""
    return [
        MinMaxObserver(),
        HistogramObserver(bins=64),
        MovingAverageMinMaxObserver(0.3),
        PercentileObserver(99.0, max_samples=200),
        MSEObserver(cfg, n_candidates=20, max_samples=200),
        EntropyObserver(cfg, bins=300, max_samples=200),
    ]


# ---------------------------------------------------------------- hand-computed ranges


def test_minmax_keeps_the_running_extremes():
    obs = MinMaxObserver()
    assert obs.update(np.array([1.0, -2.0, 3.0])) is obs
    obs.update(np.array([[5.0], [0.0]]))
    # min(-2, 0) = -2, max(3, 5) = 5
    assert (obs.x_min, obs.x_max) == (-2.0, 5.0)
    assert obs.history == [(-2.0, 3.0), (-2.0, 5.0)]


def test_moving_average_hand_values():
    obs = MovingAverageMinMaxObserver(averaging_constant=0.5)
    obs.update(np.array([0.0, 4.0]))  # the first batch sets the range: (0, 4)
    obs.update(np.array([-2.0, 8.0]))
    # min: 0 + 0.5 * (-2 - 0) = -1; max: 4 + 0.5 * (8 - 4) = 6
    assert obs.history == [(0.0, 4.0), (-1.0, 6.0)]


def test_moving_average_rounds_to_float32_like_pytorch():
    obs = MovingAverageMinMaxObserver()  # c = 0.01 -> float32 0.0099999998
    obs.update(np.array([0.0, 1.0])).update(np.array([0.0, 2.0]))
    # 1 + 0.01 * (2 - 1) = 1.01 -> nearest float32 1.0099999904632568 (not the float64 1.01)
    assert obs.x_max == float(F32(1.01)) == 1.0099999904632568
    assert obs.x_min == 0.0


def test_moving_average_keeps_the_range_ordered_when_rounding_inverts_it():
    # c = 1: max = 66 + 1 * (1.3501164 - 66); the difference -64.649884 is rounded to float32
    # steps of 2^-17 near 64, so max comes out 1.3501129 while min = 0 + 1 * 1.3501164 is
    # exact: min > max. PyTorch then refuses to compute parameters; we keep the pair ordered.
    obs = MovingAverageMinMaxObserver(1.0)
    obs.update(np.array([66.0, 0.0], F32)).update(np.array([1.3501164], F32))
    assert (obs.x_min, obs.x_max) == (1.3501129150390625, float(F32(1.3501164)))
    assert obs.compute_qparams(UINT8_AFFINE).scale > 0


def test_percentile_hand_values():
    # 0, 1, ..., 10000: P99 sits at index 0.99 * 10000 = 9900 exactly, P1 at index 100.
    obs = PercentileObserver(percentile=99.0).update(np.arange(10_001, dtype=F32))
    assert (obs.x_min, obs.x_max) == (100.0, 9900.0)
    # Split over batches the sample is the same while it fits: same range.
    batched = PercentileObserver(percentile=99.0)
    for part in np.array_split(np.arange(10_001, dtype=F32), 7):
        batched.update(part)
    assert (batched.x_min, batched.x_max) == (100.0, 9900.0)


def test_kl_divergences_hand_values():
    # hist [4, 0, 2, 2], levels 2, candidates i = 2, 3, 4. Bin j < i is in group
    # floor(j * 2 / i); Q spreads each group's total over the group's non-zero bins of hist.
    # i=2: groups [0, 1]; P = [4, 0+2+2] but Q = [4, 0]: P > 0 = Q in bin 1 -> KL = inf.
    # i=3: groups [0, 0, 1] (2/3 -> 0, 4/3 -> 1); P = [4, 0, 2+2] -> [1/2, 0, 1/2];
    #      Q = [4, 0, 2] -> [2/3, 0, 1/3]; KL = 1/2 ln(3/4) + 1/2 ln(3/2) = 1/2 ln(9/8).
    # i=4: groups [0, 0, 1, 1]: Q = [4, 0, 2, 2] = P -> KL = 0.
    candidates, kl = kl_divergences(np.array([4, 0, 2, 2]), levels=2, start=2)
    np.testing.assert_array_equal(candidates, [2, 3, 4])
    assert kl[0] == np.inf
    assert kl[1] == pytest.approx(0.5 * np.log(9 / 8), rel=1e-12)
    assert kl[2] == 0.0


def test_kl_divergences_groups_bins_by_fractions_of_the_candidate():
    # hist [1, 2, 3, 4, 5], levels 2, only i = 5: groups floor(j * 2 / 5) for j = 0..4 are
    # [0, 0, 0, 1, 1] (2.5 bins a group, not whole chunks of 5 // 2 = 2 plus a remainder).
    # Group totals 1+2+3 = 6 and 4+5 = 9 -> Q = [2, 2, 2, 4.5, 4.5] / 15, P = [1..5] / 15:
    # KL = (1 ln(1/2) + 2 ln(2/2) + 3 ln(3/2) + 4 ln(4/4.5) + 5 ln(5/4.5)) / 15.
    candidates, kl = kl_divergences(np.array([1, 2, 3, 4, 5]), levels=2, start=5)
    expected = (np.log(1 / 2) + 3 * np.log(3 / 2) + 4 * np.log(4 / 4.5) + 5 * np.log(5 / 4.5)) / 15
    assert candidates.tolist() == [5]
    assert kl[0] == pytest.approx(expected, rel=1e-12)


def test_kl_divergences_with_outliers_and_an_empty_bin():
    # hist [3, 0, 1, 2, 6], levels 2, candidates i = 3, 4, 5 (12 values in all).
    # i=3: P = [3, 0, 1+2+6] / 12 = [1/4, 0, 3/4]; groups [0, 0, 1]; the empty bin 1 gets no
    #      share of group 0: Q = [3, 0, 1] / 4. KL = 1/4 ln(1/3) + 3/4 ln 3 = 1/2 ln 3.
    # i=4: P = [3, 0, 1, 2+6] / 12; groups [0, 0, 1, 1]: group 1 holds 1+2 = 3 over two
    #      non-zero bins: Q = [3, 0, 1.5, 1.5] / 6 = [1/2, 0, 1/4, 1/4].
    #      KL = 1/4 ln(1/2) + 1/12 ln(1/3) + 2/3 ln(8/3).
    # i=5: groups [0, 0, 0, 1, 1]: group 0 = 3+0+1 = 4 over 2 non-zero bins, group 1 = 8
    #      over 2: Q = [2, 0, 2, 4, 4] / 12, P = [3, 0, 1, 2, 6] / 12.
    #      KL = (3 ln(3/2) + ln(1/2) + 2 ln(2/4) + 6 ln(6/4)) / 12 = 3/4 ln(3/2) - 1/4 ln 2.
    candidates, kl = kl_divergences(np.array([3.0, 0, 1, 2, 6]), levels=2, start=3)
    assert candidates.tolist() == [3, 4, 5]
    np.testing.assert_allclose(kl, [
        0.5 * np.log(3),
        0.25 * np.log(1 / 2) + np.log(1 / 3) / 12 + 2 / 3 * np.log(8 / 3),
        0.75 * np.log(3 / 2) - 0.25 * np.log(2),
    ], rtol=1e-12)


def test_kl_divergences_start_at_bin_128_and_never_past_the_last_bin():
    hist = np.ones(300)
    assert kl_divergences(hist, levels=8)[0].tolist() == list(range(128, 301))
    assert kl_divergences(hist[:50], levels=8)[0].tolist() == [50]  # only the full range


@pytest.mark.parametrize(
    ("hist", "levels", "start", "needle"),
    [
        (np.zeros(4), 2, 1, "positive total"),
        (np.array([1.0, -1.0, 2.0]), 2, 1, "hist"),
        (np.ones((2, 2)), 2, 1, "1-D"),
        (np.array([1.0, np.nan]), 2, 1, "finite"),
        (np.ones(4), 0, 1, "levels must be a positive integer, got 0"),
        (np.ones(4), 2, 1.5, "start must be a positive integer, got 1.5"),
    ],
)
def test_kl_divergences_refuses_bad_input(hist, levels, start, needle):
    with pytest.raises(ValueError, match=needle):
        kl_divergences(hist, levels, start)


def test_entropy_histogram_bins_abs_x_and_flattens_the_zero_spike():
    # 4 bins over [0, 1]: edges 0, 0.25, 0.5, 0.75, 1. |x| = 0 0 0 0 0.3 0.6 1.0 0.1 ->
    # counts [5, 1, 1, 1] (0.1 joins the zeros in bin 0); bin 0 then takes bin 1's count.
    x = np.array([0.0, 0.0, -0.0, 0.0, -0.3, 0.6, 1.0, 0.1])
    hist, edges = entropy_histogram(x, 4, 1.0)
    assert hist.tolist() == [1, 1, 1, 1]
    assert edges.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    with pytest.raises(ValueError, match="bins must be an integer of at least 2, got 1"):
        entropy_histogram(x, 1, 1.0)
    with pytest.raises(ValueError, match="amax must be a positive finite number, got 0.0"):
        entropy_histogram(x, 4, 0.0)


@pytest.mark.parametrize(
    ("cfg", "nonnegative", "levels"),
    [
        (INT8_SYM, False, 128),  # [-T, T] -> codes 0..127 cover [0, T]
        (INT8_SYM, True, 128),  # ReLU: the negative codes are unreachable
        (UINT8_AFFINE, True, 256),  # [0, T] -> all of 0..255
        (UINT8_AFFINE, False, 128),  # zero_point 128: codes 128..255 cover [0, T]
        (QuantConfig(4, "symmetric", signed=True), False, 8),  # [-8, 7]: codes 0..7
    ],
)
def test_entropy_levels(cfg, nonnegative, levels):
    assert entropy_levels(cfg, nonnegative) == levels


def test_clipping_mse_hand_value():
    # uint8 [0, 2.55]: scale = 0.01 (float32). x = [0.004, 1.0, 3.0]: 0.004 -> 0 (error 0.004),
    # 1.0 -> 100 -> 1.0, 3.0 clips to 2.55 (error 0.45): MSE = (0.004^2 + 0.45^2) / 3.
    x = np.array([0.004, 1.0, 3.0], F32)
    got = clipping_mse(x, 0.0, 2.55, UINT8_AFFINE)
    assert got == pytest.approx((0.004**2 + 0.45**2) / 3, rel=1e-5)


# ---------------------------------------------------------------- behaviour


@pytest.mark.parametrize("name", sorted(OBSERVERS))
def test_no_range_before_the_first_update(name):
    obs = make_observer(name, INT8_SYM)
    for attr in ("x_min", "x_max"):
        with pytest.raises(ValueError, match="no data"):
            getattr(obs, attr)
    with pytest.raises(ValueError, match="no data"):
        obs.compute_qparams(INT8_SYM)
    assert obs.history == []


@pytest.mark.parametrize("name", sorted(OBSERVERS))
def test_empty_batches_are_ignored_and_bad_values_refused(name):
    obs = make_observer(name, INT8_SYM)
    obs.update(np.zeros(0, F32))
    assert obs.history == []
    obs.update(np.array([-1.0, 2.0]))
    with pytest.raises(ValueError, match="NaN or infinite"):
        obs.update(np.array([0.0, np.nan]))
    with pytest.raises(ValueError, match="NaN or infinite"):
        obs.update(np.array([np.inf]))
    with pytest.raises(ValueError, match="dtype"):
        obs.update(np.array(["a"]))
    assert len(obs.history) == 1


@pytest.mark.parametrize("name", sorted(OBSERVERS))
def test_compute_qparams_is_the_range_through_the_one_function(name):
    x = np.random.default_rng(1).standard_normal(3000)
    obs = make_observer(name, UINT8_AFFINE).update(x)
    assert obs.compute_qparams(UINT8_AFFINE) == compute_qparams(obs.x_min, obs.x_max,
                                                                UINT8_AFFINE)
    assert obs.x_min == float(F32(obs.x_min)) and obs.x_max == float(F32(obs.x_max))


def test_registry_names_and_calibrate():
    assert set(OBSERVERS) == {"minmax", "moving_average", "percentile", "mse", "entropy",
                              "histogram"}
    # the registry's histogram observer aims at 2^bits levels: PyTorch's 256 at 8 bits
    assert make_observer("histogram", UINT8_AFFINE).dst_nbins == 256
    x = np.random.default_rng(2).standard_normal((40, 50))
    flat = x.ravel()
    obs = MovingAverageMinMaxObserver(0.1)
    for part in np.array_split(flat, 4):
        obs.update(part)
    assert calibrate("moving_average", x, INT8_SYM, batches=4, averaging_constant=0.1) == (
        obs.x_min, obs.x_max)
    assert calibrate("minmax", x, INT8_SYM) == (float(F32(x.min())), float(F32(x.max())))
    with pytest.raises(ValueError, match="'kmeans'"):
        calibrate("kmeans", x, INT8_SYM)
    with pytest.raises(ValueError, match="batches=0"):
        calibrate("minmax", x, INT8_SYM, batches=0)


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda: MovingAverageMinMaxObserver(0.0), "averaging_constant=0.0"),
        (lambda: MovingAverageMinMaxObserver(1.5), "averaging_constant=1.5"),
        (lambda: PercentileObserver(40.0), "percentile=40.0"),
        (lambda: PercentileObserver(max_samples=0), "max_samples"),
        (lambda: MSEObserver(INT8_SYM, n_candidates=0), "n_candidates"),
        (lambda: EntropyObserver(INT8_SYM, bins=1), "bins"),
    ],
)
def test_bad_parameters(make, needle):
    with pytest.raises(ValueError, match=needle):
        make()


def test_sample_is_bounded_uniform_and_seeded():
    def run(seed):
        obs = PercentileObserver(90.0, max_samples=500, seed=seed)
        for b in range(10):
            obs.update(np.arange(b * 1000, (b + 1) * 1000, dtype=F32))
        return obs

    obs = run(0)
    values = obs.sample.values
    assert values.size == 500 and np.unique(values).size == 500
    # Uniform over all 10 batches: 50 expected from each (sd about 6.7).
    per_batch = np.bincount((values // 1000).astype(int), minlength=10)
    assert per_batch.min() > 20 and per_batch.max() < 90
    assert obs.history == run(0).history
    assert obs.history != run(1).history
    # The 90th percentile of 0..9999 is about 9000.
    assert abs(obs.x_max - 9000) < 400


def test_mse_observer_beats_or_ties_minmax_and_shrinks_heavy_tails():
    x = np.random.default_rng(3).standard_t(2, 20_000).astype(F32)
    for cfg in (INT8_SYM, UINT8_AFFINE, QuantConfig(4, "asymmetric", signed=True)):
        obs = MSEObserver(cfg).update(x)
        mse_choice = clipping_mse(x, obs.x_min, obs.x_max, cfg)
        mse_minmax = clipping_mse(x, float(x.min()), float(x.max()), cfg)
        assert mse_choice < mse_minmax
        assert obs.mse_curve.min() == pytest.approx(mse_choice, rel=1e-12)
        assert x.min() < obs.x_min and obs.x_max < x.max()


def test_entropy_clips_heavy_tails_but_not_uniform_data():
    rng = np.random.default_rng(4)
    heavy = rng.standard_t(2, 50_000)
    obs = EntropyObserver(INT8_SYM).update(heavy)
    amax = np.abs(heavy).max()
    assert obs.threshold < 0.5 * amax
    clipped = np.mean((heavy < obs.x_min) | (heavy > obs.x_max))
    assert 0 < clipped < 0.01
    uniform = rng.uniform(-1, 1, 50_000)
    obs = EntropyObserver(INT8_SYM).update(uniform)
    # Flat data has no tail worth cutting: the threshold is within 1% of max|x|.
    assert obs.threshold > 0.99 * np.abs(uniform).max()


@pytest.mark.parametrize(("bits", "bins"), [(16, 2048), (8, 100)])
def test_entropy_keeps_the_range_with_wide_codes_or_few_bins(bits, bins):
    # 16 bits: 32768 levels >= 2048 bins, every bin is its own code. 100 bins: fewer than
    # the first candidate bin (128), so the full range is the only candidate.
    x = np.random.default_rng(5).standard_t(2, 5000)
    obs = EntropyObserver(QuantConfig(bits, "symmetric", signed=True), bins=bins).update(x)
    assert (obs.x_min, obs.x_max) == (float(F32(x.min())), float(F32(x.max())))


def _reference_entropy_amax(hist, edges, levels, start_bin=128):
    """The published search, loop by loop, written apart from ``kl_divergences``.

    TensorRT's legacy entropy calibrator as NVIDIA's pytorch-quantization spells it out: bin 0
    takes bin 1's count; for each candidate ``i`` the bins ``j < i`` are placed into the
    ``levels`` slices of ``[0, i)`` by a sorted search over the slice edges ``k * i / levels``
    (bins where the histogram is empty are left out), each slice's count is shared evenly by
    its bins, the outliers join P's last bin, and ``KL(P || Q)`` is summed in pure Python.
    The last candidate with the least KL wins; the threshold is its upper bin edge.
    """
    h = [int(c) for c in hist]
    h[0] = h[1]
    best_i, best_kl, kls = None, math.inf, []
    for i in range(min(start_bin, len(h)), len(h) + 1):
        slice_edges = [k * i / levels for k in range(levels + 1)]
        group = [bisect.bisect_right(slice_edges, j) - 1 if h[j] else None for j in range(i)]
        totals, counts = [0.0] * levels, [0] * levels
        for j, g in enumerate(group):
            if g is not None:
                totals[g] += h[j]
                counts[g] += 1
        q = [0.0 if g is None else totals[g] / counts[g] for g in group]
        p = h[:i]
        p[-1] += sum(h[i:])
        sum_p, sum_q = sum(p), sum(q)
        kl = 0.0
        for p_j, q_j in zip(p, q, strict=True):
            if p_j:
                kl = math.inf if q_j == 0 else kl + p_j / sum_p * math.log(
                    (p_j / sum_p) / (q_j / sum_q))
        kls.append(kl)
        if kl <= best_kl:
            best_i, best_kl = i, kl
    return float(edges[best_i]), kls


@pytest.mark.parametrize("key", ["normal", "relu", "student_t", "outliers"])
@pytest.mark.parametrize("cfg", [INT8_SYM, UINT8_AFFINE, QuantConfig(4, "symmetric", signed=True)])
def test_entropy_observer_matches_the_reference_search(key, cfg):
    # 512 bins keep the pure-Python reference fast; 20 000 values all fit in the sample.
    x = distributions.sample(key, 20_000, 3)
    obs = EntropyObserver(cfg, bins=512).update(x)
    amax = float(np.abs(x).max())
    hist, edges = np.histogram(np.abs(x), bins=512, range=(0, amax))
    levels = entropy_levels(cfg, nonnegative=bool(x.min() >= 0))
    threshold, kls = _reference_entropy_amax(hist, edges, levels)
    np.testing.assert_allclose(obs.divergences, kls, rtol=1e-9)
    assert obs.threshold == threshold
    t = F32(threshold)
    assert (obs.x_min, obs.x_max) == (float(max(F32(x.min()), -t)), float(min(F32(x.max()), t)))


def _clipped_and_sqnr(x, lo, hi, cfg):
    x_hat = fake_quantize(x, compute_qparams(lo, hi, cfg))
    return float(np.mean((x < lo) | (x > hi))), sqnr_db(x, x_hat)


def test_entropy_threshold_on_normal_data_sits_past_four_sigma_for_8_bits():
    # 100 000 standard normal values (max|x| = 4.46): the search keeps all but the last
    # bins of the tail, T = 4.13 (one value in 10^5 clips), as the reference loop finds too
    # (see the test above, on fewer bins). 4 bits cut deeper, near 3.5 sigma.
    x = distributions.sample("normal", 100_000, 0)
    t8 = EntropyObserver(INT8_SYM).update(x).threshold
    t4 = EntropyObserver(QuantConfig(4, "symmetric", signed=True)).update(x).threshold
    assert 3.9 < t8 < 4.4 < float(np.abs(x).max())
    assert 3.2 < t4 < 3.8
    assert 0 < np.mean(np.abs(x) > t8) < 1e-4


@pytest.mark.parametrize("cfg", [UINT8_AFFINE, INT8_SYM])
def test_entropy_barely_clips_relu_outputs(cfg):
    # Half the values are exact zeros. With that spike in bin 0 the search would clip at
    # half the max (2 % of the values); without it, T = 3.92 of max 4.04 (about 4 values in
    # 10^5 clip) and the SQNR is no worse than MinMax's.
    x = distributions.sample("relu", 100_000, 0)
    obs = EntropyObserver(cfg).update(x)
    assert obs.x_min == 0.0 and obs.x_max > 0.9 * float(x.max())
    clipped, sqnr = _clipped_and_sqnr(x, obs.x_min, obs.x_max, cfg)
    _, sqnr_minmax = _clipped_and_sqnr(x, float(x.min()), float(x.max()), cfg)
    assert 0 < clipped < 1e-3
    assert sqnr >= sqnr_minmax - 0.1


def test_entropy_ignores_exact_zeros():
    # Zeros only ever land in bin 0, whose count is replaced by bin 1's: piling on more
    # zeros leaves the histogram, the divergences and the threshold exactly as they were.
    x = distributions.sample("relu", 20_000, 1)
    more_zeros = np.concatenate([x, np.zeros(60_000, F32)])
    a = EntropyObserver(UINT8_AFFINE).update(x)
    b = EntropyObserver(UINT8_AFFINE).update(more_zeros)
    np.testing.assert_array_equal(a.divergences, b.divergences)
    assert (a.threshold, a.x_min, a.x_max) == (b.threshold, b.x_min, b.x_max)


# ---------------------------------------------------------------- properties

BATCHES = st.lists(
    hnp.arrays(np.float64, st.integers(0, 30),
               elements=st.floats(-1e3, 1e3, allow_nan=False)),
    min_size=1, max_size=4,
)


@settings(max_examples=40, deadline=None)
@given(batches=BATCHES, scheme=st.sampled_from(["asymmetric", "symmetric"]),
       signed=st.booleans())
def test_every_observer_keeps_an_ordered_range_and_one_history_entry_per_update(
        batches, scheme, signed):
    cfg = QuantConfig(8, scheme, signed=signed)
    non_empty = sum(b.size > 0 for b in batches)
    for obs in _all_observers(cfg):
        for b in batches:
            obs.update(b)
        assert len(obs.history) == non_empty
        assert all(lo <= hi for lo, hi in obs.history)
        if non_empty:
            seen = np.concatenate(batches).astype(F32)
            # Every observer's range stays inside the data's range (the moving average up to
            # float32 rounding of its update, a few ulps).
            slack = 4 * 2.0**-23 * float(np.abs(seen).max())
            assert seen.min() - slack <= obs.x_min <= obs.x_max <= seen.max() + slack


@settings(max_examples=80, deadline=None)
@given(batches=BATCHES, c=st.floats(0.001, 1.0))
def test_moving_average_stays_inside_the_running_minmax(batches, c):
    ma, mm = MovingAverageMinMaxObserver(c), MinMaxObserver()
    for b in batches:
        ma.update(b)
        mm.update(b)
    for (lo, hi), (m_lo, m_hi) in zip(ma.history, mm.history, strict=True):
        # An average of batch minima is at least the running minimum; float32 rounding of
        # the update may cross it by a few ulps of the values involved.
        slack = 4 * 2.0**-23 * max(abs(m_lo), abs(m_hi))
        assert m_lo - slack <= lo <= hi <= m_hi + slack


# ---------------------------------------------------------------- PyTorch's HistogramObserver
# (bit-for-bit agreement with torch on many streams: tests/library/test_toolchains.py goldens)

def test_torch_sum_adds_in_torchs_order():
    # below 8 values: four accumulators, ((x0 + x4) + x1) + x2) + x3
    x = np.array([1e8, 1, 1, 1, -1e8], F32)
    # x0 + x4 = 0 exactly, then + 1 + 1 + 1 = 3 (sequential float32 would lose the ones)
    assert torch_sum_f32(x) == 3
    seq = F32(0)
    for v in x:
        seq = F32(seq + v)
    assert seq == 0
    # integer counts below 2^24 add exactly in any order
    counts = np.arange(2048, dtype=F32)
    assert torch_sum_f32(counts) == 2047 * 2048 / 2


def test_fma_rounds_once():
    # 1 + 2^-24 is a float32 tie (rounds to 1); with an extra 2^-60 the exact sum rounds up
    a, b = F32(2.0 ** -24), 1
    assert fma_f32(a, b, F32(1)) == F32(1)
    up = fma_f32(F32(1 + 2.0 ** -23), F32(2.0 ** -24), F32(1))  # exact 1 + 2^-24 + 2^-47
    assert up == np.nextafter(F32(1), F32(2))


def test_linspace_ends_are_exact_and_steps_fused():
    v = torch_linspace_f32(-1.3, 2.9, 2049)
    assert v[0] == F32(-1.3) and v[-1] == F32(2.9) and v.dtype == F32
    assert np.all(np.diff(v) > 0)


def test_histc_bins_like_torch():
    # [0, 4] in 4 bins: 0 -> 0, 1 -> 1, 3.99 -> 3, 4 -> 3 (the last bin holds its right edge)
    h = torch_histc_f32(np.array([0, 1, 3.99, 4, 5], F32), 4, 0.0, 4.0)
    assert h.tolist() == [1, 1, 0, 2]  # 5 lies outside and is not counted
    # one value: edges widen to [c - 1, c + 1], so 0.7 lands in the middle bin
    assert torch_histc_f32(np.array([0.7], F32), 4, 0.7, 0.7).tolist() == [0, 0, 1, 0]


def test_histogram_observer_keeps_constants_and_clips_outliers():
    obs = HistogramObserver().update(np.full(10, 0.7, F32))
    assert (obs.x_min, obs.x_max) == (float(F32(0.7)), float(F32(0.7)))
    x = np.concatenate([np.random.default_rng(0).standard_normal(20000), [60.0]]).astype(F32)
    obs = HistogramObserver().update(x)
    # the search is greedy and stops at the first step that raises its error estimate: here
    # only the last of 2048 bins is dropped and the lone outlier at 60 stays in range
    # (torch 2.13's HistogramObserver gives the same [-4.0232, 59.9687])
    width = (60 - float(x.min())) / 2048
    assert obs.hist_max == F32(60) and obs.x_max == pytest.approx(60 - width, abs=1e-4)
    assert obs.x_min == float(x.min())
    assert obs.histogram.sum() == x.size
    with pytest.raises(ValueError, match="bins"):
        HistogramObserver(bins=0)


def test_histogram_observer_rebins_onto_a_wider_range():
    obs = HistogramObserver(bins=8, upsample_rate=2)
    obs.update(np.array([0.0, 1.0], F32))  # bins of 1/8 over [0, 1]: counts at 0 and 7
    obs.update(np.array([2.0], F32))  # new range [0, 2]: old bins halve into 16 pieces
    # pieces of bin 0 (mid 1/32, 3/32) go to new bin 0; bin 7's (29/32, 31/32) to new bin 3;
    # the new value 2.0 to bin 7
    assert obs.histogram.tolist() == [1, 0, 0, 1, 0, 0, 0, 1]
    assert (obs.hist_min, obs.hist_max) == (0, 2)


def test_histogram_observer_keeps_the_data_range_where_pytorch_overflows():
    # (3.4e38 - (-2)) * 2048 overflows float32: PyTorch's HistogramObserver returns a NaN
    # scale; here the range is the data's min/max and ``overflow`` says why
    obs = HistogramObserver().update(np.array([3.4e38, 1.0, -2.0], F32))
    assert obs.overflow and (obs.x_min, obs.x_max) == (-2.0, float(F32(3.4e38)))
    obs = HistogramObserver().update(np.full(3, 3e38, F32))  # c - 1 == c + 1 in float32
    assert obs.overflow and obs.x_min == obs.x_max == float(F32(3e38))


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(F32, st.tuples(st.integers(1, 5), st.integers(1, 300)),
                  elements=st.floats(-1e6, 1e6, width=32)))
def test_row_sums_are_each_rows_torch_sum(x):
    # side by side as extra lanes, each row adds in torch's order: equal to the row alone
    got = torch_sum_rows_f32(x)
    assert [float(v) for v in got] == [float(torch_sum_f32(row)) for row in x]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_errors_of_many_candidates_equal_each_alone(seed, k):
    rng = np.random.default_rng(seed)
    obs = HistogramObserver().update((rng.standard_normal(3000) * rng.uniform(1e-3, 1e3))
                                     .astype(F32))
    starts = rng.integers(0, obs.bins, k)
    ends = np.minimum(starts + rng.integers(0, obs.bins, k), obs.bins - 1)
    together = obs.quantization_errors(starts, ends)
    assert [float(v) for v in together] == [obs.quantization_error(int(a), int(b))
                                            for a, b in zip(starts, ends, strict=True)]


def test_a_search_whose_errors_vanish_walks_to_pytorchs_end(monkeypatch):
    # values near 1e-30: every cube in the error estimate rounds to 0 in float32, so no
    # candidate's error rises and the search walks to its end; skipping the errors must
    # land where computing them all does (they are 0 or NaN: "norm > norm_min" never holds)
    x = (np.random.default_rng(3).standard_normal(5000) * 1e-30).astype(F32)
    fast = HistogramObserver().update(x)
    assert fast._norms_vanish() and not fast.underflow
    monkeypatch.setattr(HistogramObserver, "_norms_vanish", lambda self: False)
    monkeypatch.setattr(HistogramObserver, "_norms_subnormal", lambda self: False)
    full = HistogramObserver().update(x)
    assert (fast.x_min, fast.x_max) == (full.x_min, full.x_max)
    assert fast.x_max - fast.x_min < float(x.max()) - float(x.min())  # it did move


def test_a_span_whose_errors_are_subnormal_keeps_the_data_range():
    # span about 1e-14: 3 * span lies in [2^-50, 2^-42), so every cube is below 2^-126;
    # the search is skipped and flagged, the range is the data's min/max
    x = (np.random.default_rng(4).standard_normal(5000) * 1e-15).astype(F32)
    obs = HistogramObserver().update(x)
    span = float(x.max()) - float(x.min())
    assert 2.0**-50 <= 3 * span < 2.0**-42
    assert obs.underflow and (obs.x_min, obs.x_max) == (float(x.min()), float(x.max()))
    # a wider batch brings the span back to normal numbers: the flag follows the histogram
    assert not obs.update(np.array([-1.0, 1.0], F32)).underflow


def test_observers_name_values_beyond_float32_instead_of_counting_none():
    # float64 1e300 becomes inf in float32: "2 values beyond float32's range", not "0 NaN"
    with pytest.raises(ValueError, match=r"2 values beyond float32's range.*1e\+300"):
        MinMaxObserver().update(np.array([-1e300, 0.0, 1e300]))
    # float32's largest twice: min + max overflowed the old check; the range is fine
    top = np.full(2, np.finfo(np.float32).max, dtype=np.float32)
    assert MinMaxObserver().update(top).x_max == float(top[0])


def test_the_entropy_histogram_takes_denormals():
    x = np.array([1e-45, 1e-44, 1e-43, 1e-42], dtype=np.float32)
    hist, edges = entropy_histogram(x, 2048, float(x.max()))
    assert len(edges) == 2049 and np.all(np.diff(edges) > 0)
