"""Bit-for-bit agreement with PyTorch.

The committed golden file (written by scripts/make_golden.py) holds PyTorch's observer ranges
and parameters, ``quantize_per_tensor`` codes and ``fake_quantize_*`` outputs on small seeded
inputs, as bit patterns; these tests need no torch. The live tests at the end compare against
an installed torch on fresh data and skip when torch is absent.

One known difference, by design: ``torch.quantize_per_tensor`` on x86 (FBGEMM) adds the zero
point before rounding, in one fused multiply-add: ``rint(fl(x * (1/scale) + zero_point))``.
``fake_quantize_per_tensor_affine`` (and the reference ``quantize_per_tensor`` of PyTorch's
decomposed ops, and ours) round first: ``rint(fl(x * (1/scale))) + zero_point``. With a non-zero
zero point the two differ by one code where ``x * (1/scale)`` is within float32 rounding of a
half step. Our codes therefore always reproduce ``fake_quantize``; ``quantize_per_tensor`` is
checked against a model of its kernel (:func:`fbgemm_codes`), and our codes against it wherever
the model and we agree.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quantviz.observers import MinMaxObserver, MovingAverageMinMaxObserver
from quantviz.quantize import (
    QParams,
    QuantConfig,
    channel_minmax,
    compute_qparams,
    fake_quantize,
    quantize,
)

F32 = np.float32
GOLDEN = np.load(Path(__file__).parents[1] / "data" / "golden_torch.npz")
META = json.loads(str(GOLDEN["meta"]))
PER_TENSOR = META["per_tensor"]
PER_CHANNEL = META["per_channel"]
CASES = [(case, name) for case in META["cases"] for name in PER_TENSOR]
INT_REPR_CASES = [(case, name) for case, name in CASES if PER_TENSOR[name]["int_repr"]]


def as_f32(b: np.ndarray) -> np.ndarray:
    return np.asarray(b, dtype=np.uint32).view(F32)


def bits(x) -> np.ndarray:
    return np.array(x, dtype=F32).view(np.uint32).astype(np.int64)


def config(c: dict) -> QuantConfig:
    cfg = QuantConfig(c["bits"], c["scheme"], c["signed"], c["narrow_range"])
    assert (cfg.qmin, cfg.qmax) == (c["quant_min"], c["quant_max"])
    return cfg


def batches(case: str) -> list[np.ndarray]:
    out, i = [], 0
    while f"{case}/batch{i}" in GOLDEN:
        out.append(as_f32(GOLDEN[f"{case}/batch{i}"]))
        i += 1
    return out


def x_of(case: str, name: str) -> np.ndarray:
    key = f"{case}/{name}/x"
    return as_f32(GOLDEN[key] if key in GOLDEN else GOLDEN[f"{case}/x"])


def observe(cfg: QuantConfig, data: list[np.ndarray]):
    """Our MinMax and moving-average observers over the batches, in the golden file's order."""
    observers = [MinMaxObserver()] + [MovingAverageMinMaxObserver(a)
                                      for a in META["averaging_constants"]]
    for obs in observers:
        for b in data:
            obs.update(b)
    return observers


def fbgemm(qp: QParams) -> QParams:
    """The same parameters with the "fbgemm" arithmetic (torch.quantize_per_tensor on x86)."""
    return dataclasses.replace(qp, config=dataclasses.replace(qp.config, arithmetic="fbgemm"))


def test_golden_file_is_small_and_complete():
    path = Path(__file__).parents[1] / "data" / "golden_torch.npz"
    assert path.stat().st_size < 200_000
    assert META["torch"].startswith("2.")
    assert {"normal", "relu", "ties", "beyond", "zeros", "constant", "tiny"} <= set(
        META["cases"])
    assert len(CASES) >= 50 and len(INT_REPR_CASES) >= 30


@pytest.mark.parametrize(("case", "name"), CASES)
def test_observers_and_qparams_match_torch(case, name):
    cfg = config(PER_TENSOR[name])
    rows = GOLDEN[f"{case}/{name}/observers"][..., 0]
    for obs, row in zip(observe(cfg, batches(case)), rows, strict=True):
        qp = obs.compute_qparams(cfg)
        ours = [int(bits(obs.x_min)), int(bits(obs.x_max)), int(bits(qp.scale)), qp.zero_point]
        assert ours == row.tolist(), f"{type(obs).__name__}: ours {ours} torch {row.tolist()}"


