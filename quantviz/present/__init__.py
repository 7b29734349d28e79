"""The drawing layer: pure plotly figure builders, split by the study they draw, and the LaTeX.

Every builder has the shape ``name(data, *, options, theme) -> figure``: binned data in, no
numerics of its own, no streamlit. :mod:`quantviz.present.base` holds the look shared by all
(theme, palette, layout helpers, the browser encoding); one module per study draws that study's
figures; :mod:`quantviz.present.formulas` holds every formula's LaTeX once. The package
re-exports the builders, so the ui writes ``present.value_histogram(...)``.
"""

from __future__ import annotations

from quantviz.present.base import (
    DEFAULT_THEME,
    GREY,
    OKABE_ITO,
    VALIDATE,
    Theme,
    figure_spec,
    plotly_spec,
    share_axes,
    step_corners,
)
from quantviz.present.comparisons import (
    error_density,
)
from quantviz.present.formats import (
    MAX_FORMAT_GRID,
    error_vs_magnitude,
    format_codes,
    format_frontier,
    formats_histogram,
    formats_staircase,
)
from quantviz.present.granularity import (
    channel_errors,
    channel_ranges,
    granularity_tradeoff,
    group_heatmap,
)
from quantviz.present.layer import (
    integer_histogram,
)
from quantviz.present.lessons import (
    padding_outputs,
    range_mapping,
)
from quantviz.present.model import (
    DIGIT_GAP,
    digit_grid,
    layer_bars,
)
from quantviz.present.outliers import (
    alpha_curve,
    histogram_pair,
)
from quantviz.present.ptq import (
    awq_curve,
    budget_scatter,
    channel_scales,
    gptq_step,
    method_errors,
)
from quantviz.present.sweeps import (
    calibrator_ranges,
    stream_ranges,
    sweep_lines,
    sweep_with_formats,
    threshold_tradeoff,
)
from quantviz.present.views import (
    MAX_CODE_BARS,
    MAX_GRID_LINES,
    code_usage,
    error_histogram,
    mapping_staircase,
    value_histogram,
)

__all__ = [
    "DEFAULT_THEME",
    "DIGIT_GAP",
    "GREY",
    "MAX_CODE_BARS",
    "MAX_FORMAT_GRID",
    "MAX_GRID_LINES",
    "OKABE_ITO",
    "Theme",
    "VALIDATE",
    "alpha_curve",
    "awq_curve",
    "budget_scatter",
    "calibrator_ranges",
    "channel_errors",
    "channel_ranges",
    "channel_scales",
    "code_usage",
    "digit_grid",
    "error_density",
    "error_histogram",
    "error_vs_magnitude",
    "figure_spec",
    "format_codes",
    "format_frontier",
    "formats_histogram",
    "formats_staircase",
    "gptq_step",
    "granularity_tradeoff",
    "group_heatmap",
    "histogram_pair",
    "integer_histogram",
    "layer_bars",
    "mapping_staircase",
    "method_errors",
    "padding_outputs",
    "plotly_spec",
    "range_mapping",
    "share_axes",
    "step_corners",
    "stream_ranges",
    "sweep_lines",
    "sweep_with_formats",
    "threshold_tradeoff",
    "value_histogram",
]
