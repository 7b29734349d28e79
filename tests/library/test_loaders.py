"""Tests for quantviz.loaders: a corpus of good and hostile files, all built here in memory."""

from __future__ import annotations

import io
import json
import re
import struct
import time
import tracemalloc
import zipfile
import zlib
from functools import cache
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
import safetensors
import safetensors.numpy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quantviz.loaders import (
    ACCEPTED_EXTENSIONS,
    ACCEPTED_TEXT,
    NonFiniteError,
    TensorInfo,
    TensorLoadError,
    describe_tensors,
    load_tensor,
    load_tensors,
)

# ---------------------------------------------------------------------------------------------
# builders


def npy_bytes(arr: np.ndarray, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, **kwargs)
    return buf.getvalue()


def npy_header(descr: str, shape: tuple[int, ...], fortran_order: bool = False) -> bytes:
    """A version 1.0 .npy header, written by hand (no data after it)."""
    text = f"{{'descr': {descr!r}, 'fortran_order': {fortran_order}, 'shape': {shape!r}, }}"
    text += " " * (-(10 + len(text) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin-1")


def npz_bytes(compressed: bool = False, **arrays: np.ndarray) -> bytes:
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()


def safetensors_bytes(tensors: dict[str, tuple[str, list[int], bytes]], **extra: object) -> bytes:
    """A .safetensors file byte by byte: u64 LE header length, JSON header, data buffer."""
    header: dict[str, object] = dict(extra)
    data = b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {
            "dtype": dtype,
            "shape": shape,
            "data_offsets": [len(data), len(data) + len(raw)],
        }
        data += raw
    return safetensors_raw(header, data)


def safetensors_raw(header: object, data: bytes) -> bytes:
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # the reference writer pads the header to 8 bytes
    return struct.pack("<Q", len(text)) + text + data


def zip_bytes(members: list[tuple[str, bytes, int, int, int, int]]) -> bytes:
    """A zip archive written by hand, so its sizes and checksums can lie.

    Each member is (name, payload, method, declared file_size, crc32, flags); the payload is
    stored as is (raw deflate for method 8).
    """
    local, central = b"", b""
    for name, payload, method, file_size, crc, flags in members:
        fields = (20, flags, method, 0, 0x21, crc, len(payload), file_size, len(name), 0)
        offset = len(local)
        local += struct.pack("<4s5H3I2H", b"PK\x03\x04", *fields) + name.encode() + payload
        central += (
            struct.pack("<4s6H3I5HII", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset)
            + name.encode()
        )
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(central), len(local), 0)  # fmt: skip
    return local + central + end


def deflate_zeros(prefix: bytes, mib: int) -> bytes:
    """Raw deflate of ``prefix`` then ``mib`` MiB of zeros, about 1 KB per MiB, made quickly.

    After a full flush a deflate block depends on nothing before it, so the block for one MiB
    of zeros can be repeated ``mib`` times.
    """
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = co.compress(prefix) + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(bytes(2**20)) + co.flush(zlib.Z_FULL_FLUSH)
    return head + block * mib + co.flush()


@cache
def zip_bomb() -> tuple[bytes, int]:
    """An .npz whose member truly inflates to 1 GiB of float32 zeros; ~1 MB compressed."""
    n = 2**28  # 2^28 float32 values * 4 bytes = 2^30 bytes = 1 GiB
    header = npy_header("<f4", (n,))
    crc = zlib.crc32(header)
    zeros = bytes(2**20)
    for _ in range(1024):
        crc = zlib.crc32(zeros, crc)
    member = ("w.npy", deflate_zeros(header, 1024), 8, len(header) + 4 * n, crc, 0)
    return zip_bytes([member]), n


def peak_bytes(fn, *args, **kwargs) -> tuple[int, object]:
    """Peak memory traced while ``fn`` runs (numpy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    try:
        result = fn(*args, **kwargs)
    except TensorLoadError as exc:
        result = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, result


def load_or_refuse(filename: str, data: bytes, **kwargs: object) -> dict | None:
    """The loader's promise: a dict of float arrays, or TensorLoadError; nothing else."""
    try:
        tensors = load_tensors(filename, data, **kwargs)
    except TensorLoadError:
        return None
    assert isinstance(tensors, dict) and tensors
    for x in tensors.values():
        assert x.dtype in (np.float32, np.float64)
        assert x.size > 0 and np.all(np.isfinite(x))
    return tensors


# ---------------------------------------------------------------------------------------------
# constants


def test_accepted_constants_name_every_format_in_one_line() -> None:
    assert ACCEPTED_EXTENSIONS == (".npy", ".npz", ".safetensors", ".gguf", ".csv", ".tsv", ".txt")
    assert "\n" not in ACCEPTED_TEXT
    for ext in ACCEPTED_EXTENSIONS:
        assert ext in ACCEPTED_TEXT
    assert issubclass(TensorLoadError, ValueError)


# ---------------------------------------------------------------------------------------------
# good files, known values


def test_npy_float32_keeps_values_shape_and_takes_the_stem_as_name() -> None:
    x = np.array([[0.5, -1.25, 3.0], [1e-3, 2.0, -7.5]], dtype=np.float32)
    tensors = load_tensors("layer1.weight.npy", npy_bytes(x))
    assert list(tensors) == ["layer1.weight"]
    out = tensors["layer1.weight"]
    assert out.dtype == np.float32 and out.shape == (2, 3)
    np.testing.assert_array_equal(out, x)
    out[0, 0] = 9.0  # the result is a writable copy, not a view of the upload
    assert out.flags.writeable


@pytest.mark.parametrize(
    ("descr", "values", "out_dtype"),
    [
        (">f4", [1.5, -2.25, 1e30], np.float32),
        (">f8", [0.1, -1e300, 5e-324], np.float64),
        (">i2", [-32768, 258, 32767], np.float32),
    ],
)
def test_big_endian_npy_loads_correct_values(descr: str, values: list, out_dtype: type) -> None:
    x = np.array(values, dtype=descr)
    data = npy_bytes(x)
    assert f"'{descr}'".encode() in data  # really stored big-endian
    out = load_tensors("be.npy", data)["be"]
    assert out.dtype == out_dtype
    np.testing.assert_array_equal(out, np.array(values, dtype=out_dtype))
    # 258 = 0x0102: read with the wrong byte order it would be 0x0201 = 513
    if descr == ">i2":
        assert out[1] == 258.0


def test_int8_npy_becomes_float32_with_the_same_values() -> None:
    x = np.array([-128, -1, 0, 1, 127], dtype=np.int8)
    out = load_tensors("codes.npy", npy_bytes(x))["codes"]
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [-128.0, -1.0, 0.0, 1.0, 127.0])


