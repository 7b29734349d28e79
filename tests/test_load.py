"""What the load test found, kept as checks: bounded caches, no arrays in session state, a short
load against a real server (single and behind nginx), and a browser that leaves mid-rerun.

The full measurement is ``python scripts/load_test.py`` (1, 10 and 40 sessions); here a few
sessions and reruns keep the file within a minute.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import importlib.util
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "quantviz" / "ui"
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def _load_test_module():
    spec = importlib.util.spec_from_file_location("load_test", ROOT / "scripts" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_test"] = module
    spec.loader.exec_module(module)
    return module


lt = _load_test_module()


# -- caches ----------------------------------------------------------------------------------


def _cache_decorators(path: Path) -> list[tuple[str, ast.expr]]:
    """(function name, decorator) for every st.cache_resource / st.cache_data in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for dec in node.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            if isinstance(target, ast.Attribute) and target.attr in ("cache_resource",
                                                                      "cache_data"):
                found.append((f"{path.name}:{node.name}", dec))
    return found


def _keywords(dec: ast.expr) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in dec.keywords} if isinstance(dec, ast.Call) else {}


def test_the_source_scan_sees_the_one_cache_decorator():
    # If the scan found nothing the check below would pass vacuously: caching.py wraps it.
    text = (UI / "caching.py").read_text()
    assert "st.cache_resource(" in text


@pytest.mark.parametrize("path", sorted(UI.glob("*.py")), ids=lambda p: p.name)
def test_every_cache_goes_through_the_registered_decorator(path):
    # A bare st.cache_resource / st.cache_data would escape clear_all and the bound below.
    if path.name == "caching.py":
        return
    assert _cache_decorators(path) == [], f"{path.name}: use caching.cached(max_entries)"


def test_a_bare_cache_is_caught(tmp_path):
    # The check above must be able to fail.
    bad = tmp_path / "bad.py"
    bad.write_text("import streamlit as st\n\n@st.cache_resource\ndef f(x):\n    return x\n\n"
                   "@st.cache_data(ttl=5)\ndef g(x):\n    return x\n")
    assert set(dict(_cache_decorators(bad))) == {"bad.py:f", "bad.py:g"}


@pytest.mark.parametrize("bad", [None, 0, -1, True, 2.5])
def test_the_decorator_refuses_an_unbounded_cache(bad):
    from quantviz.ui.caching import cached

    with pytest.raises(ValueError, match="max_entries"):
        cached(bad)


def test_clear_all_empties_every_registered_cache():
    import importlib

    from quantviz.ui import caching

    for path in sorted(UI.glob("*.py")):
        importlib.import_module(f"quantviz.ui.{path.stem}")
    funcs = caching.registered()
    assert len(funcs) >= 19  # cache, channel_cache and sweep_cache at least
    calls = []

    @caching.cached(2)
    def probe(n: int) -> int:
        calls.append(n)
        return n

    probe(1), probe(1)
    assert calls == [1]
    caching.clear_all()
    probe(1)
    assert calls == [1, 1]


def test_a_cached_figure_sends_exactly_the_json_of_the_figure_it_froze():
    import plotly.graph_objects as go
    import plotly.io as pio

    from quantviz import present
    from quantviz.ui.cache import FrozenFigure

    def build() -> go.Figure:
        fig = go.Figure(go.Bar(x=np.arange(3), y=np.array([1.0, 2.0, 4.0])))
        fig.update_layout(title={"text": "q"}, template="plotly_white")
        return fig

    fig = build()
    frozen = FrozenFigure(present.figure_spec(build()))  # takes the built figure's dict over
    assert frozen.to_dict() == fig.to_dict()
    # What st.plotly_chart serialises, with the same validation flag it uses.
    assert pio.to_json(frozen, validate=False) == pio.to_json(fig, validate=False)
    assert frozen.to_dict() is frozen.to_dict()  # computed once, not per rerun


# -- session state ---------------------------------------------------------------------------


