"""What the GGUF page shows, computed: one tensor through llama.cpp's block types.

Every number here comes from :mod:`quantviz.gguf` (ggml's bytes) and
:mod:`quantviz.gguf_file` (gguf-py's dequantization): a type's SQNR is the SQNR of
``dequantize(quantize(x))``, and its bits per weight are the bytes ggml stores, every scale and
min counted (:data:`LAYOUTS` splits them). Besides:

- the super-block inspector of Q4_K (:func:`superblock`): one block's 256 values, its 8
  sub-blocks' 6-bit scales and mins and how ggml packs them into 12 bytes, the 4-bit codes and
  the two float16 super scales, read back from the bytes;
- the scale search of one sub-block (``gguf.kquant_search_trace``) beside a naive min/max
  k-quant (:func:`naive_q4_k`), and the dB the search buys;
- the same block with and without an importance matrix (:func:`imatrix_block`);
- a small GGUF file made from the synthetic LLM checkpoint with llama.cpp's Q4_K_M rules
  (:func:`q4_k_m_type`, :func:`builtin_gguf`), and each tensor's error against its original.

Work is bounded: a tensor is studied on at most :data:`STUDY_MAX_VALUES` values (leading
rows; :class:`StudyRows` says how many), since IQ4_NL/IQ4_XS take about 3 s per million
weights here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from quantviz import gguf
from quantviz.formats import as_float32
from quantviz.gguf_file import GGUFFile, write_gguf
from quantviz.metrics import error_summary
from quantviz.studies.checkpoint import LLM_LAYERS, synthetic_llm_layout, synthetic_llm_tensor

F32 = np.float32
QK_K = 256
SUB = 32  # weights per Q4_K sub-block
#: At most this many values of a tensor go through the types (leading rows).
STUDY_MAX_VALUES = 1 << 18

#: The four families of GGUF types, in the page's order.
FAMILIES: dict[str, tuple[str, ...]] = {
    "legacy": ("Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0"),
    "k": ("Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"),
    "i": ("IQ4_NL", "IQ4_XS"),
    "ternary": ("TQ1_0", "TQ2_0"),
}
FAMILY_OF: dict[str, str] = {q: fam for fam, qs in FAMILIES.items() for q in qs}

#: Bits stored per block, by what they hold (ggml's block structs in ggml-common.h): ``codes``
#: are the per-weight codes, ``scale``/``min`` the block's float16 scale and min (for the
#: k-quants the super-block's d and dmin), ``sub`` the quantized sub-block scales (and mins).
#: Each row sums to 8 * bytes per block (a test checks it).
LAYOUTS: dict[str, tuple[tuple[str, int], ...]] = {
    "Q4_0": (("scale", 16), ("codes", 32 * 4)),
    "Q4_1": (("scale", 16), ("min", 16), ("codes", 32 * 4)),
    "Q5_0": (("scale", 16), ("codes", 32 * 5)),
    "Q5_1": (("scale", 16), ("min", 16), ("codes", 32 * 5)),
    "Q8_0": (("scale", 16), ("codes", 32 * 8)),
    "Q2_K": (("scale", 16), ("min", 16), ("sub", 16 * (4 + 4)), ("codes", 256 * 2)),
    "Q3_K": (("scale", 16), ("sub", 16 * 6), ("codes", 256 * 3)),
    "Q4_K": (("scale", 16), ("min", 16), ("sub", 8 * (6 + 6)), ("codes", 256 * 4)),
    "Q5_K": (("scale", 16), ("min", 16), ("sub", 8 * (6 + 6)), ("codes", 256 * 5)),
    "Q6_K": (("scale", 16), ("sub", 16 * 8), ("codes", 256 * 6)),
    "IQ4_NL": (("scale", 16), ("codes", 32 * 4)),
    "IQ4_XS": (("scale", 16), ("sub", 8 * 6), ("codes", 256 * 4)),
    "TQ1_0": (("scale", 16), ("codes", 48 * 8 + 4 * 8)),  # 5 trits a byte, then 4 a byte
    "TQ2_0": (("scale", 16), ("codes", 256 * 2)),
}


def layout_bits(qtype: str) -> dict[str, float]:
    """Bits per weight of ``qtype`` split as :data:`LAYOUTS` splits a block:
    ``{"codes": ..., "scale": ..., ...}``, each = bits in the block / weights in the block.
    Q4_K: codes 1024/256 = 4, scale 16/256, min 16/256, sub 96/256: 4.5 in all."""
    block = gguf.QTYPES[qtype].block_size
    return {part: bits / block for part, bits in LAYOUTS[qtype]}


# ------------------------------------------------------------------------ the studied rows


@dataclass(frozen=True)
class StudyRows:
    """The values a tensor is studied on: ``rows`` (r, n) with n a multiple of 256.

    ``reshaped``: the tensor's own rows could not be used (1-D, or rows not a multiple of 256)
    and its values were laid out in rows of 256 in tensor order; ``total``: values in the
    tensor; ``rows.size`` those studied (all, or the leading ones when over the cap).
    """

    rows: np.ndarray
    total: int
    reshaped: bool

    @property
    def used(self) -> int:
        return int(self.rows.size)

    @property
    def capped(self) -> bool:
        """True when values were left out for the cap, not only a last partial row of 256."""
        return self.total - self.used >= (QK_K if self.reshaped else 1)

    @property
    def n_blocks(self) -> int:
        """Super-blocks of 256 in :attr:`rows`."""
        return self.used // QK_K


def study_rows(x: np.ndarray, max_values: int = STUDY_MAX_VALUES) -> StudyRows:
    """``x`` as rows for ggml: its own rows (the leading ``max_values // n``) when it is 2-D or
    more with rows of n values, n a multiple of 256 and at most ``max_values``; else its values
    in rows of 256 in tensor order (the leading ``max_values`` values, cut to a multiple of
    256). Fewer than 256 values, or NaN/inf: ``ValueError``."""
    x = as_float32(x)
    if max_values < QK_K:
        raise ValueError(f"max_values = {max_values} is below one super-block of {QK_K}")
    if x.size < QK_K:
        raise ValueError(f"the tensor has {x.size} values; a GGUF super-block needs {QK_K}")
    n = x.shape[-1] if x.ndim >= 2 else 0
    if n and n % QK_K == 0 and n <= max_values:
        rows = x.reshape(-1, n)
        return StudyRows(rows[: max_values // n], x.size, False)
    flat = x.reshape(-1)
    keep = min(flat.size, max_values) // QK_K * QK_K
    return StudyRows(flat[:keep].reshape(-1, QK_K), x.size, True)


# ------------------------------------------------------------------------- every type


@dataclass(frozen=True)
class TypeResult:
    """One GGUF type on the studied rows: bits per weight (scales counted) and the error."""

    qtype: str
    family: str
    bits_per_weight: float
    sqnr_db: float
    mse: float
    max_abs_error: float


def roundtrip(rows: np.ndarray, qtype: str, imatrix: np.ndarray | None = None) -> np.ndarray:
    """``dequantize(quantize(rows, qtype, imatrix), qtype)``: what llama.cpp computes with."""
    data = gguf.quantize(rows, qtype, imatrix=imatrix)
    return gguf.dequantize(data, qtype, rows.shape)


def type_result(rows: np.ndarray, qtype: str, imatrix: np.ndarray | None = None) -> TypeResult:
    """SQNR, MSE and max |x_hat - x| of ``qtype`` on ``rows``."""
    e = error_summary(rows, roundtrip(rows, qtype, imatrix))
    return TypeResult(qtype, FAMILY_OF[qtype], gguf.bits_per_weight(qtype), e.sqnr_db, e.mse,
                      e.max_abs_error)


def all_types(rows: np.ndarray, progress: Callable[[int, str], None] | None = None
              ) -> tuple[TypeResult, ...]:
    """:func:`type_result` of every type of ``gguf.QTYPES``, in order; ``progress(i, qtype)``
    is called before each."""
    out = []
    for i, qtype in enumerate(gguf.QTYPES):
        if progress is not None:
            progress(i, qtype)
        out.append(type_result(rows, qtype))
    return tuple(out)


def front(results: Sequence[TypeResult]) -> tuple[str, ...]:
    """The types no other beats on both counts (fewer or equal bits per weight and higher or
    equal SQNR, one strictly), sorted by bits per weight."""
    out = [r for r in results
           if not any(o.bits_per_weight <= r.bits_per_weight and o.sqnr_db >= r.sqnr_db
                      and (o.bits_per_weight < r.bits_per_weight or o.sqnr_db > r.sqnr_db)
                      for o in results)]
    return tuple(r.qtype for r in sorted(out, key=lambda r: (r.bits_per_weight, -r.sqnr_db)))


# ------------------------------------------------------------------- the Q4_K super-block


@dataclass(frozen=True)
class BytePart:
    """Some bits of one byte of Q4_K's 12-byte ``scales``: which 6-bit value (``kind`` "scale"
    or "min", sub-block ``index``) they hold, its bits ``hi``..``lo``, and their value."""

    kind: str
    index: int
    hi: int
    lo: int
    value: int

    @property
    def width(self) -> int:
        return self.hi - self.lo + 1


@dataclass(frozen=True)
class SuperBlock:
    """One Q4_K super-block read back from ggml's 144 bytes.

    x_hat_i = d * scales[j] * codes_i - dmin * mins[j] for value i of sub-block j = i // 32.
    ``packed`` are the 12 bytes holding the eight 6-bit scales and mins; ``bytes_layout``
    names each byte's bits (:func:`k4_packing`).
    """

    index: int
    x: np.ndarray          # (256,)
    x_hat: np.ndarray      # (256,)
    d: float
    dmin: float
    d_bits: int            # float16 bits of d
    dmin_bits: int
    scales: np.ndarray     # (8,) 6-bit
    mins: np.ndarray       # (8,) 6-bit
    packed: np.ndarray     # (12,) uint8
    bytes_layout: tuple[tuple[BytePart, ...], ...]
    codes: np.ndarray      # (256,) 0..15
    sqnr_db: float

    @property
    def sub_scales(self) -> np.ndarray:
        """d * scales[j]: the step of each sub-block."""
        return F32(self.d) * self.scales.astype(F32)

    @property
    def sub_mins(self) -> np.ndarray:
        """dmin * mins[j]: what each sub-block subtracts (its x_hat at code 0 is minus this)."""
        return F32(self.dmin) * self.mins.astype(F32)


def k4_packing(scales: Sequence[int], mins: Sequence[int]) -> tuple[tuple[BytePart, ...], ...]:
    """How ggml packs eight 6-bit scales s_j and mins m_j into 12 bytes (``get_scale_min_k4``
    reads them back), most significant bits first in each byte:

    - bytes 0..3: s_{j+4} bits 5..4, then s_j (j = 0..3);
    - bytes 4..7: m_{j+4} bits 5..4, then m_j;
    - bytes 8..11: m_{j+4} bits 3..0, then s_{j+4} bits 3..0.
    """
    s = [int(v) for v in scales]
    m = [int(v) for v in mins]
    out = []
    for j in range(4):
        out.append((BytePart("scale", j + 4, 5, 4, s[j + 4] >> 4),
                    BytePart("scale", j, 5, 0, s[j])))
    for j in range(4):
        out.append((BytePart("min", j + 4, 5, 4, m[j + 4] >> 4), BytePart("min", j, 5, 0, m[j])))
    for j in range(4):
        out.append((BytePart("min", j + 4, 3, 0, m[j + 4] & 15),
                    BytePart("scale", j + 4, 3, 0, s[j + 4] & 15)))
    return tuple(out)


def packed_value(parts: Sequence[BytePart]) -> int:
    """The byte that ``parts`` (most significant first) make."""
    v = 0
    for p in parts:
        v = (v << p.width) | p.value
    return v


def block_of(rows: np.ndarray, index: int) -> np.ndarray:
    """Super-block ``index`` of ``rows`` (blocks counted row by row), as a (1, 256) row."""
    nb = rows.size // QK_K
    if not 0 <= index < nb:
        raise ValueError(f"block {index} does not exist: the rows hold {nb} blocks")
    per_row = rows.shape[1] // QK_K
    r, b = divmod(index, per_row)
    return rows[r : r + 1, b * QK_K : (b + 1) * QK_K]


def superblock(rows: np.ndarray, index: int) -> SuperBlock:
    """Super-block ``index`` of ``rows`` through Q4_K, its 144 bytes taken apart."""
    x = block_of(rows, index)
    raw = gguf.quantize(x, "Q4_K")[0]
    d_bits = int(raw[0:2].view("<u2")[0])
    dmin_bits = int(raw[2:4].view("<u2")[0])
    packed = raw[4:16].copy()
    sc, mn = gguf._unpack_k4_scales(packed.astype(np.int64)[:, None])
    scales, mins = sc[:, 0], mn[:, 0]
    qs = raw[16:144]
    codes = np.empty(QK_K, dtype=np.int64)
    for j in range(4):  # 32 bytes per 64 values: low nibbles first sub-block, high the second
        chunk = qs[32 * j : 32 * (j + 1)].astype(np.int64)
        codes[64 * j : 64 * j + 32] = chunk & 15
        codes[64 * j + 32 : 64 * j + 64] = chunk >> 4
    x_hat = gguf.dequantize(raw, "Q4_K", (QK_K,))
    return SuperBlock(
        index=index, x=x[0].copy(), x_hat=x_hat, d=float(gguf.fp16_bits_to_fp32(d_bits)),
        dmin=float(gguf.fp16_bits_to_fp32(dmin_bits)), d_bits=d_bits, dmin_bits=dmin_bits,
        scales=scales, mins=mins, packed=packed, bytes_layout=k4_packing(scales, mins),
        codes=codes, sqnr_db=error_summary(x[0], x_hat).sqnr_db)


# --------------------------------------------------------------------- the scale search


def naive_q4_k(rows: np.ndarray) -> np.ndarray:
    """A Q4_K without ggml's scale search: what block-format visualizers draw.

    Each sub-block of 32 takes min' = min(min(x), 0) and scale = (max(x) - min') / 15 (plain
    min/max); the rest is ggml's ``quantize_row_q4_K_ref``: the eight scales and the eight
    -min' are coded in 6 bits against d = max(scale) / 63 and dmin = max(-min') / 63 (float16),
    and each value gets l = clamp(nearest_int((x + dmin m_j) / (d s_j)), 0, 15); a sub-block
    whose d s_j is 0 keeps l = 0. Returns x_hat = d s_j l - dmin m_j, float32, rows' shape.
    """
    rows = np.asarray(rows, dtype=F32)
    xs = rows.reshape(-1, 8, SUB)
    lo = np.minimum(xs.min(axis=2), F32(0))
    scale = (xs.max(axis=2) - lo) / F32(15)
    the_min = -lo
    with np.errstate(divide="ignore", invalid="ignore"):
        max_scale, max_min = scale.max(axis=1, keepdims=True), the_min.max(axis=1, keepdims=True)
        inv_scale = np.where(max_scale > 0, F32(63) / max_scale, F32(0))
        inv_min = np.where(max_min > 0, F32(63) / max_min, F32(0))
        ls = np.minimum(63, gguf.nearest_int(inv_scale * scale))
        lm = np.minimum(63, gguf.nearest_int(inv_min * the_min))
        d = gguf.fp16_bits_to_fp32(gguf.fp32_to_fp16_bits(max_scale / F32(63)))
        dmin = gguf.fp16_bits_to_fp32(gguf.fp32_to_fp16_bits(max_min / F32(63)))
        step = d * ls.astype(F32)
        shift = dmin * lm.astype(F32)
        q = np.clip(gguf.nearest_int((xs + shift[..., None]) / step[..., None]), 0, 15)
        q = np.where(step[..., None] > 0, q, 0)
    return (step[..., None] * q.astype(F32) - shift[..., None]).reshape(rows.shape)


@dataclass(frozen=True)
class SearchGain:
    """Q4_K as ggml makes it (with its scale search) against :func:`naive_q4_k`."""

    search_db: float
    naive_db: float

    @property
    def gain_db(self) -> float:
        return self.search_db - self.naive_db


def search_gain(rows: np.ndarray) -> SearchGain:
    """SQNR of ggml's Q4_K and of the naive min/max Q4_K on the same rows."""
    return SearchGain(error_summary(rows, roundtrip(rows, "Q4_K")).sqnr_db,
                      error_summary(rows, naive_q4_k(rows)).sqnr_db)


