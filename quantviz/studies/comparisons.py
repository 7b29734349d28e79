"""Side-by-side comparison of quantization configs on one tensor.

The Compare page draws one column per config. To make differences visible at a glance the
columns share their axes: :func:`shared_axes` finds the common value axis, error axis and
count ranges from the per-config views, :func:`error_density` turns an error histogram into a
density (share of values per unit of error) so that columns with different bin widths are
comparable, and :func:`metric_rows` marks the best config of each measure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from quantviz.metrics import Histogram, QuantSummary
from quantviz.quantize import QuantConfig
from quantviz.studies.views import ErrorHistograms, ExploreView

#: The measures of the metrics table and which way is better (``None``: no better way).
METRICS: tuple[tuple[str, str | None], ...] = (
    ("scale", "min"),
    ("zero_point", None),
    ("mse", "min"),
    ("sqnr_db", "max"),
    ("max_abs_error", "min"),
    ("fraction_clipped", "min"),
    ("codes_used", "max"),
    ("effective_bits", "max"),
)


def dtype_name(cfg: QuantConfig) -> str:
    """The integer type a config stores: ``"int8"``, ``"uint4"`` ... (``int``/``uint`` + bits)."""
    return f"{'int' if cfg.signed else 'uint'}{cfg.bits}"


def best_marks(values: Sequence[float], goal: str | None) -> tuple[bool, ...]:
    """Which entries hold the best value: the least for ``"min"``, the largest for ``"max"``.

    Every entry equal to the best is marked (ties share the mark). Nothing is marked when
    ``goal`` is ``None``, when every value is the same (no difference to point at), or when
    none is a number; NaN is never best, ``inf`` is the best SQNR. Any other ``goal`` raises
    ``ValueError``.
    """
    if goal not in ("min", "max", None):
        raise ValueError(f"goal={goal!r} is not 'min', 'max' or None")
    v = np.asarray(values, dtype=np.float64)
    ok = ~np.isnan(v)
    if goal is None or not ok.any():
        return (False,) * v.size
    best = v[ok].min() if goal == "min" else v[ok].max()
    marks = ok & (v == best)
    if marks.all():
        return (False,) * v.size
    return tuple(bool(m) for m in marks)


@dataclass(frozen=True)
class MetricRow:
    """One measure across the configs, with the best entries marked."""

    key: str
    values: tuple[float, ...]
    best: tuple[bool, ...]


def metric_value(summary: QuantSummary, key: str) -> float:
    """A measure of :data:`METRICS` read off a summary (``codes_used`` and
    ``effective_bits`` from its code usage); an unknown key raises ``ValueError``."""
    if key in ("codes_used", "effective_bits"):
        return float(summary.usage.used if key == "codes_used" else summary.usage.effective_bits)
    if key not in dict(METRICS):
        raise ValueError(f"unknown measure {key!r}; expected one of {', '.join(dict(METRICS))}")
    return float(getattr(summary, key))


def metric_rows(summaries: Sequence[QuantSummary]) -> tuple[MetricRow, ...]:
    """Every measure of :data:`METRICS` for every summary, best entries marked."""
    if not summaries:
        raise ValueError("metric_rows needs at least one summary")
    rows = []
    for key, goal in METRICS:
        values = tuple(metric_value(s, key) for s in summaries)
        rows.append(MetricRow(key, values, best_marks(values, goal)))
    return tuple(rows)


@dataclass(frozen=True)
class Density:
    """A histogram as a density: ``values[i] = counts[i] / (n * width_i)`` over ``edges``."""

    edges: np.ndarray
    values: np.ndarray


def density(hist: Histogram, n: int) -> Density:
    """``hist`` divided by ``n`` times each bin's width: the share of values per unit of x.

    Its integral is the share of the ``n`` values that fell into the histogram, so histograms
    with different bin widths compare on one axis. ``n < 1`` or a zero-width bin raises
    ``ValueError``.
    """
    if n < 1:
        raise ValueError(f"n={n!r} must be at least 1")
    edges = np.asarray(hist.edges, dtype=np.float64)
    widths = np.diff(edges)
    if np.any(widths <= 0):
        raise ValueError(f"bins must have positive widths, got edges {edges!r}")
    return Density(edges, np.asarray(hist.counts, dtype=np.float64) / (n * widths))


@dataclass(frozen=True)
class ErrorDensity:
    """The error ``x_hat - x`` as densities: in-range (rounding) and clipped elements apart.

    ``uniform`` is the density of uniform rounding noise on ``[-scale/2, scale/2]`` carrying
    the in-range share: ``(n_in_range / n) / scale``.
    """

    rounding: Density
    clipped: Density
    uniform: float


def error_density(errors: ErrorHistograms, n: int) -> ErrorDensity:
    """:func:`density` of both error histograms of a view of ``n`` values.

    ``errors.uniform_count`` is ``n_in * width / scale`` per rounding bin, so the uniform
    density is ``uniform_count / (n * width)``. No clipped element gives an empty clipped
    density (all zeros).
    """
    rounding = density(errors.rounding, n)
    width = float(np.diff(errors.rounding.edges)[0])
    return ErrorDensity(rounding, density(errors.clipped, n), errors.uniform_count / (n * width))


@dataclass(frozen=True)
class SharedAxes:
    """Axis ranges every column of the comparison uses.

    ``x``: the value axis of the mappings (data range and every grid, padded by 5 %).
    ``error``: the error axis (every error histogram's bins).
    ``density``: ``(least positive, largest)`` error density, for a log or linear y axis.
    ``counts``: ``(least positive, largest)`` code count.
    """

    x: tuple[float, float]
    error: tuple[float, float]
    density: tuple[float, float]
    counts: tuple[int, int]


def _occupied(d: Density) -> tuple[float, float]:
    """From the left edge of the first non-empty bin to the right edge of the last."""
    full = np.flatnonzero(np.asarray(d.values) > 0)
    return float(d.edges[full[0]]), float(d.edges[full[-1] + 1])


def _positive_span(arrays: Sequence[np.ndarray]) -> tuple[float, float]:
    values = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])
    positive = values[values > 0]
    if positive.size == 0:
        return 0.0, 0.0
    return float(positive.min()), float(positive.max())


def shared_axes(views: Sequence[ExploreView], densities: Sequence[ErrorDensity]) -> SharedAxes:
    """The common axes of the views of one tensor under several configs.

    Value axis: ``[min(data_min, x_lo of each grid), max(data_max, x_hi of each grid)]``
    padded by 5 % of its width (one unit when it has none). Error axis: from the lowest to
    the highest bin edge of any rounding histogram and of the occupied bins of any clipped
    one (a lone clipped value gets a unit-wide histogram; only its own bin counts).
    ``densities[i]`` belongs to ``views[i]``.
    """
    if not views or len(views) != len(densities):
        raise ValueError(f"need as many densities as views, got {len(densities)} and "
                         f"{len(views)}")
    lo = min(min(v.data_min, float(v.qp.x_lo)) for v in views)
    hi = max(max(v.data_max, float(v.qp.x_hi)) for v in views)
    pad = 0.05 * (hi - lo) if hi > lo else 1.0
    spans = [(d.rounding.edges[0], d.rounding.edges[-1]) for d in densities]
    spans += [_occupied(d.clipped) for d in densities if np.any(d.clipped.values > 0)]
    error = (float(min(a for a, _ in spans)), float(max(b for _, b in spans)))
    dens = _positive_span([d.rounding.values for d in densities]
                          + [d.clipped.values for d in densities]
                          + [np.array([d.uniform]) for d in densities])
    counts = _positive_span([v.summary.usage.counts for v in views])
    return SharedAxes((lo - pad, hi + pad), error, dens, (int(counts[0]), int(counts[1])))


def log_range(lo: float, hi: float, margin: float = 0.1) -> tuple[float, float]:
    """Plotly's range of a log axis showing ``[lo, hi]``: ``log10`` of each, ``margin`` decades
    wider on each side. Non-positive bounds fall back to ``(0, 1)`` decades (1 to 10)."""
    if not (lo > 0 and hi > 0) or not (math.isfinite(lo) and math.isfinite(hi)):
        return 0.0, 1.0
    return math.log10(lo) - margin, math.log10(hi) + margin
