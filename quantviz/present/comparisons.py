"""Figures of the Compare study: error densities of several schemes on one axis.

Builders follow :mod:`quantviz.present.base` (the shape, the look and the encoding).
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from quantviz.present.base import DEFAULT_THEME, Theme, _error_figure
from quantviz.studies.comparisons import Density


def error_density(
    rounding: Density,
    clipped: Density,
    *,
    scale: float,
    uniform: float,
    labels: Mapping[str, str] | None = None,
    theme: Theme = DEFAULT_THEME,
) -> go.Figure:
    """The error ``x_hat - x`` as a density (share of values per unit of error).

    In-range (rounding) and clipped elements are separate traces; the band
    ``[-scale/2, scale/2]`` is shaded and the level ``uniform`` of uniform rounding noise is
    drawn over it. Densities of configs with different steps share one y axis.
    """
    return _error_figure((rounding.edges, rounding.values), (clipped.edges, clipped.values),
                         scale=scale, level=uniform, y_title="density", labels=labels,
                         theme=theme)
