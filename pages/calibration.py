"""Calibration: every observer on one tensor, the clipping trade-off, and batch by batch."""

from quantviz.ui import calibration

calibration.render()
