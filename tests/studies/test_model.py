"""The digits network study: float and fake-quantized forward passes, calibration, scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from quantviz.formats import fake_quantize_format
from quantviz.observers import make_observer
from quantviz.quantize import QParams, QuantConfig, compute_qparams, fake_quantize
from quantviz.studies import model
from quantviz.studies.model import Network, Plan, Scheme, Score


@pytest.fixture(scope="module")
def study():
    return model.load_study()


def tiny() -> Network:
    # 2 -> 2 -> 1: W1 = [[1, -1], [0.5, 2]], b1 = [0, -1]; W2 = [[1, 1]], b2 = [0.5]
    return Network(("fc1", "fc2"),
                   (np.array([[1, -1], [0.5, 2]], np.float32), np.array([[1, 1]], np.float32)),
                   (np.array([0, -1], np.float32), np.array([0.5], np.float32)))


def test_the_tiny_network_forward_by_hand():
    # x = [1, 2]: h1 = [1 - 2 + 0, 0.5 + 4 - 1] = [-1, 3.5] -> relu [0, 3.5]; y = 3.5 + 0.5 = 4
    acts = model.activations(tiny(), np.array([[1, 2]], np.float32))
    np.testing.assert_array_equal(acts[1], [[0, 3.5]])
    np.testing.assert_array_equal(acts[2], [[4.0]])


def test_two_bit_symmetric_weights_by_hand():
    # int2 signed: qmin = -2, qmax = 1, full-range divisor (1 - (-2)) / 2 = 1.5.
    # W1: amax 2, scale 4/3; W1 / scale = [[0.75, -0.75], [0.375, 1.5]] -> rint
    #   [[1, -1], [0, 2]] -> clip [[1, -1], [0, 1]] -> W1_hat = [[4/3, -4/3], [0, 4/3]]
    # W2: amax 1, scale 2/3; 1.5 -> rint 2 -> clip 1 -> W2_hat = [[2/3, 2/3]]
    # x = [1, 2]: h1 = [4/3 - 8/3, 8/3 - 1] = [-4/3, 5/3] -> relu [0, 5/3];
    # y = 2/3 * 5/3 + 0.5 = 10/9 + 1/2 = 29/18
    net = tiny()
    scheme = Scheme("symmetric", False, "asymmetric", "minmax")
    ranges = ((0.0, 1.0),) * 3
    qnet = model.quantize_network(net, scheme, 2, ranges, Plan((True, True), (False,) * 3))
    np.testing.assert_allclose(qnet.weights[0], [[4 / 3, -4 / 3], [0, 4 / 3]], rtol=1e-6)
    np.testing.assert_allclose(qnet.weights[1], [[2 / 3, 2 / 3]], rtol=1e-6)
    y = model.quantized_forward(qnet, np.array([[1, 2]], np.float32))
    np.testing.assert_allclose(y, [[29 / 18]], rtol=1e-6)


def test_quantizing_only_the_logits_fake_quantizes_the_float_output(study):
    net, data = study
    scheme = model.ADVICE
    ranges = model.activation_ranges(net, data.calib_x, scheme, 6, 3)
    logits_only = Plan((False,) * 3, (False, False, False, True))
    qnet = model.quantize_network(net, scheme, 6, ranges, logits_only)
    expected = fake_quantize(model.forward(net, data.test_x),
                             compute_qparams(*ranges[3], scheme.act_config(6)))
    np.testing.assert_array_equal(model.quantized_forward(qnet, data.test_x), expected)


def test_quantizing_one_layers_weights_changes_only_that_layer(study):
    net, data = study
    scheme = Scheme("asymmetric", True, "asymmetric", "minmax")
    qnet = model.quantize_network(net, scheme, 4, ((0.0, 1.0),) * 4, model.plan("weights", (1,)))
    cfg = scheme.weight_config(4)
    w_hat = fake_quantize(net.weights[1], model.weight_qparams(net.weights[1], cfg, True), axis=0)
    by_hand = Network(net.names, (net.weights[0], w_hat, net.weights[2]), net.biases)
    np.testing.assert_array_equal(model.quantized_forward(qnet, data.test_x),
                                  model.forward(by_hand, data.test_x))


def test_the_float_accuracy_is_the_one_the_training_script_recorded(study):
    net, data = study
    correct = int(np.count_nonzero(model.float_predictions(net, data) == data.test_labels))
    assert correct == data.float_test_correct == 436
    assert data.test_x.shape == (450, 64) and data.calib_x.shape == (320, 64)
    assert [w.shape for w in net.weights] == [(64, 64), (32, 64), (10, 32)]
    # pixels are counts 0..16, the input pixels / 16
    assert data.test_images.max() == 16 and data.test_x.max() == 1.0


def test_plan_by_hand():
    assert model.plan("weights") == Plan((True,) * 3, (False,) * 4)
    assert model.plan("activations") == Plan((False,) * 3, (True,) * 4)
    # one layer alone, as AIMET's per-layer analysis: its weights and output, the input for fc1
    assert model.plan("both", (0,)) == Plan((True, False, False), (True, True, False, False))
    assert model.plan("both", (2,)) == Plan((False, False, True), (False, False, False, True))
    assert model.plan("activations", (1,)) == Plan((False,) * 3, (False, False, True, False))


@pytest.mark.parametrize("call", [
    lambda: model.plan("all"),
    lambda: model.plan("both", (3,)),
    lambda: Scheme(weight_scheme="affine"),
    lambda: model.calibration_batches(np.zeros((320, 64), np.float32), 0),
    lambda: model.calibration_batches(np.zeros((320, 64), np.float32), 11),
])
def test_bad_input_is_a_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_minmax_calibration_by_hand(study):
    net, data = study
    ranges = model.activation_ranges(net, data.calib_x, Scheme(observer="minmax"), 8, 2)
    seen = data.calib_x[:2 * model.BATCH]
    assert ranges[0] == (float(seen.min()), float(seen.max()))
    # batch by batch, as calibration runs: a matrix product of 64 rows may round its last bit
    # differently from two of 32
    logits = np.concatenate([model.forward(net, b)
                             for b in model.calibration_batches(data.calib_x, 2)])
    assert ranges[3] == (float(logits.min()), float(logits.max()))


def test_moving_average_calibration_by_hand(study):
    # two batches: m = m1 + c * (m2 - m1) in float32, c = 0.01
    net, data = study
    scheme = Scheme(observer="moving_average", params=(("averaging_constant", 0.01),))
    ranges = model.activation_ranges(net, data.calib_x, scheme, 8, 2)
    b1, b2 = (model.activations(net, b)[1] for b in model.calibration_batches(data.calib_x, 2))
    c = np.float32(0.01)
    hi = b1.max() + c * (b2.max() - b1.max())
    assert ranges[1] == (0.0, float(hi))
    one = model.activation_ranges(net, data.calib_x, scheme, 8, 1)
    assert one == model.activation_ranges(net, data.calib_x, Scheme(observer="minmax"), 8, 1)


@pytest.mark.parametrize("observer", ["percentile", "mse"])
def test_one_update_with_every_batch_equals_batch_by_batch(study, observer):
    net, data = study
    scheme = Scheme(observer=observer, act_scheme="asymmetric")
    got = model.activation_ranges(net, data.calib_x, scheme, 4, 3)
    acts = [model.activations(net, b) for b in model.calibration_batches(data.calib_x, 3)]
    for p in range(4):
        obs = make_observer(observer, scheme.act_config(4))
        for a in acts:
            obs.update(a[p])
        assert got[p] == (obs.x_min, obs.x_max)


def test_results_are_deterministic(study):
    net, data = study
    first = model.bit_sweep(net, data, model.ADVICE, 3, bits=(3, 8))
    again = model.bit_sweep(net, data, model.ADVICE, 3, bits=(3, 8))
    assert first == again
    s = Scheme("asymmetric", True, "symmetric", "entropy")
    np.testing.assert_array_equal(model.predictions(net, data, s, 5, "both", 2),
                                  model.predictions(net, data, s, 5, "both", 2))


def test_sixteen_bits_agree_with_float_on_every_image(study):
    net, data = study
    for mode in model.MODES:
        for scheme in model.ADVICE_VARIANTS.values():
            s = model.evaluate(net, data, scheme, 16, mode, 4)
            assert s.agree == s.n == 450, (mode, scheme)


def test_weight_steps_shrink_with_bits_and_bound_the_error(study):
    # MinMax never clips a weight, so |w - w_hat| <= scale / 2 (plus float32 rounding of the
    # product); the step strictly shrinks with every added bit
    net, _ = study
    for per_channel in (False, True):
        for scheme in ("symmetric", "asymmetric"):
            steps = []
            for bits in range(2, 17):
                cfg = QuantConfig(bits, scheme, signed=True)
                w = net.weights[0]
                qp = model.weight_qparams(w, cfg, per_channel)
                axis = 0 if per_channel else None
                err = np.abs(fake_quantize(w, qp, axis=axis) - w)
                scale = np.asarray(qp.scale).reshape(-1, 1) if per_channel else qp.scale
                assert np.all(err <= scale / 2 * (1 + 1e-5) + 1e-7)
                steps.append(np.max(qp.scale))
            assert all(a > b for a, b in zip(steps, steps[1:], strict=False))


def test_two_bits_lose_and_eight_bits_keep_the_accuracy(study):
    net, data = study
    sweep = model.bit_sweep(net, data, model.ADVICE, 4, bits=(2, 8))
    for mode in model.MODES:
        low, high = sweep.scores[mode]
        assert low.correct < high.correct
        assert high.correct >= data.float_test_correct - 2


def test_mistakes_by_hand():
    labels = np.array([0, 1, 2, 3, 4])
    float_pred = np.array([0, 1, 9, 3, 4])
    quant_pred = np.array([0, 7, 9, 8, 4])
    # wrong: 1, 2, 3; float right on 1 and 3 (flipped by quantization) -> 1, 3 first, then 2
    m = model.mistakes(quant_pred, float_pred, labels)
    assert m.index.tolist() == [1, 3, 2] and m.total == 3 and m.flipped == 2
    assert m.float_pred.tolist() == [1, 3, 9] and m.quant_pred.tolist() == [7, 8, 9]
    assert model.mistakes(quant_pred, float_pred, labels, limit=1).index.tolist() == [1]


def test_most_sensitive_layer_by_hand():
    s = lambda c, a: Score(c, a, 100)  # noqa: E731
    layers = (model.LayerScore("fc1", s(90, 95), s(90, 95), s(88, 90)),
              model.LayerScore("fc2", s(90, 95), s(90, 95), s(85, 91)),
              model.LayerScore("fc3", s(90, 95), s(90, 95), s(85, 88)))
    # fc2 and fc3 both keep 85; fc3 agrees less with the float model
    assert model.most_sensitive(layers).name == "fc3"


def test_versus_by_hand():
    labels = np.array([0, 1, 2, 3, 4, 5])
    advice = np.array([0, 1, 2, 9, 9, 9])    # right on 0, 1, 2
    variant = np.array([0, 9, 9, 3, 4, 5])   # right on 0, 3, 4, 5
    v = model.versus("x", 8, variant, advice, labels, labels)
    # gained: 3, 4, 5 (variant right, advice wrong); lost: 1, 2
    assert (v.gained, v.lost, v.difference) == (3, 2, 1)
    assert v.noise == pytest.approx(np.sqrt(5)) and not v.beyond_noise
    strong = model.Versus("y", 8, Score(0, 0, 1), gained=9, lost=0)  # 9 > 2 * sqrt(9) = 6
    assert strong.beyond_noise
    # 4 gained, none lost: 4 = 2 * sqrt(4), on the line, not beyond it
    assert not model.Versus("z", 8, Score(0, 0, 1), gained=4, lost=0).beyond_noise


def test_the_advice_test_compares_every_variant_on_the_same_images(study):
    net, data = study
    test = model.advice_test(net, data, 2, bits=(4,))
    assert list(test.scores) == list(model.ADVICE_VARIANTS)
    advice = test.scores["advice"][0]
    for name, (v,) in test.versus.items():
        # the counts of right answers differ by exactly gained - lost
        assert test.scores[name][0].correct - advice.correct == v.difference, name
        assert v.score == test.scores[name][0]


def test_layer_sensitivity_and_calibrators_cover_every_layer_and_observer(study):
    net, data = study
    layers = model.layer_sensitivity(net, data, model.ADVICE, 3, 2)
    assert [s.name for s in layers] == ["fc1", "fc2", "fc3"]
    alone = model.evaluate(net, data, model.ADVICE, 3, "both", 2, layers=(2,))
    assert layers[2].both == alone
    cal = model.compare_calibrators(net, data, model.ADVICE, 8, 2)
    assert [c.observer for c in cal] == [name for name, _ in model.CALIBRATORS]
    minmax = model.activation_ranges(net, data.calib_x, Scheme(observer="minmax"), 8, 2)
    for c in cal:  # every range lies inside MinMax's (moving average: up to float32 rounding)
        for (lo, hi), (mlo, mhi) in zip(c.ranges, minmax, strict=True):
            assert mlo - 1e-5 <= lo <= hi <= mhi + 1e-5


def test_fake_quantized_forward_matches_torch():
    torch = pytest.importorskip("torch")
    net, data = model.load_study()
    scheme = Scheme("symmetric", True, "asymmetric", "minmax")
    bits = 8
    ranges = model.activation_ranges(net, data.calib_x, scheme, bits, 4)
    qnet = model.quantize_network(net, scheme, bits, ranges, model.plan("both"))
    ours = model.quantized_forward(qnet, data.test_x)

    def fq(h, qp):
        return torch.fake_quantize_per_tensor_affine(h, qp.scale, qp.zero_point, qp.qmin, qp.qmax)

    h = fq(torch.from_numpy(data.test_x.copy()), qnet.act_qparams[0])
    for i, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        qp = qnet.weight_qparams[i]
        w_hat = torch.fake_quantize_per_channel_affine(
            torch.from_numpy(w.copy()), torch.from_numpy(np.asarray(qp.scale, np.float32)),
            torch.from_numpy(np.asarray(qp.zero_point, np.int32)), 0, qp.qmin, qp.qmax)
        np.testing.assert_array_equal(w_hat.numpy(), qnet.weights[i])
        h = torch.nn.functional.linear(h, w_hat, torch.from_numpy(b.copy()))
        if i < 2:
            h = torch.relu(h)
        h = fq(h, qnet.act_qparams[i + 1])
    theirs = h.numpy()
    # the matrix products may round differently; codes then differ by at most one step
    step = qnet.act_qparams[3].scale
    assert np.max(np.abs(ours - theirs)) <= step * 1.001
    assert np.mean(ours == theirs) > 0.99
    np.testing.assert_array_equal(np.argmax(ours, 1), np.argmax(theirs, 1))


def test_lowest_bits_within_by_hand():
    s = lambda c: Score(c, c, 100)  # noqa: E731
    sweep = model.BitSweep((2, 4, 8, 16), {"both": (s(10), s(95), s(89), s(90))})
    # float 90, slack 1: 16 (90) and 8 (89) hold, 4 (95) holds, 2 (10) does not -> 4
    assert sweep.lowest_bits_within("both", 90) == 4
    # slack 0: 8 bits (89) breaks the run that starts at 16 -> 16
    assert sweep.lowest_bits_within("both", 90, slack=0) == 16
    assert sweep.lowest_bits_within("both", 99) is None


# -- the integer-only network against PyTorch's converted model (committed golden) --------------

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden_model.npz"
GOLDEN_CASES = {
    "sym_tensor": Scheme("symmetric", False),
    "sym_channel": Scheme("symmetric", True),
    "asym_tensor": Scheme("asymmetric", False),
    "asym_channel": Scheme("asymmetric", True),
}


@pytest.fixture(scope="module")
def golden():
    with np.load(GOLDEN, allow_pickle=False) as f:
        return dict(f)


def golden_network(net: Network, g: dict, case: str) -> model.QuantizedNetwork:
    """The network with the golden file's parameters (8 bits, quint8 activations)."""
    acfg = QuantConfig(8, "asymmetric", signed=False)
    aqps = tuple(QParams(float(s), int(z), 0, 255, acfg)
                 for s, z in zip(g[f"{case}/act_scale"], g[f"{case}/act_zero_point"],
                                 strict=True))
    wqps = []
    for i in range(3):
        s, z = g[f"{case}/w{i}_scale"], g[f"{case}/w{i}_zero_point"]
        wcfg = QuantConfig(8, GOLDEN_CASES[case].weight_scheme, signed=True)
        per_tensor = s.size == 1 and not GOLDEN_CASES[case].per_channel
        wqps.append(QParams(float(s[0]), int(z[0]), -128, 127, wcfg) if per_tensor
                    else QParams(s, z, -128, 127, wcfg))
    return model.QuantizedNetwork(net, net.weights, tuple(wqps), aqps)


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_our_parameters_are_the_goldens(study, golden, case):
    net, data = study
    scheme = GOLDEN_CASES[case]
    ranges = model.activation_ranges(net, data.calib_x, scheme, 8, 4)
    qnet = model.quantize_network(net, scheme, 8, ranges, model.plan("both"))
    np.testing.assert_array_equal([q.scale for q in qnet.act_qparams],
                                  golden[f"{case}/act_scale"])
    for i, wqp in enumerate(qnet.weight_qparams):
        np.testing.assert_array_equal(np.atleast_1d(wqp.zero_point),
                                      golden[f"{case}/w{i}_zero_point"])