def test_float16_becomes_float32_and_float64_stays_float64() -> None:
    # 65504 = (2 - 2^-10) * 2^15 is float16's largest finite value; exact in float32
    half = load_tensors("h.npy", npy_bytes(np.array([65504, -0.5], np.float16)))["h"]
    assert half.dtype == np.float32
    np.testing.assert_array_equal(half, [65504.0, -0.5])
    double = load_tensors("d.npy", npy_bytes(np.array([0.1, 1e-310])))["d"]
    assert double.dtype == np.float64
    np.testing.assert_array_equal(double, [0.1, 1e-310])


def test_fortran_order_npy_keeps_the_logical_layout() -> None:
    x = np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))
    data = npy_bytes(x)
    assert b"'fortran_order': True" in data
    out = load_tensors("f.npy", data)["f"]
    np.testing.assert_array_equal(out, [[0, 1, 2], [3, 4, 5]])
    assert out.flags.c_contiguous


def test_npy_format_versions_2_and_3_are_read() -> None:
    x = np.array([1.0, 2.0], np.float32)
    for version in ((2, 0), (3, 0)):
        buf = io.BytesIO()
        np.lib.format.write_array(buf, x, version=version)
        np.testing.assert_array_equal(load_tensors("v.npy", buf.getvalue())["v"], x)


@pytest.mark.parametrize("compressed", [False, True])
def test_npz_two_arrays_by_name(compressed: bool) -> None:
    a = np.array([[1.0, -2.0], [3.0, 4.5]])
    b = np.array([-3, 7], dtype=np.int16)
    tensors = load_tensors("pair.npz", npz_bytes(compressed, a=a, bias=b))
    assert list(tensors) == ["a", "bias"]
    assert tensors["a"].dtype == np.float64 and tensors["bias"].dtype == np.float32
    np.testing.assert_array_equal(tensors["a"], a)
    np.testing.assert_array_equal(tensors["bias"], [-3.0, 7.0])


def test_csv_with_a_header_row_is_2d_float64() -> None:
    data = b"w0,w1,w2\n1.5,-2,0.25\n4e-3, 8 ,-0\n"
    out = load_tensors("weights.csv", data)["weights"]
    assert out.dtype == np.float64 and out.shape == (2, 3)
    np.testing.assert_array_equal(out, [[1.5, -2.0, 0.25], [0.004, 8.0, -0.0]])


def test_tsv_with_header_and_crlf_line_ends() -> None:
    data = b"a\tb\r\n1\t2\r\n-3.5\t4\r\n"
    out = load_tensors("t.tsv", data)["t"]
    np.testing.assert_array_equal(out, [[1.0, 2.0], [-3.5, 4.0]])


def test_whitespace_txt_skips_blank_lines_and_comments() -> None:
    data = b"# activations of layer 3\n  1.0   2.0 3\n\n4 5\t6  # last row\n"
    out = load_tensors("acts.txt", data)["acts"]
    np.testing.assert_array_equal(out, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def test_one_column_of_text_is_1d_and_a_bom_or_latin1_header_is_fine() -> None:
    out = load_tensors("col.csv", "\ufeffvalue\n0.5\n-1\n2\n".encode())["col"]
    assert out.shape == (3,)
    np.testing.assert_array_equal(out, [0.5, -1.0, 2.0])
    latin1 = "Gewicht \u00b5\n1\n2\n".encode("latin-1")  # not valid UTF-8
    np.testing.assert_array_equal(load_tensors("l.csv", latin1)["l"], [1.0, 2.0])


# safetensors written byte by byte; every value's bits worked out by hand:
# BF16 (1 sign, 8 exponent bits biased by 127, 7 mantissa bits):
#   0x3F80: exp 127 -> 2^0, mantissa 0 -> 1.0
#   0xC040: sign -, exp 128 -> 2^1, mantissa 0x40/128 = 0.5 -> -(1.5 * 2) = -3.0
#   0x3E80: exp 125 -> 2^-2 -> 0.25
#   0x4049: exp 128 -> 2^1, mantissa 0x49/128 = 73/128 -> (1 + 73/128) * 2 = 3.140625
# F16 (1 sign, 5 exponent bits biased by 15, 10 mantissa bits):
#   0x3C00 -> 1.0;  0xC200: sign -, exp 16 -> 2, mantissa 512/1024 -> -3.0
#   0x7BFF: exp 30 -> 2^15, mantissa 1023/1024 -> (2 - 2^-10) * 2^15 = 65504
#   0x0001: subnormal, 1 * 2^-24 = 5.9604644775390625e-08
BF16_BITS, BF16_VALUES = (0x3F80, 0xC040, 0x3E80, 0x4049), [1.0, -3.0, 0.25, 3.140625]
F16_BITS, F16_VALUES = (0x3C00, 0xC200, 0x7BFF, 0x0001), [1.0, -3.0, 65504.0, 2.0**-24]
F32_VALUES = [0.1, -1e30]


def hand_checkpoint() -> bytes:
    return safetensors_bytes(
        {
            "bf": ("BF16", [2, 2], struct.pack("<4H", *BF16_BITS)),
            "half": ("F16", [4], struct.pack("<4H", *F16_BITS)),
            "single": ("F32", [2], struct.pack("<2f", *F32_VALUES)),
        },
        __metadata__={"format": "pt"},
    )


def test_safetensors_written_by_hand_bf16_f16_f32() -> None:
    tensors = load_tensors("model.safetensors", hand_checkpoint())
    assert list(tensors) == ["bf", "half", "single"]
    assert all(x.dtype == np.float32 for x in tensors.values())
    np.testing.assert_array_equal(tensors["bf"], np.reshape(BF16_VALUES, (2, 2)))
    np.testing.assert_array_equal(tensors["half"], F16_VALUES)
    np.testing.assert_array_equal(tensors["single"], np.float32(F32_VALUES))


def test_hand_written_safetensors_agrees_with_the_reference_reader() -> None:
    reference = dict(safetensors.deserialize(hand_checkpoint()))
    ours = load_tensors("model.safetensors", hand_checkpoint())
    for name, spec in reference.items():
        dtype = {"BF16": ml_dtypes.bfloat16, "F16": "<f2", "F32": "<f4"}[spec["dtype"]]
        expected = np.frombuffer(bytes(spec["data"]), dtype=dtype).reshape(spec["shape"])
        np.testing.assert_array_equal(ours[name], expected.astype(np.float32))


def test_safetensors_written_by_the_safetensors_package() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5))
    arrays = {
        "bf16": x.astype(ml_dtypes.bfloat16),
        "f16": x.astype(np.float16),
        "f32": x.astype(np.float32),
        "f64": x,
        "fp8": x.astype(ml_dtypes.float8_e4m3fn),
        "i8": np.array([-128, 0, 127], np.int8),
        "u8": np.array([0, 255], np.uint8),
        "i16": np.array([-32768, 32767], np.int16),
        "u16": np.array([65535], np.uint16),
        "i32": np.array([-(2**31), 2**24], np.int32),
        "u32": np.array([2**24], np.uint32),
        "i64": np.array([-(2**24), 3], np.int64),
        "u64": np.array([2**24], np.uint64),
    }
    tensors = load_tensors("ref.safetensors", safetensors.numpy.save(arrays))
    assert set(tensors) == set(arrays)
    for name, arr in arrays.items():
        out_dtype = np.float64 if name == "f64" else np.float32
        assert tensors[name].dtype == out_dtype, name
        np.testing.assert_array_equal(tensors[name], arr.astype(out_dtype), err_msg=name)


