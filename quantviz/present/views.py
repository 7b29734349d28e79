"""Figures of the Explore study: the value histogram with its grid, the staircase, code usage and
the error histogram.

Builders follow :mod:`quantviz.present.base` (the shape, the look and the encoding).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from quantviz.metrics import CodeUsage, Histogram
from quantviz.present.base import (
    DEFAULT_THEME,
    GREY,
    Theme,
    _axis,
    _bar,
    _bars,
    _error_figure,
    _layout,
    _log_axis,
    _padded,
    _scatter,
    _thin,
    _unvalidated,
    _vline,
    _vlines,
    _vrect,
    step_corners,
)

#: No chart uses WebGL (``scattergl``): every long trace is a line, which SVG draws as one path
#: whatever its length, while each WebGL chart costs a context and, in a browser without a
#: GPU (headless Chromium, some classroom machines), software rendering: the Formats page's
#: mapping (four lines of 1,500 points) took 500 ms of the main thread per slider move in
#: WebGL against a few ms as SVG.
#: At most this many grid lines or code bars are drawn; beyond it every k-th is drawn.
MAX_GRID_LINES = 64


MAX_CODE_BARS = 512


def _clip_zones(x_lo: float, x_hi: float, view: tuple[float, float], theme: Theme,
                half_step: float = 0.0) -> list[dict]:
    """Shapes marking the grid's ends ``x_lo``/``x_hi`` (dashed) and shading where values
    saturate, within ``view``.

    A value up to half a step beyond ``x_hi`` still rounds to ``qmax`` (rounding error, not
    clipping), so the shading starts at ``x_hi + half_step`` (and ends at ``x_lo - half_step``):
    what lies in it is exactly what the page counts as clipped. The caller fixes the x axis to
    ``view`` so that the shading never stretches the axis.
    """
    lo, hi = view
    shapes = [_vrect(x0, x1, theme.clip_color, 0.1)
              for x0, x1 in ((lo, x_lo - half_step), (x_hi + half_step, hi)) if x1 > x0]
    line = {"color": theme.clip_color, "width": 2, "dash": "dash"}
    return shapes + [_vline(x, line) for x in (x_lo, x_hi)]


def value_histogram(
    hist: Histogram,
    *,
    grid: np.ndarray,
    x_lo: float,
    x_hi: float,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    log_y: bool = False,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Histogram of ``x`` with the quantization grid (``x_hat`` of every code) and clip range.

    ``log_y`` counts on a log axis (ticks at powers of ten): a ReLU tensor's exact zeros are
    one bar thousands of times taller than the rest, which a linear axis squashes to nothing.
    Grid lines then start at the smallest non-zero count (a log axis has no 0).

    ``grid`` holds the representable values, thinned to every k-th above ``MAX_GRID_LINES``
    (the legend says so). ``[x_lo, x_hi]`` is the clipping range; beyond it by more than half
    a step (where values saturate) is shaded.
    ``ranges`` adds named calibration ranges as coloured marker pairs on top.
    """
    labels = dict(labels or {})
    traces = [_bars(hist, labels.get("counts", "count of x"), theme.color(0), 0.7)]
    counts = np.asarray(hist.counts, dtype=np.float64)
    ymax = float(counts.max()) if counts.size else 1.0
    base = 0.0
    if log_y:
        base = max(float(counts[counts > 0].min()), 1.0) * 0.8 if np.any(counts > 0) else 0.8
    shown, k = _thin(grid, MAX_GRID_LINES)
    gx, gy = _vlines(shown, base, ymax * 1.05)
    grid_name = labels.get("grid", "grid: x_hat of each code q")
    if k > 1:
        grid_name += " " + labels.get("thinned", "(1 in {k})").format(k=k)
    traces.append(
        _scatter(x=gx, y=gy, mode="lines", name=grid_name,
                   line={"color": GREY, "width": 1}, opacity=0.45, hoverinfo="skip")
    )
    for i, (name, (lo, hi)) in enumerate((ranges or {}).items()):
        traces.append(
            _scatter(x=[lo, hi], y=[ymax * (1.1 + 0.06 * i)] * 2, mode="lines+markers",
                       name=name, line={"color": theme.color(i + 1), "width": 4},
                       marker={"symbol": "line-ns-open", "size": 14})
        )
    edges = np.asarray(hist.edges)
    half_step = (x_hi - x_lo) / (len(grid) - 1) / 2 if len(grid) > 1 else 0.0
    view = _padded(min(edges[0], x_lo), max(edges[-1], x_hi))
    return _unvalidated(traces, _layout(
        theme, labels.get("title", "Values x and the quantization grid"), "x",
        labels.get("y", "count"), xaxis={"range": list(view)}, fixed=True,
        yaxis=_log_axis(np.append(counts, ymax * 1.05)) if log_y else {},
        shapes=_clip_zones(x_lo, x_hi, view, theme, half_step)))


