"""Model: what quantization does to a real network, a digit classifier."""

from quantviz.ui import model

model.render()
