"""Uploaded bytes -> named float arrays, with size limits and errors a student can act on.

Accepted: ``.npy``, ``.npz``, ``.safetensors``, and numbers in ``.csv`` / ``.tsv`` / ``.txt``.
Nothing is ever unpickled: pickles (``.pt``, ``.pth``, ``.pkl``, ``.bin``, object arrays) can
run arbitrary code when loaded, so they are refused with a sentence that says what to do.

Every size is checked from a header before anything is allocated or decompressed: the npy
header (parsed here, never by ``np.load``), each npz member's header and its declared size in
the zip's central directory, the safetensors JSON header. A zip bomb is refused before one byte
is inflated, and a member whose header lies about its size cannot inflate past what it declared.

Three entry points share one index of the file (:func:`_index`) and one decoder
(:func:`_to_float`): :func:`describe_tensors` reads headers only, :func:`load_tensor` decodes
one named tensor, :func:`load_tensors` decodes them all. Each raises :class:`TensorLoadError`
(a ``ValueError``) and nothing else.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import io
import json
import math
import re
import struct
import threading
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

import ml_dtypes
import numpy as np

from quantviz import gguf_file

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "ACCEPTED_TEXT",
    "DEFAULT_MAX_ELEMENTS",
    "MAX_INFLATION",
    "MAX_SAFETENSORS_TENSORS",
    "MAX_TEXT_BYTES",
    "MAX_TEXT_VALUES",
    "TensorInfo",
    "TensorLoadError",
    "decoded_nbytes",
    "describe_tensors",
    "load_tensor",
    "load_tensors",
    "tensor_loaders",
]

ACCEPTED_EXTENSIONS: tuple[str, ...] = (".npy", ".npz", ".safetensors", ".gguf", ".csv", ".tsv",
                                         ".txt")
ACCEPTED_TEXT = (
    "Accepted files: NumPy .npy or .npz, .safetensors, llama.cpp's .gguf (dequantized), or "
    "plain numbers in .csv, .tsv or .txt (separated by commas, tabs or spaces, with at most "
    "one header row)."
)
DEFAULT_MAX_ELEMENTS = 50_000_000

_PICKLE_ADVICE = (
    "Pickles can run any code when they are opened, so quantviz never opens them. Save the "
    "tensors with safetensors instead (safetensors.torch.save_file(model.state_dict(), "
    "'weights.safetensors')) or as .npy / .npz, and upload that file."
)
_REFUSED_EXTENSIONS = {
    ".pt": "a PyTorch .pt file is a Python pickle.",
    ".pth": "a PyTorch .pth file is a Python pickle.",
    ".ckpt": "a .ckpt checkpoint is a Python pickle.",
    ".pkl": "a .pkl file is a Python pickle.",
    ".pickle": "a .pickle file is a Python pickle.",
    ".bin": "a .bin checkpoint (pytorch_model.bin) is a Python pickle.",
}

_NPY_MAGIC = b"\x93NUMPY"
_NPY_MAX_HEADER = 10_000  # bytes; numpy's own limit for headers it parses without pickles
_SAFETENSORS_MAX_HEADER = 16 * 2**20  # 16 MiB of JSON: ~230,000 entries of short names
#: Tensors a .safetensors header may list. Reading and checking an entry costs about 10 us
#: (100,000 one-value tensors took 1.2 s before the page was drawn); a model's file has
#: hundreds to a few thousand (llama.cpp's loader logs 723 for Llama 3 70B, ollama/ollama#5494;
#: 1,025 for DeepSeek-V3, ggml-org/llama.cpp#10981), and a 100 MB upload of 20,000 averages 5 kB
#: a tensor. Counted in the header's bytes before its JSON is parsed and again after; a .gguf
#: upload is held to the same count.
MAX_SAFETENSORS_TENSORS = 20_000
_ZIP_MAX_DIRECTORY = 8 * 2**20  # central directory bytes; bounds the zip index in memory
_ZIP_CHUNK = 2**20  # npz members are inflated this many bytes at a time
#: A deflated npz member may inflate to at most this many times its compressed size. Trained
#: float weights deflate by 1.1-1.5x and even a 90 %-pruned float32 tensor by about 8x; 50
#: million float64 zeros deflate 1,000x (389 kB for 400 MB): a bomb, not weights.
MAX_INFLATION = 64

# safetensors dtype -> how its bytes are stored (always little-endian)
_SAFETENSORS_DTYPES: dict[str, np.dtype] = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "BF16": np.dtype(ml_dtypes.bfloat16),
    "F8_E4M3": np.dtype(ml_dtypes.float8_e4m3fn),
    "F8_E5M2": np.dtype(ml_dtypes.float8_e5m2),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "I16": np.dtype("<i2"),
    "U16": np.dtype("<u2"),
    "I32": np.dtype("<i4"),
    "U32": np.dtype("<u4"),
    "I64": np.dtype("<i8"),
    "U64": np.dtype("<u8"),
}

# why a numpy dtype kind cannot be quantized
_REFUSED_KINDS = {
    "b": "boolean values (True/False), not numbers to quantize",
    "c": "complex numbers, and quantization here works on real numbers",
    "U": "text strings, not numbers",
    "S": "byte strings, not numbers",
    "O": "Python objects, which only unpickling can read, and unpickling can run any code",
    "V": "raw records or a structured type, not plain numbers",
    "M": "dates, not numbers to quantize",
    "m": "time spans, not numbers to quantize",
}


class TensorLoadError(ValueError):
    """An uploaded file cannot be turned into float arrays; the message says why, plainly."""


class NonFiniteError(TensorLoadError):
    """A tensor holds NaN or infinite values (``drop_nonfinite=True`` would remove them)."""


@dataclass(frozen=True)
class TensorInfo:
    """What a file's header says about one tensor: enough for a picker, nothing decoded.

    ``dtype_name`` is numpy's name of the stored type ("float32", "bfloat16", "int8", ...);
    ``n_elements`` is the product of ``shape`` (1 for a 0-d array).
    """

    name: str
    shape: tuple[int, ...]
    dtype_name: str
    n_elements: int
    note: str = ""  # how the file was read, when it is not what it looks like (ragged .txt)


@dataclass(frozen=True)
class _Entry:
    """One tensor of a file: its header facts and a function that decodes it."""

    info: TensorInfo
    decode: Callable[[], np.ndarray]


# ---------------------------------------------------------------------------------------------
# public API


def decoded_nbytes(info: TensorInfo) -> int:
    """Bytes the decoded tensor takes: ``n_elements`` times 8 (float64 kept) or 4 (float32).

    Known from the header before anything is decoded (:func:`describe_tensors`), so a server
    can budget an upload before it costs anything.
    """
    itemsize = 8 if info.dtype_name in ("float64", "longdouble", "float128", "float96") else 4
    return info.n_elements * itemsize


def describe_tensors(filename: str, data: bytes) -> list[TensorInfo]:
    """Name, shape and dtype of every tensor in the file, from its headers only.

    Reads the npy header, each npz member's npy header, or the safetensors JSON header, and
    checks that the byte counts and offsets they declare fit the file; no tensor data is
    decoded (zipfile inflates at most a few kilobytes of an npz member to reach its header).
    A text file has no header, so its rows and columns are counted
    (the numbers themselves are checked only when loaded). Raises :class:`TensorLoadError`
    for anything :func:`load_tensor` would refuse from the headers alone: unaccepted or
    damaged files, non-numeric dtypes, empty tensors. Size limits are not applied here.
    """
    with _plain_errors(filename):
        return [entry.info for entry in _index(filename, data)]


def load_tensor(
    filename: str,
    data: bytes,
    name: str,
    *,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
    drop_nonfinite: bool = False,
) -> np.ndarray:
    """Decode only the tensor called ``name`` (for big checkpoints); see :func:`load_tensors`.

    Single-array files (npy, csv, tsv, txt) hold one tensor named after the file's stem.
    An unknown ``name`` raises :class:`TensorLoadError` listing the names the file has.
    """
    with _plain_errors(filename):
        _check_max_elements(max_elements)
        if isinstance(filename, str) and PurePath(filename).suffix.lower() == ".safetensors":
            entry = _safetensors_one(filename, data, name)  # one entry, not one per tensor
            if entry is not None:
                _check_size(filename, entry.info, max_elements)
                return _finish(filename, entry, drop_nonfinite)
        entries = {entry.info.name: entry for entry in _index(filename, data)}
        if name not in entries:
            raise TensorLoadError(
                f"{_label(filename)} has no tensor named {name!r}; it has {_list_names(entries)}."
            )
        entry = entries[name]
        _check_size(filename, entry.info, max_elements)
        return _finish(filename, entry, drop_nonfinite)


def tensor_loaders(
    filename: str,
    data: bytes,
    *,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
) -> list[tuple[TensorInfo, Callable[[], np.ndarray]]]:
    """Every tensor's header facts and a function that decodes only it, from one reading of
    the headers: for a report over all the tensors of a checkpoint (looking each name up with
    :func:`load_tensor` costs a pass over the whole header per tensor, so N tensors cost N^2).
    Each decoder checks ``max_elements`` and raises :class:`TensorLoadError` as
    :func:`load_tensor` does."""
    with _plain_errors(filename):
        _check_max_elements(max_elements)
        entries = _index(filename, data)

    def decoder(entry: _Entry) -> Callable[[], np.ndarray]:
        def decode() -> np.ndarray:
            with _plain_errors(filename):
                _check_size(filename, entry.info, max_elements)
                return _finish(filename, entry, False)
        return decode

    return [(entry.info, decoder(entry)) for entry in entries]


def load_tensors(
    filename: str,
    data: bytes,
    *,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
    drop_nonfinite: bool = False,
) -> dict[str, np.ndarray]:
    """Every tensor in an uploaded file, by name, as float32 or float64 arrays.

    Formats (by extension, case-insensitive): ``.npy`` and ``.npz`` (every array, by member
    name), ``.safetensors`` (every tensor; F64, F32, F16, BF16, F8_E4M3, F8_E5M2 and the
    integer dtypes), ``.csv`` / ``.tsv`` / ``.txt`` (numbers separated by commas, tabs or
    whitespace, one optional header row, ``#`` starts a comment; one column gives a 1-D
    array, several give a 2-D array of rows by columns). Single-array files are named after
    the file's stem ("weights.npy" -> "weights").

    dtypes: float64 (and longer floats) stays float64; float32, float16, bfloat16, float8 and
    integers become float32; numbers read from text are float64. Shapes are kept; values are
    exact (big-endian npy included), except that integers beyond 2^24 round to float32.

    Limits and refusals, each a :class:`TensorLoadError` with a plain sentence:

    - sizes come from headers, before anything is allocated or decompressed: a tensor with
      more than ``max_elements`` elements is refused, and so is a file whose tensors add up
      to more (load those one at a time with :func:`load_tensor`);
    - NaN or infinite values are refused with their count, unless ``drop_nonfinite=True``:
      then they are removed, and a tensor that had any comes back flattened to 1-D (a tensor
      without any keeps its shape);
    - pickles (.pt, .pth, .pkl, .bin, object arrays) are never unpickled; empty, truncated
      or damaged files, complex, boolean, string and date data, zero-element tensors and
      byte counts that disagree with the declared shape are refused.
    """
    with _plain_errors(filename):
        _check_max_elements(max_elements)
        entries = _index(filename, data)
        for entry in entries:
            _check_size(filename, entry.info, max_elements)
        total = sum(entry.info.n_elements for entry in entries)
        if total > max_elements:
            raise TensorLoadError(
                f"{_label(filename)} holds {len(entries)} tensors with {total:,} elements in "
                f"all, more than the limit of {max_elements:,}; load them one at a time."
            )
        return {entry.info.name: _finish(filename, entry, drop_nonfinite) for entry in entries}


# ---------------------------------------------------------------------------------------------
# shared: dispatch, limits, decoding, errors


@contextlib.contextmanager
def _plain_errors(filename: object) -> Iterator[None]:
    """Let only TensorLoadError out: everything numpy, zipfile or json raise becomes one."""
    try:
        yield
    except TensorLoadError:
        raise
    except MemoryError:
        raise TensorLoadError(
            f"{_label(filename)} is too big to load in the memory this computer has left."
        ) from None
    except Exception as exc:  # noqa: BLE001 - the promise is: no other exception type leaves
        raise TensorLoadError(
            f"{_label(filename)} could not be read: it looks damaged, or it is not the kind of "
            f"file its extension says ({type(exc).__name__}: {_short(exc)})."
        ) from exc


def _label(filename: object) -> str:
    return repr(PurePath(filename).name) if isinstance(filename, str) else "The file"


def _short(exc: BaseException, limit: int = 200) -> str:
    text = str(exc).strip() or "no details"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _list_names(names: object, limit: int = 10) -> str:
    shown = [repr(n) for n in list(names)[:limit]]
    more = len(list(names)) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _check_max_elements(max_elements: object) -> None:
    if (
        isinstance(max_elements, bool)
        or not isinstance(max_elements, (int, np.integer))
        or max_elements < 1
    ):
        raise TensorLoadError(f"max_elements must be a positive integer, got {max_elements!r}")


def _check_size(filename: str, info: TensorInfo, max_elements: int) -> None:
    if info.n_elements > max_elements:
        raise TensorLoadError(
            f"{_label(filename)}: tensor {info.name!r} has {info.n_elements:,} elements "
            f"(shape {info.shape}), more than the limit of {max_elements:,}."
        )


def _index(filename: str, data: bytes) -> list[_Entry]:
    """Read the file's headers into entries (name, shape, dtype, decoder); decode nothing."""
    if not isinstance(filename, str):
        raise TensorLoadError(f"the file name must be a string, got {filename!r}")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TensorLoadError(f"{_label(filename)}: expected the file's bytes, got {type(data)}")
    path = PurePath(filename)
    ext = path.suffix.lower()
    if ext in _REFUSED_EXTENSIONS:
        raise TensorLoadError(
            f"{_label(filename)}: {_REFUSED_EXTENSIONS[ext]} {_PICKLE_ADVICE} {ACCEPTED_TEXT}"
        )
    if ext not in ACCEPTED_EXTENSIONS:
        shown = f"a {ext} file" if ext else "a file without an extension"
        raise TensorLoadError(f"{_label(filename)}: {shown} is not accepted. {ACCEPTED_TEXT}")
    buf = memoryview(data).cast("B") if not isinstance(data, bytes) else data
    if len(buf) == 0:
        raise TensorLoadError(f"{_label(filename)} is empty (0 bytes).")
    stem = path.stem or "tensor"
    if ext == ".npy":
        entries = [_index_npy(filename, buf, stem)]
    elif ext == ".npz":
        entries = _index_npz(filename, bytes(buf))
    elif ext == ".safetensors":
        entries = _index_safetensors(filename, buf)
    elif ext == ".gguf":
        entries = _index_gguf(filename, buf)
    else:
        entries = [_index_text_once(filename, buf, stem)]
    if not entries:
        raise TensorLoadError(f"{_label(filename)} holds no tensors.")
    for entry in entries:
        if entry.info.n_elements == 0:
            raise TensorLoadError(
                f"{_label(filename)}: tensor {entry.info.name!r} is empty (shape "
                f"{entry.info.shape}, 0 elements); there is nothing to quantize."
            )
    return entries


