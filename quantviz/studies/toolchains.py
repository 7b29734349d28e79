"""What the Toolchains page shows, computed: one tensor through every toolchain's defaults, and
where two toolchains give the tensor different values.

The tensor is fed as ``batches`` consecutive batches (``np.array_split``), the way a
calibration loop would feed it, to every toolchain of :data:`quantviz.toolchains.TOOLCHAINS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quantviz.metrics import code_counts, sqnr_db
from quantviz.quantize import (
    QParams,
    QuantConfig,
    Refusal,
    compute_qparams,
    dequantize,
    integer_dtype,
    quantize,
    saturated,
    unclipped_codes,
)
from quantviz.toolchains import TOOLCHAINS, pytorch_qparams


@dataclass(frozen=True)
class ToolchainRow:
    """One toolchain on the tensor: its parameters, SQNR, codes used and share clipped.

    ``error`` holds the toolchain's refusal (a sentence) when it refuses the tensor; the
    numbers are then absent. ``refusal`` names its kind and the numbers it states (see
    :func:`refusal_of`).
    """

    key: str
    qp: QParams | None
    sqnr_db: float = float("nan")
    codes_used: int = 0
    fraction_clipped: float = 0.0
    error: str | None = None
    refusal: tuple = ()

    @property
    def levels(self) -> int:
        return 0 if self.qp is None else self.qp.qmax - self.qp.qmin + 1


def refusal_of(exc: ValueError) -> tuple:
    """``(kind, ((name, value), ...))`` of a :class:`~quantviz.quantize.Refusal`, so that a
    page can say it in its language; ``()`` for any other ValueError (its English message
    is all there is)."""
    if isinstance(exc, Refusal):
        return (exc.kind, tuple(exc.values.items()))
    return ()


def toolchain_rows(x: np.ndarray, batches: int = 32) -> list[ToolchainRow]:
    """Every toolchain of :data:`TOOLCHAINS` on ``x`` fed in ``batches`` batches.

    ``sqnr_db`` is ``10 log10(sum x^2 / sum (x - x_hat)^2)`` of the toolchain's codes
    (``quantize`` with its own arithmetic); ``codes_used`` counts distinct codes;
    ``fraction_clipped`` the share of values that saturate. A toolchain that refuses the
    tensor (a ValueError from its adapter or from quantize) gets a row with ``error`` set.
    Empty ``x`` raises ``ValueError``.
    """
    flat = np.asarray(x, dtype=np.float32).ravel()
    if flat.size == 0:
        raise ValueError("the tensor is empty")
    parts = np.array_split(flat, max(1, min(int(batches), flat.size)))
    rows = []
    for key, tc in TOOLCHAINS.items():
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # ranges near float32's max
                qp = tc.qparams(parts)
                t = unclipped_codes(flat, qp)  # once: the codes and what saturates
                clipped = float(np.count_nonzero((t < qp.qmin) | (t > qp.qmax))) / flat.size
                q = np.clip(t, qp.qmin, qp.qmax, out=t).astype(integer_dtype(qp.qmin, qp.qmax))
                del t
                x_hat = dequantize(q, qp)
                sqnr = _sqnr(flat, x_hat)
        except ValueError as exc:
            rows.append(ToolchainRow(key, None, error=str(exc), refusal=refusal_of(exc)))
            continue
        counts = code_counts(q, qp.qmin, qp.qmax)
        rows.append(ToolchainRow(key, qp, sqnr, int(np.count_nonzero(counts)), clipped))
    return rows


def _sqnr(x: np.ndarray, x_hat: np.ndarray) -> float:
    """``sqnr_db``, or NaN where x_hat overflowed float32 (a range near float32's max)."""
    if not np.all(np.isfinite(x_hat)):
        return float("nan")
    return float(sqnr_db(x, x_hat))


#: Why two toolchains give an element different values, checked in this order.
REASONS = ("clipped", "grid", "rounding")


@dataclass(frozen=True)
class Disagreement:
    """Where toolchains ``a`` and ``b`` reconstruct the tensor differently, and why.

    ``count`` elements of ``n`` get different ``x_hat``. Each is put under one reason
    (``counts``, in :data:`REASONS` order): "clipped" (it saturates under one and not the
    other: their ranges differ), "grid" (their grids differ: another scale, or a zero point
    that puts the levels elsewhere, so ``x_hat`` differs almost everywhere), "rounding" (the
    same grid, but their arithmetics round a near-tie apart). ``x``, ``q_a``, ``q_b`` hold up
    to ``examples`` of the elements, rounding ones first.
    """

    a: str
    b: str
    n: int
    count: int
    counts: dict[str, int]
    same_grid: bool
    x: np.ndarray
    q_a: np.ndarray
    q_b: np.ndarray


def same_grid(qa: QParams, qb: QParams) -> bool:
    """Two grids are the same when their float32 scales are equal: the levels are then
    ``k * scale`` for integers ``k`` in both (zero points are integers and put 0.0 on a
    level), wherever both integer ranges reach."""
    return np.float32(qa.scale) == np.float32(qb.scale)


def disagreement(x: np.ndarray, qa: QParams, qb: QParams, a: str = "a", b: str = "b",
                 examples: int = 6) -> Disagreement:
    """Compare ``x_hat`` under ``qa`` and ``qb`` element by element (see :class:`Disagreement`)."""
    flat = np.asarray(x, dtype=np.float32).ravel()
    q_a, q_b = quantize(flat, qa), quantize(flat, qb)
    differ = dequantize(q_a, qa) != dequantize(q_b, qb)
    clip = saturated(flat, qa) != saturated(flat, qb)
    grid = same_grid(qa, qb)
    clipped = differ & clip
    rounding = differ & ~clip if grid else np.zeros_like(differ)
    on_grid = differ & ~clip & ~rounding
    counts = {"clipped": int(clipped.sum()), "grid": int(on_grid.sum()),
              "rounding": int(rounding.sum())}
    order = np.concatenate([np.flatnonzero(rounding), np.flatnonzero(clipped),
                            np.flatnonzero(on_grid)])[:examples]
    return Disagreement(a, b, int(flat.size), int(differ.sum()), counts, bool(grid),
                        flat[order], q_a[order], q_b[order])


@dataclass(frozen=True)
class Quirk:
    """One PyTorch call on the tensor: its parameters, or PyTorch's refusal.

    ``key`` names the call (see :func:`pytorch_quirks`); ``fraction_clipped`` is the share of
    values whose code saturates; ``error`` and ``refusal`` as in :class:`ToolchainRow`.
    """

    key: str
    qp: QParams | None
    fraction_clipped: float = 0.0
    error: str | None = None
    refusal: tuple = ()


def pytorch_quirks(x: np.ndarray, batches: int = 32) -> list[Quirk]:
    """PyTorch's quint8 symmetric corner cases on ``x`` (fed in ``batches`` batches):

    - ``default_range``: MinMaxObserver(quint8, per_tensor_symmetric): zero point 128;
    - ``explicit_range``: the same with quant_min=0, quant_max=255: the midpoint 127;
    - ``histogram_reduce``: HistogramObserver(quint8, per_tensor_symmetric,
      reduce_range=True): qmin..qmax 0..127 but zero point 128, so every value from 0.0 up
      saturates (and torch.fake_quantize refuses these parameters);
    - ``minmax_reduce``: MinMaxObserver with the same arguments: refused by PyTorch.
    """
    flat = np.asarray(x, dtype=np.float32).ravel()
    parts = np.array_split(flat, max(1, min(int(batches), flat.size)))
    calls = {
        "default_range": lambda: pytorch_qparams(parts, dtype="quint8",
                                                 qscheme="per_tensor_symmetric"),
        "explicit_range": lambda: compute_qparams(
            float(flat.min()), float(flat.max()), QuantConfig(8, "symmetric")),
        "histogram_reduce": lambda: pytorch_qparams(parts, observer="histogram",
                                                    dtype="quint8",
                                                    qscheme="per_tensor_symmetric",
                                                    reduce_range=True),
        "minmax_reduce": lambda: pytorch_qparams(parts, dtype="quint8",
                                                 qscheme="per_tensor_symmetric",
                                                 reduce_range=True),
    }
    out = []
    for key, call in calls.items():
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                qp = call()
                clipped = float(np.mean(saturated(flat, qp)))
        except ValueError as exc:
            out.append(Quirk(key, None, error=str(exc), refusal=refusal_of(exc)))
            continue
        out.append(Quirk(key, qp, clipped))
    return out
