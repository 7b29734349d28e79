#!/usr/bin/env python3
"""A whole class at once: N concurrent sessions of the app over Streamlit's own websocket protocol.

No browser: each session speaks the protocol the Streamlit frontend speaks. It fetches the page
(for the cookies a browser would hold), opens ``ws://HOST:PORT/_stcore/stream`` with the
``streamlit`` subprotocol, sends ``BackMsg.rerun_script`` with a ``ClientState`` (query string,
page name, widget states, the hashes of the cached chart messages it already holds, as a
browser does) and reads ``ForwardMsg`` until ``script_finished``. Between reruns it changes one
control found in the deltas (the bits slider most often, sometimes scheme, signed, calibration,
distribution or seed), as a student moving sliders would. In the default "class" scenario most
changes follow one sequence shared by all sessions (the teacher says "now 4 bits"), a fifth are
each student's own; "free" makes every change a student's own (the worst case for the caches).

For every step (an app, a number of sessions, a fresh server) it prints:

- rerun latency p50 / p95 / max (send to ``script_finished``), and the first page load;
- the server's CPU time per rerun (``/proc/<pid>/stat`` utime+stime over the rerun phase,
  divided by the reruns; the median is taken over 2-second windows);
- bytes received per rerun (sum of websocket message sizes);
- the server's RSS before (after a warm-up session that changed every control once), at peak,
  when the sessions have closed, and after their time-to-live (and the caches') has passed.

The same run measures ``benchmarks/empty_app.py`` (one slider) as the baseline, so the figures
read as ratios. Everything is on 127.0.0.1, bounded in count and in time (hard timeouts).

    python scripts/load_test.py                        # 1, 10, 40 sessions, Explore + baseline
    python scripts/load_test.py --sessions 3 --reruns 3 --ttl 5
    python scripts/load_test.py --cluster 2            # behind nginx (scripts/serve_cluster.sh)
    python scripts/load_test.py --faults               # disconnect mid-rerun, ten big uploads
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
FINISHED_EARLY_FOR_RERUN = 2
#: Hard limits: one rerun, one server start, one whole step.
RERUN_TIMEOUT = 60.0
START_TIMEOUT = 60.0
STEP_TIMEOUT = 600.0
MAX_SESSIONS = 200
#: Seconds waited beyond the time-to-live before "after": the app releases departed sessions
#: every 10 s (quantviz.ui.memory).
AFTER_TTL = 12.0
#: In the "class" scenario, the share of changes that follow the teacher's sequence.
FOLLOW = 0.8

#: Which controls a session changes, with weights. Keys are the widgets' user keys.
PLANS: dict[str, list[tuple[str, int]]] = {
    "explore": [("bits", 6), ("scheme", 1), ("signed", 1), ("calib", 1), ("dist", 1),
                ("seed", 1)],
    "empty": [("value", 1)],
}


# ---------------------------------------------------------------------------------------------
# The server's processes, read from /proc (Linux).


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the processes (threads that have ended included), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / CLK_TCK


def _status(pids: list[int], name: str) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(name + ":"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def rss_bytes(pids: list[int]) -> int:
    return _status(pids, "VmRSS") * 1024


def thread_count(pids: list[int]) -> int:
    return _status(pids, "Threads")


# ---------------------------------------------------------------------------------------------
# Starting what is measured: one `streamlit run`, or the nginx cluster.


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _no_proxy_opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


OPENER = _no_proxy_opener()


def wait_healthy(url: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with OPENER.open(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not become healthy within {timeout:.0f} s")


def server_env(ttl: float) -> dict[str, str]:
    # The sessions' and the caches' time-to-live, both short, so that "after" comes in seconds.
    return {**os.environ, "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(int(ttl)),
            "QUANTVIZ_CACHE_TTL": str(int(ttl)),
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none", "PYTHONPATH": str(ROOT)}


class Served:
    """A running target: its base URL and the pids whose CPU and memory are measured."""

    def __init__(self, url: str, pids: list[int], procs: list[subprocess.Popen],
                 backends: int = 1) -> None:
        self.url, self.pids, self.procs, self.backends = url, pids, procs, backends

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT if proc.args[0] == "bash" else signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def start_single(script: str, ttl: float, log: Path) -> Served:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / script),
           f"--server.port={port}", f"--server.address={HOST}", "--server.headless=true"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=server_env(ttl), stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://{HOST}:{port}"
    try:
        wait_healthy(url)
    except RuntimeError:
        proc.kill()
        raise
    return Served(url, [proc.pid], [proc])


def start_cluster(script: str, backends: int, ttl: float, workdir: Path) -> Served:
    """``scripts/serve_cluster.sh BACKENDS PORT`` with its files in ``workdir``."""
    port = free_port()
    env = {**server_env(ttl), "CLUSTER_DIR": str(workdir), "CLUSTER_APP": script,
           "PYTHON": sys.executable}
    proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "serve_cluster.sh"), str(backends),
                             str(port)], cwd=ROOT, env=env,
                            stdout=(workdir / "cluster.log").open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://{HOST}:{port}"
    pidfile = workdir / "streamlit.pids"
    try:
        wait_healthy(url)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            pids = [int(p) for p in pidfile.read_text().split()] if pidfile.exists() else []
            if len(pids) == backends:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("the cluster did not write its pids")
    except RuntimeError:
        os.killpg(proc.pid, signal.SIGTERM)
        raise
    return Served(url, pids, [proc], backends)


# ---------------------------------------------------------------------------------------------
# One browser tab, speaking Streamlit's protocol.


@dataclass
class RunResult:
    latency: float
    nbytes: int
    status: int
    exceptions: int
    refs: int
    largest: int = 0  # bytes of the largest element that came whole (not as a reference)


@dataclass
class Widget:
    id: str
    kind: str
    proto: object


def _user_key(widget_id: str) -> str:
    """``$$ID-<hash>-<key>`` -> ``key`` (empty for widgets without a user key)."""
    parts = widget_id.split("-", 2)
    return parts[2] if widget_id.startswith("$$ID-") and len(parts) == 3 else ""


class Session:
    """A tab: cookies from the first page load, one websocket, the widgets it has seen."""

    def __init__(self, url: str, page: str, query: str = "") -> None:
        self.url, self.page, self.query = url, page, query
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.session_id = ""
        self.widgets: dict[str, Widget] = {}
        self.states: dict[str, WidgetState] = {}
        self.cached: list[str] = []
        self.pending: list[ForwardMsg] = []

    def _fetch_cookies(self) -> None:
        """The page, then the health check (as the frontend polls it): the XSRF cookie."""
        for path in (self.page, "_stcore/health"):
            headers = {"Cookie": self.cookie_header} if self.cookies else {}
            request = urllib.request.Request(f"{self.url}/{path}", headers=headers)
            with OPENER.open(request, timeout=30) as r:
                r.read()
                for header in r.headers.get_all("Set-Cookie") or []:
                    name, _, rest = header.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def open(self) -> None:
        await asyncio.to_thread(self._fetch_cookies)
        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        protocols = ["streamlit"]
        if "_streamlit_xsrf" in self.cookies:
            protocols.append(self.cookies["_streamlit_xsrf"])
        headers = {"Cookie": self.cookie_header} if self.cookies else None
        self.ws = await connect(ws_url, subprotocols=protocols, additional_headers=headers,
                                origin=self.url, compression=None, proxy=None, max_size=None,
                                open_timeout=30, ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    def widget(self, key: str) -> Widget:
        for w in self.widgets.values():
            if _user_key(w.id) == key:
                return w
        raise KeyError(f"no widget with key {key!r} on the page")

    async def send_rerun(self, changed: list[WidgetState] = ()) -> None:
        for state in changed:
            self.states[state.id] = state
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page
        cs.widget_states.widgets.extend(self.states.values())
        cs.cached_message_hashes.extend(self.cached[-500:])
        await self.ws.send(msg.SerializeToString())

    async def receive_run(self, timeout: float = RERUN_TIMEOUT) -> RunResult:
        """Read until ``script_finished`` (of a run that was not cut short by another)."""
        start = time.perf_counter()
        deadline = start + timeout
        nbytes = exceptions = refs = largest = 0
        while True:
            data = await asyncio.wait_for(self.ws.recv(), deadline - time.perf_counter())
            nbytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id or self.session_id
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "ref_hash":
                refs += 1
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                largest = max(largest, len(data))
                element = msg.delta.new_element
                etype = element.WhichOneof("type")
                if etype == "exception":
                    exceptions += 1
                sub = getattr(element, etype)
                wid = getattr(sub, "id", "") if etype != "exception" else ""
                if isinstance(wid, str) and wid.startswith("$$ID-"):
                    self.widgets[wid] = Widget(wid, etype, sub)
                if msg.metadata.cacheable:
                    self.cached.append(msg.hash)
            elif kind == "file_urls_response":
                self.pending.append(msg)
            elif kind == "script_finished" and msg.script_finished != FINISHED_EARLY_FOR_RERUN:
                return RunResult(time.perf_counter() - start, nbytes, msg.script_finished,
                                 exceptions, refs, largest)

    async def run(self, changed: list[WidgetState] = ()) -> RunResult:
        start = time.perf_counter()
        await self.send_rerun(changed)
        result = await self.receive_run()
        result.latency = time.perf_counter() - start
        return result


def change(session: Session, key: str, rng: random.Random) -> WidgetState:
    """A new value for the widget ``key``, different from its current one."""
    w = session.widget(key)
    state = WidgetState(id=w.id)
    old = session.states.get(w.id)
    p = w.proto
    if w.kind == "slider":
        current = list(old.double_array_value.data) if old else list(p.value or p.default)
        values = np.arange(p.min, p.max + p.step / 2, p.step)
        choices = [v for v in values.tolist() if [v] != current]
        state.double_array_value.data.append(rng.choice(choices))
    elif w.kind == "selectbox":
        current = old.string_value if old else p.raw_value
        state.string_value = rng.choice([o for o in p.options if o != current])
    elif w.kind == "button_group":
        current = list(old.string_array_value.data) if old else list(p.raw_values)
        options = [o.content for o in p.options if [o.content] != current]
        state.string_array_value.data.append(rng.choice(options))
    elif w.kind == "checkbox":
        state.bool_value = not (old.bool_value if old else p.value)
    elif w.kind == "number_input":
        state.double_value = rng.uniform(-1, 1)
    else:
        raise ValueError(f"do not know how to change a {w.kind} ({key!r})")
    return state


# ---------------------------------------------------------------------------------------------
# One step: N sessions against a served app.


@dataclass
class Step:
    target: str
    sessions: int
    scenario: str = ""
    reruns: int = 0
    errors: int = 0
    first_load_p50: float = 0.0
    first_load_p95: float = 0.0
    latency_p50: float = 0.0
    latency_p95: float = 0.0
    latency_max: float = 0.0
    cpu_ms_mean: float = 0.0
    cpu_ms_median: float = 0.0
    bytes_mean: float = 0.0
    bytes_median: float = 0.0
    rss_before_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_closed_mb: float = 0.0
    rss_after_ttl_mb: float = 0.0
    mb_per_session: float = 0.0
    threads_before: int = 0
    threads_after: int = 0
    notes: list[str] = field(default_factory=list)


def _q(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return float(np.quantile(np.asarray(values), q))


async def _sample(pids: list[int], samples: list, stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append((time.monotonic(), cpu_seconds(pids), rss_bytes(pids)))
        try:
            await asyncio.wait_for(stop.wait(), 0.25)
        except TimeoutError:
            pass


async def warm_up(url: str, page: str, sessions: int, moves: bool = False) -> None:
    """Sessions that load the page and leave; with ``moves``, each first changes every control
    of the page's plan once (as a teacher trying the page before the class: the code of every
    control has run, its modules are imported)."""
    for i in range(sessions):
        s = Session(url, page)
        await s.open()
        await s.run()
        for key, _ in PLANS.get(page, []) if moves else []:
            await s.run([change(s, key, random.Random(i))])
        await s.close()


async def run_step(served: Served, target: str, page: str, n: int, reruns: int,
                   think: tuple[float, float], ttl: float, seed: int,
                   scenario: str = "class") -> Step:
    pids = served.pids
    step = Step(target=target, sessions=n, scenario=scenario)
    plan = PLANS[page]
    await warm_up(served.url, page, 3 * served.backends if served.backends > 1 else 1,
                  moves=True)
    await asyncio.sleep(2)
    step.rss_before_mb = rss_bytes(pids) / 2**20
    step.threads_before = thread_count(pids)

    samples: list = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample(pids, samples, stop))
    first: list[float] = []
    done: list[tuple[float, RunResult]] = []
    loaded = asyncio.Barrier(n)
    finished = asyncio.Barrier(n)
    ramp = min(4.0, 0.1 * n)
    sessions: list[Session] = []

    async def one(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        s = Session(served.url, page)
        sessions.append(s)
        try:
            await asyncio.sleep(ramp * i / n)
            await s.open()
            r = await s.run()
            first.append(r.latency)
            step.errors += r.exceptions
        except Exception as err:  # a failed session is counted, the others go on
            step.errors += 1
            step.notes.append(f"session {i} failed to load: {type(err).__name__}: {err}")
            s = None
        await loaded.wait()
        for move in range(reruns if s else 0):
            await asyncio.sleep(rng.uniform(*think))
            # "class": most students make the change the teacher asks for (the same sequence
            # for everyone, each at their own pace), a fifth of the time their own; "free":
            # everyone explores on their own.
            follow = scenario == "class" and rng.random() < FOLLOW
            pick = random.Random(seed * 1_000_003 + move) if follow else rng
            key = pick.choices([k for k, _ in plan], [w for _, w in plan])[0]
            try:
                r = await s.run([change(s, key, pick)])
            except Exception as err:
                step.errors += 1
                step.notes.append(f"session {i} rerun failed: {type(err).__name__}: {err}")
                break
            step.errors += r.exceptions
            done.append((time.monotonic(), r))
        await finished.wait()

    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    await asyncio.sleep(0)
    # The rerun phase starts when every session has loaded the page.
    await _wait_until(lambda: len(first) + step.errors >= n, STEP_TIMEOUT)
    t0, cpu0 = time.monotonic(), cpu_seconds(pids)
    await asyncio.wait_for(asyncio.gather(*tasks), STEP_TIMEOUT)
    t1, cpu1 = time.monotonic(), cpu_seconds(pids)
    stop.set()
    await sampler

    latencies = [r.latency for _, r in done]
    step.reruns = len(done)
    step.first_load_p50, step.first_load_p95 = _q(first, 0.5), _q(first, 0.95)
    step.latency_p50, step.latency_p95 = _q(latencies, 0.5), _q(latencies, 0.95)
    step.latency_max = max(latencies, default=float("nan"))
    if done:
        step.cpu_ms_mean = 1000 * (cpu1 - cpu0) / len(done)
        step.cpu_ms_median = 1000 * _windowed_cpu(samples, done, t0, t1)
        sizes = [r.nbytes for _, r in done]
        step.bytes_mean, step.bytes_median = statistics.fmean(sizes), statistics.median(sizes)
    step.rss_peak_mb = max((s[2] for s in samples), default=0) / 2**20
    step.mb_per_session = (step.rss_peak_mb - step.rss_before_mb) / n

    for s in sessions:
        if s is not None:
            await s.close()
    await asyncio.sleep(3)
    step.rss_closed_mb = rss_bytes(pids) / 2**20
    # Disconnected sessions live for the time-to-live; Streamlit drops expired ones the next
    # time a session disconnects, as happens all day in a class: one more visit does that.
    await asyncio.sleep(ttl + AFTER_TTL)
    await warm_up(served.url, page, 1)
    await asyncio.sleep(3)
    step.rss_after_ttl_mb = rss_bytes(pids) / 2**20
    step.threads_after = thread_count(pids)
    return step


async def _wait_until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("sessions did not load in time")
        await asyncio.sleep(0.05)


def _windowed_cpu(samples: list, done: list, t0: float, t1: float, width: float = 2.0) -> float:
    """Median over ``width``-second windows of (CPU seconds in the window / reruns finished)."""
    per_window = []
    edges = np.arange(t0, t1 + width, width)
    times = np.array([s[0] for s in samples])
    cpus = np.array([s[1] for s in samples])
    finished = np.array([t for t, _ in done])
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        count = int(np.sum((finished >= lo) & (finished < hi)))
        inside = (times >= lo) & (times <= hi)
        if count and np.sum(inside) >= 2:
            cpu = cpus[inside]
            per_window.append((cpu[-1] - cpu[0]) / count)
    return statistics.median(per_window) if per_window else float("nan")


# ---------------------------------------------------------------------------------------------
# Faults: a browser that leaves mid-rerun; ten uploads at the size limit at once.


def _npy_bytes(megabytes: float) -> bytes:
    """A float32 ``.npy`` file just under ``megabytes`` MB with its header and the multipart
    framing (Streamlit compares the whole request body with ``server.maxUploadSize``)."""
    n = int(megabytes * 2**20 - 4096) // 4
    buffer = io.BytesIO()
    np.save(buffer, np.random.default_rng(0).standard_normal(n, dtype=np.float32))
    return buffer.getvalue()


async def fault_disconnect(served: Served, page: str, repeats: int, ttl: float) -> dict:
    """Start a rerun on 10 million values and close the socket while it runs; repeat."""
    pids = served.pids
    await warm_up(served.url, page, 1)
    await asyncio.sleep(2)
    before = (rss_bytes(pids), thread_count(pids))
    peak = 0
    for i in range(repeats):
        s = Session(served.url, page)
        await s.open()
        await s.run()
        rng = random.Random(i)
        n = s.widget("n")
        big = WidgetState(id=n.id, string_value="10000000")
        await s.send_rerun([big, change(s, "seed", rng)])
        await asyncio.sleep(0.3 + 0.2 * i)  # mid-rerun: sampling or quantizing
        await s.close()
        peak = max(peak, rss_bytes(pids))
    await asyncio.sleep(ttl + AFTER_TTL)
    await warm_up(served.url, page, 1)
    await asyncio.sleep(3)
    after = (rss_bytes(pids), thread_count(pids))
    alive = Session(served.url, page)
    await alive.open()
    r = await alive.run()
    await alive.close()
    return {"repeats": repeats, "rss_before_mb": before[0] / 2**20, "rss_peak_mb": peak / 2**20,
            "rss_after_mb": after[0] / 2**20, "threads_before": before[1],
            "threads_after": after[1], "server_still_serves": r.status == 0,
            "latency_after_s": r.latency}


def _put_file(url: str, cookies: dict[str, str], upload_url: str, name: str,
              data: bytes) -> int:
    boundary = uuid.uuid4().hex
    body = b"".join([
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n".encode(), data,
        f"\r\n--{boundary}--\r\n".encode()])
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
               "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if "_streamlit_xsrf" in cookies:
        headers["X-Xsrftoken"] = cookies["_streamlit_xsrf"]
    target = upload_url if upload_url.startswith("http") else url + upload_url
    request = urllib.request.Request(target, data=body, method="PUT", headers=headers)
    try:
        with OPENER.open(request, timeout=300) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


async def upload_once(s: Session, data: bytes, name: str) -> tuple[int, RunResult | None]:
    """Switch to upload, ask for a URL, PUT the file, tell the widget, rerun."""
    source = s.widget("src")
    state = WidgetState(id=source.id)
    # the source control offers more than two options: pick the upload by its label
    state.string_array_value.data.append(next(o.content for o in source.proto.options
                                              if o.content == "Upload"))
    await s.run([state])
    msg = BackMsg()
    msg.file_urls_request.request_id = uuid.uuid4().hex
    msg.file_urls_request.session_id = s.session_id
    msg.file_urls_request.file_names.append(name)
    await s.ws.send(msg.SerializeToString())
    deadline = time.monotonic() + RERUN_TIMEOUT
    while not s.pending:
        data_in = await asyncio.wait_for(s.ws.recv(), deadline - time.monotonic())
        reply = ForwardMsg()
        reply.ParseFromString(data_in)
        if reply.WhichOneof("type") == "file_urls_response":
            s.pending.append(reply)
    urls = s.pending.pop().file_urls_response.file_urls[0]
    status = await asyncio.to_thread(_put_file, s.url, s.cookies, urls.upload_url, name, data)
    if status != 204:
        return status, None
    uploader = s.widget("upload")
    state = WidgetState(id=uploader.id)
    state.file_uploader_state_value.uploaded_file_info.append(UploadedFileInfo(
        file_id=urls.file_id, name=name, size=len(data), file_urls=urls))
    return status, await s.run([state])


async def fault_uploads(served: Served, page: str, count: int, megabytes: float,
                        ttl: float) -> dict:
    """``count`` sessions upload a file of ``megabytes`` at once and quantize it; then leave."""
    pids = served.pids
    data = _npy_bytes(megabytes)
    await warm_up(served.url, page, 1)
    await asyncio.sleep(2)
    before = rss_bytes(pids)
    samples: list = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample(pids, samples, stop))
    sessions = [Session(served.url, page) for _ in range(count)]
    for s in sessions:
        await s.open()
        await s.run()
    start = time.monotonic()
    results = await asyncio.gather(*(upload_once(s, data, f"big{i}.npy")
                                      for i, s in enumerate(sessions)), return_exceptions=True)
    elapsed = time.monotonic() - start
    for s in sessions:
        await s.close()
    await asyncio.sleep(3)
    closed = rss_bytes(pids)
    await asyncio.sleep(ttl + AFTER_TTL)
    await warm_up(served.url, page, 1)
    await asyncio.sleep(3)
    stop.set()
    await sampler
    after = rss_bytes(pids)
    statuses = [r[0] if isinstance(r, tuple) else repr(r) for r in results]
    errors = sum(1 for r in results if not isinstance(r, tuple) or r[1] is None
                 or r[1].exceptions)
    return {"uploads": count, "megabytes": round(len(data) / 2**20, 1), "put_status": statuses,
            "failed": errors, "seconds": elapsed, "rss_before_mb": before / 2**20,
            "rss_peak_mb": max(s[2] for s in samples) / 2**20, "rss_closed_mb": closed / 2**20,
            "rss_after_ttl_mb": after / 2**20}


# ---------------------------------------------------------------------------------------------


def print_steps(steps: list[Step]) -> None:
    base = {s.sessions: s for s in steps if s.target.startswith("empty")}
    head = (f"{'target':<22}{'N':>4}{'reruns':>7}{'err':>4} {'load p50/p95 s':>15} "
            f"{'rerun p50/p95/max s':>21} {'cpu ms mean/med':>16}{'x empty':>8} "
            f"{'kB/rerun':>9} {'RSS MB before/peak/closed/after':>32}{'MB/sess':>8}")
    print(head)
    print("-" * len(head))
    for s in steps:
        ref = base.get(s.sessions)
        ratio = s.cpu_ms_median / ref.cpu_ms_median if ref and ref.cpu_ms_median else float("nan")
        print(f"{s.target:<22}{s.sessions:>4}{s.reruns:>7}{s.errors:>4} "
              f"{s.first_load_p50:>7.2f}/{s.first_load_p95:<7.2f} "
              f"{s.latency_p50:>7.3f}/{s.latency_p95:.3f}/{s.latency_max:<5.2f} "
              f"{s.cpu_ms_mean:>7.1f}/{s.cpu_ms_median:<8.1f}{ratio:>8.2f} "
              f"{s.bytes_mean / 1000:>9.1f} "
              f"{s.rss_before_mb:>7.0f}/{s.rss_peak_mb:.0f}/{s.rss_closed_mb:.0f}/"
              f"{s.rss_after_ttl_mb:<7.0f}{s.mb_per_session:>12.2f}")
        for note in s.notes[:5]:
            print(f"    note: {note}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", default="1,10,40", help="comma-separated session counts")
    p.add_argument("--reruns", type=int, default=8, help="reruns per session")
    p.add_argument("--think", default="1,3", help="seconds between a session's reruns: lo,hi")
    p.add_argument("--ttl", type=float, default=10,
                   help="server.disconnectedSessionTTL and the caches' ttl on the measured "
                        "servers (s)")
    p.add_argument("--page", default="explore", help="url path of the page to measure")
    p.add_argument("--no-baseline", action="store_true", help="skip the empty app")
    p.add_argument("--cluster", type=int, default=0,
                   help="also measure behind nginx with this many streamlit processes")
    p.add_argument("--only-cluster", action="store_true", help="measure the cluster only")
    p.add_argument("--faults", action="store_true", help="run the fault scenarios instead")
    p.add_argument("--upload-mb", type=float, default=0,
                   help="upload size for --faults (default: server.maxUploadSize)")
    p.add_argument("--uploads", type=int, default=10, help="concurrent uploads for --faults")
    p.add_argument("--scenario", choices=("class", "free"), default="class",
                   help="class: sessions mostly make the same changes (a teacher leads); "
                        "free: every session explores on its own")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", type=Path, help="write every number to this file")
    return p.parse_args(argv)


def _max_upload_mb() -> float:
    from streamlit import config

    config.get_config_options(force_reparse=True, options_from_flags={})
    return float(config.get_option("server.maxUploadSize"))


async def amain(args: argparse.Namespace) -> dict:
    counts = [int(c) for c in args.sessions.split(",")]
    if max(counts) > MAX_SESSIONS:
        raise SystemExit(f"at most {MAX_SESSIONS} sessions")
    think = tuple(float(v) for v in args.think.split(","))
    report: dict = {"steps": [], "faults": {}}
    with tempfile.TemporaryDirectory(prefix="quantviz-load-") as tmp:
        tmpdir = Path(tmp)
        if args.faults:
            served = start_single("app.py", args.ttl, tmpdir / "fault.log")
            try:
                report["faults"]["disconnect_mid_rerun"] = await fault_disconnect(
                    served, args.page, 5, args.ttl)
                mb = args.upload_mb or _max_upload_mb()
                report["faults"]["uploads"] = await fault_uploads(
                    served, args.page, args.uploads, mb, args.ttl)
            finally:
                served.stop()
            print(json.dumps(report["faults"], indent=2))
            return report
        targets: list[tuple[str, str, str, int]] = []
        if not args.no_baseline:
            targets.append(("empty", "benchmarks/empty_app.py", "empty", 0))
        if not args.only_cluster:
            targets.append((args.page, "app.py", args.page, 0))
        if args.cluster:
            targets.append((f"{args.page} nginx x{args.cluster}", "app.py", args.page,
                            args.cluster))
        for name, script, page, backends in targets:
            for n in counts:
                log = tmpdir / f"{page}-{backends}-{n}"
                log.mkdir()
                served = (start_cluster(script, backends, args.ttl, log) if backends
                          else start_single(script, args.ttl, log / "server.log"))
                try:
                    step = await asyncio.wait_for(
                        run_step(served, name, page, n, args.reruns, think, args.ttl,
                                 args.seed, args.scenario), STEP_TIMEOUT)
                finally:
                    served.stop()
                report["steps"].append(asdict(step))
                print(f"  done: {name} x{n}: p95 {step.latency_p95:.3f} s, "
                      f"cpu {step.cpu_ms_median:.1f} ms/rerun", file=sys.stderr)
        print()
        print_steps([Step(**s) for s in report["steps"]])
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report = asyncio.run(amain(args))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
