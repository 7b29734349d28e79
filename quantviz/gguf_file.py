"""llama.cpp's GGUF files: the ggml tensor types, their dequantization, a bounded reader, a writer.

Four parts, each usable alone:

- :data:`GGML_TYPES`: every ggml tensor type that gguf-py 0.19.0 knows
  (``gguf.constants.GGMLQuantizationType`` and ``GGML_QUANT_SIZES``): id, name, block size,
  bytes per block, and whether gguf-py can dequantize it. :func:`bits_per_weight` is
  ``8 * type_size / block_size``.
- :func:`dequantize`: raw block bytes -> float32, equal bit for bit to gguf-py 0.19.0's
  ``gguf.quants.dequantize`` (inf, NaN payloads and -0 included): every operation is done in
  the same float32 order as there. Its i-quant grids are the packed tables of gguf-py 0.19.0
  ``gguf/quants.py`` (derived from ggml's ``ggml-common.h``), re-encoded here in base64 and
  expanded once, on first use.
- :func:`read_gguf`: a ``.gguf`` file's bytes -> :class:`GGUFFile` (header, metadata, tensor
  infos). Every count and length is checked against the bytes present and against the limits
  *before* anything is allocated, so a lying header is refused with a sentence
  (:class:`GGUFError`, a ``ValueError``) without reading on. Tensor data is decoded only on
  request, one tensor at a time, within ``max_decoded_bytes``.
- :func:`write_gguf`: a minimal GGUF v3 writer whose files gguf-py's ``GGUFReader`` reads
  back identically.

Dimension order. A GGUF file stores ggml's ``ne``: ``dims[0]`` is the innermost axis (the row
length, along which blocks run). As gguf-py does, the numpy shape is ``reversed(dims)``:
a file with ``dims = (4096, 11008)`` holds an 11008 x 4096 matrix whose rows of 4096 are blocked.
Everywhere here ``shape`` means the numpy shape and ``dims`` the file's order.

The file rules follow ggml's own loader (``gguf_init_from_file_impl`` in ``ggml/src/gguf.cpp``):
magic ``GGUF``, version 2 or 3 (1 is refused, as ggml does), little-endian only, unique keys,
``general.alignment`` a uint32 power of two (default 32), tensor names shorter than 64 bytes
and unique, at most 4 dims each below 2^63 with a product below 2^63, a known type whose block
divides the row length, and data that lies inside the file. ggml refuses arrays of arrays;
gguf-py reads them, so they are read here too, nested at most :data:`MAX_ARRAY_DEPTH` deep.
Tensors must be aligned and may not overlap (ggml demands they be packed in order; gguf-py
demands nothing).
"""

from __future__ import annotations

import base64
import functools
import math
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

__all__ = [
    "DEFAULT_ALIGNMENT",
    "GGML_TYPES",
    "GGMLType",
    "GGUFError",
    "GGUFFile",
    "MAX_ARRAY_DEPTH",
    "TensorInfo",
    "TensorRow",
    "bits_per_weight",
    "dequantize",
    "ggml_type",
    "read_gguf",
    "write_gguf",
]

QK_K = 256  # elements in a k-quant / i-quant super-block


# --------------------------------------------------------------------------------------------
# ggml tensor types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GGMLType:
    """One ggml tensor type: ``block_size`` weights are stored in ``type_size`` bytes."""

    id: int
    name: str
    block_size: int
    type_size: int

    @property
    def bits_per_weight(self) -> float:
        """``8 * type_size / block_size``: Q4_0 stores 32 weights in 18 bytes, 4.5 bits each."""
        return 8 * self.type_size / self.block_size

    @property
    def dequantizable(self) -> bool:
        """True when gguf-py 0.19.0's ``gguf.quants.dequantize`` reads this type (and so do we)."""
        return self.name in _DEQUANTIZERS