def _check_dtype(filename: str, name: str, dtype: np.dtype) -> None:
    """Refuse dtypes that are not real numbers (object arrays would need unpickling)."""
    if dtype.kind in "fiu":
        return
    why = _REFUSED_KINDS.get("O" if dtype.hasobject else dtype.kind, "not plain numbers")
    raise TensorLoadError(
        f"{_label(filename)}: tensor {name!r} has dtype {dtype}: {why}. Upload real numbers "
        "(floats or integers)."
    )


def _output_dtype(stored: np.dtype) -> np.dtype:
    """float64 stays float64 (longer floats become it too); everything else becomes float32."""
    if stored.kind == "f" and stored.itemsize >= 8:
        return np.dtype(np.float64)
    return np.dtype(np.float32)


def _to_float(
    raw: np.ndarray, shape: tuple[int, ...], fortran_order: bool = False, owned: bool = False
) -> np.ndarray:
    """The one decoder: flat stored values -> C-ordered float32/float64 array of ``shape``.

    ``raw`` is 1-D in the stored dtype (any byte order). Unless it is a buffer of our own
    (``owned``), it is a read-only view of the upload and one ``astype`` makes the only
    full-size copy; byte order is fixed on the way.
    """
    x = raw.reshape(shape[::-1]).T if fortran_order else raw.reshape(shape)
    return x.astype(_output_dtype(raw.dtype), order="C", copy=not owned)


