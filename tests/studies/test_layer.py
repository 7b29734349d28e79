"""quantviz.studies.layer: the Layer page's study, and the figure it adds."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz import present
from quantviz.distributions import weight_matrix
from quantviz.layers import quantized_linear
from quantviz.metrics import sqnr_db
from quantviz.quantize import dequantize
from quantviz.studies import layer as layer_study


@pytest.fixture(scope="module")
def study():
    w = weight_matrix(16, 64, 30.0, 1)
    x = layer_study.activations("normal", 8, 64, 1)
    b = layer_study.synthetic_bias(x.astype(np.float64) @ w.astype(np.float64).T, 1)
    return w, x, b, layer_study.study_layer(w, x, b, per_channel=True, reduce_range=False)


def test_study_runs_the_contract_function(study):
    w, x, b, s = study
    y_q = quantized_linear(s.pipe.x_q, s.x_qp, s.pipe.w_q, s.w_qp, b, s.y_qp)
    np.testing.assert_array_equal(s.pipe.y_q, y_q)
    y = (x.astype(np.float64) @ w.astype(np.float64).T + b).astype(np.float32)
    assert s.errors[3].sqnr_db == sqnr_db(y, dequantize(y_q, s.y_qp))


def test_parameters_are_pytorchs_x86_defaults(study):
    w, x, _, s = study
    # weights qint8 symmetric per channel: zero point 0, scale = max|w_j| / 127.5
    assert (np.asarray(s.w_qp.zero_point) == 0).all()
    np.testing.assert_allclose(s.w_qp.scale, np.abs(w).max(axis=1) / 127.5, rtol=1e-6)
    # activations quint8 from MinMax: scale = (max - min) / 255
    assert s.x_qp.qmax == 255
    assert s.x_qp.scale == pytest.approx((x.max() - min(x.min(), 0)) / 255, rel=1e-6)


def test_errors_are_ordered_as_the_page_names_them(study):
    *_, s = study
    assert [e.what for e in s.errors] == ["weights", "activations", "both", "integer"]
    assert all(len(e.channel_sqnr_db) == 16 for e in s.errors)
    # on this layer the two errors add up: both together is worse than either alone
    assert s.errors[2].sqnr_db < min(s.errors[0].sqnr_db, s.errors[1].sqnr_db)


def test_reduce_range_codes_never_saturate(study):
    *_, s = study
    assert s.saturation_reduced.saturated == 0
    assert s.pair_counts_full.sum() == s.saturation_full.pairs
    assert s.pair_counts_reduced.sum() == s.saturation_reduced.pairs


def test_the_worked_element_adds_up(study):
    *_, s = study
    e = s.example
    assert e.acc == e.products - e.row_term - e.col_term + e.const_term
    assert e.y_q == int(np.clip(np.rint(e.scaled) + e.y_zero_point, 0, 255))
    for d in s.disagreements:
        assert d.y_q != d.fixed_y_q


def test_cosine_by_hand():
    # [1, 0] . [1, 1] = 1; |a| = 1, |b| = sqrt(2) -> 1 / sqrt(2) = 0.70711
    assert layer_study.cosine(np.array([1.0, 0.0]), np.array([1.0, 1.0])) == pytest.approx(
        2 ** -0.5)
    assert layer_study.cosine(np.zeros(3), np.zeros(3)) == 1.0
    assert layer_study.cosine(np.zeros(3), np.ones(3)) == 0.0


def test_stream_rows_are_batches():
    x = layer_study.activations(layer_study.STREAM, 5, 7, 0)
    assert x.shape == (5, 7) and (x >= 0).all()


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match="do not make"):
        layer_study.study_layer(np.ones((2, 3)), np.ones((4, 5)), None, per_channel=False,
                                reduce_range=False)


def test_integer_histogram_shades_outside_the_limits():
    edges = np.linspace(-100, 100, 5)
    fig = present.integer_histogram(edges, {"a": [1, 2, 3, 4], "b": [0, 1, 1, 0]},
                                    limits=(-50, 50), log_y=True, labels={"title": "T"})
    assert [tr.name for tr in fig.data] == ["a", "b"]
    assert list(fig.data[0].y) == [1, 2, 3, 4]
    rects = [(s.x0, s.x1) for s in fig.layout.shapes if s.type == "rect"]
    assert rects == [(-100.0, -50), (50, 100.0)]
    assert sorted(s.x0 for s in fig.layout.shapes if s.type == "line") == [-50, 50]
    assert fig.layout.yaxis.type == "log" and fig.layout.title.text == "T"
    assert fig.layout.barmode == "overlay"


def test_integer_histogram_without_limits_draws_no_shapes():
    fig = present.integer_histogram([0, 1, 2], {"acc": [3, 4]})
    assert not fig.layout.shapes and fig.layout.yaxis.type != "log"


def test_a_large_layer_runs_the_pair_model_on_the_first_rows():
    w = weight_matrix(8, 40, 30.0, 2)
    x = layer_study.activations("normal", 10, 40, 2)
    # 8 channels * 20 pairs = 160 pair sums per row; 500 allow 3 rows
    s = layer_study.study_layer(w, x, None, per_channel=True, reduce_range=False, max_pairs=500)
    assert s.saturation_rows == 3
    assert s.saturation_full.pairs == 3 * 160
    whole = layer_study.study_layer(w, x, None, per_channel=True, reduce_range=False)
    assert whole.saturation_rows == 10 and whole.saturation_full.pairs == 10 * 160
