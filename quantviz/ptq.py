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

from quantviz.torchmath import GRAIN_SIZE, torch_pow, torch_pow_rows

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


@dataclass(frozen=True)
class GPTQFactor:
    """Steps 2-4 of :func:`gptq_trace`: ``dead`` inputs (``H[i, i] == 0``), the processing
    order ``perm``, the damping ``damp`` added to diag(H) and ``hinv``, the upper Cholesky
    factor U of the damped, permuted inverse Hessian (``H^-1 = U^T U``, float32)."""

    dead: np.ndarray
    perm: np.ndarray
    damp: float
    hinv: np.ndarray


def gptq_prepare(H: np.ndarray, *, act_order: bool = False,
                 percdamp: float = 0.01) -> GPTQFactor:
    """``fasterquant``'s preparation of ``H`` (float32, copied): dead inputs get
    ``H[i, i] = 1``; act_order sorts the inputs by ``diag(H)`` descending (stable) and
    permutes ``H``; ``damp = percdamp * mean(diag H)`` is added to the diagonal; then
    ``U`` with ``H^-1 = U^T U`` (:func:`_upper_inverse_cholesky`). ValueError when
    ``H + damp`` is not positive definite."""
    h = np.array(H, dtype=F32)
    cols = h.shape[0]
    dead = np.diag(h) == 0
    h[dead, dead] = 1
    perm = np.argsort(-np.diag(h), kind="stable") if act_order else np.arange(cols)
    if act_order:
        h = h[perm][:, perm]
    damp = F32(percdamp) * F32(np.mean(np.diag(h), dtype=np.float64))
    h[np.arange(cols), np.arange(cols)] += damp
    try:
        hinv = _upper_inverse_cholesky(h)
    except np.linalg.LinAlgError as exc:
        raise ValueError(f"H + damp is not positive definite (percdamp={percdamp})") from exc
    return GPTQFactor(dead, perm, float(damp), hinv)


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

    prep = gptq_prepare(h, act_order=act_order, percdamp=percdamp)
    w[:, prep.dead] = 0
    perm, damp, hinv = prep.perm, prep.damp, prep.hinv

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
        zero=np.stack(zeros, axis=1), damp=damp,
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


# ------------------------------------------------------------------------------------- AWQ


def awq_pseudo_quantize(w: object, *, bits: int, group_size: int = -1) -> np.ndarray:
    """llm-awq ``pseudo_quantize_tensor`` (zero_point=True): asymmetric, per group of a row.

    Per group ``x`` (no widening to 0), ``max_int = 2**bits - 1``:
    ``scale = max(max x - min x, 1e-5) / max_int``,
    ``zero = clamp(-round(min x / scale), 0, max_int)``,
    ``x_hat = (clamp(round(x / scale) + zero, 0, max_int) - zero) * scale`` (float32).
    ``group_size`` must divide the row length (the reference asserts it).
    """
    w = np.asarray(w, dtype=F32)
    max_int = 2 ** _bits(bits) - 1
    gs = _group_size(group_size, w.shape[-1], divides=True)
    g = w.reshape(-1, gs)
    max_val = g.max(axis=1, keepdims=True)
    min_val = g.min(axis=1, keepdims=True)
    scale = np.maximum(max_val - min_val, F32(1e-5)) / F32(max_int)
    zero = np.clip(-np.round(min_val / scale), 0, max_int).astype(F32)
    q = np.clip(np.round(g / scale) + zero, 0, max_int)
    return ((q - zero) * scale).reshape(w.shape)


@dataclass(frozen=True)
class AWQSearch:
    """AWQ's search on one linear layer.

    ``ratios``/``losses``: the grid ``i / n_grid`` and the output MSE of ``Q(W*s)/s`` at each;
    ``ratio`` the chosen one, ``scales`` its ``s`` (in,), ``x_max`` the mean ``|X|`` per
    input; ``clip_max`` (out, groups) the clipping threshold auto_clip chose on ``W*s`` (None
    without clipping); ``w_hat = Q(clip(W*s)) / s``.
    """

    w_hat: np.ndarray
    ratios: np.ndarray
    losses: np.ndarray
    ratio: float
    scales: np.ndarray
    x_max: np.ndarray
    clip_max: np.ndarray | None


def awq_scales(x_max: np.ndarray, ratio: float) -> np.ndarray:
    """``s = clamp(x_max^ratio, min=1e-4)``, then ``s / sqrt(max s * min s)`` (float32).

    ``x_max^ratio`` is torch's own ``x_max.pow(ratio)`` on the CPU, bit for bit
    (:func:`quantviz.torchmath.torch_pow`: SLEEF's ``powf`` on whole vectors, the C
    library's ``pow`` on the tail, ``sqrt`` at ratio 0.5). The square root is IEEE's
    (correctly rounded); torch takes it with MKL's ``vsSqrt`` where MKL is linked, which on
    some CPUs is not correctly rounded (see :func:`awq_search`).
    """
    s = np.maximum(torch_pow(x_max, float(ratio)), F32(1e-4))
    return s / np.sqrt(s.max() * s.min())