def _finish(filename: str, entry: _Entry, drop_nonfinite: bool) -> np.ndarray:
    """Decode an entry, then refuse (or drop) NaN and infinite values."""
    x = entry.decode()
    if x.size == 0:
        raise TensorLoadError(f"{_label(filename)}: tensor {entry.info.name!r} is empty.")
    # min/max propagate NaN and reach +-inf: two passes, no allocation, for the usual case
    if np.isfinite(x.min()) and np.isfinite(x.max()):
        return x
    finite = np.isfinite(x)
    n_bad = x.size - int(np.count_nonzero(finite))
    if drop_nonfinite:
        kept = x[finite]
        if kept.size == 0:
            raise TensorLoadError(
                f"{_label(filename)}: all {x.size:,} values of tensor {entry.info.name!r} are "
                "NaN or infinite; nothing is left to quantize."
            )
        return kept
    n_nan = int(np.count_nonzero(np.isnan(x)))
    raise NonFiniteError(
        f"{_label(filename)}: tensor {entry.info.name!r} has {n_bad:,} values that are not "
        f"finite ({n_nan:,} NaN, {n_bad - n_nan:,} infinite) out of {x.size:,}. Quantization "
        "needs finite numbers: fix the file, or drop them (drop_nonfinite=True)."
    )


@functools.lru_cache(maxsize=64)
def _dtype_name(dtype: np.dtype) -> str:
    return dtype.name  # numpy builds it anew each time: 15 us, 1.5 s for 100,000 tensors


def _info(name: str, shape: tuple[int, ...], dtype: np.dtype, note: str = "") -> TensorInfo:
    return TensorInfo(name=name, shape=shape, dtype_name=_dtype_name(dtype),
                      n_elements=math.prod(shape), note=note)


# ---------------------------------------------------------------------------------------------
# .gguf: llama.cpp's files, read by quantviz.gguf_file (every size checked from the header)


def _index_gguf(filename: str, buf: bytes | memoryview) -> list[_Entry]:
    """One entry per tensor of a ``.gguf`` file, decoded on demand by dequantizing it to
    float32 (numpy order ``reversed(dims)``, as gguf-py). The header is read by
    :func:`quantviz.gguf_file.read_gguf`, which refuses lying counts, sizes and offsets
    before allocating; its refusals become :class:`TensorLoadError` sentences. Each tensor's
    note names its GGUF type (``"GGUF Q4_K"``)."""
    try:
        parsed = gguf_file.read_gguf(buf, max_tensors=MAX_SAFETENSORS_TENSORS)
    except gguf_file.GGUFError as exc:
        raise TensorLoadError(f"{_label(filename)}: {exc}") from None

    def decoder(name: str) -> Callable[[], np.ndarray]:
        def decode() -> np.ndarray:
            try:
                return parsed.tensor(name)
            except gguf_file.GGUFError as exc:
                raise TensorLoadError(f"{_label(filename)}: {exc}") from None
        return decode

    entries = []
    for info in parsed.tensors:
        _check_name(filename, info.name)
        entries.append(_Entry(_info(info.name, info.shape, np.dtype(np.float32),
                                    note=f"GGUF {info.type}"), decoder(info.name)))
    return entries


# ---------------------------------------------------------------------------------------------
# .npy (also the members of .npz)


@dataclass(frozen=True)
class _NpyHeader:
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool
    data_offset: int  # bytes from the start of the npy file to the first value

    @property
    def n_bytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


def _read_npy_header(fp: io.RawIOBase | io.BufferedIOBase, where: str) -> _NpyHeader:
    """Parse an npy header by hand (magic, version, length, dict literal); never unpickles.

    Layout: ``\\x93NUMPY``, major, minor, then the header length (uint16 for version 1,
    uint32 for versions 2 and 3), then a Python dict literal with "descr", "fortran_order"
    and "shape" (latin-1 for versions 1 and 2, UTF-8 for 3).
    """
    prefix = fp.read(8)
    if len(prefix) < 8 or prefix[:6] != _NPY_MAGIC:
        hint = " (it looks like a Python pickle)" if prefix[:1] == b"\x80" else ""
        raise TensorLoadError(
            f"{where} is not a NumPy .npy array: it does not start with the .npy signature{hint}."
        )
    major = prefix[6]
    if major not in (1, 2, 3):
        raise TensorLoadError(f"{where} uses .npy format version {major}, which is unknown.")
    size_format = "<H" if major == 1 else "<I"
    size_bytes = fp.read(struct.calcsize(size_format))
    if len(size_bytes) < struct.calcsize(size_format):
        raise TensorLoadError(f"{where} is truncated inside its .npy header.")
    (header_len,) = struct.unpack(size_format, size_bytes)
    if header_len > _NPY_MAX_HEADER:
        raise TensorLoadError(
            f"{where} has a {header_len:,}-byte .npy header, more than the {_NPY_MAX_HEADER:,} "
            "bytes a plain array needs."
        )
    raw = fp.read(header_len)
    if len(raw) < header_len:
        raise TensorLoadError(f"{where} is truncated inside its .npy header.")
    text = raw.decode("utf-8" if major == 3 else "latin-1")
    try:
        fields = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        raise TensorLoadError(f"{where} has a damaged .npy header ({_short(exc)}).") from None
    if not isinstance(fields, dict) or set(fields) != {"descr", "fortran_order", "shape"}:
        raise TensorLoadError(f"{where} has a damaged .npy header: {text[:200]!r}")
    shape, fortran_order = fields["shape"], fields["fortran_order"]
    if not isinstance(shape, tuple) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise TensorLoadError(f"{where} declares an impossible shape {shape!r}.")
    if not isinstance(fortran_order, bool):
        raise TensorLoadError(
            f"{where} has a damaged .npy header (fortran_order={fortran_order!r})."
        )
    try:
        dtype = np.lib.format.descr_to_dtype(fields["descr"])
    except Exception:  # noqa: BLE001 - any bad descr is one plain refusal
        raise TensorLoadError(
            f"{where} declares an unknown data type {fields['descr']!r}."
        ) from None
    return _NpyHeader(shape, dtype, fortran_order, 6 + 2 + len(size_bytes) + header_len)


