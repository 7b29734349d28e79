"""What the Formats page shows, computed: one tensor through several number formats.

Every result here is small (binned histograms, a staircase of a few thousand points, one count
per code, one row per format): none holds the tensor, so each can be cached and shared.

The "full-range block" is a block that holds the tensor's own ``x_min`` and ``x_max``: its
scale is the one the tensor's largest values get (for a per-tensor format, the tensor's scale).
The grid drawn on the histogram, the staircase and the bit-layout explainer use it, so that a
block format's grid is shown at the scale of the block that holds the extremes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from quantviz.formats import (
    ELEMENTS,
    FORMATS,
    PART,
    as_float32,
    bits_per_value,
    code_values,
    encode_format,
    encode_parts,
    fake_quantize_format,
    fake_quantize_parts,
)
from quantviz.metrics import ErrorAccumulator, Histogram, error_summary, histogram, sqnr_db

F32 = np.float32
VALUE_BINS = 120
#: Log-spaced |x| bins of the error-against-|x| panels.
ERROR_BINS = 40
STAIRCASE_POINTS = 1500
#: The |x| range of the error panels starts at this quantile of the non-zero |x|.
LOW_QUANTILE = 0.01
#: The quantiles of the non-zero |x| where the page reads the error profile (small, large).
READ_QUANTILES = (0.1, 0.9)


@dataclass(frozen=True)
class FormatResult:
    """One format on one tensor: bits per value with scales counted, and the error."""

    fmt: str
    bits_per_value: float
    sqnr_db: float
    mse: float
    max_abs_error: float


@dataclass(frozen=True)
class CodeCounts:
    """How many elements got each code ``0 .. 2^bits - 1`` and what each code means.

    ``values``: the element value of each code (NaN / inf where the code means that);
    ``existing``: the codes that stand for a finite number; ``used``: those with an element.
    """

    counts: np.ndarray
    values: np.ndarray
    used: int
    existing: int
    nan_codes: tuple[int, ...]
    inf_codes: tuple[int, ...]
    negative_zero: int | None


@dataclass(frozen=True)
class ErrorProfile:
    """RMS of ``x_hat - x`` and of ``(x_hat - x) / |x|`` in log-spaced bins of ``|x|``.

    ``edges``: bin edges of ``|x|`` (shared by every format of one view); ``rms_abs``,
    ``rms_rel``: per bin, NaN where a bin is empty. Zeros of ``x`` are left out (a log axis has
    no 0; their error is in the SQNR). ``low``/``high``: the bins at the 10th and 90th
    percentile of the non-zero ``|x|``, where the page reads its numbers.
    """

    edges: np.ndarray
    counts: np.ndarray
    rms_abs: np.ndarray
    rms_rel: np.ndarray
    low: int
    high: int

    @property
    def centers(self) -> np.ndarray:
        """The geometric middle of each bin, ``sqrt(edges[i] * edges[i+1])``."""
        return np.sqrt(self.edges[:-1] * self.edges[1:])


@dataclass(frozen=True)
class FormatView:
    """One format on the page's tensor: result, grid, staircase, error profile."""

    result: FormatResult
    grid: np.ndarray
    step_x_hat: np.ndarray
    errors: ErrorProfile | None


@dataclass(frozen=True)
class FormatsView:
    """The tensor's histogram, the staircase's x axis, and one :class:`FormatView` per format."""

    values: Histogram
    step_x: np.ndarray
    data_min: float
    data_max: float
    n: int
    zeros: int
    shape: tuple
    formats: tuple[FormatView, ...]


def _flat_finite(x: np.ndarray) -> np.ndarray:
    """``x`` as checked float32 (:func:`quantviz.formats.as_float32`)."""
    return as_float32(x)


#: Peak bytes of :func:`formats_view`, :func:`frontier` and :func:`tensor_code_counts` per
#: value of the tensor: what stays whole (each value's int8 |x| bin) and the quantiles' copy
#: of the non-zero |x| (float32, with its mask). Everything else runs a part of
#: ``quantviz.formats.PART`` values at a time (:func:`quantviz.formats.fake_quantize_parts`).
WORK_BYTES_PER_VALUE = 6
#: Peak bytes of one part: the blocks it touches, x_hat, codes, float64 error sums (measured
#: with tracemalloc: at most 50 MB per part of 2^20 values, in every format).
WORK_BYTES_PER_PART = 64 * 2**20


