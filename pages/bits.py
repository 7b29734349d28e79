"""Bit width: SQNR, MSE and effective bits of every scheme from 2 to 16 bits."""

from quantviz.ui import bits

bits.render()