@dataclass(frozen=True)
class SubBlockSearch:
    """ggml's search for one sub-block (``gguf.KQuantSearchTrace``) and what it buys:
    ``gain_db`` = 10 log10(naive weighted error / kept weighted error) (the errors are ggml's
    own, sum w (x_hat - x)^2, before the 6-bit rounding of scale and min)."""

    block: int
    sub: int
    trace: gguf.KQuantSearchTrace

    @property
    def gain_db(self) -> float:
        t = self.trace
        if t.error <= 0:
            return math.inf if t.naive_error > 0 else 0.0
        return 10.0 * math.log10(t.naive_error / t.error)

    @property
    def kept_index(self) -> int | None:
        """The candidate ggml keeps (the last that beat the best so far), or None."""
        idx = np.nonzero(self.trace.kept)[0]
        return int(idx[-1]) if idx.size else None


def sub_block_search(rows: np.ndarray, block: int, sub: int) -> SubBlockSearch:
    """The scale search of sub-block ``sub`` (0..7) of super-block ``block``."""
    if not 0 <= sub < 8:
        raise ValueError(f"sub-block {sub} does not exist: a Q4_K block has 8 (0..7)")
    x = block_of(rows, block)[0, SUB * sub : SUB * (sub + 1)]
    return SubBlockSearch(block, sub, gguf.kquant_search_trace(x))


