"""Write tests/data/golden_layers.npz: PyTorch's quantized Linear (x86 engine, FBGEMM) outputs.

Needs PyTorch (torch 2.13 was used); the tests only read the committed file. Run from the
repository root:

    python scripts/make_golden_layers.py

Each case holds uint8 activation codes ``x_q (M, K)`` with a per-tensor scale and zero point,
int8 weight codes ``w_q (N, K)`` per tensor or per output channel, a float32 bias (or none),
the output scale and zero point, and what torch returned:

- ``y``: ``torch.ao.nn.quantized.functional.linear`` (``relu`` cases:
  ``torch.ops.quantized.linear_relu``) with ``torch.backends.quantized.engine = "x86"``,
- ``y_avx2``: the same, run in a child process with ``FBGEMM_ENABLE_INSTRUCTIONS=AVX2``, where
  FBGEMM multiplies with ``vpmaddubsw`` and pairs of products saturate in int16.

Keys are ``"<case>/<field>"``; scales are stored as float32 (torch receives the same values);
``meta`` holds a JSON description (cases, torch version, CPU capability).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "golden_layers.npz"
F32 = np.float32
FIELDS = ("x_q", "x_scale", "x_zp", "w_q", "w_scale", "w_zp", "bias", "y_scale", "y_zp")


def _quantize_x(rng, shape, relu_input, x_zp=None, reduce_range=False, uniform=False):
    """Activation codes from a float tensor, as a calibrated observer would give them."""
    x = (rng.uniform(-1, 1, shape) if uniform else rng.normal(0, 1, shape)).astype(F32)
    if relu_input:
        x = np.maximum(x, 0)
    qmax = 127 if reduce_range else 255
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = float(F32(max(hi - lo, 1e-6) / qmax))
    zp = int(np.clip(round(-lo / scale), 0, qmax)) if x_zp is None else x_zp
    q = torch.quantize_per_tensor(torch.from_numpy(x), scale, zp, torch.quint8)
    codes = q.int_repr().numpy().astype(np.int64)
    return np.minimum(codes, qmax), scale, zp


def _quantize_w(rng, n, k, per_channel, w_zp=0, uniform=False):
    draw = rng.uniform(-1, 1, (n, k)) if uniform else rng.normal(0, 1, (n, k))
    w = (draw * np.exp(rng.uniform(-2, 0, (n, 1)))).astype(F32)
    amax = np.abs(w).max(axis=1) if per_channel else np.abs(w).max()
    scale = (np.asarray(amax, F32) / F32(127.5)).astype(F32)
    if per_channel:
        zp = np.full(n, w_zp, np.int64)
        q = torch.quantize_per_channel(
            torch.from_numpy(w), torch.from_numpy(scale.astype(np.float64)),
            torch.from_numpy(zp), 0, torch.qint8,
        )
        return q.int_repr().numpy().astype(np.int64), scale, zp
    q = torch.quantize_per_tensor(torch.from_numpy(w), float(scale), w_zp, torch.qint8)
    return q.int_repr().numpy().astype(np.int64), scale, w_zp


def _y_params(rng, x_q, x_scale, x_zp, w_q, w_scale, w_zp, bias, y_zp=None):
    """An output range that fits the float result, as a calibrated output observer would."""
    ws = np.broadcast_to(np.asarray(w_scale, np.float64), (w_q.shape[0],))
    wz = np.broadcast_to(np.asarray(w_zp), (w_q.shape[0],))
    y = ((x_q - x_zp) * x_scale) @ ((w_q - wz[:, None]) * ws[:, None]).T
    if bias is not None:
        y = y + bias
    lo, hi = min(float(y.min()), 0.0), max(float(y.max()), 0.0)
    scale = float(F32(max(hi - lo, 1e-6) / 255))
    zp = int(np.clip(round(-lo / scale), 0, 255)) if y_zp is None else y_zp
    return scale, zp


def make_case(rng, m, k, n, *, per_channel, relu_input=False, relu=False, bias=True,
              x_zp=None, w_zp=0, y_zp=None, reduce_range=False, uniform=False):
    x_q, x_scale, xz = _quantize_x(rng, (m, k), relu_input, x_zp, reduce_range, uniform)
    w_q, w_scale, wz = _quantize_w(rng, n, k, per_channel, w_zp, uniform)
    b = rng.normal(0, 0.5, n).astype(F32) if bias else None
    y_scale, yz = _y_params(rng, x_q, x_scale, xz, w_q, w_scale, wz, b, y_zp)
    return dict(x_q=x_q, x_scale=x_scale, x_zp=xz, w_q=w_q, w_scale=w_scale, w_zp=wz,
                bias=b, y_scale=y_scale, y_zp=yz, relu=relu)


def tie_cases():
    """Hand-built near-ties: output rounding and the bias's reciprocal vs division."""
    cases = {}
    # M = 0.5 * 0.25 / 0.25 = 0.5 exactly, K = 1: y = rint(acc * 0.5), acc = 1..12 -> halves.
    cases["tie_half_even"] = dict(
        x_q=np.arange(1, 13)[:, None], x_scale=0.5, x_zp=0, w_q=np.array([[1]]),
        w_scale=F32(0.25), w_zp=0, bias=None, y_scale=0.25, y_zp=0, relu=False,
    )
    # bias / (x_scale * w_scale) within float32 rounding of a half: 1 / a times b and b / a
    # round to different integers (found by search, M = 1).
    rng = np.random.default_rng(7)
    found = []
    while len(found) < 8:
        xs, ws = F32(rng.uniform(1e-2, 1)), F32(rng.uniform(1e-2, 1))
        a = F32(xs * ws)
        b = F32((int(rng.integers(-50, 50)) + 0.5) * float(a))
        for _ in range(3):
            b = F32(np.nextafter(b, F32(np.inf)))
            if np.rint(F32(b * F32(F32(1) / a))) != np.rint(F32(b / a)):
                found.append((float(xs), ws, b, float(a)))
                break
    for per_channel in (False, True):
        x_q = np.zeros((1, 1), np.int64)
        for i, (xs, ws, b, a) in enumerate(found[:4] if per_channel else found[4:]):
            cases[f"tie_bias_{'pc' if per_channel else 'pt'}_{i}"] = dict(
                x_q=x_q, x_scale=xs, x_zp=0, w_q=np.zeros((1, 1), np.int64),
                w_scale=np.array([ws], F32) if per_channel else ws,
                w_zp=np.zeros(1, np.int64) if per_channel else 0,
                bias=np.array([b], F32), y_scale=a, y_zp=128, relu=False,
            )
    return cases


