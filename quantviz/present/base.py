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
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import convert_to_base64

from quantviz.metrics import Histogram

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


#: A log axis over at least this many decades labels powers of ten only; over fewer it labels
#: 1, 2, 5 times powers of ten, each written in full.
LOG_DECADES_FOR_POWERS = 2
#: At most about this many powers of ten are labelled (every k-th decade beyond).
LOG_MAX_POWER_LABELS = 8
_MINOR_GRID = "#F4F6FA"


def _log_axis(values, **settings) -> dict:
    """Settings of a log axis over the positive finite ``values`` whose every tick label is a
    whole number: never the bare mantissa plotly writes between decades (a small "2" or "5"
    that reads as 2 and 5, not 2·10⁻³).

    Over ``LOG_DECADES_FOR_POWERS`` decades or more: labels at powers of ten only (every
    ``k``-th decade, ``k = ceil(decades / LOG_MAX_POWER_LABELS)``), written ``10^n``, with
    unlabelled minor grid lines at 2..9 times each power when ``k = 1``. Over fewer: explicit
    ticks at 1, 2, 5 times powers of ten (every digit when that gives fewer than three), each
    labelled ``f"{v:g}"`` (0.002, 50, 2e-05); when not even two digits fall in the range,
    plotly's own ticks with the full-number format ``~g``. No positive finite value: decades.
    ``settings`` are added last (a range, an axis title...).
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    axis: dict = {"type": "log", "exponentformat": "power"}
    if v.size == 0:
        return {**axis, "dtick": 1, **settings}
    lo, hi = float(v.min()), float(v.max())
    decades = np.log10(hi / lo)
    if decades >= LOG_DECADES_FOR_POWERS:
        step = max(1, int(np.ceil(decades / LOG_MAX_POWER_LABELS)))
        axis["dtick"] = step
        if step == 1:
            axis["minor"] = {"dtick": "D1", "showgrid": True, "gridcolor": _MINOR_GRID}
        return {**axis, **settings}
    for mantissas in ((1, 2, 5), tuple(range(1, 10))):
        ticks = _log_ticks(lo, hi, mantissas)
        if len(ticks) >= 3 or (len(ticks) >= 2 and len(mantissas) == 9):
            return {**axis, "tickvals": ticks, "ticktext": [f"{t:g}" for t in ticks],
                    **settings}
    return {**axis, "tickformat": "~g", **settings}


def _log_ticks(lo: float, hi: float, mantissas=(1, 2, 5)) -> list[float]:
    """``m * 10^k`` for each mantissa ``m`` within ``[lo, hi]``, ascending (``[]`` unless
    ``0 < lo <= hi`` and finite)."""
    if not (0 < lo <= hi and np.isfinite(hi)):
        return []
    decades = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
    return [float(f"{m}e{k}") for k in decades for m in mantissas
            if lo <= float(f"{m}e{k}") <= hi]


#: A chart title wraps after this many columns (a CJK character takes two): at 390 px a
#: phone shows about 42 columns of the 15 px title font, and a chart in one of two columns at
#: 1280 px about as many; plotly cuts a longer line instead of wrapping it.
TITLE_COLUMNS = 40
#: A wrapped title's extra lines, in title font sizes, added to the top margin and height.
TITLE_LINE_HEIGHT = 1.3


#: An x axis title wraps after this many columns: plotly centres it on the plot area, which at
#: 390 px leaves about 32 columns of the axis font between the centre and either edge.
AXIS_TITLE_COLUMNS = 32
#: About this share of a free (automargin) figure's height is its plot area: the legend under
#: it is placed in plot heights, so a wrapped x title moves it down by its lines over this.
FREE_PLOT_SHARE = 0.6


def _columns(text: str) -> int:
    """Columns ``text`` takes: two for a wide (CJK) character, one for any other."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_title(title: str, columns: int = TITLE_COLUMNS) -> str:
    """``title`` broken into lines of at most ``columns`` columns (:func:`_columns`) by
    plotly's ``<br>``, inserted after the space that ends a line's last word, so that
    ``wrap_title(t).replace("<br>", "") == t``.

    Lines break at spaces; a run without spaces wider than a line (Chinese) is cut between
    characters. A word holding ``<`` (plotly markup, ``<sup>``) is never cut, nor is a title
    that already holds ``<br>`` changed. A single word longer than a line stays whole.
    """
    if "<br>" in title or _columns(title) <= columns:
        return title
    lines: list[str] = []
    line = ""
    for token in re.findall(r"\s*\S+\s*", title):
        while _columns(line + token.rstrip()) > columns:
            if line.strip():  # the token starts the next line
                lines.append(line)
                line = ""
                continue
            if "<" in token or not any(_columns(c) == 2 for c in token):
                break  # one long word: it keeps its line
            cut = _fit(token, columns)
            lines.append(token[:cut])
            token = token[cut:]
        line += token
    lines.append(line)
    return "<br>".join(part for part in lines if part)


