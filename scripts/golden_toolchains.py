"""Write tests/data/golden_toolchains.npz: PyTorch's observers on their own defaults, and ONNX
Runtime's calibration formula and QuantizeLinear / DequantizeLinear kernels.

Called by scripts/make_golden.py (or run alone: ``python scripts/golden_toolchains.py``). Needs
``torch==2.13.0``, ``onnxruntime==1.32.0`` and ``onnx``; the tests only read the committed file.

Contents (float32 as uint32 bit patterns, keys ``<part>/...``):

- ``stream/<s>/batch<i>``: calibration streams (normal, ReLU, drifting, widening, shrinking,
  spikes, constants, zeros, a single value, tiny and huge values, a single-value first batch).
- ``torch/<observer>``: one row per (stream, dtype, qscheme, reduce_range) for ``minmax``,
  ``moving_average`` (c = 0.01 and 0.3) and ``histogram`` (the first 30 streams):
  ``[stream, dtype, qscheme,
  reduce_range, raised, scale bits, zero_point, quant_min, quant_max, min bits, max bits]``
  (``raised`` = 1 when the constructor raises; min/max are the observer's ``min_val/max_val``,
  for the histogram the range its search returns), fed the batches in order then
  ``calculate_qparams()``.
- ``torch/<observer>_codes``: ``torch.fake_quantize_per_tensor_affine`` of the stream's values
  (the batches joined) with those parameters, as codes ``rint(fq / scale) + zero_point``
  (-1000 where torch refuses: a zero point outside the range), for the first 15 streams.
- ``torch/qat``: ``FusedMovingAvgObsFakeQuantize`` as ``get_default_qat_qconfig("x86")``
  builds it (activation: quint8, 0..255 with reduce_range) and a symmetric qint8 one, in
  training mode, per stream: ``[stream, variant, scale bits, zero_point, quant_min,
  quant_max, min bits, max bits]`` (its ``scale``/``zero_point`` buffers after the batches,
  which the fused C++ kernel computes).
- ``ort/ranges``: float32 ``(rmin, rmax)`` pairs; ``ort/qparams``: per pair and (qtype,
  symmetric, reduce_range): ``[pair, qtype, symmetric, reduce_range, scale bits, zp, qmin,
  qmax]`` from ``compute_scale_zp(rmin, rmax, *get_qmin_qmax_for_qType(...), symmetric)``.
- ``ort/kernel``: per case ``[scale bits, zero_point, qtype, qmin, qmax]`` (parameters from
  ``ort/qparams``; the kernel saturates to the whole qtype range); its input is rebuilt by
  the tests (every half step of the grid over qmin..qmax and its float32 neighbours, see
  :func:`tie_inputs`) followed by ``ort/kernel_x<k>``; ``ort/kernel_q<k>`` are
  QuantizeLinear's codes, ``ort/kernel_y<k>`` DequantizeLinear's output bits for the extra
  values.
- ``ort/ends_ranges``: float32 ``(rmin, rmax)`` pairs; ``ort/ends``: per pair and (qtype,
  symmetric, reduce_range) ``[pair, qtype, symmetric, reduce_range]``; ``ort/ends_q``: one row
  of QuantizeLinear codes per case for :func:`end_inputs` with ``compute_scale_zp``'s
  parameters (reduce_range uint8 symmetric puts the maximum at 128, past qmax 127).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "golden_toolchains.npz"
F32 = np.float32
DTYPES = ("quint8", "qint8")
QSCHEMES = ("per_tensor_affine", "per_tensor_symmetric")
QTYPES = ("uint8", "int8")
REFUSED = -1000
#: Streams whose fake_quantize codes are stored (the file stays small).
CODE_STREAMS = 15


def bits(a) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype=F32)).view(np.uint32).astype(np.int64)


def tie_inputs(scale: float, zero_point: int, qmin: int, qmax: int) -> np.ndarray:
    """Every half step of the grid (two codes beyond each end too) with its float32 neighbours.

    The same arithmetic as the tests' copy: float64 products rounded once to float32.
    """
    k = np.arange(qmin - 2, qmax + 2, dtype=np.float64)
    half = ((k - zero_point + 0.5) * np.float64(scale)).astype(F32)
    return np.concatenate([half, np.nextafter(half, F32(np.inf)), np.nextafter(half, F32(-np.inf))])


def streams(rng: np.random.Generator, n: int) -> list[list[np.ndarray]]:
    """``n`` calibration streams of 1-5 batches; the first ones are the degenerate cases."""
    fixed = [
        [np.zeros(50, F32)] * 2,
        [np.full(40, 0.7, F32)] * 3,
        [np.full(40, -2.5, F32)],
        [np.array([1.25], F32)],
        [np.array([3.0], F32), rng.standard_normal(100).astype(F32)],  # one value, then wider
        [rng.standard_normal(100).astype(F32), np.array([0.1], F32)],  # inside the range
        [(rng.standard_normal(200) * 1e-7).astype(F32)] * 2,
        [(rng.standard_normal(200) * 1e4).astype(F32), np.array([-3e5, 4e5], F32)],
        [np.abs(rng.standard_normal(300)).astype(F32) + 5],  # all positive, 0 outside
        [-np.abs(rng.standard_normal(300)).astype(F32) - 1],  # all negative
        [np.full(30, 1e-30, F32), np.full(30, 2e-30, F32)],
        # spans whose histogram-search error terms are all subnormal: around 0, and all
        # negative just below float32's eps (the zero point is 1 whatever the search picks)
        [(np.linspace(-1.0, 1.0, 257) * 3e-15).astype(F32)] * 2,
        [(F32(-1e-7) + np.arange(8, dtype=F32) * F32(2.0**-47)).astype(F32)],
    ]
    out = list(fixed)
    while len(out) < n:
        kind = len(out) % 7
        nb = int(rng.integers(1, 6))
        batches = []
        for b in range(nb):
            size = int(rng.integers(1, 160))
            x = rng.standard_normal(size)
            if kind == 1:
                x = np.maximum(x, 0) * (1 + b)
            elif kind == 2:
                x = x + b * rng.uniform(-1.5, 1.5)  # drifting
            elif kind == 3:
                x = x * 2.0 ** b  # widening
            elif kind == 4:
                x = x * 2.0 ** -b  # shrinking
            elif kind == 5:
                x = np.concatenate([x, [rng.uniform(-40, 40)]])  # a spike
            elif kind == 6:
                x = rng.standard_t(2, size) * 10 ** rng.uniform(-3, 3)
            batches.append(x.astype(F32))
        out.append(batches)
    return out


def torch_rows(torch, stream_list, observer: str, c: float | None, with_codes: int):
    from torch.ao.quantization import (
        HistogramObserver,
        MinMaxObserver,
        MovingAverageMinMaxObserver,
    )
    rows, codes = [], []
    for s, batches in enumerate(stream_list):
        x = torch.from_numpy(np.concatenate(batches))
        for d, dtype in enumerate(DTYPES):
            for k, qscheme in enumerate(QSCHEMES):
                for rr in (False, True):
                    kwargs = dict(dtype=getattr(torch, dtype), qscheme=getattr(torch, qscheme),
                                  reduce_range=rr)
                    row = [s, d, k, int(rr)]
                    try:
                        if observer == "minmax":
                            obs = MinMaxObserver(**kwargs)
                        elif observer == "moving_average":
                            obs = MovingAverageMinMaxObserver(averaging_constant=c, **kwargs)
                        else:
                            obs = HistogramObserver(**kwargs)
                    except NotImplementedError:
                        rows.append(row + [1, 0, 0, 0, 0, 0, 0])
                        if s < with_codes:
                            codes.append(np.full(x.numel(), REFUSED, np.int16))
                        continue
                    for b in batches:
                        obs(torch.from_numpy(b))
                    scale, zp = obs.calculate_qparams()
                    if observer == "histogram":
                        lo, hi = obs._non_linear_param_search()
                    else:
                        lo, hi = obs.min_val, obs.max_val
                    s_, z_ = float(scale.item()), int(zp.item())
                    rows.append(row + [0, int(bits(s_)[0]), z_, obs.quant_min, obs.quant_max,
                                       int(bits(lo.item())[0]), int(bits(hi.item())[0])])
                    if s < with_codes:
                        try:
                            fq = torch.fake_quantize_per_tensor_affine(
                                x, s_, z_, obs.quant_min, obs.quant_max).numpy()
                            q = np.rint(fq.astype(np.float64) / np.float64(F32(s_))) + z_
                            codes.append(q.astype(np.int16))
                        except RuntimeError:
                            codes.append(np.full(x.numel(), REFUSED, np.int16))
    return np.array(rows, np.int64), (np.concatenate(codes) if with_codes else None)


def torch_qat_rows(torch, stream_list) -> np.ndarray:
    """``get_default_qat_qconfig("x86")``'s activation fake-quantizer, and a symmetric qint8 one."""
    from torch.ao.quantization import (
        FusedMovingAvgObsFakeQuantize,
        MovingAverageMinMaxObserver,
        get_default_qat_qconfig,
    )
    rows = []
    for s, batches in enumerate(stream_list):
        makers = [get_default_qat_qconfig("x86").activation,
                  lambda: FusedMovingAvgObsFakeQuantize(
                      observer=MovingAverageMinMaxObserver, quant_min=-128, quant_max=127,
                      dtype=torch.qint8, qscheme=torch.per_tensor_symmetric)]
        for v, make in enumerate(makers):
            fq = make()
            fq.train()
            for b in batches:
                fq(torch.from_numpy(b))
            obs = fq.activation_post_process  # the fused kernel keeps its range here
            rows.append([s, v, int(bits(fq.scale.item())[0]), int(fq.zero_point.item()),
                         obs.quant_min, obs.quant_max, int(bits(obs.min_val.item())[0]),
                         int(bits(obs.max_val.item())[0])])
    return np.array(rows, np.int64)


