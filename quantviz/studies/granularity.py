"""Per-tensor, per-channel and per-group quantization of one weight tensor, side by side.

One scale per tensor is cheap but lets the widest channel set the step for every channel; one
scale per channel (``axis``) or per group of ``group_size`` consecutive weights on the last axis
follows the data more closely and costs a few bytes of parameters more. This module measures
both sides: the error (SQNR, MSE, per channel) and the bytes the parameters take.

Every range here is MinMax over its slice (``channel_minmax``, ``group_minmax``): the lesson is
the granularity, not the calibration. The results hold per-channel vectors and small pooled
maps, never the tensor, so they can be cached and shared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from quantviz.metrics import summarize
from quantviz.quantize import QuantConfig, channel_minmax, compute_qparams, group_minmax

#: Group sizes the comparison tries (consecutive weights along the last axis).
GROUP_SIZES: tuple[int, ...] = (16, 32, 64, 128, 256)
#: A scale is stored as float32.
SCALE_BYTES = 4
#: Per-channel figures pool consecutive channels above this many points.
MAX_CHANNEL_POINTS = 2048
#: The group-range heat map pools cells down to at most this many rows and columns.
MAX_MAP_CELLS = 160
#: Elements per chunk when per-channel errors are accumulated in float64.
_CHUNK = 1 << 18


def channel_axis(shape: tuple[int, ...], axis: int) -> int:
    """``axis`` as a non-negative index into ``shape``; per channel needs 2-D or more.

    A 0-d or 1-D shape has no channels to tell apart (one number per channel would be the
    tensor itself): ``ValueError`` naming the shape. An out-of-range ``axis`` too.
    """
    ndim = len(shape)
    if ndim < 2:
        raise ValueError(f"per-channel quantization needs 2 or more dimensions, got shape {shape}")
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"axis must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis={axis} is out of range for shape {shape}")
    return int(axis) % ndim


def group_size_divides(shape: tuple[int, ...], group_size: int) -> bool:
    """True when ``group_size`` splits the last axis into whole groups (``shape[-1] % g == 0``)."""
    if isinstance(group_size, bool) or not isinstance(group_size, (int, np.integer)):
        raise ValueError(f"group_size must be a positive integer, got {group_size!r}")
    if group_size < 1:
        raise ValueError(f"group_size must be a positive integer, got {group_size}")
    return len(shape) >= 1 and shape[-1] % group_size == 0


@dataclass(frozen=True)
class ParamCost:
    """What the quantization parameters of one choice cost in storage.

    ``n_params`` (scale, zero point) pairs; each scale takes ``scale_bytes`` (float32: 4) and
    each zero point ``zero_point_bytes``: the width of the codes' own integer type (int8 or
    uint8 up to 8 bits, 16-bit types above) for asymmetric schemes, and 0 for symmetric ones,
    whose zero point is fixed by the scheme (0, or the midpoint when unsigned) and need not
    be stored. ``bits_per_weight = 8 * total_bytes / n_weights``: the overhead added to each
    weight's ``bits``.
    """

    n_params: int
    scale_bytes: int
    zero_point_bytes: int
    n_weights: int

    @property
    def total_bytes(self) -> int:
        return self.n_params * (self.scale_bytes + self.zero_point_bytes)

    @property
    def bits_per_weight(self) -> float:
        return 8.0 * self.total_bytes / self.n_weights


def param_cost(n_params: int, n_weights: int, cfg: QuantConfig) -> ParamCost:
    """The :class:`ParamCost` of ``n_params`` parameter pairs for ``n_weights`` weights.

    Example: 64 channels of 256 int8 weights, asymmetric: ``64 * (4 + 1) = 320`` bytes,
    ``8 * 320 / 16384 = 0.15625`` bits per weight. ``n_params`` or ``n_weights`` below 1
    raises ``ValueError``.
    """
    if n_params < 1 or n_weights < 1:
        raise ValueError(f"n_params={n_params} and n_weights={n_weights} must both be >= 1")
    zp_bytes = 0 if cfg.scheme == "symmetric" else cfg.dtype.itemsize
    return ParamCost(int(n_params), SCALE_BYTES, zp_bytes, int(n_weights))


def channel_sums(
    x: np.ndarray, x_hat: np.ndarray, axis: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per channel along ``axis``: ``sum (x - x_hat)^2`` and ``sum x^2``, in float64.

    Chunked over channels (no full-size float64 temporary). Shapes must match.
    """
    x, x_hat = np.asarray(x), np.asarray(x_hat)
    if x.shape != x_hat.shape:
        raise ValueError(f"x has shape {x.shape} but x_hat has shape {x_hat.shape}")
    ax = channel_axis(x.shape, axis)
    xm, hm = np.moveaxis(x, ax, 0), np.moveaxis(x_hat, ax, 0)
    channels = x.shape[ax]
    per_channel = x.size // channels
    step = max(1, _CHUNK // max(per_channel, 1))
    sse = np.empty(channels, dtype=np.float64)
    sumsq = np.empty(channels, dtype=np.float64)
    for start in range(0, channels, step):
        xs = xm[start : start + step].reshape(-1, per_channel).astype(np.float64)
        err = xs - hm[start : start + step].reshape(-1, per_channel)
        sse[start : start + step] = np.einsum("ij,ij->i", err, err)
        sumsq[start : start + step] = np.einsum("ij,ij->i", xs, xs)
    return sse, sumsq


def sqnr_from_sums(sumsq: np.ndarray, sse: np.ndarray) -> np.ndarray:
    """``10 log10(sum x^2 / sum (x - x_hat)^2)`` elementwise, in dB.

    ``inf`` where the error is 0 (an all-zero channel included), ``-inf`` where the signal is 0
    but the error is not, as :func:`quantviz.metrics.sqnr_db`.
    """
    sumsq, sse = np.asarray(sumsq, np.float64), np.asarray(sse, np.float64)
    out = np.full(np.broadcast(sumsq, sse).shape, np.inf)
    noisy = sse > 0
    silent = noisy & (sumsq == 0)
    ok = noisy & ~silent
    out[silent] = -np.inf
    out[ok] = 10.0 * np.log10(sumsq[ok] / sse[ok])
    return out


@dataclass(frozen=True)
class GranularityResult:
    """One choice of granularity measured on one tensor.

    ``kind`` is "tensor", "channel" or "group" (``group_size`` set only for "group").
    ``channel_mse``/``channel_sqnr_db`` hold one value per channel along the channel axis,
    whatever the granularity, so the choices can be compared channel by channel.
    """

    kind: str
    group_size: int | None
    cost: ParamCost
    sqnr_db: float
    mse: float
    channel_mse: np.ndarray
    channel_sqnr_db: np.ndarray


def _slice_range(x: np.ndarray, kind: str, axis: int, group_size: int | None):
    if kind == "tensor":
        return float(x.min()), float(x.max()), {}
    if kind == "channel":
        lo, hi = channel_minmax(x, axis)
        return lo, hi, {"axis": axis}
    if kind == "group":
        if group_size is None or not group_size_divides(x.shape, group_size):
            raise ValueError(
                f"group_size={group_size} does not divide the last axis (length {x.shape[-1]})"
            )
        lo, hi = group_minmax(x, group_size)
        return lo, hi, {"group_size": group_size}
    raise ValueError(f"kind={kind!r} is not one of tensor, channel, group")


def measure(
    x: np.ndarray, cfg: QuantConfig, kind: str, axis: int, group_size: int | None = None
) -> GranularityResult:
    """Quantize ``x`` with MinMax ranges per tensor, per channel or per group and measure it.

    Ranges: ``[min x, max x]`` for "tensor", ``channel_minmax(x, axis)`` for "channel",
    ``group_minmax(x, group_size)`` (last axis) for "group"; then ``compute_qparams`` and
    ``metrics.summarize``. Per-channel errors come from :func:`channel_sums` on ``x_hat``.
    ``x`` needs 2 or more dimensions; a group size that does not divide the last axis raises
    ``ValueError``.
    """
    x = np.asarray(x)
    ax = channel_axis(x.shape, axis)
    lo, hi, where = _slice_range(x, kind, ax, group_size)
    qp = compute_qparams(lo, hi, cfg)
    _, x_hat, summary = summarize(x, qp, **where)
    sse, sumsq = channel_sums(x, x_hat, ax)
    del x_hat
    per_channel = x.size // x.shape[ax]
    return GranularityResult(
        kind=kind,
        group_size=group_size if kind == "group" else None,
        cost=param_cost(int(np.size(qp.scale)), x.size, cfg),
        sqnr_db=summary.sqnr_db,
        mse=summary.mse,
        channel_mse=sse / per_channel,
        channel_sqnr_db=sqnr_from_sums(sumsq, sse),
    )


@dataclass(frozen=True)
class Comparison:
    """Per tensor, per channel and every group size that divides the last axis.

    ``skipped`` lists the group sizes that do not divide it (no result for them).
    """

    per_tensor: GranularityResult
    per_channel: GranularityResult
    per_group: tuple[GranularityResult, ...]
    skipped: tuple[int, ...]

    def group(self, group_size: int) -> GranularityResult | None:
        """The per-group result for ``group_size``, or None when it was skipped."""
        return next((r for r in self.per_group if r.group_size == group_size), None)

    @property
    def all(self) -> tuple[GranularityResult, ...]:
        return (self.per_tensor, self.per_channel, *self.per_group)


def compare(
    x: np.ndarray, cfg: QuantConfig, axis: int, group_sizes: tuple[int, ...] = GROUP_SIZES
) -> Comparison:
    """:func:`measure` for per tensor, per channel and each group size (non-dividing skipped)."""
    x = np.asarray(x)
    channel_axis(x.shape, axis)
    fits = tuple(g for g in group_sizes if group_size_divides(x.shape, g))
    return Comparison(
        per_tensor=measure(x, cfg, "tensor", axis),
        per_channel=measure(x, cfg, "channel", axis),
        per_group=tuple(measure(x, cfg, "group", axis, g) for g in fits),
        skipped=tuple(g for g in group_sizes if g not in fits),
    )


@dataclass(frozen=True)
class Pooled:
    """Per-channel values pooled over blocks of ``k`` consecutive entries (``k = 1``: as is).

    ``start[i]`` is the first channel of block ``i`` (in the order given).
    """

    start: np.ndarray
    values: np.ndarray
    k: int


_REDUCERS = ("min", "max", "mean")


def pool(values: np.ndarray, how: str, max_points: int = MAX_CHANNEL_POINTS) -> Pooled:
    """Reduce ``values`` by blocks of ``k = ceil(n / max_points)`` with ``how`` (min/max/mean).

    The last block may be shorter; infinities propagate (a block holding an infinite SQNR
    pools to an infinite mean). Empty input or an unknown ``how`` raises ``ValueError``.
    """
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    if values.size == 0:
        raise ValueError("pool of an empty array")
    if how not in _REDUCERS:
        raise ValueError(f"how={how!r} is not one of {', '.join(_REDUCERS)}")
    if max_points < 1:
        raise ValueError(f"max_points must be >= 1, got {max_points}")
    k = max(1, math.ceil(values.size / max_points))
    if k == 1:
        return Pooled(np.arange(values.size), values, 1)
    start = np.arange(0, values.size, k)
    if how == "mean":
        pooled = np.add.reduceat(values, start) / np.diff(np.append(start, values.size))
    else:
        pooled = (np.minimum if how == "min" else np.maximum).reduceat(values, start)
    return Pooled(start, pooled, k)


@dataclass(frozen=True)
class ChannelRanges:
    """Each channel's ``x_min``/``x_max`` (MinMax over the other axes) and a display order.

    ``order`` sorts the channels by their range width ``x_max - x_min`` (widest first, ties by
    index), so the figure can show how uneven the channels are.
    """

    x_min: np.ndarray
    x_max: np.ndarray
    order: np.ndarray


def channel_ranges(x: np.ndarray, axis: int) -> ChannelRanges:
    """``channel_minmax(x, axis)`` plus the widest-first order (see :class:`ChannelRanges`)."""
    x = np.asarray(x)
    ax = channel_axis(x.shape, axis)
    lo, hi = channel_minmax(x, ax)
    lo, hi = lo.astype(np.float64), hi.astype(np.float64)
    order = np.lexsort((np.arange(lo.size), -(hi - lo)))
    return ChannelRanges(lo, hi, order)


@dataclass(frozen=True)
class GroupMap:
    """``max |x|`` of each group, pooled (max) to at most ``MAX_MAP_CELLS`` per side.

    ``cells[r, c]`` covers rows ``r * row_step ...`` (rows are all axes but the last, flattened)
    and groups ``c * col_step ...``.
    """

    cells: np.ndarray
    row_step: int
    col_step: int
    rows: int
    groups: int


def group_map(x: np.ndarray, group_size: int, max_cells: int = MAX_MAP_CELLS) -> GroupMap:
    """Heat-map data: ``max(|group_min|, |group_max|)`` per (row, group), block-max pooled.

    ``x`` must have 2 or more dimensions and ``group_size`` must divide the last axis.
    """
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"a group map needs 2 or more dimensions, got shape {x.shape}")
    if not group_size_divides(x.shape, group_size):
        raise ValueError(
            f"group_size={group_size} does not divide the last axis (length {x.shape[-1]})"
        )
    lo, hi = group_minmax(x, group_size)
    amax = np.maximum(np.abs(lo), np.abs(hi)).astype(np.float64)
    amax = amax.reshape(-1, amax.shape[-1])
    rows, groups = amax.shape
    row_step = max(1, math.ceil(rows / max_cells))
    col_step = max(1, math.ceil(groups / max_cells))
    cells = np.maximum.reduceat(amax, np.arange(0, rows, row_step), axis=0)
    cells = np.maximum.reduceat(cells, np.arange(0, groups, col_step), axis=1)
    return GroupMap(cells, row_step, col_step, rows, groups)