def test_describe_and_load_tensor_on_a_multi_tensor_checkpoint() -> None:
    w = np.arange(12, dtype=np.float32).reshape(3, 4)
    data = safetensors.numpy.save(
        {
            "layer.weight": w,
            "layer.bias": np.array([0.5, np.nan, 1.0, 2.0], np.float32),  # refused if decoded
            "embed": np.zeros((1000, 100), ml_dtypes.bfloat16),  # over the limit below
        }
    )
    infos = describe_tensors("ckpt.safetensors", data)
    assert {i.name: i for i in infos} == {
        "layer.weight": TensorInfo("layer.weight", (3, 4), "float32", 12),
        "layer.bias": TensorInfo("layer.bias", (4,), "float32", 4),
        "embed": TensorInfo("embed", (1000, 100), "bfloat16", 100_000),
    }
    # only the named tensor is decoded and size-checked: the others would be refused
    out = load_tensor("ckpt.safetensors", data, "layer.weight", max_elements=1000)
    np.testing.assert_array_equal(out, w)
    with pytest.raises(TensorLoadError, match="1 values that are not finite"):
        load_tensors("ckpt.safetensors", data)
    with pytest.raises(TensorLoadError, match="100,000 elements"):
        load_tensor("ckpt.safetensors", data, "embed", max_elements=1000)
    with pytest.raises(TensorLoadError, match="no tensor named 'nope'.*'layer.weight'"):
        load_tensor("ckpt.safetensors", data, "nope")


def test_describe_npz_reads_member_headers_only() -> None:
    b = np.arange(10_000, dtype=np.int32)  # 40 KB: far more than zipfile reads for a header
    data = bytearray(npz_bytes(a=np.ones(3, np.float32), b=b))
    data[data.index(b.tobytes()) + 39_990] ^= 0xFF  # corrupt a late value: its CRC-32 breaks
    data = bytes(data)
    assert describe_tensors("two.npz", data) == [
        TensorInfo("a", (3,), "float32", 3),
        TensorInfo("b", (10_000,), "int32", 10_000),
    ]
    np.testing.assert_array_equal(load_tensor("two.npz", data, "a"), [1.0, 1.0, 1.0])
    with pytest.raises(TensorLoadError, match="damaged"):
        load_tensor("two.npz", data, "b")


def test_describe_single_array_files_use_the_stem() -> None:
    assert describe_tensors("w.npy", npy_bytes(np.zeros((2, 5), ">f8"))) == [
        TensorInfo("w", (2, 5), "float64", 10)
    ]
    assert describe_tensors("x.csv", b"a,b\n1,2\n3,4\n5,6\n") == [
        TensorInfo("x", (3, 2), "float64", 6)
    ]
    np.testing.assert_array_equal(load_tensor("x.csv", b"1\n2\n", "x"), [1.0, 2.0])


# ---------------------------------------------------------------------------------------------
# refusals: pickles


