"""Why a few massive activation channels break per-tensor 8-bit, and three ways around them.

A layer ``Y = X W`` with activations ``X`` (tokens x channels) and a weight ``W`` (channels x
outputs, the layout of ``x @ W``). A few channels of ``X`` are far larger than the rest, as in
large language models. This module measures, in numpy only:

- scales per tensor, per token and per channel for ``X``: the SQNR of ``X`` and of ``Y``, and
  which of them an integer matmul can use (:func:`integer_matmul`);
- SmoothQuant (Xiao et al., ICML 2023, arXiv 2211.10438): ``s_j = max|X_j|^alpha /
  max|W_j|^(1 - alpha)``, ``X / s`` and ``s * W`` (:func:`smooth`, :func:`smooth_curve`);
- rotation by an orthogonal ``R`` (a normalized Walsh-Hadamard matrix; QuaRot, Ashkboos et
  al. 2024, and QuIP#, Tseng et al. 2024, use randomized Hadamard transforms, a Hadamard
  matrix with random signs; or a seeded random orthogonal one):
  ``X R`` and ``R^T W`` (:func:`rotate`);
- mixed precision in the style of LLM.int8() (Dettmers et al., NeurIPS 2022, arXiv
  2208.07339): channels holding a value beyond a threshold (6.0) stay in float16, the rest is
  int8 with one scale per token of ``X`` and per output channel of ``W`` (:func:`mixed_precision`).

The integer part always goes through :mod:`quantviz.quantize` with MinMax ranges; errors are
measured against ``Y`` computed in float64. Results hold small vectors and binned histograms,
never the matrices, so they can be cached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from quantviz.metrics import Histogram, histogram, sqnr_db
from quantviz.quantize import QuantConfig, channel_minmax, compute_qparams, fake_quantize, quantize

#: Absmax int8 as SmoothQuant and LLM.int8() use it: ``scale = max|x| / 127``, codes -127..127.
INT8 = QuantConfig(8, "symmetric", signed=True, narrow_range=True)
#: Granularities of the activation scales: one for all, one per row (token), one per column.
X_KINDS: tuple[str, ...] = ("tensor", "token", "channel")
#: Granularities an integer matmul can fold out of its sum (see :func:`integer_matmul`).
FOLDABLE: tuple[str, ...] = ("tensor", "token")
#: LLM.int8()'s outlier threshold: a feature with any ``|x| >= 6.0`` is kept in float16.
LLM_INT8_THRESHOLD = 6.0
#: Kurtosis ``E[d^4] / var^2`` of a normal distribution.
NORMAL_KURTOSIS = 3.0
#: Rotations offered.
ROTATIONS: tuple[str, ...] = ("hadamard", "randomized_hadamard", "random")
#: alpha values of the SmoothQuant curve.
ALPHAS: tuple[float, ...] = tuple(round(a, 2) for a in np.linspace(0.0, 1.0, 21))
#: Standard deviation of a typical channel of X (the outlier channels are ``magnitude`` times it).
BULK_STD = 0.5
#: Bins of the before/after histograms.
BINS = 80


@dataclass(frozen=True)
class Layer:
    """``x`` (tokens x channels), ``w`` (channels x outputs), both float32, and the indices of
    the channels of ``x`` that were made massive (``outlier_channels``)."""

    x: np.ndarray
    w: np.ndarray
    outlier_channels: tuple[int, ...]

    @property
    def y(self) -> np.ndarray:
        """``X W`` in float64: the reference every error is measured against."""
        return self.x.astype(np.float64) @ self.w.astype(np.float64)


def make_layer(tokens: int = 512, channels: int = 256, outputs: int = 256, outliers: int = 4,
               magnitude: float = 100.0, seed: int = 0) -> Layer:
    """A seeded layer: ``X`` with ``outliers`` massive channels, ``W`` like a trained weight.

    ``X[:, j] ~ N(0, c_j^2)`` with ``c_j = BULK_STD * exp(N(0, 0.3^2))`` (channels of slightly
    different size, the bulk well inside LLM.int8()'s threshold of 6), then the ``outliers``
    channels (chosen without replacement from the seed) are multiplied by ``magnitude``: every token
    is large there, as in the activations of large language models. ``W ~ N(0, 1 / channels)``.
    Sizes must be >= 1, ``0 <= outliers <= channels`` and ``magnitude >= 1``; otherwise
    ``ValueError`` naming the value.
    """
    for name, n in (("tokens", tokens), ("channels", channels), ("outputs", outputs)):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{name} must be a positive integer, got {n!r}")
    if isinstance(outliers, bool) or not isinstance(outliers, (int, np.integer)) or not (
            0 <= outliers <= channels):
        raise ValueError(f"outliers must be an integer in 0..{channels}, got {outliers!r}")
    if not (np.isfinite(magnitude) and magnitude >= 1.0):
        raise ValueError(f"magnitude must be a finite number >= 1, got {magnitude!r}")
    rng = np.random.default_rng(seed)
    size = BULK_STD * np.exp(0.3 * rng.standard_normal(channels))
    x = rng.standard_normal((tokens, channels)) * size
    picked = np.sort(rng.choice(channels, size=outliers, replace=False)) if outliers else []
    x[:, picked] *= magnitude
    w = rng.standard_normal((channels, outputs)) / math.sqrt(channels)
    return Layer(x.astype(np.float32), w.astype(np.float32), tuple(int(j) for j in picked))


# ---------------------------------------------------------------------------------------------
# granularity of the activation scales


def _axis(kind: str) -> int | None:
    """The axis of ``X`` whose slices get one scale each: token = row (0), channel = column (1)."""
    if kind not in X_KINDS:
        raise ValueError(f"kind={kind!r} is not one of {', '.join(X_KINDS)}")
    return {"tensor": None, "token": 0, "channel": 1}[kind]


def fake_quantize_minmax(a: np.ndarray, cfg: QuantConfig, axis: int | None) -> np.ndarray:
    """``dequantize(quantize(a))`` with MinMax ranges over the whole of ``a`` (``axis=None``)
    or over each slice along ``axis`` (one scale per index of ``axis``)."""
    a = np.asarray(a, dtype=np.float32)
    if axis is None:
        qp = compute_qparams(float(a.min()), float(a.max()), cfg)
    else:
        qp = compute_qparams(*channel_minmax(a, axis), cfg)
    return fake_quantize(a, qp, axis)


def quantize_x(x: np.ndarray, kind: str, cfg: QuantConfig = INT8) -> np.ndarray:
    """``X`` fake-quantized with one scale per tensor, per token (row) or per channel (column)."""
    return fake_quantize_minmax(x, cfg, _axis(kind))


def quantize_w(w: np.ndarray, cfg: QuantConfig = INT8) -> np.ndarray:
    """``W`` (channels x outputs) fake-quantized with one scale per output channel (column)."""
    return fake_quantize_minmax(w, cfg, 1)


def integer_matmul(x: np.ndarray, w: np.ndarray, kind: str,
                   cfg: QuantConfig = INT8) -> np.ndarray:
    """``Y ~ (s_x t_w^T) * (q_x @ q_w)``: one integer matmul (int64 accumulation), then one
    rescale per output element, for symmetric signed schemes (zero points 0).

    ``Y_ik = sum_j (a_i q_ij)(t_k r_jk) = a_i t_k sum_j q_ij r_jk`` holds when the scale ``a``
    of ``X`` depends on the token ``i`` only (per tensor or per token): it leaves the sum. A
    scale per channel ``c_j`` of ``X`` sits inside the sum over ``j``
    (``sum_j c_j q_ij t_k r_jk``), so no rescale after an integer matmul can apply it:
    ``kind="channel"`` raises ``ValueError`` saying so. ``W`` has one scale per output channel.
    """
    if kind not in FOLDABLE:
        raise ValueError(
            f"kind={kind!r}: a scale per channel of X multiplies each term of the sum over "
            "channels, so it cannot be applied after an integer matmul"
        )
    if cfg.scheme != "symmetric" or not cfg.signed:
        raise ValueError(f"integer_matmul needs a signed symmetric scheme, got {cfg!r}")
    x, w = np.asarray(x, np.float32), np.asarray(w, np.float32)
    axis = _axis(kind)
    qx_p = (compute_qparams(float(x.min()), float(x.max()), cfg) if axis is None
            else compute_qparams(*channel_minmax(x, 0), cfg))
    qw_p = compute_qparams(*channel_minmax(w, 1), cfg)
    acc = quantize(x, qx_p, axis).astype(np.int64) @ quantize(w, qw_p, 1).astype(np.int64)
    sx = np.broadcast_to(np.asarray(qx_p.scale, np.float64), (x.shape[0],))
    sw = np.asarray(qw_p.scale, np.float64)
    return acc * np.outer(sx, sw)


@dataclass(frozen=True)
class GranularityRow:
    """One granularity of ``X`` (``W`` per output channel): SQNR of ``X`` and of ``Y`` in dB,
    and whether an integer matmul can use it."""

    kind: str
    sqnr_x: float
    sqnr_y: float
    integer: bool


def granularity_rows(layer: Layer, cfg: QuantConfig = INT8) -> tuple[GranularityRow, ...]:
    """SQNR of ``X`` and ``Y = X_hat W_hat`` for each kind in :data:`X_KINDS`."""
    y = layer.y
    w_hat = quantize_w(layer.w, cfg).astype(np.float64)
    rows = []
    for kind in X_KINDS:
        x_hat = quantize_x(layer.x, kind, cfg)
        rows.append(GranularityRow(kind, sqnr_db(layer.x, x_hat),
                                   sqnr_db(y, x_hat.astype(np.float64) @ w_hat),
                                   kind in FOLDABLE))
    return tuple(rows)


# ---------------------------------------------------------------------------------------------
# SmoothQuant


def smooth_scales(x: np.ndarray, w: np.ndarray, alpha: float) -> np.ndarray:
    """SmoothQuant's ``s_j = max_i |X_ij|^alpha / max_k |W_jk|^(1 - alpha)`` (float64).

    ``alpha = 0`` leaves ``X`` alone up to ``1 / max|W_j|``; ``alpha = 1`` divides each channel
    of ``X`` by its own max. A channel whose ``X`` or ``W`` maximum is 0 gets ``s_j = 1`` (it
    carries no signal; dividing by 0 would not). ``alpha`` outside [0, 1] raises ``ValueError``.
    """
    if not (np.isfinite(alpha) and 0.0 <= alpha <= 1.0):
        raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
    ax = np.abs(np.asarray(x, np.float64)).max(axis=0)
    aw = np.abs(np.asarray(w, np.float64)).max(axis=1)
    s = np.ones_like(ax)
    live = (ax > 0) & (aw > 0)
    s[live] = ax[live] ** alpha / aw[live] ** (1.0 - alpha)
    return s


def smooth(x: np.ndarray, w: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray,
                                                                np.ndarray]:
    """``(X / s, s * W, s)`` in float32: column ``j`` of ``X`` divided and row ``j`` of ``W``
    multiplied by ``s_j``, so ``(X / s)(s W) = X W`` up to float32 rounding."""
    s = smooth_scales(x, w, alpha)
    xs = (np.asarray(x, np.float64) / s).astype(np.float32)
    ws = (np.asarray(w, np.float64) * s[:, None]).astype(np.float32)
    return xs, ws, s


@dataclass(frozen=True)
class SmoothPoint:
    """SQNR (dB) of ``X / s``, ``s W`` and ``Y`` at one ``alpha``."""

    alpha: float
    sqnr_x: float
    sqnr_w: float
    sqnr_y: float


def smooth_point(layer: Layer, alpha: float, x_kind: str = "tensor",
                 cfg: QuantConfig = INT8, y: np.ndarray | None = None) -> SmoothPoint:
    """Smooth with ``alpha``, quantize ``X / s`` by ``x_kind`` and ``s W`` per output channel.

    ``y`` is ``layer.y`` when the caller has it already (a curve computes it once, not once
    per point: a float64 matmul of the whole layer)."""
    xs, ws, _ = smooth(layer.x, layer.w, alpha)
    x_hat = quantize_x(xs, x_kind, cfg)
    w_hat = quantize_w(ws, cfg)
    y_hat = x_hat.astype(np.float64) @ w_hat.astype(np.float64)
    return SmoothPoint(float(alpha), sqnr_db(xs, x_hat), sqnr_db(ws, w_hat),
                       sqnr_db(layer.y if y is None else y, y_hat))


def smooth_curve(layer: Layer, alphas: tuple[float, ...] = ALPHAS, x_kind: str = "tensor",
                 cfg: QuantConfig = INT8) -> tuple[SmoothPoint, ...]:
    """:func:`smooth_point` at each ``alpha``: how the difficulty moves from ``X`` to ``W``."""
    y = layer.y
    return tuple(smooth_point(layer, a, x_kind, cfg, y) for a in alphas)


def best_alpha(curve: tuple[SmoothPoint, ...]) -> SmoothPoint:
    """The point of ``curve`` with the highest SQNR of ``Y`` (the first of equals)."""
    if not curve:
        raise ValueError("best_alpha of an empty curve")
    return max(curve, key=lambda p: p.sqnr_y)


@dataclass(frozen=True)
class SmoothCheck:
    """``max |(X/s)(sW) - X W|`` with both products in float32, ``max |X W|``, and
    ``max_i |X_ij / s_j|`` per channel (the picture after smoothing)."""

    max_dy: float
    max_y: float
    absmax_after: np.ndarray


def smooth_check(layer: Layer, alpha: float) -> SmoothCheck:
    """How far smoothing moves the float32 product (rounding only), and ``X / s``'s channels."""
    xs, ws, _ = smooth(layer.x, layer.w, alpha)
    y32 = layer.x @ layer.w
    return SmoothCheck(float(np.abs(xs @ ws - y32).max()), float(np.abs(y32).max()),
                       channel_absmax(xs))


# ---------------------------------------------------------------------------------------------
# rotation


def hadamard(n: int) -> np.ndarray:
    """The normalized Walsh-Hadamard matrix ``H_n / sqrt(n)`` (Sylvester's construction):
    ``H_1 = [1]``, ``H_2m = [[H_m, H_m], [H_m, -H_m]]``. Orthogonal and symmetric. ``n`` must
    be a power of two; otherwise ``ValueError``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 or n & (n - 1):
        raise ValueError(f"a Walsh-Hadamard matrix needs a power of two, got n={n!r}")
    h = np.ones((1, 1))
    while h.shape[0] < n:
        h = np.block([[h, h], [h, -h]])
    return h / math.sqrt(n)


def random_orthogonal(n: int, seed: int = 0) -> np.ndarray:
    """A seeded random orthogonal ``n x n`` matrix: ``Q`` of the QR of a Gaussian matrix, the
    signs of its columns fixed by ``diag(R)`` so the draw is uniform (Haar). ``n >= 1``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def randomized_hadamard(n: int, seed: int = 0) -> np.ndarray:
    """``diag(d) H_n / sqrt(n)`` with seeded random signs ``d_i = +-1``: still orthogonal, and
    no longer the same matrix for every layer (the randomized Hadamard transforms of QuaRot
    and QuIP#). ``n`` must be a power of two."""
    h = hadamard(n)
    signs = np.where(np.random.default_rng(seed).random(n) < 0.5, -1.0, 1.0)
    return signs[:, None] * h


def rotation(n: int, kind: str = "hadamard", seed: int = 0) -> np.ndarray:
    """``hadamard(n)``, ``randomized_hadamard(n, seed)`` or ``random_orthogonal(n, seed)``;
    an unknown kind raises ``ValueError``."""
    if kind == "hadamard":
        return hadamard(n)
    if kind == "randomized_hadamard":
        return randomized_hadamard(n, seed)
    if kind == "random":
        return random_orthogonal(n, seed)
    raise ValueError(f"kind={kind!r} is not one of {', '.join(ROTATIONS)}")


def kurtosis(a: np.ndarray) -> float:
    """``E[(a - mean)^4] / var^2`` over all elements (3 for a normal; not the excess).

    A constant array has no spread: its kurtosis is reported as 0.0. Empty: ``ValueError``.
    """
    a = np.asarray(a, np.float64).reshape(-1)
    if a.size == 0:
        raise ValueError("kurtosis of an empty array")
    d = a - a.mean()
    var = float(np.mean(d * d))
    if var == 0:
        return 0.0
    return float(np.mean(d**4) / var**2)


@dataclass(frozen=True)
class RotationResult:
    """Before and after ``X R``, ``R^T W``: kurtosis and a histogram of ``X``, SQNR (dB) of
    ``X`` and ``Y``; ``max_dy`` is ``max |X R R^T W - X W|`` computed in float32."""

    kind: str
    kurtosis_before: float
    kurtosis_after: float
    hist_before: Histogram
    hist_after: Histogram
    sqnr_x_before: float
    sqnr_x_after: float
    sqnr_y_before: float
    sqnr_y_after: float
    max_dy: float


def rotate(layer: Layer, kind: str = "hadamard", x_kind: str = "tensor", seed: int = 0,
           cfg: QuantConfig = INT8) -> RotationResult:
    """Rotate the channels: ``X R`` and ``R^T W`` (``(X R)(R^T W) = X W`` as ``R R^T = I``).

    ``X`` is quantized by ``x_kind`` and ``W`` per output channel, before and after. The
    histograms share one range (that of both ``X`` and ``X R``) so the two can be compared.
    """
    r = rotation(layer.x.shape[1], kind, seed)
    xr = (layer.x.astype(np.float64) @ r).astype(np.float32)
    wr = (r.T @ layer.w.astype(np.float64)).astype(np.float32)
    y = layer.y

    def sqnrs(x, w):
        x_hat, w_hat = quantize_x(x, x_kind, cfg), quantize_w(w, cfg)
        return sqnr_db(x, x_hat), sqnr_db(y, x_hat.astype(np.float64) @ w_hat.astype(np.float64))

    lo = float(min(layer.x.min(), xr.min()))
    hi = float(max(layer.x.max(), xr.max()))
    before, after = sqnrs(layer.x, layer.w), sqnrs(xr, wr)
    y32 = layer.x @ layer.w
    return RotationResult(
        kind, kurtosis(layer.x), kurtosis(xr),
        histogram(layer.x, BINS, (lo, hi)), histogram(xr, BINS, (lo, hi)),
        before[0], after[0], before[1], after[1], float(np.abs(xr @ wr - y32).max()))


# ---------------------------------------------------------------------------------------------
# mixed precision (LLM.int8() style)


def outlier_columns(x: np.ndarray, threshold: float = LLM_INT8_THRESHOLD) -> np.ndarray:
    """Indices of the channels (columns) of ``X`` holding any ``|x| >= threshold``.

    ``threshold`` must be positive and finite (``ValueError`` otherwise).
    """
    if not (np.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold must be a positive number, got {threshold!r}")
    return np.flatnonzero(np.abs(np.asarray(x)).max(axis=0) >= threshold)


@dataclass(frozen=True)
class MixedResult:
    """LLM.int8()-style mixed precision: the ``kept`` channel indices (float16) and their share
    of all channels; SQNR (dB) of ``Y`` mixed, and with every channel in int8 (the same
    per-token / per-output-channel scales)."""

    threshold: float
    kept: tuple[int, ...]
    share_kept: float
    sqnr_y: float
    sqnr_y_int8: float


def mixed_precision(layer: Layer, threshold: float = LLM_INT8_THRESHOLD,
                    cfg: QuantConfig = INT8) -> MixedResult:
    """``Y_hat = X_o W_o`` (float16 inputs, float32 products) ``+ X_r_hat W_r_hat`` (int8).

    ``o`` are the channels :func:`outlier_columns` finds; ``X_r`` (the other columns) is
    quantized per token (row) and ``W_r`` (the other rows) per output channel (column): the
    vector-wise quantization of LLM.int8(). As in bitsandbytes 0.50.2
    (``backends/default/ops.py``, ``int8_vectorwise_quant``), a token's scale is the max of
    its ``|x|`` once the elements at or above the threshold are set to 0. With no channel kept
    this is plain per-token int8; with every channel kept there is no int8 part.
    """
    x, w = layer.x, layer.w
    kept = outlier_columns(x, threshold)
    rest = np.setdiff1d(np.arange(x.shape[1]), kept)
    y_hat = np.zeros((x.shape[0], w.shape[1]), np.float64)
    if kept.size:
        xo = x[:, kept].astype(np.float16).astype(np.float32)
        wo = w[kept].astype(np.float16).astype(np.float32)
        y_hat += xo @ wo
    if rest.size:
        ax = np.abs(x)
        row_max = np.where(ax >= threshold, 0.0, ax).max(axis=1)
        qp = compute_qparams(-row_max, row_max, cfg)
        xr_hat = fake_quantize(x[:, rest], qp, 0).astype(np.float64)
        wr_hat = quantize_w(w[rest], cfg).astype(np.float64)
        y_hat += xr_hat @ wr_hat
    y = layer.y
    all_int8 = quantize_x(x, "token", cfg).astype(np.float64) @ quantize_w(w, cfg)
    return MixedResult(float(threshold), tuple(int(j) for j in kept), kept.size / x.shape[1],
                       sqnr_db(y, y_hat), sqnr_db(y, all_int8))


def token_max_in(x: np.ndarray, channels: tuple[int, ...]) -> float:
    """Share of the tokens (rows of ``X``) whose largest ``|x|`` lies in one of ``channels``:
    how often those channels set a per-token scale. Ties go to the first column
    (``argmax``). No tokens or no channels: 0.0.
    """
    a = np.abs(np.asarray(x, np.float64))
    if a.ndim != 2:
        raise ValueError(f"x must be 2-D (tokens x channels), got shape {a.shape}")
    if a.shape[0] == 0 or not channels:
        return 0.0
    return float(np.isin(a.argmax(axis=1), np.asarray(channels)).mean())


def channel_absmax(x: np.ndarray) -> np.ndarray:
    """``max_i |X_ij|`` per channel ``j`` (float64): the picture of the massive channels."""
    return np.abs(np.asarray(x, np.float64)).max(axis=0)
