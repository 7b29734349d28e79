"""Tests for quantviz.studies.granularity: hand-computed references, then properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quantviz.distributions import weight_matrix
from quantviz.metrics import summarize
from quantviz.quantize import QuantConfig, compute_qparams
from quantviz.studies.granularity import (
    channel_axis,
    channel_ranges,
    channel_sums,
    compare,
    group_map,
    group_size_divides,
    measure,
    param_cost,
    pool,
    sqnr_from_sums,
)

UINT8 = QuantConfig(8, "asymmetric", signed=False)
INT8_SYM = QuantConfig(8, "symmetric", signed=True)


# ---------------------------------------------------------------- shapes


def test_channel_axis_normalizes_and_refuses_one_dimension():
    assert channel_axis((4, 5), 0) == 0
    assert channel_axis((4, 5, 3), -1) == 2
    with pytest.raises(ValueError, match=r"2 or more dimensions, got shape \(7,\)"):
        channel_axis((7,), 0)
    with pytest.raises(ValueError, match="axis=2 is out of range"):
        channel_axis((4, 5), 2)
    with pytest.raises(ValueError, match="axis must be an integer"):
        channel_axis((4, 5), True)


def test_group_size_divides_the_last_axis_only():
    assert group_size_divides((3, 256), 64)  # 256 = 4 * 64
    assert not group_size_divides((3, 200), 64)  # 200 = 3 * 64 + 8
    assert group_size_divides((64, 3), 3)
    with pytest.raises(ValueError, match="positive integer, got 0"):
        group_size_divides((4, 4), 0)


# ---------------------------------------------------------------- parameter bytes


def test_param_cost_per_channel_asymmetric_int8():
    # 64 channels * (4-byte scale + 1-byte zero point) = 320 bytes; 8 * 320 / (64 * 256)
    cost = param_cost(64, 64 * 256, UINT8)
    assert (cost.scale_bytes, cost.zero_point_bytes, cost.total_bytes) == (4, 1, 320)
    assert cost.bits_per_weight == pytest.approx(0.15625)


def test_param_cost_symmetric_stores_no_zero_point():
    # group size 128: one 4-byte scale per 128 weights -> 32 / 128 = 0.25 bits per weight
    cost = param_cost(2, 256, INT8_SYM)
    assert (cost.zero_point_bytes, cost.total_bytes) == (0, 8)
    assert cost.bits_per_weight == pytest.approx(0.25)


def test_param_cost_wide_codes_need_wide_zero_points():
    # 12-bit codes live in int16/uint16: a 2-byte zero point; per tensor 6 bytes = 48 bits
    cost = param_cost(1, 1000, QuantConfig(12, "asymmetric"))
    assert cost.zero_point_bytes == 2
    assert cost.bits_per_weight == pytest.approx(48 / 1000)
    with pytest.raises(ValueError, match="n_params=0"):
        param_cost(0, 10, UINT8)


# ---------------------------------------------------------------- per-channel errors


def test_channel_sums_by_hand():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    x_hat = np.array([[1.0, 1.0], [3.0, 5.0]], dtype=np.float32)
    # rows: sse (0 + 1, 0 + 1) = (1, 1); sum x^2 (1 + 4, 9 + 16) = (5, 25)
    sse, sumsq = channel_sums(x, x_hat, 0)
    np.testing.assert_array_equal(sse, [1.0, 1.0])
    np.testing.assert_array_equal(sumsq, [5.0, 25.0])
    # columns: sse (0 + 0, 1 + 1) = (0, 2); sum x^2 (1 + 9, 4 + 16) = (10, 20)
    sse, sumsq = channel_sums(x, x_hat, 1)
    np.testing.assert_array_equal(sse, [0.0, 2.0])
    np.testing.assert_array_equal(sumsq, [10.0, 20.0])
    with pytest.raises(ValueError, match="x_hat has shape"):
        channel_sums(x, x_hat[:1], 0)


def test_sqnr_from_sums_edge_cases():
    # 10 log10(100 / 1) = 20 dB; silent channel with noise -> -inf; exact channel -> inf
    out = sqnr_from_sums(np.array([100.0, 0.0, 5.0]), np.array([1.0, 1.0, 0.0]))
    assert out[0] == pytest.approx(20.0)
    assert out[1] == -math.inf and out[2] == math.inf


def test_per_tensor_starves_the_narrow_channel():
    # channels [0, 1] and [0, 100], uint8. Per tensor: scale = 100/255 = 0.392157,
    # 1.0 -> round(2.55) = 3 -> x_hat = 3 * 100/255 = 1.176471; channel 0 MSE =
    # (0.176471^2 + 0) / 2 = 0.0155709. Per channel: scale 1/255 and 100/255, exact to float32.
    x = np.array([[0.0, 1.0], [0.0, 100.0]], dtype=np.float32)
    tensor = measure(x, UINT8, "tensor", 0)
    channel = measure(x, UINT8, "channel", 0)
    assert tensor.channel_mse[0] == pytest.approx((3 * 100 / 255 - 1) ** 2 / 2, rel=1e-5)
    assert channel.channel_mse[0] < 1e-12
    assert channel.cost.n_params == 2 and tensor.cost.n_params == 1
    assert channel.sqnr_db > tensor.sqnr_db


def test_measure_per_tensor_matches_summarize():
    x = weight_matrix(8, 32, 10.0, seed=3)
    result = measure(x, INT8_SYM, "tensor", 0)
    qp = compute_qparams(float(x.min()), float(x.max()), INT8_SYM)
    _, _, summary = summarize(x, qp)
    assert result.sqnr_db == summary.sqnr_db and result.mse == summary.mse


def test_measure_refuses_bad_kind_and_bad_group():
    x = np.ones((2, 6), dtype=np.float32)
    with pytest.raises(ValueError, match="kind='row'"):
        measure(x, UINT8, "row", 0)
    with pytest.raises(ValueError, match="group_size=4 does not divide the last axis"):
        measure(x, UINT8, "group", 0, 4)


def test_compare_skips_group_sizes_that_do_not_divide():
    # last axis 48 = 3 * 16: only 16 of (16, 32, 64, 128, 256) divides it
    x = weight_matrix(8, 48, 10.0, seed=1)
    comp = compare(x, INT8_SYM, 0)
    assert [r.group_size for r in comp.per_group] == [16]
    assert comp.skipped == (32, 64, 128, 256)
    assert comp.group(32) is None and comp.group(16) is comp.per_group[0]
    assert [r.kind for r in comp.all] == ["tensor", "channel", "group"]


def test_group_of_a_whole_row_is_per_channel():
    # (16, 64) with group size 64: one group per row = one scale per output channel
    x = weight_matrix(16, 64, 30.0, seed=2)
    comp = compare(x, UINT8, 0, group_sizes=(64,))
    assert comp.group(64).sqnr_db == comp.per_channel.sqnr_db
    assert comp.group(64).cost == comp.per_channel.cost


def test_uneven_channels_favour_finer_granularity():
    # spread 30: per-tensor gives the narrow channels few codes; per channel and per group win
    comp = compare(weight_matrix(64, 256, 30.0, seed=0), INT8_SYM, 0, group_sizes=(32,))
    assert comp.per_channel.sqnr_db > comp.per_tensor.sqnr_db + 5
    assert comp.group(32).sqnr_db > comp.per_channel.sqnr_db
    assert comp.group(32).cost.bits_per_weight == pytest.approx(1.0)  # 32 bits / 32 weights


# ---------------------------------------------------------------- figure data


def test_pool_blocks_by_hand():
    values = np.arange(10.0)
    # k = ceil(10 / 4) = 3: blocks [0,1,2] [3,4,5] [6,7,8] [9]
    p = pool(values, "max", max_points=4)
    assert p.k == 3
    np.testing.assert_array_equal(p.start, [0, 3, 6, 9])
    np.testing.assert_array_equal(p.values, [2, 5, 8, 9])
    np.testing.assert_array_equal(pool(values, "min", 4).values, [0, 3, 6, 9])
    np.testing.assert_array_equal(pool(values, "mean", 4).values, [1, 4, 7, 9])
    assert pool(values, "max", 10).k == 1
    with pytest.raises(ValueError, match="how='median'"):
        pool(values, "median")


def test_channel_ranges_order_widest_first():
    x = np.array([[1.0, -1.0], [5.0, 0.0], [2.0, 2.0]])
    r = channel_ranges(x, 0)
    np.testing.assert_array_equal(r.x_min, [-1, 0, 2])
    np.testing.assert_array_equal(r.x_max, [1, 5, 2])
    np.testing.assert_array_equal(r.order, [1, 0, 2])  # widths 2, 5, 0


def test_group_map_by_hand():
    x = np.array([[1.0, -3.0, 0.0, 2.0], [0.5, 0.5, -4.0, 1.0]])
    # groups of 2: max |x| per group = [[3, 2], [0.5, 4]]
    m = group_map(x, 2)
    np.testing.assert_array_equal(m.cells, [[3.0, 2.0], [0.5, 4.0]])
    pooled = group_map(x, 2, max_cells=1)
    np.testing.assert_array_equal(pooled.cells, [[4.0]])
    assert (pooled.row_step, pooled.col_step, pooled.rows, pooled.groups) == (2, 2, 2, 2)
    with pytest.raises(ValueError, match="group_size=3"):
        group_map(x, 3)


# ---------------------------------------------------------------- properties


shapes = st.tuples(st.integers(1, 6), st.sampled_from([4, 8, 12, 16]))


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float32, shapes, elements=st.floats(-100, 100, width=32)),
       st.sampled_from([UINT8, INT8_SYM, QuantConfig(4, "symmetric", signed=True)]),
       st.sampled_from(["tensor", "channel", "group"]), st.integers(0, 1))
def test_channel_errors_add_up_to_the_total(x, cfg, kind, axis):
    result = measure(x, cfg, kind, axis, 4 if kind == "group" else None)
    per_channel = x.size // x.shape[axis]
    assert result.channel_mse.sum() * per_channel / x.size == pytest.approx(
        result.mse, rel=1e-9, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 64), st.sampled_from([64, 128, 256]), st.booleans())
def test_overhead_falls_as_groups_grow(channels, width, symmetric):
    cfg = INT8_SYM if symmetric else UINT8
    n = channels * width
    costs = [param_cost(n // g, n, cfg).bits_per_weight for g in (16, 32, 64)]
    assert costs[0] == pytest.approx(2 * costs[1]) and costs[1] == pytest.approx(2 * costs[2])
