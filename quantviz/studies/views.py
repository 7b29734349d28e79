"""The data behind each page's figures, computed once from a tensor and a config.

A view is a frozen bundle of small things (binned histograms, a few thousand staircase points,
code counts, the summary metrics): it never holds the tensor, so it can be cached and shared
between sessions without its size growing with the data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from quantviz.metrics import Histogram, QuantSummary, histogram, summarize
from quantviz.quantize import (
    ARITHMETICS,
    QParams,
    QuantConfig,
    compute_qparams,
    dequantize,
    quantize,
)

#: Bins of the value histogram and of the error histograms.
VALUE_BINS = 120
ERROR_BINS = 60
#: Points on the x axis of the staircase.
STAIRCASE_POINTS = 1500


@dataclass(frozen=True)
class Staircase:
    """``q(x)`` and ``x_hat(x)`` on a sorted sample ``x`` of the axis (not of the data)."""

    x: np.ndarray
    q: np.ndarray
    x_hat: np.ndarray


@dataclass(frozen=True)
class ErrorHistograms:
    """``x_hat - x`` binned apart for in-range elements (rounding) and clipped ones.

    ``uniform_count``: the count per rounding bin that uniform noise on ``[-scale/2, scale/2]``
    would give, ``n_in_range * bin_width / scale``.
    """

    rounding: Histogram
    clipped: Histogram
    uniform_count: float


@dataclass(frozen=True)
class ExploreView:
    """Everything the Explore page draws for one tensor and one config."""

    qp: QParams
    x_min: float
    x_max: float
    data_min: float
    data_max: float
    n: int
    summary: QuantSummary
    values: Histogram
    grid: np.ndarray
    staircase: Staircase
    errors: ErrorHistograms


def grid_values(qp: QParams) -> np.ndarray:
    """``x_hat`` of every code ``qmin..qmax``: the values the grid can represent."""
    codes = np.arange(qp.qmin, qp.qmax + 1, dtype=np.int64)
    return dequantize(codes.astype(qp.config.dtype), qp)


def staircase(lo: float, hi: float, qp: QParams, points: int = STAIRCASE_POINTS) -> Staircase:
    """Sample ``[lo, hi]`` evenly with ``points`` values and map each through ``q`` and ``x_hat``.

    ``lo == hi`` is widened by one step of ``scale`` on each side so the axis is never empty.
    """
    if not hi > lo:
        lo, hi = lo - float(qp.scale), hi + float(qp.scale)
    x = np.linspace(lo, hi, points, dtype=np.float32)
    q = quantize(x, qp)
    return Staircase(x, q, dequantize(q, qp))


def error_histograms(
    err: np.ndarray, clipped: np.ndarray, scale: float, bins: int = ERROR_BINS
) -> ErrorHistograms:
    """Bin ``err = x_hat - x`` apart for in-range and clipped elements.

    In-range errors lie in ``[-scale/2, scale/2]`` (up to float rounding), so they are binned
    on ``[-0.6 scale, 0.6 scale]``; clipped errors on their own range, widened by half a step
    on each side (a single clipped value, such as +max of full-range symmetric landing on a
    half step, would otherwise get numpy's default range of +-0.5 and squash the rounding
    band beside it). When every element (or none) is clipped, the empty side is all-zero bins.
    """
    inside = err[~clipped]
    half = 0.6 * scale
    rounding = histogram(inside, bins, (-half, half)) if inside.size else Histogram(
        np.linspace(-half, half, bins + 1), np.zeros(bins, dtype=np.int64))
    outside = err[clipped]
    if outside.size:
        pad = scale / 2
        lo, hi = float(outside.min()), float(outside.max())
        clip_hist = histogram(outside, bins, (lo - pad, hi + pad))
    else:
        clip_hist = Histogram(np.array([0.0, 1.0]), np.zeros(1, dtype=np.int64))
    width = 2 * half / bins
    return ErrorHistograms(rounding, clip_hist, inside.size * width / scale)


def explore_view(x: np.ndarray, qp: QParams, x_min: float, x_max: float) -> ExploreView:
    """Quantize ``x`` with ``qp`` (calibrated on ``[x_min, x_max]``) and bin what the page shows."""
    x = np.asarray(x, dtype=np.float32).ravel()
    if x.size == 0:
        raise ValueError("x is empty: there is nothing to quantize")
    q, x_hat, summary, clipped = summarize(x, qp, return_clipped=True)
    err = np.subtract(x_hat, x, dtype=np.float32)
    data_min, data_max = float(x.min()), float(x.max())
    lo = min(data_min, float(qp.x_lo))
    hi = max(data_max, float(qp.x_hi))
    pad = 0.05 * (hi - lo)
    return ExploreView(
        qp=qp,
        x_min=float(x_min),
        x_max=float(x_max),
        data_min=data_min,
        data_max=data_max,
        n=int(x.size),
        summary=summary,
        values=histogram(x, VALUE_BINS),
        grid=grid_values(qp),
        staircase=staircase(lo - pad, hi + pad, qp),
        errors=error_histograms(err, clipped, float(qp.scale)),
    )


def explore_for_range(x: np.ndarray, x_min: float, x_max: float, cfg) -> ExploreView:
    """:func:`explore_view` with the parameters computed from the range ``[x_min, x_max]``."""
    return explore_view(x, compute_qparams(x_min, x_max, cfg), x_min, x_max)


@dataclass(frozen=True)
class Disagreement:
    """Where ``cfg``'s arithmetic and ``other`` give different codes on the same range.

    ``count`` elements differ; ``x`` holds up to a few of them, with ``scaled`` = ``x / scale``
    in float64 (how close to a half step it lies) and the two codes ``q`` and ``q_other``.
    ``zero_point`` and ``zero_point_other``: each arithmetic's own zero point for the range
    (they differ when ``qmin - x_min / scale`` lies near a half step: [-20, 20] in uint8 gives
    127.5, rounded to 127 in float32 and to 128 in float64, and then nearly every code moves).
    ``ties``: how many of the ``count`` lie within float32 rounding of a half step
    (``|x / scale - floor(x / scale) - 1/2| <= TIE_TOLERANCE * max(1, |x / scale|)``) and move
    by one code.
    """

    other: str
    count: int
    x: np.ndarray
    scaled: np.ndarray
    q: np.ndarray
    q_other: np.ndarray
    zero_point: int = 0
    zero_point_other: int = 0
    ties: int = 0

    @property
    def zero_points_differ(self) -> bool:
        return self.zero_point != self.zero_point_other


#: Relative distance from a half step within which a code difference counts as a near-tie:
#: a few float32 roundings (2^-24 each) of ``x``, ``1/scale`` and their product, with room.
TIE_TOLERANCE = 2.0**-20


def _near_ties(x: np.ndarray, q: np.ndarray, q_other: np.ndarray, scale: float) -> int:
    scaled = x.astype(np.float64) / scale
    half = np.abs(scaled - np.floor(scaled) - 0.5) <= TIE_TOLERANCE * np.maximum(1, abs(scaled))
    one = np.abs(q.astype(np.int64) - q_other.astype(np.int64)) == 1
    return int(np.count_nonzero(half & one))


def disagreements(
    x: np.ndarray, cfg: QuantConfig, x_min: float, x_max: float, examples: int = 5
) -> tuple[Disagreement, ...]:
    """Compare ``cfg``'s arithmetic with each other one on ``x`` over ``[x_min, x_max]``.

    With equal zero points differences are near-ties of ``x / scale`` (or the saturation
    bounds), so few; with different zero points nearly every code differs. The result is
    small either way: a count per other arithmetic and at most ``examples`` values each.
    Those whose zero point differs come first.
    """
    flat = np.ravel(x)
    qp = compute_qparams(x_min, x_max, cfg)
    q = quantize(flat, qp).ravel()  # this arithmetic's codes, computed once for all others
    out = []
    for other in ARITHMETICS:
        if other == cfg.arithmetic:
            continue
        qp_other = compute_qparams(x_min, x_max, replace(cfg, arithmetic=other))
        q_other = quantize(flat, qp_other).ravel()
        idx = np.flatnonzero(q != q_other)
        shown = flat[idx[:examples]]
        out.append(Disagreement(
            other=other,
            count=int(idx.size),
            x=shown,
            scaled=shown.astype(np.float64) / float(qp.scale),
            q=quantize(shown, qp),
            q_other=quantize(shown, qp_other),
            zero_point=int(qp.zero_point),
            zero_point_other=int(qp_other.zero_point),
            ties=_near_ties(flat[idx], q[idx], q_other[idx], float(qp.scale)),
        ))
    return tuple(sorted(out, key=lambda d: not d.zero_points_differ))
