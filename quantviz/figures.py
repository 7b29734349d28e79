"""Pure figure builders: data in, ``plotly.graph_objects.Figure`` out.

Every builder has the shape ``name(data, *, options, theme) -> go.Figure``. None of them imports
streamlit or does numerics of its own: the data arrive binned (see ``metrics.histogram``), so a
figure's size does not grow with the tensor. Labels use the math's vocabulary (``x``, ``q``,
``x_hat``, ``scale``, ``zero_point``); the caller passes translated titles through ``labels``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from quantviz.metrics import CodeUsage, Histogram

#: Okabe & Ito's colour-blind-safe palette, used by every chart.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
GREY = "#999999"

#: Above this many points a scatter uses WebGL (``go.Scattergl``).
GL_THRESHOLD = 2000
#: At most this many grid lines or code bars are drawn; beyond it every k-th is drawn.
MAX_GRID_LINES = 64
MAX_CODE_BARS = 512


@dataclass(frozen=True)
class Theme:
    """Fonts, sizes and the palette shared by all figures (``presentation`` for a projector)."""

    font_size: int = 13
    height: int = 380
    palette: tuple[str, ...] = OKABE_ITO
    template: str = "plotly_white"

    @classmethod
    def presentation(cls) -> Theme:
        return cls(font_size=22, height=520)

    def color(self, i: int) -> str:
        return self.palette[i % len(self.palette)]

    @property
    def clip_color(self) -> str:
        return self.palette[3]


DEFAULT_THEME = Theme()


def _layout(fig: go.Figure, theme: Theme, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        template=theme.template,
        height=theme.height,
        font={"size": theme.font_size},
        title={"text": title, "font": {"size": theme.font_size + 2}},
        margin={"l": 10, "r": 10, "t": 30 + 2 * theme.font_size, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0},
        bargap=0,
    )
    fig.update_xaxes(title_text=x_title, automargin=True)
    fig.update_yaxes(title_text=y_title, automargin=True)
    return fig


def _bars(hist: Histogram, name: str, color: str, opacity: float = 0.85) -> go.Bar:
    edges = np.asarray(hist.edges, dtype=np.float64)
    return go.Bar(
        x=(edges[:-1] + edges[1:]) / 2,
        y=np.asarray(hist.counts),
        width=np.diff(edges),
        name=name,
        marker={"color": color, "line": {"width": 0}},
        opacity=opacity,
    )


def _thin(values: np.ndarray, limit: int) -> tuple[np.ndarray, int]:
    """Every k-th value so that at most ``limit`` remain; returns (values, k)."""
    values = np.asarray(values)
    k = max(1, int(np.ceil(len(values) / limit)))
    return values[::k], k


def _vlines(xs: Sequence[float], y0: float, y1: float) -> tuple[list, list]:
    """x/y lists that draw vertical segments in one trace (``None`` separates them)."""
    px, py = [], []
    for x in xs:
        px += [float(x), float(x), None]
        py += [y0, y1, None]
    return px, py


def _clip_zones(fig: go.Figure, x_lo: float, x_hi: float, view: tuple[float, float],
                theme: Theme, half_step: float = 0.0) -> None:
    """Mark the grid's ends ``x_lo``/``x_hi`` (dashed) and shade where values saturate.

    A value up to half a step beyond ``x_hi`` still rounds to ``qmax`` (rounding error, not
    clipping), so the shading starts at ``x_hi + half_step`` (and ends at ``x_lo - half_step``):
    what lies in it is exactly what the page counts as clipped. The x axis is fixed to ``view``
    so that the shading never stretches the axis.
    """
    lo, hi = view
    for x0, x1 in ((lo, x_lo - half_step), (x_hi + half_step, hi)):
        if x1 > x0:
            fig.add_vrect(x0=x0, x1=x1, fillcolor=theme.clip_color, opacity=0.1, line_width=0,
                          layer="below")
    for x in (x_lo, x_hi):
        fig.add_vline(x=x, line={"color": theme.clip_color, "width": 2, "dash": "dash"})
    fig.update_xaxes(range=[lo, hi])


def _padded(lo: float, hi: float, frac: float = 0.03) -> tuple[float, float]:
    pad = (hi - lo) * frac or max(abs(lo), 1.0) * frac
    return lo - pad, hi + pad


def value_histogram(
    hist: Histogram,
    *,
    grid: np.ndarray,
    x_lo: float,
    x_hi: float,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Histogram of ``x`` with the quantization grid (``x_hat`` of every code) and clip range.

    ``grid`` holds the representable values, thinned to every k-th above ``MAX_GRID_LINES``
    (the legend says so). ``[x_lo, x_hi]`` is the clipping range; beyond it by more than half
    a step (where values saturate) is shaded.
    ``ranges`` adds named calibration ranges as coloured marker pairs on top.
    """
    labels = dict(labels or {})
    fig = go.Figure(_bars(hist, labels.get("counts", "count of x"), theme.color(0), 0.7))
    ymax = float(np.max(hist.counts)) if len(hist.counts) else 1.0
    shown, k = _thin(grid, MAX_GRID_LINES)
    gx, gy = _vlines(shown, 0.0, ymax * 1.05)
    grid_name = labels.get("grid", "grid: x_hat of each code q")
    if k > 1:
        grid_name += f" (1 in {k})"
    fig.add_trace(
        go.Scatter(x=gx, y=gy, mode="lines", name=grid_name,
                   line={"color": GREY, "width": 1}, opacity=0.45, hoverinfo="skip")
    )
    for i, (name, (lo, hi)) in enumerate((ranges or {}).items()):
        fig.add_trace(
            go.Scatter(x=[lo, hi], y=[ymax * (1.1 + 0.06 * i)] * 2, mode="lines+markers",
                       name=name, line={"color": theme.color(i + 1), "width": 4},
                       marker={"symbol": "line-ns-open", "size": 14})
        )
    _layout(fig, theme, labels.get("title", "Values x and the quantization grid"), "x",
            labels.get("y", "count"))
    edges = np.asarray(hist.edges)
    half_step = (x_hi - x_lo) / (len(grid) - 1) / 2 if len(grid) > 1 else 0.0
    _clip_zones(fig, x_lo, x_hi, _padded(min(edges[0], x_lo), max(edges[-1], x_hi)), theme,
                half_step)
    return fig


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
    """
    labels = dict(labels or {})
    scatter = go.Scattergl if len(x) > GL_THRESHOLD else go.Scatter
    fig = go.Figure()
    fig.add_trace(scatter(x=x, y=q, mode="lines", line={"shape": "hv", "color": theme.color(0)},
                          name=labels.get("q", "q(x)"), yaxis="y"))
    fig.add_trace(scatter(x=x, y=x_hat, mode="lines", line={"shape": "hv", "color": theme.color(1),
                          "dash": "dot"}, name=labels.get("x_hat", "x_hat(x)"), yaxis="y2"))
    fig.add_trace(scatter(x=[x[0], x[-1]], y=[x[0], x[-1]], mode="lines",
                          line={"color": GREY, "width": 1},
                          name=labels.get("identity", "x_hat = x"), yaxis="y2"))
    _layout(fig, theme, labels.get("title", "Float-to-int mapping"), "x", "q")
    step = (x_hi - x_lo) / (qmax - qmin)
    _clip_zones(fig, x_lo, x_hi, (float(x[0]), float(x[-1])), theme, step / 2)
    q_range = [qmin - 0.03 * (qmax - qmin), qmax + 0.03 * (qmax - qmin)]
    fig.update_layout(
        yaxis={"range": q_range},
        yaxis2={"title": {"text": "x_hat"}, "overlaying": "y", "side": "right",
                "range": [x_lo + (q - qmin) * step for q in q_range], "showgrid": False},
    )
    return fig


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
        name += f" ({per_bar} codes per bar)"
    fig = go.Figure(go.Bar(x=starts + (per_bar - 1) / 2, y=binned, width=per_bar, name=name,
                           marker={"color": theme.color(0), "line": {"width": 0}}))
    for lo, hi in _unreachable_spans(usage):
        fig.add_vrect(x0=lo - 0.5, x1=hi + 0.5, fillcolor=GREY, opacity=0.25, line_width=0,
                      layer="below")
    if usage.unreachable:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=labels.get(
            "unreachable", "unreachable codes"), marker={"symbol": "square", "color": GREY,
                                                         "size": 12}))
    reachable = np.arange(usage.reachable_lo, usage.reachable_hi + 1)
    empty = reachable[counts[reachable - usage.qmin] == 0]
    shown, _ = _thin(empty, MAX_CODE_BARS)
    empty_name = labels.get("empty", "reachable but empty")
    fig.add_trace(go.Scatter(x=shown, y=np.zeros(len(shown)), mode="markers",
                             name=f"{empty_name}: {len(empty)}",
                             marker={"symbol": "x-thin-open", "color": theme.clip_color,
                                     "size": 8}))
    title = labels.get("title", "Integer codes used: {used} of {levels}, effective bits {bits:.2f}")
    title = title.format(used=usage.used, levels=levels, bits=usage.effective_bits)
    _layout(fig, theme, title, "q", labels.get("y", "count"))
    fig.update_xaxes(range=[usage.qmin - 0.5 - per_bar / 2, usage.qmax + 0.5 + per_bar / 2])
    return fig


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
    labels = dict(labels or {})
    fig = go.Figure()
    fig.add_trace(_bars(rounding, labels.get("rounding", "rounding error (in range)"),
                        theme.color(0)))
    if np.sum(clipped.counts):
        fig.add_trace(_bars(clipped, labels.get("clipping", "clipping error (saturated)"),
                            theme.clip_color))
    half = scale / 2
    fig.add_vrect(x0=-half, x1=half, fillcolor=theme.color(2), opacity=0.1, line_width=0,
                  layer="below")
    fig.add_trace(go.Scatter(x=[-half, half], y=[uniform_count, uniform_count], mode="lines",
                             name=labels.get("uniform", "uniform noise, variance scale^2/12"),
                             line={"color": theme.color(2), "dash": "dash", "width": 2}))
    return _layout(fig, theme, labels.get("title", "Error x_hat - x"), "x_hat - x",
                   labels.get("y", "count"))


def sqnr_vs_bits(
    bits: Sequence[int],
    curves: Mapping[str, Sequence[float]],
    *,
    reference: Sequence[float] | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
    y_title: str = "SQNR (dB)",
) -> go.Figure:
    """One line per scheme of a metric (SQNR by default) against ``bits``.

    ``reference`` is the 6.02 dB-per-bit line computed by the caller.
    """
    labels = dict(labels or {})
    fig = go.Figure()
    for i, (name, ys) in enumerate(curves.items()):
        fig.add_trace(go.Scatter(x=list(bits), y=list(ys), mode="lines+markers", name=name,
                                 line={"color": theme.color(i)}))
    if reference is not None:
        fig.add_trace(go.Scatter(x=list(bits), y=list(reference), mode="lines",
                                 name=labels.get("reference", "6.02 dB per bit"),
                                 line={"color": GREY, "dash": "dash"}))
    return _layout(fig, theme, labels.get("title", ""), "bits", y_title)

