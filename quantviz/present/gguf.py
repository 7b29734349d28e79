"""Figures of the GGUF study: the types' frontier, a Q4_K super-block, the scale search.

Builders follow :mod:`quantviz.present.base` (the shape, the look and the encoding): small
data in (one point per type, 256 values of one block, 21 candidates), no numerics of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from quantviz.present.base import (
    DEFAULT_THEME,
    GREY,
    Theme,
    _layout,
    _scatter,
    _vline,
    _vrect,
)

#: Marker symbol of each GGUF family (colour tells them apart too).
FAMILY_SYMBOLS = {"legacy": "square", "k": "circle", "i": "diamond", "ternary": "triangle-up"}


def gguf_frontier(
    types: Sequence[tuple[str, str, float, float]],
    *,
    formats: Sequence[tuple[str, float, float]] = (),
    families: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """SQNR against bits per weight (scales counted), one trace per GGUF family.

    ``types`` are ``(name, family, bits_per_weight, sqnr_db)``; each family ("legacy", "k",
    "i", "ternary") is one trace, its points named on the chart, legend label
    ``families[family]``. ``formats`` ``(name, bits, sqnr_db)`` (the Formats page's) are drawn
    behind as grey open circles, named on hover only. Points with a non-finite SQNR are left
    out.
    """
    labels = dict(labels or {})
    families = dict(families or {})
    traces = []
    shown_formats = [p for p in formats if np.isfinite(p[2])]
    if shown_formats:
        traces.append(_scatter(
            x=[p[1] for p in shown_formats], y=[p[2] for p in shown_formats],
            text=[p[0] for p in shown_formats], mode="markers",
            name=labels.get("formats", "number formats"),
            hovertemplate="%{text}<br>%{x:.4g} bits<br>%{y:.2f} dB<extra></extra>",
            marker={"size": 9, "symbol": "circle-open", "color": GREY, "line": {"width": 1.5}}))
    finite = [p for p in types if np.isfinite(p[3])]
    order = list(FAMILY_SYMBOLS) + sorted({p[1] for p in finite} - set(FAMILY_SYMBOLS))
    for i, fam in enumerate(order):
        group = sorted((p for p in finite if p[1] == fam), key=lambda p: p[2])
        if not group:
            continue
        traces.append(_scatter(
            x=[p[2] for p in group], y=[p[3] for p in group], text=[p[0] for p in group],
            mode="lines+markers+text", name=families.get(fam, fam),
            textposition=["top left" if j % 2 else "bottom right" for j in range(len(group))],
            hovertemplate="%{text}<br>%{x:.4g} bits per weight<br>%{y:.2f} dB<extra></extra>",
            line={"color": theme.color(i), "width": 1, "dash": "dot"},
            marker={"size": 11, "symbol": FAMILY_SYMBOLS.get(fam, "circle"),
                    "color": theme.color(i)}))
    xs = [p[2] for p in finite] + [p[1] for p in shown_formats]
    ys = [p[3] for p in finite] + [p[2] for p in shown_formats]
    xaxis = {"range": [min(xs) - 0.6, max(xs) + 0.6]} if xs else {}
    yaxis = {}
    if ys:
        pad = max(0.1 * (max(ys) - min(ys)), 2.0)
        yaxis = {"range": [min(ys) - pad, max(ys) + pad]}
    return go.Figure(traces, _layout(
        theme, labels.get("title", "SQNR against bits per weight, every GGUF type"),
        labels.get("x", "bits per weight (scales and mins counted)"), labels.get("y", "SQNR (dB)"),
        xaxis=xaxis, yaxis=yaxis))


def superblock_figure(
    x: np.ndarray,
    x_hat: np.ndarray,
    *,
    sub_size: int = 32,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """One super-block: ``x`` (dots) and ``x_hat`` (the stored value, bars of the grid) against
    the index 0..n-1, every other sub-block of ``sub_size`` shaded, a line between them.
    ``labels["sub"]`` may hold ``{j}`` (the sub-block) for the hover of each band."""
    labels = dict(labels or {})
    x = np.asarray(x, dtype=np.float32)
    x_hat = np.asarray(x_hat, dtype=np.float32)
    idx = np.arange(x.size)
    traces = [
        _scatter(x=idx, y=x_hat, mode="markers", name=labels.get("x_hat", "x_hat (stored)"),
                 marker={"size": 7, "symbol": "line-ew-open", "color": theme.color(1),
                         "line": {"width": 2}}),
        _scatter(x=idx, y=x, mode="markers", name=labels.get("x", "x"),
                 marker={"size": 4, "color": theme.color(0)}),
    ]
    n_sub = x.size // sub_size
    shapes = [_vrect(j * sub_size - 0.5, (j + 1) * sub_size - 0.5, GREY, 0.12)
              for j in range(0, n_sub, 2)]
    shapes += [_vline(j * sub_size - 0.5, {"color": GREY, "width": 1}) for j in range(1, n_sub)]
    annotations = [{"x": (j + 0.5) * sub_size - 0.5, "y": 1.0, "xref": "x", "yref": "y domain",
                    "yanchor": "bottom", "showarrow": False,
                    "text": labels.get("sub", "{j}").format(j=j)} for j in range(n_sub)]
    return go.Figure(traces, _layout(
        theme, labels.get("title", "One super-block: x and the stored x_hat"),
        labels.get("xlabel", "index in the block"), labels.get("y", "value"),
        xaxis={"range": [-1, x.size]}, shapes=shapes, annotations=annotations))


def search_curve(
    iscales: np.ndarray,
    errors: np.ndarray,
    *,
    solvable: np.ndarray,
    kept: np.ndarray,
    naive_iscale: float,
    naive_error: float,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """The scale search of one sub-block: error of each candidate against its inverse scale.

    Candidates ggml could fit (``solvable``) are joined by a line; those that beat the best so
    far (``kept``) are filled, the last of them (the one kept in the end) a star. The naive
    min/max start (``naive_iscale``, ``naive_error``) is a cross and a dashed level.
    """
    labels = dict(labels or {})
    iscales = np.asarray(iscales, dtype=np.float64)
    errors = np.asarray(errors, dtype=np.float64)
    solvable = np.asarray(solvable, dtype=bool)
    kept = np.asarray(kept, dtype=bool)
    ok = solvable & np.isfinite(errors)
    traces = [_scatter(x=iscales[ok], y=errors[ok], mode="lines+markers",
                       name=labels.get("tried", "candidates tried"),
                       line={"color": GREY, "width": 1},
                       marker={"size": 7, "symbol": "circle-open", "color": GREY})]
    better = ok & kept
    if better.any():
        traces.append(_scatter(x=iscales[better], y=errors[better], mode="markers",
                               name=labels.get("better", "better than all before"),
                               marker={"size": 9, "color": theme.color(0)}))
        last = int(np.flatnonzero(better)[-1])
        traces.append(_scatter(x=[iscales[last]], y=[errors[last]], mode="markers",
                               name=labels.get("kept", "kept"),
                               marker={"size": 18, "symbol": "star", "color": theme.color(5)}))
    traces.append(_scatter(x=[naive_iscale], y=[naive_error], mode="markers",
                           name=labels.get("naive", "min/max start"),
                           marker={"size": 12, "symbol": "x", "color": theme.clip_color}))
    shapes = [{"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1,
               "y0": naive_error, "y1": naive_error,
               "line": {"color": theme.clip_color, "width": 1, "dash": "dash"}}]
    return go.Figure(traces, _layout(
        theme, labels.get("title", "The scale search of one sub-block"),
        labels.get("x", "candidate inverse scale"), labels.get("y", "sum w (x_hat - x)^2"),
        shapes=shapes))
