"""The outlier study: hand-computed small cases, and the invariants each method relies on
(the float product unchanged, R orthogonal, s scaling columns of X and rows of W)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quantviz.metrics import sqnr_db
from quantviz.quantize import QuantConfig
from quantviz.studies import outliers as o

F32 = float(np.finfo(np.float32).eps)


def float32_bound(x: np.ndarray, w: np.ndarray, slack: float = 4.0) -> np.ndarray:
    """Elementwise bound of float32 matmul rounding: ``slack * n * eps * (|X| |W|)``."""
    n = x.shape[1]
    return slack * n * F32 * (np.abs(x.astype(np.float64)) @ np.abs(w.astype(np.float64)))


def test_smooth_scales_by_hand():
    x = np.array([[1.0, -8.0], [2.0, 4.0]])
    w = np.array([[0.5, -1.0], [2.0, 1.0]])
    # max|X_j| = (2, 8), max|W_j| (rows) = (1, 2)
    # alpha 0.5: (sqrt 2 / sqrt 1, sqrt 8 / sqrt 2) = (1.41421..., 2)
    np.testing.assert_allclose(o.smooth_scales(x, w, 0.5), [math.sqrt(2), 2.0])
    # alpha 1: s = max|X_j| = (2, 8); alpha 0: s = 1 / max|W_j| = (1, 0.5)
    np.testing.assert_allclose(o.smooth_scales(x, w, 1.0), [2.0, 8.0])
    np.testing.assert_allclose(o.smooth_scales(x, w, 0.0), [1.0, 0.5])


def test_smooth_divides_columns_of_x_and_multiplies_rows_of_w():
    x = np.array([[1.0, -8.0], [2.0, 4.0]], np.float32)
    w = np.array([[0.5, -1.0], [2.0, 1.0]], np.float32)
    xs, ws, s = o.smooth(x, w, 1.0)  # s = (2, 8)
    np.testing.assert_array_equal(xs, [[0.5, -1.0], [1.0, 0.5]])
    np.testing.assert_array_equal(ws, [[1.0, -2.0], [16.0, 8.0]])
    np.testing.assert_array_equal(xs @ ws, x @ w)
    # after alpha = 1 every channel of X has max |x| = 1
    np.testing.assert_array_equal(np.abs(xs).max(axis=0), [1.0, 1.0])


def test_a_dead_channel_keeps_scale_one_and_bad_alpha_is_refused():
    x = np.array([[0.0, 3.0]])
    w = np.array([[1.0], [0.0]])
    np.testing.assert_array_equal(o.smooth_scales(x, w, 0.5), [1.0, 1.0])
    for alpha in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match="alpha"):
            o.smooth_scales(x, w, alpha)


@settings(max_examples=40, deadline=None)
@given(tokens=st.integers(1, 12), channels=st.integers(1, 12), outputs=st.integers(1, 6),
       alpha=st.floats(0.0, 1.0), seed=st.integers(0, 10_000))
def test_smoothing_leaves_the_float_product_unchanged(tokens, channels, outputs, alpha, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((tokens, channels)) * rng.choice([1, 100], channels)).astype(
        np.float32)
    w = rng.standard_normal((channels, outputs)).astype(np.float32)
    xs, ws, _ = o.smooth(x, w, alpha)
    y = x.astype(np.float64) @ w.astype(np.float64)
    bound = float32_bound(xs, ws) + float32_bound(x, w)
    assert np.all(np.abs(xs @ ws - y) <= bound)


def test_smoothing_the_default_layer_unchanged_to_float32_rounding():
    lay = o.make_layer()
    y = lay.y
    for alpha in (0.0, 0.5, 0.85, 1.0):
        xs, ws, _ = o.smooth(lay.x, lay.w, alpha)
        assert np.all(np.abs(xs @ ws - y) <= float32_bound(xs, ws) + float32_bound(lay.x, lay.w))


def test_hadamard_by_hand_and_orthogonal():
    r2 = 1 / math.sqrt(2)
    np.testing.assert_allclose(o.hadamard(2), [[r2, r2], [r2, -r2]])
    np.testing.assert_array_equal(o.hadamard(1), [[1.0]])
    h = o.hadamard(64)
    np.testing.assert_allclose(h @ h.T, np.eye(64), atol=1e-12)
    np.testing.assert_array_equal(np.abs(h), np.full((64, 64), 1 / 8))  # 1/sqrt(64): even
    for n in (0, 3, 96, True):
        with pytest.raises(ValueError, match="power of two"):
            o.hadamard(n)


@pytest.mark.parametrize("n", [1, 5, 96, 256])
def test_random_orthogonal_is_orthogonal_and_seeded(n):
    r = o.random_orthogonal(n, seed=7)
    np.testing.assert_allclose(r @ r.T, np.eye(n), atol=1e-10)
    np.testing.assert_array_equal(r, o.random_orthogonal(n, seed=7))
    assert n == 1 or not np.array_equal(r, o.random_orthogonal(n, seed=8))


def test_randomized_hadamard_flips_rows_and_stays_orthogonal():
    r = o.randomized_hadamard(16, seed=3)
    h = o.hadamard(16)
    np.testing.assert_allclose(r @ r.T, np.eye(16), atol=1e-12)
    signs = r[:, 0] / h[:, 0]
    assert set(signs) == {-1.0, 1.0}  # 16 draws: both signs appear for this seed
    np.testing.assert_array_equal(r, signs[:, None] * h)
    np.testing.assert_array_equal(r, o.rotation(16, "randomized_hadamard", 3))


def test_rotation_refuses_unknown_kind():
    with pytest.raises(ValueError, match="spin"):
        o.rotation(4, "spin")


def test_kurtosis_by_hand():
    # +-1: mean 0, var 1, E[d^4] = 1 -> 1
    assert o.kurtosis(np.array([1.0, -1.0, 1.0, -1.0])) == pytest.approx(1.0)
    # [0,0,0,2]: mean 0.5, d = (-.5,-.5,-.5,1.5), var = (3*.25 + 2.25)/4 = 0.75,
    # E[d^4] = (3*.0625 + 5.0625)/4 = 1.3125 -> 1.3125 / 0.5625 = 2.3333
    assert o.kurtosis(np.array([0.0, 0.0, 0.0, 2.0])) == pytest.approx(7 / 3)
    assert o.kurtosis(np.full(5, 2.0)) == 0.0
    assert o.kurtosis(np.random.default_rng(0).standard_normal(200_000)) == pytest.approx(3, 0.02)
    with pytest.raises(ValueError, match="empty"):
        o.kurtosis(np.array([]))


@pytest.mark.parametrize("kind", o.ROTATIONS)
def test_rotation_leaves_y_unchanged_and_tames_the_kurtosis(kind):
    lay = o.make_layer()
    r = o.rotate(lay, kind)
    # (X R)(R^T W) in float32 against X W in float32: only rounding apart
    bound = float(float32_bound(lay.x, lay.w).max()) * 3
    assert 0 < r.max_dy <= bound
    assert r.kurtosis_before > 100 and r.kurtosis_after < 6
    assert r.sqnr_y_after > r.sqnr_y_before + 10
    assert r.hist_before.counts.sum() == r.hist_after.counts.sum() == lay.x.size
    np.testing.assert_array_equal(r.hist_before.edges, r.hist_after.edges)


def test_hadamard_spreads_evenly_so_it_beats_a_random_rotation_here():
    lay = o.make_layer()
    had, rnd = o.rotate(lay, "hadamard"), o.rotate(lay, "random")
    assert had.kurtosis_after < rnd.kurtosis_after
    assert had.sqnr_y_after > rnd.sqnr_y_after


def test_make_layer_puts_the_massive_channels_where_it_says():
    lay = o.make_layer(tokens=64, channels=32, outputs=8, outliers=3, magnitude=50.0, seed=2)
    assert lay.x.shape == (64, 32) and lay.w.shape == (32, 8)
    assert lay.x.dtype == lay.w.dtype == np.float32
    absmax = o.channel_absmax(lay.x)
    big = np.array(lay.outlier_channels)
    assert big.size == 3
    assert absmax[big].min() > 5 * np.delete(absmax, big).max()
    np.testing.assert_array_equal(lay.x, o.make_layer(64, 32, 8, 3, 50.0, 2).x)
    assert o.make_layer(outliers=0).outlier_channels == ()


@pytest.mark.parametrize("kwargs, word", [({"tokens": 0}, "tokens"),
                                          ({"outliers": 300}, "outliers"),
                                          ({"magnitude": 0.5}, "magnitude"),
                                          ({"channels": 2.5}, "channels")])
def test_make_layer_refuses_bad_sizes(kwargs, word):
    with pytest.raises(ValueError, match=word):
        o.make_layer(**kwargs)


@pytest.mark.parametrize("kind", o.FOLDABLE)
def test_integer_matmul_equals_the_dequantized_product(kind):
    lay = o.make_layer(tokens=32, channels=64, outputs=16, seed=1)
    y_int = o.integer_matmul(lay.x, lay.w, kind)
    y_fake = o.quantize_x(lay.x, kind).astype(np.float64) @ o.quantize_w(lay.w).astype(np.float64)
    np.testing.assert_allclose(y_int, y_fake, rtol=1e-5, atol=1e-6 * np.abs(y_fake).max())


def test_integer_matmul_refuses_per_channel_scales_of_x_and_says_why():
    lay = o.make_layer(tokens=8, channels=8, outputs=4)
    with pytest.raises(ValueError, match="inside|multiplies each term"):
        o.integer_matmul(lay.x, lay.w, "channel")
    with pytest.raises(ValueError, match="symmetric"):
        o.integer_matmul(lay.x, lay.w, "tensor", QuantConfig(8, "asymmetric"))


def test_integer_matmul_by_hand():
    # X per tensor: max |x| = 2.54 -> scale 0.02; codes x/0.02 = [[127, -50]]
    # W per output channel: column max |w| = 1.27 -> scale 0.01; codes [[127], [100]]
    # acc = 127*127 - 50*100 = 16129 - 5000 = 11129; Y = 11129 * 0.02 * 0.01 = 2.2258
    x = np.array([[2.54, -1.0]], np.float32)
    w = np.array([[1.27], [1.0]], np.float32)
    assert o.integer_matmul(x, w, "tensor")[0, 0] == pytest.approx(2.2258, rel=1e-6)


def test_granularities_on_the_smoothquant_picture():
    rows = {r.kind: r for r in o.granularity_rows(o.make_layer())}
    assert rows["tensor"].sqnr_x < rows["token"].sqnr_x < rows["channel"].sqnr_x
    assert rows["channel"].sqnr_y > rows["tensor"].sqnr_y + 10
    assert [r.integer for r in rows.values()] == [True, True, False]
    calm = {r.kind: r for r in o.granularity_rows(o.make_layer(outliers=0))}
    assert calm["tensor"].sqnr_y > rows["tensor"].sqnr_y + 10


def test_smooth_curve_moves_the_difficulty_from_x_to_w():
    curve = o.smooth_curve(o.make_layer())
    assert [p.alpha for p in curve] == list(o.ALPHAS)
    assert curve[-1].sqnr_x > curve[0].sqnr_x + 15   # X gets easier ...
    assert curve[-1].sqnr_w < curve[0].sqnr_w - 10   # ... W harder
    best = max(curve, key=lambda p: p.sqnr_y)
    assert 0.2 < best.alpha < 0.9                  # the best Y sits in between
    plain = next(r for r in o.granularity_rows(o.make_layer()) if r.kind == "tensor")
    assert best.sqnr_y > plain.sqnr_y + 10
    # the curve computes Y = X W once; each point is smooth_point's own, exactly
    small = o.make_layer(tokens=64, channels=32, outputs=16, seed=3)
    for kind in ("tensor", "token"):
        assert o.smooth_curve(small, x_kind=kind) == tuple(
            o.smooth_point(small, a, kind) for a in o.ALPHAS)


def test_outlier_columns_by_hand():
    x = np.array([[1.0, 6.0, -7.0], [0.0, 5.9, 1.0]])
    np.testing.assert_array_equal(o.outlier_columns(x, 6.0), [1, 2])  # 6.0 itself counts (>=)
    np.testing.assert_array_equal(o.outlier_columns(x, 6.5), [2])
    with pytest.raises(ValueError, match="threshold"):
        o.outlier_columns(x, 0.0)


def test_mixed_precision_keeps_the_massive_channels_and_wins():
    lay = o.make_layer()
    m = o.mixed_precision(lay)
    assert set(lay.outlier_channels) <= set(m.kept)
    assert m.share_kept == len(m.kept) / lay.x.shape[1]
    assert m.sqnr_y > m.sqnr_y_int8 + 20


def test_mixed_precision_limits():
    lay = o.make_layer(tokens=64, channels=32, outputs=8)
    none = o.mixed_precision(lay, threshold=1e9)   # nothing kept: per-token int8
    assert none.kept == () and none.sqnr_y == pytest.approx(none.sqnr_y_int8, abs=1e-9)
    every = o.mixed_precision(lay, threshold=1e-9)  # everything kept: float16 only
    assert every.share_kept == 1.0
    y16 = lay.x.astype(np.float16).astype(np.float32) @ lay.w.astype(np.float16).astype(
        np.float32)
    # the same float16 product, up to the order of float32 summation
    assert every.sqnr_y == pytest.approx(sqnr_db(lay.y, y16.astype(np.float64)), abs=0.01)


def test_best_alpha_and_smooth_check():
    pts = (o.SmoothPoint(0.0, 1, 1, 10.0), o.SmoothPoint(0.5, 1, 1, 30.0),
           o.SmoothPoint(1.0, 1, 1, 30.0))
    assert o.best_alpha(pts).alpha == 0.5  # the first of equals
    with pytest.raises(ValueError, match="empty"):
        o.best_alpha(())
    lay = o.make_layer()
    check = o.smooth_check(lay, 1.0)
    # alpha = 1 divides every channel of X by its own max |x|: all become 1 (to rounding)
    np.testing.assert_allclose(check.absmax_after, 1.0, rtol=1e-6)
    assert check.max_y == pytest.approx(float(np.abs(lay.x @ lay.w).max()))
    assert 0 < check.max_dy <= float(float32_bound(lay.x, lay.w).max()) * 3


@settings(max_examples=25, deadline=None)
@given(tokens=st.integers(1, 16), log_channels=st.integers(0, 5), outputs=st.integers(1, 8),
       kind=st.sampled_from(o.ROTATIONS), seed=st.integers(0, 1000))
def test_any_rotation_leaves_the_float_product_unchanged(tokens, log_channels, outputs, kind,
                                                         seed):
    channels = 2**log_channels
    lay = o.make_layer(tokens, channels, outputs, min(2, channels), 50.0, seed)
    r = o.rotation(channels, kind, seed)
    xr, wr = lay.x.astype(np.float64) @ r, r.T @ lay.w.astype(np.float64)
    np.testing.assert_allclose(xr @ wr, lay.y, atol=1e-9 * (1 + np.abs(lay.x).max()))


def test_token_max_in_by_hand():
    # rows' largest |x| sit in columns 2, 0, 2: two of three rows in channel 2
    x = np.array([[1.0, 0.0, -5.0], [3.0, 1.0, 2.0], [0.0, 0.5, 4.0]])
    assert o.token_max_in(x, (2,)) == pytest.approx(2 / 3)
    assert o.token_max_in(x, (0, 2)) == 1.0
    assert o.token_max_in(x, ()) == 0.0
    with pytest.raises(ValueError, match="2-D"):
        o.token_max_in(np.zeros(3), (0,))


def test_alpha_zero_does_not_leave_x_alone():
    # s_j = max|W_j|^-1 at alpha 0: X / s = X * max|W_j|, so X changes unless every row of W
    # has max 1 (what the page's help says); at alpha 1 every channel's max |x| becomes 1.
    lay = o.make_layer(tokens=16, channels=8, outputs=4, outliers=1, magnitude=50.0)
    xs, _, _ = o.smooth(lay.x, lay.w, 0.0)
    np.testing.assert_allclose(xs, lay.x * np.abs(lay.w).max(axis=1), rtol=1e-6)
    xs1, _, _ = o.smooth(lay.x, lay.w, 1.0)
    np.testing.assert_allclose(np.abs(xs1).max(axis=0), 1.0, rtol=1e-6)
