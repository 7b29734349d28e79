"""Bounded caches for the checkpoint report and for built-in checkpoints' tensors.

Same rules as :mod:`quantviz.ui.cache`: small keys (a built-in's key and a tensor name, or an
upload's digest), arrays read-only. A report is kept in a slot (a small dict the cache hands
out) rather than returned by the cached function itself, so that the page can draw its
progress bar while the report is computed: nothing Streamlit draws happens inside a cached call.
"""

from __future__ import annotations

import threading

import numpy as np

from quantviz.studies import checkpoint
from quantviz.ui.caching import cached, frozen


@cached(4)
def builtin_layout(key: str) -> tuple[tuple[str, tuple[int, ...], str], ...]:
    """``(name, shape, dtype)`` of each tensor of the built-in checkpoint ``key``."""
    return tuple((e.name, e.shape, e.dtype_name) for e in checkpoint.builtin_entries(key))


@cached(8)
def builtin_tensor(key: str, name: str) -> np.ndarray:
    """One tensor of a built-in checkpoint, read-only (shared by every session)."""
    return frozen(checkpoint.builtin_tensor(key, name))


@cached(8)
def report_slot(cache_key: str) -> dict:
    """An empty dict per report key, with a lock; the page stores the report in it once."""
    return {"lock": threading.Lock()}