@pytest.mark.parametrize("case", GOLDEN_CASES)
@pytest.mark.parametrize("saturate", [False, True], ids=["vnni", "avx2"])
def test_the_integer_network_equals_pytorchs_converted_model(study, golden, case, saturate):
    # torch 2.13, x86 engine: quantize_per_tensor, LinearReLU, LinearReLU, Linear; "avx2" is
    # FBGEMM limited to AVX2 (int16-saturating pair sums), which changes thousands of codes
    net, data = study
    qnet = golden_network(net, golden, case)
    images = golden[f"{case}/codes0"].shape[0]
    ours = model.integer_forward(qnet, data.test_x[:images], saturate=saturate)
    prefix = "avx2_codes" if saturate else "codes"
    for p, codes in enumerate(ours):
        np.testing.assert_array_equal(codes, golden[f"{case}/{prefix}{p}"], err_msg=f"point {p}")
    if not saturate:
        other = golden[f"{case}/avx2_codes2"]
        assert np.count_nonzero(other != golden[f"{case}/codes2"]) > 0  # the two do differ


@pytest.mark.parametrize("bits", [8, 6, 4])
def test_integer_and_fake_quantized_networks_agree(study, bits):
    # measured: every answer equal; at most one code apart (one code of fc2 at 6 bits, where
    # the float32 dot product and the int32 sum round a near-tie differently)
    net, data = study
    c = model.integer_check(net, data, model.ADVICE, bits, 4)
    assert c.agree == 450 and c.integer == c.fake
    assert max(c.max_diff) <= 1
    assert all(e >= t - 2 for e, t in zip(c.equal, c.total, strict=True))
    assert c.chain_equal[0] == 450 * 64  # the input codes: no near-ties among pixels / 16
    # full-range uint8 activations saturate some AVX2 pair sums at 8 bits only
    assert (c.saturated_pairs > 0) == (bits == 8)


