"""quantviz: the tested core of an app that teaches linear quantization.

Three layers, imported one way only (a module imports from its own layer or the ones below):

- primitives, numpy only: ``quantize`` (QuantConfig, QParams, compute_qparams, quantize,
  dequantize), ``formats``, ``observers``, ``toolchains``, ``layers``, ``metrics``,
  ``distributions``, ``loaders`` (uploaded bytes to arrays, with limits);
- studies, what a page shows computed without plotting: ``views``, ``comparisons``,
  ``sweeps``, ``granularity``, ``lessons`` and the model, checkpoint and outlier studies;
- presentation: ``formulas`` (the LaTeX, once) and ``figures`` (pure builders, binned data in,
  ``go.Figure`` out).

``quantviz.ui`` sits on top: the only code that imports streamlit (controls bound to the URL,
caches, the text tables, the page bodies that ``pages/`` call).
"""
