"""Chart titles wrap before a phone cuts them: no title line wider than TITLE_COLUMNS.

At 390 px plotly cuts a title line that does not fit (it never wraps by itself); every builder
takes its title through ``base._layout``, which wraps it with ``<br>``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quantviz import present
from quantviz.metrics import Histogram
from quantviz.present import base
from quantviz.present.base import TITLE_COLUMNS, _columns, wrap_title

LONG_EN = "Integer codes used: 200 of 256, effective bits 7.64"
LONG_ZH = "每个通道的范围与每张量的范围相比较的误差，按通道排列显示，以及每组的最大绝对值"


def _lines(text: str) -> list[str]:
    return text.split("<br>")


def test_a_short_title_stays_one_line():
    assert wrap_title("SQNR against bits") == "SQNR against bits"


def test_a_long_title_breaks_at_spaces_and_reads_the_same_unwrapped():
    # 51 columns; "Integer codes used: 200 of 256," is 31, with " effective" 41 > 40: two lines
    text = wrap_title(LONG_EN)
    assert _lines(text) == ["Integer codes used: 200 of 256, ", "effective bits 7.64"]
    assert text.replace("<br>", "") == LONG_EN


def test_chinese_counts_two_columns_and_breaks_between_characters_not_before_a_comma():
    # 38 characters, 76 columns: 20 characters (40 columns) on the first line, then the comma
    lines = _lines(wrap_title(LONG_ZH))
    assert lines[0] == LONG_ZH[:21] and lines[0].endswith("，")
    assert "".join(lines) == LONG_ZH


def test_markup_and_a_title_already_broken_are_left_whole():
    assert wrap_title("a<br>" + LONG_EN) == "a<br>" + LONG_EN
    word = "x" * 50
    assert wrap_title(word) == word


@given(st.lists(st.sampled_from(["bits", "x_hat", "SQNR", "(dB)", "per-channel", "每位",
                                 "有效位数与已用码数", "6.02", "—"]), min_size=1, max_size=30))
def test_wrapped_lines_fit_and_join_to_the_title(words):
    title = " ".join(words)
    text = wrap_title(title)
    assert text.replace("<br>", "") == title
    for line in _lines(text):
        # a line is too wide only when it is one word (plus the punctuation kept with it)
        assert _columns(line.rstrip()) <= TITLE_COLUMNS + 2 or " " not in line.strip(), line


def _hist() -> Histogram:
    return Histogram(edges=np.linspace(-1, 1, 5), counts=np.array([1, 5, 5, 1]))


BUILDERS = {
    "sweep_lines": lambda labels: present.sweep_lines([2, 3], {"a": [1.0, 7.0]}, labels=labels),
    "value_histogram": lambda labels: present.value_histogram(
        _hist(), grid=np.linspace(-1, 1, 5), x_lo=-1.0, x_hi=1.0, labels=labels),
    "calibrator_ranges": lambda labels: present.calibrator_ranges(
        _hist(), {"minmax": (-1.0, 1.0)}, labels=labels),
    "layer_bars": lambda labels: present.layer_bars(["fc1"], {"int8": [90.0]}, labels=labels),
    "integer_histogram": lambda labels: present.integer_histogram(
        [0, 1, 2], {"pairs": [3, 4]}, labels=labels),
    "histogram_pair": lambda labels: present.histogram_pair(_hist(), _hist(), labels=labels),
}


@pytest.mark.parametrize("title", [LONG_EN, LONG_ZH], ids=["en", "zh"])
@pytest.mark.parametrize("name", BUILDERS)
def test_every_builder_wraps_its_title_and_grows_its_top_margin(name, title):
    plain = BUILDERS[name]({"title": "T"}).to_plotly_json()["layout"]
    layout = BUILDERS[name]({"title": title}).to_plotly_json()["layout"]
    lines = _lines(layout["title"]["text"])
    assert len(lines) == 2
    assert all(_columns(line.rstrip()) <= TITLE_COLUMNS + 2 for line in lines)  # + a comma
    # one more line: 1.3 title font sizes (15 px) more margin and height, 20 px
    grow = round(base.TITLE_LINE_HEIGHT * (base.DEFAULT_THEME.font_size + 2))
    assert layout["margin"]["t"] == plain["margin"]["t"] + grow
    assert layout["height"] == plain["height"] + grow



def test_a_long_x_title_wraps_and_the_fixed_frame_makes_room_below():
    # the Integer layer page's pair sums: 37 columns > AXIS_TITLE_COLUMNS (32) -> two lines,
    # broken after "+ "; the fixed frame's bottom margin and the height grow by one line,
    # 1.3 * 13 = 17 px (16.9 rounded)
    x_title = "x_q[2p]·w_q[2p] + x_q[2p+1]·w_q[2p+1]"
    short = present.integer_histogram([0.0, 1.0, 2.0], {"a": [1, 2]}, labels={"x": "value"})
    fig = present.integer_histogram([0.0, 1.0, 2.0], {"a": [1, 2]}, labels={"x": x_title})
    text = fig.layout.xaxis.title.text
    assert text.split("<br>") == ["x_q[2p]·w_q[2p] + ", "x_q[2p+1]·w_q[2p+1]"]
    assert all(_columns(line.rstrip()) <= base.AXIS_TITLE_COLUMNS for line in text.split("<br>"))
    assert fig.layout.margin.b - short.layout.margin.b == 17
    assert fig.layout.height - short.layout.height == 17


def test_a_wrapped_x_title_moves_a_free_legend_down():
    # the Per-channel heat map (a free frame, legend at -0.22 plot heights) with a 47-column x
    # title -> two lines; the legend moves 17 / (0.6 * 380) = 0.0746 plot heights further down
    title = "parameter overhead (bits per weight, log scale)"
    fig = present.group_heatmap(np.ones((2, 2)), row_step=1, col_step=1, labels={"x": title})
    assert fig.layout.xaxis.title.text.count("<br>") == 1
    assert fig.layout.legend.y == pytest.approx(-0.22 - 17 / (0.6 * 380))