class _WritesAFile:
    """Unpickling this calls ``_write_marker(path)``: what a hostile pickle would do."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple:
        return (_write_marker, (self.path,))


def _write_marker(path: str) -> None:
    Path(path).write_text("unpickled")


def test_object_array_npy_is_refused_without_unpickling(tmp_path: Path) -> None:
    marker = tmp_path / "unpickled.txt"
    evil = np.array([_WritesAFile(str(marker))], dtype=object)
    data = npy_bytes(evil, allow_pickle=True)
    for filename, payload in (("evil.npy", data), ("evil.npz", npz_bytes(w=evil))):
        with pytest.raises(TensorLoadError, match="unpickling"):
            load_tensors(filename, payload)
        with pytest.raises(TensorLoadError, match="unpickling"):
            describe_tensors(filename, payload)
        assert not marker.exists()
    # the payload is live: numpy with allow_pickle=True does write the file
    np.load(io.BytesIO(data), allow_pickle=True)
    assert marker.read_text() == "unpickled"


@pytest.mark.parametrize("ext", [".pt", ".pth", ".pkl", ".bin", ".PT"])
def test_pickle_formats_are_refused_and_safetensors_suggested(ext: str) -> None:
    with pytest.raises(TensorLoadError) as info:
        load_tensors(f"model{ext}", b"\x80\x04\x95" + bytes(20))
    message = str(info.value)
    assert "pickle" in message and "safetensors" in message and ACCEPTED_TEXT in message


@pytest.mark.parametrize("filename", ["model.onnx", "w.h5", "w.npy.gz", "noextension"])
def test_other_extensions_are_refused_with_the_accepted_list(filename: str) -> None:
    with pytest.raises(TensorLoadError, match="not accepted") as info:
        load_tensors(filename, b"1,2,3")
    assert ACCEPTED_TEXT in str(info.value)


def test_pickle_bytes_renamed_to_npy_are_refused() -> None:
    with pytest.raises(TensorLoadError, match="looks like a Python pickle"):
        load_tensors("renamed.npy", b"\x80\x04\x95\x10" + bytes(30))


def test_torch_zip_checkpoint_renamed_to_npz_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
    with pytest.raises(TensorLoadError, match="pickle"):
        load_tensors("model.npz", buf.getvalue())


# ---------------------------------------------------------------------------------------------
# refusals: sizes from headers, zip bombs


def test_npy_header_claiming_10_to_the_12_elements_is_refused_without_allocating() -> None:
    data = npy_header("<f4", (10**6, 10**6)) + bytes(64)
    peak, result = peak_bytes(load_tensors, "huge.npy", data)
    assert isinstance(result, TensorLoadError)
    assert "1,000,000,000,000 values" in str(result) and "truncated" in str(result)
    assert peak < 1_000_000  # 10^12 float32 values would be 4 TB
    with pytest.raises(TensorLoadError, match="truncated"):
        describe_tensors("huge.npy", data)


def test_safetensors_header_claiming_10_to_the_12_elements_is_refused() -> None:
    n_bytes = 4 * 10**12  # 10^12 float32 values
    data = safetensors_raw(
        {"w": {"dtype": "F32", "shape": [10**6, 10**6], "data_offsets": [0, n_bytes]}}, bytes(16)
    )
    peak, result = peak_bytes(load_tensors, "huge.safetensors", data)
    assert isinstance(result, TensorLoadError)
    assert "4,000,000,000,000" in str(result) and "truncated" in str(result)
    assert peak < 1_000_000


def test_a_tensor_over_max_elements_names_its_count_and_the_limit() -> None:
    data = npy_bytes(np.zeros(1000, np.float32))
    with pytest.raises(TensorLoadError, match=r"1,000 elements .*limit of 999"):
        load_tensors("big.npy", data, max_elements=999)
    assert load_tensors("big.npy", data, max_elements=1000)["big"].shape == (1000,)


def test_tensors_adding_up_over_the_limit_are_refused_together() -> None:
    data = npz_bytes(a=np.ones(600), b=np.ones(600))  # 600 + 600 = 1,200 > 1,000
    with pytest.raises(TensorLoadError, match=r"1,200 elements in all.*limit of 1,000"):
        load_tensors("two.npz", data, max_elements=1000)
    assert load_tensor("two.npz", data, "b", max_elements=1000).shape == (600,)


def test_text_over_max_elements_is_refused_before_parsing() -> None:
    data = b"1,2,3\n" * 400  # 400 rows * 3 columns = 1,200 numbers
    with pytest.raises(TensorLoadError, match=r"1,200 elements.*limit of 1,000"):
        load_tensors("t.csv", data, max_elements=1000)


def test_text_beyond_its_limits_is_refused_before_its_numbers_are_parsed(monkeypatch) -> None:
    import quantviz.loaders as loaders_module

    parsed = []
    loadtxt = np.loadtxt

    def counted(fp, *args, **kwargs):
        parsed.append(len(fp.getvalue()))
        return loadtxt(fp, *args, **kwargs)

    monkeypatch.setattr(loaders_module.np, "loadtxt", counted)
    # 2,000,001 numbers in 4,000,002 bytes: within the bytes, one number too many
    data = b"0," * loaders_module.MAX_TEXT_VALUES + b"0\n"
    with pytest.raises(TensorLoadError, match=r"holds 2,000,001 numbers.*at most 2,000,000 "
                                              r"numbers: save it with numpy.save as .npy"):
        describe_tensors("w.csv", data)
    # only the first row's first megabyte, to tell a header from data
    assert sum(parsed) <= loaders_module._TEXT_CHUNK + 2, parsed
    # bytes over the limit are refused from the length alone (16,000,001 here)
    data = b" " * loaders_module.MAX_TEXT_BYTES + b"1"
    with pytest.raises(TensorLoadError, match=r"16,000,001 bytes of text.*at most 16,000,000 "
                                              r"bytes"):
        load_tensors("w.txt", data)
    assert sum(parsed) <= loaders_module._TEXT_CHUNK + 2, parsed
    monkeypatch.undo()
    # exactly at the limit: read
    data = b"0\n" * loaders_module.MAX_TEXT_VALUES
    assert load_tensor("w.csv", data, "w").shape == (loaders_module.MAX_TEXT_VALUES,)


def test_text_with_nothing_to_clean_skips_the_cleaning_passes(monkeypatch) -> None:
    import quantviz.loaders as loaders_module

    def no_marks(*args, **kwargs):
        raise AssertionError("cleaned")

    plain = b"1,2\n3,4.5\n-5,6"
    cleaned = {}
    for text in (plain, plain + b"\n", b"a,b\n" + plain, b"1\t2\n3\t4\n"):
        monkeypatch.setattr(loaders_module, "_line_marks", no_marks)
        out = describe_tensors("p.csv" if b"," in text else "p.tsv", text)
        monkeypatch.undo()
        cleaned[text] = out
    assert cleaned[plain][0].shape == (3, 2) and cleaned[b"1\t2\n3\t4\n"][0].shape == (2, 2)
    # a comment, a blank line, a line of spaces (first, inside, last): the passes run, and the
    # lines named in a refusal count what they removed
    for text, line in ((b"1\n#c\nx\n", 3), (b"1\n\nx\n", 3), (b"  \n1\nx\n", 3),
                       (b"1\n \t\nx\n", 3), (b"1\nx\n  ", 2)):
        monkeypatch.setattr(loaders_module, "_line_marks", no_marks)
        with pytest.raises(TensorLoadError, match="cleaned"):  # the passes ran
            describe_tensors("p.csv", text)
        monkeypatch.undo()
        with pytest.raises(TensorLoadError, match=f"line {line}, column 1 has 'x'"):
            describe_tensors("p.csv", text)


def test_zip_bomb_costs_nothing() -> None:
    data, n = zip_bomb()
    assert len(data) < 2_000_000  # ~1 MB on disk ...
    inflated = zlib.decompressobj(-15).decompress(data[30 + 5 :], 2**22)
    assert len(inflated) == 2**22 and inflated[:6] == b"\x93NUMPY"  # ... and it does inflate
    start = time.perf_counter()
    peak, result = peak_bytes(load_tensors, "bomb.npz", data)
    assert isinstance(result, TensorLoadError)
    # 1 GiB from 1 MB: 1,011 times, refused from the directory before any inflating
    assert "inflates from" in str(result) and "at most 64 times" in str(result)
    assert time.perf_counter() - start < 2.0
    assert peak < 5 * len(data)  # the archive's index, not 1 GiB
    with pytest.raises(TensorLoadError, match="at most 64 times"):
        describe_tensors("bomb.npz", data)


def test_an_npz_of_zeros_deflated_1000_times_is_refused_but_weights_load() -> None:
    # the 389 kB .npz of 50 million float64 zeros (400 MB) would cost 1.35 GB
    buffer = io.BytesIO()
    np.savez_compressed(buffer, z=np.zeros(5_000_000))  # 40 MB in about 39 kB
    with pytest.raises(TensorLoadError, match=r"member 'z.npy' inflates from .* times"):
        describe_tensors("zeros.npz", buffer.getvalue())
    buffer = io.BytesIO()
    w = np.random.default_rng(0).standard_normal(10_000).astype(np.float32)
    np.savez_compressed(buffer, w=w)  # real weights deflate about 1.1 times
    np.testing.assert_array_equal(load_tensors("w.npz", buffer.getvalue())["w"], w)


def test_npz_member_that_inflates_past_its_declared_size_is_cut_off() -> None:
    # the member declares 100 float32 values (400 bytes) but its stream inflates to 256 MiB
    header = npy_header("<f4", (100,))
    declared = header + bytes(400)
    member = ("w.npy", deflate_zeros(header, 256), 8, len(declared), zlib.crc32(declared), 0)
    start = time.perf_counter()
    peak, result = peak_bytes(load_tensors, "liar.npz", zip_bytes([member]))
    assert time.perf_counter() - start < 2.0
    assert peak < 2_000_000
    np.testing.assert_array_equal(result["w"], np.zeros(100, np.float32))


def test_npz_member_whose_header_disagrees_with_its_declared_size() -> None:
    payload = npy_header("<f4", (100,)) + bytes(40)  # 10 values present, 100 declared
    member = ("w.npy", payload, 0, len(payload), zlib.crc32(payload), 0)
    with pytest.raises(TensorLoadError, match="truncated: its header declares 100 values"):
        load_tensors("short.npz", zip_bytes([member]))


@pytest.mark.parametrize(
    ("method", "flags", "message"),
    [(12, 0, "zip method 12"), (8, 1, "encrypted")],
)
def test_npz_members_numpy_never_writes_are_refused(method: int, flags: int, message: str) -> None:
    payload = npy_bytes(np.ones(2))
    member = ("w.npy", payload, method, len(payload), zlib.crc32(payload), flags)
    with pytest.raises(TensorLoadError, match=message):
        load_tensors("odd.npz", zip_bytes([member]))


def test_npz_with_a_corrupt_deflate_stream_or_duplicate_names() -> None:
    payload = npy_bytes(np.ones(2))
    bad = ("w.npy", b"\xff" * 40, 8, len(payload), zlib.crc32(payload), 0)
    with pytest.raises(TensorLoadError, match="damaged"):
        load_tensors("bad.npz", zip_bytes([bad]))
    good = ("w.npy", payload, 0, len(payload), zlib.crc32(payload), 0)
    with pytest.raises(TensorLoadError, match="appears twice"):
        load_tensors("dup.npz", zip_bytes([good, good]))


# ---------------------------------------------------------------------------------------------
# refusals: empty, truncated, malformed, wrong kinds of data


@pytest.mark.parametrize("ext", ACCEPTED_EXTENSIONS)
def test_empty_file_is_refused(ext: str) -> None:
    with pytest.raises(TensorLoadError, match="empty"):
        load_tensors(f"e{ext}", b"")


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("z.npy", npy_bytes(np.zeros((3, 0), np.float32))),
        ("z.npz", npz_bytes(a=np.ones(2), empty=np.zeros(0))),
        ("z.safetensors", safetensors_bytes({"w": ("F32", [0, 4], b"")})),
        ("z.csv", b"a,b\n"),
        ("z.txt", b"\n  \n# only a comment\n"),
    ],
)
def test_zero_element_tensors_are_refused_as_empty(filename: str, data: bytes) -> None:
    with pytest.raises(TensorLoadError, match="empty|no numbers"):
        load_tensors(filename, data)


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("t.npy", npy_bytes(np.arange(10.0))[:-8]),
        ("t.npy", npy_bytes(np.arange(10.0))[:20]),
        ("t.npz", npz_bytes(a=np.arange(10.0))[:-30]),
        ("t.npz", npz_bytes(True, a=np.arange(1000.0))[:100]),
        ("t.safetensors", safetensors.numpy.save({"a": np.arange(10.0)})[:-1]),
        ("t.safetensors", safetensors.numpy.save({"a": np.arange(10.0)})[:40]),
        ("t.safetensors", b"\x10\x00\x00"),
    ],
)
def test_truncated_files_are_refused(filename: str, data: bytes) -> None:
    with pytest.raises(TensorLoadError, match="truncated|too short|not a valid|damaged"):
        load_tensors(filename, data)


@pytest.mark.parametrize(
    ("array", "word"),
    [
        (np.array([1 + 2j, 3j]), "complex"),
        (np.array([True, False]), "boolean"),
        (np.array(["1.0", "2.0"]), "text"),
        (np.array([b"ab"]), "byte strings"),
        (np.array(["2024-01-01"], dtype="datetime64[D]"), "dates"),
        (np.zeros(2, dtype=[("x", "<f4"), ("y", "<f4")]), "structured"),
        (np.zeros(2, dtype=ml_dtypes.bfloat16), "raw records"),  # np.save loses bfloat16
    ],
)
def test_non_numeric_npy_is_refused(array: np.ndarray, word: str) -> None:
    with pytest.raises(TensorLoadError, match=word):
        load_tensors("x.npy", npy_bytes(array))


@pytest.mark.parametrize(
    ("header_text", "message"),
    [
        (b"{'descr': '<f4', 'shape': (2,)}", "damaged"),  # a key missing
        (b"[1, 2, 3]", "damaged"),  # not a dict
        (b"{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", "impossible shape"),
        (b"{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,)}", "impossible shape"),
        (b"{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", "fortran_order"),
        (b"{'descr': 'nonsense', 'fortran_order': False, 'shape': (2,)}", "unknown data type"),
        (b"{'descr': '<f4', 'fortran_order': False, 'shape': " + b"(" * 900 + b")", "damaged"),
        (b"\xff\xfe import os", "damaged"),
    ],
)
def test_malformed_npy_headers(header_text: bytes, message: str) -> None:
    data = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header_text)) + header_text + bytes(8)
    with pytest.raises(TensorLoadError, match=message):
        load_tensors("m.npy", data)


def test_npy_magic_version_and_length_checks() -> None:
    good = npy_bytes(np.ones(2, np.float32))
    with pytest.raises(TensorLoadError, match="does not start with the .npy signature"):
        load_tensors("m.npy", b"PK" + good)
    with pytest.raises(TensorLoadError, match="version 9"):
        load_tensors("m.npy", good[:6] + b"\x09" + good[7:])
    with pytest.raises(TensorLoadError, match="extra bytes"):
        load_tensors("m.npy", good + b"\x00")
    with pytest.raises(TensorLoadError, match="header"):
        load_tensors("m.npy", good[:8] + struct.pack("<H", 60000) + good[10:])


def safetensors_with(entry: object, data: bytes = bytes(16)) -> bytes:
    return safetensors_raw({"w": entry}, data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (safetensors_with({"dtype": "F32", "shape": [2], "data_offsets": [0, 12]}), "span 12"),
        (safetensors_with({"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}), "truncated"),
        (safetensors_with({"dtype": "F32", "shape": [1], "data_offsets": [20, 24]}), "truncated"),
        (safetensors_with({"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}), "truncated"),
        (safetensors_with({"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}), "shape"),
        (safetensors_with({"dtype": "F32", "shape": [True], "data_offsets": [0, 4]}), "shape"),
        (safetensors_with({"dtype": "F32", "shape": "2", "data_offsets": [0, 8]}), "shape"),
        (safetensors_with({"dtype": "F32", "shape": [1], "data_offsets": [0.0, 4]}), "offsets"),
        (safetensors_with({"dtype": "F32", "shape": [1]}), "needs dtype"),
        (safetensors_with({"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}), "boolean"),
        (safetensors_with({"dtype": "C64", "shape": [1], "data_offsets": [0, 8]}), "C64"),
        (safetensors_with({"dtype": ["F32"], "shape": [1], "data_offsets": [0, 4]}), "dtype"),
        (safetensors_with([1, 2]), "needs dtype"),
        (safetensors_raw([1, 2], b""), "not a JSON object"),
        (struct.pack("<Q", 4) + b"{]}\x00", "not valid JSON"),
        (struct.pack("<Q", 6) + b'{"a":\xff}', "not valid JSON"),
        (struct.pack("<Q", 2000) + b"[" * 2000, "not valid JSON"),
        (struct.pack("<Q", 2**63) + b"{}", "2^63|9,223,372,036,854,775,808"),
        (struct.pack("<Q", 1) + b"{", "header"),
        (
            struct.pack("<Q", 20) + b'{"w": 1, "w": 2}    ',
            "appears twice",
        ),
    ],
)
def test_malformed_safetensors(data: bytes, message: str) -> None:
    with pytest.raises(TensorLoadError, match=message):
        load_tensors("m.safetensors", data)


def test_safetensors_overlapping_offsets_are_refused() -> None:
    header = {
        "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
        "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]},
    }
    with pytest.raises(TensorLoadError, match="'a' and 'b' overlap"):
        load_tensors("o.safetensors", safetensors_raw(header, bytes(12)))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"1,2,3\n4,5\n", "line 2 has 2 values but the first row has 3"),
        (b"x\n1\n\nabc\n", "line 4, column 1 has 'abc', which is not a number"),
        (b"1,,3\n", "line 1, column 2 has '', which is not a number"),
        (b"0.5,1\n2,x\n", "line 2, column 2 has 'x', which is not a number"),
        (b"1\x002\n", "binary data"),
        (b"weights only, no numbers\n", "no numbers below its header"),
    ],
)
def test_malformed_text(data: bytes, message: str) -> None:
    with pytest.raises(TensorLoadError, match=message):
        load_tensors("bad.csv", data)


# ---------------------------------------------------------------------------------------------
# NaN and infinity


def test_nonfinite_values_are_refused_with_their_count() -> None:
    x = np.array([[1.0, np.nan, np.inf], [-np.inf, np.nan, 2.0]], np.float32)
    with pytest.raises(TensorLoadError, match=r"4 values that are not finite \(2 NaN, 2 infinite"):
        load_tensors("n.npy", npy_bytes(x))
    with pytest.raises(NonFiniteError):  # its own kind, so the app can offer to drop them
        load_tensors("n.npy", npy_bytes(x))


def test_drop_nonfinite_removes_them_and_flattens() -> None:
    x = np.array([[1.0, np.nan, np.inf], [-np.inf, 3.0, 2.0]], np.float32)
    out = load_tensors("n.npy", npy_bytes(x), drop_nonfinite=True)["n"]
    np.testing.assert_array_equal(out, [1.0, 3.0, 2.0])  # row-major order, 1-D
    clean = load_tensors("c.npy", npy_bytes(np.ones((2, 2))), drop_nonfinite=True)["c"]
    assert clean.shape == (2, 2)  # nothing dropped: the shape is kept
    with pytest.raises(TensorLoadError, match="all 2 values"):
        load_tensors("a.csv", b"nan\ninf\n", drop_nonfinite=True)


# ---------------------------------------------------------------------------------------------
# bad arguments


@pytest.mark.parametrize("max_elements", [0, -1, 1.5, True, "10"])
def test_bad_max_elements_is_refused(max_elements: object) -> None:
    with pytest.raises(TensorLoadError, match="max_elements"):
        load_tensors("w.npy", npy_bytes(np.ones(2)), max_elements=max_elements)


def test_bad_argument_types_are_refused_plainly() -> None:
    with pytest.raises(TensorLoadError, match="file name"):
        load_tensors(None, b"")  # type: ignore[arg-type]
    with pytest.raises(TensorLoadError, match="bytes"):
        load_tensors("w.npy", "1,2,3")  # type: ignore[arg-type]
    data = npy_bytes(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(load_tensors("w.npy", bytearray(data))["w"], [1.0, 2.0])
    np.testing.assert_array_equal(load_tensors("w.npy", memoryview(data))["w"], [1.0, 2.0])


# ---------------------------------------------------------------------------------------------
# properties: whatever the bytes, a dict of float arrays or TensorLoadError


SEEDS: dict[str, bytes] = {
    "a.npy": npy_bytes(np.array([[1.5, -2.0], [0.25, 4.0]], np.float32)),
    "b.npy": npy_bytes(np.array([1, -2, 3], ">i2")),
    "c.npz": npz_bytes(a=np.ones(3, np.float16), b=np.arange(4.0)),
    "d.npz": npz_bytes(True, a=np.linspace(-1, 1, 20)),
    "e.safetensors": hand_checkpoint(),
    "f.safetensors": safetensors.numpy.save({"i": np.arange(5, dtype=np.int8)}),
    "g.csv": b"a,b\n1,2\n3.5,-4\n",
    "h.tsv": b"1\t2\n3\t4\n",
    "i.txt": b"1 2 3\n4 5 6\n",
}


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, bytes]:
    filename = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[filename])
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        if op == "flip":
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            data[i] = draw(st.sampled_from([0, 0x7F, 0x80, 0xFF, ord("9"), ord(",")]))
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[i : i + draw(st.integers(1, 8))]
        else:
            del data[i:]
    return filename, bytes(data)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ext=st.sampled_from(ACCEPTED_EXTENSIONS), data=st.binary(max_size=300))
def test_random_bytes_load_or_raise_tensor_load_error(ext: str, data: bytes) -> None:
    load_or_refuse(f"random{ext}", data, max_elements=100_000)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=mutated_files())
def test_mutated_files_load_or_raise_tensor_load_error(file: tuple[str, bytes]) -> None:
    filename, data = file
    tensors = load_or_refuse(filename, data, max_elements=100_000)
    try:
        infos = describe_tensors(filename, data)
    except TensorLoadError:
        assert tensors is None  # describe refuses only what loading refuses too
        return
    for info in infos:  # each described tensor loads alone, with the described shape
        try:
            x = load_tensor(filename, data, info.name, max_elements=100_000)
        except TensorLoadError:
            continue
        assert x.shape == info.shape and x.dtype in (np.float32, np.float64)
    if tensors is not None:  # what loads agrees with what the headers describe
        assert [i.name for i in infos] == list(tensors)
        assert [i.shape for i in infos] == [x.shape for x in tensors.values()]


def test_every_seed_loads() -> None:
    # the mutation property above starts from files that really load
    for filename, data in SEEDS.items():
        assert load_or_refuse(filename, data) is not None, filename


# ---------------------------------------------------------------------------------------------
# text: a typo in the first row, ragged .txt, linear parsing


def test_a_first_row_mixing_numbers_and_words_is_data_with_a_typo() -> None:
    # "1,2,three" is not a header (two of its fields are numbers): line 1, column 3
    with pytest.raises(TensorLoadError, match=r"line 1, column 3 has 'three'.*typo, not a header"):
        load_tensors("t.csv", b"1,2,three\n4,5,6\n")
    # a comment line first: the row is on line 2
    with pytest.raises(TensorLoadError, match=r"line 2, column 1 has 'l'"):
        load_tensors("t.csv", b"# weights\nl,2\n4,5\n")
    # a header of words only is still a header
    np.testing.assert_array_equal(load_tensors("t.csv", b"a,b\n1,2\n")["t"], [[1.0, 2.0]])


def test_a_txt_of_rows_of_different_lengths_is_one_flat_vector_and_says_so() -> None:
    data = b"1 2 3\n4 5\n\n6\n"
    [info] = describe_tensors("v.txt", data)
    assert info.shape == (6,) and "read as one flat list" in info.note and "6 numbers" in info.note
    np.testing.assert_array_equal(load_tensors("v.txt", data)["v"], [1, 2, 3, 4, 5, 6])
    # a .csv keeps its columns: a short row is still refused, with its line
    with pytest.raises(TensorLoadError, match="line 2 has 2 values but the first row has 3"):
        load_tensors("v.csv", b"1,2,3\n4,5\n")


def test_text_parsing_is_exact_and_keeps_rows_across_chunks(monkeypatch) -> None:
    import quantviz.loaders as loaders_module

    monkeypatch.setattr(loaders_module, "_TEXT_CHUNK", 64)  # many chunks on a small file
    x = np.random.default_rng(0).standard_normal((50, 7))
    text = "\n".join(",".join(repr(float(v)) for v in row) for row in x).encode()
    out = load_tensors("m.csv", b"c0,c1,c2,c3,c4,c5,c6\r\n" + text + b"\n\n# end\n")["m"]
    np.testing.assert_array_equal(out, x)  # repr round-trips: bit for bit
    ws = "\n".join("  ".join(repr(float(v)) for v in row) for row in x).encode()
    np.testing.assert_array_equal(load_tensors("m.txt", ws)["m"], x)


def test_one_row_of_a_million_numbers_is_read_without_an_object_per_number() -> None:
    import tracemalloc

    data = (",".join(["0.5"] * 1_000_000) + "\n").encode()  # 4 MB, 8 MB of float64 out
    tracemalloc.start()
    out = load_tensors("row.csv", data)["row"]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert out.shape == (1, 1_000_000) and out[0, 0] == 0.5
    # copies of the text (comments and blank lines out, folded), the output, and loadtxt's
    # buffers for one 1 MiB chunk (about 44 bytes per number: 12 MB). A Python object per
    # number would add 57 MB (a float and a bytes token each).
    assert peak < 3 * len(data) + out.nbytes + 16_000_000, peak


def _with_zip64_end(data: bytes, directory_size: int, entries: int) -> bytes:
    """``data`` (a zip) with a zip64 end record and locator claiming those directory sizes."""
    eocd = data.rfind(b"PK\x05\x06")
    _, _, _, n, size, offset, _ = struct.unpack_from("<HHHHIIH", data, eocd + 4)
    record = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries,
                         directory_size, offset)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, eocd, 1)
    # the classic record keeps its small, true sizes: zipfile reads the zip64 ones anyway
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, size, offset, 0)
    return data[:eocd] + record + locator + end


def test_a_zip64_end_record_is_checked_like_the_classic_one() -> None:
    data = npz_bytes(a=np.ones(3))
    # a central directory of 2^40 bytes: refused from the record, before zipfile reads it
    with pytest.raises(TensorLoadError, match="zip directory is larger"):
        describe_tensors("z.npz", _with_zip64_end(data, 2**40, 1))
    # or 100 million entries (46 bytes each at least)
    with pytest.raises(TensorLoadError, match="zip directory is larger"):
        describe_tensors("z.npz", _with_zip64_end(data, 100, 100_000_000))
    # a locator pointing outside the file
    bad = _with_zip64_end(data, 100, 1)
    i = bad.rfind(b"PK\x06\x07")
    bad = bad[: i + 8] + struct.pack("<Q", 2**50) + bad[i + 16 :]
    with pytest.raises(TensorLoadError, match="zip64 end record"):
        describe_tensors("z.npz", bad)


def test_a_safetensors_header_repeating_one_name_is_refused_in_linear_time() -> None:
    import time

    n = 20_000  # 1.6 MB of header, the most tensors a header may list: 4 s when quadratic
    entry = '"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}'
    header = ("{" + ", ".join([entry] * n) + "}").encode()
    data = struct.pack("<Q", len(header)) + header + bytes(4)
    start = time.perf_counter()
    with pytest.raises(TensorLoadError, match="'w' appears twice"):
        describe_tensors("d.safetensors", data)
    assert time.perf_counter() - start < 2.0


def test_a_safetensors_header_of_too_many_tensors_is_refused_before_its_json_is_read(
        monkeypatch) -> None:
    import quantviz.loaders as loaders_module

    n = loaders_module.MAX_SAFETENSORS_TENSORS
    assert n == 20_000

    def header(count: int) -> bytes:
        text = json.dumps({f"w{i}": {"dtype": "F32", "shape": [1],
                                     "data_offsets": [4 * i, 4 * i + 4]}
                           for i in range(count)}).encode()
        text += b" " * (-len(text) % 8)
        return struct.pack("<Q", len(text)) + text + bytes(4 * count)

    assert len(describe_tensors("n.safetensors", header(n))) == n
    monkeypatch.setattr(loaders_module.json, "loads", None)  # never reached
    with pytest.raises(TensorLoadError, match="lists 20,001 tensors; quantviz reads at most "
                                              "20,000 from one file"):
        describe_tensors("m.safetensors", header(n + 1))
    with pytest.raises(TensorLoadError, match="lists 20,001 tensors"):
        load_tensor("m.safetensors", header(n + 1), "w0")


def test_a_tensor_count_hidden_by_json_escapes_is_refused_after_parsing() -> None:
    # "data_offs\u0065ts" parses to "data_offsets" but escapes the count on the raw bytes
    import quantviz.loaders as loaders_module

    n = loaders_module.MAX_SAFETENSORS_TENSORS + 1
    entries = ",".join(f'"w{i}": {{"dtype": "F32", "shape": [1], '
                       f'"data_offs\\u0065ts": [{4 * i}, {4 * i + 4}]}}' for i in range(n))
    text = ("{" + entries + "}").encode()
    assert b'"data_offsets"' not in text and json.loads(text)["w0"]["data_offsets"] == [0, 4]
    text += b" " * (-len(text) % 8)
    data = struct.pack("<Q", len(text)) + text + bytes(4 * n)
    with pytest.raises(TensorLoadError, match="lists 20,001 tensors; quantviz reads at most "
                                              "20,000"):
        describe_tensors("e.safetensors", data)


def test_a_gguf_upload_is_held_to_the_same_tensor_count() -> None:
    import quantviz.loaders as loaders_module
    from quantviz.gguf_file import write_gguf

    n = loaders_module.MAX_SAFETENSORS_TENSORS
    one = np.zeros(1, dtype=np.float32).view(np.uint8)
    ok = write_gguf({f"t{i}": ("F32", one, (1,)) for i in range(n)})
    assert len(describe_tensors("ok.gguf", ok)) == n
    over = write_gguf({f"t{i}": ("F32", one, (1,)) for i in range(n + 1)})
    with pytest.raises(TensorLoadError, match="20,001 tensors"):
        describe_tensors("over.gguf", over)


def test_uneven_rows_are_refused_as_uneven_not_as_too_many_numbers() -> None:
    # a first row of 1,000 values, then 2,000 rows of one: 3,000 numbers, not 2,001,000
    data = (",".join(["1"] * 1000) + "\n" + "1\n" * 2000).encode()
    with pytest.raises(TensorLoadError, match="line 2 has 1 values but the first row has "
                                              "1000"):
        describe_tensors("r.csv", data)


@pytest.mark.parametrize(("text", "where"), [
    ("1,2\n3,\uff11\n", "line 2, column 2 has '\uff11'"),  # a full-width digit: float() takes it
    ("# note\n\n1,2\n3,1_000\n", "line 4, column 2 has '1_000'"),  # so does 1_000
    ("a,b\n\n# x\n1,2\n3,q\n", "line 5, column 2 has 'q'"),  # header, blank, comment counted
    ("1 2\n3 4e\n", "line 2, column 2 has '4e'"),  # letters a number may hold, but not as one
    ("1,2\n" * 3 + "1,2,3\n", "line 4 has 3 values but the first row has 2"),
])
def test_a_text_typo_is_named_by_its_line_and_column(text, where):
    with pytest.raises(TensorLoadError, match=re.escape(where)):
        infos = describe_tensors("t.csv" if "," in text else "t.txt", text.encode())
        load_tensor("t.csv" if "," in text else "t.txt", text.encode(), infos[0].name)


def test_comment_lines_cost_their_bytes_not_a_python_object_each():
    # 1,000,000 comment lines (2 MB): the regular expression made a bytes object per match
    # (about 85 bytes per byte of file: 170 MB here); numpy over megabyte chunks holds copies
    # of the file and about 30 MB of one chunk's temporaries, whatever the file's size
    data = b"#\n" * 1_000_000 + b"1\n"
    tracemalloc.start()
    x = load_tensors("c.txt", data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert list(x.values())[0].tolist() == [1.0]
    assert peak < 3 * len(data) + 32 * 2**20, peak


def test_a_typo_on_the_last_line_is_found_without_a_walk_over_every_line():
    # 1,000,000 good lines then "x": the stray byte is found by numpy; the old error path read
    # the file line by line in Python (about 2 us a line: seconds for ten million)
    data = b"0\n" * 1_000_000 + b"x\n"
    start = time.process_time()
    with pytest.raises(TensorLoadError, match="line 1000001, column 1 has 'x'"):
        describe_tensors("t.csv", data)
    assert time.process_time() - start < 1.0


def test_a_name_with_a_lone_surrogate_is_refused_with_a_sentence():
    header = json.dumps({"a\ud800": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})
    text = header.encode() + b" " * (-len(header) % 8)
    data = struct.pack("<Q", len(text)) + text + bytes(4)
    with pytest.raises(TensorLoadError, match="lone UTF-16 surrogate"):
        describe_tensors("s.safetensors", data)


# --- .gguf: llama.cpp's files, dequantized -----------------------------------------------------


def _gguf_file(x: np.ndarray) -> bytes:
    from quantviz import gguf, gguf_file

    q = gguf.quantize(x, "Q4_K")
    return gguf_file.write_gguf({"blk.0.ffn_down.weight": ("Q4_K", q, x.shape),
                                 "output_norm.weight": ("F32", x[0].view(np.uint8), (256,))},
                                {"general.name": "tiny"})


def test_a_gguf_file_lists_its_tensors_and_dequantizes_one():
    from quantviz import gguf

    x = np.random.default_rng(3).standard_normal((4, 256)).astype(np.float32)
    data = _gguf_file(x)
    infos = describe_tensors("m.gguf", data)
    # numpy order: ggml's dims (256, 4) innermost first, read back as (4, 256)
    assert [(i.name, i.shape, i.note) for i in infos] == [
        ("blk.0.ffn_down.weight", (4, 256), "GGUF Q4_K"),
        ("output_norm.weight", (256,), "GGUF F32")]
    y = load_tensor("m.gguf", data, "blk.0.ffn_down.weight")
    assert y.dtype == np.float32
    # the same floats as dequantizing ggml's bytes (gguf-py's arithmetic)
    np.testing.assert_array_equal(y, gguf.dequantize(gguf.quantize(x, "Q4_K"), "Q4_K", x.shape))
    np.testing.assert_array_equal(load_tensor("m.gguf", data, "output_norm.weight"), x[0])


def test_a_lying_gguf_header_is_refused_with_a_sentence():
    lie = b"GGUF" + struct.pack("<IQQ", 3, 10**12, 0)
    with pytest.raises(TensorLoadError, match="above the limit"):
        describe_tensors("big.gguf", lie)


def test_a_gguf_tensor_larger_than_the_budget_is_refused_before_decoding():
    data = _gguf_file(np.ones((4, 256), np.float32))
    with pytest.raises(TensorLoadError):
        load_tensor("m.gguf", data, "blk.0.ffn_down.weight", max_elements=1000)


def test_a_text_file_is_laid_out_once_for_its_shape_and_its_load(monkeypatch):
    from quantviz import loaders

    # describing an upload (its shape) and loading it both index the text: the second takes
    # the first's layout; other bytes under the same name are indexed anew
    calls = []
    real = loaders._index_text

    def counting(filename, buf, name):
        calls.append(bytes(buf))
        return real(filename, buf, name)

    monkeypatch.setattr(loaders, "_index_text", counting)
    data = b"1,2\n3,4\n5,6\n"
    assert loaders.describe_tensors("m.csv", data)[0].shape == (3, 2)
    x = loaders.load_tensor("m.csv", data, "m")
    assert x.tolist() == [[1, 2], [3, 4], [5, 6]] and len(calls) == 1
    other = b"1,2\n3,4\n5,7\n"
    assert loaders.load_tensor("m.csv", other, "m").tolist() == [[1, 2], [3, 4], [5, 7]]
    assert len(calls) == 2
    with pytest.raises(loaders.TensorLoadError):
        loaders.load_tensor("m.csv", b"1,2\n3,x\n", "m")
    with pytest.raises(loaders.TensorLoadError):  # a refused file raises again
        loaders.load_tensor("m.csv", b"1,2\n3,x\n", "m")
