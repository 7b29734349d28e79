"""What the Compare, Bits and Calibration figures show: traces, lines, markers, axes."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from quantviz import present
from quantviz.distributions import sample
from quantviz.metrics import Histogram
from quantviz.quantize import QuantConfig
from quantviz.studies import comparisons, sweeps, views
from quantviz.studies.comparisons import Density
from tests.helpers import vertical_ticks

UINT8 = QuantConfig(8, "asymmetric")


def _names(fig: go.Figure) -> list[str]:
    return [tr.name for tr in fig.data if tr.showlegend is not False]


def _rects(fig: go.Figure) -> list:
    return [s for s in fig.layout.shapes if s.type == "rect"]


# ---------------------------------------------------------------- share_axes


def test_share_axes_fixes_ranges_and_margins():
    fig = go.Figure(go.Bar(x=[1, 2], y=[10, 1000]))
    out = present.share_axes(fig, x=(0.0, 3.0), y=(0.0, 3.5), log_y=True, margins=(50, 20, 120))
    assert out is fig
    assert list(fig.layout.xaxis.range) == [0.0, 3.0]
    assert fig.layout.yaxis.type == "log" and list(fig.layout.yaxis.range) == [0.0, 3.5]
    assert fig.layout.yaxis.dtick == 1  # powers of ten only
    assert (fig.layout.margin.l, fig.layout.margin.r, fig.layout.margin.b) == (50, 20, 120)
    assert fig.layout.margin.autoexpand is False
    assert fig.layout.legend.yref == "container"


def test_share_axes_sets_the_right_axis_of_the_mapping():
    x = np.linspace(-1, 1, 50, dtype=np.float32)
    fig = present.mapping_staircase(x, np.zeros(50, np.int8), x, x_lo=-1, x_hi=1, qmin=0,
                                    qmax=255)
    present.share_axes(fig, y2=(-2.0, 2.0))
    assert list(fig.layout.yaxis2.range) == [-2.0, 2.0]
    assert fig.layout.yaxis.type != "log"


# ---------------------------------------------------------------- error density


def _density_figure(key: str = "uniform", x_max: float = 0.5):
    x = sample(key, 20_000, 0)
    v = views.explore_for_range(x, float(x.min()), x_max, UINT8)
    d = comparisons.error_density(v.errors, v.n)
    return v, d, present.error_density(d.rounding, d.clipped, scale=float(v.qp.scale),
                                       uniform=d.uniform)


def test_error_density_shows_rounding_clipping_band_and_uniform_level():
    v, d, fig = _density_figure()
    bars = [tr for tr in fig.data if isinstance(tr, go.Bar)]
    assert [b.name for b in bars] == ["rounding error (in range)", "clipping error (saturated)"]
    assert np.asarray(bars[0].y) == pytest.approx(d.rounding.values)
    assert np.asarray(bars[0].width) == pytest.approx(np.diff(d.rounding.edges))
    line = [tr for tr in fig.data if isinstance(tr, go.Scatter)][0]
    s = float(v.qp.scale)
    assert list(line.x) == pytest.approx([-s / 2, s / 2]) and list(line.y) == [d.uniform] * 2
    (band,) = _rects(fig)
    assert (band.x0, band.x1) == pytest.approx((-s / 2, s / 2))


def test_error_density_without_clipping_has_no_clipping_trace():
    _, _, fig = _density_figure(x_max=1.0)
    assert "clipping error (saturated)" not in _names(fig)


def test_error_density_labels_are_used():
    empty = Density(np.array([0.0, 1.0]), np.zeros(1))
    fig = present.error_density(Density(np.array([-1.0, 1.0]), np.array([0.5])), empty,
                                scale=2.0, uniform=0.5,
                                labels={"rounding": "取整", "title": "T", "y": "Y"})
    assert fig.data[0].name == "取整"
    assert fig.layout.title.text == "T" and fig.layout.yaxis.title.text == "Y"


# ---------------------------------------------------------------- sweep lines


def test_sweep_lines_draw_curves_marks_reference_and_highlight():
    bits = [2, 3, 4]
    fig = present.sweep_lines(
        bits, {"a": [10.0, 16.0, 22.0], "b": [5.0, 8.0, math.inf]},
        marked={"a": [False, True, True], "b": [False, False, False]},
        reference=[10.0, 16.02, 22.04], highlight=3, log_y=False,
        labels={"marked": "clip", "reference": "ref"})
    lines = [tr for tr in fig.data if tr.mode == "lines+markers"]
    assert [tr.name for tr in lines] == ["a", "b"]
    assert list(lines[1].y) == [5.0, 8.0, None]  # an exact SQNR leaves a gap
    assert lines[0].line.dash != lines[1].line.dash  # equal lines stay apart
    (marks,) = [tr for tr in fig.data if tr.mode == "markers"]
    assert marks.name == "clip" and list(marks.x) == [3, 4] and list(marks.y) == [16.0, 22.0]
    assert marks.marker.symbol == "diamond-open"
    (ref,) = [tr for tr in fig.data if tr.name == "ref"]
    assert ref.line.dash == "dash"
    assert [s.x0 for s in fig.layout.shapes if s.type == "line"] == [3]
    assert list(fig.layout.xaxis.range) == [1.5, 4.5]


def test_sweep_lines_log_axis_and_one_legend_entry_for_marks():
    fig = present.sweep_lines([2, 3], {"a": [1.0, 0.1], "b": [2.0, 0.2]},
                              marked={"a": [True, True], "b": [True, False]}, log_y=True)
    assert fig.layout.yaxis.type == "log"
    marks = [tr for tr in fig.data if tr.mode == "markers"]
    assert len(marks) == 2 and [m.showlegend for m in marks] == [True, False]
    assert all(tr.name != "6.02 dB per bit" for tr in fig.data)  # no reference given


def test_sweep_lines_on_a_real_sweep():
    x = sample("relu", 5000, 0)
    sweep = sweeps.bit_sweep(x, "percentile", (("percentile", 99.0),), bits=(2, 4, 8))
    fig = present.sweep_lines(sweep.bits, {k: sweep.series(k, "sqnr_db") for k in sweep.scores},
                              marked={k: sweep.clipping_dominates(k) for k in sweep.scores})
    assert len([tr for tr in fig.data if tr.mode == "lines+markers"]) == 3
    assert any(tr.mode == "markers" for tr in fig.data)  # 99th percentile clips at 8 bits


# ---------------------------------------------------------------- calibrator ranges


def test_calibrator_ranges_draw_each_range_in_its_colour():
    hist = Histogram(np.array([0.0, 1.0, 2.0, 3.0]), np.array([5, 50, 5]))
    fig = present.calibrator_ranges(hist, {"MinMax": (0.0, 3.0), "Percentile": (0.5, 2.5)})
    assert _names(fig) == ["count of x", "MinMax", "Percentile"]
    bars = [tr for tr in fig.data if tr.name == "MinMax" and tr.mode == "lines+markers"]
    assert list(bars[0].x) == [0.0, 3.0]
    ends = [tr for tr in fig.data if tr.showlegend is False]
    assert [vertical_ticks(e)[0] for e in ends] == [[0.0, 3.0], [0.5, 2.5]]
    theme = present.DEFAULT_THEME
    assert ends[1].line.color == theme.color(2) and bars[0].line.color == theme.color(1)
    assert fig.layout.yaxis.type != "log"


def test_calibrator_ranges_on_a_log_axis_sit_above_the_bars():
    hist = Histogram(np.array([0.0, 1.0, 2.0]), np.array([1000, 10]))
    fig = present.calibrator_ranges(hist, {"a": (0.0, 2.0), "b": (0.0, 1.0)}, log_y=True)
    assert fig.layout.yaxis.type == "log"
    levels = [tr.y[0] for tr in fig.data
              if isinstance(tr, go.Scatter) and tr.mode == "lines+markers"]
    assert levels[0] > 1000 and levels[1] > levels[0]
    ends = [tr for tr in fig.data if tr.showlegend is False]
    assert ends[0].y[0] == 10  # starts at the least positive count, not at 0


# ---------------------------------------------------------------- threshold trade-off


def test_threshold_tradeoff_curves_marks_and_focus():
    fig = present.threshold_tradeoff(
        [1.0, 2.0, 4.0], [0.01, 0.04, 0.16], [1.0, 0.1, 0.0], [1.01, 0.14, 0.16],
        marks={"MinMax": (4.0, 0.16), "MSE": (2.0, 0.14)}, focus=((0.5, 5.0), (0.001, 2.0)))
    assert _names(fig) == ["total MSE", "rounding part", "clipping part", "MinMax", "MSE"]
    clipping = fig.data[2]
    assert list(clipping.y) == [1.0, 0.1, None]  # zero cannot sit on a log axis
    assert fig.data[3].marker.color == present.DEFAULT_THEME.color(1)
    assert list(fig.data[4].x) == [2.0] and list(fig.data[4].y) == [0.14]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert list(fig.layout.xaxis.range) == pytest.approx([math.log10(0.5), math.log10(5.0)])
    assert list(fig.layout.xaxis.tickvals) == [0.5, 1.0, 2.0, 5.0]
    assert list(fig.layout.xaxis.ticktext) == ["0.5", "1", "2", "5"]


def test_threshold_tradeoff_of_a_real_curve():
    x = sample("student_t", 5000, 0)
    curve = sweeps.threshold_curve(x, QuantConfig(4, "symmetric", True), float(x.min()),
                                   float(x.max()))
    fig = present.threshold_tradeoff(curve.thresholds, curve.rounding_mse, curve.clipping_mse,
                                     curve.total_mse, focus=curve.focus())
    assert len(fig.data) == 3 and len(fig.data[0].x) == curve.thresholds.size


def test_threshold_tradeoff_keeps_a_legend_row_per_entry_below_its_axis_title():
    # nine entries (three curves, six calibrators): a phone shows one per row; the frame
    # keeps (4.5 + 1.5 * 9) font sizes below the plot, and the figure grows by the rows
    # beyond the first so the plot area is as tall as a one-row chart's
    theme = present.DEFAULT_THEME
    marks = {f"calibrator {i}": (1.0 + i, 0.1) for i in range(6)}
    fig = present.threshold_tradeoff([1.0, 2.0, 8.0], [0.01, 0.04, 0.6], [1.0, 0.1, 0.0],
                                     [1.01, 0.14, 0.6], marks=marks)
    unit = theme.font_size
    assert fig.layout.margin.b == round((4.5 + 1.5 * 9) * unit)
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0
    assert fig.layout.height - fig.layout.margin.b - fig.layout.margin.t == \
        theme.height - round(6 * unit) - fig.layout.margin.t


# ---------------------------------------------------------------- stream ranges


def test_stream_ranges_figure():
    sr = sweeps.stream_ranges([np.array([0.0, 1.0]), np.array([0.0, 3.0]),
                               np.array([0.0, 1.0])], 0.5)
    fig = present.stream_ranges(sr.batch_max, {"MinMax": sr.minmax_max, "moving": sr.moving_max},
                                labels={"batch": "max of each batch"})
    assert _names(fig) == ["max of each batch", "MinMax", "moving"]
    assert fig.data[0].mode == "markers" and list(fig.data[0].y) == [1.0, 3.0, 1.0]
    assert list(fig.data[1].y) == [1.0, 3.0, 3.0] and fig.data[1].line.shape == "hv"
    assert list(fig.data[2].y) == [1.0, 2.0, 1.5]
    theme = present.DEFAULT_THEME  # the colours of calibrator_ranges: MinMax 1, moving 2
    assert (fig.data[1].line.color, fig.data[2].line.color) == (theme.color(1), theme.color(2))
    assert list(fig.data[0].x) == [0, 1, 2]


def test_figures_never_carry_raw_samples():
    x = sample("normal", 200_000, 0)
    v = views.explore_for_range(x, float(x.min()), float(x.max()), UINT8)
    d = comparisons.error_density(v.errors, v.n)
    fig = present.error_density(d.rounding, d.clipped, scale=float(v.qp.scale), uniform=d.uniform)
    assert sum(len(tr.x) for tr in fig.data if tr.x is not None) < 1000