def _check_npy_bytes(where: str, header: _NpyHeader, available: int) -> None:
    """The bytes after the header must be exactly what the shape and dtype need."""
    if available != header.n_bytes:
        state = "is truncated" if available < header.n_bytes else "has extra bytes"
        raise TensorLoadError(
            f"{where} {state}: its header declares {math.prod(header.shape):,} values of "
            f"{header.dtype.name} (shape {header.shape}, {header.n_bytes:,} bytes) but "
            f"{available:,} bytes of data follow."
        )


def _index_npy(filename: str, buf: bytes | memoryview, name: str) -> _Entry:
    where = _label(filename)
    header = _read_npy_header(io.BytesIO(buf[: 12 + _NPY_MAX_HEADER]), where)
    _check_dtype(filename, name, header.dtype)
    _check_npy_bytes(where, header, len(buf) - header.data_offset)

    def decode() -> np.ndarray:
        n = math.prod(header.shape)
        raw = np.frombuffer(buf, dtype=header.dtype, count=n, offset=header.data_offset)
        return _to_float(raw, header.shape, header.fortran_order)

    return _Entry(_info(name, header.shape, header.dtype), decode)


# ---------------------------------------------------------------------------------------------
# .npz


def _zip_directory_size(filename: str, data: bytes) -> int:
    """Size of the zip's central directory, from its end records, before zipfile parses it.

    The classic end record holds 32-bit sizes; when one is 0xFFFFFFFF (or the entry count
    0xFFFF), the real values are in the zip64 end record that the zip64 locator just before
    it points to, and zipfile reads those: they are checked the same way (the largest of the
    sizes and the entry count times the smallest directory entry, 46 bytes, counts).
    """
    tail_start = max(0, len(data) - (22 + 0xFFFF))  # end record + longest comment
    pos = data.rfind(b"PK\x05\x06", tail_start)
    if pos < 0 or pos + 22 > len(data):
        raise TensorLoadError(
            f"{_label(filename)} is not a valid .npz file: it has no zip directory (the file "
            "is truncated, or it is not a zip archive)."
        )
    entries, size = struct.unpack_from("<HI", data, pos + 10)
    largest = max(size, 46 * entries)
    locator = pos - 20
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        (record,) = struct.unpack_from("<Q", data, locator + 8)
        if record + 56 > len(data) or data[record : record + 4] != b"PK\x06\x06":
            raise TensorLoadError(
                f"{_label(filename)} is damaged: its zip64 end record is missing or points "
                "outside the file."
            )
        entries64, size64 = struct.unpack_from("<QQ", data, record + 32)
        largest = max(largest, size64, 46 * entries64)
    return largest


