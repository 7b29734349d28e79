"""Bounded caches for the Compare, Bits and Calibration pages.

Same rules as :mod:`quantviz.ui.cache`: small hashable keys (the tensor's key, configs,
observer parameters), arrays passed as ``_``-prefixed arguments that are not hashed, every
cache with ``max_entries`` and a ``ttl`` (:func:`quantviz.ui.caching.cached`).
"""

from __future__ import annotations

import numpy as np

from quantviz import metrics
from quantviz.distributions import activation_stream
from quantviz.quantize import QuantConfig
from quantviz.studies import sweeps, views
from quantviz.ui.caching import cached, frozen


@cached(8)
def sample(source: tuple, _x: np.ndarray) -> np.ndarray:
    """``sweeps.subsample`` of the tensor ``source`` (at most 2^18 values, read-only)."""
    return frozen(sweeps.subsample(_x))


@cached(8)
def sorted_sample(source: tuple, _x: np.ndarray) -> np.ndarray:
    """:func:`sample` in ascending order (read-only), for the threshold trade-off.

    A candidate range clips a prefix and a suffix of sorted values, so the masked error sums
    of each of the curve's 180 candidates run over three stretches instead of thousands of
    alternating ones: a new tensor's curve takes about 90 ms instead of 140 to 230 ms on
    100,000 values. A sum of squared errors does not depend on the order of its terms beyond
    float rounding; the curve and the calibrators' marks on it are measured on this same
    array, so they agree exactly.
    """
    return frozen(np.sort(sample(source, _x)))


@cached(720)
def sweep_point(source: tuple, scheme: sweeps.SweepScheme, bits: int, method: str,
                params: tuple, narrow: bool, _xs: np.ndarray) -> sweeps.RangeScore:
    """One point of the bit-width sweep on the sample ``_xs`` of ``source`` (16 sweeps' worth)."""
    return sweeps.sweep_point(_xs, scheme, bits, method, params, narrow)


@cached(32)
def threshold_curve(source: tuple, cfg: QuantConfig, x_min: float, x_max: float,
                    _xs: np.ndarray) -> sweeps.ThresholdCurve:
    """``sweeps.threshold_curve`` on the sample ``_xs`` for the data range of ``source``."""
    return sweeps.threshold_curve(_xs, cfg, x_min, x_max)


@cached(128)
def range_score(source: tuple, cfg: QuantConfig, x_min: float, x_max: float,
                _x: np.ndarray) -> sweeps.RangeScore:
    """``sweeps.score_range`` of ``[x_min, x_max]`` on ``_x`` (``source`` names ``_x``)."""
    return sweeps.score_range(_x, cfg, x_min, x_max)


@cached(16)
def value_histogram(source: tuple, _x: np.ndarray) -> metrics.Histogram:
    """The tensor's value histogram (``views.VALUE_BINS`` bins over its data range)."""
    return metrics.histogram(np.ravel(_x), views.VALUE_BINS)


@cached(16)
def data_range(source: tuple, _x: np.ndarray) -> tuple[float, float]:
    """``(min, max)`` of the tensor."""
    return float(np.min(_x)), float(np.max(_x))


@cached(16)
def stream(params: tuple) -> tuple[np.ndarray, ...]:
    """``distributions.activation_stream(**params)`` as read-only batches."""
    return tuple(frozen(b) for b in activation_stream(**dict(params)))


@cached(64)
def stream_ranges(params: tuple, averaging_constant: float) -> sweeps.StreamRanges:
    """MinMax and moving-average ranges batch by batch over the stream ``params``."""
    return sweeps.stream_ranges(stream(params), averaging_constant)

