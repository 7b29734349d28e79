"""Bounded caches for the Layer page.

Same rules as :mod:`quantviz.ui.cache`: a small key string, arrays passed as ``_``-prefixed
arguments that are not hashed, every cache with ``max_entries`` and a ``ttl``.
"""

from __future__ import annotations

import numpy as np

from quantviz.studies import layer as layer_study
from quantviz.ui.caching import cached, frozen


@cached(6)
def activations(source: str, rows: int, in_features: int, seed: int) -> np.ndarray:
    """``layer_study.activations`` (read-only, shared by every session)."""
    return frozen(layer_study.activations(source, rows, in_features, seed))


@cached(12)
def study(key: str, per_channel: bool, reduce_range: bool, with_bias: bool, seed: int,
          _w: np.ndarray, _x: np.ndarray) -> layer_study.LayerStudy:
    """``layer_study.study_layer`` for the weights and activations that ``key`` names."""
    bias = None
    if with_bias:
        y = _x.astype(np.float64) @ _w.astype(np.float64).T
        bias = layer_study.synthetic_bias(y, seed)
    return layer_study.study_layer(_w, _x, bias, per_channel=per_channel,
                                   reduce_range=reduce_range)
