"""Figures of the granularity study: ranges and errors per channel, the trade-off, group heat maps.

Builders follow :mod:`quantviz.present.base` (the shape, the look and the encoding).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from quantviz.present.base import (
    DEFAULT_THEME,
    GREY,
    Theme,
    _finite,
    _framed,
    _layout,
    _log_axis,
    _scatter,
    fixed_plot_area,
    placed_names,
)


def channel_ranges(
    channel: Sequence[int],
    x_min: Sequence[float],
    x_max: Sequence[float],
    *,
    tensor_range: tuple[float, float],
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Each channel's ``[x_min, x_max]`` as a band, with the per-tensor range as dashed lines.

    ``channel`` is the x position of each point (a channel index or the first channel of a
    pooled block); the caller pools and orders.
    """
    labels = dict(labels or {})
    xs = np.asarray(channel)
    lo, hi = tensor_range
    span = [float(xs[0]), float(xs[-1])] if len(xs) else [0.0, 1.0]
    traces = [
        _scatter(x=xs, y=np.asarray(x_min, dtype=np.float64), mode="lines",
                 name=labels.get("x_min", "x_min per channel"),
                 line={"color": theme.color(0), "width": 1.5}),
        _scatter(x=xs, y=np.asarray(x_max, dtype=np.float64), mode="lines",
                 name=labels.get("x_max", "x_max per channel"), fill="tonexty",
                 line={"color": theme.color(1), "width": 1.5}),
        _scatter(x=span + [None] + span, y=[lo, lo, None, hi, hi], mode="lines",
                   name=labels.get("tensor", "per-tensor range"),
                   line={"color": GREY, "dash": "dash", "width": 2}),
    ]
    return go.Figure(traces, _layout(theme, labels.get("title", "Range of each channel"),
                                     labels.get("x", "channel"), labels.get("y", "x"),
                                     **_framed(traces)))


def channel_errors(
    channel: Sequence[int],
    curves: Mapping[str, Sequence[float]],
    *,
    log_y: bool = False,
    y_title: str = "MSE",
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """One line per granularity of an error measure per channel (MSE or SQNR).

    ``curves[name][i]`` belongs to ``channel[i]``; non-finite values (an exact channel) leave
    gaps.
    """
    labels = dict(labels or {})
    mode = "lines" if len(channel) > 200 else "lines+markers"
    traces = [_scatter(x=np.asarray(channel), y=_finite(ys), mode=mode, name=name,
                      line={"color": theme.color(i), "width": 1.5}, marker={"size": 4})
              for i, (name, ys) in enumerate(curves.items())]
    yaxis = _log_axis([v for ys in curves.values() for v in ys]) if log_y else {}
    return go.Figure(traces, _layout(theme, labels.get("title", "Error per channel"),
                                     labels.get("x", "channel"), y_title, yaxis=yaxis,
                                     **_framed(traces)))


#: The trade-off chart is this share of the theme's height taller than other charts: ten
#: names (choices and formats) need the room to lie apart on a 320 px wide chart.
TRADEOFF_TALLER = 0.25


def granularity_tradeoff(
    points: Sequence[tuple[str, float, float]],
    *,
    selected: Sequence[str] = (),
    extra: Sequence[tuple[str, float, float]] = (),
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """SQNR against the parameter overhead in bits per weight, one marker per choice.

    ``points`` are ``(name, bits_per_weight, sqnr_db)``; names in ``selected`` are drawn large
    and filled, the rest small and open. The x axis is logarithmic (per tensor costs a few
    thousandths of a bit, groups of 16 a few bits). ``extra`` points (number formats with the
    same element bits) are drawn as diamonds under ``labels["extra"]``. Every finite point is
    named by an annotation beside, above or below its marker, placed in the fixed frame's plot
    area so that no two names, no name and marker, and no name and tick label meet at any
    width from a phone's to a wide screen's (:func:`base.placed_names`).
    """
    labels = dict(labels or {})
    traces = []
    hover = "%{text}<br>%{x:.4g} bits per weight<br>%{y:.2f} dB<extra></extra>"
    if extra:
        traces.append(_scatter(
            x=[p[1] for p in extra], y=_finite([p[2] for p in extra]),
            text=[p[0] for p in extra], mode="markers",
            name=labels.get("extra", "number formats"), hovertemplate=hover,
            marker={"size": 11, "symbol": "diamond-open", "color": theme.color(3),
                    "line": {"width": 2}}))
    points = list(points)
    everything = points + list(extra)
    chosen = [p for p in points if p[0] in selected]
    others = [p for p in points if p[0] not in selected]
    for group, name, size, symbol, color in (
        (others, labels.get("others", "other choices"), 10, "circle-open", GREY),
        (chosen, labels.get("selected", "shown above"), 16, "circle", theme.color(0)),
    ):
        if not group:
            continue
        traces.append(_scatter(
            x=[p[1] for p in group], y=_finite([p[2] for p in group]), text=[p[0] for p in group],
            mode="markers", name=name, hovertemplate=hover,
            marker={"size": size, "symbol": symbol, "color": color, "line": {"width": 2}}))
    xaxis = {"type": "log", "dtick": 1, "tickformat": "~g"}
    yaxis = {}
    finite = [p for p in everything if np.isfinite(p[2]) and p[1] > 0]
    ys = [p[2] for p in finite]
    if ys:  # room above and below for the names written beside the top and bottom markers
        pad = max(0.3 * (max(ys) - min(ys)), 3.0)
        yaxis["range"] = [min(ys) - pad, max(ys) + pad]
    if everything:
        xs = [p[1] for p in everything]
        xaxis["range"] = [np.log10(min(xs)) - 0.5, np.log10(max(xs)) + 0.5]
    frame = {**_framed(traces), "taller": round(TRADEOFF_TALLER * theme.height)}
    notes = []
    if finite:
        area = fixed_plot_area(theme, xaxis["range"], yaxis["range"], frame["legend_rows"],
                               frame["taller"])
        notes = placed_names(finite, {p[0] for p in finite}, area, theme, log_x=True)
    return go.Figure(traces, _layout(
        theme, labels.get("title", "Error against parameter cost"),
        labels.get("x", "parameter overhead (bits per weight)"),
        labels.get("y", "SQNR (dB)"), xaxis=xaxis, yaxis=yaxis, annotations=notes, **frame))


def group_heatmap(
    cells: np.ndarray,
    *,
    row_step: int,
    col_step: int,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Heat map of ``max |x|`` per (row, group), already pooled by the caller.

    Cell ``[r, c]`` covers rows from ``r * row_step`` and groups from ``c * col_step``; the axes
    count rows and groups of the tensor, not cells.
    """
    labels = dict(labels or {})
    cells = np.asarray(cells, dtype=np.float64)
    heat = dict(  # a dict, validated once (see _scatter)
        type="heatmap", z=cells, x=np.arange(cells.shape[1]) * col_step,
        y=np.arange(cells.shape[0]) * row_step, colorscale="Viridis",
        colorbar={"title": {"text": labels.get("z", "max |x|")}},
        hovertemplate="row %{y}<br>group %{x}<br>max |x| = %{z:.4g}<extra></extra>")
    return go.Figure([heat], _layout(
        theme, labels.get("title", "Largest |x| of each group"), labels.get("x", "group"),
        labels.get("y", "row"), xaxis={"dtick": col_step} if cells.shape[1] <= 12 else {},
        yaxis={"autorange": "reversed"}))
