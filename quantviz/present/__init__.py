"""The drawing layer: pure plotly figure builders, split by the study they draw, and the LaTeX.

Every builder has the shape ``name(data, *, options, theme) -> figure``: binned data in, no
numerics of its own, no streamlit. :mod:`quantviz.present.base` holds the look shared by all
(theme, palette, layout helpers, the browser encoding); one module per study draws that study's
figures; :mod:`quantviz.present.formulas` holds every formula's LaTeX once.

The package re-exports every public builder and constant of its modules (not ``formulas``), so
the ui writes ``present.value_histogram(...)``. The list is made here from the modules
themselves: a new module's builders are exported by being written, and two modules may not
export one name.
"""

from __future__ import annotations

import importlib
import pkgutil


def _exports(module) -> dict[str, object]:
    """The public names ``module`` defines: its functions and classes, and its UPPER_CASE
    constants (a name imported from another module is that module's to export)."""
    out = {}
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, type(importlib)):
            continue
        defined_here = getattr(value, "__module__", None) == module.__name__
        constant = name.isupper() and not callable(value)
        if defined_here or (constant and name not in _imported(module)):
            out[name] = value
    return out


def _imported(module) -> set[str]:
    """Names ``module`` imports with ``from ... import`` (read from its source)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(module))
    return {alias.asname or alias.name for node in tree.body
            if isinstance(node, ast.ImportFrom) for alias in node.names}


def _collect() -> dict[str, object]:
    found: dict[str, object] = {}
    owners: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "formulas":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, value in _exports(module).items():
            if name in owners:
                raise ImportError(f"{name} is exported by both present.{owners[name]} and "
                                  f"present.{info.name}")
            owners[name] = info.name
            found[name] = value
    return found


_EXPORTS = _collect()
globals().update(_EXPORTS)
__all__ = sorted(_EXPORTS)
