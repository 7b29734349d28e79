"""Tests for quantviz.gguf_file: goldens from gguf-py, hand-computed blocks, the reader's
refusals of hostile headers, round trips through the writer, and properties.

The golden file (scripts/make_golden_gguf_file.py) holds gguf-py 0.19.0's dequantization of
random and special blocks of every type, its expanded i-quant grids and its type table. The
live tests (gguf importorskip) compare with gguf-py on fresh bytes and read our files with
its GGUFReader.
"""

from __future__ import annotations

import contextlib
import json
import struct
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quantviz.gguf_file import (
    GGML_TYPES,
    GGUFError,
    _grid,
    _ksigns,
    bits_per_weight,
    dequantize,
    ggml_type,
    read_gguf,
    write_gguf,
)

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = np.load(ROOT / "tests" / "data" / "golden_gguf_dequant.npz")
META = json.loads(str(GOLDEN["meta"]))
DECODED = [name for name in META["types"] if name not in META["refused"]]


def bits(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)


# ---------------------------------------------------------------- the type table


def test_type_table_is_gguf_py_s():
    table = {t.name: [t.id, t.block_size, t.type_size] for t in GGML_TYPES.values()}
    assert table == META["types"]


def test_dequantizable_types_are_exactly_those_gguf_py_decodes():
    assert {n for n, t in GGML_TYPES.items() if t.dequantizable} == set(DECODED)
    assert len(DECODED) == 26


def test_bits_per_weight_by_hand():
    assert bits_per_weight("Q4_0") == 4.5  # 8 * (2 + 16) / 32
    assert bits_per_weight("Q4_K") == 4.5  # 8 * (2 + 2 + 128 + 12) / 256 = 8 * 144 / 256
    assert bits_per_weight("Q8_0") == 8.5  # 8 * 34 / 32
    assert bits_per_weight("IQ1_S") == 1.5625  # 8 * 50 / 256
    assert bits_per_weight("F16") == 16.0
    assert bits_per_weight(12) == 4.5  # Q4_K by id
    with pytest.raises(ValueError, match="Q9_9"):
        ggml_type("Q9_9")


# ---------------------------------------------------------------- goldens


@pytest.mark.parametrize("name", DECODED)
def test_dequantize_equals_gguf_py_bit_for_bit(name):
    raw, shape = GOLDEN[f"{name}/raw"], tuple(GOLDEN[f"{name}/shape"])
    expected = GOLDEN[f"{name}/x_hat"]
    x_hat = dequantize(raw, name, shape)
    assert x_hat.dtype == np.float32 and x_hat.shape == shape
    np.testing.assert_array_equal(bits(x_hat), expected)
    # the same bytes given flat, or as bytes, decode the same
    np.testing.assert_array_equal(bits(dequantize(raw.tobytes(), name, shape)), expected)


def test_goldens_hold_inf_nan_and_negative_zero():
    # a golden set without the edge cases could not catch their mishandling
    all_bits = np.concatenate([GOLDEN[f"{n}/x_hat"].ravel() for n in DECODED])
    x = all_bits.view(np.float32)
    assert np.isposinf(x).sum() > 100 and np.isneginf(x).sum() > 100
    nan_bits = np.unique(all_bits[np.isnan(x)])
    assert len(nan_bits) > 30  # many NaN payloads...
    assert (nan_bits >> 31).min() == 0 and (nan_bits >> 31).max() == 1  # ...of both signs
    assert (all_bits == 0x80000000).sum() > 100  # -0


@pytest.mark.parametrize("name", ["IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ1_S"])
def test_grids_equal_gguf_py_s(name):
    np.testing.assert_array_equal(_grid(name), GOLDEN[f"grid/{name}"].astype(np.float32))


def test_ksigns_equal_gguf_py_s():
    np.testing.assert_array_equal(_ksigns(), GOLDEN["ksigns"])


