"""Figures of the sweeps: SQNR against bits, calibrator ranges, the clipping trade-off and ranges
batch by batch.

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
    _bars,
    _finite,
    _frame_bottom,
    _framed,
    _layout,
    _legend_entries,
    _log_axis,
    _log_ticks,
    _scatter,
    _vline,
    _vlines,
)


def sweep_lines(
    bits: Sequence[int],
    curves: Mapping[str, Sequence[float]],
    *,
    marked: Mapping[str, Sequence[bool]] | None = None,
    reference: Sequence[float] | None = None,
    highlight: int | None = None,
    log_y: bool = False,
    y_range: tuple[float, float] | None = None,
    y_title: str = "SQNR (dB)",
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """One line per scheme of a measure against ``bits``.

    ``marked[name][i]`` puts a large open marker on point ``i`` of that line (the bit widths
    where clipping, not rounding, dominates the error); ``reference`` is a dashed grey line
    computed by the caller (6.02 dB per bit, or ``y = bits`` for effective bits);
    ``highlight`` draws a vertical line at one bit width. Non-finite values leave gaps.
    ``y_range`` fixes the y axis (linear axes; values outside leave the chart).
    """
    labels = dict(labels or {})
    xs = [int(b) for b in bits]
    traces = [_scatter(x=xs, y=_finite(ys), mode="lines+markers", name=name,
                         line={"color": theme.color(i), "dash": _DASHES[i % 3]},
                         marker={"size": 6})
              for i, (name, ys) in enumerate(curves.items())]
    first_mark = True
    for i, (name, flags) in enumerate((marked or {}).items()):
        ys = np.asarray(curves[name], dtype=np.float64)
        idx = [k for k, f in enumerate(flags) if f]
        if not idx:
            continue
        traces.append(_scatter(
            x=[xs[k] for k in idx], y=_finite(ys[idx]), mode="markers",
            name=labels.get("marked", "clipping dominates"), legendgroup="marked",
            showlegend=first_mark,
            marker={"symbol": "diamond-open", "size": 14, "color": theme.color(i),
                    "line": {"width": 2}}))
        first_mark = False
    if reference is not None:
        traces.append(_scatter(x=xs, y=_finite(reference), mode="lines",
                                 name=labels.get("reference", "6.02 dB per bit"),
                                 line={"color": GREY, "dash": "dash"}))
    shapes = []
    if highlight is not None:
        shapes.append(_vline(highlight, {"color": GREY, "width": 1, "dash": "dot"}))
    xaxis = {"dtick": 1 if len(xs) <= 16 else None,
             "range": [min(xs) - 0.5, max(xs) + 0.5]} if xs else {}
    yaxis = _log_axis([v for ys in curves.values() for v in ys]) if log_y else {}
    if y_range is not None:
        yaxis["range"] = list(y_range)
    return go.Figure(traces, _layout(theme, labels.get("title", ""), labels.get("x", "bits"),
                                     y_title, xaxis=xaxis, yaxis=yaxis, shapes=shapes,
                                     **_framed(traces)))


def calibrator_ranges(
    hist: Histogram,
    ranges: Mapping[str, tuple[float, float]],
    *,
    log_y: bool = False,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Histogram of ``x`` with each calibrator's range ``[x_min, x_max]`` drawn over it.

    Calibrator ``i`` gets colour ``theme.color(i + 1)``: a bar at its own height from x_min to
    x_max and dashed vertical lines at both ends (values beyond them saturate).
    """
    labels = dict(labels or {})
    traces = [_bars(hist, labels.get("counts", "count of x"), theme.color(0), 0.6)]
    counts = np.asarray(hist.counts, dtype=np.float64)
    top = float(counts.max()) if counts.size and counts.max() > 0 else 1.0
    for i, (name, (lo, hi)) in enumerate(ranges.items()):
        color = theme.color(i + 1)
        level = top * (1.15 + 0.12 * i) if not log_y else top * 1.6 ** (i + 1)
        base = max(float(counts[counts > 0].min()), 1.0) if log_y and np.any(counts > 0) else 0.0
        px, py = _vlines([lo, hi], base, level)
        traces.append(_scatter(x=px, y=py, mode="lines", legendgroup=name, showlegend=False,
                                 line={"color": color, "width": 1.5, "dash": "dash"},
                                 hoverinfo="skip"))
        traces.append(_scatter(x=[lo, hi], y=[level, level], mode="lines+markers", name=name,
                                 legendgroup=name, line={"color": color, "width": 4},
                                 marker={"symbol": "line-ns-open", "size": 14},
                                 hovertemplate=f"{name}: [{lo:.4g}, {hi:.4g}]<extra></extra>"))
    yaxis = _log_axis(np.append(counts, top * 1.6 ** len(ranges))) if log_y else {}
    return go.Figure(traces, _layout(
        theme, labels.get("title", "Values x and each calibrator's range"), "x",
        # automatic margins: a full-width chart whose many entries share legend rows
        labels.get("y", "count"), yaxis=yaxis))


