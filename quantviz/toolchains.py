"""Adapters that reproduce each toolchain's quantization parameters from its own arguments.

- :func:`pytorch_qparams`: ``torch.ao.quantization.<Observer>(dtype=..., qscheme=...,
  reduce_range=...)`` fed the batches in order, then ``calculate_qparams()`` (PyTorch 2.13,
  torch/ao/quantization/observer.py and utils.py ``calculate_qmin_qmax``).
- :func:`pytorch_fused_qparams`: the fused C++ observer of PyTorch's QAT fake-quantizer
  (``FusedMovingAvgObsFakeQuantize``), whose arithmetic is not the Python observers'.
- :func:`onnxruntime_qparams`: ONNX Runtime's ``quant_utils.compute_scale_zp`` with
  ``get_qmin_qmax_for_qType`` (onnxruntime 1.32), and its QuantizeLinear arithmetic.
- :func:`tensorrt_qparams`, :func:`tflite_qparams`: documented presets (sources named there).
- :data:`TOOLCHAINS`: the defaults the Toolchains page shows, each with a snippet that
  reproduces its numbers in that toolchain.

Every adapter returns :class:`~quantviz.quantize.QParams`; ``quantize(x, qp)`` then gives the
codes of that toolchain's kernel as far as :mod:`quantviz.quantize` has its arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from quantviz.observers import (
    HistogramObserver,
    MinMaxObserver,
    MovingAverageMinMaxObserver,
    _Observer,
)
from quantviz.quantize import QParams, QuantConfig, Refusal, compute_qparams

F32, F64 = np.float32, np.float64
PYTORCH_OBSERVERS = ("minmax", "moving_average", "histogram")
PYTORCH_DTYPES = ("quint8", "qint8")
PYTORCH_QSCHEMES = ("per_tensor_affine", "per_tensor_symmetric")
ORT_QTYPES = ("uint8", "int8")

#: PyTorch's default-range quint8 symmetric zero point (``_calculate_qparams``: 128, not the
#: midpoint (qmin + qmax) // 2 = 127 it uses when quant_min/quant_max are given).
PYTORCH_QUINT8_SYMMETRIC_ZERO_POINT = 128


def _choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(choices)}")


def _batches(batches: object) -> list[np.ndarray]:
    """A numpy array is one batch; any other iterable is a sequence of batches."""
    if isinstance(batches, np.ndarray):
        return [batches]
    if isinstance(batches, (str, bytes)) or not isinstance(batches, Iterable):
        raise ValueError(f"batches must be an array or a sequence of arrays, got {batches!r}")
    return [np.asarray(b) for b in batches]


def pytorch_config(dtype: str, qscheme: str, reduce_range: bool = False) -> QuantConfig:
    """The 8-bit ``QuantConfig`` of a PyTorch observer on its default range.

    quint8: 0..255 (0..127 with ``reduce_range``), qint8: -128..127 (-64..63), as
    ``calculate_qmin_qmax`` without quant_min/quant_max.
    """
    _choice("dtype", dtype, PYTORCH_DTYPES)
    _choice("qscheme", qscheme, PYTORCH_QSCHEMES)
    scheme = "symmetric" if qscheme == "per_tensor_symmetric" else "asymmetric"
    return QuantConfig(8, scheme, signed=dtype == "qint8", reduce_range=bool(reduce_range))


def pytorch_observer(observer: str, dtype: str, qscheme: str, reduce_range: bool = False,
                     averaging_constant: float = 0.01) -> _Observer:
    """A fresh observer standing for ``torch.ao.quantization.<Observer>(...)``.

    Raises ``ValueError`` where PyTorch's constructor raises: MinMaxObserver and
    MovingAverageMinMaxObserver refuse quint8 + per_tensor_symmetric + reduce_range
    (``NotImplementedError("Cannot reduce range for symmetric quantization for quint8")``);
    HistogramObserver accepts it.
    """
    _choice("observer", observer, PYTORCH_OBSERVERS)
    pytorch_config(dtype, qscheme, reduce_range)
    if observer != "histogram" and qscheme == "per_tensor_symmetric" and reduce_range \
            and dtype == "quint8":
        raise Refusal("symmetric_reduce_quint8",
                      "PyTorch's MinMaxObserver (and MovingAverageMinMaxObserver) refuses "
                      "reduce_range with per_tensor_symmetric quint8: 'Cannot reduce range "
                      "for symmetric quantization for quint8'")
    if observer == "minmax":
        return MinMaxObserver()
    if observer == "moving_average":
        return MovingAverageMinMaxObserver(averaging_constant)
    return HistogramObserver()


def pytorch_qparams(batches: object, *, observer: str = "minmax", dtype: str = "quint8",
                    qscheme: str = "per_tensor_affine", reduce_range: bool = False,
                    averaging_constant: float = 0.01) -> QParams:
    """PyTorch's observer fed ``batches`` in order, then ``calculate_qparams()``.

    ``torch.ao.quantization.{MinMax,MovingAverageMinMax,Histogram}Observer(dtype=dtype,
    qscheme=qscheme, reduce_range=reduce_range)`` without quant_min/quant_max, so the
    range is the dtype's default (see :func:`pytorch_config`) and, for quint8 +
    per_tensor_symmetric, the zero point is 128 (not the midpoint). Scale, zero point, qmin
    and qmax equal PyTorch 2.13's bit for bit (golden tests), and ``quantize(x, qp)`` equals
    ``torch.fake_quantize_per_tensor_affine(x, scale, zero_point, qmin, qmax)``.

    Odd results are returned as PyTorch returns them:

    - HistogramObserver with quint8 + per_tensor_symmetric + reduce_range: qmin..qmax is
      0..127 but the zero point is 128, outside the range (``fake_quantize`` then refuses
      these parameters; ``quantize`` here clips every code to 0..127, so no value above
      0 is representable: every code is 127 or lower, i.e. x_hat <= -scale).
    - No data at all (every batch empty): scale 1.0, zero point 0 (PyTorch warns).

    Raises ``ValueError`` where PyTorch raises: the constructor cases of
    :func:`pytorch_observer`, and a moving average whose float32 rounding leaves the averaged
    min above the averaged max (PyTorch's ``check_min_max_valid`` assertion). Batches are
    taken as float32; NaN or infinite values raise ``ValueError`` (PyTorch's MinMax
    propagates NaN, its HistogramObserver drops infinities).
    """
    obs = pytorch_observer(observer, dtype, qscheme, reduce_range, averaging_constant)
    cfg = pytorch_config(dtype, qscheme, reduce_range)
    for batch in _batches(batches):
        obs.update(batch)
    if not obs.history:
        return QParams(1.0, 0, cfg.qmin, cfg.qmax, cfg)
    if getattr(obs, "underflow", False):
        # The search was skipped (see HistogramObserver.underflow). Every range [a, b] it can
        # choose lies in [hist_min, hist_max]; widened to hold 0, its ends lie in
        # [min(hist_min, 0), min(hist_max, 0)] and [max(hist_min, 0), max(hist_max, 0)], and
        # the scale and zero point are monotone in them. So if the widest and the narrowest
        # such ranges give the same parameters (the scale clamped at float32's eps), every
        # choice does: the search's answer is not needed to be exact.
        lo, hi = float(obs.hist_min), float(obs.hist_max)
        qp = compute_qparams(lo, hi, cfg)
        if qp == compute_qparams(min(hi, 0.0), max(lo, 0.0), cfg):
            if cfg.scheme == "symmetric" and dtype == "quint8":
                qp = replace(qp, zero_point=PYTORCH_QUINT8_SYMMETRIC_ZERO_POINT)
            return qp
        span = f"{float(obs.hist_max) - float(obs.hist_min):.3g}"
        raise Refusal("histogram_underflow",
                      f"the range's span {span} is so small that every term of PyTorch's "
                      "HistogramObserver error estimate falls below float32's smallest normal "
                      "number (2⁻¹²⁶): its search would compare numbers that have lost their "
                      "precision, and take seconds, so this row is left out", span=span)
    if getattr(obs, "overflow", False):
        raise Refusal("histogram_overflow",
                      f"the range [{obs.hist_min}, {obs.hist_max}] is too wide for "
                      "float32: PyTorch's HistogramObserver overflows and returns a NaN "
                      "scale", lo=f"{obs.hist_min}", hi=f"{obs.hist_max}")
    if getattr(obs, "inverted", False):
        raise Refusal("average_inverted",
                      f"PyTorch's check fails: the averaged min {obs.x_max} should be less "
                      f"than the averaged max {obs.x_min} (float32 rounding inverted them)",
                      lo=f"{obs.x_max}", hi=f"{obs.x_min}")
    qp = compute_qparams(obs.x_min, obs.x_max, cfg)
    if cfg.scheme == "symmetric" and dtype == "quint8":
        qp = replace(qp, zero_point=PYTORCH_QUINT8_SYMMETRIC_ZERO_POINT)
    return qp


# --- PyTorch's fused QAT observer (C++) ----------------------------------------------------

#: ``SMALL_SCALE_THRESHOLD`` of PyTorch's C++ ``ChooseQuantizationParams``.
FUSED_SMALL_SCALE = F32(6.1e-5)


def pytorch_fused_qparams(x_min: float, x_max: float, qmin: int, qmax: int,
                          symmetric: bool = False) -> QParams:
    """PyTorch's C++ ``ChooseQuantizationParams`` (aten quantized/cpu/QuantUtils.h), which the
    fused QAT observer (``torch.fused_moving_avg_obs_fake_quant``) uses.

    - ``symmetric`` (``preserve_sparsity``) with ``x_min < 0 < x_max``: with
      ``m = -((qmax - qmin) // 2 + 1)`` and ``M = (qmax - qmin) // 2`` (int8: -128, 127),
      ``s = max(|x_min / m|, |x_max / M|)`` and the range becomes ``[s m, s M]``: the
      negative side is divided by 128, the positive by 127 (not PyTorch Python's 127.5).
    - The range is widened to hold 0; ``scale = (x_max - x_min) / (qmax - qmin)`` in float64;
      0, or a float32 reciprocal that overflows, gives 0.1; below ``6.1e-5`` the scale is
      raised to ``6.1e-5`` and the range stretched with it.
    - Zero point: from the end whose ``|q| - |x / scale|`` is smaller (ties: from the max),
      then clamped to qmin..qmax and rounded half to even (``nearbyint``); the middle
      ``(qmin + qmax) / 2`` in the symmetric case. The scale is stored as float32.
    """
    lo, hi = F32(x_min), F32(x_max)
    with np.errstate(over="ignore"):
        if not np.isfinite(hi - lo):
            raise Refusal("float32_range",
                          f"the range [{lo}, {hi}] is wider than float32 can hold",
                          lo=f"{lo}", hi=f"{hi}")
    if symmetric and lo < 0 < hi:
        sym_min = -((qmax - qmin) // 2 + 1)
        sym_max = (qmax - qmin) // 2
        max_scale = max(abs(F32(lo / F32(sym_min))), abs(F32(hi / F32(sym_max))))
        lo, hi = F32(max_scale * F32(sym_min)), F32(max_scale * F32(sym_max))
    lo, hi = min(lo, F32(0)), max(hi, F32(0))
    scale = (F64(hi) - F64(lo)) / (qmax - qmin)
    if F32(scale) == 0 or np.isinf(F32(1) / F32(scale)):
        scale = 0.1
    if scale < FUSED_SMALL_SCALE:
        org = F32(scale)
        scale = F64(FUSED_SMALL_SCALE)
        if lo == 0:
            hi = F32(FUSED_SMALL_SCALE * F32(qmax - qmin))
        elif hi == 0:
            lo = F32(-FUSED_SMALL_SCALE * F32(qmax - qmin))
        else:
            amplifier = F32(FUSED_SMALL_SCALE / org)
            lo, hi = F32(lo * amplifier), F32(hi * amplifier)
    zp_from_min = qmin - F64(lo) / scale
    zp_from_max = qmax - F64(hi) / scale
    err_min = abs(qmin) - abs(F64(lo) / scale)
    err_max = abs(qmax) - abs(F64(hi) / scale)
    initial = zp_from_min if err_min < err_max else zp_from_max
    if symmetric and lo < 0 < hi:
        initial = (qmin + qmax) / 2
    zero_point = qmin if initial < qmin else qmax if initial > qmax else int(np.rint(initial))
    cfg = QuantConfig(8, "symmetric" if symmetric else "asymmetric", signed=qmin < 0)
    return QParams(float(F32(scale)), int(zero_point), int(qmin), int(qmax), cfg)


# --- ONNX Runtime ----------------------------------------------------------------------------

def onnxruntime_range(qtype: str, symmetric: bool = False,
                      reduce_range: bool = False) -> tuple[int, int]:
    """``get_qmin_qmax_for_qType``: reduce_range first (uint8 0..127, int8 -64..64), then
    symmetric int8 -127..127, else uint8 0..255 / int8 -128..127."""
    _choice("qtype", qtype, ORT_QTYPES)
    if reduce_range:
        return (0, 127) if qtype == "uint8" else (-64, 64)
    if symmetric and qtype == "int8":
        return -127, 127
    return (0, 255) if qtype == "uint8" else (-128, 127)


def onnxruntime_qparams(x_min: float, x_max: float, *, qtype: str = "uint8",
                        symmetric: bool = False, reduce_range: bool = False) -> QParams:
    """ONNX Runtime's ``compute_scale_zp(rmin, rmax, qmin, qmax, symmetric)`` (1.32,
    onnxruntime/quantization/quant_utils.py) on float32 ``rmin``/``rmax``.

    - ``rmin = min(x_min, 0)``, ``rmax = max(x_max, 0)`` in float32; symmetric:
      ``[-absmax, absmax]``.
    - ``scale = (rmax - rmin) / (qmax - qmin)`` in float64, stored as float32.
    - zero point: symmetric ``round((qmin + qmax) / 2)`` (uint8 128, int8 0, reduced uint8
      64); otherwise ``round(qmin - rmin / scale)`` in float64; half to even.
    - A scale below float32's smallest normal (an all-zero range) gives scale 1.0 and zero
      point 0, even for symmetric uint8.

    qmin..qmax from :func:`onnxruntime_range`; int8 with reduce_range is -64..64 (65 codes
    each side of 0... 129 codes in all, not a one-bit-smaller range), so ``qp.qmin/qmax`` and
    not ``qp.config.qmin/qmax`` hold the range. ``qp.config.arithmetic`` is "onnxruntime":
    ``quantize``/``dequantize`` equal QuantizeLinear/DequantizeLinear (opset 19, CPU).
    NaN or infinite bounds raise ``ValueError`` (ONNX Runtime would return an infinite or NaN
    scale).
    """
    qmin, qmax = onnxruntime_range(qtype, symmetric, reduce_range)
    for name, value in (("x_min", x_min), ("x_max", x_max)):
        if not np.isfinite(value):
            raise Refusal("not_finite", f"{name}={value!r} must be finite",
                          name=name, value=f"{value!r}")
    rmin, rmax = min(F32(x_min), F32(0)), max(F32(x_max), F32(0))
    if symmetric:
        absmax = max(abs(rmin), abs(rmax))
        rmin, rmax = -absmax, absmax
    scale = (F64(rmax) - F64(rmin)) / (F64(qmax) - F64(qmin))
    if scale < np.finfo(F32).tiny:
        scale, zero_point = 1.0, 0
    elif symmetric:
        zero_point = int(np.round((qmin + qmax) / 2.0))
    else:
        zero_point = int(np.round(qmin - F64(rmin) / scale))
    cfg = QuantConfig(8, "symmetric" if symmetric else "asymmetric", signed=qtype == "int8",
                      narrow_range=symmetric and qtype == "int8" and not reduce_range,
                      reduce_range=bool(reduce_range), arithmetic="onnxruntime")
    return QParams(float(F32(scale)), zero_point, qmin, qmax, cfg)


# --- TensorRT / ModelOpt and TFLite presets --------------------------------------------------

def tensorrt_qparams(x_min: float, x_max: float) -> QParams:
    """TensorRT int8 as NVIDIA's ModelOpt / pytorch-quantization calibrate it ("max"):
    symmetric, ``amax = max(|x_min|, |x_max|)``, step ``amax / 127``, zero point 0. Values
    within the calibrated amax land on -127..127, so the range is given as that narrow range;
    both tools default to ``narrow_range=False`` (clamp to -128..127), which only a value
    beyond amax can reach.

    Checked against ModelOpt's ``tensor_quant`` / pytorch-quantization's
    ``_tensor_quant``: ``scale = 127 / amax`` (a multiplier), ``q = clamp(round(x * scale),
    -127, 127)``, ``x_hat = q / scale``; ``amax <= 2^-24`` quantizes everything to 0. The step
    here is ``amax / 127`` in float32 and the codes use the "pytorch" arithmetic (multiply by
    ``1 / step``), which can differ from ``x * (127 / amax)`` on a near-tie.
    """
    return compute_qparams(x_min, x_max, QuantConfig(8, "symmetric", signed=True,
                                                     narrow_range=True))


def tflite_qparams(x_min: float, x_max: float, *, weights: bool = False) -> QParams:
    """TFLite int8: activations asymmetric -128..127, weights symmetric -127..127.

    Checked against TensorFlow Lite's ``tools/optimize/quantization_utils.cc``:
    activations ``GetAsymmetricQuantizationParams`` in float32 (range widened to hold 0,
    ``scale = (max - min) / 255``, zero point ``round(-128 - min / scale)`` half away from
    zero, clamped; an all-zero range gives scale 0 there, replaced here by eps = 2^-23 so
    that quantize stays defined); weights ``half_range / 127``. The activation kernels
    divide in float32 and round half away from zero (``TfLiteRound``), so that config uses
    float32 division and "half_away"; the weight quantizer multiplies by
    ``127 / half_range`` (here: by the float32 ``1 / scale``, which can part on a near-tie).

    This is the legacy quantizer. TensorFlow's converter (tensorflow/lite/python/lite.py,
    ``experimental_new_quantizer=True`` by default) sends int8 post-training quantization
    through the MLIR quantizer: ``ConvertStatsToQDQs`` widens to hold 0, then
    ``fakeQuantAttrsToType`` / ``getNudgedScaleAndZeroPoint`` (FakeQuantSupport.cc) compute
    the scale in double and round the zero point from the end with less error; int16
    activations still take the legacy path. Not reproduced here bit for bit.
    """
    if weights:
        qp = compute_qparams(x_min, x_max, QuantConfig(8, "symmetric", signed=True,
                                                       narrow_range=True,
                                                       rounding="half_away"))
        return qp
    lo, hi = min(F32(x_min), F32(0)), max(F32(x_max), F32(0))
    with np.errstate(over="ignore"):
        if not np.isfinite(hi - lo):
            raise Refusal("float32_range",
                          f"the range [{lo}, {hi}] is wider than float32 can hold",
                          lo=f"{lo}", hi=f"{hi}")
    scale = F32(F32(hi - lo) / F32(255))
    zp_from_min = F32(-128) if scale == 0 else F32(F32(-128) - F32(lo / scale))
    zero_point = -128 if zp_from_min < -128 else 127 if zp_from_min > 127 else \
        int(np.trunc(F64(zp_from_min) + np.copysign(0.5, zp_from_min)))
    cfg = QuantConfig(8, "asymmetric", signed=True, rounding="half_away",
                      arithmetic="onnxruntime")
    return QParams(float(max(scale, F32(np.finfo(F32).eps))), zero_point, -128, 127, cfg)


# --- The defaults the Toolchains page shows ---------------------------------------------------

@dataclass(frozen=True)
class Toolchain:
    """One toolchain's default for an activation tensor, with a snippet that reproduces it.

    ``qparams(batches)`` gives its parameters for the calibration batches; ``snippet`` is
    Python that prints ``scale zero_point qmin qmax`` in that toolchain for the tensor saved
    as ``x.npy`` fed in ``{batches}`` batches (format it with ``batches=``); ``source`` names
    what it was checked against.
    """

    key: str
    qparams: Callable[[list[np.ndarray]], QParams]
    snippet: str
    source: str
    runnable: bool = True


def _minmax(batches: list[np.ndarray]) -> tuple[float, float]:
    obs = MinMaxObserver()
    for b in batches:
        obs.update(b)
    return obs.x_min, obs.x_max


def _qat_qparams(batches: list[np.ndarray]) -> QParams:
    obs = MovingAverageMinMaxObserver(0.01)
    for b in batches:
        obs.update(b)
    return pytorch_fused_qparams(obs.x_min, obs.x_max, 0, 127)


_LOAD = "import numpy as np\nx = np.load('x.npy').astype(np.float32)\n" \
        "batches = np.array_split(x.ravel(), {batches})\n"

TOOLCHAINS: dict[str, Toolchain] = {
    "pytorch_x86_ptq": Toolchain(
        "pytorch_x86_ptq",
        lambda b: pytorch_qparams(b, observer="histogram", dtype="quint8",
                                  qscheme="per_tensor_affine", reduce_range=True),
        "import torch\n" + _LOAD
        + "obs = torch.ao.quantization.get_default_qconfig('x86').activation()\n"
          "for b in batches:\n    obs(torch.from_numpy(b))\n"
          "scale, zero_point = obs.calculate_qparams()\n"
          "print(scale.item(), zero_point.item(), obs.quant_min, obs.quant_max)\n",
        "torch 2.13 get_default_qconfig('x86'): HistogramObserver(reduce_range=True) for "
        "activations, PerChannelMinMaxObserver(qint8, per_channel_symmetric) for weights"),
    "pytorch_x86_qat": Toolchain(
        "pytorch_x86_qat", _qat_qparams,
        "import torch\n" + _LOAD
        + "fq = torch.ao.quantization.get_default_qat_qconfig('x86').activation()\n"
          "fq.train()\n"
          "for b in batches:\n    fq(torch.from_numpy(b))\n"
          "obs = fq.activation_post_process\n"
          "print(fq.scale.item(), fq.zero_point.item(), obs.quant_min, obs.quant_max)\n",
        "torch 2.13 get_default_qat_qconfig('x86'): FusedMovingAvgObsFakeQuantize("
        "MovingAverageMinMaxObserver, quant_min=0, quant_max=255, reduce_range=True), whose "
        "parameters come from the C++ ChooseQuantizationParams"),
    "pytorch_explicit": Toolchain(
        "pytorch_explicit",
        lambda b: compute_qparams(*_minmax(b), QuantConfig(8, "asymmetric")),
        "import torch\n" + _LOAD
        + "obs = torch.ao.quantization.MinMaxObserver(dtype=torch.quint8, "
          "qscheme=torch.per_tensor_affine,\n    quant_min=0, quant_max=255)\n"
          "for b in batches:\n    obs(torch.from_numpy(b))\n"
          "scale, zero_point = obs.calculate_qparams()\n"
          "print(scale.item(), zero_point.item(), obs.quant_min, obs.quant_max)\n",
        "torch 2.13 MinMaxObserver with quant_min/quant_max given (this app's default)"),
    "onnxruntime_static": Toolchain(
        "onnxruntime_static",
        lambda b: onnxruntime_qparams(*_minmax(b), qtype="int8"),
        _LOAD
        + "from onnx import TensorProto\n"
          "from onnxruntime.quantization.quant_utils import compute_scale_zp, "
          "get_qmin_qmax_for_qType\n"
          "rmin = np.min([b.min() for b in batches]); rmax = np.max([b.max() for b in "
          "batches])\n"
          "qmin, qmax = get_qmin_qmax_for_qType(TensorProto.INT8, reduce_range=False, "
          "symmetric=False)\n"
          "zero_point, scale = compute_scale_zp(rmin, rmax, qmin, qmax, symmetric=False)\n"
          "print(float(scale), int(zero_point), int(qmin), int(qmax))\n",
        "onnxruntime 1.32 quantize_static defaults: activation_type QInt8, "
        "calibrate_method MinMax, ActivationSymmetric False (weights QInt8, symmetric "
        "-127..127); quant_utils.compute_scale_zp"),
    "tensorrt": Toolchain(
        "tensorrt",
        lambda b: tensorrt_qparams(*_minmax(b)),
        _LOAD
        + "amax = max(abs(min(b.min() for b in batches)), abs(max(b.max() for b in batches)))\n"
          "scale = np.float32(amax) / np.float32(127)  # ModelOpt: 127 / amax as a multiplier\n"
          "print(float(scale), 0, -127, 127)\n",
        "NVIDIA ModelOpt / pytorch-quantization tensor_quant: max calibration, "
        "multiplier 127 / amax; calibrated values land on -127..127 (default "
        "narrow_range=False clamps to -128..127)", runnable=False),
    "tflite": Toolchain(
        "tflite",
        lambda b: tflite_qparams(*_minmax(b)),
        _LOAD
        + "lo = np.float32(min(min(b.min() for b in batches), 0))\n"
          "hi = np.float32(max(max(b.max() for b in batches), 0))\n"
          "scale = np.float32(hi - lo) / np.float32(255)\n"
          "zp = np.float32(-128) - np.float32(lo / scale)\n"
          "print(float(scale), int(np.clip(np.sign(zp) * np.floor(abs(zp) + 0.5), -128, 127)),"
          " -128, 127)\n",
        "TensorFlow Lite tools/optimize/quantization_utils.cc "
        "GetAsymmetricQuantizationParams (int8 activations -128..127)", runnable=False),
}