def array_bytes(value, seen: set[int] | None = None) -> int:
    """Bytes of the numpy arrays reachable from ``value`` through containers and dataclasses."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, dict):
        return sum(array_bytes(v, seen) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return sum(array_bytes(v, seen) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(array_bytes(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    return 0


def test_array_bytes_finds_arrays_inside_containers_and_dataclasses():
    @dataclasses.dataclass(frozen=True)
    class Box:
        x: np.ndarray

    a = np.zeros(1000, dtype=np.float32)  # 1000 * 4 = 4000 bytes
    assert array_bytes({"k": [Box(a), (a,)]}) == 4000  # the same array counts once
    assert array_bytes({"k": [Box(a), np.zeros(10, np.int8)]}) == 4010


def _session_values(at) -> dict:
    state = at._session_state._state
    keys = set(state._old_state) | set(state._new_session_state) | set(state._new_widget_state)
    values = {}
    for key in keys:
        try:
            values[key] = state[key]
        except KeyError:
            continue
    return values


@pytest.mark.parametrize("page", PAGES)
def test_session_state_holds_no_large_array_after_a_run(app_test, page):
    # 1,000,000 values (4 MB as float32) on the Explore page: the session keeps only keys,
    # never the tensor or a view (those live once in the shared caches).
    at = app_test(page=page, query={"n": "1000000"} if page == "explore" else None)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    values = _session_values(at)
    assert values, "the page stored nothing in session state: the check would be vacuous"
    assert array_bytes(values) < 64 * 1024, {k: array_bytes(v) for k, v in values.items()}


# -- a real server -----------------------------------------------------------------------------


async def _short_load(url: str, sessions: int, reruns: int) -> list:
    """``sessions`` tabs load the Explore page, then each makes ``reruns`` changes."""
    results = []

    async def one(i: int) -> None:
        rng = random.Random(i)
        s = lt.Session(url, "explore")
        await s.open()
        try:
            results.append(("load", await s.run()))
            for key in ("bits", "scheme", "bits")[:reruns]:
                results.append((key, await s.run([lt.change(s, key, rng)])))
            # The same controls again: an element Streamlit caches in the tab (10 kB or more)
            # comes as a reference; smaller ones (most charts: binned, steps thinned) whole.
            results.append(("same", await s.run()))
        finally:
            await s.close()

    await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(sessions))), 120)
    return results


def _check(results: list, sessions: int, reruns: int) -> None:
    assert len(results) == sessions * (reruns + 2)
    for kind, r in results:
        assert r.status == 0 and r.exceptions == 0, (kind, r)
        assert r.nbytes < 300_000, (kind, r.nbytes)  # four binned charts, never the tensor
    # what the tab already holds is not sent again: no element of Streamlit's cacheable size
    # (global.minCachedMessageSize, 10 kB) comes whole on an unchanged rerun
    cacheable = 10_000
    assert any(r.largest >= cacheable for kind, r in results if kind != "same"), \
        "no element reached the cacheable size: the check below would be vacuous"
    same = [r for kind, r in results if kind == "same"]
    assert all(r.largest < cacheable for r in same), [(r.largest, r.refs) for r in same]


@pytest.fixture
def served(tmp_path):
    started = []

    def start(backends: int = 0):
        s = (lt.start_cluster("app.py", backends, 10, tmp_path) if backends
             else lt.start_single("app.py", 10, tmp_path / "server.log"))
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


def test_three_sessions_rerun_the_explore_page_on_a_real_server(served):
    s = served()
    results = asyncio.run(_short_load(s.url, sessions=3, reruns=3))
    _check(results, 3, 3)


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install -y nginx)")
def test_sessions_stick_to_one_process_behind_nginx(served):
    s = served(backends=2)
    assert len(s.pids) == 2
    results = asyncio.run(_short_load(s.url, sessions=4, reruns=2))
    _check(results, 4, 2)

    async def uploads() -> list:
        # An upload is accepted only by the process that holds the session: it must land on
        # the same process as the websocket, through nginx, for every tab.
        data = lt._npy_bytes(0.05)
        out = []
        for _ in range(4):
            tab = lt.Session(s.url, "explore")
            await tab.open()
            await tab.run()
            out.append(await lt.upload_once(tab, data, "small.npy"))
            await tab.close()
        return out

    for status, run in asyncio.run(uploads()):
        assert status == 204
        assert run is not None and run.status == 0 and run.exceptions == 0


def test_a_tab_closed_mid_rerun_leaves_no_thread_behind(served):
    s = served()

    async def scenario() -> tuple[int, int, lt.RunResult]:
        await lt.warm_up(s.url, "explore", 1)
        await asyncio.sleep(1)
        before = lt.thread_count(s.pids)
        tab = lt.Session(s.url, "explore")
        await tab.open()
        await tab.run()
        big = lt.WidgetState(id=tab.widget("n").id, string_value="10000000")
        await tab.send_rerun([big])
        await asyncio.sleep(0.5)  # sampling ten million values
        await tab.close()
        deadline = time.monotonic() + 60
        while lt.thread_count(s.pids) > before and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        after = lt.thread_count(s.pids)
        again = lt.Session(s.url, "explore")
        await again.open()
        r = await again.run()
        await again.close()
        return before, after, r

    before, after, r = asyncio.run(scenario())
    assert after <= before
    assert r.status == 0 and r.exceptions == 0


# -- what departed sessions leave behind -------------------------------------------------------


class _FakeManager:
    def __init__(self) -> None:
        self.removed: list[str] = []
        self.cleared: list[str] = []
        self.orphan_sweeps = 0

    def remove_session_files(self, session_id: str) -> None:
        self.removed.append(session_id)

    def clear_session_refs(self, session_id: str) -> None:
        self.cleared.append(session_id)

    def remove_orphaned_files(self) -> None:
        self.orphan_sweeps += 1


class _FakeRuntime:
    def __init__(self, active: set[str]) -> None:
        self.active = active
        self.uploaded_file_mgr = _FakeManager()
        self.media_file_mgr = self.uploaded_file_mgr

    def is_active_session(self, session_id: str) -> bool:
        return session_id in self.active


def test_sweep_releases_only_sessions_gone_longer_than_their_ttl(monkeypatch):
    from streamlit import config
    from streamlit.runtime import Runtime

    from quantviz.ui import memory

    fake = _FakeRuntime(active={"here"})
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: fake))
    monkeypatch.setattr(config, "get_option", lambda name: 10.0)
    monkeypatch.setattr(memory, "_seen", {"here": 0.0, "left": 0.0, "blip": 95.0})
    cleared = []
    monkeypatch.setattr(memory, "clear_caches", lambda: cleared.append(True))
    # At t = 100: "here" is connected (kept, refreshed); "left" was last seen 100 s ago, more
    # than the 10 s TTL (released); "blip" left 5 s ago and may still come back (kept).
    assert memory.sweep(now=100.0) == ["left"]
    assert fake.uploaded_file_mgr.removed == ["left"] == fake.media_file_mgr.cleared
    assert fake.media_file_mgr.orphan_sweeps == 1
    assert memory._seen == {"here": 100.0, "blip": 95.0}
    fake.active.clear()
    assert memory.sweep(now=106.0) == ["blip"]  # 106 - 95 = 11 s > 10 s; "here": 6 s
    assert not cleared  # "here" may still come back: the caches stay
    assert memory.sweep(now=111.0) == ["here"]  # last seen connected at 100: 11 s > 10 s
    assert memory._seen == {}
    assert cleared == [True]  # the last session has gone: the caches are emptied once
    assert memory.sweep(now=200.0) == [] and cleared == [True]


def test_memory_thread_starts_once_per_process():
    import threading

    from quantviz.ui import memory

    memory.tame_malloc()  # importing quantviz.ui already did: this one starts nothing
    memory.tame_malloc()
    names = [t.name for t in threading.enumerate() if t.name == "quantviz-memory"]
    assert len(names) == 1
    assert all(t.daemon for t in threading.enumerate() if t.name == "quantviz-memory")
