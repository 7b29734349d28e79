"""Pure figure builders: data in, ``plotly.graph_objects.Figure`` out.

Every builder has the shape ``name(data, *, options, theme) -> go.Figure``. None of them imports
streamlit or does numerics of its own: the data arrive binned (see ``metrics.histogram``), so a
figure's size does not grow with the tensor. Labels use the math's vocabulary (``x``, ``q``,
``x_hat``, ``scale``, ``zero_point``); the caller passes translated titles through ``labels``.

A builder makes its figure in one call, ``go.Figure(traces, _layout(...))``: traces as dicts
(:func:`_scatter`, :func:`_bar`), shapes (:func:`_vrect`, :func:`_vline`) and axis settings
inside the one layout dict. ``add_vrect``, ``add_vline``, ``update_*`` calls and named
templates each cost more than building the rest of a figure (plotly validates again each time).
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import convert_to_base64

from quantviz.metrics import CodeUsage, Histogram
from quantviz.studies.comparisons import Density

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

#: No chart uses WebGL (``scattergl``): every long trace is a line, which SVG draws as one path
#: whatever its length, while each WebGL chart costs a context and, in a browser without a
#: GPU (headless Chromium, some classroom machines), software rendering: the Formats page's
#: mapping (four lines of 1,500 points) took 500 ms of the main thread per slider move in
#: WebGL against a few ms as SVG.
#: At most this many grid lines or code bars are drawn; beyond it every k-th is drawn.
MAX_GRID_LINES = 64
MAX_CODE_BARS = 512


@dataclass(frozen=True)
class Theme:
    """Fonts, sizes and the palette shared by all figures (``presentation`` for a projector)."""

    font_size: int = 13
    height: int = 380
    palette: tuple[str, ...] = OKABE_ITO

    @classmethod
    def presentation(cls) -> Theme:
        return cls(font_size=22, height=520)

    def color(self, i: int) -> str:
        return self.palette[i % len(self.palette)]

    @property
    def clip_color(self) -> str:
        return self.palette[3]


DEFAULT_THEME = Theme()


#: plotly_white's look, written out: plotly copies a named template into each figure it is set
#: on, which cost more than building the rest of the figure (and sent 3 kB of JSON per chart
#: that no chart of ours uses). The axes' part stays a template, a small one: plotly.js draws
#: an axis line, a grid and a zero line wherever the axis itself sets their colours, but not
#: where they come from a template (plotly_white shows no axis lines, and no grid along bars).
_GRID = "#EBF0F8"
_AXIS = {"gridcolor": _GRID, "linecolor": _GRID, "zerolinecolor": _GRID, "zerolinewidth": 2,
         "ticks": "", "title": {"standoff": 15}, "automargin": True}
_LOOK = {"template": {"layout": {"xaxis": _AXIS, "yaxis": _AXIS}},
         "paper_bgcolor": "white", "plot_bgcolor": "white", "hovermode": "closest",
         "hoverlabel": {"align": "left"}, "autotypenumbers": "strict"}
_INK = "#2a3f5f"


def _axis(title: str, **settings) -> dict:
    """An axis titled ``title``, plus ``settings`` (range, type...); the look is _LOOK's."""
    return {"title": {"text": title}, **settings}


def _layout(theme: Theme, title: str, x_title: str, y_title: str, *,
            xaxis: Mapping | None = None, yaxis: Mapping | None = None,
            fixed: bool = False, right_axis: bool = False, legend_rows: int = 3,
            **extra) -> dict:
    """The layout every figure shares: look, sizes, title, legend below the plot, axis titles.

    ``xaxis``/``yaxis`` add settings to the two axes; ``extra`` adds or replaces layout keys
    (``shapes``, ``yaxis2``, ``legend``...). Pass the result to ``go.Figure`` with the traces:
    one validation of the whole figure, where ``update_*`` calls validate again each time.
    """
    frame = _fixed_frame(theme, right_axis, legend_rows) if fixed else {
        "margin": {"l": 10, "r": 10, "t": 30 + 2 * theme.font_size, "b": 10},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0}}
    fixed_axis = {"automargin": False} if fixed else {}
    return {
        **_LOOK,
        "colorway": list(theme.palette),
        "font": {"color": _INK, "size": theme.font_size},
        "title": {"text": title, "x": 0.05, "font": {"size": theme.font_size + 2}},
        "height": theme.height,
        **frame,
        "bargap": 0,
        "xaxis": _axis(x_title, **fixed_axis, **(xaxis or {})),
        "yaxis": _axis(y_title, **fixed_axis, **(yaxis or {})),
        **extra,
    }


