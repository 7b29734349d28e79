#!/usr/bin/env python3
"""Hostile uploads and links against a real server, with a second session as the bystander.

Each attack is built here, in memory, and sent the way a browser sends it: the file through
Streamlit's upload endpoint, then a rerun over the websocket (``scripts/load_test.py`` has the
protocol; this reuses it). Meanwhile a second session on the same server reruns Explore in a
loop, as a classmate moving a slider would. For every attack it prints:

- seconds from the upload to the attacker's page being drawn (or refused);
- the server's RSS before and its peak during the attack (MB, sampled every 0.25 s);
- the bystander's rerun latency p50 / max before and during the attack;
- what the attacker saw: exceptions (tracebacks) and the bytes its page sent.

Attacks (``--quick`` makes each small enough for CI):

- ``dup_names``: a .safetensors header of 60,000 names, the last repeated (O(N^2) before);
- ``many_tensors``: a .safetensors of 100,000 one-value tensors (a huge picker and header);
- ``zeros_npz``: 50 million float64 zeros, deflated to 389 kB (1.35 GB per upload before);
- ``wide_csv``: one line of 10 million numbers (20 MB);
- ``zip64_dir``: an .npz of 300,000 members whose classic end record claims a 100-byte
  directory, while the zip64 record zipfile reads holds the real one;
- ``edges``: float32 [-3e38, 0, 3e38] (a traceback before);
- ``markdown_name``: a tensor named with an image, a link and a colour directive;
- ``narrow_link``: the link ``?normal.mean=10&normal.std=0.00001`` (a traceback before);
- ``four_zeros``: four sessions upload ``zeros_npz`` at once (our own: the budget's case).

Issue 23's attacks (a link alone, or an upload on the page named):

- ``column_npy``: ``np.zeros((10_000_000, 1), np.uint8)`` on Formats (blocks padded every
  one-value row to a full block: 12.3 GB before);
- ``column_link``: ``/formats?dist=uneven_channels&uneven_channels.in_features=1&n=1000000``;
  ``column_bits`` and ``column_compare``: the same tensor with the formats section on;
- ``column_checkpoint``: a .safetensors of one (N, 1) tensor on the Checkpoint report;
- ``comment_txt``: ``b"#\n" * 10_000_000 + b"1\n"`` (2 GB and a 6 s stall before);
- ``typo_csv``: ten million good lines and a typo on the last (22.6 s of CPU before);
- ``fullwidth_csv``: ``1,２`` (refused without its line and column before);
- ``filter_link``: ``/checkpoint?ck_filter=`` an image, a link and a colour notice;
- ``many_tiny``: 20,000 one-value tensors on the Checkpoint report (over 120 s before);
- ``surrogate_name``: a tensor named ``"\ud800"`` in a .safetensors header;
- ``zero_d``: a 0-d .npy on Formats (``could not be drawn`` before);
- ``fx0_link``: ``/formats?fx0=1e308``.

Each row also counts the elements whose Markdown holds a hostile mark unescaped (``](``,
``![``, ``:red-background[``, an ``http://`` autolink): ``rendered`` must be 0.

Everything runs on 127.0.0.1 and is bounded: each attack has a hard timeout.

    python scripts/hostile_uploads.py                  # every attack, full size
    python scripts/hostile_uploads.py --quick          # small sizes (CI runs this)
    python scripts/hostile_uploads.py --root OTHER_CHECKOUT --only dup_names,zeros_npz
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import io
import json
import re
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ATTACK_TIMEOUT = 240.0


def _load_test():
    spec = importlib.util.spec_from_file_location("load_test", ROOT / "scripts" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_test"] = module
    spec.loader.exec_module(module)
    return module


lt = _load_test()


# --- the attacks, as files ----------------------------------------------------------------


def safetensors(header: dict | str, data: bytes) -> bytes:
    text = (header if isinstance(header, str) else json.dumps(header)).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def dup_names(n: int) -> bytes:
    """``n`` distinct names, the last one repeated: a check that counts each name is O(N^2)."""
    entries = [f'"w{i}": {{"dtype": "F32", "shape": [1], "data_offsets": [{4 * i}, {4 * i + 4}]}}'
               for i in range(n)]
    return safetensors("{" + ", ".join([*entries, entries[-1]]) + "}", bytes(4 * n))


def many_tensors(n: int) -> bytes:
    header = {f"model.layers.{i}.weight": {"dtype": "F32", "shape": [1],
                                           "data_offsets": [4 * i, 4 * i + 4]} for i in range(n)}
    return safetensors(header, np.ones(n, dtype="<f4").tobytes())


def zeros_npz(n: int) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, zeros=np.zeros(n))
    return buffer.getvalue()


def wide_csv(n: int) -> bytes:
    return (",".join(["0"] * n) + "\n").encode()


def zip64_dir(n: int) -> bytes:
    """An .npz of ``n`` empty members: zipfile writes a zip64 end record (more than 65,535
    entries), which it trusts; the classic record is made to claim a 100-byte directory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(n):
            archive.writestr(f"a{i}.npy", b"")
    data = bytearray(buffer.getvalue())
    eocd = data.rfind(b"PK\x05\x06")
    struct.pack_into("<I", data, eocd + 12, 100)
    return bytes(data)