def test_no_integer_path_for_signed_activations_or_wide_codes(study):
    net, data = study
    assert model.integer_problem(Scheme(act_scheme="symmetric"), 8) == "activations"
    assert model.integer_problem(model.ADVICE, 10) == "bits"
    assert model.integer_problem(model.ADVICE, 8) is None
    with pytest.raises(ValueError, match="activations"):
        model.integer_check(net, data, Scheme(act_scheme="symmetric"), 8, 2)


def test_the_point_range_key_names_everything_a_range_depends_on(study):
    net, data = study
    values = model.calibration_values(net, data.calib_x, 2)
    signs = [model.all_nonnegative(v) for v in values]
    assert signs == [True, True, True, False]  # pixels and ReLU outputs; the logits have both
    for observer in ("minmax", "moving_average", "percentile", "mse", "entropy"):
        schemes = (Scheme("symmetric", False, "asymmetric", observer),
                   Scheme("asymmetric", True, "symmetric", observer))  # other weights, acts
        settings = [(s, b) for s in schemes for b in (3, 4, 8)]
        for p, v in enumerate(values):
            seen = {}
            for s, b in settings:
                k = model.point_range_key(s, b, signs[p])
                got = model.point_range(v, s, b)
                assert seen.setdefault(k, got) == got, (observer, p, s, b)
        a = schemes[0]
        # the searches depend on the grid: another key for another bit width
        assert (model.point_range_key(a, 4, True) == model.point_range_key(a, 8, True)) == (
            observer in model.CONFIG_FREE_OBSERVERS)
    # entropy on non-negative values: signed symmetric 4 bits has 2^3 = 8 levels, as unsigned
    # asymmetric 3 bits: one search for both; on signed values (the logits) they differ
    sym4, asym3 = Scheme(act_scheme="symmetric", observer="entropy"), \
        Scheme(act_scheme="asymmetric", observer="entropy")
    assert model.point_range_key(sym4, 4, True) == model.point_range_key(asym3, 3, True)
    assert model.point_range(values[1], sym4, 4) == model.point_range(values[1], asym3, 3)
    assert model.point_range_key(sym4, 4, False) != model.point_range_key(asym3, 3, False)
    mse4, mse8 = (model.activation_ranges(net, data.calib_x, Scheme(observer="mse"), b, 2)
                  for b in (4, 8))
    assert mse4 != mse8
    assert model.activation_ranges(net, data.calib_x, sym4, 4, 2) == tuple(
        model.point_range(v, sym4, 4) for v in values)