def work_bytes(shape: tuple, fmts: tuple[str, ...]) -> int:
    """Peak bytes of putting a tensor of ``shape`` through ``fmts`` (one at a time, a part at
    a time): ``WORK_BYTES_PER_VALUE`` per value plus one part's ``WORK_BYTES_PER_PART`` (less
    for a tensor smaller than a part). Known from the shape alone, before anything is
    computed; whatever the shape, a part's blocks hold at most two blocks more than it."""
    if not fmts:
        return 0
    n = math.prod(shape) if len(shape) else 1
    return WORK_BYTES_PER_VALUE * n + WORK_BYTES_PER_PART * min(n, PART) // PART


def format_result(x: np.ndarray, fmt: str, x_hat: np.ndarray | None = None) -> FormatResult:
    """SQNR, MSE and max error of ``fmt`` on ``x``, with its bits per value for ``x.shape``.

    Without ``x_hat`` it is computed a part at a time (:func:`quantviz.formats.
    fake_quantize_parts`): the same numbers, in memory for a part."""
    x = _flat_finite(x)
    if x_hat is None:
        acc = ErrorAccumulator()
        flat = x.reshape(-1)
        for start, part in fake_quantize_parts(x, fmt):
            acc.add(flat[start:start + part.size], part)
        e = acc.summary()
    else:
        e = error_summary(x, x_hat)
    return FormatResult(fmt, bits_per_value(fmt, x.shape), e.sqnr_db, e.mse, e.max_abs_error)


def frontier(x: np.ndarray) -> tuple[FormatResult, ...]:
    """:func:`format_result` of every format in :data:`FORMATS`, in registry order."""
    return tuple(format_result(x, fmt) for fmt in FORMATS)


def pareto_front(results: tuple[FormatResult, ...]) -> tuple[str, ...]:
    """The formats no other beats on both counts: fewer or equal bits per value and higher or
    equal SQNR, one of them strictly. Sorted by bits per value."""
    front = []
    for r in results:
        dominated = any(
            o.bits_per_value <= r.bits_per_value and o.sqnr_db >= r.sqnr_db
            and (o.bits_per_value < r.bits_per_value or o.sqnr_db > r.sqnr_db)
            for o in results)
        if not dominated:
            front.append(r)
    return tuple(r.fmt for r in sorted(front, key=lambda r: (r.bits_per_value, -r.sqnr_db)))


def _full_range_rows(x_min: float, x_max: float, fmt: str, points: np.ndarray) -> np.ndarray:
    """Rows ``[p, x_min, x_max, 0, ...]``, one per point, as wide as the format's block."""
    width = max(3, FORMATS[fmt].block or 3)
    rows = np.zeros((len(points), width), dtype=F32)
    rows[:, 0] = points
    rows[:, 1] = x_min
    rows[:, 2] = x_max
    return rows


@dataclass(frozen=True)
class BlockScale:
    """The decoding of the full-range block: ``x_hat = (value - zero_point) * multiplier``."""

    multiplier: float
    zero_point: int
    scale: float
    tensor_scale: float | None


def full_range_scale(x_min: float, x_max: float, fmt: str) -> BlockScale:
    """The scale a block holding ``x_min`` and ``x_max`` gets in ``fmt``."""
    enc = encode_format(_full_range_rows(x_min, x_max, fmt, np.zeros(1, F32)), fmt)
    scale = float(np.asarray(enc.scales).reshape(-1)[0])
    zp = 0 if enc.zero_points is None else int(np.asarray(enc.zero_points).reshape(-1)[0])
    mult = scale * enc.tensor_scale if enc.tensor_scale is not None else scale
    return BlockScale(float(F32(mult)), zp, scale, enc.tensor_scale)


def grid(x_min: float, x_max: float, fmt: str) -> np.ndarray:
    """Every value the full-range block can represent, sorted, without duplicates (-0 = 0)."""
    bs = full_range_scale(x_min, x_max, fmt)
    v = code_values(fmt)
    v = v[np.isfinite(v)]
    return np.unique((v - F32(bs.zero_point)) * F32(bs.multiplier) + F32(0.0))