# ------------------------------------------------------------------- importance matrix


#: The synthetic importance matrix: channel j's activations have RMS s_j = exp(IMATRIX_SPREAD
#: z_j) (z_j ~ N(0, 1), seeded), and every IMATRIX_HOT_EVERY-th channel IMATRIX_HOT times more.
IMATRIX_SPREAD, IMATRIX_HOT_EVERY, IMATRIX_HOT = 0.5, 64, 10.0


def synthetic_imatrix(n: int, seed: int = 0) -> np.ndarray:
    """An importance vector like llama.cpp's imatrix: the mean square activation of each of
    the ``n`` input channels, E[a_j^2] = s_j^2 (see :data:`IMATRIX_SPREAD`), float32 (n,).
    llama.cpp measures it on calibration text; here the activations are seeded stand-ins."""
    if n < 1:
        raise ValueError(f"n = {n} must be at least 1")
    z = np.random.default_rng([seed, n]).standard_normal(n)
    s = np.exp(IMATRIX_SPREAD * z)
    s[::IMATRIX_HOT_EVERY] *= IMATRIX_HOT
    return (s * s).astype(F32)


def weighted_error(x: np.ndarray, x_hat: np.ndarray, w: np.ndarray) -> float:
    """sum_i w_i (x_hat_i - x_i)^2 in float64: the error an imatrix asks ggml to lower
    (the layer's output error when input i has mean square w_i)."""
    e = np.asarray(x_hat, np.float64) - np.asarray(x, np.float64)
    return float(np.sum(np.asarray(w, np.float64) * e * e))