def test_a_shared_calibrate_gives_the_same_results(study):
    net, data = study
    seen = []

    def calibrate(scheme, bits):
        seen.append(model.point_range_key(scheme, bits, True))
        return model.activation_ranges(net, data.calib_x, scheme, bits, 2)

    shared = model.scheme_table(net, data, "minmax", (), 2, (4,), calibrate)
    assert shared == model.scheme_table(net, data, "minmax", (), 2, (4,))
    assert set(seen) == {("minmax", ())}  # one range for all eight schemes


def test_narrowest_range_by_hand():
    ref = ((0.0, 1.0), (0.0, 4.0), (-2.0, 2.0), (0.0, 0.0))
    ranges = ((0.0, 0.5), (0.0, 1.0), (-2.0, 2.0), (0.0, 0.0))
    # shares: 0.5 / 1 = 0.5, 1 / 4 = 0.25, 4 / 4 = 1, empty reference -> 1
    assert model.narrowest_range(ranges, ref) == (1, 0.25)
    assert model.narrowest_range(ref, ref) == (0, 1.0)


def test_network_from_tensors_checks_names_shapes_and_values(study):
    net, _ = study
    tensors = {f"{n}.{k}": a for n, w, b in zip(net.names, net.weights, net.biases, strict=True)
               for k, a in (("weight", w), ("bias", b))}
    same = model.network_from_tensors({**tensors, "extra": np.zeros(3)}, net)
    for a, b in zip(same.weights + same.biases, net.weights + net.biases, strict=True):
        np.testing.assert_array_equal(a, b)
    missing = {k: v for k, v in tensors.items() if k != "fc2.bias"}
    with pytest.raises(ValueError, match="no tensor 'fc2.bias'"):
        model.network_from_tensors(missing, net)
    with pytest.raises(ValueError, match=r"fc1.weight has shape \[64, 63\]"):
        model.network_from_tensors({**tensors, "fc1.weight": np.zeros((64, 63))}, net)
    bad = net.weights[2].astype(np.float64).copy()
    bad[0, 0] = 1e300  # finite in float64, infinite in float32
    with pytest.raises(ValueError, match="fc3.weight holds values that are not finite"):
        model.network_from_tensors({**tensors, "fc3.weight": bad}, net)


