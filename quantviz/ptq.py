"""Post-training weight quantization that looks at the layer's output: RTN, GPTQ, AWQ, HQQ.

Conventions: a linear layer's weight ``W`` is ``(out, in)``, its calibration inputs ``X`` are
``(samples, in)`` so that the layer computes ``X @ W.T``. Every method returns the dequantized
weight ``w_hat`` as float32, the same shape as ``W``. All arithmetic is float32 in the order the
reference code runs it, unless a docstring says otherwise.

Sources (transcribed into numpy, with attribution; no code is vendored):

- RTN and GPTQ: Frantar, Ashkboos, Hoefler, Alistarh, "GPTQ: Accurate Post-Training
  Quantization for Generative Pre-trained Transformers", ICLR 2023 (Algorithm 1), as the
  authors' repository IST-DASLab/gptq runs it: ``quant.py`` (``Quantizer`` with
  ``perchannel=True``, ``quantize``) and ``gptq.py`` (``GPTQ.add_batch``,
  ``GPTQ.fasterquant``), commit 2d65066eeb06a5c9ff5184d8cebdf33662c67faf.
- AWQ: Lin et al., "AWQ: Activation-aware Weight Quantization for LLM Compression and
  Acceleration", MLSys 2024 (Section 3.2), as mit-han-lab/llm-awq runs it:
  ``awq/quantize/auto_scale.py`` (``_search_module_scale``), ``awq/quantize/auto_clip.py``
  (``auto_clip_layer``), ``awq/quantize/quantizer.py`` (``pseudo_quantize_tensor``),
  commit d6e797a42b9ef7778de8ee2352116e0f48a78d61.
- HQQ: Badri and Shaji, "Half-Quadratic Quantization of Large Machine Learning Models" (2023),
  as the ``hqq`` package 0.2.8.post1 runs it (mobiusml/hqq tag v0.2.8.post1, commit
  835e259055aca4a08942b58964f5410572813761): ``hqq/core/quantize.py`` (``Quantizer.quantize``,
  ``Quantizer.dequantize``, ``hqq_base_quant_config``) and ``hqq/core/optimize.py``
  (``optimize_weights_proximal_legacy``, ``shrink_lp_op``).

The GPTQ loss each tool prints (``Losses`` is the ``(out, in)`` matrix that ``fasterquant``
fills column by column with ``(w - q)^2 / d^2``, halved block by block, where
``d = Hinv[i, i]`` is the diagonal of the upper Cholesky factor of the damped inverse Hessian):

- IST-DASLab/gptq ``gptq.py`` (commit above): ``print('error', torch.sum(Losses).item())``,
  i.e. ``error = sum over the layer of (w - q)^2 / d^2 / 2``. ``H = 2/N * sum x x^T`` where
  ``N`` counts the *batches* given to ``add_batch`` (``tmp = inp.shape[0]`` before the
  flatten: one per sequence in the reference's calibration loop), not tokens.
- AutoGPTQ ``auto_gptq/quantization/gptq.py`` (tag v0.7.1, commit
  b2e918c9968ea46796acc87d801121dd25c9301e; unchanged on main at 9f7d37072917): logs
  ``avg loss: {torch.sum(Losses).item() / self.nsamples}``: the same sum divided by the
  number of ``add_batch`` batches (sequences), with ``H`` accumulated as in IST-DASLab/gptq.
- GPTQModel ``gptqmodel/quantization/gptq.py`` (version 7.3.4, commit
  f4c327a17eb3e24524d5a97a3d682e3696ae6a28): ``avg_loss = torch.sum(Losses).item() /
  self.nsamples`` where ``nsamples`` counts *tokens* (``batch_token_size =
  reshaped_inp.shape[0]``) and ``H = 2/tokens * sum x x^T`` (``mul_(2.0 / total_samples)``).

:func:`gptq_trace` returns ``error`` (IST-DASLab's number for the ``H`` it was given);
divide by the number of samples for AutoGPTQ's / GPTQModel's "avg loss" with one sample per
batch.
"""

from __future__ import annotations

import numpy as np

F32 = np.float32

#: Bit widths GPTQ's and AWQ's integer grids are tested at (``maxq = 2**bits - 1``).
MIN_BITS, MAX_BITS = 2, 8
#: Bit widths of hqq 0.2.8.post1's ``Quantizer.SUPPORTED_BITS`` that are integers.
HQQ_BITS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 8)

# ---------------------------------------------------------------------------- input checks

def _weights(W: object, name: str = "W") -> np.ndarray:
    """``W`` as a float32 (out, in) array; ValueError if it is not 2-D, empty or not finite."""
    w = np.asarray(W)
    if w.ndim != 2 or w.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array (out, in), got shape {w.shape}")
    if not np.issubdtype(w.dtype, np.number) or np.iscomplexobj(w):
        raise ValueError(f"{name} must hold real numbers, got dtype {w.dtype}")
    w = w.astype(F32)
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} holds non-finite values")
    return w

