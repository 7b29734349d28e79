"""What the Per-channel and Learn figures show: traces, positions, gaps, shading, WebGL."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from quantviz import present
from quantviz.present import GREY, Theme, base
from quantviz.quantize import QuantConfig
from quantviz.studies import lessons


def test_channel_ranges_band_and_per_tensor_lines():
    fig = present.channel_ranges([0, 1, 2], [-1.0, -0.5, -0.1], [1.0, 0.4, 0.2],
                                 tensor_range=(-1.0, 1.0), labels={"x_min": "lo", "x_max": "hi"})
    lo, hi, tensor = fig.data
    assert (lo.name, hi.name) == ("lo", "hi") and hi.fill == "tonexty"  # the band lo..hi
    np.testing.assert_array_equal(hi.y, [1.0, 0.4, 0.2])
    assert list(tensor.y) == [-1.0, -1.0, None, 1.0, 1.0]  # dashed lines at the shared range
    assert list(tensor.x) == [0.0, 2.0, None, 0.0, 2.0]
    assert isinstance(lo, go.Scatter)


def test_channel_ranges_stay_svg_lines_for_thousands_of_channels():
    n = 20_000  # one SVG path per line whatever its length: no WebGL context per chart
    fig = present.channel_ranges(np.arange(n), -np.ones(n), np.ones(n), tensor_range=(-1, 1))
    assert isinstance(fig.data[0], go.Scatter) and isinstance(fig.data[1], go.Scatter)
    assert fig.data[0].mode == fig.data[1].mode == "lines" and len(fig.data[0].x) == n


def test_channel_errors_gap_infinite_values_and_log_axis():
    fig = present.channel_errors([0, 1, 2], {"per tensor": [1e-3, np.inf, 1e-5],
                                             "per channel": [1e-4, 1e-4, 1e-6]}, log_y=True)
    assert [tr.name for tr in fig.data] == ["per tensor", "per channel"]
    assert list(fig.data[0].y) == [1e-3, None, 1e-5]  # an exact channel leaves a gap
    assert fig.layout.yaxis.type == "log"
    assert present.channel_errors([0], {"a": [20.0]}).layout.yaxis.type is None


def test_granularity_tradeoff_marks_the_selected_choices():
    points = [("tensor", 0.002, 33.7), ("channel", 0.16, 43.4), ("g32", 1.25, 46.6)]
    fig = present.granularity_tradeoff(points, selected=("tensor", "channel"))
    others, chosen = fig.data
    assert list(others.text) == ["g32"] and others.marker.symbol == "circle-open"
    assert list(chosen.text) == ["tensor", "channel"] and chosen.marker.symbol == "circle"
    assert list(chosen.x) == [0.002, 0.16]
    assert fig.layout.xaxis.type == "log"
    # the x range spans half a decade beyond the cheapest and the dearest choice
    assert fig.layout.xaxis.range == pytest.approx((np.log10(0.002) - 0.5, np.log10(1.25) + 0.5))


def test_group_heatmap_axes_count_rows_and_groups():
    cells = np.array([[1.0, 2.0], [3.0, 4.0]])
    fig = present.group_heatmap(cells, row_step=10, col_step=3)
    (heat,) = fig.data
    np.testing.assert_array_equal(heat.z, cells)
    assert list(heat.x) == [0, 3] and list(heat.y) == [0, 10]
    assert fig.layout.yaxis.autorange == "reversed"


def _join(fig) -> go.Scatter:
    return next(tr for tr in fig.data if tr.name == "x -> q")


def test_range_mapping_of_relu_under_signed_symmetric():
    # [0, 6], int8 symmetric: grid [-6.0235, 5.9765], codes 0..127 reached, -128..-1 wasted
    pic = lessons.mapping_picture(0.0, 6.0, QuantConfig(8, "symmetric", signed=True))
    fig = present.range_mapping(pic, labels={"join": "x -> q"})
    names = {tr.name: tr for tr in fig.data if tr.name}
    reached, wasted = names["codes the data reach"], names["wasted codes"]
    assert wasted.line.color == GREY and reached.line.color != GREY

    def qx(code):  # integer axis drawn on [0.15, 0.85]
        return 0.15 + 0.7 * (code - pic.qmin) / (pic.qmax - pic.qmin)

    assert wasted.x == pytest.approx((qx(-128.5), qx(-0.5)))
    assert reached.x == pytest.approx((qx(-0.5), qx(127.5)))
    join = _join(fig)
    # grid_lo -> q_min, grid_hi -> q_max, 0.0 -> Z = 0, from y = 1 down to y = 0
    assert [join.x[i] for i in (1, 4, 7)] == pytest.approx([qx(-128), qx(127), qx(0)])
    assert list(join.y) == [1, 0, None] * 3
    # the float axis spans grid and data: [-6.0235, 6.0], since 6.0 lies past the grid's end
    width = max(pic.grid_hi, pic.data_hi) - pic.grid_lo
    assert join.x[6] == pytest.approx((0.0 - pic.grid_lo) / width)


def test_range_mapping_that_fills_the_grid_has_no_wasted_bar():
    pic = lessons.mapping_picture(-1.0, 3.0, QuantConfig(8, "asymmetric"))
    fig = present.range_mapping(pic, theme=Theme.presentation())
    assert "wasted codes" not in {tr.name for tr in fig.data}
    assert fig.layout.height == int(Theme.presentation().height * 0.8)
    labels = [t for tr in fig.data for t in (tr.text or [])]
    assert "Z = 64" in labels and "q_min = 0" in labels and "q_max = 255" in labels


def test_padding_outputs_shades_the_border_and_splits_the_bias():
    r = lessons.padded_convolution(lessons.padding_signal(0.4), np.array(lessons.KERNELS["box3"]),
                                   4)
    fig = present.padding_outputs(r.reference, {"int": r.out_integer, "frac": r.out_exact},
                                  {"int": r.bias_integer, "frac": r.bias_exact}, r.border,
                                  labels={"reference": "exact"})
    lines = [tr for tr in fig.data if isinstance(tr, go.Scatter)]
    bars = [tr for tr in fig.data if isinstance(tr, go.Bar)]
    assert [tr.name for tr in lines] == ["int", "frac", "exact"]  # the exact line on top
    assert [tr.name for tr in bars] == ["int", "frac"]
    assert all(tr.yaxis == "y2" for tr in bars)  # the lower panel
    np.testing.assert_array_equal(bars[1].y, r.bias_exact)
    shaded = [s for s in fig.layout.shapes if s.type == "rect"]
    assert int(r.border.sum()) == 2  # box3: one output at each end, shaded in both panels
    assert sorted((s.x0, s.xref) for s in shaded) == [
        (-0.5, "x"), (-0.5, "x2"), (len(r.reference) - 1.5, "x"), (len(r.reference) - 1.5, "x2")]


# the Per-channel page's default points at 4 bits: (name, bits per weight, SQNR dB)
DEFAULT_TRADEOFF = [("tensor", 0.00244, 33.68), ("channel = g256", 0.15625, 43.37),
                    ("g128", 0.3125, 44.23), ("g64", 0.625, 45.52), ("g32", 1.25, 46.56),
                    ("g16", 2.5, 47.77)]
DEFAULT_FORMATS = [("FP8 E4M3", 0.00195, 31.75), ("FP8 E5M2", 0.00195, 25.47),
                   ("MXFP8 E4M3", 0.25, 30.72), ("MXFP8 E5M2", 0.25, 25.05)]


def _notes(fig) -> dict:
    return {n.text: n for n in fig.layout.annotations}


def test_granularity_tradeoff_names_sit_at_log10_of_their_markers_facing_the_middle():
    fig = present.granularity_tradeoff(DEFAULT_TRADEOFF, selected=("tensor", "g128"),
                                       extra=DEFAULT_FORMATS)
    notes = _notes(fig)
    # every point named once, as an annotation (no text beside a marker that can run off)
    assert set(notes) == {p[0] for p in DEFAULT_TRADEOFF + DEFAULT_FORMATS}
    assert all(tr.mode == "markers" for tr in fig.data)
    # on a log axis plotly places an annotation at log10(x): tensor at log10(0.00244) = -2.61
    for name, x, y in DEFAULT_TRADEOFF + DEFAULT_FORMATS:
        assert notes[name].x == pytest.approx(np.log10(x)) and notes[name].y == y
    # the axis runs log10(0.00195) - 0.5 = -3.21 .. log10(2.5) + 0.5 = 0.90, middle -1.15:
    # tensor (left of it, at the left edge) is named to its right, g16 to its left
    lo, hi = fig.layout.xaxis.range
    assert lo < np.log10(0.00195) and (lo + hi) / 2 == pytest.approx(-1.155, abs=0.01)
    assert notes["tensor"].xanchor == "left" and notes["tensor"].ax > 0
    assert notes["g16"].xanchor == "right" and notes["g16"].ax < 0


def _name_boxes(fig, figure_width: float) -> dict[str, tuple]:
    """Each name's box in px (plot area, y down) as the figure places it at ``figure_width``:
    its marker's position plus the name's offset, its size from ``base.name_size``."""
    lay = fig.layout
    (x0, x1), (y0, y1) = lay.xaxis.range, lay.yaxis.range
    width = figure_width - lay.margin.l - lay.margin.r
    height = lay.height - lay.margin.t - lay.margin.b
    out = {}
    for n in lay.annotations:
        w, h = base.name_size(n.text, n.font.size)
        x = (n.x - x0) / (x1 - x0) * width + n.ax
        y = (y1 - n.y) / (y1 - y0) * height + n.ay
        left = x if n.xanchor == "left" else x - w
        out[n.text] = (left, y - h / 2, left + w, y + h / 2)
    return out


def _meet(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("theme", [Theme(), Theme.presentation()], ids=["screen", "projector"])
def test_granularity_tradeoff_names_never_meet_at_any_width(theme):
    # the page's default case: at 390 px "channel = g256" ran into "MXFP8 E4M3" and
    # "FP8 E5M2" sat on the tick labels. At every width from a phone's (320 px; 484 on a
    # projector) to 1,600 px no two names meet, none meets a marker (9 px around its centre)
    # other than its own, and every name stays inside the plot area (so off the tick labels)
    fig = present.granularity_tradeoff(DEFAULT_TRADEOFF, selected=("tensor", "channel = g256",
                                                                   "g128"),
                                       extra=DEFAULT_FORMATS, theme=theme)
    lay = fig.layout
    (x0, x1), (y0, y1) = lay.xaxis.range, lay.yaxis.range
    height = lay.height - lay.margin.t - lay.margin.b
    points = DEFAULT_TRADEOFF + DEFAULT_FORMATS
    narrowest = max(320, base.PRESENTATION_MIN_WIDTH_FONTS * theme.font_size)
    for figure_width in sorted({narrowest, narrowest + 30, max(narrowest, 400), 520, 800, 1600}):
        width = figure_width - lay.margin.l - lay.margin.r
        boxes = _name_boxes(fig, figure_width)
        names = sorted(boxes)
        for i, a in enumerate(names):
            box = boxes[a]
            assert box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height, a
            for b in names[i + 1:]:
                assert not _meet(box, boxes[b]), (figure_width, a, b)
            for name, x, y in points:
                cx = (np.log10(x) - x0) / (x1 - x0) * width
                cy = (y1 - y) / (y1 - y0) * height
                if name != a:
                    assert not _meet(box, (cx - 9, cy - 9, cx + 9, cy + 9)), (figure_width, a, name)


def test_placed_names_two_markers_on_one_spot_are_named_on_two_sides():
    # plot area 200 px high, 200 to 400 px wide, axes 0..10: both markers at x = 5 (100 px at
    # the narrowest), y = 5 and 5.1 (100 and 98 px down). The first named beside its marker,
    # 13 px out (9 + 4), facing the middle; the other cannot sit there too (their boxes, 17.4 px
    # high, would overlap), nor beside the same side: it goes beside the other side
    area = base.PlotArea((0.0, 10.0), (0.0, 10.0), 200.0, (200.0, 400.0))
    notes = base.placed_names([("a", 5.0, 5.0), ("b", 5.0, 5.1)], {"a", "b"}, area, Theme())
    sides = sorted((n["ax"], n["ay"], n["xanchor"]) for n in notes)
    assert sides == [(-13.0, 0.0, "right"), (13.0, 0.0, "left")]


def test_placed_names_keep_a_name_inside_the_plot_and_off_its_neighbours():
    # a marker in the top right corner (x = 10, y = 10 of 0..10) is named to its left (the
    # text box would run off on the right) and not above it (off the top): beside it, at its
    # height, its box spans 200 - 13 - width .. 187 px and 0 - 8.7 .. 8.7 px: off the top too,
    # so the name goes below, left of the marker
    area = base.PlotArea((0.0, 10.0), (0.0, 10.0), 200.0, (200.0, 400.0))
    [note] = base.placed_names([("corner", 10.0, 10.0)], {"corner"}, area, Theme())
    assert note["xanchor"] == "right" and note["ax"] < 0 and note["ay"] > 0
    # every vertical offset is a quarter pixel off the whole pixel, so that no box corner
    # lies exactly on plotly's 45-degree test ray (which would hide the join line)
    assert (note["ay"] - base.RAY_NUDGE) % 1 == 0


def test_fixed_plot_area_by_hand():
    # 380 px high, 13 px font, 3 legend rows: top 30 + 2 * 13 = 56, bottom (4.5 + 4.5) * 13 =
    # 117, so 380 - 56 - 117 = 207 px; widths 320 - 6 * 13 = 242 and 1600 - 78 = 1522. On a
    # projector (22 px, 520 px): 520 - 74 - 198 = 248 px, the narrowest 22 * 22 - 132 = 352
    area = base.fixed_plot_area(Theme(), (0, 1), (0, 1), 3)
    assert (area.height, area.widths) == (207.0, (242.0, 1522.0))
    area = base.fixed_plot_area(Theme.presentation(), (0, 1), (0, 1), 3)
    assert (area.height, area.widths) == (248.0, (352.0, 1468.0))
    assert base.fixed_plot_area(Theme(), (0, 1), (0, 1), 3, taller=95).height == 302.0


def test_name_size_is_at_least_what_chromium_draws():
    # measured in Chromium at 12 px: "MXFP8 E4M3" 80 x 17, "channel = g256" 100 x 17,
    # "tensor" 40 x 17 (the annotations' boxes on the Per-channel page)
    for text, measured in (("MXFP8 E4M3", 80), ("channel = g256", 100), ("tensor", 40)):
        w, h = base.name_size(text, 12)
        assert measured <= w <= measured * 1.2 and 17 <= h <= 18


def test_segments_and_boxes_by_hand():
    box = np.array([0.0, 0.0, 10.0, 10.0])
    # through the box, beside it, ending short of it, vertical through it
    assert base._cross(np.array([-5.0, 5.0]), np.array([15.0, 5.0]), box)
    assert not base._cross(np.array([-5.0, 15.0]), np.array([15.0, 15.0]), box)
    assert not base._cross(np.array([-5.0, 5.0]), np.array([-1.0, 5.0]), box)
    assert base._cross(np.array([5.0, -5.0]), np.array([5.0, 15.0]), box)
    # [0, 10] is left of [13, 23] with 3 px between, not with 4; and above [0, 10] shifted
    # 12 down
    sides = base._side_table(box, np.array([13.0, 0.0, 23.0, 10.0]), 3.0)
    assert sides.tolist() == [True, False, False, False]
    assert not base._side_table(box, np.array([13.0, 0.0, 23.0, 10.0]), 4.0).any()
    assert base._side_table(box, np.array([0.0, 12.0, 10.0, 22.0]), 2.0).tolist() == [
        False, False, True, False]


def test_granularity_tradeoff_leaves_room_for_names_above_and_below():
    fig = present.granularity_tradeoff(DEFAULT_TRADEOFF, extra=DEFAULT_FORMATS)
    y0, y1 = fig.layout.yaxis.range
    # SQNR 25.05..47.77, span 22.72: 30 % of it (6.8 dB) on each side
    assert (y0, y1) == pytest.approx((25.05 - 0.3 * 22.72, 47.77 + 0.3 * 22.72))