# -- number formats on the bit-width axis -------------------------------------------------------


def test_weights_bits_per_value_by_hand():
    net, _ = model.load_study()
    # layers (64, 64), (32, 64), (10, 32): 6464 weights. MXFP4: every row a whole number of
    # 32-blocks -> 4 + 8/32 = 4.25. NF4: rows of 64 hold one 64-block (4 + 32/64 = 4.5), the
    # last layer's rows of 32 one short block (4 + 32/32 = 5):
    # (6144 * 4.5 + 320 * 5) / 6464 = 29248 / 6464
    assert model.weights_bits_per_value(net, "mxfp4") == pytest.approx(4.25)
    assert model.weights_bits_per_value(net, "nf4") == pytest.approx(29248 / 6464)
    # FP8 per tensor: 8 bits and one float32 scale per layer: 8 + 3 * 32 / 6464
    assert model.weights_bits_per_value(net, "fp8_e4m3") == pytest.approx(8 + 96 / 6464)


def test_format_activation_scales_each_image_on_its_own():
    h = np.random.default_rng(0).standard_normal((5, 40)).astype(np.float32)
    h[2] *= 1000  # one loud image must not change the others' scales
    for fmt in ("fp8_e4m3", "nvfp4", "mxfp4", "nf4"):
        out = model.format_activation(h, fmt)
        for i in range(5):
            np.testing.assert_array_equal(out[i], fake_quantize_format(h[i], fmt))
    # a per-tensor scale over the batch would differ: the loud image sets it
    assert not np.array_equal(model.format_activation(h, "fp8_e4m3"),
                              fake_quantize_format(h, "fp8_e4m3"))


