"""Write tests/data/golden_torch_pow.npz: torch's CPU ``Tensor.pow(float)`` on float32.

Needs PyTorch (torch 2.13.0 was used, on one thread); the tests only read the committed file.
Run from the repository root:

    python scripts/make_golden_torch_pow.py

Keys:

- ``x`` (n,): positive float32 inputs over [1e-6, 1e3] (the range of AWQ's mean |X|), with
  n = 32 k + 13 so that the last 13 elements take torch's scalar tail, plus the edge cases
  0, the smallest subnormal, a subnormal, the smallest normal, 1, the largest float and inf.
- ``exponents`` (m,) float64 and ``pow`` (m, n) float32: ``torch.from_numpy(x).pow(e)``.
- ``awq/<case>/roots`` (20,) and ``awq/<case>/pow_half``: for each AWQ case of
  tests/data/golden_ptq.npz, torch's ``(s.max() * s.min()).sqrt()`` of
  ``s = x_max.pow(i / 20).clamp(min=1e-4)`` and torch's ``x_max.pow(0.5)``: the two steps
  of llm-awq's scale normalisation that go through MKL's ``vsSqrt``.
- ``meta``: JSON with the torch version and the CPU capability torch used.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "golden_torch_pow.npz"
PTQ = ROOT / "tests" / "data" / "golden_ptq.npz"
#: AWQ's grid i / 20 (0.5 is torch's sqrt kernel, 0 its fill: both left out), HQQ's
#: lp_norm - 1 = 0.7 - 1 as Python computes it, and a few others.
EXPONENTS = [i / 20 for i in range(1, 20) if i != 10] + [0.7 - 1, -0.3, 1.3, 2.5, -1.7]


def inputs() -> np.ndarray:
    rng = np.random.default_rng(20240613)
    edges = np.array([0.0, 2.0**-149, 3.0e-39, 2.0**-126, 1.0, np.finfo(np.float32).max,
                      np.inf], dtype=np.float32)
    body = (10.0 ** rng.uniform(-6, 3, 32 * 40 - edges.size)).astype(np.float32)
    tail = (10.0 ** rng.uniform(-6, 3, 13)).astype(np.float32)
    return np.concatenate([edges, body, tail])


def main() -> None:
    torch.set_num_threads(1)
    x = inputs()
    out: dict[str, np.ndarray] = {"x": x, "exponents": np.array(EXPONENTS, dtype=np.float64)}
    out["pow"] = np.stack([torch.from_numpy(x).pow(e).numpy() for e in EXPONENTS])
    golden = np.load(PTQ)
    cases = json.loads(str(golden["meta"]))["cases"]["awq"]
    for case in cases:
        x_max = torch.from_numpy(golden[f"awq/{case}/x_max"])
        roots = []
        for i in range(20):
            s = x_max.pow(i / 20).clamp(min=1e-4)
            roots.append((s.max() * s.min()).sqrt())
        out[f"awq/{case}/roots"] = torch.stack(roots).numpy()
        out[f"awq/{case}/pow_half"] = x_max.pow(0.5).numpy()
    out["meta"] = np.array(json.dumps({
        "torch": torch.__version__, "threads": 1, "machine": platform.machine(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(), "awq_cases": cases,
    }))
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(out)} arrays)")


if __name__ == "__main__":
    main()