def ort_ranges(rng: np.random.Generator, n: int) -> np.ndarray:
    fixed = [(0, 0), (0.7, 0.7), (-2.5, -2.5), (1e-39, 1e-39), (-1e-39, 2e-39), (0, 1e-30),
             (-1, 1), (-1, 2), (0, 6), (-6, 0), (2, 5), (-5, -2), (-1e-7, 3e-7),
             (-3e38, 3e38), (-1.3, 2.9)]
    pairs = [tuple(F32(v) for v in p) for p in fixed]
    while len(pairs) < n:
        a, b = sorted((rng.standard_normal(2) * 10 ** rng.uniform(-6, 4, 2)).astype(F32))
        if rng.random() < 0.2:
            a = F32(0) if rng.random() < 0.5 else a
            b = F32(0) if a != 0 and rng.random() < 0.5 else b
        pairs.append((a, b))
    return np.array(pairs, F32)


def ort_qparams(pairs: np.ndarray) -> np.ndarray:
    from onnx import TensorProto
    from onnxruntime.quantization.quant_utils import compute_scale_zp, get_qmin_qmax_for_qType
    rows = []
    for p, (rmin, rmax) in enumerate(pairs):
        for t, qtype in enumerate(QTYPES):
            for sym in (False, True):
                for rr in (False, True):
                    qmin, qmax = get_qmin_qmax_for_qType(getattr(TensorProto, qtype.upper()),
                                                         reduce_range=rr, symmetric=sym)
                    zp, scale = compute_scale_zp(np.array(rmin, F32), np.array(rmax, F32),
                                                 qmin, qmax, symmetric=sym)
                    rows.append([p, t, int(sym), int(rr), int(bits(scale)[0]), int(zp), int(qmin),
                                 int(qmax)])
    return np.array(rows, np.int64)


