"""Start here: what quantization is, then the path through the notes' story, step by step."""

from quantviz.ui import start

start.render()