def _frame_bottom(theme: Theme, legend_rows: int) -> int:
    """Pixels below a fixed frame's plot area: tick labels and the x title (4.5 font units),
    then 1.5 units per legend row. Pass the number of legend entries when a chart may be too
    narrow to put two on a row (three rows: nine units)."""
    return round((4.5 + 1.5 * max(1, legend_rows)) * theme.font_size)


def _legend_entries(traces: Sequence[Mapping]) -> int:
    """How many entries a legend of ``traces`` (as dicts) shows."""
    return sum(1 for tr in traces if tr.get("showlegend", True) and tr.get("name"))


def _framed(traces: Sequence[Mapping]) -> dict:
    """``_layout`` keywords for a fixed frame with room for every legend entry of ``traces``."""
    return {"fixed": True, "legend_rows": _legend_entries(traces)}


def _fixed_frame(theme: Theme, right_axis: bool = False, legend_rows: int = 3) -> dict:
    """Margins and legend of a figure whose plot area is fixed (``_layout(fixed=True)``).

    With ``automargin`` plotly.js draws a figure, measures its tick labels and legend, widens
    the margins and draws it again: on a Bits move on Explore that second pass was 77 ms of the
    544 ms of main-thread work for its four charts. A fixed frame leaves room instead,
    in units of the font size: five on the left for tick labels and the axis title (and on the
    right for a second y axis, ``right_axis``), and below room for the x axis and
    ``legend_rows`` legend rows (:func:`_frame_bottom`), the legend at the bottom of the figure.
    """
    unit = theme.font_size
    return {"margin": {"l": 5 * unit, "r": 5 * unit if right_axis else unit,
                       "t": 30 + 2 * theme.font_size, "b": _frame_bottom(theme, legend_rows),
                       "autoexpand": False},
            "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom",
                       "x": 0}}


def _vrect(x0: float, x1: float, color: str, opacity: float, xref: str = "x",
           yref: str = "y domain") -> dict:
    """A band from ``x0`` to ``x1`` over the plot's whole height, behind the traces."""
    return {"type": "rect", "xref": xref, "yref": yref, "x0": x0, "x1": x1, "y0": 0, "y1": 1,
            "fillcolor": color, "opacity": opacity, "line": {"width": 0}, "layer": "below"}


def _vline(x: float, line: Mapping) -> dict:
    """A vertical line at ``x`` over the plot's whole height, drawn with ``line``."""
    return {"type": "line", "xref": "x", "yref": "y domain", "x0": x, "x1": x, "y0": 0, "y1": 1,
            "line": dict(line)}


def _scatter(**props) -> dict:
    """A scatter trace as a dict. ``go.Figure`` validates a dict once; a ``go.Scatter`` is
    validated when it is made and again when the figure takes it (twice the time)."""
    return {"type": "scatter", **props}


def step_corners(*ys: np.ndarray) -> np.ndarray:
    """Indices of the points a ``shape="hv"`` line through ``(x, y)`` needs, for every ``y``
    in ``ys`` (same length ``n``, sampled at the same sorted ``x``).

    An hv line goes right from each point to the next one's ``x`` and then up or down to its
    ``y``. A point whose ``y`` equals the previous one's (in every ``ys``) adds nothing: the
    line runs on flat through it. Keeping the first point, the last (where the line ends) and
    every point where some ``y`` changes draws the same line: a staircase of 1,500 samples
    over an 8-bit grid has at most 257 steps. ``n <= 2`` keeps every point; NaN counts as a
    change (it is kept).
    """
    n = len(ys[0])
    if n <= 2:
        return np.arange(n)
    change = np.zeros(n, dtype=bool)
    change[0] = change[-1] = True
    for y in ys:
        y = np.asarray(y)
        change[1:] |= ~(y[1:] == y[:-1])
    return np.flatnonzero(change)


