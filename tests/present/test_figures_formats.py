"""What each Formats figure shows (quantviz.present, the Formats section)."""

from __future__ import annotations

import numpy as np

from quantviz import present
from quantviz.formats import code_values
from quantviz.metrics import histogram
from quantviz.studies import formats as fv
from tests.helpers import vertical_ticks

F32 = np.float32


def test_formats_histogram_draws_one_row_of_ticks_per_format_within_range():
    half = np.random.default_rng(0).standard_normal(5_000).astype(F32)
    x = np.concatenate([half, -half])  # symmetric: both ends of each grid inside the data
    hist = histogram(x, 50)
    g1 = fv.grid(float(x.min()), float(x.max()), "fp4_e2m1")
    g2 = fv.grid(float(x.min()), float(x.max()), "fp8_e4m3")
    fig = present.formats_histogram(hist, [("FP4", g1), ("FP8", g2)])
    bars, fp4, fp8 = fig.data
    assert bars.type == "bar" and sum(bars.y) == x.size
    # each row is one path (no per-point markers): a vertical tick per grid value
    assert fp4.mode == fp8.mode == "lines" and fp4.line.color != fp8.line.color
    (x4, y4), (x8, y8) = vertical_ticks(fp4), vertical_ticks(fp8)
    assert x4 == list(g1) and len(g1) == 15  # every FP4 value lies in the data's range
    assert fp4.name == "FP4: 15 values in range"
    assert len(y4) == len(y8) == 2 and min(y8) > max(y4) > min(y4) > max(bars.y)  # two rows
    assert len(x8) == 253 and "(1 in" not in fp8.name  # 256 codes less NaN, NaN, -0
    assert fig.layout.yaxis.range[1] > max(y8)
    dense = np.linspace(float(x.min()), float(x.max()), 1000)
    (_, thinned) = present.formats_histogram(hist, [("dense", dense)]).data
    shown, _ = vertical_ticks(thinned)
    assert shown == list(dense[::4]) and len(shown) <= present.MAX_FORMAT_GRID
    assert "(1 in 4)" in thinned.name


def test_formats_histogram_has_a_fixed_frame_with_a_legend_row_per_entry():
    # no automatic margins (plotly would draw, measure and draw again on every new tensor);
    # below the plot: tick labels, the x title and one row per legend entry
    x = np.random.default_rng(1).standard_normal(2_000).astype(F32)
    grids = [(name, fv.grid(float(x.min()), float(x.max()), fmt))
             for name, fmt in (("FP4", "fp4_e2m1"), ("FP8", "fp8_e4m3"), ("NF4", "nf4"))]
    fig = present.formats_histogram(histogram(x, 50), grids)
    m, unit = fig.layout.margin, fig.layout.font.size
    assert m.autoexpand is False and fig.layout.xaxis.automargin is False
    assert m.b == round((4.5 + 1.5 * 4) * unit)  # the counts and three grids in the legend
    assert fig.layout.legend.yref == "container"


def test_formats_staircase_has_the_identity_and_one_line_per_format():
    x = np.linspace(-1, 1, 100, dtype=F32)
    fig = present.formats_staircase(x, [("a", np.round(x)), ("b", x)])
    identity, a, b = fig.data
    assert list(identity.x) == [-1.0, 1.0] and list(identity.y) == [-1.0, 1.0]
    assert a.name == "a" and a.line.shape == "hv"
    # a step's first point and the last point only: round(x) on [-1, 1] has three steps
    assert list(a.y) == [-1.0, -0.0, 1.0, 1.0] and a.x[-1] == 1.0
    assert len(b.x) == 100  # x itself changes at every point
    assert a.line.color != b.line.color


def test_format_codes_marks_nan_inf_and_negative_zero():
    counts = np.zeros(256, np.int64)
    counts[[0x38, 0x80]] = [5, 2]
    fig = present.format_codes(counts, code_values("fp8_e4m3"), nan_codes=(0x7F, 0xFF),
                               negative_zero=0x80)
    bars, nan, negzero = fig.data
    assert list(bars.y) == list(counts) and "0x38" in bars.text[0x38]
    assert list(nan.x) == [0x7F, 0xFF] and nan.name == "NaN codes: 2"
    assert list(negzero.x) == [0x80] and list(negzero.y) == [2]
    assert len(fig.layout.shapes) == 2  # the two NaN codes shaded


def test_error_vs_magnitude_is_log_log_with_gaps():
    edges = np.array([1.0, 10.0, 100.0])
    fig = present.error_vs_magnitude(edges, [("f", np.array([0.1, np.nan]))])
    (line,) = fig.data
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert list(line.x) == [np.sqrt(10.0), np.sqrt(1000.0)]
    assert line.y == (0.1, None)


