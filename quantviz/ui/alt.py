"""A chart's text alternative: what it shows, in one sentence with its numbers.

Every chart :func:`quantviz.ui.shell.figure` draws gets one, read from its plotly dict: the
title, each axis's title with the span of the data on it, and the names of the series; it is
the chart's accessible name (Streamlit's ``alt``). A page that has more to say about a chart
passes its own sentence (``summary``), shown under it. The numbers are the figure's own, which
are the code's. Read once per figure: the span is kept on the cached figure, so a rerun that
reuses the figure reads nothing again.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import numpy as np

from quantviz.ui.i18n import t

_TAG = re.compile(r"<[^>]+>")
#: How many series a sentence names before it says "and k more".
MAX_SERIES = 4


@dataclass(frozen=True)
class Axis:
    title: str
    lo: str
    hi: str


@dataclass(frozen=True)
class Facts:
    """What a chart's sentence says: its title, its x and y spans, its series' names."""

    title: str
    x: Axis | None
    y: Axis | None
    series: tuple[str, ...]


def _text(node) -> str:
    """A plotly title (a string or ``{"text": ...}``) as plain words, tags and breaks gone."""
    if isinstance(node, dict):
        node = node.get("text", "")
    return " ".join(_TAG.sub(" ", str(node or "")).split())


def values(array) -> np.ndarray | list:
    """A trace's ``x``/``y``: a list, or plotly's typed array ``{"dtype", "bdata"}``."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    if isinstance(array, np.ndarray | list | tuple):
        return array
    return []


def _number(v: float) -> str:
    return f"{v:,.4g}"


def _span(traces: list[dict], name: str, title: str) -> Axis | None:
    """The smallest and largest value on one axis over the traces drawn on it (numbers), or
    the first and last label (categories). Traces on a second axis (``y2``) are left out."""
    lo = hi = None
    first = last = None
    primary = [tr for tr in traces if tr.get(f"{name}axis", name) == name]
    for trace in primary or traces:
        data = values(trace.get(name))
        if len(data) == 0:
            continue
        arr = np.asarray(data)
        if arr.dtype.kind in "iuf":
            finite = arr[np.isfinite(arr)] if arr.dtype.kind == "f" else arr
            if finite.size:
                lo = float(finite.min()) if lo is None else min(lo, float(finite.min()))
                hi = float(finite.max()) if hi is None else max(hi, float(finite.max()))
        else:
            first = str(data[0]) if first is None else first
            last = str(data[-1])
    if lo is not None:
        return Axis(title, _number(lo), _number(hi))
    if first is not None:
        return Axis(title, first, last)
    return None


def facts(spec: dict) -> Facts:
    """The facts of a plotly figure dict (see :class:`Facts`)."""
    layout = spec.get("layout", {})
    traces = [tr for tr in spec.get("data", []) if isinstance(tr, dict)]
    x_title = _text(layout.get("xaxis", {}).get("title")) or "x"
    y_title = _text(layout.get("yaxis", {}).get("title")) or "y"
    names = []
    for trace in traces:
        name = _text(trace.get("name"))
        if name and name not in names:
            names.append(name)
    return Facts(_text(layout.get("title")), _span(traces, "x", x_title),
                 _span(traces, "y", y_title), tuple(names))


def figure_facts(fig) -> Facts:
    """:func:`facts` of ``fig``, kept on the figure after the first reading."""
    known = getattr(fig, "_alt_facts", None)
    if known is None:
        known = facts(fig.to_dict())
        try:
            object.__setattr__(fig, "_alt_facts", known)
        except (AttributeError, TypeError, ValueError):
            pass
    return known


def sentence(f: Facts) -> str:
    """The facts in one sentence in the page's language."""
    parts = [t("alt.axis", name=a.title, lo=a.lo, hi=a.hi) for a in (f.x, f.y) if a is not None]
    if f.series:
        shown = ", ".join(f.series[:MAX_SERIES])
        more = len(f.series) - MAX_SERIES
        parts.append(t("alt.series_more" if more > 0 else "alt.series", names=shown, k=more))
    body = t("alt.join").join(parts)
    return t("alt.chart", title=f.title or t("alt.untitled"), body=body)
