"""What the Layer page shows, computed: one linear layer ``Y = X W^T + b`` run in integers.

:func:`study_layer` quantizes the weights as PyTorch's x86 default qconfig does
(``get_default_qconfig("x86")`` in torch/ao/quantization/qconfig.py: qint8 symmetric per output
channel, ``scale = max|w| / 127.5``; per tensor offered beside it), and the activations and the
output as quint8 asymmetric from MinMax ranges (the default qconfig uses a histogram observer
instead), activations on 7 bits with ``reduce_range`` as that qconfig sets it), runs
:func:`quantviz.layers.quantized_linear` and collects every number the page prints: the codes,
the int32 accumulator, the zero-point terms, the two requantizations,
the ``vpmaddubsw`` saturations and the error of ``Y`` under each kind of quantization.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quantviz import layers
from quantviz.distributions import activation_stream, sample
from quantviz.layers import FixedPointRequant, LinearPipeline, PairSaturation
from quantviz.metrics import Histogram, sqnr_db
from quantviz.quantize import (
    QParams,
    QuantConfig,
    channel_minmax,
    compute_qparams,
    dequantize,
    quantize,
)

F32 = np.float32
#: At most this many pair sums go through the vpmaddubsw model (about a second on one core):
#: above it, the model runs on the first rows of X only.
MAX_PAIRS = 8_000_000
#: Activations: quint8, asymmetric; with reduce_range PyTorch's quant_max is 127 (7 bits).
X_CONFIG = QuantConfig(8, "asymmetric", signed=False)
X_CONFIG_REDUCED = QuantConfig(7, "asymmetric", signed=False)
#: Weights: qint8 symmetric over the full range [-128, 127] (scale = max|w| / 127.5).
W_CONFIG = QuantConfig(8, "symmetric", signed=True)
#: Output: quint8, asymmetric.
Y_CONFIG = QuantConfig(8, "asymmetric", signed=False)
#: The activation source that is not a distribution: rows are batches of the drifting stream.
STREAM = "stream"


def activations(source: str, rows: int, in_features: int, seed: int) -> np.ndarray:
    """``X`` of shape ``(rows, in_features)``, float32.

    ``source`` is a registered 1-D distribution (default parameters, ``rows * in_features``
    values from ``seed``, row by row) or :data:`STREAM`: row ``t`` is batch ``t`` of
    :func:`quantviz.distributions.activation_stream` (ReLU values whose scale drifts, with
    spikes). Bad arguments raise ``ValueError`` from the samplers.
    """
    if source == STREAM:
        return np.stack(activation_stream(n_batches=rows, batch_size=in_features, seed=seed))
    return sample(source, rows * in_features, seed).reshape(rows, in_features)


def synthetic_bias(y_float: np.ndarray, seed: int) -> np.ndarray:
    """A bias the size of the outputs: ``b_j = 0.5 * std(y_j) * z_j``, ``z ~ N(0, 1)`` seeded.

    ``y_float`` is ``X W^T`` without bias; a channel with constant output gets ``b_j = 0``.
    """
    z = np.random.default_rng(seed).standard_normal(y_float.shape[1])
    return (0.5 * y_float.std(axis=0) * z).astype(F32)


@dataclass(frozen=True)
class ErrorRow:
    """The error of ``Y`` when ``what`` is quantized: SQNR, cosine similarity, per channel."""

    what: str
    sqnr_db: float
    cosine: float
    channel_sqnr_db: np.ndarray


def cosine(y: np.ndarray, y_hat: np.ndarray) -> float:
    """``sum(y * y_hat) / (||y|| ||y_hat||)`` in float64; 1.0 when both are all zero, 0.0 when
    exactly one is."""
    a, b = np.asarray(y, np.float64).ravel(), np.asarray(y_hat, np.float64).ravel()
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 1.0 if na == nb else 0.0
    return float(a @ b / (na * nb))


def _error_row(what: str, y: np.ndarray, y_hat: np.ndarray) -> ErrorRow:
    per_channel = np.array([sqnr_db(y[:, j], y_hat[:, j]) for j in range(y.shape[1])])
    return ErrorRow(what, sqnr_db(y, y_hat), cosine(y, y_hat), per_channel)


@dataclass(frozen=True)
class Element:
    """One output ``y_q[i, j]`` followed through both requantizations, with every number."""

    i: int
    j: int
    products: int
    row_term: int
    col_term: int
    const_term: int
    acc: int
    bias: float
    bias_acc: float
    multiplier: float
    scaled: float
    exact: float
    y_zero_point: int
    y_q: int
    bias_q: int
    m0: int
    shift: int
    fixed_y_q: int


@dataclass(frozen=True)
class LayerStudy:
    """Everything the Layer page prints for one layer and one setting."""

    shape: tuple[int, int, int]
    per_channel: bool
    reduce_range: bool
    x_qp: QParams
    w_qp: QParams
    y_qp: QParams
    pipe: LinearPipeline
    fixed: FixedPointRequant
    errors: tuple[ErrorRow, ...]
    saturation_full: PairSaturation
    saturation_reduced: PairSaturation
    sqnr_avx2_full: float
    sqnr_exact_full: float
    sqnr_reduced: float
    saturation_rows: int
    pair_edges: np.ndarray
    pair_counts_full: np.ndarray
    pair_counts_reduced: np.ndarray
    acc_hist: Histogram
    example: Element
    disagreements: tuple[Element, ...]

    @property
    def x_bits(self) -> int:
        return 7 if self.reduce_range else 8


def _x_qparams(x: np.ndarray, reduce_range: bool) -> QParams:
    cfg = X_CONFIG_REDUCED if reduce_range else X_CONFIG
    return compute_qparams(float(x.min()), float(x.max()), cfg)


def _w_qparams(w: np.ndarray, per_channel: bool) -> QParams:
    if per_channel:
        w_min, w_max = channel_minmax(w, axis=0)
        return compute_qparams(w_min, w_max, W_CONFIG)
    return compute_qparams(float(w.min()), float(w.max()), W_CONFIG)


def _element(pipe: LinearPipeline, fixed: FixedPointRequant, i: int, j: int) -> Element:
    a = np.float64(pipe.x_scale) * np.float64(pipe.w_scale[j])
    exact = (int(pipe.acc[i, j]) * a + float(pipe.bias[j])) / np.float64(F32(pipe.y_scale))
    return Element(
        i=i, j=j, products=int(pipe.products[i, j]), row_term=int(pipe.row_term[i, j]),
        col_term=int(pipe.col_term[j]), const_term=int(pipe.const_term[j]),
        acc=int(pipe.acc[i, j]), bias=float(pipe.bias[j]), bias_acc=float(pipe.bias_acc[j]),
        multiplier=float(pipe.multiplier[j]), scaled=float(pipe.scaled[i, j]),
        exact=float(exact), y_zero_point=pipe.y_zero_point, y_q=int(pipe.y_q[i, j]),
        bias_q=int(fixed.bias_q[j]), m0=int(fixed.m0[j]), shift=int(fixed.shift[j]),
        fixed_y_q=int(fixed.y_q[i, j]),
    )


def _integer_y(x_q, x_qp, w_q, w_qp, bias, y_qp, products) -> np.ndarray:
    """The dequantized output of the integer layer; ``products`` (the vpmaddubsw sums of
    :func:`quantviz.layers.pair_statistics`) or None for the exact sum."""
    pipe = layers.linear_pipeline(x_q, x_qp, w_q, w_qp, bias, y_qp, products=products)
    return dequantize(pipe.y_q, y_qp)


def study_layer(w: np.ndarray, x: np.ndarray, bias: np.ndarray | None, *, per_channel: bool,
                reduce_range: bool, max_examples: int = 8,
                max_pairs: int = MAX_PAIRS) -> LayerStudy:
    """Run ``Y = X W^T + b`` in integers (FBGEMM's arithmetic) and measure it.

    ``w`` float ``(N, K)``, ``x`` float ``(M, K)``, ``bias`` ``(N,)`` or None. Errors of ``Y``
    against the float64 product, each as SQNR, cosine and SQNR per output channel:
    "weights" (``X W_hat^T + b``), "activations" (``X_hat W^T + b``), "both"
    (``X_hat W_hat^T + b``, before the output is requantized) and "integer" (the dequantized
    uint8 output of the integer layer). The ``vpmaddubsw`` model is run on the activations'
    8-bit codes and on their 7-bit (reduce_range) codes, whichever the page uses, on the first
    ``saturation_rows`` rows of X: all of them unless that makes more than ``max_pairs`` pair
    sums (``rows * N * ceil(K / 2)``); the SQNRs of that comparison are over those rows.

    Edge cases: shapes that do not match, or non-finite values, raise ``ValueError``.
    """
    w = np.asarray(w, F32)
    x = np.asarray(x, F32)
    if w.ndim != 2 or x.ndim != 2 or x.shape[1] != w.shape[1]:
        raise ValueError(f"x of shape {x.shape} and w of shape {w.shape} do not make X W^T")
    if not (np.isfinite(w).all() and np.isfinite(x).all()):
        raise ValueError("x and w must be finite")
    m, k = x.shape
    n = w.shape[0]
    b = np.zeros(n, F32) if bias is None else np.asarray(bias, F32)
    y = (x.astype(np.float64) @ w.astype(np.float64).T + b).astype(F32)

    w_qp = _w_qparams(w, per_channel)
    w_q = quantize(w, w_qp, axis=0 if per_channel else None)
    w_hat = dequantize(w_q, w_qp, axis=0 if per_channel else None).astype(np.float64)
    y_qp = compute_qparams(float(y.min()), float(y.max()), Y_CONFIG)

    codes = {}
    for reduced in (False, True):
        qp = _x_qparams(x, reduced)
        codes[reduced] = (quantize(x, qp), qp)
    x_q, x_qp = codes[reduce_range]
    x_hat = dequantize(x_q, x_qp).astype(np.float64)

    pipe = layers.linear_pipeline(x_q, x_qp, w_q, w_qp, b, y_qp)
    fixed = layers.requantize_fixed_point(pipe)
    errors = (
        _error_row("weights", y, x.astype(np.float64) @ w_hat.T + b),
        _error_row("activations", y, x_hat @ w.astype(np.float64).T + b),
        _error_row("both", y, x_hat @ w_hat.T + b),
        _error_row("integer", y, dequantize(pipe.y_q, y_qp)),
    )

    rows = min(m, max(1, max_pairs // max(1, n * ((k + 1) // 2))))
    full_q, full_qp = codes[False][0][:rows], codes[False][1]
    reduced_q, reduced_qp = codes[True][0][:rows], codes[True][1]
    full = layers.pair_statistics(full_q, w_q)
    reduced = layers.pair_statistics(reduced_q, w_q)
    y_rows = y[:rows]
    y_full = _integer_y(full_q, full_qp, w_q, w_qp, b, y_qp, None)
    y_full_avx2 = _integer_y(full_q, full_qp, w_q, w_qp, b, y_qp, full.products)
    y_reduced = _integer_y(reduced_q, reduced_qp, w_q, w_qp, b, y_qp, reduced.products)

    differ = np.argwhere(fixed.differ)[:max_examples]
    acc = pipe.acc.astype(np.float64)
    return LayerStudy(
        shape=(m, k, n), per_channel=per_channel, reduce_range=reduce_range, x_qp=x_qp,
        w_qp=w_qp, y_qp=y_qp, pipe=pipe, fixed=fixed, errors=errors,
        saturation_full=full.saturation, saturation_reduced=reduced.saturation,
        sqnr_avx2_full=sqnr_db(y_rows, y_full_avx2), sqnr_exact_full=sqnr_db(y_rows, y_full),
        sqnr_reduced=sqnr_db(y_rows, y_reduced), saturation_rows=rows, pair_edges=full.edges,
        pair_counts_full=full.counts, pair_counts_reduced=reduced.counts,
        acc_hist=Histogram(*np.histogram(acc, bins=80)[::-1]) if acc.size else None,
        example=_element(pipe, fixed, 0, 0),
        disagreements=tuple(_element(pipe, fixed, int(i), int(j)) for i, j in differ),
    )