def _inputs(X: object, columns: int) -> np.ndarray:
    """``X`` as a float32 (samples, in) array matching ``columns`` inputs."""
    x = _weights(X, "X")
    if x.shape[1] != columns:
        raise ValueError(f"X has {x.shape[1]} input channels, W has {columns}")
    return x

def _bits(bits: object, allowed: tuple[int, ...] | None = None) -> int:
    if isinstance(bits, bool) or not isinstance(bits, int | np.integer):
        raise ValueError(f"bits must be an integer, got {bits!r}")
    bits = int(bits)
    ok = bits in allowed if allowed else MIN_BITS <= bits <= MAX_BITS
    if not ok:
        raise ValueError(f"bits={bits} not supported (allowed: {allowed or (MIN_BITS, MAX_BITS)})")
    return bits

def _group_size(group_size: object, columns: int, divides: bool = False) -> int:
    """``group_size`` as an int; -1 (one group per row) becomes ``columns``."""
    if isinstance(group_size, bool) or not isinstance(group_size, int | np.integer):
        raise ValueError(f"group_size must be an integer, got {group_size!r}")
    gs = int(group_size)
    if gs == -1:
        return columns
    if gs <= 0:
        raise ValueError(f"group_size must be -1 or positive, got {gs}")
    if divides and columns % gs:
        raise ValueError(f"group_size={gs} must divide the {columns} input channels")
    return gs

# ------------------------------------------------------------------------------------- RTN

def _gptq_params(x: np.ndarray, maxq: int, symmetric: bool) -> tuple[np.ndarray, np.ndarray]:
    """IST-DASLab/gptq ``Quantizer.find_params(x, weight=True)`` reduced along axis 0.

    ``x`` is (columns, rows): one (scale, zero) per row of the weight, each (rows,) float32.
    ``x_min = min(min x, 0)``, ``x_max = max(max x, 0)``; symmetric: ``x_max = max(|x_min|,
    x_max)`` and ``x_min = -x_max`` where ``x_min < 0``; an all-zero range becomes [-1, +1];
    ``scale = (x_max - x_min) / maxq``; ``zero = round(-x_min / scale)`` (half to even), or
    ``(maxq + 1) / 2`` when symmetric.
    """
    x_min = np.minimum(x.min(axis=0), F32(0))
    x_max = np.maximum(x.max(axis=0), F32(0))
    if symmetric:
        x_max = np.maximum(np.abs(x_min), x_max)
        x_min = np.where(x_min < 0, -x_max, x_min)
    flat = (x_min == 0) & (x_max == 0)
    x_min = np.where(flat, F32(-1), x_min)
    x_max = np.where(flat, F32(1), x_max)
    scale = (x_max - x_min) / F32(maxq)
    if symmetric:
        zero = np.full_like(scale, F32((maxq + 1) / 2))
    else:
        zero = np.round(-x_min / scale)
    return scale, zero

def _gptq_quantize(x: np.ndarray, scale: np.ndarray, zero: np.ndarray, maxq: int) -> np.ndarray:
    """IST-DASLab/gptq ``quantize``: ``scale * (clamp(round(x/scale) + zero, 0, maxq) - zero)``."""
    q = np.clip(np.round(x / scale) + zero, F32(0), F32(maxq))
    return scale * (q - zero)

def rtn(W: object, *, bits: int, group_size: int = -1, symmetric: bool = False) -> np.ndarray:
    """Round to nearest on GPTQ's grid, per output row and group of ``group_size`` inputs.

    For each row and each group of input columns ``x`` (``group_size=-1``: the whole row; a
    last group may be shorter when ``group_size`` does not divide ``in``), with
    ``maxq = 2**bits - 1``:

        x_min = min(min x, 0),  x_max = max(max x, 0)          (the range holds 0)
        symmetric: x_max = max(|x_min|, x_max); x_min = -x_max if x_min < 0
        x_min = x_max = 0  ->  [-1, +1]                        (all-zero group)
        scale = (x_max - x_min) / maxq
        zero  = round(-x_min / scale)  (half to even);  symmetric: (maxq + 1) / 2
        q     = clamp(round(x / scale) + zero, 0, maxq);  x_hat = scale * (q - zero)

    float32, dividing by the scale as the reference does (IST-DASLab/gptq ``quant.py``).
    Edge: a symmetric group with no negative value keeps ``x_min = 0``, so its grid starts at
    ``-zero * scale`` and half the codes lie below the data.
    """
    w = _weights(W)
    maxq = 2 ** _bits(bits) - 1
    gs = _group_size(group_size, w.shape[1])
    out = np.empty_like(w)
    for c in range(0, w.shape[1], gs):
        block = w[:, c:c + gs]
        scale, zero = _gptq_params(block.T, maxq, bool(symmetric))
        out[:, c:c + gs] = _gptq_quantize(block, scale[:, None], zero[:, None], maxq)
    return out
