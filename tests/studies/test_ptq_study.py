"""The layer lab: the four methods on real layers, GPTQ's replay, AWQ's view, uploads."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz import ptq
from quantviz.studies import model
from quantviz.studies import ptq as study


@pytest.fixture(scope="module")
def fc1() -> study.LayerCase:
    return study.digits_layer(0)


def test_digits_layer_inputs_are_the_float_activations():
    net, data = model.load_study()
    case = study.digits_layer(1, net, data)
    # fc2's input is relu(x W1^T + b1) on the 320 calibration images
    expected = np.maximum(data.calib_x @ net.weights[0].T + net.biases[0], 0)
    np.testing.assert_array_equal(case.x, expected)
    assert case.shape == (320, 64, 32)
    with pytest.raises(ValueError, match="index=3"):
        study.digits_layer(3, net, data)


def test_group_sizes_divide_the_inputs():
    assert study.group_sizes(64) == (-1, 32)
    assert study.group_sizes(32) == (-1,)
    assert study.group_sizes(256) == (-1, 32, 64, 128)
    assert study.group_sizes(100) == (-1,)


def test_measure_by_hand():
    # W = [[1, 2]], w_hat = [[1, 1]], X = [[1, 0], [0, 2]]:
    # weight error mean((0, 1)^2) = 0.5; Y = (1, 4), Y_hat = (1, 2): output error mean(0, 4) = 2
    w = np.array([[1.0, 2.0]], np.float32)
    x = np.array([[1.0, 0.0], [0.0, 2.0]], np.float32)
    r = study.measure("m", w, x, np.array([[1.0, 1.0]], np.float32), w)
    assert (r.weight_mse, r.output_mse, r.output_energy) == (0.5, 2.0, 8.5)
    assert r.changed == 1 and r.n == 2
    assert r.output_sqnr == pytest.approx(10 * np.log10(8.5 / 2))


def test_lab_methods_and_the_point(fc1):
    result = study.lab(fc1, 3, -1)
    assert [r.method for r in result.results] == list(study.METHODS)
    rtn = result.by("rtn")
    np.testing.assert_equal(rtn.changed, 0)
    # each method's w_hat is the library's
    w_hat = ptq.gptq(fc1.w, fc1.x, bits=3)
    assert result.by("gptq").weight_mse == pytest.approx(
        float(np.mean((fc1.w.astype(np.float64) - w_hat) ** 2)))
    # the smallest weight error is not the smallest output error on this real layer
    assert result.least_weight_error.method in ("rtn", "hqq")
    assert result.least_output_error.method.startswith("gptq")
    assert result.by("gptq").output_mse < rtn.output_mse < 2 * result.by("hqq").output_mse


def test_lab_refuses_a_group_that_does_not_divide(fc1):
    with pytest.raises(ValueError, match="group_size=48"):
        study.lab(fc1, 4, 48)


def test_lab_progress_counts_methods(fc1):
    seen = []
    study.lab(fc1, 4, 32, progress=lambda done, total, name: seen.append((done, total)))
    assert seen == [(k, 5) for k in range(6)]


@pytest.mark.parametrize("act_order", [False, True])
@pytest.mark.parametrize("group_size", [-1, 32])
def test_gptq_replay_matches_the_run(fc1, act_order, group_size):
    steps = study.gptq_steps(fc1, 3, group_size, act_order)
    trace = ptq.gptq_trace(fc1.w, fc1.x, bits=3, group_size=group_size, act_order=act_order)
    # E^2 / 2 is the run's Losses, column by column
    np.testing.assert_allclose(steps.err.astype(np.float64) ** 2 / 2, trace.losses,
                               rtol=1e-3, atol=1e-7)
    # the loss IST-DASLab/gptq prints = output term + damping term
    assert steps.error == pytest.approx(steps.output_term + steps.damp_term, rel=1e-5)
    # damping (1 % of mean diag H) adds a visible share on this small layer
    assert 0 < steps.damp_term < 0.2 * steps.error
    # g_idx: contiguous groups without act_order
    if not act_order:
        assert steps.scattered == 0
    assert np.array_equal(np.sort(steps.perm), np.arange(64))


def test_replay_rounds_each_column_as_the_run(fc1):
    # the column at step k, moved by the earlier steps, rounds on the row grid to the run's q
    steps = study.gptq_steps(fc1, 3, -1, False)
    trace = ptq.gptq_trace(fc1.w, fc1.x, bits=3)
    err, u = steps.err.astype(np.float64), steps.hinv.astype(np.float64)
    for k in (0, 10, 63):
        col = fc1.w[:, k] - err[:, :k] @ u[:k, k]
        q = ptq._gptq_quantize(col.astype(np.float32), trace.scale[:, 0], trace.zero[:, 0], 7)
        assert np.mean(q == trace.w_hat[:, k]) > 0.95


def test_step_spreads_only_forward(fc1):
    steps = study.gptq_steps(fc1, 3, -1, True)
    s = study.step(steps, 5)
    assert s.column == steps.perm[5]
    assert np.all(s.spread[:6] == 0) and np.all(s.moved[:6] == 0)
    assert np.all(s.spread[6:] >= 0) and s.spread[6:].max() > 0
    last = study.step(steps, 63)
    assert not last.spread.any()
    with pytest.raises(ValueError, match="k=64"):
        study.step(steps, 64)


def test_act_order_scatters_groups(fc1):
    steps = study.gptq_steps(fc1, 3, 32, True)
    # diag(H) is sorted, so the groups are not the contiguous ones
    assert np.all(np.diff(steps.diag_h) <= 0)
    assert steps.scattered > 0
    assert np.array_equal(np.bincount(steps.groups), [32, 32])


def test_awq_view(fc1):
    view = study.awq_view(fc1, 3, -1)
    s = ptq.awq_search(fc1.w, fc1.x, bits=3, clip=False)
    assert view.ratio == s.ratio and np.array_equal(view.losses, s.losses)
    assert view.gain >= 1
    assert len(view.salient) == study.SALIENT_MIN
    assert view.x_mean[view.salient[0]] == view.x_mean.max()


def test_outlier_layer_orientation():
    case = study.outlier_layer(count=2, magnitude=50.0, seed=1)
    assert case.w.shape == (study.OUTLIER_SHAPE[2], study.OUTLIER_SHAPE[1])
    assert case.x.shape == study.OUTLIER_SHAPE[:2]


def test_upload_layer_checks():
    w = np.ones((4, 8))
    x = np.ones((16, 8))
    case = study.upload_layer({"W": w, "X": x})
    assert case.w.dtype == np.float32 and case.name == "upload"
    with pytest.raises(ValueError, match="named 'X'"):
        study.upload_layer({"W": w})
    with pytest.raises(ValueError, match="X has 7 input channels"):
        study.upload_layer({"W": w, "X": np.ones((16, 7))})
    with pytest.raises(ValueError, match="must be 2-D"):
        study.upload_layer({"W": np.ones(8), "X": x})
    with pytest.raises(ValueError, match="W inputs = 2000"):
        study.upload_layer({"W": np.ones((4, 2000)), "X": np.ones((4, 2000))})
    with pytest.raises(ValueError, match="not finite"):
        study.upload_layer({"W": np.full((4, 8), 1e300), "X": x})
