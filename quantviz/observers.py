"""Range observers (calibrators): they watch batches of values and produce ``(x_min, x_max)``.

Observers only produce a range; :func:`quantviz.quantize.compute_qparams` turns any range into
``scale`` and ``zero_point``. Every observer has the same small surface:

- ``update(batch)`` folds one batch in and returns the observer (empty batches are ignored, as
  in PyTorch; NaN or infinite values raise ``ValueError``),
- ``x_min`` / ``x_max``: the current range as Python floats holding float32 values
  (``ValueError`` before the first update),
- ``history``: the range after each (non-empty) update, for a batch-by-batch view,
- ``compute_qparams(cfg)``: ``compute_qparams(x_min, x_max, cfg)``.

========================  ===============================================  ====================
observer                  range                                            cost per update
========================  ===============================================  ====================
MinMaxObserver            running min / max (PyTorch's)                    O(n)
MovingAverageMinMax...    ``m += c * (batch_m - m)`` in float32 (PyTorch)  O(n)
PercentileObserver        lower / upper percentile of the values seen      O(n + S)
MSEObserver               min/max shrunk by the alpha with least MSE       O(n + K * S)
EntropyObserver           |x| threshold with least KL divergence (TRT)     O(n + S + B * B)
HistogramObserver         PyTorch's: 2048-bin histogram, L2 range search   O(n + B * steps)
========================  ===============================================  ====================

``n`` is the batch size, ``S`` the bounded sample (``max_samples``), ``K`` the number of
candidates and ``B`` the number of histogram bins. The last three need every value seen, so
they keep a bounded sample: every value while fewer than ``max_samples`` have been seen, after
that a uniform random sample of ``max_samples`` of all of them (reservoir sampling with random
keys, seeded, so the same batches give the same range). Memory never grows past
``max_samples`` float32 values plus their keys.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from quantviz.metrics import histogram
from quantviz.quantize import (
    QParams,
    QuantConfig,
    code_range,
    compute_qparams,
    dequantize,
    fake_quantize,
    quantize,
)

#: Default bound of the sample kept by the percentile, MSE and entropy observers.
MAX_SAMPLES = 1 << 20


def _float32_batch(batch: object) -> np.ndarray:
    """The batch as a flat float32 array (PyTorch observers cast to float32 first).

    Rounding to float32 is monotone, so min/max of the cast equal the cast of min/max.
    NaN or an infinity raises ``ValueError``: no finite range could come out of it.
    """
    x = np.asarray(batch)
    if x.dtype.kind not in "fiub":
        raise ValueError(f"batch must hold real numbers, got dtype {x.dtype}")
    finite_before = x.dtype.kind != "f" or x.itemsize <= 4 or (
        x.size == 0 or bool(np.isfinite(x.min()) and np.isfinite(x.max())))
    with np.errstate(over="ignore"):
        x32 = x.astype(np.float32, copy=False).ravel()
    if x32.size and not (np.isfinite(x32.min()) and np.isfinite(x32.max())):
        if finite_before:  # finite float64 values beyond float32's largest
            big = np.abs(x.ravel()) > np.finfo(np.float32).max
            raise ValueError(
                f"batch holds {int(np.count_nonzero(big))} values beyond float32's range "
                f"(largest {float(np.finfo(np.float32).max):.7g}), e.g. "
                f"{float(x.ravel()[np.flatnonzero(big)[0]]):.6g}: observers compute in float32, "
                "as PyTorch's do"
            )
        bad = int(np.count_nonzero(~np.isfinite(x32)))
        raise ValueError(f"batch holds {bad} NaN or infinite values: an observer needs finite data")
    return x32


class _Observer:
    """Shared surface: history, ``x_min``/``x_max`` and ``compute_qparams``.

    Subclasses implement ``_observe(x)``: fold a non-empty flat float32 batch in and return
    the new range as two float32 scalars.
    """

    def __init__(self) -> None:
        self.history: list[tuple[float, float]] = []

    def update(self, batch: object) -> _Observer:
        """Fold ``batch`` (any shape) into the range; record the new range in ``history``."""
        x = _float32_batch(batch)
        if x.size:
            lo, hi = self._observe(x)
            self.history.append((float(lo), float(hi)))
        return self

    def _observe(self, x: np.ndarray) -> tuple[np.float32, np.float32]:
        raise NotImplementedError

    def _range(self) -> tuple[float, float]:
        if not self.history:
            raise ValueError(f"{type(self).__name__} has seen no data yet: call update(batch)")
        return self.history[-1]

    @property
    def x_min(self) -> float:
        """Lower end of the current range (a float32 value)."""
        return self._range()[0]

    @property
    def x_max(self) -> float:
        """Upper end of the current range (a float32 value)."""
        return self._range()[1]

    def compute_qparams(self, cfg: QuantConfig) -> QParams:
        """``compute_qparams(x_min, x_max, cfg)`` on the current range."""
        return compute_qparams(self.x_min, self.x_max, cfg)

    def __repr__(self) -> str:
        state = f"x_min={self.x_min}, x_max={self.x_max}" if self.history else "empty"
        return f"{type(self).__name__}({state}, updates={len(self.history)})"


class MinMaxObserver(_Observer):
    """Running minimum and maximum, as ``torch.ao.quantization.MinMaxObserver``.

    ``x_min = min(x_min, min(batch))``, ``x_max = max(x_max, max(batch))`` in float32. Every
    value lands inside the range, so nothing is clipped, but one outlier stretches the grid for
    all the others. Cost O(n) per update, O(1) memory.
    """

    def _observe(self, x: np.ndarray) -> tuple[np.float32, np.float32]:
        lo, hi = x.min(), x.max()
        if self.history:
            lo = min(lo, np.float32(self.x_min))
            hi = max(hi, np.float32(self.x_max))
        return lo, hi


class MovingAverageMinMaxObserver(_Observer):
    """Exponential moving average of each batch's min and max, as PyTorch's observer.

    The first batch sets the range; each later batch moves it by
    ``m = m + c * (batch_m - m)`` with ``c = averaging_constant``, every operation rounded to
    float32 (``c`` itself is rounded to float32 first, as PyTorch does with a Python scalar).
    A lone outlier batch moves the range only by ``c`` of the way. The average of the batch
    minima is at least the running minimum (and likewise for maxima), so the range lies
    inside MinMax's (up to float32 rounding of the update, a few ulps).

    Edge case: when the batches' min and max are only a few ulps apart, that rounding can
    leave the averaged min above the averaged max (PyTorch's ``calculate_qparams`` then fails
    its ``min <= max`` check); here the two values are swapped so the range stays ordered.
    ``averaging_constant`` must be in ``(0, 1]``; 1 keeps only the last batch. Cost O(n) per
    update, O(1) memory.
    """

    def __init__(self, averaging_constant: float = 0.01) -> None:
        if not 0 < averaging_constant <= 1:
            raise ValueError(f"averaging_constant={averaging_constant!r} is not in (0, 1]")
        super().__init__()
        self.averaging_constant = float(averaging_constant)
        #: True when the last update's rounding inverted the pair (PyTorch would then fail).
        self.inverted = False

    def _observe(self, x: np.ndarray) -> tuple[np.float32, np.float32]:
        lo, hi = x.min(), x.max()
        if not self.history:
            return lo, hi
        c = np.float32(self.averaging_constant)
        m_lo, m_hi = np.float32(self.x_min), np.float32(self.x_max)
        lo, hi = m_lo + c * (lo - m_lo), m_hi + c * (hi - m_hi)
        self.inverted = not lo <= hi
        return (lo, hi) if lo <= hi else (hi, lo)


class _Sample:
    """A bounded uniform sample of every value seen (reservoir sampling with random keys).

    Each value gets a key ``u ~ U(0, 1)``; the sample is the ``cap`` values with the smallest
    keys. Once full, a new value can only enter if its key is below ``tau``, the largest key
    kept, so only a ``Binomial(n, tau)`` draw of each batch is given keys (memory stays
    ``O(cap)`` however long calibration runs). Seeded and deterministic.
    """

    def __init__(self, cap: int, seed: int) -> None:
        if isinstance(cap, bool) or not isinstance(cap, (int, np.integer)) or cap < 1:
            raise ValueError(f"max_samples must be a positive integer, got {cap!r}")
        self.cap = int(cap)
        self.rng = np.random.default_rng(seed)
        self.values = np.zeros(0, dtype=np.float32)
        self.keys = np.zeros(0, dtype=np.float64)
        self.tau = 1.0
        self.pending = 0  # values at the end of ``values`` whose keys are not drawn yet

    def add(self, x: np.ndarray) -> None:
        if self.tau == 1.0 and self.values.size + x.size <= self.cap:
            # Nothing is dropped yet, so the keys are not needed yet: draw them later, in
            # one call that yields the same numbers as one call per batch would have.
            self.values = np.concatenate([self.values, x]) if self.values.size else x.copy()
            self.pending += x.size
            return
        self._draw_pending()
        if self.tau < 1.0:
            k = int(self.rng.binomial(x.size, self.tau))
            x = x[self.rng.choice(x.size, size=k, replace=False)]
            keys = self.rng.uniform(0.0, self.tau, size=k)
        else:
            keys = self.rng.random(x.size)
        values = np.concatenate([self.values, x])
        keys = np.concatenate([self.keys, keys])
        if values.size > self.cap:
            values, keys = self._smallest_keys(values, keys)
            self.tau = float(keys.max())
        self.values, self.keys = values, keys

    def _draw_pending(self) -> None:
        """Give the values kept without keys their keys, ``U(0, 1)`` in arrival order."""
        if self.pending:
            self.keys = np.concatenate([self.keys, self.rng.random(self.pending)])
            self.pending = 0

    def _smallest_keys(self, values: np.ndarray, keys: np.ndarray):
        """The ``cap`` entries with the smallest keys; a cheap pre-cut saves most of the sort.

        The keys are uniform below ``tau``, so the cap-th smallest is near
        ``tau * cap / size``; entries above a cut six standard deviations higher are dropped
        first (if that left too few, the full set is used).
        """
        cut = self.tau * (self.cap + 6 * np.sqrt(self.cap) + 6) / keys.size
        below = keys < cut
        if np.count_nonzero(below) >= self.cap:
            values, keys = values[below], keys[below]
        keep = np.argpartition(keys, self.cap - 1)[: self.cap]
        return values[keep], keys[keep]


class PercentileObserver(_Observer):
    """Range from the lower and upper percentiles of all values seen.

    ``x_min = P_{100 - p}``, ``x_max = P_p`` with ``p = percentile`` (99.99 by default: one
    value in ten thousand may clip at each end), by linear interpolation between order
    statistics (numpy's default), rounded to float32. The values come from the bounded sample
    (see the module docstring): exact while fewer than ``max_samples`` values have been seen,
    an unbiased estimate after. ``percentile`` must be in ``[50, 100]``; 100 is MinMax on the
    sample. Cost O(n + S) per update (a partition of the sample).
    """

    def __init__(self, percentile: float = 99.99, max_samples: int = MAX_SAMPLES,
                 seed: int = 0) -> None:
        if not 50 <= percentile <= 100:
            raise ValueError(f"percentile={percentile!r} is not in [50, 100]")
        super().__init__()
        self.percentile = float(percentile)
        self.sample = _Sample(max_samples, seed)

    def _observe(self, x: np.ndarray) -> tuple[np.float32, np.float32]:
        self.sample.add(x)
        lo, hi = np.percentile(self.sample.values, [100 - self.percentile, self.percentile])
        return np.float32(lo), np.float32(hi)


def _running_minmax(obs: _Observer, x: np.ndarray) -> tuple[np.float32, np.float32]:
    lo, hi = x.min(), x.max()
    if obs.data_range is not None:
        lo, hi = min(lo, obs.data_range[0]), max(hi, obs.data_range[1])
    obs.data_range = (lo, hi)
    return lo, hi


def clipping_mse(x: np.ndarray, x_min: float, x_max: float, cfg: QuantConfig) -> float:
    """Quantization MSE of ``x`` under the range ``[x_min, x_max]``: ``mean((x - x_hat)^2)``.

    ``x_hat = fake_quantize(x, compute_qparams(x_min, x_max, cfg))``; squared errors are summed
    in float64. The quantity the MSE observer minimises (and the "MSE vs clipping threshold"
    curve plots).
    """
    x = np.asarray(x, dtype=np.float32)
    if x.size == 0:
        raise ValueError("clipping_mse needs at least one value")
    err = np.subtract(x, fake_quantize(x, compute_qparams(x_min, x_max, cfg)), dtype=np.float64)
    return float(np.dot(err, err) / err.size)


#: Unit roundoff of float64 (half its machine epsilon), for the error bounds of the searches.
_U64 = 2.0**-53
#: Finding one code's edge in the sorted sample costs about this many quantized values.
_EDGE_COST = 24
#: Largest number of cells a vectorised search handles at once (bounds its temporaries).
_CHUNK_CELLS = 1 << 15


def _candidate_qparams(x_mins: np.ndarray, x_maxs: np.ndarray, cfg: QuantConfig) -> QParams:
    """``compute_qparams`` of every candidate at once (one entry per candidate, as per channel).

    Element for element the same float arithmetic as one scalar call per candidate.
    """
    return compute_qparams(x_mins, x_maxs, cfg)


def _code_edges(xs: np.ndarray, xs64: np.ndarray, qp: QParams, rows: slice) -> np.ndarray:
    """For candidates ``rows``, the index in sorted ``xs`` where each code ``c`` ends.

    ``ends[k, c - qmin]`` is the first index whose code (under candidate ``k``'s parameters,
    with ``quantize``'s own arithmetic) is above ``c``, for ``c = qmin .. qmax - 1``. A guess
    from the real-valued rounding edge ``(c - zero_point + 1/2) * scale`` (``+ 1`` for floor
    rounding) is moved past whole runs of equal values until the codes on both sides agree with
    ``quantize``: codes never decrease along sorted values (every rounding here is monotone),
    so the result is exact.
    """
    cfg = qp.config
    scale = np.asarray(qp.scale, dtype=np.float64)[rows]
    zero_point = np.asarray(qp.zero_point)[rows]
    codes = np.arange(qp.qmin, qp.qmax, dtype=np.int64)
    offset = 1.0 if cfg.rounding == "floor" else 0.5
    guess = ((codes[None, :] - zero_point[:, None]) + offset) * scale[:, None]
    ends = np.searchsorted(xs64, guess, side="left")
    sub = QParams(np.asarray(qp.scale)[rows], zero_point, qp.qmin, qp.qmax, cfg)
    n = xs.size
    for _ in range(64):
        above = quantize(xs[np.minimum(ends, n - 1)], sub, axis=0)
        right = (ends < n) & (above <= codes)
        below = quantize(xs[np.maximum(ends - 1, 0)], sub, axis=0)
        left = (ends > 0) & (below > codes)
        if not right.any() and not left.any():
            return ends
        ends[right] = np.searchsorted(xs, xs[ends[right]], side="right")
        ends[left] = np.searchsorted(xs, xs[ends[left] - 1], side="left")
    raise RuntimeError("code edges did not settle")  # pragma: no cover (monotone codes)


def _sorted_sse(values: np.ndarray, qp: QParams) -> tuple[np.ndarray, np.ndarray]:
    """Sum of squared errors of every candidate from the sorted values, and its error bound.

    The values with code ``c`` form one run of the sorted sample, and the run contributes
    ``sum (x - m_c)^2 = S2_c - 2 m_c S1_c + n_c m_c^2`` with ``m_c`` the float32 value of code
    ``c`` (``dequantize``'s). Summed by parts over the runs, with ``b_c`` the index where run
    ``c`` ends and ``P1`` the prefix sums of ``x``:
    ``sse = sum x^2 - 2 (m_last P1[n] - sum_c P1[b_c] (m_{c+1} - m_c))
    + (m_last^2 n - sum_c b_c (m_{c+1}^2 - m_c^2))``.
    Cost O(S log S) once, then O(L log S) per candidate. The bound covers the rounding of these
    sums and of the direct sum they stand in for: ``|sse - direct| <= bound``.
    """
    xs = np.sort(values)
    xs64 = xs.astype(np.float64)
    p1 = np.cumsum(xs64)
    n = xs.size
    t1, t2 = float(np.abs(xs64).sum()), float(np.dot(xs64, xs64))
    k_all = np.asarray(qp.scale).size
    levels = qp.qmax - qp.qmin + 1
    sse, bound = np.empty(k_all), np.empty(k_all)
    step = max(1, _CHUNK_CELLS // levels)
    for start in range(0, k_all, step):
        rows = slice(start, min(start + step, k_all))
        ends = _code_edges(xs, xs64, qp, rows)
        sub = QParams(np.asarray(qp.scale)[rows], np.asarray(qp.zero_point)[rows], qp.qmin,
                      qp.qmax, qp.config)
        k = ends.shape[0]
        grid = np.broadcast_to(np.arange(qp.qmin, qp.qmax + 1, dtype=np.int64), (k, levels))
        m = dequantize(grid, sub, axis=0).astype(np.float64)
        prefix = np.where(ends > 0, p1[np.maximum(ends - 1, 0)], 0.0)
        m_last = m[:, -1]
        m2 = m * m
        cross = m_last * p1[-1] - np.einsum("kc,kc->k", prefix, np.diff(m, axis=1))
        square = m2[:, -1] * n - np.einsum("kc,kc->k", ends.astype(np.float64),
                                           np.diff(m2, axis=1))
        sse[rows] = np.maximum(t2 - 2.0 * cross + square, 0.0)
        big = np.abs(m).max(axis=1)
        bound[rows] = 4 * _U64 * ((n + levels + 16) * (t2 + 2 * big * t1 + 2 * big * big * n)
                                  + (n + 8) * sse[rows])
    return sse, bound


def _mse_search(values: np.ndarray, x_mins: np.ndarray, x_maxs: np.ndarray,
                cfg: QuantConfig) -> tuple[np.ndarray, int]:
    """``clipping_mse`` of every candidate range and the index of the first least one.

    The same choice as scoring each candidate with :func:`clipping_mse` in turn, found faster:
    every candidate is scored from the sorted sample (:func:`_sorted_sse`) with a bound on
    the difference, and only the candidates that can still be the least (within their bounds)
    are scored by :func:`clipping_mse` itself; their values replace the estimates in the
    returned curve. Stochastic rounding (not monotone in ``x``) and grids with more than
    ``1 / _EDGE_COST`` as many codes as values (where finding every code's edge costs more
    than quantizing every value) are scored directly.
    """
    def direct(k: int) -> float:
        return clipping_mse(values, x_mins[k], x_maxs[k], cfg)

    levels = cfg.qmax - cfg.qmin + 1
    if cfg.rounding == "stochastic" or _EDGE_COST * levels > values.size:
        curve = np.array([direct(k) for k in range(x_mins.size)])
        return curve, int(np.argmin(curve))
    sse, bound = _sorted_sse(values, _candidate_qparams(x_mins, x_maxs, cfg))
    curve, slack = sse / values.size, bound / values.size
    contenders = np.flatnonzero(curve - slack <= np.min(curve + slack))
    for k in contenders:
        curve[k] = direct(int(k))
    best = contenders[int(np.argmin(curve[contenders]))]
    return curve, int(best)


class MSEObserver(_Observer):
    """Clipping range with the least quantization MSE, searched over a grid of shrink factors.

    Candidates are ``[alpha * x_min, alpha * x_max]`` for ``alpha = k / n_candidates``,
    ``k = n_candidates .. 1``, where ``[x_min, x_max]`` is the running min/max; each is scored
    by :func:`clipping_mse` on the bounded sample with ``cfg`` (bits, scheme and rounding all
    change the answer, so the config is given to the constructor; ``compute_qparams(cfg)``
    still accepts any config and only converts the range). ``alpha = 1`` is MinMax, so the
    chosen range never has a larger MSE on the sample than MinMax's; ties keep the wider range.
    Shrinking trades clipping error at the tails for finer steps in the bulk.

    Cost O(n + K * S) per update: K = ``n_candidates`` fake-quantizations of the sample (about
    0.3 s for the default 100 candidates on 2^20 values). The curve of the last search is kept
    in ``alphas`` / ``mse_curve`` for the "MSE vs clipping threshold" figure.
    """

    def __init__(self, cfg: QuantConfig, n_candidates: int = 100,
                 max_samples: int = MAX_SAMPLES, seed: int = 0) -> None:
        if isinstance(n_candidates, bool) or not isinstance(n_candidates, (int, np.integer)) \
                or n_candidates < 1:
            raise ValueError(f"n_candidates must be a positive integer, got {n_candidates!r}")
        super().__init__()
        self.cfg = cfg
        self.n_candidates = int(n_candidates)
        self.sample = _Sample(max_samples, seed)
        self.data_range: tuple[np.float32, np.float32] | None = None
        self.alphas = np.zeros(0)
        self.mse_curve = np.zeros(0)

    def _observe(self, x: np.ndarray) -> tuple[np.float32, np.float32]:
        lo, hi = _running_minmax(self, x)
        self.sample.add(x)
        self.alphas = np.arange(self.n_candidates, 0, -1) / self.n_candidates
        x_mins = (self.alphas * float(lo)).astype(np.float32)
        x_maxs = (self.alphas * float(hi)).astype(np.float32)
        self.mse_curve, best = _mse_search(self.sample.values, x_mins, x_maxs, self.cfg)
        return x_mins[best], x_maxs[best]

    def _candidate(self, alpha: float) -> tuple[np.float32, np.float32]:
        lo, hi = self.data_range
        return np.float32(alpha * float(lo)), np.float32(alpha * float(hi))


#: First candidate threshold bin of the entropy search (TensorRT's and pytorch-quantization's
#: default): with the default 2048 bins, no threshold below 1/16 of ``max|x|`` is tried.
ENTROPY_START_BIN = 128
#: Bins of the entropy search's histogram of ``|x|`` (TensorRT's and pytorch-quantization's).
ENTROPY_BINS = 2048


def _kl_at(h: np.ndarray, i: int, levels: int, outliers: np.ndarray,
           nonzero: np.ndarray) -> float:
    """KL(P || Q) of one candidate ``i``, term by term (the definition in kl_divergences)."""
    p = h[:i].copy()
    p[-1] += outliers[i]
    group = np.arange(i) * int(levels) // i
    totals = np.bincount(group, weights=h[:i])
    counts = np.bincount(group, weights=nonzero[:i])
    q = np.where(nonzero[:i], totals[group] / np.maximum(counts[group], 1), 0.0)
    mask = p > 0
    if np.any(q[mask] == 0):
        return np.inf
    p_m = p[mask] / p.sum()
    q_m = q[mask] / q.sum()
    return float(np.dot(p_m, np.log(p_m / q_m)))


def _xlogx(v: np.ndarray) -> np.ndarray:
    """``v log v`` with ``0 log 0 = 0``."""
    v = np.asarray(v, dtype=np.float64)
    return v * np.log(np.where(v > 0, v, 1.0))


def _kl_estimates(h: np.ndarray, candidates: np.ndarray,
                  levels: int) -> tuple[np.ndarray, np.ndarray]:
    """KL(P || Q) of every candidate from cumulative sums, and a bound on its rounding error.

    With ``N = sum(h)``, ``C = sum(h[:i])`` and the groups' totals ``T_g`` and non-empty bin
    counts ``n_g`` (differences of cumulative sums, exact in float64), P sums to ``N`` and Q to
    ``C``, so ``KL = (sum p log p - sum p log q) / N - log N + log C`` with
    ``sum p log p = sum_{j < i-1} h_j log h_j + p_last log p_last`` and
    ``sum p log q = sum_g T_g log(T_g / n_g) + outliers * log q_last`` (the outliers sit in the
    last bin, whose Q value is its group's share). Group ``g`` of candidate ``i`` holds the bins
    ``ceil(g i / levels) <= j < ceil((g + 1) i / levels)``. An empty last bin that receives
    outliers gives ``inf``, as the definition does. The bound allows 64 unit roundoffs per
    term of every sum, each term bounded through ``max |log|`` of the ratios involved.
    """
    total = float(h.sum())
    csum = np.concatenate([[0.0], np.cumsum(h)])
    nz = np.concatenate([[0.0], np.cumsum(h != 0)])
    aflog = np.concatenate([[0.0], np.cumsum(_xlogx(h))])
    positive = h[h > 0]
    big_log = max(abs(math.log(total)), abs(math.log(float(positive.min()))), 1.0) \
        + math.log(h.size + 1.0)
    kl, tol = np.empty(candidates.size), np.empty(candidates.size)
    g = np.arange(levels + 1, dtype=np.int64)
    step = max(1, _CHUNK_CELLS // (levels + 1))
    for start in range(0, candidates.size, step):
        i = candidates[start:start + step].astype(np.int64)
        bounds = np.multiply.outer(i, g)
        bounds += levels - 1
        bounds //= levels                                        # ceil(g * i / levels)
        t = np.diff(csum[bounds], axis=1)
        cnt = np.diff(nz[bounds], axis=1)
        empty = cnt == 0                                         # then t == 0 too
        ratio = (t + empty) / (cnt + empty)
        sum_tlog = np.einsum("kg,kg->k", t, np.log(ratio, out=ratio))
        last = (i - 1) * levels // i
        rows = np.arange(i.size)
        t_last, n_last = t[rows, last], np.maximum(cnt[rows, last], 1.0)
        h_last = h[i - 1]
        c = csum[i]
        outl = total - c
        p_last = h_last + outl
        q_last = np.where(h_last > 0, t_last / n_last, 1.0)
        out_term = np.where(h_last > 0, outl * np.log(q_last), 0.0)
        log_c = np.log(np.where(c > 0, c, 1.0))
        value = (aflog[i - 1] + _xlogx(p_last) - sum_tlog - out_term) / total \
            - math.log(total) + log_c
        kl[start:start + step] = np.where((h_last == 0) & (outl > 0), np.inf, value)
        tol[start:start + step] = 64 * _U64 * (h.size + levels + 16) * (8 * big_log + 1.0)
    return kl, tol


def kl_divergences(hist: np.ndarray, levels: int,
                   start: int = ENTROPY_START_BIN) -> tuple[np.ndarray, np.ndarray]:
    """KL(P || Q) for every candidate threshold bin ``i = min(start, B) .. B`` of a histogram.

    The search of TensorRT's entropy calibrator, as NVIDIA's pytorch-quantization writes it
    out in Python (``_compute_amax_entropy``), on a ``B``-bin histogram ``h`` of ``|x|``. For a
    candidate ``i`` (clip at the upper edge of bin ``i - 1``):

    - P, the clipped data: ``h[:i]`` with the outliers ``sum(h[i:])`` added to its last bin.
    - Q, the clipped data after quantization to ``levels`` codes: bin ``j < i`` falls in group
      ``g = floor(j * levels / i)`` (``levels`` equal slices of ``[0, i)``, so a group holds
      ``i / levels`` bins on average: one or two bins for ``i = 384, levels = 256``). Each
      group's total of ``h[:i]`` (outliers left out) is spread evenly over the group's bins
      where ``h`` is non-zero; bins where ``h`` is zero get nothing (a code cannot invent
      values the data never had). When ``i < levels`` some groups are empty and Q is ``h[:i]``.
    - Both are normalised to sum 1, and ``KL = sum P log(P / Q)`` over the bins with
      ``P > 0`` (natural log).

    Q is non-zero on every bin where ``h`` is, so the only way to get ``Q = 0 < P`` is an
    empty last bin that receives outliers; that candidate gets ``KL = inf`` (it is never
    chosen unless every candidate is infinite). No smoothing is needed, unlike MXNet's
    variant, which builds Q in whole chunks of ``i // levels`` bins (the remainder going to
    the last chunk) and moves ``eps = 1e-4`` of mass onto empty bins of P and Q.

    Returns ``(candidates, divergences)``. ``hist`` must be a non-empty 1-D array of finite,
    non-negative counts with a positive total; ``levels`` and ``start`` positive integers
    (``ValueError`` otherwise). Cost O(B^2): one vectorised pass over ``i`` bins per candidate.
    """
    h = np.asarray(hist, dtype=np.float64)
    if h.ndim != 1 or h.size == 0 or not np.all(np.isfinite(h)) or np.any(h < 0) \
            or h.sum() <= 0:
        raise ValueError(f"hist must be a non-empty 1-D array of finite counts >= 0 with a "
                         f"positive total, got {np.asarray(hist)!r}")
    for name, value in (("levels", levels), ("start", start)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    n = h.size
    candidates = np.arange(min(int(start), n), n + 1)
    divergences, tol = _kl_estimates(h, candidates, int(levels))
    finite = np.isfinite(divergences)
    if finite.any():
        ceiling = np.min((divergences + tol)[finite])
        contenders = np.flatnonzero(finite & (divergences - tol <= ceiling))
        outliers = np.concatenate([np.cumsum(h[::-1])[::-1], [0.0]])  # outliers[i] = sum(h[i:])
        nonzero = h != 0
        for k in contenders:
            divergences[k] = _kl_at(h, int(candidates[k]), int(levels), outliers, nonzero)
    return candidates, divergences


def entropy_levels(cfg: QuantConfig, nonnegative: bool) -> int:
    """How many codes cover ``[0, T]`` under ``cfg``: the ``levels`` of the KL search.

    For data with both signs the range is ``[-T, T]`` (128 codes per side for 8 bits); for
    non-negative data it is ``[0, T]``: 256 codes for unsigned asymmetric 8 bits, but 128 for
    signed symmetric, whose negative codes are unreachable. For 8 bits this is
    pytorch-quantization's ``2^(bits - 1 + unsigned)``: 128 signed, 256 unsigned.
    """
    lo = 0.0 if nonnegative else -1.0
    qp = compute_qparams(lo, 1.0, cfg)
    zero_code, top_code = code_range(0.0, 1.0, qp)
    return top_code - zero_code + 1


def entropy_histogram(values: np.ndarray, bins: int,
                      amax: float) -> tuple[np.ndarray, np.ndarray]:
    """The histogram the entropy search sees: ``bins`` equal bins of ``|x|`` over ``[0, amax]``.

    As in TensorRT's calibrator, the count of bin 0 is then replaced by the count of bin 1.
    Bin 0 holds the exact zeros, which every range represents exactly (the range always holds
    0): for ReLU outputs that is half the data in one spike, and a spike that Q must smear
    over a whole group of bins drives the search to small thresholds (100 000 ReLU'd standard
    normal values, 2048 bins, 256 levels: ``T = 1.99`` with the spike, 2.3 % of the values
    saturating; ``T = 3.92`` without it, 0.004 %). Returns ``(hist, edges)`` as
    ``np.histogram`` does (the edges in the values' precision, float32 for a sample).
    ``bins >= 2`` and ``amax > 0``; values above ``amax`` are left out.
    """
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
        raise ValueError(f"bins must be an integer of at least 2, got {bins!r}")
    if not amax > 0 or not np.isfinite(amax):
        raise ValueError(f"amax must be a positive finite number, got {amax!r}")
    binned = histogram(np.abs(values), bins, (0.0, float(amax)))  # any finite range, denormals too
    hist, edges = binned.counts, binned.edges
    if hist.size < 2:
        raise ValueError(f"[0, {amax!r}] holds too few distinct numbers for {bins} bins")
    hist[0] = hist[1]
    return hist, edges


class EntropyObserver(_Observer):
    """Threshold ``T`` on ``|x|`` with the least KL divergence (TensorRT's entropy calibrator).

    The algorithm of TensorRT's legacy entropy calibrator (NVIDIA's GTC 2017 talk "8-bit
    inference with TensorRT"), following its open Python form in NVIDIA's pytorch-quantization
    (``HistogramCalibrator.compute_amax("entropy")``):

    1. :func:`entropy_histogram`: ``bins`` (2048) equal bins of ``|x|`` over ``[0, max|x|]``
       from the bounded sample, the zero spike in bin 0 replaced by bin 1's count.
    2. :func:`kl_divergences` for the candidates ``i = 128 .. bins``, with ``levels`` from
       :func:`entropy_levels` (128 for signed 8 bits, 256 for unsigned 8 bits on
       non-negative data).
    3. ``T = edges[i]``, the upper edge of bin ``i - 1``, for the candidate ``i`` with the
       least divergence (the largest ``i`` wins a tie, as in the reference).

    The range is ``[max(x_min, -T), min(x_max, T)]``. Heavy tails get clipped when the
    bulk's resolution is worth more than the outliers; ReLU outputs are barely clipped.
    With fewer than 128 bins, or ``levels >= bins`` (wide codes), nothing is clipped: the
    full range is the only candidate, or the best one (every bin is then its own code).

    The search is symmetric (on ``|x|``) whatever ``cfg.scheme``; ``cfg`` only sets
    ``levels``, so it is given to the constructor. ``threshold`` and ``divergences`` keep the
    last search (``divergences[k]`` for candidate ``i = min(128, bins) + k``). Cost
    O(n + S + B^2) per update (about 0.1 s for 2048 bins).
    """

    def __init__(self, cfg: QuantConfig, bins: int = ENTROPY_BINS, max_samples: int = MAX_SAMPLES,
                 seed: int = 0) -> None:
        if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
            raise ValueError(f"bins must be an integer of at least 2, got {bins!r}")
        super().__init__()
        self.cfg = cfg
        self.bins = int(bins)
        self.sample = _Sample(max_samples, seed)
        self.data_range: tuple[np.float32, np.float32] | None = None
        self.threshold = 0.0
        self.divergences = np.zeros(0)

    def _observe(self, x: np.ndarray) -> tuple[np.float32, np.float32]:
        lo, hi = _running_minmax(self, x)
        self.sample.add(x)
        amax = max(-float(lo), float(hi))
        levels = entropy_levels(self.cfg, nonnegative=lo >= 0)
        if amax == 0 or levels >= self.bins:
            self.threshold, self.divergences = amax, np.zeros(0)
            return lo, hi
        hist, edges = entropy_histogram(self.sample.values, self.bins, amax)
        candidates, self.divergences = kl_divergences(hist, levels)
        last_best = candidates.size - 1 - int(np.argmin(self.divergences[::-1]))
        self.threshold = float(edges[candidates[last_best]])
        t = np.float32(self.threshold)
        return max(lo, -t), min(hi, t)


# --- PyTorch's HistogramObserver ------------------------------------------------------------
# torch.ao.quantization.HistogramObserver (PyTorch 2.13, observer.py) ported to numpy float32.
# Its answer depends on the exact float32 arithmetic of four torch kernels, reproduced below and
# checked against them by running them (scripts/make_golden.py): torch.sum (a cascade of
# 8-lane partial sums), torch.linspace (a fused multiply-add per element), torch.histc and
# torch.bincount with float weights (sequential float32 sums).

#: Bins of PyTorch's HistogramObserver histogram, and how finely each bin is split when an old
#: histogram is re-binned onto a wider range (``upsample_rate``).
HISTOGRAM_BINS = 2048
HISTOGRAM_UPSAMPLE = 16
#: Step of the quantile search (``stepsize`` in ``_non_linear_param_search``).
HISTOGRAM_STEP = 1e-5
_F32, _F64 = np.float32, np.float64
_SUM_LANES, _SUM_ILP, _SUM_LEVELS = 8, 4, 4


def _sum_rows(rows: np.ndarray) -> np.ndarray:
    """torch's ``row_sum``: 4 interleaved accumulators over ``rows``, each a 4-level cascade.

    ``rows`` has shape ``(n, lanes)``; the result is one float32 value per lane.
    """
    n = rows.shape[0]
    size = n // _SUM_ILP
    grouped = rows[: size * _SUM_ILP].reshape(size, _SUM_ILP * rows.shape[1])
    level_power = max(4, (0 if size <= 1 else (size - 1).bit_length()) // _SUM_LEVELS)
    step = 1 << level_power
    acc = [np.zeros(grouped.shape[1], _F32) for _ in range(_SUM_LEVELS)]
    i = 0
    while i + step <= size:
        acc[0] = np.add.accumulate(np.vstack([acc[0], grouped[i: i + step]]), axis=0)[-1]
        i += step
        for j in range(1, _SUM_LEVELS):
            acc[j] = acc[j] + acc[j - 1]
            acc[j - 1] = np.zeros_like(acc[j - 1])
            if i & ((step - 1) << (j * level_power)):
                break
    if i < size:
        acc[0] = np.add.accumulate(np.vstack([acc[0], grouped[i:]]), axis=0)[-1]
    for j in range(1, _SUM_LEVELS):
        acc[0] = acc[0] + acc[j]
    partial = acc[0].reshape(_SUM_ILP, rows.shape[1])
    first = partial[0]
    for k in range(size * _SUM_ILP, n):
        first = first + rows[k]
    for k in range(1, _SUM_ILP):
        first = first + partial[k]
    return first


def torch_sum_f32(x: np.ndarray) -> np.float32:
    """``torch.sum`` of a 1-D float32 array as PyTorch's CPU kernel adds it (``cascade_sum``).

    Below 8 values: four interleaved scalar accumulators. Otherwise the first ``8 * (n // 8)``
    values are summed as 8-lane vectors (four interleaved vector accumulators, each a 4-level
    cascade of blocks of at least 16 rows), then the leftover values one by one, then the 8
    lanes in order; all in float32. Exact against torch 2.13 on x86 for up to 32768 values
    (a single thread). Order matters: the histogram total and the search's error are float32
    sums whose last bit decides comparisons.
    """
    x = np.ascontiguousarray(x, dtype=_F32)
    if x.size < _SUM_LANES:
        return _sum_rows(x.reshape(-1, 1))[0]
    lanes = x.size // _SUM_LANES
    vec = _sum_rows(x[: lanes * _SUM_LANES].reshape(lanes, _SUM_LANES))
    total = _F32(0)
    for v in x[lanes * _SUM_LANES:]:
        total = _F32(total + v)
    for v in vec:
        total = _F32(total + v)
    return total


def torch_sum_rows_f32(x: np.ndarray) -> np.ndarray:
    """:func:`torch_sum_f32` of each row of a 2-D float32 array, for many rows at once.

    The rows are summed side by side as extra lanes of the same cascade, so each row's result
    is the one :func:`torch_sum_f32` gives for that row alone (every operation is element-wise
    across rows, in the same order).
    """
    x = np.ascontiguousarray(x, dtype=_F32)
    k, n = x.shape
    if n < _SUM_LANES:
        return _sum_rows(x.T)
    lanes = n // _SUM_LANES
    body = x[:, : lanes * _SUM_LANES].reshape(k, lanes, _SUM_LANES)
    vec = _sum_rows(body.transpose(1, 0, 2).reshape(lanes, k * _SUM_LANES))
    vec = vec.reshape(k, _SUM_LANES)
    total = np.zeros(k, _F32)
    for col in range(lanes * _SUM_LANES, n):
        total = total + x[:, col]
    for lane in range(_SUM_LANES):
        total = total + vec[:, lane]
    return total


def fma_f32(a: object, b: object, c: object) -> np.ndarray:
    """``a * b + c`` rounded once to float32 (a fused multiply-add), element-wise.

    ``a * b`` must be exact in float64 (a float32 times an integer below 2^29). The float64
    sum is corrected where it lands exactly halfway between two float32 values but the exact
    sum does not (its error is recovered with Knuth's two-sum), so the result is the correctly
    rounded float32 of the exact value.
    """
    p = np.multiply(np.asarray(a, _F64), np.asarray(b, _F64))
    c = np.asarray(c, _F64)
    s = p + c
    bb = s - p
    err = (p - (s - bb)) + (c - bb)
    r = s.astype(_F32)
    rd = r.astype(_F64)
    other = np.nextafter(r, np.where(s > rd, _F32(np.inf), _F32(-np.inf)).astype(_F32))
    tie = (s != rd) & (2 * s == rd + other.astype(_F64)) & (err != 0)
    return np.where(tie & (np.sign(err) == np.sign(s - rd)), other, r)


def torch_linspace_f32(start: float, end: float, steps: int) -> np.ndarray:
    """``torch.linspace(start, end, steps)`` in float32 as PyTorch 2.13's CPU kernel computes it.

    ``step = (end - start) / (steps - 1)`` in float32; the first half is
    ``fma(step, i, start)``, the second ``fma(-step, steps - 1 - i, end)``, so both ends are
    exact. ``steps >= 2``.
    """
    start, end = _F32(start), _F32(end)
    step = _F32(_F32(end - start) / _F32(steps - 1))
    i = np.arange(steps)
    return np.where(i < steps // 2, fma_f32(step, i, start), fma_f32(-step, steps - 1 - i, end))


def torch_histc_f32(x: np.ndarray, bins: int, lo: float, hi: float) -> np.ndarray:
    """``torch.histc(x, bins, min=lo, max=hi)`` on float32 ``x``, as float32 counts.

    When ``lo == hi`` the edges become ``lo - 1`` and ``hi + 1`` (in float64, then float32).
    Value ``v`` in ``[lo, hi]`` goes to bin ``int(fl32(fl32(v - lo) * bins) / fl32(hi - lo))``
    (truncated; ``v == hi`` to the last bin); values outside are not counted.
    """
    left, right = float(lo), float(hi)
    if left == right:
        left, right = left - 1, right + 1
    left32, right32 = _F32(left), _F32(right)
    if not left32 < right32:
        raise ValueError(f"a single value {lo} is too large in magnitude for float32 to "
                         "widen by 1 into histogram edges (torch.histc would divide by 0)")
    x = np.asarray(x, dtype=_F32).ravel()
    x = x[(x >= left32) & (x <= right32)]
    pos = ((x - left32) * _F32(bins) / _F32(right32 - left32)).astype(np.int64)
    pos[pos == bins] = bins - 1
    return np.bincount(pos, minlength=bins).astype(_F32)


def _cumulative_steps(first: float, delta: float, n: int) -> np.ndarray:
    """``first, first + delta, (first + delta) + delta, ...`` in float64, added one by one."""
    steps = np.full(n, delta, dtype=_F64)
    steps[0] = first
    return np.add.accumulate(steps)


_SEARCH_STEPS = int(1 / HISTOGRAM_STEP) + 3
_ALPHAS = _cumulative_steps(0.0, HISTOGRAM_STEP, _SEARCH_STEPS)
_BETAS = _cumulative_steps(1.0, -HISTOGRAM_STEP, _SEARCH_STEPS)


class HistogramObserver(_Observer):
    """PyTorch's ``HistogramObserver``: a 2048-bin histogram and an L2 search for the range.

    Exactly as ``torch.ao.quantization.HistogramObserver`` in PyTorch 2.13 (observer.py),
    in float32 (float64 where PyTorch computes in Python floats):

    1. First batch: ``histogram = histc(x, 2048, min(x), max(x))``.
    2. Later batches: the range grows to ``[min(m, min(x)), max(M, max(x))]``; the batch is
       binned on the new range; if the range moved, each old bin is split into 16 equal
       pieces whose midpoints are placed in the new bins (``_upscale_histogram``: a bin's
       count is spread over the new bins its pieces land in; a single-value old histogram is
       put in the new bin of that value), and the two histograms are added.
    3. Range (``_non_linear_param_search``): from ``[0, 2048)`` it moves the start bin up or
       the end bin down by the quantiles ``alpha``/``beta`` (steps of 1e-5), whichever side
       drops more bins, as long as the estimated L2 quantization error of the remaining bins
       on ``dst_nbins`` levels (``_compute_quantization_error``: the values of each bin spread
       uniformly, each level's error the integral of ``(x - center)^2``) does not increase.
       ``x_min = m + w * start``, ``x_max = m + w * (end + 1)`` with ``w = (M - m) / 2048``.

    ``dst_nbins`` is ``2^8 = 256`` for PyTorch's 8-bit dtypes whatever the quant range
    (reduce_range and custom quant_min/quant_max do not change it); the registry
    (:data:`OBSERVERS`) passes ``2^bits``, which is PyTorch's 256 at 8 bits. Edge cases: a constant
    first batch is binned on ``[c - 1, c + 1]`` (torch.histc's rule) while the range stays
    ``[c, c]``, so the search keeps ``[c, c]``; an all-zero range gives ``[0, 0]``.
    ``histogram``, ``hist_min``/``hist_max`` (PyTorch's ``min_val``/``max_val``) are kept.
    Differences from PyTorch: infinities raise ``ValueError`` here (PyTorch drops them with a
    warning); a range whose binning overflows float32 (PyTorch returns a NaN scale) sets
    ``overflow`` and keeps the data's min/max (:func:`quantviz.toolchains.pytorch_qparams`
    refuses it); a span so small that the search's error terms are all subnormal
    (``2**-50 <= 3 * span < 2**-42``) sets ``underflow`` and keeps the data's min/max, refused
    the same way; batches are cast to float32 first. Cost: O(n) per update plus the search
    (a few milliseconds; up to 2048 evaluations of the error over 2048 bins).
    """

    def __init__(self, bins: int = HISTOGRAM_BINS, dst_nbins: int = 256,
                 upsample_rate: int = HISTOGRAM_UPSAMPLE) -> None:
        for name, value in (("bins", bins), ("dst_nbins", dst_nbins),
                            ("upsample_rate", upsample_rate)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        super().__init__()
        self.bins, self.dst_nbins, self.upsample_rate = int(bins), int(dst_nbins), \
            int(upsample_rate)
        self.histogram = np.zeros(self.bins, _F32)
        self.hist_min, self.hist_max = _F32(np.inf), _F32(-np.inf)
        #: True once the range is too wide (or a lone value too large) for PyTorch's float32
        #: binning: from then on the range is the data's min/max (PyTorch returns NaN).
        self.overflow = False
        #: True while the histogram's span is so small (``3 * span < 2**-42``, yet not so small
        #: that every error term is 0) that each cube in the search's error estimate is below
        #: float32's smallest normal number: the search would compare numbers that have lost
        #: their precision, one slow subnormal operation at a time (seconds on 100,000 values).
        #: The range is then the data's min/max, and
        #: :func:`quantviz.toolchains.pytorch_qparams` refuses it.
        self.underflow = False

    def _observe(self, x: np.ndarray) -> tuple[np.float32, np.float32]:
        lo, hi = x.min(), x.max()
        lo_all, hi_all = (min(self.hist_min, lo), max(self.hist_max, hi)) if self.history \
            else (lo, hi)
        if not self.overflow:
            with np.errstate(over="ignore"):
                self.overflow = not np.isfinite((hi_all - lo_all) * _F32(self.bins)) or \
                    (lo_all == hi_all and not _F32(float(lo_all) - 1) < _F32(float(hi_all) + 1))
        if self.overflow:  # PyTorch's arithmetic overflows here; keep the data range
            self.hist_min, self.hist_max = lo_all, hi_all
            return lo_all, hi_all
        if not self.history:
            self.hist_min, self.hist_max = lo, hi
            self.histogram = torch_histc_f32(x, self.bins, lo, hi)
        else:
            update = torch_histc_f32(x, self.bins, lo_all, hi_all)
            if lo_all == self.hist_min and hi_all == self.hist_max:
                self.histogram = self.histogram + update
            else:
                self.histogram = self._combine(update, lo_all, hi_all)
                self.hist_min, self.hist_max = lo_all, hi_all
        self.underflow = self._norms_subnormal()
        if self.underflow:
            return self.hist_min, self.hist_max
        return self._search()

    def _combine(self, update: np.ndarray, new_min: np.float32,
                 new_max: np.float32) -> np.ndarray:
        """``_combine_histograms``: the old histogram re-binned on the new range, plus
        ``update``."""
        old_min, old_max = self.hist_min, self.hist_max
        if old_min == old_max:
            one = torch_histc_f32(np.array([old_min]), self.bins, new_min, new_max)
            return one * torch_sum_f32(self.histogram) + update
        rate = self.upsample_rate
        pieces = np.repeat(self.histogram, rate) / _F32(rate)
        piece_width = _F32(_F32(old_max - old_min) / _F32(self.bins * rate))
        mids = torch_linspace_f32(old_min, old_max, self.bins * rate + 1)[:-1] \
            + _F32(0.5) * piece_width
        edges = torch_linspace_f32(new_min, new_max, self.bins + 1)
        target = np.clip(np.searchsorted(edges, mids, side="right") - 1, 0, self.bins - 1)
        moved = np.zeros(self.bins, _F32)
        np.add.at(moved, target, pieces)  # in order, in float32, as torch.bincount
        return update + moved

    def quantization_error(self, start: int, end: int) -> float:
        """``_compute_quantization_error``: L2 error of quantizing bins ``start..end`` to
        ``dst_nbins`` levels, each bin's values taken as spread uniformly over it.

        With ``w`` the bin width and ``d = w * (end - start + 1) / dst_nbins`` the level width
        (float64, then float32), a bin ``[b, b + w)`` (measured from bin ``start``) lying in
        levels ``i..j`` adds ``density * (integral of t^2 from b - c_i to d/2, plus j - i - 1
        whole levels, plus the part from -d/2 to b + w - c_j)``, ``c`` the level centres,
        ``density = count / w``; the levels are clamped to ``0..dst_nbins - 1``, so bins outside
        ``start..end`` count as clipped into the end levels. ``d == 0`` gives 0.
        """
        return float(self.quantization_errors(np.array([start]), np.array([end]))[0])

    def quantization_errors(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """:meth:`quantization_error` of many candidates ``(starts[k], ends[k])`` at once.

        The arithmetic is element-wise across candidates, in the same float32 order, so each
        value equals the one-candidate call; the search asks for a run of candidates at a time.
        """
        starts = np.asarray(starts, np.int64)[:, None]
        ends = np.asarray(ends, np.int64)[:, None]
        bin_width = (float(self.hist_max) - float(self.hist_min)) / self.bins
        dst_width = bin_width * (ends - starts + 1) / self.dst_nbins
        w = _F32(bin_width)
        d, half = dst_width.astype(_F32), (dst_width / 2).astype(_F32)
        minus_half = (-dst_width / 2).astype(_F32)
        top = _F32(self.dst_nbins - 1)
        begin = (np.arange(self.bins) - starts).astype(_F32) * w
        end_ = begin + w
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            level_begin = np.clip(np.floor_divide(begin, d), _F32(0), top)
            level_end = np.clip(np.floor_divide(end_, d), _F32(0), top)
            density = self.histogram / w
            three = _F32(3)

            def cube_norm(lo, hi):
                return (hi * hi * hi - lo * lo * lo) / three

            norm = np.zeros(begin.shape, _F32)
            norm += density * cube_norm(begin - (level_begin + _F32(0.5)) * d,
                                        np.broadcast_to(half, begin.shape))
            norm += (level_end - level_begin - _F32(1)) * (density * cube_norm(minus_half, half))
            norm += density * cube_norm(minus_half, end_ - (level_end * d + half))
            sums = torch_sum_rows_f32(norm).astype(_F64)
        return np.where(dst_width[:, 0] == 0.0, 0.0, sums)

    def _norms_vanish(self) -> bool:
        """Whether every candidate's :meth:`quantization_error` is 0 (or NaN) in float32.

        Each cube in that sum has an argument of at most about twice the histogram's span
        ``r = hist_max - hist_min`` (a bin offset minus a level centre, both within ``r``);
        ``t * t * t`` rounds to 0 in float32 when ``|t| < 2**-50`` (the product falls below half
        the smallest subnormal, 2**-150). So with ``3 r < 2**-50`` every term is
        ``density * 0`` (0, or NaN where the bin width itself is 0), and ``norm > norm_min``
        never holds: the search walks to its end without computing a norm, as PyTorch's does
        with all of them. A tensor of values near 1e-30 took seconds of CPU before this.
        """
        return 3.0 * (float(self.hist_max) - float(self.hist_min)) < 2.0 ** -50

    def _norms_subnormal(self) -> bool:
        """Whether every cube in the error estimate is below float32's smallest normal number
        (``2**-126``) without all of them being 0: ``2**-50 <= 3 * span < 2**-42`` (see
        :meth:`_norms_vanish` for the bound on the cubes' arguments)."""
        return not self._norms_vanish() and \
            3.0 * (float(self.hist_max) - float(self.hist_min)) < 2.0 ** -42

    def _search(self) -> tuple[np.float32, np.float32]:
        """``_non_linear_param_search`` (see the class docstring); returns ``(x_min, x_max)``.

        Iterations that move neither end are skipped in one step (they only lower ``beta``);
        the float64 sequences of ``alpha``/``beta`` are PyTorch's, added one step at a time.
        The candidates are evaluated a run at a time: as long as no error rises, the next
        candidates do not depend on the errors, so a run of them (4, doubling up to 256) is laid
        out first, their errors computed together, and the walk stops at the first that rises,
        exactly where PyTorch's loop breaks.
        """
        hist = self.histogram
        total = float(torch_sum_f32(hist))
        csum = np.cumsum(hist, dtype=_F64).astype(_F32)
        beta_thresholds = -(_BETAS[1:] * total).astype(_F32)  # non-decreasing
        state = (0, 0, 0, self.bins - 1)  # i, j, start, end
        norm_min = np.inf
        silent = self._norms_vanish()
        run = 4
        while True:
            candidates = []
            walk = state
            while len(candidates) < run:
                walk = self._next_candidate(walk, csum, total, beta_thresholds)
                if walk is None:
                    break
                candidates.append(walk)
            if not candidates:
                break
            if silent:
                norms = np.zeros(len(candidates))
            else:
                norms = self.quantization_errors(np.array([c[2] for c in candidates]),
                                                 np.array([c[3] for c in candidates]))
            for candidate, norm in zip(candidates, norms, strict=True):
                if norm > norm_min:
                    return self._range_of(state[2], state[3])
                norm_min, state = norm, candidate
            if len(candidates) < run:
                break
            run = min(2 * run, 256)
        return self._range_of(state[2], state[3])

    @staticmethod
    def _next_candidate(state, csum, total, beta_thresholds):
        """One step of the search from ``(i, j, start, end)`` to the next ``(i, j, start, end)``
        whose error must be computed, or ``None`` when ``alpha`` meets ``beta``."""
        i, j, start, end = state
        while _ALPHAS[i] < _BETAS[j]:
            l_thr = _F32(_ALPHAS[i + 1] * total)
            r_thr = _F32(_BETAS[j + 1] * total)
            left = start + int(np.searchsorted(csum[start:end], l_thr, side="left"))
            right = start + int(np.searchsorted(csum[start + 1:end + 1], r_thr, side="right"))
            if left - start > end - right:
                next_start, next_end = left, end
                i += 1
            else:
                next_start, next_end = start, right
                j += 1
            if next_start == start and next_end == end:
                # beta keeps falling alone until csum[end] exceeds its threshold
                if end == start:
                    return None
                j = max(j, int(np.searchsorted(beta_thresholds, -csum[end], side="right")))
                continue
            return i, j, next_start, next_end
        return None

    def _range_of(self, start: int, end: int) -> tuple[np.float32, np.float32]:
        """The float32 range of bins ``start..end``, as PyTorch converts it back."""
        width = _F32(_F32(self.hist_max - self.hist_min) / _F32(self.bins))
        x_min = _F32(self.hist_min + _F32(width * _F32(start)))
        x_max = _F32(self.hist_min + _F32(width * _F32(end + 1)))
        return x_min, x_max


ObserverFactory = Callable[..., _Observer]

#: Registry for the UI: name -> ``factory(cfg, **params)``.
OBSERVERS: dict[str, ObserverFactory] = {
    "minmax": lambda cfg, **params: MinMaxObserver(**params),
    "moving_average": lambda cfg, **params: MovingAverageMinMaxObserver(**params),
    "percentile": lambda cfg, **params: PercentileObserver(**params),
    "mse": lambda cfg, **params: MSEObserver(cfg, **params),
    "entropy": lambda cfg, **params: EntropyObserver(cfg, **params),
    "histogram": lambda cfg, **params: HistogramObserver(dst_nbins=2**cfg.bits, **params),
}


def make_observer(name: str, cfg: QuantConfig, **params: Any) -> _Observer:
    """A fresh observer from :data:`OBSERVERS`; an unknown name raises ``ValueError``."""
    if name not in OBSERVERS:
        raise ValueError(f"observer {name!r} is not one of {', '.join(OBSERVERS)}")
    return OBSERVERS[name](cfg, **params)


def calibrate(name: str, x: np.ndarray, cfg: QuantConfig, batches: int | None = None,
              **params: Any) -> tuple[float, float]:
    """Run observer ``name`` over ``x`` and return its range ``(x_min, x_max)``.

    ``x`` is flattened and fed as ``batches`` consecutive, nearly equal batches
    (``np.array_split``; ``None`` means one batch). ``params`` go to the observer's
    constructor (``averaging_constant``, ``percentile``, ``n_candidates``, ``bins``, ...).
    """
    x = np.asarray(x)
    n = 1 if batches is None else batches
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= max(x.size, 1):
        raise ValueError(f"batches={batches!r} must be an integer in 1..{max(x.size, 1)}")
    obs = make_observer(name, cfg, **params)
    for batch in np.array_split(x.ravel(), n):
        obs.update(batch)
    return obs.x_min, obs.x_max
