"""Tests for quantviz.distributions: determinism, shapes, each distribution's defining property,
the uneven weight matrix, the activation stream, and validation."""

from __future__ import annotations

import inspect
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from quantviz.distributions import (
    DISTRIBUTIONS,
    MAX_ELEMENTS,
    OUTLIER_CHANNEL_EVERY,
    STREAM_PARAMS,
    WEIGHT_PARAMS,
    Distribution,
    Param,
    activation_stream,
    get_distribution,
    sample,
    weight_matrix,
)

KEYS = list(DISTRIBUTIONS)
ONE_D = [k for k in KEYS if DISTRIBUTIONS[k].ndim == 1]
N = 200_000


def excess_kurtosis(x: np.ndarray) -> float:
    """m4 / m2^2 - 3 (0 for a normal)."""
    d = x.astype(np.float64) - x.mean(dtype=np.float64)
    m2 = np.mean(d**2)
    return float(np.mean(d**4) / m2**2 - 3.0)


# -- the registry ------------------------------------------------------------------------------


def test_registry_holds_the_lesson_distributions_under_their_keys():
    assert set(KEYS) == {
        "normal", "uniform", "laplace", "relu", "student_t", "lognormal", "bimodal",
        "outliers", "all_positive", "uneven_channels",
    }
    for key, dist in DISTRIBUTIONS.items():
        assert isinstance(dist, Distribution)
        assert dist.key == key
        assert get_distribution(key) is dist


@pytest.mark.parametrize("key", KEYS)
def test_text_is_one_english_line(key):
    dist = DISTRIBUTIONS[key]
    for text in (dist.label, dist.description, *(p.label for p in dist.params)):
        assert text and text.isascii() and "\n" not in text


@pytest.mark.parametrize("key", KEYS)
def test_params_are_unique_and_defaults_pass_their_own_check(key):
    dist = DISTRIBUTIONS[key]
    names = [p.name for p in dist.params]
    assert len(names) == len(set(names))
    assert dist.check({}) == dist.defaults()


def test_param_refuses_a_default_outside_its_range_a_bad_kind_and_a_zero_step():
    with pytest.raises(ValueError, match=r"default=5"):
        Param("a", "a", 5, 0, 1, 0.1)
    with pytest.raises(ValueError, match=r"kind='complex'"):
        Param("a", "a", 0.5, 0, 1, 0.1, "complex")
    with pytest.raises(ValueError, match=r"step=0"):
        Param("a", "a", 0.5, 0, 1, 0)


# -- determinism, shape, dtype ---------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_same_seed_same_values_other_seed_other_values(key):
    a = sample(key, 5000, seed=7)
    b = sample(key, 5000, seed=7)
    c = sample(key, 5000, seed=8)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("key", KEYS)
def test_params_change_the_values(key):
    dist = DISTRIBUTIONS[key]
    p = dist.params[-1]
    other = p.max if p.default != p.max else p.min
    a = sample(key, 5000, seed=3)
    b = sample(key, 5000, seed=3, **{p.name: other})
    assert a.shape != b.shape or not np.array_equal(a, b)


@pytest.mark.parametrize("key", ONE_D)
def test_one_d_samples_are_float32_of_length_n(key):
    for n in (1, 2, 999):
        x = sample(key, n, seed=0)
        assert x.dtype == np.float32
        assert x.shape == (n,)


def test_numpy_integers_are_accepted_for_n_and_seed():
    assert np.array_equal(sample("normal", np.int64(10), np.int32(4)), sample("normal", 10, 4))


# -- defining properties -------------------------------------------------------------------


def test_normal_mean_and_std():
    x = sample("normal", N, seed=1, mean=3.0, std=2.0).astype(np.float64)
    # standard error of the mean: 2 / sqrt(200_000) = 0.00447; allow 5 of them = 0.0224
    assert abs(x.mean() - 3.0) < 0.0224
    # standard error of the std: 2 / sqrt(2 * 200_000) = 0.00316; 5 of them = 0.0158
    assert abs(x.std() - 2.0) < 0.0158
    assert abs(excess_kurtosis(x)) < 0.06  # SE sqrt(24 / 200_000) = 0.011


def test_normal_with_std_zero_is_a_constant_tensor():
    x = sample("normal", 1000, seed=0, mean=1.5, std=0.0)
    assert np.all(x == np.float32(1.5))


