"""Tests for quantviz.studies.comparisons: best marks, metric rows, densities and shared axes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quantviz.distributions import sample
from quantviz.metrics import Histogram
from quantviz.quantize import QuantConfig
from quantviz.studies import comparisons, views
from quantviz.studies.comparisons import Density

UINT8 = QuantConfig(8, "asymmetric", signed=False)
INT8 = QuantConfig(8, "symmetric", signed=True)


def _view(cfg: QuantConfig, x: np.ndarray, x_min: float | None = None,
          x_max: float | None = None) -> views.ExploreView:
    lo = float(x.min()) if x_min is None else x_min
    hi = float(x.max()) if x_max is None else x_max
    return views.explore_for_range(x, lo, hi, cfg)


def test_dtype_name():
    assert comparisons.dtype_name(UINT8) == "uint8"
    assert comparisons.dtype_name(QuantConfig(4, "symmetric", signed=True)) == "int4"


# ---------------------------------------------------------------- best marks


def test_best_marks_by_hand():
    assert comparisons.best_marks([3.0, 1.0, 1.0], "min") == (False, True, True)  # a tie
    assert comparisons.best_marks([3.0, 1.0, 2.0], "max") == (True, False, False)
    assert comparisons.best_marks([2.0, 2.0], "min") == (False, False)  # no difference
    assert comparisons.best_marks([1.0, 5.0], None) == (False, False)
    assert comparisons.best_marks([math.nan, 2.0, 1.0], "max") == (False, True, False)
    assert comparisons.best_marks([40.0, math.inf], "max") == (False, True)  # exact wins
    assert comparisons.best_marks([math.nan, math.nan], "min") == (False, False)
    with pytest.raises(ValueError, match="goal"):
        comparisons.best_marks([1.0], "lowest")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=6), st.sampled_from(["min", "max"]))
def test_best_marks_mark_exactly_the_extremes(values, goal):
    marks = comparisons.best_marks(values, goal)
    best = min(values) if goal == "min" else max(values)
    if all(v == best for v in values):
        assert not any(marks)
    else:
        assert marks == tuple(v == best for v in values)


# ---------------------------------------------------------------- metric rows


def test_metric_rows_on_the_notes_example():
    # ReLU outputs on [0, m]: uint8 has scale m / 255; signed int8 symmetric m / 127.5, twice
    # as coarse, and reaches only codes 0..127 (half of its 256)
    x = sample("relu", 20_000, 0)
    m = float(x.max())
    a, b = _view(UINT8, x), _view(INT8, x)
    rows = {r.key: r for r in comparisons.metric_rows([a.summary, b.summary])}
    assert [r for r in rows] == [k for k, _ in comparisons.METRICS]
    assert rows["scale"].values == pytest.approx((m / 255, m / 127.5), rel=1e-6)
    assert rows["scale"].best == (True, False)
    assert rows["zero_point"].values == (0.0, 0.0) and rows["zero_point"].best == (False, False)
    assert rows["mse"].best == (True, False) and rows["sqnr_db"].best == (True, False)
    # a step twice as wide: about 4x the MSE, 6 dB less
    assert rows["sqnr_db"].values[0] - rows["sqnr_db"].values[1] == pytest.approx(6.02, abs=0.3)
    assert rows["codes_used"].values[1] <= 128
    assert rows["effective_bits"].values[0] - rows["effective_bits"].values[1] == pytest.approx(
        1.0, abs=0.15)


def test_metric_value_and_rows_refuse_bad_input():
    x = sample("normal", 1000, 0)
    s = _view(UINT8, x).summary
    assert comparisons.metric_value(s, "codes_used") == s.usage.used
    with pytest.raises(ValueError, match="unknown measure"):
        comparisons.metric_value(s, "rmse_db")
    with pytest.raises(ValueError, match="at least one"):
        comparisons.metric_rows([])


# ---------------------------------------------------------------- densities


def test_density_by_hand():
    # 2 values in a bin 0.5 wide, 3 in a bin 1 wide, n = 10: 2 / (10 * 0.5), 3 / (10 * 1)
    d = comparisons.density(Histogram(np.array([0.0, 0.5, 1.5]), np.array([2, 3])), 10)
    assert d.values.tolist() == pytest.approx([0.4, 0.3])
    with pytest.raises(ValueError, match="n=0"):
        comparisons.density(Histogram(np.array([0.0, 1.0]), np.array([1])), 0)
    with pytest.raises(ValueError, match="widths"):
        comparisons.density(Histogram(np.array([0.0, 0.0]), np.array([1])), 1)


def test_error_density_integrates_to_one_and_levels_with_the_uniform_noise():
    x = sample("uniform", 50_000, 0)
    v = _view(UINT8, x, -0.5, 0.5)  # values beyond +-0.5 clip
    d = comparisons.error_density(v.errors, v.n)
    area = np.sum(d.rounding.values * np.diff(d.rounding.edges)) + np.sum(
        d.clipped.values * np.diff(d.clipped.edges))
    assert area == pytest.approx(1.0)
    # uniform noise of the in-range half: (n_in / n) / scale
    n_in = int(np.sum(v.errors.rounding.counts))
    assert d.uniform == pytest.approx(n_in / v.n / float(v.qp.scale), rel=1e-6)
    inside = np.abs((d.rounding.edges[:-1] + d.rounding.edges[1:]) / 2) < 0.4 * float(v.qp.scale)
    assert np.median(d.rounding.values[inside]) == pytest.approx(d.uniform, rel=0.1)


# ---------------------------------------------------------------- shared axes


def test_shared_axes_cover_every_view():
    x = sample("relu", 20_000, 0)
    vs = [_view(UINT8, x), _view(INT8, x)]
    ds = [comparisons.error_density(v.errors, v.n) for v in vs]
    axes = comparisons.shared_axes(vs, ds)
    # value axis: the symmetric grid reaches -x_max (-128 * scale), padded by 5 %
    lo = min(float(vs[1].qp.x_lo), 0.0)
    hi = max(float(x.max()), float(vs[0].qp.x_hi), float(vs[1].qp.x_hi))
    assert axes.x == pytest.approx((lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)))
    # error axis: +-0.6 of the larger step (the int8 one) holds every rounding bin
    s = float(vs[1].qp.scale)
    assert axes.error[0] <= -0.6 * s + 1e-9 and axes.error[1] >= 0.6 * s - 1e-9
    assert axes.error[1] - axes.error[0] < 2 * s  # a lone clipped value does not stretch it
    assert axes.counts[1] == max(int(v.summary.usage.counts.max()) for v in vs)
    assert axes.counts[0] == 1
    assert axes.density[1] == max(float(d.rounding.values.max()) for d in ds)


def test_shared_axes_of_a_constant_tensor_and_bad_input():
    x = np.zeros(100, dtype=np.float32)
    v = _view(UINT8, x)
    d = comparisons.error_density(v.errors, v.n)
    axes = comparisons.shared_axes([v], [d])
    assert axes.x[1] - axes.x[0] > 0
    with pytest.raises(ValueError, match="as many densities"):
        comparisons.shared_axes([v, v], [d])


def test_log_range():
    assert comparisons.log_range(1.0, 100.0) == pytest.approx((-0.1, 2.1))
    assert comparisons.log_range(0.0, 5.0) == (0.0, 1.0)
    assert comparisons.log_range(1.0, math.inf) == (0.0, 1.0)


def test_density_type_is_what_figures_draw():
    d = comparisons.density(Histogram(np.array([0.0, 1.0]), np.array([4])), 4)
    assert isinstance(d, Density) and d.values.tolist() == [1.0]
