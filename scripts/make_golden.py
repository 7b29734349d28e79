"""Write tests/data/golden_torch.npz: PyTorch's own quantization results on small seeded inputs.

Needs PyTorch (``pip install torch``); the tests only read the committed file, so torch is
never a requirement. It then runs scripts/golden_toolchains.py (tests/data/golden_toolchains.npz:
PyTorch's observers on their defaults, ONNX Runtime; also needs ``onnxruntime`` and ``onnx``).
Run from the repository root:

    python scripts/make_golden.py

For every input (``"<case>/batch<i>"`` and ``"<case>/x"``, or ``"<case>/<config>/x"`` where
``x`` depends on the config) and every config it records, as bit patterns (float32 as uint32):

- ``observers``: ``MinMaxObserver`` and ``MovingAverageMinMaxObserver`` (two averaging
  constants), fed the batches one by one, one row each:
  ``[min_val bits, max_val bits, scale bits, zero_point]`` (int64),
- ``torch.quantize_per_tensor(x, ...).int_repr()`` (configs whose range is the dtype's own:
  the kernel has no quant_min/quant_max),
- ``torch.fake_quantize_per_tensor_affine(x, ...)`` with the MinMax parameters,

and for the per-channel configs ``PerChannelMinMaxObserver`` (``observer``: the same four rows,
one column per channel) and
``torch.fake_quantize_per_channel_affine``. Results are keyed ``"<case>/<config>/<what>"``;
``meta`` holds a JSON description (configs, torch version).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import torch
from torch.ao.quantization import (
    MinMaxObserver,
    MovingAverageMinMaxObserver,
    PerChannelMinMaxObserver,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "golden_torch.npz"
F32 = np.float32
AVERAGING_CONSTANTS = (0.01, 0.3)

# name -> torch observer arguments and the matching QuantConfig fields.
PER_TENSOR = {
    "quint8_affine": dict(dtype="quint8", qscheme="per_tensor_affine", quant_min=0,
                          quant_max=255, bits=8, scheme="asymmetric", signed=False,
                          narrow_range=False, int_repr=True),
    "qint8_symmetric": dict(dtype="qint8", qscheme="per_tensor_symmetric", quant_min=-128,
                            quant_max=127, bits=8, scheme="symmetric", signed=True,
                            narrow_range=False, int_repr=True),
    "qint8_symmetric_narrow": dict(dtype="qint8", qscheme="per_tensor_symmetric",
                                   quant_min=-127, quant_max=127, bits=8, scheme="symmetric",
                                   signed=True, narrow_range=True, int_repr=False),
    "qint8_affine": dict(dtype="qint8", qscheme="per_tensor_affine", quant_min=-128,
                         quant_max=127, bits=8, scheme="asymmetric", signed=True,
                         narrow_range=False, int_repr=True),
    "quint8_symmetric": dict(dtype="quint8", qscheme="per_tensor_symmetric", quant_min=0,
                             quant_max=255, bits=8, scheme="symmetric", signed=False,
                             narrow_range=False, int_repr=True),
    "uint4_affine": dict(dtype="quint8", qscheme="per_tensor_affine", quant_min=0,
                         quant_max=15, bits=4, scheme="asymmetric", signed=False,
                         narrow_range=False, int_repr=False),
    "int4_symmetric": dict(dtype="qint8", qscheme="per_tensor_symmetric", quant_min=-8,
                           quant_max=7, bits=4, scheme="symmetric", signed=True,
                           narrow_range=False, int_repr=False),
}
PER_CHANNEL = {
    "qint8_per_channel_symmetric": dict(dtype="qint8", qscheme="per_channel_symmetric",
                                        quant_min=-128, quant_max=127, bits=8,
                                        scheme="symmetric", signed=True, narrow_range=False),
    "quint8_per_channel_affine": dict(dtype="quint8", qscheme="per_channel_affine",
                                      quant_min=0, quant_max=255, bits=8, scheme="asymmetric",
                                      signed=False, narrow_range=False),
    "int4_per_channel_affine": dict(dtype="qint8", qscheme="per_channel_affine",
                                    quant_min=-8, quant_max=7, bits=4, scheme="asymmetric",
                                    signed=True, narrow_range=False),
}


def bits(a) -> np.ndarray:
    """float32 values as their uint32 bit patterns."""
    return np.ascontiguousarray(np.asarray(a, dtype=F32)).view(np.uint32)


def _observer_kwargs(c: dict) -> dict:
    return dict(dtype=getattr(torch, c["dtype"]), qscheme=getattr(torch, c["qscheme"]),
                quant_min=c["quant_min"], quant_max=c["quant_max"])


def _observer_row(min_val, max_val, scale, zero_point) -> np.ndarray:
    """``[min bits, max bits, scale bits, zero_point]`` (one column per channel if per channel)."""
    return np.stack([bits(min_val.numpy()).astype(np.int64), bits(max_val.numpy()).astype(np.int64),
                     bits(scale.numpy()).astype(np.int64), zero_point.numpy().astype(np.int64)])


def _ties(scale: float, zero_point: int, qmin: int, qmax: int) -> np.ndarray:
    """Every half step of the grid as float32, with its two float32 neighbours."""
    k = np.arange(qmin, qmax, dtype=np.float64)
    half = ((k - zero_point + 0.5) * scale).astype(F32)
    return np.concatenate([half, np.nextafter(half, F32(np.inf)),
                           np.nextafter(half, F32(-np.inf))])


def inputs(rng: np.random.Generator) -> dict[str, tuple[list[np.ndarray], np.ndarray | None]]:
    """case -> (calibration batches, tensor to quantize; None means the batches joined)."""
    normal = [(rng.standard_normal(257) * 1.5 + 0.3).astype(F32) for _ in range(4)]
    return {
        "normal": (normal, None),
        "relu": ([np.maximum(b, 0) for b in normal], None),
        # x is replaced per config by the half steps of that config's grid (see _ties).
        "ties": ([np.array([-1.3, 2.9], F32), normal[0]], "ties"),
        "beyond": ([normal[1]], (rng.standard_normal(257) * 6).astype(F32)),
        "zeros": ([np.zeros(64, F32)] * 2, None),
        "constant": ([np.full(64, 0.7, F32)] * 2, None),
        "negative_constant": ([np.full(64, -2.5, F32)] * 2, None),
        "tiny": ([(rng.standard_normal(129) * 1e-7).astype(F32) for _ in range(2)], None),
        "wide": ([(rng.standard_normal(257) * 1e3).astype(F32),
                  np.array([-3e4, 5e4], F32)], None),
    }


def per_tensor(out: dict, case: str, batches, x, name: str, c: dict) -> None:
    key = f"{case}/{name}"
    mm = MinMaxObserver(**_observer_kwargs(c))
    mas = [MovingAverageMinMaxObserver(averaging_constant=a, **_observer_kwargs(c))
           for a in AVERAGING_CONSTANTS]
    for i, b in enumerate(batches):
        out[f"{case}/batch{i}"] = bits(b)
        for obs in [mm, *mas]:
            obs(torch.from_numpy(b))
    rows = []
    for obs in [mm, *mas]:
        scale, zp = obs.calculate_qparams()
        rows.append(_observer_row(obs.min_val, obs.max_val, scale, zp))
    out[f"{key}/observers"] = np.stack(rows)
    scale, zp = mm.calculate_qparams()
    s, z = float(scale.item()), int(zp.item())
    if isinstance(x, str):
        x = _ties(s, z, c["quant_min"], c["quant_max"])
        out[f"{key}/x"] = bits(x)
    else:
        x = np.concatenate(batches) if x is None else x
        out[f"{case}/x"] = bits(x)
    tx = torch.from_numpy(x)
    fq = torch.fake_quantize_per_tensor_affine(tx, s, z, c["quant_min"], c["quant_max"])
    out[f"{key}/fake_quantize"] = bits(fq.numpy())
    if c["int_repr"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # quantized tensors are deprecated in new releases
            q = torch.quantize_per_tensor(tx, s, z, getattr(torch, c["dtype"])).int_repr()
        out[f"{key}/int_repr"] = q.numpy().astype(np.int32)


def channel_batches(rng: np.random.Generator) -> list[np.ndarray]:
    """Three (6, 41) batches; channels: zeros, a constant, negative only, three normals."""
    out = []
    for _ in range(3):
        b = (rng.standard_normal((6, 41)) * np.array([0, 0, 1, 0.5, 2, 8])[:, None]).astype(F32)
        b[1] = 0.7
        b[2] = -np.abs(b[2]) - 0.1
        b[5] += 3
        out.append(b)
    return out


def per_channel(out: dict, batches, name: str, c: dict) -> None:
    key = f"per_channel/{name}"
    obs = PerChannelMinMaxObserver(ch_axis=0, **_observer_kwargs(c))
    for i, b in enumerate(batches):
        out[f"per_channel/batch{i}"] = bits(b)
        obs(torch.from_numpy(b))
    scale, zp = obs.calculate_qparams()
    out[f"{key}/observer"] = _observer_row(obs.min_val, obs.max_val, scale, zp)
    x = np.concatenate(batches, axis=1)
    out["per_channel/x"] = bits(x)
    fq = torch.fake_quantize_per_channel_affine(
        torch.from_numpy(x), scale, zp.to(torch.int32), 0, c["quant_min"], c["quant_max"])
    out[f"{key}/fake_quantize"] = bits(fq.numpy())


def main() -> int:
    rng = np.random.default_rng(20240601)
    out: dict[str, np.ndarray] = {}
    cases = inputs(rng)
    for case, (batches, x) in cases.items():
        for name, c in PER_TENSOR.items():
            per_tensor(out, case, batches, x, name, c)
    for name, c in PER_CHANNEL.items():
        per_channel(out, channel_batches(np.random.default_rng(7)), name, c)
    meta = dict(torch=torch.__version__, engine=torch.backends.quantized.engine,
                cases=list(cases), per_tensor=PER_TENSOR, per_channel=PER_CHANNEL,
                averaging_constants=AVERAGING_CONSTANTS)
    out["meta"] = np.array(json.dumps(meta))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **out)
    print(f"wrote {len(out)} arrays, {OUT.stat().st_size} bytes, torch {torch.__version__}")
    # Each toolchain on its own defaults (also needs onnxruntime and onnx).
    import golden_toolchains
    return golden_toolchains.main()


if __name__ == "__main__":
    sys.exit(main())