@pytest.mark.parametrize("name", ["Q8_1", "Q8_K", "I8", "I16", "I32", "I64", "F64", "Q1_0"])
def test_types_gguf_py_cannot_decode_are_refused_by_name(name):
    t = GGML_TYPES[name]
    with pytest.raises(ValueError, match=f"Tensor type {name} cannot be dequantized"):
        dequantize(np.zeros(t.type_size, np.uint8), name, (t.block_size,))


# ---------------------------------------------------------------- hand-computed blocks


def test_q4_0_block_by_hand():
    # d = 0.5 (float16 0x3800); byte j holds weight j (low nibble) and weight j + 16 (high)
    # byte 0 = 0x1F: weight 0 = (15 - 8) * 0.5 = 3.5, weight 16 = (1 - 8) * 0.5 = -3.5
    block = np.zeros(18, np.uint8)
    block[0:2] = np.array([0x3800], "<u2").view(np.uint8)
    block[2:] = 0x88  # every other weight (8 - 8) * 0.5 = 0
    block[2] = 0x1F
    x_hat = dequantize(block, "Q4_0", (32,))
    assert x_hat[0] == 3.5 and x_hat[16] == -3.5
    assert np.count_nonzero(x_hat) == 2


def test_q8_0_with_an_infinite_scale_gives_inf_nan_and_signs():
    # d = +inf (0x7C00): q = 1 -> inf, q = -1 -> -inf, q = 0 -> inf * 0 = NaN
    block = np.zeros(34, np.uint8)
    block[0:2] = np.array([0x7C00], "<u2").view(np.uint8)
    block[2:5] = np.array([1, -1, 0], np.int8).view(np.uint8)
    x_hat = dequantize(block, "Q8_0", (32,))
    assert x_hat[0] == np.inf and x_hat[1] == -np.inf and np.isnan(x_hat[2])


def test_q4_1_negative_zero_survives():
    # d = 0, m = -0 (0x8000): 0 * q + (-0) = +0 + -0 = +0 under round-to-nearest
    # d = -0, m = -0: (-0 * 0) + -0 = -0 (q = 0)
    block = np.zeros(20, np.uint8)
    block[0:4] = np.array([0x8000, 0x8000], "<u2").view(np.uint8)
    x_hat = dequantize(block, "Q4_1", (32,))
    assert np.all(bits(x_hat) == 0x80000000)


def test_bad_shapes_and_sizes_are_refused_with_sentences():
    with pytest.raises(ValueError, match="not a multiple of the Q4_K block size 256"):
        dequantize(np.zeros(144, np.uint8), "Q4_K", (128,))
    with pytest.raises(ValueError, match="143 bytes do not hold a Q4_K tensor"):
        dequantize(np.zeros(143, np.uint8), "Q4_K", (256,))
    with pytest.raises(ValueError, match="dtype float32"):
        dequantize(np.zeros(36, np.float32), "Q4_K", (256,))


# ---------------------------------------------------------------- writer and reader


def sample_tensors(rng: np.random.Generator) -> dict:
    def random(name: str, shape: tuple[int, ...]) -> tuple:
        t = GGML_TYPES[name]
        n = int(np.prod(shape)) // t.block_size * t.type_size
        return (name, rng.integers(0, 256, n, dtype=np.uint8), shape)

    return {
        "token_embd.weight": random("Q4_K", (3, 512)),
        "blk.0.attn_q.weight": random("IQ2_XXS", (2, 256)),
        "blk.0.ffn_down.weight": random("Q8_0", (4, 2, 64)),
        "output_norm.weight": ("F32", np.arange(5, dtype=np.float32).view(np.uint8), (5,)),
        "empty": ("F16", b"", (0, 8)),
        "ints": random("I8", (4,)),
    }


