"""One bounded cache decorator for the whole UI, and the one place that empties them all.

Every cache of the app is made by :func:`cached`: ``st.cache_resource`` (shared by every
session, no copy per hit) with ``max_entries``, a ``ttl`` and no spinner, registered so that
:func:`clear_all` empties it. Arguments whose name starts with ``_`` (an upload's bytes, an
array) are not hashed: the key is the small arguments before them. Arrays a cache returns are
made read-only with :func:`frozen`, since every session shares them.

This module imports nothing of the app, so the page caches (``cache``, ``channel_cache``,
``sweep_cache`` and the ones that follow) import it and not each other.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Mapping
from typing import TypeVar

import numpy as np
import streamlit as st

#: Seconds an entry lives (QUANTVIZ_CACHE_TTL overrides it: the load test shortens it to see
#: the memory of a class come back once its entries expire).
TTL = int(os.environ.get("QUANTVIZ_CACHE_TTL", "1800"))

F = TypeVar("F", bound=Callable)

#: Every cache made by :func:`cached`, in the order they were defined.
_REGISTRY: list = []


def cached(max_entries: int, ttl: int | None = None) -> Callable[[F], F]:
    """``st.cache_resource(max_entries=..., ttl=TTL, show_spinner=False)``, registered.

    ``max_entries`` must be a positive integer: an unbounded cache on a server shared by a
    class is a memory leak.
    """
    if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
        raise ValueError(f"max_entries must be a positive integer, got {max_entries!r}")

    def wrap(fn: F) -> F:
        wrapped = st.cache_resource(max_entries=max_entries, ttl=TTL if ttl is None else ttl,
                                    show_spinner=False)(fn)
        _REGISTRY.append(wrapped)
        return wrapped

    return wrap


def registered() -> tuple:
    """The caches made so far (a test checks each is bounded)."""
    return tuple(_REGISTRY)


def clear_all() -> None:
    """Empty every registered cache (tests call it between runs; the server when idle)."""
    for fn in _REGISTRY:
        fn.clear()


def frozen(x: np.ndarray) -> np.ndarray:
    """``x`` made read-only: cached arrays are shared by every session."""
    x.flags.writeable = False
    return x


def key(*parts: object) -> str:
    """One string for a cache key made of small values (tuples, floats, frozen dataclasses).

    Streamlit hashes a string about fifty times faster than a nested tuple of the same values
    (0.006 ms against 0.34 ms), and a rerun looks up several caches: wrappers pass ``repr`` of
    their small arguments as the key and the arguments themselves unhashed. ``repr`` is exact
    for floats and names every field of a dataclass.
    """
    return repr(parts)


def fingerprint(value: object) -> object:
    """``value`` as small hashable parts that name it exactly, for a cache key of arguments.

    An array becomes its dtype, shape and a BLAKE2b digest of its bytes (about a microsecond
    per kilobyte); a mapping the pairs of its keys and values in order (a legend's order is
    part of a figure); a sequence its items; a dataclass its type and fields; a number,
    string, bool or None itself. Anything else raises ``TypeError``: a value that cannot be
    named exactly must not be guessed at (two different figures would share one entry).
    """
    if value is None or isinstance(value, (bool, int, float, str, np.generic)):
        return value.item() if isinstance(value, np.generic) else value
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        return ("array", data.dtype.str, data.shape,
                hashlib.blake2b(data.view(np.uint8).reshape(-1), digest_size=16).hexdigest())
    if isinstance(value, Mapping):
        return ("map", tuple((fingerprint(k), fingerprint(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, range)):
        return ("seq", tuple(fingerprint(v) for v in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__,
                tuple(fingerprint(getattr(value, f.name)) for f in dataclasses.fields(value)))
    raise TypeError(f"no exact cache key for a {type(value).__name__}")
