"""Write tests/data/golden_formats.npz: the reference toolchains' results for every format.

Dev-only (the tests read the committed file with numpy alone). Needs torch 2.13, torchao
0.18.0 and bitsandbytes 0.50.2. Run from the repository root:

    python scripts/make_golden_formats.py

References, per format:

- element casts: ``torch.Tensor.to(torch.float8_e4m3fn / float8_e5m2)`` after clamping to the
  largest finite value, and torchao's ``f32_to_f6_e3m2_unpacked`` / ``f32_to_f6_e2m3_unpacked``
  / ``f32_to_f4_unpacked`` (decoded by their ``*_unpacked_to_f32``), on every midpoint of every
  grid and its float32 neighbours, subnormals and values beyond the largest;
- per-tensor floats: ``s = amax / max`` in torch float32, ``cast(clamp(x / s)) * s``;
- MX: ``torchao.prototype.mx_formats.mx_tensor.to_mx(x, elem, 32, ScaleCalculationMode.FLOOR)``
  then ``to_dtype(..., torch.float32)``;
- NVFP4: ``NVFP4Tensor.to_nvfp4(x, per_tensor_scale=per_tensor_amax_to_scale(amax))``
  then ``.dequantize(torch.float32)``;
- NF4: ``bitsandbytes.functional.quantize_4bit(x, blocksize=64, quant_type="nf4")`` and
  ``dequantize_4bit`` on CPU;
- integers: torch's ``MinMaxObserver`` / ``PerChannelMinMaxObserver`` (signed affine, one
  channel per group) for the range, the group scale stored as ``.to(torch.float16)``,
  ``.to(torch.bfloat16)`` or rounded up to a power of two (``torch.frexp``), the zero point
  recomputed from it, then ``torch.fake_quantize_per_tensor_affine`` /
  ``fake_quantize_per_channel_affine``.

Keys: ``"<case>/x"`` (float32 bits as uint32), ``"<case>/<fmt>/x_hat"`` (uint32 bits),
``"<case>/<fmt>/scales"`` (the per-block scales as float32 bits: MX ``2^e``, NVFP4 the E4M3
block scale, NF4 absmax, integers the stored scale), ``"<case>/<fmt>/codes"`` (uint8, where
the reference exposes them), ``"casts/<element>/in"`` and ``"casts/<element>/out"``, and
``meta`` (JSON: versions, cases, which formats each case holds).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bitsandbytes  # noqa: E402
import bitsandbytes.functional as bnbf  # noqa: E402
import torchao  # noqa: E402
from torch.ao.quantization import MinMaxObserver, PerChannelMinMaxObserver  # noqa: E402
from torchao.prototype.mx_formats import kernels  # noqa: E402
from torchao.prototype.mx_formats.config import ScaleCalculationMode  # noqa: E402
from torchao.prototype.mx_formats.constants import DTYPE_FP6_E2M3, DTYPE_FP6_E3M2  # noqa: E402
from torchao.prototype.mx_formats.mx_tensor import get_fp_scale, to_dtype, to_mx  # noqa: E402
from torchao.prototype.mx_formats.nvfp4_tensor import (  # noqa: E402
    NVFP4Tensor,
    per_tensor_amax_to_scale,
)

from quantviz.formats import ELEMENTS, FORMATS  # noqa: E402  (facts only, not the arithmetic)

OUT = ROOT / "tests" / "data" / "golden_formats.npz"
F32 = np.float32

TORCH_ELEM = {"e4m3": torch.float8_e4m3fn, "e5m2": torch.float8_e5m2,
              "e3m2": DTYPE_FP6_E3M2, "e2m3": DTYPE_FP6_E2M3, "e2m1": torch.float4_e2m1fn_x2}


def bits(t: torch.Tensor | np.ndarray) -> np.ndarray:
    a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else t
    return np.ascontiguousarray(a, dtype=F32).view(np.uint32)


# ---------------------------------------------------------------- reference element casts


def ref_cast(t: torch.Tensor, el: str) -> torch.Tensor:
    """Saturating RNE cast to the element, returned decoded as float32."""
    m = ELEMENTS[el].max_value
    t = torch.clamp(t, -m, m)
    if el in ("e4m3", "e5m2"):
        return t.to(TORCH_ELEM[el]).to(torch.float32)
    if el == "e3m2":
        return kernels.f6_e3m2_unpacked_to_f32(kernels.f32_to_f6_e3m2_unpacked(t))
    if el == "e2m3":
        return kernels.f6_e2m3_unpacked_to_f32(kernels.f32_to_f6_e2m3_unpacked(t))
    return kernels.f4_unpacked_to_f32(kernels.f32_to_f4_unpacked(t))


def cast_inputs(el: str) -> np.ndarray:
    """Every grid value, every midpoint and its float32 neighbours, beyond-max, tiny values."""
    e = ELEMENTS[el]
    grid = np.arange(1 << e.bits, dtype=np.uint8).view(e.dtype).astype(F32)
    grid = np.unique(grid[np.isfinite(grid)])
    mids = ((grid[:-1].astype(np.float64) + grid[1:]) / 2).astype(F32)
    near = np.concatenate([np.nextafter(mids, F32(np.inf)), np.nextafter(mids, F32(-np.inf))])
    sub = F32(e.info.smallest_subnormal)
    extra = np.array([e.max_value * 1.01, e.max_value * 1e3, 3e38, sub / 2, sub / 4, sub * 0.51,
                      sub * 1.5, 2.0**-140, 0.0], dtype=F32)
    v = np.concatenate([grid, mids, near, extra])
    return np.unique(np.concatenate([v, -v])).astype(F32)


# ---------------------------------------------------------------- reference formats


def ref_per_tensor(x: torch.Tensor, el: str) -> torch.Tensor:
    amax = x.abs().max()
    s = amax / ELEMENTS[el].max_value if amax > 0 else torch.tensor(1.0)
    return ref_cast(x / s, el) * s


def ref_mx(x: torch.Tensor, el: str) -> tuple[torch.Tensor, torch.Tensor, np.ndarray | None]:
    scale_e8m0, data_lp = to_mx(x, TORCH_ELEM[el], 32, ScaleCalculationMode.FLOOR)
    x_hat = to_dtype(data_lp, scale_e8m0, TORCH_ELEM[el], 32, torch.float32)
    codes = data_lp.view(torch.uint8).numpy() if el in ("e4m3", "e5m2") else None
    return x_hat, get_fp_scale(scale_e8m0), codes


def ref_nvfp4(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    g = per_tensor_amax_to_scale(x.abs().max())
    t = NVFP4Tensor.to_nvfp4(x, per_tensor_scale=g)
    return t.dequantize(torch.float32), t.scale.view(torch.float8_e4m3fn).to(torch.float32)


def ref_nf4(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
    packed, state = bnbf.quantize_4bit(x, blocksize=64, quant_type="nf4")
    x_hat = bnbf.dequantize_4bit(packed, state, quant_type="nf4")
    p = packed.view(torch.uint8).reshape(-1).numpy()
    codes = np.stack([p >> 4, p & 0xF], axis=1).reshape(-1)[: x.numel()]
    return x_hat.reshape(x.shape), state.absmax, codes.reshape(tuple(x.shape)).astype(np.uint8)


def _zero_point(lo: torch.Tensor, scale: torch.Tensor, qmin: int, qmax: int) -> torch.Tensor:
    min_neg = torch.clamp(lo, max=0.0)
    return torch.clamp(qmin - torch.round(min_neg / scale).to(torch.int64), qmin, qmax)


def round_scale(scale: torch.Tensor, scale_format: str) -> torch.Tensor:
    if scale_format == "fp16":
        stored = scale.to(torch.float16).to(torch.float32).clamp(2.0**-24, 65504.0)
    elif scale_format == "bf16":
        stored = scale.to(torch.bfloat16).to(torch.float32)
        stored = stored.clamp(2.0**-133, float(torch.finfo(torch.bfloat16).max))
    else:
        mant, exp = torch.frexp(scale)
        exp = torch.where(mant == 0.5, exp - 1, exp).clamp(-127, 127)
        stored = torch.ldexp(torch.ones_like(scale), exp.to(torch.float32))
    return stored.to(torch.float32)


def ref_int(x: torch.Tensor, fmt: str) -> tuple[torch.Tensor, torch.Tensor]:
    f = FORMATS[fmt]
    qmin, qmax = -(2 ** (f.bits - 1)), 2 ** (f.bits - 1) - 1
    if f.block is None:
        obs = MinMaxObserver(dtype=torch.qint8, qscheme=torch.per_tensor_affine,
                             quant_min=qmin, quant_max=qmax)
        obs(x)
        scale, zp = obs.calculate_qparams()
        x_hat = torch.fake_quantize_per_tensor_affine(x, float(scale), int(zp), qmin, qmax)
        return x_hat, scale
    groups = x.reshape(-1, f.block)
    obs = PerChannelMinMaxObserver(ch_axis=0, dtype=torch.qint8,
                                   qscheme=torch.per_channel_affine, quant_min=qmin,
                                   quant_max=qmax)
    obs(groups)
    scale, _ = obs.calculate_qparams()
    scale = round_scale(scale.to(torch.float32), f.scale_format)
    zp = _zero_point(groups.min(dim=1).values, scale, qmin, qmax)
    x_hat = torch.fake_quantize_per_channel_affine(groups, scale, zp.to(torch.int32), 0,
                                                   qmin, qmax)
    return x_hat.reshape(x.shape), scale


# ---------------------------------------------------------------- inputs


def mixed(rng: np.random.Generator) -> np.ndarray:
    """(8, 128): the situations each format has to get right, one per row."""
    x = np.zeros((8, 128), dtype=F32)
    x[0] = rng.standard_normal(128)
    x[1] = rng.standard_normal(128) * 0.02
    x[2, 64:] = rng.standard_normal(64)  # zero blocks for blocks of 16, 32 and 64
    x[3] = rng.standard_normal(128) * 0.1
    x[3, [5, 40, 77, 120]] = [50.0, -300.0, 12.5, -7.0]  # outliers
    x[4, :32] = rng.standard_normal(32) * 1e-3
    x[4, 32:64] = rng.standard_normal(32) * 2.0**-125  # MX exponent clamps at -127
    x[4, 64:96] = rng.standard_normal(32) * 1e-39  # float32 subnormals
    x[4, 96:] = 2.0**-126
    x[5] = np.arange(-64, 64, dtype=F32) / 16  # a lattice full of ties
    x[6] = (rng.integers(0, 2, 128) * 2 - 1) * (7.99 * 2.0 ** rng.integers(-4, 4, 128))
    x[7] = np.maximum(rng.standard_normal(128), 0)  # ReLU: exact zeros, positive only
    return x.astype(F32)


def ties(rng: np.random.Generator) -> np.ndarray:
    """(4, 64): every block holds its amax, then values on the midpoints of each grid."""
    rows = []
    for el in ("e2m1", "e2m3", "e3m2", "e4m3"):
        e = ELEMENTS[el]
        grid = np.unique(np.abs(np.arange(1 << e.bits, dtype=np.uint8).view(e.dtype)
                                .astype(F32)))
        grid = grid[np.isfinite(grid)]
        mids = (grid[:-1] + grid[1:]) / 2
        row = np.resize(np.concatenate([mids, -mids]), 64).astype(F32)
        row[::16] = e.max_value  # amax = the element max: per-tensor and NVFP4 scales of 1
        rows.append(row * F32(2.0 ** (e.emax - int(np.floor(np.log2(e.max_value))))))
    return np.stack(rows).astype(F32)


def cases() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20261128)
    return {
        "mixed": mixed(rng),
        "ties": ties(rng),
        "llm": (rng.standard_normal((8, 128)) * 0.02).astype(F32),
        "outliers": np.where(rng.random((4, 128)) < 0.02, 40.0, 1.0).astype(F32)
        * rng.standard_normal((4, 128)).astype(F32),
        "zeros": np.zeros((2, 128), dtype=F32),
        "tail": rng.standard_normal(100).astype(F32),
    }


def main() -> None:
    torch.manual_seed(0)
    out: dict[str, np.ndarray] = {}
    held: dict[str, list[str]] = {}
    for el in ELEMENTS:
        v = cast_inputs(el)
        out[f"casts/{el}/in"] = bits(v)
        out[f"casts/{el}/out"] = bits(ref_cast(torch.from_numpy(v), el))
    for case, x_np in cases().items():
        out[f"{case}/x"] = bits(x_np)
        x = torch.from_numpy(x_np.copy())
        held[case] = []
        for fmt, f in FORMATS.items():
            block_ok = f.block is None or x_np.shape[-1] % f.block == 0
            if f.kind in ("mx", "nvfp4") and (not block_ok or x_np.ndim != 2):
                continue  # torchao refuses a short last block; NVFP4 wants 2-D
            if f.kind == "nvfp4" and case == "zeros":
                continue  # torchao divides by a tensor scale of 0: NaN
            if f.kind == "int" and f.block is not None and not block_ok:
                continue
            codes = None
            if f.kind == "float":
                x_hat, scales = ref_per_tensor(x, f.element), None
            elif f.kind == "mx":
                x_hat, scales, codes = ref_mx(x, f.element)
            elif f.kind == "nvfp4":
                x_hat, scales = ref_nvfp4(x)
            elif f.kind == "nf4":
                if x_np.ndim != 1 and not block_ok:
                    continue
                x_hat, scales, codes = ref_nf4(x)
            else:
                x_hat, scales = ref_int(x, fmt)
            out[f"{case}/{fmt}/x_hat"] = bits(x_hat)
            if scales is not None:
                out[f"{case}/{fmt}/scales"] = bits(scales.reshape(-1))
            if codes is not None:
                out[f"{case}/{fmt}/codes"] = np.ascontiguousarray(codes, dtype=np.uint8)
            held[case].append(fmt)
    out["meta"] = np.array(json.dumps({
        "torch": torch.__version__, "torchao": torchao.__version__,
        "bitsandbytes": bitsandbytes.__version__, "ml_dtypes": ml_dtypes.__version__,
        "cases": held, "elements": list(ELEMENTS),
    }))
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes): "
          f"{sum(len(v) for v in held.values())} case/format pairs")


if __name__ == "__main__":
    main()