def npy(x: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, x)
    return buffer.getvalue()


def markdown_name(_: int) -> bytes:
    name = "![px](http://127.0.0.1:9/pixel.png) [click](http://x.invalid) :red-background[Notice]"
    return safetensors({name: {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}},
                       np.ones(2, dtype="<f4").tobytes())


def column_npy(n: int) -> bytes:
    return npy(np.zeros((n, 1), dtype=np.uint8))


def column_safetensors(n: int) -> bytes:
    return safetensors({"col": {"dtype": "F32", "shape": [n, 1], "data_offsets": [0, 4 * n]}},
                       np.ones(n, dtype="<f4").tobytes())


def comment_txt(n: int) -> bytes:
    return b"#\n" * n + b"1\n"


def typo_csv(n: int) -> bytes:
    return b"0\n" * n + b"x\n"


def surrogate_name(_: int) -> bytes:
    return safetensors('{"a\\ud800": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}',
                       bytes(4))


HOSTILE_TEXT = ("![px](http://127.0.0.1:9/pixel.png) [Session expired](http://evil.invalid) "
                ":red-background[Account locked]")


@dataclass(frozen=True)
class Attack:
    """An upload (``build(size)`` bytes as ``filename``) or a link (``build`` None) on ``page``
    with ``query``; ``uploader``: (source control, its upload option's label, uploader key)."""

    page: str
    filename: str
    build: object
    full: int
    quick: int
    query: str = ""
    uploader: tuple = ("src", "Upload", "upload")
    sessions: int = 1


_CK = ("ck_src", "Upload", "ck_upload")
_COLUMN = "src=dist&dist=uneven_channels&uneven_channels.in_features=1&n={n}"
NEW_ATTACKS = {
    "column_npy": Attack("formats", "col.npy", column_npy, 10_000_000, 200_000),
    "column_link": Attack("formats", "", None, 1_000_000, 100_000, _COLUMN),
    "column_bits": Attack("bits", "", None, 1_000_000, 100_000, _COLUMN + "&bits.fmt=1"),
    "column_compare": Attack("compare", "", None, 1_000_000, 100_000, _COLUMN + "&cmp.fmt=1"),
    "column_checkpoint": Attack("checkpoint", "col.safetensors", column_safetensors,
                                10_000_000, 200_000, uploader=_CK),
    "comment_txt": Attack("explore", "comments.txt", comment_txt, 10_000_000, 500_000),
    "typo_csv": Attack("explore", "typo.csv", typo_csv, 10_000_000, 500_000),
    "fullwidth_csv": Attack("explore", "wide.csv", lambda _: "1,２\n".encode(), 0, 0),
    "filter_link": Attack("checkpoint", "", None, 0, 0,
                          "ck_filter=" + urllib.parse.quote(HOSTILE_TEXT)),
    "many_tiny": Attack("checkpoint", "many.safetensors", many_tensors, 20_000, 4_000,
                        uploader=_CK),
    "surrogate_name": Attack("explore", "s.safetensors", surrogate_name, 0, 0),
    "zero_d": Attack("formats", "zero.npy", lambda _: npy(np.array(0.5, np.float32)), 0, 0),
    "fx0_link": Attack("formats", "", None, 0, 0, "fx0=1e308"),
}

