"""Figures of the formats study: grids, staircases, code usage, error by magnitude, the frontier.

Builders follow :mod:`quantviz.present.base` (the shape, the look and the encoding).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from quantviz.metrics import Histogram
from quantviz.present.base import (
    DEFAULT_THEME,
    GREY,
    Theme,
    _bar,
    _bars,
    _finite,
    _framed,
    _layout,
    _log_axis,
    _padded,
    _scatter,
    _thin,
    _vlines,
    _vrect,
    name_notes,
    step_corners,
)

#: Named markers of the frontier closer than this in bits per value form one cluster
#: (:func:`base.name_notes`).
NAME_CLUSTER_BITS = 0.6
#: At most this many grid marks per format on the value histogram.
MAX_FORMAT_GRID = 256


def formats_histogram(
    hist: Histogram,
    grids: Sequence[tuple[str, np.ndarray]],
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Histogram of ``x`` with each format's grid as a row of ticks above it.

    ``grids`` are ``(name, values)``: the values a format represents (sorted), one row of
    vertical ticks per format in its own colour, so that even and uneven spacings sit side by
    side. Grids are cut to the histogram's range (give or take a millionth of it, as float32
    rounding may put a grid's end just past the data's) and thinned to every k-th above
    ``MAX_FORMAT_GRID`` (the legend says so).
    """
    labels = dict(labels or {})
    traces = [_bars(hist, labels.get("counts", "count of x"), GREY, 0.6)]
    ymax = float(np.max(hist.counts)) if len(hist.counts) else 1.0
    lo, hi = float(hist.edges[0]), float(hist.edges[-1])
    slack = 1e-6 * max(hi - lo, abs(lo), abs(hi))  # a grid's ends may round past the data's
    for i, (name, values) in enumerate(grids):
        values = np.asarray(values)  # float32 grids stay float32: half the bytes
        inside = values[(values >= lo - slack) & (values <= hi + slack)]
        shown, k = _thin(inside, MAX_FORMAT_GRID)
        y = ymax * (1.08 + 0.1 * i)
        label = labels.get("grid", "{name}: {count} values in range").format(
            name=name, count=len(inside))
        if k > 1:
            label += " " + labels.get("thinned", "(1 in {k})").format(k=k)
        gx, gy = _vlines(shown, y - 0.04 * ymax, y + 0.04 * ymax)
        traces.append(_scatter(  # one path per row: no per-point marker for plotly to style
            x=gx, y=gy, mode="lines", name=label,
            line={"width": 1.5, "color": theme.color(i + 1)},
            hovertemplate=f"{name}<br>%{{x:.6g}}<extra></extra>"))
    return go.Figure(traces, _layout(
        theme, labels.get("title", "Values x and each format's grid"), "x",
        labels.get("y", "count"), xaxis={"range": list(_padded(lo, hi))},
        yaxis={"range": [0, ymax * (1.15 + 0.1 * len(grids))]},
        **_framed(traces)))  # a fixed frame with a legend row per format