def view_range(x_min: float, x_max: float) -> tuple[float, float]:
    """The range the grid and the staircase show: the data's ``[x_min, x_max]`` (not beyond:
    a point past the data would change a per-tensor format's scale); a constant tensor gets
    ``x -+ max(|x|, 1)`` so the axis is never empty, kept inside float32's finite range (a
    constant tensor at float32's largest value gets ``[0, x]``)."""
    lo, hi = float(x_min), float(x_max)
    if not hi > lo:
        pad = max(abs(lo), 1.0)
        top = float(np.finfo(F32).max)
        lo, hi = max(lo - pad, -top), min(hi + pad, top)
    return lo, hi


def staircase_points(lo: float, hi: float, points: int = STAIRCASE_POINTS) -> np.ndarray:
    """``points`` values evenly over ``[lo, hi]`` (a :func:`view_range`)."""
    return np.linspace(lo, hi, points, dtype=F32)


def staircase(x_min: float, x_max: float, fmt: str, points: np.ndarray) -> np.ndarray:
    """``x_hat`` of each point in the full-range block (points beyond it widen that block)."""
    return fake_quantize_format(_full_range_rows(x_min, x_max, fmt, points), fmt)[:, 0].copy()


def code_counts(codes: np.ndarray, fmt: str) -> CodeCounts:
    """Count the elements per code; mark the NaN, infinite and negative-zero codes."""
    values = code_values(fmt)
    counts = np.bincount(np.asarray(codes, dtype=np.uint8).reshape(-1),
                         minlength=len(values)).astype(np.int64)
    return _code_counts(counts, values)


def tensor_code_counts(x: np.ndarray, fmt: str) -> CodeCounts:
    """:func:`code_counts` of ``encode_format(x, fmt).codes``, encoded a part at a time
    (:func:`quantviz.formats.encode_parts`; int64 counts, so the same numbers)."""
    values = code_values(fmt)
    counts = np.zeros(len(values), dtype=np.int64)
    for _, codes in encode_parts(x, fmt):
        counts += np.bincount(codes, minlength=len(values))
    return _code_counts(counts, values)


def _code_counts(counts: np.ndarray, values: np.ndarray) -> CodeCounts:
    nan = tuple(int(i) for i in np.flatnonzero(np.isnan(values)))
    inf = tuple(int(i) for i in np.flatnonzero(np.isinf(values)))
    negzero = np.flatnonzero((values == 0) & np.signbit(values))
    existing = int(np.isfinite(values).sum())
    return CodeCounts(counts, values, int(np.count_nonzero(counts)), existing, nan, inf,
                      int(negzero[0]) if negzero.size else None)


@dataclass(frozen=True)
class MagnitudeBins:
    """Log-spaced bins of ``|x|`` shared by the formats of one view.

    ``edges``: from the 1 % quantile of the non-zero ``|x|`` to its max; ``index``: each
    element's bin as int8 (-1 for 0 and for values below the first edge); ``low``/``high``:
    the bins holding the 10th and 90th percentile of the non-zero ``|x|``.
    """

    edges: np.ndarray
    index: np.ndarray
    low: int
    high: int


#: Elements per chunk of the error profile (float64 sums without full-size temporaries); the
#: parts of :func:`quantviz.formats.fake_quantize_parts` are as long, so that sums over parts
#: run over the same chunks.
PROFILE_CHUNK = PART


