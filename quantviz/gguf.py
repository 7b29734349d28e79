"""llama.cpp's GGUF block quantization, byte for byte, in numpy.

``quantize(x, qtype, imatrix=None)`` returns the bytes that ggml's ``ggml_quantize_chunk``
(``ggml/src/ggml.c``) writes for a float32 tensor: one row of blocks per row of ``x``. Each
quantizer is a transcription of ggml 0.15.3 (ggml-org/ggml tag ``v0.15.3``, commit
eced84c86f8b012c752c016f7fe789adea168e1e, the ggml vendored by ggml-python 0.0.45), file
``ggml/src/ggml-quants.c``:

========  =====================================  =============================================
type      imatrix = None                         imatrix given
========  =====================================  =============================================
Q4_0      ``quantize_row_q4_0_ref``              ``quantize_row_q4_0_impl`` (make_qx_quants)
Q4_1      ``quantize_row_q4_1_ref``              ``quantize_row_q4_1_impl`` (make_qkx3_quants)
Q5_0      ``quantize_row_q5_0_ref``              ``quantize_row_q5_0_impl`` (make_qx_quants)
Q5_1      ``quantize_row_q5_1_ref``              ``quantize_row_q5_1_impl`` (make_qkx3_quants)
Q8_0      ``quantize_row_q8_0_ref``              same (ggml ignores the imatrix)
Q2_K      ``quantize_row_q2_K_ref`` (qkx2)       ``quantize_row_q2_K_impl`` (qkx3 + qp)
Q3_K      ``quantize_row_q3_K_ref`` (q3_quants)  ``quantize_row_q3_K_impl`` (qx_quants)
Q4_K      ``quantize_row_q4_K_ref`` (qkx2)       ``quantize_row_q4_K_impl`` (qkx3 + qp)
Q5_K      ``quantize_row_q5_K_ref`` (qkx2)       ``quantize_row_q5_K_impl`` (qkx3 + qp)
Q6_K      ``quantize_row_q6_K_ref`` (qx_quants)  ``quantize_row_q6_K_impl`` (qx, imatrix weights)
IQ4_NL    ``quantize_iq4_nl`` -> ``quantize_row_iq4_nl_impl`` (ntry 7; weights x^2 or imatrix)
IQ4_XS    ``quantize_iq4_xs`` -> ``quantize_row_iq4_nl_impl`` (super-block 256, 6-bit scales)
TQ1_0     ``quantize_row_tq1_0_ref``             same (ignored)
TQ2_0     ``quantize_row_tq2_0_ref``             same (ignored)
========  =====================================  =============================================

(``ggml_quantize_chunk`` calls ``quantize_<type>``, which takes the ``_ref`` path when
``quant_weights`` is NULL and the ``_impl`` path otherwise; IQ4_NL/IQ4_XS always go through
``quantize_row_iq4_nl_impl`` with 7 extra scale tries, not through ``quantize_row_iq4_nl_ref``.)

Numerics, as ggml compiles them (plain float32, no fused multiply-add, no reassociation):
every sum is a sequential float32 sum in ggml's element order (done here across all blocks at
once, one element at a time); ``nearest_int(v)`` is the magic-number trick
``bits(v + 12582912.0f) & 0x7fffff) - 0x400000`` (round half to even for ``|v| < 2^22``);
``roundf``/``lroundf`` round half away from zero; float -> int8/uint8 casts truncate and keep
the low byte; scales are stored with ``GGML_FP32_TO_FP16`` (``ggml_compute_fp32_to_fp16``:
round to nearest even, overflow to inf).

Non-finite input (NaN, +-inf) is refused with ValueError: ggml does not check for it, and its
bytes then depend on undefined float-to-int conversions (``nearest_int`` only asserts in debug
builds). Finite but huge input (e.g. 1e30, whose squares overflow to inf inside the k-quant
searches) is reproduced, inf and NaN intermediates included.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quantviz.gguf_file import (
    GGML_TYPES,
    dequantize,  # noqa: F401  (the contract's gguf.dequantize)
)

F32 = np.float32
GROUP_MAX_EPS = F32(1e-15)
KVALUES_IQ4NL = np.array([-127, -104, -83, -65, -49, -35, -22, -10,
                          1, 13, 25, 38, 53, 69, 89, 113], dtype=np.int32)


@dataclass(frozen=True)
class QType:
    """One GGUF block type: ``block_size`` weights stored in ``bytes_per_block`` bytes."""

    name: str
    block_size: int
    bytes_per_block: int

    @property
    def bits_per_weight(self) -> float:
        """bits per weight = 8 * bytes_per_block / block_size (scales included)."""
        return 8.0 * self.bytes_per_block / self.block_size


#: The types :func:`quantize` writes, in the order the page lists them. Block sizes come from
#: :data:`quantviz.gguf_file.GGML_TYPES` (one table of block sizes for reading and writing).
QUANTIZABLE: tuple[str, ...] = ("Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K",
                                "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS", "TQ1_0", "TQ2_0")
QTYPES: dict[str, QType] = {
    name: QType(name, GGML_TYPES[name].block_size, GGML_TYPES[name].type_size)
    for name in QUANTIZABLE
}


def bits_per_weight(qtype: str) -> float:
    """Bits per weight of a GGUF type: 8 * bytes per block / weights per block.

    E.g. Q4_K: 144 bytes per 256 weights -> 4.5; Q8_0: 34 bytes per 32 -> 8.5.
    """
    return _qtype(qtype).bits_per_weight


# ----------------------------------------------------------------------------- primitives


def nearest_int(v: np.ndarray) -> np.ndarray:
    """ggml's ``nearest_int``: ``(bits(float32(v) + 12582912.0f) & 0x7fffff) - 0x400000``.

    Adding 1.5 * 2^23 puts the integer part of v in the low mantissa bits, so the float
    addition rounds half to even; exact for |v| < 2^22 (ggml asserts |v| <= 4194303 in debug
    builds only; beyond, like ggml, the result is the same wrapped bit pattern). Returns int32.
    """
    v = np.asarray(v, dtype=F32)
    bits = (v + F32(12582912.0)).view(np.int32)
    return (bits & np.int32(0x007FFFFF)) - np.int32(0x00400000)


def fp32_to_fp16_bits(f: np.ndarray) -> np.ndarray:
    """``ggml_compute_fp32_to_fp16`` (ggml-impl.h): float32 -> IEEE half bits, as uint16.

    Round to nearest even, overflow to inf, subnormal halves rounded, NaN -> sign | 0x7e00.
    """
    f = np.asarray(f, dtype=F32)
    with np.errstate(over="ignore"):
        base = (np.abs(f) * F32(2.0 ** 112)) * F32(2.0 ** -110)
    w = f.view(np.uint32).astype(np.uint64)
    shl1_w = (w + w) & 0xFFFFFFFF
    sign = w & 0x80000000
    bias = np.maximum(shl1_w & 0xFF000000, 0x71000000)
    base = ((bias >> 1) + 0x07800000).astype(np.uint32).view(F32) + base
    bits = base.view(np.uint32).astype(np.uint64)
    nonsign = ((bits >> 13) & 0x7C00) + (bits & 0x0FFF)
    out = (sign >> 16) | np.where(shl1_w > 0xFF000000, 0x7E00, nonsign)
    return out.astype(np.uint16)


def fp16_bits_to_fp32(h: np.ndarray) -> np.ndarray:
    """``GGML_FP16_TO_FP32``: IEEE half bits -> float32 (exact)."""
    return np.asarray(h, dtype=np.uint16).view(np.float16).astype(F32)


def _trunc_low_byte(v: np.ndarray) -> np.ndarray:
    """C ``(int8_t)v`` / ``(uint8_t)v`` for a float as x86 compiles it: truncate toward zero to
    int32 (out of range or NaN -> INT_MIN), keep the low byte. Returns int32 in [0, 255]."""
    v = np.asarray(v, dtype=F32)
    ok = np.abs(v) < F32(2.0 ** 31)
    t = np.where(ok, np.trunc(np.where(ok, v, 0)), 0).astype(np.int64)
    t = np.where(ok, t, -(2 ** 31))
    return (t & 0xFF).astype(np.int32)


def _as_int8(b: np.ndarray) -> np.ndarray:
    """Low byte read as a signed char."""
    b = np.asarray(b).astype(np.int32) & 0xFF
    return np.where(b > 127, b - 256, b)


def _round_half_away(v: np.ndarray) -> np.ndarray:
    """C ``roundf``/``lroundf``: round half away from zero (exact: v - trunc(v) is exact)."""
    t = np.trunc(v)
    frac = v - t
    return (t + np.where(np.abs(frac) >= F32(0.5), np.sign(v), F32(0))).astype(np.int32)


def _seqsum(terms: np.ndarray, first: bool = False) -> np.ndarray:
    """Sequential float32 sum over axis 0, as a C loop ``s = 0; s += t[i]`` (or, with
    ``first``, ``s = t[0]; s += t[i]`` for i >= 1). No pairwise reassociation."""
    terms = np.asarray(terms, dtype=F32)
    if first:
        s = terms[0].copy()
        rest = terms[1:]
    else:
        s = np.zeros(terms.shape[1:], dtype=F32)
        rest = terms
    for t in rest:
        np.add(s, t, out=s)
    return s


def _first_absmax(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``amax = 0; max = 0; for i: if (|x_i| > amax) {amax = |x_i|; max = x_i;}`` over axis 0
    (first largest wins; a NaN never wins, as in C)."""
    amax = np.zeros(x.shape[1:], dtype=F32)
    vmax = np.zeros(x.shape[1:], dtype=F32)
    for xi in x:
        ai = np.abs(xi)
        win = ai > amax
        np.copyto(amax, ai, where=win)
        np.copyto(vmax, xi, where=win)
    return amax, vmax


