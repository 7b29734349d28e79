"""Training (QAT): the straight-through estimator and learned scales, live."""

from quantviz.ui import qat

qat.render()