def large_cases(rng):
    """Accumulators beyond 2^24 (float32 loses integers) and values beyond int32 after scaling."""
    k = 2048
    x_q = rng.integers(200, 256, (3, k))
    x_q[0] = 255
    w_q = rng.integers(-128, -100, (5, k))
    w_q[0] = -128
    acc_peak = 255 * 128 * k  # 66,846,720 > 2^24 = 16,777,216
    x_scale, w_scale = 0.02, F32(0.004)
    y_scale = float(F32(acc_peak * x_scale * float(w_scale) / 120))
    out = {"large_acc": dict(x_q=x_q, x_scale=x_scale, x_zp=0, w_q=w_q, w_scale=w_scale,
                             w_zp=0, bias=rng.normal(0, 3, 5).astype(F32), y_scale=y_scale,
                             y_zp=200, relu=False)}
    # 255 * 127 * 2 = 64,770; times 1 / 1e-5 = 6.5e9 > 2^31: FBGEMM gives code 0, not 255.
    out["beyond_int32"] = dict(
        x_q=np.array([[255, 255]]), x_scale=1.0, x_zp=0,
        w_q=np.array([[127, 127], [-128, -128], [1, 0]]), w_scale=F32(1.0), w_zp=0,
        bias=None, y_scale=float(F32(1e-5)), y_zp=100, relu=False,
    )
    return out


