"""quantviz: the tested core of an app that teaches linear quantization."""