def _bar(**props) -> dict:
    """A bar trace as a dict (see :func:`_scatter`)."""
    return {"type": "bar", **props}


def _bars(hist: Histogram, name: str, color: str, opacity: float = 0.85) -> dict:
    return _bin_bars(hist.edges, hist.counts, name, color, opacity)


def _bin_bars(edges, heights, name: str, color: str, opacity: float = 0.85) -> dict:
    """One bar per bin ``[edges[i], edges[i+1])``, as wide as the bin, ``heights[i]`` high."""
    edges = np.asarray(edges, dtype=np.float64)
    return _bar(
        x=(edges[:-1] + edges[1:]) / 2,
        y=np.asarray(heights),
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


def _vlines(xs: Sequence[float], y0: float, y1: float) -> tuple[np.ndarray, np.ndarray]:
    """x/y arrays that draw vertical segments in one trace: ``(x, x, NaN)`` and
    ``(y0, y1, NaN)`` per ``x`` (a NaN breaks the line, as ``None`` would).

    Arrays, not lists: they reach the browser as base64 typed arrays. float32 ``xs`` stay
    float32 (4 bytes a value; any other input is float64, exactly), ``y`` is float32: FP8's
    grid of 252 ticks is 8 kB of JSON this way, 19 kB as a list of numbers and ``None``.
    """
    xs = np.asarray(xs)
    dtype = np.float32 if xs.dtype == np.float32 else np.float64
    px = np.full(3 * xs.size, np.nan, dtype)
    px[0::3] = px[1::3] = xs
    py = np.full(3 * xs.size, np.nan, np.float32)
    py[0::3], py[1::3] = y0, y1
    return px, py


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


def _padded(lo: float, hi: float, frac: float = 0.03) -> tuple[float, float]:
    pad = (hi - lo) * frac or max(abs(lo), 1.0) * frac
    return lo - pad, hi + pad


def _unvalidated(traces: list, layout: dict) -> go.Figure:
    """``go.Figure(traces, layout)`` without plotly's validation of every property.

    Validation costs three times the rest of building the Explore page's four figures, and a
    miss builds them on every new tensor or setting, for every student. The builders that use
    this make only properties plotly knows, in the form it keeps them: tests/test_figures.py
    builds each with validation and without and requires the same JSON (plotly's ``_validate``
    switch, read in ``BaseFigure.__init__``).

    Inside :func:`plotly_spec` it makes no figure at all: the plain dict of traces and layout is
    what the browser gets, so it is returned as it is (see there).
    """
    if _SPEC_ONLY.get():
        return _Spec(data=traces, layout=layout)  # type: ignore[return-value]
    return go.Figure(traces, layout, _validate=VALIDATE)


#: False: :func:`_unvalidated` skips plotly's validation (the tests set True to compare).
VALIDATE = False

#: True while :func:`plotly_spec` runs a builder.
_SPEC_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("spec_only", default=False)


class _Spec(dict):
    """A figure as the plain dict ``{"data": traces, "layout": layout}`` (see plotly_spec)."""


def plotly_spec(build: Callable[[], go.Figure]) -> dict:
    """What ``build().to_dict()`` gives, arrays base64-encoded: the dict the browser receives.

    A builder ending in :func:`_unvalidated` has its traces and layout as plain dicts already;
    turning them into a ``go.Figure`` (most of a millisecond a chart: its objects) only for
    ``to_dict`` to turn them back is skipped, and the dict is returned as it is. The result
    serialises to the same JSON as the figure (keys may come in another order; the tests
    compare every builder both ways). Any other builder's figure is converted without the deep
    copy of ``to_dict`` (the figure is made for this call and dropped). ``build`` must return
    its builder's figure untouched: a caller that changes a figure after its builder (as
    ``share_axes`` does) builds a ``go.Figure`` and passes it to :func:`figure_spec`.

    Edge cases: numpy arrays are base64-encoded by plotly's own ``convert_to_base64`` (int64
    narrowed to the smallest integer type that holds them, as plotly does); empty arrays stay
    lists.
    """
    token = _SPEC_ONLY.set(True)
    try:
        fig = build()
    finally:
        _SPEC_ONLY.reset(token)
    if not isinstance(fig, _Spec):
        return figure_spec(fig)
    spec = {"data": list(fig["data"]), "layout": fig["layout"]}
    convert_to_base64(spec)
    return spec


def figure_spec(fig: go.Figure) -> dict:
    """``fig.to_dict()`` without its deep copy, taking ``fig``'s own data and layout over.

    ``to_dict`` deep-copies the figure before encoding its arrays; ``fig`` here was built for
    the caller and is dropped, so nothing else holds what is taken. Equal to ``fig.to_dict()``
    (tests/test_figures.py).
    """
    spec = {"data": list(fig._data), "layout": fig._layout}  # noqa: SLF001 (see docstring)
    convert_to_base64(spec)
    return spec


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
    traces = [_bars(hist, labels.get("counts", "count of x"), theme.color(0), 0.7)]
    ymax = float(np.max(hist.counts)) if len(hist.counts) else 1.0
    shown, k = _thin(grid, MAX_GRID_LINES)
    gx, gy = _vlines(shown, 0.0, ymax * 1.05)
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


def _error_figure(rounding: tuple, clipped: tuple, *, scale: float, level: float,
                  y_title: str, labels: Mapping[str, str] | None, theme: Theme,
                  xaxis: dict | None = None) -> go.Figure:
    """What both error figures draw: ``(edges, heights)`` bars of the in-range (rounding) and,
    when any, the clipped elements, the band ``[-scale/2, scale/2]`` and the uniform level."""
    labels = dict(labels or {})
    traces = [_bin_bars(*rounding, labels.get("rounding", "rounding error (in range)"),
                        theme.color(0))]
    if np.any(np.asarray(clipped[1]) > 0):
        traces.append(_bin_bars(*clipped, labels.get("clipping", "clipping error (saturated)"),
                                theme.clip_color))
    band, line = _rounding_band(scale, level, labels, theme)
    extra = {"xaxis": xaxis} if xaxis else {}
    return _unvalidated(traces + [line], _layout(
        theme, labels.get("title", "Error x_hat - x"), "x_hat - x", labels.get("y", y_title),
        fixed=True, shapes=[band], **extra))


def _finite(values: Sequence[float]) -> list[float | None]:
    """Values for plotly: non-finite entries (an exact SQNR of inf) become gaps (``None``)."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=np.float64)]


def share_axes(fig: go.Figure, *, x: tuple[float, float] | None = None,
               y: tuple[float, float] | None = None, y2: tuple[float, float] | None = None,
               log_y: bool = False, margins: tuple[int, int, int] | None = None) -> go.Figure:
    """Fix a figure's axis ranges so that side-by-side figures line up.

    ``y`` is in data units, or in decades (``log10``) when ``log_y``: plotly's convention for
    log axes (ticks at powers of ten only). ``y2`` is the right-hand axis of
    :func:`mapping_staircase`. ``margins = (left, right, bottom)`` in pixels fixes the plot
    area (legends and tick labels no longer push it), with the legend at the bottom of the
    figure, so figures in a row have plot areas of one size. Returns ``fig``.
    """
    layout = fig.layout
    xaxes = [layout[name] for name in layout if name.startswith("xaxis")]
    yaxes = [layout[name] for name in layout if name.startswith("yaxis")]
    if x is not None:
        _assign(xaxes, range=list(x))
    if log_y:
        _assign(yaxes, type="log", dtick=1)
    if margins is not None:
        left, right, bottom = margins
        _assign([layout.margin], l=left, r=right, b=bottom, autoexpand=False)
        _assign([layout.legend], yref="container", y=0, yanchor="bottom")
        _assign(xaxes + yaxes, automargin=False)
    if y is not None:
        _assign([layout.yaxis], range=list(y))
    if y2 is not None:
        _assign([layout.yaxis2], range=list(y2))
    return fig


def _assign(objs: Sequence, **settings) -> None:
    """Set ``settings`` on each plotly object: one validated assignment per key, where
    ``update_layout`` with the same dict takes twice as long (its batch machinery)."""
    for obj in objs:
        for key, value in settings.items():
            obj[key] = value


def error_density(
    rounding: Density,
    clipped: Density,
    *,
    scale: float,
    uniform: float,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """The error ``x_hat - x`` as a density (share of values per unit of error).

    In-range (rounding) and clipped elements are separate traces; the band
    ``[-scale/2, scale/2]`` is shaded and the level ``uniform`` of uniform rounding noise is
    drawn over it. Densities of configs with different steps share one y axis.
    """
    return _error_figure((rounding.edges, rounding.values), (clipped.edges, clipped.values),
                         scale=scale, level=uniform, y_title="density", labels=labels,
                         theme=theme)


def _rounding_band(scale: float, uniform: float, labels: Mapping[str, str],
                   theme: Theme) -> tuple[dict, dict]:
    """The shading of ``[-scale/2, scale/2]``, the bounds of the rounding error (a shape), and
    the level ``uniform`` of uniform rounding noise (variance ``scale^2/12``) over it (a trace).
    """
    half = scale / 2
    return _vrect(-half, half, theme.color(2), 0.1), _scatter(
        x=[-half, half], y=[uniform, uniform], mode="lines",
        name=labels.get("uniform", "uniform noise, variance scale^2/12"),
        line={"color": theme.color(2), "dash": "dash", "width": 2})


#: Line styles of the sweep's schemes, so that lines lying on top of each other stay apart.
_DASHES = ("solid", "dash", "dot")


def sweep_lines(
    bits: Sequence[int],
    curves: Mapping[str, Sequence[float]],
    *,
    marked: Mapping[str, Sequence[bool]] | None = None,
    reference: Sequence[float] | None = None,
    highlight: int | None = None,
    log_y: bool = False,
    y_title: str = "SQNR (dB)",
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """One line per scheme of a measure against ``bits``.

    ``marked[name][i]`` puts a large open marker on point ``i`` of that line (the bit widths
    where clipping, not rounding, dominates the error); ``reference`` is a dashed grey line
    computed by the caller (6.02 dB per bit, or ``y = bits`` for effective bits);
    ``highlight`` draws a vertical line at one bit width. Non-finite values leave gaps.
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
    yaxis = {"type": "log", "exponentformat": "power", "dtick": 1} if log_y else {}
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
    yaxis = {"type": "log", "exponentformat": "power", "dtick": 1} if log_y else {}
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
    xaxis = {"type": "log", "exponentformat": "power"}
    yaxis = {"type": "log", "exponentformat": "power", "dtick": 1}
    if focus is not None:
        (t_lo, t_hi), (m_lo, m_hi) = focus
        ticks = _log_ticks(t_lo, t_hi)
        xaxis.update(range=[np.log10(t_lo), np.log10(t_hi)], tickvals=ticks,
                     ticktext=[f"{v:g}" for v in ticks])
        yaxis.update(range=[np.log10(m_lo), np.log10(m_hi)])
    layout = _layout(theme, labels.get("title", "MSE against the clipping threshold T"),
                     labels.get("x", "clipping threshold T"), labels.get("y", "MSE"),
                     xaxis=xaxis, yaxis=yaxis)
    layout["legend"] = {**layout["legend"], "y": -0.32}
    return go.Figure(traces, layout)


def _log_ticks(lo: float, hi: float) -> list[float]:
    """Tick values 1, 2, 5 times powers of ten within ``[lo, hi]`` (labels in full, not the
    bare digits plotly writes between decades)."""
    if not (0 < lo < hi and np.isfinite(hi)):
        return []
    decades = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
    return [m * 10.0**k for k in decades for m in (1, 2, 5) if lo <= m * 10.0**k <= hi]


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


# -- per-channel and per-group quantization (Per-channel page) ----------------------------------


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
    yaxis = {"type": "log", "exponentformat": "power"} if log_y else {}
    return go.Figure(traces, _layout(theme, labels.get("title", "Error per channel"),
                                     labels.get("x", "channel"), y_title, yaxis=yaxis,
                                     **_framed(traces)))


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
    same element bits) are drawn as diamonds under ``labels["extra"]``.
    """
    labels = dict(labels or {})
    traces = []
    if extra:
        traces.append(_scatter(
            x=[p[1] for p in extra], y=_finite([p[2] for p in extra]),
            text=[p[0] for p in extra], mode="markers+text",
            name=labels.get("extra", "number formats"), textposition="bottom center",
            hovertemplate="%{text}<br>%{x:.4g} bits per weight<br>%{y:.2f} dB<extra></extra>",
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
            mode="markers+text", name=name, hovertemplate="%{text}<br>%{x:.4g} bits per weight"
            "<br>%{y:.2f} dB<extra></extra>",
            textposition=["bottom right" if i % 2 else "top left" for i in range(len(group))],
            marker={"size": size, "symbol": symbol, "color": color, "line": {"width": 2}}))
    xaxis = {"type": "log", "dtick": 1, "tickformat": "~g"}
    yaxis = {}
    finite = [p[2] for p in everything if np.isfinite(p[2])]
    if finite:
        pad = max(1.0, 0.15 * (max(finite) - min(finite)))
        yaxis["range"] = [min(finite) - pad, max(finite) + pad]
    if everything:
        xs = [p[1] for p in everything]
        xaxis["range"] = [np.log10(min(xs)) - 0.5, np.log10(max(xs)) + 0.5]
    return go.Figure(traces, _layout(
        theme, labels.get("title", "Error against parameter cost"),
        labels.get("x", "parameter overhead (bits per weight)"), labels.get("y", "SQNR (dB)"),
        xaxis=xaxis, yaxis=yaxis))


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


# -- the Learn page: the two pictures and the padding lesson ------------------------------------


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


# -- the Layer page: integer values against the limits of their registers -----------------------


def integer_histogram(
    edges: Sequence[float],
    series: Mapping[str, Sequence[int]],
    *,
    limits: tuple[float, float] | None = None,
    log_y: bool = False,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Counts of integer values (pair sums, accumulators) per bin, one overlaid series each.

    ``series[name][i]`` counts the values in ``[edges[i], edges[i+1])``. ``limits`` are the
    register's ends (say int16's): drawn as dashed lines, with the region outside shaded where
    values saturate. The y axis is logarithmic with ``log_y`` (a few saturated pairs among
    millions).
    """
    labels = dict(labels or {})
    traces = [_bin_bars(edges, np.asarray(counts), name, theme.color(i), 0.6)
              for i, (name, counts) in enumerate(series.items())]
    lo, hi = float(edges[0]), float(edges[-1])
    shapes = []
    if limits is not None:
        line = {"color": theme.clip_color, "width": 2, "dash": "dash"}
        shapes += [_vrect(x0, x1, theme.clip_color, 0.1)
                   for x0, x1 in ((lo, limits[0]), (limits[1], hi)) if x1 > x0]
        shapes += [_vline(v, line) for v in limits]
    yaxis = {"type": "log", "exponentformat": "power"} if log_y else {}
    return go.Figure(traces, _layout(
        theme, labels.get("title", "Integer values"), labels.get("x", "value"),
        labels.get("y", "count"), xaxis={"range": [lo, hi]}, yaxis=yaxis, barmode="overlay",
        shapes=shapes, **_framed(traces)))


