"""What the QAT page's figures show: the loss staircase and its gradients along one weight,
accuracy per epoch against references, MinMax against learned scales, oscillations."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz import present
from quantviz.studies import qat as study

F32 = np.float32


@pytest.fixture(scope="module")
def one():
    # bits 2, scale 0.5: codes -2..1, clip range [-1, 0.5] on the axis [-1.5, 1.5]
    return study.one_weight(2, 0.5, 0.2)


def test_landscape_is_a_staircase_with_the_clip_zones_shaded(one):
    c = one.curve
    fig = present.qat_landscape(c.w, c.loss, c.mask, w0=0.2, loss0=float(one.at.loss[0]),
                                labels={"loss": "L", "clip": "clipped", "w0": "here"})
    loss, clip, here = fig.data
    assert (loss.name, clip.name, here.name) == ("L", "clipped", "here")
    assert loss.line.shape == "hv"
    # x_hat takes 4 values (codes -2..1) -> the loss 4 treads; step_corners keeps the two
    # ends and the first sample of each new tread: 3 jumps + 2 ends = 5 points
    assert len(loss.x) == 5 and len(set(np.round(loss.y, 6))) == 4
    # loss at w = 0.2: rint(0.4) = 0 -> x_hat 0, L = (0 - 0.3)^2 / 2 = 0.045
    assert here.y[0] == pytest.approx(0.045)
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    # clipped: w < -1.25 (rint(w/0.5) < -2) and w >= 0.75 (rint >= 2; 0.75 is a tie to 2)
    assert len(bands) == 2
    assert bands[0].x0 == pytest.approx(-1.5) and bands[0].x1 < -1.25
    assert bands[1].x0 == pytest.approx(0.75) and bands[1].x1 == pytest.approx(1.5)
    (mark,) = [s for s in fig.layout.shapes if s.type == "line"]
    assert mark.x0 == pytest.approx(0.2)


def test_gradients_show_zero_spikes_ste_and_lsq(one):
    c = one.curve
    fig = present.qat_gradients(c.w, c.ste_grad, c.lsq_scale_grad, c.mask, c.jumps,
                                labels={"true": "true", "ste": "STE", "lsq": "LSQ"})
    true, spikes, heads, ste, lsq, _ = fig.data
    assert list(true.y) == [0.0, 0.0] and true.name == "true"
    # one spike (x, x, NaN) per jump: 3 jumps between the 4 codes
    assert len(spikes.x) == 3 * c.jumps.size == 9 and len(heads.x) == 3
    np.testing.assert_allclose(np.asarray(spikes.x)[0::3], c.jumps)
    top = max(np.abs(c.ste_grad).max(), np.abs(c.lsq_scale_grad).max()) * 1.15
    assert np.asarray(spikes.y)[1] == pytest.approx(top, rel=1e-6)
    # the STE is the loss's slope inside and 0 where clipped; LSQ is drawn as given
    np.testing.assert_array_equal(np.asarray(ste.y), c.ste_grad)
    assert np.all(np.asarray(ste.y)[~c.mask] == 0) and np.any(np.asarray(lsq.y)[~c.mask] != 0)
    assert (ste.name, lsq.name) == ("STE", "LSQ")


def test_gradients_without_jumps_still_draw():
    w = np.linspace(-1, 1, 5, dtype=F32)
    fig = present.qat_gradients(w, np.zeros(5, F32), np.zeros(5, F32), np.ones(5, bool),
                                np.zeros(0, F32))
    assert len(fig.data[1].x) == 0 and not [s for s in fig.layout.shapes if s.type == "rect"]


def test_accuracy_lines_per_epoch_and_reference_lines():
    fig = present.qat_accuracy({"STE": [20.0, 60.0, 70.0], "LSQ": [20.0, 65.0]},
                               references={"PTQ": 20.0, "float": 96.9})
    ste, lsq, ptq, flt = fig.data
    assert list(ste.x) == [0, 1, 2] and list(ste.y) == [20.0, 60.0, 70.0]
    assert list(lsq.x) == [0, 1]
    # a reference spans the longest run: epochs 0..2
    assert list(ptq.x) == [0, 2] and list(flt.y) == [96.9, 96.9]
    assert ptq.line.dash == "dash" and ste.line.color != lsq.line.color


def test_scales_grouped_bars_on_a_log_axis_labelled_with_values():
    fig = present.qat_scales(["fc1 weights", "input"], [0.1, 0.0042], [0.08, 0.005],
                             labels={"learned": "after"})
    minmax, learned = fig.data
    assert (minmax.name, learned.name) == ("MinMax", "after")
    assert list(minmax.y) == [0.1, 0.0042] and list(learned.text) == ["0.08", "0.005"]
    assert fig.layout.yaxis.type == "log" and fig.layout.barmode == "group"


def test_oscillations_one_group_per_epoch():
    fig = present.qat_oscillations({"events": [19, 33, 43], "weights": [17, 30, 37]})
    events, weights = fig.data
    assert list(events.x) == [1, 2, 3] and list(weights.y) == [17, 30, 37]
    assert fig.layout.barmode == "group"
