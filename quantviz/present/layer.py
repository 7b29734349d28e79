"""Figures of the integer-layer study: integer histograms of codes and accumulators.

Builders follow :mod:`quantviz.present.base` (the shape, the look and the encoding).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from quantviz.present.base import (
    DEFAULT_THEME,
    Theme,
    _bin_bars,
    _framed,
    _layout,
    _log_axis,
    _vline,
    _vrect,
)


def integer_histogram(
    edges: Sequence[float],
    series: Mapping[str, Sequence[int]],
    *,
    limits: tuple[float, float] | None = None,
    log_y: bool = False,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Counts of integer values (pair sums, accumulators) per bin, one overlaid series each.

    ``series[name][i]`` counts the values in ``[edges[i], edges[i+1])``. ``limits`` are the
    register's ends (say int16's): drawn as dashed lines, with the region outside shaded where
    values saturate. The y axis is logarithmic with ``log_y`` (a few saturated pairs among
    millions).
    """
    labels = dict(labels or {})
    traces = [_bin_bars(edges, np.asarray(counts), name, theme.color(i), 0.6)
              for i, (name, counts) in enumerate(series.items())]
    lo, hi = float(edges[0]), float(edges[-1])
    shapes = []
    if limits is not None:
        line = {"color": theme.clip_color, "width": 2, "dash": "dash"}
        shapes += [_vrect(x0, x1, theme.clip_color, 0.1)
                   for x0, x1 in ((lo, limits[0]), (limits[1], hi)) if x1 > x0]
        shapes += [_vline(v, line) for v in limits]
    yaxis = _log_axis([v for counts in series.values() for v in counts]) if log_y else {}
    return go.Figure(traces, _layout(
        theme, labels.get("title", "Integer values"), labels.get("x", "value"),
        labels.get("y", "count"), xaxis={"range": [lo, hi]}, yaxis=yaxis, barmode="overlay",
        shapes=shapes, **_framed(traces)))