def magnitude_bins(x: np.ndarray, bins: int = ERROR_BINS) -> MagnitudeBins | None:
    """``bins`` log-spaced bins of ``|x|`` from the 1 % quantile of its non-zero values to its
    max, each element's bin, and the bins of the 10th and 90th percentile.

    An element's bin is ``floor(log(|x| / lo) / log(hi / lo) * bins)`` in float64 (one log per
    element, no search), so a value within rounding of an edge may land beside it. None when
    ``x`` has no non-zero value or a single magnitude (no axis to draw).
    """
    flat = np.asarray(x, dtype=F32).reshape(-1)
    nz = flat[flat != 0]  # a copy: |x| in place, and the quantiles may reorder it
    if nz.size == 0:
        return None
    np.abs(nz, out=nz)
    top = float(nz.max())
    q01, q10, q90 = (float(v) for v in np.quantile(nz, [LOW_QUANTILE, *READ_QUANTILES],
                                                   overwrite_input=True))
    lo, hi = q01, top * (1 + 1e-6)
    del nz
    if not hi > lo * (1 + 1e-6):
        return None
    edges = np.geomspace(lo, hi, bins + 1)
    per_log = bins / math.log(hi / lo)
    index = np.empty(flat.size, dtype=np.int8)
    # one float64 buffer and one mask, reused chunk after chunk and written in place: a fresh
    # 8 MB temporary per step costs more in page faults than the arithmetic
    a = np.empty(min(flat.size, PROFILE_CHUNK))
    out = np.empty(a.size, dtype=np.bool_)
    for start in range(0, flat.size, PROFILE_CHUNK):
        part = flat[start:start + PROFILE_CHUNK]
        i, outside = a[:part.size], out[:part.size]
        np.abs(part, out=i, casting="same_kind")
        np.divide(i, lo, out=i)
        with np.errstate(divide="ignore"):
            np.log(i, out=i)
        np.multiply(i, per_log, out=i)
        np.floor(i, out=i)
        np.less(i, 0, out=outside)  # 0 (log of 0 is -inf), below lo
        outside |= i >= bins  # above hi
        i[outside] = -1
        index[start:start + part.size] = i
    low, high = (int(np.clip(math.floor(math.log(q / lo) * per_log), 0, bins - 1))
                 for q in (q10, q90))
    return MagnitudeBins(edges, index, low, high)


def error_profile(x: np.ndarray, x_hat: np.ndarray, bins: MagnitudeBins) -> ErrorProfile:
    """Bin ``x_hat - x`` by ``|x|`` (``bins``): RMS absolute and RMS relative error per bin.

    Sums in float64, a chunk of ``PROFILE_CHUNK`` elements at a time.
    """
    sums = _ProfileSums(len(bins.edges) - 1)
    sums.add(np.asarray(x, dtype=F32).reshape(-1), np.asarray(x_hat, dtype=F32).reshape(-1),
             bins.index)
    return sums.profile(bins)


class _ProfileChunk:
    """What every format's error sums need from one chunk of ``x``, computed once per chunk
    (not once per format): the non-zero, in-range elements (``keep``), their bins and counts,
    their value in float64 and its magnitude; and two float64 buffers the formats reuse (a
    fresh 8 MB temporary per format costs more in page faults than the arithmetic)."""

    def __init__(self, xf: np.ndarray, index: np.ndarray, nb: int) -> None:
        self.keep = index >= 0
        self.idx = index[self.keep].astype(np.intp)
        self.counts = np.bincount(self.idx, minlength=nb)
        self.xs = xf[self.keep].astype(np.float64)
        self.abs_xs = np.abs(self.xs)
        self.err = np.empty_like(self.xs)
        self.square = np.empty_like(self.xs)


class _ProfileSums:
    """The float64 sums of :func:`error_profile`, given a part of the tensor at a time (in
    order, each part but the last a multiple of ``PROFILE_CHUNK`` values: the same chunks).

    Per bin: ``sum((x_hat - x)^2)`` and ``sum(((x_hat - x) / |x|)^2)``, each element's terms
    in float64 and added in tensor order (``np.bincount``), so the sums do not depend on how
    the tensor is cut into parts; the counts per bin are the bins' own."""

    def __init__(self, nb: int) -> None:
        self.counts = np.zeros(nb, dtype=np.int64)
        self.sq = np.zeros(nb)
        self.sq_rel = np.zeros(nb)

    def add(self, xf: np.ndarray, xh: np.ndarray, index: np.ndarray) -> None:
        for start in range(0, xf.size, PROFILE_CHUNK):
            stop = start + PROFILE_CHUNK
            self.add_chunk(_ProfileChunk(xf[start:stop], index[start:stop], self.counts.size),
                           xh[start:stop])

    def add_chunk(self, chunk: _ProfileChunk, xh: np.ndarray) -> None:
        """The next chunk's terms (``xh``: its ``x_hat``, the chunk's length)."""
        nb = self.counts.size
        err, square = chunk.err, chunk.square
        np.subtract(xh[chunk.keep], chunk.xs, out=err)
        np.multiply(err, err, out=square)
        self.counts += chunk.counts
        self.sq += np.bincount(chunk.idx, weights=square, minlength=nb)
        np.divide(err, chunk.abs_xs, out=err)
        np.multiply(err, err, out=square)
        self.sq_rel += np.bincount(chunk.idx, weights=square, minlength=nb)

    def profile(self, bins: MagnitudeBins) -> ErrorProfile:
        counts, sq, sq_rel = self.counts, self.sq, self.sq_rel
        with np.errstate(invalid="ignore", divide="ignore"):
            rms_abs = np.where(counts > 0, np.sqrt(sq / counts), np.nan)
            rms_rel = np.where(counts > 0, np.sqrt(sq_rel / counts), np.nan)
        return ErrorProfile(bins.edges, counts, rms_abs, rms_rel, bins.low, bins.high)


