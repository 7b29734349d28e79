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
    """Storage cost of one weight in bits, ``8 * type_size / block_size`` (Q4_K: 144 B / 256 = 4.5)."""
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
