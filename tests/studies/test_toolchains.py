"""Tests for quantviz.studies.toolchains: every toolchain on a tensor, and why two disagree."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz.distributions import sample
from quantviz.metrics import sqnr_db
from quantviz.quantize import QParams, QuantConfig, dequantize, quantize
from quantviz.studies import toolchains as toolchain_study
from quantviz.toolchains import TOOLCHAINS

F32 = np.float32


def test_rows_follow_the_registry_and_the_core():
    x = sample("normal", 5000, 3).astype(F32)
    rows = toolchain_study.toolchain_rows(x, batches=8)
    assert [r.key for r in rows] == list(TOOLCHAINS)
    for r in rows:
        qp = TOOLCHAINS[r.key].qparams(np.array_split(x, 8))
        assert (r.qp.scale, r.qp.zero_point) == (qp.scale, qp.zero_point)
        x_hat = dequantize(quantize(x, qp), qp)
        assert r.sqnr_db == pytest.approx(sqnr_db(x, x_hat))
        assert r.codes_used == np.unique(quantize(x, qp)).size
        assert r.levels == qp.qmax - qp.qmin + 1
    with pytest.raises(ValueError, match="empty"):
        toolchain_study.toolchain_rows(np.zeros(0))


def test_same_grid_different_zero_points_disagree_only_on_near_ties():
    # PyTorch (reciprocal-multiply) against ONNX Runtime (divide): scale 0.1 on both, zero
    # points 0 and 0; x = every half step and its float32 neighbours
    s = F32(0.1)
    k = np.arange(-128, 127, dtype=np.float64)
    half = ((k + 0.5) * np.float64(s)).astype(F32)
    x = np.concatenate([half, np.nextafter(half, F32(1)), np.nextafter(half, F32(-1))])
    qa = QParams(float(s), 0, -128, 127, QuantConfig(8, signed=True))
    qb = QParams(float(s), 0, -128, 127, QuantConfig(8, signed=True, arithmetic="onnxruntime"))
    d = toolchain_study.disagreement(x, qa, qb, examples=1000)
    # independent count: rint(x * fl32(1/s)) against rint(x / s)
    expected = int(np.count_nonzero(np.rint(x * (F32(1) / s)) != np.rint(x / s)))
    assert expected > 0 and d.count == expected == d.counts["rounding"]
    assert d.same_grid and d.counts["grid"] == d.counts["clipped"] == 0
    assert np.all(d.q_a != d.q_b)


def test_clipped_and_grid_reasons():
    x = np.array([0.5, 1.5, -1.55], F32)
    narrow = QParams(0.1, 0, -10, 10)  # 1.5 and -1.55 clip at +-1.0
    wide = QParams(0.1, 0, -128, 127)
    d = toolchain_study.disagreement(x, narrow, wide)
    assert d.counts == {"clipped": 2, "grid": 0, "rounding": 0} and d.count == 2
    # another scale: 0.5 -> 0.5 / 0.3 = 1.67 -> 2 -> 0.6 (not 0.5): a grid disagreement
    other = QParams(0.3, 0, -128, 127)
    d = toolchain_study.disagreement(np.array([0.5], F32), wide, other)
    assert d.counts == {"clipped": 0, "grid": 1, "rounding": 0} and not d.same_grid


def test_ranges_near_float32_max_give_sentences_not_crashes():
    for x in ([3e38, -3e38], [3.4e38, 1.0], [-3.4e38, 3.4e38, 0.0]):
        rows = toolchain_study.toolchain_rows(np.array(x, F32))
        assert len(rows) == len(TOOLCHAINS)
        for r in rows:
            assert (r.qp is None) == (r.error is not None)
        assert "too wide" in rows[0].error or "too large" in rows[0].error


def test_pytorch_quirks_hand_values():
    # ReLU-like data [0, 2]: amax 2; default range Z = 128, explicit 0..255 Z = 127; the
    # histogram observer with reduce_range keeps Z = 128 on 0..127, so every x >= 0 saturates
    # (0.0 itself: round(0) + 128 = 128 > 127)
    x = np.linspace(0, 2, 2001, dtype=F32)
    q = {r.key: r for r in toolchain_study.pytorch_quirks(x, batches=4)}
    assert q["default_range"].qp.zero_point == 128
    assert q["explicit_range"].qp.zero_point == 127
    h = q["histogram_reduce"].qp
    assert (h.zero_point, h.qmin, h.qmax) == (128, 0, 127)
    assert q["histogram_reduce"].fraction_clipped == 1.0
    assert q["minmax_reduce"].qp is None and "Cannot reduce range" in q["minmax_reduce"].error
