"""Linear (integer) quantization: integer ranges, parameters, quantize and dequantize.

The default arithmetic reproduces PyTorch bit for bit (``torch.ao.quantization`` observers and
the ``quantize_per_tensor`` / ``fake_quantize_per_tensor_affine`` kernels): everything in
float32, ``q = clip(rint(x * (1/scale)) + zero_point, qmin, qmax)`` with the float32 reciprocal
and round half to even, ``x_hat = (q - zero_point) * scale``.

PyTorch itself has a second path: on x86, ``torch.quantize_per_tensor`` (FBGEMM) adds the zero
point before rounding, in one fused multiply-add; the "fbgemm" arithmetic reproduces it.
A "textbook" arithmetic sits beside them (float64, divide by the scale) so that the app can show
where the two disagree: ties and the symmetric maximum. The "onnxruntime" arithmetic is ONNX
Runtime's CPU QuantizeLinear / DequantizeLinear (opset 19): divide by the scale in float32,
round half to even, add the zero point, saturate (found by running ONNX Runtime 1.32).

Zero point sign: internally ``q = round(x/scale) + zero_point`` (PyTorch, ONNX, TFLite).
:func:`zero_point_forms` translates one set of parameters into the other conventions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

Scheme = Literal["asymmetric", "symmetric"]
Rounding = Literal["half_even", "half_away", "floor", "stochastic"]
Arithmetic = Literal["pytorch", "fbgemm", "textbook", "onnxruntime"]

SCHEMES: tuple[str, ...] = ("asymmetric", "symmetric")
ROUNDINGS: tuple[str, ...] = ("half_even", "half_away", "floor", "stochastic")
ARITHMETICS: tuple[str, ...] = ("pytorch", "fbgemm", "textbook", "onnxruntime")
MIN_BITS, MAX_BITS = 2, 16
#: reduce_range drops one bit, which must leave at least MIN_BITS.
REDUCE_RANGE_MIN_BITS = MIN_BITS + 1

#: float32 machine epsilon, 2**-23: PyTorch's floor on the scale (``torch.finfo(float32).eps``).
EPS = float(np.finfo(np.float32).eps)
#: float32's largest finite value (3.4028235e38): the kernels compute in float32, so no input
#: beyond it can be quantized with PyTorch's arithmetic.
FLOAT32_MAX = float(np.finfo(np.float32).max)


class Refusal(ValueError):
    """An input the arithmetic (or a toolchain it reproduces) refuses, said in two ways.

    ``str(refusal)`` is the English sentence (quoting the toolchain where it has its own
    words); ``kind`` names the case and ``values`` holds the numbers that sentence states,
    as text, so that a page can say the same in another language.
    """

    def __init__(self, kind: str, message: str, **values: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.values = values


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(choices)}")


@dataclass(frozen=True)
class QuantConfig:
    """How to quantize: bit width, scheme, integer range and arithmetic.

    Integer range (``qmin``, ``qmax``):

    - signed:         ``[-2^(bits-1), 2^(bits-1) - 1]``       (int8: -128..127)
    - signed, narrow: ``[-2^(bits-1) + 1, 2^(bits-1) - 1]``   (int8: -127..127)
    - unsigned:       ``[0, 2^bits - 1]``                      (uint8: 0..255)
    - unsigned, narrow: ``[1, 2^bits - 1]`` (TensorFlow's ``narrow_range``)

    ``reduce_range`` drops one bit, as PyTorch's ``reduce_range=True`` on its default 8-bit
    ranges (``calculate_qmin_qmax`` in torch/ao/quantization/utils.py): the ranges above for
    ``bits - 1`` (quint8 0..127, qint8 -64..63). x86 kernels use it for activations so that
    the int16 sums of pairs of uint8 x int8 products cannot overflow.

    ``rounding`` applies to ``x / scale`` ("half_even" is PyTorch's ``rint``; "half_away" is the
    school rule; "floor"; "stochastic" rounds up with probability equal to the fraction, drawn
    from ``seed``). ``arithmetic`` is "pytorch" (float32, multiply by the reciprocal, round,
    then add the zero point: ``fake_quantize`` and the design's formula), "fbgemm" (float32,
    ``round(fl(x * (1/scale) + zero_point))`` with the sum rounded once, as the fused
    multiply-add of ``torch.quantize_per_tensor`` on x86), "textbook" (float64, divide) or
    "onnxruntime" (float32, divide, round, add the zero point: ONNX Runtime's QuantizeLinear).

    Edge cases: ``bits`` outside 2..16 is refused (one bit leaves no room for a zero point, and
    above 16 bits the codes no longer fit an int16 and float32 cannot tell neighbouring steps
    apart in most ranges). Bad values raise ``ValueError`` naming the value.
    """

    bits: int = 8
    scheme: Scheme = "asymmetric"
    signed: bool = False
    narrow_range: bool = False
    rounding: Rounding = "half_even"
    arithmetic: Arithmetic = "pytorch"
    seed: int = 0
    reduce_range: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.bits, bool) or not isinstance(self.bits, (int, np.integer)):
            raise ValueError(f"bits must be an integer, got {self.bits!r}")
        if not MIN_BITS <= self.bits <= MAX_BITS:
            raise ValueError(
                f"bits={self.bits} is outside {MIN_BITS}..{MAX_BITS}: one bit leaves no room for "
                "a zero point, and wider codes do not fit int16 nor stay exact in float32"
            )
        object.__setattr__(self, "bits", int(self.bits))
        _check_choice("scheme", self.scheme, SCHEMES)
        _check_choice("rounding", self.rounding, ROUNDINGS)
        _check_choice("arithmetic", self.arithmetic, ARITHMETICS)
        for name in ("signed", "narrow_range", "reduce_range"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if self.reduce_range and self.bits < REDUCE_RANGE_MIN_BITS:
            raise ValueError(f"reduce_range needs bits >= {REDUCE_RANGE_MIN_BITS} (one bit "
                             f"fewer), got bits={self.bits}")

    @property
    def qmin(self) -> int:
        """Smallest integer code (see the class docstring for the four ranges)."""
        bits = self.bits - self.reduce_range
        low = -(2 ** (bits - 1)) if self.signed else 0
        return low + 1 if self.narrow_range else low

    @property
    def qmax(self) -> int:
        """Largest integer code: ``2^(bits-1) - 1`` signed, ``2^bits - 1`` unsigned (one bit
        fewer with ``reduce_range``)."""
        bits = self.bits - self.reduce_range
        return 2 ** (bits - 1) - 1 if self.signed else 2**bits - 1

    @property
    def levels(self) -> int:
        """Number of integer codes, ``qmax - qmin + 1``."""
        return self.qmax - self.qmin + 1

    @property
    def dtype(self) -> np.dtype:
        """The narrowest numpy integer dtype that holds ``[qmin, qmax]`` (what kernels store)."""
        return integer_dtype(self.qmin, self.qmax)


def _float_dtype(cfg: QuantConfig) -> type[np.floating]:
    return np.float64 if cfg.arithmetic == "textbook" else np.float32


@dataclass(frozen=True)
class QParams:
    """Quantization parameters: ``q = clip(round(x / scale) + zero_point, qmin, qmax)``.

    Per tensor, ``scale`` is a float (holding a float32 value under "pytorch" arithmetic) and
    ``zero_point`` an int. Per channel or per group they are arrays (float32 / int64) with one
    entry per slice. ``config`` carries the rounding and arithmetic that quantize uses.
    """

    scale: float | np.ndarray
    zero_point: int | np.ndarray
    qmin: int
    qmax: int
    config: QuantConfig = QuantConfig()

    @property
    def per_tensor(self) -> bool:
        return np.ndim(self.scale) == 0

    @property
    def x_lo(self) -> float | np.ndarray:
        """Smallest value the grid represents: ``(qmin - zero_point) * scale``."""
        return self._grid_value(self.qmin)

    @property
    def x_hi(self) -> float | np.ndarray:
        """Largest value the grid represents: ``(qmax - zero_point) * scale``."""
        return self._grid_value(self.qmax)

    def _grid_value(self, code: int) -> float | np.ndarray:
        fdt = _float_dtype(self.config)
        value = (code - np.asarray(self.zero_point)).astype(fdt) * np.asarray(self.scale, fdt)
        return float(value) if value.ndim == 0 else value.astype(np.float32)


def integer_dtype(qmin: int, qmax: int) -> np.dtype:
    """The narrowest of int8, uint8, int16, uint16, int32 that holds ``[qmin, qmax]``."""
    for dt in (np.int8, np.uint8, np.int16, np.uint16, np.int32):
        info = np.iinfo(dt)
        if info.min <= qmin and qmax <= info.max:
            return np.dtype(dt)
    raise ValueError(f"no integer dtype holds [{qmin}, {qmax}]")


def _range_array(value: object, name: str, dtype: type[np.floating]) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiub":
        raise ValueError(f"{name} must be a real number or array of them, got {value!r}")
    with np.errstate(over="ignore"):
        cast = arr.astype(dtype)
    if cast.ndim > 1 and cast.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(cast)):
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)):
            raise ValueError(
                f"{name} = {value!r} is beyond {np.dtype(dtype).name}'s range (largest "
                f"{float(np.finfo(dtype).max):.7g}), in which this arithmetic computes"
            )
        raise ValueError(f"{name} must be finite, got {value!r}")
    arr = cast
    return arr


def _check_scalable(lo: np.ndarray, hi: np.ndarray, scale: np.ndarray, zero_point: np.ndarray,
                    qmin: int, qmax: int, fdt: type[np.floating]) -> None:
    """A range whose grid overflows the arithmetic's float type has no scale: say so plainly.

    ``[-3e38, 3e38]`` is finite in float32 but ``3e38 - (-3e38) = 6e38`` is not (float32's
    largest is 3.4028235e38), so ``scale = inf`` and nothing could be quantized with it. Nor
    may the grid's ends ``(qmin - zero_point) * scale``, ``(qmax - zero_point) * scale``
    overflow: ``[0, 3.4028235e38]`` symmetric gives a finite scale, but its top code would
    dequantize to ``inf``.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # the grid's ends, as dequantize has them
        ends = [(np.asarray(code - zero_point).astype(fdt)) * scale for code in (qmin, qmax)]
    bad = ~(np.isfinite(ends[0]) & np.isfinite(ends[1]))
    if not np.any(bad):
        return
    i = int(np.flatnonzero(np.ravel(bad))[0])
    a, b = float(np.ravel(lo)[i]), float(np.ravel(hi)[i])
    values = {"lo": f"{a:.7g}", "hi": f"{b:.7g}", "dtype": np.dtype(fdt).name,
              "steps": f"{qmax - qmin}", "largest": f"{float(np.finfo(fdt).max):.7g}"}
    raise Refusal(
        "unscalable",
        "the range [{lo}, {hi}] cannot be scaled in {dtype}: over {steps} steps its scale, or "
        "an end of its grid, would exceed the largest {dtype} ({largest}); scale the tensor "
        "down (a symmetric grid, centred on 0, may fit)".format(**values),
        **values,
    )


def compute_qparams(x_min: object, x_max: object, cfg: QuantConfig) -> QParams:
    """Turn a calibrated range ``[x_min, x_max]`` into ``scale`` and ``zero_point``.

    PyTorch's ``_calculate_qparams``, in float32 (float64 for "textbook" arithmetic):

    - ``min_neg = min(x_min, 0)``, ``max_pos = max(x_max, 0)``: the range always holds 0, so
      0.0 maps to an integer exactly (zero padding stays zero).
    - asymmetric: ``scale = max((max_pos - min_neg) / (qmax - qmin), eps)``,
      ``zero_point = clip(qmin - rint(min_neg / scale), qmin, qmax)``.
    - symmetric: ``amax = max(-min_neg, max_pos)``,
      ``scale = max(amax / ((qmax - qmin) / 2), eps)``; ``zero_point = 0`` when signed,
      ``(qmin + qmax) // 2`` when unsigned (PyTorch's default-range quint8 uses 128 instead).

    ``eps = 2^-23``. Edge cases: an all-zero or constant-zero range gives ``scale = eps`` and
    the zero point of an empty range; for full-range int8 symmetric the divisor is 127.5, so
    ``+amax`` lands on a half step (and saturates at 127) while ``-amax`` lands on -128.
    ``x_min``/``x_max`` may be scalars or same-shape arrays (per channel or per group); a NaN,
    an infinity or ``x_min > x_max`` raises ``ValueError``, and so does a finite range whose
    span overflows the float type (``[-3e38, 3e38]`` asymmetric in float32: no finite scale).
    """
    fdt = _float_dtype(cfg)
    lo = _range_array(x_min, "x_min", fdt)
    hi = _range_array(x_max, "x_max", fdt)
    if lo.shape != hi.shape:
        raise ValueError(f"x_min has shape {lo.shape} but x_max has shape {hi.shape}")
    if np.any(lo > hi):
        bad = int(np.flatnonzero(lo > hi)[0]) if lo.ndim else 0
        raise ValueError(f"x_min > x_max: {float(lo.flat[bad])} > {float(hi.flat[bad])}")
    qmin, qmax = cfg.qmin, cfg.qmax
    zero = fdt(0)
    min_neg = np.minimum(lo, zero)
    max_pos = np.maximum(hi, zero)
    eps = fdt(EPS)
    if cfg.scheme == "symmetric":
        amax = np.maximum(-min_neg, max_pos)
        scale = np.maximum(amax / fdt((qmax - qmin) / 2), eps)
        zp_value = 0 if cfg.signed else (qmin + qmax) // 2
        zero_point = np.full(scale.shape, zp_value, dtype=np.int64)
    else:
        with np.errstate(over="ignore"):  # an overflowing span is refused just below
            scale = np.maximum((max_pos - min_neg) / fdt(qmax - qmin), eps)
        zero_point = qmin - np.rint(min_neg / scale).astype(np.int64)
        zero_point = np.clip(zero_point, qmin, qmax)
    scale = scale.astype(fdt)
    _check_scalable(lo, hi, scale, zero_point, qmin, qmax, fdt)
    if scale.ndim == 0:
        return QParams(float(scale), int(zero_point), qmin, qmax, cfg)
    return QParams(scale, zero_point.astype(np.int64), qmin, qmax, cfg)


def _broadcast(param: np.ndarray, x: np.ndarray, axis: int | None, group_size: int | None):
    """Reshape a per-channel/per-group parameter so it broadcasts against ``x`` (or its groups)."""
    if param.ndim == 0:
        return param
    if group_size is not None:
        groups = _grouped(x, group_size).shape[:-1]
        if param.shape != groups:
            raise ValueError(
                f"per-group parameters have shape {param.shape}, the groups of x {groups}"
            )
        return param[..., None]
    if axis is None:
        raise ValueError(
            f"per-channel parameters (shape {param.shape}) need the channel axis; got axis=None"
        )
    ax = _normalize_axis(axis, x.ndim)
    if param.shape != (x.shape[ax],):
        raise ValueError(
            f"{param.size} channel parameters do not match x.shape[{axis}] = {x.shape[ax]}"
        )
    shape = [1] * x.ndim
    shape[ax] = x.shape[ax]
    return param.reshape(shape)


def _normalize_axis(axis: int, ndim: int) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"axis must be an integer or None, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis={axis} is out of range for an array with {ndim} dimensions")
    return int(axis) % ndim


def _grouped(x: np.ndarray, group_size: int | None) -> np.ndarray:
    """View ``x`` as ``(..., n_groups, group_size)`` along its last axis (no copy)."""
    if group_size is None:
        return x
    if isinstance(group_size, bool) or not isinstance(group_size, (int, np.integer)):
        raise ValueError(f"group_size must be a positive integer, got {group_size!r}")
    if group_size < 1 or x.ndim == 0 or x.shape[-1] % group_size:
        last = x.shape[-1] if x.ndim else None
        raise ValueError(
            f"group_size={group_size} does not divide the last axis (length {last}) into groups"
        )
    return x.reshape(*x.shape[:-1], x.shape[-1] // group_size, group_size)


def group_minmax(x: np.ndarray, group_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-group range: ``min``/``max`` over consecutive groups of ``group_size`` on the last axis.

    Returns two arrays of shape ``x.shape[:-1] + (x.shape[-1] // group_size,)`` (the layout of
    int4 LLM weights with one scale per group). ``group_size`` must divide the last axis.
    """
    g = _grouped(np.asarray(x), group_size)
    return g.min(axis=-1), g.max(axis=-1)


def channel_minmax(x: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel range: ``min``/``max`` over every axis except ``axis`` (1-D results)."""
    x = np.asarray(x)
    ax = _normalize_axis(axis, x.ndim)
    others = tuple(i for i in range(x.ndim) if i != ax)
    return x.min(axis=others), x.max(axis=others)


def _round(t: np.ndarray, cfg: QuantConfig) -> np.ndarray:
    """Round ``t`` in place where possible, by ``cfg.rounding``; returns the rounded array.

    half_even: ``rint``. half_away: ``trunc(t) + sign(t) * (|t - trunc(t)| >= 0.5)`` (exact:
    ``t - trunc(t)`` has no rounding error, unlike ``floor(|t| + 0.5)``). floor: ``floor``.
    stochastic: ``floor(t) + (u < t - floor(t))`` with ``u ~ U[0, 1)`` from ``cfg.seed``.
    """
    if cfg.rounding == "half_even":
        return np.rint(t, out=t)
    if cfg.rounding == "floor":
        return np.floor(t, out=t)
    if cfg.rounding == "half_away":
        whole = np.trunc(t)
        up = np.abs(t - whole) >= 0.5
        return whole + np.sign(t) * up
    whole = np.floor(t)
    u = np.random.default_rng(cfg.seed).random(t.shape, dtype=t.dtype)
    return whole + (u < (t - whole))


def unclipped_codes(
    x: np.ndarray, qp: QParams, axis: int | None = None, group_size: int | None = None
) -> np.ndarray:
    """``round(x / scale) + zero_point`` before clipping, as floats (one temporary).

    The codes :func:`quantize` would give without saturation; the same arithmetic and rounding.
    """
    cfg = qp.config
    fdt = _float_dtype(cfg)
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise ValueError(f"x must hold real numbers, got dtype {x.dtype}")
    xg = _grouped(x, group_size)
    scale = _broadcast(np.asarray(qp.scale, dtype=fdt), x, axis, group_size)
    zero_point = _broadcast(np.asarray(qp.zero_point), x, axis, group_size).astype(fdt)
    if cfg.arithmetic == "fbgemm":
        return _fused_codes(xg, scale, zero_point, cfg)
    if cfg.arithmetic == "pytorch":
        inv_scale = fdt(1) / scale
        t = np.multiply(xg, inv_scale, dtype=fdt)
    else:
        t = np.divide(xg, scale, dtype=fdt)
    if np.isnan(t).any():
        raise ValueError("x contains NaN: quantization is undefined for NaN")
    t = _round(t, cfg)
    t += zero_point
    return t


def _fused_codes(xg: np.ndarray, scale: np.ndarray, zero_point: np.ndarray, cfg: QuantConfig):
    """FBGEMM's ``round(fl32(x * inv_scale + zero_point))``: one rounding for the multiply-add.

    The product of two float32 values is exact in float64 (48 significant bits) and so is its
    sum with a zero point below 2^17 unless the product is below about 2^-20 in magnitude,
    where the float32 result is the zero point either way; rounding that float64 to float32 is
    the single rounding of a fused multiply-add.
    """
    inv_scale = np.float32(1) / scale
    t = np.multiply(xg, inv_scale.astype(np.float64), dtype=np.float64)
    t += zero_point.astype(np.float64) if np.ndim(zero_point) else np.float64(zero_point)
    t = t.astype(np.float32)
    if np.isnan(t).any():
        raise ValueError("x contains NaN: quantization is undefined for NaN")
    return _round(t, cfg)


def quantize(
    x: np.ndarray, qp: QParams, axis: int | None = None, group_size: int | None = None
) -> np.ndarray:
    """Integer codes ``q = clip(round(x * (1/scale)) + zero_point, qmin, qmax)``.

    "pytorch" arithmetic multiplies by the float32 reciprocal and rounds in float32, exactly as
    PyTorch's quantize kernels; "textbook" divides in float64; "onnxruntime" divides in float32
    (ONNX Runtime's QuantizeLinear, opset 19, CPU). Per channel, ``qp`` holds 1-D
    arrays and ``axis`` names the channel axis of ``x``; per group, ``group_size`` splits the last
    axis into groups and ``qp`` holds arrays of shape ``x.shape[:-1] + (n_groups,)``.

    Returns codes in ``integer_dtype(qmin, qmax)`` with the shape of ``x``. Values beyond the
    grid saturate at ``qmin``/``qmax`` (see :func:`saturated`); infinities saturate too; NaN
    raises ``ValueError``.
    """
    lo, hi = saturation_range(qp)
    t = unclipped_codes(x, qp, axis, group_size)
    np.clip(t, lo, hi, out=t)
    return t.astype(integer_dtype(lo, hi)).reshape(np.shape(x))


def saturation_range(qp: QParams) -> tuple[int, int]:
    """The codes quantize clips to: ``(qp.qmin, qp.qmax)``, except under "onnxruntime"
    arithmetic, whose QuantizeLinear kernel knows only the storage type and saturates to it
    (int8 -128..127, uint8 0..255 for 8 bits), whatever range the calibration used.

    Edge case: ONNX Runtime's reduce_range uint8 symmetric parameters (0..127, zero point 64,
    scale ``2 * absmax / 127``) put the maximum at code 128, one past the calibration's qmax;
    QuantizeLinear stores 128 (checked against onnxruntime 1.32, opset 19, CPU).
    """
    cfg = qp.config
    if cfg.arithmetic != "onnxruntime":
        return qp.qmin, qp.qmax
    if cfg.signed:
        return -(2 ** (cfg.bits - 1)), 2 ** (cfg.bits - 1) - 1
    return 0, 2**cfg.bits - 1


def saturated(
    x: np.ndarray, qp: QParams, axis: int | None = None, group_size: int | None = None
) -> np.ndarray:
    """Boolean mask of the elements whose code was clipped to ``qmin`` or ``qmax``.

    True where ``round(x/scale) + zero_point`` falls outside :func:`saturation_range` (``[qmin,
    qmax]`` but for "onnxruntime" arithmetic, which saturates to the type): these carry
    clipping error; every other element carries only rounding error (at most ``scale/2``).
    """
    lo, hi = saturation_range(qp)
    t = unclipped_codes(x, qp, axis, group_size)
    return ((t < lo) | (t > hi)).reshape(np.shape(x))


def _dequantize_values(q: np.ndarray, qp: QParams, axis, group_size):
    fdt = _float_dtype(qp.config)
    qg = _grouped(q, group_size)
    scale = _broadcast(np.asarray(qp.scale, dtype=fdt), q, axis, group_size)
    zero_point = _broadcast(np.asarray(qp.zero_point), q, axis, group_size)
    x_hat = qg.astype(fdt)
    x_hat -= zero_point.astype(fdt) if np.ndim(zero_point) else fdt(zero_point)
    x_hat *= scale
    x_hat = x_hat.reshape(np.shape(q))
    return x_hat if x_hat.ndim else x_hat[()]


def dequantize(
    q: np.ndarray, qp: QParams, axis: int | None = None, group_size: int | None = None
) -> np.ndarray:
    """Reconstruction ``x_hat = (q - zero_point) * scale`` as float32.

    ``q - zero_point`` is exact in float32 (codes and zero points are below 2^17), and the
    product is rounded once, like PyTorch's ``fake_quantize`` and ``dequantize``. Under
    "textbook" arithmetic the product is taken in float64 and then rounded to float32.
    ``axis``/``group_size`` as in :func:`quantize`.
    """
    q = np.asarray(q)
    if q.dtype.kind not in "iu":
        raise ValueError(f"q must hold integer codes, got dtype {q.dtype}")
    return np.asarray(_dequantize_values(q, qp, axis, group_size), dtype=np.float32)


def fake_quantize(
    x: np.ndarray, qp: QParams, axis: int | None = None, group_size: int | None = None
) -> np.ndarray:
    """``dequantize(quantize(x))``: the float32 values a quantized network really computes with.

    Equals ``torch.fake_quantize_per_tensor_affine`` (and the per-channel variant) bit for bit
    under "pytorch" arithmetic.
    """
    return dequantize(quantize(x, qp, axis, group_size), qp, axis, group_size)


def code_range(x_min: float, x_max: float, qp: QParams) -> tuple[int, int]:
    """The codes that values in ``[x_min, x_max]`` can reach: ``(q(x_min), q(x_max))``.

    Quantize is monotone, so every reachable code lies between the two. For ReLU outputs
    ``[0, 6]`` under signed symmetric int8 this is ``(0, 127)``: the negative half is unreachable.
    Per-tensor parameters only.
    """
    if not qp.per_tensor:
        raise ValueError("code_range needs per-tensor parameters")
    lo, hi = quantize(np.array([x_min, x_max], dtype=np.float64), qp)
    return int(lo), int(hi)


@dataclass(frozen=True)
class ZeroPointForms:
    """One set of parameters written in every common convention.

    - ``pytorch``: ``q = round(x/scale) + zero_point``; ``x_hat = (q - zero_point) * scale``
      (also ONNX, TFLite).
    - ``notes``: ``q = round(x/scale) - zp`` with ``zp = -zero_point`` (the source notes,
      Distiller); ``x_hat = scale * (q + zp)``.
    - ``aimet``: ``x_hat = (q + offset) * scale`` with ``offset = -zero_point``.
    - ``multiplier``: ``q = round(multiplier * x - zp)`` with ``multiplier = 1/scale`` and the
      notes' ``zp = -zero_point`` (Distiller's "scale factor": ``linear_quantize`` computes
      ``round(scale * input - zero_point)``). NVIDIA's pytorch-quantization also multiplies,
      by ``(2^(bits-1) - 1) / amax``, but is symmetric only: no zero point (tensor_quant.py).
    - ``nncf``: ``input_low = (qmin - zero_point) * scale``, ``input_high = (qmax - zero_point) *
      scale``, ``levels = qmax - qmin + 1``.
    """

    scale: float
    zero_point: int
    zp_notes: int
    offset_aimet: int
    multiplier: float
    input_low: float
    input_high: float
    levels: int


def zero_point_forms(qp: QParams) -> ZeroPointForms:
    """Translate per-tensor ``qp`` into every convention (see :class:`ZeroPointForms`).

    The multiplier is the float32 reciprocal ``1/scale`` that PyTorch's kernels multiply by.
    """
    if not qp.per_tensor:
        raise ValueError("zero_point_forms needs per-tensor parameters")
    fdt = _float_dtype(qp.config)
    return ZeroPointForms(
        scale=float(qp.scale),
        zero_point=int(qp.zero_point),
        zp_notes=-int(qp.zero_point),
        offset_aimet=-int(qp.zero_point),
        multiplier=float(fdt(1) / fdt(qp.scale)),
        input_low=float(qp.x_lo),
        input_high=float(qp.x_hi),
        levels=qp.qmax - qp.qmin + 1,
    )


def notes_qparams(x_min: float, x_max: float, bits: int) -> tuple[float, float]:
    """The source notes' own parameters, without PyTorch's widening to include 0.

    ``scale = (x_max - x_min) / (2^bits - 1)``, ``zp = round(x_min / scale)`` (half to even),
    so ``q = round(x/scale) - zp`` on ``[0, 2^bits - 1]``. For data that does not contain 0
    (say ``[1, 3]``) the code of 0.0 is ``-zp``, which lies outside ``[0, 2^bits - 1]``: the
    notes' promise that 0.0 maps exactly breaks. float64; ``x_min == x_max`` gives ``scale = 0``
    and is refused with ``ValueError``.
    """
    if not x_min < x_max:
        raise ValueError(f"the notes' formula needs x_min < x_max, got [{x_min}, {x_max}]")
    scale = (x_max - x_min) / (2**bits - 1)
    return scale, float(np.rint(x_min / scale))


def arithmetic_disagreements(
    x: np.ndarray,
    cfg: QuantConfig,
    a: str = "pytorch",
    b: str = "textbook",
    x_min: float | None = None,
    x_max: float | None = None,
) -> np.ndarray:
    """Flat indices of the elements whose codes differ between two arithmetics.

    Both use the range ``[x_min, x_max]`` (by default ``[min(x), max(x)]``), each computing its
    parameters in its own arithmetic, and ``cfg``'s scheme, bits and rounding; only the
    arithmetic differs (``a`` against ``b``; by default float32 reciprocal-multiply against
    float64 division). Differences sit on ties (``x/scale`` near a half step, decided
    differently after float32 rounding) and at the symmetric maximum; "pytorch" against
    "fbgemm" differ where adding the zero point before rounding moves a near-tie. Empty ``x``
    gives an empty result.
    """
    x = np.asarray(x)
    if x.size == 0:
        return np.zeros(0, dtype=np.int64)
    lo = float(x.min()) if x_min is None else x_min
    hi = float(x.max()) if x_max is None else x_max
    codes = []
    for arithmetic in (a, b):
        c = replace(cfg, arithmetic=arithmetic)
        codes.append(quantize(x, compute_qparams(lo, hi, c)).ravel())
    return np.flatnonzero(codes[0] != codes[1])

