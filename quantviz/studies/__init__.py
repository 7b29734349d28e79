"""What a page shows, computed: numpy in, frozen dataclasses out; no plotting, no streamlit.

Each module is one page's study, built on the library at the top of the package
(``quantize``, ``observers``, ``metrics``, ``formats``, ...); the drawing lives in
:mod:`quantviz.present` and the page bodies in :mod:`quantviz.ui`.
"""