#: An error measure counts as flat when its RMS at the 90th percentile of |x| is within this
#: factor of its RMS at the 10th percentile.
FLAT_RATIO = 2.0


def flatness(profile: ErrorProfile) -> str:
    """"relative" when the relative error is flat over |x| (within ``FLAT_RATIO`` between the
    profile's low and high bins), else "absolute" when the absolute error is, else "neither"."""
    def flat(values: np.ndarray) -> bool:
        lo, hi = values[profile.low], values[profile.high]
        return bool(lo > 0 and hi > 0 and 1 / FLAT_RATIO <= hi / lo <= FLAT_RATIO)

    if flat(profile.rms_rel):
        return "relative"
    return "absolute" if flat(profile.rms_abs) else "neither"


def formats_view(x: np.ndarray, fmts: tuple[str, ...]) -> FormatsView:
    """Everything the Formats page draws for ``x`` in each of ``fmts``.

    The formats run side by side a part of the tensor at a time (:func:`quantviz.formats.
    fake_quantize_parts`: every format cuts the same parts), their error sums going on from
    part to part in the order one pass over the whole tensor takes, so the numbers are the same
    and the memory is a part's (one ``x_hat`` part per format). What the error profiles need
    from ``x`` itself is taken once per part for all formats."""
    x = _flat_finite(x)
    x32 = np.asarray(x, dtype=F32)
    data_min, data_max = float(x32.min()), float(x32.max())
    lo, hi = view_range(data_min, data_max)
    points = staircase_points(lo, hi)
    bins = magnitude_bins(x32)
    flat = x32.reshape(-1)
    accs = [ErrorAccumulator() for _ in fmts]
    sums = [_ProfileSums(len(bins.edges) - 1) for _ in fmts] if bins is not None else None
    for parts in zip(*(fake_quantize_parts(x32, fmt) for fmt in fmts), strict=True):
        start = parts[0][0]
        stop = start + parts[0][1].size
        for acc, (_, x_hat) in zip(accs, parts, strict=True):
            acc.add(flat[start:stop], x_hat)
        if sums is not None:  # PROFILE_CHUNK == PART: a part is one chunk of the profile
            chunk = _ProfileChunk(flat[start:stop], bins.index[start:stop], len(bins.edges) - 1)
            for s, (_, x_hat) in zip(sums, parts, strict=True):
                s.add_chunk(chunk, x_hat)
            del chunk
        del parts
    views = []
    for i, fmt in enumerate(fmts):
        e = accs[i].summary()
        views.append(FormatView(
            result=FormatResult(fmt, bits_per_value(fmt, x32.shape), e.sqnr_db, e.mse,
                                e.max_abs_error),
            grid=grid(lo, hi, fmt),
            step_x_hat=staircase(lo, hi, fmt, points),
            errors=sums[i].profile(bins) if sums is not None else None,
        ))
    return FormatsView(histogram(x32, VALUE_BINS), points, data_min, data_max, int(x.size),
                       int(x.size - np.count_nonzero(x32)), tuple(x.shape), tuple(views))


# ---------------------------------------------------------------------------- bit layout


