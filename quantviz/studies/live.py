"""The live figure's data: one fine histogram of ``x``, sent to the browser once.

While a control of the live figure moves, the browser re-quantizes this histogram instead of
the tensor: its size is fixed (:data:`LIVE_BINS` counts and their edges), whatever the size of
``x``. What the server computes exactly (scale, zero point, codes used, errors) travels beside
it in :func:`exact_numbers`, and the figure shows those numbers once they arrive.

Edges are float32, as the values are: a value ``v`` counts in bin ``i`` when
``edges[i] <= v < edges[i + 1]`` (the last bin also holds ``v == edges[-1]``), so the browser,
quantizing an edge with the same float32 arithmetic as PyTorch, knows exactly which bins lie
inside one code and which straddle two.
"""

from __future__ import annotations

import base64
import hashlib
import math
from dataclasses import dataclass

import numpy as np

from quantviz.quantize import QuantConfig
from quantviz.studies.views import ExploreView

#: Bins of the fine histogram: 4,096 counts (11 kB as base64 uint16) and their edges (derived in
#: the browser from the two ends where it can, else 22 kB more).
LIVE_BINS = 4096
#: Observers whose range depends on the config (bits, scheme, signed): the browser cannot
#: recompute theirs, so its preview keeps the server's last range for them.
CONFIG_RANGED: tuple[str, ...] = ("mse", "entropy", "histogram")
#: A count is sent as uint32: a tensor may hold at most this many values.
MAX_VALUES = 2**32 - 1


@dataclass(frozen=True)
class FineHistogram:
    """``counts[i]`` values of ``x`` lie in ``[edges[i], edges[i + 1])`` (last bin closed).

    ``x_min``/``x_max`` are the data's exact float32 extremes (the MinMax range); ``n`` the
    number of values.
    """

    edges: np.ndarray
    counts: np.ndarray
    x_min: float
    x_max: float
    n: int


def _outer_edges(lo: float, hi: float) -> tuple[float, float]:
    """The histogram's range: ``[lo, hi]``, widened when the data are one value.

    A constant tensor (``lo == hi``) gets ``[lo - h, hi + h]`` with
    ``h = max(0.5, |lo| / 1024)``: numpy's own half-unit for small values, and a relative
    widening for large ones (``1e30 - 0.5`` is ``1e30`` again in float32).
    """
    if hi > lo:
        return lo, hi
    half = max(0.5, abs(lo) / 1024)
    return lo - half, hi + half


def fine_histogram(x: np.ndarray, bins: int = LIVE_BINS) -> FineHistogram:
    """Bin ``x`` (cast to float32) into ``bins`` equal bins over ``[min(x), max(x)]``.

    The edges are float32 and the counts are exactly the number of values between them
    (numpy's equal-bin path assigns each value against the float32 edges it returns). A range
    too narrow for ``bins`` distinct float32 edges (``[1, 1 + 50 * 2^-23]``) repeats edges:
    the bins between two equal edges are empty. Edge cases: a constant tensor is widened (see
    :func:`_outer_edges`); an empty ``x``, a NaN or an infinity, ``bins < 1`` or more than
    :data:`MAX_VALUES` values raise ``ValueError``.
    """
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins!r}")
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise ValueError(f"x must hold real numbers, got dtype {x.dtype}")
    if x.size == 0:
        raise ValueError("x is empty: there is nothing to bin")
    if x.size > MAX_VALUES:
        raise ValueError(f"x has {x.size:,} values; counts are sent as uint32 (at most "
                         f"{MAX_VALUES:,})")
    flat = np.asarray(x.reshape(-1), dtype=np.float32)
    lo, hi = float(flat.min()), float(flat.max())
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"x must be finite, got values in [{lo}, {hi}]")
    first, last = (np.float32(v) for v in _outer_edges(lo, hi))
    try:  # equal bins: one pass (0.06 s for 10 million values)
        counts, edges = np.histogram(flat, bins=int(bins), range=(first, last))
    except ValueError:  # a range too narrow for float32 to hold distinct edges: repeat some
        edges = np.linspace(float(first), float(last), int(bins) + 1).astype(np.float32)
        counts, edges = np.histogram(flat, bins=edges)
    return FineHistogram(edges.astype(np.float32), counts.astype(np.uint32), lo, hi,
                         int(flat.size))


