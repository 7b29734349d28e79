"""Explore: what quantization does to one tensor, in one screen."""

from quantviz.ui import explore

explore.render()
