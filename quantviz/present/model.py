"""Figures of the model study: per-layer bars and the digit grid.

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
)


def layer_bars(
    names: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    reference: float | None = None,
    y_range: tuple[float, float] | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Grouped bars: one group per layer in ``names``, one bar per entry of ``series``.

    ``series[name][i]`` is the bar of layer ``i``; ``reference`` draws a dashed grey line
    across the plot (the float model's accuracy), ``y_range`` fixes the y axis (bars that
    differ by a few tenths stay readable; a bar below it loses its label).
    """
    labels = dict(labels or {})
    xs = list(names)
    floor = -np.inf if y_range is None else y_range[0]
    traces = [_bar(x=xs, y=_finite(ys), name=name, marker={"color": theme.color(i)},
                   # a bar under the axis has no label (it would sit on the tick labels)
                   text=[None if v is None or v < floor else f"{v:.1f}" for v in _finite(ys)],
                   textposition="outside", cliponaxis=False)
              for i, (name, ys) in enumerate(series.items())]
    shapes = []
    if reference is not None:
        shapes.append({"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1,
                       "y0": reference, "y1": reference,
                       "line": {"color": GREY, "width": 2, "dash": "dash"}})
        traces.append(_scatter(x=[None], y=[None], mode="lines",
                               name=labels.get("reference", "float"),
                               line={"color": GREY, "dash": "dash"}))
    yaxis = {"range": list(y_range)} if y_range is not None else {}
    return go.Figure(traces, _layout(
        theme, labels.get("title", ""), labels.get("x", "layer"), labels.get("y", ""),
        yaxis=yaxis, barmode="group", bargap=0.25, shapes=shapes, **_framed(traces)))


#: Empty pixels between the digits of :func:`digit_grid`.
DIGIT_GAP = 1


def digit_grid(
    images: Sequence[np.ndarray],
    titles: Sequence[str],
    *,
    columns: int = 6,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Small images (all the same shape, e.g. 8x8 pixel counts) in a grid, each titled.

    One heat map holds them all, ``columns`` to a row, separated by ``DIGIT_GAP`` empty
    (NaN) pixels, with ``titles[i]`` written above image ``i``: one trace, however many
    images. Dark is ink (grey scale from white to black). No images gives an empty figure
    with the ``empty`` label written in it.
    """
    labels = dict(labels or {})
    if len(images) != len(titles):
        raise ValueError(f"{len(images)} images but {len(titles)} titles")
    layout = _layout(theme, labels.get("title", ""), "", "",
                     xaxis={"visible": False}, yaxis={"visible": False})
    if not len(images):
        layout["annotations"] = [{"text": labels.get("empty", "none"), "showarrow": False,
                                  "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}]
        layout["height"] = theme.height // 2
        return go.Figure([], layout)
    h, w = np.shape(images[0])
    cols = min(columns, len(images))
    rows = -(-len(images) // cols)
    cell_h, cell_w = h + DIGIT_GAP + 2, w + DIGIT_GAP  # two pixel rows for the title
    z = np.full((rows * cell_h, cols * cell_w), np.nan)
    notes = []
    for i, (img, title) in enumerate(zip(images, titles, strict=True)):
        r, c = divmod(i, cols)
        top, left = r * cell_h + 2, c * cell_w
        z[top:top + h, left:left + w] = np.asarray(img, dtype=np.float64)
        notes.append({"text": title, "showarrow": False, "x": left + (w - 1) / 2, "y": top - 1,
                      "xref": "x", "yref": "y", "font": {"size": theme.font_size - 1}})
    heat = dict(type="heatmap", z=z, colorscale="Greys", showscale=False, hoverongaps=False,
                hovertemplate="%{z}<extra></extra>", xgap=0, ygap=0)
    layout["yaxis"] = {**layout["yaxis"], "autorange": "reversed", "scaleanchor": "x"}
    layout["annotations"] = notes
    layout["height"] = int(theme.height * 0.45 * rows + 60)
    return go.Figure([heat], layout)
