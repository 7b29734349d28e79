"""Layer: one linear layer computed in integers, as PyTorch's x86 kernel does."""

from quantviz.ui import layer

layer.render()
