"""Error and code-usage measures of a quantization ``x -> q -> x_hat``.

Errors are accumulated in float64 over chunks of the flattened arrays, so a 10-million-value
tensor needs no full-size float64 temporary. Every function refuses empty input and mismatched
shapes with ``ValueError``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from quantviz.quantize import (
    QParams,
    channel_minmax,
    code_range,
    dequantize,
    group_minmax,
    integer_dtype,
    quantize,
    unclipped_codes,
)

#: Elements per pass of :func:`_sums`. Its float64 temporaries are then 256 kB: they stay in
#: the allocator's heap and the CPU's cache. At 2^18 elements they were 2 MB each, fresh pages
#: from the kernel on every call, faulted in one by one: summarize took 11 ms on a million
#: values instead of 7, and the Calibration page's 180-range curve twice as long.
_CHUNK = 1 << 15


@dataclass(frozen=True)
class _Sums:
    n: int
    sse: float  # sum of (x - x_hat)^2
    sse_clipped: float  # the same over the clipped elements
    sse_rounding: float  # ... and over the others (summed apart, so it is never negative)
    max_abs: float  # max |x - x_hat|
    x_sumsq: float  # sum of x^2


def _flat_pair(x: np.ndarray, x_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, x_hat = np.asarray(x), np.asarray(x_hat)
    if x.shape != x_hat.shape:
        raise ValueError(f"x has shape {x.shape} but x_hat has shape {x_hat.shape}")
    if x.size == 0:
        raise ValueError("x is empty: error measures need at least one value")
    return x.reshape(-1), x_hat.reshape(-1)


def _sums(x: np.ndarray, x_hat: np.ndarray, clipped: np.ndarray | None = None,
          acc: _Sums | None = None) -> _Sums:
    """One chunked float64 pass over ``x - x_hat`` (and ``x``) for every error measure; with
    ``acc``, the sums go on from it (``x`` is the next part of a longer tensor)."""
    x, x_hat = _flat_pair(x, x_hat)
    if clipped is not None:
        clipped = np.asarray(clipped)
        if clipped.size != x.size or clipped.dtype != np.bool_:
            raise ValueError(
                f"clipped must be a boolean mask of {x.size} elements, got {clipped.dtype} "
                f"with {clipped.size}"
            )
        clipped = clipped.reshape(-1)
    sse = sse_clipped = sse_rounding = max_abs = x_sumsq = 0.0
    if acc is not None:
        sse, sse_clipped, sse_rounding = acc.sse, acc.sse_clipped, acc.sse_rounding
        max_abs, x_sumsq = acc.max_abs, acc.x_sumsq
    for start in range(0, x.size, _CHUNK):
        stop = start + _CHUNK
        xs = x[start:stop].astype(np.float64)
        err = np.subtract(xs, x_hat[start:stop], dtype=np.float64)
        max_abs = max(max_abs, float(err.max()), -float(err.min()))
        np.multiply(err, err, out=err)
        if clipped is None:
            sse += float(err.sum())
        else:
            mask = clipped[start:stop]
            # a masked sum (``where=``) is ten times slower than a plain one: gather the few
            # clipped terms, then zero them and add the rest in one plain pass
            if mask.any():
                part_clipped = float(err[mask].sum())
                err[mask] = 0.0
            else:
                part_clipped = 0.0
            part_rounding = float(err.sum())
            sse_clipped += part_clipped
            sse_rounding += part_rounding
            sse += part_clipped + part_rounding
        x_sumsq += float(np.dot(xs, xs))
    n = x.size + (acc.n if acc is not None else 0)
    return _Sums(n, sse, sse_clipped, sse_rounding, max_abs, x_sumsq)


def mse(x: np.ndarray, x_hat: np.ndarray) -> float:
    """Mean squared error ``mean((x - x_hat)^2)``, accumulated in float64."""
    s = _sums(x, x_hat)
    return s.sse / s.n


def rmse(x: np.ndarray, x_hat: np.ndarray) -> float:
    """Root mean squared error ``sqrt(mse(x, x_hat))``, in the units of ``x``."""
    return math.sqrt(mse(x, x_hat))


def max_abs_error(x: np.ndarray, x_hat: np.ndarray) -> float:
    """Largest absolute error ``max |x - x_hat|`` (at most ``scale/2`` unless clipped)."""
    return _sums(x, x_hat).max_abs


def _sqnr(s: _Sums) -> float:
    if s.sse == 0:
        return math.inf
    ratio = s.x_sumsq / s.sse
    if ratio == 0:  # all-zero x with noise, or noise that overflowed to inf
        return -math.inf
    return 10.0 * math.log10(ratio)


def sqnr_db(x: np.ndarray, x_hat: np.ndarray) -> float:
    """Signal-to-quantization-noise ratio ``20 log10(||x|| / ||x - x_hat||)`` in dB.

    Edge cases: ``inf`` when the reconstruction is exact (all-zero ``x`` included); ``-inf``
    when ``x`` is all zero but ``x_hat`` is not (noise without signal). Each extra bit adds
    about 6.02 dB for data that fills the grid.
    """
    return _sqnr(_sums(x, x_hat))


@dataclass(frozen=True)
class ErrorSummary:
    """:func:`mse`, :func:`sqnr_db` and :func:`max_abs_error` of one ``x -> x_hat``."""

    mse: float
    sqnr_db: float
    max_abs_error: float


def error_summary(x: np.ndarray, x_hat: np.ndarray) -> ErrorSummary:
    """MSE, SQNR and max error in one chunked float64 pass (three calls take three passes);
    the same numbers and edge cases as :func:`mse`, :func:`sqnr_db`, :func:`max_abs_error`."""
    s = _sums(x, x_hat)
    return ErrorSummary(s.sse / s.n, _sqnr(s), s.max_abs)


#: Parts given to :class:`ErrorAccumulator` hold a multiple of this many values (the last one
#: excepted).
CHUNK = _CHUNK


class ErrorAccumulator:
    """:func:`error_summary` of a tensor given a part at a time, in tensor order.

    The float64 sums run over the same chunks in the same order as one call on the whole
    tensor, so the numbers are the same bit for bit, provided every part but the last holds a
    multiple of :data:`CHUNK` values (``quantviz.formats.PART`` does); a part after one that
    does not raises ``ValueError``, as does :meth:`summary` before any part.
    """

    def __init__(self) -> None:
        self._sums: _Sums | None = None
        self._ragged = False

    def add(self, x: np.ndarray, x_hat: np.ndarray) -> None:
        """Add the next part (``x`` and its ``x_hat``, the same shape)."""
        if self._ragged:
            raise ValueError(f"a part of {self._sums.n % _CHUNK} values beyond a multiple of "
                             f"{_CHUNK} was not the last: the sums would run in another order")
        self._sums = _sums(x, x_hat, acc=self._sums)
        self._ragged = self._sums.n % _CHUNK != 0

    def summary(self) -> ErrorSummary:
        if self._sums is None:
            raise ValueError("no part was added: error measures need at least one value")
        s = self._sums
        return ErrorSummary(s.sse / s.n, _sqnr(s), s.max_abs)


def fraction_clipped(clipped: np.ndarray) -> float:
    """Share of elements whose code saturated: ``mean(clipped)`` for a boolean mask."""
    clipped = np.asarray(clipped)
    if clipped.dtype != np.bool_:
        raise ValueError(f"clipped must be a boolean mask, got dtype {clipped.dtype}")
    if clipped.size == 0:
        raise ValueError("clipped is empty")
    return float(np.count_nonzero(clipped) / clipped.size)


@dataclass(frozen=True)
class ErrorSplit:
    """The MSE split by cause; ``rounding_mse + clipping_mse == total_mse`` (to rounding)."""

    rounding_mse: float
    clipping_mse: float
    total_mse: float


def _split(s: _Sums) -> ErrorSplit:
    return ErrorSplit(s.sse_rounding / s.n, s.sse_clipped / s.n, s.sse / s.n)


def error_split(x: np.ndarray, x_hat: np.ndarray, clipped: np.ndarray) -> ErrorSplit:
    """Split ``mse(x, x_hat)`` into rounding and clipping parts.

    ``clipping_mse = sum over clipped of (x - x_hat)^2 / N``, ``rounding_mse`` the same over
    the other elements; both divide by the total count ``N``, so they add up to the MSE.
    ``clipped`` is the mask from :func:`quantviz.quantize.saturated`.
    """
    return _split(_sums(x, x_hat, clipped))


def uniform_noise_mse(scale: float | np.ndarray) -> float | np.ndarray:
    """Predicted rounding MSE ``scale^2 / 12``: the error is uniform on ``[-scale/2, scale/2]``.

    A good model when values spread over many steps and nothing clips; per-channel scales give
    one prediction per channel. A negative or non-finite scale raises ``ValueError``.
    """
    s = np.asarray(scale, dtype=np.float64)
    if not np.all(np.isfinite(s)) or np.any(s < 0):
        raise ValueError(f"scale must be finite and non-negative, got {scale!r}")
    out = s * s / 12.0
    return float(out) if out.ndim == 0 else out


def code_counts(q: np.ndarray, qmin: int, qmax: int) -> np.ndarray:
    """How often each code ``qmin..qmax`` occurs: int64 array of length ``qmax - qmin + 1``.

    ``np.bincount(q - qmin)``; 8- and 16-bit codes are counted through their unsigned view
    (no subtraction pass). A code outside ``[qmin, qmax]`` raises ``ValueError``.
    """
    q = np.asarray(q).reshape(-1)
    if q.dtype.kind not in "iu":
        raise ValueError(f"q must hold integer codes, got dtype {q.dtype}")
    if qmin > qmax:
        raise ValueError(f"qmin > qmax: {qmin} > {qmax}")
    levels = qmax - qmin + 1
    info = np.iinfo(q.dtype)
    if q.dtype.itemsize <= 2 and info.min <= qmin and qmax <= info.max:
        width = 1 << (8 * q.dtype.itemsize)
        counts = np.bincount(q.view(f"u{q.dtype.itemsize}"), minlength=width)
        out = counts[np.arange(qmin, qmax + 1) % width].astype(np.int64)
        if out.sum() != q.size:
            raise ValueError(f"codes span [{q.min()}, {q.max()}], outside [{qmin}, {qmax}]")
        return out
    if q.size and (q.min() < qmin or q.max() > qmax):
        raise ValueError(f"codes span [{q.min()}, {q.max()}], outside [{qmin}, {qmax}]")
    return np.bincount(q.astype(np.int64) - qmin, minlength=levels).astype(np.int64)


@dataclass(frozen=True)
class CodeUsage:
    """Which integer codes a tensor uses.

    ``counts[i]`` is the count of code ``qmin + i``; codes outside
    ``[reachable_lo, reachable_hi]`` cannot be produced by any value in the data range
    (``unreachable`` of them, e.g. the 128 negative codes for ReLU outputs under signed
    symmetric int8). ``used`` codes occur at least once; ``effective_bits = log2(used)``
    (0 for one code); ``unused_fraction = 1 - used / levels``.
    """

    counts: np.ndarray
    qmin: int
    qmax: int
    reachable_lo: int
    reachable_hi: int
    used: int
    effective_bits: float
    unused_fraction: float
    unreachable: int

    @property
    def levels(self) -> int:
        return self.qmax - self.qmin + 1


def _reachable(qp: QParams, x_min, x_max) -> tuple[int, int]:
    """``code_range`` per tensor; per channel/group, the outermost codes over all slices."""
    if qp.per_tensor:
        return code_range(float(x_min), float(x_max), qp)
    lo = quantize(np.asarray(x_min, dtype=np.float32), qp, group_size=1)
    hi = quantize(np.asarray(x_max, dtype=np.float32), qp, group_size=1)
    return int(lo.min()), int(hi.max())


def code_usage(q: np.ndarray, qp: QParams, x_min, x_max) -> CodeUsage:
    """Code counts and usage of ``q`` (see :class:`CodeUsage`).

    ``x_min``/``x_max`` is the range of the data (not the calibrated range); the reachable
    codes are ``code_range(x_min, x_max, qp)``. For per-channel or per-group ``qp`` they are
    arrays with one entry per slice (shape of ``qp.scale``), and the reachable codes are the
    outermost over all slices.
    """
    counts = code_counts(q, qp.qmin, qp.qmax)
    if counts.sum() == 0:
        raise ValueError("q is empty: no code usage to measure")
    lo, hi = _reachable(qp, x_min, x_max)
    used = int(np.count_nonzero(counts))
    levels = qp.qmax - qp.qmin + 1
    return CodeUsage(
        counts=counts,
        qmin=qp.qmin,
        qmax=qp.qmax,
        reachable_lo=lo,
        reachable_hi=hi,
        used=used,
        effective_bits=math.log2(used) if used > 1 else 0.0,
        unused_fraction=1.0 - used / levels,
        unreachable=levels - (hi - lo + 1),
    )


@dataclass(frozen=True)
class Histogram:
    """Bin ``edges`` (length ``bins + 1``) and ``counts`` (int64, length ``bins``)."""

    edges: np.ndarray
    counts: np.ndarray


def histogram(values: np.ndarray, bins: int = 100,
              value_range: tuple[float, float] | None = None) -> Histogram:
    """Equal-width histogram of ``values``, binned in numpy (figures never carry raw samples).

    ``value_range`` defaults to ``(min, max)`` of the values; values outside a given range are
    left out. A single distinct value gets numpy's unit-wide range around it (``+-|x| 2^-10``
    where 0.5 is below its float step, 3.4e38 say). Empty input,
    ``bins < 1``, or non-finite values without a ``value_range`` raise ``ValueError``.

    Any finite range works. numpy computes the edges in the values' precision and refuses a
    range that holds fewer than ``bins + 1`` distinct numbers of it ("Too many bins for data
    range": one float32 step around 1.0, or denormals like 1e-45 .. 1e-42); then the edges
    are :func:`bin_edges` in float64, and only when even float64 cannot split the range
    (a few float64 steps) are there fewer bins, as many as it holds. The edges stay finite
    when ``hi - lo`` itself would overflow (``[-3e38, 3e38]`` in float32).
    """
    v = np.asarray(values).reshape(-1)
    if v.size == 0:
        raise ValueError("histogram of an empty array")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins!r}")
    if value_range is None:
        lo, hi = v.min(), v.max()
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError(f"values span [{lo}, {hi}]: give a finite value_range")
        value_range = (float(lo), float(hi))
    elif not (np.isfinite(value_range[0]) and np.isfinite(value_range[1])
              and value_range[0] <= value_range[1]):
        raise ValueError(f"value_range={value_range!r} must be finite with lo <= hi")
    lo, hi = float(value_range[0]), float(value_range[1])
    if lo == hi:  # one value: numpy's unit-wide range, or a relative one where 0.5 vanishes
        half = max(0.5, abs(lo) * 2.0**-10)
        top = float(np.finfo(np.float64).max)
        lo, hi = max(lo - half, -top), min(hi + half, top)
    if _fast_path_works(lo, hi, int(bins), v.dtype):
        counts, edges = np.histogram(v, bins=int(bins), range=(lo, hi))
    else:
        edges = bin_edges(lo, hi, int(bins))
        counts, edges = np.histogram(v.astype(np.float64, copy=False), bins=edges)
    return Histogram(edges=edges, counts=counts.astype(np.int64))


def _fast_path_works(lo: float, hi: float, bins: int, dtype: np.dtype) -> bool:
    """numpy's equal-bin path works in the values' float type: ``hi - lo`` is finite there and
    the ``bins + 1`` edges strictly increase (numpy's own test)."""
    ftype = np.result_type(dtype, np.float16) if dtype.kind == "f" else np.dtype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        span = ftype.type(hi) - ftype.type(lo)
        edges = np.linspace(lo, hi, bins + 1, dtype=ftype)
    return bool(np.isfinite(span) and np.all(np.isfinite(edges))
                and np.all(edges[:-1] < edges[1:]))


def bin_edges(lo: float, hi: float, bins: int) -> np.ndarray:
    """``bins + 1`` strictly increasing float64 edges from ``lo`` to ``hi`` (``lo < hi`` finite).

    ``edge_i = lo (1 - i/bins) + hi (i/bins)``: never forms ``hi - lo``, so it stays finite
    for any finite pair (``[-1.7e308, 1.7e308]`` too). Where float64 cannot hold ``bins + 1``
    distinct numbers in the range, the count halves until it can (at least one bin).
    """
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"bin_edges needs finite lo < hi, got [{lo!r}, {hi!r}]")
    n = int(bins)
    while True:
        t = np.arange(n + 1, dtype=np.float64) / n
        edges = lo * (1.0 - t) + hi * t
        edges[0], edges[-1] = lo, hi
        if n == 1 or np.all(edges[:-1] < edges[1:]):
            return edges
        n = max(1, n // 2)


@dataclass(frozen=True)
class QuantSummary:
    """Everything the Explore page reports about one quantization of ``x`` with ``qp``."""

    scale: float | np.ndarray
    zero_point: int | np.ndarray
    qmin: int
    qmax: int
    mse: float
    rmse: float
    sqnr_db: float
    max_abs_error: float
    fraction_clipped: float
    split: ErrorSplit
    uniform_noise_mse: float
    usage: CodeUsage


def _data_range(x: np.ndarray, qp: QParams, axis, group_size):
    if group_size is not None:
        return group_minmax(x, group_size)
    if not qp.per_tensor and axis is not None:
        return channel_minmax(x, axis)
    return x.min(), x.max()


def _quantize_and_sum(x: np.ndarray, qp: QParams, axis, group_size) -> tuple:
    """``(q, x_hat, clipped, sums)``: one pass of quantization and the error sums over it."""
    if x.size == 0:
        raise ValueError("x is empty: nothing to summarize")
    t = unclipped_codes(x, qp, axis, group_size)
    clipped = (t < qp.qmin) | (t > qp.qmax)
    np.clip(t, qp.qmin, qp.qmax, out=t)
    q = t.astype(integer_dtype(qp.qmin, qp.qmax)).reshape(x.shape)
    del t
    x_hat = dequantize(q, qp, axis, group_size)
    return q, x_hat, clipped, _sums(x, x_hat, clipped.reshape(x.shape))


def quantized_error_split(x: np.ndarray, qp: QParams) -> ErrorSplit:
    """The rounding/clipping split of quantizing ``x`` with ``qp``: ``summarize(x, qp)``'s
    ``split`` (the same numbers, the same pass) without the code usage, which a sweep over
    many ranges does not need. Empty ``x`` raises ``ValueError``.
    """
    x = np.asarray(x).reshape(-1)
    return _split(_quantize_and_sum(x, qp, None, None)[3])


def summarize(x: np.ndarray, qp: QParams, axis: int | None = None,
              group_size: int | None = None, *, return_clipped: bool = False) -> tuple:
    """Quantize ``x`` once and measure it: returns ``(q, x_hat, summary)``.

    With ``return_clipped=True`` it returns ``(q, x_hat, summary, clipped)`` too: the boolean
    mask of the elements that saturated (``x``'s shape), which it computes anyway, so a caller
    that also bins the clipped errors does not pass over the tensor again.

    ``q`` equals ``quantize(x, qp, axis, group_size)`` and ``x_hat`` equals
    ``dequantize(q, ...)``; the clipped mask comes from the same unclipped codes (one pass).
    ``uniform_noise_mse`` is ``scale^2 / 12`` averaged over the elements (every channel or
    group holds the same number of them). The error measures are those of :func:`mse`,
    :func:`sqnr_db`, :func:`error_split` and :func:`code_usage`.
    """
    x = np.asarray(x)
    q, x_hat, clipped, s = _quantize_and_sum(x, qp, axis, group_size)
    usage = code_usage(q, qp, *_data_range(x, qp, axis, group_size))
    noise = uniform_noise_mse(qp.scale)
    summary = QuantSummary(
        scale=qp.scale,
        zero_point=qp.zero_point,
        qmin=qp.qmin,
        qmax=qp.qmax,
        mse=s.sse / s.n,
        rmse=math.sqrt(s.sse / s.n),
        sqnr_db=_sqnr(s),
        max_abs_error=s.max_abs,
        fraction_clipped=float(np.count_nonzero(clipped) / clipped.size),
        split=_split(s),
        uniform_noise_mse=float(np.mean(noise)),
        usage=usage,
    )
    if return_clipped:
        return q, x_hat, summary, clipped.reshape(x.shape)
    return q, x_hat, summary