def test_format_logits_follow_the_plan():
    net, data = model.load_study()
    x = data.test_x[:20]
    # nothing quantized: the float network
    off = model.Plan((False,) * 3, (False,) * 4)
    np.testing.assert_array_equal(model.format_logits(net, x, "mxfp4", off), model.forward(net, x))
    # weights only: the float network with fake-quantized weights
    wq = model.Network(net.names, tuple(fake_quantize_format(w, "nvfp4") for w in net.weights),
                       net.biases)
    np.testing.assert_array_equal(
        model.format_logits(net, x, "nvfp4", model.plan("weights")), model.forward(wq, x))
    # activations only: the input and every layer's output through the format
    h = model.format_activation(x, "fp8_e5m2")
    for i, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        h = h @ w.T + b
        h = model.format_activation(np.maximum(h, 0) if i < 2 else h, "fp8_e5m2")
    np.testing.assert_array_equal(
        model.format_logits(net, x, "fp8_e5m2", model.plan("activations")), h)


def test_format_sweep_scores_each_format_in_its_modes():
    net, data = model.load_study()
    fmts = model.format_sweep(net, data, ("mxfp8_e4m3", "nf4"))
    assert [f.fmt for f in fmts] == ["mxfp8_e4m3", "nf4"]
    assert set(fmts[0].scores) == {"weights", "both"} and set(fmts[1].scores) == {"weights"}
    float_pred = model.float_predictions(net, data)
    logits = model.format_logits(net, data.test_x, "mxfp8_e4m3", model.plan("both"))
    assert fmts[0].scores["both"] == model.score(np.argmax(logits, axis=1), float_pred,
                                                 data.test_labels)
    # 8-bit MX loses at most an image or two on this network
    assert fmts[0].scores["both"].correct >= data.float_test_correct - 2
    with pytest.raises(ValueError, match="fmt="):
        model.format_sweep(net, data, ("fp3",))


