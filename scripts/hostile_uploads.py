#!/usr/bin/env python3
"""Hostile uploads and links against a real server, with a second session as the bystander.

Each attack is built here, in memory, and sent the way a browser sends it: the file through
Streamlit's upload endpoint, then a rerun over the websocket (``scripts/load_test.py`` has the
protocol; this reuses it). Meanwhile a second session on the same server reruns Explore in a
loop, as a classmate moving a slider would. For every attack it prints:

- seconds from the upload to the attacker's page being drawn (or refused);
- the server's CPU seconds during the attack, total and own: the total includes the
  bystander's reruns (and the attacker's first plain page load); ``own`` subtracts the
  bystander's share, ``own = total - rate * seconds``, where ``rate`` is the server's CPU
  seconds per second measured over the 2 s before the attack, while only the bystander ran
  (its first page load left out). Both are printed: ``own`` is what the 2 s bound is read
  against, the total shows what the server spent. Before an attack (not a ``base_<page>``
  row) another session opens the attacked page once and leaves: a page's first load on a fresh
  server builds what every later session shares (the GGUF page's built-in file, about 0.6 s;
  every type on the default tensor), once per server, not once per attack. The ``base_<page>``
  rows measure that first load itself, on a fresh server;
- the server's RSS before and its peak during the attack (MB, sampled every 0.25 s);
- the bystander's rerun latency p50 / max before and during the attack;
- what the attacker saw: exceptions (tracebacks) and the bytes its page sent.

Attacks (``--quick`` makes each small enough for CI):

- ``dup_names``: a .safetensors header of 60,000 names, the last repeated (O(N^2) before);
- ``many_tensors``: a .safetensors of 100,000 one-value tensors (a huge picker and header;
  refused from the header's bytes now: a file lists at most 20,000);
- ``zeros_npz``: 50 million float64 zeros, deflated to 389 kB (1.35 GB per upload before);
- ``wide_csv``: one line of 10 million numbers (20 MB: over the text limits, refused);
- ``text_most``, ``text_longest``: the largest text uploads accepted: one line of 2,000,000
  numbers, and 790,000 numbers of 17 digits a line (16 MB);
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

This round's pages (``base_<page>`` opens a page plainly: the cost to read the others against):

- ``gguf_nested``, ``gguf_strings``: metadata arrays of 4M empty arrays / one-byte strings;
- ``gguf_lies``: dims 2^31 x 2^31 at data offset 2^60 in a 100-byte file;
- ``gguf_many``: 20,000 one-block tensors; ``gguf_orig_unmatched`` / ``gguf_orig_matched``:
  the same with a .safetensors of 20,000 originals, none or all matching by name;
- ``gguf_markdown``: an image and a link as tensor name, metadata, companion names and both
  file names, with the tensor studied (``gfile=1``); ``gguf_largest``: 16M IQ1_S values
  studied (the page's 64 MiB decode limit);
- ``ptq_*``: W and X at the page's largest shapes (zeros, random), declared 10^9 x 10^9,
  object arrays, NaN and inf, mismatched inputs with a Markdown member name, 50M deflated zeros;
- ``qat_longest``, ``qat_start_stop``: 20 epochs trained; Train and Stop pressed five times;
- ``model_hurt_<method>``: every "which layer hurts" button at 2 bits, groups of 32;
- ``live_forged``: Explore's live-figure state of every wrong type and range;
  ``live_json_limits``: JSON Streamlit itself fails to decode (5,000 digits, 100,000 deep);
- ``tiny_std_link``: ``/toolchains?normal.std=1e-30`` (17 s of CPU before); ``tiny_npy``: an
  upload of values near 1e-16 there (13 s before: PyTorch's histogram search on subnormals);
- ``digits_link``: ``bits`` and ``seed`` of 400 digits; ``start_steps``: hostile ``step``;
- ``url_<page>``: every key any page reads, all set to one extreme at a time (1e30, NaN,
  -inf, 10^9, full-width digits, 400 and 5,000 digits, Markdown, NUL and bidi controls);
  ``url_start_bits``: the same on Start's bits step, whose figure reads ``start_live_*``.

The live figure's fragment (a rerun of it alone, as a browser sends for a widget inside it, and
its trigger ``follow``, sent once the browser has painted the fragment's answer to a move):

- ``start_live_forged``: Start's figure (``/start?step=bits``) given ``live_forged``'s states
  and every trigger payload below, in the step's fragment (10,000 ``controls`` events: 16 s of
  CPU before), then a move out of range and a follow in the whole page's run;
- ``live_max_message``: Explore's trigger listing as many events as one message holds
  under ``server.maxMessageSize`` (2 MB: about 55,000 events, a callback each), twice;
- ``live_follow_flood``: Explore's ``follow`` with no move before it, then 50 reruns with it
  set (one in five as the whole page's run), then payloads of every JSON type, a 100,000-character
  value, and lists of 10,000 ``follow`` and 10,000 ``controls`` events (Streamlit calls a
  callback once per event: 15 s of CPU for the latter before);
- ``live_follow_stale``: moves and follows interleaved with the sidebar's Bits: a follow after
  the sidebar moved (it wrote the older move back before), sequence numbers 2^53, -1 and one
  older than the last, a move and a follow at once, and a follow merged into the page's run
  (an error on the page before).

These end with a plain run of the page, which must finish without an error; each row counts
the runs of the whole page against the reruns sent (``page runs/reruns``: a rerun costs one at
most) and the URL values it checks on the way (``unexpected``).

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


def long_csv(n: int) -> bytes:
    """``n`` seeded normal values written to 17 significant digits, one a line (about 22
    bytes each: 790,000 nearly fill a text upload's 16,000,000 bytes)."""
    x = np.random.default_rng(0).standard_normal(n)
    return ("\n".join(f"{v:.17g}" for v in x) + "\n").encode()


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


def tiny_npy(n: int) -> bytes:
    """``n`` normal values times 1e-16: the HistogramObserver search's error terms are all
    subnormal (13 s of CPU for 100,000 values on Toolchains before)."""
    return npy((np.random.default_rng(0).standard_normal(n) * 1e-16).astype(np.float32))


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


# --- this round's files: GGUF, PTQ's W and X ------------------------------------------------


def _gguf_file():
    """quantviz's GGUF writer (this checkout's), to build valid files around one lie."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("quantviz.gguf_file")


def _gstr(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def gguf_raw(n_tensors: int, n_kv: int, body: bytes) -> bytes:
    """A GGUF v3 header claiming ``n_tensors`` and ``n_kv``, then ``body`` as it is."""
    return b"GGUF" + struct.pack("<IQQ", 3, n_tensors, n_kv) + body


def gguf_nested(n: int) -> bytes:
    """One metadata key: an array of ``n`` empty arrays (12 bytes each, a numpy array each)."""
    return gguf_raw(0, 1, _gstr("k") + struct.pack("<IIQ", 9, 9, n)
                    + struct.pack("<IQ", 0, 0) * n)


def gguf_strings(n: int) -> bytes:
    """One metadata key: an array of ``n`` one-byte strings (9 bytes each, a str each)."""
    return gguf_raw(0, 1, _gstr("k") + struct.pack("<IIQ", 9, 8, n)
                    + (struct.pack("<Q", 1) + b"a") * n)


def gguf_lies(_: int) -> bytes:
    """A tensor of dims 2^31 x 2^31 (F32) at data offset 2^60 in a 100-byte file."""
    info = _gstr("w") + struct.pack("<I2QIQ", 2, 2**31, 2**31, 0, 2**60)
    return gguf_raw(1, 0, info) + bytes(64)


def gguf_many(n: int, qtype: str = "Q4_0", prefix: str = "blk.") -> bytes:
    """``n`` tensors of one row of 32 values (Q4_0: one block each): a 20,000-row table."""
    write_gguf = _gguf_file().write_gguf
    raw = np.zeros(18, np.uint8)
    return write_gguf({f"{prefix}{i}": (qtype, raw, (1, 32)) for i in range(n)})


def gguf_with_orig(n: int, prefix: str = "blk.") -> list:
    """``n`` one-block tensors, and a .safetensors of ``n`` one-value originals named
    ``o.<i>`` (none matching: each GGUF name was compared with every original's)."""
    originals = {f"o.{i}": {"dtype": "F32", "shape": [1], "data_offsets": [4 * i, 4 * i + 4]}
                 for i in range(n)}
    return [("gguf_upload", "many.gguf", gguf_many(n, prefix=prefix)),
            ("gguf_orig", "orig.safetensors", safetensors(originals, bytes(4 * n)))]


def gguf_matched(n: int) -> list:
    """``n`` one-block tensors, each with its original of 32 values under the same name."""
    originals = {f"blk.{i}": {"dtype": "F32", "shape": [1, 32],
                              "data_offsets": [128 * i, 128 * i + 128]} for i in range(n)}
    return [("gguf_upload", "many.gguf", gguf_many(n)),
            ("gguf_orig", "orig.safetensors", safetensors(originals, bytes(128 * n)))]


GGUF_MARKDOWN = "![px](http://127.0.0.1:9/pixel.png)[s](http://evil.invalid)"


def gguf_markdown(_: int) -> list:
    """A tensor named with an image and a link, metadata that says more, a companion
    .safetensors of hostile names, and hostile file names."""
    write_gguf = _gguf_file().write_gguf
    rows = np.zeros((1, 256), np.float32).tobytes()
    data = write_gguf({GGUF_MARKDOWN: ("F32", np.frombuffer(rows, np.uint8), (1, 256))},
                      {"general.name": HOSTILE_TEXT, "x.list": [HOSTILE_TEXT] * 3})
    orig = safetensors({HOSTILE_TEXT: {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                        GGUF_MARKDOWN: {"dtype": "F32", "shape": [1, 256],
                                        "data_offsets": [4, 1028]}}, bytes(1028))
    return [("gguf_upload", "[Account locked](http://evil.invalid).gguf", data),
            ("gguf_orig", "![px](http://127.0.0.1:9/pixel.png).safetensors", orig)]


def gguf_largest(_: int) -> bytes:
    """One IQ1_S tensor of 16M values: exactly the page's 64 MiB decode limit (3 MB file)."""
    ggml_type, write_gguf = _gguf_file().ggml_type, _gguf_file().write_gguf
    t = ggml_type("IQ1_S")
    rows, n = 4096, 4096
    raw = np.random.default_rng(0).integers(0, 256, rows * n // t.block_size * t.type_size,
                                            dtype=np.uint8)
    return write_gguf({"big": ("IQ1_S", raw, (rows, n))})


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def npz_declared(shapes: dict, dtype: str = "<f4") -> bytes:
    """An .npz whose members' npy headers declare ``shapes`` and hold no data at all."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, shape in shapes.items():
            header = {"descr": dtype, "fortran_order": False, "shape": tuple(shape)}
            text = repr(header).encode() + b" "
            text += b" " * (-(10 + len(text) + 1) % 64) + b"\n"
            archive.writestr(f"{name}.npy", b"\x93NUMPY\x01\x00"
                             + struct.pack("<H", len(text)) + text)
    return buffer.getvalue()


def ptq_bomb(_: int) -> bytes:
    """W and X of the page's largest shapes, all zeros: 20 MB decoded from about 20 kB."""
    return npz(W=np.zeros((512, 512), np.float32), X=np.zeros((2048, 512), np.float32))


def ptq_largest(_: int) -> bytes:
    """W and X of the page's largest shapes, random: every method on 512 x 512."""
    rng = np.random.default_rng(0)
    return npz(W=rng.standard_normal((512, 512), np.float32),
               X=rng.standard_normal((2048, 512), np.float32))


def ptq_object(_: int) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, W=np.array([{"a": 1}, None], dtype=object),
             X=np.zeros((4, 2), np.float32))
    return buffer.getvalue()


def ptq_nonfinite(_: int) -> bytes:
    w = np.ones((4, 4), np.float32)
    w[0, 0], w[1, 1] = np.nan, np.inf
    return npz(W=w, X=np.full((4, 4), 1e39, np.float64))


def ptq_markdown(_: int) -> bytes:
    return npz(**{HOSTILE_TEXT.replace("/", "_"): np.zeros((2, 2)), "W": np.zeros((2, 3)),
                  "X": np.zeros((4, 5))})


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
    #: ``forge(session)``: widget states a client sends after the page is drawn (values a
    #: browser would never send: a component's state of the wrong type, out of range).
    forge: object = None


@dataclass(frozen=True)
class Rerun:
    """One rerun a client sends after the page is drawn: widget ``states``, run by the
    fragment the widget ``fragment`` (a key) is drawn in, as a browser does for a widget
    inside a fragment, or by the whole page (""); ``expect``: a parameter the page's URL holds
    after it (``bits=6``), else the row counts it ``unexpected``. An attack of these ends with a
    plain run of the page, which must finish without an error."""

    states: tuple
    fragment: str = ""
    expect: str = ""


#: Component states no browser sends: Explore's live figure's ``controls`` of every wrong
#: type, out of range, a 5,000-digit integer and JSON nested 100,000 deep.
LIVE_FORGERIES = (
    '{"controls": "bits"}',
    '{"controls": ["bits", "seq"]}',
    '{"controls": 7}',
    '{"controls": {"bits": 99, "scheme": "x", "signed": "yes", "calib": ["a"], "seq": 1e308}}',
    '{"controls": {"bits": true, "scheme": null, "signed": {"a": 1}, "calib": 1e999}}',
    '{"controls": {"bits": 0, "seq": -1}}',
    '{"controls": {"bits": "\\uff11\\uff16", "seq": "1"}}',
    '{"controls": {"bits": 3.5, "seq": 100000000000000000000000000000000}}',
    '{"controls": {"bits": NaN, "calib": "' + "x" * 100_000 + '"}}',
)
#: JSON that Streamlit's own decoding of a component's state fails on, before any of the
#: app's code runs (a ValueError and a RecursionError it does not catch): the attacker's own
#: session shows Streamlit's redacted error; nothing reaches another session.
JSON_LIMITS = (
    '{"controls": {"bits": ' + "9" * 5000 + '}}',
    '{"controls": ' + "[" * 100_000 + "]" * 100_000 + '}',
)


def forge_live(s: lt.Session, forgeries: tuple = LIVE_FORGERIES,
               key: str = "live_figure") -> list:
    states = []
    for text in forgeries:
        state = lt.WidgetState(id=s.widget(key).id)
        state.json_value = text
        states.append(state)
    return states


def live_trigger(s: lt.Session, text: str, key: str = "live_figure") -> lt.WidgetState:
    """The component's events as the browser sends them (``[{"event": "follow", "value":
    seq}]`` when its answer is painted), ``text`` as it is: one widget, the trigger aggregator
    Streamlit names after the component's id."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    state = lt.WidgetState(id=_make_trigger_id(s.widget(key).id, "events"))
    state.json_trigger_value = text
    return state


def live_move(s: lt.Session, seq: object, key: str = "live_figure", **moved) -> lt.WidgetState:
    """The component's state after a move of its own: its controls and the move's number."""
    return forge_live(s, (json.dumps({"controls": {**moved, "seq": seq}}),), key)[0]


def follow(seq: object) -> str:
    return json.dumps([{"event": "follow", "value": seq}])


#: Trigger payloads no browser sends: of every type, for events the figure has and has not,
#: each many times in one list (Streamlit calls a callback once per element), a huge value.
TRIGGER_FORGERIES = (
    '"follow"', "7", "null", "true", "{}", '{"event": 7}', '{"event": "nope", "value": 1}',
    '{"event": "follow"}', '[{"event": "follow", "value": "' + "x" * 100_000 + '"}]',
    '[{"event": "follow", "value": 1e999}]', '[{"event": "follow", "value": NaN}]',
    "[" + ", ".join(['{"event": "follow", "value": 1}'] * 10_000) + "]",
    "[" + ", ".join(['{"event": "controls", "value": 1}'] * 10_000) + "]",
)


def forge_follow_flood(s: Recording) -> list:
    """"follow" with no move before it, then 50 reruns with it set (one in five as the
    whole page's run, as a browser never sends it), then payloads of the wrong type."""
    k = "live_figure"
    first = [Rerun((live_trigger(s, follow(0)),), k)]
    flood = [Rerun((live_trigger(s, follow(i)),), k if i % 5 else "") for i in range(50)]
    wrong = [Rerun((live_trigger(s, text),), k) for text in TRIGGER_FORGERIES]
    return first + flood + wrong


#: Events in a trigger of just under ``server.maxMessageSize`` (2 MB): as many callbacks as
#: one message can ask for.
MAX_EVENTS = 1_950_000 // len('{"event": "controls", "value": 1}, ')


def forge_max_message(s: Recording) -> list:
    """One trigger listing as many ``controls`` events as fit in one message, on Explore's
    figure, then as many ``follow`` events."""
    return [Rerun((live_trigger(s, "[" + ", ".join([f'{{"event": "{e}", "value": 1}}']
                                                   * MAX_EVENTS) + "]"),), "live_figure")
            for e in ("controls", "follow")]


def forge_start_live(s: Recording) -> list:
    """Start's figure (``start_live``, in the bits step's fragment): its state of every wrong
    type and range, its trigger's payloads of every type, a move and its follow, each as the
    step's fragment runs it; then a move out of range and a follow as the whole page's run."""
    k = "start_live"
    return ([Rerun((state,), k) for state in forge_live(s, LIVE_FORGERIES, k)]
            + [Rerun((live_trigger(s, text, k),), k) for text in TRIGGER_FORGERIES]
            + [Rerun((live_move(s, 3, k, bits=3, scheme="asymmetric"),), k),
               Rerun((live_trigger(s, follow(3), k),), k),
               Rerun((live_move(s, 4, k, bits=99, signed="x"), live_trigger(s, follow(4), k)))])


def _bits(s: lt.Session, value: int) -> lt.WidgetState:
    """The sidebar's Bits slider moved to ``value``."""
    state = lt.WidgetState(id=s.widget("bits").id)
    state.double_array_value.data.append(value)
    return state


def forge_follow_stale(s: Recording) -> list:
    """Moves of the figure and their "follow" interleaved with a move of the sidebar: a
    follow after the sidebar moved, sequence numbers of 2^53, -1 and one older than the last."""
    k = "live_figure"
    return [
        Rerun((live_move(s, 5, bits=3),), k),
        Rerun((_bits(s, 6),), expect="bits=6"),  # the sidebar moves before the answer painted
        Rerun((live_trigger(s, follow(5)),), k, "bits=6"),  # the later sidebar value is kept
        Rerun((live_move(s, 2**53, bits=4),), k),
        Rerun((live_trigger(s, follow(2**53)),), k, "bits=4"),
        Rerun((live_move(s, -1, bits=5, scheme="symmetric"),), k),
        Rerun((live_trigger(s, follow(-1)),), k, "scheme=symmetric"),
        Rerun((live_move(s, 1, bits=7),), k),  # older than the last move the server kept
        Rerun((live_trigger(s, follow(1)),), k, "bits=7"),
        # a move and a follow at once: the follow is for no move pending (the fragment's
        # answer to this one is), then the browser's follow for it
        Rerun((live_move(s, 9, bits=2), live_trigger(s, follow(9))), k, "bits=7"),
        Rerun((live_trigger(s, follow(9)),), k, "bits=2"),
        Rerun((live_move(s, 10, bits=3),), k),
        # the sidebar moved and the follow, merged into one run of the page (as Streamlit
        # merges a fragment's rerun into a page's run already waiting)
        Rerun((_bits(s, 12), live_trigger(s, follow(10))), "", "bits=12"),
        Rerun((live_trigger(s, follow(10)),), k, "bits=12"),  # and once more: nothing pending
    ]


_GG = (None, None, "gguf_upload")
_PQ = (None, None, "pq_upload")
#: Every page, and every key a page reads from its URL (a distribution's parameters too).
PAGES = ("start", "learn", "explore", "compare", "bits", "calibration", "per_channel",
         "toolchains", "formats", "layer", "model", "outliers", "checkpoint", "gguf", "ptq",
         "qat")
URL_KEYS = (
    "bits cal.logy stream.drift stream.spike stream.c ck_src ck_filter ck_fmt configs cmp.logy "
    "src dist n seed drop scheme signed narrow reduce rounding arith calib pct avg ckpt ckpt_t "
    "x0 fmt1 fmt2 fmt3 fmt4 fmtd fx0 bits.fmt cmp.fmt gblock gsub gfile ly_wsrc ly_out ly_in "
    "ly_spread ly_x ly_rows ly_gran ly_rr ly_bias ex_min ex_max ex_x pad_kernel pad_offset "
    "pad_bits gap_min gap_max clamp_x sym_amax quiz_codes quiz_range quiz_zp quiz_case "
    "quiz_zero mmode mbits wscheme perch ascheme acalib ncal net mh_bits mh_group mh_method "
    "ol_tokens ol_channels ol_count ol_mag ol_x ol_alpha ol_rot ol_thr pc_src pc_out pc_in "
    "pc_spread group pc_metric pc_sort axis pq_src pq_layer pq_bits pq_group pq_act pq_count "
    "fq.bits fq.scale fq.w qat.bits qat.method qat.epochs qat.seed lang present tc.a tc.b step "
    "normal.mean normal.std uneven_channels.in_features uneven_channels.out_features "
    "laplace.scale outliers.fraction start_live_bits start_live_scheme start_live_signed "
    "start_live_calib"
).split()
#: The values each key gets, all at once: the extremes a hand-edited link can hold.
URL_VALUES = ("1e30", "-1e30", "1e-30", "nan", "-inf", "0", "-1", "99", "1000000000",
              "１６", "1_000", "0x10", "1" + "0" * 400, "9" * 5000, HOSTILE_TEXT,
              "\u0000\ufeff\u202e")
STEP_VALUES = ("-1", "99", "nan", "../../etc/passwd", HOSTILE_TEXT, "x" * 10_000, "roundtrip\x00")


def _keys(s: lt.Session) -> list[str]:
    return [lt._user_key(w.id) for w in s.widgets.values()]


def _clicks(s: lt.Session, keys: list[str]) -> list:
    """A button press per key, as a browser sends one (a trigger value)."""
    states = []
    for key in keys:
        state = lt.WidgetState(id=s.widget(key).id)
        state.trigger_value = True
        states.append(state)
    return states


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
    # this round: GGUF, PTQ, QAT, the live figure and every page's link values
    "gguf_nested": Attack("gguf", "nested.gguf", gguf_nested, 4_000_000, 400_000,
                          uploader=_GG),
    "gguf_strings": Attack("gguf", "strings.gguf", gguf_strings, 4_000_000, 400_000,
                           uploader=_GG),
    "gguf_lies": Attack("gguf", "lies.gguf", gguf_lies, 0, 0, uploader=_GG),
    "gguf_many": Attack("gguf", "many.gguf", gguf_many, 20_000, 2_000, uploader=_GG),
    "gguf_orig_unmatched": Attack("gguf", "", gguf_with_orig, 20_000, 2_000, uploader=_GG),
    "gguf_orig_matched": Attack("gguf", "", gguf_matched, 20_000, 2_000, uploader=_GG),
    "gguf_markdown": Attack("gguf", "", gguf_markdown, 0, 0, "gfile=1", uploader=_GG),
    "gguf_largest": Attack("gguf", "big.gguf", gguf_largest, 0, 0, "gfile=1", uploader=_GG),
    "ptq_bomb": Attack("ptq", "bomb.npz", ptq_bomb, 0, 0, "pq_src=upload", uploader=_PQ),
    "ptq_largest": Attack("ptq", "big.npz", ptq_largest, 0, 0, "pq_src=upload", uploader=_PQ),
    "ptq_declared": Attack("ptq", "huge.npz",
                           lambda _: npz_declared({"W": (10**9, 10**9), "X": (4, 10**9)}),
                           0, 0, "pq_src=upload", uploader=_PQ),
    "ptq_object": Attack("ptq", "obj.npz", ptq_object, 0, 0, "pq_src=upload", uploader=_PQ),
    "ptq_nonfinite": Attack("ptq", "nan.npz", ptq_nonfinite, 0, 0, "pq_src=upload",
                            uploader=_PQ),
    "ptq_mismatch": Attack("ptq", "HOSTILE.npz", ptq_markdown, 0, 0, "pq_src=upload",
                           uploader=_PQ),
    "ptq_zeros_bomb": Attack("ptq", "zeros.npz", zeros_npz, 50_000_000, 2_000_000,
                             "pq_src=upload", uploader=_PQ),
    "qat_longest": Attack("qat", "", None, 0, 0, "qat.epochs=20&qat.bits=4&qat.method=lsq_freeze",
                          forge=lambda s: _clicks(s, ["qat.start"])),
    "qat_start_stop": Attack("qat", "", None, 0, 0, "qat.epochs=20",
                             forge=lambda s: _clicks(s, ["qat.start", "qat.stop"] * 5)),
    "live_forged": Attack("explore", "", None, 0, 0, forge=forge_live),
    "tiny_std_link": Attack("toolchains", "", None, 0, 0, "normal.std=1e-30"),
    "tiny_npy": Attack("toolchains", "tiny.npy", tiny_npy, 100_000, 20_000),
    "digits_link": Attack("explore", "", None, 0, 0, "bits=1" + "0" * 400 + "&seed=1" + "0" * 400),
    "live_json_limits": Attack("explore", "", None, 0, 0,
                               forge=lambda s: forge_live(s, JSON_LIMITS)),
    "start_live_forged": Attack("start", "", None, 0, 0, "step=bits", forge=forge_start_live),
    "live_follow_flood": Attack("explore", "", None, 0, 0, forge=forge_follow_flood),
    "live_follow_stale": Attack("explore", "", None, 0, 0, forge=forge_follow_stale),
    "live_max_message": Attack("explore", "", None, 0, 0, forge=forge_max_message),
    "start_steps": Attack("start", "", None, 0, 0, "|".join(
        "step=" + urllib.parse.quote(v) for v in STEP_VALUES)),
}
#: Model's "which layer hurts": every button pressed at its costliest settings, per method.
NEW_ATTACKS.update({f"model_hurt_{m}": Attack(
    "model", "", None, 0, 0, f"mh_bits=2&mh_group=32&mh_method={m}",
    forge=lambda s: _clicks(s, [k for k in _keys(s) if k.startswith("mh_run_")]))
    for m in ("rtn", "gptq", "gptq_act", "awq", "hqq")})
#: No attack: each page opened plainly, the cost every attack on it is read against.
NEW_ATTACKS.update({f"base_{page}": Attack(page, "", None, 0, 0) for page in PAGES})
NEW_ATTACKS.update({f"url_{page}": Attack(page, "", None, 0, 0, "|".join(
    "&".join(f"{k}={urllib.parse.quote(v)}" for k in URL_KEYS) for v in URL_VALUES))
    for page in PAGES})
#: Start's bits step (its own figure's keys read), every key at each extreme as above.
NEW_ATTACKS["url_start_bits"] = Attack("start", "", None, 0, 0, "|".join(
    "step=bits&" + "&".join(f"{k}={urllib.parse.quote(v)}" for k in URL_KEYS if k != "step")
    for v in URL_VALUES))

#: name -> (file name, builder, full size, quick size, sessions uploading at once)
ATTACKS = {
    "dup_names": ("dup.safetensors", dup_names, 60_000, 4_000, 1),
    "many_tensors": ("many.safetensors", many_tensors, 100_000, 5_000, 1),
    "zeros_npz": ("zeros.npz", zeros_npz, 50_000_000, 2_000_000, 1),
    "wide_csv": ("wide.csv", wide_csv, 10_000_000, 500_000, 1),
    "text_most": ("most.csv", wide_csv, 2_000_000, 100_000, 1),
    "text_longest": ("long.csv", long_csv, 790_000, 50_000, 1),
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
    """A session that keeps every message, to look for Markdown the page rendered; its
    ``fragment`` (an id, or "" for the whole page) is what its next rerun runs. Its reruns
    name the page by its script's hash too, as a browser's do: a fragment's run does not route
    the page, and ``st.rerun`` in it reruns the page its run was sent for."""

    fragment = ""
    page_hash = ""

    async def send_rerun(self, changed: list[lt.WidgetState] = ()) -> None:
        for state in changed:
            self.states[state.id] = state
        msg = lt.BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page
        cs.fragment_id = self.fragment
        cs.page_script_hash = self.page_hash
        cs.widget_states.widgets.extend(self.states.values())
        cs.cached_message_hashes.extend(self.cached[-500:])
        await self.ws.send(msg.SerializeToString())

    async def open(self) -> None:
        await super().open()
        self.raw: list[bytes] = []
        recv = self.ws.recv

        async def tee(*args, **kwargs):
            data = await recv(*args, **kwargs)
            self.raw.append(data)
            msg = lt.ForwardMsg()
            msg.ParseFromString(data)
            if msg.WhichOneof("type") == "navigation":  # the page the run routed to
                self.page_hash = msg.navigation.page_script_hash
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


def page_runs(raw: list[bytes]) -> int:
    """Runs of the whole page the server started (a fragment's run alone is not one)."""
    count = 0
    for data in raw:
        msg = lt.ForwardMsg()
        msg.ParseFromString(data)
        count += msg.WhichOneof("type") == "new_session" and not msg.metadata.run.fragment_ids
    return count


def fragment_of(s: Recording, key: str) -> str:
    """The id of the fragment the widget ``key`` was last drawn in ("" for none)."""
    wid, found = s.widget(key).id, ""
    for data in s.raw:
        msg = lt.ForwardMsg()
        msg.ParseFromString(data)
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if getattr(getattr(element, element.WhichOneof("type")), "id", None) == wid:
                found = msg.delta.fragment_id
    return found


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


async def _upload(s: lt.Session, key: str, filename: str, data: bytes):
    """PUT ``data`` for the uploader ``key``: (HTTP status, the uploader's new state)."""
    msg = lt.BackMsg()
    msg.file_urls_request.request_id = uuid.uuid4().hex
    msg.file_urls_request.session_id = s.session_id
    msg.file_urls_request.file_names.append(filename)
    await s.ws.send(msg.SerializeToString())
    while not s.pending:
        reply = lt.ForwardMsg()
        reply.ParseFromString(await asyncio.wait_for(s.ws.recv(), lt.RERUN_TIMEOUT))
        if reply.WhichOneof("type") == "file_urls_response":
            s.pending.append(reply)
    urls = s.pending.pop().file_urls_response.file_urls[0]
    status = await asyncio.to_thread(lt._put_file, s.url, s.cookies, urls.upload_url,
                                     filename, data)
    state = lt.WidgetState(id=s.widget(key).id)
    state.file_uploader_state_value.uploaded_file_info.append(lt.UploadedFileInfo(
        file_id=urls.file_id, name=filename, size=len(data), file_urls=urls))
    return status, state


async def _attack_page(url: str, attack: Attack, data: bytes | None, quick: bool) -> dict:
    """An attack of :data:`NEW_ATTACKS`: a link opened, or a file uploaded on its page."""
    query = attack.query.format(n=attack.quick if quick else attack.full)
    if "|" in query:  # several links, one after the other
        rows = [await _attack_page(url, Attack(attack.page, "", None, 0, 0, q), None, quick)
                for q in query.split("|")]
        return {"status": "link", "exceptions": sum(r["exceptions"] for r in rows),
                "bytes": max(r["bytes"] for r in rows),
                "rendered": sum(r["rendered"] for r in rows),
                "page_runs": sum(r["page_runs"] for r in rows),
                "reruns": sum(r["reruns"] for r in rows)}
    s = Recording(url, attack.page, query)
    await s.open()
    result = await s.run()
    status = "link"
    if data is not None:
        src, label, uploader = attack.uploader
        if src is not None:  # a source control to switch to its upload option first
            state = lt.WidgetState(id=s.widget(src).id)
            state.string_array_value.data.append(label)
            await s.run([state])
        files = data if isinstance(data, list) else [(uploader, attack.filename, data)]
        states, statuses = [], []
        for key, filename, content in files:
            code, state = await _upload(s, key, filename, content)
            statuses.append(code)
            states.append(state)
        status = max(statuses)
        result = await s.run(states)
    reruns = 1 + (data is not None) * (1 + (attack.uploader[0] is not None))
    failed = unexpected = 0
    if attack.forge is not None:
        seen = result.exceptions
        try:
            forged = attack.forge(s)
        except KeyError:  # a first run on a fresh server can end before the page is drawn
            seen += (await s.run()).exceptions
            reruns += 1
            forged = attack.forge(s)
        for item in forged:
            result = await (_rerun(s, item) if isinstance(item, Rerun) else s.run([item]))
            seen += result.exceptions
            reruns += 1
            if isinstance(item, Rerun) and item.expect:
                unexpected += item.expect not in s.query.split("&")
        if any(isinstance(item, Rerun) for item in forged):
            # the page still works: a last plain run of it finishes and shows no error
            result = await s.run()
            seen += result.exceptions
            failed += result.status != lt.ForwardMsg.FINISHED_SUCCESSFULLY
            reruns += 1
        result.exceptions = seen
    await s.close()
    return {"status": status, "exceptions": result.exceptions, "bytes": result.nbytes,
            "rendered": rendered(s.raw), "page_runs": page_runs(s.raw), "reruns": reruns,
            "unfinished": failed, "unexpected": unexpected}


_TRIGGERS = ("trigger_value", "json_trigger_value", "string_trigger_value")


async def _rerun(s: Recording, item: Rerun) -> lt.RunResult:
    """``item`` sent as a browser would: the fragment named runs alone, and a trigger is sent
    with this rerun only (a browser clears it once sent)."""
    s.fragment = fragment_of(s, item.fragment) if item.fragment else ""
    try:
        return await s.run(list(item.states))
    finally:
        s.fragment = ""
        for state in item.states:
            if state.WhichOneof("value") in _TRIGGERS:
                s.states.pop(state.id, None)


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


def _nbytes(data) -> int:
    if isinstance(data, list):
        return sum(len(content) for _, _, content in data)
    return len(data) if data else 0


async def _bystander_rate(pids: list[int], latencies: list, window: float = 2.0) -> float:
    """The server's CPU seconds per second while only the bystander reruns Explore, measured
    over ``window`` seconds after its first rerun (its first page load, dearer, is left out:
    counting it would make the rate, and so what an attack is charged, look smaller)."""
    deadline = time.monotonic() + 60.0
    while not latencies and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    t0, cpu0 = time.monotonic(), lt.cpu_seconds(pids)
    await asyncio.sleep(window)
    return (lt.cpu_seconds(pids) - cpu0) / (time.monotonic() - t0)


async def _open_once(url: str, page: str) -> None:
    """Open ``page`` plainly in a session of its own, then leave."""
    s = lt.Session(url, page)
    await s.open()
    await s.run()
    await s.close()


async def run_attack(served: lt.Served, name: str, quick: bool) -> dict:
    filename, build, full, small, sessions = ATTACKS[name]
    data = build(small if quick else full) if build else None
    latencies: list = []
    samples: list = []
    stop = asyncio.Event()
    if not name.startswith("base_"):  # the page as a server in use has it: served before
        await _open_once(served.url, NEW_ATTACKS[name].page if name in NEW_ATTACKS
                         else "explore")
    bystander = asyncio.create_task(_bystander(served.url, latencies, stop))
    rate = await _bystander_rate(served.pids, latencies)
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
    cpu_own = cpu_during - rate * (t1 - t0)
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(bystander, sampler, return_exceptions=True)
    before = [lat for t, lat in latencies if t < t0]
    during = [lat for t, lat in latencies if t0 <= t <= t1 + 0.5]
    ok = [r for r in results if isinstance(r, dict)]
    return {
        "attack": name, "file_bytes": _nbytes(data), "sessions": sessions,
        "seconds": round(t1 - t0, 2),
        "cpu_seconds": round(cpu_during, 2),
        "cpu_own_seconds": round(cpu_own, 2),
        "bystander_cpu_rate": round(rate, 3),
        "rendered": sum(r.get("rendered", 0) for r in ok),
        "rss_before_mb": round(rss_before / 2**20),
        "rss_peak_mb": round(max([s[2] for s in samples] or [rss_before]) / 2**20),
        "bystander_before_p50": round(lt._q(before, 0.5), 3),
        "bystander_during_p50": round(lt._q(during, 0.5), 3),
        "bystander_during_max": round(max(during or [float("nan")]), 3),
        "exceptions": sum(r["exceptions"] for r in ok),
        "page_runs": sum(r.get("page_runs", 0) for r in ok),
        "reruns": sum(r.get("reruns", 0) for r in ok),
        "unfinished": sum(r.get("unfinished", 0) for r in ok),
        "unexpected": sum(r.get("unexpected", 0) for r in ok),
        "bytes_to_attacker": max([r["bytes"] for r in ok] or [0]),
        "failures": [repr(r) for r in results if not isinstance(r, dict)],
        "put_status": sorted({r["status"] for r in ok}, key=str),
    }


def print_rows(rows: list[dict]) -> None:
    head = ("attack", "file kB", "s", "CPU s total/own", "RSS MB before/peak",
            "bystander p50 before/during, max", "exc", "md", "kB sent", "page runs/reruns")
    print(" | ".join(head))
    for r in rows:
        print(" | ".join([
            f"{r['attack']}" + (f" x{r['sessions']}" if r["sessions"] > 1 else ""),
            f"{r['file_bytes'] / 1000:,.0f}", f"{r['seconds']:.2f}",
            f"{r['cpu_seconds']:.2f}/{r['cpu_own_seconds']:.2f}",
            f"{r['rss_before_mb']}/{r['rss_peak_mb']}",
            f"{r['bystander_before_p50']:.3f}/{r['bystander_during_p50']:.3f}, "
            f"{r['bystander_during_max']:.3f}",
            str(r["exceptions"]), str(r["rendered"]), f"{r['bytes_to_attacker'] / 1000:,.0f}",
            f"{r['page_runs']}/{r['reruns']}"
            + (f" ({r['unfinished']} unfinished)" if r["unfinished"] else "")
            + (f" ({r['unexpected']} unexpected)" if r["unexpected"] else ""),
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