def ort_session(qtype: str):
    import onnxruntime as ort
    from onnx import TensorProto, helper
    elem = getattr(TensorProto, qtype.upper())
    graph = helper.make_graph(
        [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
         helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])], "qdq",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None]),
         helper.make_tensor_value_info("s", TensorProto.FLOAT, []),
         helper.make_tensor_value_info("z", elem, [])],
        [helper.make_tensor_value_info("q", elem, [None]),
         helper.make_tensor_value_info("y", TensorProto.FLOAT, [None])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])
    model.ir_version = 9
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])


def ort_kernel(out: dict, rng: np.random.Generator, qparams: np.ndarray, n: int) -> None:
    sessions = {q: ort_session(q) for q in QTYPES}
    picks = rng.choice(len(qparams), size=n, replace=False)
    rows = []
    for k, i in enumerate(sorted(picks)):
        _, t, _, _, scale_bits, zp, qmin, qmax = (int(v) for v in qparams[i])
        qtype = QTYPES[t]
        scale = np.array(scale_bits, np.uint32).view(F32)
        extra = (rng.standard_normal(int(rng.integers(1, 60))) * float(scale) * 200).astype(F32)
        x = np.concatenate([tie_inputs(float(scale), zp, qmin, qmax), extra]).astype(F32)
        q, y = sessions[qtype].run(None, {"x": x, "s": np.array(scale, F32),
                                          "z": np.array(zp, dtype=qtype)})
        rows.append([scale_bits, zp, t, qmin, qmax])
        out[f"ort/kernel_x{k}"] = bits(extra)
        out[f"ort/kernel_q{k}"] = q.astype(np.int16)
        out[f"ort/kernel_y{k}"] = bits(y[-extra.size:])  # the ties' outputs follow from q
    out["ort/kernel"] = np.array(rows, np.int64)


