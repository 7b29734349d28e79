"""Formats: FP8, FP6, FP4, MX, NVFP4, NF4 and INT side by side on one tensor."""

from quantviz.ui import formats

formats.render()