@contextlib.contextmanager
def _damaged_zip(where: str) -> Iterator[None]:
    """zipfile's and zlib's complaints about a broken archive, as one plain sentence."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise TensorLoadError(
            f"{where} is damaged: the zip archive does not read back ({_short(exc)})."
        ) from None


def _index_npz(filename: str, data: bytes) -> list[_Entry]:
    if _zip_directory_size(filename, data) > _ZIP_MAX_DIRECTORY:
        raise TensorLoadError(
            f"{_label(filename)}: its zip directory is larger than {_ZIP_MAX_DIRECTORY:,} "
            "bytes; that many arrays is not a model's weights."
        )
    with _damaged_zip(_label(filename)):
        archive = zipfile.ZipFile(io.BytesIO(data))
    entries: list[_Entry] = []
    seen: set[str] = set()
    for member in archive.infolist():
        if member.is_dir():
            continue
        name = member.filename.removesuffix(".npy")
        where = f"{_label(filename)}: member {member.filename!r}"
        if not member.filename.endswith(".npy"):
            hint = " (a PyTorch checkpoint: a pickle)" if member.filename.endswith(".pkl") else ""
            raise TensorLoadError(f"{where} is not a .npy array{hint}. {ACCEPTED_TEXT}")
        if name in seen:
            raise TensorLoadError(f"{where} appears twice; which one is meant is unclear.")
        seen.add(name)
        entries.append(_index_npz_member(filename, archive, member, name, where))
    return entries


def _index_npz_member(
    filename: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, where: str
) -> _Entry:
    if member.flag_bits & 0x1:
        raise TensorLoadError(f"{where} is encrypted.")
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise TensorLoadError(
            f"{where} is compressed with zip method {member.compress_type}; np.savez and "
            "np.savez_compressed use only 'stored' and 'deflate'."
        )
    if member.compress_type == zipfile.ZIP_STORED and member.compress_size != member.file_size:
        raise TensorLoadError(f"{where} is damaged: stored sizes disagree.")
    if member.file_size > MAX_INFLATION * max(member.compress_size, 1) + 2**16:
        raise TensorLoadError(
            f"{where} inflates from {member.compress_size:,} to {member.file_size:,} bytes "
            f"({member.file_size / max(member.compress_size, 1):,.0f} times); quantviz inflates "
            f"at most {MAX_INFLATION} times, far more than weights compress. Save it with "
            "np.savez (not compressed), or as .npy or .safetensors."
        )
    with _damaged_zip(where), archive.open(member) as fp:
        header = _read_npy_header(fp, where)
    _check_dtype(filename, name, header.dtype)
    _check_npy_bytes(where, header, member.file_size - header.data_offset)

    def decode() -> np.ndarray:
        stored = np.empty(header.n_bytes, dtype=np.uint8)
        # zipfile inflates at most member.file_size bytes, then checks the CRC-32
        with _damaged_zip(where), archive.open(member) as fp:
            fp.read(header.data_offset)
            filled = 0
            while filled < header.n_bytes:
                chunk = fp.read(min(_ZIP_CHUNK, header.n_bytes - filled))
                if not chunk:
                    raise TensorLoadError(f"{where} is truncated.")
                stored[filled : filled + len(chunk)] = np.frombuffer(chunk, dtype=np.uint8)
                filled += len(chunk)
        return _to_float(stored.view(header.dtype), header.shape, header.fortran_order, True)

    return _Entry(_info(name, header.shape, header.dtype), decode)


# ---------------------------------------------------------------------------------------------
# .safetensors


def _safetensors_one(filename: str, data: bytes, name: str) -> _Entry | None:
    """The entry of tensor ``name`` from the cached header, or None (then the full index
    says what is wrong, or lists the names)."""
    if not isinstance(data, bytes) or len(data) < 8:
        return None
    (header_len,) = struct.unpack_from("<Q", data, 0)
    if header_len < 2 or header_len > min(len(data) - 8, _SAFETENSORS_MAX_HEADER):
        return None
    base = 8 + header_len
    layout = _safetensors_layout(_label(filename), data[8:base], len(data) - base)
    found = _safetensors_names(layout).get(name)
    if found is None:
        return None
    info, dtype, start = layout[found]
    return _Entry(info, functools.partial(_decode_safetensors, data, dtype, base + start, info))


@functools.lru_cache(maxsize=4)
def _safetensors_names(layout: tuple) -> dict[str, int]:
    return {info.name: i for i, (info, _, _) in enumerate(layout)}


def _index_safetensors(filename: str, buf: bytes | memoryview) -> list[_Entry]:
    """Layout: 8-byte little-endian header length N, N bytes of JSON, then the data buffer.

    The JSON maps each tensor name to ``{"dtype", "shape", "data_offsets": [start, end]}``
    (offsets into the data buffer); an optional "__metadata__" holds free text.
    """
    where = _label(filename)
    if len(buf) < 8:
        raise TensorLoadError(f"{where} is too short for a .safetensors file ({len(buf)} bytes).")
    (header_len,) = struct.unpack_from("<Q", buf, 0)
    if header_len < 2 or header_len > len(buf) - 8 or header_len > _SAFETENSORS_MAX_HEADER:
        raise TensorLoadError(
            f"{where} is not a valid .safetensors file: it declares a {header_len:,}-byte header "
            f"but the file has {len(buf):,} bytes (the header is at most "
            f"{_SAFETENSORS_MAX_HEADER:,})."
        )
    base = 8 + header_len
    layout = _safetensors_layout(where, bytes(buf[8:base]), len(buf) - base)
    return [_Entry(info, functools.partial(_decode_safetensors, buf, dtype, base + start, info))
            for info, dtype, start in layout]


def _decode_safetensors(buf: bytes | memoryview, dtype: np.dtype, offset: int,
                        info: TensorInfo) -> np.ndarray:
    raw = np.frombuffer(buf, dtype=dtype, count=info.n_elements, offset=offset)
    return _to_float(raw, info.shape)


@functools.lru_cache(maxsize=4)
def _safetensors_layout(where: str, header_bytes: bytes,
                        n_data: int) -> tuple[tuple[TensorInfo, np.dtype, int], ...]:
    """The validated header: ``(info, dtype, start)`` per tensor, parsed once per header.

    Cached by the header's bytes and the data's length (all the checks depend on): picking
    one tensor after another of a 100,000-tensor checkpoint parses its JSON once, not on
    every pick. Refusals are raised, never cached.
    """
    # a first count before the JSON is parsed: an entry written plainly names "data_offsets"
    # once (a name holding those bytes only adds to the count). A key spelled with escapes
    # ("data_offs\u0065ts") is not seen here, so the parsed header is counted again below.
    _refuse_tensor_count(where, header_bytes.count(b'"data_offsets"'))
    try:
        header = json.loads(header_bytes.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise TensorLoadError(
            f"{where} has a damaged .safetensors header: it is not valid JSON ({_short(exc)})."
        ) from None
    if not isinstance(header, dict):
        raise TensorLoadError(f"{where} has a damaged .safetensors header (not a JSON object).")
    _refuse_tensor_count(where, len(header) - ("__metadata__" in header))
    layout = []
    spans: list[tuple[int, int, str]] = []
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        _check_name(where, name)
        info, dtype, start, end = _safetensors_entry(where, n_data, name, spec)
        layout.append((info, dtype, start))
        spans.append((start, end, name))
    spans.sort()
    for (_, end_a, name_a), (start_b, _, name_b) in zip(spans, spans[1:], strict=False):
        if start_b < end_a:
            raise TensorLoadError(
                f"{where} is damaged: the bytes of tensors {name_a!r} and {name_b!r} overlap."
            )
    return tuple(layout)


def _refuse_tensor_count(where: str, listed: int) -> None:
    """Refuse a file that lists more than :data:`MAX_SAFETENSORS_TENSORS` tensors."""
    if listed > MAX_SAFETENSORS_TENSORS:
        raise TensorLoadError(
            f"{where} lists {listed:,} tensors; quantviz reads at most "
            f"{MAX_SAFETENSORS_TENSORS:,} from one file (a model's file lists hundreds to a "
            f"few thousand)."
        )


def _check_name(where: str, name: str) -> None:
    """Refuse a tensor name that is not text: JSON's ``"\\ud800"`` decodes to a lone
    surrogate, which no page can send to a browser (UTF-8 has no code for it)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        shown = name.encode("utf-8", "backslashreplace").decode("ascii", "replace")
        raise TensorLoadError(
            f"{where} names a tensor {shown[:80]!r} with a lone UTF-16 surrogate, which is not "
            "text: rename the tensor."
        ) from None


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """``dict(pairs)``, refusing a repeated name (one pass with a set: linear in the header)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        dup = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise ValueError(f"the name {dup!r} appears twice")
    return out


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _safetensors_entry(
    where: str, n_data: int, name: str, spec: object
) -> tuple[TensorInfo, np.dtype, int, int]:
    """Validate one header entry against the ``n_data`` data bytes; return it and its span."""
    if not isinstance(spec, dict) or not {"dtype", "shape", "data_offsets"} <= set(spec):
        raise TensorLoadError(
            f"{where}: the header entry for {name!r} needs dtype, shape and data_offsets."
        )
    dtype_code, shape, offsets = spec["dtype"], spec["shape"], spec["data_offsets"]
    if dtype_code == "BOOL":
        raise TensorLoadError(f"{where}: tensor {name!r} has dtype BOOL: {_REFUSED_KINDS['b']}.")
    if not isinstance(dtype_code, str) or dtype_code not in _SAFETENSORS_DTYPES:
        raise TensorLoadError(
            f"{where}: tensor {name!r} has dtype {dtype_code!r}, which quantviz does not read; "
            f"it reads {', '.join(_SAFETENSORS_DTYPES)}."
        )
    if not isinstance(shape, list) or not all(_is_count(n) for n in shape):
        raise TensorLoadError(f"{where}: tensor {name!r} declares an impossible shape {shape!r}.")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_count, offsets))):
        raise TensorLoadError(
            f"{where}: tensor {name!r} has bad data_offsets {offsets!r} (want [start, end])."
        )
    dtype = _SAFETENSORS_DTYPES[dtype_code]
    shape_t = tuple(shape)
    n = math.prod(shape_t)
    start, end = offsets
    if end < start or end > n_data:
        raise TensorLoadError(
            f"{where}: tensor {name!r} claims bytes {start:,} to {end:,} of the data, but the "
            f"file holds only {n_data:,} data bytes: it is truncated or damaged."
        )
    if end - start != n * dtype.itemsize:
        raise TensorLoadError(
            f"{where}: tensor {name!r} declares {n:,} values of {dtype_code} (shape "
            f"{shape_t}, {n * dtype.itemsize:,} bytes) but its offsets span {end - start:,} bytes."
        )

    return _info(name, shape_t, dtype), dtype, start, end


# ---------------------------------------------------------------------------------------------
# .csv / .tsv / .txt
#
# Linear in the file and without a Python object per number or per line: comments and blank
# lines are removed by numpy over the bytes a megabyte at a time (a regular expression made a
# Python object per match: twenty megabytes of "#\n" took 2 GB), the rows are counted with
# numpy, and the numbers are parsed by np.loadtxt over chunks folded into long lines (loadtxt
# costs about half a microsecond per line, so a column of ten million numbers read line by line
# would take seconds). A file that fails is searched chunk by chunk for the chunk loadtxt
# refuses, and only that chunk is read field by field, to say the line and column.

_TEXT_CHUNK = 2**20  # bytes of text parsed at a time: bounds the parser's own memory
#: The largest text file read, in bytes and in numbers. Parsing text costs about 0.15 to 0.3
#: us a number and 20 ns a byte (np.loadtxt, measured; a binary .npy is not parsed): ten
#: million numbers took 1.5 s, and a page drawn on them as much again. At these limits a text
#: upload costs about half a second of CPU, about 0.9 s when comments or blank lines must be
#: removed first; a larger one is refused, with the advice to save it as .npy. The numbers are
#: counted before any is parsed. numpy.savetxt's default format writes about 25 bytes a
#: number, so such a file reaches the byte limit at about 630,000 numbers.
MAX_TEXT_BYTES = 16_000_000
MAX_TEXT_VALUES = 2_000_000
_TEXT_ADVICE = "save it with numpy.save as .npy, which loads without parsing"
_HEADER_MAX = 2**20  # a header row longer than this is not a header
_FIELD = {b",": ord(","), b"\t": ord("\t")}
#: White space within a line (a regular expression's ``[ \t\r\f\v]``), by byte value.
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 11, 12, 13, 32]] = True
#: A number as np.loadtxt reads it: ASCII digits only (no ``１``, no ``1_000``, which Python's
#: float() would take), an optional exponent, inf / infinity / nan in any case.
_NUMBER = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)",
                     re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class _TextLayout:
    delimiter: str | None  # None: any run of whitespace
    skip_lines: int  # physical lines before the data (the header row and what precedes it)
    n_rows: int
    n_cols: int
    ragged: bool = False  # rows of different lengths, read as one flat vector (.txt only)
    first_ragged: tuple[int, int] | None = None  # (row of the body, its count) when refused


def _is_number(token: str) -> bool:
    """Whether np.loadtxt reads ``token`` as a number (:data:`_NUMBER`, spaces around)."""
    return _NUMBER.fullmatch(token.strip()) is not None


def _line_marks(c: np.ndarray, in_comment: bool) -> tuple[np.ndarray, np.ndarray, bool]:
    """``(newline, comment)`` masks of the bytes ``c`` and whether the next chunk starts in a
    comment: a byte is in a comment when a ``#`` precedes it on its line (the ``#`` included)."""
    idx = np.arange(c.size, dtype=np.int32)
    newline = c == 10
    last_newline = np.where(newline, idx, np.int32(-2))
    np.maximum.accumulate(last_newline, out=last_newline)
    last_hash = np.where(c == 35, idx, np.int32(-1 if in_comment else -3))
    np.maximum.accumulate(last_hash, out=last_hash)
    comment = last_hash > last_newline
    return newline, comment, bool(comment[-1]) if c.size else in_comment


