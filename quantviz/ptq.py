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

from dataclasses import dataclass

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


# ------------------------------------------------------------------------------------ GPTQ


def gptq_hessian(X: object) -> np.ndarray:
    """``H = 2 X^T X / n`` in float32, as one ``GPTQ.add_batch`` call accumulates it.

    IST-DASLab/gptq streams ``H *= n_old / (n_old + tmp); inp = sqrt(2 / n) * inp;
    H += inp inp^T`` per batch. Fed ``X`` as ``n`` one-token batches in a single call
    (``inp`` of shape (n, 1, in)), the first factor is 0 and this is exactly
    ``H = (sqrt(2/n) X)^T (sqrt(2/n) X)`` with ``sqrt(2/n)`` rounded to float32 before the
    product: what this function computes. Several calls would add rounding of their own.
    """
    x = _weights(X, "X")
    xs = x * F32(np.sqrt(2.0 / x.shape[0]))
    return xs.T @ xs


@dataclass(frozen=True)
class GPTQTrace:
    """Everything ``fasterquant`` computes on the way, in the order it quantized columns.

    ``perm[k]`` is the input column quantized at step ``k`` (identity without act_order);
    ``losses`` (out, in) is the reference's ``Losses`` in that order, ``(w - q)^2 / d^2 / 2``;
    ``error`` its sum (what IST-DASLab/gptq prints); ``scale``/``zero`` (out, groups) the grid
    of each group in the order the groups were met; ``damp`` the value added to diag(H).
    """

    w_hat: np.ndarray
    error: float
    losses: np.ndarray
    perm: np.ndarray
    scale: np.ndarray
    zero: np.ndarray
    damp: float

    @property
    def column_loss(self) -> np.ndarray:
        """Loss per input column in the processing order (``losses`` summed over rows)."""
        return self.losses.sum(axis=0)


def _upper_inverse_cholesky(H: np.ndarray) -> np.ndarray:
    """``cholesky(cholesky_inverse(cholesky(H)), upper=True)``: U with ``H^-1 = U^T U``.

    Computed in float64 with numpy (triangular inverse through ``solve``) and rounded to
    float32; the reference runs LAPACK in float32, so the two differ by rounding only.
    """
    h = H.astype(np.float64)
    lower = np.linalg.cholesky(h)
    lower_inv = np.linalg.solve(lower, np.eye(h.shape[0]))
    h_inv = lower_inv.T @ lower_inv
    return np.linalg.cholesky(h_inv).T.astype(F32)