# -- the y range of a chart of percentages --------------------------------------------------

def test_percent_axis_zooms_on_the_reference_and_names_what_falls_below():
    # float 96.9 %; values 15..97.2: lo = max(15, 96.9 - 10) - 1.5 = 85.4, hi = 97.2 + 1.5
    axis = model.percent_axis({"a": [15.0, 90.0, 97.2], "b": [80.0, 96.0, 96.5]}, 96.9,
                              (2, 3, 4))
    assert axis.lo == pytest.approx(85.4) and axis.hi == pytest.approx(98.7)
    assert axis.below == (2,) and axis.lowest == 15.0


def test_percent_axis_of_close_values_starts_just_below_them():
    # every value within 10 points: lo = 95.1 - 1.5 = 93.6, hi = max(97.1, 96.9) + 1.5 = 98.6
    axis = model.percent_axis({"w": [96.7, 96.9, 97.1], "both": [96.9, 96.7, 95.1]}, 96.9,
                              ("fc1", "fc2", "fc3"))
    assert (axis.lo, axis.hi) == pytest.approx((93.6, 98.6)) and axis.below == ()


def test_percent_axis_never_goes_below_zero_and_skips_gaps():
    # reference 5 %: 5 - 10 < 0 and min 1 - 1.5 < 0 -> lo = 0; NaN is not a value
    axis = model.percent_axis({"a": [1.0, float("nan")]}, 5.0, (2, 3))
    assert axis.lo == 0.0 and axis.hi == pytest.approx(6.5) and axis.below == ()
    with pytest.raises(ValueError, match="focus=-1"):
        model.percent_axis({"a": [1.0]}, 5.0, (2,), focus=-1)