@dataclass(frozen=True)
class BitLayout:
    """One value through a format's element encoding, bit by bit.

    ``x0`` is divided by the full-range block's ``multiplier`` (and shifted by its zero point)
    into ``scaled``, encoded as ``code`` (``bits`` wide: ``sign``, ``exponent`` and
    ``mantissa`` strings for floats; the whole pattern in ``mantissa`` for NF4 and integers),
    which decodes to ``element`` and back to ``x_hat = (element - zero_point) * multiplier``.
    Floats: ``exponent_value`` (unbiased), ``bias``, ``subnormal``.
    """

    fmt: str
    x0: float
    multiplier: float
    zero_point: int
    scaled: float
    code: int
    bits: int
    sign: str
    exponent: str
    mantissa: str
    element: float
    x_hat: float
    kind: str
    exponent_value: int | None = None
    bias: int | None = None
    subnormal: bool = False


def bit_layout(fmt: str, x0: float, x_min: float, x_max: float) -> BitLayout:
    """Encode ``x0`` as the full-range block of a tensor spanning ``[x_min, x_max]`` would.

    Floats decode as ``(-1)^s * 2^(E - bias) * (1 + M / 2^m)`` (normal, ``E > 0``) or
    ``(-1)^s * 2^(1 - bias) * (M / 2^m)`` (subnormal, ``E = 0``); NF4 as ``level[code]``;
    integers as the two's complement value.
    """
    f = FORMATS[fmt]
    if not math.isfinite(x0):
        raise ValueError(f"x0={x0!r} must be a finite number")
    lo, hi = min(x_min, x0), max(x_max, x0)
    bs = full_range_scale(lo, hi, fmt)
    rows = _full_range_rows(lo, hi, fmt, np.array([x0], F32))
    code = int(encode_format(rows, fmt).codes[0, 0])
    x_hat = float(fake_quantize_format(rows, fmt)[0, 0])
    element = float(code_values(fmt)[code])
    pattern = format(code, f"0{f.bits}b")
    scaled = float(x0) / bs.multiplier + bs.zero_point if bs.multiplier else 0.0
    if f.element is None:
        kind = "nf4" if f.kind == "nf4" else "int"
        return BitLayout(fmt, float(x0), bs.multiplier, bs.zero_point, scaled, code, f.bits,
                         "", "", pattern, element, x_hat, kind)
    el = ELEMENTS[f.element]
    e_field = int(pattern[1:1 + el.exponent_bits], 2)
    subnormal = e_field == 0
    return BitLayout(fmt, float(x0), bs.multiplier, 0, scaled, code, f.bits, pattern[0],
                     pattern[1:1 + el.exponent_bits], pattern[1 + el.exponent_bits:], element,
                     x_hat, "float", (1 if subnormal else e_field) - el.bias, el.bias, subnormal)


# ---------------------------------------------------------------------------- lessons


@dataclass(frozen=True)
class FloatStep:
    """A float element's relative step: ``2^-m`` between neighbours, half of it at most as error
    (normal range), and the dynamic range ``max / min_subnormal``."""

    fmt: str
    mantissa_bits: int
    relative_step: float
    max_relative_error: float
    dynamic_range_db: float


def float_step(fmt: str) -> FloatStep:
    f = FORMATS[fmt]
    m = ELEMENTS[f.element].mantissa_bits
    return FloatStep(fmt, m, 2.0**-m, 2.0 ** -(m + 1),
                     20 * math.log10(f.max_value / f.min_subnormal))


@dataclass(frozen=True)
class Lesson:
    """SQNR of a few formats on a seeded sample of a named shape of data (``n`` values)."""

    data: str
    n: int
    sqnr: dict


#: The learn section's outliers: one value in OUTLIER_EVERY, OUTLIER_SIGMA standard deviations.
OUTLIER_EVERY, OUTLIER_SIGMA = 1000, 50.0


