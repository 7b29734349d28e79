"""Figures of the QAT study: one weight through a fake quantizer, and a fine-tuning run.

Builders follow :mod:`quantviz.present.base` (the shape, the look and the encoding): the loss
along one weight (a staircase) and its gradients, accuracy per epoch, learned scales against
MinMax ones, oscillations per epoch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from quantviz.present.base import (
    _DASHES,
    DEFAULT_THEME,
    GREY,
    Theme,
    _bar,
    _framed,
    _layout,
    _log_axis,
    _scatter,
    _vline,
    _vlines,
    _vrect,
    step_corners,
)


def _clip_zones(w: np.ndarray, mask: np.ndarray, theme: Theme) -> list[dict]:
    """Shaded bands over the weights outside the clip range (``mask`` False), one per run of
    consecutive samples, from the first such sample to the last."""
    w = np.asarray(w, dtype=np.float64)
    out = ~np.asarray(mask, dtype=bool)
    shapes, k = [], 0
    while k < out.size:
        if not out[k]:
            k += 1
            continue
        end = k
        while end + 1 < out.size and out[end + 1]:
            end += 1
        shapes.append(_vrect(float(w[k]), float(w[end]), theme.clip_color, 0.12))
        k = end + 1
    return shapes


def _clip_legend(labels: Mapping[str, str], theme: Theme) -> dict:
    return _scatter(x=[None], y=[None], mode="markers", name=labels.get("clip", "clipped"),
                    marker={"symbol": "square", "size": 12, "color": theme.clip_color,
                            "opacity": 0.3})


def _marker_at(w0: float | None) -> list[dict]:
    return [] if w0 is None else [_vline(float(w0), {"color": GREY, "width": 1,
                                                     "dash": "dot"})]


def qat_landscape(
    w: np.ndarray,
    loss: np.ndarray,
    mask: np.ndarray,
    *,
    w0: float | None = None,
    loss0: float | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """The loss along one weight through a fake quantizer: flat treads and jumps (a staircase,
    drawn as an ``hv`` line through the samples where it changes), the weights outside the
    clip range shaded, and the current weight ``w0`` (with its loss ``loss0``) marked."""
    labels = dict(labels or {})
    keep = step_corners(np.asarray(loss))
    traces = [_scatter(x=np.asarray(w)[keep], y=np.asarray(loss)[keep], mode="lines",
                       line={"shape": "hv", "color": theme.color(0), "width": 2},
                       name=labels.get("loss", "loss L(w)")),
              _clip_legend(labels, theme)]
    if w0 is not None and loss0 is not None:
        traces.append(_scatter(x=[float(w0)], y=[float(loss0)], mode="markers",
                               name=labels.get("w0", "this weight"),
                               marker={"size": 11, "color": theme.color(1),
                                       "line": {"width": 1, "color": "white"}}))
    return go.Figure(traces, _layout(
        theme, labels.get("title", ""), labels.get("x", "w"), labels.get("y", "L"),
        shapes=[*_clip_zones(w, mask, theme), *_marker_at(w0)], **_framed(traces)))


def qat_gradients(
    w: np.ndarray,
    ste_grad: np.ndarray,
    lsq_scale_grad: np.ndarray,
    mask: np.ndarray,
    jumps: np.ndarray,
    *,
    w0: float | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """What each rule says the gradient is, along the weight axis of :func:`qat_landscape`.

    The true ``dL/dw``: 0 on every tread (a flat line at 0) and a spike at each jump (dotted
    vertical lines with an arrow head at the top: the derivative does not exist there, its
    mass is a Dirac delta); the STE's ``dL/dw`` (the loss's slope passed through inside the
    clip range, 0 outside); LSQ's ``dL/dscale``. Clip zones shaded, ``w0`` marked.
    """
    labels = dict(labels or {})
    w = np.asarray(w)
    finite = np.concatenate([np.asarray(ste_grad, float), np.asarray(lsq_scale_grad, float),
                             [0.0]])
    top = 1.15 * float(np.max(np.abs(finite))) or 1.0
    sx, sy = _vlines(np.asarray(jumps), 0.0, top)
    traces = [
        _scatter(x=[float(w[0]), float(w[-1])], y=[0.0, 0.0], mode="lines",
                 line={"color": GREY, "width": 3}, name=labels.get("true", "true dL/dw")),
        _scatter(x=sx, y=sy, mode="lines", line={"color": GREY, "width": 1.5, "dash": "dot"},
                 name=labels.get("spike", "true dL/dw at a step: a spike"),
                 legendgroup="spike"),
        _scatter(x=np.asarray(jumps), y=np.full(np.asarray(jumps).size, top, np.float32),
                 mode="markers", marker={"symbol": "triangle-up", "size": 9, "color": GREY},
                 showlegend=False, legendgroup="spike", hoverinfo="x"),
        _scatter(x=w, y=np.asarray(ste_grad), mode="lines",
                 line={"color": theme.color(0), "width": 2}, name=labels.get("ste", "STE")),
        _scatter(x=w, y=np.asarray(lsq_scale_grad), mode="lines",
                 line={"color": theme.color(2), "width": 2, "dash": _DASHES[1]},
                 name=labels.get("lsq", "LSQ dL/dscale")),
        _clip_legend(labels, theme),
    ]
    return go.Figure(traces, _layout(
        theme, labels.get("title", ""), labels.get("x", "w"), labels.get("y", "gradient"),
        shapes=[*_clip_zones(w, mask, theme), *_marker_at(w0)], **_framed(traces)))


def qat_accuracy(
    curves: Mapping[str, Sequence[float]],
    *,
    references: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Accuracy (percent) against epochs, one line per run in ``curves`` (point ``e`` after
    ``e`` epochs; 0 is the MinMax start) and a dashed horizontal line per entry of
    ``references`` (post-training baselines, the float network)."""
    labels = dict(labels or {})
    traces = [_scatter(x=list(range(len(ys))), y=[float(v) for v in ys], mode="lines+markers",
                       name=name, line={"color": theme.color(i), "dash": _DASHES[i % 3]},
                       marker={"size": 7})
              for i, (name, ys) in enumerate(curves.items())]
    longest = max((len(ys) for ys in curves.values()), default=1)
    for j, (name, y) in enumerate((references or {}).items()):
        traces.append(_scatter(x=[0, max(1, longest - 1)], y=[float(y), float(y)],
                               mode="lines", name=name,
                               line={"color": (GREY, theme.color(5), theme.color(7))[j % 3],
                                     "dash": "dash", "width": 1.5}))
    return go.Figure(traces, _layout(
        theme, labels.get("title", ""), labels.get("x", "epoch"),
        labels.get("y", "accuracy (%)"), xaxis={"dtick": 1}, **_framed(traces)))