#: A line holding only white space between two newlines (``\r`` is a newline by then).
_BLANK_INSIDE = re.compile(rb"\n[\t\v\f ]*\n")
_BLANK_FIRST = re.compile(rb"[\t\v\f ]*(?:\n|\Z)")


def _nothing_to_clean(raw: bytes) -> bool:
    """Whether ``raw`` has no comment and no blank line (but for the empty "line" after a
    final newline): then :func:`_clean_text` keeps it as it is. Searches in C at about a
    nanosecond a byte (the numpy passes cost about 30: 0.6 s for 20 MB of numbers)."""
    last = raw[raw.rfind(b"\n") + 1:]
    return (b"#" not in raw and _BLANK_FIRST.match(raw) is None
            and _BLANK_INSIDE.search(raw) is None
            and (not last or bool(last.strip(b"\t\v\f "))))


def _clean_text(raw: bytes) -> tuple[bytes, np.ndarray]:
    """``raw`` without comments (``#`` to the end of its line) and without lines that hold only
    white space, and a mask over ``raw``'s lines of those kept (line ``i`` is 0-based).

    Two passes of numpy over megabyte chunks (a line's fate depends on its later bytes): the
    first marks the lines that hold something, the second keeps their bytes. Memory: the
    result, one byte per line, and a few bytes per byte of one chunk. A file with nothing to
    remove (:func:`_nothing_to_clean`, most files) is kept whole without those passes: every
    line is kept but the empty one after a final newline.
    """
    if _nothing_to_clean(raw):
        has = np.ones(raw.count(b"\n") + 1, dtype=bool)
        has[-1] = not raw.endswith(b"\n")
        return raw, has
    a = np.frombuffer(raw, dtype=np.uint8)
    has = np.zeros(raw.count(b"\n") + 1, dtype=bool)
    out = []
    for keep_pass in (False, True):
        in_comment, base = False, 0
        for lo in range(0, a.size, _TEXT_CHUNK):
            c = a[lo:lo + _TEXT_CHUNK]
            newline, comment, in_comment = _line_marks(c, in_comment)
            line = np.cumsum(newline, dtype=np.int64)
            line -= newline  # a newline belongs to the line it ends
            line += base
            base += int(line[-1] - base + newline[-1])
            if keep_pass:
                out.append(c[~comment & has[line]].tobytes())
            else:
                has[line[~comment & ~newline & ~_SPACE[c]]] = True
    return b"".join(out), has


def _split(line: str, delimiter: str | None) -> list[str]:
    return line.split(delimiter) if delimiter else line.split()


def _fields(line: str, delimiter: str | None) -> Iterator[tuple[int, str]]:
    """(1-based column, field) of one row, one at a time (a row may hold millions)."""
    pattern = r"[^,]*" if delimiter == "," else r"[^\t]*" if delimiter == "\t" else r"\S+"
    column = 0
    for match in re.finditer(pattern, line):
        if delimiter and match.start() > 0 and line[match.start() - 1] != delimiter:
            continue  # finditer's empty match right after a field
        column += 1
        yield column, match.group().strip()


def _first_row(where: str, line_no: int, line: str, delimiter: str | None) -> bool:
    """Whether the first row is a header: none of its fields is a number.

    A row that mixes numbers and words (``1,2,three``) is a row of data with a typo, not a
    header: refused with its line and column. Fields are looked at one at a time.
    """
    head = line.encode("utf-8")
    if len(head) > _TEXT_CHUNK:  # its first megabyte decides; a later typo is found on decoding
        cut = head.find(b"," if delimiter == "," else b"\t" if delimiter else b" ", _TEXT_CHUNK)
        head = head[:cut] if cut > 0 else head
    try:
        _parse_numbers(head + b"\n", delimiter)
        return False  # numbers: a row of data
    except (ValueError, UserWarning):
        pass
    if len(line) > _HEADER_MAX:
        raise TensorLoadError(
            f"{where}: line {line_no} is {len(line):,} characters long and not all numbers; "
            f"a header row is at most {_HEADER_MAX:,}."
        )
    first_word: tuple[int, str] | None = None
    seen_number = False
    column = 0
    for column, field in _fields(line, delimiter):
        if _is_number(field):
            seen_number = True
        elif first_word is None:
            first_word = (column, field)
        if seen_number and first_word is not None:
            raise TensorLoadError(
                f"{where}: line {line_no}, column {first_word[0]} has {first_word[1]!r}, which "
                f"is not a number, while other fields of that row are numbers: the first row "
                "is data with a typo, not a header. Fix that field."
            )
    return first_word is not None