def awq_scales_grid(x_max: np.ndarray, ratios: np.ndarray) -> np.ndarray:
    """:func:`awq_scales` for every ratio of the grid, row ``k`` for ``ratios[k]``, equal bit
    for bit; the powers of one ``x_max`` are taken in one pass
    (:func:`quantviz.torchmath.torch_pow_rows`) where it fits one thread's chunk."""
    x_max = np.asarray(x_max, F32)
    if x_max.ndim != 1 or x_max.size >= GRAIN_SIZE:
        return np.stack([awq_scales(x_max, float(r)) for r in ratios])
    s = np.maximum(torch_pow_rows(x_max, ratios), F32(1e-4))
    return s / np.sqrt(s.max(axis=1) * s.min(axis=1))[:, None]


def _awq_auto_clip(w: np.ndarray, x: np.ndarray, bits: int, gs: int, n_grid: int,
                   max_shrink: float, n_sample_token: int) -> np.ndarray:
    """llm-awq ``auto_clip_layer``: the per-(row, group) threshold with the least output MSE.

    Tokens: every ``n // n_sample_token``-th row of ``x`` from the first (the reference's
    strided slice; with fewer than ``n_sample_token`` samples its step would be 0, which
    Python refuses: here it is 1, all samples). Candidates ``max|w| * (1 - i / n_grid)``,
    ``i < int(max_shrink * n_grid)``; ``w`` clipped to ``[-t, t]``, pseudo-quantized, and the
    group's partial outputs compared (mean over tokens of the squared difference); a
    candidate wins only if strictly better. The reference's output-row batches (256 or 64
    rows, asserted to divide ``out``) only bound memory: rows are independent, so any ``out``
    works here. Sums over a group run as a matrix product (float32, another order than the
    reference's elementwise sum: agreement is to rounding).
    """
    rows, cols = w.shape
    n_groups = cols // gs
    step = max(1, x.shape[0] // n_sample_token)
    xg = np.ascontiguousarray(x[::step].reshape(-1, n_groups, gs).transpose(1, 2, 0))
    wg = w.reshape(rows, n_groups, gs).transpose(1, 0, 2)          # (groups, rows, gs)
    org_out = wg @ xg                                               # (groups, rows, tokens)
    org_max = np.abs(wg).max(axis=2, keepdims=True)                 # (groups, rows, 1)
    best = org_max.copy()
    min_err = np.full(org_max.shape, F32(1e9), dtype=F32)
    for i_s in range(int(max_shrink * n_grid)):
        max_val = org_max * F32(1 - i_s / n_grid)
        cur = np.minimum(np.maximum(wg, -max_val), max_val)
        q = awq_pseudo_quantize(cur.transpose(1, 0, 2).reshape(rows, cols), bits=bits,
                                group_size=gs).reshape(rows, n_groups, gs).transpose(1, 0, 2)
        err = ((q @ xg - org_out) ** 2).mean(axis=2, keepdims=True)
        better = err < min_err
        min_err = np.where(better, err, min_err)
        best = np.where(better, max_val, best)
    return best[:, :, 0].T.copy()


def awq_search(
    W: object,
    X: object,
    *,
    bits: int,
    group_size: int = -1,
    n_grid: int = 20,
    clip: bool = True,
    max_shrink: float = 0.5,
    n_sample_token: int = 512,
) -> AWQSearch:
    """AWQ on one linear layer as llm-awq runs it (``run_awq``: auto_scale, then auto_clip).

    1. ``x_max = mean |X|`` per input channel (``get_act_scale``).
    2. For ``ratio = i / n_grid``, ``i = 0..n_grid-1``: ``s`` = :func:`awq_scales`,
       ``W' = Q(W * s) / s`` with :func:`awq_pseudo_quantize`, loss
       ``mean((X W'^T - X W^T)^2)``; the first strictly lowest loss wins
       (``_search_module_scale`` with the layer itself as the block).
    3. ``apply_scale``: the layer now holds ``W * s`` and sees ``X / s``; with ``clip``,
       ``auto_clip_layer`` (see :func:`_awq_auto_clip`) picks a threshold per (row, group)
       and ``apply_clip`` clamps ``W * s`` to it.
    4. ``w_hat = Q(clamp(W * s)) / s``: the weight that, applied to the original ``X``, does
       what the quantized layer does on ``X / s``.

    Exactness: every step is float32 in the reference's order; ``x_max ** ratio`` is torch's
    CPU ``pow`` reproduced bit for bit (:func:`quantviz.torchmath.torch_pow`). Two steps
    can still differ by one ulp: ``mean |X|`` (torch's cascade sum; equal on the goldens), and
    the ``sqrt`` of ``max s * min s`` (and ``x_max ** 0.5``): torch 2.13 with MKL calls MKL's
    ``vsSqrt`` (``VML_HA``), closed source and dispatched by CPU, which on an AMD EPYC
    (AVX512) misrounds about 18 % of float32 inputs by one ulp (error up to 0.75 ulp); numpy's
    is correctly rounded. On the goldens (torch 2.13.0, that CPU) the scale search is
    bit-identical in 15 of 16 cases and in all 16 given torch's square roots.
    ``group_size=-1`` with clipping is run as one group per row (the reference would fail an
    assertion inside ``pseudo_quantize_tensor``).
    """
    w = _weights(W)
    x = _inputs(X, w.shape[1])
    bits = _bits(bits)
    gs = _group_size(group_size, w.shape[1], divides=True)
    if isinstance(n_grid, bool) or not isinstance(n_grid, int) or n_grid < 1:
        raise ValueError(f"n_grid must be a positive integer, got {n_grid!r}")
    x_max = np.abs(x).mean(axis=0, dtype=np.float64).astype(F32)
    return _awq_search(w, x, x_max, None, bits, gs, n_grid, clip, max_shrink, n_sample_token)


def _awq_search(w, x, x_max, all_scales, bits, gs, n_grid, clip, max_shrink, n_sample_token):
    org_out = x @ w.T
    ratios = np.arange(n_grid) / n_grid
    losses = np.empty(n_grid)
    best, best_scales = np.inf, None
    if all_scales is None:
        all_scales = awq_scales_grid(x_max, ratios)
    for i, ratio in enumerate(ratios):
        s = all_scales[i]
        w_q = awq_pseudo_quantize(w * s, bits=bits, group_size=gs) / s
        losses[i] = float(np.mean((org_out - x @ w_q.T) ** 2, dtype=F32))
        if losses[i] < best:
            best, best_ratio, best_scales = losses[i], ratio, s
    if best_scales is None:
        raise ValueError("no finite AWQ loss: check W and X")
    w_s = w * best_scales
    clip_max = None
    if clip:
        clip_max = _awq_auto_clip(w_s, x / best_scales, bits, gs, n_grid, max_shrink,
                                  n_sample_token)
        limit = np.repeat(clip_max, gs, axis=1)
        w_s = np.minimum(np.maximum(w_s, -limit), limit)
    w_hat = awq_pseudo_quantize(w_s, bits=bits, group_size=gs) / best_scales
    return AWQSearch(w_hat=w_hat, ratios=ratios, losses=losses, ratio=float(best_ratio),
                     scales=best_scales, x_max=x_max, clip_max=clip_max)


def awq(W: object, X: object, *, bits: int, group_size: int = -1, n_grid: int = 20,
        clip: bool = True) -> np.ndarray:
    """AWQ's dequantized weight ``Q(clip(W * s)) / s`` (float32); see :func:`awq_search`."""
    return awq_search(W, X, bits=bits, group_size=group_size, n_grid=n_grid, clip=clip).w_hat


# ------------------------------------------------------------------------------------- HQQ


@dataclass(frozen=True)
class HQQResult:
    """HQQ's codes and parameters in the package's layout (``axis=1``: one row per group).

    ``w_q`` (groups, group_size) codes, ``scale`` (groups, 1) the *dequantization* scale
    (the package's ``meta["scale"]``, ``1 / inverse scale``), ``zero`` (groups, 1) the
    optimised zero point, ``errors`` the mean ``|W - W_r|`` of each solver iteration run,
    ``w_hat = (w_q - zero) * scale`` reshaped to W's shape.
    """

    w_hat: np.ndarray
    w_q: np.ndarray
    scale: np.ndarray
    zero: np.ndarray
    errors: tuple[float, ...]


def _shrink_lp(x: np.ndarray, beta: float, lp_norm: float) -> np.ndarray:
    """hqq ``shrink_lp_op``: ``sign(x) * max(|x| - |x|^(p-1) / beta, 0)`` (float32).

    ``|x|^(p-1)`` is taken in float64 and rounded once; ``0^(p-1) = inf`` gives 0 as in the
    package. torch's own ``torch.pow`` (SLEEF ``powf``, 1 ulp off that in about 2 % of
    elements) is reproduced bit for bit by :func:`quantviz.torchmath.torch_pow`, but it is
    not used here: it costs about 25x the time on a 1024 x 1024 weight (20 solver
    iterations), and on the 24 golden cases the codes and zero points come out identical
    either way, because the package's float32 means (torch's reduction order) are what
    moves them.
    """
    out = np.abs(x)
    if lp_norm == 1:
        shrunk = out - F32(1.0 / beta)
    else:
        with np.errstate(divide="ignore"):
            power = np.power(out.astype(np.float64), float(F32(lp_norm - 1))).astype(F32)
        shrunk = out - F32(1.0 / beta) * power
    return np.maximum(shrunk, F32(0)) * np.sign(x)


def hqq_quantize(
    W: object,
    *,
    bits: int = 4,
    group_size: int = 64,
    axis: int = 1,
    round_zero: bool | None = None,
    optimize: bool = True,
    lp_norm: float = 0.7,
    beta: float = 10.0,
    iters: int = 20,
) -> HQQResult:
    """HQQ as hqq 0.2.8.post1 runs ``Quantizer.quantize`` on the CPU (float32).

    Setup (``Quantizer.quantize`` with ``hqq_base_quant_config``'s weight settings): groups by
    ``W.reshape(-1, group_size)`` (axis 1) or ``W.reshape(group_size, -1)`` (axis 0), or no
    reshape with ``group_size=-1``; ``max_v = 2**bits - 1``; the *inverse* scale
    ``scale = max_v / (max - min)`` (computed as torch's ``__rtruediv__`` does it,
    ``(1 / (max - min)) * max_v``), 1 where ``|max - min| <= 1e-4``, clamped to 2e4;
    ``zero = -min * scale``, rounded when ``round_zero`` (default: ``bits == 4``, as the config
    sets it).

    Solver (``optimize_weights_proximal_legacy``, the package default, with its defaults
    lp_norm 0.7, beta 10, iters 20): repeat ``W_q = clamp(round(W * scale + zero), 0, max_v)``,
    ``W_r = (W_q - zero) / scale``, ``W_e = shrink_lp(W - W_r, beta, lp_norm)``,
    ``zero = mean(W_q - (W - W_e) * scale)`` along ``axis``; stop at the first iteration
    whose ``mean |W - W_r|`` is not below the best so far (that iteration's zero update is
    kept, as in the package). Only the zero point moves. The legacy solver never multiplies
    ``beta`` by ``kappa`` (1.01 in its ``opt_params``), so beta stays constant; on a GPU the
    package runs this loop in float16, here it is the CPU's float32.

    Then ``W_q = clamp(round(W * scale + zero), 0, max_v)`` and the stored scale is
    ``1 / scale``; ``w_hat = (W_q - zero) * (1 / scale)``.
    """
    w = _weights(W)
    bits = _bits(bits, HQQ_BITS)
    if axis not in (0, 1):
        raise ValueError(f"axis must be 0 or 1, got {axis!r}")
    if group_size == -1:
        g = w
    else:
        gs = _group_size(group_size, w.size)
        if w.size % gs:
            raise ValueError(f"group_size={gs} must divide the {w.size} weights")
        g = w.reshape(-1, gs) if axis == 1 else w.reshape(gs, -1)
    if round_zero is None:
        round_zero = bits == 4
    if isinstance(iters, bool) or not isinstance(iters, int) or iters < 1:
        raise ValueError(f"iters must be a positive integer, got {iters!r}")
    max_v = 2**bits - 1
    w_min = g.min(axis=axis, keepdims=True)
    w_max = g.max(axis=axis, keepdims=True)
    denom = w_max - w_min
    with np.errstate(divide="ignore", over="ignore"):
        scale = (F32(1) / denom) * F32(max_v)   # torch's int / tensor: reciprocal, then times
    scale = np.minimum(np.where(np.abs(denom) <= F32(1e-4), F32(1), scale), F32(2e4))
    zero = -w_min * scale
    if round_zero:
        zero = np.round(zero)
    errors: list[float] = []
    if optimize:
        best = np.inf
        for _ in range(iters):
            w_q = np.clip(np.round(g * scale + zero), 0, max_v)
            w_r = (w_q - zero) / scale
            w_e = _shrink_lp(g - w_r, beta, lp_norm)
            zero = np.mean(w_q - (g - w_e) * scale, axis=axis, keepdims=True, dtype=F32)
            err = float(np.mean(np.abs(g - w_r), dtype=F32))
            errors.append(err)
            if err < best:
                best = err
            else:
                break
    w_q = np.clip(np.round(g * scale + zero), 0, max_v)
    inv = F32(1.0) / scale
    w_hat = ((w_q - zero) * inv).reshape(w.shape)
    return HQQResult(w_hat=w_hat, w_q=w_q.astype(np.uint8), scale=inv, zero=zero,
                     errors=tuple(errors))


def hqq(W: object, *, bits: int = 4, group_size: int = 64, axis: int = 1,
        round_zero: bool | None = None, optimize: bool = True) -> np.ndarray:
    """HQQ's dequantized weight (float32, W's shape); see :func:`hqq_quantize`."""
    return hqq_quantize(W, bits=bits, group_size=group_size, axis=axis, round_zero=round_zero,
                        optimize=optimize).w_hat