def test_uniform_stays_within_bounds_and_reaches_both_ends():
    x = sample("uniform", N, seed=2, low=-0.5, high=2.0)
    assert x.min() >= np.float32(-0.5) and x.max() <= np.float32(2.0)
    # width 2.5; the chance that no value falls in the last 0.001 is (1 - 0.0004)^200_000 ~ e^-80
    assert x.min() < -0.499 and x.max() > 1.999
    # mean (low + high) / 2 = 0.75, SE 2.5 / sqrt(12 * 200_000) = 0.0016; 5 SE = 0.008
    assert abs(x.mean(dtype=np.float64) - 0.75) < 0.008


def test_laplace_mean_absolute_deviation_is_the_scale():
    x = sample("laplace", N, seed=3, loc=1.0, scale=0.5).astype(np.float64)
    # E|x - loc| = scale = 0.5; the SD of |x - loc| is also 0.5, SE 0.5 / sqrt(200_000) = 0.0011
    assert abs(np.mean(np.abs(x - 1.0)) - 0.5) < 0.0056
    assert abs(np.median(x) - 1.0) < 0.01
    # excess kurtosis of a Laplace is 3
    assert 2.5 < excess_kurtosis(x) < 3.5


def test_relu_has_no_negatives_and_about_half_zeros():
    x = sample("relu", N, seed=4)
    assert x.min() == 0.0
    zeros = np.mean(x == 0)
    # P(z <= 0) = 1/2; SE sqrt(0.25 / 200_000) = 0.00112; 5 SE = 0.0056
    assert abs(zeros - 0.5) < 0.0056


def test_relu_of_zero_std_is_all_zeros():
    assert np.all(sample("relu", 100, seed=0, mean=0.0, std=0.0) == 0)


def test_student_t_has_heavier_tails_than_normal():
    t = sample("student_t", N, seed=5, df=3.0, scale=1.0)
    z = sample("normal", N, seed=5)
    assert excess_kurtosis(t) > 1.0
    assert abs(excess_kurtosis(z)) < 0.06
    # P(|t_3| > 5) = 0.0154 against P(|z| > 5) = 5.7e-7
    assert np.mean(np.abs(t) > 5) > 0.01
    assert np.mean(np.abs(z) > 5) < 1e-4


def test_lognormal_is_positive_with_median_exp_mean():
    x = sample("lognormal", N, seed=6, mean=1.0, sigma=0.5)
    assert x.min() > 0
    # median exp(1) = 2.718; the median of log x has SE ~ 1.2533 * 0.5 / sqrt(200_000) = 0.0014
    assert abs(math.log(np.median(x)) - 1.0) < 0.007


def test_bimodal_has_two_modes_at_plus_minus_half_separation():
    x = sample("bimodal", N, seed=7, separation=6.0, std=0.5).astype(np.float64)
    right = x[x > 0]
    left = x[x < 0]
    # each mode holds half: SE 0.00112, 5 SE = 0.0056
    assert abs(right.size / x.size - 0.5) < 0.0056
    # modes at -3 and +3 (a 6-std gap: no value crosses 0 in practice)
    assert abs(right.mean() - 3.0) < 0.01 and abs(left.mean() + 3.0) < 0.01
    # the middle is empty: |x| < 1 is 4 stds from either mode, P ~ 3e-5
    assert np.mean(np.abs(x) < 1.0) < 1e-4


def test_outliers_fraction_is_as_requested_and_they_set_the_range():
    fraction = 0.01
    x = sample("outliers", N, seed=8, std=1.0, fraction=fraction, magnitude=50.0)
    hits = np.abs(x) == np.float32(50.0)
    # Binomial(200_000, 0.01): mean 2000, SD sqrt(2000 * 0.99) = 44.5; 5 SD = 222
    assert abs(hits.sum() - 2000) < 222
    # both signs, about evenly
    assert abs(np.mean(x[hits] > 0) - 0.5) < 0.06
    assert x.min() == -50.0 and x.max() == 50.0
    assert np.abs(x[~hits]).max() < 7  # the bulk is N(0, 1)


def test_outliers_with_zero_fraction_is_a_plain_normal():
    x = sample("outliers", N, seed=8, fraction=0.0)
    assert np.abs(x).max() < 7


def test_all_positive_has_no_zero_and_defaults_to_one_to_three():
    x = sample("all_positive", N, seed=9)
    assert x.min() > 0
    assert x.min() >= 1.0 and x.max() <= 3.0
    assert x.min() < 1.001 and x.max() > 2.999
    y = sample("all_positive", 1000, seed=9, low=0.01, high=0.02)
    assert y.min() >= np.float32(0.01) > 0


# -- weight matrix -----------------------------------------------------------------------------


