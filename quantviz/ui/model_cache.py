"""Bounded caches for the Model page, each keyed by what its controls change and nothing else.

The committed network and data are read once per process; an uploaded network is parsed once
per file (keyed by its digest). The calibration ranges, the current setting's score and
mistakes, the bit sweep, the per-layer sensitivity, the integer check, the calibrator
comparison, the advice test and the scheme table each have their own cache, keyed by the
network and the controls they depend on (see each function): moving the bit width recomputes
the current score, the sensitivity and the integer check, never the sweep, the calibrator
comparison, the advice test or the scheme table; each point's range is keyed by
``model.point_range_key``, so the weights never recalibrate and a search runs once. Keys are
one ``repr`` string (:func:`quantviz.ui.caching.key`); the network and schemes themselves are
passed unhashed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quantviz import loaders
from quantviz.studies import model
from quantviz.studies.model import Scheme
from quantviz.ui.caching import cached, frozen, key

#: Bit widths of the scheme table, the calibrator comparison and the advice test.
TABLE_BITS = (8, 4)
BUILTIN = "builtin"


@dataclass(frozen=True)
class Net:
    """The network the page works on: ``key`` is "builtin" or an upload's digest."""

    key: str
    net: model.Network


def _freeze_network(net: model.Network) -> model.Network:
    for a in (*net.weights, *net.biases):
        frozen(a)
    return net


@cached(1)
def study() -> tuple[model.Network, model.DigitsData]:
    """The committed network and data, read-only (shared by every session)."""
    net, data = model.load_study()
    for a in (data.calib_x, data.test_images, data.test_x, data.test_labels):
        frozen(a)
    return _freeze_network(net), data


def builtin() -> Net:
    return Net(BUILTIN, study()[0])


def data() -> model.DigitsData:
    return study()[1]


@cached(8)
def uploaded(data_digest: str, filename: str,
             _data: bytes) -> tuple[model.Network | None, str | None]:
    """An uploaded checkpoint as a network like the committed one, or the sentence why not."""
    try:
        tensors = loaders.load_tensors(filename, _data)
        return _freeze_network(model.network_from_tensors(tensors, study()[0])), None
    except (loaders.TensorLoadError, ValueError) as err:
        return None, str(err)


def float_predictions(m: Net) -> np.ndarray:
    return _float_predictions(key(m.key), m.net)


@cached(8)
def _float_predictions(cache_key: str, _net: model.Network) -> np.ndarray:
    return frozen(model.float_predictions(_net, data()))


def ranges(m: Net, scheme: Scheme, bits: int, batches: int) -> tuple:
    """``model.activation_ranges``, each point's range from its own cache entry.

    An entry is keyed by the point, the batches and ``model.point_range_key`` (so the weights'
    scheme, the mode and, for most observers, the bit width never recalibrate, and entropy
    searches with the same number of levels are run once); the input point's values are the
    data's whatever the network, so its ranges are shared by every network.
    """
    values, nonnegative = _calibration_values(key(m.key, batches), m.net, batches)
    return tuple(
        _point_range(key(m.key if p else "input", p, batches,
                         model.point_range_key(scheme, bits, nonnegative[p])),
                     v, scheme, bits)
        for p, v in enumerate(values))


def calibrate(m: Net, batches: int) -> model.Calibrate:
    """The study functions' ``calibrate``, through the shared range caches."""
    return lambda scheme, bits: ranges(m, scheme, bits, batches)


@cached(32)
def _calibration_values(cache_key: str, _net: model.Network,
                        _batches: int) -> tuple[tuple, tuple[bool, ...]]:
    """The float network's values at every point on the calibration batches (read-only, at
    most 10 x 32 images x 170 values), and whether each point's values are all >= 0."""
    values = model.calibration_values(_net, data().calib_x, _batches)
    for point in values:
        for v in point:
            frozen(v)
    return values, tuple(model.all_nonnegative(v) for v in values)


@cached(2048)
def _point_range(cache_key: str, _values: tuple, _scheme: Scheme,
                 _bits: int) -> tuple[float, float]:
    return model.point_range(_values, _scheme, _bits)


@dataclass(frozen=True)
class Current:
    """The current setting's score, its mistakes and the quantized answers (read-only)."""

    score: model.Score
    mistakes: model.Mistakes
    predictions: np.ndarray


def current(m: Net, scheme: Scheme, bits: int, mode: str, batches: int) -> Current:
    return _current(key(m.key, scheme, bits, mode, batches), m, scheme, bits, mode, batches)


