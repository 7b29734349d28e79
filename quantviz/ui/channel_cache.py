"""Bounded caches for the Per-channel page.

Same rules as :mod:`quantviz.ui.cache`: small hashable keys (the weight tensor's key, the
config, the channel axis, the group size), the array passed as an ``_``-prefixed argument that
is not hashed, every cache with ``max_entries`` and a ``ttl``. What is cached never holds the
tensor: per-channel vectors and pooled maps only.
"""

from __future__ import annotations

import numpy as np

from quantviz.distributions import weight_matrix
from quantviz.quantize import QuantConfig
from quantviz.studies import granularity
from quantviz.ui.caching import cached, frozen


@cached(6)
def synthetic_weights(out_channels: int, in_features: int, spread: float,
                      seed: int) -> np.ndarray:
    """``distributions.weight_matrix`` (read-only, shared by every session)."""
    return frozen(weight_matrix(out_channels, in_features, spread, seed))


@cached(16)
def comparison(source: tuple, cfg: QuantConfig, axis: int,
               _x: np.ndarray) -> granularity.Comparison:
    """Per tensor, per channel and every dividing group size of the tensor ``source``."""
    return granularity.compare(_x, cfg, axis)


@cached(16)
def ranges(source: tuple, axis: int, _x: np.ndarray) -> granularity.ChannelRanges:
    """Each channel's MinMax range along ``axis`` and the widest-first order."""
    return granularity.channel_ranges(_x, axis)


@cached(16)
def group_map(source: tuple, group_size: int, _x: np.ndarray) -> granularity.GroupMap:
    """Pooled ``max |x|`` per (row, group) for the heat map."""
    return granularity.group_map(_x, group_size)

