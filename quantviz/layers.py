"""The integer-only linear layer: uint8 x int8 products, int32 accumulation, requantization.

:func:`quantized_linear` reproduces ``torch.ao.nn.quantized.functional.linear`` on the x86
engine (FBGEMM) code for code. What FBGEMM does, found by running torch 2.13 and checked on the
committed goldens (``scripts/make_golden_layers.py``)::

    acc[i, j]  = sum_k (x_q[i, k] - x_zp) * (w_q[j, k] - w_zp[j])             exact, int32
    a[j]       = fl32(x_scale * w_scale[j])                                 float32
    M[j]       = fl32(a[j] / y_scale)                                       float32 multiplier
    b[j]       = fl32(bias[j] * fl32(1 / a))   per tensor  (one reciprocal)
               = fl32(bias[j] / a[j])          per channel (a division per channel)
    v          = fl32(fl32(float32(acc) + b[j]) * M[j])
    y_q        = clip(rint(v) + y_zp, 0, 255)  (rint: round half to even; with ReLU the
                                                lower bound is y_zp instead of 0)

The bias stays a float: it is never rounded to an int32 (TFLite and gemmlowp round it to an
int32 with scale ``x_scale * w_scale``; see :func:`requantize_fixed_point`). FBGEMM computes the
accumulator from the raw codes and removes the zero points afterwards (its "row offsets" and
"column offsets"): ``sum x_q w_q - w_zp sum_k x_q - x_zp sum_k w_q + K x_zp w_zp``;
:class:`LinearPipeline` holds each term.

On AVX2 without VNNI, FBGEMM multiplies with ``vpmaddubsw``, which adds the two products of
neighbouring k (``2p``, ``2p + 1``) into an int16 and saturates; :func:`pair_sums` models it
(``saturate=True`` in :func:`quantized_linear`), checked against torch run with
``FBGEMM_ENABLE_INSTRUCTIONS=AVX2``. With VNNI (``vpdpbusd``) or AVX-512 VNNI the sum is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quantviz.quantize import QParams

F32 = np.float32
INT16_MIN, INT16_MAX = -(2**15), 2**15 - 1
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
UINT8_MAX = 255


# --- checking the arguments ------------------------------------------------------------------


def _codes(q: object, name: str, lo: int, hi: int) -> np.ndarray:
    arr = np.asarray(q)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer codes, got dtype {arr.dtype}")
    if arr.size and (int(arr.min()) < lo or int(arr.max()) > hi):
        raise ValueError(
            f"{name} holds codes in [{int(arr.min())}, {int(arr.max())}], outside [{lo}, {hi}]"
        )
    return arr.astype(np.int64)


def _per_tensor(qp: QParams, name: str) -> tuple[F32, int]:
    if not qp.per_tensor:
        raise ValueError(f"{name} must be per tensor, got scale of shape {np.shape(qp.scale)}")
    scale = F32(qp.scale)
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"{name}.scale={float(qp.scale)!r} must be finite and positive")
    zero_point = int(qp.zero_point)
    if not 0 <= zero_point <= UINT8_MAX:
        raise ValueError(f"{name}.zero_point={zero_point} is outside the quint8 range [0, 255]")
    return scale, zero_point


def _weight_params(w_qp: QParams, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    scale = np.broadcast_to(np.asarray(w_qp.scale, dtype=F32), (n_out,)).copy() \
        if np.ndim(w_qp.scale) == 0 or np.size(w_qp.scale) == n_out else None
    if scale is None:
        raise ValueError(
            f"w_qp.scale has {np.size(w_qp.scale)} entries; per channel it needs one per "
            f"output channel ({n_out})"
        )
    zero_point = np.asarray(w_qp.zero_point, dtype=np.int64)
    if zero_point.ndim and zero_point.size != n_out:
        raise ValueError(
            f"w_qp.zero_point has {zero_point.size} entries, expected 1 or {n_out}"
        )
    zero_point = np.broadcast_to(zero_point, (n_out,)).copy()
    if not (np.isfinite(scale).all() and (scale > 0).all()):
        raise ValueError(f"w_qp.scale must be finite and positive, got {scale!r}")
    if ((zero_point < -128) | (zero_point > 127)).any():
        raise ValueError(f"w_qp.zero_point={zero_point!r} is outside the qint8 range [-128, 127]")
    return scale, zero_point


# --- the pipeline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LinearPipeline:
    """Every intermediate of :func:`quantized_linear`, for showing and checking.

    Shapes: ``x_q (M, K)``, ``w_q (N, K)``, per-output arrays ``(N,)``, results ``(M, N)``.

    - ``products = sum_k x_q w_q`` (the only term that costs work per product),
    - ``row_term = w_zp[j] * sum_k x_q[i, k]``: one row sum per input row, computed at run time
      (zero when the weights are symmetric, ``w_zp = 0``),
    - ``col_term = x_zp * sum_k w_q[j, k]`` and ``const_term = K x_zp w_zp[j]``: known once
      the weights and the activation zero point are, so they fold into the bias ahead of time,
    - ``acc = products - row_term - col_term + const_term`` (int32, exact),
    - ``multiplier = fl32(fl32(x_scale * w_scale) / y_scale)``, ``bias_acc`` the bias in
      accumulator units, ``scaled`` the float32 value before rounding, ``y_q`` the codes.
    """

    x_q: np.ndarray
    w_q: np.ndarray
    x_scale: float
    x_zero_point: int
    w_scale: np.ndarray
    w_zero_point: np.ndarray
    w_per_tensor: bool
    bias: np.ndarray
    y_scale: float
    products: np.ndarray
    row_term: np.ndarray
    col_term: np.ndarray
    const_term: np.ndarray
    acc: np.ndarray
    act_times_w_scale: np.ndarray
    multiplier: np.ndarray
    bias_acc: np.ndarray
    scaled: np.ndarray
    y_zero_point: int
    y_q: np.ndarray
    relu: bool

    @property
    def acc_min(self) -> int:
        return int(self.acc.min()) if self.acc.size else 0

    @property
    def acc_max(self) -> int:
        return int(self.acc.max()) if self.acc.size else 0

    @property
    def acc_bits(self) -> int:
        """Bits a signed integer needs to hold every accumulator: ``1 + bit_length(max |acc|)``."""
        peak = max(abs(self.acc_min), abs(self.acc_max))
        return 1 + peak.bit_length()

    @property
    def headroom_bits(self) -> int:
        """Bits of int32 left unused: ``32 - acc_bits``."""
        return 32 - self.acc_bits

    @property
    def worst_case_acc(self) -> int:
        """``K * max|x_q - x_zp| * max|w_q - w_zp|`` over the codes' full ranges."""
        k = self.x_q.shape[1]
        x_peak = max(self.x_zero_point, UINT8_MAX - self.x_zero_point)
        w_peak = int(np.max(np.maximum(self.w_zero_point + 128, 127 - self.w_zero_point)))
        return k * x_peak * w_peak