@cached(64)
def _current(cache_key: str, _m: Net, _scheme: Scheme, _bits: int, _mode: str,
             _batches: int) -> Current:
    d = data()
    pred = model.predictions(_m.net, d, _scheme, _bits, _mode, _batches,
                             ranges=ranges(_m, _scheme, _bits, _batches))
    float_pred = float_predictions(_m)
    return Current(model.score(pred, float_pred, d.test_labels),
                   model.mistakes(pred, float_pred, d.test_labels), frozen(pred))


def sweep(m: Net, scheme: Scheme, batches: int) -> model.BitSweep:
    """Every bit width of ``model.SWEEP_BITS``, three modes (not keyed by bits or mode)."""
    return _sweep(key(m.key, scheme, batches), m, scheme, batches)


@cached(32)
def _sweep(cache_key: str, _m: Net, _scheme: Scheme, _batches: int) -> model.BitSweep:
    return model.bit_sweep(_m.net, data(), _scheme, _batches,
                           calibrate=calibrate(_m, _batches))


def formats(m: Net) -> tuple[model.FormatScore, ...]:
    """``model.format_sweep`` of the network: keyed by the network only (a format's scales come
    from the values they scale, so no control but the network changes it)."""
    return _formats(key(m.key), m.net)


@cached(8)
def _formats(cache_key: str, _net: model.Network) -> tuple[model.FormatScore, ...]:
    return model.format_sweep(_net, data())


def sensitivity(m: Net, scheme: Scheme, bits: int,
                batches: int) -> tuple[model.LayerScore, ...]:
    return _sensitivity(key(m.key, scheme, bits, batches), m, scheme, bits, batches)


@cached(64)
def _sensitivity(cache_key: str, _m: Net, _scheme: Scheme, _bits: int,
                 _batches: int) -> tuple[model.LayerScore, ...]:
    return model.layer_sensitivity(_m.net, data(), _scheme, _bits, _batches,
                                   ranges(_m, _scheme, _bits, _batches))


def calibrators(m: Net, scheme: Scheme,
                batches: int) -> dict[int, tuple[model.CalibratorScore, ...]]:
    """Every calibrator at each of ``TABLE_BITS`` (not keyed by the observer, bits or mode)."""
    base = Scheme(scheme.weight_scheme, scheme.per_channel, scheme.act_scheme)
    return _calibrators(key(m.key, base, batches), m, base, batches)


@cached(16)
def _calibrators(cache_key: str, _m: Net, _scheme: Scheme,
                 _batches: int) -> dict[int, tuple[model.CalibratorScore, ...]]:
    return {b: model.compare_calibrators(_m.net, data(), _scheme, b, _batches,
                                         calibrate(_m, _batches))
            for b in TABLE_BITS}


def advice(m: Net, batches: int) -> model.AdviceTest:
    """The advice test (keyed by the network and the number of calibration batches only)."""
    return _advice(key(m.key, batches), m, batches)


@cached(10)
def _advice(cache_key: str, _m: Net, _batches: int) -> model.AdviceTest:
    return model.advice_test(_m.net, data(), _batches, TABLE_BITS, calibrate(_m, _batches))


def table(m: Net, observer: str, params: tuple, batches: int) -> dict:
    """Every scheme of ``model.TABLE_SCHEMES`` at ``TABLE_BITS`` with this calibration."""
    return _table(key(m.key, observer, params, batches), m, observer, params, batches)


@cached(16)
def _table(cache_key: str, _m: Net, _observer: str, _params: tuple, _batches: int) -> dict:
    return model.scheme_table(_m.net, data(), _observer, _params, _batches, TABLE_BITS,
                              calibrate(_m, _batches))


def integer(m: Net, scheme: Scheme, bits: int, batches: int) -> model.IntegerCheck | None:
    """The integer-only network beside the fake-quantized one (None where there is no
    integer kernel: see ``model.integer_problem``). Not keyed by the mode: both are quantized."""
    if model.integer_problem(scheme, bits) is not None:
        return None
    return _integer(key(m.key, scheme, bits, batches), m, scheme, bits, batches)


@cached(32)
def _integer(cache_key: str, _m: Net, _scheme: Scheme, _bits: int,
             _batches: int) -> model.IntegerCheck:
    return model.integer_check(_m.net, data(), _scheme, _bits, _batches,
                               ranges(_m, _scheme, _bits, _batches))
