"""Every log axis a builder draws labels its ticks as whole numbers.

plotly.js, left to itself on a log axis spanning a decade or two, writes the bare mantissa
between powers of ten: a small "2" and "5" beside "10⁻³" that a student reads as 2 and 5. These
tests read the layout each builder sets (plotly.js's formatLog: a label is a whole number when
the axis has explicit ``ticktext``, a ``tickformat``, or an integer ``dtick``, which puts ticks at
powers of ten only).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from quantviz import present
from quantviz.metrics import Histogram
from quantviz.present import base


def _bare_mantissa_possible(axis: dict) -> bool:
    """True when plotly.js may label a tick of this log axis with a bare mantissa."""
    if "tickvals" in axis:
        texts = axis.get("ticktext")
        if texts is None or len(texts) != len(axis["tickvals"]):
            return True  # plotly falls back to its own labels
        return not all(np.isclose(float(t), v, rtol=1e-9)
                       for t, v in zip(texts, axis["tickvals"], strict=True))
    if axis.get("tickformat"):
        return False
    dtick = axis.get("dtick")
    return not (isinstance(dtick, int | float) and dtick >= 1 and float(dtick).is_integer())


def _log_axes(fig: go.Figure) -> list[dict]:
    layout = fig.to_plotly_json()["layout"]
    return [v for k, v in layout.items()
            if k.startswith(("xaxis", "yaxis")) and v.get("type") == "log"]


def test_the_check_flags_plotlys_own_log_axis():
    # the axis the builders used to set: plotly picks "D1"/"D2" ticks on a short range
    assert _bare_mantissa_possible({"type": "log", "exponentformat": "power"})
    assert _bare_mantissa_possible({"type": "log", "dtick": "D2"})
    assert _bare_mantissa_possible({"type": "log", "tickvals": [0.002], "ticktext": ["2"]})
    assert not _bare_mantissa_possible({"type": "log", "dtick": 1})


# two spans per builder: within one decade (plotly would write mantissas) and over nine
SPANS = {"narrow": (0.0003, 0.004), "wide": (1e-9, 1.0)}


def _curve(span, n: int = 15) -> np.ndarray:
    return np.geomspace(*span, n)


def _hist(span) -> Histogram:
    counts = np.round(_curve(span, 20) / span[0]).astype(np.int64)
    return Histogram(edges=np.linspace(-1, 1, 21), counts=counts)


BUILDERS = {
    "sweep_lines": lambda s: present.sweep_lines(range(2, 17), {"a": _curve(s)}, log_y=True),
    "calibrator_ranges": lambda s: present.calibrator_ranges(
        _hist(s), {"minmax": (-1.0, 1.0)}, log_y=True),
    "threshold_tradeoff": lambda s: present.threshold_tradeoff(
        _curve(s), _curve(s), _curve(s)[::-1], _curve(s) * 2),
    "threshold_tradeoff_focus": lambda s: present.threshold_tradeoff(
        _curve(s), _curve(s), _curve(s)[::-1], _curve(s) * 2, focus=(s, s)),
    "value_histogram": lambda s: present.value_histogram(
        _hist(s), grid=np.linspace(-1, 1, 5), x_lo=-1.0, x_hi=1.0, log_y=True),
    "channel_errors": lambda s: present.channel_errors(
        np.arange(15), {"per tensor": _curve(s)}, log_y=True),
    "histogram_pair": lambda s: present.histogram_pair(_hist(s), _hist(s)),
    "error_vs_magnitude": lambda s: present.error_vs_magnitude(
        _curve(s, 16), [("fp8", _curve(s))]),
    "integer_histogram": lambda s: present.integer_histogram(
        np.linspace(-100, 100, 21), {"pairs": _hist(s).counts}, log_y=True),
    "qat_scales": lambda s: present.qat_scales(["w", "x"], [s[0], s[1]], [s[1], s[0]]),
    "granularity_tradeoff": lambda s: present.granularity_tradeoff(
        [("tensor", s[0], 30.0), ("group 16", s[1], 40.0)]),
    "method_errors": lambda s: present.method_errors(["rtn", "gptq"], [1.0, 0.5], [1.0, 0.3]),
    "share_axes": lambda s: base.share_axes(
        present.sweep_lines(range(2, 17), {"a": _curve(s)}),
        y=(float(np.log10(s[0])), float(np.log10(s[1]))), log_y=True),
}


@pytest.mark.parametrize("span", SPANS.values(), ids=SPANS.keys())
@pytest.mark.parametrize("name", BUILDERS)
def test_every_log_axis_labels_whole_numbers(name, span):
    axes = _log_axes(BUILDERS[name](span))
    assert axes, f"{name} draws no log axis"
    for axis in axes:
        assert not _bare_mantissa_possible(axis), (name, axis)


def test_a_short_log_axis_writes_1_2_5_in_full():
    # 0.0003..0.004: ticks 0.0005, 0.001, 0.002 (1, 2, 5 x 10^k within the span)
    axis = base._log_axis([0.0003, 0.004])
    assert axis["tickvals"] == [0.0005, 0.001, 0.002]
    assert axis["ticktext"] == ["0.0005", "0.001", "0.002"]


def test_a_log_axis_within_a_decade_uses_every_digit():
    # 2..6: 1-2-5 gives only 2 and 5, so every digit: 2, 3, 4, 5, 6
    axis = base._log_axis([2.0, 6.0])
    assert axis["ticktext"] == ["2", "3", "4", "5", "6"]


def test_a_very_short_log_axis_lets_plotly_tick_in_full_numbers():
    # 3.1..3.5 holds no digit 1..9 times a power of ten: plotly's ticks, format "~g"
    assert base._log_axis([3.1, 3.5])["tickformat"] == "~g"


def test_a_long_log_axis_labels_powers_of_ten_with_a_minor_grid():
    # 1..30000: 4.5 decades -> a label at every power of ten, minor lines at 2..9
    axis = base._log_axis([1.0, 3e4, 0.0, np.nan, -5.0])
    assert axis["dtick"] == 1 and axis["exponentformat"] == "power"
    assert axis["minor"]["dtick"] == "D1"
    # 1e-9..1: 9 decades / 8 labels -> every 2nd power of ten, no minor grid
    axis = base._log_axis([1e-9, 1.0])
    assert axis["dtick"] == 2 and "minor" not in axis


def test_a_log_axis_with_no_positive_value_falls_back_to_decades():
    assert base._log_axis([0.0, -1.0, np.inf])["dtick"] == 1