def all_cases():
    rng = np.random.default_rng(2026)
    cases = {}
    shapes = {"1x1": (1, 1, 1), "3x7": (3, 7, 5), "17x33": (17, 33, 9), "batch1": (1, 64, 10),
              "k1": (4, 1, 3), "wide": (8, 256, 16)}
    for name, (m, k, n) in shapes.items():
        for per_channel in (False, True):
            for relu_input in (False, True):
                inputs = "relu_in" if relu_input else "signed_in"
                tag = f"{name}_{'pc' if per_channel else 'pt'}_{inputs}"
                cases[tag] = make_case(rng, m, k, n, per_channel=per_channel,
                                       relu_input=relu_input)
    for per_channel in (False, True):
        g = "pc" if per_channel else "pt"
        cases[f"fused_relu_{g}"] = make_case(rng, 6, 40, 12, per_channel=per_channel, relu=True)
        cases[f"no_bias_{g}"] = make_case(rng, 5, 19, 7, per_channel=per_channel, bias=False)
        cases[f"x_zp0_y_zp255_{g}"] = make_case(rng, 5, 21, 6, per_channel=per_channel,
                                                relu_input=True, x_zp=0, y_zp=255)
        cases[f"x_zp255_y_zp0_{g}"] = make_case(rng, 5, 21, 6, per_channel=per_channel,
                                                x_zp=255, y_zp=0)
        cases[f"w_zp_nonzero_{g}"] = make_case(rng, 4, 24, 6, per_channel=per_channel, w_zp=5)
        # Uniform codes: many neighbouring pairs are both large, so vpmaddubsw saturates
        # with 8-bit activations and cannot with 7-bit ones.
        cases[f"full_range_{g}"] = make_case(rng, 16, 64, 16, per_channel=per_channel,
                                             relu_input=True, uniform=True)
        cases[f"reduce_range_{g}"] = make_case(rng, 16, 64, 16, per_channel=per_channel,
                                               relu_input=True, reduce_range=True, uniform=True)
    cases.update(tie_cases())
    cases.update(large_cases(rng))
    return cases


def torch_linear(c: dict) -> np.ndarray:
    import torch.ao.nn.quantized.functional as qF

    x = torch._make_per_tensor_quantized_tensor(
        torch.from_numpy(np.asarray(c["x_q"], np.uint8)), float(c["x_scale"]), int(c["x_zp"]))
    wq = torch.from_numpy(np.asarray(c["w_q"], np.int8))
    if np.ndim(c["w_scale"]):
        w = torch._make_per_channel_quantized_tensor(
            wq, torch.from_numpy(np.asarray(c["w_scale"], np.float64)),
            torch.from_numpy(np.asarray(c["w_zp"], np.int64)), 0)
    else:
        w = torch._make_per_tensor_quantized_tensor(wq, float(c["w_scale"]), int(c["w_zp"]))
    b = None if c["bias"] is None else torch.from_numpy(np.asarray(c["bias"], F32))
    if c["relu"]:
        packed = torch.ops.quantized.linear_prepack(w, b)
        y = torch.ops.quantized.linear_relu(x, packed, float(c["y_scale"]), int(c["y_zp"]))
    else:
        y = qF.linear(x, w, b, float(c["y_scale"]), int(c["y_zp"]))
    return y.int_repr().numpy()


def run_all() -> dict[str, np.ndarray]:
    torch.backends.quantized.engine = "x86"
    return {name: torch_linear(c) for name, c in all_cases().items()}


def main() -> None:
    warnings.filterwarnings("ignore", category=UserWarning)
    if "--child" in sys.argv:  # run under FBGEMM_ENABLE_INSTRUCTIONS=AVX2 by the parent
        np.savez(sys.argv[-1], **run_all())
        return
    cases = all_cases()
    ys = run_all()
    child_out = OUT.with_name("_avx2_tmp.npz")
    env = dict(os.environ, FBGEMM_ENABLE_INSTRUCTIONS="AVX2")
    subprocess.run([sys.executable, __file__, "--child", str(child_out)], env=env, check=True)
    with np.load(child_out) as avx2:
        ys_avx2 = {k: avx2[k] for k in avx2.files}
    child_out.unlink()

    arrays: dict[str, np.ndarray] = {}
    meta_cases = {}
    for name, c in cases.items():
        for f in FIELDS:
            if f == "bias" and c["bias"] is None:
                continue
            value = np.asarray(c[f])
            if f in ("x_scale", "w_scale", "y_scale"):
                value = value.astype(F32)
            elif f == "x_q":
                value = value.astype(np.uint8)
            elif f == "w_q":
                value = value.astype(np.int8)
            arrays[f"{name}/{f}"] = value
        arrays[f"{name}/y"] = ys[name]
        arrays[f"{name}/y_avx2"] = ys_avx2[name]
        meta_cases[name] = dict(relu=bool(c["relu"]), bias=c["bias"] is not None,
                                per_channel=bool(np.ndim(c["w_scale"])),
                                avx2_differs=bool((ys[name] != ys_avx2[name]).any()))
    meta = dict(torch=torch.__version__, engine="x86",
                cpu_capability=torch.backends.cpu.get_cpu_capability(), cases=meta_cases)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, meta=np.array(json.dumps(meta)), **arrays)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(cases)} cases, {OUT.stat().st_size} bytes")
    for name, info in meta_cases.items():
        if info["avx2_differs"]:
            print(f"  AVX2 (vpmaddubsw) differs: {name}")


if __name__ == "__main__":
    main()