def _b64(array: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def _number(value: float) -> float | str:
    """A float for JSON: finite as it is, else ``"inf"``, ``"-inf"`` or ``"nan"`` (JSON has
    no infinity; an SQNR of an exact quantization is one)."""
    value = float(value)
    return value if math.isfinite(value) else str(value)


def browser_edges(first: float, last: float, bins: int) -> np.ndarray:
    """The edges the browser derives from the two ends, in the browser's own arithmetic.

    ``step = f32(f32(last - first) / bins)``, ``edges[i] = f32(f32(i * step) + first)``,
    ``edges[bins] = last``, where each operation is a float64 one (JavaScript's numbers) and
    ``f32`` is ``Math.fround``: so this numpy copy and ``linspaceEdges`` in
    ``live_figure.js`` compute the same bits. :func:`histogram_payload` sends the edges only
    where these differ from the histogram's own.
    """
    f32, f64 = np.float32, np.float64
    first64, last64 = f64(f32(first)), f64(f32(last))
    step = f64(f32(f64(f32(last64 - first64)) / f64(bins)))
    i = np.arange(bins, dtype=f64)
    edges = np.empty(bins + 1, f32)
    edges[:bins] = ((i * step).astype(f32).astype(f64) + first64).astype(f32)
    edges[bins] = f32(last64)
    return edges


def histogram_payload(hist: FineHistogram) -> dict:
    """The histogram as JSON: the counts in base64 (little-endian uint16 when every count fits,
    else uint32) and the float32 edges, sent only when the browser cannot derive them.

    Most histograms' edges are what :func:`browser_edges` gives from the two ends, bit for bit
    (checked here on every histogram): then only ``first`` and ``last`` go, and the payload
    is a quarter of the 44 kB it would be (the counts of up to 65,535 values per bin as uint16).
    ``key`` is a digest of the edges and counts, so the browser decodes a histogram only once.
    """
    edges = np.ascontiguousarray(hist.edges, dtype="<f4")
    counts_type = "u2" if int(hist.counts.max(initial=0)) < 2**16 else "u4"
    counts = np.ascontiguousarray(hist.counts, dtype=f"<{counts_type}")
    digest = hashlib.blake2b(edges.tobytes() + hist.counts.astype("<u4").tobytes(),
                             digest_size=8).hexdigest()
    out = {"key": digest, "bins": int(hist.counts.size), "counts_type": counts_type,
           "counts": _b64(counts, f"<{counts_type}"), "first": float(edges[0]),
           "last": float(edges[-1]), "x_min": hist.x_min, "x_max": hist.x_max, "n": hist.n}
    derived = browser_edges(edges[0], edges[-1], int(hist.counts.size))
    if not np.array_equal(derived.view(np.uint32), edges.view(np.uint32)):
        out["edges"] = _b64(edges, "<f4")
    return out


def config_payload(cfg: QuantConfig) -> dict:
    """The fields of ``cfg`` the browser reproduces, with its integer range."""
    return {"bits": cfg.bits, "scheme": cfg.scheme, "signed": bool(cfg.signed),
            "narrow_range": bool(cfg.narrow_range), "reduce_range": bool(cfg.reduce_range),
            "rounding": cfg.rounding, "arithmetic": cfg.arithmetic,
            "qmin": cfg.qmin, "qmax": cfg.qmax}


def exact_numbers(view: ExploreView) -> dict:
    """What the server computed on the whole tensor, for the figure to show as exact.

    ``x_min``/``x_max`` are the calibrated range; ``codes_used`` of ``levels`` codes occur.
    """
    s, qp = view.summary, view.qp
    return {"config": config_payload(qp.config), "x_min": view.x_min, "x_max": view.x_max,
            "scale": float(qp.scale), "zero_point": int(qp.zero_point), "qmin": qp.qmin,
            "qmax": qp.qmax, "codes_used": int(s.usage.used), "levels": int(s.usage.levels),
            "sqnr_db": _number(s.sqnr_db), "mse": _number(s.mse),
            "max_abs_error": _number(s.max_abs_error),
            "fraction_clipped": _number(s.fraction_clipped)}
