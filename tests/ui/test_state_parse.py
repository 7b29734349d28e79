"""A link's value for a number control: every extreme falls back to the default, none raises."""

from __future__ import annotations

import pytest

from quantviz.ui.state import URL_NUMBER_MAX, Control

BITS = Control("bits", "int", 8, "bits.label", lo=2, hi=16)
FREE = Control("x0", "number", 0.5, "x0")


@pytest.mark.parametrize("raw", [
    "1" + "0" * 400,  # parses as an int; math.isfinite of it overflowed (a page error)
    "9" * 5000,  # over Python's 4,300 digits for int(): ValueError
    "0", "99", "-1", "nan", "inf", "-inf", "1e308", "3.5", "0x10", "", " ", "\x00",
    "![x](http://evil.invalid)",
])
def test_an_extreme_int_falls_back_to_the_default(raw):
    assert BITS.parse(raw) == 8


@pytest.mark.parametrize(("raw", "value"), [("１６", 16), ("1_0", 10), (" 4 ", 4), ("2", 2)])
def test_what_python_reads_as_an_int_in_range_is_kept(raw, value):
    assert BITS.parse(raw) == value  # full-width digits and underscores are still digits


@pytest.mark.parametrize("raw", ["1" + "0" * 400, "1e31", "-1e31", "nan", "1e999"])
def test_a_number_without_bounds_is_still_held_to_the_url_maximum(raw):
    assert FREE.parse(raw) == 0.5


def test_the_url_maximum_itself_is_kept():
    # 1e30 is not above URL_NUMBER_MAX = 1e30
    assert FREE.parse("1e30") == URL_NUMBER_MAX


STD = Control("normal.std", "float", 1.0, "param.std", lo=0.0, hi=10.0, step=0.05)


@pytest.mark.parametrize(("raw", "value"), [
    ("1e-30", 0.0),  # cost 17 s on Toolchains: PyTorch's histogram search ran its whole course
    ("0.07", 0.05), ("0.08", 0.1), ("9.99", 10.0),
    ("0.35", 0.35), ("0.1", 0.1), ("1", 1.0),  # on the grid: kept exactly as written
])
def test_a_slider_value_from_a_link_moves_to_the_nearest_step(raw, value):
    assert STD.parse(raw) == pytest.approx(value, abs=1e-12)
    if raw in ("0.35", "0.1", "1"):
        assert STD.parse(raw) == float(raw)


@pytest.mark.parametrize("raw", ["99.9", "95", "90.01", "99.99", "100"])
def test_the_percentile_slider_keeps_its_own_values_exactly(raw):
    pct = Control("pct", "float", 99.9, "pct.label", lo=90.0, hi=100.0, step=0.01)
    assert pct.parse(raw) == float(raw)  # 90 + 990 * 0.01 would be 99.89999999999999
