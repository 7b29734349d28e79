"""Give a server's memory back after a class: what departed sessions left, and free pages.

Four things kept a server as large as at its peak after forty sessions had gone
(``scripts/load_test.py`` measures it):

- Streamlit drops a session whose browser left once its time-to-live has passed, but without
  shutting it down, so what it registered stays: its uploaded files (hundreds of MB each) and
  its download buttons' deferred callables, which hold the tensor they would save. :func:`sweep`
  releases both for sessions that have been gone longer than ``server.disconnectedSessionTTL``,
  through the runtime's own thread-safe calls.
- A departed session is a cycle of objects that only the cycle collector frees, and Streamlit's
  full collection after every rerun is off (it cost more than the rerun itself).
- Cache entries past their time-to-live are dropped only when looked up again; when the last
  session has gone, :func:`sweep` empties the caches.
- glibc's malloc gives threads their own arenas (up to eight per core) and keeps freed pages in
  them. :func:`tame_malloc` limits it to two arenas.

A daemon thread sweeps and returns free pages (``malloc_trim``) every ``EVERY`` seconds, and
collects when the sweep released a session. Elsewhere than glibc the malloc part does
nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import time

#: glibc's mallopt parameter for the arena limit (malloc.h: M_ARENA_MAX).
M_ARENA_MAX = -8
ARENAS = 2
#: Seconds between two sweeps (and malloc trims).
EVERY = 10.0

_LOG = logging.getLogger(__name__)
_lock = threading.Lock()
_started = False
#: Session id -> when it was last seen running a page or connected.
_seen: dict[str, float] = {}


def note_session() -> None:
    """Remember the session running this script (pages call it through ``shell.page_start``)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        with _lock:
            _seen[ctx.session_id] = time.monotonic()


def sweep(now: float | None = None) -> list[str]:
    """Release the uploads and download callables of sessions gone for longer than their TTL.

    A session counts as gone when the runtime no longer has it connected and it has not been
    seen for ``server.disconnectedSessionTTL`` seconds (before that, its browser may still come
    back to it). Returns the ids released.
    """
    from streamlit import config
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return []
    runtime = Runtime.instance()
    now = time.monotonic() if now is None else now
    ttl = float(config.get_option("server.disconnectedSessionTTL"))
    gone = []
    with _lock:
        for session_id, last in list(_seen.items()):
            if runtime.is_active_session(session_id):
                _seen[session_id] = now
            elif now - last > ttl:
                gone.append(session_id)
                del _seen[session_id]
    for session_id in gone:
        runtime.uploaded_file_mgr.remove_session_files(session_id)
        runtime.media_file_mgr.clear_session_refs(session_id)
    if gone:
        runtime.media_file_mgr.remove_orphaned_files()
    if gone and not _seen:
        clear_caches()
    return gone


def clear_caches() -> None:
    """Empty the app's caches: the last session has gone, so the class has left.

    Streamlit expires cache entries only when they are next looked up, so after a lesson the
    tensors, views and figures of forty sessions would stay until the next class asked for
    them. With nobody connected nothing is lost but the time to compute them again.
    """
    from quantviz.ui import cache  # imports streamlit's caches: only when needed

    cache.clear_all()


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 (glibc only)
    except (OSError, AttributeError):
        return None
    return libc


def _forever(libc: ctypes.CDLL | None, every: float) -> None:
    while True:
        time.sleep(every)
        try:
            gone = sweep()
        except Exception:  # a failed sweep must not stop the next one
            _LOG.exception("releasing departed sessions failed")
            gone = []
        # A departed session is a cycle of objects (session, script runner, session state with
        # its uploads) that only the cycle collector frees; Streamlit's collection after every
        # rerun is off (.streamlit/config.toml), so collect here, after a sweep that released
        # sessions. Not after every sweep: a full collection holds the interpreter lock for a
        # quarter of a second with forty sessions open, and every rerun waits for it.
        if gone:
            gc.collect()
        if libc is not None:
            libc.malloc_trim(0)


def tame_malloc(every: float = EVERY) -> bool:
    """Once per process: two malloc arenas, and a daemon thread that sweeps and trims.

    Returns whether glibc's malloc was found (the sweeping runs either way).
    """
    global _started
    libc = _libc()
    with _lock:
        if _started:
            return libc is not None
        _started = True
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, ARENAS)
    threading.Thread(target=_forever, args=(libc, every), name="quantviz-memory",
                     daemon=True).start()
    return libc is not None
