"""Sweeps over one tensor: bit widths, clipping thresholds, and a stream of batches.

Three questions a learner asks once quantization itself is clear: how many bits, which
range, and how the range should follow data that changes. Each function here answers one on
a given tensor and returns a small frozen result (a few hundred numbers at most), never the
tensor itself, so results can be cached and drawn without growing with the data.

Sweeps quantize the tensor many times, so they run on :func:`subsample` (at most
:data:`SWEEP_MAX_VALUES` values, a seeded uniform sample); the caller says so on screen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from quantviz.metrics import quantized_error_split, summarize
from quantviz.observers import (
    ENTROPY_BINS,
    MinMaxObserver,
    MovingAverageMinMaxObserver,
    calibrate,
    entropy_levels,
)
from quantviz.quantize import MAX_BITS, MIN_BITS, QParams, QuantConfig, compute_qparams

#: Largest number of values a sweep quantizes (2^18: 45 sweep points in a few seconds).
SWEEP_MAX_VALUES = 1 << 18
#: SQNR gained per extra bit when the step halves: ``20 log10(2)``, about 6.02 dB.
DB_PER_BIT = 20 * math.log10(2)
#: The bit widths of the sweep: 2 to 16.
SWEEP_BITS: tuple[int, ...] = tuple(range(MIN_BITS, MAX_BITS + 1))


def subsample(x: np.ndarray, max_values: int = SWEEP_MAX_VALUES, seed: int = 0) -> np.ndarray:
    """At most ``max_values`` values of ``x``, flattened to float32, in tensor order.

    With ``x.size <= max_values`` every value is kept; otherwise ``max_values`` distinct
    positions are drawn uniformly without replacement by ``np.random.default_rng(seed)`` and
    sorted (so batches fed to an observer keep the tensor's order). Deterministic. An empty
    ``x`` or ``max_values < 1`` raises ``ValueError``.
    """
    flat = np.asarray(x).reshape(-1)
    if flat.size == 0:
        raise ValueError("x is empty: there is nothing to sample")
    if isinstance(max_values, bool) or not isinstance(max_values, (int, np.integer)) \
            or max_values < 1:
        raise ValueError(f"max_values must be a positive integer, got {max_values!r}")
    if flat.size <= max_values:
        return flat.astype(np.float32)
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(flat.size, size=int(max_values), replace=False))
    return flat[keep].astype(np.float32)


@dataclass(frozen=True)
class RangeScore:
    """How well the range ``[x_min, x_max]`` quantizes a tensor under one config.

    ``rounding_mse + clipping_mse == mse`` (see ``metrics.error_split``);
    ``effective_bits = log2(codes_used)``.
    """

    x_min: float
    x_max: float
    scale: float
    zero_point: int
    mse: float
    sqnr_db: float
    rounding_mse: float
    clipping_mse: float
    fraction_clipped: float
    codes_used: int
    effective_bits: float

    @property
    def clipping_dominates(self) -> bool:
        """True when saturation costs more than rounding: ``clipping_mse > rounding_mse``."""
        return self.clipping_mse > self.rounding_mse


def score_range(x: np.ndarray, cfg: QuantConfig, x_min: float, x_max: float) -> RangeScore:
    """Quantize ``x`` with ``compute_qparams(x_min, x_max, cfg)`` and measure the result.

    One pass of ``metrics.summarize``: MSE, SQNR, the rounding/clipping split, the share of
    clipped values and the codes used. Edge cases as in ``compute_qparams`` (a degenerate range
    gets ``scale = eps``) and ``metrics.sqnr_db`` (``inf`` for an exact reconstruction).
    """
    qp = compute_qparams(x_min, x_max, cfg)
    _, _, s = summarize(np.asarray(x).reshape(-1), qp)
    return RangeScore(
        x_min=float(x_min), x_max=float(x_max), scale=float(s.scale),
        zero_point=int(s.zero_point), mse=s.mse, sqnr_db=s.sqnr_db,
        rounding_mse=s.split.rounding_mse, clipping_mse=s.split.clipping_mse,
        fraction_clipped=s.fraction_clipped, codes_used=s.usage.used,
        effective_bits=s.usage.effective_bits,
    )


# -- bit-width sweep ------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepScheme:
    """One line of the bit-width sweep: a scheme and a signedness (``narrow`` when asked)."""

    key: str
    scheme: str
    signed: bool


#: The schemes the bit-width sweep compares.
SWEEP_SCHEMES: tuple[SweepScheme, ...] = (
    SweepScheme("asymmetric", "asymmetric", False),
    SweepScheme("symmetric_signed", "symmetric", True),
    SweepScheme("symmetric_unsigned", "symmetric", False),
)


def sweep_config(scheme: SweepScheme, bits: int, narrow: bool = False) -> QuantConfig:
    """The ``QuantConfig`` of one sweep point; ``narrow`` applies to signed schemes only.

    (An unsigned narrow range drops code 0, which no sweep here is about.)
    """
    return QuantConfig(bits, scheme.scheme, scheme.signed, bool(narrow and scheme.signed))


def sweep_point(x: np.ndarray, scheme: SweepScheme, bits: int, method: str,
                params: Sequence[tuple[str, object]] = (), narrow: bool = False) -> RangeScore:
    """Calibrate ``x`` with observer ``method`` under the sweep config, then score the range.

    ``params`` are the observer's ``(name, value)`` pairs, ``batches`` included (as
    ``observers.calibrate`` takes them). The MSE and entropy observers depend on the config,
    so every point calibrates anew.
    """
    cfg = sweep_config(scheme, bits, narrow)
    x_min, x_max = calibrate(method, x, cfg, **dict(params))
    return score_range(x, cfg, x_min, x_max)


@dataclass(frozen=True)
class BitSweep:
    """Scores of every scheme at every bit width: ``scores[key][i]`` is at ``bits[i]``."""

    bits: tuple[int, ...]
    scores: dict[str, tuple[RangeScore, ...]]
    n: int

    @property
    def max_effective_bits(self) -> float:
        """``log2(n)``: n values use at most n codes, so no bit width gives more bits."""
        return math.log2(self.n)

    def series(self, key: str, field: str) -> list[float]:
        """One field (``"sqnr_db"``, ``"mse"``, ``"effective_bits"``, ...) along the bits."""
        return [getattr(s, field) for s in self.scores[key]]

    def clipping_dominates(self, key: str) -> list[bool]:
        return [s.clipping_dominates for s in self.scores[key]]


def bit_sweep(x: np.ndarray, method: str, params: Sequence[tuple[str, object]] = (),
              narrow: bool = False, bits: Sequence[int] = SWEEP_BITS,
              schemes: Sequence[SweepScheme] = SWEEP_SCHEMES,
              progress: Callable[[float], None] | None = None) -> BitSweep:
    """:func:`sweep_point` for every scheme and bit width, in that order.

    ``progress(done / total)`` is called after each point when given. ``x`` is used as is;
    pass :func:`subsample` of a large tensor.
    """
    total = len(bits) * len(schemes)
    scores: dict[str, tuple[RangeScore, ...]] = {}
    done = 0
    for scheme in schemes:
        row = []
        for b in bits:
            row.append(sweep_point(x, scheme, b, method, params, narrow))
            done += 1
            if progress is not None:
                progress(done / total)
        scores[scheme.key] = tuple(row)
    return BitSweep(tuple(bits), scores, int(np.asarray(x).size))


#: The scheme the others are measured against on the Bits page's difference chart.
GAP_BASE = "asymmetric"
#: The difference chart's y axis spans at least this many dB (a 0.01 dB wobble is no cliff).
GAP_MIN_SPAN_DB = 1.0


def sqnr_gap(sweep: BitSweep, key: str, base: str = GAP_BASE) -> list[float]:
    """``SQNR(key) - SQNR(base)`` in dB at each bit width (0 for ``base`` itself).

    Two infinite SQNRs (both exact) give 0; one infinite gives ``inf`` or ``-inf``.
    """
    out = []
    for a, b in zip(sweep.scores[key], sweep.scores[base], strict=True):
        out.append(0.0 if a.sqnr_db == b.sqnr_db else a.sqnr_db - b.sqnr_db)
    return out


def gap_range(gaps: Sequence[Sequence[float]]) -> tuple[float, float]:
    """The y range of the difference chart: the finite gaps and 0, widened downwards to
    span at least ``GAP_MIN_SPAN_DB``, plus 5 % of the span on each side.

    E.g. gaps -0.43..0: span 1 dB from -1 to 0, padded: (-1.05, 0.05).
    """
    values = [0.0, *(float(v) for g in gaps for v in g if math.isfinite(v))]
    lo, hi = min(values), max(values)
    lo = min(lo, hi - GAP_MIN_SPAN_DB)
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


@dataclass(frozen=True)
class SchemeGap:
    """Why a scheme's SQNR differs from the base scheme's at one bit width.

    ``ratio = scale / base_scale``: with rounding the only error, spread evenly over each
    step, MSE grows with ``scale^2``, so SQNR changes by ``predicted_db = -20 log10(ratio)``;
    ``gap_db`` is what it did. ``x_min``/``x_max`` are each scheme's calibrated range;
    ``steps``/``base_steps`` are ``qmax - qmin`` of each grid (255 at 8 bits, 254 for narrow
    signed), spread over ``2 * amax`` (symmetric) and over ``[base_lo, base_hi]`` (asymmetric),
    so that ``ratio = (2 * amax / steps) / ((base_hi - base_lo) / base_steps)`` up to float32
    rounding.
    """

    gap_db: float
    ratio: float
    predicted_db: float
    x_min: float
    x_max: float
    base_x_min: float
    base_x_max: float
    steps: int = 0
    base_steps: int = 0

    @property
    def amax(self) -> float:
        """``max(-min(x_min, 0), max(x_max, 0))``: the symmetric grid spans ``±amax``."""
        return max(-min(self.x_min, 0.0), max(self.x_max, 0.0))

    @property
    def base_lo(self) -> float:
        """``min(base_x_min, 0)``: where the asymmetric grid starts (it always holds 0)."""
        return min(self.base_x_min, 0.0)

    @property
    def base_hi(self) -> float:
        """``max(base_x_max, 0)``: where the asymmetric grid ends."""
        return max(self.base_x_max, 0.0)


def scheme_gap(sweep: BitSweep, key: str, bits: int, base: str = GAP_BASE,
               narrow: bool = False) -> SchemeGap:
    """:class:`SchemeGap` of ``key`` against ``base`` at ``bits`` (one of ``sweep.bits``,
    else ``ValueError``); ``narrow`` as the sweep was run (it sets the signed grid's steps)."""
    if bits not in sweep.bits:
        raise ValueError(f"bits={bits!r} is not one of the sweep's {sweep.bits}")
    i = sweep.bits.index(bits)
    s, b = sweep.scores[key][i], sweep.scores[base][i]
    schemes = {sc.key: sc for sc in SWEEP_SCHEMES}
    steps = [sweep_config(schemes[k], bits, narrow) for k in (key, base)]
    ratio = s.scale / b.scale
    return SchemeGap(sqnr_gap(sweep, key, base)[i], ratio, -20 * math.log10(ratio),
                     s.x_min, s.x_max, b.x_min, b.x_max,
                     steps[0].qmax - steps[0].qmin, steps[1].qmax - steps[1].qmin)


def reference_line(bits: Sequence[int], anchor_bits: int, anchor_db: float) -> list[float]:
    """The 6.02 dB-per-bit line through ``(anchor_bits, anchor_db)``.

    ``anchor_db + 20 log10(2) * (b - anchor_bits)`` for each ``b``: each bit halves the step,
    which quarters the rounding MSE. A non-finite anchor raises ``ValueError``.
    """
    if not math.isfinite(anchor_db):
        raise ValueError(f"anchor_db={anchor_db!r} must be finite")
    return [anchor_db + DB_PER_BIT * (b - anchor_bits) for b in bits]


def reference_anchor(sweep: BitSweep, prefer_bits: int = 8) -> tuple[int, float] | None:
    """Where the 6.02 dB-per-bit line is pinned: ``(bits, sqnr_db)`` of one sweep point.

    The first scheme (in sweep order) with a point where rounding dominates and the SQNR is
    finite; of its such points, the one at ``prefer_bits`` if there is one, else the widest
    below it, else the narrowest above it. A line through a point where clipping dominates
    would sit on the plateau and say nothing about rounding. ``None`` when no point fits.
    """
    for scores in sweep.scores.values():
        fits = [(b, s.sqnr_db) for b, s in zip(sweep.bits, scores, strict=True)
                if not s.clipping_dominates and math.isfinite(s.sqnr_db)]
        if not fits:
            continue
        below = [f for f in fits if f[0] <= prefer_bits]
        return below[-1] if below else fits[0]
    return None


@dataclass(frozen=True)
class EntropyBits:
    """Where the entropy calibrator's SQNR is not monotone in bits, for one sweep scheme.

    ``full_bits``: the first bit width whose ``levels`` (codes over ``[0, T]``, see
    ``observers.entropy_levels``) reach the ``bins`` of the search's histogram; from there the
    search has nothing to cut and keeps the full range (``None`` if no swept width gets there).
    ``jump``: SQNR (dB) at the width before ``full_bits`` and at ``full_bits``. ``drops``:
    every ``(bits, sqnr_before, sqnr_at)`` where one more bit gave a lower SQNR.
    """

    levels: int | None
    full_bits: int | None
    jump: tuple[float, float] | None
    drops: tuple[tuple[int, float, float], ...]


def entropy_bits(sweep: BitSweep, x: np.ndarray,
                 schemes: Sequence[SweepScheme] = SWEEP_SCHEMES,
                 bins: int = ENTROPY_BINS) -> dict[str, EntropyBits]:
    """:class:`EntropyBits` of each scheme of an entropy-calibrated ``sweep``.

    ``x`` are the swept values: when all are ``>= 0`` the observer counts the codes of
    ``[0, T]`` only. The entropy search groups ``bins`` histogram bins into
    ``levels`` slices: once ``levels >= bins`` every bin is its own code and nothing is
    clipped, so SQNR jumps up to MinMax's; below that, one more bit can let the search clip
    deeper (it minimises a KL divergence, not the MSE) and SQNR can fall.
    """
    nonnegative = bool(np.min(x) >= 0)
    out = {}
    for scheme in schemes:
        sqnr = sweep.series(scheme.key, "sqnr_db")
        full = [b for b in sweep.bits
                if entropy_levels(sweep_config(scheme, b), nonnegative) >= bins]
        full_bits = full[0] if full else None
        levels = None if full_bits is None else \
            entropy_levels(sweep_config(scheme, full_bits), nonnegative)
        k = None if full_bits is None else sweep.bits.index(full_bits)
        jump = (sqnr[k - 1], sqnr[k]) if k else None
        drops = tuple((b, sqnr[i - 1], sqnr[i]) for i, b in enumerate(sweep.bits)
                      if i and sqnr[i] < sqnr[i - 1])
        out[scheme.key] = EntropyBits(levels, full_bits, jump, drops)
    return out


# -- MSE against the clipping threshold ------------------------------------------------------


def threshold_alphas(n_log: int = 81, n_linear: int = 100, smallest: float = 1e-3) -> np.ndarray:
    """Shrink factors ``alpha`` in ``(0, 1]`` for the trade-off curve, sorted, unique.

    The union of ``n_log`` geometric steps from ``smallest`` to 1 (heavy tails have their best
    threshold far below the max) and ``k / n_linear`` for ``k = 1 .. n_linear`` (the MSE
    observer's own candidates, so its choice lies on the curve).
    """
    if not 0 < smallest < 1 or n_log < 2 or n_linear < 1:
        raise ValueError(f"need 0 < smallest < 1, n_log >= 2, n_linear >= 1; got {smallest!r}, "
                         f"{n_log!r}, {n_linear!r}")
    alphas = np.concatenate([np.geomspace(smallest, 1.0, n_log),
                             np.arange(1, n_linear + 1) / n_linear])
    return np.unique(np.round(alphas, 12))


def threshold_range(alpha: float, x_min: float, x_max: float,
                    cfg: QuantConfig) -> tuple[float, float]:
    """The candidate range of shrink factor ``alpha`` for the data range ``[x_min, x_max]``.

    Symmetric: ``[-T, T]`` with ``T = alpha * max(-min(x_min, 0), max(x_max, 0))``.
    Asymmetric: ``[alpha * x_min, alpha * x_max]`` (the MSE observer's candidates), each end
    rounded to float32.
    """
    if cfg.scheme == "symmetric":
        t = np.float32(alpha * threshold_of(x_min, x_max))
        return float(-t), float(t)
    return float(np.float32(alpha * float(x_min))), float(np.float32(alpha * float(x_max)))


def threshold_ranges(alphas: np.ndarray, x_min: float, x_max: float,
                     cfg: QuantConfig) -> tuple[np.ndarray, np.ndarray]:
    """:func:`threshold_range` of every shrink factor in ``alphas`` at once: ``(lo, hi)``,
    float32 arrays whose ``i``-th entries equal ``threshold_range(alphas[i], ...)`` exactly
    (the same float64 product, rounded once to float32)."""
    a = np.asarray(alphas, dtype=np.float64).reshape(-1)
    if cfg.scheme == "symmetric":
        t = (a * threshold_of(x_min, x_max)).astype(np.float32)
        return -t, t
    return (a * float(x_min)).astype(np.float32), (a * float(x_max)).astype(np.float32)


def threshold_of(x_min: float, x_max: float) -> float:
    """The clipping threshold of a range: ``T = max(-min(x_min, 0), max(x_max, 0))``."""
    return float(max(-min(float(x_min), 0.0), max(float(x_max), 0.0)))


def on_threshold_curve(obs_range: tuple[float, float], data_range: tuple[float, float],
                       cfg: QuantConfig, rtol: float = 1e-5) -> bool:
    """Whether the range ``obs_range`` is one the trade-off curve tries.

    Both ranges are first widened to include 0 (as ``compute_qparams`` does). Symmetric: always
    (the parameters depend only on ``T``). Asymmetric: when ``obs_range`` is
    ``alpha * data_range`` for one ``alpha``, ends compared with relative tolerance ``rtol``
    (float32 rounding of the candidates). A data range without extent counts as on the curve.
    """
    if cfg.scheme == "symmetric":
        return True
    lo, hi = min(float(obs_range[0]), 0.0), max(float(obs_range[1]), 0.0)
    d_lo, d_hi = min(float(data_range[0]), 0.0), max(float(data_range[1]), 0.0)
    amax = threshold_of(d_lo, d_hi)
    if amax == 0:
        return True
    alpha = threshold_of(lo, hi) / amax
    return bool(np.isclose(lo, alpha * d_lo, rtol=rtol, atol=rtol * amax)
                and np.isclose(hi, alpha * d_hi, rtol=rtol, atol=rtol * amax))


@dataclass(frozen=True)
class ThresholdCurve:
    """MSE against the clipping threshold ``T``, split into rounding and clipping parts.

    ``thresholds[i] = alphas[i] * threshold_of(x_min, x_max)``; ``n`` values were quantized.
    """

    alphas: np.ndarray
    thresholds: np.ndarray
    rounding_mse: np.ndarray
    clipping_mse: np.ndarray
    total_mse: np.ndarray
    n: int

    @property
    def best(self) -> int:
        """Index of the least total MSE (the widest range on a tie, as the MSE observer)."""
        total = self.total_mse
        return int(np.flatnonzero(total == total.min())[-1])

    def focus(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """Axis ranges ``((T_lo, T_hi), (mse_lo, mse_hi))`` around where the curve turns.

        Left of the first threshold whose total MSE is below a quarter of the largest, the
        curve only says "everything clips"; the T axis starts at half that threshold and ends
        10 % past the largest. The MSE axis runs from a thirtieth of the least total MSE to
        twice the largest (the rounding part of tiny thresholds falls far below; it is cut).
        ``None`` when no total MSE is positive (a tensor quantized exactly).
        """
        total, t = self.total_mse, self.thresholds
        positive = total[total > 0]
        if positive.size == 0 or t[-1] <= 0:
            return None
        low = np.flatnonzero(total < 0.25 * total.max())
        start = t[low[0]] / 2 if low.size else t[0]
        return ((float(max(start, t[0])), float(t[-1] * 1.1)),
                (float(positive.min() / 30), float(total.max() * 2)))


def threshold_curve(x: np.ndarray, cfg: QuantConfig, x_min: float, x_max: float,
                    alphas: np.ndarray | None = None) -> ThresholdCurve:
    """Quantize ``x`` with every :func:`threshold_range` and split each MSE.

    Small thresholds give fine steps but clip much (clipping MSE grows); large ones clip
    nothing but coarsen the steps (rounding MSE grows like ``T^2``). ``[x_min, x_max]`` is the
    data range (of the whole tensor when ``x`` is a sample). ``alphas`` defaults to
    :func:`threshold_alphas`. A range without extent (all zeros) gives ``T = 0`` throughout.
    """
    a = threshold_alphas() if alphas is None else np.asarray(alphas, dtype=np.float64)
    if a.size == 0 or np.any(a <= 0) or np.any(a > 1):
        raise ValueError(f"alphas must be non-empty and in (0, 1], got {a!r}")
    flat = np.asarray(x).reshape(-1)
    # every candidate's scale and zero point in one call: compute_qparams is elementwise, so
    # each entry equals compute_qparams(*threshold_range(alpha, ...)) for its alpha alone
    grid = compute_qparams(*threshold_ranges(a, x_min, x_max, cfg), cfg)
    splits = [quantized_error_split(flat, QParams(float(s), int(z), grid.qmin, grid.qmax, cfg))
              for s, z in zip(np.ravel(grid.scale), np.ravel(grid.zero_point), strict=True)]
    return ThresholdCurve(
        alphas=a,
        thresholds=a * threshold_of(x_min, x_max),
        rounding_mse=np.array([s.rounding_mse for s in splits]),
        clipping_mse=np.array([s.clipping_mse for s in splits]),
        total_mse=np.array([s.total_mse for s in splits]),
        n=int(flat.size),
    )


# -- a stream of batches ---------------------------------------------------------------------


@dataclass(frozen=True)
class StreamRanges:
    """Each batch's own range and the ranges of MinMax and the moving average after it.

    Arrays of one entry per batch; ``moving_*`` follow ``m += c * (batch_m - m)``.
    """

    batch_min: np.ndarray
    batch_max: np.ndarray
    minmax_min: np.ndarray
    minmax_max: np.ndarray
    moving_min: np.ndarray
    moving_max: np.ndarray
    averaging_constant: float


def stream_ranges(batches: Sequence[np.ndarray], averaging_constant: float) -> StreamRanges:
    """Feed ``batches`` in order to a MinMax and a moving-average observer; keep their history.

    MinMax's range only widens: one spike stays in it forever. The moving average moves
    ``c = averaging_constant`` of the way to each batch's own min/max, so a spike moves it a
    little and is then forgotten, and a drift is followed with a lag of about ``1/c`` batches.
    Empty batches are skipped (as the observers do); no non-empty batch raises ``ValueError``.
    """
    minmax = MinMaxObserver()
    moving = MovingAverageMinMaxObserver(averaging_constant)
    own = []
    for batch in batches:
        b = np.asarray(batch, dtype=np.float32).reshape(-1)
        if b.size == 0:
            continue
        minmax.update(b)
        moving.update(b)
        own.append((float(b.min()), float(b.max())))
    if not own:
        raise ValueError("the stream holds no values")
    mm, mv, ow = np.array(minmax.history), np.array(moving.history), np.array(own)
    return StreamRanges(ow[:, 0], ow[:, 1], mm[:, 0], mm[:, 1], mv[:, 0], mv[:, 1],
                        float(averaging_constant))
