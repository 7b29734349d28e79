"""quantviz: the tested core of an app that teaches linear quantization.

The folders are the layers, imported one way only (a module imports from its own layer or
the ones above it in this list; tests/test_project.py checks it):

- the library, top-level modules, numpy only, what a practitioner imports: ``quantize``
  (QuantConfig, QParams, compute_qparams, quantize, dequantize), ``observers``, ``metrics``,
  ``toolchains``, ``formats``, ``layers``, ``distributions``, ``loaders`` (uploaded bytes to
  arrays, with limits);
- ``studies/``: what a page shows, computed without plotting (``views``, ``comparisons``,
  ``sweeps``, ``granularity``, ``lessons``, ``model``, ``checkpoint``, ``outliers``,
  ``formats``, ``layer``, ``toolchains``);
- ``present/``: the drawing, pure plotly builders split by the study they draw (binned data in,
  figure out), and ``formulas`` (the LaTeX, once);
- ``ui/``: the only code that imports streamlit (controls bound to the URL, bounded caches,
  the text tables, the page bodies that ``pages/`` call).
"""
