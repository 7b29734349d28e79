"""Each toolchain's own numbers: PyTorch's observers on their defaults, its fused QAT observer,
ONNX Runtime's calibration formula and QuantizeLinear kernel, the TensorRT and TFLite presets.

The golden file (scripts/golden_toolchains.py, torch 2.13.0 and onnxruntime 1.32.0) is read with
numpy only; the live tests at the end skip without torch / onnxruntime.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from quantviz.observers import MovingAverageMinMaxObserver
from quantviz.quantize import QParams, QuantConfig, dequantize, quantize
from quantviz.toolchains import (
    TOOLCHAINS,
    onnxruntime_qparams,
    onnxruntime_range,
    pytorch_fused_qparams,
    pytorch_qparams,
    tensorrt_qparams,
    tflite_qparams,
)

F32 = np.float32
GOLDEN = np.load(Path(__file__).parents[1] / "data" / "golden_toolchains.npz")
META = json.loads(str(GOLDEN["meta"]))


def as_f32(b) -> np.ndarray:
    return np.asarray(b, dtype=np.uint32).view(F32)


def bits(x) -> int:
    return int(np.array(x, dtype=F32).view(np.uint32))


def stream(s: int) -> list[np.ndarray]:
    out, i = [], 0
    while f"stream/{s}/batch{i}" in GOLDEN:
        out.append(as_f32(GOLDEN[f"stream/{s}/batch{i}"]))
        i += 1
    return out


def tie_inputs(scale: float, zero_point: int, qmin: int, qmax: int) -> np.ndarray:
    """Every half step of the grid (two codes past each end) and its float32 neighbours."""
    k = np.arange(qmin - 2, qmax + 2, dtype=np.float64)
    half = ((k - zero_point + 0.5) * np.float64(scale)).astype(F32)
    return np.concatenate([half, np.nextafter(half, F32(np.inf)), np.nextafter(half, F32(-np.inf))])


# --- hand-computed references -----------------------------------------------------------------

def test_reduce_range_drops_one_bit_as_pytorch_does():
    # PyTorch calculate_qmin_qmax: quint8 0..127, qint8 -64..63 with reduce_range
    assert (QuantConfig(8, reduce_range=True).qmin, QuantConfig(8, reduce_range=True).qmax) \
        == (0, 127)
    cfg = QuantConfig(8, "symmetric", signed=True, reduce_range=True)
    assert (cfg.qmin, cfg.qmax) == (-64, 63)
    with pytest.raises(ValueError, match="reduce_range"):
        QuantConfig(2, reduce_range=True)
    with pytest.raises(ValueError, match="reduce_range"):
        QuantConfig(8, reduce_range=1)


def test_pytorch_default_quint8_symmetric_zero_point_is_128():
    x = np.array([-1.0, 2.0], F32)
    qp = pytorch_qparams([x], dtype="quint8", qscheme="per_tensor_symmetric")
    # amax = 2, scale = 2 / 127.5; default range: Z = 128 (explicit 0..255 would give 127)
    assert (qp.zero_point, qp.qmin, qp.qmax) == (128, 0, 255)
    assert qp.scale == float(F32(2) / F32(127.5))


def test_histogram_quint8_symmetric_reduce_range_returns_zero_point_outside_its_range():
    x = np.linspace(-1, 1, 1001, dtype=F32)
    qp = pytorch_qparams([x], observer="histogram", dtype="quint8",
                         qscheme="per_tensor_symmetric", reduce_range=True)
    assert (qp.zero_point, qp.qmin, qp.qmax) == (128, 0, 127)
    # every code clips at 127 or below: nothing above 0 survives
    assert quantize(x, qp).max() == 127


def test_pytorch_refusals_become_value_errors():
    with pytest.raises(ValueError, match="Cannot reduce range"):
        pytorch_qparams([np.ones(3)], observer="minmax", dtype="quint8",
                        qscheme="per_tensor_symmetric", reduce_range=True)
    with pytest.raises(ValueError, match="observer"):
        pytorch_qparams([np.ones(3)], observer="kl")
    with pytest.raises(ValueError, match="dtype"):
        pytorch_qparams([np.ones(3)], dtype="int4")
    with pytest.raises(ValueError, match="batches"):
        pytorch_qparams(3.0)


def test_pytorch_no_data_gives_scale_one_zero_point_zero():
    qp = pytorch_qparams([np.zeros(0, F32)], observer="histogram")
    assert (qp.scale, qp.zero_point) == (1.0, 0)


def test_onnxruntime_hand_values():
    # uint8: scale = 3 / 255 (float64, stored float32), Z = round(0 - (-1) / scale) = 85
    qp = onnxruntime_qparams(-1.0, 2.0, qtype="uint8")
    assert qp.scale == float(F32(3 / 255)) and qp.zero_point == 85
    # symmetric uint8: [-2, 2] / 255, Z = round(127.5) = 128 (half to even)
    qp = onnxruntime_qparams(-1.0, 2.0, qtype="uint8", symmetric=True)
    assert qp.zero_point == 128 and qp.scale == float(F32(4 / 255))
    # symmetric int8 uses -127..127: scale = 4 / 254 = 2 / 127
    qp = onnxruntime_qparams(-1.0, 2.0, qtype="int8", symmetric=True)
    assert (qp.qmin, qp.qmax, qp.zero_point) == (-127, 127, 0)
    assert qp.scale == float(F32(2 / 127))
    # all zeros: scale below float32's tiny -> 1.0 and Z = 0, even for symmetric uint8
    assert (onnxruntime_qparams(0, 0, qtype="uint8", symmetric=True).scale,
            onnxruntime_qparams(0, 0, qtype="uint8", symmetric=True).zero_point) == (1.0, 0)
    assert onnxruntime_range("int8", reduce_range=True) == (-64, 64)
    assert onnxruntime_range("uint8", symmetric=True, reduce_range=True) == (0, 127)
    with pytest.raises(ValueError, match="qtype"):
        onnxruntime_range("int4")
    with pytest.raises(ValueError, match="finite"):
        onnxruntime_qparams(float("nan"), 1.0)


def test_onnxruntime_divides_where_pytorch_multiplies_by_the_reciprocal():
    # scale = 0.1 (float32): x / scale and x * (1/scale) round apart on some half steps
    s = F32(0.1)
    x = tie_inputs(float(s), 0, -128, 127)
    ort = QParams(float(s), 0, -128, 127, QuantConfig(8, signed=True, arithmetic="onnxruntime"))
    pt = QParams(float(s), 0, -128, 127, QuantConfig(8, signed=True))
    expected_ort = np.clip(np.rint(x / s), -128, 127)
    expected_pt = np.clip(np.rint(x * (F32(1) / s)), -128, 127)
    assert np.array_equal(quantize(x, ort), expected_ort)
    assert np.array_equal(quantize(x, pt), expected_pt)
    assert np.count_nonzero(expected_ort != expected_pt) > 0


def test_tensorrt_and_tflite_presets():
    # TensorRT: amax = 3, step 3 / 127, -127..127
    qp = tensorrt_qparams(-3.0, 1.0)
    assert (qp.scale, qp.zero_point, qp.qmin, qp.qmax) == (float(F32(3) / F32(127)), 0, -127,
                                                          127)
    # TFLite activations: scale = 3 / 255; Z = round(-128 - (-1) / scale) = round(-43) = -43
    qp = tflite_qparams(-1.0, 2.0)
    assert qp.scale == float(F32(3) / F32(255)) and qp.zero_point == -43
    assert (qp.qmin, qp.qmax) == (-128, 127)
    # weights: symmetric, amax / 127 on -127..127
    w = tflite_qparams(-2.0, 1.0, weights=True)
    assert w.scale == float(F32(2) / F32(127))
    assert (w.qmin, w.qmax, w.zero_point) == (-127, 127, 0)


def test_fused_qat_rules_hand_values():
    # asymmetric [-1, 2] on 0..127: scale = 3 / 127 (float64), Z from the min: 127/3 = 42.33
    qp = pytorch_fused_qparams(-1.0, 2.0, 0, 127)
    assert qp.scale == float(F32(3 / 127)) and qp.zero_point == 42
    # symmetric int8: max(|-1| / 128, 2 / 127) = 2/127; range [-256/127, 2]; scale 4.0157/255
    qp = pytorch_fused_qparams(-1.0, 2.0, -128, 127, symmetric=True)
    assert qp.zero_point == 0
    # all zeros: scale 0 -> 0.1
    assert pytorch_fused_qparams(0.0, 0.0, 0, 127).scale == float(F32(0.1))


def test_every_toolchain_runs_and_its_snippet_compiles():
    x = np.random.default_rng(0).standard_normal(3000).astype(F32)
    batches = np.array_split(x, 4)
    for key, tc in TOOLCHAINS.items():
        qp = tc.qparams(batches)
        assert qp.qmin <= 0 <= qp.qmax and qp.scale > 0, key
        compile(tc.snippet.format(batches=4), key, "exec")
        assert tc.source


# --- goldens -------------------------------------------------------------------------------

OBSERVER_TABLES = [("minmax", "torch/minmax", None),
                   ("moving_average", "torch/moving_average_0.01", 0.01),
                   ("moving_average", "torch/moving_average_0.3", 0.3),
                   ("histogram", "torch/histogram", None)]


@pytest.mark.parametrize("observer, key, c", OBSERVER_TABLES)
def test_pytorch_qparams_match_the_golden(observer, key, c):
    rows = GOLDEN[key]
    codes = GOLDEN.get(f"{key}_codes")
    offset, checked = 0, 0
    for row in rows:
        s, d, k, rr, raised, scale_bits, zp, qmin, qmax, lo_bits, hi_bits = (int(v) for v in row)
        data = stream(s)
        kwargs = dict(observer=observer, dtype=META["dtypes"][d], qscheme=META["qschemes"][k],
                      reduce_range=bool(rr), averaging_constant=c or 0.01)
        n = sum(b.size for b in data) if codes is not None and s < META["code_streams"] else 0
        if raised:
            with pytest.raises(ValueError):
                pytorch_qparams(data, **kwargs)
            offset += n
            continue
        qp = pytorch_qparams(data, **kwargs)
        assert (bits(qp.scale), qp.zero_point, qp.qmin, qp.qmax) == (scale_bits, zp, qmin,
                                                                   qmax), row
        if n:
            want = codes[offset: offset + n]
            offset += n
            if np.all(want == META["refused"]):
                assert not qp.qmin <= qp.zero_point <= qp.qmax
            else:
                assert np.array_equal(quantize(np.concatenate(data), qp), want), row
        checked += 1
    assert checked > 100 and (codes is None or offset == codes.size)


def test_histogram_observer_range_matches_the_golden():
    from quantviz.observers import HistogramObserver
    rows = GOLDEN["torch/histogram"]
    underflows = 0
    for s in np.unique(rows[:, 0]):
        row = rows[(rows[:, 0] == s) & (rows[:, 4] == 0)][0]
        obs = HistogramObserver()
        for b in stream(int(s)):
            obs.update(b)
        if obs.underflow:  # search skipped: the data's range, which holds PyTorch's
            lo, hi = as_f32([row[9], row[10]])
            assert obs.x_min <= lo <= hi <= obs.x_max, s
            underflows += 1
            continue
        assert (bits(obs.x_min), bits(obs.x_max)) == (int(row[9]), int(row[10])), s
    assert underflows == 2  # the two streams of scripts/golden_toolchains.py


def test_fused_qat_observer_matches_the_golden():
    for row in GOLDEN["torch/qat"]:
        s, variant, scale_bits, zp, qmin, qmax, lo_bits, hi_bits = (int(v) for v in row)
        obs = MovingAverageMinMaxObserver(0.01)
        for b in stream(s):
            obs.update(b)
        assert (bits(obs.x_min), bits(obs.x_max)) == (lo_bits, hi_bits), row
        qp = pytorch_fused_qparams(obs.x_min, obs.x_max, qmin, qmax, symmetric=variant == 1)
        assert (bits(qp.scale), qp.zero_point) == (scale_bits, zp), row


def test_onnxruntime_qparams_match_the_golden():
    pairs = as_f32(GOLDEN["ort/ranges"])
    rows = GOLDEN["ort/qparams"]
    assert len(rows) >= 3200  # 400 ranges x 2 qtypes x symmetric x reduce_range
    for row in rows:
        p, t, sym, rr, scale_bits, zp, qmin, qmax = (int(v) for v in row)
        qp = onnxruntime_qparams(float(pairs[p, 0]), float(pairs[p, 1]),
                                 qtype=META["qtypes"][t], symmetric=bool(sym),
                                 reduce_range=bool(rr))
        assert (bits(qp.scale), qp.zero_point, qp.qmin, qp.qmax) == (scale_bits, zp, qmin,
                                                                   qmax), row


def test_onnxruntime_quantize_linear_codes_match_the_golden():
    for k, (scale_bits, zp, t, tie_min, tie_max) in enumerate(GOLDEN["ort/kernel"]):
        qtype = META["qtypes"][int(t)]
        qmin, qmax = (0, 255) if qtype == "uint8" else (-128, 127)  # QuantizeLinear saturates
        scale = float(as_f32(scale_bits))
        qp = QParams(scale, int(zp), qmin, qmax,
                     QuantConfig(8, signed=qtype == "int8", arithmetic="onnxruntime"))
        x = np.concatenate([tie_inputs(scale, int(zp), int(tie_min), int(tie_max)),
                            as_f32(GOLDEN[f"ort/kernel_x{k}"])])
        q = quantize(x, qp)
        assert np.array_equal(q, GOLDEN[f"ort/kernel_q{k}"]), k
        y_extra = as_f32(GOLDEN[f"ort/kernel_y{k}"])
        with np.errstate(over="ignore"):  # a 3e38-wide range: ONNX Runtime gives inf too
            y = dequantize(q, qp)[x.size - y_extra.size:]
        assert np.array_equal(y.view(np.uint32), y_extra.view(np.uint32)), k


def test_onnxruntime_quantize_saturates_to_the_type_at_the_ends():
    # Every qtype x symmetric x reduce_range on the ends of each range, with our own
    # parameters: QuantizeLinear saturates to the type (uint8 0..255), not the calibration's
    # qmax, so reduce_range uint8 symmetric stores the maximum as 128 (past qmax 127).
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from golden_toolchains import end_inputs
    ranges = as_f32(GOLDEN["ort/ends_ranges"])
    cases = {(int(t), int(sym), int(rr)) for _, t, sym, rr in GOLDEN["ort/ends"]}
    assert len(cases) == 8
    past_qmax = 0
    for (p, t, sym, rr), q_ref in zip(GOLDEN["ort/ends"], GOLDEN["ort/ends_q"],
                                      strict=True):
        qp = onnxruntime_qparams(float(ranges[p, 0]), float(ranges[p, 1]),
                                 qtype=META["qtypes"][t], symmetric=bool(sym),
                                 reduce_range=bool(rr))
        x = end_inputs(float(ranges[p, 0]), float(ranges[p, 1]))
        assert np.array_equal(quantize(x, qp), q_ref), (p, t, sym, rr)
        past_qmax += int(np.count_nonzero(q_ref > qp.qmax))
    # the hand case: [-1, 1], uint8, symmetric, reduce_range: qmin..qmax 0..127, Z = 64,
    # scale = 2/127, 1/scale = 63.5 -> 64 + 63.5 = 127.5 -> 128 (half to even)
    qp = onnxruntime_qparams(-1.0, 1.0, qtype="uint8", symmetric=True, reduce_range=True)
    assert (qp.qmin, qp.qmax, qp.zero_point) == (0, 127, 64)
    assert quantize(np.array([1.0], F32), qp)[0] == 128
    assert past_qmax > 0


# --- live comparisons (dev only) -----------------------------------------------------------

def test_live_histogram_observer_against_torch():
    torch = pytest.importorskip("torch")
    from torch.ao.quantization import HistogramObserver as TorchHistogram
    rng = np.random.default_rng(99)
    for case in range(6):
        batches = [(rng.standard_normal(int(rng.integers(1, 500))) * (1 + b) + case * b)
                   .astype(F32) for b in range(int(rng.integers(1, 5)))]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obs = TorchHistogram(reduce_range=True)
            for b in batches:
                obs(torch.from_numpy(b))
            scale, zp = obs.calculate_qparams()
        qp = pytorch_qparams(batches, observer="histogram", reduce_range=True)
        assert (bits(qp.scale), qp.zero_point) == (bits(scale.item()), int(zp.item()))


def test_histogram_parameters_without_the_search_are_exact_or_refused():
    # span 5.7e-14 around -1.5 eps (eps = 2^-23): the search's error terms are subnormal, so
    # it is skipped; the widest choice gives lo / eps = -1.5 - tiny -> zero point 2, the
    # narrowest -1.5 + tiny -> 1: the answer depends on the search, so it is refused
    x = (F32(-3 * 2.0**-24) + np.arange(-2, 3, dtype=F32) * F32(2.0**-46)).astype(F32)
    with pytest.raises(ValueError, match="smallest normal") as info:
        pytorch_qparams([x], observer="histogram")
    assert info.value.kind == "histogram_underflow"
    # shifted down by 1e-8, lo / eps = -1.58 at both ends: rint gives -2 either way, so the
    # scale is eps = 2^-23 and the zero point 0 - (-2) = 2 whatever the search picks
    qp = pytorch_qparams([(x - F32(1e-8)).astype(F32)], observer="histogram")
    assert (qp.scale, qp.zero_point) == (2.0**-23, 2)


def test_live_histogram_observer_where_its_errors_underflow():
    torch = pytest.importorskip("torch")
    from torch.ao.quantization import HistogramObserver as TorchHistogram
    rng = np.random.default_rng(7)
    for scale in (1e-30, 1e-18, 1e-16, 1e-15):
        x = (rng.standard_normal(3000) * scale).astype(F32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obs = TorchHistogram()
            obs(torch.from_numpy(x))
            want_scale, want_zp = obs.calculate_qparams()
        qp = pytorch_qparams([x], observer="histogram")
        assert (bits(qp.scale), qp.zero_point) == (bits(want_scale.item()), int(want_zp.item()))


def test_live_onnxruntime_quantize_linear():
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from golden_toolchains import ort_session
    sess = ort_session("uint8")
    x = np.random.default_rng(5).standard_normal(5000).astype(F32)
    qp = onnxruntime_qparams(float(x.min()), float(x.max()), qtype="uint8")
    q, y = sess.run(None, {"x": x, "s": np.array(qp.scale, F32),
                           "z": np.array(qp.zero_point, np.uint8)})
    assert np.array_equal(quantize(x, qp), q)
    assert np.array_equal(dequantize(quantize(x, qp), qp), y)
    for qtype in ("uint8", "int8"):  # every range on fresh data, codes past qmax included
        sess = ort_session(qtype)
        for symmetric in (False, True):
            for reduce_range in (False, True):
                qp = onnxruntime_qparams(float(x.min()), float(x.max()), qtype=qtype,
                                         symmetric=symmetric, reduce_range=reduce_range)
                q, _ = sess.run(None, {"x": x * F32(1.01), "s": np.array(qp.scale, F32),
                                       "z": np.array(qp.zero_point, qtype)})
                assert np.array_equal(quantize(x * F32(1.01), qp), q), (qtype, symmetric)


def test_tflite_rounds_the_zero_point_half_away_from_zero():
    # [-1.5, 253.5]: scale = 255 / 255 = 1, zero_point_from_min = -128 + 1.5 = -126.5:
    # std::round gives -127 (half to even would give -126)
    qp = tflite_qparams(-1.5, 253.5)
    assert (qp.scale, qp.zero_point) == (1.0, -127)


def test_pytorch_refuses_an_averaged_range_that_rounding_inverted():
    # c = 1: the averaged max 66 + (1.3501164 - 66) rounds to 1.3501129 in float32, below the
    # averaged min 1.3501164: PyTorch's check_min_max_valid fails, so we raise
    batches = [np.array([66.0, 0.0], F32), np.array([1.3501164], F32)]
    with pytest.raises(ValueError, match="should be less than"):
        pytorch_qparams(batches, observer="moving_average", averaging_constant=1.0)
    # one array is one batch
    qp = pytorch_qparams(np.array([-1.0, 3.0], F32))
    assert qp.scale == float(F32(4) / F32(255)) and qp.zero_point == 64  # round(1 / 0.0157)


def test_live_snippets_print_the_adapters_numbers(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    pytest.importorskip("onnxruntime")
    import contextlib
    import io
    x = np.random.default_rng(11).standard_normal(4000).astype(F32)
    np.save(tmp_path / "x.npy", x)
    monkeypatch.chdir(tmp_path)
    for key, tc in TOOLCHAINS.items():
        out = io.StringIO()
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(tc.snippet.format(batches=8), key, "exec"), {})
        scale, zero_point, qmin, qmax = out.getvalue().split()
        qp = tc.qparams(np.array_split(x, 8))
        assert (float(scale), int(zero_point), int(qmin), int(qmax)) == (
            float(F32(qp.scale)), qp.zero_point, qp.qmin, qp.qmax), key


# --- live checks of the defaults the page texts state (registry of claims) -------------------

def test_live_pytorch_defaults_the_texts_state():
    # calibration.stream_c.help, gap.degenerate, learn.s7.defaults, toolchains.about.*,
    # preset.weights.help, layer.rr.help
    import inspect

    torch = pytest.importorskip("torch")
    from torch.ao import quantization as tq

    from quantviz.quantize import EPS

    ours = inspect.signature(MovingAverageMinMaxObserver).parameters["averaging_constant"]
    theirs = tq.MovingAverageMinMaxObserver()
    assert ours.default == theirs.averaging_constant == 0.01
    assert theirs.eps.item() == EPS == torch.finfo(torch.float32).eps
    ptq = tq.get_default_qconfig("x86")
    act, weight = ptq.activation(), ptq.weight()
    assert type(act) is tq.HistogramObserver and act.reduce_range
    assert type(weight) is tq.PerChannelMinMaxObserver
    assert (weight.dtype, weight.qscheme) == (torch.qint8, torch.per_channel_symmetric)
    qat = tq.get_default_qat_qconfig("x86")
    act, weight = qat.activation(), qat.weight()
    assert type(act) is tq.FusedMovingAvgObsFakeQuantize
    assert type(act.activation_post_process) is tq.MovingAverageMinMaxObserver
    assert act.activation_post_process.reduce_range
    assert type(weight.activation_post_process) is tq.MovingAveragePerChannelMinMaxObserver


def test_live_pytorch_refuses_what_the_quirks_say():
    # toolchains.refusal.symmetric_reduce_quint8, toolchains.quirks.intro
    torch = pytest.importorskip("torch")
    from torch.ao import quantization as tq

    args = {"dtype": torch.quint8, "qscheme": torch.per_tensor_symmetric, "reduce_range": True}
    with pytest.raises(NotImplementedError, match="Cannot reduce range for symmetric"):
        tq.MinMaxObserver(**args)
    with pytest.raises(NotImplementedError, match="Cannot reduce range for symmetric"):
        tq.MovingAverageMinMaxObserver(**args)
    hist = tq.HistogramObserver(**args)  # accepted
    hist(torch.linspace(-1, 1, 1001))
    assert int(hist.calculate_qparams()[1]) == 128
    plain = tq.MinMaxObserver(dtype=torch.quint8, qscheme=torch.per_tensor_symmetric)
    plain(torch.linspace(-1, 1, 11))
    assert int(plain.calculate_qparams()[1]) == 128
    custom = tq.MinMaxObserver(dtype=torch.quint8, qscheme=torch.per_tensor_symmetric,
                               quant_min=0, quant_max=127)
    custom(torch.linspace(-1, 1, 11))
    assert int(custom.calculate_qparams()[1]) == 63  # (0 + 127) // 2, rounded down


def test_live_onnxruntime_defaults_the_texts_state():
    # toolchains.about.onnxruntime_static, learn.s6.rules.no_ort
    import inspect

    pytest.importorskip("onnxruntime")
    from onnx import TensorProto
    from onnxruntime.quantization import CalibrationMethod, QuantType, quantize_static
    from onnxruntime.quantization.quant_utils import get_qmin_qmax_for_qType

    from quantviz.studies.lessons import ORT_SYMMETRIC_RANGES

    params = inspect.signature(quantize_static).parameters
    assert params["activation_type"].default == QuantType.QInt8
    assert params["calibrate_method"].default == CalibrationMethod.MinMax
    assert params["reduce_range"].default is False
    types = {4: TensorProto.INT4, 8: TensorProto.INT8, 16: TensorProto.INT16}
    for bits, qtype in types.items():
        lo, hi = get_qmin_qmax_for_qType(qtype, symmetric=True)
        assert (int(lo), int(hi)) == ORT_SYMMETRIC_RANGES[bits]
    assert sorted(ORT_SYMMETRIC_RANGES) == [4, 8, 16]