# (id, name, weights per block, bytes per block): gguf-py 0.19.0 gguf/constants.py,
# GGMLQuantizationType and GGML_QUANT_SIZES (the same numbers as ggml's type_traits).
_TYPE_TABLE: tuple[tuple[int, str, int, int], ...] = (
    (0, "F32", 1, 4),
    (1, "F16", 1, 2),
    (2, "Q4_0", 32, 2 + 16),
    (3, "Q4_1", 32, 2 + 2 + 16),
    (6, "Q5_0", 32, 2 + 4 + 16),
    (7, "Q5_1", 32, 2 + 2 + 4 + 16),
    (8, "Q8_0", 32, 2 + 32),
    (9, "Q8_1", 32, 4 + 4 + 32),
    (10, "Q2_K", QK_K, 2 + 2 + QK_K // 16 + QK_K // 4),
    (11, "Q3_K", QK_K, 2 + QK_K // 4 + QK_K // 8 + 12),
    (12, "Q4_K", QK_K, 2 + 2 + QK_K // 2 + 12),
    (13, "Q5_K", QK_K, 2 + 2 + QK_K // 2 + QK_K // 8 + 12),
    (14, "Q6_K", QK_K, 2 + QK_K // 2 + QK_K // 4 + QK_K // 16),
    (15, "Q8_K", QK_K, 4 + QK_K + QK_K // 8),
    (16, "IQ2_XXS", QK_K, 2 + QK_K // 4),
    (17, "IQ2_XS", QK_K, 2 + QK_K // 4 + QK_K // 32),
    (18, "IQ3_XXS", QK_K, 2 + QK_K // 4 + QK_K // 8),
    (19, "IQ1_S", QK_K, 2 + QK_K // 8 + QK_K // 16),
    (20, "IQ4_NL", 32, 2 + 16),
    (21, "IQ3_S", QK_K, 2 + QK_K // 4 + QK_K // 8 + QK_K // 32 + 4),
    (22, "IQ2_S", QK_K, 2 + QK_K // 4 + QK_K // 16),
    (23, "IQ4_XS", QK_K, 2 + 2 + QK_K // 2 + QK_K // 64),
    (24, "I8", 1, 1),
    (25, "I16", 1, 2),
    (26, "I32", 1, 4),
    (27, "I64", 1, 8),
    (28, "F64", 1, 8),
    (29, "IQ1_M", QK_K, QK_K // 8 + QK_K // 16 + QK_K // 32),
    (30, "BF16", 1, 2),
    (34, "TQ1_0", QK_K, 2 + 4 * 13),
    (35, "TQ2_0", QK_K, 2 + 64),
    (39, "MXFP4", 32, 1 + 16),
    (40, "NVFP4", 64, 4 + 32),
    (41, "Q1_0", 128, 2 + 16),
)

GGML_TYPES: Mapping[str, GGMLType] = MappingProxyType(
    {name: GGMLType(i, name, block, size) for i, name, block, size in _TYPE_TABLE}
)
_TYPES_BY_ID: Mapping[int, GGMLType] = MappingProxyType({t.id: t for t in GGML_TYPES.values()})


def ggml_type(qtype: str | int | GGMLType) -> GGMLType:
    """The :class:`GGMLType` named ``qtype`` (``"Q4_K"``, case-insensitive) or with that id."""
    if isinstance(qtype, GGMLType):
        return qtype
    if isinstance(qtype, str):
        found = GGML_TYPES.get(qtype.upper())
    elif isinstance(qtype, int | np.integer) and not isinstance(qtype, bool):
        found = _TYPES_BY_ID.get(int(qtype))
    else:
        found = None
    if found is None:
        raise ValueError(
            f"Unknown ggml tensor type {qtype!r}; known types: {', '.join(GGML_TYPES)}."
        )
    return found


def bits_per_weight(name: str | int | GGMLType) -> float:
    """Bits stored per weight, ``8 * type_size / block_size`` (Q4_K: 8 * 144 / 256 = 4.5)."""
    return ggml_type(name).bits_per_weight


# --------------------------------------------------------------------------------------------
# dequantization (gguf-py 0.19.0 gguf/quants.py, same float32 operations in the same order)
# --------------------------------------------------------------------------------------------

_F16 = np.dtype("<f2")
_U16 = np.dtype("<u2")
_U32 = np.dtype("<u4")
_CHUNK_WEIGHTS = 1 << 18  # weights decoded per step: bounds the temporaries to a few MiB

_Dequantizer = Callable[[np.ndarray], np.ndarray]
_DEQUANTIZERS: dict[str, _Dequantizer] = {}


def _dequantizer(name: str) -> Callable[[_Dequantizer], _Dequantizer]:
    """Register ``fn(blocks: (n, type_size) uint8) -> (n, block_size) float32`` for ``name``."""

    def register(fn: _Dequantizer) -> _Dequantizer:
        _DEQUANTIZERS[name] = fn
        return fn

    return register


def dequantize(
    data: np.ndarray | bytes | bytearray | memoryview, qtype: str | int | GGMLType,
    shape: Sequence[int],
) -> np.ndarray:
    """Raw ggml block bytes -> float32 weights of numpy shape ``shape``, as gguf-py decodes them.

    ``data`` holds the uint8 bytes, flat or as ``(rows, bytes per row)``; ``shape`` is the
    logical float shape, its last axis (the row) a multiple of the type's block size. The
    bytes must number ``prod(shape) / block_size * type_size``. Each block is decoded with
    gguf-py 0.19.0's float32 formula (for Q4_K, ``x_hat = d*sc*q - dmin*m``; see each
    ``_dq_*`` function), so the result equals ``gguf.quants.dequantize`` bit for bit,
    including inf and NaN where a float16 scale is inf or NaN (inf * 0 gives NaN) and -0.
    F32 is returned as stored (NaN payloads kept), F16 and BF16 widened exactly.

    Types gguf-py cannot dequantize (Q8_1, Q8_K, I8, I16, I32, I64, F64, Q1_0) raise
    ``ValueError`` naming the type, as does a byte count that does not fit ``shape``.
    """
    t = ggml_type(qtype)
    decode = _DEQUANTIZERS.get(t.name)
    if decode is None:
        readable = ", ".join(name for name in GGML_TYPES if name in _DEQUANTIZERS)
        raise ValueError(
            f"Tensor type {t.name} cannot be dequantized: gguf-py 0.19.0 has no decoder for it "
            f"(types it decodes: {readable})."
        )
    shape = _check_shape(shape, t)
    n_weights = math.prod(shape)
    raw = _as_uint8(data)
    n_blocks = n_weights // t.block_size
    if raw.size != n_blocks * t.type_size:
        raise ValueError(
            f"{raw.size} bytes do not hold a {t.name} tensor of shape {shape}: that takes "
            f"{n_blocks} blocks of {t.type_size} bytes = {n_blocks * t.type_size} bytes."
        )
    blocks = raw.reshape(n_blocks, t.type_size)
    out = np.empty((n_blocks, t.block_size), dtype=np.float32)
    step = max(1, _CHUNK_WEIGHTS // t.block_size)
    with np.errstate(all="ignore"):  # inf * 0 -> NaN is part of the result, not an accident
        for start in range(0, n_blocks, step):
            out[start : start + step] = decode(blocks[start : start + step])
    return out.reshape(shape)


def _check_shape(shape: Sequence[int], t: GGMLType) -> tuple[int, ...]:
    try:
        dims = tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        raise ValueError(f"shape must be a sequence of integers, got {shape!r}.") from None
    if any(n < 0 for n in dims):
        raise ValueError(f"shape {dims} has a negative axis.")
    row = dims[-1] if dims else 1
    if row % t.block_size:
        raise ValueError(
            f"The last axis of shape {dims} ({row}) is not a multiple of the {t.name} block "
            f"size {t.block_size}."
        )
    return dims


def _as_uint8(data: np.ndarray | bytes | bytearray | memoryview) -> np.ndarray:
    if isinstance(data, np.ndarray):
        if data.dtype != np.uint8:
            raise ValueError(f"data must hold uint8 bytes, got dtype {data.dtype}.")
        return np.ascontiguousarray(data).reshape(-1)
    if isinstance(data, bytes | bytearray | memoryview):
        return np.frombuffer(data, dtype=np.uint8)
    raise ValueError(f"data must be a uint8 array or bytes, got {type(data).__name__}.")


def _split(blocks: np.ndarray, *sizes: int) -> list[np.ndarray]:
    """Cut each block's bytes into consecutive fields of ``sizes`` bytes, and the rest."""
    parts, start = [], 0
    for size in sizes:
        parts.append(blocks[:, start : start + size])
        start += size
    parts.append(blocks[:, start:])
    return parts


def _f16(raw: np.ndarray) -> np.ndarray:
    """Pairs of little-endian bytes -> float16 -> float32 (exact; NaN payloads widened)."""
    return raw.view(_F16).astype(np.float32)


def _fields(x: np.ndarray, width: int, shifts: Sequence[int], mask: int) -> np.ndarray:
    """Unpack bit fields: every run of ``width`` bytes gives one run per shift, in shift order.

    ``x`` (n, k) -> (n, k * len(shifts)). With width 32 and shifts (0, 4), 32 bytes give 32
    low nibbles and then 32 high nibbles: ggml's layout for Q4_K. With width 1 each byte's
    fields follow each other (IQ2_XS's scale nibbles, IQ3_S's sign bits).
    """
    n = x.shape[0]
    s = np.array(shifts, dtype=x.dtype).reshape(1, 1, -1, 1)
    return ((x.reshape(n, -1, 1, width) >> s) & x.dtype.type(mask)).reshape(n, -1)


def _nibbles(x: np.ndarray, width: int) -> np.ndarray:
    return _fields(x, width, (0, 4), 0x0F)


def _crumbs(x: np.ndarray, width: int) -> np.ndarray:
    return _fields(x, width, (0, 2, 4, 6), 0x03)


def _bits(x: np.ndarray, width: int) -> np.ndarray:
    return _fields(x, width, range(8), 0x01)


def _f32(q: np.ndarray) -> np.ndarray:
    return q.astype(np.float32)


def _signed(q: np.ndarray, offset: int) -> np.ndarray:
    """Unsigned codes -> int8 minus ``offset`` -> float32 (``q - 8`` for Q4_0)."""
    return (q.astype(np.int8) - np.int8(offset)).astype(np.float32)


def _sign_factors(bits: np.ndarray) -> np.ndarray:
    """Sign bits -> +1 / -1 as float32 factors (a multiply keeps NaN signs as gguf-py does)."""
    return np.where(bits == 0, np.float32(1), np.float32(-1))


@_dequantizer("F32")
def _dq_f32(blocks: np.ndarray) -> np.ndarray:
    """Stored float32, bits unchanged."""
    return blocks.view(np.dtype("<f4"))


@_dequantizer("F16")
def _dq_f16(blocks: np.ndarray) -> np.ndarray:
    """float16 widened to float32 (exact)."""
    return _f16(blocks)


@_dequantizer("BF16")
def _dq_bf16(blocks: np.ndarray) -> np.ndarray:
    """bfloat16 = the top half of a float32: ``bits << 16`` (exact, NaN payloads kept)."""
    return (blocks.view(_U16).astype(np.uint32) << np.uint32(16)).view(np.float32)


@_dequantizer("Q4_0")
def _dq_q4_0(blocks: np.ndarray) -> np.ndarray:
    """``x_hat = d * (q - 8)``; q: 4-bit, bytes 0..15 low nibbles then high nibbles."""
    d, qs = _split(blocks, 2)
    return _f16(d) * _signed(_nibbles(qs, 16), 8)


@_dequantizer("Q4_1")
def _dq_q4_1(blocks: np.ndarray) -> np.ndarray:
    """``x_hat = d * q + m``; q: 4-bit unsigned."""
    d, m, qs = _split(blocks, 2, 2)
    return (_f16(d) * _f32(_nibbles(qs, 16))) + _f16(m)


def _q5_codes(qh: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """Q5_0/Q5_1 codes: low nibbles as Q4, the fifth bits from a little-endian uint32."""
    return _nibbles(qs, 16) | (_bits(qh, 1) << np.uint8(4))


@_dequantizer("Q5_0")
def _dq_q5_0(blocks: np.ndarray) -> np.ndarray:
    """``x_hat = d * (q - 16)``; q: 5-bit."""
    d, qh, qs = _split(blocks, 2, 4)
    return _f16(d) * _signed(_q5_codes(qh, qs), 16)


@_dequantizer("Q5_1")
def _dq_q5_1(blocks: np.ndarray) -> np.ndarray:
    """``x_hat = d * q + m``; q: 5-bit unsigned."""
    d, m, qh, qs = _split(blocks, 2, 2, 4)
    return (_f16(d) * _f32(_q5_codes(qh, qs))) + _f16(m)


@_dequantizer("Q8_0")
def _dq_q8_0(blocks: np.ndarray) -> np.ndarray:
    """``x_hat = q * d``; q: int8."""
    d, qs = _split(blocks, 2)
    return _f32(qs.view(np.int8)) * _f16(d)


@_dequantizer("Q2_K")
def _dq_q2_k(blocks: np.ndarray) -> np.ndarray:
    """16 sub-blocks of 16: ``x_hat = (d * sc) * q - dmin * m``; sc, m: 4 bits, q: 2 bits."""
    n = blocks.shape[0]
    scales, qs, d, dmin = _split(blocks, QK_K // 16, QK_K // 4, 2)
    dl = (_f16(d) * _f32(scales & np.uint8(0x0F))).reshape(n, 16, 1)
    ml = (_f16(dmin) * _f32(scales >> np.uint8(4))).reshape(n, 16, 1)
    q = _f32(_crumbs(qs, 32)).reshape(n, 16, 16)
    return (dl * q - ml).reshape(n, QK_K)


@_dequantizer("Q3_K")
def _dq_q3_k(blocks: np.ndarray) -> np.ndarray:
    """16 sub-blocks of 16: ``x_hat = (d * (sc - 32)) * q``; sc: 6 bits, q in -4..3.

    q = 2 low bits minus 4 where the high-mask bit is 0 (ggml's inverted convention); the
    6-bit scales are 4 low bits from bytes 0..7 (low then high nibbles) and 2 high bits from
    bytes 8..11.
    """
    n = blocks.shape[0]
    hmask, qs, scales, d = _split(blocks, QK_K // 8, QK_K // 4, 12)
    low = _fields(scales[:, :8], 8, (0, 4), 0x0F)
    high = _fields(scales[:, 8:12], 4, (0, 2, 4, 6), 0x03)
    sc = _signed(low | (high << np.uint8(4)), 32)
    dl = (_f16(d) * sc).reshape(n, 16, 1)
    ql = _crumbs(qs, 32).astype(np.int8)
    qh = (_bits(hmask, 32) ^ np.uint8(1)) << np.uint8(2)
    q = _f32(ql - qh.astype(np.int8)).reshape(n, 16, 16)
    return (dl * q).reshape(n, QK_K)


def _k_scales(scales: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_K/Q5_K: 12 bytes -> 8 six-bit scales and 8 six-bit mins (ggml's get_scale_min_k4)."""
    n = scales.shape[0]
    s = scales.reshape(n, 3, 4)
    d, m, md = s[:, 0], s[:, 1], s[:, 2]
    sc = np.concatenate([d & 0x3F, (md & 0x0F) | ((d >> 2) & 0x30)], axis=-1)
    mn = np.concatenate([m & 0x3F, (md >> 4) | ((m >> 2) & 0x30)], axis=-1)
    return sc, mn


def _k_affine(d: np.ndarray, dmin: np.ndarray, scales: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``x_hat = (d * sc) * q - dmin * m`` over 8 sub-blocks of 32."""
    n = q.shape[0]
    sc, mn = _k_scales(scales)
    dl = (_f16(d) * _f32(sc)).reshape(n, 8, 1)
    ml = (_f16(dmin) * _f32(mn)).reshape(n, 8, 1)
    return (dl * _f32(q).reshape(n, 8, 32) - ml).reshape(n, QK_K)


@_dequantizer("Q4_K")
def _dq_q4_k(blocks: np.ndarray) -> np.ndarray:
    """8 sub-blocks of 32: ``x_hat = (d * sc) * q - dmin * m``; q: 4 bits."""
    d, dmin, scales, qs = _split(blocks, 2, 2, 12)
    return _k_affine(d, dmin, scales, _nibbles(qs, 32))


@_dequantizer("Q5_K")
def _dq_q5_k(blocks: np.ndarray) -> np.ndarray:
    """As Q4_K with a fifth bit per weight from ``qh`` (bit j of byte i is weight 32 j + i)."""
    d, dmin, scales, qh, qs = _split(blocks, 2, 2, 12, QK_K // 8)
    return _k_affine(d, dmin, scales, _nibbles(qs, 32) | (_bits(qh, 32) << np.uint8(4)))


@_dequantizer("Q6_K")
def _dq_q6_k(blocks: np.ndarray) -> np.ndarray:
    """16 sub-blocks of 16: ``x_hat = (d * sc) * (q - 32)``; sc: int8, q: 6 bits."""
    n = blocks.shape[0]
    ql, qh, scales, d = _split(blocks, QK_K // 2, QK_K // 4, QK_K // 16)
    dl = (_f16(d) * _f32(scales.view(np.int8))).reshape(n, 16, 1)
    q = _nibbles(ql, 64) | (_crumbs(qh, 32) << np.uint8(4))
    return (dl * _signed(q, 32).reshape(n, 16, 16)).reshape(n, QK_K)


@_dequantizer("TQ1_0")
def _dq_tq1_0(blocks: np.ndarray) -> np.ndarray:
    """Ternary, 5 trits per byte in base 3 scaled to 0..255: ``x_hat = d * t``, t in -1..1.

    Trit k of byte b is ``((b * 3^k mod 256) * 3) >> 8``; bytes 0..31 give 5 x 32 weights,
    32..47 give 5 x 16, and the 4 ``qh`` bytes 4 x 4.
    """
    n = blocks.shape[0]
    qs, qh, d = _split(blocks, (QK_K - 4 * QK_K // 64) // 5, QK_K // 64)

    def trits(x: np.ndarray, width: int, count: int) -> np.ndarray:
        pow3 = np.array([1, 3, 9, 27, 81][:count], dtype=np.uint8).reshape(1, 1, -1, 1)
        return (x.reshape(n, -1, 1, width) * pow3).reshape(n, -1)

    q = np.concatenate([trits(qs[:, :32], 32, 5), trits(qs[:, 32:], 16, 5), trits(qh, 4, 4)], -1)
    t = ((q.astype(np.uint16) * np.uint16(3)) >> np.uint16(8)).astype(np.int8) - np.int8(1)
    return _f16(d) * _f32(t)


@_dequantizer("TQ2_0")
def _dq_tq2_0(blocks: np.ndarray) -> np.ndarray:
    """Ternary in 2-bit fields: ``x_hat = d * (q - 1)``."""
    qs, d = _split(blocks, QK_K // 4)
    return _f16(d) * _signed(_crumbs(qs, 32), 1)


# E2M1 values doubled, the table ggml calls kvalues_mxfp4 (gguf-py MXFP4.kvalues).
_E2M1_DOUBLED = np.array([0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12], np.int8)


@functools.cache
def _e8m0_half() -> np.ndarray:
    """E8M0 scale byte e -> 2^(e - 128) as float32 (half the scale, since values are doubled).

    ggml's ggml_e8m0_to_fp32_half: e < 2 gives the subnormals 2^-128 and 2^-127 (bits
    0x00200000 << e); otherwise the bits are (e - 1) << 23. e = 255 gives 2^127, not NaN.
    """
    e = np.arange(256, dtype=np.uint32)
    bits = np.where(e < 2, np.uint32(0x00200000) << np.minimum(e, 1), (e - 1) << np.uint32(23))
    return bits.astype(np.uint32).view(np.float32)


@_dequantizer("MXFP4")
def _dq_mxfp4(blocks: np.ndarray) -> np.ndarray:
    """``x_hat = 2^(e-128) * (2 * e2m1(q))``; q: 4-bit codes, low then high nibbles."""
    e, qs = _split(blocks, 1)
    return _e8m0_half()[e] * _f32(_E2M1_DOUBLED[_nibbles(qs, 16)])


@functools.cache
def _ue4m3_half() -> np.ndarray:
    """Unsigned E4M3 scale byte (bias 7) -> value / 2 as float32, gguf-py's NVFP4.ue4m3_to_fp32.

    Exponent 0: ``m * 2^-9``; otherwise ``(1 + m/8) * 2^(e-7)``; bytes 0x00 and 0x7F give 0.
    Evaluated with gguf-py's float32 expressions over all 256 bytes, then looked up.
    """
    x = np.arange(256, dtype=np.uint8)
    exp = (x >> 3).astype(np.int32) & 0xF
    man = (x & 0x7).astype(np.float32)
    raw = np.where(
        exp == 0,
        man * 2**-9,
        (1.0 + man / 8.0) * (2.0 ** (exp.astype(np.float32) - 7)),
    )
    return np.where((x == 0) | (x == 0x7F), 0.0, raw * 0.5)


@_dequantizer("NVFP4")
def _dq_nvfp4(blocks: np.ndarray) -> np.ndarray:
    """4 sub-blocks of 16: ``x_hat = ue4m3(s)/2 * (2 * e2m1(q))``; per sub-block 8 bytes give
    8 low nibbles then 8 high nibbles."""
    n = blocks.shape[0]
    s, qs = _split(blocks, 4)
    d = _ue4m3_half()[s].reshape(n, 4, 1)
    q = _E2M1_DOUBLED[_nibbles(qs, 8)].reshape(n, 4, 16)
    return (d * _f32(q)).reshape(n, 64)


# Non-uniform 4-bit levels, ggml's kvalues_iq4nl (gguf-py IQ4_NL.kvalues).
_IQ4_LEVELS = np.array(
    [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113], np.int8
)


@_dequantizer("IQ4_NL")
def _dq_iq4_nl(blocks: np.ndarray) -> np.ndarray:
    """``x_hat = d * level[q]``; q: 4-bit index into the 16 non-uniform levels."""
    d, qs = _split(blocks, 2)
    return _f16(d) * _f32(_IQ4_LEVELS[_nibbles(qs, 16)])


@_dequantizer("IQ4_XS")
def _dq_iq4_xs(blocks: np.ndarray) -> np.ndarray:
    """8 sub-blocks of 32: ``x_hat = (d * (sc - 32)) * level[q]``; sc: 6 bits (4 low, 2 high)."""
    n = blocks.shape[0]
    d, scales_h, scales_l, qs = _split(blocks, 2, 2, QK_K // 64)
    low = _nibbles(scales_l, 1)
    high = _fields(scales_h.view(_U16), 1, range(0, 16, 2), 0x03).astype(np.uint8)
    dl = (_f16(d) * _signed(low | (high << np.uint8(4)), 32)).reshape(n, 8, 1)
    q = _f32(_IQ4_LEVELS[_nibbles(qs, 16)]).reshape(n, 8, 32)
    return (dl * q).reshape(n, QK_K)


# --------------------------------------------------------------------------------------------
# i-quant grids
# --------------------------------------------------------------------------------------------

# The i-quant lattices of ggml-common.h (iq2xxs_grid, iq2xs_grid, iq2s_grid, iq3xxs_grid,
# iq3s_grid, iq1s_grid) in the packed form of gguf-py 0.19.0 gguf/quants.py (``grid_hex``):
# every grid value is replaced by its index in the type's value map and the indices are
# packed from the low bits up, four 2-bit or two 3-bit (in a nibble) per byte. The packed
# bytes are the same; only their text encoding changed here, from hex to base64.
_GRID_PACKED: dict[str, tuple[str, ...]] = {
    "IQ2_XXS": (
        "AAACAAUACAAKABEAFAAgACIAKAAqAEEARABQAFgAYQBkAIAAggCKAKIAAQEEARABFQFAAYQBmAEAAgICIgKCAgEE"
        "BAQQBCEEJARABEIESARgBIEEhASQBKQEAAUCBQgFIAVGBWkFgAWRBQkGEAZABoQGpAYACAUICAgUCCgIQQhECFAI"
        "UgiICAQJQAkCChQKARAEEBAQIRBAEGAQhBCQEJUQABEIESARUBFaEYARJBJFEgAUCBQgFCUUSRSAFBgVYhUAFhYW"
        "ARgEGBAYQBiBGAAZBRmgGVEaACACIAogRCBhIIAggiApIUghACICIgEkBCQQJEAkViQAJUElZCWQJggoICiUKEQq"
        "AUAEQBBAGEAhQCRAQEBIQFZAYECBQIRAkEAAQSBBYUGAQYVBAUIQQkhCVkJoQgBECEQgRIBEmUQSRSRFAEYBSARI"
        "EEhASEVIAElYSWFJgklFSpBKAFAIUBFQGVAgUIBQiFAEUUJRpFGRUpBUklQKVQFWVFYAWBFYGVhkWEBZCFoEYBBg"
        "QGBoYABhVWEYYmBiAGQFZBBlEmWEZUJoAIACgAqAQYCCgASBGIFAgRGCAYQEhBCEFYRAhGCEAIVGhZSFCYZAhmCG"
        "AogEiRGKBJAQkCSQQJChkBaRgJFFkgCUIpRElFGVgZggmQKgUKCFoAmhAKIYpFCoBKk="
    ),
    "IQ2_XS": (
        "AAACAAUACAAKABEAFAAWABkAIAAiACUAKABBAEQARgBJAFAAUgBVAFgAYQBkAIAAggCFAIgAkQCUAJkAoAABAQQB"
        "BgEJARABEgEVARgBGgEhASQBQAFCAUUBSAFRAVQBYAFoAYEBhAGQAQACAgIFAggCEQIUAiACQQJEAlACVQKAAooC"
        "AQQEBAYECQQQBBIEFQQYBCEEJARABEIERQRIBFEEVARWBGAEgQSEBJAEAAUCBQUFCAURBRQFIAVBBUQFUAVhBYAF"
        "AQYEBhAGJgZABkIGhAYACAIIBQgICAoIEQgUCCAIJQhBCEQIUAhYCIAIoAiqCAEJBAkQCUAJgQmJCQAKIAooCpYK"
        "oAoBEAQQBhAJEBAQEhAVEBgQIRAkEEAQQhBFEEgQURBUEGAQahCBEIQQkBAAEQIRBREIERERFBEgEUERRBFQEYAR"
        "lBGWEQESBBIGEhASQBJgEgAUAhQFFAgUERQUFCAUQRREFEkUUBRkFIAUARUEFRAVQBUAFhQWSRYBGAQYEBgSGEAY"
        "VBiGGAAZBRlmGVEaqRoAIAIgBSAIIAogESAUICAgQSBEIFAggCCgIAEhBCEQIUAhSCFlIQAiIiKAIqgiASQEJBAk"
        "KSRAJAAlQSVSJZklASYaJqYmACgIKAooIChVKIgooihoKZApCCogKoIqiCqKKgFABEAGQAlAEEASQBVAGEAhQCRA"
        "QEBCQEVASEBKQFFAVEBgQGVAgUCEQJBAAEECQQVBCEERQRRBIEFBQURBUEGAQYVBokEBQgRCEEISQilCQEIARAJE"
        "BUQIRBFEFEQZRCBEQURERFBEgESURAFFBEUQRSRFQEWaRQBGCkZERlBGAUgESBBIQEhFSFRIYkgASRFJRElQSWlJ"
        "BEoAUAJQBVAIUBFQFFAgUChQQVBEUFBQgFABUQRREFEVUUBRQlEAUkRSqlIBVARUEFQhVEBUYFSBVKFUAFUIVYBV"
        "iFUhVmhWoVYAWBRYQVhQWJlYGllAWUJZhVoBYARgEGBAYFRgYmCGYKlgAGEkYkpikmIAZBZkEGVAZUVlpGUBaGpo"
        "JWkGalRqYmoAgAKABYAIgBGAFIAggCqAQYBEgFCAgICCgKiAqoABgQSBBoEQgUCBUYFZgQCCIIKAgoKCoIKoggGE"
        "BIQQhBKEFYRAhGCEiYQAhUSFpYUYhmqGAIgIiCWIWoiAiIKIqIgGiSKKgIqIipaKqIoBkASQEJBAkFaQhJAAkSKR"
        "ZJFWkomSAJQFlESUUJRYlCmVkJWSlUGWUZimmEmZFZpgmgCgAqAIoAqgIKAqoKCgUaFZoaahAKICogiiKqKAoqCi"
        "QKSVpGWmmKYKqCCoIqgoqKCoqKgEqYSphqkoqiqqkaqqqg=="
    ),
    "IQ2_S": (
        "AAACAAUACAAKABEAFAAWABkAIAAiACUAKABBAEQARgBJAFAAUgBVAFgAYQBkAGYAaQCAAIIAhQCIAJEAlACgAKUA"
        "qgABAQQBBgEJARABEgEVARgBIQEkAUABQgFFAUgBUQFUAVYBWQFgAWUBaAGBAYQBkAGSAZUBoQGkAQACAgIFAggC"
        "EQIUAiACKgJBAkQCRgJJAlACVQKAAoUCigKUAqICAQQEBAYECQQQBBIEFQQYBCEEJAQmBCkEQARCBEUESARKBFEE"
        "VARWBFkEYARiBGUEgQSEBIYEiQSQBJUEmAShBKQEAAUCBQUFCAUKBREFFAUWBRkFIAUlBSgFQQVEBUYFSQVQBVIF"
        "VQVYBWEFZAWABYIFhQWIBZEFlAWgBQEGBAYGBgkGEAYVBkAGRQZIBlEGVAZgBoEGhAaQBgAIAggFCAgIEQgUCBYI"
        "GQggCCUIKghBCEQIRghJCFAIUghVCFgIYQhkCIAIhQiUCKoIAQkECRAJEgkVCRgJIQlACUUJSAlRCVQJYAmBCZAJ"
        "AAoRChQKIgooCioKUAqZCgEQBBAGEAkQEBASEBUQGBAhECQQJhBAEEIQRRBIEFEQVBBWEFkQYBBiEGUQaBCBEIQQ"
        "hhCQEJUQmBChEKQQABECEQURCBEKERERFBEWERkRIBEiESURKBFBEUQRRhFJEVARUhFVEVgRYRFkEYARghGFEYgR"
        "kRGUEQESBBIJEhASFRIhEiQSQBJFElESVBKBEoQSkBIAFAIUBRQIFBEUFBQWFBkUIBQlFCgUQRREFEYUSRRQFFIU"
        "VRRYFGEUZBSAFIIUhRSIFJEUlBSgFAEVBBUGFQkVEBUSFRUVGBUhFSQVQBVCFUUVSBVRFVQVYBWBFYQVkBUAFgUW"
        "CBYRFhQWIBZBFkQWUBaAFqoWARgEGAYYCRgQGBUYGBghGEAYQhhFGEgYURhUGGAYgRiEGAAZAhkFGQgZERkUGSAZ"
        "QRlEGVAZaRmiGQQaEBpAGlYaACACIAUgCCARIBQgFiAZICAgJSAqIEEgRCBQIFIgVSBkIIAgiiCUIKogASEEIRAh"
        "EiEVISEhQCFCIUUhUSFUIWAhgSGEIZAhACIKIiIiKCIqIkQiUCKIIooiqCIBJAQkBiQJJBAkFSQYJCEkJCRAJEIk"
        "RSRIJFEkVCRgJIEkhCSQJAAlBSUIJRElFCUgJUElRCVQJWYlgCUBJgQmECZAJlkmACgFKBEoFChBKEQoUCiKKKoo"
        "ASkEKRAplSkKKiIqZCqIKooqAUAEQAZACUAQQBJAFUAYQBpAIUAkQCZAQEBCQEVASEBKQFFAVEBWQFlAYEBiQGVA"
        "gUCEQJBAlUCYQKFApEAAQQJBBUEIQRFBFEEWQRlBIEEiQSVBQUFEQUZBSUFQQVJBVUFYQWFBZEGAQYJBhUGIQZFB"
        "lEGgQQFCBEIQQhJCFUIYQiRCQEJFQkhCUUJUQmBCgUKEQgBEAkQFRAhECkQRRBREFkQZRCBEIkQlRChEQUREREZE"
        "SURQRFJEVURYRGFEZESARIJEhUSIRJFElESgRAFFBEUGRQlFEEUSRRVFGEUhRSRFQEVCRUVFSEVRRVRFYEVqRYFF"
        "hEWQRQBGAkYFRghGEUYURiBGQUZERlBGgEalRgFIBEgJSBBIEkgVSBhIIUgkSEBIQkhFSEhIUUhUSGBIhEiQSABJ"
        "AkkFSQhJEUkUSSBJQUlESVBJgEmWSQFKBEoQSkBKAFACUAVQCFARUBRQFlAZUCBQIlAlUChQQVBEUEZQSVBQUFJQ"
        "VVBYUGFQZFCAUIJQhVCIUJFQlFABUQRRBlEJURBRElEVURhRIVEkUUBRQlFFUUhRUVFUUWBRgVGEUZBRAFIFUghS"
        "EVIUUiBSQVJEUlBSaVKAUgFUBFQGVAlUEFQSVBVUGFQhVCRUQFRCVEVUSFRRVFRUYFSBVIRUkFQAVQJVBVUIVRFV"
        "FFUgVUFVRFVQVYBVAVYEVhBWJlZAVgBYAlgFWAhYEVgUWCBYQVhEWFBYWliAWAFZBFkQWUBZAFoZWoVaqFoBYARg"
        "BmAQYBJgFWAYYCFgJGBAYEVgSGBRYFRgYGCEYJBgAGECYQVhCGERYRRhIGFBYURhUGGAYZlhBGIQYkBiVmKhYgBk"
        "BWQIZBFkFGQgZEFkRGRQZIBkAWUEZRBlQGVKZWhlkmUAZpRmAWgEaBBoZWiYaABpKmlCaqFqAIACgAWACIARgBSA"
        "GYAggCWAQYBEgFCAUoBVgFiAYYCAgIWAkYCUgAGBBIEJgRCBEoEVgRiBIYEkgUCBQoFFgUiBUYFUgYGBhIGQgamB"
        "AIIFggqCEYIUgkGCRIJQggGEBIQGhAmEEIQShBWEGIQhhECEQoRFhEiEUYRUhGCEgYSEhJCEAIUChQWFCIURhRSF"
        "IIVBhUSFUIWAhYqFAYYEhhCGKYZAhgCIBYgRiBSIQYhEiFCIoogBiQSJQIlliSKKWIpaioKKoooBkASQCZAQkBKQ"
        "FZAYkCSQQJBCkEWQSJBRkFSQYJCBkISQkJAAkQWREZEUkUGRRJFQkVqRAZIEkhCSQJKmkgCUApQFlAiUEZQUlCCU"
        "QZRElFCUgJSWlAGVBJUQlUCVmJWhlQCWRpZklgGYBJgQmCaYQJipmACZSZlSmZCaAKAFoAqgFKAioCqgQaBEoFCg"
        "oqCqoEChZaECogqiIqIooiqigqKIooqiqKIBpASkEKRApImkpKQApRmlUaYKqCiooqhUqYapCKoKqiCqIqooqoiq"
        "qqo="
    ),
    "IQ3_XXS": (
        "AAACAAQAEQATABcAIAAiADEAQgBzAHUAAQEDARABEgEhASUBMAEyAUEBVAFwAQACAgIEAhECIAIiAjECMwI3AlEC"
        "VwJ1AgEDBwMQAxIDJQNwAxMENwREBFcEcwR1BAEFBwUyBVIFNQZkBhAHFAcWB0MHYQcBEAMQEBASECEQIxAwEDIQ"
        "NBBHEFAQABECERERIBEiEQESAxIQEhISIRIwEnISABMCEyATMRNGE2YTARQFFFAUIBUkFUYVcRUFFiIXQBcAIAIg"
        "ESATICAgIiAmIDEgQiABIQMhBSEQIRIhISEwIWMhZyFwIQAiAiIRIhciICIiIjciQCJVIgEjECMUI3AjdCM1JFMk"
        "AyUnJUEldCUBJwMnFidFJwEwEDASMCEwIzBQMGUwcjAAMQIxIDExMUQxRjEBMgMyEDIlMlIycjIRMzMzMDRHNHI0"
        "ADUGNSI1VTUUNjY2YzYzN2A3BEAXQDVAN0BTQFdAdEEgQjdCQEJgQmZCB0NFQwREUURkRCVFQ0VwRQVHEEcSRzBH"
        "ElBBUHBQAFEGUSZRVVEUUjJSclICU1NTEFQjVCdUclQCVTFVUFYkV0JXJGBEYEZgZGAhYWFhF2JkYjBjNmNEZAVl"
        "UmUzZgNnIWcDcAVwB3AQcDJwUnAmcUBxEnJFclJyAHMVczNzYHMhdEF0AHUCdSR1MHY="
    ),
    "IQ3_S": (
        "AAABAAIABQAHABAAEQASABQAFgAgACEAJQAzAEAAQgBFAEcAUQBTAGAAYgBxAHQAdwAAAQEBAgEEARABEQEVASAB"
        "IwEnATEBNQFEAWEBZQFyAQACAQIFAgcCEAITAhYCIQIlAjACNAJCAkUCRwJRAlMCcAJzAgMDEQMVAyADIgMxAzMD"
        "NgNEA1ADUgNnA3EDdQMABBMEFwQhBCQEMgRABEMEUQRwBAIFBAUgBSIFJgUzBUEFRQVHBWYFcwUGBhEGEwYxBlIG"
        "cQYABwIHBAcgByIHJgczB1AHVAcAEAEQAhAEEBAQERATEBUQFxAgECIQMRA0EDYQVBBWEGEQchAAEQERAxEGERAR"
        "FBEhETARMxFBEVARUhFwEXYRABISEhUSFxIgEiQSMhJAEkMSVRJgEnISARMEEwcTEBMTEyETJxMwEzQTQRNiE3AT"
        "AxQFFBIUFBQxFDMUQhRGFFAUVBQBFRAVExUhFTAVMhVRFSAWJBYnFkQWRhYBFwMXEBcSFyEXNRdBF2IXcBcAIAEg"
        "AyAFIAcgECASIBQgFiAhICMgJyAwIDIgQSBDIEUgUCBSIGcgcCBzIHUgACECIRAhEyEXISIhJSExITQhQiFRIQEi"
        "BCIHIiEiIyIwIjciQSJTIlcicSJ0IgAjAiMFIxEjIiMkIzEjMyNCI1AjZiMBJAckICQjJDIkNSRBJHIkdSQEJREl"
        "IiU3JUAlUyVwJQAmAiYHJiEmVSZhJgUnEScmJzAnQydQJwIwETATMBUwFzAiMDEwMzA1MEIwRDBHMFEwYzBxMAEx"
        "AzEFMRQxITEjMUAxYDFyMXYxADISMiAyMjI0MlAyATMQMxQzITMjMyczMDNBM0MzRzNVM3MzAzQRNBY0IjQxNFI0"
        "YDRkNAE1EDUSNSU1MjVENVY1czUWNkE2ATcDNyA3Ijc1NwBABEASQCBAJEAnQDJAQUBQQHBAAkEHQRFBE0EiQTBB"
        "NUFDQVFBVUEBQgNCEEIVQiFCM0JAQldCYkJwQgRDEUMTQyBDIkMxQzVDAEQCRCREN0RARHFEBUUHRSFFYkUTRjRG"
        "YEYQRxVHMEdDR1FHAlAQUBRQIlBAUERQR1BSUGZQdFABUQNRBVESUSFRMlFyUQBSEVIjUjBSNlJTUgJTB1MQUydT"
        "RFNRU2VTc1MBVARUIFQyVEZUElUmVVFVU1VCVgJXBFciVxFgE2AVYDFgM2BgYABhIGEnYWRhEmI0YkJiVWJiYnBi"
        "AGMUYyFjQGMlZENkYmQAZQNlNGVgZQVmQGYRZxNnAHAEcAdwIHAicDZwQHBUcGJwAnERcSRxQ3FFcQFyBHIQchZy"
        "IXIwclFyAnMyczVzU3MBdAV0E3QgdFB0InVCdQJ2MXYAdw=="
    ),
    "IQ1_S": (
        "AAACAAUACAAKABEAFQAgACIAKAAqAEUAUQBUAFYAZQCAAIIAiACKAJUAoACiAKgAqgAEAQUBEQEUARYBGQEaASUB"
        "QQFGAUkBUgFVAVoBYQFkAWYBaAGFAZEBlAGWAaUBAAICAggCCgIVAiACIgIoAioCRQJRAlkCZAJpAoACggKIAooC"
        "kQKVApkCoAKiAqgCqgIRBBQEFgQlBEEESQRVBFoEZARlBJEEmQSlBAEFBAUFBQYFFQUYBRoFKQVABUUFSgVQBVEF"
        "VAVVBVYFWQVgBWIFZQVoBWoFgQWRBZUFmAWaBaEFpAWlBaYFqQUUBhkGQQZEBlAGUgZVBlgGYAZhBmYGaQaFBpEG"
        "lAaZBgAIAggICAoIFQggCCIIKAgqCEUIUQhWCGUIgAiCCIgIigiVCKAIogioCKoIBQkRCRQJGQkkCSUJQQlQCVEJ"
        "VQlhCWQJaQmRCZQJlgmZCaUJAAoCCggKCgoVCiAKIgooCioKRQpRClkKYQplCoAKggqFCogKigqVCqAKogqoCqoK"
        "EBAREBQQGRAkECUQQRBEEFAQVRBYEGEQZBBlEGkQkRCUEJYQoRClEAERBBEGEQkREBESERURGBEhESQRKRFFEUoR"
        "UBFREVIRVBFVEVYRWRFgEWURhBGSEZURoRGkERESFBIWEiUSQBJGEkkSUhJVElgSWhJkEmYShRKREpQSlhKlEgEU"
        "BhQJFBQUFRQYFBkUIRQmFEEURRRGFEgUShRRFFQUVRRWFFkUYhRlFGgUhBSJFJAUlBSVFJgUmRSaFKEUpBSlFKkU"
        "AhUFFQoVERUUFRUVFhUZFSAVIhUlFSgVKhVBFUQVRRVGFVEVUhVUFVUVVhVZFVoVYRVkFWUVZhVpFYAVghWEFYUV"
        "iBWKFZAVkRWUFZUVlhWZFZoVoBWiFaUVARYEFgUWBhYVFhYWGBYaFiEWJhZAFkIWRBZFFkgWShZRFlUWVhZYFlkW"
        "YRZkFmUWaBZpFmoWhhaKFpIWlRakFqkWERgWGCUYQRhEGEYYSRhQGFUYWBhaGGAYYRhkGGYYaRiFGJEYlBilGBAZ"
        "EhkVGRoZIRklGUIZRBlFGUgZURlUGVUZVhlZGVoZYBllGWoZiRmRGZIZlRmYGaEZphmpGQkaFhokGiYaRBpGGkka"
        "UBpSGlUaWBphGmYaaRqFGpEalhqaGgAgAiAIIAogFSAgICIgJSAoICogRSBRIFkgYSBlIIAggiCIIIoglSCgIKIg"
        "pSCoIKogBSERIRQhGSElIUIhRCFJIVUhWCFaIWEhZCFlIWYhhSGQIZYhmSGlIQEiCCIKIhEiFSIgIiIiKCIqIkUi"
        "USJWIlkiZSKBIogiiiKRIpUioCKiIqgiqiIFJBQkFiQZJCUkRCRFJEYkSSRSJFUkWCRaJGYkhSSRJJQkmSShJKUk"
        "CSUVJSElKSVAJUUlSCVRJVQlVSVZJWIlZSVoJYklkCWUJZUlmCWaJaElpCWmJaklBSYQJhImGSYlJkEmSSZVJmAm"
        "YSZpJoQmhiaQJpomACgCKAgoCigVKCAoIigoKCooRShRKFQoZSiAKIIoiCiKKKAooiioKKooCSkRKRQpGSklKUYp"
        "SSlSKVUpYSlkKWYpaSmFKZAplimZKaQppSkAKgIqCCoKKiAqIiooKioqRSpRKlYqWSplKoAqgiqIKooqlSqgKqIq"
        "qCqqKgVAEUAWQCVASUBSQFVAWEBaQGFAZEBmQJRAmUChQKZAAEEBQQRBBkEJQRJBFUEWQRhBGkEhQSZBKUFFQUhB"
        "SkFRQVRBVUFWQVlBWkFlQWhBakGBQYRBhkGQQZJBlUGgQaFBokEFQhFCFEIWQiVCQUJSQlVCWkJkQmlCiUKUQqVC"
        "AUQVRBlEKURFREhESkRRRFREVURWRGFEYkRlRGhEakSBRIZEiUSQRJJElUSgRKFEqUQBRQJFBUUKRRFFFEUVRRZF"
        "GUUgRSVFKkVBRURFRUVGRUlFUEVRRVRFVUVWRVhFWUVhRWRFZUVmRWlFgkWERYVFiEWRRZRFlUWWRZlFmkWlRahF"
        "qkUBRgVGCUYURhVGGEYaRiFGJEYpRkBGQkZFRkhGUEZRRlJGVUZWRllGYkZlRmhGgUaFRopGlEaVRqFGpEamRgVI"
        "EUgVSBpIJUhCSElIUEhVSFhIYUhkSGZIaUiFSJFIlEiWSJlIpUgBSQVJBkkKSRBJFEkVSRhJIUkkSSZJQElFSUpJ"
        "UUlSSVRJVUlWSVlJYEliSWVJZklqSYZJiUmSSZVJlkmYSaFJpEmmSalJFkpESkZKSUpVSlhKWkpkSmlKlEqlSgFQ"
        "BFAFUAZQCVASUBVQGlAhUCRQKVBAUEVQSFBRUFRQVVBWUFlQZVBoUIZQiVCVUJhQoFChUKZQqVAFUQhRCVEKURFR"
        "FFEVURZRGFEZUSBRJVEmUShRKlFBUURRRVFGUUlRUFFRUVJRVFFVUVZRWFFZUVpRYVFkUWVRZlFpUYJRhVGRUZRR"
        "lVGWUZlRoFGlUapRAVIGUhJSFVIaUiFSJFJCUkVSSlJRUlRSVVJWUllSYlJlUoVSkFKSUpVSmVKaUqRSBFQFVBFU"
        "FFQVVBZUGFQZVCFUJVQoVCpUQVREVEVURlRJVEpUUFRRVFRUVVRWVFhUWVRaVGFUYlRkVGVUZlRpVIBUiFSKVJFU"
        "lFSVVJZUmVShVKRUpVSqVAFVAlUEVQVVBlUJVRBVEVUSVRRVFVUWVRlVGlUhVSRVJVUmVSlVQFVBVUJVRFVFVUZV"
        "SFVJVVBVUVVSVVRVVVVWVVhVWVVaVWBVYVVkVWVVZlVoVWlValWBVYRVhVWJVYpVkFWRVZRVlVWWVZhVmVWhVaRV"
        "pVWmValVAFYBVgJWBFYGVghWCVYRVhRWFVYYVhlWIFYhViJWJFYlViZWKFYpVkFWRVZGVkhWSVZKVlBWUVZSVlRW"
        "VVZWVlhWWVZaVmFWZFZlVmlWglaFVoZWiFaJVopWkVaVVppWolalVqZWqFapVgRYBVgGWAlYEFgVWBhYIVgqWEVY"
        "SFhKWFFYVFhVWFZYWFhZWGBYYlhkWGVYgliJWJBYkliVWJhYoVipWAFZAlkFWQpZEVkUWRVZFlkZWSVZQVlEWUVZ"
        "RllJWVBZUVlSWVRZVVlWWVhZWVlaWWFZZFllWWZZaVmBWYVZiVmRWZRZlVmWWZhZmVmlWQRaCFoVWhpaIFolWiZa"
        "KVpFWkhaSVpRWlVaVlpYWllaYlplWmhaalqBWopaklqVWpZamFqaWqFaBWAUYBZgGWAlYERgUGBVYFZgWGBaYGFg"
        "ZGBmYGlggWCWYKVgAWEEYQZhCWESYRVhIWEiYSZhKWFFYUlhUWFVYVZhWWFlYWZhamGEYYphkmGVYaFhpmGpYRFi"
        "FmIZYkBiQWJGYlViVmJYYmBihWKRYpZipWIRZBJkFWQWZBpkIWQmZClkQGRCZEVkSGRKZFFkVGRVZFZkWWRaZGBk"
        "YmRlZIRkhWSJZJBkkmSUZJVklmSYZJpkoWSkZKlkBWUIZQplEWUVZRZlGWVEZUVlRmVJZVBlUWVUZVVlVmVZZWFl"
        "ZGVlZWZlaWWGZYllimWRZZVllmWZZZplomWlZaZlqGUCZglmFWYgZiZmKGYpZkBmRWZIZkpmUWZUZlVmVmZYZlpm"
        "YGZlZmhmgGaCZoVmimaUZpZmmGaZZqBmpGamZqpmFmgZaCVoQWhSaFVoWmhhaGlohWiRaJhopmgBaQRpEGkVaSFp"
        "JGkmaSlpQGlBaUVpRmlIaVFpVGlVaVZpWWlgaWVpammCaYRpimmVaaFppGmlaalpEWoWahhqQWpEaklqUGpValhq"
        "WmpkamVqaWqGapRqmGqaaqZqAIACgAiACoAggCKAKIAqgEWAUIBRgFSAVoBZgGWAgICCgIiAioCVgKCAooCogKqA"
        "BYERgRSBFoEZgSWBQYFEgUmBUIFSgVWBVoFYgVmBZIFmgWmBhYGJgZSBloGZgaWBAIICggiCCoIVgiCCIoIogiqC"
        "UYJUglmCZYKAgoKCiIKKgpWCoIKigqiCqoIUhBmEQYREhFGEVYRahGGEZIRphJSEmYQBhQmFEoUVhRqFJoUphUCF"
        "QYVFhUiFUYVUhVWFVoVZhVqFZYVmhWiFaoWBhYSFhoWJhZCFkoWVhZiFpoURhhaGGYYlhkGGRIZJhkqGUIZVhlmG"
        "WoZhhmaGaoaFhpGGmoakhgCIAogIiAqIFYggiCKIKIgqiEGIRYhRiFSIWYhliGmIgIiCiIiIioiViKCIooioiKqI"
        "BYkGiRGJFIkWiSWJQYlEiUaJSYlQiVKJVYlaiWGJZImFiZaJmYmliQCKAooIigqKFYogiiKKKIoqikWKUYpUilaK"
        "gIqCioiKioqViqCKooqoiqqKBZARkBaQGJAZkCWQQZBGkEmQVZBYkFqQaZBqkIWQkZCUkJaQmZClkAGRBJEGkQmR"
        "EJEVkRiRGpEhkSSRJpEpkUCRRZFQkVGRVJFVkVaRWZFikWWRhJGGkZKRlZGYkaGRpJGmkamRBZIRkhSSGZIlkkSS"
        "RpJJklCSUpJVkliSZpJpkoWSlJKWkqmSAZQElAaUEJQVlBiUJpRAlEqUUZRUlFWUVpRYlFmUYJRhlGKUZZSElIaU"
        "kpSUlJWUmJShlKmUAJUFlQiVCpUQlRGVFJUVlRaVGZUhlSWVKZUqlUGVRJVFlUaVSZVQlVGVUpVUlVWVVpVYlVmV"
        "WpVhlWSVZZVmlWmVgZWFlYiVkZWSlZSVlZWWlZmVmpWglaKVpZWolaqVAZYElhCWFZYZliCWJpYplkWWSJZJllGW"
        "UpZVllaWWZZllmiWgpaElomWipaSlpSWlZaklqaWqZYFmBaYGZglmEGYRphQmFKYVZhWmFqYZJhlmIWYkZiWmJmY"
        "pZgEmQaZCZkQmRKZFZkYmRqZIJkhmSSZJplAmUKZRZlImUqZUZlUmVWZVplZmWKZZZlmmWqZgZmEmZCZkpmVmZqZ"
        "oZmmmQWaFZolmkSaRppJmlCaVZpYmmGahZqRmpSalZqWmgCgAqAIoAqgFaAgoCKgKKAqoEWgUaBUoFagWaCAoIKg"
        "iKCKoJWgoKCioKigqqAFoQmhEaEUoRahGaEaoUahSaFRoVWhWKFaoWGhZKGFoZChkqGWoZmhAqIIogqiEKIZoiKi"
        "KKIqokWiUaJWolmiZaKAooKiiKKKopWioKKioqiiqqIZpCWkQaREpFCkVKRVpFikWqRhpGWkZqRopGmkhaQGpQml"
        "EKUSpRWlGKUmpSmlQqVFpVGlVKVVpValWaVlpWqlgaWEpYWlhqWJpZKllaWYpQWmEaYWphqmIaYlpkSmRqZKplKm"
        "VaZWplimYKZipoamkKaVppammaahpqSmpqYAqAKoCKgKqCCoIqgoqCqoUahUqFaoWaiAqIKoiKiKqJWooKiiqKio"
        "qqgFqRSpGakhqSWpQalQqVWpWqlhqWapaamQqZapAKoCqgiqCqogqiKqKKoqqlGqVKpWqoCqgqqIqoqqlaqgqqKq"
        "qKqqqg=="
    ),
}

# (rows, values per row, value map) for each packed grid (gguf-py grid_shape and grid_map).
_GRID_LAYOUT: dict[str, tuple[int, int, tuple[int, ...]]] = {
    "IQ2_XXS": (256, 8, (0x08, 0x19, 0x2B)),
    "IQ2_XS": (512, 8, (0x08, 0x19, 0x2B)),
    "IQ2_S": (1024, 8, (0x08, 0x19, 0x2B)),
    "IQ3_XXS": (256, 4, (0x04, 0x0C, 0x14, 0x1C, 0x24, 0x2C, 0x34, 0x3E)),
    "IQ3_S": (512, 4, (0x01, 0x03, 0x05, 0x07, 0x09, 0x0B, 0x0D, 0x0F)),
    "IQ1_S": (2048, 8, (-1, 0, 1)),
}


@functools.cache
def _grid(name: str) -> np.ndarray:
    """The ``name`` lattice as float32 ``(rows, values per row)``, expanded once on first use.

    A map of 3 values takes 2 bits per index (4 per byte); a map of 8 takes 3 bits, stored
    one per nibble (2 per byte). Fields are read from the low bits up.
    """
    rows, width, values = _GRID_LAYOUT[name]
    packed = np.frombuffer(base64.b64decode("".join(_GRID_PACKED[name])), dtype=np.uint8)
    bits = math.ceil(math.log2(len(values)))
    step = 8 // (8 // bits)
    shifts = np.arange(0, 8, step, dtype=np.uint8)
    index = (packed.reshape(-1, 1) >> shifts) & np.uint8((1 << bits) - 1)
    grid = np.array(values, dtype=np.float32)[index.reshape(-1)].reshape(rows, width)
    grid.flags.writeable = False
    return grid


@functools.cache
def _ksigns() -> np.ndarray:
    """ggml's ksigns_iq2xs: 7 stored sign bits plus an eighth that makes the count even."""
    k = np.arange(128, dtype=np.uint8)
    parity = np.unpackbits(k.reshape(-1, 1), axis=1).sum(axis=1).astype(np.uint8) & 1
    return k | (parity << np.uint8(7))


def _sign_index(packed: np.ndarray) -> np.ndarray:
    """uint32 (n, g) -> the four 7-bit sign-pattern indices at bits 0, 7, 14, 21: (n, 4 g)."""
    n = packed.shape[0]
    shifts = np.array([0, 7, 14, 21], dtype=np.uint32)
    return ((packed.reshape(n, -1, 1) >> shifts) & np.uint32(0x7F)).reshape(n, -1)


def _iq2_scale(d: np.ndarray, s: np.ndarray, factor: float) -> np.ndarray:
    """``db = d * (0.5 + s) * factor`` in float32 (factor 0.25 for IQ2, 0.5 for IQ3_XXS)."""
    return d * (np.float32(0.5) + _f32(s)) * np.float32(factor)


@_dequantizer("IQ2_XXS")
def _dq_iq2_xxs(blocks: np.ndarray) -> np.ndarray:
    """8 groups of 32 from 8-byte records: 4 grid indices, then 4 x 7 sign bits and a 4-bit
    scale s; ``x_hat = (d * (0.5 + s) * 0.25) * grid[i] * sign``."""
    n = blocks.shape[0]
    d, qs = _split(blocks, 2)
    aux = qs.view(_U32).reshape(n, 8, 2)
    db = _iq2_scale(_f16(d), aux[..., 1] >> np.uint32(28), 0.25).reshape(n, 8, 1, 1)
    signs = _sign_factors(_bits(_ksigns()[_sign_index(aux[..., 1])], 1)).reshape(n, 8, 4, 8)
    index = qs.reshape(n, 8, 8)[:, :, :4]
    grid = _grid("IQ2_XXS")[index].reshape(n, 8, 4, 8)
    return (db * grid * signs).reshape(n, QK_K)


@_dequantizer("IQ2_XS")
def _dq_iq2_xs(blocks: np.ndarray) -> np.ndarray:
    """16 groups of 16: each uint16 holds a 9-bit grid index and a 7-bit sign index;
    ``x_hat = (d * (0.5 + s) * 0.25) * grid[i] * sign``, s: 4-bit per group."""
    n = blocks.shape[0]
    d, qs, scales = _split(blocks, 2, 2 * QK_K // 8)
    q = qs.view(_U16)
    db = _iq2_scale(_f16(d), _nibbles(scales, 1), 0.25).reshape(n, 16, 1, 1)
    signs = _sign_factors(_bits(_ksigns()[q >> np.uint16(9)], 1)).reshape(n, 16, 2, 8)
    grid = _grid("IQ2_XS")[q & np.uint16(511)].reshape(n, 16, 2, 8)
    return (db * grid * signs).reshape(n, QK_K)


@_dequantizer("IQ2_S")
def _dq_iq2_s(blocks: np.ndarray) -> np.ndarray:
    """16 groups of 16: 10-bit grid indices (8 bits + 2 from ``qh``), explicit sign bits;
    ``x_hat = (d * (0.5 + s) * 0.25) * grid[i] * sign``."""
    n = blocks.shape[0]
    d, qs, sign_bits, qh, scales = _split(blocks, 2, QK_K // 8, QK_K // 8, QK_K // 32)
    db = _iq2_scale(_f16(d), _nibbles(scales, 1), 0.25).reshape(n, 16, 1, 1)
    signs = _sign_factors(_bits(sign_bits, 1)).reshape(n, 16, 2, 8)
    index = qs.astype(np.uint16) | (_crumbs(qh, 1).astype(np.uint16) << np.uint16(8))
    grid = _grid("IQ2_S")[index].reshape(n, 16, 2, 8)
    return (db * grid * signs).reshape(n, QK_K)


@_dequantizer("IQ3_XXS")
def _dq_iq3_xxs(blocks: np.ndarray) -> np.ndarray:
    """8 groups of 32: 64 byte indices into a 256 x 4 grid, per group a uint32 with 4 x 7 sign
    bits and a 4-bit scale; ``x_hat = (d * (0.5 + s) * 0.5) * grid[i] * sign``."""
    n = blocks.shape[0]
    d, qs, scales = _split(blocks, 2, QK_K // 4)
    packed = scales.view(_U32)
    db = _iq2_scale(_f16(d), packed >> np.uint32(28), 0.5).reshape(n, 8, 1, 1)
    signs = _sign_factors(_bits(_ksigns()[_sign_index(packed)], 1)).reshape(n, 8, 4, 8)
    grid = _grid("IQ3_XXS")[qs].reshape(n, 8, 4, 8)
    return (db * grid * signs).reshape(n, QK_K)


@_dequantizer("IQ3_S")
def _dq_iq3_s(blocks: np.ndarray) -> np.ndarray:
    """8 groups of 32: 9-bit indices into a 512 x 4 grid (8 bits + 1 from ``qh``), explicit
    sign bits, 4-bit scales; ``x_hat = (d * (1 + 2 s)) * grid[i] * sign``."""
    n = blocks.shape[0]
    d, qs, qh, sign_bits, scales = _split(blocks, 2, QK_K // 4, QK_K // 32, QK_K // 8)
    db = (_f16(d) * _f32(1 + 2 * _nibbles(scales, 1))).reshape(n, 8, 1, 1)
    signs = _sign_factors(_bits(sign_bits, 1)).reshape(n, 8, 4, 8)
    index = qs.astype(np.uint16) | (_bits(qh, 1).astype(np.uint16) << np.uint16(8))
    grid = _grid("IQ3_S")[index].reshape(n, 8, 4, 8)
    return (db * grid * signs).reshape(n, QK_K)


_IQ1_DELTA = np.float32(0.125)


def _iq1_delta(negative: np.ndarray) -> np.ndarray:
    return np.where(negative, -_IQ1_DELTA, _IQ1_DELTA)


@_dequantizer("IQ1_S")
def _dq_iq1_s(blocks: np.ndarray) -> np.ndarray:
    """8 groups of 32: 11-bit indices into a 2048 x 8 grid of -1/0/1, per group a uint16 with
    4 x 3 high index bits, a 3-bit scale s and a delta sign;
    ``x_hat = (d * (2 s + 1)) * (grid[i] + delta)``, delta = +-0.125."""
    n = blocks.shape[0]
    d, qs, qh = _split(blocks, 2, QK_K // 8)
    h = qh.view(_U16)
    dl = (_f16(d) * _f32(2 * ((h >> np.uint16(12)) & np.uint16(7)) + 1)).reshape(n, 8, 1, 1)
    delta = _iq1_delta((h & np.uint16(0x8000)) != 0).reshape(n, 8, 1, 1)
    high = _fields(h, 1, (0, 3, 6, 9), 0x07)
    index = qs.astype(np.uint16) | (high << np.uint16(8))
    grid = _grid("IQ1_S")[index].reshape(n, 8, 4, 8)
    return (dl * (grid + delta)).reshape(n, QK_K)


@_dequantizer("IQ1_M")
def _dq_iq1_m(blocks: np.ndarray) -> np.ndarray:
    """16 groups of 16 on the IQ1_S grid; the float16 ``d`` is spread over the top nibbles of
    the 4 scale words; ``x_hat = (d * (2 s + 1)) * (grid[i] + delta)`` with a 3-bit s per 16
    and a delta sign per 8."""
    n = blocks.shape[0]
    qs, qh, scales = _split(blocks, QK_K // 8, QK_K // 16)
    words = scales.view(_U16)
    top = (words & np.uint16(0xF000)) >> np.array([12, 8, 4, 0], dtype=np.uint16)
    d = (top[:, 0] | top[:, 1] | top[:, 2] | top[:, 3]).view(_F16).astype(np.float32)
    s = _fields(words, 1, (0, 3, 6, 9), 0x07)
    dl = (d.reshape(n, 1) * _f32(2 * s + 1)).reshape(n, 8, 2, 1, 1)
    halves = _nibbles(qh, 1)
    index = qs.astype(np.uint16) | ((halves & np.uint8(0x07)).astype(np.uint16) << np.uint16(8))
    delta = _iq1_delta((halves & np.uint8(0x08)) != 0).reshape(n, 8, 2, 2, 1)
    grid = _grid("IQ1_S")[index].reshape(n, 8, 2, 2, 8)
    return (dl * (grid + delta)).reshape(n, QK_K)


# --------------------------------------------------------------------------------------------
# the file
# --------------------------------------------------------------------------------------------

GGUF_MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32  # ggml's GGUF_DEFAULT_ALIGNMENT
MAX_ARRAY_DEPTH = 3  # arrays of arrays of arrays; ggml itself reads no nested array at all
MAX_NAME_BYTES = 63  # ggml's GGML_MAX_NAME is 64 bytes including the terminating NUL
MAX_DIMS = 4  # ggml's GGML_MAX_DIMS
#: Elements of the metadata's array budget one array inside an array is charged (a numpy
#: array each: an array of 4M empty arrays took 25 s and 1.3 GB before it was charged so).
NESTED_ARRAY_COST = 8
_INT64_MAX = 2**63 - 1
_ALIGNMENT_KEY = "general.alignment"


class GGUFError(ValueError):
    """A ``.gguf`` file that cannot be read, with a sentence that says why."""


# GGUF value types (gguf-py GGUFValueType, ggml's gguf_type): id -> (name, struct code).
_SCALAR_TYPES: dict[int, tuple[str, str]] = {
    0: ("uint8", "B"),
    1: ("int8", "b"),
    2: ("uint16", "H"),
    3: ("int16", "h"),
    4: ("uint32", "I"),
    5: ("int32", "i"),
    6: ("float32", "f"),
    7: ("bool", "B"),
    10: ("uint64", "Q"),
    11: ("int64", "q"),
    12: ("float64", "d"),
}
_STRING, _ARRAY = 8, 9
_TYPE_IDS: dict[str, int] = {name: i for i, (name, _) in _SCALAR_TYPES.items()}
_TYPE_IDS["string"] = _STRING


@dataclass(frozen=True)
class TensorInfo:
    """One tensor as the file describes it.

    ``dims`` is the file's (ggml) order, innermost first; ``shape`` the numpy order,
    ``reversed(dims)``. ``offset`` counts from the start of the data section.
    """

    name: str
    type: str
    dims: tuple[int, ...]
    offset: int
    n_elements: int
    nbytes: int

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(reversed(self.dims))


@dataclass(frozen=True)
class TensorRow:
    """One line of a file's tensor summary."""

    name: str
    type: str
    shape: tuple[int, ...]
    bits_per_weight: float
    nbytes: int


@dataclass(frozen=True)
class GGUFFile:
    """A parsed ``.gguf`` file: header, metadata and tensor infos; tensor data on demand.

    ``metadata`` maps each key to its value (int, float, bool, str; a numeric or bool array
    as a read-only numpy array of the stored dtype; an array of strings as a tuple of str;
    an array of arrays as a tuple of those); ``metadata_types`` gives each key's GGUF type
    (``"uint32"``, ``"array[string]"``, ``"array[array[int32]]"``).
    """

    version: int
    tensor_count: int
    kv_count: int
    metadata: Mapping[str, object]
    metadata_types: Mapping[str, str]
    tensors: tuple[TensorInfo, ...]
    alignment: int
    data_offset: int
    max_decoded_bytes: int
    _data: memoryview = field(repr=False, compare=False)

    @functools.cached_property
    def _by_name(self) -> dict[str, TensorInfo]:
        return {info.name: info for info in self.tensors}

    def tensor_info(self, name: str) -> TensorInfo:
        """The :class:`TensorInfo` called ``name``; an unknown name raises :class:`GGUFError`.

        A dict lookup: a report over 20,000 tensors looks each one up."""
        info = self._by_name.get(name)
        if info is not None:
            return info
        shown = ", ".join(repr(t.name) for t in self.tensors[:10])
        more = f" and {len(self.tensors) - 10} more" if len(self.tensors) > 10 else ""
        raise GGUFError(f"The file has no tensor named {name!r}; it has {shown or 'none'}{more}.")

    def raw(self, name: str) -> np.ndarray:
        """The stored bytes of tensor ``name`` as a read-only uint8 array (no copy)."""
        info = self.tensor_info(name)
        start = self.data_offset + info.offset
        return np.frombuffer(self._data, dtype=np.uint8, count=info.nbytes, offset=start)

    def tensor(self, name: str) -> np.ndarray:
        """Tensor ``name`` dequantized to float32 of numpy shape ``reversed(dims)``.

        Equal bit for bit to gguf-py's ``dequantize(reader.tensors[i].data, type)``. Refused
        with :class:`GGUFError` when its float32 size exceeds ``max_decoded_bytes`` or when
        gguf-py has no decoder for its type (I8..I64, F64, Q8_1, Q8_K, Q1_0).
        """
        info = self.tensor_info(name)
        decoded = 4 * info.n_elements
        if decoded > self.max_decoded_bytes:
            raise GGUFError(
                f"Tensor {info.name!r} ({info.type}, shape {info.shape}) decodes to "
                f"{decoded:,} bytes of float32, above the limit of {self.max_decoded_bytes:,}."
            )
        try:
            return dequantize(self.raw(name), info.type, info.shape)
        except ValueError as exc:
            raise GGUFError(f"Tensor {info.name!r}: {exc}") from None

    def tensor_rows(self) -> list[TensorRow]:
        """Name, type, numpy shape, bits per weight and stored bytes of every tensor."""
        return [
            TensorRow(t.name, t.type, t.shape, bits_per_weight(t.type), t.nbytes)
            for t in self.tensors
        ]


def read_gguf(
    data: bytes | bytearray | memoryview,
    *,
    max_tensors: int = 100_000,
    max_kv: int = 10_000,
    max_string: int = 16 * 2**20,
    max_array: int = 4 * 2**20,
    max_decoded_bytes: int = 256 * 2**20,
) -> GGUFFile:
    """Parse a GGUF v2/v3 file held in memory; tensor data stays where it is.

    Limits (each refusal a :class:`GGUFError` with a sentence, raised before allocating):
    ``max_tensors`` tensor infos, ``max_kv`` metadata keys, ``max_string`` bytes in one
    string (keys and values), ``max_array`` array elements in all the metadata together
    (a 256k-token vocabulary takes about 1M: tokens, scores, types, merges; an array inside
    an array counts :data:`NESTED_ARRAY_COST`), and
    ``max_decoded_bytes`` float32 bytes for one :meth:`GGUFFile.tensor` call. Besides, every
    count is checked against the bytes left: a count of n strings needs at least 8 n bytes.
    See the module docstring for the format rules checked.
    """
    limits = _Limits(max_tensors, max_kv, max_string, max_array)
    buf = _byte_view(data)
    cur = _Cursor(buf, limits)
    version, n_tensors, n_kv = _read_header(cur)
    metadata, types = _read_metadata(cur, n_kv)
    alignment = _alignment(metadata, types)
    infos = tuple(_read_tensor_info(cur, i) for i in range(n_tensors))
    data_offset = _align(cur.pos, alignment)
    _check_layout(infos, alignment, data_offset, len(buf))
    return GGUFFile(
        version=version,
        tensor_count=n_tensors,
        kv_count=n_kv,
        metadata=MappingProxyType(metadata),
        metadata_types=MappingProxyType(types),
        tensors=infos,
        alignment=alignment,
        data_offset=data_offset,
        max_decoded_bytes=_positive("max_decoded_bytes", max_decoded_bytes),
        _data=buf,
    )


def _byte_view(data: bytes | bytearray | memoryview) -> memoryview:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise GGUFError(f"A GGUF file is read from bytes, not from {type(data).__name__}.")
    view = memoryview(data)
    if view.format != "B" or view.ndim != 1:
        if not view.c_contiguous:
            raise GGUFError("A GGUF file is read from contiguous bytes.")
        view = view.cast("B")
    return view


@dataclass(frozen=True)
class _Limits:
    max_tensors: int
    max_kv: int
    max_string: int
    max_array: int

    def __post_init__(self) -> None:
        for name in ("max_tensors", "max_kv", "max_string", "max_array"):
            _positive(name, getattr(self, name))


def _positive(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}.")
    return value


class _Cursor:
    """Reads little-endian fields from ``buf``, each checked against the bytes left."""

    def __init__(self, buf: memoryview, limits: _Limits) -> None:
        self.buf = buf
        self.pos = 0
        self.limits = limits
        self.array_budget = limits.max_array

    @property
    def left(self) -> int:
        return len(self.buf) - self.pos

    def need(self, n: int, what: str) -> None:
        if n > self.left:
            raise GGUFError(
                f"The file ends {self.left:,} bytes after offset {self.pos:,}, but {what} "
                f"needs {n:,}: it is truncated or its header gives a wrong count."
            )

    def scalar(self, code: str, what: str) -> int | float:
        size = struct.calcsize(code)
        self.need(size, what)
        (value,) = struct.unpack_from("<" + code, self.buf, self.pos)
        self.pos += size
        return value

    def u32(self, what: str) -> int:
        return int(self.scalar("I", what))

    def u64(self, what: str) -> int:
        return int(self.scalar("Q", what))

    def string(self, what: str) -> str:
        n = self.u64(f"the length of {what}")
        if n > self.limits.max_string:
            raise GGUFError(
                f"{_cap(what)} at offset {self.pos - 8:,} claims {n:,} bytes, above the limit "
                f"of {self.limits.max_string:,} bytes per string."
            )
        self.need(n, f"{what} ({n:,} bytes)")
        raw = bytes(self.buf[self.pos : self.pos + n])
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise GGUFError(
                f"{_cap(what)} at offset {self.pos:,} is not valid UTF-8 ({exc.reason} at byte "
                f"{exc.start})."
            ) from None
        self.pos += n
        return text

    def take_array(self, count: int, what: str) -> None:
        """Charge ``count`` elements to the metadata's array budget."""
        if count > self.array_budget:
            raise GGUFError(
                f"{_cap(what)} claims {count:,} elements, more than the "
                f"{self.array_budget:,} left of the limit of {self.limits.max_array:,} array "
                f"elements in the metadata."
            )
        self.array_budget -= count


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _read_header(cur: _Cursor) -> tuple[int, int, int]:
    cur.need(4, "the magic number")
    magic = bytes(cur.buf[:4])
    if magic != GGUF_MAGIC:
        raise GGUFError(f"This is not a GGUF file: it starts with {magic!r}, not b'GGUF'.")
    cur.pos = 4
    version = cur.u32("the version")
    if version in (2, 3):
        pass
    elif version & 0xFFFF == 0 and version:
        raise GGUFError(
            f"The version field reads {version:#x}: a big-endian GGUF file, which is not read here."
        )
    elif version == 1:
        raise GGUFError("This is a GGUF version 1 file; only versions 2 and 3 are read (as ggml).")
    else:
        raise GGUFError(f"GGUF version {version} is not supported; versions 2 and 3 are.")
    n_tensors = cur.u64("the tensor count")
    n_kv = cur.u64("the metadata key count")
    if n_tensors > cur.limits.max_tensors:
        raise GGUFError(
            f"The header claims {n_tensors:,} tensors, above the limit of "
            f"{cur.limits.max_tensors:,}."
        )
    if n_kv > cur.limits.max_kv:
        raise GGUFError(
            f"The header claims {n_kv:,} metadata keys, above the limit of "
            f"{cur.limits.max_kv:,}."
        )
    # the smallest key/value: 8-byte key length, 4-byte type, 1-byte value; the smallest
    # tensor info: 8-byte name length, 4-byte n_dims, 4-byte type, 8-byte offset
    cur.need(13 * n_kv + 24 * n_tensors, f"{n_kv:,} keys and {n_tensors:,} tensor infos")
    return version, n_tensors, n_kv


def _read_metadata(cur: _Cursor, n_kv: int) -> tuple[dict[str, object], dict[str, str]]:
    metadata: dict[str, object] = {}
    types: dict[str, str] = {}
    for i in range(n_kv):
        key = cur.string(f"the name of metadata key {i}")
        if key in metadata:
            raise GGUFError(f"Metadata key {key!r} appears twice.")
        vtype = cur.u32(f"the type of metadata key {key!r}")
        metadata[key], types[key] = _read_value(cur, vtype, f"metadata key {key!r}", 0)
    return metadata, types


def _read_value(cur: _Cursor, vtype: int, what: str, depth: int) -> tuple[object, str]:
    if vtype in _SCALAR_TYPES:
        name, code = _SCALAR_TYPES[vtype]
        value = cur.scalar(code, f"the value of {what}")
        if name == "bool":
            return _bool(value, what), name
        return value, name
    if vtype == _STRING:
        return cur.string(f"the value of {what}"), "string"
    if vtype == _ARRAY:
        return _read_array(cur, what, depth + 1)
    raise GGUFError(f"{_cap(what)} has value type {vtype}, which GGUF does not define (0..12).")


def _bool(value: int | float, what: str) -> bool:
    if value not in (0, 1):
        raise GGUFError(f"{_cap(what)} is a bool stored as {value}, not 0 or 1.")
    return bool(value)


def _read_array(cur: _Cursor, what: str, depth: int) -> tuple[object, str]:
    if depth > MAX_ARRAY_DEPTH:
        raise GGUFError(
            f"{_cap(what)} nests arrays {depth} deep; at most {MAX_ARRAY_DEPTH} are read."
        )
    itype = cur.u32(f"the element type of {what}")
    count = cur.u64(f"the length of {what}")
    cur.take_array(count, what)
    if itype in _SCALAR_TYPES:
        name, code = _SCALAR_TYPES[itype]
        dtype = np.dtype("<" + code) if name != "bool" else np.dtype(np.uint8)
        cur.need(count * dtype.itemsize, f"the {count:,} {name} elements of {what}")
        values = np.frombuffer(cur.buf, dtype=dtype, count=count, offset=cur.pos).copy()
        cur.pos += count * dtype.itemsize
        if name == "bool":
            if np.any(values > 1):
                raise GGUFError(f"{_cap(what)} holds a bool that is neither 0 nor 1.")
            values = values.astype(np.bool_)
        values = values.astype(values.dtype.newbyteorder("="), copy=False)
        values.flags.writeable = False
        return values, f"array[{name}]"
    if itype == _STRING:
        cur.need(8 * count, f"the {count:,} strings of {what}")
        return _read_strings(cur, count, what), "array[string]"
    if itype == _ARRAY:
        cur.need(12 * count, f"the {count:,} arrays of {what}")
        # each inner array is a numpy array of its own, some 30 times the work of a number
        # or a string: it is charged as NESTED_ARRAY_COST elements
        cur.take_array((NESTED_ARRAY_COST - 1) * count, what)
        inner = [_read_value(cur, _ARRAY, f"array {j} of {what}", depth) for j in range(count)]
        inner_types = {t for _, t in inner}
        if len(inner_types) > 1:
            raise GGUFError(f"{_cap(what)} mixes arrays of {sorted(inner_types)}.")
        inner_type = inner_types.pop() if inner_types else "array[uint8]"
        return tuple(v for v, _ in inner), f"array[{inner_type}]"
    raise GGUFError(
        f"{_cap(what)} has element type {itype}, which GGUF does not define (0..12)."
    )


def _read_strings(cur: _Cursor, count: int, what: str) -> tuple[str, ...]:
    """``count`` strings, as :meth:`_Cursor.string` reads each (same checks, same errors),
    without building its sentences for every string: a vocabulary holds 256k of them."""
    buf, limit, items = cur.buf, cur.limits.max_string, []
    unpack = struct.Struct("<Q").unpack_from
    for j in range(count):
        pos = cur.pos
        if len(buf) - pos < 8:
            cur.string(f"string {j} of {what}")  # raises the sentence
        (n,) = unpack(buf, pos)
        end = pos + 8 + n
        if n > limit or end > len(buf):
            cur.string(f"string {j} of {what}")  # raises the sentence
        try:
            items.append(str(buf[pos + 8 : end], "utf-8"))
        except UnicodeDecodeError:
            cur.string(f"string {j} of {what}")  # raises the sentence
        cur.pos = end
    return tuple(items)


def _alignment(metadata: Mapping[str, object], types: Mapping[str, str]) -> int:
    if _ALIGNMENT_KEY not in metadata:
        return DEFAULT_ALIGNMENT
    value = metadata[_ALIGNMENT_KEY]
    if types[_ALIGNMENT_KEY] != "uint32":
        raise GGUFError(f"{_ALIGNMENT_KEY} must be a uint32, not {types[_ALIGNMENT_KEY]}.")
    value = int(value)  # type: ignore[call-overload]
    if value == 0 or value & (value - 1):
        raise GGUFError(f"{_ALIGNMENT_KEY} is {value}, not a power of two.")
    return value


def _read_tensor_info(cur: _Cursor, i: int) -> TensorInfo:
    name = cur.string(f"the name of tensor {i}")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise GGUFError(
            f"Tensor {i}'s name is {len(name.encode('utf-8'))} bytes long; ggml allows at most "
            f"{MAX_NAME_BYTES}."
        )
    n_dims = cur.u32(f"the number of dimensions of tensor {name!r}")
    if n_dims > MAX_DIMS:
        raise GGUFError(
            f"Tensor {name!r} has {n_dims:,} dimensions; ggml allows at most {MAX_DIMS}."
        )
    dims = tuple(cur.u64(f"dimension {j} of tensor {name!r}") for j in range(n_dims))
    n_elements = 1
    for j, n in enumerate(dims):
        if n > _INT64_MAX:
            raise GGUFError(f"Dimension {j} of tensor {name!r} is {n:,}, beyond int64.")
        n_elements *= n
    if n_elements > _INT64_MAX:
        raise GGUFError(
            f"Tensor {name!r} of dims {dims} would have {n_elements:,} elements, beyond int64."
        )
    type_id = cur.u32(f"the type of tensor {name!r}")
    t = _TYPES_BY_ID.get(type_id)
    if t is None:
        raise GGUFError(f"Tensor {name!r} has ggml type {type_id}, which is not a known type.")
    row = dims[0] if dims else 1
    if row % t.block_size:
        raise GGUFError(
            f"Tensor {name!r} ({t.name}) has rows of {row:,} elements, not a multiple of its "
            f"block size {t.block_size}."
        )
    offset = cur.u64(f"the data offset of tensor {name!r}")
    nbytes = n_elements // t.block_size * t.type_size
    return TensorInfo(name, t.name, dims, offset, n_elements, nbytes)


def _align(pos: int, alignment: int) -> int:
    return -(-pos // alignment) * alignment


def _check_layout(
    infos: Sequence[TensorInfo], alignment: int, data_offset: int, size: int
) -> None:
    """Unique names; each tensor aligned, inside the file, and not overlapping another."""
    seen: set[str] = set()
    for info in infos:
        if info.name in seen:
            raise GGUFError(f"Two tensors are named {info.name!r}.")
        seen.add(info.name)
        if info.offset % alignment:
            raise GGUFError(
                f"Tensor {info.name!r} starts at data offset {info.offset:,}, not a multiple "
                f"of the alignment {alignment}."
            )
        end = data_offset + info.offset + info.nbytes
        if end > size:
            raise GGUFError(
                f"Tensor {info.name!r} ({info.type}, dims {info.dims}) takes {info.nbytes:,} "
                f"bytes from file offset {data_offset + info.offset:,}, past the end of the "
                f"file at {size:,}: the file is truncated or the header lies."
            )
    ordered = sorted((t for t in infos if t.nbytes), key=lambda t: t.offset)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.offset < before.offset + before.nbytes:
            raise GGUFError(
                f"Tensors {before.name!r} and {after.name!r} overlap: the first takes bytes "
                f"{before.offset:,}..{before.offset + before.nbytes:,} of the data, the second "
                f"starts at {after.offset:,}."
            )


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------

TensorSpec = tuple[str | int | GGMLType, bytes | bytearray | memoryview | np.ndarray, Sequence[int]]


def write_gguf(
    tensors: Mapping[str, TensorSpec], metadata: Mapping[str, object] | None = None
) -> bytes:
    """A GGUF v3 file holding ``tensors`` and ``metadata``, laid out as gguf-py's writer does.

    ``tensors`` maps a name (at most 63 UTF-8 bytes) to ``(type, raw bytes, shape)``, with
    ``shape`` the numpy shape (written as ``reversed(shape)``, at most 4 axes) and the raw
    bytes exactly ``prod(shape) / block_size * type_size`` long. Tensors are stored in the
    given order, each starting at a multiple of the alignment (``general.alignment`` when the
    metadata has it, else 32), as ggml requires.

    Metadata values are typed as gguf-py types them, except where a GGUF reader needs
    otherwise: str -> string, bool -> bool, int -> int32 (int64 / uint64 when it does not fit;
    ``general.alignment`` -> uint32), float -> float32, numpy scalars and 1-D arrays keep their
    dtype, a list -> an array of its items' common type (nested lists -> arrays of arrays).
    A pair ``(type, value)`` such as ``("uint64", 7)`` or ``("array[float64]", [0.5])`` gives
    the type explicitly. Bad input raises ``ValueError`` naming the key or tensor.
    """
    metadata = dict(metadata or {})
    typed = {key: _typed(key, value) for key, value in metadata.items()}
    alignment = DEFAULT_ALIGNMENT
    if _ALIGNMENT_KEY in typed:
        kind, value = typed[_ALIGNMENT_KEY]
        if kind != "uint32" or not isinstance(value, int) or value <= 0 or value & (value - 1):
            raise ValueError(f"{_ALIGNMENT_KEY} must be a uint32 power of two, got {value!r}.")
        alignment = value
    out = bytearray(GGUF_MAGIC)
    out += struct.pack("<IQQ", 3, len(tensors), len(typed))
    for key, (kind, value) in typed.items():
        out += _pack_string(key, f"metadata key {key!r}")
        out += struct.pack("<I", _type_id(kind)) + _pack(kind, value, f"metadata key {key!r}")
    blobs, offset = [], 0
    for name, spec in tensors.items():
        t, raw, shape = _tensor_spec(name, spec)
        if len(name.encode("utf-8")) > MAX_NAME_BYTES:
            raise ValueError(f"Tensor name {name!r} is longer than {MAX_NAME_BYTES} bytes.")
        out += _pack_string(name, f"tensor name {name!r}")
        out += struct.pack(f"<I{len(shape)}QIQ", len(shape), *reversed(shape), t.id, offset)
        blobs.append(raw)
        offset = _align(offset + raw.size, alignment)
    out += bytes(_align(len(out), alignment) - len(out))
    for raw in blobs:
        out += raw.tobytes()
        out += bytes(_align(raw.size, alignment) - raw.size)
    return bytes(out)


def _tensor_spec(name: str, spec: TensorSpec) -> tuple[GGMLType, np.ndarray, tuple[int, ...]]:
    try:
        qtype, data, shape = spec
    except (TypeError, ValueError):
        raise ValueError(f"Tensor {name!r} must be given as (type, raw bytes, shape).") from None
    t = ggml_type(qtype)
    dims = _check_shape(shape, t)
    if len(dims) > MAX_DIMS:
        raise ValueError(f"Tensor {name!r} has shape {dims}; GGUF allows at most {MAX_DIMS} axes.")
    raw = _as_uint8(data)
    expected = math.prod(dims) // t.block_size * t.type_size
    if raw.size != expected:
        raise ValueError(
            f"Tensor {name!r}: {raw.size} bytes given, but {t.name} of shape {dims} takes "
            f"{expected}."
        )
    return t, raw, dims


def _typed(key: str, value: object) -> tuple[str, object]:
    """(GGUF type name, value) for a metadata value; see :func:`write_gguf` for the rules."""
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and _valid_type(value[0])
    ):
        return value[0], value[1]
    if key == _ALIGNMENT_KEY and isinstance(value, int) and not isinstance(value, bool):
        return "uint32", value
    kind = _infer(value, f"metadata key {key!r}")
    return kind, value


def _valid_type(kind: str) -> bool:
    if kind.startswith("array[") and kind.endswith("]"):
        return _valid_type(kind[6:-1])
    return kind in _TYPE_IDS


def _infer(value: object, what: str) -> str:
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, np.generic | np.ndarray) and value.dtype.kind in "iuf":
        name = value.dtype.name
        if name not in _TYPE_IDS:
            raise ValueError(f"{_cap(what)} has dtype {name}, which GGUF cannot store.")
        if isinstance(value, np.ndarray):
            if value.ndim != 1:
                raise ValueError(f"{_cap(what)} is a {value.ndim}-D array; give a 1-D one.")
            return f"array[{name}]"
        return name
    if isinstance(value, np.ndarray) and value.dtype == np.bool_ and value.ndim == 1:
        return "array[bool]"
    if isinstance(value, int):
        if -(2**31) <= value < 2**31:
            return "int32"
        return "int64" if -(2**63) <= value < 2**63 else "uint64"
    if isinstance(value, float):
        return "float32"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        if not value:
            raise ValueError(
                f"{_cap(what)} is an empty list: give its type, e.g. ('array[int32]', [])."
            )
        kinds = {_infer(item, what) for item in value}
        if kinds <= {"int32", "int64", "uint64"}:
            kinds = {max(kinds, key=["int32", "int64", "uint64"].index)}
        if kinds <= {"int32", "int64", "uint64", "float32"}:
            kinds = {"float32"} if "float32" in kinds else kinds
        if len(kinds) != 1:
            raise ValueError(f"{_cap(what)} mixes items of types {sorted(kinds)}.")
        return f"array[{kinds.pop()}]"
    raise ValueError(f"{_cap(what)} has a value of type {type(value).__name__}, not a GGUF type.")


def _type_id(kind: str) -> int:
    return _ARRAY if kind.startswith("array[") else _TYPE_IDS[kind]


def _pack_string(text: str, what: str) -> bytes:
    if not isinstance(text, str):
        raise ValueError(f"{_cap(what)} must be a str, got {type(text).__name__}.")
    raw = text.encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw


def _pack(kind: str, value: object, what: str) -> bytes:
    """The bytes of ``value`` as GGUF type ``kind`` (without the leading type id)."""
    if kind.startswith("array["):
        inner = kind[6:-1]
        items = list(value) if isinstance(value, list | tuple | np.ndarray) else None
        if items is None:
            raise ValueError(f"{_cap(what)} is typed {kind} but holds {type(value).__name__}.")
        head = struct.pack("<IQ", _type_id(inner), len(items))
        if inner in _TYPE_IDS and inner != "string":
            return head + _pack_numbers(inner, items, what)
        return head + b"".join(_pack(inner, item, what) for item in items)
    if kind == "string":
        return _pack_string(value, what)  # type: ignore[arg-type]
    code = _SCALAR_TYPES[_TYPE_IDS[kind]][1]
    try:
        return struct.pack("<" + code, int(value) if kind == "bool" else value)
    except (struct.error, TypeError, ValueError):
        raise ValueError(f"{_cap(what)}: {value!r} does not fit {kind}.") from None


def _pack_numbers(kind: str, items: list, what: str) -> bytes:
    """Numeric or bool items -> little-endian bytes of GGUF type ``kind``, range-checked."""
    dtype = np.dtype("<" + _SCALAR_TYPES[_TYPE_IDS[kind]][1])
    if dtype.kind == "f":
        try:
            return np.asarray(items, dtype=np.float64).astype(dtype).tobytes()
        except (TypeError, ValueError):
            raise ValueError(f"{_cap(what)}: items are not all numbers.") from None
    lo, hi = (0, 1) if kind == "bool" else (np.iinfo(dtype).min, np.iinfo(dtype).max)
    numbers = []
    for item in items:
        if not isinstance(item, int | np.integer | np.bool_) or not lo <= int(item) <= hi:
            raise ValueError(f"{_cap(what)}: item {item!r} does not fit {kind}.")
        numbers.append(int(item))
    return np.array(numbers, dtype=dtype).tobytes()
