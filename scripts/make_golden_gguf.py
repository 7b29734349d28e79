"""Write tests/data/golden_gguf.npz: ggml's own bytes for every GGUF block type we transcribe.

Dev-only (the tests read the committed file with numpy alone). Needs ggml-python 0.0.45
(built from source with ``CMAKE_ARGS=-DGGML_NATIVE=OFF``), which vendors ggml 0.15.3: its
``ggml_version()`` says ``0.15.3``, ``ggml_commit()`` says ``unknown``, and its
``src/ggml-quants.c``, ``src/ggml.c`` and ``src/ggml-impl.h`` are identical to those of the
ggml-org/ggml tag ``v0.15.3`` (commit eced84c86f8b012c752c016f7fe789adea168e1e). Optional:
gguf 0.19.0, whose ``gguf.quants.dequantize`` is used as a sanity check that the bytes decode
to something near the input. Run from the repository root:

    python scripts/make_golden_gguf.py

Every type is quantized by ``ggml_quantize_chunk(type, src, dst, 0, nrows, n_per_row,
imatrix)`` called through ctypes, once with ``imatrix = NULL`` and once with an importance
vector, on two tensors:

- ``x`` (rows of 256): normal, heavy-tailed (Student t, 3 degrees of freedom), ReLU'd normal,
  two rows sharing an outlier column, constant, zero, signed zeros, tiny (1e-30 scale), huge
  (1e30 scale), and engineered half steps: blocks whose extreme value makes the scale exactly
  1 (amax 127, 8 or 16; range 15 or 31) and whose other values are k + 1/2, so that every
  rounding in ggml lands on a tie;
- ``wide`` (3 rows of 1024): normal rows, so that several super-blocks share one row (Q4_0,
  Q5_0, Q4_1, Q5_1 with an imatrix use the whole row's mean square).

Keys: ``x`` and ``wide`` (float32 bits as uint32), ``imatrix_x`` and ``imatrix_wide`` (float32
bits), ``"<tensor>/<type>/none"`` and ``"<tensor>/<type>/imatrix"`` (uint8, rows x bytes per
row), ``meta`` (JSON: versions, row names, types).
"""

from __future__ import annotations

import ctypes
import json
import sys
from pathlib import Path

import numpy as np

TYPES = ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K",
         "IQ4_NL", "IQ4_XS", "TQ1_0", "TQ2_0"]

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "golden_gguf.npz"


def half_steps(rng: np.random.Generator, n: int, amax: float) -> np.ndarray:
    """Blocks of 32 led by -amax (so d = 1 for Q8_0/Q4_0/Q5_0), then k + 0.5 in range."""
    row = rng.integers(-int(amax), int(amax) - 1, size=n).astype(np.float32) + 0.5
    row[::32] = -amax
    return row


def half_steps_range(rng: np.random.Generator, n: int, span: float) -> np.ndarray:
    """Blocks of 32 spanning [0, span] (so d = 1 for Q4_1 at 15, Q5_1 at 31), then k + 0.5."""
    row = rng.integers(0, int(span), size=n).astype(np.float32) + 0.5
    row[::32] = 0.0
    row[1::32] = span
    return row


def build_rows() -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(20260707)
    n = 256
    rows: dict[str, np.ndarray] = {}
    rows["normal"] = rng.normal(0.0, 1.0, n)
    rows["student_t"] = rng.standard_t(3.0, n) * 0.02
    rows["relu"] = np.maximum(rng.normal(0.1, 1.0, n), 0.0)
    outlier = rng.normal(0.0, 0.05, (2, n))
    outlier[:, 7] *= 60.0
    outlier[:, 200] = 4.0
    rows["outlier_col_a"], rows["outlier_col_b"] = outlier
    rows["constant"] = np.full(n, 0.37)
    rows["constant_neg"] = np.full(n, -2.5)
    rows["zero"] = np.zeros(n)
    signed_zero = np.zeros(n)
    signed_zero[1::2] = -0.0
    rows["signed_zero"] = signed_zero
    rows["tiny"] = rng.normal(0.0, 1.0, n) * 1e-30
    rows["huge"] = rng.normal(0.0, 1.0, n) * 1e30
    rows["half_127"] = half_steps(rng, n, 127.0)
    rows["half_8"] = half_steps(rng, n, 8.0)
    rows["half_16"] = half_steps(rng, n, 16.0)
    rows["half_range_15"] = half_steps_range(rng, n, 15.0)
    rows["half_range_31"] = half_steps_range(rng, n, 31.0)
    rows["mixed_scale"] = rng.normal(0.0, 1.0, n) * np.repeat(10.0 ** rng.uniform(-3, 1, 8), 32)
    names = list(rows)
    x = np.stack([np.asarray(rows[k], dtype=np.float32) for k in names])
    x[names.index("signed_zero"), 1::2] = np.float32(-0.0)
    return names, x