def _first_min_max(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``min = max = x_0; if (x_i < min) min = x_i; if (x_i > max) max = x_i`` over axis 0
    (first occurrence wins, which fixes the sign of a zero extreme)."""
    vmin = x[0].copy()
    vmax = x[0].copy()
    for xi in x[1:]:
        np.copyto(vmin, xi, where=xi < vmin)
        np.copyto(vmax, xi, where=xi > vmax)
    return vmin, vmax


def _best_index_iq4nl(v: np.ndarray) -> np.ndarray:
    """``best_index_int8(16, kvalues_iq4nl, v)``: nearest of the 16 IQ4_NL levels; a tie goes
    to the upper one (``v - val[mu-1] < val[mu] - v ? mu-1 : mu``)."""
    vals = KVALUES_IQ4NL.astype(F32)
    mu = np.clip(np.searchsorted(vals, v, side="right"), 1, 15)
    lo = vals[mu - 1]
    hi = vals[mu]
    idx = np.where((v - lo) < (hi - v), mu - 1, mu)
    idx = np.where(v <= vals[0], 0, idx)
    idx = np.where(v >= vals[15], 15, idx)
    return idx.astype(np.int32)


# ------------------------------------------------------------- scale searches (all blocks)
# Every array is laid out (element, block): x[i] is element i of every block at once.


def make_qx_quants(x: np.ndarray, nmax: int, qw: np.ndarray | None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``make_qx_quants(n, nmax, x, L, rmse_type=1, qw)``: symmetric scale by weighted RMSE.

    iscale = -nmax / max (max = the signed value of largest |x|); l = clamp(nearest_int(iscale
    x), -nmax, nmax-1); scale = sum(w x l) / sum(w l^2) with w = qw or x^2; then 18 more
    iscales -(nmax + 0.1 is)/max, is = -9..9, kept when sum(w x l)^2 / sum(w l^2) grows.
    Returns (scale, L = l + nmax). Blocks with max|x| < 1e-15 give scale 0, L 0.
    """
    amax, vmax = _first_absmax(x)
    zero = amax < GROUP_MAX_EPS
    fnmax = F32(nmax)
    w = qw if qw is not None else x * x
    wx = w * x

    def trial(iscale):
        l_int = np.clip(nearest_int(iscale * x), -nmax, nmax - 1)
        lf = l_int.astype(F32)
        return l_int, _seqsum(wx * lf), _seqsum((w * lf) * lf)

    iscale = -fnmax / vmax
    l_int, sumlx, suml2 = trial(iscale)
    L = l_int + nmax
    scale = np.where(suml2 != 0, sumlx / suml2, F32(0)).astype(F32)
    best = scale * sumlx
    for step in range(-9, 10):
        if step == 0:
            continue
        iscale = -(fnmax + F32(0.1) * F32(step)) / vmax
        l_int, sumlx, suml2 = trial(iscale)
        better = (suml2 > 0) & (sumlx * sumlx > best * suml2)
        L = np.where(better[None], l_int + nmax, L)
        new_scale = sumlx / suml2
        scale = np.where(better, new_scale, scale)
        best = np.where(better, new_scale * sumlx, best)
    scale = np.where(zero, F32(0), scale)
    L = np.where(zero[None], 0, L)
    return scale.astype(F32), L.astype(np.int32)


def make_q3_quants(x: np.ndarray, nmax: int) -> tuple[np.ndarray, np.ndarray]:
    """``make_q3_quants(n, nmax, x, L, do_rmse=true)``: symmetric scale, then coordinate descent.

    l = clamp(nearest_int(-nmax/max x), -nmax, nmax-1), w = x^2; up to 5 sweeps try, for each
    i, l_i' = nearest_int(x_i S_ll / S_xl) (sums without i) and keep it when
    S_xl'^2 / S_ll' grows. Returns (scale = S_xl / S_ll, L = l + nmax).
    """
    amax, vmax = _first_absmax(x)
    zero = amax < GROUP_MAX_EPS
    iscale = -F32(nmax) / vmax
    L = np.clip(nearest_int(iscale * x), -nmax, nmax - 1)
    w = x * x
    wx = w * x
    Lf = L.astype(F32)
    sumlx = _seqsum(wx * Lf)
    suml2 = _seqsum((w * Lf) * Lf)
    for _ in range(5):
        for i in range(x.shape[0]):
            li = L[i].astype(F32)
            slx = sumlx - wx[i] * li
            sl2 = suml2 - (w[i] * li) * li
            new_l = np.clip(nearest_int((x[i] * sl2) / slx), -nmax, nmax - 1)
            nf = new_l.astype(F32)
            slx2 = slx + wx[i] * nf
            sl22 = sl2 + (w[i] * nf) * nf
            take = ((slx > 0) & (new_l != L[i]) & (sl22 > 0)
                    & ((slx2 * slx2) * suml2 > (sumlx * sumlx) * sl22))
            L[i] = np.where(take, new_l, L[i])
            sumlx = np.where(take, slx2, sumlx)
            suml2 = np.where(take, sl22, suml2)
    scale = np.where(suml2 > 0, sumlx / suml2, F32(0)).astype(F32)
    scale = np.where(zero, F32(0), scale)
    L = np.where(zero[None], 0, L + nmax)
    return scale, L.astype(np.int32)


def make_qkx_quants(x: np.ndarray, nmax: int, weights: np.ndarray, rmin: float,
                    rdelta: float, nstep: int, use_mad: bool, trace: list | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``make_qkx2_quants`` / ``make_qkx3_quants`` (same arithmetic): asymmetric scale + min.

    Start from min' = min(min(x), 0), scale = (max - min')/nmax, L = clamp(nearest_int((x -
    min')/scale), 0, nmax), error E = sum w |x_hat - x| (use_mad) or sum w (x_hat - x)^2.
    For is = 0..nstep: iscale = (rmin + rdelta is + nmax)/(max - min'), L' as above, then the
    weighted least-squares (scale, min) for L': D = S_w S_ll - S_l^2, scale = (S_w S_xl - S_x
    S_l)/D, min = (S_ll S_x - S_l S_xl)/D (min > 0 -> min = 0, scale = S_xl/S_ll); keep the
    candidate whose error is smaller. Returns (scale, the_min = -min, L); max == min -> 0.
    ``trace``, when a list, receives the start and then one dict per candidate.
    """
    vmin, vmax = _first_min_max(x)
    sum_w = _seqsum(weights, first=True)
    sum_x = _seqsum(weights * x, first=True)
    vmin = np.where(vmin > 0, F32(0), vmin).astype(F32)
    flat = ~(vmax > vmin)
    fnmax = F32(nmax)

    def error(scale, vmin_, L):
        diff = (scale * L.astype(F32) + vmin_) - x
        diff = np.abs(diff) if use_mad else diff * diff
        return _seqsum(weights * diff)

    iscale = fnmax / (vmax - vmin)
    scale = F32(1) / iscale
    L = np.clip(nearest_int(iscale * (x - vmin)), 0, nmax)
    best = error(scale, vmin, L)
    cur_min = vmin
    if trace is not None:
        trace.append({"iscale": iscale, "scale": scale, "min": vmin, "error": best, "L": L})
    for step in range(nstep + 1):
        # ggml updates min when a candidate wins, and later candidates start from it
        iscale = (F32(rmin) + F32(rdelta) * F32(step) + fnmax) / (vmax - cur_min)
        laux = np.clip(nearest_int(iscale * (x - cur_min)), 0, nmax)
        lf = laux.astype(F32)
        wl = weights * lf
        sum_l = _seqsum(wl)
        sum_l2 = _seqsum(wl * lf)
        sum_xl = _seqsum(wl * x)
        D = sum_w * sum_l2 - sum_l * sum_l
        this_scale = (sum_w * sum_xl - sum_x * sum_l) / D
        this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D
        pos = this_min > 0
        this_scale = np.where(pos, sum_xl / sum_l2, this_scale)
        this_min = np.where(pos, F32(0), this_min)
        cur = error(this_scale, this_min, laux)
        better = (D > 0) & (cur < best) & ~flat
        if trace is not None:
            trace.append({"iscale": iscale, "scale": this_scale, "min": this_min, "error": cur,
                          "L": laux, "solvable": (D > 0) & ~flat, "kept": better})
        L = np.where(better[None], laux, L)
        best = np.where(better, cur, best)
        scale = np.where(better, this_scale, scale)
        cur_min = np.where(better, this_min, cur_min)
    scale = np.where(flat, F32(0), scale).astype(F32)
    cur_min = np.where(flat, vmin, cur_min).astype(F32)
    L = np.where(flat[None], 0, L)
    return scale, (-cur_min).astype(F32), L.astype(np.int32)


def make_qp_quants(x: np.ndarray, nmax: int, quant_weights: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``make_qp_quants(n, nmax, x, L, quant_weights)``: scale for non-negative values.

    iscale = nmax / max(x); 8 more iscales (0.1 is + nmax)/max, is = -4..4, kept when the
    weighted squared error sum w (x - l/iscale)^2 (l = min(nmax, nearest_int(iscale x))) drops;
    then up to 5 coordinate-descent sweeps as in make_q3_quants. Returns (S_xl / S_ll, L);
    max < 1e-15 -> (0, 0). L is stored in a byte, as in ggml.
    """
    vmax = np.maximum.reduce(np.concatenate([np.zeros((1,) + x.shape[1:], F32), x]), axis=0)
    zero = vmax < GROUP_MAX_EPS
    w = quant_weights
    fnmax = F32(nmax)
    iscale = fnmax / vmax
    L = nearest_int(iscale * x) & 0xFF
    scale = F32(1) / iscale
    diff = x - scale * L.astype(F32)
    best_mse = _seqsum((w * diff) * diff)
    for step in range(-4, 5):
        if step == 0:
            continue
        iscale_is = (F32(0.1) * F32(step) + fnmax) / vmax
        scale_is = F32(1) / iscale_is
        lf = np.minimum(nmax, nearest_int(iscale_is * x)).astype(F32)
        diff = x - scale_is * lf
        mse = _seqsum((w * diff) * diff)
        better = mse < best_mse
        best_mse = np.where(better, mse, best_mse)
        iscale = np.where(better, iscale_is, iscale)
    l_int = np.minimum(nmax, nearest_int(iscale * x))
    L = l_int & 0xFF
    wx = w * x
    lf = l_int.astype(F32)
    sumlx = _seqsum(wx * lf)
    suml2 = _seqsum((w * lf) * lf)
    for _ in range(5):
        for i in range(x.shape[0]):
            li = L[i].astype(F32)
            slx = sumlx - wx[i] * li
            sl2 = suml2 - (w[i] * li) * li
            new_l = np.minimum(nmax, nearest_int((x[i] * sl2) / slx))
            nf = new_l.astype(F32)
            slx2 = slx + wx[i] * nf
            sl22 = sl2 + (w[i] * nf) * nf
            take = ((slx > 0) & (sl2 > 0) & (new_l != L[i])
                    & ((slx2 * slx2) * suml2 > (sumlx * sumlx) * sl22))
            L[i] = np.where(take, new_l & 0xFF, L[i])
            sumlx = np.where(take, slx2, sumlx)
            suml2 = np.where(take, sl22, suml2)
    scale = np.where(suml2 > 0, sumlx / suml2, F32(0)).astype(F32)
    scale = np.where(zero, F32(0), scale)
    L = np.where(zero[None], 0, L)
    return scale, L.astype(np.int32)


# ------------------------------------------------------------------------- byte helpers


def _h(d: np.ndarray) -> np.ndarray:
    """float32 scales -> (B, 2) little-endian fp16 bytes."""
    return fp32_to_fp16_bits(d).astype("<u2").view(np.uint8).reshape(-1, 2)


def _u8(a: np.ndarray) -> np.ndarray:
    """(k, B) integer array -> (B, k) bytes (low byte, as a C store into uint8_t)."""
    return (np.asarray(a).astype(np.int64) & 0xFF).astype(np.uint8).T


def _nibbles(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return (lo & 0xFF) | ((hi << 4) & 0xFF)


def _pack_2bit(L: np.ndarray) -> np.ndarray:
    """Q2_K/Q3_K ``qs``: per 128 values, byte l holds L[l], L[l+32], L[l+64], L[l+96]."""
    out = []
    for j in range(0, 256, 128):
        out.append(L[j:j + 32] | (L[j + 32:j + 64] << 2) | (L[j + 64:j + 96] << 4)
                   | (L[j + 96:j + 128] << 6))
    return np.concatenate(out)


def _pack_k4_scales(ls: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """Q4_K/Q5_K 12-byte ``scales``: eight 6-bit scales and eight 6-bit mins."""
    sc = np.zeros((12,) + ls.shape[1:], dtype=np.int64)
    for j in range(8):
        if j < 4:
            sc[j] = ls[j]
            sc[j + 4] = lm[j]
        else:
            sc[j + 4] = (ls[j] & 0xF) | ((lm[j] & 0xF) << 4)
            sc[j - 4] |= (ls[j] >> 4) << 6
            sc[j] |= (lm[j] >> 4) << 6
    return sc & 0xFF


def _unpack_k4_scales(sc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``get_scale_min_k4`` for j = 0..7."""
    d = np.empty((8,) + sc.shape[1:], dtype=np.int64)
    m = np.empty_like(d)
    for j in range(8):
        if j < 4:
            d[j] = sc[j] & 63
            m[j] = sc[j + 4] & 63
        else:
            d[j] = (sc[j + 4] & 0xF) | ((sc[j - 4] >> 6) << 4)
            m[j] = (sc[j + 4] >> 4) | ((sc[j] >> 6) << 4)
    return d, m


def _pack_q3_scales(ls: np.ndarray) -> np.ndarray:
    """Q3_K 12-byte ``scales``: sixteen 6-bit values (low nibbles, then 2-bit high parts)."""
    sc = np.zeros((12,) + ls.shape[1:], dtype=np.int64)
    for j in range(16):
        lj = ls[j].astype(np.int64)
        if j < 8:
            sc[j] = lj & 0xF
        else:
            sc[j - 8] |= (lj & 0xF) << 4
        sc[j % 4 + 8] |= (lj >> 4) << (2 * (j // 4))
    return sc & 0xFF


def _unpack_q3_scales(sc: np.ndarray) -> np.ndarray:
    out = np.empty((16,) + sc.shape[1:], dtype=np.int64)
    for j in range(16):
        s = sc[j] & 0xF if j < 8 else sc[j - 8] >> 4
        out[j] = _as_int8((s | (((sc[8 + j % 4] >> (2 * (j // 4))) & 3) << 4)) - 32)
    return out


def _sub(x: np.ndarray, size: int) -> np.ndarray:
    """(n, B) super-blocks -> (size, n/size * B) sub-blocks: element-major, sub-block j of
    block b at column j * B + b."""
    n, nb = x.shape
    return x.reshape(n // size, size, nb).transpose(1, 0, 2).reshape(size, -1)


def _unsub(v: np.ndarray, nsub: int) -> np.ndarray:
    """Per-sub-block values (..., nsub * B) -> (..., nsub, B)."""
    return v.reshape(v.shape[:-1] + (nsub, -1))


# -------------------------------------------------------------------- legacy 32-blocks


def _q8_0(x, qw, sigma2):
    """``quantize_row_q8_0_ref``: d = amax/127, q = roundf(x/d) in int8; amax 0 -> d = q = 0."""
    amax = np.max(np.abs(x), axis=0)
    d = amax / F32(127)
    inv = np.where(d != 0, F32(1) / d, F32(0))
    qs = _round_half_away(x * inv)
    return np.concatenate([_h(d), _u8(qs)], axis=1)


def _q4_0(x, qw, sigma2):
    """``quantize_row_q4_0_ref``: d = max/-8 (max = signed largest |x|), q = min(15, (int8)(x/d +
    8.5)); all zero -> d = -0.0. With an imatrix: ``quantize_row_q4_0_impl``."""
    if qw is not None:
        return _qx_legacy(x, qw, sigma2, 8)
    _, vmax = _first_absmax(x)
    d = vmax / F32(-8)
    inv = np.where(d != 0, F32(1) / d, F32(0))
    q = np.minimum(15, _as_int8(_trunc_low_byte(x * inv + F32(8.5)))) & 0xFF
    return np.concatenate([_h(d), _u8(_nibbles(q[:16], q[16:]))], axis=1)


def _q5_0(x, qw, sigma2):
    """``quantize_row_q5_0_ref``: d = max/-16, q = min(31, (int8)(x/d + 16.5)), 5th bits in qh.
    With an imatrix: ``quantize_row_q5_0_impl``."""
    if qw is not None:
        return _qx_legacy(x, qw, sigma2, 16)
    _, vmax = _first_absmax(x)
    d = vmax / F32(-16)
    inv = np.where(d != 0, F32(1) / d, F32(0))
    q = np.minimum(31, _as_int8(_trunc_low_byte(x * inv + F32(16.5)))) & 0xFF
    return _q5_bytes([_h(d)], q)


def _q5_bytes(head, q):
    qh = np.zeros(q.shape[1], dtype=np.uint64)
    for j in range(32):
        qh |= (((q[j] & 0x10) >> 4).astype(np.uint64)) << np.uint64(j)
    qh_bytes = qh.astype("<u4").view(np.uint8).reshape(-1, 4)
    return np.concatenate(head + [qh_bytes, _u8(_nibbles(q[:16] & 0xF, q[16:] & 0xF))], axis=1)


def _q4_1(x, qw, sigma2):
    """``quantize_row_q4_1_ref``: d = (max - min)/15, m = min, q = min(15, (int8)((x - min)/d +
    0.5)). With an imatrix: ``quantize_row_q4_1_impl``."""
    if qw is not None:
        return _qkx_legacy(x, qw, sigma2, 15)
    vmin, vmax = _first_min_max(x)
    d = (vmax - vmin) / F32(15)
    inv = np.where(d != 0, F32(1) / d, F32(0))
    q = np.minimum(15, _as_int8(_trunc_low_byte((x - vmin) * inv + F32(0.5)))) & 0xFF
    return np.concatenate([_h(d), _h(vmin), _u8(_nibbles(q[:16], q[16:]))], axis=1)


def _q5_1(x, qw, sigma2):
    """``quantize_row_q5_1_ref``: d = (max - min)/31, m = min, q = (uint8)((x - min)/d + 0.5).
    With an imatrix: ``quantize_row_q5_1_impl``."""
    if qw is not None:
        return _qkx_legacy(x, qw, sigma2, 31)
    vmin, vmax = _first_min_max(x)
    d = (vmax - vmin) / F32(31)
    inv = np.where(d != 0, F32(1) / d, F32(0))
    q = _trunc_low_byte((x - vmin) * inv + F32(0.5))
    return _q5_bytes([_h(d), _h(vmin)], q)


def _legacy_weights(x, qw, sigma2):
    """``weight[j] = qw[j] * sqrtf(sigma2 + x[j]^2)``, sigma2 = row's sum(x^2)/n_per_row."""
    return qw * np.sqrt(sigma2 + x * x)


def _qx_legacy(x, qw, sigma2, nmax):
    """``quantize_row_q4_0_impl`` (nmax 8) / ``quantize_row_q5_0_impl`` (nmax 16)."""
    d, L = make_qx_quants(x, nmax, _legacy_weights(x, qw, sigma2))
    if nmax == 8:
        return np.concatenate([_h(d), _u8(_nibbles(L[:16], L[16:]))], axis=1)
    return _q5_bytes([_h(d)], L & 0xFF)


def _qkx_legacy(x, qw, sigma2, nmax):
    """``quantize_row_q4_1_impl`` (nmax 15) / ``quantize_row_q5_1_impl`` (nmax 31)."""
    d, the_min, L = make_qkx_quants(x, nmax, _legacy_weights(x, qw, sigma2),
                                    -0.9, 0.05, 36, False)
    head = [_h(d), _h(-the_min)]
    if nmax == 15:
        return np.concatenate(head + [_u8(_nibbles(L[:16], L[16:]))], axis=1)
    return _q5_bytes(head, L)


# ---------------------------------------------------------------------------- k-quants


def _sumx2(x):
    """``for (j < QK_K) sumx2 += x[j]*x[j]``."""
    return _seqsum(x * x)


def _q2_k(x, qw, sigma2):
    """Q2_K: 16 sub-blocks of 16, x ~ d sc l - dmin m, l in 0..3, sc and m 4-bit.

    ``quantize_row_q2_K_ref`` (make_qkx2_quants, w = |x|, MAD; sc = nearest_int(15 scale /
    max scale)) or ``quantize_row_q2_K_impl`` (make_qkx3_quants with w = qw sqrt(sigma2 + x^2),
    then make_qp_quants for the 4-bit codes); then l = nearest_int((x + dmin m)/(d sc)).
    """
    nb = x.shape[1]
    xs = _sub(x, 16)
    if qw is None:
        scales, mins, L = make_qkx_quants(xs, 3, np.abs(xs), -0.5, 0.1, 15, True)
        scales, mins = _unsub(scales, 16), _unsub(mins, 16)
        max_scale = _strict_max(scales)
        max_min = _strict_max(mins)
        pos_s = max_scale > 0
        ls = nearest_int((F32(15) / max_scale) * scales)
        sc = np.where(pos_s[None], ls, 0) & 0xFF
        d_bits = fp32_to_fp16_bits(np.where(pos_s, max_scale / F32(15), F32(0)))
        pos_m = max_min > 0
        lm = nearest_int((F32(15) / max_min) * mins)
        sc = np.where(pos_m[None], sc | (lm << 4), sc) & 0xFF
        dmin_bits = fp32_to_fp16_bits(np.where(pos_m, max_min / F32(15), F32(0)))
    else:
        sigma2_b = _sumx2(x) / F32(256)
        w = _sub(qw, 16) * np.sqrt(np.tile(sigma2_b, 16) + xs * xs)
        sw = _unsub(_seqsum(w), 16)
        scales, mins, L = make_qkx_quants(xs, 3, w, -0.9, 0.05, 36, False)
        dm, Ls = make_qp_quants(_unsub(scales, 16), 15, sw)
        mm, Lm = make_qp_quants(_unsub(mins, 16), 15, sw)
        sc = (Ls | (Lm << 4)) & 0xFF
        d_bits = fp32_to_fp16_bits(dm)
        dmin_bits = fp32_to_fp16_bits(mm)
    d = fp16_bits_to_fp32(d_bits)[None] * (sc & 0xF).astype(F32)
    dm = fp16_bits_to_fp32(dmin_bits)[None] * (sc >> 4).astype(F32)
    L = _unsub(L, 16)
    lnew = np.clip(nearest_int((x.reshape(16, 16, nb) + dm[:, None]) / d[:, None]), 0, 3)
    L = np.where((d != 0)[None], lnew.transpose(1, 0, 2), L).transpose(1, 0, 2)
    qs = _pack_2bit(L.reshape(256, nb))
    return np.concatenate([_u8(sc), _u8(qs), _u8_h(d_bits), _u8_h(dmin_bits)], axis=1)


def _u8_h(bits):
    return bits.astype("<u2").view(np.uint8).reshape(-1, 2)


def _strict_max(v):
    """``m = 0; for j: if (v_j > m) m = v_j`` over axis 0 (a -0.0 never replaces +0.0)."""
    m = np.zeros(v.shape[1:], dtype=F32)
    for vj in v:
        np.copyto(m, vj, where=vj > m)
    return m


def _q3_k(x, qw, sigma2):
    """Q3_K: 16 sub-blocks of 16, x ~ d (sc - 32) (l - 4), l in 0..7, sc 6-bit.

    ``quantize_row_q3_K_ref`` (make_q3_quants; sc = nearest_int(-32 scale / max scale)) or
    ``quantize_row_q3_K_impl`` (make_qx_quants twice, for the values then for the scales);
    then l = clamp(nearest_int(x / (d (sc - 32))), -4, 3) + 4, high bit in hmask.
    """
    nb = x.shape[1]
    xs = _sub(x, 16)
    if qw is None:
        scales, L = make_q3_quants(xs, 4)
        scales = _unsub(scales, 16)
        _, max_scale = _first_absmax(scales)
        nz = max_scale != 0
        iscale = F32(-32) / max_scale
        ls = np.clip(_as_int8(nearest_int(iscale * scales)), -32, 31) + 32
        sc = np.where(nz[None], _pack_q3_scales(ls), 0)
        d_bits = fp32_to_fp16_bits(np.where(nz, F32(1) / iscale, F32(0)))
    else:
        sigma2_b = (F32(2) * _sumx2(x)) / F32(256)
        w = _sub(qw, 16) * np.sqrt(np.tile(sigma2_b, 16) + xs * xs)
        sw = _unsub(_seqsum(w), 16)
        scales, L = make_qx_quants(xs, 4, w)
        d_block, Ls = make_qx_quants(_unsub(scales, 16), 32, sw)
        sc = _pack_q3_scales(Ls)
        d_bits = fp32_to_fp16_bits(d_block)
    d = fp16_bits_to_fp32(d_bits)[None] * _unpack_q3_scales(sc).astype(F32)
    L = _unsub(L, 16)
    lnew = np.clip(nearest_int(x.reshape(16, 16, nb) / d[:, None]), -4, 3) + 4
    L = np.where((d != 0)[None], lnew.transpose(1, 0, 2), L).transpose(1, 0, 2)
    L = L.reshape(256, nb)
    hmask = np.zeros((32, nb), dtype=np.int64)
    high = L > 3
    for bit in range(8):
        hmask |= high[32 * bit:32 * bit + 32].astype(np.int64) << bit
    L = np.where(high, L - 4, L)
    return np.concatenate([_u8(hmask), _u8(_pack_2bit(L)), _u8(sc), _u8_h(d_bits)], axis=1)


def _k4_search(x, qw, nmax, rmin, rdelta, nstep):
    """Sub-block scales/mins of Q4_K/Q5_K and their 6-bit codes, ref or imatrix path."""
    xs = _sub(x, 32)
    if qw is None:
        av_x = np.sqrt(_seqsum(xs * xs) / F32(32))
        w = av_x[None] + np.abs(xs)
        scales, mins, L = make_qkx_quants(xs, nmax, w, rmin, rdelta, nstep, False)
        scales, mins = _unsub(scales, 8), _unsub(mins, 8)
        max_scale = _strict_max(scales)
        max_min = _strict_max(mins)
        inv_scale = np.where(max_scale > 0, F32(63) / max_scale, F32(0))
        inv_min = np.where(max_min > 0, F32(63) / max_min, F32(0))
        ls = np.minimum(63, nearest_int(inv_scale * scales) & 0xFF)
        lm = np.minimum(63, nearest_int(inv_min * mins) & 0xFF)
        d_bits = fp32_to_fp16_bits(max_scale / F32(63))
        dmin_bits = fp32_to_fp16_bits(max_min / F32(63))
    else:
        sigma2_b = (F32(2) * _sumx2(x)) / F32(256)
        w = _sub(qw, 32) * np.sqrt(np.tile(sigma2_b, 8) + xs * xs)
        sw = _unsub(_seqsum(w), 8)
        scales, mins, L = make_qkx_quants(xs, nmax, w, -0.9, 0.05, 36, False)
        d_block, ls = make_qp_quants(_unsub(scales, 8), 63, sw)
        m_block, lm = make_qp_quants(_unsub(mins, 8), 63, sw)
        if nmax == 31:
            ls, lm = np.minimum(63, ls), np.minimum(63, lm)
        d_bits = fp32_to_fp16_bits(d_block)
        dmin_bits = fp32_to_fp16_bits(m_block)
    sc = _pack_k4_scales(ls, lm)
    dq, mq = _unpack_k4_scales(sc)
    d = fp16_bits_to_fp32(d_bits)[None] * dq.astype(F32)
    dm = fp16_bits_to_fp32(dmin_bits)[None] * mq.astype(F32)
    nb = x.shape[1]
    L = _unsub(L, 8)
    lnew = np.clip(nearest_int((x.reshape(8, 32, nb) + dm[:, None]) / d[:, None]), 0, nmax)
    L = np.where((d != 0)[None], lnew.transpose(1, 0, 2), L).transpose(1, 0, 2)
    return L.reshape(256, nb), sc, d_bits, dmin_bits


def _q4_k(x, qw, sigma2):
    """Q4_K: 8 sub-blocks of 32, x ~ d sc l - dmin m, l in 0..15 (see ``_k4_search``)."""
    L, sc, d_bits, dmin_bits = _k4_search(x, qw, 15, -1.0, 0.1, 20)
    qs = np.concatenate([_nibbles(L[j:j + 32], L[j + 32:j + 64]) for j in range(0, 256, 64)])
    return np.concatenate([_u8_h(d_bits), _u8_h(dmin_bits), _u8(sc), _u8(qs)], axis=1)


def _q5_k(x, qw, sigma2):
    """Q5_K: as Q4_K with l in 0..31, the 5th bit of each l in qh."""
    L, sc, d_bits, dmin_bits = _k4_search(x, qw, 31, -0.5, 0.1, 15)
    nb = x.shape[1]
    qh = np.zeros((32, nb), dtype=np.int64)
    ql = []
    for k, n in enumerate(range(0, 256, 64)):
        l1 = L[n:n + 32]
        l2 = L[n + 32:n + 64]
        qh |= (l1 > 15).astype(np.int64) << (2 * k)
        qh |= (l2 > 15).astype(np.int64) << (2 * k + 1)
        ql.append(_nibbles(np.where(l1 > 15, l1 - 16, l1), np.where(l2 > 15, l2 - 16, l2)))
    return np.concatenate([_u8_h(d_bits), _u8_h(dmin_bits), _u8(sc), _u8(qh),
                           _u8(np.concatenate(ql))], axis=1)


def _q6_k(x, qw, sigma2):
    """Q6_K: 16 sub-blocks of 16, x ~ d sc (l - 32), l in 0..63, sc int8.

    make_qx_quants(nmax 32) per sub-block (w = x^2, or the imatrix itself), d = max scale /
    -128, sc = min(127, nearest_int(-128 scale / max scale)); max |scale| < 1e-15 -> all zero.
    """
    nb = x.shape[1]
    xs = _sub(x, 16)
    scales, L = make_qx_quants(xs, 32, None if qw is None else _sub(qw, 16))
    scales = _unsub(scales, 16)
    max_abs, max_scale = _first_absmax(scales)
    zero = max_abs < GROUP_MAX_EPS
    iscale = F32(-128) / max_scale
    d_bits = np.where(zero, 0, fp32_to_fp16_bits(F32(1) / iscale)).astype(np.uint16)
    sc = _as_int8(np.minimum(127, nearest_int(iscale * scales)))
    d = fp16_bits_to_fp32(d_bits)[None] * sc.astype(F32)
    L = _unsub(L, 16)
    lnew = np.clip(nearest_int(x.reshape(16, 16, nb) / d[:, None]), -32, 31) + 32
    L = np.where((d != 0)[None], lnew.transpose(1, 0, 2), L).transpose(1, 0, 2)
    L = L.reshape(256, nb)
    ql, qh = [], []
    for j in range(0, 256, 128):
        q = [L[j + 32 * k:j + 32 * k + 32] for k in range(4)]
        ql += [_nibbles(q[0] & 0xF, q[2] & 0xF), _nibbles(q[1] & 0xF, q[3] & 0xF)]
        qh.append((q[0] >> 4) | ((q[1] >> 4) << 2) | ((q[2] >> 4) << 4) | ((q[3] >> 4) << 6))
    out = np.concatenate([_u8(np.concatenate(ql)), _u8(np.concatenate(qh)), _u8(sc),
                          _u8_h(d_bits)], axis=1)
    out[zero] = 0
    return out


# ------------------------------------------------------------------ non-linear, ternary


def _iq4_search(xs, w):
    """Per 32-block scale of ``quantize_row_iq4_nl_impl`` with ntry = 7 (ggml's default)."""
    vals = KVALUES_IQ4NL.astype(F32)
    amax, vmax = _first_absmax(xs)
    zero = amax < GROUP_MAX_EPS

    def sums(inv):
        q = vals[_best_index_iq4nl(inv * xs)]
        wq = w * q
        return _seqsum(wq * xs), _seqsum(wq * q)

    d = (-vmax) / vals[0]
    sumqx, sumq2 = sums(F32(1) / d)
    d = np.where(sumq2 > 0, sumqx / sumq2, F32(0)).astype(F32)
    best = d * sumqx
    for itry in range(-7, 8):
        inv = F32(itry + int(KVALUES_IQ4NL[0])) / vmax
        sumqx, sumq2 = sums(inv)
        better = (sumq2 > 0) & (sumqx * sumqx > best * sumq2)
        new_d = sumqx / sumq2
        d = np.where(better, new_d, d)
        best = np.where(better, new_d * sumqx, best)
    return np.where(zero, F32(0), d).astype(F32)


def _iq4_weights(x, xs, qw, nsub):
    """weight = qw sqrtf(sigma2 + x^2) with sigma2 = sum(x^2) * 2/super, or x^2."""
    if qw is None:
        return xs * xs
    sigma2 = _seqsum(x * x) * (F32(2) / F32(x.shape[0]))
    return _sub(qw, 32) * np.sqrt(np.tile(sigma2, nsub) + xs * xs)


def _iq4_nl(x, qw, sigma2):
    """IQ4_NL: blocks of 32, x ~ d kvalues[l] with the 16 non-linear levels; d from the search
    of ``_iq4_search``, l = best_index(x / d)."""
    d = _iq4_search(x, _iq4_weights(x, x, qw, 1))
    inv = np.where(d != 0, F32(1) / d, F32(0))
    L = _best_index_iq4nl(inv * x)
    return np.concatenate([_h(d), _u8(_nibbles(L[:16], L[16:]))], axis=1)


def _iq4_xs(x, qw, sigma2):
    """IQ4_XS: super-blocks of 256, eight 32-blocks with 6-bit scales ls: d = -max scale/32,
    ls = clamp(nearest_int(scale/d), -32, 31), l = best_index(x / (d ls))."""
    nb = x.shape[1]
    xs = _sub(x, 32)
    scales = _unsub(_iq4_search(xs, _iq4_weights(x, xs, qw, 8)), 8)
    _, max_scale = _first_absmax(scales)
    d = (-max_scale) / F32(32)
    inv = np.where(d != 0, F32(1) / d, F32(0))
    ls = np.clip(nearest_int(inv * scales), -32, 31)
    dl = d * ls.astype(F32)
    idl = np.where(dl != 0, F32(1) / dl, F32(0))
    L = _best_index_iq4nl(idl[:, None] * x.reshape(8, 32, nb)).reshape(256, nb)
    ls = ls + 32
    scales_l = (ls[0::2] & 0xF) | ((ls[1::2] & 0xF) << 4)
    scales_h = np.zeros(nb, dtype=np.int64)
    for ib in range(8):
        scales_h |= (ls[ib] >> 4).astype(np.int64) << (2 * ib)
    qs = np.concatenate([_nibbles(L[j:j + 16], L[j + 16:j + 32]) for j in range(0, 256, 32)])
    return np.concatenate([_h(d), _u8_h(scales_h.astype(np.uint16)), _u8(scales_l),
                           _u8(qs)], axis=1)


def _ternary(x):
    """d = amax, trits lroundf(x/d) + 1 (d = 0 -> 1/d taken as 0)."""
    amax = np.max(np.abs(x), axis=0)
    inv = np.where(amax != 0, F32(1) / amax, F32(0))
    return amax, _round_half_away(x * inv) + 1


def _tq2_0(x, qw, sigma2):
    """TQ2_0: d = amax, t = lroundf(x/d) + 1 in {0, 1, 2}, four 2-bit trits per byte."""
    d, t = _ternary(x)
    qs = [sum((t[j + m * 32:j + m * 32 + 32] & 3) << (2 * m) for m in range(4))
          for j in (0, 128)]
    return np.concatenate([_u8(np.concatenate(qs)), _h(d)], axis=1)


def _tq_pack(trits):
    """Base-3 digits (first most significant) -> ``ceil(q * 256 / 243)``."""
    q = np.zeros_like(trits[0])
    for t in trits:
        q = (q * 3 + t) & 0xFF
    return (q * 256 + 242) // 243


def _tq1_0(x, qw, sigma2):
    """TQ1_0: d = amax, trits t = lroundf(x/d) + 1, five per byte (four in qh) as
    ceil(sum t_k 3^(4-k) * 256 / 243)."""
    d, t = _ternary(x)
    qs = [_tq_pack([t[n * 32:n * 32 + 32] for n in range(5)]),
          _tq_pack([t[160 + n * 16:160 + n * 16 + 16] for n in range(5)])]
    qh = _tq_pack([t[240 + m * 4:240 + m * 4 + 4] for m in range(4)] + [np.zeros_like(t[:4])])
    return np.concatenate([_u8(np.concatenate(qs)), _u8(qh), _h(d)], axis=1)


_QUANTIZERS = {
    "Q4_0": _q4_0, "Q4_1": _q4_1, "Q5_0": _q5_0, "Q5_1": _q5_1, "Q8_0": _q8_0,
    "Q2_K": _q2_k, "Q3_K": _q3_k, "Q4_K": _q4_k, "Q5_K": _q5_k, "Q6_K": _q6_k,
    "IQ4_NL": _iq4_nl, "IQ4_XS": _iq4_xs, "TQ1_0": _tq1_0, "TQ2_0": _tq2_0,
}
_IGNORES_IMATRIX = {"Q8_0", "TQ1_0", "TQ2_0"}
_ROW_SIGMA = {"Q4_0", "Q4_1", "Q5_0", "Q5_1"}


# -------------------------------------------------------------------------------- API


def _qtype(qtype: str) -> QType:
    if qtype not in QTYPES:
        raise ValueError(f"unknown GGUF type {qtype!r}; expected one of {sorted(QTYPES)}")
    return QTYPES[qtype]


def quantize(x: np.ndarray, qtype: str, *, imatrix: np.ndarray | None = None) -> np.ndarray:
    """Quantize float32 rows to GGUF blocks, equal byte for byte to ``ggml_quantize_chunk``.

    x: (rows, n) or (n,) float32, n a multiple of the type's block size, all finite.
    imatrix: (n,) importance weights (llama.cpp's imatrix), or None. Where ggml uses it (the
    ``_impl`` quantizers) it selects ggml's imatrix path; Q8_0, TQ1_0 and TQ2_0 ignore it.
    Returns uint8 (rows, n / block_size * bytes_per_block): each row's blocks in order, each
    block in ggml's struct layout (little-endian fp16 scales).
    Raises ValueError for an unknown type, n not a multiple of the block size, non-finite x,
    or an imatrix of the wrong length or with non-finite values.
    """
    spec = _qtype(qtype)
    x = np.asarray(x, dtype=F32)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2:
        raise ValueError(f"x must be 1-D or 2-D (rows, n), got shape {x.shape}")
    rows, n = x.shape
    if n == 0 or n % spec.block_size:
        raise ValueError(f"n = {n} is not a positive multiple of {qtype}'s block size "
                         f"{spec.block_size}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x has non-finite values (NaN or inf); ggml's quantizers do not "
                         "define their bytes for them")
    qw = None
    if imatrix is not None:
        imatrix = np.asarray(imatrix, dtype=F32).reshape(-1)
        if imatrix.shape != (n,):
            raise ValueError(f"imatrix has {imatrix.size} values, expected n = {n}")
        if not np.all(np.isfinite(imatrix)):
            raise ValueError("imatrix has non-finite values")
        if qtype not in _IGNORES_IMATRIX:
            qw = imatrix
    nb = n // spec.block_size
    blocks = np.ascontiguousarray(x.reshape(rows * nb, spec.block_size).T)
    qw_blocks = sigma2 = None
    with np.errstate(all="ignore"):
        if qw is not None:
            qw_blocks = np.ascontiguousarray(
                np.tile(qw.reshape(nb, spec.block_size), (rows, 1)).T)
            if qtype in _ROW_SIGMA:
                row_sum = _seqsum(np.ascontiguousarray(x.T * x.T))
                sigma2 = np.repeat(row_sum / F32(n), nb)[None]
        out = _QUANTIZERS[qtype](blocks, qw_blocks, sigma2)
    return np.ascontiguousarray(out).reshape(rows, nb * spec.bytes_per_block)


# ------------------------------------------------------------------- teaching: the search


@dataclass(frozen=True)
class KQuantSearchTrace:
    """What ``make_qkx2_quants`` tries for one sub-block (Q4_K / Q5_K without an imatrix).

    Candidate k uses iscale_k = (rmin + rdelta k + nmax) / (max - min_k), where min_k is the
    min in effect (the naive min' = min(min(x), 0) until a candidate wins; ggml then searches
    on from the winner's min), codes l = clamp(nearest_int(iscale_k (x - min_k)), 0, nmax),
    and the weighted least-squares fit x ~ scale l + min of those codes; its error is
    sum w (scale l + min - x)^2. ``solvable`` is False where D = S_w S_ll - S_l^2 <= 0 (ggml
    skips the candidate); ``kept`` marks the candidates that beat the best so far.
    """

    x: np.ndarray                 # (n,) the sub-block
    weights: np.ndarray           # (n,) w_i
    nmax: int
    naive_scale: float            # (max - min') / nmax
    naive_min: float              # min' (<= 0): x_hat = scale l + min
    naive_error: float
    iscales: np.ndarray           # (nstep + 1,) the grid actually tried
    candidate_scales: np.ndarray  # (nstep + 1,)
    candidate_mins: np.ndarray    # (nstep + 1,)
    candidate_errors: np.ndarray  # (nstep + 1,)
    solvable: np.ndarray          # (nstep + 1,) bool
    kept: np.ndarray              # (nstep + 1,) bool
    scale: float                  # the one ggml keeps
    min: float
    error: float
    L: np.ndarray                 # (n,) its codes


def kquant_search_trace(x_block: np.ndarray, weights: np.ndarray | None = None, nmax: int = 15,
                        rmin: float = -1.0, rdelta: float = 0.1, nstep: int = 20
                        ) -> KQuantSearchTrace:
    """The scale search of one Q4_K/Q5_K sub-block, step by step (``make_qkx2_quants``).

    Defaults are Q4_K's call (nmax 15, rmin -1, rdelta 0.1, nstep 20: iscales (nmax - 1 + 0.1
    k) / (max - min) for k = 0..20); Q5_K uses nmax 31, rmin -0.5, nstep 15. weights default
    to ggml's w_i = sqrt(mean(x^2)) + |x_i|. The search starts from the naive min/max scale
    (max - min')/nmax with min' = min(min(x), 0), and each candidate refits scale and min by
    weighted least squares on its codes; the smallest sum w (x_hat - x)^2 is kept.
    The result equals what ``quantize`` uses for that sub-block before the 6-bit rounding of
    scale and min.
    """
    x = np.asarray(x_block, dtype=F32).reshape(-1)
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"x_block must be a non-empty finite vector, got {x.size} values")
    if weights is None:
        with np.errstate(all="ignore"):
            av_x = np.sqrt(_seqsum((x * x)[:, None]) / F32(x.size))
            w = (av_x + np.abs(x)[:, None]).astype(F32)
    else:
        w = np.asarray(weights, dtype=F32).reshape(-1, 1)
        if w.shape[0] != x.size:
            raise ValueError(f"weights has {w.shape[0]} values, expected {x.size}")
    steps: list = []
    with np.errstate(all="ignore"):
        scale, the_min, L = make_qkx_quants(x[:, None], nmax, w, rmin, rdelta, nstep, False,
                                            trace=steps)
    start, cands = steps[0], steps[1:]

    def col(key, dtype=F32):
        return np.array([c[key][0] for c in cands], dtype=dtype)

    kept = col("kept", bool)
    errors = col("error")
    error = errors[np.nonzero(kept)[0][-1]] if kept.any() else start["error"][0]
    return KQuantSearchTrace(
        x=x, weights=w[:, 0], nmax=nmax,
        naive_scale=float(start["scale"][0]), naive_min=float(start["min"][0]),
        naive_error=float(start["error"][0]),
        iscales=col("iscale"), candidate_scales=col("scale"), candidate_mins=col("min"),
        candidate_errors=errors, solvable=col("solvable", bool), kept=kept,
        scale=float(scale[0]), min=float(-the_min[0]), error=float(error),
        L=L[:, 0].copy(),
    )