SAMPLE_METADATA = {
    "general.architecture": "llama",
    "general.name": "tiny \u00fc\u4e2d",
    "general.alignment": 64,
    "llama.rope.freq_base": 10000.5,
    "general.quantized": True,
    "tokenizer.ggml.tokens": ["<s>", "</s>", "\u2581a", ""],
    "tokenizer.ggml.scores": np.array([0.0, -1.5, 2.25, 3.0], np.float32),
    "x.u64": ("uint64", 2**64 - 1),
    "x.i8s": ("array[int8]", [-128, 127]),
    "x.nested": [[1, 2], [3]],
}


def test_write_then_read_round_trip():
    rng = np.random.default_rng(0)
    tensors = sample_tensors(rng)
    f = read_gguf(write_gguf(tensors, SAMPLE_METADATA))
    assert (f.version, f.tensor_count, f.kv_count, f.alignment) == (3, 6, 10, 64)
    assert f.data_offset % 64 == 0
    assert f.metadata["general.name"] == "tiny \u00fc\u4e2d"
    assert f.metadata_types["general.alignment"] == "uint32"
    assert f.metadata_types["x.nested"] == "array[array[int32]]"
    assert f.metadata["tokenizer.ggml.tokens"] == ("<s>", "</s>", "\u2581a", "")
    np.testing.assert_array_equal(f.metadata["tokenizer.ggml.scores"], [0.0, -1.5, 2.25, 3.0])
    assert f.metadata["x.u64"] == 2**64 - 1
    assert f.metadata["llama.rope.freq_base"] == float(np.float32(10000.5))
    rows = {row.name: row for row in f.tensor_rows()}
    assert rows["token_embd.weight"].shape == (3, 512)
    assert rows["token_embd.weight"].nbytes == 3 * 2 * 144
    assert rows["blk.0.ffn_down.weight"].bits_per_weight == 8.5
    assert f.tensor_info("blk.0.ffn_down.weight").dims == (64, 2, 4)  # reversed numpy shape
    for name, (qtype, raw, shape) in tensors.items():
        np.testing.assert_array_equal(f.raw(name), np.frombuffer(bytes(raw), np.uint8))
        if GGML_TYPES[qtype].dequantizable:
            np.testing.assert_array_equal(bits(f.tensor(name)), bits(dequantize(raw, qtype, shape)))
    with pytest.raises(GGUFError, match="I8 cannot be dequantized"):
        f.tensor("ints")


def test_tensor_refuses_unknown_names_and_oversized_decodes():
    f = read_gguf(write_gguf(sample_tensors(np.random.default_rng(1)), {}),
                  max_decoded_bytes=4 * 1000)
    with pytest.raises(GGUFError, match="no tensor named 'nope'.*'token_embd.weight'"):
        f.tensor("nope")
    # 3 x 512 weights = 6,144 bytes of float32 > 4,000
    with pytest.raises(GGUFError, match="6,144 bytes of float32, above the limit of 4,000"):
        f.tensor("token_embd.weight")
    assert f.tensor("output_norm.weight").tolist() == [0, 1, 2, 3, 4]


def test_writer_refuses_bad_input_with_sentences():
    with pytest.raises(ValueError, match="10 bytes given, but Q8_0 of shape \\(32,\\) takes 34"):
        write_gguf({"w": ("Q8_0", bytes(10), (32,))})
    with pytest.raises(ValueError, match="power of two"):
        write_gguf({}, {"general.alignment": 48})
    with pytest.raises(ValueError, match="empty list"):
        write_gguf({}, {"x": []})
    with pytest.raises(ValueError, match="item 300 does not fit uint8"):
        write_gguf({}, {"x": ("array[uint8]", [1, 300])})
    with pytest.raises(ValueError, match="longer than 63 bytes"):
        write_gguf({"n" * 64: ("F32", bytes(4), (1,))})