def _fit(text: str, columns: int) -> int:
    """How many leading characters of ``text`` fit in ``columns`` columns (at least one),
    plus the punctuation right after them (no line starts with a comma)."""
    used, cut = 0, len(text)
    for i, c in enumerate(text):
        used += _columns(c)
        if used > columns:
            cut = max(1, i)
            break
    while cut < len(text) and unicodedata.category(text[cut]).startswith("P"):
        cut += 1
    return cut


def _layout(theme: Theme, title: str, x_title: str, y_title: str, *,
            xaxis: Mapping | None = None, yaxis: Mapping | None = None,
            fixed: bool = False, right_axis: bool = False, legend_rows: int = 3,
            taller: int = 0, **extra) -> dict:
    """The layout every figure shares: look, sizes, title, legend below the plot, axis titles.

    ``taller`` adds that many px to the figure's (and so to a fixed frame's plot area's) height.

    ``xaxis``/``yaxis`` add settings to the two axes; ``extra`` adds or replaces layout keys
    (``shapes``, ``yaxis2``, ``legend``...). Pass the result to ``go.Figure`` with the traces:
    one validation of the whole figure, where ``update_*`` calls validate again each time.
    """
    frame = _fixed_frame(theme, right_axis, legend_rows) if fixed else {
        "margin": {"l": 10, "r": 10, "t": 30 + 2 * theme.font_size, "b": 10},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0}}
    fixed_axis = {"automargin": False} if fixed else {}
    text = wrap_title(title)
    grow = round(text.count("<br>") * TITLE_LINE_HEIGHT * (theme.font_size + 2))
    frame["margin"]["t"] += grow
    x_title = wrap_title(x_title, AXIS_TITLE_COLUMNS)
    below = round(x_title.count("<br>") * TITLE_LINE_HEIGHT * theme.font_size)
    if fixed:  # the frame leaves room for one line of x title: add the others
        frame["margin"]["b"] += below
    elif below:  # the legend hangs below the plot, in plot heights: move it past the title
        frame["legend"]["y"] -= below / (FREE_PLOT_SHARE * theme.height)
    grow += below
    return {
        **_LOOK,
        "colorway": list(theme.palette),
        "font": {"color": _INK, "size": theme.font_size},
        "title": {"text": text, "x": 0.05, "font": {"size": theme.font_size + 2}},
        "height": theme.height + grow + taller,
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


#: Pixel offsets of names written beside markers (:func:`name_notes`): within a cluster of
#: named markers, the highest is named 30 px above, the lowest 30 px below, the next ones 56 px
#: above and below, and so on (four 4-bit formats within half a bit stay apart at 390 px).
NAME_OFFSETS = (30, 56, 82)
#: Every other cluster's names sit this many pixels further out, so that two neighbouring
#: clusters' names at one height do not run into each other on a narrow chart.
NAME_STAGGER = 16


def name_notes(points: Sequence[tuple[str, float, float]], named: set | frozenset,
               x_mid: float, theme: Theme, *, cluster: float, apart_y: float = np.inf,
               log_x: bool = False) -> list[dict]:
    """An annotation per named point ``(name, x, y)``: its name above or below the marker,
    joined to it by a thin grey line, on the side facing the middle of the x axis (``x_mid``,
    in axis units) so that a name never runs off the plot.

    Named points are grouped into clusters: taken along x, a point joins the latest cluster
    whose first member is closer than ``cluster`` along x (in axis units: decades when
    ``log_x``) and which has a member closer than ``apart_y`` along y (markers far apart in
    y cannot run their names together). In a cluster ranked by y, the upper half is named
    above, the lower half below, ``NAME_OFFSETS[0]`` px from the marker for the two next to
    the split, ``NAME_OFFSETS[1]`` for the next ones out, and so on: the names keep the
    markers' order from top to bottom. A cluster of odd size has one name without a partner
    (its middle marker): above when that marker is in the upper half of the named points' y
    span, else below, away from the middle where the other names meet. Every other cluster
    adds ``NAME_STAGGER`` px.

    On a log axis plotly places an annotation at ``log10(x)``: so are ``x`` written there
    (``x`` must be > 0) and so is ``x_mid`` given.
    """
    def at(x: float) -> float:
        return float(np.log10(x)) if log_x else float(x)

    order = sorted((p for p in points if p[0] in named), key=lambda p: (p[1], p[2]))
    clusters: list[list[tuple[str, float, float]]] = []
    for p in order:
        near = [m for m in reversed(clusters) if at(p[1]) - at(m[0][1]) < cluster
                and any(abs(p[2] - q[2]) < apart_y for q in m)]
        if near:
            near[0].append(p)
        else:
            clusters.append([p])
    ys = [p[2] for p in order]
    y_mid = (max(ys) + min(ys)) / 2 if ys else 0.0
    notes = []
    for c, members in enumerate(clusters):
        ranked = sorted(members, key=lambda p: -p[2])
        odd_up = ranked[len(ranked) // 2][2] >= y_mid if len(ranked) % 2 else False
        above = len(ranked) // 2 + odd_up
        for r, (name, x, y) in enumerate(ranked):
            up = r < above
            depth = above - 1 - r if up else r - above
            offset = NAME_OFFSETS[min(depth, len(NAME_OFFSETS) - 1)] + NAME_STAGGER * (c % 2)
            right = at(x) <= x_mid
            notes.append({"x": at(x), "y": y, "xref": "x", "yref": "y", "text": name,
                          "showarrow": True, "arrowhead": 0, "arrowwidth": 1,
                          "arrowcolor": GREY, "ax": 12 if right else -12,
                          "ay": -offset if up else offset,
                          "xanchor": "left" if right else "right",
                          "font": {"size": theme.font_size - 1}})
    return notes


#: The narrowest and the widest a chart is drawn, in px: a 390 px phone leaves about 340 for
#: it (320 to be safe), one of two columns on a wide screen or a full-width chart up to 1,600.
FIGURE_WIDTHS = (320.0, 1600.0)
#: In presentation mode (a projector, never a phone) a chart is at least this many font sizes
#: wide: 22 x 22 = 484 px, where one of two columns at 1280 px is about 520.
PRESENTATION_MIN_WIDTH_FONTS = 22
#: Vertical distances from a marker to the middle of its name, in the names' font sizes (at
#: 12 px: 24, 38, 53 ... px), tried in this order after the two sides of the marker (0).
NAME_RISES = (0, 2.0, 3.2, 4.4, 5.6, 6.8, 8.0, 9.2)
#: Horizontal distance (px) from a marker to the near end of a name above or below it.
NAME_RUN = 12
#: Added to a name's vertical offset (px). plotly.js (annotations/draw.js, ``drawArrow``)
#: draws no join line when a ray from the marker, 45 degrees down and right, crosses the text
#: box's edges an odd number of times (the marker inside the box); a box corner exactly on
#: that ray counts twice. Whole-pixel offsets put it there ("g32" at 21 px, 12 px right and
#: 42 down: the corner 55.5 px right and 55.5 down); a quarter pixel keeps it off.
RAY_NUDGE = 0.25
#: Room (px) kept between two names, between a name and a marker, and inside the plot edges.
NAME_GAP = 3.0
#: Half the width of the largest marker a named chart draws (16 px plus its 2 px line), px.
MARKER_RADIUS = 9.0


@dataclass(frozen=True)
class PlotArea:
    """The plot area names are laid out in: the axis ranges (``log10`` of the values on a log
    axis, as plotly writes them), its height in px, and the narrowest and widest it may be
    drawn (px): a fixed frame (``_layout(fixed=True)``) knows its height, not its width."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    height: float
    widths: tuple[float, float]


def fixed_plot_area(theme: Theme, x_range: Sequence[float], y_range: Sequence[float],
                    legend_rows: int, taller: int = 0) -> PlotArea:
    """The plot area of a fixed-frame figure (:func:`_fixed_frame`, no second y axis) made
    ``taller`` px taller than the theme's (``_layout(taller=...)``).

    Height: ``theme.height + taller`` less the top margin ``30 + 2 * font`` and the frame's
    bottom (:func:`_frame_bottom`); a wrapped title or x title adds as much to the figure as
    to its margins. Width: :data:`FIGURE_WIDTHS` (the narrowest at least
    :data:`PRESENTATION_MIN_WIDTH_FONTS` font sizes) less the margins ``5 * font`` and ``font``.
    Example: default theme (13 px, 380 px), 3 legend rows: 380 - 56 - 117 = 207 px high,
    320 - 78 = 242 to 1600 - 78 = 1522 px wide.
    """
    f = theme.font_size
    height = theme.height + taller - (30 + 2 * f) - _frame_bottom(theme, legend_rows)
    if height <= 0:
        raise ValueError(f"theme.height={theme.height} leaves no plot area")
    narrowest = max(FIGURE_WIDTHS[0], PRESENTATION_MIN_WIDTH_FONTS * f)
    return PlotArea((float(x_range[0]), float(x_range[1])), (float(y_range[0]), float(y_range[1])),
                    float(height), (narrowest - 6 * f, FIGURE_WIDTHS[1] - 6 * f))


def name_size(text: str, font_size: float) -> tuple[float, float]:
    """The box (width, height) in px that plotly draws around an annotation ``text``, a little
    generous: a wide (CJK) character is one font size wide, an upper-case letter or a digit
    0.68 of it, any other character 0.56, plus 6 px of padding; the height is 1.45 font sizes.
    Measured in Chromium at 12 px: "MXFP8 E4M3" 80 x 17 px (estimate 86 x 17.4)."""
    width = 0.0
    for c in text:
        if unicodedata.east_asian_width(c) in "WF":
            width += 1.0
        elif c.isupper() or c.isdigit():
            width += 0.68
        else:
            width += 0.56
    return width * font_size + 6.0, 1.45 * font_size


def _side_table(a: np.ndarray, b: np.ndarray, gap: float) -> np.ndarray:
    """For boxes ``a`` and ``b`` (last axis: left, top, right, bottom in px, y down; the rest
    broadcast): whether ``a`` lies wholly left of, right of, above, below ``b``, ``gap`` px
    apart; a new last axis of those four."""
    return np.stack([a[..., 2] + gap <= b[..., 0], b[..., 2] + gap <= a[..., 0],
                     a[..., 3] + gap <= b[..., 1], b[..., 3] + gap <= a[..., 1]], axis=-1)


def _cross(p: np.ndarray, q: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Whether the segments ``p``-``q`` (last axis x, y) pass through the boxes ``box``
    (Liang-Barsky clipping; all broadcast against each other). A segment parallel to an axis
    divides by 1e-12 instead of 0: its parameter bounds become huge, of one sign when it runs
    outside the box's band on that axis (no crossing), of both when inside (no bound)."""
    t0, t1 = 0.0, 1.0
    for axis in (0, 1):
        v = p[..., axis]
        d = q[..., axis] - v
        d = np.where(d == 0, 1e-12, d)
        ta, tb = (box[..., axis] - v) / d, (box[..., axis + 2] - v) / d
        t0 = np.maximum(t0, np.minimum(ta, tb))
        t1 = np.minimum(t1, np.maximum(ta, tb))
    return t0 < t1


@dataclass(frozen=True)
class _Spot:
    """One way to write a name: its offset from the marker (px) and the side it faces."""

    ax: float
    ay: float
    face: int  # +1: text to the right of its join line's end, -1: to the left


def _spots(face: int, up_first: bool, font: float) -> list[_Spot]:
    """Candidate spots, nearest first: beside the marker (facing ``face`` first), then above and
    below at each of :data:`NAME_RISES` (``up_first``: above first), facing ``face`` first."""
    beside = MARKER_RADIUS + 4
    out = [_Spot(face * beside, 0.0, face), _Spot(-face * beside, 0.0, -face)]
    signs = (-1, 1) if up_first else (1, -1)
    for rise in NAME_RISES[1:]:
        out += [_Spot(f * NAME_RUN, s * round(rise * font) + RAY_NUDGE, f)
                for f in (face, -face) for s in signs]
    return out


#: What a spot costs beyond its rank among :func:`_spots`: each thing it meets, and standing
#: nearer another marker than its own (a reader would take it for that marker's name).
CLASH_COST = 1000
MISLEAD_COST = 100


@dataclass(frozen=True)
class _Options:
    """The spots of one name at every width: ``boxes`` ``[spot, width, 4]``, join lines from
    ``start`` (the marker) to ``end`` ``[spot, width, 2]``, and what each costs on its own
    (rank, plot edges, other markers under it or its line, misleading), ``[spot]``."""

    spots: list[_Spot]
    boxes: np.ndarray
    start: np.ndarray
    end: np.ndarray
    cost: np.ndarray


def _options(k: int, name: str, centres: np.ndarray, markers: np.ndarray, area: PlotArea,
             face: int, up_first: bool, font: float) -> _Options:
    """The spots of point ``k``'s ``name`` with their own costs; ``centres`` ``[width, point,
    2]`` and ``markers`` ``[width, point, 4]`` in px."""
    spots = _spots(face, up_first, font)
    w, h = name_size(name, font)
    offset = np.array([[s.ax, s.ay] for s in spots])  # [spot, 2]
    start = np.broadcast_to(centres[:, k], (len(spots), *centres[:, k].shape))
    end = start + offset[:, None, :]
    left = np.where(np.array([s.face for s in spots])[:, None] > 0, end[..., 0],
                    end[..., 0] - w)
    boxes = np.stack([left, end[..., 1] - h / 2, left + w, end[..., 1] + h / 2], axis=-1)
    g = NAME_GAP
    widths = np.array(area.widths)
    edges = ((boxes[..., 0] < g) | (boxes[..., 1] < g) | (boxes[..., 2] > widths - g)
             | (boxes[..., 3] > area.height - g)).sum(axis=1)
    others = np.arange(centres.shape[1]) != k
    under = ~_side_table(boxes[:, :, None], markers[None], g).all(axis=1).any(axis=-1)
    # a join line starts at its marker's centre: a marker covering that centre (two markers on
    # one spot, say MXFP4 on g128) is always crossed, so it does not count
    apart = np.abs(centres - centres[:, k:k + 1]).max(axis=-1) >= MARKER_RADIUS
    crossed = (_cross(start[:, :, None], end[:, :, None], markers[None]) & apart).any(axis=1)
    # the nearest distance from each box to each marker's centre, [spot, width, point]
    c, b = centres[None], boxes[:, :, None]
    near = np.hypot(np.maximum(np.maximum(b[..., 0] - c[..., 0], 0), c[..., 0] - b[..., 2]),
                    np.maximum(np.maximum(b[..., 1] - c[..., 1], 0), c[..., 1] - b[..., 3]))
    misleads = (near[..., others] < near[..., k:k + 1]).any(axis=(1, 2))
    cost = (np.arange(len(spots)) + CLASH_COST * (edges + under[:, others].sum(axis=1)
                                                  + crossed[:, others].sum(axis=1))
            + MISLEAD_COST * misleads)
    return _Options(spots, boxes, start, end, cost)


@dataclass(frozen=True)
class _AllSpots:
    """The spots of several names one after the other (``boxes`` ``[spot, width, 4]``, join
    lines ``start``-``end`` ``[spot, width, 2]``); ``of[k]`` slices out name ``k``'s."""

    boxes: np.ndarray
    start: np.ndarray
    end: np.ndarray
    of: dict

    @classmethod
    def of_names(cls, names: Sequence[int], options: Mapping[int, _Options]) -> _AllSpots:
        ends = np.cumsum([0] + [len(options[k].spots) for k in names])
        return cls(np.concatenate([options[k].boxes for k in names]),
                   np.concatenate([options[k].start for k in names]),
                   np.concatenate([options[k].end for k in names]),
                   {k: slice(ends[i], ends[i + 1]) for i, k in enumerate(names)})

    def clashes(self, i: int) -> np.ndarray:
        """``[spot]``: how many things each spot meets when spot ``i`` is taken: the two boxes
        meeting at some width (not one same side at all widths), either's join line across
        the other's box."""
        box, start, end = self.boxes[i], self.start[i], self.end[i]
        over = ~_side_table(self.boxes, box[None], NAME_GAP).all(axis=1).any(axis=-1)
        mine = _cross(self.start, self.end, box[None]).any(axis=1)
        theirs = _cross(start[None], end[None], self.boxes).any(axis=1)
        return over.astype(int) + mine + theirs


#: The search for a layout stops after this many partial layouts once it has one in which
#: no two things meet, and after ``LAYOUT_BUDGET[1]`` in any case, keeping the best found.
LAYOUT_BUDGET = (20, 1000)


def _lay_out(names: Sequence[int], options: Mapping[int, _Options],
             tie: Mapping[int, tuple]) -> dict[int, _Spot]:
    """The cheapest layout found for ``names``: a depth-first search with forward checking.

    At each step the name with the fewest spots still free (given the names placed) chooses
    next (``tie`` breaks ties), trying its free spots cheapest first (its cheapest one if none
    is free); a spot costs its own cost plus :data:`CLASH_COST` per thing it meets among the
    names placed (:meth:`_AllSpots.clashes`). Branches that cannot beat the best layout found
    (the cheapest spot of every name left added up) are cut; the search stops after
    :data:`LAYOUT_BUDGET` partial layouts, or at a layout that meets nothing and misleads no
    more than it must (each name's own cheapest spot may mislead already). Every step is
    counted, so the same points give the same layout."""
    if not names:
        return {}
    spots = _AllSpots.of_names(names, options)
    table: dict[int, np.ndarray] = {}
    floor = sum(int((options[k].cost - np.arange(len(options[k].spots))).min()) for k in names)
    extra = {k: np.zeros(len(options[k].spots), dtype=int) for k in names}
    best: dict = {"cost": None, "chosen": {}, "nodes": 0, "done": False}

    def stop() -> bool:
        clean = best["cost"] is not None and best["cost"] < CLASH_COST
        return best["done"] or best["nodes"] > LAYOUT_BUDGET[0 if clean else 1]

    def visit(left: list[int], chosen: dict, total: int, penalty: int) -> None:
        if not left:
            if best["cost"] is None or total < best["cost"]:
                best.update(cost=total, chosen=dict(chosen), done=penalty == floor)
            return
        costs = {k: options[k].cost + CLASH_COST * extra[k] for k in left}
        best["nodes"] += 1
        if stop() or (best["cost"] is not None
                      and total + sum(int(c.min()) for c in costs.values()) >= best["cost"]):
            return
        k = min(left, key=lambda n: (int((costs[n] < CLASH_COST).sum()), tie[n]))
        rest = [n for n in left if n != k]
        ranked = np.argsort(costs[k], kind="stable")
        for j in [j for j in ranked if costs[k][j] < CLASH_COST] or [ranked[0]]:
            if stop():
                return
            i = spots.of[k].start + int(j)
            if i not in table:
                table[i] = spots.clashes(i)
            for n in rest:
                extra[n] += table[i][spots.of[n]]
            chosen[k] = options[k].spots[j]
            visit(rest, chosen, total + int(costs[k][j]), penalty + int(costs[k][j] - j))
            del chosen[k]
            for n in rest:
                extra[n] -= table[i][spots.of[n]]

    visit(list(names), {}, 0, 0)
    return best["chosen"]


def placed_names(points: Sequence[tuple[str, float, float]], named: set | frozenset,
                 area: PlotArea, theme: Theme, *, log_x: bool = False) -> list[dict]:
    """An annotation per named point ``(name, x, y)``, each placed where it meets no other
    name, no marker, no join line and no edge of the plot area (so never a tick label), at
    every width the chart may be drawn (``area.widths``), and nearer its own marker than any
    other.

    The layout is worked out in px: ``y`` maps onto ``area.height``, ``x`` onto a width. Two
    boxes that do not meet at the narrowest and at the widest width, lying on the same side of
    each other at both, do not meet at any width between (every px position is linear in the
    width). A name's spots (:func:`_spots`) are, by rank: beside its marker facing the middle
    of the x axis, else above or below at growing distances, joined to the marker by a thin
    grey line. A short search (:func:`_lay_out`, the name with the fewest free spots choosing
    first) finds the cheapest layout: a spot costs its rank, plus
    :data:`CLASH_COST` for each thing it meets and :data:`MISLEAD_COST` when it stands nearer
    another marker than its own. Every point, named or not, is an obstacle. Cost: a few ms
    for ten names.

    On a log axis (``log_x``) plotly places an annotation at ``log10(x)``, so are ``x``
    written there (``x`` must be > 0); ``area.x_range`` is in the same units.
    """
    (x0, x1), (y0, y1) = area.x_range, area.y_range
    xs = np.array([np.log10(p[1]) if log_x else p[1] for p in points], dtype=float)
    ys = np.array([p[2] for p in points], dtype=float)
    widths = np.array(area.widths)
    centres = np.stack([np.broadcast_to((xs - x0) / (x1 - x0), (len(widths), len(xs)))
                        * widths[:, None],
                        np.broadcast_to((y1 - ys) / (y1 - y0) * area.height,
                                        (len(widths), len(xs)))], axis=-1)
    r = MARKER_RADIUS
    markers = np.concatenate([centres - r, centres + r], axis=-1)
    font = theme.font_size - 1
    names = [k for k, p in enumerate(points) if p[0] in named]
    options = {k: _options(k, points[k][0], centres, markers, area,
                           1 if xs[k] <= (x0 + x1) / 2 else -1, ys[k] >= (y0 + y1) / 2, font)
               for k in names}
    chosen = _lay_out(names, options, {k: (-ys[k], xs[k]) for k in names})
    return [{"x": float(xs[k]), "y": points[k][2], "xref": "x", "yref": "y",
             "text": points[k][0], "showarrow": True, "arrowhead": 0, "arrowwidth": 1,
             "arrowcolor": GREY, "ax": spot.ax, "ay": spot.ay,
             "xanchor": "left" if spot.face > 0 else "right", "yanchor": "middle",
             "font": {"size": font}}
            for k, spot in sorted(chosen.items())]


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
        span = [10.0 ** y[0], 10.0 ** y[1]] if y is not None else []
        _assign(yaxes, **_log_axis(span))
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