def lesson_samples(n: int = 1 << 16, seed: int = 0) -> dict[str, np.ndarray]:
    """Seeded shapes of data for the learn section: normal, uniform on [-1, 1], and normal
    with outliers (one value in ``OUTLIER_EVERY`` set to ``+-OUTLIER_SIGMA``), float32."""
    rng = np.random.default_rng(seed)
    normal = rng.standard_normal(n).astype(F32)
    uniform = rng.uniform(-1, 1, n).astype(F32)
    outliers = normal.copy()
    idx = rng.choice(n, max(1, n // OUTLIER_EVERY), replace=False)
    outliers[idx] = np.where(outliers[idx] < 0, -OUTLIER_SIGMA, OUTLIER_SIGMA)
    return {"normal": normal, "uniform": uniform, "outliers": outliers}


def lessons(fmts: tuple[str, ...] = ("nf4", "int4_group_fp16", "mxfp4", "fp4_e2m1"),
            n: int = 1 << 16, seed: int = 0) -> tuple[Lesson, ...]:
    """SQNR of ``fmts`` on each of :func:`lesson_samples`."""
    return tuple(Lesson(name, n, {fmt: sqnr_db(x, fake_quantize_format(x, fmt)) for fmt in fmts})
                 for name, x in lesson_samples(n, seed).items())


@dataclass(frozen=True)
class Nf4Lesson:
    """NF4 against an integer group format at NF4's own block size, on :func:`lesson_samples`.

    ``sqnr[data] = (nf4_db, int_db)``; ``nf4_bits``, ``int_bits``: bits per value with scales
    counted (NF4 block 64 with a float32 absmax: 4 + 32/64 = 4.5; INT4 group 64 with a float16
    scale and a 4-bit zero point: 4 + 20/64 = 4.3125); ``usage_min``, ``usage_max``: the
    smallest and largest share (per cent) of the normal sample that one NF4 level receives.
    """

    n: int
    block: int
    int_fmt: str
    nf4_bits: float
    int_bits: float
    sqnr: dict
    usage_min: float
    usage_max: float


def nf4_lesson(int_fmt: str = "int4_group_fp16", n: int = 1 << 16, seed: int = 0) -> Nf4Lesson:
    """NF4 and ``int_fmt`` both in blocks of NF4's size (64), so that only the levels differ.

    The level shares are ``count(code == k) / n`` of NF4's codes on the normal sample: the
    levels are normal quantiles, yet each block is scaled by its own absmax, so the shares are
    not equal (on the default sample from 1.7 % to 9.3 %).
    """
    block = FORMATS["nf4"].block
    samples = lesson_samples(n, seed)
    sqnr = {name: (sqnr_db(x, fake_quantize_format(x, "nf4")),
                   sqnr_db(x, fake_quantize_format(x, int_fmt, block_size=block)))
            for name, x in samples.items()}
    codes = encode_format(samples["normal"], "nf4").codes.ravel()
    share = 100.0 * np.bincount(codes, minlength=len(code_values("nf4"))) / codes.size
    return Nf4Lesson(n, block, int_fmt, bits_per_value("nf4", (n,)),
                     bits_per_value(int_fmt, (n,), block_size=block), sqnr,
                     float(share.min()), float(share.max()))



#: The frontier quantizes the tensor in every format; above this many values it takes the
#: leading rows (whole blocks, in tensor order) of the tensor instead.
FRONTIER_MAX_VALUES = 1 << 20


def frontier_sample(x: np.ndarray, max_values: int = FRONTIER_MAX_VALUES) -> np.ndarray:
    """``x`` itself when it has at most ``max_values`` values, else its leading part in tensor
    order with whole rows (an n-D tensor keeps its blocks): the first ``max_values // last``
    rows, or for a 1-D tensor (or rows longer than ``max_values``) the first ``max_values``
    values rounded down to a multiple of 128 (every default block)."""
    x = _flat_finite(x)
    if x.size <= max_values:
        return x
    last = x.shape[-1] if x.ndim > 1 else x.size
    if x.ndim > 1 and last <= max_values:
        return x.reshape(-1, last)[: max_values // last]
    return x.reshape(-1)[: max_values - max_values % 128]


def per_tensor_int_bits(bits: int, n: int) -> float:
    """Bits per value of a per-tensor integer scheme on ``n`` values: ``bits + (32 + bits) / n``
    (a float32 scale and a zero point of ``bits`` bits, once)."""
    if n < 1:
        raise ValueError(f"n={n} must be at least 1")
    return bits + (32 + bits) / n