@dataclass(frozen=True)
class ImatrixBlock:
    """One 256-value block through ``qtype`` without and with an importance vector ``w``."""

    qtype: str
    x: np.ndarray
    w: np.ndarray
    x_hat_plain: np.ndarray
    x_hat_imatrix: np.ndarray

    def errors(self) -> dict[str, tuple[float, float]]:
        """``{"plain": (sum e^2, sum w e^2), "imatrix": (...)}`` of the two reconstructions."""
        ones = np.ones_like(self.w)
        return {k: (weighted_error(self.x, xh, ones), weighted_error(self.x, xh, self.w))
                for k, xh in (("plain", self.x_hat_plain), ("imatrix", self.x_hat_imatrix))}


def imatrix_block(rows: np.ndarray, block: int, imatrix: np.ndarray, qtype: str = "Q4_K"
                  ) -> ImatrixBlock:
    """Super-block ``block`` through ``qtype`` without and with ``imatrix`` (one weight per
    column of ``rows``; the block's 256 are used)."""
    imatrix = np.asarray(imatrix, dtype=F32).reshape(-1)
    if imatrix.size != rows.shape[1]:
        raise ValueError(f"imatrix has {imatrix.size} values for rows of {rows.shape[1]}")
    per_row = rows.shape[1] // QK_K
    col = (block % per_row) * QK_K
    x = block_of(rows, block)
    w = imatrix[col : col + QK_K]
    return ImatrixBlock(qtype, x[0].copy(), w.copy(), roundtrip(x, qtype)[0],
                        roundtrip(x, qtype, w)[0])