def _as_2d(x_q: np.ndarray) -> np.ndarray:
    if x_q.ndim == 0:
        raise ValueError("x_q must have at least one dimension (..., in_features)")
    return x_q.reshape(-1, x_q.shape[-1])


def linear_pipeline(
    x_q: np.ndarray,
    x_qp: QParams,
    w_q: np.ndarray,
    w_qp: QParams,
    bias: np.ndarray | None,
    y_qp: QParams,
    *,
    relu: bool = False,
    saturate: bool = False,
) -> LinearPipeline:
    """All intermediates of :func:`quantized_linear` (``x_q`` flattened to ``(M, K)``).

    ``saturate=True`` replaces ``products`` by the AVX2 ``vpmaddubsw`` sum of
    :func:`pair_sums` (int16-saturated pairs), as FBGEMM computes it without VNNI.
    """
    xq = _as_2d(_codes(x_q, "x_q", 0, UINT8_MAX))
    wq = _codes(w_q, "w_q", -128, 127)
    if wq.ndim != 2:
        raise ValueError(f"w_q must be 2-D (out_features, in_features), got shape {wq.shape}")
    n_out, k = wq.shape
    if xq.shape[1] != k:
        raise ValueError(f"x_q has {xq.shape[1]} input features, w_q has {k}")
    x_scale, x_zp = _per_tensor(x_qp, "x_qp")
    y_scale, y_zp = _per_tensor(y_qp, "y_qp")
    w_scale, w_zp = _weight_params(w_qp, n_out)
    if bias is None:
        bias32 = np.zeros(n_out, F32)
    else:
        bias32 = np.asarray(bias, dtype=F32)
        if bias32.shape != (n_out,):
            raise ValueError(f"bias has shape {bias32.shape}, expected ({n_out},)")
        if not np.isfinite(bias32).all():
            raise ValueError("bias holds NaN or infinity")

    products = _saturated_products(xq, wq) if saturate else _exact_products(xq, wq)
    row_term = np.outer(xq.sum(axis=1), w_zp)
    col_term = x_zp * wq.sum(axis=1)
    const_term = k * x_zp * w_zp
    acc = products - row_term - col_term[None, :] + const_term[None, :]
    if acc.size and (acc.min() < INT32_MIN or acc.max() > INT32_MAX):
        raise ValueError(
            f"the accumulator reaches [{int(acc.min())}, {int(acc.max())}], beyond int32: "
            f"in_features={k} is too large for these codes"
        )
    acc = acc.astype(np.int32)

    a = (x_scale * w_scale).astype(F32)
    multiplier = (a / y_scale).astype(F32)
    if w_qp.per_tensor:
        bias_acc = (bias32 * (F32(1) / a[0])).astype(F32)
    else:
        bias_acc = (bias32 / a).astype(F32)
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = ((acc.astype(F32) + bias_acc) * multiplier).astype(F32)
    y_q = _round_clamp(scaled, y_zp, relu)
    return LinearPipeline(
        x_q=xq, w_q=wq, x_scale=float(x_scale), x_zero_point=x_zp, w_scale=w_scale,
        w_zero_point=w_zp, w_per_tensor=w_qp.per_tensor, bias=bias32, y_scale=float(y_scale),
        products=products,
        row_term=row_term, col_term=col_term, const_term=const_term, acc=acc,
        act_times_w_scale=a, multiplier=multiplier, bias_acc=bias_acc, scaled=scaled,
        y_zero_point=y_zp, y_q=y_q, relu=relu,
    )


