"""Outliers: massive activation channels, SmoothQuant, rotation, mixed precision."""

from quantviz.ui import outliers

outliers.render()