def _is_separator(a: np.ndarray, delimiter: str | None) -> np.ndarray:
    if delimiter:
        return (a == 10) | (a == _FIELD[delimiter.encode()])
    return a <= 32  # whitespace (and control bytes): between numbers


def _chunks(a: np.ndarray, delimiter: str | None) -> Iterator[tuple[int, int]]:
    """``(lo, hi)`` spans of about ``_TEXT_CHUNK`` bytes, each ending on a separator."""
    lo = 0
    while lo < a.size:
        hi = min(a.size, lo + _TEXT_CHUNK)
        if hi < a.size:
            after = np.flatnonzero(_is_separator(a[hi - 1 : hi - 1 + _TEXT_CHUNK], delimiter))
            hi = hi + int(after[0]) if after.size else min(a.size, hi - 1 + _TEXT_CHUNK)
        yield lo, hi
        lo = hi


def _text_body(where: str, data: bytes | memoryview
               ) -> tuple[bytes, np.ndarray, str | None, bool]:
    """``(body, kept, delimiter, header_seen)``: the numbers' lines, comments and blank lines
    removed, ending in one newline; ``kept`` marks the file's lines that are in the body (the
    header row too); the delimiter comes from the first data row.
    """
    raw = bytes(data)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        raise TensorLoadError(f"{where} contains binary data; it is not a text file of numbers.")
    raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    raw, has = _clean_text(raw)
    if not raw:
        raise TensorLoadError(f"{where} has no numbers.")
    line_no = int(np.argmax(has)) + 1  # the first line that holds something
    start = 0
    end = raw.find(b"\n")
    end = len(raw) if end < 0 else end
    line_bytes = raw[start:end]
    try:
        line = line_bytes.decode("utf-8")
    except UnicodeDecodeError:
        line = line_bytes.decode("latin-1")  # spreadsheet exports; numbers are ASCII either way
    delimiter = "," if "," in line else "\t" if "\t" in line else None
    header_seen = _first_row(where, line_no, line, delimiter)
    body = raw[end:] if header_seen else raw
    del raw
    body = body.strip(b"\n\t\f\v ")
    if not body.strip():
        raise TensorLoadError(
            f"{where} has no numbers" + (" below its header." if header_seen else ".")
        )
    if header_seen:
        second = re.search(rb"\S", body)  # the delimiter comes from the first data row
        row = body[: (body.find(b"\n") if b"\n" in body else len(body))]
        delimiter = "," if b"," in row else "\t" if b"\t" in row else None
        del second
    return body + b"\n", has, delimiter, header_seen


def _row_counts(a: np.ndarray, delimiter: str | None) -> Iterator[tuple[int, int, np.ndarray]]:
    """``(lo, hi, values per row)`` of each chunk of ``a`` for the rows that end in it.

    A row's count is its delimiters plus one (or, for whitespace, the starts of its words);
    a row may span chunks: its count so far is carried to the next.
    """
    carry, prev_word = 0, False
    for lo, hi in _chunks(a, delimiter):
        c = a[lo:hi]
        ends = np.flatnonzero(c == 10)
        if delimiter:
            marks = np.flatnonzero(c == _FIELD[delimiter.encode()])
        else:
            word = c > 32
            starts = word & ~np.concatenate(([prev_word], word[:-1]))
            marks = np.flatnonzero(starts)
            prev_word = bool(word[-1])
        before = np.searchsorted(marks, ends)
        per_line = np.diff(before, prepend=0) + (1 if delimiter else 0)
        if per_line.size:
            per_line[0] += carry
            carry = int(marks.size - before[-1])
        else:
            carry += int(marks.size)
        yield lo, hi, per_line


def _text_layout(where: str, body: bytes, delimiter: str | None, skip: int,
                 ragged_ok: bool) -> _TextLayout:
    """Rows and columns, counted with numpy over the bytes, a chunk at a time.

    A row's count is its delimiters plus one (or, for whitespace, the starts of its words);
    a row may span chunks: its count so far is carried to the next.
    """
    a = np.frombuffer(body, dtype=np.uint8)
    n_rows, n_cols, total, ragged = 0, -1, 0, False
    first_ragged = None
    for _, _, per_line in _row_counts(a, delimiter):
        if per_line.size:
            if n_cols < 0:
                n_cols = int(per_line[0])
            wrong = np.flatnonzero(per_line != n_cols)
            if wrong.size and first_ragged is None:
                first_ragged = (n_rows + int(wrong[0]), int(per_line[wrong[0]]))
            ragged = ragged or bool(wrong.size)
            n_rows += per_line.size
            total += int(per_line.sum())
    if ragged and not ragged_ok:
        return _TextLayout(delimiter, skip, n_rows, n_cols, ragged=True,
                           first_ragged=first_ragged)
    if ragged:
        return _TextLayout(delimiter, skip, total, 1, ragged=True)
    return _TextLayout(delimiter, skip, n_rows, n_cols)


class _BadChunk(ValueError):
    """loadtxt refused the bytes ``lo:hi`` of the body (the first chunk it refused)."""

    def __init__(self, lo: int, hi: int, reason: str) -> None:
        super().__init__(reason)
        self.lo, self.hi = lo, hi


def _parse_numbers(body: bytes, delimiter: str | None, count: int | None = None) -> np.ndarray:
    """Every number of ``body`` in order, as float64: each chunk folded into one line.

    With ``count`` (known from the layout) the numbers go straight into one array of that
    size; a different count raises ``ValueError``.
    """
    a = np.frombuffer(body, dtype=np.uint8)
    out = np.empty(count, dtype=np.float64) if count is not None else None
    filled = 0
    parts = []
    fold = bytes.maketrans(b"\n", b"," if delimiter == "," else b"\t" if delimiter else b" ")
    for lo, hi in _chunks(a, delimiter):
        chunk = body[lo:hi].strip(b"\n," if delimiter == "," else b"\n\t " if delimiter
                                  else None).translate(fold)
        if not chunk.strip():
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # "input contained no data": a damaged file
                part = np.loadtxt(io.BytesIO(chunk), dtype=np.float64, delimiter=delimiter,
                                  comments=None, ndmin=1)
        except (ValueError, UserWarning) as err:
            raise _BadChunk(lo, hi, str(err)) from None
        if out is None:
            parts.append(part)
            continue
        if filled + part.size > out.size:
            raise ValueError(f"more than the {out.size:,} numbers counted")
        out[filled : filled + part.size] = part
        filled += part.size
    if out is not None:
        if filled != out.size:
            raise ValueError(f"{filled:,} numbers, not the {out.size:,} counted")
        return out
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _kept_line(kept: np.ndarray, k: int) -> int:
    """The file's 1-based line number of the ``k``-th (0-based) line marked in ``kept``,
    counted a megabyte of marks at a time (no index array over every line)."""
    seen = 0
    for lo in range(0, kept.size, _TEXT_CHUNK):
        part = kept[lo:lo + _TEXT_CHUNK]
        here = int(np.count_nonzero(part))
        if seen + here > k:
            return lo + int(np.flatnonzero(part)[k - seen]) + 1
        seen += here
    return kept.size