def test_gguf_py_reads_our_file_identically(tmp_path):
    gguf = pytest.importorskip("gguf")
    tensors = sample_tensors(np.random.default_rng(2))
    blob = write_gguf(tensors, SAMPLE_METADATA)
    (tmp_path / "x.gguf").write_bytes(blob)
    reader = gguf.GGUFReader(tmp_path / "x.gguf")
    ours = read_gguf(blob)
    fields = {k: v for k, v in reader.fields.items() if not k.startswith("GGUF.")}
    assert list(fields) == list(ours.metadata)
    for key, fld in fields.items():
        value = ours.metadata[key]
        flat = _flatten(value)
        assert fld.contents() == flat, key
        assert _type_names(fld.types) == ours.metadata_types[key], key
    assert reader.data_offset == ours.data_offset and reader.alignment == ours.alignment
    for t in reader.tensors:
        info = ours.tensor_info(t.name)
        assert (t.tensor_type.name, tuple(t.shape.tolist())) == (info.type, info.dims)
        assert t.data_offset == ours.data_offset + info.offset and t.n_bytes == info.nbytes
        np.testing.assert_array_equal(t.data.reshape(-1).view(np.uint8), ours.raw(t.name))
        if GGML_TYPES[info.type].dequantizable:
            expected = gguf.quants.dequantize(t.data, t.tensor_type)
            np.testing.assert_array_equal(bits(ours.tensor(t.name)), bits(expected))