def _round_clamp(scaled: np.ndarray, y_zp: int, relu: bool) -> np.ndarray:
    """``clip(rint(scaled) + y_zp, lo, 255)`` as FBGEMM's AVX2 epilogue.

    ``vcvtps2dq`` rounds half to even; a value outside int32 gives the "integer indefinite"
    ``-2^31`` (so a huge positive value lands on code 0, not 255), then the packs saturate.
    """
    finite = np.isfinite(scaled) & (np.abs(scaled) < 2.0**31)
    rounded = np.where(finite, np.rint(np.where(finite, scaled, 0)), INT32_MIN).astype(np.int64)
    lo = y_zp if relu else 0
    return np.clip(rounded + y_zp, lo, UINT8_MAX).astype(np.uint8)


def quantized_linear(
    x_q: np.ndarray,
    x_qp: QParams,
    w_q: np.ndarray,
    w_qp: QParams,
    bias: np.ndarray | None,
    y_qp: QParams,
    *,
    relu: bool = False,
    saturate: bool = False,
) -> np.ndarray:
    """uint8 output codes of a quantized linear layer, equal to FBGEMM's (x86 engine).

    ``y_q = clip(rint(fl32(fl32(acc + b) * M)) + y_zp, 0, 255)`` with
    ``acc = sum_k (x_q - x_zp)(w_q - w_zp)`` (int32), ``M = fl32(fl32(x_scale * w_scale) /
    y_scale)``, ``b = bias * (1 / (x_scale * w_scale))`` per tensor or ``bias / (x_scale *
    w_scale[j])`` per channel, all float32 (see the module docstring).

    ``x_q``: uint8 codes ``(..., K)``, ``x_qp`` per tensor (quint8); ``w_q``: int8 codes
    ``(N, K)``, ``w_qp`` per tensor or per output channel (arrays of ``N`` scales and zero
    points); ``bias``: ``N`` floats or None; ``y_qp`` per tensor (quint8). ``relu=True`` is
    ``torch.ops.quantized.linear_relu`` (codes below ``y_zp`` clamp to ``y_zp``).
    ``saturate=True`` models AVX2 without VNNI (:func:`pair_sums`).

    Edge cases: ``K = 1`` and a batch of one work; codes outside their ranges, mismatched shapes,
    non-positive scales, zero points outside the dtype, or an accumulator beyond int32 raise
    ``ValueError``. Returns uint8 of shape ``(..., N)``.
    """
    x_arr = np.asarray(x_q)
    pipe = linear_pipeline(
        x_arr, x_qp, w_q, w_qp, bias, y_qp, relu=relu, saturate=saturate
    )
    return pipe.y_q.reshape(*x_arr.shape[:-1], pipe.w_q.shape[0])