def _text_problem(body: bytes, lo: int, hi: int, delimiter: str | None, kept: np.ndarray,
                  header_seen: bool) -> str | None:
    """The first field of ``body[lo:hi]`` (the chunk loadtxt refused) that is not a number,
    as a sentence with its line and column in the file as uploaded (comments and blank lines
    counted). Only that chunk (about a megabyte) is read field by field, never the file line
    by line."""
    sep = delimiter.encode() if delimiter else None
    bad = _first_bad_field(body, lo, hi, sep)
    if bad is None:
        return None
    return _field_sentence(body, *bad, sep, kept, header_seen)


def _field_sentence(body: bytes, pos: int, field: str, sep: bytes | None, kept: np.ndarray,
                    header_seen: bool) -> str:
    """"line L, column C has 'field', which is not a number" for the field at ``body[pos]``."""
    row = body.count(b"\n", 0, pos)
    start = body.rfind(b"\n", 0, pos) + 1
    before = body[start:pos]
    column = before.count(sep) + 1 if sep else len(before.split()) + 1
    line = _kept_line(kept, row + (1 if header_seen else 0))
    return f"line {line}, column {column} has {field!r}, which is not a number"


#: Bytes a number, a delimiter or white space may hold (digits, sign, point, exponent, the
#: letters of inf / infinity / nan in either case): any other byte is a field that is not a
#: number, found with one numpy pass before anything is parsed.
_NUMBER_BYTES = np.zeros(256, dtype=bool)
_NUMBER_BYTES[list(b"0123456789+-.eEinfatyINFATY,\t\n\v\f\r ")] = True


def _stray_byte(body: bytes, delimiter: str | None) -> tuple[int, str] | None:
    """``(offset, field)`` of the first field holding a byte no number holds (a letter, ``_``,
    a full-width digit's UTF-8), or None; numpy over megabyte chunks."""
    a = np.frombuffer(body, dtype=np.uint8)
    for lo in range(0, a.size, _TEXT_CHUNK):
        stray = np.flatnonzero(~_NUMBER_BYTES[a[lo:lo + _TEXT_CHUNK]])
        if stray.size:
            pos = lo + int(stray[0])
            ends = (b"\n", delimiter.encode()) if delimiter else (b"\n", b" ", b"\t")
            start = max(body.rfind(e, 0, pos) for e in ends) + 1
            stops = [i for i in (body.find(e, pos) for e in ends) if i >= 0]
            field = body[start:min(stops) if stops else len(body)]
            return start, field.decode("utf-8", "replace").strip()
    return None


def _first_bad_field(body: bytes, lo: int, hi: int, sep: bytes | None) -> tuple[int, str] | None:
    """``(offset, field)`` of the first field of ``body[lo:hi]`` that is not a number, or None
    (the chunk is one loadtxt refused: about a megabyte, walked field by field)."""
    chunk = body[lo:hi]
    if sep is None:
        fields = ((m.start(), m.group()) for m in re.finditer(rb"\S+", chunk))
    else:  # each field with its end (delimiter, newline or the chunk's end): empty ones too
        ends = re.escape(sep) + rb"\n"
        fields = ((m.start(), m.group(1)) for m in re.finditer(rb"([^" + ends + rb"]*)(?:["
                                                                + ends + rb"]|\Z)", chunk)
                  if m.start() < len(chunk))
    for start, raw_field in fields:
        field = raw_field.decode("utf-8", "replace").strip()
        if not _is_number(field):
            return lo + start, field
    return None


#: The last text file indexed: its name, tensor name and a digest of its bytes -> its entry.
#: Showing an upload's shape (:func:`describe_tensors`) and loading it (:func:`load_tensor`)
#: both need the text cleaned and laid out, 0.8 s for 20 MB of numbers: the second call takes
#: the first's. One entry (the cleaned text, at most the file's size), replaced by the next.
_TEXT_MEMO: dict[tuple, _Entry] = {}
_TEXT_LOCK = threading.Lock()


def _index_text_once(filename: str, buf: bytes | memoryview, name: str) -> _Entry:
    """:func:`_index_text`, from :data:`_TEXT_MEMO` when the same bytes were indexed last (a
    file it refuses is not kept: it raises again)."""
    if len(buf) > MAX_TEXT_BYTES:
        raise TensorLoadError(
            f"{_label(filename)} is {len(buf):,} bytes of text; quantviz reads text files of at "
            f"most {MAX_TEXT_BYTES:,} bytes and {MAX_TEXT_VALUES:,} numbers: {_TEXT_ADVICE}."
        )
    key = (filename, name, len(buf), hashlib.blake2b(buf, digest_size=16).digest())
    with _TEXT_LOCK:
        entry = _TEXT_MEMO.get(key)
    if entry is None:
        entry = _index_text(filename, buf, name)
        with _TEXT_LOCK:
            _TEXT_MEMO.clear()
            _TEXT_MEMO[key] = entry
    return entry


def _index_text(filename: str, buf: bytes | memoryview, name: str) -> _Entry:
    where = _label(filename)
    body, kept, delimiter, header_seen = _text_body(where, buf)
    skip = _kept_line(kept, 0) if header_seen else 0
    ragged_ok = PurePath(filename).suffix.lower() == ".txt"
    layout = _text_layout(where, body, delimiter, skip, ragged_ok)
    if layout.ragged and not ragged_ok:  # before the count: rows x first row's columns
        row, count = layout.first_ragged  # is not what the file holds
        raise TensorLoadError(
            f"{where}: line {_kept_line(kept, row + (1 if header_seen else 0))} has {count} "
            f"values but the first row has {layout.n_cols}; every row needs the same number "
            "of columns."
        )
    total = layout.n_rows * max(layout.n_cols, 1)
    if total > MAX_TEXT_VALUES:
        raise TensorLoadError(
            f"{where} holds {total:,} numbers; quantviz reads text files of at most "
            f"{MAX_TEXT_VALUES:,} numbers: {_TEXT_ADVICE}."
        )
    stray = _stray_byte(body, delimiter)
    if stray is not None:
        sentence = _field_sentence(body, *stray, delimiter.encode() if delimiter else None, kept,
                                   header_seen)
        raise TensorLoadError(f"{where}: {sentence}.")
    shape = (layout.n_rows,) if layout.n_cols == 1 else (layout.n_rows, layout.n_cols)
    note = (
        f"{PurePath(filename).name}: its rows hold different numbers of values, so its "
        f"{layout.n_rows:,} numbers are read as one flat list, row after row."
        if layout.ragged else ""
    )

    def decode() -> np.ndarray:
        try:
            x = _parse_numbers(body, delimiter, math.prod(shape))
        except _BadChunk as bad:
            detail = _text_problem(body, bad.lo, bad.hi, delimiter, kept, header_seen)
            raise TensorLoadError(
                f"{where}: {(detail or 'a value is not a number').rstrip('.')}."
            ) from None
        if x.size != math.prod(shape):
            raise TensorLoadError(
                f"{where}: expected {math.prod(shape):,} numbers, read {x.size:,}."
            )
        return x.reshape(shape)

    return _Entry(_info(name, shape, np.dtype(np.float64), note), decode)