@pytest.mark.parametrize(("case", "name"), CASES)
def test_fake_quantize_matches_torch_bit_for_bit(case, name):
    cfg = config(PER_TENSOR[name])
    qp = observe(cfg, batches(case))[0].compute_qparams(cfg)
    x = x_of(case, name)
    ours = bits(fake_quantize(x, qp))
    torch_out = GOLDEN[f"{case}/{name}/fake_quantize"].astype(np.int64)
    bad = np.flatnonzero(ours != torch_out)
    assert bad.size == 0, f"{bad.size} differ, first x={x[bad[0]]!r}"


@pytest.mark.parametrize(("case", "name"), INT_REPR_CASES)
def test_quantize_matches_torch_quantize_per_tensor(case, name):
    cfg = config(PER_TENSOR[name])
    qp = observe(cfg, batches(case))[0].compute_qparams(cfg)
    x = x_of(case, name)
    int_repr = GOLDEN[f"{case}/{name}/int_repr"].astype(np.int64)
    fused = quantize(x, fbgemm(qp)).astype(np.int64)
    np.testing.assert_array_equal(fused, int_repr, err_msg="the fbgemm arithmetic is off")
    ours = quantize(x, qp).astype(np.int64)
    if qp.zero_point == 0:
        np.testing.assert_array_equal(ours, int_repr)
    same = ours == fused
    np.testing.assert_array_equal(ours[same], int_repr[same])
    # Where the zero point's place decides: one code apart, on a float32 half step.
    assert np.all(np.abs(ours[~same] - int_repr[~same]) == 1)
    # x * (1/scale) is within float32 rounding of a half step: the sum with the zero point
    # (below 2^9) is rounded to 2^-15, so ties and near-ties within 2^-14 decide differently.
    t = x[~same].astype(F32) * (F32(1) / F32(qp.scale))
    np.testing.assert_allclose(t - np.floor(t), 0.5, rtol=0, atol=2.0**-14)


def test_the_zero_point_place_matters_on_ties():
    # quint8 affine on the ties input: zero_point != 0 and x * (1/scale) lands on .5 exactly.
    cfg = config(PER_TENSOR["quint8_affine"])
    qp = observe(cfg, batches("ties"))[0].compute_qparams(cfg)
    assert qp.zero_point != 0
    x = x_of("ties", "quint8_affine")
    ours = quantize(x, qp).astype(np.int64)
    int_repr = GOLDEN["ties/quint8_affine/int_repr"].astype(np.int64)
    assert np.count_nonzero(ours != int_repr) > 0


@pytest.mark.parametrize("name", list(PER_CHANNEL))
def test_per_channel_matches_torch(name):
    cfg = config(PER_CHANNEL[name])
    data = batches("per_channel")
    ranges = [channel_minmax(b, 0) for b in data]
    lo = np.minimum.reduce([r[0] for r in ranges])
    hi = np.maximum.reduce([r[1] for r in ranges])
    qp = compute_qparams(lo, hi, cfg)
    torch_row = GOLDEN[f"per_channel/{name}/observer"]
    # Channel 0 holds both -0.0 and +0.0; torch's min picks -0.0 and numpy's +0.0. They are
    # the same value, so the ranges are compared as values and everything after bit for bit.
    np.testing.assert_array_equal(lo, as_f32(torch_row[0]))
    np.testing.assert_array_equal(hi, as_f32(torch_row[1]))
    np.testing.assert_array_equal(bits(qp.scale), torch_row[2])
    np.testing.assert_array_equal(qp.zero_point, torch_row[3])
    x = as_f32(GOLDEN["per_channel/x"]).reshape(data[0].shape[0], -1)
    ours = bits(fake_quantize(x, qp, axis=0)).ravel()
    np.testing.assert_array_equal(ours, GOLDEN[f"per_channel/{name}/fake_quantize"].ravel())