def formats_staircase(
    x: np.ndarray,
    x_hats: Sequence[tuple[str, np.ndarray]],
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """The mapping ``x -> x_hat`` of each format on a sorted sample ``x`` of the data's range,
    with the identity ``x_hat = x``: the gap between a staircase and the diagonal is its error.
    Each line is sent as the points where its steps begin (:func:`step_corners`).
    """
    labels = dict(labels or {})
    traces = [_scatter(x=[float(x[0]), float(x[-1])], y=[float(x[0]), float(x[-1])],
                      mode="lines", line={"color": GREY, "width": 1},
                      name=labels.get("identity", "x_hat = x"))]
    x = np.asarray(x)
    for i, (name, x_hat) in enumerate(x_hats):
        x_hat = np.asarray(x_hat)
        keep = step_corners(x_hat)  # the same line from the points where a step begins
        traces.append(_scatter(x=x[keep], y=x_hat[keep], mode="lines", name=name,
                              line={"shape": "hv", "color": theme.color(i + 1), "width": 2}))
    return go.Figure(traces, _layout(
        theme, labels.get("title", "Mapping x -> x_hat"), "x", "x_hat",
        xaxis={"range": [float(x[0]), float(x[-1])]},
        **_framed(traces)))  # as the value histogram beside it: plot areas of one height


def format_codes(
    counts: np.ndarray,
    values: np.ndarray,
    *,
    nan_codes: Sequence[int] = (),
    inf_codes: Sequence[int] = (),
    negative_zero: int | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Elements per code, over every code ``0 .. 2^bits - 1`` in bit-pattern order.

    Codes that mean NaN or infinity (no number) are shaded and marked; the negative-zero code
    is marked. Hover gives each code's value. The caller's title says how many codes are used
    of those that stand for a number.
    """
    labels = dict(labels or {})
    counts = np.asarray(counts)
    codes = np.arange(len(counts))
    hover = [f"code {c} (0x{c:02X}) = {v:g}" for c, v in zip(codes, np.asarray(values),
                                                               strict=True)]
    traces = [_bar(x=codes, y=counts, name=labels.get("counts", "elements per code"),
                   text=hover, hovertemplate="%{text}<br>%{y} elements<extra></extra>",
                   textposition="none", marker={"color": theme.color(0), "line": {"width": 0}})]
    shapes = [_vrect(c - 0.5, c + 0.5, theme.clip_color, 0.25) for c in (*nan_codes, *inf_codes)]
    for marks, name, symbol in ((nan_codes, labels.get("nan", "NaN codes"), "x"),
                                (inf_codes, labels.get("inf", "infinity codes"), "diamond")):
        if marks:
            traces.append(_scatter(x=list(marks), y=[0] * len(marks), mode="markers",
                                   name=f"{name}: {len(marks)}",
                                   marker={"symbol": symbol, "color": theme.clip_color,
                                           "size": 10}))
    if negative_zero is not None:
        traces.append(_scatter(x=[negative_zero], y=[int(counts[negative_zero])],
                               mode="markers", name=labels.get("negzero", "-0"),
                               marker={"symbol": "triangle-down", "color": theme.color(4),
                                       "size": 12}))
    n = len(counts)
    return go.Figure(traces, _layout(
        theme, labels.get("title", "Codes used"), labels.get("x", "code (bit pattern)"),
        labels.get("y", "count"), xaxis={"range": [-0.5 - 0.01 * n, n - 0.5 + 0.01 * n]},
        shapes=shapes, bargap=0.1, fixed=True))


def error_vs_magnitude(
    edges: np.ndarray,
    series: Sequence[tuple[str, np.ndarray]],
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """One line per format: an error measure per log-spaced bin of ``|x|`` (log-log axes).

    ``edges`` are the bins of ``|x|``; each series holds one value per bin (NaN for an empty
    bin, drawn as a gap). Flat means the error does not depend on ``|x|``.
    """
    labels = dict(labels or {})
    edges = np.asarray(edges, dtype=np.float64)
    centers = np.sqrt(edges[:-1] * edges[1:])
    traces = []
    for i, (name, ys) in enumerate(series):
        ys = np.asarray(ys, dtype=np.float64)
        ys = np.where(ys > 0, ys, np.nan)  # a log axis has no 0 (an exact bin)
        traces.append(_scatter(x=centers, y=_finite(ys), mode="lines+markers", name=name,
                               connectgaps=False,
                               line={"color": theme.color(i + 1), "width": 2},
                               marker={"size": 5}))
    return go.Figure(traces, _layout(
        theme, labels.get("title", "Error against |x|"), "|x|", labels.get("y", "RMS error"),
        xaxis=_log_axis(centers),
        yaxis=_log_axis([v for _, ys in series for v in np.asarray(ys).ravel()]), fixed=True))


def format_frontier(
    points: Sequence[tuple[str, float, float]],
    *,
    front: Sequence[str] = (),
    selected: Sequence[str] = (),
    lines: Mapping[str, tuple[Sequence[float], Sequence[float]]] | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """SQNR against bits per value (scales counted), one marker per format.

    ``points`` are ``(name, bits_per_value, sqnr_db)``; the formats in ``front`` (the Pareto
    front, sorted by bits) are joined by a step line; those in ``selected`` are drawn filled.
    Names are written beside the front's and the selected markers (:func:`base.name_notes`); the
    others (often a dozen within one bit) give theirs on hover. ``lines`` adds named series
    ``(bits_per_value, sqnr_db)`` drawn as lines (the Bits page's integer sweeps), an
    infinite SQNR as a gap.
    """
    labels = dict(labels or {})
    finite = [p for p in points if np.isfinite(p[2])]
    extra = [_scatter(x=list(xs), y=_finite(ys), mode="lines+markers", name=name,
                      line={"color": theme.color(4 + i), "width": 1.5}, marker={"size": 5})
             for i, (name, (xs, ys)) in enumerate((lines or {}).items())]
    by_name = {p[0]: p for p in finite}
    line = [by_name[n] for n in front if n in by_name]
    traces = []
    if line:
        traces.append(_scatter(x=[p[1] for p in line], y=[p[2] for p in line],
                               mode="lines", line={"shape": "hv", "color": theme.color(3),
                                                   "width": 2, "dash": "dot"},
                               name=labels.get("front", "Pareto front")))
    named = set(front) | set(selected)
    for group, name, symbol, color in (
        ([p for p in finite if p[0] not in selected], labels.get("others", "other formats"),
         "circle-open", GREY),
        ([p for p in finite if p[0] in selected], labels.get("selected", "chosen formats"),
         "circle", theme.color(0)),
    ):
        if group:
            traces.append(_scatter(
                x=[p[1] for p in group], y=[p[2] for p in group], text=[p[0] for p in group],
                mode="markers", name=name,
                hovertemplate="%{text}<br>%{x:.4g} bits per value<br>%{y:.2f} dB<extra></extra>",
                marker={"size": 12, "symbol": symbol, "color": color, "line": {"width": 2}}))
    xaxis = {}
    xs = [p[1] for p in finite] + [float(v) for xs_, _ in (lines or {}).values() for v in xs_]
    if xs:
        xaxis["range"] = [min(xs) - 0.6, max(xs) + 0.6]
    yaxis = {}
    ys = [p[2] for p in finite] + [float(v) for _, ys_ in (lines or {}).values() for v in ys_
                                   if np.isfinite(v)]
    if ys:  # room above and below for the names written beside the top and bottom markers
        pad = max(0.2 * (max(ys) - min(ys)), 3.0)
        yaxis["range"] = [min(ys) - pad, max(ys) + pad]
    x_mid = (xaxis["range"][0] + xaxis["range"][1]) / 2 if xs else 0.0
    return go.Figure(extra + traces, _layout(
        theme, labels.get("title", "SQNR against bits per value"),
        labels.get("x", "bits per value (scales counted)"), labels.get("y", "SQNR (dB)"),
        xaxis=xaxis, yaxis=yaxis, annotations=name_notes(finite, named, x_mid, theme,
                                                     cluster=NAME_CLUSTER_BITS)))