def channel_std(w: np.ndarray) -> np.ndarray:
    """Robust per-row std, 1.4826 * median |w| (the outlier does not move it)."""
    return 1.4826 * np.median(np.abs(w), axis=1)


def test_weight_matrix_shape_dtype_and_channel_std_ratio_is_spread():
    w = weight_matrix(64, 1024, spread=30.0, seed=0)
    assert w.shape == (64, 1024) and w.dtype == np.float32
    s = channel_std(w)
    # the true ratio is exactly 30; each robust estimate is within ~3% (SE 1.17/sqrt(1024))
    assert 30 / 1.25 < s.max() / s.min() < 30 * 1.25
    # geometric middle of the stds is 1 / sqrt(1024) = 0.03125
    assert abs(math.log(np.exp(np.mean(np.log(s)))) - math.log(0.03125)) < 0.05


def test_weight_matrix_one_channel_in_eight_has_an_outlier():
    w = weight_matrix(64, 256, seed=1)
    peak = np.abs(w).max(axis=1) / channel_std(w)
    # outliers are 8 stds; a normal row of 256 exceeds 5.5 stds with probability ~1e-5
    assert np.sum(peak > 5.5) == 64 // OUTLIER_CHANNEL_EVERY == 8


def test_weight_matrix_with_spread_one_has_even_channels():
    s = channel_std(weight_matrix(32, 2048, spread=1.0, seed=2))
    assert s.max() / s.min() < 1.2


def test_uneven_channels_is_the_weight_matrix_with_n_rounded_to_rows():
    w = sample("uneven_channels", 64 * 256, seed=5, in_features=256, spread=30.0)
    assert np.array_equal(w, weight_matrix(64, 256, 30.0, seed=5))
    # 1000 / 256 = 3.9 -> 4 rows; 10 / 256 -> at least one row
    assert sample("uneven_channels", 1000, seed=0).shape == (4, 256)
    assert sample("uneven_channels", 10, seed=0).shape == (1, 256)


# -- activation stream ---------------------------------------------------------------------


def spikes(batches: list[np.ndarray], drift: float, size: float) -> np.ndarray:
    """Which batches reach 3/4 of the spike size, in units of their scale exp(drift * t)."""
    return np.array([b.max() >= 0.75 * size * math.exp(drift * t) for t, b in enumerate(batches)])


def test_activation_stream_shapes_dtype_and_relu():
    batches = activation_stream(n_batches=12, batch_size=300, seed=0)
    assert len(batches) == 12
    for b in batches:
        assert b.shape == (300,) and b.dtype == np.float32 and b.min() == 0.0


def test_activation_stream_is_seeded():
    a = activation_stream(n_batches=5, seed=3)
    b = activation_stream(n_batches=5, seed=3)
    c = activation_stream(n_batches=5, seed=4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c, strict=True))


def test_activation_stream_defaults_have_spikes_and_each_is_one_value():
    batches = activation_stream()
    hit = spikes(batches, 0.02, 8.0)
    # only a spike reaches 6 stds: P(z > 6) = 1e-9 per value, 4e-6 per batch of 4096
    assert 0 < hit.sum() < len(batches)
    for t in np.flatnonzero(hit):
        b = batches[t]
        assert b.max() == np.float32(8.0 * math.exp(0.02 * t))
        assert np.sum(b >= 6.0 * math.exp(0.02 * t)) == 1


def test_activation_stream_spike_rate_follows_spike_prob():
    hit = spikes(activation_stream(n_batches=400, batch_size=512, spike_prob=0.5, seed=1),
                 0.02, 8.0)
    # Binomial(400, 0.5): mean 200, SD 10; 5 SD = 50
    assert abs(hit.sum() - 200) < 50
    assert not spikes(activation_stream(n_batches=30, spike_prob=0.0), 0.02, 8.0).any()
    assert spikes(activation_stream(n_batches=30, spike_prob=1.0), 0.02, 8.0).all()


def test_activation_stream_scale_drifts_by_exp_drift_per_batch():
    batches = activation_stream(n_batches=41, batch_size=20_000, drift=0.05, spike_prob=0.0)
    # ReLU of N(0, s): the 75th percentile is s * 0.6745; the scale grows by e^(0.05 * 40) = e^2
    ratio = np.percentile(batches[-1], 75) / np.percentile(batches[0], 75)
    assert abs(math.log(ratio) - 2.0) < 0.1
    flat = activation_stream(n_batches=41, batch_size=20_000, drift=0.0, spike_prob=0.0)
    assert abs(math.log(np.percentile(flat[-1], 75) / np.percentile(flat[0], 75))) < 0.1