def _exact_products(xq: np.ndarray, wq: np.ndarray) -> np.ndarray:
    """``x_q @ w_q.T`` exactly, through float64 BLAS: every partial sum is an integer below
    ``255 * 128 * K < 2^53``, so float64 holds it exactly for any ``K`` below 2^37."""
    return (xq.astype(np.float64) @ wq.astype(np.float64).T).astype(np.int64)


# --- AVX2 vpmaddubsw: pairs of products saturate in int16 ------------------------------------

#: Pair sums computed at once, at most (bounds the memory of the saturation model).
_PAIR_CHUNK = 1 << 21


def _pair_chunks(xq: np.ndarray, wq: np.ndarray):
    """Yield ``(channel slice, raw pair sums (M, c, ceil(K/2)) int32)`` over output channels."""
    k = xq.shape[-1]
    pad = k % 2
    xe = np.pad(xq, ((0, 0), (0, pad))).astype(np.int32)
    we = np.pad(wq, ((0, 0), (0, pad))).astype(np.int32)
    pairs = (k + pad) // 2
    step = max(1, _PAIR_CHUNK // max(1, xe.shape[0] * pairs))
    for start in range(0, we.shape[0], step):
        w = we[start:start + step]
        raw = xe[:, None, 0::2] * w[None, :, 0::2] + xe[:, None, 1::2] * w[None, :, 1::2]
        yield slice(start, start + step), raw


def _saturated_products(xq: np.ndarray, wq: np.ndarray) -> np.ndarray:
    out = np.empty((xq.shape[0], wq.shape[0]), np.int64)
    for cols, raw in _pair_chunks(xq, wq):
        out[:, cols] = np.clip(raw, INT16_MIN, INT16_MAX).sum(axis=-1, dtype=np.int64)
    return out



def pair_sums(x_q: np.ndarray, w_q: np.ndarray) -> np.ndarray:
    """``sat16(x[2p] w[2p] + x[2p+1] w[2p+1])`` for every pair ``p``: what ``vpmaddubsw`` adds.

    ``x_q`` uint8 codes ``(M, K)``, ``w_q`` int8 codes ``(N, K)``; an odd ``K`` is padded with a
    zero, as FBGEMM pads its packed matrices. Returns int64 ``(M, N, ceil(K/2))``, each entry
    clamped to ``[-32768, 32767]``. The raw codes are multiplied (zero points are removed after
    the sum), so a large activation zero point does not protect against saturation.
    """
    xq = np.asarray(x_q, dtype=np.int64)
    wq = np.asarray(w_q, dtype=np.int64)
    k = xq.shape[-1]
    if k % 2:
        xq = np.concatenate([xq, np.zeros((*xq.shape[:-1], 1), np.int64)], axis=-1)
        wq = np.concatenate([wq, np.zeros((*wq.shape[:-1], 1), np.int64)], axis=-1)
    raw = (
        xq[:, None, 0::2] * wq[None, :, 0::2] + xq[:, None, 1::2] * wq[None, :, 1::2]
    )
    return np.clip(raw, INT16_MIN, INT16_MAX)


def pair_sum_counts(x_q: np.ndarray, w_q: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Histogram counts of every raw pair sum ``x[2p] w[2p] + x[2p+1] w[2p+1]`` (before
    saturation) over the bin ``edges``, counted in bounded chunks (no ``(M, N, K/2)`` array).

    Values outside ``[edges[0], edges[-1]]`` are left out, as ``numpy.histogram`` does.
    """
    xq = _as_2d(_codes(x_q, "x_q", 0, UINT8_MAX))
    wq = _codes(w_q, "w_q", -128, 127)
    counts = np.zeros(len(edges) - 1, np.int64)
    for _, raw in _pair_chunks(xq, wq):
        counts += np.histogram(raw, bins=edges)[0]
    return counts


@dataclass(frozen=True)
class PairSaturation:
    """How many ``vpmaddubsw`` pair sums left the int16 range, and by how much the result moved."""

    pairs: int
    saturated: int
    outputs: int
    outputs_changed: int
    max_acc_error: int

    @property
    def fraction(self) -> float:
        return self.saturated / self.pairs if self.pairs else 0.0


def count_pair_saturation(x_q: np.ndarray, w_q: np.ndarray) -> PairSaturation:
    """Count pairs with ``|x[2p] w[2p] + x[2p+1] w[2p+1]|`` beyond int16 (see :func:`pair_sums`).

    The largest pair is ``2 * 255 * (-128) = -65280``; with 7-bit activations (``reduce_range``,
    codes 0..127) it is ``2 * 127 * (-128) = -32512``, inside int16, so nothing saturates.
    ``outputs_changed`` counts accumulators that differ from the exact sum; ``max_acc_error``
    the largest difference.
    """
    xq = _as_2d(_codes(x_q, "x_q", 0, UINT8_MAX))
    wq = _codes(w_q, "w_q", -128, 127)
    if wq.ndim != 2 or wq.shape[1] != xq.shape[1]:
        raise ValueError(f"w_q of shape {wq.shape} does not match x_q's {xq.shape[1]} inputs")
    pairs = saturated = changed = 0
    max_err = 0
    for _, raw in _pair_chunks(xq, wq):
        excess = raw - np.clip(raw, INT16_MIN, INT16_MAX)
        err = np.abs(excess.sum(axis=-1, dtype=np.int64))
        pairs += raw.size
        saturated += int(np.count_nonzero(excess))
        changed += int(np.count_nonzero(err))
        max_err = max(max_err, int(err.max()) if err.size else 0)
    return PairSaturation(pairs=pairs, saturated=saturated, outputs=xq.shape[0] * wq.shape[0],
                          outputs_changed=changed, max_acc_error=max_err)


# --- gemmlowp / TFLite fixed-point requantization --------------------------------------------


def quantize_multiplier(real_multiplier: float) -> tuple[int, int]:
    """``(M0, shift)`` with ``real_multiplier ~= M0 * 2^(shift - 31)``, ``M0`` in ``[2^30, 2^31)``.

    TFLite's ``QuantizeMultiplier`` (tensorflow/lite/kernels/internal/quantization_util.cc):
    ``q, shift = frexp(m)`` (``q`` in [0.5, 1)), ``M0 = round(q * 2^31)`` (half away from zero,
    ``TfLiteRound``), if ``M0 == 2^31`` then ``M0 /= 2, shift += 1``; if ``shift < -31`` then
    ``M0 = shift = 0``. Edge cases: ``0`` gives ``(0, 0)``; a negative or non-finite multiplier,
    or one of ``2^31`` or more, raises ``ValueError``.
    """
    m = float(real_multiplier)
    if not np.isfinite(m) or m < 0:
        raise ValueError(f"real_multiplier={real_multiplier!r} must be finite and >= 0")
    if m == 0:
        return 0, 0
    q, shift = np.frexp(m)
    m0 = int(np.floor(float(q) * 2.0**31 + 0.5))  # q > 0: half away from zero
    shift = int(shift)
    if m0 == 2**31:
        m0 //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        raise ValueError(f"real_multiplier={m!r} needs shift {shift} > 30")
    return m0, shift


def saturating_rounding_doubling_high_mul(a: np.ndarray, b: int) -> np.ndarray:
    """gemmlowp's ``SaturatingRoundingDoublingHighMul`` (gemmlowp/fixedpoint/fixedpoint.h).

    ``(a * b + nudge) / 2^31`` with C's truncating division, ``nudge = 2^30`` if ``a * b >= 0``
    else ``1 - 2^30``: ``a * b / 2^31`` rounded to nearest, and a tie rounds up (towards
    +infinity: 2.5 -> 3 but -2.5 -> -2, the ``+1`` in the negative nudge does that). The one
    overflow, ``a = b = -2^31``, saturates to ``2^31 - 1``.
    """
    a64 = np.asarray(a, dtype=np.int64)
    ab = a64 * np.int64(b)
    nudge = np.where(ab >= 0, np.int64(1 << 30), np.int64(1 - (1 << 30)))
    num = ab + nudge
    # C++ integer division truncates towards zero.
    q = np.where(num >= 0, num // (1 << 31), -((-num) // (1 << 31)))
    overflow = (a64 == INT32_MIN) & (b == INT32_MIN)
    return np.where(overflow, INT32_MAX, q).astype(np.int64)


def rounding_divide_by_pot(x: np.ndarray, exponent: int) -> np.ndarray:
    """gemmlowp's ``RoundingDivideByPOT``: ``x / 2^exponent`` rounded half away from zero.

    ``mask = 2^e - 1``, ``remainder = x & mask``, ``threshold = mask >> 1`` plus 1 if ``x < 0``;
    result ``(x >> e) + (remainder > threshold)`` (arithmetic shift). ``exponent`` in 0..31.
    """
    if not 0 <= exponent <= 31:
        raise ValueError(f"exponent={exponent} is outside 0..31")
    x64 = np.asarray(x, dtype=np.int64)
    mask = np.int64((1 << exponent) - 1)
    remainder = x64 & mask
    threshold = (mask >> 1) + (x64 < 0).astype(np.int64)
    return (x64 >> exponent) + (remainder > threshold).astype(np.int64)


def multiply_by_quantized_multiplier(x: np.ndarray, m0: int, shift: int) -> np.ndarray:
    """TFLite's ``MultiplyByQuantizedMultiplier``: ``x * M0 * 2^(shift - 31)`` in integers.

    ``left = max(shift, 0)``, ``right = max(-shift, 0)``;
    ``RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^left, M0), right)``.
    """
    left, right = max(shift, 0), max(-shift, 0)
    x64 = np.asarray(x, dtype=np.int64) * (1 << left)
    x64 = np.clip(x64, INT32_MIN, INT32_MAX)
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x64, m0), right)


@dataclass(frozen=True)
class FixedPointRequant:
    """The gemmlowp/TFLite requantization of one layer beside FBGEMM's float one."""

    m0: np.ndarray
    shift: np.ndarray
    real_multiplier: np.ndarray
    fixed_multiplier: np.ndarray
    bias_q: np.ndarray
    y_q: np.ndarray
    differ: np.ndarray


