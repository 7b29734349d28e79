"""Number formats beyond INT: FP8/FP6/FP4, OCP MX block formats, NVFP4, NF4 and integers.

One door for every format: :func:`fake_quantize_format` (float32 ``x_hat`` of ``x``'s shape),
:func:`encode_format` (element codes and scales, for code-usage views) and the :data:`FORMATS`
registry of each format's facts. Everything is float32; element casts round to nearest, ties to
even, after clipping to the largest finite value (saturation). Blocks run along the last axis.

The definitions, and where the references that the goldens come from (torch 2.13 float8 casts,
torchao 0.18.0 ``prototype.mx_formats``, bitsandbytes 0.50.2) refine them:

- per-tensor floats ``fp8_e4m3`` (E4M3FN, max 448), ``fp8_e5m2`` (57344), ``fp6_e3m2`` (28),
  ``fp6_e2m3`` (7.5), ``fp4_e2m1`` (6): ``s = amax / max`` (``s = 1`` when ``amax = 0``),
  ``x_hat = cast(clip(x / s)) * s``.
- OCP MX v1.0 ``mxfp8_e4m3``, ``mxfp8_e5m2``, ``mxfp6_e3m2``, ``mxfp6_e2m3``, ``mxfp4``: blocks of
  32, shared E8M0 exponent ``e = floor(log2(amax_block)) - emax_elem`` clamped to -127..127,
  ``x_hat = cast(clip(x / 2^e)) * 2^e``. As torchao's ``to_mx`` (FLOOR) does: ``floor(log2)``
  is read from amax's float32 exponent field (a subnormal amax counts as 2^-127), and the
  scale the elements are divided by is ``max(2^e, 2^-126)`` (torchao clamps it to float32's
  smallest normal) while ``to_dtype`` multiplies back by ``2^e``; so a block whose exponent
  clamps to -127 (an all-zero block, or amax below ``2^(emax_elem - 126)``) comes back at half
  its value. An all-zero block stays zero.
- ``nvfp4``: blocks of 16; tensor scale ``g = amax / (448 * 6)``; block scale
  ``s = cast_e4m3(clip(amax_block / 6 / g, 2^-6, 448))``; elements
  ``cast_fp4(clip(x * ((1/g) / s), -6, 6))``; ``x_hat = elem * (g * s)``. torchao's
  ``nvfp4_quantize`` clamps the block scale below at E4M3's smallest normal 2^-6 (so no block
  scale is subnormal) and multiplies by the reciprocal ``(1/g)/s`` instead of dividing. A
  tensor that is all zeros (``g = 0``, where torchao gives NaN) comes back as zeros here.
- ``nf4``: blocks of 64, ``absmax`` per block, ``q = searchsorted(midpoints, clip(x * (1 /
  max(absmax, 1e-38)), -1, 1))`` over the midpoints of the 16 NormalFloat levels that
  bitsandbytes hard-codes (QLoRA); a value exactly on a midpoint goes to the lower level (
  ``torch.bucketize(right=False)``); ``x_hat = level[q] * absmax``.
- integers ``int8``, ``int4`` (per tensor) and ``int4_group_fp16``, ``int4_group_bf16``,
  ``int4_group_e8m0`` (groups of 128): signed asymmetric, PyTorch's ``compute_qparams`` per
  tensor or per group (:mod:`quantviz.quantize`); in the group formats the scale is then stored
  in its own format (float16 and bfloat16 round to nearest even; E8M0 rounds up to the next
  power of two so that nothing clips; each is clipped into the scale format's positive finite
  range), the zero point is recomputed from the stored scale, ``clip(qmin - rint(min_neg /
  scale), qmin, qmax)``, and stored in 4 bits.

Last axis not a multiple of the block: the last block of each row is shorter and has its own
scale (zeros pad it, which changes no amax and no range that already holds 0). For a 1-D
tensor this is what bitsandbytes does (its tail block divides by absmax instead of multiplying by
the reciprocal; so does ours); bitsandbytes flattens an n-D tensor first, so an n-D tensor
whose last axis is not a multiple of 64 blocks differently there. torchao refuses such shapes.

Input: real numbers, at least one; NaN or infinity raises ``ValueError`` with the count.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Literal

import ml_dtypes
import numpy as np

from quantviz.quantize import QParams, QuantConfig, compute_qparams, dequantize, quantize

F32 = np.float32
#: The reference versions the goldens (tests/data/golden_formats.npz) were made with.
REFERENCES = {"torch": "2.13.0", "torchao": "0.18.0", "bitsandbytes": "0.50.2"}
Kind = Literal["float", "mx", "nvfp4", "nf4", "int"]


@dataclass(frozen=True)
class Element:
    """A small float element format: its ml_dtypes type, field widths and largest power of 2."""

    name: str
    dtype: type
    exponent_bits: int
    mantissa_bits: int

    @property
    def info(self):
        return ml_dtypes.finfo(self.dtype)

    @property
    def bits(self) -> int:
        return 1 + self.exponent_bits + self.mantissa_bits

    @property
    def max_value(self) -> float:
        return float(self.info.max)

    @property
    def emax(self) -> int:
        """``floor(log2(max))``: the exponent of the largest normal (E4M3 8, E2M1 2)."""
        return int(math.floor(math.log2(self.max_value)))

    @property
    def bias(self) -> int:
        return 2 ** (self.exponent_bits - 1) - 1


ELEMENTS: dict[str, Element] = {
    "e4m3": Element("e4m3", ml_dtypes.float8_e4m3fn, 4, 3),
    "e5m2": Element("e5m2", ml_dtypes.float8_e5m2, 5, 2),
    "e3m2": Element("e3m2", ml_dtypes.float6_e3m2fn, 3, 2),
    "e2m3": Element("e2m3", ml_dtypes.float6_e2m3fn, 2, 3),
    "e2m1": Element("e2m1", ml_dtypes.float4_e2m1fn, 2, 1),
}

#: The 16 NormalFloat levels as bitsandbytes 0.50.2 hard-codes them (``get_4bit_type("nf4")``,
#: QLoRA's ``create_normal_map(offset=0.9677083, use_extra_value=True)``), float32.
NF4_LEVELS = np.array([
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
    0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
], dtype=F32)
#: Midpoints between neighbouring levels, computed in float32 as bitsandbytes does.
NF4_MIDPOINTS = ((NF4_LEVELS[:-1] + NF4_LEVELS[1:]) / F32(2)).astype(F32)
#: bitsandbytes' floor on absmax before taking its reciprocal.
NF4_ABSMAX_FLOOR = F32(1e-38)

#: E8M0 exponents: 2^-127..2^127 (255 is NaN); the torchao floor of the dividing scale.
E8M0_MIN, E8M0_MAX = -127, 127
F32_MIN_NORMAL = F32(2.0**-126)
#: NVFP4: the range of the E4M3 block scale (torchao clamps to finfo.tiny .. max).
NV_SCALE_MIN, NV_SCALE_MAX = F32(2.0**-6), F32(448.0)
NV_ELEM_MAX = F32(6.0)

#: Scale formats of the integer group formats: (bits, smallest positive, largest).
SCALE_FORMATS = {
    "fp16": (16, 2.0**-24, 65504.0),
    "bf16": (16, 2.0**-133, float(ml_dtypes.finfo(ml_dtypes.bfloat16).max)),
    "e8m0": (8, 2.0**E8M0_MIN, 2.0**E8M0_MAX),
}
#: Stored mantissa bits of each scale format (E8M0 has none: powers of two only).
SCALE_MANTISSA_BITS = {"fp16": int(np.finfo(np.float16).nmant),
                       "bf16": int(ml_dtypes.finfo(ml_dtypes.bfloat16).nmant), "e8m0": 0}


@dataclass(frozen=True)
class Format:
    """The facts of one format.

    ``bits`` per element; ``max_value``, ``min_normal``, ``min_subnormal`` of the element grid
    before any scale (None where the notion does not apply: NF4 and integers have no normal /
    subnormal split); ``has_inf`` / ``has_nan`` of the element encoding; ``block`` the default
    block (None: one scale per tensor); ``scale_type`` in words; ``scale_bits`` stored per block
    (scale plus zero point) and ``tensor_bits`` stored once per tensor.
    """

    name: str
    label: str
    kind: Kind
    bits: int
    max_value: float
    min_normal: float | None
    min_subnormal: float | None
    has_inf: bool
    has_nan: bool
    block: int | None
    scale_type: str
    scale_bits: int
    tensor_bits: int
    element: str | None = None
    scale_format: str | None = None


def _float_format(name: str, label: str, kind: Kind, el: str, block: int | None,
                  scale_type: str, scale_bits: int, tensor_bits: int) -> Format:
    e = ELEMENTS[el]
    info = e.info
    return Format(name, label, kind, e.bits, e.max_value, float(info.smallest_normal),
                  float(info.smallest_subnormal), bool(e.dtype is ml_dtypes.float8_e5m2),
                  e.dtype in (ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2), block,
                  scale_type, scale_bits, tensor_bits, element=el)


def _int_format(name: str, label: str, bits: int, block: int | None,
                scale_format: str | None) -> Format:
    qmax = 2 ** (bits - 1) - 1
    if scale_format is None:
        return Format(name, label, "int", bits, float(qmax), None, None, False, False, None,
                      "fp32 scale + int zero point per tensor", 0, 32 + bits)
    sbits = SCALE_FORMATS[scale_format][0]
    return Format(name, label, "int", bits, float(qmax), None, None, False, False, block,
                  f"{scale_format} scale + int{bits} zero point per group", sbits + bits, 0,
                  scale_format=scale_format)


_PER_TENSOR = "fp32 scale per tensor"
FORMATS: dict[str, Format] = {f.name: f for f in (
    _float_format("fp8_e4m3", "FP8 E4M3", "float", "e4m3", None, _PER_TENSOR, 0, 32),
    _float_format("fp8_e5m2", "FP8 E5M2", "float", "e5m2", None, _PER_TENSOR, 0, 32),
    _float_format("fp6_e3m2", "FP6 E3M2", "float", "e3m2", None, _PER_TENSOR, 0, 32),
    _float_format("fp6_e2m3", "FP6 E2M3", "float", "e2m3", None, _PER_TENSOR, 0, 32),
    _float_format("fp4_e2m1", "FP4 E2M1", "float", "e2m1", None, _PER_TENSOR, 0, 32),
    _float_format("mxfp8_e4m3", "MXFP8 E4M3", "mx", "e4m3", 32, "E8M0 per block", 8, 0),
    _float_format("mxfp8_e5m2", "MXFP8 E5M2", "mx", "e5m2", 32, "E8M0 per block", 8, 0),
    _float_format("mxfp6_e3m2", "MXFP6 E3M2", "mx", "e3m2", 32, "E8M0 per block", 8, 0),
    _float_format("mxfp6_e2m3", "MXFP6 E2M3", "mx", "e2m3", 32, "E8M0 per block", 8, 0),
    _float_format("mxfp4", "MXFP4", "mx", "e2m1", 32, "E8M0 per block", 8, 0),
    _float_format("nvfp4", "NVFP4", "nvfp4", "e2m1", 16,
                  "E4M3 per block x fp32 per tensor", 8, 32),
    Format("nf4", "NF4", "nf4", 4, 1.0, None, None, False, False, 64,
           "fp32 absmax per block", 32, 0),
    _int_format("int8", "INT8", 8, None, None),
    _int_format("int4", "INT4", 4, None, None),
    _int_format("int4_group_fp16", "INT4 g128 fp16", 4, 128, "fp16"),
    _int_format("int4_group_bf16", "INT4 g128 bf16", 4, 128, "bf16"),
    _int_format("int4_group_e8m0", "INT4 g128 E8M0", 4, 128, "e8m0"),
)}


@dataclass(frozen=True)
class Encoded:
    """A tensor in a format: element ``codes`` and the scales that decode them.

    ``codes``: uint8, ``x``'s shape, the element's bit pattern (``2^bits`` codes: a float's
    sign/exponent/mantissa, an integer's two's complement, NF4's level index).
    ``scales``: float32, one per block (shape ``x.shape[:-1] + (n_blocks,)``), the value each
    block's elements are multiplied by (per-tensor formats: shape ``()``); for NVFP4 the E4M3
    block scale alone, ``tensor_scale`` holding ``g``. ``zero_points``: integer formats only.
    """

    fmt: str
    codes: np.ndarray
    scales: np.ndarray
    tensor_scale: float | None = None
    zero_points: np.ndarray | None = None
    block_size: int | None = None


# ---------------------------------------------------------------------------- checks, blocks


def _format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise ValueError(f"fmt={fmt!r} is not one of {', '.join(FORMATS)}")
    return FORMATS[fmt]


def _block_of(f: Format, block_size: int | None) -> int | None:
    if block_size is None:
        return f.block
    if f.block is None:
        raise ValueError(f"{f.name} has one scale per tensor; block_size={block_size!r} "
                         "does not apply")
    if isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) \
            or block_size < 1:
        raise ValueError(f"block_size must be a positive integer, got {block_size!r}")
    return int(block_size)


def as_float32(x: object) -> np.ndarray:
    """``x`` as a float32 array (no copy if it is one), checked: real, non-empty, finite.

    ``ValueError`` for another dtype, no values, NaN or infinity (with the count), or finite
    float64 values beyond float32's largest (they would become infinities).
    """
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise ValueError(f"x must hold real numbers, got dtype {x.dtype}")
    if x.size == 0:
        raise ValueError(f"x is empty (shape {x.shape}): a format needs at least one value")
    with np.errstate(over="ignore"):
        x32 = x.astype(F32, copy=False)
    if not np.isfinite(x32).all():
        bad = int(x32.size - np.count_nonzero(np.isfinite(x32)))
        if x.dtype != F32 and np.isfinite(x).all():
            raise ValueError(f"x holds {bad} values beyond float32's largest "
                             f"{float(np.finfo(F32).max):.4g} (largest |x| = "
                             f"{float(np.abs(x).max()):.4g}): formats work in float32")
        raise ValueError(f"x holds {bad} NaN or infinite values: formats need finite input")
    return x32


def _row_block(shape: tuple, block: int) -> int:
    """The block actually laid out for rows of ``shape``: ``min(block, last)``.

    A row shorter than the block is one short block either way; padding it with zeros to the
    full block would change no scale (zeros change no amax, and every range holds 0) but
    would cost ``block / last`` times the tensor: a ``(N, 1)`` tensor in NF4 would be laid out
    as 64 N values. Laid out at its own length, every shape costs under twice its values (a
    row one value longer than a block pads its second block)."""
    last = shape[-1] if len(shape) else 1
    return max(1, min(block, last))


def _blocked(x: np.ndarray, block: int) -> np.ndarray:
    """``x`` as ``(rows, n_blocks, block)`` over its last axis; a short last block zero-padded.

    ``block`` is the laid-out block (:func:`_row_block`), never longer than a row."""
    last = x.shape[-1] if x.ndim else 1
    rows = x.size // last
    x2 = x.reshape(rows, last)
    n_blocks = -(-last // block)
    if n_blocks * block != last:
        padded = np.zeros((rows, n_blocks * block), dtype=F32)
        padded[:, :last] = x2
        x2 = padded
    return x2.reshape(rows, n_blocks, block)


def _unblocked(xb: np.ndarray, shape: tuple) -> np.ndarray:
    last = shape[-1] if len(shape) else 1
    rows = xb.shape[0]
    flat = xb.reshape(rows, -1)
    if flat.shape[1] != last:
        flat = np.ascontiguousarray(flat[:, :last])
    return flat.reshape(shape)


def _scales_shape(shape: tuple, n_blocks: int) -> tuple:
    return (*shape[:-1], n_blocks) if len(shape) else (n_blocks,)


def _block_amax(xb: np.ndarray) -> np.ndarray:
    """``max |x|`` per block without a full-size ``|x|`` temporary (+0.0 for a zero block)."""
    amax = np.maximum(xb.max(axis=-1), -xb.min(axis=-1))
    amax += F32(0.0)  # -0.0 (from -min of a zero block) becomes +0.0, as torch's abs().max()
    return amax


def _amax(x: np.ndarray, tensor: tuple[float, float] | None = None) -> np.float32:
    """``max |x|`` as float32; of the whole tensor's ``(x_min, x_max)`` when ``tensor`` is given
    (``x`` is then a part of it)."""
    lo, hi = (float(x.min()), float(x.max())) if tensor is None else tensor
    return F32(max(hi, -lo))


def _cast(t: np.ndarray, el: Element) -> np.ndarray:
    """Saturating round-to-nearest-even cast of float32 ``t`` (clipped in place) to ``el``."""
    m = F32(el.max_value)
    t = np.asarray(t)
    np.clip(t, -m, m, out=t)
    return t.astype(el.dtype)


# ---------------------------------------------------------------------------- encoders


def _encode_float(x: np.ndarray, f: Format,
                  tensor: tuple[float, float] | None = None) -> tuple[Encoded, np.ndarray]:
    """Per-tensor float: ``s = amax / max`` (1 when amax = 0), ``e = cast(clip(x / s))``."""
    el = ELEMENTS[f.element]
    amax = _amax(x, tensor)
    s = F32(1.0) if amax == 0 else F32(amax / F32(el.max_value))
    e = _cast(np.divide(x, s, dtype=F32), el)
    return Encoded(f.name, e.view(np.uint8), np.asarray(s, dtype=F32)), e


def _mx_exponent(amax: np.ndarray, el: Element) -> np.ndarray:
    """E8M0 exponent ``clip(floor(log2(amax)) - emax, -127, 127)``, floor read from amax's bits.

    torchao ``to_mx`` (FLOOR): ``((bits(amax) >> 23) & 0xFF) - 127 - emax``, so a subnormal or
    zero amax counts as 2^-127. The upper clamp never binds for finite float32 input.
    """
    biased = (amax.view(np.int32) >> 23) & 0xFF
    return np.clip(biased - 127 - el.emax, E8M0_MIN, E8M0_MAX).astype(np.int32)


def _pow2(e: np.ndarray) -> np.ndarray:
    """``2^e`` as float32, exact for -149..127 (2^-127 is a float32 subnormal)."""
    return np.ldexp(F32(1.0), e).astype(F32)


def _encode_mx(x: np.ndarray, f: Format, block: int) -> tuple[Encoded, np.ndarray]:
    el = ELEMENTS[f.element]
    xb = _blocked(x, _row_block(x.shape, block))
    e = _mx_exponent(_block_amax(xb), el)
    divide_by = np.maximum(_pow2(e), F32_MIN_NORMAL)  # torchao: clamp(min=F32_MIN_NORMAL)
    t = np.multiply(xb, (F32(1.0) / divide_by)[..., None], dtype=F32)  # exact: powers of 2
    elems = _cast(t, el)
    del t
    codes = _unblocked(elems.view(np.uint8), x.shape)
    scales = _pow2(e).reshape(_scales_shape(x.shape, xb.shape[1]))
    return Encoded(f.name, codes, scales, block_size=block), elems


def _encode_nvfp4(x: np.ndarray, f: Format, block: int,
                  tensor: tuple[float, float] | None = None) -> tuple[Encoded, np.ndarray]:
    el = ELEMENTS[f.element]
    amax = _amax(x, tensor)
    g = F32(amax / F32(448.0 * 6.0))
    xb = _blocked(x, _row_block(x.shape, block))
    if g == 0:  # all zeros: torchao divides by g = 0 and gives NaN; zeros here
        s = np.full(xb.shape[:2], NV_SCALE_MIN, dtype=F32)
        recip = np.zeros(xb.shape[:2], dtype=F32)
    else:
        block_scale = (_block_amax(xb) / NV_ELEM_MAX).astype(F32)
        scaled = np.clip(block_scale / g, NV_SCALE_MIN, NV_SCALE_MAX)
        s = scaled.astype(ml_dtypes.float8_e4m3fn).astype(F32)
        recip = ((F32(1.0) / g) / s).astype(F32)
    t = np.multiply(xb, recip[..., None], dtype=F32)
    elems = _cast(t, el)
    del t
    codes = _unblocked(elems.view(np.uint8), x.shape)
    scales = s.reshape(_scales_shape(x.shape, xb.shape[1]))
    return Encoded(f.name, codes, scales, tensor_scale=float(g), block_size=block), elems


#: Elements per chunk of the NF4 search: its temporaries (the scaled float32 values, a mask)
#: are a chunk's, not a 10-million-value tensor's.
NF4_CHUNK = 1 << 18


def _nf4_search(t: np.ndarray) -> np.ndarray:
    """``np.searchsorted(NF4_MIDPOINTS, t, side="left")`` as uint8: the number of midpoints
    below each (finite) element of ``t``, counted with one comparison per midpoint. The same
    codes, including a value equal to a midpoint (it is not below itself: the lower level);
    over ten times faster than the binary search, whose branches a CPU cannot predict."""
    q = np.zeros(t.shape, dtype=np.uint8)
    below = np.empty(t.shape, dtype=np.bool_)
    for m in NF4_MIDPOINTS:
        np.less(m, t, out=below)
        q += below
    return q


def _nf4_codes(xb: np.ndarray, absmax: np.ndarray, tail: int) -> np.ndarray:
    """Level index per element of the blocked ``xb``, chunk by chunk (uint8, ``xb``'s shape).

    ``clip(x * (1 / max(absmax, 1e-38)), -1, 1)`` searched among the midpoints; a short last
    block (``tail`` values) divides by its absmax instead, as bitsandbytes does.
    """
    rows, n_blocks, block = xb.shape
    flat = xb.reshape(-1, block)
    recip = (F32(1.0) / np.maximum(absmax, NF4_ABSMAX_FLOOR)).astype(F32).reshape(-1, 1)
    q = np.empty(flat.shape, dtype=np.uint8)
    step = max(1, NF4_CHUNK // block)
    for start in range(0, flat.shape[0], step):
        t = np.multiply(flat[start:start + step], recip[start:start + step], dtype=F32)
        np.clip(t, F32(-1.0), F32(1.0), out=t)
        q[start:start + step] = _nf4_search(t)
    q = q.reshape(xb.shape)
    if tail:
        t = np.divide(xb[:, -1, :tail], np.maximum(absmax[:, -1:], NF4_ABSMAX_FLOOR), dtype=F32)
        np.clip(t, F32(-1.0), F32(1.0), out=t)
        q[:, -1, :tail] = _nf4_search(t)
    return q


def _encode_nf4(x: np.ndarray, f: Format, block: int) -> tuple[Encoded, np.ndarray, np.ndarray]:
    xb = _blocked(x, _row_block(x.shape, block))
    absmax = _block_amax(xb)
    last = x.shape[-1] if x.ndim else 1
    q = _nf4_codes(xb, absmax, last % block)  # a row shorter than the block is a short block
    codes = _unblocked(q, x.shape)
    scales = absmax.reshape(_scales_shape(x.shape, xb.shape[1]))
    return Encoded(f.name, codes, scales, block_size=block), q, absmax


def _nf4_values(q: np.ndarray, absmax: np.ndarray) -> np.ndarray:
    """``level[q] * absmax`` for blocked codes, chunk by chunk (``np.take`` turns uint8
    indices into int64 ones: eight bytes per element at once otherwise)."""
    block = q.shape[-1]
    flat_q = q.reshape(-1, block)
    out = np.empty(flat_q.shape, dtype=F32)
    scale = absmax.reshape(-1, 1)
    step = max(1, NF4_CHUNK // block)
    for start in range(0, flat_q.shape[0], step):
        part = out[start:start + step]
        np.take(NF4_LEVELS, flat_q[start:start + step], out=part)
        part *= scale[start:start + step]
    return out.reshape(q.shape)


def round_scale(scale: np.ndarray, scale_format: str) -> np.ndarray:
    """A float32 scale as stored in ``scale_format`` ("fp16", "bf16" or "e8m0"), as float32.

    fp16/bf16: round to nearest even; e8m0: round up to the next power of two (``2^ceil(log2
    scale)``: a scale rounded down would clip the group's extremes). Then clipped into the
    format's positive finite range (fp16: 2^-24..65504, bf16: 2^-133..3.39e38, e8m0:
    2^-127..2^127), so a stored scale is never 0 nor infinite.
    """
    if scale_format not in SCALE_FORMATS:
        raise ValueError(f"scale_format={scale_format!r} is not one of "
                         f"{', '.join(SCALE_FORMATS)}")
    scale = np.asarray(scale, dtype=F32)
    _, lo, hi = SCALE_FORMATS[scale_format]
    if scale_format == "fp16":
        with np.errstate(over="ignore"):  # above 65504 becomes inf, clipped below
            stored = scale.astype(np.float16).astype(F32)
    elif scale_format == "bf16":
        stored = scale.astype(ml_dtypes.bfloat16).astype(F32)
    else:
        mant, exp = np.frexp(scale)  # scale = mant * 2^exp, mant in [0.5, 1)
        exp = np.where(mant == 0.5, exp - 1, exp)
        stored = np.ldexp(F32(1.0), np.clip(exp, E8M0_MIN, E8M0_MAX)).astype(F32)
    return np.clip(stored, F32(lo), F32(hi)).astype(F32)


def _check_stored_grid(lo: np.ndarray, hi: np.ndarray, scale: np.ndarray, zp: np.ndarray,
                       cfg: QuantConfig, scale_format: str) -> None:
    """Refuse groups whose grid ends ``(qmin - zp) * scale``, ``(qmax - zp) * scale`` overflow
    float32 once the scale is stored in ``scale_format`` (a scale rounded up near float32's
    largest value): ``ValueError`` naming the group's range and the stored scale."""
    with np.errstate(over="ignore"):
        ends = np.stack([(cfg.qmin - zp) * scale, (cfg.qmax - zp) * scale]).astype(F32)
    bad = ~np.isfinite(ends).all(axis=0)
    if np.any(bad):
        i = int(np.flatnonzero(bad.ravel())[0])
        raise ValueError(
            f"the range [{float(lo.ravel()[i]):.6g}, {float(hi.ravel()[i]):.6g}] cannot be scaled "
            f"in float32 once its scale is stored as {scale_format} "
            f"({float(scale.ravel()[i]):.6g}): an end of its grid overflows float32")


def _int_config(f: Format) -> QuantConfig:
    return QuantConfig(f.bits, "asymmetric", signed=True)


def _encode_int(x: np.ndarray, f: Format, block: int | None,
                tensor: tuple[float, float] | None = None) -> tuple[Encoded, np.ndarray, QParams]:
    cfg = _int_config(f)
    mask = (1 << f.bits) - 1
    if block is None:
        lo, hi = (float(x.min()), float(x.max())) if tensor is None else tensor
        qp = compute_qparams(lo, hi, cfg)
        q = quantize(x, qp)
        enc = Encoded(f.name, (q.astype(np.int16) & mask).astype(np.uint8),
                      np.asarray(qp.scale, dtype=F32), zero_points=np.asarray(qp.zero_point))
        return enc, q, qp
    laid = _row_block(x.shape, block)
    xb = _blocked(x, laid)
    x2 = xb.reshape(xb.shape[0], -1)
    lo, hi = xb.min(axis=-1), xb.max(axis=-1)
    first = compute_qparams(lo, hi, cfg)
    scale = round_scale(first.scale, f.scale_format)
    min_neg = np.minimum(lo, F32(0))
    zp = np.clip(cfg.qmin - np.rint(min_neg / scale).astype(np.int64), cfg.qmin, cfg.qmax)
    _check_stored_grid(lo, hi, scale, zp, cfg, f.scale_format)
    qp = QParams(scale, zp, cfg.qmin, cfg.qmax, cfg)
    q = quantize(x2, qp, group_size=laid)
    sshape = _scales_shape(x.shape, xb.shape[1])
    codes = _unblocked((q.astype(np.int16) & mask).astype(np.uint8).reshape(xb.shape), x.shape)
    enc = Encoded(f.name, codes, scale.reshape(sshape), zero_points=zp.reshape(sshape),
                  block_size=block)
    return enc, q, qp


# ---------------------------------------------------------------------------- public API


def _tensor_range(tensor_range: object) -> tuple[float, float] | None:
    """A checked ``(x_min, x_max)``: two finite floats, ``x_min <= x_max``."""
    if tensor_range is None:
        return None
    try:
        lo, hi = (float(v) for v in tensor_range)
    except (TypeError, ValueError):
        raise ValueError(f"tensor_range must be (x_min, x_max), got {tensor_range!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
        raise ValueError(f"tensor_range={tensor_range!r} must be finite with x_min <= x_max")
    return lo, hi


def encode_format(x: object, fmt: str, *, block_size: int | None = None,
                  tensor_range: tuple[float, float] | None = None) -> Encoded:
    """``x`` in format ``fmt``: element codes (uint8 bit patterns, ``x``'s shape) and scales.

    See the module docstring for each format's formula and edge cases; ``block_size`` overrides
    the default block of a block format (a per-tensor format refuses it). ``tensor_range``:
    the whole tensor's ``(x_min, x_max)`` when ``x`` is a set of its rows (or of whole blocks
    of a row): the per-tensor scale (per-tensor formats, NVFP4's ``g``) comes from it instead
    of from ``x``, so the part gets the codes it has in the whole tensor.
    """
    f = _format(fmt)
    block = _block_of(f, block_size)
    tensor = _tensor_range(tensor_range)
    x = as_float32(x)
    if x.ndim == 0:  # one value: a row of one (scales as for shape (1,)), codes of shape ()
        enc = encode_format(x.reshape(1), fmt, block_size=block_size, tensor_range=tensor)
        return dataclasses.replace(enc, codes=enc.codes.reshape(()))
    return _encode(x, f, block, tensor)


def _encode(x: np.ndarray, f: Format, block: int | None,
            tensor: tuple[float, float] | None) -> Encoded:
    if f.kind == "float":
        return _encode_float(x, f, tensor)[0]
    if f.kind == "mx":
        return _encode_mx(x, f, block)[0]
    if f.kind == "nvfp4":
        return _encode_nvfp4(x, f, block, tensor)[0]
    if f.kind == "nf4":
        return _encode_nf4(x, f, block)[0]
    return _encode_int(x, f, block, tensor)[0]


def fake_quantize_format(x: object, fmt: str, *, block_size: int | None = None,
                         tensor_range: tuple[float, float] | None = None) -> np.ndarray:
    """``x_hat``: ``x`` encoded in ``fmt`` and decoded, float32 with ``x``'s shape.

    Per-tensor floats ``x_hat = e * s``; MX ``x_hat = e * 2^scale_exponent``; NVFP4
    ``x_hat = e * (g * s_block)``; NF4 ``x_hat = level[q] * absmax``; integers
    ``x_hat = (q - zero_point) * scale`` (see the module docstring and :func:`encode_format`;
    ``tensor_range`` as there).
    """
    f = _format(fmt)
    block = _block_of(f, block_size)
    tensor = _tensor_range(tensor_range)
    x = as_float32(x)
    if x.ndim == 0:  # one value: computed as a row of one
        return fake_quantize_format(x.reshape(1), fmt, block_size=block_size,
                                    tensor_range=tensor).reshape(())
    return _fake_quantize(x, f, block, tensor)


def _fake_quantize(x: np.ndarray, f: Format, block: int | None,
                   tensor: tuple[float, float] | None) -> np.ndarray:
    """:func:`fake_quantize_format` of a checked float32 ``x`` of at least one dimension."""
    if f.kind == "float":
        enc, e = _encode_float(x, f, tensor)
        out = e.astype(F32)
        out *= enc.scales
        return out
    if f.kind == "mx":
        enc, elems = _encode_mx(x, f, block)
        out = elems.astype(F32)
        out *= enc.scales.reshape(out.shape[0], -1)[..., None]
        return _unblocked(out, x.shape)
    if f.kind == "nvfp4":
        enc, elems = _encode_nvfp4(x, f, block, tensor)
        out = elems.astype(F32)
        out *= (F32(enc.tensor_scale) * enc.scales.reshape(out.shape[0], -1))[..., None]
        return _unblocked(out, x.shape)
    if f.kind == "nf4":
        _, q, absmax = _encode_nf4(x, f, block)
        return _unblocked(_nf4_values(q, absmax), x.shape)
    enc, q, qp = _encode_int(x, f, block, tensor)
    if block is None:
        return dequantize(q, qp)
    laid = _row_block(x.shape, block)
    return _unblocked(dequantize(q, qp, group_size=laid).reshape(_blocked_shape(x.shape, laid)),
                      x.shape)


#: Values per part of :func:`fake_quantize_parts` and :func:`encode_parts`: a multiple of the
#: chunks the error sums run over (:mod:`quantviz.metrics`), so sums over the parts add up in
#: the same order as over the whole tensor.
PART = 1 << 20


def _parts(x: object, fmt: str, part: int, block_size: int | None, codes: bool):
    f = _format(fmt)
    block = _block_of(f, block_size)
    if isinstance(part, bool) or not isinstance(part, (int, np.integer)) or part < 1:
        raise ValueError(f"part must be a positive integer, got {part!r}")
    x = as_float32(x)
    shape = x.shape if x.ndim else (1,)
    x2 = x.reshape(-1, shape[-1])
    tensor = None if row_local(fmt) else (float(x.min()), float(x.max()))
    laid = _row_block(shape, block) if block is not None else 1

    def run(piece: np.ndarray) -> np.ndarray:
        piece = np.ascontiguousarray(piece)
        out = _encode(piece, f, block, tensor).codes if codes else \
            _fake_quantize(piece, f, block, tensor)
        return out.reshape(-1)

    return _windows(x2, x.size, int(part), laid, run)


def _windows(x2: np.ndarray, n: int, part: int, laid: int, run):
    """``(start, run(...)[...])`` per part of :func:`_parts` (a generator: the checks above it
    run when the parts are asked for, not when the first is drawn)."""
    last = x2.shape[1]
    for start in range(0, n, part):
        stop = min(start + part, n)
        r0, c0 = divmod(start, last)
        r1, c1 = divmod(stop, last)
        a = c0 - c0 % laid  # the part starts in this block ...
        end = min(last, -(-c1 // laid) * laid)  # ... and ends in the block ending here
        if r0 == r1:
            pieces = [x2[r0:r0 + 1, a:end]]
        else:
            pieces = [x2[r0:r0 + 1, a:]]
            if r1 > r0 + 1:
                pieces.append(x2[r0 + 1:r1])
            if c1:
                pieces.append(x2[r1:r1 + 1, :end])
        done = [run(p) for p in pieces]
        whole = done[0] if len(done) == 1 else np.concatenate(done)
        yield start, whole[c0 - a:c0 - a + stop - start]


def fake_quantize_parts(x: object, fmt: str, *, part: int = PART,
                        block_size: int | None = None):
    """``(start, x_hat_part)`` for ``start = 0, part, 2 part, ...``: the values
    ``fake_quantize_format(x, fmt).reshape(-1)[start:start + part]``, computed a part at a time
    (float32, 1-D), so that a large tensor needs memory for a part, not for the whole.

    Each part is computed from whole blocks (the blocks it touches, rows of the last axis cut
    at block boundaries: at most two blocks more than the part), with the whole tensor's
    ``(x_min, x_max)`` for a format with a tensor scale (:func:`row_local` tells); the values
    are the same as the whole tensor's, bit for bit. A part that is not a positive integer:
    ``ValueError``; ``x`` is checked as :func:`as_float32` does.
    """
    return _parts(x, fmt, part, block_size, codes=False)


def encode_parts(x: object, fmt: str, *, part: int = PART, block_size: int | None = None):
    """``(start, codes_part)``: :func:`encode_format`'s codes, flattened, a part at a time (as
    :func:`fake_quantize_parts`)."""
    return _parts(x, fmt, part, block_size, codes=True)


def _blocked_shape(shape: tuple, block: int) -> tuple[int, int, int]:
    last = shape[-1] if len(shape) else 1
    rows = math.prod(shape) // last
    return rows, -(-last // block), block


def code_values(fmt: str) -> np.ndarray:
    """The element value of every code ``0 .. 2^bits - 1`` of ``fmt`` (before any scale).

    float32; NaN where a code means NaN (E4M3FN's 0x7F and 0xFF), +-inf where it means infinity
    (E5M2), -0.0 for a negative zero. Integers: the two's complement value (``q``, before the
    zero point); NF4: the level.
    """
    f = _format(fmt)
    n = 1 << f.bits
    codes = np.arange(n, dtype=np.uint8)
    if f.element is not None:
        return codes.view(ELEMENTS[f.element].dtype).astype(F32)
    if f.kind == "nf4":
        return NF4_LEVELS.copy()
    signed = np.where(codes >= n // 2, codes.astype(np.int16) - n, codes.astype(np.int16))
    return signed.astype(F32)


def laid_out_values(fmt: str, shape: tuple, *, block_size: int | None = None) -> int:
    """Values a block format works on for a tensor of ``shape``: each row of the last axis in
    whole blocks of ``min(block, last)`` (:func:`_row_block`), so under ``2 * n``; ``n`` for a
    per-tensor format. What a format's temporaries scale with."""
    f = _format(fmt)
    block = _block_of(f, block_size)
    n = math.prod(shape) if len(shape) else 1
    if block is None:
        return n
    rows, n_blocks, laid = _blocked_shape(tuple(shape), _row_block(tuple(shape), block))
    return rows * n_blocks * laid


def row_local(fmt: str) -> bool:
    """Whether ``fmt`` encodes each row of the last axis on its own: block scales only (MX,
    NF4, integer groups), no tensor scale. Then any set of rows (a few at a time, one image of
    a batch) gets the same ``x_hat`` as the whole tensor; NVFP4's tensor scale and the
    per-tensor formats depend on every value of the tensor."""
    f = _format(fmt)
    return f.block is not None and f.tensor_bits == 0


def bits_per_value(fmt: str, shape: tuple, *, block_size: int | None = None) -> float:
    """Stored bits per element with scales counted, for a tensor of ``shape``.

    ``bits + scale_bits * n_blocks / n + tensor_bits / n`` where ``n`` is the element count and
    ``n_blocks = rows * ceil(last / block)`` (a short last block still stores a scale).
    MXFP4 on full blocks: 4 + 8/32 = 4.25; NVFP4: 4 + 8/16 + 32/n; NF4: 4 + 32/64 = 4.5;
    int4 g128 with a float16 scale and a 4-bit zero point: 4 + 20/128 = 4.15625.
    """
    f = _format(fmt)
    block = _block_of(f, block_size)
    n = math.prod(shape) if len(shape) else 1
    if n < 1:
        raise ValueError(f"shape {shape} has no elements")
    blocks = _blocked_shape(tuple(shape), block)[0] * _blocked_shape(tuple(shape), block)[1] \
        if block else 0
    return f.bits + (f.scale_bits * blocks + f.tensor_bits) / n