# ---------------------------------------------------------------- live comparison


LIVE_CONFIGS = [(name, c) for name, c in PER_TENSOR.items()]


def _torch_observer_kwargs(torch, c):
    return dict(dtype=getattr(torch, c["dtype"]), qscheme=getattr(torch, c["qscheme"]),
                quant_min=c["quant_min"], quant_max=c["quant_max"])


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(hnp.arrays(F32, st.integers(1, 300),
                             elements=st.floats(-1e4, 1e4, width=32)), min_size=1, max_size=3),
    which=st.sampled_from(LIVE_CONFIGS),
    c_avg=st.sampled_from([0.01, 0.1, 0.5, 1.0]),
)
def test_live_against_torch(data, which, c_avg):
    torch = pytest.importorskip("torch")
    from torch.ao.quantization import MinMaxObserver as TorchMinMax
    from torch.ao.quantization import MovingAverageMinMaxObserver as TorchMovingAverage

    name, c = which
    cfg = config(c)
    kwargs = _torch_observer_kwargs(torch, c)
    pairs = [(MinMaxObserver(), TorchMinMax(**kwargs)),
             (MovingAverageMinMaxObserver(c_avg),
              TorchMovingAverage(averaging_constant=c_avg, **kwargs))]
    for ours, theirs in pairs:
        for b in data:
            ours.update(b)
            theirs(torch.from_numpy(b))
        t_min, t_max = theirs.min_val.item(), theirs.max_val.item()
        if t_min > t_max:
            # float32 rounding inverted torch's averaged range (it cannot compute parameters
            # then); ours holds the same two values in order.
            assert (ours.x_min, ours.x_max) == (t_max, t_min)
            continue
        scale, zp = theirs.calculate_qparams()
        qp = ours.compute_qparams(cfg)
        assert (ours.x_min, ours.x_max) == (t_min, t_max)
        assert (qp.scale, qp.zero_point) == (scale.item(), zp.item())
    x = np.concatenate(data)
    scale, zp = pairs[0][1].calculate_qparams()
    qp = pairs[0][0].compute_qparams(cfg)
    tx = torch.from_numpy(x)
    fq = torch.fake_quantize_per_tensor_affine(tx, scale.item(), int(zp.item()), cfg.qmin,
                                               cfg.qmax)
    np.testing.assert_array_equal(bits(fake_quantize(x, qp)), bits(fq.numpy()))
    if c["int_repr"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q = torch.quantize_per_tensor(tx, scale.item(), int(zp.item()),
                                          getattr(torch, c["dtype"])).int_repr().numpy()
        np.testing.assert_array_equal(quantize(x, fbgemm(qp)).astype(np.int64),
                                      q.astype(np.int64))
        ours = quantize(x, qp).astype(np.int64)
        same = ours == q
        assert np.all(np.abs(ours[~same] - q[~same]) == 1)


@settings(max_examples=30, deadline=None)
@given(
    x=hnp.arrays(F32, st.tuples(st.integers(1, 6), st.integers(1, 40)),
                 elements=st.floats(-1e3, 1e3, width=32)),
    name=st.sampled_from(list(PER_CHANNEL)),
)
def test_live_per_channel_against_torch(x, name):
    torch = pytest.importorskip("torch")
    from torch.ao.quantization import PerChannelMinMaxObserver

    c = PER_CHANNEL[name]
    cfg = config(c)
    obs = PerChannelMinMaxObserver(ch_axis=0, **_torch_observer_kwargs(torch, c))
    obs(torch.from_numpy(x))
    scale, zp = obs.calculate_qparams()
    qp = compute_qparams(*channel_minmax(x, 0), cfg)
    np.testing.assert_array_equal(bits(qp.scale), bits(scale.numpy()))
    np.testing.assert_array_equal(qp.zero_point, zp.numpy())
    fq = torch.fake_quantize_per_channel_affine(torch.from_numpy(x), scale, zp.to(torch.int32),
                                                0, cfg.qmin, cfg.qmax)
    np.testing.assert_array_equal(bits(fake_quantize(x, qp, axis=0)), bits(fq.numpy()))