#: Ranges whose ends ``ort/ends`` quantizes under every (qtype, symmetric, reduce_range).
ENDS_RANGES = ((-1, 1), (-1, 2), (0, 6), (-6, 0), (-1.3, 2.9), (2, 5), (-5, -2), (-0.75, 0.25),
               (-3e-3, 7e-4))


def end_inputs(rmin: float, rmax: float) -> np.ndarray:
    """The range's ends, their float32 neighbours, 0, twice the ends and +-1e30."""
    lo, hi = F32(min(rmin, 0)), F32(max(rmax, 0))
    ends = [lo, hi, -max(-lo, hi), max(-lo, hi)]
    near = [np.nextafter(e, F32(d)) for e in ends for d in (-np.inf, np.inf)]
    return np.array(ends + near + [0, 2 * lo, 2 * hi, -1e30, 1e30], F32)


def ort_ends(out: dict) -> None:
    """QuantizeLinear on the ends of each range with ORT's own parameters for every (qtype,
    symmetric, reduce_range): the kernel saturates to the type, not the calibration's qmax."""
    from onnx import TensorProto
    from onnxruntime.quantization.quant_utils import compute_scale_zp, get_qmin_qmax_for_qType
    sessions = {q: ort_session(q) for q in QTYPES}
    rows, codes = [], []
    for p, (rmin, rmax) in enumerate(ENDS_RANGES):
        x = end_inputs(rmin, rmax)
        for t, qtype in enumerate(QTYPES):
            for sym in (False, True):
                for rr in (False, True):
                    qmin, qmax = get_qmin_qmax_for_qType(getattr(TensorProto, qtype.upper()),
                                                         reduce_range=rr, symmetric=sym)
                    zp, scale = compute_scale_zp(np.array(rmin, F32), np.array(rmax, F32),
                                                 qmin, qmax, symmetric=sym)
                    q, _ = sessions[qtype].run(None, {"x": x, "s": np.array(scale, F32),
                                                      "z": np.array(zp, dtype=qtype)})
                    rows.append([p, t, int(sym), int(rr)])
                    codes.append(q.astype(np.int16))
    out["ort/ends_ranges"] = bits(np.array(ENDS_RANGES, F32)).astype(np.uint32)
    out["ort/ends"] = np.array(rows, np.int64)
    out["ort/ends_q"] = np.array(codes, np.int16)


def main() -> int:
    import onnxruntime
    import torch
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(20261128)
    out: dict[str, np.ndarray] = {}
    stream_list = streams(rng, 100)
    for s, batches in enumerate(stream_list):
        for i, b in enumerate(batches):
            out[f"stream/{s}/batch{i}"] = bits(b).astype(np.uint32)
    hist_streams = stream_list[:30]
    out["torch/minmax"], out["torch/minmax_codes"] = torch_rows(torch, stream_list, "minmax",
                                                                None, CODE_STREAMS)
    for c in (0.01, 0.3):
        out[f"torch/moving_average_{c}"], _ = torch_rows(torch, stream_list, "moving_average", c,
                                                         0)
    out["torch/histogram"], out["torch/histogram_codes"] = torch_rows(torch, hist_streams,
                                                                      "histogram", None,
                                                                      CODE_STREAMS)
    out["torch/qat"] = torch_qat_rows(torch, stream_list)
    pairs = ort_ranges(rng, 400)
    out["ort/ranges"] = bits(pairs).astype(np.uint32)
    out["ort/qparams"] = ort_qparams(pairs)
    ort_kernel(out, rng, out["ort/qparams"], 60)
    ort_ends(out)
    meta = dict(torch=torch.__version__, onnxruntime=onnxruntime.__version__,
                cpu=torch.backends.cpu.get_cpu_capability(), dtypes=DTYPES, qschemes=QSCHEMES,
                qtypes=QTYPES, streams=len(stream_list), histogram_streams=len(hist_streams),
                averaging_constants=[0.01, 0.3], refused=REFUSED, code_streams=CODE_STREAMS)
    out["meta"] = np.array(json.dumps(meta))
    np.savez_compressed(OUT, **out)
    print(f"wrote {len(out)} arrays, {OUT.stat().st_size} bytes to {OUT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