def qat_scales(
    names: Sequence[str],
    minmax: Sequence[float],
    learned: Sequence[float],
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Each quantizer's scale: MinMax (the start) beside the learned one, grouped bars on a
    log axis (weights' and activations' scales differ by orders of magnitude), each bar
    labelled with its value."""
    labels = dict(labels or {})
    xs = list(names)
    traces = [_bar(x=xs, y=[float(v) for v in ys], name=name,
                   marker={"color": theme.color(i)}, text=[f"{v:.3g}" for v in ys],
                   textposition="outside", cliponaxis=False)
              for i, (name, ys) in enumerate(((labels.get("minmax", "MinMax"), minmax),
                                              (labels.get("learned", "learned"), learned)))]
    return go.Figure(traces, _layout(
        theme, labels.get("title", ""), labels.get("x", "quantizer"),
        labels.get("y", "scale"), yaxis=_log_axis([*minmax, *learned]), barmode="group",
        bargap=0.25,
        **_framed(traces)))


def qat_oscillations(
    series: Mapping[str, Sequence[int]],
    *,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Oscillations per epoch: one group of bars per epoch (1, 2, ...), one bar per entry of
    ``series`` (events, weights that had one, per run)."""
    labels = dict(labels or {})
    traces = [_bar(x=list(range(1, len(ys) + 1)), y=[int(v) for v in ys], name=name,
                   marker={"color": theme.color(i)})
              for i, (name, ys) in enumerate(series.items())]
    return go.Figure(traces, _layout(
        theme, labels.get("title", ""), labels.get("x", "epoch"), labels.get("y", "count"),
        xaxis={"dtick": 1}, barmode="group", bargap=0.25, **_framed(traces)))
