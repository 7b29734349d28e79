"""Write tests/data/golden_gguf_dequant.npz: gguf-py 0.19.0's dequantization of every type.

Dev-only (the tests read the committed file with numpy alone). Needs ``gguf==0.19.0``. Run
from the repository root:

    python scripts/make_golden_gguf_file.py

For every ggml type gguf-py knows, random block bytes (seeded) plus blocks whose float16
scale fields hold inf, -inf, quiet and signalling NaNs with payloads, -0, 0, the smallest and
largest subnormal and the largest finite value (so scales that overflowed to inf, NaN rows
and -0 are covered), one all-zero and one all-0xFF block, laid out as 2 rows. The
reference is ``gguf.quants.dequantize(raw, qtype)`` on the ``(rows, bytes per row)`` array.

Keys: ``"<TYPE>/raw"`` (uint8, rows x bytes per row), ``"<TYPE>/shape"`` (the float
shape), ``"<TYPE>/x_hat"`` (the float32 result's bits as uint32), ``"grid/<TYPE>"`` (the
i-quant grids gguf-py expands, as int8), ``"ksigns"`` (uint8), and ``meta`` (JSON: version,
every type as ``[id, block_size, type_size]``, the types gguf-py refuses to dequantize).
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import gguf
import numpy as np
from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType
from gguf.quants import dequantize

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "golden_gguf_dequant.npz"
SEED = 20240617

# float16 bit patterns put into the scale fields
SPECIAL_F16 = (0x7C00, 0xFC00, 0x7E00, 0x7D01, 0xFE55, 0x8000, 0x0000, 0x0001, 0x03FF, 0x7BFF)

# byte offsets of each block's float16 scale fields (ggml-common.h block layouts)
F16_FIELDS: dict[str, tuple[int, ...]] = {
    "Q4_0": (0,), "Q4_1": (0, 2), "Q5_0": (0,), "Q5_1": (0, 2), "Q8_0": (0,),
    "Q2_K": (80, 82), "Q3_K": (108,), "Q4_K": (0, 2), "Q5_K": (0, 2), "Q6_K": (208,),
    "IQ2_XXS": (0,), "IQ2_XS": (0,), "IQ2_S": (0,), "IQ3_XXS": (0,), "IQ3_S": (0,),
    "IQ1_S": (0,), "IQ4_NL": (0,), "IQ4_XS": (0,), "TQ1_0": (52,), "TQ2_0": (64,),
}
RANDOM_BLOCKS = {1: 512, 32: 48, 64: 64, 128: 16, 256: 10}


def special_blocks(name: str, type_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    blocks = [np.zeros(type_size, np.uint8), np.full(type_size, 0xFF, np.uint8)]
    for offset in F16_FIELDS.get(name, ()):
        for bits in SPECIAL_F16:
            block = rng.integers(0, 256, type_size, dtype=np.uint8)
            block[offset : offset + 2] = np.array([bits], "<u2").view(np.uint8)
            blocks.append(block)
    if name == "IQ1_M":  # d lives in the top nibbles of the 4 scale words at bytes 48..55
        for bits in SPECIAL_F16:
            block = rng.integers(0, 256, type_size, dtype=np.uint8)
            words = block[48:56].view("<u2")
            for k in range(4):
                words[k] = (words[k] & 0x0FFF) | (((bits >> (4 * k)) & 0xF) << 12)
            blocks.append(block)
    return blocks


def raw_for(qtype: GGMLQuantizationType, rng: np.random.Generator) -> np.ndarray:
    block_size, type_size = GGML_QUANT_SIZES[qtype]
    n = RANDOM_BLOCKS[block_size]
    blocks = list(rng.integers(0, 256, (n, type_size), dtype=np.uint8))
    if block_size == 1 and type_size == 2:  # F16 / BF16: every special pattern as an element
        specials = np.array(SPECIAL_F16 + (0x7F80, 0xFF80, 0x7FC1, 0x0080), "<u2")
        blocks += list(specials.view(np.uint8).reshape(-1, 2))
    elif block_size == 1 and type_size == 4:
        specials = np.array([0x7F800000, 0xFF800000, 0x7FC00001, 0xFFA00000, 0x80000000, 1], "<u4")
        blocks += list(specials.view(np.uint8).reshape(-1, 4))
    else:
        blocks += special_blocks(qtype.name, type_size, rng)
    if qtype.name in ("NVFP4", "MXFP4"):  # every scale byte once
        scale_bytes = 4 if qtype.name == "NVFP4" else 1
        blocks += list(rng.integers(0, 256, (256 // scale_bytes, type_size), np.uint8))
        for i, block in enumerate(blocks[-(256 // scale_bytes) :]):
            block[:scale_bytes] = np.arange(i * scale_bytes, (i + 1) * scale_bytes)
    if len(blocks) % 2:
        blocks.append(rng.integers(0, 256, type_size, dtype=np.uint8))
    return np.stack(blocks).reshape(2, -1)


def main() -> None:
    assert version("gguf") == "0.19.0", version("gguf")
    rng = np.random.default_rng(SEED)
    arrays: dict[str, np.ndarray] = {}
    refused = []
    for qtype in GGMLQuantizationType:
        block_size, type_size = GGML_QUANT_SIZES[qtype]
        raw = raw_for(qtype, rng)
        try:
            with np.errstate(all="ignore"):
                x_hat = dequantize(raw, qtype)
        except NotImplementedError:
            refused.append(qtype.name)
            continue
        assert x_hat.dtype == np.float32
        arrays[f"{qtype.name}/raw"] = raw
        arrays[f"{qtype.name}/shape"] = np.array(x_hat.shape, np.int64)
        arrays[f"{qtype.name}/x_hat"] = np.ascontiguousarray(x_hat).view(np.uint32)
    for name, cls in vars(gguf.quants).items():
        if isinstance(cls, type) and getattr(cls, "grid_hex", None) is not None:
            cls.init_grid()
            grid = cls.grid.reshape(cls.grid_shape)
            assert np.array_equal(grid.astype(np.int8), grid)
            arrays[f"grid/{name}"] = grid.astype(np.int8)
    arrays["ksigns"] = np.frombuffer(gguf.quants.IQ2_XXS.ksigns, np.uint8)
    meta = {
        "gguf": "0.19.0",
        "types": {q.name: [int(q), *GGML_QUANT_SIZES[q]] for q in GGMLQuantizationType},
        "refused": refused,
    }
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes); refused: {refused}")


if __name__ == "__main__":
    main()