def mapping_staircase(
    x: np.ndarray,
    q: np.ndarray,
    x_hat: np.ndarray,
    *,
    x_lo: float,
    x_hi: float,
    qmin: int,
    qmax: int,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """The float-to-int mapping: the staircase ``q(x)`` (left axis) and ``x_hat(x)`` (right).

    ``x`` is a sorted sample of the axis (not the data); ``q`` and ``x_hat`` are its codes and
    reconstruction. The right axis is the left one relabelled, ``x_hat = x_lo + (q - qmin) *
    step`` with ``step = (x_hi - x_lo) / (qmax - qmin)``, so the two staircases coincide and the
    identity ``x_hat = x`` shows the error: the gap between the steps and the diagonal is
    rounding; where the staircase goes flat at ``qmin``/``qmax`` (shaded) it is clipping.
    Only the points where a step begins are sent (:func:`step_corners`): the same lines.
    """
    labels = dict(labels or {})
    x, q, x_hat = np.asarray(x), np.asarray(q), np.asarray(x_hat)
    keep = step_corners(q, x_hat)  # the same lines from the points where a step begins
    traces = [
        _scatter(x=x[keep], y=q[keep], mode="lines",
                 line={"shape": "hv", "color": theme.color(0)},
                 name=labels.get("q", "q(x)"), yaxis="y"),
        _scatter(x=x[keep], y=x_hat[keep], mode="lines", line={"shape": "hv",
                 "color": theme.color(1), "dash": "dot"}, name=labels.get("x_hat", "x_hat(x)"),
                 yaxis="y2"),
        _scatter(x=[x[0], x[-1]], y=[x[0], x[-1]], mode="lines",
                 line={"color": GREY, "width": 1}, name=labels.get("identity", "x_hat = x"),
                 yaxis="y2"),
    ]
    step = (x_hi - x_lo) / (qmax - qmin)
    view = (float(x[0]), float(x[-1]))
    q_range = [qmin - 0.03 * (qmax - qmin), qmax + 0.03 * (qmax - qmin)]
    return _unvalidated(traces, _layout(
        theme, labels.get("title", "Float-to-int mapping"), "x", "q",
        xaxis={"range": list(view)}, yaxis={"range": q_range}, fixed=True, right_axis=True,
        yaxis2=_axis("x_hat", overlaying="y", side="right",
                     range=[x_lo + (q - qmin) * step for q in q_range], showgrid=False,
                     # round x_hat ticks, not those of q's grid lines
                     tickmode="auto", automargin=False),
        shapes=_clip_zones(x_lo, x_hi, view, theme, step / 2)))


def code_usage(
    usage: CodeUsage,
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Count of each integer code over the whole range ``[qmin, qmax]``.

    Codes the calibrated range cannot reach are shaded (the "unused range" of ReLU outputs under
    signed symmetric quantization); reachable codes with no element are marked on the axis. With
    more than ``MAX_CODE_BARS`` codes, adjacent codes are summed into equal bins (the legend says
    how many codes a bar holds). The title gives codes used and effective bits.
    """
    labels = dict(labels or {})
    counts = np.asarray(usage.counts)
    levels = len(counts)
    per_bar = max(1, int(np.ceil(levels / MAX_CODE_BARS)))
    pad = (-levels) % per_bar
    binned = np.concatenate([counts, np.zeros(pad, counts.dtype)]).reshape(-1, per_bar).sum(1)
    starts = usage.qmin + np.arange(len(binned)) * per_bar
    name = labels.get("counts", "elements per code")
    if per_bar > 1:
        name += " " + labels.get("per_bar", "({n} codes per bar)").format(n=per_bar)
    traces = [_bar(x=starts + (per_bar - 1) / 2, y=binned, width=per_bar, name=name,
                     marker={"color": theme.color(0), "line": {"width": 0}})]
    shapes = [_vrect(lo - 0.5, hi + 0.5, GREY, 0.25) for lo, hi in _unreachable_spans(usage)]
    if usage.unreachable:
        traces.append(_scatter(x=[None], y=[None], mode="markers", name=labels.get(
            "unreachable", "unreachable codes"), marker={"symbol": "square", "color": GREY,
                                                         "size": 12}))
    reachable = np.arange(usage.reachable_lo, usage.reachable_hi + 1)
    empty = reachable[counts[reachable - usage.qmin] == 0]
    shown, _ = _thin(empty, MAX_CODE_BARS)
    empty_name = labels.get("empty", "reachable but empty")
    traces.append(_scatter(x=shown, y=np.zeros(len(shown)), mode="markers",
                             name=f"{empty_name}: {len(empty)}",
                             marker={"symbol": "x-thin-open", "color": theme.clip_color,
                                     "size": 8}))
    title = labels.get("title", "Integer codes used: {used} of {levels}, effective bits {bits:.2f}")
    title = title.format(used=usage.used, levels=levels, bits=usage.effective_bits)
    margin = 0.5 + 0.01 * levels  # bars span [qmin - 0.5, qmax + 0.5]; no tick beyond a code
    return _unvalidated(traces, _layout(
        theme, title, "q", labels.get("y", "count"), fixed=True,
        xaxis={"range": [usage.qmin - margin, usage.qmax + margin]}, shapes=shapes))


def _unreachable_spans(usage: CodeUsage) -> list[tuple[int, int]]:
    spans = []
    if usage.reachable_lo > usage.qmin:
        spans.append((usage.qmin, usage.reachable_lo - 1))
    if usage.reachable_hi < usage.qmax:
        spans.append((usage.reachable_hi + 1, usage.qmax))
    return spans


def error_histogram(
    rounding: Histogram,
    clipped: Histogram,
    *,
    scale: float,
    uniform_count: float,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Histogram of ``x_hat - x``: in-range elements and clipped elements as separate traces.

    The band ``[-scale/2, +scale/2]`` bounds the rounding error; ``uniform_count`` is the count
    per bin that uniform rounding noise would give (its variance is ``scale^2/12``), drawn as a
    flat line over the band.
    """
    shown = [rounding, clipped] if np.sum(clipped.counts) else [rounding]
    lo = min(float(h.edges[0]) for h in shown)
    hi = max(float(h.edges[-1]) for h in shown)
    return _error_figure((rounding.edges, rounding.counts), (clipped.edges, clipped.counts),
                         scale=scale, level=uniform_count, y_title="count", labels=labels,
                         theme=theme,
                         # the first x tick clears the y's "0"
                         xaxis={"range": list(_padded(lo, hi, 0.05))})
