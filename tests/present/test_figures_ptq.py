"""The PTQ page's and the sensitivity study's figure builders: what each shows."""

from __future__ import annotations

from quantviz import present


def test_method_errors_are_multiples_of_rtn():
    # weight errors (2, 1, 4) -> 1, 0.5, 2; output errors (10, 5, 0) -> 1, 0.5, 0 (a gap on log)
    fig = present.method_errors(["rtn", "gptq", "awq"], [2, 1, 4], [10, 5, 0],
                                labels={"weight": "W", "output": "Y", "title": "T"})
    assert [tr.name for tr in fig.data] == ["W", "Y"]
    assert list(fig.data[0].y) == [1.0, 0.5, 2.0]
    assert list(fig.data[1].y)[:2] == [1.0, 0.5]
    assert list(fig.data[0].text) == ["1.00×", "0.50×", "2.00×"]
    assert fig.layout.yaxis.type == "log" and fig.layout.shapes[0].y0 == 1
    assert fig.layout.title.text == "T"


def test_method_errors_zero_rtn_error_gives_gaps():
    fig = present.method_errors(["rtn", "x"], [0, 1], [1, 1])
    assert list(fig.data[0].y) == [None, None]


def test_gptq_step_splits_done_and_later_columns():
    fig = present.gptq_step([1, 2, 3, 4], [0, 0, 5, 6], [0, 0, 7, 8], 1, columns=[3, 0, 2, 1])
    rounding, spread, moved = fig.data
    assert list(rounding.y) == [1, 2, None, None]
    assert list(spread.y) == [None, None, 5, 6]
    assert list(moved.y) == [None, None, 7, 8]
    assert list(rounding.hovertext) == ["column 3", "column 0", "column 2", "column 1"]
    assert fig.layout.shapes[0].x0 == 1


def test_awq_curve_marks_the_chosen_ratio():
    fig = present.awq_curve([0.0, 0.5, 0.95], [3.0, 1.0, 2.0], 0.5, labels={"chosen": "c"})
    assert list(fig.data[0].y) == [3.0, 1.0, 2.0]
    assert fig.data[1].name == "c" and list(fig.data[1].x) == [0.5]
    assert list(fig.data[1].y) == [1.0]


def test_channel_scales_colours_the_salient_channels():
    fig = present.channel_scales([1, 5, 2], [0.5, 2, 1], [1])
    colors = list(fig.data[0].marker.color)
    assert colors[1] != colors[0] and colors[0] == colors[2]
    assert fig.data[1].yaxis == "y2" and list(fig.data[1].y) == [0.5, 2, 1]


def test_budget_scatter_draws_all_front_and_greedy():
    pts = [(2.5, 0.3, "a"), (3.0, 0.1, "b"), (3.5, 0.2, "c")]
    fig = present.budget_scatter(pts, pts[:2], [pts[0], pts[2]], labels={"front": "F"})
    assert len(fig.data) == 3
    assert list(fig.data[0].x) == [2.5, 3.0, 3.5]
    assert fig.data[1].name == "F" and list(fig.data[1].text) == ["a", "b"]
    assert list(fig.data[2].y) == [0.3, 0.2] and fig.data[2].line.dash == "dash"
