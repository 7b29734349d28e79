"""What the Model page's figures show: grouped layer bars, and the grid of 8x8 digits."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz import present


def test_layer_bars_group_one_bar_per_series_and_draw_the_float_line():
    fig = present.layer_bars(["fc1", "fc2"], {"W": [96.0, 95.5], "A": [90.0, None]},
                             reference=96.9, y_range=(80, 101), labels={"reference": "float"})
    w, a, ref = fig.data
    assert (w.name, a.name, ref.name) == ("W", "A", "float")
    assert list(w.x) == ["fc1", "fc2"] and list(w.y) == [96.0, 95.5]
    assert list(a.y) == [90.0, None] and list(a.text) == ["90.0", None]
    assert fig.layout.barmode == "group"
    (line,) = fig.layout.shapes
    assert (line.y0, line.y1, line.xref) == (96.9, 96.9, "x domain")
    assert tuple(fig.layout.yaxis.range) == (80, 101)


def test_layer_bars_without_reference_have_no_line():
    fig = present.layer_bars(["fc1"], {"W": [50.0]})
    assert len(fig.data) == 1 and not fig.layout.shapes


def test_digit_grid_places_each_image_under_its_title_with_gaps():
    a = np.arange(64).reshape(8, 8)
    b = np.full((8, 8), 16)
    c = np.zeros((8, 8))
    fig = present.digit_grid([a, b, c], ["a", "b", "c"], columns=2)
    (heat,) = fig.data
    z = np.array(heat.z, dtype=float)
    # cells are 8 + 1 gap wide and 8 + 1 gap + 2 title rows high: 2 columns, 2 rows
    assert z.shape == (2 * 11, 2 * 9)
    np.testing.assert_array_equal(z[2:10, 0:8], a)
    np.testing.assert_array_equal(z[2:10, 9:17], b)
    np.testing.assert_array_equal(z[13:21, 0:8], c)
    assert np.isnan(z[2:10, 8]).all() and np.isnan(z[0:2, :]).all()
    assert np.isnan(z[13:21, 9:17]).all()  # no fourth image
    titles = [(n.text, n.x, n.y) for n in fig.layout.annotations]
    assert titles == [("a", 3.5, 1), ("b", 12.5, 1), ("c", 3.5, 12)]
    assert fig.layout.yaxis.autorange == "reversed"
    # no ink is white, 16 set pixels black
    assert heat.colorscale[0][1] == "rgb(255,255,255)" and heat.colorscale[-1][1] == "rgb(0,0,0)"


def test_digit_grid_without_images_says_so():
    fig = present.digit_grid([], [], labels={"empty": "none wrong"})
    assert not fig.data and fig.layout.annotations[0].text == "none wrong"


def test_digit_grid_needs_a_title_per_image():
    with pytest.raises(ValueError, match="2 images but 1 titles"):
        present.digit_grid([np.zeros((8, 8))] * 2, ["x"])


def test_sweep_with_formats_puts_markers_beside_the_lines():
    fig = present.sweep_with_formats(
        (2, 4, 8), {"weights": [10.0, 90.0, 97.0], "both": [5.0, 80.0, 96.0]},
        {"weights": [("MXFP4", 4.25, 95.0), ("NF4", 4.52, float("nan"))],
         "both": [("MXFP8 E4M3", 8.25, 96.5)]},
        reference=[97.0] * 3, labels={"formats": "{name} (formats)"})
    data = {tr.name: tr for tr in fig.data}
    w = data["weights (formats)"]
    assert list(w.x) == [4.25] and list(w.y) == [95.0] and list(w.text) == ["MXFP4"]  # NaN out
    b = data["both (formats)"]
    assert list(b.x) == [8.25] and b.marker.symbol != w.marker.symbol
    assert w.marker.color == data["weights"].line.color  # a format takes its mode's colour
    assert fig.layout.xaxis.range[1] == pytest.approx(8.75)  # widened to the MXFP8 marker
    assert fig.layout.xaxis.range[0] == pytest.approx(1.5)
