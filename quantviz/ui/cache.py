"""Bounded caches around the core, keyed by small arguments or an upload's digest.

Every cache is made by :func:`quantviz.ui.caching.cached` (``st.cache_resource``, shared, no
copy per hit, bounded and registered for ``clear_all``); arrays are made read-only, so 40
sessions on one tensor hold it once. Arguments whose name starts with ``_`` (the bytes of an
upload, the array itself) are not hashed: the key is the small tuple before them. Every cache
has ``max_entries`` and a ``ttl``; errors are cached as messages so that a bad upload is not
parsed again on every rerun.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from quantviz import loaders, observers, present
from quantviz.distributions import sample
from quantviz.quantize import QuantConfig, compute_qparams
from quantviz.studies import views
from quantviz.ui.caching import cached, clear_all, frozen, key  # noqa: F401 (clear_all: callers)


@dataclass(frozen=True)
class Loaded:
    """An array, or the loader's sentence saying why there is none.

    ``nonfinite``: the refusal was for NaN or infinite values (dropping them would help).
    ``beyond_float32``: float64 values too large for float32, in which every page computes.
    """

    x: np.ndarray | None
    error: str | None = None
    nonfinite: bool = False
    beyond_float32: tuple[int, float] | None = None  # (count, an example) of float64 values


class UploadGone(LookupError):
    """An upload's tensor is asked for without its bytes and is no longer cached."""


@cached(8)
def distribution_tensor(key: str, n: int, seed: int, params: tuple) -> np.ndarray:
    """``distributions.sample`` for small, hashable arguments (``params``: name/value pairs)."""
    return frozen(np.asarray(sample(key, n, seed, **dict(params)), dtype=np.float32))