@dataclass(frozen=True)
class ImatrixTensor:
    """``qtype`` on the whole studied rows without and with the imatrix: plain SQNR and the
    importance-weighted SQNR 10 log10(sum w x^2 / sum w e^2) of each."""

    qtype: str
    plain_db: float
    imatrix_db: float
    plain_weighted_db: float
    imatrix_weighted_db: float


def _weighted_db(x: np.ndarray, x_hat: np.ndarray, w: np.ndarray) -> float:
    err = weighted_error(x, x_hat, w)
    signal = weighted_error(np.zeros_like(x), x, w)
    return math.inf if err == 0 else 10.0 * math.log10(signal / err)


def imatrix_tensor(rows: np.ndarray, imatrix: np.ndarray, qtype: str = "Q4_K") -> ImatrixTensor:
    """:class:`ImatrixTensor` of ``rows`` (w broadcast over the rows)."""
    w = np.broadcast_to(np.asarray(imatrix, dtype=F32), rows.shape)
    plain, weighted = roundtrip(rows, qtype), roundtrip(rows, qtype, imatrix)
    return ImatrixTensor(qtype, error_summary(rows, plain).sqnr_db,
                         error_summary(rows, weighted).sqnr_db, _weighted_db(rows, plain, w),
                         _weighted_db(rows, weighted, w))


