"""Which layer hurts: llama.cpp's KL measures by hand, rankings, the budget, the methods."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quantviz.studies import model
from quantviz.studies import sensitivity as sens


@pytest.fixture(scope="module")
def study():
    return model.load_study()


def test_kl_by_hand():
    # base logits (0, 0): p = (1/2, 1/2); quant logits (log 3, 0): q = (3/4, 1/4)
    # KL = 1/2 ln((1/2)/(3/4)) + 1/2 ln((1/2)/(1/4)) = 1/2 ln(2/3) + 1/2 ln 2 = 1/2 ln(4/3)
    # image 2: base (0, ln 3) -> p = (1/4, 3/4); quant the same: KL 0
    base = np.array([[0.0, 0.0], [0.0, math.log(3)]])
    quant = np.array([[math.log(3), 0.0], [0.0, math.log(3)]])
    labels = np.array([1, 1])
    s = sens.output_score(base, quant, labels)
    assert s.mean_kl == pytest.approx(0.5 * (0.5 * math.log(4 / 3)))
    # top-1: base ties on image 1 (first max: class 0), quant picks class 0: same; image 2 same
    assert s.same_top == 1.0
    # delta p on the label (class 1): (1/4 - 1/2) and 0 -> mean -1/8
    assert s.delta_p == pytest.approx(-0.125)
    assert s.correct == 1 and s.accuracy == 0.5


def test_kl_floor_leaves_out_tiny_classes():
    # p_float(class 1) = e^-20 / (1 + e^-20): log below -16, left out as llama.cpp does
    base = np.array([[0.0, -20.0]])
    quant = np.array([[0.0, 0.0]])
    s = sens.output_score(base, quant, np.array([0]))
    p0 = 1 / (1 + math.exp(-20))
    assert s.mean_kl == pytest.approx(p0 * (math.log(p0) - math.log(0.5)))


def test_kl_zero_for_the_same_logits():
    z = np.random.default_rng(0).normal(size=(5, 10))
    s = sens.output_score(z, z, np.zeros(5, int))
    assert s.mean_kl == 0 and s.same_top == 1 and s.delta_p == 0


def test_weight_stats_by_hand():
    # 99 zeros and one 10: mean 0.1, std sqrt(0.99) ~ 0.995; 10 is 9.95 std away: one channel
    w = np.zeros((10, 10))
    w[3, 7] = 10
    st = sens.weight_stats(w)
    assert st.outlier_channels == 1
    assert st.reach == pytest.approx(9.9 / math.sqrt(0.99))


def test_layer_group():
    assert sens.layer_group(-1, 64) == -1
    assert sens.layer_group(32, 64) == 32
    assert sens.layer_group(32, 32) == -1
    with pytest.raises(ValueError, match="group_size=48"):
        sens.layer_group(48, 64)


def test_sensitivity_ranking_is_deterministic(study):
    net, data = study
    a = sens.layer_sensitivity(net, data, 3)
    b = sens.layer_sensitivity(net, data, 3)
    assert a == b
    assert [r.name for r in a] == list(net.names)
    for m in (*sens.MEASURES, "weight"):
        order = sens.ranking(a, m)
        assert sorted(r.index for r in order) == [0, 1, 2]
    kls = [r.score.mean_kl for r in sens.ranking(a, "kl")]
    assert kls == sorted(kls, reverse=True)
    correct = [r.score.correct for r in sens.ranking(a, "accuracy")]
    assert correct == sorted(correct)
    sqnr = [r.weight_sqnr for r in sens.ranking(a, "weight")]
    assert sqnr == sorted(sqnr)
    assert [r.score.same_top for r in sens.ranking(a, "same_top")] == sorted(
        r.score.same_top for r in a)
    assert [r.score.delta_p for r in sens.ranking(a, "delta_p")] == sorted(
        r.score.delta_p for r in a)
    # at 3 bits fc3's weights keep the highest SQNR, yet its rounding costs the most KL
    assert sens.most_sensitive(a, "kl").name == "fc3"
    assert sens.ranking(a, "weight")[-1].name == "fc3"
    with pytest.raises(ValueError, match="measure="):
        sens.ranking(a, "loss")


def test_one_layer_at_a_time_keeps_the_others_float(study):
    net, data = study
    w = sens.quantized_weights(net, data.calib_x, "rtn", (None, 4, None), -1)
    assert w[0] is net.weights[0] and w[2] is net.weights[2]
    assert not np.array_equal(w[1], net.weights[1])


def test_bits_per_weight_by_hand(study):
    net, _ = study
    # fc1 64x64, fc2 32x64, fc3 10x32: 4096 + 2048 + 320 = 6464 weights
    # rows as groups: 4 + 32/64 for fc1 and fc2, 4 + 32/32 for fc3
    expected = (6144 * 4.5 + 320 * 5) / 6464
    assert sens.bits_per_weight(net, (4, 4, 4), -1) == pytest.approx(expected)


def _choice(bits, bpw, kl):
    return sens.Choice(bits, bpw, sens.OutputScore(0, 1, kl, 1.0, 0.0))


def test_pareto_front_by_hand():
    a, b, c, d = (_choice((i,), bpw, kl) for i, (bpw, kl) in
                  enumerate([(2, 0.5), (3, 0.6), (3, 0.2), (4, 0.2)]))
    # b is beaten by a (cheaper, smaller KL); d by c (same KL, cheaper)
    assert sens.pareto_front((a, b, c, d)) == (a, c)


def test_greedy_by_hand():
    # two layers, levels (2, 4); raising layer 0 costs 1 bit and cuts KL by 0.3, layer 1
    # costs 1 bit and cuts 0.1: the greedy raises layer 0 first
    choices = {(2, 2): _choice((2, 2), 2, 0.5), (4, 2): _choice((4, 2), 3, 0.2),
               (2, 4): _choice((2, 4), 3, 0.4), (4, 4): _choice((4, 4), 4, 0.0)}
    path = sens.greedy_path(choices, (2, 4))
    assert [c.bits for c in path] == [(2, 2), (4, 2), (4, 4)]


def test_budget_and_method_table(study):
    net, data = study
    b = sens.budget(net, data, levels=(3, 8))
    assert len(b.choices) == 8
    assert b.front[0].bits == (3, 3, 3) and b.front[-1].bits == (8, 8, 8)
    assert b.greedy[0].bits == (3, 3, 3) and b.greedy[-1].bits == (8, 8, 8)
    assert len(b.greedy) == 4
    kls = [c.score.mean_kl for c in b.front]
    assert kls == sorted(kls, reverse=True)
    table = sens.method_table(net, data, bits=(4,))
    assert set(table) == {(m, 4) for m in ("rtn", "gptq", "gptq_act", "awq", "hqq")}
    # GPTQ, which sees the inputs, leaves a smaller KL than round-to-nearest at 4 bits
    assert table["gptq", 4].mean_kl < table["rtn", 4].mean_kl
