"""Toolchains: one tensor through PyTorch, ONNX Runtime, TensorRT and TFLite defaults."""

from quantviz.ui import toolchains

toolchains.render()