# ---------------------------------------------------------------------------------------------
# Outliers page and checkpoint report


def alpha_curve(
    alphas: Sequence[float],
    curves: Mapping[str, Sequence[float]],
    *,
    highlight: float | None = None,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """One line per measure (SQNR of X, W, Y) against SmoothQuant's ``alpha``.

    ``highlight`` draws a dotted vertical line at the chosen alpha. Non-finite values leave gaps.
    """
    labels = dict(labels or {})
    xs = [float(a) for a in alphas]
    traces = [_scatter(x=xs, y=_finite(ys), mode="lines+markers", name=name,
                       line={"color": theme.color(i), "dash": _DASHES[i % 3]}, marker={"size": 5})
              for i, (name, ys) in enumerate(curves.items())]
    shapes = [] if highlight is None else [_vline(highlight, {"color": GREY, "width": 1,
                                                              "dash": "dot"})]
    return go.Figure(traces, _layout(theme, labels.get("title", ""), labels.get("x", "alpha"),
                                     labels.get("y", "SQNR (dB)"), shapes=shapes,
                                     xaxis={"range": [-0.02, 1.02]}, **_framed(traces)))


def histogram_pair(
    before: Histogram,
    after: Histogram,
    *,
    log_y: bool = True,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """Two binned histograms overlaid (before and after a transform), on a log count axis by
    default so the rare large values stay visible. Empty bins are left out on a log axis."""
    labels = dict(labels or {})
    traces = []
    for i, (hist, name) in enumerate(((before, labels.get("before", "before")),
                                      (after, labels.get("after", "after")))):
        counts = hist.counts.astype(np.float64)
        if log_y:
            counts = np.where(counts > 0, counts, np.nan)
        bars = _bin_bars(hist.edges, counts, name, theme.color(i), opacity=0.6)
        bars["y"] = _finite(counts)
        traces.append(bars)
    yaxis = {"type": "log", "exponentformat": "power"} if log_y else {}
    return go.Figure(traces, _layout(theme, labels.get("title", ""), labels.get("x", "x"),
                                     labels.get("y", "count"), yaxis=yaxis, barmode="overlay",
                                     **_framed(traces)))


# -- the Model page: per-layer bars and a grid of 8x8 digits ------------------------------------


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
    differ by a few tenths stay readable).
    """
    labels = dict(labels or {})
    xs = list(names)
    traces = [_bar(x=xs, y=_finite(ys), name=name, marker={"color": theme.color(i)},
                   text=[None if v is None else f"{v:.1f}" for v in _finite(ys)],
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


# -- the Formats page: several number formats on one tensor -------------------------------------

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
        xaxis={"type": "log", "exponentformat": "power"},
        yaxis={"type": "log", "exponentformat": "power"}, fixed=True))


def _sides(points: Sequence[tuple[str, float, float]], named: set) -> dict[str, str]:
    """A text position per named point: alternating in order of bits per value (then SQNR)
    over the named points of every trace, so that two neighbouring names sit on opposite
    sides of their markers."""
    order = sorted((p for p in points if p[0] in named), key=lambda p: (p[1], p[2]))
    return {p[0]: "top left" if i % 2 else "bottom right" for i, p in enumerate(order)}


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
    Names are written beside the front's and the selected markers; the others (often a dozen
    within one bit) give theirs on hover. ``lines`` adds named series ``(bits_per_value,
    sqnr_db)`` drawn as lines (the Bits page's integer sweeps), an infinite SQNR as a gap.
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
    sides = _sides(finite, named)
    for group, name, symbol, color in (
        ([p for p in finite if p[0] not in selected], labels.get("others", "other formats"),
         "circle-open", GREY),
        ([p for p in finite if p[0] in selected], labels.get("selected", "chosen formats"),
         "circle", theme.color(0)),
    ):
        if group:
            traces.append(_scatter(
                x=[p[1] for p in group], y=[p[2] for p in group], text=[p[0] for p in group],
                texttemplate=[p[0] if p[0] in named else "" for p in group],
                mode="markers+text", name=name,
                textposition=[sides.get(p[0], "top center") for p in group],
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
        pad = max(0.12 * (max(ys) - min(ys)), 2.0)
        yaxis["range"] = [min(ys) - pad, max(ys) + pad]
    return go.Figure(extra + traces, _layout(
        theme, labels.get("title", "SQNR against bits per value"),
        labels.get("x", "bits per value (scales counted)"), labels.get("y", "SQNR (dB)"),
        xaxis=xaxis, yaxis=yaxis))


# -- the Model page: number formats beside the integer bit-width lines --------------------------

#: One marker symbol per mode of the format markers (weights, activations, both).
_FORMAT_SYMBOLS = ("diamond", "square", "star")


def sweep_with_formats(
    bits: Sequence[int],
    curves: Mapping[str, Sequence[float]],
    formats: Mapping[str, Sequence[tuple[str, float, float]]],
    *,
    reference: Sequence[float] | None = None,
    highlight: int | None = None,
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
    fig = sweep_lines(bits, curves, reference=reference, highlight=highlight, y_title=y_title,
                      labels=labels, theme=theme)
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