# ------------------------------------------------------------- Q4_K_M: a mix of types


#: The llama.cpp source the Q4_K_M rules are transcribed from.
LLAMA_CPP_SOURCE = ("ggml-org/llama.cpp", "src/llama-quant.cpp",
                    "8784689fee07c6daabf3487d24e1535534ef6e6b")
#: LLAMA_FTYPE_MOSTLY_Q4_K_M in llama.h (``general.file_type`` of a Q4_K_M file).
FTYPE_Q4_K_M = 15


def use_more_bits(i_layer: int, n_layers: int) -> bool:
    """llama.cpp's ``use_more_bits``: the first and last eighth of the layers, and every
    third layer between: i < n/8 or i >= 7n/8 or (i - n/8) % 3 == 2 (integer division)."""
    return (i_layer < n_layers // 8 or i_layer >= 7 * n_layers // 8
            or (i_layer - n_layers // 8) % 3 == 2)


def hf_to_gguf_name(name: str) -> str:
    """A Llama tensor's Hugging Face name -> its GGUF name (as llama.cpp's convert_hf_to_gguf
    maps them: ``model.layers.3.mlp.down_proj.weight`` -> ``blk.3.ffn_down.weight``)."""
    fixed = {"model.embed_tokens.weight": "token_embd.weight", "lm_head.weight": "output.weight",
             "model.norm.weight": "output_norm.weight"}
    if name in fixed:
        return fixed[name]
    parts = {"input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
             "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
             "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
             "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
    if name.startswith("model.layers."):
        layer, rest = name.removeprefix("model.layers.").split(".", 1)
        key = rest.removesuffix(".weight")
        if key in parts:
            return f"blk.{layer}.{parts[key]}.weight"
    raise ValueError(f"no GGUF name known for the tensor {name!r}")


@dataclass(frozen=True)
class TypeRule:
    """The type llama.cpp's Q4_K_M gives one tensor, and why (``reason`` is a text key)."""

    name: str
    qtype: str
    reason: str


def q4_k_m_type(name: str, ndim: int, n_layers: int) -> TypeRule:
    """The type ``llama-quantize ... Q4_K_M`` gives the tensor ``name`` (GGUF name) of a Llama
    model with ``n_layers`` layers and one KV head per query head (n_gqa = 1), no experts.

    Transcribed from ``llama_model_quantize_impl`` and ``llama_tensor_get_type`` in
    llama.cpp's src/llama-quant.cpp (:data:`LLAMA_CPP_SOURCE`), for the tensors such a model has:

    - not quantized (kept as they are, F32 here): tensors with fewer than 2 dims, and any
      ``_norm.weight`` (reason ``norm``);
    - ``output.weight``: Q6_K (reason ``output``);
    - ``attn_v.weight``: Q6_K when :func:`use_more_bits` (layer, n_layers) (``attn_v``);
    - ``ffn_down``: Q6_K when :func:`use_more_bits` (layer, n_layers) (``ffn_down``);
    - the rest (token_embd, attn_q/k/output, ffn_gate/up, and the other attn_v/ffn_down): the
      default Q4_K (``default``).

    (attn_v counts its own index over the attn_v tensors in file order, ffn_down its layer;
    for one attn_v per layer both are the layer index.)
    """
    if ndim < 2 or "_norm.weight" in name:
        return TypeRule(name, "F32", "norm")
    if name == "output.weight":
        return TypeRule(name, "Q6_K", "output")
    layer = int(name.split(".")[1]) if name.startswith("blk.") else -1
    for part in ("attn_v.weight", "ffn_down"):
        if part in name and use_more_bits(layer, n_layers):
            return TypeRule(name, "Q6_K", part.removesuffix(".weight"))
    return TypeRule(name, "Q4_K", "default")


def builtin_plan() -> tuple[tuple[str, str, tuple[int, ...], TypeRule], ...]:
    """``(hf_name, gguf_name, shape, rule)`` of every tensor of the synthetic LLM checkpoint
    under Q4_K_M, in file order."""
    return tuple((hf, hf_to_gguf_name(hf), shape,
                  q4_k_m_type(hf_to_gguf_name(hf), len(shape), LLM_LAYERS))
                 for hf, shape in synthetic_llm_layout())


def builtin_part(hf_name: str, seed: int = 0) -> tuple[str, np.ndarray, tuple[int, ...]]:
    """One tensor of the built-in file as ``write_gguf`` takes it: ``(type, bytes, shape)``,
    the synthetic tensor ``hf_name`` quantized with its Q4_K_M type (norms kept F32)."""
    for hf, _, shape, rule in builtin_plan():
        if hf == hf_name:
            x = synthetic_llm_tensor(hf, shape, seed)
            data = x.view(np.uint8) if rule.qtype == "F32" else gguf.quantize(x, rule.qtype)
            return rule.qtype, np.ascontiguousarray(data).reshape(-1), shape
    raise ValueError(f"the synthetic checkpoint has no tensor {hf_name!r}")


def builtin_file(parts: Mapping[str, tuple[str, np.ndarray, tuple[int, ...]]]) -> bytes:
    """The built-in ``.gguf``: ``parts`` (GGUF name -> :func:`builtin_part`) with llama.cpp's
    metadata of a Q4_K_M Llama file."""
    metadata = {"general.architecture": "llama", "general.name": "quantviz synthetic LLM",
                "general.file_type": ("uint32", FTYPE_Q4_K_M),
                "llama.block_count": ("uint32", LLM_LAYERS)}
    return write_gguf(dict(parts), metadata)


def builtin_gguf(seed: int = 0) -> bytes:
    """The synthetic LLM checkpoint as a Q4_K_M ``.gguf`` file (GGUF names, llama.cpp's
    types per tensor; norms kept F32)."""
    return builtin_file({name: builtin_part(hf, seed) for hf, name, _, _ in builtin_plan()})


def builtin_originals(seed: int = 0) -> dict[str, Callable[[], np.ndarray]]:
    """GGUF name -> loader of the float32 original of the built-in file's tensor."""
    return {name: (lambda hf=hf, shape=shape: synthetic_llm_tensor(hf, shape, seed))
            for hf, name, shape, _ in builtin_plan()}


# ------------------------------------------------------------------- a file's tensors


@dataclass(frozen=True)
class FileTensorError:
    """One tensor of a GGUF file against its original: ``sqnr_db`` of the stored values, or
    ``note`` (a reason it was not compared: ``missing``, ``shape``, ``size``, ``type``)."""

    name: str
    qtype: str
    sqnr_db: float | None
    max_abs_error: float | None
    note: str | None = None


def original_name(name: str, originals: Mapping[str, object]) -> str | None:
    """The key of ``originals`` for the GGUF tensor ``name``: the same name, or the Hugging
    Face name whose GGUF name it is."""
    if name in originals:
        return name
    for key in originals:
        try:
            if hf_to_gguf_name(key) == name:
                return key
        except ValueError:
            continue
    return None


def _gguf_names(originals: Mapping[str, object]) -> dict[str, str]:
    """GGUF name -> the key of ``originals`` it stands for (:func:`original_name` for every
    name at once: the keys are translated once, not once per GGUF tensor)."""
    names: dict[str, str] = {}
    for key in originals:
        try:
            names.setdefault(hf_to_gguf_name(key), key)
        except ValueError:
            continue
    return names


def file_errors(file: GGUFFile, originals: Mapping[str, Callable[[], np.ndarray]],
                max_values: int, max_compared: int | None = None
                ) -> tuple[FileTensorError, ...]:
    """Each tensor of ``file`` against its original in ``originals`` (name -> loader; matched
    by :func:`original_name`), tensors over ``max_values`` values left out with a note, and
    once ``max_compared`` tensors have been compared (each costs about 0.1 ms even when tiny:
    20,000 took 2 s), the rest with the note ``"count"``."""
    out = []
    translated = _gguf_names(originals)
    compared = 0
    for info in file.tensors:
        key = info.name if info.name in originals else translated.get(info.name)
        if key is None:
            out.append(FileTensorError(info.name, info.type, None, None, "missing"))
            continue
        if max_compared is not None and compared >= max_compared:
            out.append(FileTensorError(info.name, info.type, None, None, "count"))
            continue
        compared += 1
        if info.n_elements > max_values:
            out.append(FileTensorError(info.name, info.type, None, None, "size"))
            continue
        try:
            x_hat = file.tensor(info.name)
        except ValueError:
            out.append(FileTensorError(info.name, info.type, None, None, "type"))
            continue
        x = np.asarray(originals[key](), dtype=F32)
        if x.size != x_hat.size:
            out.append(FileTensorError(info.name, info.type, None, None, "shape"))
            continue
        e = error_summary(x.reshape(-1), x_hat.reshape(-1))
        out.append(FileTensorError(info.name, info.type, e.sqnr_db, e.max_abs_error))
    return tuple(out)


def file_bits(file: GGUFFile) -> float:
    """Bits per weight of the whole file's tensors: 8 * stored bytes / weights."""
    weights = sum(t.n_elements for t in file.tensors)
    return 8.0 * sum(t.nbytes for t in file.tensors) / weights if weights else 0.0