def threshold_tradeoff(
    thresholds: Sequence[float],
    rounding: Sequence[float],
    clipping: Sequence[float],
    total: Sequence[float],
    *,
    marks: Mapping[str, tuple[float, float]] | None = None,
    focus: tuple[tuple[float, float], tuple[float, float]] | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """MSE against the clipping threshold ``T`` (log-log), split into its two parts.

    Total MSE solid, rounding part (grows like ``T^2``) and clipping part (falls to 0 once
    nothing clips) dashed; ``marks[name] = (T, mse)`` places calibrator ``i`` with colour
    ``theme.color(i + 1)``, matching :func:`calibrator_ranges`. Zero MSEs are left out (a
    log axis cannot show them). ``focus = ((T_lo, T_hi), (mse_lo, mse_hi))`` in data units
    sets the visible part (see ``ThresholdCurve.focus``); otherwise plotly's autorange.
    """
    labels = dict(labels or {})
    t = np.asarray(thresholds, dtype=np.float64)

    def positive(values: Sequence[float]) -> list[float | None]:
        v = np.asarray(values, dtype=np.float64)
        return [float(a) if a > 0 and np.isfinite(a) else None for a in v]

    traces = [
        _scatter(x=t, y=positive(total), mode="lines", name=labels.get("total", "total MSE"),
                   line={"color": theme.color(7), "width": 3}),
        _scatter(x=t, y=positive(rounding), mode="lines",
                   name=labels.get("rounding", "rounding part"),
                   line={"color": theme.color(0), "dash": "dash"}),
        _scatter(x=t, y=positive(clipping), mode="lines",
                   name=labels.get("clipping", "clipping part"),
                   line={"color": theme.clip_color, "dash": "dot"}),
    ]
    for i, (name, (tx, mse)) in enumerate((marks or {}).items()):
        traces.append(_scatter(x=[tx], y=positive([mse]), mode="markers", name=name,
                                 marker={"color": theme.color(i + 1), "size": 13,
                                         "symbol": "circle", "line": {"width": 1.5,
                                                                      "color": "white"}}))
    if focus is not None:
        (t_lo, t_hi), (m_lo, m_hi) = focus
        ticks = _log_ticks(t_lo, t_hi)
        xaxis = _log_axis([t_lo, t_hi], range=[np.log10(t_lo), np.log10(t_hi)],
                          tickvals=ticks, ticktext=[f"{v:g}" for v in ticks])
        yaxis = _log_axis([m_lo, m_hi], range=[np.log10(m_lo), np.log10(m_hi)])
    else:
        xaxis = _log_axis(t)
        yaxis = _log_axis(np.concatenate([np.asarray(v, dtype=np.float64).ravel()
                                          for v in (total, rounding, clipping)]))
    # up to nine legend entries: a fixed frame keeps a row for each below the axis title (one
    # entry per row on a phone), and the figure grows by those rows, so the plot area stays
    # the size of the other charts' and the legend never covers the axis title
    rows = _legend_entries(traces)
    layout = _layout(theme, labels.get("title", "MSE against the clipping threshold T"),
                     labels.get("x", "clipping threshold T"), labels.get("y", "MSE"),
                     xaxis=xaxis, yaxis=yaxis, fixed=True, legend_rows=rows)
    layout["height"] += _frame_bottom(theme, rows) - _frame_bottom(theme, 1)
    return go.Figure(traces, layout)


def stream_ranges(
    batch_max: Sequence[float],
    lines: Mapping[str, Sequence[float]],
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Batch by batch: each batch's own maximum (grey dots) and each observer's ``x_max``.

    ``lines[name][t]`` is an observer's ``x_max`` after batch ``t``; observer ``i`` gets
    colour ``theme.color(i + 1)`` (as in :func:`calibrator_ranges`, so MinMax first and the
    moving average second keep their colours from the page's other charts).
    """
    labels = dict(labels or {})
    steps = list(range(len(batch_max)))
    traces = [_scatter(x=steps, y=_finite(batch_max), mode="markers",
                         name=labels.get("batch", "max of each batch"),
                         marker={"color": GREY, "size": 7})]
    for i, (name, ys) in enumerate(lines.items()):
        traces.append(_scatter(x=steps, y=_finite(ys), mode="lines", name=name,
                                 line={"color": theme.color(i + 1), "width": 3,
                                       "shape": "hv" if i == 0 else "linear"}))
    return go.Figure(traces, _layout(theme, labels.get("title", "x_max batch by batch"),
                                     labels.get("x", "batch"), "x_max", **_framed(traces)))


#: One marker symbol per mode of the format markers (weights, activations, both).
_FORMAT_SYMBOLS = ("diamond", "square", "star")


def sweep_with_formats(
    bits: Sequence[int],
    curves: Mapping[str, Sequence[float]],
    formats: Mapping[str, Sequence[tuple[str, float, float]]],
    *,
    reference: Sequence[float] | None = None,
    highlight: int | None = None,
    y_range: tuple[float, float] | None = None,
    y_title: str = "",
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """:func:`sweep_lines` of ``curves`` plus one marker per number format.

    ``formats[name]`` lists ``(format label, bits_per_value, value)`` for the series ``name``
    of ``curves`` (same colour as its line, one symbol per series, the label on hover). The x
    axis widens to hold every marker; a non-finite value is left out.
    """
    labels = dict(labels or {})
    fig = sweep_lines(bits, curves, reference=reference, highlight=highlight, y_range=y_range,
                      y_title=y_title, labels=labels, theme=theme)
    names = list(curves)
    xs = [float(b) for b in bits]
    for k, (name, points) in enumerate(formats.items()):
        shown = [p for p in points if np.isfinite(p[2])]
        if not shown:
            continue
        i = names.index(name) if name in names else k
        fig.add_trace(_scatter(
            x=[p[1] for p in shown], y=[p[2] for p in shown], text=[p[0] for p in shown],
            mode="markers", name=labels.get("formats", "{name}: formats").format(name=name),
            hovertemplate="%{text}<br>%{x:.3f} " + labels.get("bpv", "bits per value")
            + "<br>%{y:.2f}<extra></extra>",
            marker={"symbol": _FORMAT_SYMBOLS[k % len(_FORMAT_SYMBOLS)], "size": 11,
                    "color": theme.color(i), "line": {"width": 1, "color": "white"}}))
        xs += [p[1] for p in shown]
    if xs:
        fig.update_xaxes(range=[min(xs) - 0.5, max(xs) + 0.5])
    # the frame of sweep_lines, with room for the legend entries added here
    fig.layout.margin.b = _frame_bottom(theme, _legend_entries(
        [tr.to_plotly_json() for tr in fig.data]))
    return fig