def digest(data: bytes) -> str:
    """A short content hash of an upload: the same file from many sessions shares one entry."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@cached(16)
def upload_catalog(data_digest: str, filename: str, _data: bytes) -> tuple[tuple, str | None]:
    """The tensors an upload holds, from its headers only: ``(infos, error)``."""
    try:
        return tuple(loaders.describe_tensors(filename, _data)), None
    except loaders.TensorLoadError as err:
        return (), str(err)


@cached(6)
def upload_tensor(
    data_digest: str, filename: str, name: str, drop_nonfinite: bool, _data: bytes | None
) -> Loaded:
    """One named tensor of an upload, decoded (float32/float64, read-only).

    ``_data=None`` asks for a cached tensor only: on a miss it raises :class:`UploadGone`
    (exceptions are not cached, so the same upload sent again later still loads).
    """
    if _data is None:
        raise UploadGone(f"{filename}: {name} is no longer cached")
    try:
        x = loaders.load_tensor(filename, _data, name, drop_nonfinite=drop_nonfinite)
    except loaders.NonFiniteError as err:
        return Loaded(None, str(err), nonfinite=True)
    except loaders.TensorLoadError as err:
        return Loaded(None, str(err))
    beyond = beyond_float32(x)
    if beyond is not None:
        return Loaded(None, None, beyond_float32=beyond)
    return Loaded(frozen(x))


def beyond_float32(x: np.ndarray) -> tuple[int, float] | None:
    """``(count, first)`` of the values of a float64 ``x`` that float32 cannot hold, else None.

    Every page computes in float32, as PyTorch's observers and kernels do: ``1e300`` would
    become ``inf`` there. Two passes (min, max) without allocating in the usual case.
    """
    largest = float(np.finfo(np.float32).max)
    if x.dtype.itemsize <= 4 or (float(x.min()) >= -largest and float(x.max()) <= largest):
        return None
    big = np.abs(x.reshape(-1)) > largest
    return int(np.count_nonzero(big)), float(x.reshape(-1)[np.argmax(big)])


def calibrated_range(
    source: tuple, method: str, params: tuple, cfg: QuantConfig, x: np.ndarray
) -> tuple[float, float]:
    """The range ``(x_min, x_max)`` the observer ``method`` chooses for ``x`` under ``cfg``.

    Cached by ``source`` (the tensor's key), method, params and cfg. A ``batches`` parameter is
    capped at the number of values (a 10-value upload is 10 batches).
    """
    return _calibrated_range(key(source, method, params, cfg), method, params, cfg, x)


@cached(64)
def _calibrated_range(
    cache_key: str, _method: str, _params: tuple, _cfg: QuantConfig, _x: np.ndarray
) -> tuple[float, float]:
    return observers.calibrate(_method, np.ravel(_x), _cfg, **dict(fit_batches(_params, _x.size)))


def fit_batches(params: tuple, n: int) -> tuple:
    """Observer parameters with ``batches`` capped at ``n`` values (10 values: 10 batches).

    Pages pass ``controls.observer_params`` uncapped, so every page's key for the same
    calibration is the same; the cap is applied here, where the values are known.
    """
    return tuple((k, min(v, n) if k == "batches" else v) for k, v in params)


def explore_view(
    source: tuple, cfg: QuantConfig, x_min: float, x_max: float, x: np.ndarray
) -> views.ExploreView:
    """The Explore page's data for one tensor (``source`` is its key), config and range."""
    return _explore_view(key(source, cfg, x_min, x_max), cfg, x_min, x_max, x)


@cached(64)
def _explore_view(
    cache_key: str, _cfg: QuantConfig, _x_min: float, _x_max: float, _x: np.ndarray
) -> views.ExploreView:
    qp = compute_qparams(_x_min, _x_max, _cfg)
    return views.explore_view(_x, qp, _x_min, _x_max)


def disagreements(
    source: tuple, cfg: QuantConfig, x_min: float, x_max: float, x: np.ndarray
) -> tuple[views.Disagreement, ...]:
    """Where the arithmetics part on this tensor and range (see ``views.disagreements``)."""
    return _disagreements(key(source, cfg, x_min, x_max), cfg, x_min, x_max, x)


@cached(32)
def _disagreements(
    cache_key: str, _cfg: QuantConfig, _x_min: float, _x_max: float, _x: np.ndarray
) -> tuple[views.Disagreement, ...]:
    return views.disagreements(_x, _cfg, _x_min, _x_max)


def figure(parts: tuple, build: Callable[[], go.Figure], *, spec_only: bool = True) -> go.Figure:
    """The figure ``build()`` returns, built once per ``parts`` (see :func:`_figure`).

    ``spec_only``: ``build`` returns its builder's figure untouched, so the builder may hand
    over its plain dict without making a ``go.Figure`` (:func:`present.plotly_spec`); pass
    False when ``build`` changes the figure after its builder (``present.share_axes``).
    """
    return _figure(key(*parts, spec_only), build, spec_only)


@cached(256)
def _figure(cache_key: str, _build: Callable[[], go.Figure], _spec_only: bool) -> go.Figure:
    """The figure ``_build()`` returns, built once per key, as the dict the browser receives.

    Building a plotly figure costs milliseconds, more than the rest of a rerun, so a rerun with
    unchanged controls reuses it, and sessions share it (Streamlit only reads a figure). ``key``
    must hold everything the figure depends on: its name, the view's key (tensor key, config,
    range), the theme and the translated labels. 256 entries of 5 to 35 kB: a class exploring
    on its own (each student's tensor, every bit width) still finds its last figures here.
    """
    spec = (present.plotly_spec(_build) if _spec_only
            else present.figure_spec(_build()))
    return FrozenFigure(spec)


class FrozenFigure(go.Figure):
    """A figure for ``st.plotly_chart`` that is only its plotly dict, computed once.

    ``st.plotly_chart`` calls ``to_dict()`` on a figure on every rerun; on a ``go.Figure`` that
    deep-copies the figure and base64-encodes its arrays again, on every rerun of every
    session. This returns the dict made once. It is a ``go.Figure`` only for the type check in
    ``st.plotly_chart``: it is made without plotly's ``__init__`` (an empty figure's template
    alone costs half a millisecond) and holds no traces of its own; read it through
    ``to_dict()``.
    """

    _spec: dict

    def __init__(self, spec: dict) -> None:
        """The frozen figure whose ``to_dict()`` is ``spec`` (plotly's ``__init__`` not run)."""
        object.__setattr__(self, "_spec", spec)

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec

    def __repr__(self) -> str:
        return f"FrozenFigure({len(self._spec.get('data', []))} traces)"
