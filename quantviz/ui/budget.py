"""A memory budget for the uploads one server process decodes and quantizes at the same time.

One process serves the whole class, so forty students uploading at once could each be fine
alone and exhaust the machine together. An upload's decoded size is known from its headers
(``loaders.decoded_nbytes``) before anything is decoded; decoding it and the first run that
quantizes it cost about :data:`COST_FACTOR` times that. A run that needs more than the budget
holds waits (up to :data:`WAIT_SECONDS`, with a message) for other runs to finish, and is
refused with a sentence if it would exceed the whole budget or the wait runs out.

What a run holds is released when the run ends (:func:`release_run`, called by the shell
after every page), whether it ended well or not. Later reruns on the cached tensor hold
nothing: the decoded array is shared by every session, and its cost is already paid.

``QUANTVIZ_MEMORY_BUDGET_MB`` sets the budget (MiB). The default, 6 GiB, is sized for a
2-core, 24 GB machine serving 40 students from two processes behind nginx (one per core, see
README): 12 GiB for uploads in flight, the rest for Python, Streamlit, the caches and the
sessions themselves (1 to 3 MB each).
"""

from __future__ import annotations

import os
import threading
import time

DEFAULT_MB = 6144
BUDGET_BYTES = int(float(os.environ.get("QUANTVIZ_MEMORY_BUDGET_MB", DEFAULT_MB)) * 2**20)
#: Peak bytes of decoding and quantizing an upload per byte of its decoded float array (the
#: array, x_hat, the error, codes and masks). Measured on Explore: a 95 MiB float32 .npy took
#: the server from 99 to 649 MB, 5.5 times the file (scripts/load_test.py's upload fault).
COST_FACTOR = 6
#: Seconds a run waits for memory before it is refused.
WAIT_SECONDS = 20.0

_cond = threading.Condition()
_held = 0
_local = threading.local()


class OverBudget(RuntimeError):
    """An upload needs more memory than the budget, or the wait for it ran out."""

    def __init__(self, need: int, budget: int, busy: bool) -> None:
        super().__init__(f"need {need:,} bytes of a {budget:,}-byte budget (busy={busy})")
        self.need, self.budget, self.busy = need, budget, busy


def cost(decoded_nbytes: int) -> int:
    """Bytes to hold while an upload of that decoded size is decoded and first quantized."""
    return COST_FACTOR * int(decoded_nbytes)


def held() -> int:
    """Bytes held right now by all runs of this process."""
    with _cond:
        return _held


def hold(nbytes: int, *, budget: int | None = None, wait: float | None = None,
         on_wait=None) -> None:
    """Hold ``nbytes`` of the budget until this run ends; wait, then refuse, if it is full.

    ``on_wait()`` is called once if the run has to wait (the page shows a message).
    Raises :class:`OverBudget` when ``nbytes`` exceeds the budget by itself (``busy=False``)
    or other runs still hold too much after ``wait`` seconds (``busy=True``).
    """
    global _held
    limit = BUDGET_BYTES if budget is None else budget
    if nbytes > limit:
        raise OverBudget(nbytes, limit, busy=False)
    deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
    with _cond:
        told = False
        while _held + nbytes > limit:
            left = deadline - time.monotonic()
            if left <= 0:
                raise OverBudget(nbytes, limit, busy=True)
            if not told and on_wait is not None:
                told = True
                on_wait()
            _cond.wait(min(left, 0.5))
        _held += nbytes
    _local.held = getattr(_local, "held", 0) + nbytes


def release_run() -> None:
    """Give back what this thread's run holds (the shell calls it after every page run)."""
    global _held
    mine = getattr(_local, "held", 0)
    if not mine:
        return
    _local.held = 0
    with _cond:
        _held -= mine
        _cond.notify_all()