#: name -> (file name, builder, full size, quick size, sessions uploading at once)
ATTACKS = {
    "dup_names": ("dup.safetensors", dup_names, 60_000, 4_000, 1),
    "many_tensors": ("many.safetensors", many_tensors, 100_000, 5_000, 1),
    "zeros_npz": ("zeros.npz", zeros_npz, 50_000_000, 2_000_000, 1),
    "wide_csv": ("wide.csv", wide_csv, 10_000_000, 500_000, 1),
    "zip64_dir": ("zip64.npz", zip64_dir, 300_000, 70_000, 1),
    "edges": ("edges.npy", lambda _: npy(np.array([-3e38, 0, 3e38], dtype=np.float32)), 0, 0, 1),
    "markdown_name": ("name.safetensors", markdown_name, 0, 0, 1),
    "narrow_link": ("", None, 0, 0, 1),
    "four_zeros": ("zeros.npz", zeros_npz, 50_000_000, 2_000_000, 4),
}
ATTACKS.update({k: (a.filename, a.build, a.full, a.quick, a.sessions)
                for k, a in NEW_ATTACKS.items()})


# --- ten million values on Formats and the Checkpoint report (the work is chunked) ----------
#
# The largest tensor an upload or a link may give is ten million values (the sample size's
# largest choice). Quantizing it whole in several formats held about 72 bytes per value at once
# (+700 MB); chunked, the peak is bounded by a chunk whatever the tensor.


def normal_npy(n: int) -> bytes:
    """``n`` seeded standard-normal float32 values as a 1-D .npy (40 MB for ten million)."""
    return npy(np.random.default_rng(0).standard_normal(n, dtype=np.float32))


