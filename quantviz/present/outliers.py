"""Figures of the outlier study: the smoothing curve and histogram pairs.

Builders follow :mod:`quantviz.present.base` (the shape, the look and the encoding).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from quantviz.metrics import Histogram
from quantviz.present.base import (
    _DASHES,
    DEFAULT_THEME,
    GREY,
    Theme,
    _bin_bars,
    _finite,
    _framed,
    _layout,
    _log_axis,
    _scatter,
    _vline,
)


def alpha_curve(
    alphas: Sequence[float],
    curves: Mapping[str, Sequence[float]],
    *,
    highlight: float | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """One line per measure (SQNR of X, W, Y) against SmoothQuant's ``alpha``.

    ``highlight`` draws a dotted vertical line at the chosen alpha. Non-finite values leave gaps.
    """
    labels = dict(labels or {})
    xs = [float(a) for a in alphas]
    traces = [_scatter(x=xs, y=_finite(ys), mode="lines+markers", name=name,
                       line={"color": theme.color(i), "dash": _DASHES[i % 3]}, marker={"size": 5})
              for i, (name, ys) in enumerate(curves.items())]
    shapes = [] if highlight is None else [_vline(highlight, {"color": GREY, "width": 1,
                                                              "dash": "dot"})]
    return go.Figure(traces, _layout(theme, labels.get("title", ""), labels.get("x", "alpha"),
                                     labels.get("y", "SQNR (dB)"), shapes=shapes,
                                     xaxis={"range": [-0.02, 1.02]}, **_framed(traces)))


def histogram_pair(
    before: Histogram,
    after: Histogram,
    *,
    log_y: bool = True,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Two binned histograms overlaid (before and after a transform), on a log count axis by
    default so the rare large values stay visible. Empty bins are left out on a log axis."""
    labels = dict(labels or {})
    traces = []
    for i, (hist, name) in enumerate(((before, labels.get("before", "before")),
                                      (after, labels.get("after", "after")))):
        counts = hist.counts.astype(np.float64)
        if log_y:
            counts = np.where(counts > 0, counts, np.nan)
        bars = _bin_bars(hist.edges, counts, name, theme.color(i), opacity=0.6)
        bars["y"] = _finite(counts)
        traces.append(bars)
    yaxis = _log_axis(np.concatenate([before.counts, after.counts])) if log_y else {}
    return go.Figure(traces, _layout(theme, labels.get("title", ""), labels.get("x", "x"),
                                     labels.get("y", "count"), yaxis=yaxis, barmode="overlay",
                                     **_framed(traces)))
