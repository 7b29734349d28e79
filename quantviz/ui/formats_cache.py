"""Bounded caches for the Formats page (same rules as :mod:`quantviz.ui.cache`).

Keys are small (the tensor's key, format names, a worked value); the array is passed as an
``_``-prefixed argument that is not hashed. Results are small views, never the tensor.
"""

from __future__ import annotations

import numpy as np

from quantviz.formats import encode_format
from quantviz.studies import formats as format_study
from quantviz.ui.caching import cached


@cached(16)
def view(source: tuple, fmts: tuple[str, ...], _x: np.ndarray) -> format_study.FormatsView:
    """``format_study.formats_view`` of the tensor ``source`` in ``fmts``."""
    return format_study.formats_view(_x, fmts)


@cached(16)
def frontier(source: tuple, _x: np.ndarray) -> tuple[format_study.FormatResult, ...]:
    """Every format on ``format_study.frontier_sample`` of the tensor ``source``."""
    return format_study.frontier(format_study.frontier_sample(_x))


@cached(32)
def codes(source: tuple, fmt: str, _x: np.ndarray) -> format_study.CodeCounts:
    """Elements per code of ``fmt`` on the tensor ``source``."""
    return format_study.code_counts(encode_format(_x, fmt).codes, fmt)


@cached(64)
def layout(fmt: str, x0: float, x_min: float, x_max: float) -> format_study.BitLayout:
    """``format_study.bit_layout`` of the worked value ``x0``."""
    return format_study.bit_layout(fmt, x0, x_min, x_max)


@cached(1)
def lessons() -> tuple[format_study.Lesson, ...]:
    """The learn section's seeded comparisons (the same for every tensor)."""
    return format_study.lessons()
