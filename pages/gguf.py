"""GGUF: llama.cpp's block types (Q4_0 … Q6_K, IQ4, TQ) on one tensor, byte for byte."""

from quantviz.ui import gguf

gguf.render()