def gptq_trace(
    W: object,
    X: object | None = None,
    *,
    bits: int,
    group_size: int = -1,
    symmetric: bool = False,
    act_order: bool = False,
    percdamp: float = 0.01,
    block_size: int = 128,
    H: object | None = None,
) -> GPTQTrace:
    """GPTQ as IST-DASLab/gptq ``GPTQ.fasterquant`` runs it (``static_groups=False``).

    Steps, all float32 except the inverse (see :func:`_upper_inverse_cholesky`):

    1. ``H = 2 X^T X / n`` (:func:`gptq_hessian`, or ``H`` given). With ``group_size=-1``
       the per-row grid (:func:`rtn`'s) is found on ``W`` *before* dead columns are zeroed.
    2. Dead inputs (``H[i, i] == 0``): ``H[i, i] = 1``, ``W[:, i] = 0``.
    3. act_order: columns sorted by ``diag(H)`` descending (stable), ``W`` and ``H`` permuted.
    4. ``H += percdamp * mean(diag H) * I``; ``Hinv = U`` upper with ``H^-1 = U^T U``.
    5. Blocks of ``block_size`` columns; inside one, column ``i``: ``d = Hinv[i, i]``,
       ``q = quantize(w)``, ``Losses[:, i] = (w - q)^2 / d^2``, ``err = (w - q) / d``,
       ``W1[:, i:] -= err Hinv[i, i:]``; after the block ``Losses /= 2`` and
       ``W[:, i2:] -= Err1 @ Hinv[i1:i2, i2:]``.
    6. Groups: when the (permuted) column index is a multiple of ``group_size``, the grid is
       found on ``W[:, c:c + group_size]`` *as the last block update left it*, not on the
       block's working copy ``W1`` (the reference reads ``W``): columns of a group that starts
       inside a block, or reaches past it, have not yet seen this block's updates.
    7. ``Q`` is un-permuted; ``w_hat = Q``.
    """
    w = _weights(W)
    rows, cols = w.shape
    maxq = 2 ** _bits(bits) - 1
    gs = _group_size(group_size, cols)
    grouped = group_size != -1
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise ValueError(f"block_size must be a positive integer, got {block_size!r}")
    if not np.isfinite(percdamp) or percdamp < 0:
        raise ValueError(f"percdamp must be >= 0, got {percdamp!r}")
    if H is None:
        if X is None:
            raise ValueError("give X (samples, in) or H (in, in)")
        h = gptq_hessian(_inputs(X, cols))
    else:
        h = np.array(H, dtype=F32)
        if h.shape != (cols, cols) or not np.all(np.isfinite(h)):
            raise ValueError(f"H must be a finite ({cols}, {cols}) array, got {h.shape}")
    sym = bool(symmetric)
    row_scale, row_zero = _gptq_params(w.T, maxq, sym)

    dead = np.diag(h) == 0
    h[dead, dead] = 1
    w[:, dead] = 0
    perm = np.argsort(-np.diag(h), kind="stable") if act_order else np.arange(cols)
    if act_order:
        h = h[perm][:, perm]
    damp = F32(percdamp) * F32(np.mean(np.diag(h), dtype=np.float64))
    h[np.arange(cols), np.arange(cols)] += damp
    try:
        hinv = _upper_inverse_cholesky(h)
    except np.linalg.LinAlgError as exc:
        raise ValueError(f"H + damp is not positive definite (percdamp={percdamp})") from exc

    wt = np.ascontiguousarray(w[:, perm].T)  # row k = column perm[k]: contiguous columns
    qt = np.empty_like(wt)
    losses_t = np.empty_like(wt)
    scales, zeros = [row_scale], [row_zero]
    scale, zero = row_scale, row_zero
    for i1 in range(0, cols, block_size):
        i2 = min(i1 + block_size, cols)
        w1 = wt[i1:i2].copy()
        err1 = np.empty_like(w1)
        hinv1 = hinv[i1:i2, i1:i2]
        for i in range(i2 - i1):
            c = i1 + i
            if grouped and c % gs == 0:
                scale, zero = _gptq_params(wt[c:c + gs], maxq, sym)
                if c == 0:
                    scales, zeros = [], []
                scales.append(scale)
                zeros.append(zero)
            col = w1[i]
            d = hinv1[i, i]
            q = _gptq_quantize(col, scale, zero, maxq)
            qt[c] = q
            losses_t[c] = (col - q) ** 2 / d ** 2
            err = (col - q) / d
            err1[i] = err
            w1[i:] -= hinv1[i, i:, None] * err[None, :]
        losses_t[i1:i2] /= F32(2)
        wt[i2:] -= hinv[i1:i2, i2:].T @ err1
    q_cols = np.empty_like(qt)
    q_cols[perm] = qt
    losses = np.ascontiguousarray(losses_t.T)
    return GPTQTrace(
        w_hat=np.ascontiguousarray(q_cols.T), error=float(losses.sum(dtype=np.float64)),
        losses=losses, perm=perm, scale=np.stack(scales, axis=1),
        zero=np.stack(zeros, axis=1), damp=float(damp),
    )


def gptq(
    W: object,
    X: object,
    *,
    bits: int,
    group_size: int = -1,
    symmetric: bool = False,
    act_order: bool = False,
    percdamp: float = 0.01,
    block_size: int = 128,
) -> np.ndarray:
    """GPTQ's dequantized weight ``w_hat`` (float32, W's shape); see :func:`gptq_trace`."""
    return gptq_trace(W, X, bits=bits, group_size=group_size, symmetric=symmetric,
                      act_order=act_order, percdamp=percdamp, block_size=block_size).w_hat