def normal_safetensors(n: int) -> bytes:
    """One seeded normal float32 tensor of ``n`` values shaped ``(n // 4000, 4000)``."""
    rows = max(1, n // 4000)
    x = np.random.default_rng(0).standard_normal((rows, 4000), dtype=np.float32)
    return safetensors({"w": {"dtype": "F32", "shape": [rows, 4000],
                              "data_offsets": [0, x.nbytes]}}, x.astype("<f4").tobytes())


BIG_ATTACKS = {
    "big_formats": Attack("formats", "big.npy", normal_npy, 10_000_000, 200_000),
    "big_formats_link": Attack("formats", "", None, 10_000_000, 100_000,
                               "src=dist&dist=normal&n={n}"),
    "big_checkpoint": Attack("checkpoint", "big.safetensors", normal_safetensors, 10_000_000,
                             200_000, uploader=_CK),
}
NEW_ATTACKS.update(BIG_ATTACKS)
ATTACKS.update({k: (a.filename, a.build, a.full, a.quick, a.sessions)
                for k, a in BIG_ATTACKS.items()})


# --- driving a server ---------------------------------------------------------------------


def start(root: Path, log: Path) -> lt.Served:
    """``streamlit run app.py`` of the checkout ``root`` on a free loopback port."""
    port = lt.free_port()
    env = {**lt.server_env(60), "PYTHONPATH": str(root)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(root / "app.py"),
           f"--server.port={port}", f"--server.address={lt.HOST}", "--server.headless=true"]
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://{lt.HOST}:{port}"
    try:
        lt.wait_healthy(url)
    except RuntimeError:
        proc.kill()
        raise
    return lt.Served(url, [proc.pid], [proc])


async def _bystander(url: str, latencies: list, stop: asyncio.Event) -> None:
    s = lt.Session(url, "explore")
    await s.open()
    await s.run()
    while not stop.is_set():
        result = await s.run()
        latencies.append((time.monotonic(), result.latency))
        await asyncio.sleep(0.2)
    await s.close()


_UNESCAPED = re.compile(r"(?<!\\)\]\(|(?<!\\)!(?<!\\)\[|(?<!\\):red-background"
                        r"|https?(?<!\\):(?<!\\)/|(?<!\\)<img")


class Recording(lt.Session):
    """A session that keeps every message, to look for Markdown the page rendered."""

    async def open(self) -> None:
        await super().open()
        self.raw: list[bytes] = []
        recv = self.ws.recv

        async def tee(*args, **kwargs):
            data = await recv(*args, **kwargs)
            self.raw.append(data)
            return data

        self.ws.recv = tee


def _strings(message, out: list[str]) -> list[str]:
    for _, value in message.ListFields():
        repeated = not isinstance(value, (str, bytes)) and not hasattr(value, "ListFields") \
            and hasattr(value, "__iter__")
        values = value if repeated else [value]
        for v in values:
            if isinstance(v, str):
                out.append(v)
            elif hasattr(v, "ListFields"):
                _strings(v, out)
    return out


def rendered(raw: list[bytes]) -> int:
    """Elements with a hostile mark (``pixel.png``, ``evil.invalid``) and unescaped Markdown
    around it: markdown, captions, alerts, metrics, headings (a text_input's value is not
    Markdown)."""
    count = 0
    for data in raw:
        msg = lt.ForwardMsg()
        msg.ParseFromString(data)
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            continue
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind in ("text_input", "selectbox", "arrow_data_frame", "plotly_chart"):
            continue
        texts = [x for x in _strings(getattr(element, kind), [])
                 if any(mark in x for mark in ("evil.invalid", "pixel.png", "Account locked"))]
        count += any(_UNESCAPED.search(x) for x in texts)
    return count


async def _attack_page(url: str, attack: Attack, data: bytes | None, quick: bool) -> dict:
    """An attack of :data:`NEW_ATTACKS`: a link opened, or a file uploaded on its page."""
    query = attack.query.format(n=attack.quick if quick else attack.full)
    s = Recording(url, attack.page, query)
    await s.open()
    result = await s.run()
    status = "link"
    if data is not None:
        src, label, uploader = attack.uploader
        source = s.widget(src)
        state = lt.WidgetState(id=source.id)
        state.string_array_value.data.append(label)
        await s.run([state])
        msg = lt.BackMsg()
        msg.file_urls_request.request_id = uuid.uuid4().hex
        msg.file_urls_request.session_id = s.session_id
        msg.file_urls_request.file_names.append(attack.filename)
        await s.ws.send(msg.SerializeToString())
        while not s.pending:
            reply = lt.ForwardMsg()
            reply.ParseFromString(await asyncio.wait_for(s.ws.recv(), lt.RERUN_TIMEOUT))
            if reply.WhichOneof("type") == "file_urls_response":
                s.pending.append(reply)
        urls = s.pending.pop().file_urls_response.file_urls[0]
        status = await asyncio.to_thread(lt._put_file, s.url, s.cookies, urls.upload_url,
                                         attack.filename, data)
        state = lt.WidgetState(id=s.widget(uploader).id)
        state.file_uploader_state_value.uploaded_file_info.append(lt.UploadedFileInfo(
            file_id=urls.file_id, name=attack.filename, size=len(data), file_urls=urls))
        result = await s.run([state])
    await s.close()
    return {"status": status, "exceptions": result.exceptions, "bytes": result.nbytes,
            "rendered": rendered(s.raw)}


async def _attack_once(url: str, name: str, filename: str, data: bytes | None,
                       quick: bool = True) -> dict:
    if name in NEW_ATTACKS:
        return await _attack_page(url, NEW_ATTACKS[name], data, quick)
    if data is None:  # a link, not an upload
        s = lt.Session(url, "explore", "src=dist&dist=normal&normal.mean=10&normal.std=0.00001")
        await s.open()
        result = await s.run()
        await s.close()
        return {"status": "link", "exceptions": result.exceptions, "bytes": result.nbytes}
    s = lt.Session(url, "explore")
    await s.open()
    await s.run()
    status, result = await lt.upload_once(s, data, filename)
    await s.close()
    if result is None:
        return {"status": status, "exceptions": 0, "bytes": 0}
    return {"status": status, "exceptions": result.exceptions, "bytes": result.nbytes}


async def run_attack(served: lt.Served, name: str, quick: bool) -> dict:
    filename, build, full, small, sessions = ATTACKS[name]
    data = build(small if quick else full) if build else None
    latencies: list = []
    samples: list = []
    stop = asyncio.Event()
    bystander = asyncio.create_task(_bystander(served.url, latencies, stop))
    await asyncio.sleep(2.0)  # the bystander's baseline
    rss_before = lt.rss_bytes(served.pids)
    cpu_before = lt.cpu_seconds(served.pids)
    sampler = asyncio.create_task(lt._sample(served.pids, samples, stop))
    t0 = time.monotonic()
    try:
        results = await asyncio.wait_for(asyncio.gather(
            *(_attack_once(served.url, name, filename, data, quick) for _ in range(sessions)),
            return_exceptions=True), ATTACK_TIMEOUT)
    except TimeoutError:
        results = [TimeoutError(f"over {ATTACK_TIMEOUT:.0f} s")]
    t1 = time.monotonic()
    cpu_during = lt.cpu_seconds(served.pids) - cpu_before  # the bystander's reruns included
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(bystander, sampler, return_exceptions=True)
    before = [lat for t, lat in latencies if t < t0]
    during = [lat for t, lat in latencies if t0 <= t <= t1 + 0.5]
    ok = [r for r in results if isinstance(r, dict)]
    return {
        "attack": name, "file_bytes": len(data) if data else 0, "sessions": sessions,
        "seconds": round(t1 - t0, 2),
        "cpu_seconds": round(cpu_during, 2),
        "rendered": sum(r.get("rendered", 0) for r in ok),
        "rss_before_mb": round(rss_before / 2**20),
        "rss_peak_mb": round(max([s[2] for s in samples] or [rss_before]) / 2**20),
        "bystander_before_p50": round(lt._q(before, 0.5), 3),
        "bystander_during_p50": round(lt._q(during, 0.5), 3),
        "bystander_during_max": round(max(during or [float("nan")]), 3),
        "exceptions": sum(r["exceptions"] for r in ok),
        "bytes_to_attacker": max([r["bytes"] for r in ok] or [0]),
        "failures": [repr(r) for r in results if not isinstance(r, dict)],
        "put_status": sorted({r["status"] for r in ok}, key=str),
    }


def print_rows(rows: list[dict]) -> None:
    head = ("attack", "file kB", "s", "CPU s", "RSS MB before/peak",
            "bystander p50 before/during, max", "exc", "md", "kB sent")
    print(" | ".join(head))
    for r in rows:
        print(" | ".join([
            f"{r['attack']}" + (f" x{r['sessions']}" if r["sessions"] > 1 else ""),
            f"{r['file_bytes'] / 1000:,.0f}", f"{r['seconds']:.2f}", f"{r['cpu_seconds']:.2f}",
            f"{r['rss_before_mb']}/{r['rss_peak_mb']}",
            f"{r['bystander_before_p50']:.3f}/{r['bystander_during_p50']:.3f}, "
            f"{r['bystander_during_max']:.3f}",
            str(r["exceptions"]), str(r["rendered"]), f"{r['bytes_to_attacker'] / 1000:,.0f}",
        ]) + ("  " + "; ".join(r["failures"]) if r["failures"] else ""))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small attacks (seconds; for CI)")
    p.add_argument("--only", default="", help="comma-separated attack names")
    p.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app.py to serve")
    p.add_argument("--json", type=Path, help="also write the rows as JSON here")
    return p.parse_args(argv)


async def amain(args: argparse.Namespace) -> list[dict]:
    names = [n for n in args.only.split(",") if n] or list(ATTACKS)
    unknown = set(names) - set(ATTACKS)
    if unknown:
        raise SystemExit(f"unknown attacks {sorted(unknown)}; known: {', '.join(ATTACKS)}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:  # a fresh server each: one attack's memory does not hide another's
            served = start(args.root.resolve(), Path(tmp) / f"{name}.log")
            try:
                await asyncio.sleep(1.0)
                rows.append(await run_attack(served, name, args.quick))
            finally:
                served.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows = asyncio.run(amain(args))
    print_rows(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
