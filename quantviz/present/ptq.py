"""Figures of the layer lab and the sensitivity study: errors side by side, GPTQ's steps, AWQ's
curve and scales, the mixed-precision budget.

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
    _bar,
    _finite,
    _framed,
    _layout,
    _scatter,
    _vline,
)

#: Tick marks of the log axis of :func:`method_errors` (1-2-5 steps).
_LOG_TICKS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


def method_errors(
    methods: Sequence[str],
    weight: Sequence[float],
    output: Sequence[float],
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Weight error and output error of each method, each as a multiple of the first's (RTN).

    Two bars per method on a log axis, the dashed line at 1: a bar below it beats RTN on that
    measure. Values are ``weight[i] / weight[0]`` and ``output[i] / output[0]`` (the caller's
    errors; a first error of 0 leaves gaps).
    """
    labels = dict(labels or {})
    xs = list(methods)
    traces = []
    for i, (name, ys) in enumerate(((labels.get("weight", "weight error"), weight),
                                    (labels.get("output", "output error"), output))):
        base = float(ys[0])
        ratio = [float(v) / base if base > 0 else None for v in ys]
        traces.append(_bar(x=xs, y=_finite(ratio), name=name, marker={"color": theme.color(i)},
                           text=[None if r is None else f"{r:.2f}×" for r in ratio],
                           textposition="outside", cliponaxis=False))
    shapes = [{"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": 1,
               "y1": 1, "line": {"color": GREY, "width": 2, "dash": "dash"}}]
    return go.Figure(traces, _layout(
        theme, labels.get("title", ""), labels.get("x", "method"), labels.get("y", "× RTN"),
        yaxis={"type": "log", "tickvals": _LOG_TICKS, "ticktext": [f"{v:g}" for v in _LOG_TICKS]},
        barmode="group", bargap=0.25, shapes=shapes, **_framed(traces)))


def gptq_step(
    rounding: Sequence[float],
    spread: Sequence[float],
    moved: Sequence[float],
    current: int,
    *,
    columns: Sequence[int] | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """GPTQ at step ``current``, columns in processing order on the x axis.

    Bars: the rounding error of each column already rounded (steps ``<= current``); the
    update step ``current`` makes to each later column (``spread``); a line: how far each later
    column has moved so far (``moved``). ``columns[k]`` (the input index of step ``k``) goes
    into the hover text. A dotted line marks the current step.
    """
    labels = dict(labels or {})
    n = len(rounding)
    xs = list(range(n))
    cols = list(columns) if columns is not None else xs
    done = [float(v) if k <= current else None for k, v in enumerate(rounding)]
    later = [float(v) if k > current else None for k, v in enumerate(spread)]
    went = [float(v) if k > current else None for k, v in enumerate(moved)]
    hover = [f"column {c}" for c in cols]
    traces = [
        _bar(x=xs, y=done, name=labels.get("rounding", "rounding error"),
             marker={"color": theme.color(0)}, hovertext=hover),
        _bar(x=xs, y=later, name=labels.get("spread", "update of this step"),
             marker={"color": theme.color(1)}, hovertext=hover),
        _scatter(x=xs, y=went, mode="lines", name=labels.get("moved", "moved so far"),
                 line={"color": theme.color(2), "width": 2}, hovertext=hover),
    ]
    return go.Figure(traces, _layout(
        theme, labels.get("title", ""), labels.get("x", "step"), labels.get("y", "RMS"),
        barmode="overlay", bargap=0.1, shapes=[_vline(current, {"color": GREY, "dash": "dot"})],
        xaxis={"range": [-0.5, n - 0.5]}, **_framed(traces)))


def awq_curve(
    ratios: Sequence[float],
    losses: Sequence[float],
    chosen: float,
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """AWQ's search: the output MSE of ``Q(W s) / s`` at each ratio, the chosen one marked."""
    labels = dict(labels or {})
    xs = [float(r) for r in ratios]
    ys = _finite([float(v) for v in losses])
    pick = int(np.argmin(np.abs(np.asarray(xs) - chosen)))
    traces = [
        _scatter(x=xs, y=ys, mode="lines+markers", name=labels.get("loss", "output MSE"),
                 line={"color": theme.color(0)}, marker={"size": 6}),
        _scatter(x=[xs[pick]], y=[ys[pick]], mode="markers", name=labels.get("chosen", "chosen"),
                 marker={"color": theme.color(3), "size": 14, "symbol": "star"}),
    ]
    return go.Figure(traces, _layout(theme, labels.get("title", ""), labels.get("x", "ratio"),
                                     labels.get("y", "output MSE"), **_framed(traces)))


def channel_scales(
    x_mean: Sequence[float],
    scales: Sequence[float],
    salient: Sequence[int],
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Mean ``|x|`` per input channel (bars, the salient channels in another colour) and AWQ's
    scale ``s`` per channel (a line on the right axis)."""
    labels = dict(labels or {})
    xs = list(range(len(x_mean)))
    hot = set(int(i) for i in salient)
    colors = [theme.color(3) if i in hot else theme.color(0) for i in xs]
    traces = [
        _bar(x=xs, y=_finite([float(v) for v in x_mean]), name=labels.get("x_mean", "mean |x|"),
             marker={"color": colors}),
        _scatter(x=xs, y=_finite([float(v) for v in scales]), mode="lines",
                 name=labels.get("scale", "s"), yaxis="y2", line={"color": theme.color(2)}),
    ]
    return go.Figure(traces, _layout(
        theme, labels.get("title", ""), labels.get("x", "input channel"),
        labels.get("y", "mean |x|"), right_axis=True, bargap=0.1,
        yaxis2={"title": {"text": labels.get("y2", "s")}, "overlaying": "y", "side": "right",
                "showgrid": False},
        **_framed(traces)))


def budget_scatter(
    points: Sequence[tuple[float, float, str]],
    front: Sequence[tuple[float, float, str]],
    greedy: Sequence[tuple[float, float, str]],
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Bits per weight against mean KL: every choice ``(bpw, kl, label)`` as a grey dot, the
    Pareto front as a line, the greedy path as a dashed line."""
    labels = dict(labels or {})

    def split(pts):
        return [p[0] for p in pts], [p[1] for p in pts], [p[2] for p in pts]

    x, y, t = split(points)
    fx, fy, ft = split(front)
    gx, gy, gt = split(greedy)
    traces = [
        _scatter(x=x, y=y, text=t, mode="markers", name=labels.get("all", "every choice"),
                 marker={"color": GREY, "size": 6}, hovertemplate="%{text}<extra></extra>"),
        _scatter(x=fx, y=fy, text=ft, mode="lines+markers", name=labels.get("front", "front"),
                 line={"color": theme.color(0), "shape": "hv"}, marker={"size": 8},
                 hovertemplate="%{text}<extra></extra>"),
        _scatter(x=gx, y=gy, text=gt, mode="lines+markers", name=labels.get("greedy", "greedy"),
                 line={"color": theme.color(3), "dash": "dash"}, marker={"size": 7},
                 hovertemplate="%{text}<extra></extra>"),
    ]
    return go.Figure(traces, _layout(theme, labels.get("title", ""),
                                     labels.get("x", "bits per weight"),
                                     labels.get("y", "mean KL"), **_framed(traces)))