def _flatten(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return [x for v in value for x in (_flatten(v) if not isinstance(v, str) else [v])]
    return value


def _type_names(types) -> str:
    names = [t.name.lower() for t in types]
    out = names[-1]
    for _ in names[:-1]:
        out = f"array[{out}]"
    return out


def test_dequantize_equals_gguf_py_on_fresh_bytes():
    gguf = pytest.importorskip("gguf")
    rng = np.random.default_rng()
    for name in DECODED:
        t = GGML_TYPES[name]
        raw = rng.integers(0, 256, (3, 5 * t.type_size), dtype=np.uint8)
        with np.errstate(all="ignore"):
            expected = gguf.quants.dequantize(raw, gguf.GGMLQuantizationType[name])
        x_hat = dequantize(raw, name, (3, 5 * t.block_size))
        np.testing.assert_array_equal(bits(x_hat), bits(expected), err_msg=name)


# ---------------------------------------------------------------- hostile headers


def gstr(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def header(n_tensors: int = 0, n_kv: int = 0, version: int = 3) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", version, n_tensors, n_kv)


def kv(key: str | bytes, vtype: int, payload: bytes) -> bytes:
    return gstr(key) + struct.pack("<I", vtype) + payload


def tinfo(name: str, dims: tuple[int, ...], type_id: int = 0, offset: int = 0) -> bytes:
    return gstr(name) + struct.pack(f"<I{len(dims)}QIQ", len(dims), *dims, type_id, offset)


def nested(depth: int) -> bytes:
    return struct.pack("<IQ", 9, 1) * depth + struct.pack("<IQ", 0, 0)


HOSTILE = {
    "empty file": (b"", "needs 4"),
    "wrong magic": (b"GGML" + bytes(20), "not a GGUF file"),
    "version 1": (header(version=1), "version 1"),
    "version 4": (header(version=4), "version 4 is not supported"),
    "big-endian": (b"GGUF" + struct.pack(">I", 3) + bytes(16), "big-endian"),
    "truncated header": (header()[:-3], "truncated"),
    "tensor count 2^63": (header(n_tensors=2**63), "9,223,372,036,854,775,808 tensors"),
    "kv count 2^64-1": (header(n_kv=2**64 - 1), "metadata keys, above the limit"),
    "kv count beyond bytes": (header(n_kv=5000), "5,000 keys"),
    "tensor count beyond bytes": (header(n_tensors=99_000) + bytes(100), "99,000 tensor infos"),
    "key length beyond file": (header(n_kv=1) + struct.pack("<Q", 100) + bytes(13), "100 bytes"),
    "key length 2^62": (header(n_kv=1) + struct.pack("<Q", 2**62) + bytes(13), "above the limit"),
    "invalid utf-8 key": (header(n_kv=1) + kv(b"\xff\xfe", 4, bytes(4)), "not valid UTF-8"),
    "duplicate key": (header(n_kv=2) + kv("a", 4, bytes(4)) * 2, "'a' appears twice"),
    "unknown value type": (header(n_kv=1) + kv("a", 13, bytes(4)), "value type 13"),
    "bool 2": (header(n_kv=1) + kv("a", 7, b"\x02"), "bool stored as 2"),
    "array of 2^62 bytes": (
        header(n_kv=1) + kv("a", 9, struct.pack("<IQ", 0, 2**62)), "above|more than"),
    "array longer than file": (
        header(n_kv=1) + kv("a", 9, struct.pack("<IQ", 4, 1000)) + bytes(8), "1,000 uint32"),
    "array of 10^6 strings": (
        header(n_kv=1) + kv("a", 9, struct.pack("<IQ", 8, 10**6)) + bytes(64), "strings"),
    "deeply nested arrays": (header(n_kv=1) + kv("a", 9, nested(200)), "nests arrays 4 deep"),
    "alignment 48": (header(n_kv=1) + kv("general.alignment", 4, struct.pack("<I", 48)),
                     "not a power of two"),
    "alignment as string": (header(n_kv=1) + kv("general.alignment", 8, gstr("32")),
                            "must be a uint32"),
    "n_dims 9": (header(n_tensors=1) + tinfo("t", (1,) * 9), "9 dimensions"),
    "dim beyond int64": (header(n_tensors=1) + tinfo("t", (2**63,)), "beyond int64"),
    "dims product overflow": (header(n_tensors=1) + tinfo("t", (2**32, 2**32)), "beyond int64"),
    "unknown tensor type": (header(n_tensors=1) + tinfo("t", (4,), 99), "ggml type 99"),
    "row not whole blocks": (header(n_tensors=1) + tinfo("t", (33,), 2), "block size 32"),
    "name too long": (header(n_tensors=1) + tinfo("n" * 64, (1,)), "64 bytes long"),
    "offset beyond file": (header(n_tensors=1) + tinfo("t", (4,), 0, 2**40), "past the end"),
    "data beyond file": (header(n_tensors=1) + tinfo("t", (2**40,)), "past the end"),
    "misaligned offset": (header(n_tensors=1) + tinfo("t", (1,), 0, 4) + bytes(64),
                          "not a multiple of the alignment 32"),
    "overlapping tensors": (  # a: 16 float32 = bytes 0..64, b starts at 32
        header(n_tensors=2) + tinfo("a", (16,)) + tinfo("b", (16,), 0, 32) + bytes(200),
        "'a' and 'b' overlap"),
    "same offsets": (header(n_tensors=2) + tinfo("a", (16,)) + tinfo("b", (16,)) + bytes(200),
                     "overlap"),
    "duplicate tensor": (header(n_tensors=2) + tinfo("a", (1,)) + tinfo("a", (1,), 0, 32)
                         + bytes(200), "Two tensors are named 'a'"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_headers_are_refused_fast_and_small(case):
    data, message = HOSTILE[case]
    with pytest.raises(GGUFError, match=message) as info:
        read_gguf(data)
    assert info.value.args[0].endswith(".")  # a sentence
    tracemalloc.start()
    with pytest.raises(GGUFError):
        read_gguf(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2**20, f"{case} allocated {peak:,} bytes"
    elapsed = min(_seconds(read_gguf, data) for _ in range(3))  # best of 3: a shared machine
    assert elapsed < 0.01, f"{case} took {elapsed * 1e3:.1f} ms"


def _seconds(fn, data: bytes) -> float:
    start = time.perf_counter()
    with pytest.raises(GGUFError):
        fn(data)
    return time.perf_counter() - start


def test_adjacent_tensors_are_accepted():
    # a: 16 float32 = 64 bytes at 0..64; b at 64: touching, not overlapping
    data = header(n_tensors=2) + tinfo("a", (16,)) + tinfo("b", (16,), 0, 64)
    data += bytes(-len(data) % 32) + bytes(128)
    assert [t.offset for t in read_gguf(data).tensors] == [0, 64]


def test_limits_can_be_lowered():
    data = write_gguf({"w": ("F32", bytes(16), (4,))}, {"general.name": "abcdef"})
    with pytest.raises(GGUFError, match="limit of 5 bytes per string"):
        read_gguf(data, max_string=5)
    with pytest.raises(GGUFError, match="1 tensors, above the limit of 0"):
        read_gguf(data, max_tensors=0)
    vocab = write_gguf({}, {"tokens": ["a"] * 10})
    with pytest.raises(GGUFError, match="10 elements"):
        read_gguf(vocab, max_array=9)


def test_every_truncation_of_a_valid_file_is_refused():
    data = write_gguf(sample_tensors(np.random.default_rng(3)), SAMPLE_METADATA)
    f = read_gguf(data)
    last_byte = max(f.data_offset + t.offset + t.nbytes for t in f.tensors)
    assert last_byte > len(data) - 64  # only the last tensor's padding follows
    for end in range(0, last_byte, 7):
        with pytest.raises(GGUFError):
            read_gguf(data[:end])


VALID = write_gguf(sample_tensors(np.random.default_rng(4)), SAMPLE_METADATA)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_raise_only_gguf_errors(tail):
    # any other exception fails the test: a refusal is a GGUFError with a sentence
    for data in (tail, b"GGUF" + tail, b"GGUF\x03\x00\x00\x00" + tail):
        with contextlib.suppress(GGUFError):
            read_gguf(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=8),
       st.integers(0, len(VALID)))
def test_corrupted_files_raise_only_gguf_errors_or_read(edits, end):
    data = bytearray(VALID)
    for position, value in edits:
        data[position] = value
    try:
        f = read_gguf(bytes(data[:end]))
    except GGUFError:
        return
    for info in f.tensors:  # whatever was accepted decodes or is refused with a sentence
        with contextlib.suppress(GGUFError):
            f.tensor(info.name)


def test_an_array_inside_an_array_costs_more_of_the_budget():
    # 100 empty inner arrays: 100 elements of the outer array, each charged
    # NESTED_ARRAY_COST = 8, so 800 in all (4M of them took 25 s and 1.3 GB when charged 1)
    data = header(n_kv=1) + kv("a", 9, struct.pack("<IQ", 9, 100) + struct.pack("<IQ", 0, 0) * 100)
    assert len(read_gguf(data, max_array=800).metadata["a"]) == 100
    with pytest.raises(GGUFError, match="claims 700 elements"):
        read_gguf(data, max_array=799)


@pytest.mark.parametrize(("item", "message"), [
    (gstr("ok")[:-1], "truncated"),  # the last string ends one byte early
    (struct.pack("<Q", 2) + b"\xff\xfe", "String 2 of metadata key 'a' at offset .* not valid"),
    (gstr("x" * 40), "String 2 of metadata key 'a' at offset .* claims 40 bytes, above the lim"),
])
def test_an_array_of_strings_refuses_each_bad_string_with_its_sentence(item, message):
    data = header(n_kv=1) + kv("a", 9, struct.pack("<IQ", 8, 3) + gstr("u") + gstr("vw") + item)
    with pytest.raises(GGUFError, match=message):
        read_gguf(data, max_string=32)
    good = header(n_kv=1) + kv("a", 9, struct.pack("<IQ", 8, 3) + gstr("u") + gstr("") + gstr("é"))
    assert read_gguf(good).metadata["a"] == ("u", "", "é")
