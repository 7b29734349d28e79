"""The Explore page's data: binned, small, and equal to what quantize/dequantize give."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from quantviz.distributions import sample
from quantviz.metrics import Histogram
from quantviz.quantize import (
    ARITHMETICS,
    QuantConfig,
    compute_qparams,
    dequantize,
    quantize,
    saturated,
)
from quantviz.studies import views

HAND = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 3.0], dtype=np.float32)


def _arrays(obj) -> list[np.ndarray]:
    """Every numpy array inside a (nested) frozen dataclass."""
    if isinstance(obj, np.ndarray):
        return [obj]
    if dataclasses.is_dataclass(obj):
        return [a for f in dataclasses.fields(obj) for a in _arrays(getattr(obj, f.name))]
    return []


def test_grid_values_by_hand_signed_symmetric_int4():
    # int4 signed: qmin = -8, qmax = 7; symmetric over [-1, 1]: scale = 1 / ((7 - -8) / 2)
    # = 1 / 7.5 = 0.1333..., Z = 0; the grid is k * scale for k = -8..7: -1.0667 .. 0.9333.
    qp = compute_qparams(-1.0, 1.0, QuantConfig(4, "symmetric", True))
    grid = views.grid_values(qp)
    expected = (np.arange(-8, 8, dtype=np.float32) * np.float32(qp.scale)).astype(np.float32)
    np.testing.assert_array_equal(grid, expected)
    assert grid[8] == 0.0  # 0.0 is on the grid exactly
    assert grid[0] == pytest.approx(-8 / 7.5, rel=1e-6)


def test_explore_view_by_hand_with_one_clipped_value():
    # uint8 over the calibrated [-1, 1]: scale = 2/255, Z = 127 (float32, see test_formulas);
    # the grid tops out at (255 - 127) * scale = 1.0039, so 3.0 clips: 1 of 6 values.
    view = views.explore_for_range(HAND, -1.0, 1.0, QuantConfig())
    assert (view.qp.qmin, view.qp.qmax, view.qp.zero_point) == (0, 255, 127)
    assert (view.x_min, view.x_max) == (-1.0, 1.0)
    assert (view.data_min, view.data_max, view.n) == (-1.0, 3.0, 6)
    assert view.summary.fraction_clipped == pytest.approx(1 / 6)
    # the clipped error is x_hat(255) - 3 = 128 * scale - 3 = -1.99607837
    clipped = view.errors.clipped
    assert clipped.counts.sum() == 1
    centre = (clipped.edges[:-1] + clipped.edges[1:])[clipped.counts > 0] / 2
    assert centre[0] == pytest.approx(128 * view.qp.scale - 3, abs=0.02)
    # 5 values in range; uniform count per bin = 5 * bin width / scale = 5 * (1.2/60) = 0.1
    assert view.errors.rounding.counts.sum() == 5
    assert view.errors.uniform_count == pytest.approx(0.1)
    # the value histogram spans the data
    assert view.values.counts.sum() == 6
    assert (view.values.edges[0], view.values.edges[-1]) == (-1.0, 3.0)
    assert len(view.grid) == 256


def test_staircase_maps_its_axis_through_quantize_and_dequantize():
    qp = compute_qparams(-1.0, 1.0, QuantConfig(3))
    sc = views.staircase(-2.0, 2.0, qp, points=401)
    assert len(sc.x) == 401 and sc.x[0] == -2.0 and sc.x[-1] == 2.0
    np.testing.assert_array_equal(sc.q, quantize(sc.x, qp))
    np.testing.assert_array_equal(sc.x_hat, dequantize(sc.q, qp))
    assert np.all(np.diff(sc.q.astype(int)) >= 0)  # a staircase never goes down
    # beyond the grid it is flat at qmin and qmax
    assert np.all(sc.q[sc.x < qp.x_lo - qp.scale] == qp.qmin)
    assert np.all(sc.q[sc.x > qp.x_hi + qp.scale] == qp.qmax)
    # 3 bits: 8 codes, all on the axis
    assert len(np.unique(sc.q)) == 8


def test_staircase_of_an_empty_range_is_widened_by_one_step():
    qp = compute_qparams(0.0, 0.0, QuantConfig())
    sc = views.staircase(0.5, 0.5, qp)
    assert sc.x[0] == pytest.approx(0.5 - qp.scale) and sc.x[-1] == pytest.approx(0.5 + qp.scale)


def test_error_histograms_by_hand():
    # scale 1: in-range errors are binned on [-0.6, 0.6] in 60 bins of 0.02; the two in-range
    # errors give uniform_count = 2 * 0.02 / 1 = 0.04; the clipped one is binned on its own.
    err = np.array([0.1, -0.1, 5.0], dtype=np.float32)
    clipped = np.array([False, False, True])
    eh = views.error_histograms(err, clipped, 1.0)
    assert eh.rounding.counts.sum() == 2 and len(eh.rounding.counts) == views.ERROR_BINS
    assert eh.rounding.edges[0] == pytest.approx(-0.6)
    assert eh.rounding.edges[-1] == pytest.approx(0.6)
    assert eh.clipped.counts.sum() == 1
    assert eh.uniform_count == pytest.approx(0.04)


def test_error_histograms_without_clipping_have_one_empty_clipped_bin():
    eh = views.error_histograms(np.zeros(4, np.float32), np.zeros(4, bool), 0.5)
    assert eh.clipped.counts.tolist() == [0]


def test_a_tensor_that_clips_entirely_has_an_empty_rounding_histogram():
    # x = 1 with the range [0, 0.5]: every element saturates, none is left in range
    view = views.explore_for_range(np.ones(3, np.float32), 0.0, 0.5, QuantConfig(2))
    assert view.summary.fraction_clipped == 1.0
    assert view.errors.rounding.counts.tolist() == [0] * views.ERROR_BINS
    assert view.errors.uniform_count == 0.0
    assert view.errors.clipped.counts.sum() == 3


def test_an_empty_tensor_is_refused():
    qp = compute_qparams(-1.0, 1.0, QuantConfig())
    with pytest.raises(ValueError, match="empty"):
        views.explore_view(np.zeros(0, np.float32), qp, -1.0, 1.0)


def test_explore_for_range_equals_explore_view_with_computed_parameters():
    x = sample("laplace", 5000, 3)
    cfg = QuantConfig(5, "symmetric", True, True)
    a = views.explore_for_range(x, -2.0, 2.0, cfg)
    b = views.explore_view(x, compute_qparams(-2.0, 2.0, cfg), -2.0, 2.0)
    assert a.qp == b.qp and a.summary.mse == b.summary.mse
    np.testing.assert_array_equal(a.values.counts, b.values.counts)


@pytest.mark.parametrize("bits", [2, 8, 16])
def test_a_view_holds_no_array_that_grows_with_the_tensor(bits):
    x = sample("normal", 1_000_000, 0)
    view = views.explore_for_range(x, float(x.min()), float(x.max()), QuantConfig(bits))
    biggest = max(a.size for a in _arrays(view))
    assert biggest <= max(2**bits, views.STAIRCASE_POINTS)
    assert view.n == 1_000_000


data = arrays(np.float32, st.integers(1, 300),
              elements=st.floats(-100, 100, allow_nan=False, width=32))


@settings(max_examples=60, deadline=None)
@given(x=data, bits=st.integers(2, 10), scheme=st.sampled_from(("asymmetric", "symmetric")),
       signed=st.booleans(), shrink=st.floats(0.1, 1.0))
def test_views_agree_with_quantize(x, bits, scheme, signed, shrink):
    """Counts add up, the in-range errors stay within the rounding band, codes match."""
    lo, hi = float(x.min()) * shrink, float(x.max()) * shrink
    cfg = QuantConfig(bits, scheme, signed)
    view = views.explore_for_range(x, lo, hi, cfg)
    qp = view.qp
    n_clipped = int(saturated(x, qp).sum())
    assert view.values.counts.sum() == x.size
    assert view.summary.usage.counts.sum() == x.size
    # every in-range error lies in [-0.6 scale, 0.6 scale] (within scale/2 up to float rounding),
    # so none is lost from the rounding histogram
    assert view.errors.rounding.counts.sum() == x.size - n_clipped
    assert view.errors.clipped.counts.sum() == n_clipped
    q = quantize(x, qp)
    expected_counts = np.bincount(q.astype(np.int64) - qp.qmin, minlength=qp.qmax - qp.qmin + 1)
    np.testing.assert_array_equal(view.summary.usage.counts, expected_counts)
    assert isinstance(view.values, Histogram)


def test_disagreements_find_exactly_the_near_ties():
    cfg = QuantConfig(8, "asymmetric")
    qp = compute_qparams(-1.0, 2.0, cfg)  # scale = fl32(3/255), zero_point = 85
    s = np.float32(qp.scale)
    # every half step of the grid and its float32 neighbours: the only places rounding can part
    centre = ((np.arange(-85, 170) + 0.5) * np.float64(s)).astype(np.float32)
    x = np.concatenate([centre, np.nextafter(centre, np.float32(np.inf)),
                        np.nextafter(centre, np.float32(-np.inf))])
    # independent references: float32 reciprocal-multiply then rint then +Z (fake_quantize),
    # and float64 division with the textbook's own parameters
    q32 = np.clip(np.rint(x * (np.float32(1) / s)) + 85, 0, 255)
    tb = compute_qparams(-1.0, 2.0, dataclasses.replace(cfg, arithmetic="textbook"))
    q64 = np.clip(np.rint(x.astype(np.float64) / tb.scale) + tb.zero_point, 0, 255)
    expected = int(np.count_nonzero(q32 != q64))
    assert expected > 0
    found = {d.other: d for d in views.disagreements(x, cfg, -1.0, 2.0, examples=len(x))}
    assert set(found) == {"fbgemm", "textbook", "onnxruntime"}
    # ONNX Runtime divides in float32 (x / s), then rint, then +Z
    q_div = np.clip(np.rint(x / s) + 85, 0, 255)
    assert found["onnxruntime"].count == int(np.count_nonzero(q32 != q_div))
    tb_found = found["textbook"]
    assert tb_found.count == expected == len(tb_found.x) == tb_found.ties
    assert np.all(tb_found.q != tb_found.q_other)
    # each one lies within float32 rounding of a half step
    np.testing.assert_allclose(tb_found.scaled % 1, 0.5, atol=1e-5)


def test_disagreements_name_a_differing_zero_point_first():
    # [-20, 20] in uint8: -x_min / scale = 20 / (40/255) = 127.5, which float32's scale puts
    # just below the half (Z = 127) and float64's exactly on it (half to even: Z = 128)
    x = sample("outliers", 100_000, 0)
    assert (float(x.min()), float(x.max())) == (-20.0, 20.0)
    found = views.disagreements(x, QuantConfig(), -20.0, 20.0)
    first = found[0]
    assert (first.other, first.zero_point, first.zero_point_other) == ("textbook", 127, 128)
    assert first.zero_points_differ and first.count > 99_000 and first.ties < 10
    # the others share Z = 127: every difference there is a near-tie moving one code
    for d in found[1:]:
        assert not d.zero_points_differ and d.ties == d.count > 0


def test_disagreements_on_ordinary_data_are_few_and_small():
    x = sample("normal", 100_000, 0)
    for d in views.disagreements(x, QuantConfig(), float(x.min()), float(x.max())):
        assert d.count < 100 and len(d.x) <= 5
        assert np.all(np.abs(d.q.astype(int) - d.q_other.astype(int)) == 1)


def test_a_single_clipped_value_is_binned_within_a_step_of_itself():
    # ReLU under full-range signed symmetric int8: +max * (1/scale) = 127.5 rounds (half to
    # even) to 128 and saturates at 127, so exactly one element clips, by scale/2.
    x = np.maximum(sample("normal", 10_000, 0), 0)
    cfg = QuantConfig(8, "symmetric", True)
    v = views.explore_for_range(x, 0.0, float(x.max()), cfg)
    scale = float(v.qp.scale)
    assert int(np.sum(v.errors.clipped.counts)) == 1
    edges = v.errors.clipped.edges
    # its bins span one step around the error (-scale/2), not numpy's default +-0.5
    assert edges[0] == pytest.approx(-scale, rel=1e-3) and edges[-1] == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("cfg", [
    QuantConfig(), QuantConfig(bits=4, scheme="symmetric", signed=True),
    QuantConfig(bits=3, arithmetic="textbook"), QuantConfig(bits=8, arithmetic="fbgemm"),
    QuantConfig(bits=7, scheme="symmetric", signed=False, arithmetic="onnxruntime"),
])
def test_disagreements_are_the_pairwise_comparisons_of_the_arithmetics(cfg):
    # each count is quantize.arithmetic_disagreements of this arithmetic against the other,
    # though the page's own codes are computed once for all three comparisons
    from quantviz.quantize import arithmetic_disagreements

    rng = np.random.default_rng(7)
    x = (rng.standard_normal(20_000) * 3).astype(np.float32)
    x_min, x_max = float(x.min()) * 0.7, float(x.max())
    found = views.disagreements(x, cfg, x_min, x_max, examples=10**6)
    assert [d.other for d in found] == [a for a in ARITHMETICS if a != cfg.arithmetic]
    for d in found:
        idx = arithmetic_disagreements(x, cfg, cfg.arithmetic, d.other, x_min, x_max)
        assert d.count == idx.size
        np.testing.assert_array_equal(d.x, x[idx])