def requantize_fixed_point(pipe: LinearPipeline) -> FixedPointRequant:
    """Requantize ``pipe.acc`` the TFLite way and mark where it parts from FBGEMM's codes.

    As TFLite's int8 fully-connected path computes it (checked against the TensorFlow source:
    ``GetQuantizedConvolutionMultipler`` in tensorflow/lite/kernels/kernel_util.cc,
    ``SymmetricPerLayerBiasQuantize`` in tensorflow/lite/tools/optimize/quantization_utils.cc,
    ``MultiplyByQuantizedMultiplier`` in tensorflow/lite/kernels/internal/common.h):

    - ``real[j] = x_scale * w_scale[j] / y_scale`` in float64 from the float32 scales,
      ``(M0, shift) = quantize_multiplier(real)`` per output channel;
    - ``bias_q = TfLiteRound(fl32(bias * fl32(1 / fl32(x_scale * w_scale))))``: an int32,
      rounded half away from zero, clamped to ``[-(2^31 - 1), 2^31 - 1]``;
    - ``y_q = clip(MultiplyByQuantizedMultiplier(acc + bias_q, M0, shift) + y_zp, lo, 255)``.

    Where it parts from FBGEMM: the bias is rounded to an integer first; the multiplier has
    31 significant bits instead of float32's 24; there are two roundings (the high multiply
    rounds ties up, the shift rounds ties away from zero), not one rounding half to even.
    Edge cases: a zero bias or ``None`` gives ``bias_q = 0``; an ``acc + bias_q`` beyond int32
    is clamped (C++ would wrap).
    """
    n_out = pipe.w_q.shape[0]
    ws = pipe.w_scale.astype(np.float64)
    real = F32(pipe.x_scale).astype(np.float64) * ws / float(F32(pipe.y_scale))
    pairs = [quantize_multiplier(r) for r in real]
    m0 = np.array([p[0] for p in pairs], np.int64)
    shift = np.array([p[1] for p in pairs], np.int64)
    factor = (F32(pipe.x_scale) * pipe.w_scale).astype(F32)
    inv = (1.0 / factor.astype(np.float64)).astype(F32)
    ratio = (pipe.bias * inv).astype(F32).astype(np.float64)
    bias_q = np.sign(ratio) * np.floor(np.abs(ratio) + 0.5)
    bias_q = np.clip(bias_q, -INT32_MAX, INT32_MAX).astype(np.int64)
    total = np.clip(pipe.acc.astype(np.int64) + bias_q[None, :], INT32_MIN, INT32_MAX)
    out = np.empty_like(total)
    for j in range(n_out):
        out[:, j] = multiply_by_quantized_multiplier(total[:, j], int(m0[j]), int(shift[j]))
    lo = pipe.y_zero_point if pipe.relu else 0
    y_q = np.clip(out + pipe.y_zero_point, lo, UINT8_MAX).astype(np.uint8)
    fixed = m0.astype(np.float64) * np.exp2(shift.astype(np.float64) - 31)
    return FixedPointRequant(
        m0=m0, shift=shift, real_multiplier=real, fixed_multiplier=fixed, bias_q=bias_q,
        y_q=y_q, differ=y_q != pipe.y_q,
    )
