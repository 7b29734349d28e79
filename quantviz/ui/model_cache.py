"""Bounded caches for the Model page, each keyed by what its controls change and nothing else.

The network and data are read once per process. The calibration ranges, the current setting's
score and mistakes, the bit sweep, the per-layer sensitivity, the calibrator comparison, the
advice test and the scheme table each have their own cache, keyed by the controls they depend
on (see each function): moving the bit width recomputes the current score and the sensitivity,
never the sweep, the calibrator comparison, the advice test or the scheme table. Keys are one
``repr`` string (:func:`quantviz.ui.caching.key`); the schemes themselves are passed unhashed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quantviz import model
from quantviz.model import Scheme
from quantviz.ui.caching import cached, frozen, key

#: Bit widths of the scheme table, the calibrator comparison and the advice test.
TABLE_BITS = (8, 4)


@cached(1)
def study() -> tuple[model.Network, model.DigitsData]:
    """The committed network and data, read-only (shared by every session)."""
    net, data = model.load_study()
    for a in (*net.weights, *net.biases, data.calib_x, data.test_images, data.test_x,
              data.test_labels):
        frozen(a)
    return net, data


@cached(1)
def float_predictions() -> np.ndarray:
    net, data = study()
    return frozen(model.float_predictions(net, data))


def ranges(scheme: Scheme, bits: int, batches: int) -> tuple:
    """``model.activation_ranges`` for the committed network, keyed by ``model.range_key``
    (the weights, and for most observers the bit width, do not change the ranges)."""
    return _ranges(key(model.range_key(scheme, bits), batches), scheme, bits, batches)


def calibrate(batches: int) -> model.Calibrate:
    """The study functions' ``calibrate``, through the shared range cache."""
    return lambda scheme, bits: ranges(scheme, bits, batches)


@cached(256)
def _ranges(cache_key: str, _scheme: Scheme, _bits: int, _batches: int) -> tuple:
    net, data = study()
    return model.activation_ranges(net, data.calib_x, _scheme, _bits, _batches)


@dataclass(frozen=True)
class Current:
    """The current setting's score, its mistakes and the quantized answers (read-only)."""

    score: model.Score
    mistakes: model.Mistakes
    predictions: np.ndarray


def current(scheme: Scheme, bits: int, mode: str, batches: int) -> Current:
    return _current(key(scheme, bits, mode, batches), scheme, bits, mode, batches)


@cached(64)
def _current(cache_key: str, _scheme: Scheme, _bits: int, _mode: str, _batches: int) -> Current:
    net, data = study()
    pred = model.predictions(net, data, _scheme, _bits, _mode, _batches,
                             ranges=ranges(_scheme, _bits, _batches))
    float_pred = float_predictions()
    return Current(model.score(pred, float_pred, data.test_labels),
                   model.mistakes(pred, float_pred, data.test_labels), frozen(pred))


def sweep(scheme: Scheme, batches: int) -> model.BitSweep:
    """Every bit width of ``model.SWEEP_BITS``, three modes (not keyed by bits or mode)."""
    return _sweep(key(scheme, batches), scheme, batches)


@cached(32)
def _sweep(cache_key: str, _scheme: Scheme, _batches: int) -> model.BitSweep:
    net, data = study()
    return model.bit_sweep(net, data, _scheme, _batches, calibrate=calibrate(_batches))


def sensitivity(scheme: Scheme, bits: int, batches: int) -> tuple[model.LayerScore, ...]:
    return _sensitivity(key(scheme, bits, batches), scheme, bits, batches)


@cached(64)
def _sensitivity(cache_key: str, _scheme: Scheme, _bits: int,
                 _batches: int) -> tuple[model.LayerScore, ...]:
    net, data = study()
    return model.layer_sensitivity(net, data, _scheme, _bits, _batches,
                                   ranges(_scheme, _bits, _batches))


def calibrators(scheme: Scheme, batches: int) -> dict[int, tuple[model.CalibratorScore, ...]]:
    """Every calibrator at each of ``TABLE_BITS`` (not keyed by the observer, bits or mode)."""
    base = Scheme(scheme.weight_scheme, scheme.per_channel, scheme.act_scheme)
    return _calibrators(key(base, batches), base, batches)


@cached(16)
def _calibrators(cache_key: str, _scheme: Scheme,
                 _batches: int) -> dict[int, tuple[model.CalibratorScore, ...]]:
    net, data = study()
    return {b: model.compare_calibrators(net, data, _scheme, b, _batches, calibrate(_batches))
            for b in TABLE_BITS}


def advice(batches: int) -> model.AdviceTest:
    """The advice test (keyed by the number of calibration batches only)."""
    return _advice(key(batches), batches)


@cached(10)
def _advice(cache_key: str, _batches: int) -> model.AdviceTest:
    net, data = study()
    return model.advice_test(net, data, _batches, TABLE_BITS, calibrate(_batches))


def table(observer: str, params: tuple, batches: int) -> dict:
    """Every scheme of ``model.TABLE_SCHEMES`` at ``TABLE_BITS`` with this calibration."""
    return _table(key(observer, params, batches), observer, params, batches)


@cached(16)
def _table(cache_key: str, _observer: str, _params: tuple, _batches: int) -> dict:
    net, data = study()
    return model.scheme_table(net, data, _observer, _params, _batches, TABLE_BITS,
                              calibrate(_batches))


def integer(scheme: Scheme, bits: int, batches: int) -> model.IntegerCheck | None:
    """The integer-only network beside the fake-quantized one (None where there is no
    integer kernel: see ``model.integer_problem``). Not keyed by the mode: both are quantized."""
    if model.integer_problem(scheme, bits) is not None:
        return None
    return _integer(key(scheme, bits, batches), scheme, bits, batches)


@cached(32)
def _integer(cache_key: str, _scheme: Scheme, _bits: int, _batches: int) -> model.IntegerCheck:
    net, data = study()
    return model.integer_check(net, data, _scheme, _bits, _batches,
                               ranges(_scheme, _bits, _batches))