def test_format_frontier_marks_the_front_and_the_chosen():
    points = [("a", 4.0, 15.0), ("b", 4.5, 20.0), ("c", 4.5, 18.0), ("e", 8.0, 30.0)]
    fig = present.format_frontier(points, front=["a", "b", "e"], selected=["c"])
    front, others, chosen = fig.data
    assert list(front.x) == [4.0, 4.5, 8.0] and front.line.shape == "hv"
    assert list(others.text) == ["a", "b", "e"] and list(chosen.text) == ["c"]
    # the front and the chosen are named beside their marks
    assert sorted(n.text for n in fig.layout.annotations) == ["a", "b", "c", "e"]
    fig = present.format_frontier(points, front=["a"], selected=["c"])
    assert sorted(n.text for n in fig.layout.annotations) == ["a", "c"]  # the rest: hover
    assert chosen.marker.symbol == "circle" and others.marker.symbol == "circle-open"


def test_format_frontier_leaves_room_for_the_top_and_bottom_names():
    # SQNR 15..30 dB: 20 % of the 15 dB span is 3.0, the 3 dB floor, so 12..33
    points = [("a", 4.0, 15.0), ("e", 8.0, 30.0)]
    fig = present.format_frontier(points, front=["a", "e"])
    assert tuple(fig.layout.yaxis.range) == (12.0, 33.0)
    # a sweep line widens it: 5..30 dB, pad 0.2 * 25 = 5
    fig = present.format_frontier(points, lines={"int": ([2, 3], [5, float("inf")])})
    assert np.allclose(fig.layout.yaxis.range, (0.0, 35.0))


def test_format_frontier_leaves_out_an_infinite_sqnr():
    fig = present.format_frontier([("a", 4.0, float("inf")), ("b", 8.0, 30.0)], front=["b"])
    assert all("a" not in (tr.text or ()) for tr in fig.data)


def test_format_frontier_draws_the_integer_sweeps_as_lines():
    fig = present.format_frontier([("a", 4.0, 15.0)], lines={"int": ([2, 3, 4], [5, 11, 17])})
    line, _ = fig.data
    assert line.name == "int" and list(line.x) == [2, 3, 4] and line.mode == "lines+markers"
    assert fig.layout.xaxis.range[0] < 2


def test_per_tensor_int_bits():
    # 8 bits on 1000 values: (32 + 8) / 1000 = 0.04 bits of scale and zero point per value
    assert fv.per_tensor_int_bits(8, 1000) == 8.04


def test_granularity_tradeoff_draws_extra_points_apart():
    fig = present.granularity_tradeoff([("tensor", 0.002, 30.0)], selected=["tensor"],
                                       extra=[("MXFP4", 0.25, 18.0)],
                                       labels={"extra": "formats"})
    extra = [tr for tr in fig.data if tr.name == "formats"]
    assert len(extra) == 1 and list(extra[0].text) == ["MXFP4"]
    assert extra[0].marker.symbol == "diamond-open"
    assert fig.layout.yaxis.range[0] < 18.0  # the axis holds the extra points too


def test_format_frontier_stacks_names_in_the_order_of_their_markers():
    # b is unnamed (hover only). a, c (within 0.6 bits) form a cluster: the higher c is named
    # 30 px above, a 30 px below; d above and e (under d, same bits) below, both 16 px further
    # out (the second cluster)
    points = [("a", 4.0, 15.0), ("b", 4.1, 16.0), ("c", 4.2, 17.0), ("d", 8.0, 40.0),
              ("e", 8.0, 30.0)]
    fig = present.format_frontier(points, front=["a", "c", "d", "e"])
    notes = {n.text: n for n in fig.layout.annotations}
    assert set(notes) == {"a", "c", "d", "e"}
    assert [notes[k].ay for k in "cade"] == [-30, 30, -46, 46]
    # x range 3.4..8.6, middle 6: a and c are named to their right, d to its left
    assert (notes["a"].xanchor, notes["a"].ax) == ("left", 12)
    assert (notes["d"].xanchor, notes["d"].ax) == ("right", -12)
    # across the two traces too, and deeper: c, b, a (chosen or front) ranked 17, 16, 15 dB;
    # b, the middle one, is in the upper half of 15..17 (16 >= 16) -> above with c. The names
    # keep the markers' order: c, the higher marker, further up (56), b next to it (30), a
    # below (30). (b at 56 over c at 30 would put b's name above c's: 1 dB is a few pixels.)
    fig = present.format_frontier(points, front=["a"], selected=["b", "c"])
    assert {n.text: n.ay for n in fig.layout.annotations} == {"c": -56, "b": -30, "a": 30}
