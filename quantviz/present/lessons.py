"""Figures of the Learn page's lessons: the range mapping and padding outputs.

Builders follow :mod:`quantviz.present.base` (the shape, the look and the encoding).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from quantviz.present.base import DEFAULT_THEME, GREY, Theme, _axis, _bar, _layout, _scatter, _vrect


def range_mapping(
    picture,
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """The float axis (top) mapped onto the integer axis (bottom) for one scheme.

    ``picture`` is a :class:`quantviz.studies.lessons.MappingPicture`. The float axis spans the data
    and the grid; the integer axis ``[qmin, qmax]`` is drawn narrower below it, as in the usual
    textbook picture. Lines join ``grid_lo -> qmin``, ``grid_hi -> qmax`` and ``0.0 -> Z``; the
    codes the data reach are a thick coloured bar, wasted codes a thick grey bar.
    """
    labels = dict(labels or {})
    p = picture
    f_lo = min(p.data_lo, p.grid_lo, 0.0)
    f_hi = max(p.data_hi, p.grid_hi, 0.0)
    width = (f_hi - f_lo) or 1.0

    def fx(v: float) -> float:  # float value -> drawing position on [0, 1]
        return (v - f_lo) / width

    def qx(code: float) -> float:  # integer code -> drawing position on [0.15, 0.85]
        return 0.15 + 0.7 * (code - p.qmin) / max(p.qmax - p.qmin, 1)

    traces = [
        _scatter(x=[0, 1], y=[1, 1], mode="lines", showlegend=False,
                   line={"color": "#444444", "width": 2}, hoverinfo="skip"),
        _scatter(x=[fx(p.data_lo), fx(p.data_hi)], y=[1, 1], mode="lines",
                   name=labels.get("data", "data range [x_min, x_max]"),
                   line={"color": theme.color(1), "width": 9}),
    ]
    for lo, hi, name, color in _code_bars(p, labels, theme):
        traces.append(_scatter(x=[qx(lo - 0.5), qx(hi + 0.5)], y=[0, 0], mode="lines",
                                 name=name, line={"color": color, "width": 9}))
    joins = [(p.grid_lo, p.qmin, "q_min"), (p.grid_hi, p.qmax, "q_max"), (0.0, p.zero_point, "Z")]
    jx, jy = [], []
    for value, code, _ in joins:
        jx += [fx(value), qx(code), None]
        jy += [1, 0, None]
    traces.append(_scatter(x=jx, y=jy, mode="lines", name=labels.get("join", "x -> q"),
                             line={"color": theme.color(0), "width": 1.5, "dash": "dot"}))
    top = [(p.grid_lo, f"{p.grid_lo:.4g}"), (p.grid_hi, f"{p.grid_hi:.4g}"), (0.0, "0.0")]
    traces.append(_scatter(x=[fx(v) for v, _ in top], y=[1, 1, 1], mode="markers+text",
                             text=[t for _, t in top], textposition="top center",
                             showlegend=False, marker={"color": "#444444", "size": 8}))
    bottom = [(p.qmin, f"q_min = {p.qmin}"), (p.qmax, f"q_max = {p.qmax}"),
              (p.zero_point, f"Z = {p.zero_point}")]
    traces.append(_scatter(x=[qx(c) for c, _ in bottom], y=[0, 0, 0], mode="markers+text",
                             text=[t for _, t in bottom], textposition="bottom center",
                             showlegend=False, marker={"color": "#444444", "size": 8}))
    axis_font = {"size": theme.font_size + 3}
    return go.Figure(traces, _layout(
        theme, labels.get("title", p.scheme), "", "",
        xaxis={"visible": False, "range": [-0.08, 1.08]},
        yaxis={"visible": False, "range": [-0.35, 1.3]},
        height=int(theme.height * 0.8),
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0},
        annotations=[{"x": -0.06, "y": 1, "text": "x", "showarrow": False, "font": axis_font},
                     {"x": 0.03, "y": 0, "text": "q", "showarrow": False, "font": axis_font}]))


def _code_bars(p, labels: Mapping[str, str], theme: Theme) -> list[tuple[int, int, str, str]]:
    """``(first, last, name, colour)`` of the reachable and wasted runs of codes."""
    bars = [(p.code_lo, p.code_hi, labels.get("reached", "codes the data reach"),
             theme.color(2))]
    wasted = labels.get("wasted", "wasted codes")
    if p.code_lo > p.qmin:
        bars.append((p.qmin, p.code_lo - 1, wasted, GREY))
    if p.code_hi < p.qmax:
        bars.append((p.code_hi + 1, p.qmax, wasted if len(bars) == 1 else "", GREY))
    return bars


def padding_outputs(
    reference: Sequence[float],
    outputs: Mapping[str, Sequence[float]],
    biases: Mapping[str, Sequence[float]],
    border: Sequence[bool],
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Convolution outputs (top) and the part the padding adds to them (bottom), per position.

    ``reference`` is the exact output, ``outputs[name]`` each quantized variant's, and
    ``biases[name]`` the padding's share of it; positions where ``border`` is True (the window
    reaches into the padding) are shaded in both panels.
    """
    labels = dict(labels or {})
    pos = np.arange(len(reference))
    top = [_scatter(x=pos, y=np.asarray(ys), mode="lines+markers", name=name,
                      legendgroup=name, line={"color": theme.color(i), "width": 1.5},
                      marker={"size": 6}, xaxis="x", yaxis="y")
           for i, (name, ys) in enumerate(outputs.items())]
    top.append(_scatter(x=pos, y=np.asarray(reference), mode="lines",
                          name=labels.get("reference", "exact output"),
                          line={"color": "#444444", "width": 1.5, "dash": "dash"},
                          xaxis="x", yaxis="y"))
    bottom = [_bar(x=pos, y=np.asarray(ys), name=name, legendgroup=name, showlegend=False,
                     marker={"color": theme.color(i)}, xaxis="x2", yaxis="y2")
              for i, (name, ys) in enumerate(biases.items())]
    shapes = [_vrect(k - 0.5, k + 0.5, theme.clip_color, 0.12, xref=f"x{row}",
                     yref=f"y{row} domain")  # in both panels
              for k in np.flatnonzero(np.asarray(border)).tolist() for row in ("", "2")]
    grid = _stacked_panels()
    layout = _layout(theme, labels.get("title", "Zero padding after quantization"), "",
                     labels.get("y", "output"), xaxis=grid["xaxis"], yaxis=grid["yaxis"],
                     barmode="group", bargap=0.2, height=int(theme.height * 1.3), shapes=shapes,
                     xaxis2=_axis(labels.get("x", "output position"), **grid["xaxis2"]),
                     yaxis2=_axis(labels.get("bias", "bias from padding"), **grid["yaxis2"]))
    return go.Figure(top + bottom, layout)


@functools.cache
def _stacked_panels() -> dict[str, dict]:
    """The axes of two panels stacked, sharing x, 60 % and 40 % high (``make_subplots``).

    The geometry never changes, and ``make_subplots`` alone takes longer than building a whole
    figure, so it runs once per process. Returned dicts are read, never changed.
    """
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.6, 0.4], figure=go.Figure(layout={"template": "none"}))
    return {name: fig.layout[name].to_plotly_json()
            for name in ("xaxis", "yaxis", "xaxis2", "yaxis2")}
