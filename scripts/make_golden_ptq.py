"""Write tests/data/golden_ptq.npz: RTN, GPTQ, AWQ and HQQ run by their reference code.

Needs PyTorch (torch 2.13 was used) and, for HQQ, the ``hqq`` package (0.2.8.post1); the
tests only read the committed file. Run from the repository root:

    python scripts/make_golden_ptq.py

References, transcribed here in torch line by line (their repositories import CUDA-only or
model-specific modules, so they are not imported):

- IST-DASLab/gptq, commit 2d65066eeb06a5c9ff5184d8cebdf33662c67faf: ``quant.py``
  (``Quantizer.find_params`` with ``perchannel=True, weight=True``; ``quantize``) and
  ``gptq.py`` (``GPTQ.add_batch``, ``GPTQ.fasterquant`` with ``static_groups=False``), run on
  the CPU in float32 (the reference runs on a GPU; the arithmetic is the same).
- mit-han-lab/llm-awq, commit d6e797a42b9ef7778de8ee2352116e0f48a78d61:
  ``awq/quantize/quantizer.py`` (``pseudo_quantize_tensor``, zero_point=True),
  ``awq/quantize/auto_scale.py`` (``_search_module_scale`` with one ``nn.Linear`` as the
  block, ``get_act_scale``), ``awq/quantize/auto_scale.py`` ``apply_scale`` (weight times
  ``s``, input features divided by ``s``), ``awq/quantize/auto_clip.py``
  (``auto_clip_layer``, without its 256/64-row output batches, which only bound memory: rows
  are independent).
- HQQ: the installed ``hqq`` package itself, ``Quantizer.quantize(..., device="cpu")``
  (float32 on the CPU) with ``hqq_base_quant_config``'s weight settings, dequantized in
  float32 as ``Quantizer.dequantize`` does (``(W_q - zero) * scale``).

torch runs on one thread so that its float32 reductions are reproducible.

Keys are ``"<kind>/<layer>/<case>/<field>"`` plus ``"<layer>/W"`` and ``"<layer>/X"``;
``meta`` holds a JSON description.
"""

from __future__ import annotations

import json
import math
import platform
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "golden_ptq.npz"
BITS = (2, 3, 4, 8)


# ---------------------------------------------------------------------------- the layers


def layers() -> dict[str, tuple[np.ndarray, np.ndarray, int]]:
    """Small layers with the edge cases: (W (out, in), X (samples, in), GPTQ block size)."""
    rng = np.random.default_rng(20240611)
    w_a = rng.standard_normal((32, 64)).astype(np.float32) * 0.05
    w_a[3, 32:] = 0.0                      # an all-zero group (group size 32)
    w_a[5] = np.abs(w_a[5])                # a row with no negative weight
    x_a = rng.standard_normal((256, 64)).astype(np.float32)
    x_a[:, 9] *= 25.0                      # an outlier input channel
    x_a[:, 7] = 0.0                        # a dead input channel: diag(H) = 0
    w_b = (rng.standard_t(4, (32, 64)) * 0.02).astype(np.float32)
    x_b = (rng.standard_t(3, (512, 64))).astype(np.float32)
    x_b[:, 40] *= 10.0
    # AWQ's auto_clip samples every (n // 512)-th token: give it more than 512 tokens.
    w_c = rng.standard_normal((32, 64)).astype(np.float32) * 0.05
    w_c[:, 20] *= 6.0                      # a salient weight column
    x_c = np.abs(rng.standard_normal((1024, 64))).astype(np.float32)
    x_c[:, 20] *= 8.0                      # ...fed by a large input channel
    x_c[:, 3] = 0.0
    # Coarse grids keep the file small: weights on multiples of 2^-12, inputs of 1/32 (1/8 for
    # the long one).
    def w_grid(w):
        return (np.round(w * 4096) / 4096).astype(np.float32)

    def x_grid(x):
        return (np.round(x * 32) / 32).astype(np.float32)

    return {"a": (w_grid(w_a), x_grid(x_a), 128), "b": (w_grid(w_b), x_grid(x_b), 16),
            "c": (w_grid(w_c), (np.round(x_c * 8) / 8).astype(np.float32), 32)}


# ---------------------------------------------------------------- IST-DASLab/gptq, in torch


