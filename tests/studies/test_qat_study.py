"""The QAT study: deterministic runs, sane accuracy, oscillation counts, the loss landscape."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz.studies import qat as study
from quantviz.studies.model import load_study

F32 = np.float32


@pytest.fixture(scope="module")
def loaded():
    return load_study()


def test_same_config_same_numbers(loaded):
    net, data = loaded
    cfg = study.QATConfig(bits=3, method="lsq", epochs=2, seed=5)
    assert study.fine_tune(net, data, cfg) == study.fine_tune(net, data, cfg)


def test_seed_changes_the_batch_order(loaded):
    net, data = loaded
    runs = [study.fine_tune(net, data, study.QATConfig(bits=2, epochs=2, seed=s))
            for s in (0, 1)]
    assert runs[0].accuracy[0] == runs[1].accuracy[0]
    assert runs[0] != runs[1]


def test_start_is_the_per_tensor_ptq_baseline(loaded):
    net, data = loaded
    base = study.ptq_baseline(net, data, 3)
    r = study.fine_tune(net, data, study.QATConfig(bits=3, epochs=0))
    assert r.accuracy == (base.per_tensor,)
    assert r.oscillations == () and r.frozen == 0


def test_training_recovers_two_bits(loaded):
    # 2-bit per-tensor PTQ collapses (about 20 %); a few epochs of either method recover most
    net, data = loaded
    base = study.ptq_baseline(net, data, 2)
    assert base.per_tensor < 0.4
    for method in study.METHODS:
        r = study.fine_tune(net, data, study.QATConfig(bits=2, method=method, epochs=4))
        assert r.accuracy[-1] > base.per_tensor + 0.3, method


def test_four_bits_stay_near_float(loaded):
    net, data = loaded
    float_acc = data.float_test_correct / data.test_labels.size
    for method in study.METHODS:
        r = study.fine_tune(net, data, study.QATConfig(bits=4, method=method, epochs=2))
        assert min(r.accuracy) > float_acc - 0.05, method


def test_ste_keeps_minmax_scales_and_lsq_learns_them(loaded):
    net, data = loaded
    ste = study.fine_tune(net, data, study.QATConfig(bits=2, method="ste", epochs=1))
    lsq = study.fine_tune(net, data, study.QATConfig(bits=2, method="lsq", epochs=1))
    assert ste.weight_scales == ste.minmax_weight_scales
    assert ste.act_scales == ste.minmax_act_scales
    assert lsq.minmax_weight_scales == ste.minmax_weight_scales
    assert all(a != b for a, b in zip(lsq.weight_scales, lsq.minmax_weight_scales, strict=True))


def test_oscillations_counted_and_freezing_stops_weights(loaded):
    net, data = loaded
    free = study.fine_tune(net, data, study.QATConfig(bits=2, epochs=3, lr=0.02))
    frozen = study.fine_tune(net, data, study.QATConfig(bits=2, epochs=3, lr=0.02, freeze=True))
    assert sum(free.oscillations) > 0 and free.frozen == 0
    assert all(w <= e for w, e in zip(free.oscillating, free.oscillations, strict=True))
    assert frozen.frozen > 0


@pytest.mark.parametrize("kwargs", [{"bits": 1}, {"bits": 9}, {"method": "adam"},
                                    {"epochs": -1}, {"lr": float("nan")}])
def test_config_refuses(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        study.QATConfig(**kwargs)


def test_loss_landscape_hand_computed():
    # scale 1, codes -2..1, target 0.3: rint(w) = [-3, -1, -0, 0, 1, 2] -> clip -> x_hat =
    # [-2, -1, 0, 0, 1, 1]; dL/dx_hat = x_hat - 0.3 = [-2.3, -1.3, -0.3, -0.3, 0.7, 0.7];
    # inside: w -1.4 .. 0.6; LSQ dscale inside (x_hat - w)/s * dL: -1.3 * 0.4, -0.3 * 0.5,
    # -0.3 * -0.2, 0.7 * 0.4; below: -2.3 * (qmin - 0) = 4.6; above: 0.7 * (qmax - 0) = 0.7
    w = np.array([-3.0, -1.4, -0.5, 0.2, 0.6, 2.0], dtype=F32)
    ls = study.loss_landscape(w, 1.0, -2, 1, target=0.3)
    assert ls.x_hat.tolist() == [-2, -1, 0, 0, 1, 1]
    assert ls.mask.tolist() == [False, True, True, True, True, False]
    assert ls.true_grad.tolist() == [0.0] * 6
    assert ls.ste_grad == pytest.approx([0, -1.3, -0.3, -0.3, 0.7, 0], abs=1e-6)
    assert ls.lsq_scale_grad == pytest.approx([4.6, -0.52, -0.15, 0.06, 0.28, 0.7], abs=1e-6)
    assert ls.loss == pytest.approx(np.array([2.3, 1.3, 0.3, 0.3, 0.7, 0.7]) ** 2 / 2)
    assert ls.jumps.tolist() == pytest.approx([-1.4, -0.5, 0.6])


def test_loss_landscape_refuses_bad_scale():
    with pytest.raises(ValueError, match="scale=0"):
        study.loss_landscape(np.zeros(3), 0.0, -2, 1)


def test_stopping_and_resuming_gives_one_uninterrupted_run(loaded):
    # two epochs, a pause (the result read), one more: the numbers of a three-epoch run
    net, data = loaded
    cfg = study.QATConfig(bits=2, method="lsq", epochs=3, seed=4, freeze=True)
    run = study.start(net, data, cfg)
    assert run.epochs_done == 0 and study.result(run).accuracy == (
        study.ptq_baseline(net, data, 2).per_tensor,)
    for _ in range(2):
        study.train_epoch(run, data)
    paused = study.result(run)
    assert paused.config.epochs == 2 and len(paused.accuracy) == 3
    study.train_epoch(run, data)
    assert study.result(run) == study.fine_tune(net, data, cfg)
    assert paused.accuracy == study.result(run).accuracy[:3]


def test_one_weight_at_three_bits_by_hand():
    # bits 3: codes -4..3; scale 0.2: the clip range is [-0.8, 0.6]. w = 0.47: rint(2.35) = 2,
    # x_hat = 0.4, dL/dx_hat = 0.4 - 0.3 = 0.1 (STE passes it); LSQ: 0.1 * (2 - 2.35) = -0.035
    one = study.one_weight(3, 0.2, 0.47)
    assert (one.qmin, one.qmax, one.target) == (-4, 3, 0.3)
    assert one.at.x_hat[0] == pytest.approx(0.4) and one.at.mask[0]
    assert one.at.ste_grad[0] == pytest.approx(0.1, abs=1e-6)
    assert one.at.lsq_scale_grad[0] == pytest.approx(-0.035, abs=1e-6)
    assert one.curve.w.size == study.LANDSCAPE_POINTS
    # 8 codes: 7 steps inside the range
    assert one.curve.jumps.size == 7
    assert not one.curve.mask[0] and not one.curve.mask[-1]