# -- properties over the whole parameter space ---------------------------------------------


def value_in(p: Param) -> st.SearchStrategy:
    if p.kind == "int":
        return st.integers(int(p.min), int(p.max))
    return st.floats(p.min, p.max, allow_nan=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data(), key=st.sampled_from(KEYS), n=st.integers(1, 3000),
       seed=st.integers(0, 2**32))
def test_any_valid_params_give_finite_float32_of_n_values(data, key, n, seed):
    dist = DISTRIBUTIONS[key]
    params = {p.name: data.draw(value_in(p), label=p.name) for p in dist.params}
    for a, b in dist.less_than:
        assume(params[a] < params[b])
    x = sample(key, n, seed, **params)
    assert x.dtype == np.float32
    assert np.all(np.isfinite(x))
    if dist.ndim == 1:
        assert x.shape == (n,)
    else:
        rows, cols = x.shape
        assert cols == params["in_features"]
        assert rows == 1 or abs(rows * cols - n) <= cols / 2


@settings(max_examples=80, deadline=None)
@given(data=st.data(), key=st.sampled_from(KEYS), above=st.booleans())
def test_out_of_range_params_raise_naming_the_value(data, key, above):
    dist = DISTRIBUTIONS[key]
    p = data.draw(st.sampled_from(dist.params), label="param")
    if p.kind == "int":
        bad = data.draw(st.integers(int(p.max) + 1, 10**9) if above
                        else st.integers(-(10**9), int(p.min) - 1), label="bad")
    else:
        bad = data.draw(st.floats(min_value=p.max, exclude_min=True, allow_infinity=True)
                        if above else
                        st.floats(max_value=p.min, exclude_max=True, allow_infinity=True),
                        label="bad")
    with pytest.raises(ValueError, match=re.escape(f"{p.name}={bad!r}")):
        sample(key, 10, 0, **{p.name: bad})


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: sample("gauss", 10), "'gauss'"),
        (lambda: sample("normal", 0), "n=0"),
        (lambda: sample("normal", MAX_ELEMENTS + 1), f"n={MAX_ELEMENTS + 1}"),
        (lambda: sample("normal", 2.5), "2.5"),
        (lambda: sample("normal", True), "True"),
        (lambda: sample("normal", 10, -1), "seed=-1"),
        (lambda: sample("normal", 10, 1.5), "1.5"),
        (lambda: sample("normal", 10, sigma=1.0), "'sigma'"),
        (lambda: sample("normal", 10, std=float("nan")), "std=nan"),
        (lambda: sample("normal", 10, std="1"), "'1'"),
        (lambda: sample("normal", 10, std=True), "True"),
        (lambda: sample("uniform", 10, low=1.0, high=1.0), "low=1.0 must be below high=1.0"),
        (lambda: sample("uniform", 10, low=2.0), "low=2.0 must be below high=1.0"),
        (lambda: sample("all_positive", 10, low=0.0), "low=0.0"),
        (lambda: sample("all_positive", 10, low=5.0), "low=5.0 must be below high=3.0"),
        (lambda: sample("uneven_channels", 10, in_features=2.0), "2.0"),
        (lambda: weight_matrix(out_channels=0), "out_channels=0"),
        (lambda: weight_matrix(spread=0.5), "spread=0.5"),
        (lambda: weight_matrix(4096, 65536), "268435456"),
        (lambda: weight_matrix(seed=-3), "seed=-3"),
        (lambda: activation_stream(drift=0.5), "drift=0.5"),
        (lambda: activation_stream(spike_prob=1.5), "spike_prob=1.5"),
        (lambda: activation_stream(n_batches=0), "n_batches=0"),
        (lambda: activation_stream(n_batches=1000, batch_size=1_000_000), "1000000000"),
        (lambda: activation_stream(seed=None), "None"),
    ],
)
def test_bad_input_raises_value_error_naming_it(call, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        call()


def test_weight_and_stream_defaults_match_their_param_specs():
    # the signatures' defaults and the specs the UI builds its controls from must agree
    for func, spec in ((weight_matrix, WEIGHT_PARAMS), (activation_stream, STREAM_PARAMS)):
        signature = inspect.signature(func).parameters
        assert [p.name for p in spec] == [name for name in signature if name != "seed"]
        for p in spec:
            assert signature[p.name].default == p.default
    assert DISTRIBUTIONS["uneven_channels"].params == WEIGHT_PARAMS[1:]
