"""Write tests/data/golden_qat.npz: PyTorch's fake quantizers and their gradients.

Dev-only: needs ``torch==2.13.0`` (the tests only read the committed file). Run
``python scripts/make_golden_qat.py``; it runs itself a second time with
``ATEN_CPU_CAPABILITY=default`` to record the learnable backward of the kernel built without
FMA (the other run uses the CPU's AVX2/AVX512 kernel, which contracts into FMAs).

One case per row of ``params``: ``[scale, zero_point (STE, integer), zero_point (LSQ, float),
qmin, qmax, grad_factor]`` (float64). ``start[k]:start[k+1]`` slices case ``k``'s elements
out of every per-element array (all float32; NaN payloads and -0.0 kept):

- ``x``, ``grad``: inputs. The grid of half steps ``(k + 1/2) * scale`` over the range and
  beyond, the clip edges ``(qmin - zero_point) * scale``, ``(qmax - zero_point) * scale`` and
  half a step past them, each with its float32 neighbours (one and two ulps up and down),
  random normal values, and 0, -0, NaN, +-inf, +-1e30.
- ``ste_y``, ``ste_dx``: ``torch.fake_quantize_per_tensor_affine`` and ``x.grad`` after
  ``y.backward(grad)``.
- ``lsq_y``, ``lsq_dx``: the same for ``torch._fake_quantize_learnable_per_tensor_affine``;
  ``lsq_dscale``, ``lsq_dzero_point``: each element alone (a one-element call: its scale and
  zero point gradients are that element's share; torch's sum turns -0.0 into 0.0).
- ``default_dx``, ``default_dscale``: ``lsq_dx`` and ``lsq_dscale`` from the kernel without FMA.
- ``sum_dscale``, ``sum_dzero_point`` (one per case): torch's gradients for the whole tensor.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

F32 = np.float32
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "golden_qat.npz"

#: (scale, zero_point STE, zero_point LSQ, qmin, qmax, grad_factor)
CASES = (
    (0.1, 3, 3.0, 0, 15, 1.0),            # uint4
    (0.37, 128, 128.0, 0, 255, 1.0),      # uint8, zero point in the middle
    (0.0123, 0, 0.0, 0, 255, 0.37),       # uint8, ReLU-like
    (0.0031, 0, 0.0, -128, 127, 1.0),     # int8 symmetric
    (1 / 3, -5, -5.0, -128, 127, 0.25),   # int8 asymmetric
    (0.0625, 0, 0.0, -8, 7, 1.0),         # int4, power-of-two scale
    (0.0123, -2, -2.3, -8, 7, 0.5),       # int4; LSQ: backward reads -1, forward -2
    (0.2, 0, 1.5, -2, 1, 1.0),            # int2; LSQ: 1.5 -> forward 2 -> clipped to 1
    (0.05, 2, 2.5, 0, 3, 1.0),            # uint2; LSQ: forward 2, backward 3
    (0.7, 1, -0.7, -2, 1, 1 / 32),        # int2; LSQ: forward -1, backward 0
)


def neighbours(v: np.ndarray, ulps: int = 2) -> np.ndarray:
    """``v`` and its float32 neighbours up to ``ulps`` steps either way."""
    out, up, down = [v], v, v
    for _ in range(ulps):
        up = np.nextafter(up, F32(np.inf))
        down = np.nextafter(down, F32(-np.inf))
        out += [up, down]
    return np.concatenate(out)


def inputs(case: tuple, rng: np.random.Generator) -> np.ndarray:
    scale, zp, _, qmin, qmax, _ = case
    s64 = float(F32(scale))
    k = np.arange(qmin - zp - 3, qmax - zp + 3, dtype=np.float64)
    if k.size > 40:  # wide ranges: both ends and a few steps in the middle
        k = np.concatenate([k[:12], k[k.size // 2 - 4:k.size // 2 + 4], k[-12:]])
    half = ((k + 0.5) * s64).astype(F32)
    edges = (np.array([qmin - zp, qmax - zp, qmin - zp - 0.5, qmax - zp + 0.5]) * s64).astype(F32)
    normal = (rng.normal(size=48) * s64 * (qmax - qmin) / 4).astype(F32)
    special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1e30, -1e30], dtype=F32)
    return np.concatenate([neighbours(half), neighbours(edges), normal, special]).astype(F32)


def lsq_elementwise(torch, x, g, case) -> tuple[np.ndarray, ...]:
    scale, _, zp, qmin, qmax, gf = case
    dx, ds, dz = [], [], []
    for i in range(x.size):
        xi = torch.tensor(x[i:i + 1], requires_grad=True)
        s = torch.tensor([F32(scale)], requires_grad=True)
        z = torch.tensor([F32(zp)], requires_grad=True)
        y = torch._fake_quantize_learnable_per_tensor_affine(xi, s, z, qmin, qmax, gf)
        y.backward(torch.tensor(g[i:i + 1]))
        dx.append(xi.grad.numpy()[0])
        ds.append(s.grad.numpy()[0])
        dz.append(z.grad.numpy()[0])
    return tuple(np.array(v, dtype=F32) for v in (dx, ds, dz))


def whole(torch, x, g, case) -> dict[str, np.ndarray]:
    scale, zp_ste, zp, qmin, qmax, gf = case
    xt = torch.tensor(x, requires_grad=True)
    y = torch.fake_quantize_per_tensor_affine(xt, float(F32(scale)), zp_ste, qmin, qmax)
    y.backward(torch.tensor(g))
    out = {"ste_y": y.detach().numpy(), "ste_dx": xt.grad.numpy()}
    xt = torch.tensor(x, requires_grad=True)
    s = torch.tensor([F32(scale)], requires_grad=True)
    z = torch.tensor([F32(zp)], requires_grad=True)
    y = torch._fake_quantize_learnable_per_tensor_affine(xt, s, z, qmin, qmax, gf)
    y.backward(torch.tensor(g))
    out.update(lsq_y=y.detach().numpy(), lsq_dx=xt.grad.numpy(),
               sum_dscale=s.grad.numpy(), sum_dzero_point=z.grad.numpy())
    return out


def all_inputs() -> tuple[list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(20240613)
    xs = [inputs(c, rng) for c in CASES]
    gs = [rng.normal(size=x.size).astype(F32) for x in xs]
    return xs, gs


def default_kernel(path: str) -> None:
    """The child run (``ATEN_CPU_CAPABILITY=default``): elementwise LSQ backward to ``path``."""
    import torch

    assert torch.backends.cpu.get_cpu_capability() == "DEFAULT"
    xs, gs = all_inputs()
    parts = [lsq_elementwise(torch, x, g, c) for x, g, c in zip(xs, gs, CASES, strict=True)]
    np.savez(path, dx=np.concatenate([p[0] for p in parts]),
             dscale=np.concatenate([p[1] for p in parts]))


def main() -> None:
    import torch

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    assert torch.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512")
    torch.set_num_threads(1)
    xs, gs = all_inputs()
    cols: dict[str, list[np.ndarray]] = {}
    for x, g, c in zip(xs, gs, CASES, strict=True):
        w = whole(torch, x, g, c)
        dx, ds, dz = lsq_elementwise(torch, x, g, c)
        assert np.array_equal(dx.view(np.uint32), w["lsq_dx"].view(np.uint32))
        for k, v in {**w, "lsq_dscale": ds, "lsq_dzero_point": dz}.items():
            cols.setdefault(k, []).append(v.astype(F32))
    tmp = OUT.with_suffix(".default.npz")
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "default"}
    subprocess.run([sys.executable, __file__, "--default-kernel", str(tmp)], env=env, check=True)
    with np.load(tmp) as d:
        default_dx, default_ds = d["dx"], d["dscale"]
    tmp.unlink()
    start = np.cumsum([0] + [x.size for x in xs]).astype(np.int64)
    np.savez_compressed(
        OUT, params=np.array(CASES, dtype=np.float64), start=start,
        x=np.concatenate(xs), grad=np.concatenate(gs),
        default_dx=default_dx, default_dscale=default_ds,
        **{k: np.concatenate(v) for k, v in cols.items()})
    print(f"{OUT.name}: {len(CASES)} cases, {start[-1]} elements, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--default-kernel":
        default_kernel(sys.argv[2])
    else:
        main()