def find_params(x: torch.Tensor, maxq: int, sym: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """quant.py Quantizer.find_params(x, weight=True), perchannel=True, mse=False."""
    maxq_t = torch.tensor(maxq)
    x = x.flatten(1)
    tmp = torch.zeros(x.shape[0])
    xmin = torch.minimum(x.min(1)[0], tmp)
    xmax = torch.maximum(x.max(1)[0], tmp)
    if sym:
        xmax = torch.maximum(torch.abs(xmin), xmax)
        tmp = xmin < 0
        if torch.any(tmp):
            xmin[tmp] = -xmax[tmp]
    tmp = (xmin == 0) & (xmax == 0)
    xmin[tmp] = -1
    xmax[tmp] = +1
    scale = (xmax - xmin) / maxq_t
    if sym:
        zero = torch.full_like(scale, (maxq_t + 1) / 2)
    else:
        zero = torch.round(-xmin / scale)
    return scale.reshape(-1, 1), zero.reshape(-1, 1)


def quantize(x, scale, zero, maxq):
    q = torch.clamp(torch.round(x / scale) + zero, 0, maxq)
    return scale * (q - zero)


def ref_rtn(w: np.ndarray, bits: int, group_size: int, sym: bool) -> np.ndarray:
    W = torch.from_numpy(w)
    maxq = 2 ** bits - 1
    gs = W.shape[1] if group_size == -1 else group_size
    out = torch.empty_like(W)
    for c in range(0, W.shape[1], gs):
        scale, zero = find_params(W[:, c:c + gs], maxq, sym)
        out[:, c:c + gs] = quantize(W[:, c:c + gs], scale, zero, maxq)
    return out.numpy()


def ref_hessian(x: np.ndarray) -> torch.Tensor:
    """gptq.py GPTQ.add_batch, called once with inp of shape (n, 1, in) (n one-token batches)."""
    inp = torch.from_numpy(x).unsqueeze(1)
    columns = x.shape[1]
    H = torch.zeros((columns, columns))
    nsamples = 0
    tmp = inp.shape[0]
    inp = inp.reshape((-1, inp.shape[-1])).t()
    H *= nsamples / (nsamples + tmp)
    nsamples += tmp
    inp = math.sqrt(2 / nsamples) * inp.float()
    H += inp.matmul(inp.t())
    return H


def ref_gptq(w: np.ndarray, x: np.ndarray, bits: int, groupsize: int, sym: bool,
             actorder: bool, blocksize: int, percdamp: float = 0.01) -> dict[str, np.ndarray]:
    """gptq.py GPTQ.fasterquant (static_groups=False), returning Q and what it logs."""
    maxq = 2 ** bits - 1
    W = torch.from_numpy(w).clone().float()
    columns = W.shape[1]
    scale, zero = find_params(W, maxq, sym)
    H = ref_hessian(x)
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0
    perm = torch.arange(columns)
    if actorder:
        perm = torch.argsort(torch.diag(H), descending=True)
        W = W[:, perm]
        H = H[perm][:, perm]
        invperm = torch.argsort(perm)
    Losses = torch.zeros_like(W)
    Q = torch.zeros_like(W)
    damp = percdamp * torch.mean(torch.diag(H))
    diag = torch.arange(columns)
    H[diag, diag] += damp
    H = torch.linalg.cholesky(H)
    H = torch.cholesky_inverse(H)
    H = torch.linalg.cholesky(H, upper=True)
    Hinv = H
    for i1 in range(0, columns, blocksize):
        i2 = min(i1 + blocksize, columns)
        count = i2 - i1
        W1 = W[:, i1:i2].clone()
        Q1 = torch.zeros_like(W1)
        Err1 = torch.zeros_like(W1)
        Losses1 = torch.zeros_like(W1)
        Hinv1 = Hinv[i1:i2, i1:i2]
        for i in range(count):
            w_col = W1[:, i]
            d = Hinv1[i, i]
            if groupsize != -1 and (i1 + i) % groupsize == 0:
                scale, zero = find_params(W[:, (i1 + i):(i1 + i + groupsize)], maxq, sym)
            q = quantize(w_col.unsqueeze(1), scale, zero, maxq).flatten()
            Q1[:, i] = q
            Losses1[:, i] = (w_col - q) ** 2 / d ** 2
            err1 = (w_col - q) / d
            W1[:, i:] -= err1.unsqueeze(1).matmul(Hinv1[i, i:].unsqueeze(0))
            Err1[:, i] = err1
        Q[:, i1:i2] = Q1
        Losses[:, i1:i2] = Losses1 / 2
        W[:, i2:] -= Err1.matmul(Hinv[i1:i2, i2:])
    error = torch.sum(Losses).item()
    if actorder:
        Q = Q[:, invperm]
    return {"w_hat": Q.numpy(), "error": np.float64(error), "losses": Losses.numpy(),
            "perm": perm.numpy().astype(np.int32)}


# ------------------------------------------------------------- mit-han-lab/llm-awq, in torch


def pseudo_quantize_tensor(w, n_bit, q_group_size):
    """quantizer.py pseudo_quantize_tensor, zero_point=True, inplace=False."""
    org_w_shape = w.shape
    if q_group_size > 0:
        assert org_w_shape[-1] % q_group_size == 0
        w = w.reshape(-1, q_group_size)
    assert w.dim() == 2
    max_val = w.amax(dim=1, keepdim=True)
    min_val = w.amin(dim=1, keepdim=True)
    max_int = 2**n_bit - 1
    min_int = 0
    scales = (max_val - min_val).clamp(min=1e-5) / max_int
    zeros = (-torch.round(min_val / scales)).clamp_(min_int, max_int)
    w = (torch.clamp(torch.round(w / scales) + zeros, min_int, max_int) - zeros) * scales
    return w.reshape(org_w_shape)


def ref_awq_scale(w: np.ndarray, x: np.ndarray, bits: int, group_size: int) -> dict:
    """auto_scale.py _search_module_scale with block = linears2scale[0] = one bias-free Linear."""
    fc = torch.nn.Linear(w.shape[1], w.shape[0], bias=False)
    fc.weight.data = torch.from_numpy(w.copy())
    X = torch.from_numpy(x)
    with torch.no_grad():
        org_out = fc(X)
        x_max = X.abs().view(-1, X.shape[-1]).mean(0)          # get_act_scale
        best_error, best_ratio, best_scales = float("inf"), -1, None
        n_grid, history, all_scales = 20, [], []
        org_sd = {k: v.clone() for k, v in fc.state_dict().items()}
        for ratio in range(n_grid):
            ratio = ratio * 1 / n_grid
            scales = x_max.pow(ratio).clamp(min=1e-4).view(-1)
            scales = scales / (scales.max() * scales.min()).sqrt()
            all_scales.append(scales.clone())
            fc.weight.mul_(scales.view(1, -1))
            fc.weight.data = pseudo_quantize_tensor(fc.weight.data, bits, group_size) / (
                scales.view(1, -1))
            out = fc(X)
            loss = (org_out - out).float().pow(2).mean().item()
            history.append(loss)
            if loss < best_error:
                best_error, best_ratio, best_scales = loss, ratio, scales
            fc.load_state_dict(org_sd)
        best_scales = best_scales.view(-1)
        # the searched weight as the search itself formed it: Q(W * s) / s
        w_scaled = torch.from_numpy(w) * best_scales.view(1, -1)
        w_hat = pseudo_quantize_tensor(w_scaled, bits, group_size) / best_scales.view(1, -1)
    return {"x_max": x_max.numpy(), "losses": np.array(history, dtype=np.float64),
            "ratio": np.float64(best_ratio), "scales": best_scales.numpy(),
            "all_scales": torch.stack(all_scales).numpy(), "w_hat": w_hat.numpy()}


def ref_auto_clip(w, input_feat, n_bit, group_size, n_grid=20, max_shrink=0.5,
                  n_sample_token=512):
    """auto_clip.py auto_clip_layer; q_config = {zero_point: True, q_group_size}."""
    group_size = group_size if group_size > 0 else w.shape[1]
    input_feat = input_feat.view(-1, input_feat.shape[-1])
    input_feat = input_feat.reshape(1, input_feat.shape[0], -1, group_size)
    input_feat = input_feat[:, 0::input_feat.shape[1] // n_sample_token]
    w = w.reshape(w.shape[0], 1, -1, group_size)
    org_max_val = w.abs().amax(dim=-1, keepdim=True)
    best_max_val = org_max_val.clone()
    min_errs = torch.ones_like(org_max_val) * 1e9
    org_out = (input_feat * w).sum(dim=-1)
    for i_s in range(int(max_shrink * n_grid)):
        max_val = org_max_val * (1 - i_s / n_grid)
        min_val = -max_val
        cur_w = torch.clamp(w, min_val, max_val)
        # q_group_size = -1 would reach pseudo_quantize_tensor's `assert w.dim() == 2` with a
        # 4-D cur_w; one group per row is the same reshape as q_group_size = in.
        q_w = pseudo_quantize_tensor(cur_w, n_bit, group_size)
        cur_out = (input_feat * q_w).sum(dim=-1)
        err = (cur_out - org_out).pow(2).mean(dim=1).view(min_errs.shape)
        cur_best_idx = err < min_errs
        min_errs[cur_best_idx] = err[cur_best_idx]
        best_max_val[cur_best_idx] = max_val[cur_best_idx]
    return best_max_val.squeeze(1)


def ref_awq(w: np.ndarray, x: np.ndarray, bits: int, group_size: int) -> dict:
    """Scale search, apply_scale (W * s, X / s), auto_clip, apply_clip, final pseudo-quantize."""
    found = ref_awq_scale(w, x, bits, group_size)
    s = torch.from_numpy(found["scales"])
    with torch.no_grad():
        w_s = torch.from_numpy(w.copy()).mul_(s.view(1, -1))
        feat = torch.from_numpy(x.copy()).div_(s.view(1, -1))
        max_val = ref_auto_clip(w_s, feat, bits, group_size)
        org_shape = w_s.shape
        clipped = w_s.reshape(*max_val.shape[:2], -1)
        clipped = torch.clamp(clipped, -max_val, max_val).reshape(org_shape)
        w_q = pseudo_quantize_tensor(clipped, bits, group_size)
        w_hat = w_q / s.view(1, -1)
    return {"clip_max": max_val.reshape(w.shape[0], -1).numpy(), "w_hat": w_hat.numpy()}


# -------------------------------------------------------------------------- hqq, the package


def ref_hqq(w: np.ndarray, bits: int, group_size: int) -> dict:
    from hqq.core.quantize import Quantizer, hqq_base_quant_config

    params = hqq_base_quant_config(nbits=bits, group_size=None if group_size == -1
                                   else group_size)["weight_quant_params"]
    params = {k: v for k, v in params.items() if k != "view_as_float"}
    W_q, meta = Quantizer.quantize(torch.from_numpy(w.copy()), bitpack=False, device="cpu",
                                   **params)
    # Quantizer.dequantize in float32 is ((W_q - zero) * scale).reshape(shape): the tests
    # rebuild w_hat from these three arrays with that one line.
    return {"w_q": W_q.numpy().astype(np.uint8), "scale": meta["scale"].numpy(),
            "zero": meta["zero"].numpy(), "round_zero": np.bool_(params["round_zero"])}


# ---------------------------------------------------------------------------------- output


def main() -> None:
    torch.set_num_threads(1)
    out: dict[str, np.ndarray] = {}
    cases: dict[str, list[str]] = {"rtn": [], "gptq": [], "awq": [], "awq_clip": [], "hqq": []}
    for name, (w, x, block) in layers().items():
        out[f"{name}/W"], out[f"{name}/X"] = w, x
        out[f"{name}/block_size"] = np.int32(block)
        for bits in BITS:
            for gs in (32, -1):
                for sym in (False, True):
                    key = f"{bits}_{gs}_{int(sym)}"
                    if name == "a":
                        out[f"rtn/{name}/{key}/w_hat"] = ref_rtn(w, bits, gs, sym)
                        cases["rtn"].append(f"{name}/{key}")
                    for act in (False, True):
                        if name == "c" or (name == "b" and bits not in (3, 4)):
                            continue
                        k = f"{key}_{int(act)}"
                        for field, v in ref_gptq(w, x, bits, gs, sym, act, block).items():
                            if field == "losses" and (name, bits, gs, sym) != ("a", 4, 32, False):
                                continue
                            out[f"gptq/{name}/{k}/{field}"] = v
                        cases["gptq"].append(f"{name}/{k}")
                key = f"{bits}_{gs}"
                if name in ("a", "c"):
                    for field, v in ref_awq_scale(w, x, bits, gs).items():
                        if field == "all_scales" and (name, bits) != ("c", 4):
                            continue
                        if field == "w_hat" and name != "c":
                            continue
                        out[f"awq/{name}/{key}/{field}"] = v
                    cases["awq"].append(f"{name}/{key}")
                if name == "c":
                    for field, v in ref_awq(w, x, bits, gs).items():
                        out[f"awq_clip/{name}/{key}/{field}"] = v
                    cases["awq_clip"].append(f"{name}/{key}")
                for field, v in ref_hqq(w, bits, gs).items():
                    out[f"hqq/{name}/{key}/{field}"] = v
                cases["hqq"].append(f"{name}/{key}")
    import hqq

    out["meta"] = np.array(json.dumps({
        "torch": torch.__version__, "hqq": hqq.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "machine": platform.machine(), "threads": 1, "cases": cases,
        "gptq": "IST-DASLab/gptq 2d65066eeb06a5c9ff5184d8cebdf33662c67faf",
        "awq": "mit-han-lab/llm-awq d6e797a42b9ef7778de8ee2352116e0f48a78d61",
    }))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(out)} arrays)")


if __name__ == "__main__":
    main()
