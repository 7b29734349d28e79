"""Compare: two to four schemes side by side on one tensor, on shared axes."""

from quantviz.ui import compare

compare.render()
