"""The Outliers page's figure builders: what each shows."""

from __future__ import annotations

import numpy as np

from quantviz import present
from quantviz.metrics import histogram


def test_alpha_curve_one_line_per_measure_and_the_chosen_alpha():
    fig = present.alpha_curve([0.0, 0.5, 1.0], {"X": [10, 20, 30], "Y": [5, float("inf"), 7]},
                              highlight=0.5, labels={"title": "T"})
    assert [tr.name for tr in fig.data] == ["X", "Y"]
    assert list(fig.data[1].y) == [5, None, 7]  # an infinite SQNR leaves a gap
    assert fig.layout.shapes[0].x0 == 0.5 and fig.layout.title.text == "T"
    assert present.alpha_curve([0.0], {"X": [1]}).layout.shapes == ()


def test_histogram_pair_shares_bins_and_hides_empty_bins_on_a_log_axis():
    before = histogram(np.array([0.0, 0.0, 1.0, 4.0]), 4, (0.0, 4.0))
    after = histogram(np.array([1.0, 1.0, 2.0, 2.0]), 4, (0.0, 4.0))
    fig = present.histogram_pair(before, after, labels={"before": "X", "after": "X R"})
    assert [tr.name for tr in fig.data] == ["X", "X R"]
    assert list(fig.data[0].y) == [2, 1, None, 1]   # bins [0,1) [1,2) [2,3) [3,4]
    assert list(fig.data[1].y) == [None, 2, 2, None]
    np.testing.assert_array_equal(fig.data[0].x, fig.data[1].x)
    assert fig.layout.yaxis.type == "log" and fig.layout.barmode == "overlay"
    linear = present.histogram_pair(before, after, log_y=False)
    assert list(linear.data[0].y) == [2, 1, 0, 1] and linear.layout.yaxis.type is None