def ggml_quantize(ggml, qtype: str, x: np.ndarray, imatrix: np.ndarray | None) -> np.ndarray:
    """``ggml_quantize_chunk`` on the whole tensor, as llama-quantize calls it."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    rows, n = x.shape
    gtype = getattr(ggml, f"GGML_TYPE_{qtype}")
    row_bytes = int(ggml.ggml_row_size(gtype, n))
    out = np.zeros((rows, row_bytes), dtype=np.uint8)
    fptr = ctypes.POINTER(ctypes.c_float)
    qw = None
    if imatrix is not None:
        imatrix = np.ascontiguousarray(imatrix, dtype=np.float32)
        qw = imatrix.ctypes.data_as(fptr)
    written = ggml.ggml_quantize_chunk(gtype, x.ctypes.data_as(fptr),
                                       out.ctypes.data_as(ctypes.c_void_p), 0, rows, n, qw)
    if written != out.size:
        raise RuntimeError(f"{qtype}: ggml wrote {written} bytes, expected {out.size}")
    return out


def sanity(qtype: str, x: np.ndarray, q: np.ndarray) -> float | None:
    """Largest |x - dequantize(q)| on the finite, moderate rows, via gguf-py (None if absent)."""
    try:
        from gguf import GGMLQuantizationType
        from gguf.quants import dequantize
    except ImportError:
        return None
    x_hat = dequantize(q, getattr(GGMLQuantizationType, qtype)).reshape(x.shape)
    return float(np.max(np.abs(x_hat - x)))


def main() -> int:
    import ggml

    names, x = build_rows()
    rng = np.random.default_rng(7)
    wide = rng.normal(0.0, 1.0, (3, 1024)).astype(np.float32)
    imatrix_x = rng.chisquare(2.0, 256).astype(np.float32) + np.float32(0.01)
    imatrix_wide = rng.chisquare(2.0, 1024).astype(np.float32) + np.float32(0.01)
    arrays: dict[str, np.ndarray] = {
        "x": x.view(np.uint32), "wide": wide.view(np.uint32),
        "imatrix_x": imatrix_x.view(np.uint32), "imatrix_wide": imatrix_wide.view(np.uint32),
    }
    moderate = [i for i, k in enumerate(names) if k not in ("huge", "tiny")]
    for qtype in TYPES:
        for tensor, data, imat in (("x", x, imatrix_x), ("wide", wide, imatrix_wide)):
            arrays[f"{tensor}/{qtype}/none"] = ggml_quantize(ggml, qtype, data, None)
            arrays[f"{tensor}/{qtype}/imatrix"] = ggml_quantize(ggml, qtype, data, imat)
        err = sanity(qtype, x[moderate], arrays[f"x/{qtype}/none"][moderate])
        print(f"{qtype:7s} bytes/row {arrays[f'x/{qtype}/none'].shape[1]:4d}  "
              f"max |x - x_hat| (moderate rows) {err}")
    meta = {
        "ggml_python": "0.0.45",
        "ggml_version": ggml.ggml_version().decode(),
        "ggml_tag_commit": "eced84c86f8b012c752c016f7fe789adea168e1e",
        "function": "ggml_quantize_chunk",
        "rows": names,
        "types": TYPES,
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
