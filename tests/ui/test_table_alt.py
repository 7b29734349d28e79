"""The shared table (cells shown as plain text, numbers formatted) and a chart's text
alternative (read from the figure's own numbers)."""

from __future__ import annotations

import base64
import math

import numpy as np

from quantviz.ui import alt
from quantviz.ui.i18n import plain
from quantviz.ui.shell import cell_text


def test_a_cell_from_outside_is_plain_text_and_numbers_are_formatted():
    hostile = "![x](http://host/p.png) **b** :red[c]"
    assert cell_text(hostile) == plain(hostile)
    assert "\\[" in cell_text(hostile) and "\\*\\*" in cell_text(hostile)
    assert cell_text(1234567) == "1,234,567"
    assert cell_text(np.int64(-128)) == "-128"
    assert cell_text(12.34) == "12.34"  # a value rounded by the page shows as it is
    assert cell_text(0.000123456789) == "0.000123457"  # six significant digits
    assert cell_text(2.5, "{:.2f}") == "2.50"
    assert cell_text(math.inf) == "∞" and cell_text(-math.inf) == "−∞"
    assert cell_text(math.nan) == "—" and cell_text(None) == "—"
    assert cell_text(True) == "yes" and cell_text(np.bool_(False)) == "no"


def _typed(values, dtype: str) -> dict:
    return {"dtype": dtype,
            "bdata": base64.b64encode(np.asarray(values, dtype=dtype).tobytes()).decode()}


def test_facts_read_the_spans_of_the_primary_axes_and_the_series():
    spec = {"layout": {"title": {"text": "Errors<br><sub>of x</sub>"},
                       "xaxis": {"title": {"text": "x_hat - x"}}, "yaxis": {"title": "count"}},
            "data": [{"name": "rounding", "x": _typed([-0.5, 0.25, 0.5], "f8"),
                      "y": [3, 7, 0]},
                     {"name": "clipping", "x": [1.0, 2.0], "y": [1, np.inf]},
                     # a second y axis (x_hat) is not the count axis: left out of y's span
                     {"name": "x_hat", "x": [0.0], "y": [900.0], "yaxis": "y2"}]}
    f = alt.facts(spec)
    assert f.title == "Errors of x"
    # x over every trace on x: -0.5 .. 2; y over the count axis, inf left out: 0 .. 7
    assert (f.x.title, f.x.lo, f.x.hi) == ("x_hat - x", "-0.5", "2")
    assert (f.y.title, f.y.lo, f.y.hi) == ("count", "0", "7")
    assert f.series == ("rounding", "clipping", "x_hat")
    assert alt.sentence(f) == ("Chart “Errors of x”: x_hat - x from -0.5 to 2; count from 0 "
                               "to 7; series: rounding, clipping, x_hat.")


def test_categories_give_their_first_and_last_label_and_many_series_are_counted():
    spec = {"layout": {}, "data": [{"name": f"s{i}", "x": ["a", "b", "c"], "y": [1, 2, 3]}
                                   for i in range(6)]}
    text = alt.sentence(alt.facts(spec))
    assert text == ("Chart “untitled”: x from a to c; y from 1 to 3; series: s0, s1, s2, s3 "
                    "and 2 more.")
